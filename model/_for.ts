// Private module: the counted loop `s.for`, lowered to the step tree.
//
// A counted loop is the hand-counted `while (i < to) { body; i++ }`: the
// same program counters and edges in the same order, so the same
// transitions with the same numbers (schedule files and replay paths of a
// spec converted from the hand pattern stay valid). Two differences: the
// loop's exit also resets the counter to `from` (in the same transition),
// so the loop can run again; and its transitions are named after the
// counter: `for (i < to) -> body`, `for (i < to) -> done`, `i++`. With
// `increment: "last"` the increment is part of the body's last `s.do`
// step instead of a transition of its own, for a loop whose hand-written
// version counts inside its last step.

import { type Ctx, exprText, type Source, type Step } from "./_ast.ts";

/** Options of the counted loop `s.for`. */
export interface ForOptions {
  /**
   * Where the counter is incremented. `"step"` (the default): a transition
   * of its own, `i++`, after the body. `"last"`: in the same transition as
   * the body's last step, which must be an `s.do`; the step keeps its name
   * and runs its effect, then the increment.
   */
  readonly increment?: "step" | "last";
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

/** The body followed by the increment, or with the increment in its last step. */
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
  if (increment !== "last") {
    throw new TypeError(`${where}: increment must be "step" or "last", got ${String(increment)}`);
  }
  const last = body.at(-1);
  if (last === undefined || last.kind !== "do") {
    throw new TypeError(
      `${where}: increment "last" needs an s.do as the body's last step, got ${
        last === undefined ? "an empty body" : `a '${last.kind}' step`
      }`,
    );
  }
  const effect = last.fn;
  const merged: Step = {
    ...last,
    fn: (ctx) => {
      effect(ctx);
      ctx.l[counter]++;
    },
  };
  return [...body.slice(0, -1), merged];
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
