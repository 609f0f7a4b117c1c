/**
 * Size guards: a process count, an array length or a state width beyond
 * these limits is a mistake (a parameter of 99999999999), not a model to
 * check, and is refused with a message naming the parameter it came from
 * instead of taking gigabytes and dying.
 *
 * @module
 */

/** The most copies of one process kind. */
export const MAX_COPIES = 1024;
/** The longest array variable. */
export const MAX_ARRAY = 65_536;
/** The most `Int32` slots in a state (256 KiB). */
export const MAX_WIDTH = 65_536;

/**
 * The message for `what` being `value`, above `limit`, naming the
 * parameters that have that value.
 *
 * @param what E.g. `process 'worker': count`.
 * @param value The value found.
 * @param limit The largest value allowed.
 * @param params The spec's parameter values.
 * @returns The message.
 *
 * @example
 * ```ts
 * import { tooLarge } from "./_limits.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   tooLarge("process 'worker': count", 5000, 1024, { workers: 5000 }),
 *   "process 'worker': count is 5000, more than the limit 1024 (the value of parameter 'workers')",
 * );
 * ```
 */
export function tooLarge(
  what: string,
  value: number,
  limit: number,
  params: Readonly<Record<string, number | boolean>>,
): string {
  const from = Object.entries(params).filter(([, v]) => v === value).map(([k]) => `'${k}'`);
  return `${what} is ${value}, more than the limit ${limit}${
    from.length === 0
      ? ""
      : ` (the value of parameter${from.length === 1 ? "" : "s"} ${from.join(", ")})`
  }`;
}
