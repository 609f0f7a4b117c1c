/**
 * The error for a spec that cannot be checked: bad parameters, a bad
 * declaration, an unknown label, or spec code that throws while the checker
 * runs it. The message names the spec, and where known the process, the step
 * and where the step was written.
 *
 * @module
 */

/** Where in a spec an error arose. */
export interface SpecErrorLocation {
  /** The spec's name. */
  spec: string;
  /** The process (`name` or `name#id`). */
  process?: string | undefined;
  /** The step's name. */
  step?: string | undefined;
  /** Where the step was written (`file:line:col`). */
  source?: string | undefined;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * A spec that cannot be checked. The message reads
 * `Cannot check 'spec': process 'p#0', step 'put' (file:12:5): reason`.
 *
 * @example
 * ```ts
 * import { SpecError } from "./spec_error.ts";
 * import assert from "node:assert/strict";
 *
 * const e = new SpecError("capacity must be >= 0, got -1", { spec: "pc" });
 * assert.equal(e.message, "Cannot check 'pc': capacity must be >= 0, got -1");
 * ```
 */
export class SpecError extends Error {
  /** The spec's name. */
  readonly spec: string;
  /** The process, when the error is inside one. */
  readonly process: string | undefined;
  /** The step, when the error is inside one. */
  readonly step: string | undefined;
  /** Where the step was written, when known. */
  readonly source: string | undefined;
  /** The error without the location prefix. */
  readonly reason: string;

  /**
   * Creates the error and its message.
   *
   * @param reason What is wrong.
   * @param where Where it is wrong.
   */
  constructor(reason: string, where: SpecErrorLocation) {
    const parts: string[] = [];
    if (where.process !== undefined) parts.push(`process '${where.process}'`);
    if (where.step !== undefined) parts.push(`step '${where.step}'`);
    let loc = parts.join(", ");
    if (where.source !== undefined) loc += loc === "" ? `at ${where.source}` : ` (${where.source})`;
    super(`Cannot check '${where.spec}': ${loc === "" ? "" : loc + ": "}${reason}`, {
      cause: where.cause,
    });
    this.name = "SpecError";
    this.spec = where.spec;
    this.process = where.process;
    this.step = where.step;
    this.source = where.source;
    this.reason = reason;
  }
}

/**
 * The message of any thrown value, without a stack.
 *
 * @param e What was thrown.
 * @returns Its message (an `Error`'s), or its text.
 *
 * @example
 * ```ts
 * import { errorText } from "./spec_error.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(errorText(new RangeError("capacity must be >= 0, got -1")), "capacity must be >= 0, got -1");
 * assert.equal(errorText("plain"), "plain");
 * ```
 */
export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
