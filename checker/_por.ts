// Private module: partial-order reduction on the engines' side: expanding a
// state through the model's ample set when the cycle proviso allows it.
//
// Each engine supplies its proviso, the successors an ample set may lead to:
// - breadth-first search over the exact store: new ones, and those still in
//   the queue (a store index at least that of the next state to expand);
// - depth-first search: new ones, and finished ones (expanded and off the
//   current path; not on the path, nor stored and waiting);
// - breadth-first search over the fingerprint or bitstate store: new ones,
//   and those stored while the current level is expanded.
// Along a reduced edge the order of expansion grows (breadth-first) or the
// finishing time falls (depth-first), so every cycle of the reduced graph
// passes through a fully expanded state and no transition is ignored for
// ever around a cycle: the condition C3 of Clarke, Grumberg and Peled
// ("every cycle contains a fully expanded state").

import { reductionOf, type ReductionView } from "./_facets.ts";
import type { Model, SuccessorSink } from "../model/model.ts";

/** How a search reduces the state space. */
export type Reduction = "none" | "por";

/**
 * Options of the engines that can reduce (and of `check()`).
 *
 * @example Two workers counting on their own: one order of their local steps is enough
 * ```ts
 * import { check, spec, system } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const s = spec({
 *   name: "two counters",
 *   params: {},
 *   build: () => {
 *     const sys = system({});
 *     sys.process("w", { count: 2, locals: { n: 0 } }, (b) => [
 *       b.do("one", ({ l }) => l.n++),
 *       b.do("two", ({ l }) => l.n++),
 *     ]);
 *     return sys;
 *   },
 * });
 * assert.equal(check(s).stats.states, 9);
 * assert.equal(check(s, { reduction: "por" }).stats.states, 5);
 * ```
 */
export interface ReductionOptions {
  /**
   * `por`: partial-order reduction, when the model offers it (the same
   * deadlock, invariant and assertion verdicts with fewer states). Default
   * `none`.
   */
  reduction?: Reduction;
}

/** How many states were expanded through an ample set, and how many fully. */
export interface ReductionCounts {
  /** States expanded through an ample set (one process's transitions). */
  ample: number;
  /** States expanded fully (no ample set, or the cycle proviso refused it). */
  full: number;
}

/** A sink that keeps copies of the successors of a candidate ample set. */
class Candidates implements SuccessorSink {
  readonly width: number;
  readonly states: Int32Array[] = [];
  readonly tids: number[] = [];
  count = 0;

  constructor(width: number) {
    this.width = width;
  }

  push(next: Int32Array, transition: number): boolean {
    let s = this.states[this.count];
    if (s === undefined) this.states.push(s = new Int32Array(this.width));
    for (let i = 0; i < this.width; i++) s[i] = next[i]!;
    this.tids[this.count++] = transition;
    return true;
  }

  fail(): void {
    // A model never hands failures over with an ample set.
  }
}

/**
 * Expands states through the model's ample sets, subject to a cycle
 * proviso the engine supplies.
 */
export class Reducer {
  readonly counts: ReductionCounts = { ample: 0, full: 0 };
  readonly #model: Model;
  readonly #ample: ReductionView["ample"];
  readonly #buf: Candidates;
  readonly #allowed: (next: Int32Array) => boolean;

  /**
   * @param model The model (without `ample`, every state is expanded fully).
   * @param allowed The cycle proviso: whether a successor of the state being
   *   expanded may be reached through an ample set.
   */
  constructor(model: Model, allowed: (next: Int32Array) => boolean) {
    this.#model = model;
    this.#ample = reductionOf(model).ample;
    this.#buf = new Candidates(model.width);
    this.#allowed = allowed;
  }

  /** Expands `state` into `sink`: through an ample set if allowed, else fully. */
  expand(state: Int32Array, sink: SuccessorSink): number {
    const ample = this.#ample;
    if (ample !== undefined) {
      const buf = this.#buf;
      buf.count = 0;
      const n = ample(state, buf);
      if (n > 0) {
        let ok = true;
        for (let i = 0; i < buf.count && ok; i++) ok = this.#allowed(buf.states[i]!);
        if (ok) {
          this.counts.ample++;
          for (let i = 0; i < buf.count; i++) if (!sink.push(buf.states[i]!, buf.tids[i]!)) break;
          return n;
        }
      }
    }
    this.counts.full++;
    return this.#model.expand(state, sink);
  }
}
