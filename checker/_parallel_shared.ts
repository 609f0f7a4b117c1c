// Private module: what the coordinator of a parallel search (parallel.ts)
// and its workers (_parallel_worker.ts) share: the layout of the control
// block, the lock-free fingerprint table, and the messages they exchange.
//
// The fingerprint table is a SharedArrayBuffer of slots of two Int32 words,
// (low, high), probed linearly from the high word scaled to the table (so
// the table can have any size). A fingerprint is the sequential store's
// (hash64: two independent 32-bit hashes of the packed state); neither word
// is ever 0 there (0 is taken as 1, as the sequential store does for the
// low word), so 0 marks an empty word. A worker claims a slot with one compareExchange of the low word
// (0 -> low), then stores the high word. A reader that meets a claimed slot
// whose high word is still 0 spins (Atomics.load) until the claimant has
// stored it: the window is two instructions of another thread. Words never
// change once written, so a plain (non-atomic) read that sees a non-zero
// word sees its final value, and a stale 0 only leads to a compareExchange
// that returns the real word.
//
// Why two Int32 words rather than a BigInt64Array with a 64-bit
// compareExchange: every read of a BigInt64Array and every BigInt argument
// of Atomics.compareExchange is a heap-allocated BigInt in V8, one or more
// allocations per probe on the hot path; the Int32 protocol allocates
// nothing, at the price of the short spin above and of one more probe when
// two fingerprints share a low word. Measured on one thread (8 million
// insertions, half of them new, into a table of 2^23 slots): 306 to 329 ns
// an insertion with Int32 words, 406 to 425 with BigInt64Array.
//
// The table is never resized while workers insert: the coordinator grows it
// between levels (one worker rehashes it). Insertions are
// budgeted: a worker reserves states in blocks from a shared counter that
// stops at the table's fill limit (and at --max-states), so the table never
// fills. A state that finds no budget under the fill limit waits in the
// worker's pending list until the table has grown, within the same level.

import { GapScan, hash64 } from "./_fingerprint_store.ts";
import type { StoreReport } from "./_compact_store.ts";
import type { Finding } from "./_search.ts";

/**
 * Indices into the control block (an Int32Array over a SharedArrayBuffer).
 * The counter every worker writes often (`reserved`) has a cache line of its
 * own, apart from the flags every worker reads for each state.
 */
export const CTL = {
  /**
   * Worker i's cursor (the next unit to claim among those of the chunks
   * worker i wrote) is word `cursors + 16 * i`.
   */
  cursors: 64,
  /** Set by a worker that found a violation in a new state or a failing transition. */
  found: 16,
  /** Set to stop every worker as soon as it polls (a stuck state, an error, a limit). */
  stop: 17,
  /** The reservation limit: min(max states, the table's fill limit). */
  limit: 18,
  /** Whether `limit` is the max-states limit (1) or the table's (0). */
  limitIsMaxStates: 19,
  /** States reserved by workers (each holds a budget it has not yet used). */
  reserved: 32,
} as const;

/** Words in the control block of `workers` workers. */
export function controlWords(workers: number): number {
  return CTL.cursors + 16 * workers;
}

/** The table holds at most this fill: insertions past it wait for the table to grow. */
export const FILL_LIMIT = 0.85;
/** Between levels, the coordinator grows the table when the expected states pass this fill... */
export const GROW_AT = 0.7;
/** ...to this fill (or to twice its size, if that is more). */
export const GROW_TO = 0.5;
/** The smallest table, in slots. */
export const MIN_SLOTS = 1 << 16;
/** The largest table, in slots (8 GiB). */
export const MAX_SLOTS = 2 ** 30;

/**
 * The coordinator's growth rule, changeable by tests: before a level, the
 * table grows so that the states stored plus `lookahead` times the last
 * level's new states stay under GROW_AT. (With 0, every growth happens
 * when a level meets the fill limit, through the workers' pending lists.)
 */
export const tuning = { lookahead: 1.5 };

/** States per frontier chunk (each record is the state's id, then its slots). */
export const CHUNK_STATES = 1024;
/** States per unit of work a worker claims at a time (a range of a chunk). */
export const UNIT_STATES = 128;

/**
 * Fingerprints `s` into `fp`: [low word, high word], neither of them 0.
 * The same 64 bits as the sequential fingerprint store's (but a zero high
 * word is taken as 1, where the sequential store keeps it).
 */
