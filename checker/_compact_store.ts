// Private module: what the compact BFS (bfs_compact.ts) keeps besides its
// loop: the store that does not keep states (fingerprint or bitstate), the
// queue of states still to expand, and the report of what the store may
// have missed.

import type { Model } from "../model/model.ts";
import { FingerprintStore } from "./_fingerprint_store.ts";
import { BitstateStore } from "./_bitstate_store.ts";
import { type Layout, narrowest, widened } from "./_packing.ts";

/** The stores the compact search can use. */
export type CompactStoreKind = "fingerprint" | "bitstate";

/** The default m of the bitstate store: 2^30 bits, 128 MiB. */
export const DEFAULT_BITSTATE_BITS = 30;
/** The default k of the bitstate store. */
export const DEFAULT_BITSTATE_HASHES = 3;

/** How far a search over a store that is not exact may have missed states. */
export interface StoreReport {
  /** The store. */
  readonly store: CompactStoreKind;
  /**
   * The estimated probability that at least one reached state was taken for
   * a stored one (and so neither counted nor explored). Fingerprint: TLC's
   * "calculated (optimistic)" estimate n·(g − n)/2^64, for n states stored
   * and g generated (initial states and successors, known ones included);
   * the plain birthday bound n²/2^65 is smaller as long as g > 1.5 n.
   * Bitstate: 1 − e^(−E), E the expected number of states omitted.
   */
  readonly omissionProbability: number;
  /**
   * Fingerprint: TLC's estimate "based on the actual fingerprints": 1 over
   * the smallest distance between two stored fingerprints.
   */
  readonly omissionProbabilityActual?: number;
  /** Bitstate: the estimated fraction of reached states that were stored, n / (n + E). */
  readonly coverage?: number;
  /** Bitstate: SPIN's hash factor, bits of the array per stored state (best if above 100). */
  readonly hashFactor?: number;
  /** Bitstate: m (the array has 2^m bits) and k (bits set per state). */
  readonly bitstate?: { readonly bits: number; readonly hashes: number };
  /** Fingerprint: bytes of links per state (6, or 8 when transition numbers need 32 bits). */
  readonly linkBytes?: number;
  /** The peak bytes of the queue of states waiting to be expanded. */
  readonly frontierPeakBytes: number;
}

/** The store behind a compact search. */
export type CompactStore = FingerprintStore | BitstateStore;

/** The settings of a compact store. */
export interface CompactStoreOptions {
  store?: CompactStoreKind;
  bitstateBits?: number;
  bitstateHashes?: number;
  fingerprintBits?: number;
}

/** A new store of the kind `options` ask for (throws a RangeError for a width out of range). */
export function newCompactStore(model: Model, options: CompactStoreOptions): CompactStore {
  return (options.store ?? "fingerprint") === "bitstate"
    ? new BitstateStore(
      model.width,
      options.bitstateBits ?? DEFAULT_BITSTATE_BITS,
      options.bitstateHashes ?? DEFAULT_BITSTATE_HASHES,
    )
    : new FingerprintStore(model.width, model.transitionCount, options.fingerprintBits ?? 64);
}

/** What the store may have missed, after `generated` states (initial ones and successors). */
export function storeReport(
  store: CompactStore,
  generated: number,
  frontierPeakBytes: number,
): StoreReport {
  if (store instanceof FingerprintStore) {
    const actual = store.actualOmission();
    return {
      store: "fingerprint",
      omissionProbability: store.optimisticOmission(generated),
      ...(actual !== undefined ? { omissionProbabilityActual: actual } : {}),
      linkBytes: store.linkBytes,
      frontierPeakBytes,
    };
  }
  return {
    store: "bitstate",
    omissionProbability: store.omissionProbability,
    coverage: store.coverage,
    hashFactor: store.hashFactor,
    bitstate: { bits: store.bits, hashes: store.hashes },
    frontierPeakBytes,
  };
}

