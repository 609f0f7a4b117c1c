/**
 * Breadth-first search over an exact state store: the default engine, and
 * the one whose counterexamples are shortest.
 *
 * States are stored in discovery order, so the store itself is the BFS
 * queue: the search expands state `head`, `head + 1`, ... and a level ends
 * where the store ended when the level began. When a violation is found
 * while expanding level d (an invariant of a new state or a failing
 * transition: a trace of length d + 1), the rest of level d is still
 * scanned for deadlocks (length d), so the reported trace is the shortest
 * over all properties.
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
import { type BfsPosition, type Checkpointing, restoreStore, storeRecords } from "./_checkpoint.ts";

/** Successors stored together (see `InsertSink`): enough to overlap their cache misses. */
const BATCH = 256;

/**
 * Options of {@linkcode bfs} and {@linkcode BfsSearch}. With `reduction:
 * "por"`, a state is expanded through the model's ample set only when every
 * successor in it is new or still waits in the queue (the cycle proviso).
 */
export interface BfsOptions extends SearchLimits, SearchHooks, ReductionOptions {
  /** Checkpoints every so often (and when interrupted), or resumes from one. Not with `reduction`. */
  checkpointing?: Checkpointing;
}

/**
 * A breadth-first search that can run in slices, so a caller can keep an
 * event loop alive (progress, Ctrl-C) between them.
 *
 * @example
 * ```ts
 * import { BfsSearch } from "./bfs.ts";
 * import { spec, system } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const s = spec({
 *   name: "count",
 *   params: {},
 *   build: () => {
 *     const sys = system({ x: 0 });
 *     sys.process("p", { count: 2 }, (b) => [b.do("inc", ({ g }) => g.x++)]);
 *     return sys;
 *   },
 * });
 * const search = new BfsSearch(s.compile());
 * while (!search.run(50)) { /* keep going *\/ }
 * assert.equal(search.outcome().states, 4);
 * ```
 */
export class BfsSearch {
  readonly #loop: BfsLoop;

  /**
   * Prepares the search: stores and checks the initial states.
   *
   * @param model The model to search.
   * @param options Limits and hooks.
   */
  constructor(model: Model, options: BfsOptions = {}) {
    this.#loop = new BfsLoop(model, options);
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

  /** The outcome so far (final once {@linkcode BfsSearch.run} returned `true`). */
  outcome(): SearchOutcome {
    return this.#loop.outcome();
  }
}

/** The search itself, in the shared sliced loop. */
class BfsLoop extends SlicedSearch<number> {
  readonly #store: ExactStore;
  readonly #sink: InsertSink;
  readonly #cur: Int32Array;
  readonly #reducer: Reducer | undefined;
  #head = 0;
  #levelEnd = 0;
  /** A deadlock (or final-property) state of the current level. */
  #stuck: { property: number; at: number } | undefined;

  /**
   * Prepares the search: stores and checks the initial states.
   *
   * @param model The model to search.
   * @param options Limits and hooks.
   */
  constructor(model: Model, options: BfsOptions = {}) {
    super(model, options);
    this.#store = new ExactStore(model.width);
    // Successors are stored in batches (see InsertSink), except under
    // partial-order reduction, whose proviso looks successors up as they come.
    this.#sink = new InsertSink(
      this.#store,
      model,
      options.maxStates ?? Number.POSITIVE_INFINITY,
      options.reduction === "por" ? 0 : BATCH,
    );
    this.#cur = new Int32Array(model.width);
    this.#reducer = options.reduction === "por"
      ? new Reducer(model, (next) => {
        // The state being expanded is #head - 1.
        const i = this.#store.indexOf(next);
        return i < 0 || i >= this.#head;
      })
      : undefined;
    this.#sink.reduction = this.#reducer?.counts;
    const sink = this.#sink;
    if (this.checkpoints.resume !== undefined) {
      this.checkpoints.restoring((from) => this.#resume(from.position, from.records));
    } else if (
      this.storeInitial((s) => sink.insertInitial(s), () => sink.found !== undefined)
    ) {
      this.#levelEnd = this.#store.count;
    }
  }

