// Private module: the successor sink of the compact BFS (bfs_compact.ts).
// It inserts successors into a fingerprint or bitstate store, queues the
// new ones for expansion and checks their invariants.
//
// Like the exact store's `InsertSink` (_sink.ts), it can store successors
// in batches: each successor's key (its fingerprint, or the hashes its bits
// come from) is computed as it comes and queued with a copy of the state;
// `flush` first reads the table slot (or bit-array word) of every queued
// key, so their cache misses overlap instead of coming one after another,
// then inserts, queues and checks each in the order they came. Nothing is
// checked during an expansion; a failing transition is recorded after the
// successors queued before it. States, indices, parents and findings are
// the same with or without a batch.

import type { Model } from "../model/model.ts";
import type { ExactStore } from "./_store.ts";
import type { CompactStore, StateQueue } from "./_compact_store.ts";
import type { Finding } from "./_search.ts";
import { FindingSink } from "./_sink.ts";

/** A state the outcome of a compact search needs a path to: its index, a copy, its depth. */
export interface StateRef {
  readonly index: number;
  readonly state: Int32Array;
  readonly depth: number;
}

/** Inserts successors into a compact store, queues the new ones and checks their invariants. */
export class CompactSink extends FindingSink<StateRef> {
  readonly store: CompactStore;
  readonly queue: StateQueue;
  parent = -1;
  /** The state being expanded, and its depth. */
  readonly cur: Int32Array;
  depth = 0;
  /** With reduction: the states stored while expanding the current level (none expanded yet). */
  nextLevel: ExactStore | undefined;
  /** The queue size an engine flushes at (0: no queue, every successor stored at once). */
  readonly batch: number;
  /** The state whose successor's invariant threw while the queue was stored. */
  errorAt: StateRef | undefined;
  readonly #width: number;
  /** Queued successors: copies, keys, parents, transitions, and which expansion each came from. */
  #states: Int32Array;
  #keys: Int32Array;
  #parents: Int32Array;
  #vias: Int32Array;
  #from: Int32Array;
  #n = 0;
  /** Copies of the states expanded since the last flush (for an error's location). */
  #expanded: Int32Array;
  #ne = 0;
  #lastParent = -1;
  #failed: Finding<StateRef> | undefined;
  readonly #one: Int32Array;
  /** Where the prefetching reads go, so they are not optimised away. */
  #sunk = 0;

  constructor(
    store: CompactStore,
    queue: StateQueue,
    model: Model,
    maxStates: number,
    batch = 0,
  ) {
    super(model, maxStates);
    this.store = store;
    this.queue = queue;
    this.batch = batch;
    const w = this.#width = model.width;
    this.cur = new Int32Array(w);
    this.#one = new Int32Array(w);
    const cap = batch > 0 ? batch * 2 : 0;
    this.#states = new Int32Array(cap * w);
    this.#expanded = new Int32Array(cap * w);
    this.#keys = new Int32Array(cap * store.keyWords);
    this.#parents = new Int32Array(cap);
    this.#vias = new Int32Array(cap);
    this.#from = new Int32Array(cap);
  }

  /** Successors waiting in the queue. */
  get queued(): number {
    return this.#n;
  }

