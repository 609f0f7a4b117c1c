/**
 * The control steps that carry no code: choice, atomic blocks, loops,
 * labels, jumps and regions. They are plain functions (the steps that carry
 * guards, effects and messages come from the typed step builder in
 * `steps.ts`, which re-exports these).
 *
 * @module
 */

import { callerSource, type Step } from "./_ast.ts";

/**
 * Nondeterministic choice among branches (Promela's `if :: ... fi`): any
 * branch whose first step is enabled may be taken; the checker explores
 * every one. A branch may start with a `when` guard.
 *
 * @param branches The alternatives, each a list of steps.
 * @returns The step.
 *
 * @example
 * ```ts ignore
 * choose([s.do("left", ({ g }) => g.x--)], [s.do("right", ({ g }) => g.x++)]);
 * ```
 */
export function choose(...branches: (readonly Step[])[]): Step {
  return { kind: "choose", name: "choose", branches, src: callerSource() };
}

/**
 * An atomic block (Promela's `atomic`): once its first step has fired, no
 * other process moves until the block ends, unless a step inside it blocks,
 * in which case atomicity is lost until the process moves again.
 *
 * @param body The steps.
 * @returns The step.
 *
 * @example
 * ```ts ignore
 * atomic(s.when("free", ({ g }) => !g.busy), s.do("take", ({ g }) => { g.busy = true; }));
 * ```
 */
export function atomic(...body: Step[]): Step {
  return { kind: "atomic", body, src: callerSource() };
}

/**
 * An endless loop; leave it with {@linkcode breakLoop} or {@linkcode goto}.
 *
 * @param body The loop body.
 * @returns The step.
 *
 * @example
 * ```ts ignore
 * loop(wait(full), s.do("take", ...), post(empty));
 * ```
 */
export function loop(...body: Step[]): Step {
  return { kind: "while", name: "loop", cond: undefined, body, src: callerSource() };
}

/**
 * Leaves the innermost `while` or `loop` (Promela's `break`); not a
 * transition of its own.
 *
 * @returns The step.
 *
 * @example
 * ```ts ignore
 * loop(choose([s.when("done", ({ l }) => l.i === 3), breakLoop()], [s.do("inc", ...)]));
 * ```
 */
export function breakLoop(): Step {
  return { kind: "break", src: callerSource() };
}

/** Options of {@linkcode label}. */
export interface LabelOptions {
  /**
   * An end label: a process stopped here is at a valid end state, so it is
   * not reported as deadlocked (a server waiting for requests).
   */
  end?: boolean;
  /** A progress label, for non-progress cycle detection. */
  progress?: boolean;
}

/**
 * Names the position before the next step, as a target for
 * {@linkcode goto}, a name in traces, and optionally an end label.
 *
 * @param name The label, unique within the process.
 * @param options End or progress label.
 * @returns The step (not a transition of its own).
 *
 * @example
 * ```ts ignore
 * label("idle", { end: true }), s.recv(requests, "req"),
 * ```
 */
export function label(name: string, options: LabelOptions = {}): Step {
  return {
    kind: "label",
    name,
    end: options.end ?? false,
    progress: options.progress ?? false,
    src: callerSource(),
  };
}

/**
 * Jumps to a label of the same process; not a transition of its own.
 *
 * @param target The label.
 * @returns The step.
 *
 * @example
 * ```ts ignore
 * goto("retry");
 * ```
 */
export function goto(target: string): Step {
  return { kind: "goto", target, src: callerSource() };
}

/**
 * Names a block of steps, so that invariants can count the processes inside
 * it with `v.inside(name)` (e.g. a critical section).
 *
 * @param name The region's name.
 * @param body The steps.
 * @returns The step (not a transition of its own).
 *
 * @example
 * ```ts ignore
 * region("cs", s.do("put", ...)),
 * ```
 */
export function region(name: string, ...body: Step[]): Step {
  return { kind: "region", name, body };
}
