/**
 * The spec-layer types the checker reads: a declared verdict and parameter
 * values given from outside. `spec.ts` re-exports them.
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

export type {
  NamedValue,
  PrimitiveSummary,
  Recorder,
  StateSnapshot,
  TraceEvent,
} from "./trace_events.ts";
