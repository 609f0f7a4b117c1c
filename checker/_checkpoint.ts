// Private module: what the breadth-first search over the exact store saves
// to go on later, and reads back. The store is the BFS queue, so a
// checkpoint is every stored state with its parent link and transition, in
// discovery order, plus where the search was (the state to expand next,
// where the level ends, the depth) and what it counted. The search takes
// one between two expansions, with nothing queued and nothing found, so
// the resumed search continues exactly where the first one stopped.

import type { ExactStore } from "./_store.ts";
import {
  type FingerprintStore,
  FingerprintStore as FingerprintStoreClass,
} from "./_fingerprint_store.ts";
import type { StateQueue } from "./_compact_store.ts";

/** Where a breadth-first search over the exact store was, as plain data. */
export interface BfsPosition {
  /** `Int32` slots per state. */
  readonly width: number;
  /** States stored. */
  readonly count: number;
  /** The next state to expand. */
  readonly head: number;
  /** Where the level being expanded ends. */
  readonly levelEnd: number;
  /** The depth of that level. */
  readonly depth: number;
  /** Transitions fired so far. */
  readonly transitions: number;
  /** Initial states (duplicates included). */
  readonly initialCount: number;
  /** An exploration bound reached, if any (the verdict is then at best incomplete). */
  readonly bound?:
    | { readonly property: number; readonly at: number; readonly transition: number }
    | undefined;
  /** The store: exact (the default) or fingerprint. */
  readonly store?: "exact" | "fingerprint";
  /** Fingerprint: the states queued to be expanded (the store does not keep states). */
  readonly queued?: number;
}

/**
 * The `Int32` slots of a checkpoint's records: exact, every state with its
 * parent and transition; fingerprint, every fingerprint (2 slots), parent
 * and transition, then the queued states.
 */
export function recordsLength(at: BfsPosition): number {
  return at.store === "fingerprint"
    ? at.count * 4 + (at.queued ?? 0) * at.width
    : at.count * (at.width + 2);
}

/** A saved search: its position and its states, `width + 2` slots each (state, parent, transition). */
export interface BfsCheckpoint {
  /** Where the search was. */
  readonly position: BfsPosition;
  /** The states (see {@linkcode recordsLength} for the layout). */
  readonly records: Int32Array;
}

/** States per chunk handed to {@linkcode Checkpointing.save}. */
export const CHECKPOINT_CHUNK = 1 << 16;

/** The option of the searches that checkpoint. */
export interface CheckpointOptions {
  /** Checkpoints every so often (and when interrupted), or resumes from one. */
  checkpointing?: Checkpointing | undefined;
}

/** How a search checkpoints and resumes. */
export interface Checkpointing {
  /** Milliseconds between two checkpoints (also taken when the search is interrupted). */
  readonly everyMillis: number;
  /**
   * Saves one checkpoint: the position, then the records in chunks of at
   * most {@linkcode CHECKPOINT_CHUNK} states. Called between expansions.
   */
  save(position: BfsPosition, records: () => Iterable<Int32Array>): void;
  /** A checkpoint to resume from instead of starting at the initial states. */
  readonly resume?: BfsCheckpoint | undefined;
  /** Told when restoring a checkpoint (a long operation, not the spec's code) starts and ends. */
  readonly busy?: ((on: boolean) => void) | undefined;
}

/** The records of every state of `store`, in chunks of {@linkcode CHECKPOINT_CHUNK}. */
export function* storeRecords(store: ExactStore): Iterable<Int32Array> {
  const width = store.width;
  const count = store.count;
  const state = new Int32Array(width);
  for (let from = 0; from < count; from += CHECKPOINT_CHUNK) {
    const n = Math.min(CHECKPOINT_CHUNK, count - from);
    const chunk = new Int32Array(n * (width + 2));
    for (let k = 0; k < n; k++) {
      store.read(from + k, state);
      const o = k * (width + 2);
      chunk.set(state, o);
      chunk[o + width] = store.parent(from + k);
      chunk[o + width + 1] = store.via(from + k);
    }
    yield chunk;
  }
}

