// Private module: the parts of a search engine over the exact store that do
// not depend on the visiting order: the sink that inserts successors and
// checks invariants, the clock (deadline, time slices, progress reports),
// and turning the engine's findings into a `SearchOutcome`.
//
// `checker/dfs.ts` uses it; `checker/bfs.ts` keeps its own copy of the sink
// for now (the two are identical by design).

import type { Model, SuccessorSink } from "../model/model.ts";
import {
  type Found,
  limitMessage,
  type Progress,
  residentMemory,
  type SearchHooks,
  type SearchLimits,
  type SearchOutcome,
} from "./_search.ts";
import type { ExactStore } from "./_store.ts";
import type { IncompleteReason } from "./result.ts";
import type { ReductionCounts } from "./_por.ts";

/** What the sink found: a new state violating an invariant, or a failing transition. */
export interface SinkFinding {
  /** The violated property. */
  readonly property: number;
  /** The violating state, or the state whose transition failed. */
  readonly state: number;
  /** The failing transition, or -1 for an invariant. */
  readonly transition: number;
  /** The failure message, for a failing transition. */
  readonly message?: string;
}

/**
 * Inserts every successor into the store and checks the invariants of each
 * new state. New states get consecutive indices, so an engine finds the
 * successors of one expansion as the range `[count before, count after)`.
 *
 * With `batch`, successors are packed into a queue as they come and stored
 * by {@linkcode InsertSink.flush}, in the order they came: first the table
 * slots and stored states every lookup will compare are read for the whole
 * queue, so their cache misses overlap instead of coming one after another,
 * then each is looked up, inserted and checked exactly as without a queue.
 * Nothing is stored or checked during an expansion (checking a successor
 * uses the model's work buffer, which holds the state being expanded): the
 * engine flushes between expansions, once `queued` reaches the batch size,
 * and wherever it reads the store or the findings (level ends, deadlocks,
 * progress). A failing transition is recorded when the queue is flushed,
 * after what came before it. Indices, parents, counts and findings are the
 * same with or without a queue.
 */
export class InsertSink implements SuccessorSink {
  readonly store: ExactStore;
  readonly model: Model;
  readonly maxStates: number;
  /** The state being expanded (the parent of what is inserted). */
  parent = -1;
  /** Cleared once something is found: later successors are only counted. */
  inserting = true;
  /** Successors generated so far. */
  transitions = 0;
  /** Set when a new state did not fit under `maxStates`. */
  full = false;
  found: SinkFinding | undefined;
  /** The first exploration bound reached (not a violation: the verdict can only be incomplete). */
  bound: SinkFinding | undefined;
  /** With partial-order reduction: how states were expanded. */
  reduction: ReductionCounts | undefined;
  /** The parent of the successor whose invariant threw while the queue was stored. */
  errorParent: number | undefined;
  /** The queue size an engine flushes at (0: no queue, every successor stored at once). */
  readonly batch: number;
  /** Queued successors, packed (`store.words` slots each), their hashes, parents, transitions. */
  #q: Int32Array;
  #qh: Int32Array;
  #qp: Int32Array;
  #qt: Int32Array;
  #qn = 0;
  /** A failing transition reported after the queued successors. */
  #failed: SinkFinding | undefined;
  /** A queued successor unpacked for `Model.check`. */
  readonly #one: Int32Array;
  /** Where the prefetching reads go, so they are not optimised away. */
  #sunk = 0;

  constructor(store: ExactStore, model: Model, maxStates: number, batch = 0) {
    this.store = store;
    this.model = model;
    this.maxStates = maxStates;
    this.batch = batch;
    const cap = batch > 0 ? batch * 2 : 0;
    this.#q = new Int32Array(cap * store.words);
    this.#qh = new Int32Array(cap);
    this.#qp = new Int32Array(cap);
    this.#qt = new Int32Array(cap);
    this.#one = new Int32Array(store.width);
  }

  /** Successors waiting in the queue. */
  get queued(): number {
    return this.#qn;
  }

