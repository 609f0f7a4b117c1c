/**
 * Depth-first search over the exact state store: the same states, limits
 * and outcome as breadth-first search, with a memory footprint that follows
 * the depth of the search rather than the width of a level, and no promise
 * that a counterexample is the shortest.
 *
 * Every successor is stored (and its invariants checked) when it is first
 * generated, as in {@linkcode BfsSearch}; the stack holds store indices.
 * The successors of one expansion are exactly the states the store gained
 * during it, pushed in reverse so the first successor is explored first.
 *
 * @module
 */

import type { Model } from "../model/model.ts";
import type { SearchHooks, SearchLimits, SearchOutcome } from "./_search.ts";
import { InsertSink } from "./_sink.ts";
import { SlicedSearch } from "./_loop.ts";
import { exactOutcome } from "./_outcome.ts";
import type { EngineEnd } from "./_search.ts";
import { ExactStore } from "./_store.ts";
import { Reducer, type ReductionOptions } from "./_por.ts";

const ON_PATH = 1, FINISHED = 2;

/**
 * Options of {@linkcode dfs} and {@linkcode DfsSearch}. With `reduction:
 * "por"`, a state is expanded through the model's ample set only when each
 * successor in it is new or finished (expanded, and off the current path):
 * not on the path, nor stored and waiting. That is SPIN's stack proviso for
 * a search that stores states when it generates them: along a reduced edge
 * the time a state is finished decreases, so every cycle has a state
 * expanded fully.
 */
export interface DfsOptions extends SearchLimits, SearchHooks, ReductionOptions {}

/**
 * A depth-first search that can run in slices, like {@linkcode BfsSearch}.
 *
 * A state at depth `maxDepth` or deeper is not expanded, and the search then
 * ends `incomplete` (with a visited set, a state first met on a long path is
 * not expanded again from a shorter one, so a depth bound never proves
 * anything for DFS).
 *
 * @example Covering the same states as breadth-first search
 * ```ts
 * import { DfsSearch } from "./dfs.ts";
 * import { bfs } from "./bfs.ts";
 * import { spec, system } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const s = spec({
 *   name: "count",
 *   params: {},
 *   build: () => {
 *     const sys = system({ x: 0 });
 *     sys.process("p", { count: 3 }, (b) => [b.do("inc", ({ g }) => g.x++)]);
 *     return sys;
 *   },
 * });
 * const search = new DfsSearch(s.compile());
 * while (!search.run(50)) { /* keep going *\/ }
 * assert.equal(search.outcome().states, bfs(s.compile()).states);
 * ```
 */
export class DfsSearch {
  readonly #loop: DfsLoop;

  /**
   * Prepares the search: stores and checks the initial states.
   *
   * @param model The model to search.
   * @param options Limits and hooks.
   */
  constructor(model: Model, options: DfsOptions = {}) {
    this.#loop = new DfsLoop(model, options);
  }

  /**
   * Runs for about `millis` milliseconds (or to the end).
   *
   * @param millis The slice length; `Infinity` runs to the end.
   * @returns `true` when the search has finished.
   */
  run(millis: number = Number.POSITIVE_INFINITY): boolean {
    return this.#loop.run(millis);
  }

  /** The outcome so far (final once {@linkcode DfsSearch.run} returned `true`). */
  outcome(): SearchOutcome {
    return this.#loop.outcome();
  }
}

/** The search itself, in the shared sliced loop. */
class DfsLoop extends SlicedSearch<number> {
  readonly #store: ExactStore;
  readonly #sink: InsertSink;
  readonly #cur: Int32Array;
  readonly #reducer: Reducer | undefined;
  /** With reduction: per stored state, 0 (not expanded), ON_PATH or FINISHED. */
  #mark = new Uint8Array(0);
  /** With reduction: the states on the path from an initial state to the one expanded. */
  #path = new Int32Array(64);
  #pathLength = 0;
  /** Store indices still to expand, and their depths. */
  #stack = new Int32Array(1024);
  #depths = new Int32Array(1024);
  #top = 0;
  /** Some state was not expanded because of `maxDepth`. */
  #cut = false;
  #expanding = -1;

