/**
 * The spec-layer types the checker reads: a declared verdict, parameter
 * values given from outside, and a state as structured data (the globals,
 * each primitive's contents, each process's location and locals, next to
 * the printed form: what the JSON result and ITF traces carry).
 * `spec.ts` re-exports the first two; `checker/result.ts` the state types.
 *
 * @module
 */

/**
 * The verdict a bundled spec declares: `"ok"`; a violation of one of the
 * named properties (`"deadlock"` for a deadlock); or `incomplete` because an
 * exploration bound (an unbounded buffer's declared bound) is reached.
 */
export type Expectation =
  | "ok"
  | { readonly violation: string | readonly string[] }
  | { readonly incomplete: "bound" };

/** Parameter values given from outside: numbers, booleans or their text. */
export type ParamInput = Readonly<Record<string, number | boolean | string>>;

/** The value of one variable: an int, a boolean, or an int array. */
export type VarValue = number | boolean | readonly number[];

/**
 * Structured contents of the primitives whose layout is plain: a
 * semaphore's count, a mutex's owner, a channel's messages. Other kinds
 * (pipes, message queues, mailboxes, sockets, signals, ...) give their
 * printed form and summary value only.
 */
export type PrimitiveContents =
  | { readonly count: number }
  | { readonly owner: string | null }
  | { readonly capacity: number; readonly items: readonly number[] };

/** One primitive in a state. */
export interface PrimitiveData {
  /** Its kind, e.g. `semaphore`, `pipe`. */
  readonly kind: string;
  /** Its name in the spec. */
  readonly name: string;
  /** Its contents as printed in traces. */
  readonly printed: string;
  /** The number summarising the contents (a count, a length, an owner pid or -1). */
  readonly value: number;
  /** Structured contents, for the kinds listed in {@linkcode PrimitiveContents}. */
  readonly contents?: PrimitiveContents;
}

/** One process in a state. */
export interface ProcessData {
  /** `kind#id`, as in traces. */
  readonly name: string;
  /** The process kind (its declared name). */
  readonly kind: string;
  /** Its number among the copies of its kind. */
  readonly id: number;
  /** The step it is at (the next one to run), or `end` once finished. */
  readonly at: string;
  /** Whether it has finished (run off its body, or been killed). */
  readonly finished: boolean;
  /** Its locals by name. */
  readonly locals: Readonly<Record<string, VarValue>>;
}

/**
 * A whole state as data.
 *
 * @example
 * ```ts
 * import type { StateData } from "./types.ts";
 * import assert from "node:assert/strict";
 *
 * const s: StateData = {
 *   printed: "x=1 p#0@end",
 *   globals: { x: 1 },
 *   primitives: [],
 *   processes: [{ name: "p#0", kind: "p", id: 0, at: "end", finished: true, locals: {} }],
 * };
 * assert.equal(s.processes[0]!.at, "end");
 * ```
 */
export interface StateData {
  /** The state printed by name, as in the text report. */
  readonly printed: string;
  /** The globals by name. */
  readonly globals: Readonly<Record<string, VarValue>>;
  /** The primitives, in layout order. */
  readonly primitives: readonly PrimitiveData[];
  /** The processes, by pid. */
  readonly processes: readonly ProcessData[];
}
export type {
  NamedValue,
  PrimitiveSummary,
  Recorder,
  StateSnapshot,
  TraceEvent,
} from "./trace_events.ts";
