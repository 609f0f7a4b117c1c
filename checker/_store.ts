// Private module: the exact state store. States live in fixed-size chunks
// of one arena (no per-state object), found again through an open-addressing
// hash table of state indices. Each state keeps its parent index and the
// transition that reached it, so any trace can be rebuilt and replayed.

import { type Layout, narrowest, widened } from "./_packing.ts";
import { pathTo } from "./_search.ts";

const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK - 1;

/**
 * A set of packed states with parent links, indexed in insertion order.
 *
 * States are packed into 32-bit words (`_packing.ts`: a lane of 8, 16 or 32
 * bits per slot, widened the first time a value does not fit), and hashed
 * over those words: per word one multiply by the golden ratio and a
 * rotation, then MurmurHash3's finaliser. The hash table holds (hash,
 * index + 1) pairs side by side, so a probe touches one cache line of the
 * table and, only on a hash match, the state itself. Per state the store
 * keeps its words, its parent index and the transition that reached it.
 *
 * Besides `insert`, callers that queue successors (`InsertSink`) pack them
 * themselves ({@linkcode ExactStore.pack}) and insert packed states.
 */
export class ExactStore {
  readonly width: number;
  #layout: Layout;
  /** The packed states, in chunks of 65536. */
  #data: Int32Array[] = [];
  /** Per state: parent index, transition. */
  #meta: Int32Array[] = [];
  /** Pairs: hash, index + 1 (0 = empty). */
  #table: Int32Array;
  #mask: number;
  #count = 0;
  /** One packed state, for `insert`, `has` and `indexOf`. */
  #scratch: Int32Array;

  constructor(width: number, initialCapacity = 1 << 12) {
    this.width = width;
    this.#layout = narrowest(width);
    this.#scratch = new Int32Array(this.#layout.words);
    let cap = 1 << 10;
    while (cap < initialCapacity * 2) cap <<= 1;
    this.#table = new Int32Array(cap * 2);
    this.#mask = cap - 1;
  }

  /** The number of stored states. */
  get count(): number {
    return this.#count;
  }

  /** Words per packed state (changes when a lane widens). */
  get words(): number {
    return this.#layout.words;
  }

  /**
   * Packs `s` into `q[qo..qo + words)` and returns its hash, or, when a
   * value of `s` does not fit the current lanes, returns `undefined` and
   * writes nothing useful: the caller then stores what it queued, calls
   * {@linkcode ExactStore.widenFor} and packs again.
   */
  pack(s: Int32Array, q: Int32Array, qo: number): number | undefined {
    const layout = this.#layout;
    const h = layout.pack(s, q, qo);
    if (layout.misfit[0] === 0) return h;
    layout.misfit[0] = 0;
    return undefined;
  }

