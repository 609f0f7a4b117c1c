// Private module: what the step builder's channel receives do with the
// targets and patterns a spec gives them (a local's name, a record of local
// names, a function; a constant, a partial record, a predicate).

import type { Ctx } from "./_ast.ts";

/**
 * Turns a receive's target into the function the channel calls: a local's
 * name stores the (integer) message; a record (or list) of local names
 * stores each named field into its local; a function is called as is.
 */
export function messageInto(into: unknown): (ctx: Ctx, message: unknown) => void {
  if (typeof into === "string") {
    return (ctx, m) => {
      if (typeof m !== "number") {
        throw new TypeError(
          `cannot store a structured message in local '${into}': name a local per field, ` +
            "e.g. { seq: 'bit' }, or pass a function",
        );
      }
      ctx.l[into] = m;
    };
  }
  if (typeof into === "function") return into as (ctx: Ctx, message: unknown) => void;
  if (into === null || typeof into !== "object") {
    throw new TypeError(`a receive target must be a local's name, fields to locals or a function`);
  }
  const pairs = Object.entries(into as Record<string, string | undefined>)
    .filter((e): e is [string, string] => e[1] !== undefined);
  return (ctx, m) => {
    for (const [field, local] of pairs) {
      const v = (m as Record<string, unknown> | null)?.[field];
      if (typeof v !== "number") {
        throw new TypeError(`the message has no field ${field} to store in local '${local}'`);
      }
      ctx.l[local] = v;
    }
  };
}

/**
 * Turns a receive's pattern into a predicate: a number matches that
 * message; a record (or list) matches the messages whose given fields have
 * the given values; a function is called as is.
 */
export function messagePredicate(pattern: unknown): (message: unknown, ctx: Ctx) => boolean {
  if (typeof pattern === "function") return pattern as (message: unknown, ctx: Ctx) => boolean;
  if (typeof pattern === "number") return (m) => m === pattern;
  if (pattern === null || typeof pattern !== "object") {
    throw new TypeError(`a receive pattern must be a message, some of its fields or a predicate`);
  }
  const pairs = Object.entries(pattern as Record<string, unknown>)
    .filter((e) => e[1] !== undefined);
  return (m) =>
    m !== null && typeof m === "object" &&
    pairs.every(([k, v]) => (m as Record<string, unknown>)[k] === v);
}
