// Private module: the fingerprint store. A state is kept as a 64-bit
// fingerprint (two independent 32-bit hashes of its packed slots) in an
// open-addressing table, plus its parent index and the transition that
// reached it, so any trace can be rebuilt and replayed. The states
// themselves are not kept: two distinct states with the same fingerprint
// make the second look visited (an omission), which the store estimates
// the way TLC does.
//
// Layout and cost per state (all of it; `bytes` counts what is allocated):
//
// - the table: 8 bytes a slot (the fingerprint's two words; a zero low word
//   marks an empty slot), split into 1024 segments by the top 10 bits of the
//   high word. Each segment is a linear-probing table of any size (a slot is
//   found by scaling, not masking) that grows on its own once it is 90%
//   full, and never holds two copies of itself: a growth rehashes one
//   segment, a 1024th of the table. (Below 128 entries a segment doubles:
//   small runs do not care about bytes.)
// - the parent index: 4 bytes (Int32);
// - the transition number: 1 byte (Uint8) when the model has at most 256
//   transitions (every bundled spec), 2 bytes (Uint16) up to 65536, else 4
//   (Int32): `linkBytes` is 5, 6 or 8.
//
// A segment grows to 75% full with 5-byte links (by 20%: the table costs
// 8/0.9 to 8/0.75 bytes a state, 8.9 to 10.7, so 13.9 to 15.7 bytes all
// told) and to 80% full with wider ones (by 12.5%: 8.9 to 10 bytes, 14.9 to
// 16 bytes all told with 6-byte links; 16.9 to 18 with 8-byte links, the
// one case above 16 bytes). Links grow by chunks of 16384 states.

import { pathTo } from "./_search.ts";

/** Bits of the high word that choose the segment. */
const SEG_BITS = 10;
const SEGS = 1 << SEG_BITS;
const SEG_SHIFT = 32 - SEG_BITS;
/** The smallest segment, in slots. */
const MIN_CAP = 16;
/** Below this many entries a segment doubles when it grows. */
const DOUBLE_BELOW = 128;
/** A segment grows past this load... */
const MAX_LOAD = 0.9;
/** ...to this one (with 5-byte links, else 0.8). */
const GROW_LOAD_NARROW = 0.75;
const GROW_LOAD = 0.8;
/** 2^-21: the slot of a fingerprint is its 21 bits below the segment bits, scaled to the segment. */
const SLOT_SCALE = 1 / (1 << 21);

const LINK_BITS = 14;
const LINK = 1 << LINK_BITS;
const LINK_MASK = LINK - 1;

/**
 * Two independent 32-bit hashes of `w[0..n)` in one pass: `out[1]` (the
 * high word) by MurmurHash3's mixing, `out[0]` (the low word) by xxHash32's
 * word step, each with its own seed and finalizer (into `out[o]`, `out[o + 1]`).
 */