  /** Rebuilds the store and the position of a checkpoint. */
  #resume(at: BfsPosition, records: Int32Array): void {
    restoreStore(this.#store, this.model.width, at, records);
    this.#head = at.head;
    this.#levelEnd = at.levelEnd;
    this.depth = at.depth;
    this.initialCount = at.initialCount;
    this.#sink.transitions = at.transitions;
    if (at.bound !== undefined) this.#sink.bound = at.bound;
  }

  /** Saves a checkpoint: nothing queued, nothing found. */
  protected override checkpoint(cp: Checkpointing): void {
    const store = this.#store, sink = this.#sink;
    if (sink.found !== undefined || sink.queued > 0) return;
    cp.save({
      width: this.model.width,
      count: store.count,
      head: this.#head,
      levelEnd: this.#levelEnd,
      depth: this.depth,
      transitions: sink.transitions,
      initialCount: this.initialCount,
      ...(sink.bound !== undefined ? { bound: sink.bound } : {}),
    }, () => storeRecords(store));
  }

  protected override slice(sliceEnd: number): boolean {
    const store = this.#store;
    const sink = this.#sink;
    const model = this.model;
    const cur = this.#cur;
    const reducer = this.#reducer;
    const maxDepth = this.limits.maxDepth ?? Number.POSITIVE_INFINITY;
    let tick = 0;
    while (true) {
      if (this.#head === this.#levelEnd) {
        // The queued successors are the next level.
        if (!sink.flush()) return this.stop("max-states");
        // A violation found while expanding level d (length d + 1) waits
        // for the end of the level, where a deadlock of length d wins.
        if (sink.found !== undefined) return this.#violation();
        if (this.#head === store.count) return this.finish({ status: "ok", depth: this.depth });
        this.depth++;
        this.#levelEnd = store.count;
        if (this.depth >= maxDepth) return this.stop("max-depth");
      }
      const idx = this.#head++;
      store.read(idx, cur);
      sink.parent = idx;
      const n = reducer === undefined ? model.expand(cur, sink) : reducer.expand(cur, sink);
      if (sink.queued >= sink.batch && sink.batch > 0 && !sink.flush()) {
        return this.stop("max-states");
      }
      if (sink.full) return this.stop("max-states");
      if (n === 0) {
        if (!sink.flush()) return this.stop("max-states");
        const p = model.stuck(cur);
        if (p >= 0) {
          this.#stuck = { property: p, at: idx };
          return this.#violation();
        }
      }
      // Once something is found, the rest of the level is only scanned
      // for deadlocks.
      if (sink.found !== undefined) sink.inserting = false;
      if (++tick >= this.pollEvery) {
        tick = 0;
        if (!sink.flush()) return this.stop("max-states");
        const polled = this.poll(sliceEnd, store.count, store.count - this.#head);
        if (polled !== undefined) return polled;
      }
    }
  }

  protected override expanding(): number {
    return this.#sink.errorParent ?? this.#head - 1;
  }

  #violation(): true {
    return this.finish({ status: "violation", stuck: this.#stuck, depth: this.depth });
  }

  protected override build(end: EngineEnd<number>): SearchOutcome {
    return exactOutcome(end, this.model, this.limits, this.#store, this.#sink, this.clock);
  }
}

/**
 * Runs a breadth-first search to the end (or to a limit).
 *
 * @param model The model.
 * @param options Limits and hooks.
 * @returns The raw outcome.
 *
 * @example
 * ```ts
 * import { bfs } from "./bfs.ts";
 * import { spec, system } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const s = spec({
 *   name: "one",
 *   params: {},
 *   build: () => {
 *     const sys = system({ x: 0 });
 *     sys.process("p", {}, (b) => [b.do("inc", ({ g }) => g.x++)]);
 *     return sys;
 *   },
 * });
 * assert.equal(bfs(s.compile()).status, "ok");
 * ```
 */
export function bfs(model: Model, options: BfsOptions = {}): SearchOutcome {
  const search = new BfsSearch(model, options);
  search.run();
  return search.outcome();
}
