// Private module: the whole state graph with its edges, which liveness
// checking (liveness.ts) works on.

import type { Model, SuccessorSink } from "../model/model.ts";
import { ExactStore } from "./_store.ts";
import { initialStates, type SearchLimits } from "./_search.ts";

/** The state graph with its edges, in compressed form. */
export interface StateGraph {
  /** Number of states. */
  readonly states: number;
  /** Edges of state i: `start[i] .. start[i+1]`. */
  readonly start: Int32Array;
  /** Edge targets. */
  readonly target: Int32Array;
  /** Edge transitions. */
  readonly via: Int32Array;
  /** The initial states' indices. */
  readonly inits: readonly number[];
  /** Copies state `index` into `out` (a graph with `labels` keeps no states: it throws). */
  readonly read: (index: number, out: Int32Array) => void;
  /**
   * The liveness predicates of each state, by index, when the graph keeps
   * them instead of the states (the graph over fingerprints).
   */
  readonly labels?: {
    /** Part `p` or `q` of liveness property `index` in state `s`. */
    holds(index: number, part: "p" | "q", s: number): boolean;
    /** Whether process `pid` has finished in state `s`. */
    finished(s: number, pid: number): boolean;
  };
}

/** The liveness predicates of a state graph that keeps no states. */
export type StateLabels = NonNullable<StateGraph["labels"]>;

/** A growing Int32Array (doubling) for a graph's edge arrays. */
export class GrowInt32 {
  data = new Int32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  /** The values, copied into an array of their own length. */
  done(): Int32Array {
    return this.data.slice(0, this.length);
  }
  /** The values, as a view of the grown array (no final copy). */
  view(): Int32Array {
    return this.data.subarray(0, this.length);
  }
}

/**
 * Explores every reachable state and records every edge. Returns undefined
 * when the state limit is reached first.
 *
 * @param model The model.
 * @param limits `maxStates` bounds the exploration.
 * @param stop Asked every 4,096 states (a stop request, and the sandbox's sign of life).
 * @returns The graph, or undefined when it does not fit (`"stopped"` when `stop` said so).
 *
 * @example
 * ```ts
 * import { stateGraph } from "./liveness.ts";
 * import { spec, system } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const s = spec({
 *   name: "two",
 *   params: {},
 *   build: () => {
 *     const sys = system({ x: 0 });
 *     sys.process("p", {}, (b) => [b.do("inc", ({ g }) => g.x++)]);
 *     return sys;
 *   },
 * });
 * assert.equal(stateGraph(s.compile())?.states, 2);
 * ```
 */
export function stateGraph(model: Model, limits?: SearchLimits): StateGraph | undefined;
/** With `stop`, asked now and then: `"stopped"` when it said yes. */
export function stateGraph(
  model: Model,
  limits: SearchLimits,
  stop: () => boolean,
): StateGraph | undefined | "stopped";
export function stateGraph(
  model: Model,
  limits: SearchLimits = {},
  stop?: () => boolean,
): StateGraph | undefined | "stopped" {
  const store = new ExactStore(model.width);
  const max = limits.maxStates ?? Number.POSITIVE_INFINITY;
  const inits: number[] = [];
  for (const s of initialStates(model)) {
    const i = store.insert(s, -1, -1);
    inits.push(i >= 0 ? i : store.indexOf(s));
  }
  const start = new GrowInt32(), target = new GrowInt32(), via = new GrowInt32();
  let parent = 0;
  let full = false;
  const sink: SuccessorSink = {
    push(next, t) {
      let i = store.indexOf(next);
      if (i < 0) {
        if (store.count >= max) {
          full = true;
          return false;
        }
        i = store.insert(next, parent, t);
      }
      target.push(i);
      via.push(t);
      return true;
    },
    fail() {},
  };
  const cur = new Int32Array(model.width);
  for (let i = 0; i < store.count; i++) {
    if ((i & 4095) === 4095 && stop?.() === true) return "stopped";
    start.push(target.length);
    store.read(i, cur);
    parent = i;
    model.expand(cur, sink);
    if (full) return undefined;
  }
  start.push(target.length);
  return {
    states: store.count,
    start: start.done(),
    target: target.done(),
    via: via.done(),
    inits,
    read: (index, out) => store.read(index, out),
  };
}
