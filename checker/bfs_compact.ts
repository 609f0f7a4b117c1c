/**
 * Breadth-first search over a store that does not keep states: the
 * fingerprint store (a 64-bit fingerprint and a parent link per state, at
 * most 16 bytes a state all told) or the bitstate store (SPIN's supertrace:
 * k bits of a bit array per state, for state spaces beyond memory).
 *
 * The states still to expand wait in a FIFO of their own (chunks of Int32
 * blocks, each released once read); successors are stored in batches whose
 * table reads overlap (`CompactSink`). Otherwise this is `BfsSearch`
 * (bfs.ts): the same levels, limits and outcome, and a violation found while
 * expanding level d waits for the end of the level, where a deadlock at
 * depth d wins. States are stored in the exact store's order, so the
 * fingerprint store gives the same states, indices and traces as long as no
 * two states share a fingerprint.
 *
 * Traces: the fingerprint store rebuilds the path from its parent links. The
 * bitstate store keeps none: the path to the state where the search ended
 * is rebuilt by a second breadth-first search over a fingerprint store down
 * to that state's depth, stopping where it meets it (slot by slot). Either
 * way the checker replays every counterexample before reporting it.
 *
 * Neither store is exact: a state taken for another is never explored, nor
 * what only it leads to. The outcome says how likely that is
 * ({@linkcode StoreReport}): `ok` is `ok` up to that probability; a
 * violation is always real (its trace replays).
 *
 * @module
 */

import type { Model } from "../model/model.ts";
import type { EngineEnd, SearchHooks, SearchLimits, SearchOutcome } from "./_search.ts";
import { SlicedSearch } from "./_loop.ts";
import { buildOutcome, type PathOrWhy } from "./_outcome.ts";
import { CompactSink, type StateRef } from "./_compact_sink.ts";
import {
  type CompactStore,
  type CompactStoreKind,
  newCompactStore,
  StateQueue,
  type StoreReport,
  storeReport,
} from "./_compact_store.ts";
import { FingerprintStore } from "./_fingerprint_store.ts";
import { rebuildPath } from "./_rebuild_path.ts";
import { Reducer, type ReductionOptions } from "./_por.ts";
import { ExactStore } from "./_store.ts";
import * as ckpt from "./_checkpoint.ts";

export {
  type CompactStoreKind,
  DEFAULT_BITSTATE_BITS,
  DEFAULT_BITSTATE_HASHES,
  type StoreReport,
} from "./_compact_store.ts";
export { unsupported } from "./_outcome.ts";

/** Successors stored together (see `CompactSink`): enough to overlap their cache misses. */
const BATCH = 256;

/**
 * Options of {@linkcode CompactBfsSearch} and {@linkcode bfsCompact}. With
 * `reduction: "por"`, a state is expanded through the model's ample set only
 * when every successor in it is new or belongs to the next level (the cycle
 * proviso: these stores keep no index to tell a state still in the queue
 * from one expanded before, so the search keeps the next level's states
 * exactly, in a set of their own, while it expands the current level).
 */
export interface CompactBfsOptions extends SearchLimits, SearchHooks, ReductionOptions {
  /** The store (default `fingerprint`). */
  store?: CompactStoreKind;
  /** Bitstate: the bit array has 2^bitstateBits bits (default 30: 128 MiB; 5 to 37). */
  bitstateBits?: number;
  /** Bitstate: bits set per state, k (default 3; 1 to 8). */
  bitstateHashes?: number;
  /**
   * Fingerprint: bits kept of each 64-bit fingerprint (default 64). Fewer
   * bits make collisions likely: a way to see omissions reported.
   */
  fingerprintBits?: number;
}

/** The outcome of a search over a store that is not exact. */
export interface CompactOutcome extends SearchOutcome {
  /** What the store may have missed. */
  readonly storeReport: StoreReport;
}

/**
 * A breadth-first search over the fingerprint or the bitstate store, that
 * can run in slices like `BfsSearch` (bfs.ts).
 *
 * @example Same states as the exact store, 64-bit fingerprints instead
 * ```ts
 * import { CompactBfsSearch } from "./bfs_compact.ts";
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
 * const search = new CompactBfsSearch(s.compile(), { store: "fingerprint" });
 * while (!search.run(50)) { /* keep going *\/ }
 * const out = search.outcome();
 * assert.equal(out.states, bfs(s.compile()).states);
 * assert.ok(out.storeReport.omissionProbability < 1e-15);
 * ```
 */
export class CompactBfsSearch {
  readonly #loop: CompactBfsLoop;

  /**
   * Prepares the search: stores and checks the initial states.
   *
   * @param model The model to search.
   * @param options The store, limits and hooks.
   */
  constructor(model: Model, options: CompactBfsOptions = {}) {
    this.#loop = new CompactBfsLoop(model, options);
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

  /** The outcome so far (final once {@linkcode CompactBfsSearch.run} returned `true`). */
  outcome(): CompactOutcome {
    return this.#loop.outcome();
  }
}

/** The search itself, in the shared sliced loop. */
class CompactBfsLoop extends SlicedSearch<StateRef, CompactOutcome> {
  readonly #store: CompactStore;
  readonly #queue: StateQueue;
  readonly #sink: CompactSink;
  readonly #reducer: Reducer | undefined;
  #head = 0;
  #levelEnd = 0;
  #stuck: { property: number; at: StateRef } | undefined;

