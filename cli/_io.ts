// Private to the CLI: where it writes, and its exit codes.

/**
 * Exit codes of the CLI, one per verdict class.
 *
 * @example
 * ```ts
 * import { EXIT } from "./_io.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(EXIT.violation, 1);
 * ```
 */
export const EXIT = { ok: 0, violation: 1, incomplete: 2, error: 3 } as const;

/**
 * Where the CLI writes; tests pass their own.
 *
 * @example
 * ```ts
 * import type { CliIO } from "./_io.ts";
 * import assert from "node:assert/strict";
 *
 * const lines: string[] = [];
 * const io: CliIO = { out: (t) => lines.push(t), err: (t) => lines.push(t) };
 * io.out("hello");
 * assert.deepEqual(lines, ["hello"]);
 * ```
 */
export interface CliIO {
  /** Standard output, one call per block of lines. */
  out(text: string): void;
  /** Standard error. */
  err(text: string): void;
}

/** The console. */
export const defaultIO: CliIO = {
  // deno-lint-ignore no-console
  out: (t) => console.log(t),
  // deno-lint-ignore no-console
  err: (t) => console.error(t),
};
