// Private module: helpers the mailbox and the mailslot share.

import type { Ctx, OpImpl } from "../_ast.ts";

/** The message as a 32-bit integer, or a RangeError naming the primitive. */
export function checkMessage(mb: { readonly name: string }, v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < -2147483648 || v > 2147483647) {
    throw new RangeError(`cannot send ${String(v)} on '${mb.name}': expected a 32-bit integer`);
  }
  return v;
}

/**
 * Adds outcomes to an operation; `maxChoices` stays a getter, evaluated when
 * the spec compiles (the receivers may name kinds declared later).
 */
export function withChoices(
  op: OpImpl,
  max: () => number,
  choices: (w: Int32Array, off: number, pid: number, ctx: Ctx) => number,
  choiceText: (c: number) => string,
): OpImpl {
  const out = { ...op, choices, choiceText };
  Object.defineProperty(out, "maxChoices", { get: max, enumerable: true });
  return out;
}
