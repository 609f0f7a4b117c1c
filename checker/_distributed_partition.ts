// Private module: one partition of a distributed search (see
// distributed.ts), the part of the state space whose fingerprints a worker
// owns. It keeps those states in a fingerprint store of its own (the
// sequential search's, so the states are the sequential fingerprint
// search's), their parent links (by global id: local index · workers +
// worker index), and the frontier of the current level. Expanding a state,
// it inserts the successors it owns at once and packs the others into one
// batch per owner, published when full and at the end of the level;
// batches received are inserted as they come (they are all for the next
// level: no worker starts a level before every worker has settled the last
// one).

import type { Model } from "../model/model.ts";
import { FingerprintStore } from "./_fingerprint_store.ts";
import { errorMessage, initialStates } from "./_search.ts";
import { FindingSink } from "./_sink.ts";
import type { StateAt, WorkerFinding } from "./_parallel_shared.ts";
import type { PartitionReport } from "./_distributed_protocol.ts";
import { ownerOfState } from "./_distributed_lanes.ts";
import { hash64 } from "./_fingerprint_store.ts";
import { BatchReader, packBatch } from "./_distributed_batch.ts";

/** Records per frontier chunk. */
const CHUNK = 4096;
/** Entries of the cache of fingerprints sent to other workers (a power of two). */
const SENT_CACHE = 1 << 18;

/** The states of one level, records of (id, slots...) in chunks. */
class Frontier {
  readonly chunks: Int32Array[] = [];
  count = 0;
  readonly #rec: number;

  constructor(width: number) {
    this.#rec = width + 1;
  }

  write(id: number, s: Int32Array): void {
    const at = this.count % CHUNK;
    if (at === 0) this.chunks.push(new Int32Array(CHUNK * this.#rec));
    const c = this.chunks[this.chunks.length - 1]!;
    const base = at * this.#rec;
    c[base] = id;
    c.set(s, base + 1);
    this.count++;
  }

  get bytes(): number {
    return this.chunks.length * CHUNK * this.#rec * 4;
  }
}

/** A partition's search state, and the sink the model pushes successors into. */
export class Partition extends FindingSink<StateAt> {
  readonly index: number;
  readonly workers: number;
  readonly width: number;
  readonly store: FingerprintStore;
  stuck: WorkerFinding | undefined;
  error: PartitionReport["error"];
  /** Why batches may have been lost (a broken connection): the level cannot settle. */
  lost: string | undefined;
  /** Set by the coordinator's `end`: the expansion stops at its next yield. */
  stopped = false;
  /** Batches received during the current level. */
  received = 0;
  /** Batches sent to each worker during the current level. */
  sent: number[];
  batches = 0;
  bytes = 0;
  readonly #send: (dest: number, data: Uint8Array) => void;
  readonly #batch: number;
  readonly #out: Int32Array[];
  readonly #outCount: number[];
  readonly #roots = new Map<number, number>();
  /** The slots a state's owner is hashed from (null: all). */
  readonly #lanes: Int32Array | null;
  readonly #fp = new Int32Array(2);
  /**
   * The fingerprints of states recently sent to other workers, (low, high)
   * by the high word's bits: a state sent before is already stored or on
   * its way (with a parent at least as shallow), so it is not sent again.
   * A direct-mapped cache: forgetting one only costs sending it again.
   */
  readonly #sentCache = new Int32Array(2 * SENT_CACHE);
  /** Successors not sent because the cache knew them. */
  cached = 0;
  readonly #cur: Int32Array;
  readonly #tmp: Int32Array;
  #frontier: Frontier;
  #next: Frontier;
  #curId = -1;
  depth = -1;

  constructor(
    model: Model,
    place: {
      index: number;
      workers: number;
      maxStates: number;
      batch: number;
      lanes: readonly number[] | null;
    },
    send: (dest: number, data: Uint8Array) => void,
  ) {
    super(model, place.maxStates);
    this.index = place.index;
    this.workers = place.workers;
    this.width = model.width;
    this.store = new FingerprintStore(model.width, model.transitionCount);
    this.#send = send;
    this.#batch = place.batch;
    this.#lanes = place.lanes === null ? null : Int32Array.from(place.lanes);
    this.sent = new Array(place.workers).fill(0);
    this.#out = Array.from({ length: place.workers }, () => this.#newBatch());
    this.#outCount = new Array(place.workers).fill(0);
    this.#cur = new Int32Array(model.width);
    this.#tmp = new Int32Array(model.width);
    this.#frontier = new Frontier(model.width);
    this.#next = new Frontier(model.width);
  }

  #newBatch(): Int32Array {
    return new Int32Array(this.#batch * (this.width + 2));
  }

  #owner(s: Int32Array): number {
    return this.workers === 1 ? 0 : ownerOfState(s, this.#lanes, this.workers, this.#fp);
  }

  /**
   * Whether `next` keeps every partition lane of the state being expanded,
   * and so its owner: comparing is cheaper than hashing, and most
   * successors keep them (lanes checked from the most often changed).
   */
  #stays(next: Int32Array): boolean {
    const lanes = this.#lanes;
    if (lanes === null) return this.workers === 1;
    const cur = this.#cur;
    for (let i = lanes.length - 1; i >= 0; i--) {
      const l = lanes[i]!;
      if (next[l] !== cur[l]) return false;
    }
    return true;
  }

  /** Stores `s` if new; false when the partition's share of the state limit is used up. */
  #insert(s: Int32Array, parent: number, via: number, depth: number, root = -1): boolean {
    const store = this.store;
    if (store.count >= this.maxStates) {
      if (store.has(s)) return true;
      this.full = true;
      return false;
    }
    const local = store.insert(s, parent, via);
    if (local < 0) return true;
    if (root >= 0) this.#roots.set(local, root);
    const id = local * this.workers + this.index;
    this.#next.write(id, s);
    const p = this.model.check(s);
    if (p >= 0) this.violated({ property: p, at: { id, depth }, transition: -1 });
    return true;
  }