export function hash64(w: Int32Array, n: number, out: Int32Array, o = 0): void {
  let h = 0x3c6ef372;
  let g = 0x165667b1 + 0x2545f491;
  for (let i = 0; i < n; i++) {
    const x = w[i]!;
    let k = Math.imul(x, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
    g = (g + Math.imul(x, 0xc2b2ae3d)) | 0;
    g = Math.imul((g << 17) | (g >>> 15), 0x27d4eb2f);
  }
  h ^= n;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  g = (g + n * 4) | 0;
  g ^= g >>> 15;
  g = Math.imul(g, 0x85ebca77);
  g ^= g >>> 13;
  g = Math.imul(g, 0xc2b2ae3d);
  g ^= g >>> 16;
  out[o] = g;
  out[o + 1] = h;
}

/** Whether typed arrays are little-endian here (the fingerprint sort reads words as 64-bit values). */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * A set of 64-bit state fingerprints with parent links, indexed in
 * insertion order (the index of a state is the number of states stored
 * before it, as in the exact store).
 */
export class FingerprintStore {
  readonly width: number;
  /** Bytes of links per state: 4 for the parent, 1, 2 or 4 for the transition. */
  readonly linkBytes: 5 | 6 | 8;
  /** Bits kept of each fingerprint (64 unless narrowed to test omissions). */
  readonly fingerprintBits: number;
  /** Per segment: (low word, high word) pairs; a zero low word is an empty slot. */
  #segs: Int32Array[] = [];
  #caps = new Int32Array(SEGS);
  #fill = new Int32Array(SEGS);
  #limit = new Int32Array(SEGS);
  #slots = 0;
  #parents: Int32Array[] = [];
  #vias: (Uint8Array | Uint16Array | Int32Array)[] = [];
  #growLoad: number;
  #count = 0;
  #fp = new Int32Array(2);
  #keepLo: number;
  #keepHi: number;
  #minDistance: number | undefined;

  /**
   * @param width Int32 slots per state.
   * @param transitionCount The model's number of transitions (decides the width of links).
   * @param fingerprintBits Bits kept of each fingerprint, 1 to 64 (default 64).
   */
  constructor(width: number, transitionCount: number, fingerprintBits = 64) {
    if (!Number.isInteger(fingerprintBits) || fingerprintBits < 1 || fingerprintBits > 64) {
      throw new RangeError(`fingerprint bits must be 1 to 64, got ${fingerprintBits}`);
    }
    this.width = width;
    this.linkBytes = transitionCount <= 0x100 ? 5 : transitionCount <= 0x10000 ? 6 : 8;
    this.#growLoad = this.linkBytes === 5 ? GROW_LOAD_NARROW : GROW_LOAD;
    this.fingerprintBits = fingerprintBits;
    // Keep the top bits of the 64-bit value (high word first).
    const hiBits = Math.min(32, fingerprintBits);
    const loBits = fingerprintBits - hiBits;
    this.#keepHi = hiBits === 32 ? -1 : ~(-1 >>> hiBits);
    this.#keepLo = loBits === 32 ? -1 : loBits === 0 ? 0 : ~(-1 >>> loBits);
    for (let s = 0; s < SEGS; s++) {
      this.#segs.push(new Int32Array(MIN_CAP * 2));
      this.#caps[s] = MIN_CAP;
      this.#limit[s] = Math.floor(MIN_CAP * MAX_LOAD);
    }
    this.#slots = SEGS * MIN_CAP;
  }

  /** The number of stored states. */
  get count(): number {
    return this.#count;
  }

  /** Fingerprints `s` into `#fp`: [low word (never 0), high word]. */
  #fingerprint(s: Int32Array): void {
    this.key(s, this.#fp, 0);
  }

  /** Int32 words of a key (see {@linkcode FingerprintStore.key}): the fingerprint's two. */
  readonly keyWords = 2;

  /**
   * Writes the fingerprint of `s` to `out[o]` (low word, never 0) and
   * `out[o + 1]` (high word): the key a batch of insertions computes first
   * ({@linkcode FingerprintStore.prefetchKey}, then
   * {@linkcode FingerprintStore.insertKey}).
   */
  key(s: Int32Array, out: Int32Array, o: number): void {
    hash64(s, this.width, out, o);
    if (this.fingerprintBits < 64) {
      out[o] = out[o]! & this.#keepLo;
      out[o + 1] = out[o + 1]! & this.#keepHi;
    }
    // Zero marks an empty slot: fingerprints with a zero low word are
    // taken as low word 1 (2^32 of the 2^64 values share it with another).
    if (out[o] === 0) out[o] = 1;
  }

  /**
   * Reads the table slot where the lookup of the key at `k[o..]` starts, so
   * a batch's cache misses overlap. Returns a value only so the read is not
   * optimised away.
   */
  prefetchKey(k: Int32Array, o: number): number {
    const hi = k[o + 1]!;
    const seg = hi >>> SEG_SHIFT;
    const slot = ((((hi >>> 1) & 0x1fffff) * this.#caps[seg]!) * SLOT_SCALE) | 0;
    return this.#segs[seg]![2 * slot]!;
  }

  /** Whether the fingerprint at `k[o..]` is stored. */
  hasKey(k: Int32Array, o: number): boolean {
    const lo = k[o]!, hi = k[o + 1]!;
    const seg = hi >>> SEG_SHIFT;
    return this.#find(this.#segs[seg]!, this.#caps[seg]!, lo, hi) >= 0;
  }

  /** The slot of `#fp` in its segment, or -(slot + 1) for the empty slot where it would go. */
  #find(table: Int32Array, cap: number, lo: number, hi: number): number {
    let slot = ((((hi >>> 1) & 0x1fffff) * cap) * SLOT_SCALE) | 0;
    for (;;) {
      const e = table[2 * slot]!;
      if (e === 0) return -(slot + 1);
      if (e === lo && table[2 * slot + 1] === hi) return slot;
      if (++slot === cap) slot = 0;
    }
  }

  /** Whether a state with the fingerprint of `s` is stored. */
  has(s: Int32Array): boolean {
    this.#fingerprint(s);
    return this.hasKey(this.#fp, 0);
  }

  /**
   * Adds `s` unless a state with its fingerprint is stored. Returns the new
   * index, or -1 when the fingerprint was already there.
   */
  insert(s: Int32Array, parent: number, via: number): number {
    this.#fingerprint(s);
    return this.insertKey(this.#fp, 0, parent, via);
  }

  /** As {@linkcode FingerprintStore.insert}, for the fingerprint at `k[o..]` (from `key`). */
  insertKey(k: Int32Array, o: number, parent: number, via: number): number {
    const lo = k[o]!, hi = k[o + 1]!;
    const seg = hi >>> SEG_SHIFT;
    const table = this.#segs[seg]!;
    const found = this.#find(table, this.#caps[seg]!, lo, hi);
    if (found >= 0) return -1;
    const slot = -found - 1;
    table[2 * slot] = lo;
    table[2 * slot + 1] = hi;
    if (++this.#fill[seg]! > this.#limit[seg]!) this.#grow(seg);
    const idx = this.#count;
    this.#link(idx, parent, via);
    this.#count = idx + 1;
    this.#minDistance = undefined;
    return idx;
  }

  /** Records state `idx`'s parent link, adding a chunk of links when `idx` starts one. */
  #link(idx: number, parent: number, via: number): void {
    const c = idx >>> LINK_BITS;
    if (c === this.#parents.length) {
      this.#parents.push(new Int32Array(LINK));
      this.#vias.push(
        this.linkBytes === 5
          ? new Uint8Array(LINK)
          : this.linkBytes === 6
          ? new Uint16Array(LINK)
          : new Int32Array(LINK),
      );
    }
    this.#parents[c]![idx & LINK_MASK] = parent;
    this.#vias[c]![idx & LINK_MASK] = via;
  }

  #grow(seg: number): void {
    const old = this.#segs[seg]!;
    const oldCap = this.#caps[seg]!;
    const fill = this.#fill[seg]!;
    const cap = fill < DOUBLE_BELOW ? oldCap * 2 : Math.ceil(fill / this.#growLoad);
    const table = new Int32Array(cap * 2);
    const scale = cap * SLOT_SCALE;
    for (let i = 0; i < old.length; i += 2) {
      const lo = old[i]!;
      if (lo === 0) continue;
      const hi = old[i + 1]!;
      // All fingerprints differ: only an empty slot is looked for.
      let slot = (((hi >>> 1) & 0x1fffff) * scale) | 0;
      while (table[2 * slot] !== 0) if (++slot === cap) slot = 0;
      table[2 * slot] = lo;
      table[2 * slot + 1] = hi;
    }
    this.#segs[seg] = table;
    this.#caps[seg] = cap;
    this.#limit[seg] = Math.floor(cap * MAX_LOAD);
    this.#slots += cap - oldCap;
  }

  /** Every stored fingerprint, as (low, high) pairs in table order (for a checkpoint). */
  fingerprints(): Int32Array {
    const out = new Int32Array(this.#count * 2);
    let k = 0;
    for (const table of this.#segs) {
      for (let i = 0; i < table.length; i += 2) {
        if (table[i] === 0) continue;
        out[k++] = table[i]!;
        out[k++] = table[i + 1]!;
      }
    }
    return out;
  }

  /**
   * Refills this empty store from a checkpoint: the fingerprints (as from
   * {@linkcode FingerprintStore.fingerprints}) and each state's parent and
   * transition, by index.
   */
  restore(fingerprints: Int32Array, parents: Int32Array, vias: Int32Array): void {
    if (this.#count !== 0 || parents.length !== vias.length) {
      throw new RangeError("a fingerprint store is restored once, from matching links");
    }
    for (let i = 0; i < fingerprints.length; i += 2) {
      const lo = fingerprints[i]!, hi = fingerprints[i + 1]!;
      const seg = hi >>> SEG_SHIFT;
      const found = this.#find(this.#segs[seg]!, this.#caps[seg]!, lo, hi);
      if (found >= 0) throw new RangeError("the checkpoint holds a fingerprint twice");
      const table = this.#segs[seg]!;
      table[2 * (-found - 1)] = lo;
      table[2 * (-found - 1) + 1] = hi;
      if (++this.#fill[seg]! > this.#limit[seg]!) this.#grow(seg);
    }
    for (let idx = 0; idx < parents.length; idx++) this.#link(idx, parents[idx]!, vias[idx]!);
    this.#count = parents.length;
  }

  /** The parent of state `idx` (-1 for an initial state). */
  parent(idx: number): number {
    return this.#parents[idx >>> LINK_BITS]![idx & LINK_MASK]!;
  }

  /** The transition that first reached state `idx` (-1 for an initial state). */
  via(idx: number): number {
    if (this.parent(idx) < 0) return -1;
    return this.#vias[idx >>> LINK_BITS]![idx & LINK_MASK]!;
  }

  /** The path of transitions from an initial state to `idx`, and that initial state's index. */
  path(idx: number): { init: number; transitions: number[] } {
    return pathTo(this, idx);
  }

  /**
   * Bytes allocated: the table's slots (8 bytes each) and the link chunks.
   * (A tiny run holds the 1024 smallest segments, 128 KiB, and one chunk.)
   */
  get bytes(): number {
    return this.#slots * 8 + this.#parents.length * LINK * this.linkBytes;
  }

  /**
   * TLC's "calculated (optimistic)" probability that some state was missed
   * because two distinct states had the same fingerprint: n·(g − n)/2^b for
   * n stored states, g generated ones (initial states and successors) and
   * b fingerprint bits. At most 1.
   */
  optimisticOmission(generated: number): number {
    const n = this.#count;
    return Math.min(1, (n * Math.max(0, generated - n)) / 2 ** this.fingerprintBits);
  }

  /**
   * TLC's estimate "based on the actual fingerprints": 1 / the smallest
   * distance between two stored fingerprints (scaled to b bits), or 0 with
   * fewer than two. Sorts each segment once (a copy of one segment at a
   * time); the result is kept until the next insertion. Undefined where
   * typed arrays are big-endian.
   */
  actualOmission(): number | undefined {
    if (!LITTLE_ENDIAN) return undefined;
    if (this.#minDistance === undefined) {
      const gaps = new GapScan();
      for (let s = 0; s < SEGS; s++) {
        if (this.#fill[s] === 0) continue;
        const t = this.#segs[s]!;
        // As 64-bit values (high word · 2^32 + low word) the segments are
        // in order: the segment is the top bits of the high word.
        const sorted = new BigUint64Array(t.buffer, t.byteOffset, t.length / 2).slice().sort();
        gaps.scan(new Uint32Array(sorted.buffer));
      }
      this.#minDistance = gaps.min;
    }
    const min = this.#minDistance;
    if (!Number.isFinite(min)) return 0;
    return Math.min(1, 2 ** (64 - this.fingerprintBits) / min);
  }
}

/**
 * The smallest distance between consecutive 64-bit fingerprints, fed in
 * ascending order as little-endian (low word, high word) pairs, one sorted
 * run after another; empty slots (low word 0) are skipped.
 */
export class GapScan {
  /** The smallest distance so far (infinity with fewer than two fingerprints). */
  min = Number.POSITIVE_INFINITY;
  #havePrev = false;
  #lo = 0;
  #hi = 0;

  /** Feeds the next sorted run. */
  scan(w: Uint32Array): void {
    for (let i = 0; i < w.length; i += 2) {
      const lo = w[i]!, hi = w[i + 1]!;
      if (lo === 0) continue;
      if (this.#havePrev) {
        const d = (hi - this.#hi) * 4294967296 + (lo - this.#lo);
        if (d < this.min) this.min = d;
      }
      this.#havePrev = true;
      this.#lo = lo;
      this.#hi = hi;
    }
  }
}
