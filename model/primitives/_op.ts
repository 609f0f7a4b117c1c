// Private module: helpers shared by the primitive files.

import { callerSource, type Ctx, type Expr, type Into, type OpImpl, type Step } from "../_ast.ts";

/**
 * Wraps an operation as a step of the step language, recording where the
 * spec called it (for traces). Every primitive's calls end here.
 *
 * @param op The operation.
 * @returns The step, to put in a process body.
 *
 * @example
 * ```ts
 * import { opStep } from "./_op.ts";
 * import { semaphore } from "./semaphore.ts";
 * import assert from "node:assert/strict";
 *
 * const s = semaphore("s", 1);
 * const step = opStep({ prim: s, text: "peek(s)", enabled: () => true, apply: () => undefined });
 * assert.equal(step.kind, "op");
 * ```
 */
export function opStep(op: OpImpl): Step {
  return { kind: "op", name: op.text, op, src: callerSource() };
}

/**
 * Removes entry `i` of the `n` entries of `size` slots packed from `base`
 * (a queue, a table): the later entries move one entry forward and the
 * freed last one is zeroed, so equal contents stay equal states. Needs
 * `0 <= i < n`.
 */
export function closeGap(w: Int32Array, base: number, n: number, i: number, size: number): void {
  const end = base + (n - 1) * size;
  for (let k = base + i * size; k < end; k++) w[k] = w[k + size]!;
  for (let k = end; k < end + size; k++) w[k] = 0;
}

/** Throws a RangeError unless `value` is an integer in [min, max]. */
export function requireInt(
  what: string,
  value: unknown,
  min: number,
  max: number = 2147483647,
): number {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new TypeError(`${what} must be an integer, got ${String(value)}`);
  }
  if (value < min) throw new RangeError(`${what} must be >= ${min}, got ${value}`);
  if (value > max) throw new RangeError(`${what} must be <= ${max}, got ${value}`);
  return value;
}

/** Throws a TypeError unless `t` (a call's `name` option, if given) is absent or made by `s.into`. */
export function checkInto(what: string, t: Into | undefined, name?: string): void {
  if (t !== undefined && (t === null || typeof t !== "object" || t.kind !== "into")) {
    const which = name === undefined ? what : `${what}: ${name}`;
    throw new TypeError(`${which} must be a target made by s.into(...)`);
  }
}

/**
 * Reports an error `code` into the status target, or, when there is none,
 * returns `message()` as a violation (an error never passes silently).
 */
export function report(
  status: Into | undefined,
  ctx: Ctx,
  code: number,
  message: () => string,
): string | undefined {
  if (status === undefined) return message();
  status.set(ctx, code);
  return undefined;
}

/**
 * Throws a TypeError unless a non-blocking call was given a status target
 * (the only way its caller sees `EAGAIN`); returns the target.
 */
export function requireStatus<T>(call: string, status: T | undefined): T {
  if (status === undefined) throw new TypeError(`${call}: a status target is required`);
  return status;
}

/** Throws unless option `name` of call `what` is an integer in [min, max] or an `s.expr(...)`. */
export function checkExprOrInt(
  what: string,
  v: unknown,
  name: string,
  min: number,
  max: number = 2147483647,
): void {
  if (typeof v === "number") requireInt(`${what}: ${name}`, v, min, max);
  else if (v === null || typeof v !== "object" || (v as Expr).kind !== "expr") {
    throw new TypeError(`${what}: ${name} must be a number or s.expr(...)`);
  }
}

/** Throws a TypeError unless `name` is a non-empty identifier-like string. */
export function requireName(kind: string, name: unknown): string {
  if (typeof name !== "string" || !/^[A-Za-z_][\w.-]*$/.test(name)) {
    throw new TypeError(`${kind} name must be a non-empty identifier, got ${JSON.stringify(name)}`);
  }
  return name;
}