export function fingerprint(s: Int32Array, width: number, fp: Int32Array): void {
  hash64(s, width, fp);
  if (fp[0] === 0) fp[0] = 1;
  if (fp[1] === 0) fp[1] = 1;
}

/** The first slot to probe for high word `hi` in a table of `cap` slots. */
function home(hi: number, cap: number): number {
  return Math.floor((hi >>> 0) * cap * 2.3283064365386963e-10);
}

/**
 * Inserts the fingerprint (lo, hi) into `table` (2 words a slot, `cap`
 * slots). Returns `true` when this call stored it, `false` when it was
 * there. The table must have an empty slot.
 */
export function tableInsert(table: Int32Array, cap: number, lo: number, hi: number): boolean {
  let slot = home(hi, cap);
  for (;;) {
    const i = slot << 1;
    let e = table[i]!;
    if (e === 0) {
      e = Atomics.compareExchange(table, i, 0, lo);
      if (e === 0) {
        Atomics.store(table, i + 1, hi);
        return true;
      }
    }
    if (e === lo) {
      let h = table[i + 1]!;
      while (h === 0) h = Atomics.load(table, i + 1);
      if (h === hi) return false;
    }
    if (++slot === cap) slot = 0;
  }
}

/** Whether the fingerprint (lo, hi) is in `table`. */
export function tableHas(table: Int32Array, cap: number, lo: number, hi: number): boolean {
  let slot = home(hi, cap);
  for (;;) {
    const i = slot << 1;
    const e = Atomics.load(table, i);
    if (e === 0) return false;
    if (e === lo) {
      let h = Atomics.load(table, i + 1);
      while (h === 0) h = Atomics.load(table, i + 1);
      if (h === hi) return true;
    }
    if (++slot === cap) slot = 0;
  }
}

/** A new table of `cap` slots. */
export function newTable(cap: number): SharedArrayBuffer {
  return new SharedArrayBuffer(cap * 8);
}

/** The states a table of `cap` slots may hold. */
export function fillLimit(cap: number): number {
  return Math.floor(cap * FILL_LIMIT);
}

/** The slots of a table for `states` states, grown to GROW_TO fill (a multiple of 1024). */
export function slotsFor(states: number): number {
  const want = Math.ceil(states / GROW_TO / 1024) * 1024;
  return Math.min(MAX_SLOTS, Math.max(MIN_SLOTS, want));
}

/** A chunk of the frontier: a SharedArrayBuffer and the number of records in it. */
export interface Chunk {
  readonly buffer: SharedArrayBuffer;
  readonly count: number;
}

/** A state the coordinator needs a path to: its id and depth. */
export interface StateAt {
  readonly id: number;
  readonly depth: number;
}

/** A violation (or bound) a worker met. */
export type WorkerFinding = Finding<StateAt>;

/** Coordinator -> worker. */
export type ToWorker =
  | {
    readonly type: "init";
    readonly module: string;
    readonly export: string;
    readonly params: Readonly<Record<string, number | boolean | string>>;
    readonly index: number;
    readonly workers: number;
    readonly control: SharedArrayBuffer;
    readonly table: SharedArrayBuffer;
  }
  /** Worker 0 only: store the initial states. */
  | { readonly type: "initial" }
  /**
   * Expand the states of `chunks` (depth `depth`). The units, triples
   * (chunk, first record, end), are grouped by the worker that wrote their
   * chunk: worker i's are `ranges[i] .. ranges[i + 1]`, claimed through
   * its cursor. A worker claims its own units first (they are likelier in
   * its caches), then helps the others.
   */
  | {
    readonly type: "level";
    readonly depth: number;
    readonly chunks: readonly Chunk[];
    readonly units: Int32Array;
    readonly ranges: Int32Array;
  }
  /** Insert the states waiting for the table to grow. */
  | { readonly type: "drain"; readonly depth: number }
  /** Rehash slots [from, to) of the current table into `table`, then use `table`. */
  | {
    readonly type: "grow";
    readonly table: SharedArrayBuffer;
    readonly from: number;
    readonly to: number;
  }
  /** The parent link of state `id` (this worker stored it). */
  | { readonly type: "link"; readonly id: number };