  push(next: Int32Array, transition: number): boolean {
    this.transitions++;
    if (!this.inserting) return true;
    if (this.batch === 0) return this.#accept(next, transition);
    const store = this.store;
    const k = this.#qn;
    if (k === this.#qh.length) this.#enlarge();
    const words = store.words;
    // The store widens its lanes only here or while nothing is queued
    // (the initial states), so the queue follows it.
    if ((k + 1) * words > this.#q.length) this.#reallocate(this.#qh.length);
    const h = store.pack(next, this.#q, k * words);
    if (h === undefined) {
      // A value does not fit the store's lanes: widen them, with the queue.
      const held = new Int32Array(k * store.width);
      for (let i = 0; i < k; i++) store.unpack(this.#q, i * words, held.subarray(i * store.width));
      store.widenFor(next);
      this.#reallocate(this.#qh.length);
      for (let i = 0; i < k; i++) {
        this.#qh[i] = store.pack(held.subarray(i * store.width), this.#q, i * store.words)!;
      }
      this.transitions--;
      return this.push(next, transition);
    }
    this.#qh[k] = h;
    this.#qp[k] = this.parent;
    this.#qt[k] = transition;
    this.#qn = k + 1;
    return true;
  }

  /** Doubles the queue (an expansion with more successors than it holds). */
  #enlarge(): void {
    const cap = this.#qh.length * 2;
    const grow = (a: Int32Array, n: number) => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    this.#qh = grow(this.#qh, cap);
    this.#qp = grow(this.#qp, cap);
    this.#qt = grow(this.#qt, cap);
    this.#q = grow(this.#q, cap * this.store.words);
  }

  /** Reallocates the packed queue for the store's current words (the caller rewrites what it held). */
  #reallocate(cap: number): void {
    this.#q = new Int32Array(cap * this.store.words);
  }

  /**
   * Stores the queued successors, then records a failing transition
   * reported after them. Returns `false` when the store is full (then
   * `full` is set and the rest of the queue is dropped, uncounted). Must
   * not be called during an expansion: checking a successor overwrites the
   * model's work buffer.
   */
  flush(): boolean {
    const n = this.#qn;
    if (n > 0) {
      this.#qn = 0;
      const store = this.store;
      const qh = this.#qh;
      let sunk = 0;
      for (let k = 0; k < n; k++) sunk += store.prefetchSlot(qh[k]!);
      for (let k = 0; k < n; k++) sunk += store.prefetch(qh[k]!);
      this.#sunk ^= sunk;
      const words = store.words;
      const q = this.#q;
      const parent = this.parent;
      try {
        for (let k = 0; k < n && this.found === undefined; k++) {
          this.parent = this.#qp[k]!;
          if (!this.#acceptPacked(q, k * words, qh[k]!, this.#qt[k]!)) {
            this.transitions -= n - k - 1;
            this.#failed = undefined;
            return false;
          }
        }
      } catch (e) {
        this.errorParent = this.parent;
        throw e;
      } finally {
        this.parent = parent;
      }
    }
    if (this.#failed !== undefined) {
      this.found ??= this.#failed;
      this.#failed = undefined;
    }
    return !this.full;
  }

  /** Stores one successor and checks it when new. */
  #accept(next: Int32Array, transition: number): boolean {
    const store = this.store;
    if (store.count >= this.maxStates) {
      // Not stored: only a new state would exceed the limit.
      if (!store.has(next)) {
        this.full = true;
        return false;
      }
      return true;
    }
    const idx = store.insert(next, this.parent, transition);
    if (idx >= 0) this.#check(next, idx);
    return true;
  }

  /** As `#accept`, for a queued (packed) successor. */
  #acceptPacked(q: Int32Array, qo: number, h: number, transition: number): boolean {
    const store = this.store;
    if (store.count >= this.maxStates) {
      if (!store.hasPacked(q, qo, h)) {
        this.full = true;
        return false;
      }
      return true;
    }
    const idx = store.insertPacked(q, qo, h, this.parent, transition);
    if (idx >= 0) {
      store.unpack(q, qo, this.#one);
      this.#check(this.#one, idx);
    }
    return true;
  }

  #check(state: Int32Array, idx: number): void {
    const p = this.model.check(state);
    if (p >= 0 && this.found === undefined) {
      this.found = { property: p, state: idx, transition: -1 };
      this.inserting = false;
    }
  }