/** Int32 words per chunk of the queue (256 KiB). */
const QUEUE_CHUNK = 1 << 16;

/**
 * A FIFO of states in chunks; a chunk is released (or kept as the one
 * spare) once read. States are packed as the exact store packs them
 * (_packing.ts: a lane of 8, 16 or 32 bits per slot, the narrowest that
 * fits so far), so the frontier takes a quarter of the unpacked bytes when
 * values fit in a byte; when a value does not fit its lane, the lanes are
 * widened and what the queue holds is packed again.
 */
export class StateQueue {
  readonly width: number;
  #layout: Layout;
  #perChunk: number;
  #chunks: Int32Array[] = [];
  #spare: Int32Array | undefined;
  /** Read position (in states) in the first chunk, write position in the last. */
  #head = 0;
  #tail: number;
  #length = 0;
  #peakChunks = 0;

  constructor(width: number) {
    this.width = width;
    this.#layout = narrowest(width);
    this.#perChunk = Math.max(1, Math.floor(QUEUE_CHUNK / Math.max(1, this.#layout.words)));
    this.#tail = this.#perChunk;
  }

  get length(): number {
    return this.#length;
  }

  push(s: Int32Array): void {
    const words = this.#layout.words;
    if (this.#tail === this.#perChunk) {
      const chunk = this.#spare ?? new Int32Array(Math.max(QUEUE_CHUNK, words));
      this.#spare = undefined;
      this.#chunks.push(chunk);
      this.#tail = 0;
      if (this.#chunks.length > this.#peakChunks) this.#peakChunks = this.#chunks.length;
    }
    const layout = this.#layout;
    layout.pack(s, this.#chunks[this.#chunks.length - 1]!, this.#tail * words);
    if (layout.misfit[0] !== 0) {
      layout.misfit[0] = 0;
      return this.#widen(s);
    }
    this.#tail++;
    this.#length++;
  }

  /** Widens the lanes for `s` and packs the queue again, then `s`. */
  #widen(s: Int32Array): void {
    const held = this.contents();
    const n = this.#length;
    this.#layout = widened(this.#layout, s);
    this.#perChunk = Math.max(1, Math.floor(QUEUE_CHUNK / this.#layout.words));
    this.#chunks = [];
    this.#head = 0;
    this.#tail = this.#perChunk;
    this.#length = 0;
    const w = this.width;
    for (let i = 0; i < n; i++) this.push(held.subarray(i * w, i * w + w));
    this.push(s);
  }

  /** Copies of the queued states (unpacked), oldest first, in one array (for a checkpoint). */
  contents(): Int32Array {
    const w = this.width, words = this.#layout.words;
    const out = new Int32Array(this.#length * w);
    let k = 0;
    for (let c = 0; c < this.#chunks.length; c++) {
      const from = c === 0 ? this.#head : 0;
      const to = c === this.#chunks.length - 1 ? this.#tail : this.#perChunk;
      const chunk = this.#chunks[c]!;
      for (let i = from; i < to; i++) {
        this.#layout.unpack(chunk, i * words, out.subarray(k, k += w));
      }
    }
    return out;
  }

  /** Moves the oldest state into `out`. The queue must not be empty. */
  shift(out: Int32Array): void {
    const chunk = this.#chunks[0]!;
    this.#layout.unpack(chunk, this.#head++ * this.#layout.words, out);
    this.#length--;
    if (this.#head === this.#perChunk || this.#length === 0) {
      // The chunk is read (or the queue is empty): release it.
      this.#chunks.shift();
      this.#spare = chunk;
      this.#head = 0;
      if (this.#chunks.length === 0) this.#tail = this.#perChunk;
    }
  }

  /** The peak bytes held by the queue's chunks (a spare is only kept in place of a live one). */
  get peakBytes(): number {
    return this.#peakChunks * Math.max(QUEUE_CHUNK, this.#layout.words) * 4;
  }
}
