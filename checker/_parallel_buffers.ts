// Private module: what a worker of a parallel search (_parallel_worker.ts)
// keeps besides its loop: the parent links of the states it stored, the
// chunks it writes the next level's states into, and the states that wait
// for the shared table to grow.

import { type Chunk, CHUNK_STATES, CTL } from "./_parallel_shared.ts";

const LINK_BITS = 14;
const LINK = 1 << LINK_BITS;
const LINK_MASK = LINK - 1;
/** Pending records per chunk of the pending list. */
const PENDING_CHUNK = 1024;
/** States reserved from the shared counter at a time (fewer near the limit). */
const BLOCK = 256;

/** The states a worker may still insert, reserved in blocks from the shared counter. */
export class Budget {
  readonly #ctl: Int32Array;
  readonly #workers: number;
  #left = 0;

  constructor(ctl: Int32Array, workers: number) {
    this.#ctl = ctl;
    this.#workers = workers;
  }

  /** Whether a state can be stored, reserving more under CTL.limit when none is left. */
  available(): boolean {
    return this.#left > 0 || this.#reserve();
  }

  /** Counts a state stored (`available()` said there was room). */
  spend(): void {
    this.#left--;
  }

  #reserve(): boolean {
    const ctl = this.#ctl;
    for (;;) {
      const cur = Atomics.load(ctl, CTL.reserved);
      const limit = Atomics.load(ctl, CTL.limit);
      if (cur >= limit) return false;
      // Smaller blocks near the limit, so no worker sits on a budget another needs.
      const take = Math.max(1, Math.min(BLOCK, Math.floor((limit - cur) / (4 * this.#workers))));
      if (Atomics.compareExchange(ctl, CTL.reserved, cur, cur + take) === cur) {
        this.#left += take;
        return true;
      }
    }
  }
}

/** The parent links of the states a worker stored (state id = local index · workers + worker). */
export class LinkTable {
  readonly #index: number;
  readonly #workers: number;
  readonly #parents: Int32Array[] = [];
  readonly #vias: (Uint8Array | Uint16Array | Int32Array)[] = [];
  readonly #linkBytes: 1 | 2 | 4;
  /** Initial states: local index -> position among the initial states. */
  readonly #roots = new Map<number, number>();
  #count = 0;

  constructor(index: number, workers: number, transitionCount: number) {
    this.#index = index;
    this.#workers = workers;
    const t = transitionCount;
    this.#linkBytes = t <= 0x100 ? 1 : t <= 0x10000 ? 2 : 4;
  }

  /** States stored. */
  get count(): number {
    return this.#count;
  }

  /** Bytes held by the links. */
  get bytes(): number {
    return this.#parents.length * LINK * (4 + this.#linkBytes);
  }

  /** Stores the links of a new state; returns its id. */
  add(parent: number, via: number): number {
    const local = this.#count++;
    const c = local >>> LINK_BITS;
    if (c === this.#parents.length) {
      this.#parents.push(new Int32Array(LINK));
      this.#vias.push(
        this.#linkBytes === 1
          ? new Uint8Array(LINK)
          : this.#linkBytes === 2
          ? new Uint16Array(LINK)
          : new Int32Array(LINK),
      );
    }
    this.#parents[c]![local & LINK_MASK] = parent;
    this.#vias[c]![local & LINK_MASK] = via;
    return local * this.#workers + this.#index;
  }

  /** Stores a new initial state, the `position`th of the model's; returns its id. */
  addRoot(position: number): number {
    this.#roots.set(this.#count, position);
    return this.add(-1, -1);
  }

  /** The parent of state `id` and the transition from it (for a root: -1 and its initial index). */
  link(id: number): { parent: number; via: number } {
    const local = (id - this.#index) / this.#workers;
    const root = this.#roots.get(local);
    if (root !== undefined) return { parent: -1, via: root };
    return {
      parent: this.#parents[local >>> LINK_BITS]![local & LINK_MASK]!,
      via: this.#vias[local >>> LINK_BITS]![local & LINK_MASK]!,
    };
  }
}

/**
 * The chunks a worker writes new states into, records of (id, slots...).
 * Chunks written for depth d are read at level d and reusable from level
 * d + 1 on.
 */
export class ChunkWriter {
  readonly #width: number;
  readonly #rec: number;
  #free: SharedArrayBuffer[] = [];
  readonly #written: SharedArrayBuffer[][] = [[], []];
  #bytes = 0;
  #out: Int32Array | undefined;
  #outBuffer: SharedArrayBuffer | undefined;
  #outCount = 0;
  #phaseChunks: Chunk[] = [];
  #parity = 0;

  constructor(width: number) {
    this.#width = width;
    this.#rec = width + 1;
  }

  /** Bytes of every chunk allocated. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Starts writing states of depth `depth`: the chunks written for depth - 2 are free again. */
  startPhase(depth: number): void {
    const p = depth & 1;
    if (p !== this.#parity) {
      this.#free.push(...this.#written[p]!);
      this.#written[p] = [];
      this.#parity = p;
    }
    this.#phaseChunks = [];
  }

  /** Ends the phase: the chunks it wrote. */
  endPhase(): Chunk[] {
    this.#close();
    return this.#phaseChunks;
  }

  write(id: number, s: Int32Array): void {
    if (this.#out === undefined || this.#outCount === CHUNK_STATES) this.#next();
    const out = this.#out!;
    const w = this.#width;
    const base = this.#outCount++ * this.#rec;
    out[base] = id;
    for (let i = 0; i < w; i++) out[base + 1 + i] = s[i]!;
  }

  #next(): void {
    this.#close();
    let b = this.#free.pop();
    if (b === undefined) {
      b = new SharedArrayBuffer(CHUNK_STATES * this.#rec * 4);
      this.#bytes += b.byteLength;
    }
    this.#written[this.#parity]!.push(b);
    this.#outBuffer = b;
    this.#out = new Int32Array(b);
    this.#outCount = 0;
  }

  #close(): void {
    if (this.#outBuffer !== undefined && this.#outCount > 0) {
      this.#phaseChunks.push({ buffer: this.#outBuffer, count: this.#outCount });
    }
    this.#outBuffer = undefined;
    this.#out = undefined;
    this.#outCount = 0;
  }
}

/** States waiting for a bigger table: records of (parent id, transition, slots...). */
export class PendingList {
  readonly #width: number;
  #chunks: Int32Array[] = [];
  #count = 0;

  constructor(width: number) {
    this.#width = width;
  }

  get count(): number {
    return this.#count;
  }

  add(s: Int32Array, parent: number, via: number): void {
    const rec = this.#width + 2;
    const c = Math.floor(this.#count / PENDING_CHUNK);
    if (c === this.#chunks.length) this.#chunks.push(new Int32Array(PENDING_CHUNK * rec));
    const chunk = this.#chunks[c]!;
    const base = (this.#count % PENDING_CHUNK) * rec;
    chunk[base] = parent;
    chunk[base + 1] = via;
    for (let i = 0; i < this.#width; i++) chunk[base + 2 + i] = s[i]!;
    this.#count++;
  }

  /**
   * Empties the list, giving each state in turn to `each` (in a buffer it
   * must not keep) until `each` returns false.
   */
  drain(each: (s: Int32Array, parent: number, via: number) => boolean): void {
    const chunks = this.#chunks;
    const n = this.#count;
    this.#chunks = [];
    this.#count = 0;
    const rec = this.#width + 2;
    const s = new Int32Array(this.#width);
    for (let k = 0; k < n; k++) {
      const chunk = chunks[Math.floor(k / PENDING_CHUNK)]!;
      const base = (k % PENDING_CHUNK) * rec;
      for (let i = 0; i < this.#width; i++) s[i] = chunk[base + 2 + i]!;
      if (!each(s, chunk[base]!, chunk[base + 1]!)) break;
    }
  }
}