  /**
   * Prepares the search: stores and checks the initial states.
   *
   * @param model The model to search.
   * @param options The store, limits and hooks.
   */
  constructor(model: Model, options: CompactBfsOptions = {}) {
    super(model, options);
    const store = this.#store = newCompactStore(model, options);
    this.#queue = new StateQueue(model.width);
    // In batches, except under reduction: its proviso looks successors up as they come.
    const batch = options.reduction === "por" ? 0 : BATCH, max = options.maxStates ?? Infinity;
    const sink = this.#sink = new CompactSink(store, this.#queue, model, max, batch);
    if (options.reduction === "por") {
      sink.nextLevel = new ExactStore(model.width);
      // New, or stored during this level: expanded after the current state.
      this.#reducer = new Reducer(model, (next) => !store.has(next) || sink.nextLevel!.has(next));
    }
    const from = this.checkpoints.resume;
    if (from !== undefined && store instanceof FingerprintStore) {
      this.checkpoints.restoring(() => ckpt.restoreCompact(store, this.#queue, sink, from));
      ({ head: this.#head, levelEnd: this.#levelEnd, depth: this.depth } = from.position);
      this.initialCount = from.position.initialCount;
    } else if (this.storeInitial((s) => sink.insertInitial(s), () => sink.found !== undefined)) {
      this.#levelEnd = store.count;
    }
  }

  protected override checkpoint(cp: ckpt.Checkpointing): void {
    const { depth, initialCount } = this, at = { head: this.#head, levelEnd: this.#levelEnd };
    ckpt.saveCompact(cp, this.#store, this.#queue, this.#sink, { ...at, depth, initialCount });
  }
  protected override slice(sliceEnd: number): boolean {
    const store = this.#store, queue = this.#queue, sink = this.#sink, model = this.model;
    const cur = sink.cur, reducer = this.#reducer;
    const maxDepth = this.limits.maxDepth ?? Number.POSITIVE_INFINITY;
    let tick = 0;
    while (true) {
      if (this.#head === this.#levelEnd) {
        if (!sink.flush()) return this.stop("max-states");
        if (sink.found !== undefined) return this.#violation();
        if (this.#head === store.count) return this.finish({ status: "ok", depth: this.depth });
        this.depth++;
        this.#levelEnd = store.count;
        if (sink.nextLevel !== undefined) sink.nextLevel = new ExactStore(model.width);
        if (this.depth >= maxDepth) return this.stop("max-depth");
      }
      const idx = this.#head++;
      queue.shift(cur);
      sink.parent = idx;
      sink.depth = this.depth;
      const n = reducer === undefined ? model.expand(cur, sink) : reducer.expand(cur, sink);
      const flushed = sink.queued < sink.batch || sink.batch === 0 || sink.flush();
      if (!flushed || sink.full) return this.stop("max-states");
      if (n === 0) {
        if (!sink.flush()) return this.stop("max-states");
        const p = model.stuck(cur);
        if (p >= 0) {
          this.#stuck = { property: p, at: this.expanding() };
          return this.#violation();
        }
      }
      if (sink.found !== undefined) sink.inserting = false;
      if (++tick >= this.pollEvery) {
        tick = 0;
        if (!sink.flush()) return this.stop("max-states");
        const polled = this.poll(sliceEnd, store.count, queue.length);
        if (polled !== undefined) return polled;
      }
    }
  }

  protected override expanding(): StateRef {
    return this.#sink.errorAt ??
      { index: this.#head - 1, state: this.#sink.cur.slice(), depth: this.depth };
  }

  #violation(): true {
    return this.finish({ status: "violation", stuck: this.#stuck, depth: this.depth });
  }

  /** The path to a state: from the parent links, or rebuilt by a search (bitstate). */
  #path(at: StateRef): PathOrWhy {
    if (this.#store instanceof FingerprintStore) return this.#store.path(at.index);
    return rebuildPath(this.model, at.state, at.depth, this.clock);
  }

  protected override build(end: EngineEnd<StateRef>): CompactOutcome {
    const sink = this.#sink;
    const store = this.#store;
    const out = buildOutcome(end, {
      model: this.model,
      limits: this.limits,
      found: sink.found,
      bound: sink.bound,
      pathTo: (at) => this.#path(at),
      stats: () => ({
        states: store.count,
        transitions: sink.transitions,
        seconds: this.clock.seconds(),
        storeBytes: store.bytes,
        peakMemoryBytes: this.clock.peak(),
        reduction: this.#reducer?.counts,
      }),
    });
    const generated = this.initialCount + sink.transitions;
    return { ...out, storeReport: storeReport(store, generated, this.#queue.peakBytes) };
  }
}

/**
 * Runs a breadth-first search over the fingerprint or bitstate store to the
 * end (or to a limit).
 *
 * @param model The model.
 * @param options The store, limits and hooks.
 * @returns The raw outcome, with what the store may have missed.
 *
 * @example A bit array of 2^20 bits
 * ```ts
 * import { bfsCompact } from "./bfs_compact.ts";
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
 * const out = bfsCompact(s.compile(), { store: "bitstate", bitstateBits: 20 });
 * assert.equal(out.status, "ok");
 * assert.ok(out.storeReport.coverage! > 0.999);
 * ```
 */
export function bfsCompact(model: Model, options: CompactBfsOptions = {}): CompactOutcome {
  const search = new CompactBfsSearch(model, options);
  search.run();
  return search.outcome();
}