  push(next: Int32Array, transition: number): boolean {
    this.transitions++;
    if (!this.inserting) return true;
    const owner = this.#stays(next) ? this.index : this.#owner(next);
    if (owner === this.index) return this.#insert(next, this.#curId, transition, this.depth + 1);
    if (this.#lanes !== null) hash64(next, this.width, this.#fp);
    const lo = this.#fp[0]!, hi = this.#fp[1]!;
    const slot = (hi & (SENT_CACHE - 1)) << 1;
    const cache = this.#sentCache;
    if (cache[slot] === lo && cache[slot + 1] === hi) {
      this.cached++;
      return true;
    }
    cache[slot] = lo;
    cache[slot + 1] = hi;
    const rec = this.width + 2;
    const out = this.#out[owner]!;
    const base = this.#outCount[owner]! * rec;
    out[base] = this.#curId;
    out[base + 1] = transition;
    out.set(next, base + 2);
    if (++this.#outCount[owner]! === this.#batch) this.#flush(owner);
    return true;
  }

  protected override here(): StateAt {
    return { id: this.#curId, depth: this.depth };
  }

  /** Packs and publishes the batch for `dest` (packing makes a new buffer: the client may keep it). */
  #flush(dest: number): void {
    const n = this.#outCount[dest]!;
    if (n === 0) return;
    const data = packBatch(this.#out[dest]!, n, this.width, this.depth, this.index);
    this.#send(dest, data);
    this.#outCount[dest] = 0;
    this.sent[dest]!++;
    this.batches++;
    this.bytes += data.byteLength;
  }

  /** Stores the initial states this partition owns (depth 0), as the frontier of level 0. */
  initial(): void {
    try {
      const inits = initialStates(this.model);
      for (let i = 0; i < inits.length && !this.full; i++) {
        const s = inits[i]!;
        if (this.#owner(s) === this.index) this.#insert(s, -1, 0, 0, i);
      }
    } catch (e) {
      this.error = { message: errorMessage(e) };
    }
  }

  /** Inserts a received batch (successors of level `depth`). */
  receive(data: Uint8Array): void {
    this.received++;
    const s = this.#tmp;
    try {
      const batch = new BatchReader(data, this.width);
      const depth = batch.depth + 1;
      for (let r = 0; r < batch.count && this.inserting && !this.full; r++) {
        batch.state(r, s);
        this.#insert(s, batch.parent(r), batch.transition(r), depth);
      }
    } catch (e) {
      this.error ??= { message: errorMessage(e) };
    }
  }

  /**
   * Expands the frontier (the states of depth `depth`), calling `pause`
   * about every `sliceMillis` so that batches, control messages and
   * heartbeats are served; publishes what is left of the batches at the end.
   */
  async expand(depth: number, pause: () => Promise<void>, sliceMillis = 20): Promise<void> {
    this.depth = depth;
    this.sent.fill(0);
    let last = performance.now();
    const rec = this.width + 1;
    const cur = this.#cur;
    const frontier = this.#frontier;
    let left = frontier.count;
    try {
      for (const chunk of frontier.chunks) {
        const n = Math.min(left, CHUNK);
        left -= n;
        for (let r = 0; r < n; r++) {
          if ((r & 255) === 255 && performance.now() - last > sliceMillis) {
            await pause();
            last = performance.now();
          }
          if (this.stopped || this.error !== undefined) return;
          const base = r * rec;
          this.#curId = chunk[base]!;
          cur.set(chunk.subarray(base + 1, base + rec));
          if (!this.#expandOne(cur)) return;
        }
      }
    } catch (e) {
      this.error = { message: errorMessage(e), at: { id: this.#curId, depth } };
    } finally {
      for (let d = 0; d < this.workers; d++) this.#flush(d);
    }
  }

  /** Expands one state; false when the level must stop here (a stuck state, the state limit). */
  #expandOne(cur: Int32Array): boolean {
    const n = this.model.expand(cur, this);
    if (this.full) return false;
    if (n === 0) {
      const p = this.model.stuck(cur);
      if (p >= 0) {
        this.stuck = { property: p, at: this.here(), transition: -1 };
        return false;
      }
    }
    return true;
  }

  /** Ends the level: the states received and stored become the next frontier. */
  settle(): number {
    const fresh = this.#next.count;
    this.#frontier = this.#next;
    this.#next = new Frontier(this.width);
    this.received = 0;
    return fresh;
  }

  /** The parent link of state `id` (-1 and the initial state's position for a root). */
  link(id: number): { parent: number; via: number } {
    const local = (id - this.index) / this.workers;
    const root = this.#roots.get(local);
    if (root !== undefined) return { parent: -1, via: root };
    return { parent: this.store.parent(local), via: this.store.via(local) };
  }

  /** What the coordinator needs after a phase. */
  report(fresh: number): PartitionReport {
    return {
      states: this.store.count,
      transitions: this.transitions,
      fresh,
      storeBytes: this.store.bytes + this.#frontier.bytes,
      batches: this.batches,
      bytes: this.bytes,
      ...(this.found !== undefined ? { found: this.found } : {}),
      ...(this.stuck !== undefined ? { stuck: this.stuck } : {}),
      ...(this.bound !== undefined ? { bound: this.bound } : {}),
      ...(this.full ? { full: true } : {}),
      ...(this.error !== undefined ? { error: this.error } : {}),
      ...(this.lost !== undefined ? { lost: this.lost } : {}),
    };
  }
}
