// Private module: what the breadth-first search over the exact store saves
// to go on later, and reads back. The store is the BFS queue, so a
// checkpoint is every stored state with its parent link and transition, in
// discovery order, plus where the search was (the state to expand next,
// where the level ends, the depth) and what it counted. The search takes
// one between two expansions, with nothing queued and nothing found, so
// the resumed search continues exactly where the first one stopped.

import type { Finding } from "./_search.ts";
import type { ExactStore } from "./_store.ts";

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
  readonly bound?: Finding<number> | undefined;
}

/** A saved search: its position and its states, `width + 2` slots each (state, parent, transition). */
export interface BfsCheckpoint {
  readonly position: BfsPosition;
  readonly records: Int32Array;
}

/** States per chunk handed to {@linkcode Checkpointing.save}. */
export const CHECKPOINT_CHUNK = 1 << 16;

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
  if (at.width !== width || records.length !== at.count * (width + 2)) {
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
