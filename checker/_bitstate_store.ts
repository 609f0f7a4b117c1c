// Private module: the bitstate store, SPIN's supertrace. A state sets k bits
// of a bit array of 2^m bits; a state whose k bits are all set already is
// taken as visited. Nothing else is kept: no state, no fingerprint, no
// parent link, so a run costs the bit array whatever its number of states,
// and states are omitted (wrongly taken as visited) more often as the array
// fills. The store estimates how many from the actual fill of the array.
//
// The k bit positions come from two 32-bit hashes by double hashing,
// h1 + i·h2 (Dillinger and Manolios, "Fast and Accurate Bitstate
// Verification for SPIN", SPIN 2004), with a third hash for the bits of the
// position above 32 when m > 32.

import { hash64 } from "./_fingerprint_store.ts";

/** The smallest and largest bit arrays, as powers of two (32 bits to 16 GiB). */
export const BITSTATE_MIN_BITS = 5;
/** See {@linkcode BITSTATE_MIN_BITS}. */
export const BITSTATE_MAX_BITS = 37;

/** A third 32-bit hash of `w[0..n)`, for positions above bit 32 (FNV-1a over words, then a finalizer). */
function hashHigh(w: Int32Array, n: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < n; i++) h = Math.imul(h ^ w[i]!, 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h;
}

/**
 * A bit array of 2^m bits with k hash functions. States are numbered in
 * insertion order like in the other stores, but no state can be found again
 * from its number.
 */
export class BitstateStore {
  readonly width: number;
  /** m: the array has 2^m bits. */
  readonly bits: number;
  /** k: bits set per state. */
  readonly hashes: number;
  #words: Int32Array;
  #lowBits: number;
  #highMask: number;
  #count = 0;
  #set = 0;
  #expected = 0;
  #fp = new Int32Array(3);
  #word = new Float64Array(8);
  #mask = new Int32Array(8);

  /**
   * @param width Int32 slots per state.
   * @param bits m, from 5 to 37: the array has 2^m bits (2^(m-3) bytes).
   * @param hashes k, from 1 to 8: bits set per state.
   */
  constructor(width: number, bits: number, hashes: number) {
    if (!Number.isInteger(bits) || bits < BITSTATE_MIN_BITS || bits > BITSTATE_MAX_BITS) {
      throw new RangeError(
        `the bitstate array must have 2^${BITSTATE_MIN_BITS} to 2^${BITSTATE_MAX_BITS} bits, got 2^${bits}`,
      );
    }
    if (!Number.isInteger(hashes) || hashes < 1 || hashes > 8) {
      throw new RangeError(`the bitstate hash functions must number 1 to 8, got ${hashes}`);
    }
    this.width = width;
    this.bits = bits;
    this.hashes = hashes;
    this.#words = new Int32Array(2 ** (bits - 5));
    this.#lowBits = Math.min(32, bits);
    this.#highMask = bits > 32 ? (1 << (bits - 32)) - 1 : 0;
  }

  /** The number of stored states. */
  get count(): number {
    return this.#count;
  }

  /** Int32 words of a key (see {@linkcode BitstateStore.key}): two hashes and the high one. */
  readonly keyWords = 3;

  /**
   * Writes the hashes of `s` the k positions come from to `out[o..o + 3)`:
   * the key a batch of insertions computes first
   * ({@linkcode BitstateStore.prefetchKey}, then {@linkcode BitstateStore.insertKey}).
   */
  key(s: Int32Array, out: Int32Array, o: number): void {
    hash64(s, this.width, out, o);
    out[o + 2] = this.#highMask !== 0 ? hashHigh(s, this.width) : 0;
  }

  /** Computes the k positions of the key at `k[o..]` (word index, bit mask) into `#word` and `#mask`. */
  #positions(k: Int32Array, o: number): void {
    const h1 = k[o + 1]!;
    const h2 = k[o]! | 1;
    const shift = 32 - this.#lowBits;
    const high = k[o + 2]!;
    const step = (high >>> 7) | 1;
    for (let i = 0; i < this.hashes; i++) {
      const p = (h1 + Math.imul(i, h2)) >>> shift;
      let word = p >>> 5;
      if (this.#highMask !== 0) word += ((high + Math.imul(i, step)) & this.#highMask) * 134217728;
      this.#word[i] = word;
      this.#mask[i] = 1 << (p & 31);
    }
  }

  /**
   * Reads the word of the key's first bit, so a batch's cache misses
   * overlap. Returns a value only so the read is not optimised away.
   */
  prefetchKey(k: Int32Array, o: number): number {
    this.#positions(k, o);
    return this.#words[this.#word[0]!]!;
  }

  /** Whether the k bits of the key at `k[o..]` are all set. */
  hasKey(k: Int32Array, o: number): boolean {
    this.#positions(k, o);
    return this.#all();
  }

  #all(): boolean {
    const words = this.#words;
    for (let i = 0; i < this.hashes; i++) {
      if ((words[this.#word[i]!]! & this.#mask[i]!) === 0) return false;
    }
    return true;
  }

  /** Whether the k bits of `s` are all set (it is taken as visited). */
  has(s: Int32Array): boolean {
    this.key(s, this.#fp, 0);
    return this.hasKey(this.#fp, 0);
  }

  /**
   * Sets the k bits of `s` unless they are all set. Returns the new index,
   * or -1 when `s` is taken as visited. (Parent and transition are not
   * kept; they are parameters so every store inserts alike.)
   */
  insert(s: Int32Array, parent: number, via: number): number {
    this.key(s, this.#fp, 0);
    return this.insertKey(this.#fp, 0, parent, via);
  }

  /** As {@linkcode BitstateStore.insert}, for the key at `k[o..]` (from `key`). */
  insertKey(k: Int32Array, o: number, _parent: number, _via: number): number {
    this.#positions(k, o);
    if (this.#all()) return -1;
    // A new state now would be taken as visited with probability (B/M)^k
    // (B bits set of M): for each state stored, p/(1-p) are expected lost.
    const p = (this.#set / 2 ** this.bits) ** this.hashes;
    this.#expected += p / (1 - p);
    const words = this.#words;
    for (let i = 0; i < this.hashes; i++) {
      const w = this.#word[i]!, m = this.#mask[i]!;
      if ((words[w]! & m) === 0) {
        words[w] = words[w]! | m;
        this.#set++;
      }
    }
    return this.#count++;
  }

  /** Bytes of the bit array. */
  get bytes(): number {
    return this.#words.length * 4;
  }

  /** SPIN's hash factor: bits of the array per stored state (best if above 100). */
  get hashFactor(): number {
    return this.#count === 0 ? Number.POSITIVE_INFINITY : 2 ** this.bits / this.#count;
  }

  /**
   * The expected number of states omitted so far (reached but taken as
   * visited), from the fill of the array at each insertion. It counts the
   * states omitted directly, not those reachable only through them.
   */
  get expectedOmissions(): number {
    return this.#expected;
  }

  /** The estimated fraction of reached states that were stored: n / (n + expected omissions). */
  get coverage(): number {
    const n = this.#count;
    return n === 0 ? 1 : n / (n + this.#expected);
  }

  /** The probability that at least one state was omitted: 1 − e^(−expected omissions). */
  get omissionProbability(): number {
    return -Math.expm1(-this.#expected);
  }
}