  fail(property: number, transition: number, message: string): void {
    if (this.model.properties[property]?.kind === "bound") {
      // Not a violation: the successor is cut, the search goes on, and the
      // verdict can no longer be ok.
      this.bound ??= { property, state: this.parent, transition, message };
      return;
    }
    if (this.found !== undefined || this.#failed !== undefined) return;
    const finding = { property, state: this.parent, transition, message };
    if (this.#qn === 0) this.found = finding;
    // After the queued successors: one of them may break an invariant first.
    else this.#failed = finding;
    this.inserting = false;
  }
}

/**
 * Stores and checks the initial states. Returns `"max-states"` when they do
 * not fit, otherwise nothing (a violation is left in `sink.found`).
 */
export function storeInitial(
  model: Model,
  store: ExactStore,
  sink: InsertSink,
  initial: readonly Int32Array[],
): "max-states" | undefined {
  for (const s of initial) {
    if (store.count >= sink.maxStates) return "max-states";
    const idx = store.insert(s, -1, -1);
    if (idx >= 0 && sink.found === undefined) {
      const p = model.check(s);
      if (p >= 0) sink.found = { property: p, state: idx, transition: -1 };
    }
  }
  return undefined;
}

/** The wall clock of a search: the time limit, time slices and progress reports. */
export class EngineClock {
  readonly start: number = performance.now();
  readonly deadline: number;
  readonly #hooks: SearchHooks;
  #lastProgress: number = this.start;
  #peak: number = residentMemory();

  constructor(limits: SearchLimits, hooks: SearchHooks) {
    this.deadline = limits.timeSeconds !== undefined
      ? this.start + limits.timeSeconds * 1000
      : Number.POSITIVE_INFINITY;
    this.#hooks = hooks;
  }

  /** Whether the caller asked to stop. */
  stopRequested(): boolean {
    return this.#hooks.shouldStop?.() === true;
  }

  /**
   * The periodic check of a running search: a limit reached, or `"slice"`
   * when the current time slice is over, or nothing. Sends progress reports.
   */
  poll(
    sliceEnd: number,
    progress: () => Omit<Progress, "seconds" | "statesPerSecond" | "memoryBytes">,
  ): IncompleteReason | "slice" | undefined {
    const now = performance.now();
    if (now >= this.deadline) return "time";
    if (this.stopRequested()) return "interrupted";
    if (now - this.#lastProgress >= 1000) {
      this.#lastProgress = now;
      const mem = residentMemory();
      if (mem > this.#peak) this.#peak = mem;
      const seconds = (now - this.start) / 1000;
      const p = progress();
      this.#hooks.onProgress?.({
        ...p,
        seconds,
        statesPerSecond: seconds > 0 ? p.states / seconds : 0,
        memoryBytes: mem,
      });
    }
    return now >= sliceEnd ? "slice" : undefined;
  }

  /** The peak resident memory seen, sampled now once more. */
  peak(): number {
    const mem = residentMemory();
    if (mem > this.#peak) this.#peak = mem;
    return this.#peak;
  }

  /** Seconds since the start. */
  seconds(): number {
    return (performance.now() - this.start) / 1000;
  }
}

/** What an engine hands to {@linkcode outcomeOf} when it ends. */
export interface EngineEnd {
  readonly status: SearchOutcome["status"];
  readonly reason?: IncompleteReason | undefined;
  /** A state with nothing enabled that violates a property (deadlock, final). */
  readonly stuck?: { readonly property: number; readonly state: number } | undefined;
  /** The state being expanded when the spec's code threw, or -1 for an initial state. */
  readonly error?: { readonly cause: unknown; readonly state: number } | undefined;
  readonly depth: number;
}

/** Builds the outcome of a search that ended: paths are rebuilt from the store's parent links. */
export function outcomeOf(
  store: ExactStore,
  sink: InsertSink,
  clock: EngineClock,
  limits: SearchLimits,
  end: EngineEnd,
): SearchOutcome {
  let found: Found | undefined;
  if (end.status === "violation") {
    if (end.stuck !== undefined) {
      found = { property: end.stuck.property, ...store.path(end.stuck.state) };
    } else if (sink.found !== undefined) {
      const f = sink.found;
      const path = store.path(f.state);
      if (f.transition >= 0) path.transitions.push(f.transition);
      found = {
        property: f.property,
        ...path,
        ...(f.message !== undefined ? { message: f.message } : {}),
      };
    }
  }
  let error: SearchOutcome["error"];
  if (end.status === "error" && end.error !== undefined) {
    const st = end.error.state;
    error = {
      cause: end.error.cause,
      ...(st >= 0 ? store.path(st) : { init: 0, transitions: [] }),
    };
  }
  // A search that covered everything but cut successors at an exploration
  // bound is incomplete, with the path to where the bound was first reached.
  const bounded = end.status === "ok" && sink.bound !== undefined;
  const status = bounded ? "incomplete" : end.status;
  const reason = bounded ? "bound" : end.reason;
  let incomplete: SearchOutcome["incomplete"];
  if (bounded) {
    const b = sink.bound!;
    const path = store.path(b.state);
    path.transitions.push(b.transition);
    incomplete = {
      reason: "bound",
      message: `${b.message}: the states beyond it were not explored`,
      found: {
        property: b.property,
        ...path,
        ...(b.message !== undefined ? { message: b.message } : {}),
      },
    };
  } else if (reason !== undefined) {
    incomplete = { reason, message: limitMessage(reason, limits) };
  }
  return {
    status,
    ...(found !== undefined ? { found } : {}),
    ...(error !== undefined ? { error } : {}),
    ...(incomplete !== undefined ? { incomplete } : {}),
    states: store.count,
    transitions: sink.transitions,
    depth: end.depth,
    seconds: clock.seconds(),
    storeBytes: store.bytes,
    peakMemoryBytes: clock.peak(),
    ...(sink.reduction !== undefined ? { reduction: { ...sink.reduction } } : {}),
  };
}