  /**
   * Prepares the search: stores and checks the initial states.
   *
   * @param model The model to search.
   * @param options Limits and hooks.
   */
  constructor(model: Model, options: DfsOptions = {}) {
    super(model, options);
    this.#store = new ExactStore(model.width);
    this.#sink = new InsertSink(this.#store, model, options.maxStates ?? Number.POSITIVE_INFINITY);
    this.#cur = new Int32Array(model.width);
    this.#reducer = options.reduction === "por"
      ? new Reducer(model, (next) => {
        const i = this.#store.indexOf(next);
        return i < 0 || (i < this.#mark.length && this.#mark[i] === FINISHED);
      })
      : undefined;
    this.#sink.reduction = this.#reducer?.counts;
    const sink = this.#sink;
    if (this.storeInitial((s) => sink.insertInitial(s), () => sink.found !== undefined)) {
      for (let i = this.#store.count - 1; i >= 0; i--) this.#push(i, 0);
    }
  }

  #push(idx: number, depth: number): void {
    if (this.#top === this.#stack.length) {
      const stack = new Int32Array(this.#stack.length * 2);
      stack.set(this.#stack);
      this.#stack = stack;
      const depths = new Int32Array(this.#depths.length * 2);
      depths.set(this.#depths);
      this.#depths = depths;
    }
    this.#stack[this.#top] = idx;
    this.#depths[this.#top++] = depth;
  }

  protected override slice(sliceEnd: number): boolean {
    const store = this.#store;
    const sink = this.#sink;
    const model = this.model;
    const cur = this.#cur;
    const reducer = this.#reducer;
    const maxDepth = this.limits.maxDepth ?? Number.POSITIVE_INFINITY;
    let tick = 0;
    while (this.#top > 0) {
      const top = --this.#top;
      const idx = this.#stack[top]!;
      const depth = this.#depths[top]!;
      if (depth >= maxDepth) {
        this.#cut = true;
        continue;
      }
      this.#expanding = idx;
      store.read(idx, cur);
      sink.parent = idx;
      const before = store.count;
      let n: number;
      if (reducer === undefined) {
        n = model.expand(cur, sink);
      } else {
        this.#enter(idx, depth);
        n = reducer.expand(cur, sink);
      }
      if (sink.full) return this.stop("max-states");
      if (sink.found !== undefined) return this.finish({ status: "violation", depth: this.depth });
      if (n === 0) {
        const p = model.stuck(cur);
        if (p >= 0) {
          const stuck = { property: p, at: idx };
          return this.finish({ status: "violation", stuck, depth: this.depth });
        }
      }
      const after = store.count;
      if (after > before && depth + 1 > this.depth) this.depth = depth + 1;
      for (let i = after - 1; i >= before; i--) this.#push(i, depth + 1);
      if (++tick >= this.pollEvery) {
        tick = 0;
        const polled = this.poll(sliceEnd, store.count, this.#top);
        if (polled !== undefined) return polled;
      }
    }
    return this.#cut ? this.stop("max-depth") : this.finish({ status: "ok", depth: this.depth });
  }

  protected override expanding(): number {
    return this.#expanding;
  }

  /**
   * Records that state `idx` at `depth` is being expanded: the states
   * deeper on the path are finished (their successors were all explored
   * before this state was popped), and `idx` ends the path. A state
   * popped at depth d was pushed by the state last expanded at depth d - 1.
   */
  #enter(idx: number, depth: number): void {
    if (idx >= this.#mark.length) {
      const mark = new Uint8Array(Math.max(1024, this.#store.count * 2));
      mark.set(this.#mark);
      this.#mark = mark;
    }
    if (depth >= this.#path.length) {
      const path = new Int32Array(this.#path.length * 2);
      path.set(this.#path);
      this.#path = path;
    }
    while (this.#pathLength > depth) this.#mark[this.#path[--this.#pathLength]!] = FINISHED;
    this.#path[this.#pathLength++] = idx;
    this.#mark[idx] = ON_PATH;
  }

  protected override build(end: EngineEnd<number>): SearchOutcome {
    return exactOutcome(end, this.model, this.limits, this.#store, this.#sink, this.clock);
  }
}

/**
 * Runs a depth-first search to the end (or to a limit).
 *
 * @param model The model.
 * @param options Limits and hooks.
 * @returns The raw outcome; a violation's path replays, but need not be the shortest.
 *
 * @example Finding a deadlock
 * ```ts
 * import { dfs } from "./dfs.ts";
 * import { lock, mutex, spec, system } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const s = spec({
 *   name: "stuck",
 *   params: {},
 *   build: () => {
 *     const sys = system({});
 *     const m = mutex("m");
 *     sys.process("p", { count: 2 }, () => [lock(m)]);
 *     return sys;
 *   },
 * });
 * const out = dfs(s.compile());
 * assert.equal(out.status, "violation");
 * assert.equal(s.compile().properties[out.found!.property]?.name, "deadlock");
 * ```
 */
export function dfs(model: Model, options: DfsOptions = {}): SearchOutcome {
  const search = new DfsSearch(model, options);
  search.run();
  return search.outcome();
}