  /** Widens the lanes `s` does not fit, repacking every stored state. */
  widenFor(s: Int32Array): void {
    const layout = widened(this.#layout, s);
    const words = layout.words;
    const old = this.#layout;
    const tmp = new Int32Array(this.width);
    const table = this.#table;
    table.fill(0);
    const mask = this.#mask;
    const data: Int32Array[] = [];
    for (let c = 0; c < this.#data.length; c++) {
      const from = this.#data[c]!;
      const to = new Int32Array(CHUNK * words);
      const n = Math.min(CHUNK, this.#count - c * CHUNK);
      for (let k = 0; k < n; k++) {
        old.unpack(from, k * old.words, tmp);
        const h = layout.pack(tmp, to, k * words);
        let slot = h & mask;
        while (table[2 * slot + 1] !== 0) slot = (slot + 1) & mask;
        table[2 * slot] = h;
        table[2 * slot + 1] = c * CHUNK + k + 1;
      }
      data.push(to);
    }
    this.#data = data;
    this.#layout = layout;
    this.#scratch = new Int32Array(words);
  }

  /** Packs `s` into the scratch buffer, widening first if needed; returns the hash. */
  #packScratch(s: Int32Array): number {
    let h = this.pack(s, this.#scratch, 0);
    if (h === undefined) {
      this.widenFor(s);
      h = this.pack(s, this.#scratch, 0)!;
    }
    return h;
  }

  #find(q: Int32Array, qo: number, h: number): number {
    const words = this.#layout.words;
    const equals = this.#layout.equals;
    const table = this.#table;
    const mask = this.#mask;
    let slot = h & mask;
    for (;;) {
      const e = table[2 * slot + 1]!;
      if (e === 0) return -(slot + 1);
      if (table[2 * slot] === h) {
        const idx = e - 1;
        if (equals(this.#data[idx >>> CHUNK_BITS]!, (idx & CHUNK_MASK) * words, q, qo)) return idx;
      }
      slot = (slot + 1) & mask;
    }
  }

  /**
   * Reads the table slot of hash `h`, which a lookup of it will read first.
   * A batch of lookups reads all its slots, then (with
   * {@linkcode ExactStore.prefetch}) the states they point to, so their
   * cache misses overlap instead of coming one after another. Returns a
   * value only so the reads are not optimised away.
   */
  prefetchSlot(h: number): number {
    return this.#table[2 * (h & this.#mask) + 1]!;
  }

  /** Reads the first word of the state the table slot of hash `h` points to, if the hash matches. */
  prefetch(h: number): number {
    const table = this.#table;
    const slot = h & this.#mask;
    const e = table[2 * slot + 1]!;
    if (e === 0 || table[2 * slot] !== h) return e;
    const idx = e - 1;
    return this.#data[idx >>> CHUNK_BITS]![(idx & CHUNK_MASK) * this.#layout.words]!;
  }

  /** Whether the packed state at `q[qo..]`, whose hash is `h`, is stored. */
  hasPacked(q: Int32Array, qo: number, h: number): boolean {
    return this.#find(q, qo, h) >= 0;
  }

  /** Whether `s` is stored. */
  has(s: Int32Array): boolean {
    return this.indexOf(s) >= 0;
  }

  /** The index of `s`, or -1 when it is not stored. */
  indexOf(s: Int32Array): number {
    // A state that does not fit the lanes was never stored.
    const h = this.pack(s, this.#scratch, 0);
    if (h === undefined) return -1;
    const i = this.#find(this.#scratch, 0, h);
    return i >= 0 ? i : -1;
  }

  /**
   * Adds `s` unless present. Returns the new index, or -1 when the state was
   * already stored.
   */
  insert(s: Int32Array, parent: number, via: number): number {
    const h = this.#packScratch(s);
    return this.insertPacked(this.#scratch, 0, h, parent, via);
  }

  /**
   * Adds the packed state at `q[qo..qo + words)`, whose hash is `h` (both
   * from {@linkcode ExactStore.pack}), unless present. Returns the new
   * index, or -1 when the state was already stored.
   */
  insertPacked(q: Int32Array, qo: number, h: number, parent: number, via: number): number {
    const found = this.#find(q, qo, h);
    if (found >= 0) return -1;
    const slot = -found - 1;
    const words = this.#layout.words;
    const idx = this.#count;
    const c = idx >>> CHUNK_BITS;
    if (c === this.#data.length) {
      this.#data.push(new Int32Array(CHUNK * words));
      this.#meta.push(new Int32Array(CHUNK * 2));
    }
    const base = (idx & CHUNK_MASK) * words;
    const data = this.#data[c]!;
    for (let i = 0; i < words; i++) data[base + i] = q[qo + i]!;
    const meta = this.#meta[c]!;
    const mo = (idx & CHUNK_MASK) * 2;
    meta[mo] = parent;
    meta[mo + 1] = via;
    this.#table[2 * slot] = h;
    this.#table[2 * slot + 1] = idx + 1;
    this.#count = idx + 1;
    if (this.#count * 4 > (this.#mask + 1) * 3) this.#grow();
    return idx;
  }

  /** Unpacks the packed state at `q[qo..]` into `out`. */
  unpack(q: Int32Array, qo: number, out: Int32Array): void {
    this.#layout.unpack(q, qo, out);
  }

  #grow(): void {
    const old = this.#table;
    const cap = (this.#mask + 1) * 2;
    const table = new Int32Array(cap * 2);
    const mask = cap - 1;
    for (let i = 0; i < old.length; i += 2) {
      const e = old[i + 1]!;
      if (e === 0) continue;
      const h = old[i]!;
      let slot = h & mask;
      while (table[2 * slot + 1] !== 0) slot = (slot + 1) & mask;
      table[2 * slot] = h;
      table[2 * slot + 1] = e;
    }
    this.#table = table;
    this.#mask = mask;
  }

  /** Copies state `idx` into `out`. */
  read(idx: number, out: Int32Array): void {
    this.#layout.unpack(
      this.#data[idx >>> CHUNK_BITS]!,
      (idx & CHUNK_MASK) * this.#layout.words,
      out,
    );
  }

  /** The parent of state `idx` (-1 for an initial state). */
  parent(idx: number): number {
    return this.#meta[idx >>> CHUNK_BITS]![(idx & CHUNK_MASK) * 2]!;
  }

  /** The transition that first reached state `idx` (-1 for an initial state). */
  via(idx: number): number {
    return this.#meta[idx >>> CHUNK_BITS]![(idx & CHUNK_MASK) * 2 + 1]!;
  }

  /** The path of transitions from an initial state to `idx`, and that initial state's index. */
  path(idx: number): { init: number; transitions: number[] } {
    return pathTo(this, idx);
  }

  /**
   * Bytes the store uses: each state's packed words, parent link and
   * transition, plus the hash table. (Chunks are allocated 65536 states at
   * a time, so a tiny run holds more than it uses.)
   */
  get bytes(): number {
    return this.#count * (this.#layout.words * 4 + 8) + this.#table.length * 4;
  }
}
