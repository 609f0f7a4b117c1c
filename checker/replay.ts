/**
 * Replaying a trace: re-derives every state of a path from its initial
 * state by firing each transition in turn, so a counterexample is checked
 * independently of the search that found it.
 *
 * @module
 */

import { stepperOf } from "./_facets.ts";
import type { Model } from "../model/model.ts";
import { initialStates } from "./_search.ts";

/** A path through a model: an initial state and transition numbers. */
export interface Trace {
  /** Index of the initial state (0 unless the model has several). */
  readonly init: number;
  /** The transitions, in order. */
  readonly transitions: readonly number[];
}

/** What replaying a trace gives. */
export interface ReplayResult {
  /** Every state reached, the initial state first. */
  readonly states: Int32Array[];
  /**
   * When a transition fired but failed (an assertion or an operation
   * error): its position in the trace and the message.
   */
  readonly failure?: {
    /** Position in the trace, from 0. */
    readonly step: number;
    /** The violated property's index. */
    readonly property: number;
    /** Why. */
    readonly message: string;
  };
  /**
   * When the trace does not replay (a transition not enabled, a bad
   * initial index): why. The trace is then not a path of the model.
   */
  readonly error?: string;
}

/**
 * Replays a trace.
 *
 * @param model The model.
 * @param trace The path.
 * @returns The states reached and any failure.
 *
 * @example Replaying the counterexample of a check
 * ```ts
 * import { replay } from "./replay.ts";
 * import { check, spec, system } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const s = spec({
 *   name: "two",
 *   params: {},
 *   build: () => {
 *     const sys = system({ x: 0 });
 *     sys.process("p", {}, (b) => [b.do("a", ({ g }) => g.x++), b.do("b", ({ g }) => g.x++)]);
 *     sys.atEnd("x stays small", ({ g }) => g.x < 2);
 *     return sys;
 *   },
 * });
 * const model = s.compile();
 * const cx = check(model).violation!;
 * const r = replay(model, cx);
 * assert.equal(r.states.length, 3);
 * assert.equal(r.error, undefined);
 * ```
 */
export function replay(model: Model, trace: Trace): ReplayResult {
  const inits = initialStates(model);
  const first = inits[trace.init];
  if (first === undefined) {
    return { states: [], error: `no initial state ${trace.init} (the model has ${inits.length})` };
  }
  const { fire } = stepperOf(model);
  const states = [first];
  let cur = first;
  for (let i = 0; i < trace.transitions.length; i++) {
    const t = trace.transitions[i]!;
    const next = fire(cur, t);
    if (!(next instanceof Int32Array)) {
      if (next.property < 0) return { states, error: `step ${i + 1}: ${next.message}` };
      return { states, failure: { step: i, property: next.property, message: next.message } };
    }
    states.push(next);
    cur = next;
  }
  return { states };
}

/**
 * Parses a trace written as `init:t1,t2,...` or `t1,t2,...` (as printed by
 * the CLI for replay).
 *
 * @param text The trace.
 * @returns The trace, or an error message.
 *
 * @example
 * ```ts
 * import { parseTrace } from "./replay.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseTrace("0:3,1,4"), { init: 0, transitions: [3, 1, 4] });
 * ```
 */
export function parseTrace(text: string): Trace | string {
  const m = /^\s*(?:(\d+):)?\s*(\d+(?:\s*,\s*\d+)*)?\s*$/.exec(text);
  if (m === null) return `a trace must look like '0:3,1,4', got '${text}'`;
  const list = m[2] === undefined ? [] : m[2].split(",").map((x) => Number(x.trim()));
  return { init: m[1] === undefined ? 0 : Number(m[1]), transitions: list };
}

/**
 * Prints a trace in the form {@linkcode parseTrace} reads.
 *
 * @param trace The trace.
 * @returns The text.
 *
 * @example
 * ```ts
 * import { formatTrace } from "./replay.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(formatTrace({ init: 0, transitions: [3, 1] }), "0:3,1");
 * ```
 */
export function formatTrace(trace: Trace): string {
  return `${trace.init}:${trace.transitions.join(",")}`;
}