/** Worker -> coordinator. */
export type FromWorker =
  | { readonly type: "ready" }
  | {
    readonly type: "done";
    /** Chunks of new states written in this phase. */
    readonly chunks: readonly Chunk[];
    /** States stored by this worker, in all. */
    readonly states: number;
    /** Successors generated by this worker, in all. */
    readonly transitions: number;
    /** States waiting for a bigger table. */
    readonly pending: number;
    /** Bytes of links and frontier chunks this worker holds. */
    readonly linkBytes: number;
    readonly chunkBytes: number;
    readonly found?: WorkerFinding;
    readonly stuck?: WorkerFinding;
    readonly bound?: WorkerFinding;
    /** A state that did not fit under --max-states. */
    readonly full?: boolean;
    /** The spec's code threw while expanding `at` (undefined: an initial state). */
    readonly error?: { readonly message: string; readonly at?: StateAt };
  }
  | { readonly type: "grown" }
  | { readonly type: "link"; readonly parent: number; readonly via: number }
  /** The worker could not start (the module, the export, the parameters). */
  | { readonly type: "failed"; readonly message: string };

/** The first of several findings at the same depth: by property index, then worker. */
export function firstFinding(
  list: readonly (WorkerFinding | undefined)[],
): WorkerFinding | undefined {
  let best: WorkerFinding | undefined;
  for (const f of list) {
    if (f === undefined) continue;
    if (
      best === undefined || f.at.depth < best.at.depth ||
      (f.at.depth === best.at.depth && f.property < best.property)
    ) best = f;
  }
  return best;
}

/** A chunk of the frontier and the worker that wrote it. */
export interface Owned extends Chunk {
  readonly owner: number;
}

/**
 * The units of work of a frontier, (chunk, first record, end) triples of
 * UNIT_STATES records grouped by the worker that wrote their chunk, and the
 * boundaries of the groups.
 */
export function unitsOf(
  frontier: readonly Owned[],
  workers: number,
): { units: Int32Array; ranges: Int32Array } {
  const ranges = new Int32Array(workers + 1);
  for (const c of frontier) {
    ranges[c.owner + 1] = ranges[c.owner + 1]! + Math.ceil(c.count / UNIT_STATES);
  }
  for (let i = 0; i < workers; i++) ranges[i + 1] = ranges[i + 1]! + ranges[i]!;
  const units = new Int32Array(ranges[workers]! * 3);
  const at = ranges.slice(0, workers);
  frontier.forEach((c, i) => {
    for (let r = 0; r < c.count; r += UNIT_STATES) {
      const k = at[c.owner]! * 3;
      at[c.owner] = at[c.owner]! + 1;
      units[k] = i;
      units[k + 1] = r;
      units[k + 2] = Math.min(c.count, r + UNIT_STATES);
    }
  });
  return { units, ranges };
}

/** 1 / the smallest distance between two fingerprints of the table (sorted in place). */
export function actualOmission(table: SharedArrayBuffer): number | undefined {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) return undefined;
  new BigUint64Array(table).sort();
  const gaps = new GapScan();
  gaps.scan(new Uint32Array(table));
  return Number.isFinite(gaps.min) ? Math.min(1, 1 / gaps.min) : 0;
}

/** What the shared table may have missed (TLC's estimates, as the sequential fingerprint store). */
export function parallelReport(
  table: SharedArrayBuffer,
  transitionCount: number,
  counts: { readonly generated: number; readonly states: number; readonly chunkBytes: number },
): StoreReport {
  const { generated, states } = counts;
  const actual = actualOmission(table);
  const t = transitionCount;
  return {
    store: "fingerprint",
    omissionProbability: Math.min(1, (states * Math.max(0, generated - states)) / 2 ** 64),
    ...(actual !== undefined ? { omissionProbabilityActual: actual } : {}),
    linkBytes: t <= 0x100 ? 5 : t <= 0x10000 ? 6 : 8,
    frontierPeakBytes: counts.chunkBytes,
  };
}

/** Rehashes slots [from, to) of the table `old` into `table` (of `cap` slots). */
export function rehash(
  old: Int32Array,
  table: Int32Array,
  cap: number,
  from: number,
  to: number,
): void {
  for (let slot = from; slot < to; slot++) {
    const lo = old[2 * slot]!;
    if (lo === 0) continue;
    let hi = old[2 * slot + 1]!;
    while (hi === 0) hi = Atomics.load(old, 2 * slot + 1);
    tableInsert(table, cap, lo, hi);
  }
}
