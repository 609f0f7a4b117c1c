// Private module: the counted loop `s.for`, lowered to the step tree.
//
// A counted loop is the hand-counted `while (i < to) { body; i++ }`: the
// same program counters and edges in the same order, so the same
// transitions with the same numbers (schedule files and replay paths of a
// spec converted from the hand pattern stay valid). Two differences: the
// loop's exit also resets the counter to `from` (in the same transition),
// so the loop can run again; and its transitions are named after the
// counter: `for (i < to) -> body`, `for (i < to) -> done`, `i++`. With
// `increment: "last"` (or `{ in: name }`) the increment is part of the
// body's last (or named) `s.do` step instead of a transition of its own,
// for a loop whose hand-written version counts inside that step.

import { type Ctx, exprText, type Source, type Step } from "./_ast.ts";

/** Options of the counted loop `s.for`. */
export interface ForOptions {
  /**
   * Where the counter is incremented. `"step"` (the default): a transition
   * of its own, `i++`, after the body. `"last"`: in the same transition as
   * the body's last step, which must be an `s.do`. `{ in: name }`: in the
   * same transition as the body's `s.do` step of that name (directly in
   * the body), for a loop that counts in the middle of its body. The step
   * keeps its name and runs its effect, then the increment.
   */
  readonly increment?: "step" | "last" | { readonly in: string };
}

/**
 * Builds the step tree of `s.for(counter, from, to, body, options)`.
 *
 * @param counter The number local that counts.
 * @param from Its value in the first round.
 * @param to The bound, or a function of the view read each round.
 * @param body The loop body.
 * @param options Where the increment happens.
 * @param src Where the loop was written.
 * @returns The step.
 */
export function forStep(
  counter: string,
  from: number,
  to: unknown,
  body: readonly Step[],
  options: ForOptions,
  src: Source,
): Step {
  const where = `s.for('${counter}')`;
  if (!Number.isSafeInteger(from)) {
    throw new TypeError(`${where}: from must be an integer, got ${String(from)}`);
  }
  if (typeof to !== "number" && typeof to !== "function") {
    throw new TypeError(`${where}: to must be a number or a function, got ${String(to)}`);
  }
  if (breaksOut(body)) {
    throw new TypeError(
      `${where}: breakLoop() in the body would leave '${counter}' unreset; use s.while`,
    );
  }
  const bound = typeof to === "number" ? () => to : to as (ctx: Ctx) => number;
  const test = `${counter} < ${typeof to === "number" ? String(to) : exprText(to)}`;
  return {
    kind: "while",
    name: `for ${counter}`,
    cond: (ctx) => ctx.l[counter] < bound(ctx),
    body: counted(where, counter, body, options, src),
    src,
    counted: {
      test: `for (${test}) -> body`,
      done: `for (${test}) -> done`,
      reset: (ctx) => {
        ctx.l[counter] = from;
      },
    },
  };
}

/** The body followed by the increment, or with the increment in one of its `s.do` steps. */
function counted(
  where: string,
  counter: string,
  body: readonly Step[],
  options: ForOptions,
  src: Source,
): Step[] {
  const increment = options.increment ?? "step";
  if (increment === "step") {
    const next: Step = {
      kind: "do",
      name: `${counter}++`,
      fn: (ctx) => {
        ctx.l[counter]++;
      },
      src,
    };
    return [...body, next];
  }
  const at = increment === "last"
    ? body.length - 1
    : typeof increment === "object" && increment !== null && typeof increment.in === "string"
    ? body.findIndex((st) => st.kind === "do" && st.name === increment.in)
    : undefined;
  if (at === undefined) {
    throw new TypeError(
      `${where}: increment must be "step", "last" or { in: step name }, got ${
        JSON.stringify(increment)
      }`,
    );
  }
  const host = body[at];
  if (host === undefined || host.kind !== "do") {
    const wanted = increment === "last"
      ? "as the body's last step"
      : `named '${(increment as { in: string }).in}' in the body`;
    const got = host === undefined ? "none" : `a '${host.kind}' step`;
    throw new TypeError(`${where}: the increment needs an s.do ${wanted}, got ${got}`);
  }
  const effect = host.fn;
  const merged: Step = {
    ...host,
    fn: (ctx) => {
      effect(ctx);
      ctx.l[counter]++;
    },
  };
  return body.map((st, i) => i === at ? merged : st);
}

/** Whether a `breakLoop()` in `steps` leaves the loop around them (not an inner one). */
function breaksOut(steps: readonly Step[]): boolean {
  return steps.some((s) =>
    s.kind === "break" ||
    (s.kind === "if" && (breaksOut(s.then) || breaksOut(s.else))) ||
    (s.kind === "choose" && s.branches.some(breaksOut)) ||
    ((s.kind === "atomic" || s.kind === "region") && breaksOut(s.body))
  );
}