  push(next: Int32Array, transition: number): boolean {
    this.transitions++;
    if (!this.inserting) return true;
    if (this.batch === 0) return this.#accept(next, transition);
    const k = this.#n, w = this.#width;
    if (k === this.#vias.length) this.#enlarge();
    if (this.parent !== this.#lastParent || this.#ne === 0) {
      this.#lastParent = this.parent;
      this.#expanded.set(this.cur, this.#ne++ * w);
    }
    const states = this.#states, base = k * w;
    for (let i = 0; i < w; i++) states[base + i] = next[i]!;
    this.store.key(next, this.#keys, k * this.store.keyWords);
    this.#parents[k] = this.parent;
    this.#vias[k] = transition;
    this.#from[k] = this.#ne - 1;
    this.#n = k + 1;
    return true;
  }

  /** Doubles the queue (an expansion with more successors than it holds). */
  #enlarge(): void {
    const cap = Math.max(16, this.#vias.length * 2), w = this.#width;
    const grow = (a: Int32Array, n: number) => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    this.#states = grow(this.#states, cap * w);
    this.#expanded = grow(this.#expanded, cap * w);
    this.#keys = grow(this.#keys, cap * this.store.keyWords);
    this.#parents = grow(this.#parents, cap);
    this.#vias = grow(this.#vias, cap);
    this.#from = grow(this.#from, cap);
  }

  /**
   * Stores the queued successors, then records a failing transition
   * reported after them. Returns `false` when the store is full (then
   * `full` is set and the rest of the queue is dropped, uncounted). Must
   * not be called during an expansion.
   */
  flush(): boolean {
    const n = this.#n;
    if (n > 0) {
      this.#n = 0;
      this.#ne = 0;
      const store = this.store, keys = this.#keys, kw = store.keyWords;
      let sunk = 0;
      for (let k = 0; k < n; k++) sunk += store.prefetchKey(keys, k * kw);
      this.#sunk ^= sunk;
      let k = 0;
      try {
        for (; k < n && this.found === undefined; k++) {
          if (!this.#acceptQueued(k)) {
            this.transitions -= n - k - 1;
            this.#failed = undefined;
            return false;
          }
        }
      } catch (e) {
        const w = this.#width, at = this.#from[k]! * w;
        const state = this.#expanded.slice(at, at + w);
        this.errorAt = { index: this.#parents[k]!, state, depth: this.depth };
        throw e;
      }
    }
    if (this.#failed !== undefined) {
      this.found ??= this.#failed;
      this.#failed = undefined;
    }
    return !this.full;
  }

  /** Stores the queued successor `k` and, when new, queues and checks it. */
  #acceptQueued(k: number): boolean {
    const store = this.store, keys = this.#keys, ko = k * store.keyWords;
    if (store.count >= this.maxStates) {
      // Not stored: only a new state would exceed the limit.
      if (!store.hasKey(keys, ko)) {
        this.full = true;
        return false;
      }
      return true;
    }
    const idx = store.insertKey(keys, ko, this.#parents[k]!, this.#vias[k]!);
    if (idx >= 0) {
      const one = this.#one, w = this.#width;
      one.set(this.#states.subarray(k * w, k * w + w));
      this.#stored(one, idx);
    }
    return true;
  }

  /** Stores one successor at once (no batch) and, when new, queues and checks it. */
  #accept(next: Int32Array, transition: number): boolean {
    if (this.store.count >= this.maxStates) {
      if (!this.store.has(next)) {
        this.full = true;
        return false;
      }
      return true;
    }
    const idx = this.store.insert(next, this.parent, transition);
    if (idx >= 0) this.#stored(next, idx);
    return true;
  }

  /** Queues a new state and checks its invariants. */
  #stored(s: Int32Array, idx: number): void {
    this.queue.push(s);
    this.nextLevel?.insert(s, -1, -1);
    const p = this.model.check(s);
    if (p >= 0 && this.found === undefined) {
      const at = { index: idx, state: s.slice(), depth: this.depth + 1 };
      this.violated({ property: p, at, transition: -1 });
    }
  }

  /** A failing transition waits behind the queued successors: one may break an invariant first. */
  protected override violated(f: Finding<StateRef>): void {
    if (f.transition < 0) return super.violated(f);
    if (this.found !== undefined || this.#failed !== undefined) return;
    if (this.#n === 0) this.found = f;
    else this.#failed = f;
    this.inserting = false;
  }

  /** Stores, queues and checks an initial state (nothing may be queued); `false` when it does not fit. */
  insertInitial(s: Int32Array): boolean {
    if (this.store.count >= this.maxStates) return false;
    const idx = this.store.insert(s, -1, -1);
    if (idx < 0) return true;
    this.queue.push(s);
    if (this.found === undefined) {
      const p = this.model.check(s);
      if (p >= 0) {
        this.found = {
          property: p,
          at: { index: idx, state: s.slice(), depth: 0 },
          transition: -1,
        };
      }
    }
    return true;
  }

  protected override here(): StateRef {
    return { index: this.parent, state: this.cur.slice(), depth: this.depth };
  }
}