/** Stores the checkpoint's states into the empty `store`, at the indices they had. */
export function restoreStore(
  store: ExactStore,
  width: number,
  at: BfsPosition,
  records: Int32Array,
): void {
  if (at.store === "fingerprint" || at.width !== width || records.length !== recordsLength(at)) {
    throw new RangeError(
      `the checkpoint holds states of ${at.width} slots, the model's have ${width}`,
    );
  }
  const state = new Int32Array(width);
  for (let i = 0; i < at.count; i++) {
    const o = i * (width + 2);
    state.set(records.subarray(o, o + width));
    if (store.insert(state, records[o + width]!, records[o + width + 1]!) !== i) {
      throw new RangeError(`the checkpoint's state ${i} is stored twice`);
    }
  }
}

/** Takes an engine's checkpoints when they are due, and tells when it restores one. */
export class Checkpointer {
  readonly #cp: Checkpointing | undefined;
  #next: number;

  constructor(cp: Checkpointing | undefined) {
    this.#cp = cp;
    this.#next = cp === undefined ? Number.POSITIVE_INFINITY : performance.now() + cp.everyMillis;
  }

  /** The checkpoint to resume from, if any. */
  get resume(): BfsCheckpoint | undefined {
    return this.#cp?.resume;
  }

  /** Runs `restore` (long, and not the spec's code) with the caller told. */
  restoring(restore: (from: BfsCheckpoint) => void): void {
    const cp = this.#cp;
    if (cp?.resume === undefined) return;
    cp.busy?.(true);
    try {
      restore(cp.resume);
    } finally {
      cp.busy?.(false);
    }
  }

  /** Saves through `save` when a checkpoint is due (or `force`). */
  take(force: boolean, save: (cp: Checkpointing) => void): void {
    const cp = this.#cp;
    if (cp === undefined) return;
    const now = performance.now();
    if (!force && now < this.#next) return;
    this.#next = now + cp.everyMillis;
    save(cp);
  }
}

/** A fingerprint search's records: fingerprints, parents, transitions, then the queue. */
export function* compactRecords(store: FingerprintStore, queue: StateQueue): Iterable<Int32Array> {
  yield store.fingerprints();
  const n = store.count;
  const parents = new Int32Array(n);
  const vias = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    parents[i] = store.parent(i);
    vias[i] = store.via(i);
  }
  yield parents;
  yield vias;
  yield queue.contents();
}

/** Refills an empty fingerprint store and queue from a checkpoint. */
export function restoreCompact(
  store: FingerprintStore,
  queue: StateQueue,
  sink: { transitions: number },
  { position: at, records }: BfsCheckpoint,
): void {
  const width = store.width;
  sink.transitions = at.transitions;
  if (at.store !== "fingerprint" || at.width !== width || records.length !== recordsLength(at)) {
    throw new RangeError("the checkpoint is not of a fingerprint search over this model");
  }
  const n = at.count;
  store.restore(
    records.subarray(0, 2 * n),
    records.subarray(2 * n, 3 * n),
    records.subarray(3 * n, 4 * n),
  );
  for (let o = 4 * n; o < records.length; o += width) queue.push(records.subarray(o, o + width));
}

/** Saves a fingerprint search's checkpoint through `cp`, unless something was found. */
export function saveCompact(
  cp: Checkpointing,
  store: FingerprintStore | object,
  queue: StateQueue,
  sink: { readonly found?: unknown; readonly bound?: unknown; readonly transitions: number },
  at: Pick<BfsPosition, "head" | "levelEnd" | "depth" | "initialCount">,
): void {
  if (!(store instanceof FingerprintStoreClass) || sink.found !== undefined) return;
  if (sink.bound !== undefined) return;
  const position: BfsPosition = {
    width: store.width,
    count: store.count,
    head: at.head,
    levelEnd: at.levelEnd,
    depth: at.depth,
    transitions: sink.transitions,
    initialCount: at.initialCount,
    store: "fingerprint",
    queued: queue.length,
  };
  cp.save(position, () => compactRecords(store, queue));
}
