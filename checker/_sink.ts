// Private module: the successor sinks of the search engines. Every sink
// shares `FindingSink`: the counters, the state limit, and what it found
// (a violation, an exploration bound), each at a location of the engine's
// own. `InsertSink` stores successors in the exact store (bfs, dfs);
// `CompactSink` (_compact_sink.ts) in a fingerprint or bitstate store,
// queueing the new ones (the compact BFS). The parallel worker's sink is its
// `Explorer`.

import type { Model, SuccessorSink } from "../model/model.ts";
import type { ExactStore } from "./_store.ts";
import type { ReductionCounts } from "./_por.ts";
import type { Finding } from "./_search.ts";

/**
 * What every successor sink shares: counters, the state limit, and the
 * first violation and exploration bound met. A subclass inserts successors
 * (`push`) and says where the state being expanded is (`here`).
 */
export abstract class FindingSink<L> implements SuccessorSink {
  readonly model: Model;
  readonly maxStates: number;
  /** Cleared once something is found: later successors are only counted. */
  inserting = true;
  /** Successors generated so far. */
  transitions = 0;
  /** Set when a new state did not fit under `maxStates`. */
  full = false;
  /** The first violation: a new state's invariant, or a failing transition. */
  found: Finding<L> | undefined;
  /** The first exploration bound reached (not a violation: the verdict can only be incomplete). */
  bound: Finding<L> | undefined;

  constructor(model: Model, maxStates: number) {
    this.model = model;
    this.maxStates = maxStates;
  }

  abstract push(next: Int32Array, transition: number): boolean;

  /** Where the state being expanded is. */
  protected abstract here(): L;

  fail(property: number, transition: number, message: string): void {
    if (this.model.properties[property]?.kind === "bound") {
      // Not a violation: the successor is cut, the search goes on, and the
      // verdict can no longer be ok.
      if (this.bound === undefined) this.bound = { property, at: this.here(), transition, message };
      return;
    }
    if (this.found === undefined) this.violated({ property, at: this.here(), transition, message });
  }

  /** Records a violation, unless one was found before; later successors are only counted. */
  protected violated(f: Finding<L>): void {
    if (this.found !== undefined) return;
    this.found = f;
    this.inserting = false;
  }
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
export class InsertSink extends FindingSink<number> {
  readonly store: ExactStore;
  /** The state being expanded (the parent of what is inserted). */
  parent = -1;
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
  #failed: Finding<number> | undefined;
  /** A queued successor unpacked for `Model.check`. */
  readonly #one: Int32Array;
  /** Where the prefetching reads go, so they are not optimised away. */
  #sunk = 0;

  constructor(store: ExactStore, model: Model, maxStates: number, batch = 0) {
    super(model, maxStates);
    this.store = store;
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
    if (p >= 0) this.violated({ property: p, at: idx, transition: -1 });
  }

  protected override here(): number {
    return this.parent;
  }

  /** A failing transition waits behind the queued successors: one may break an invariant first. */
  protected override violated(f: Finding<number>): void {
    if (f.transition < 0) return super.violated(f);
    if (this.found !== undefined || this.#failed !== undefined) return;
    if (this.#qn === 0) this.found = f;
    else this.#failed = f;
    this.inserting = false;
  }

  /**
   * Stores and checks an initial state (nothing may be queued). Returns
   * `false` when it does not fit under `maxStates`.
   */
  insertInitial(s: Int32Array): boolean {
    const store = this.store;
    if (store.count >= this.maxStates) return false;
    const idx = store.insert(s, -1, -1);
    if (idx >= 0 && this.found === undefined) {
      const p = this.model.check(s);
      if (p >= 0) this.found = { property: p, at: idx, transition: -1 };
    }
    return true;
  }
}
