// Private module: one worker of a parallel search (see parallel.ts). It
// imports the spec module by URL, compiles the export it is told with the
// same parameters as the coordinator (compiling is deterministic, so every
// worker numbers transitions and properties alike), and then, level by
// level, claims units of the frontier (those of its own chunks first),
// expands their states, inserts the successors into the shared fingerprint
// table and writes the new ones into chunks of its own, which the
// coordinator hands to every worker as the next level. It keeps the parent links of the states it stored (state id =
// local index · workers + worker index); the coordinator asks for them to
// rebuild a trace.

/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />

import type { Checkable, Model, SuccessorSink } from "../model/model.ts";
import { initialStates } from "./_search.ts";
import {
  type Chunk,
  CHUNK_STATES,
  CTL,
  fingerprint,
  type FromWorker,
  type StateAt,
  tableHas,
  tableInsert,
  type ToWorker,
  type WorkerFinding,
} from "./_parallel_shared.ts";

const LINK_BITS = 14;
const LINK = 1 << LINK_BITS;
const LINK_MASK = LINK - 1;
/** States reserved from the shared counter at a time (fewer near the limit). */
const BLOCK = 256;
/** Pending records per chunk of the pending list. */
const PENDING_CHUNK = 1024;

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The search state of this worker, and the sink the model pushes successors into. */
class Explorer implements SuccessorSink {
  readonly model: Model;
  readonly width: number;
  readonly index: number;
  readonly workers: number;
  readonly ctl: Int32Array;
  table: Int32Array;
  cap: number;
  readonly fp = new Int32Array(2);
  readonly cur: Int32Array;
  /** Record length in a frontier chunk: the id, then the slots. */
  readonly rec: number;

  // Parent links of the states this worker stored, by local index.
  readonly #parents: Int32Array[] = [];
  readonly #vias: (Uint8Array | Uint16Array | Int32Array)[] = [];
  readonly #linkBytes: 1 | 2 | 4;
  /** Initial states this worker stored: local index -> position among the initial states. */
  readonly #roots = new Map<number, number>();
  #count = 0;
  transitions = 0;
  #budget = 0;

  // Output chunks: written for depth d, read at level d, reusable from level d + 1 on.
  #free: SharedArrayBuffer[] = [];
  readonly #written: SharedArrayBuffer[][] = [[], []];
  #chunkBytes = 0;
  #out: Int32Array | undefined;
  #outBuffer: SharedArrayBuffer | undefined;
  #outCount = 0;
  #phaseChunks: Chunk[] = [];
  #parity = 0;

  // States waiting for a bigger table: [parent id, transition, ...slots].
  #pending: Int32Array[] = [];
  #pendingCount = 0;

  // The state being expanded.
  curId = -1;
  depth = 0;
  inserting = true;
  full = false;
  found: WorkerFinding | undefined;
  stuck: WorkerFinding | undefined;
  bound: WorkerFinding | undefined;

  constructor(
    model: Model,
    index: number,
    workers: number,
    control: SharedArrayBuffer,
    table: SharedArrayBuffer,
  ) {
    this.model = model;
    this.width = model.width;
    this.index = index;
    this.workers = workers;
    this.ctl = new Int32Array(control);
    this.table = new Int32Array(table);
    this.cap = this.table.length / 2;
    this.cur = new Int32Array(model.width);
    this.rec = model.width + 1;
    const t = model.transitionCount;
    this.#linkBytes = t <= 0x100 ? 1 : t <= 0x10000 ? 2 : 4;
  }

  // ---- budget -------------------------------------------------------------

  /** Reserves states under CTL.limit; false when none is left. */
  #reserve(): boolean {
    const ctl = this.ctl;
    for (;;) {
      const cur = Atomics.load(ctl, CTL.reserved);
      const limit = Atomics.load(ctl, CTL.limit);
      if (cur >= limit) return false;
      // Smaller blocks near the limit, so no worker sits on a budget another needs.
      const take = Math.max(1, Math.min(BLOCK, Math.floor((limit - cur) / (4 * this.workers))));
      if (Atomics.compareExchange(ctl, CTL.reserved, cur, cur + take) === cur) {
        this.#budget += take;
        return true;
      }
    }
  }

  // ---- links --------------------------------------------------------------

  /** Stores the links of a new state; returns its id. */
  #link(parent: number, via: number): number {
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
    return local * this.workers + this.index;
  }

  /** The parent of state `id` and the transition from it (for a root: -1 and its initial index). */
  link(id: number): { parent: number; via: number } {
    const local = (id - this.index) / this.workers;
    const root = this.#roots.get(local);
    if (root !== undefined) return { parent: -1, via: root };
    return {
      parent: this.#parents[local >>> LINK_BITS]![local & LINK_MASK]!,
      via: this.#vias[local >>> LINK_BITS]![local & LINK_MASK]!,
    };
  }

  // ---- output chunks ------------------------------------------------------

  #newChunk(): void {
    this.#closeChunk();
    let b = this.#free.pop();
    if (b === undefined) {
      b = new SharedArrayBuffer(CHUNK_STATES * this.rec * 4);
      this.#chunkBytes += b.byteLength;
    }
    this.#written[this.#parity]!.push(b);
    this.#outBuffer = b;
    this.#out = new Int32Array(b);
    this.#outCount = 0;
  }

  #closeChunk(): void {
    if (this.#outBuffer !== undefined && this.#outCount > 0) {
      this.#phaseChunks.push({ buffer: this.#outBuffer, count: this.#outCount });
    }
    this.#outBuffer = undefined;
    this.#out = undefined;
    this.#outCount = 0;
  }

  #emit(id: number, s: Int32Array): void {
    if (this.#out === undefined || this.#outCount === CHUNK_STATES) this.#newChunk();
    const out = this.#out!;
    const w = this.width;
    const base = this.#outCount++ * this.rec;
    out[base] = id;
    for (let i = 0; i < w; i++) out[base + 1 + i] = s[i]!;
  }

  /** Starts writing states of depth `depth`: the chunks written for depth - 2 are free again. */
  #startPhase(depth: number): void {
    const p = depth & 1;
    if (p !== this.#parity) {
      this.#free.push(...this.#written[p]!);
      this.#written[p] = [];
      this.#parity = p;
    }
    this.#phaseChunks = [];
  }

  // ---- the sink -----------------------------------------------------------

  push(next: Int32Array, transition: number): boolean {
    this.transitions++;
    if (!this.inserting) return true;
    return this.#insert(next, this.curId, transition, this.depth + 1);
  }

  /** Inserts a successor of `parent`; false stops the expansion (the state limit). */
  #insert(next: Int32Array, parent: number, transition: number, depth: number): boolean {
    const fp = this.fp;
    fingerprint(next, this.width, fp);
    const lo = fp[0]!, hi = fp[1]!;
    if (this.#budget === 0 && !this.#reserve()) {
      if (tableHas(this.table, this.cap, lo, hi)) return true;
      if (Atomics.load(this.ctl, CTL.limitIsMaxStates) === 1) {
        this.full = true;
        Atomics.store(this.ctl, CTL.stop, 1);
        return false;
      }
      this.#stash(next, parent, transition);
      return true;
    }
    if (!tableInsert(this.table, this.cap, lo, hi)) return true;
    this.#budget--;
    const id = this.#link(parent, transition);
    this.#emit(id, next);
    const p = this.model.check(next);
    if (p >= 0 && this.found === undefined) {
      this.found = { property: p, at: { id, depth }, transition: -1 };
      this.inserting = false;
      Atomics.store(this.ctl, CTL.found, 1);
    }
    return true;
  }

  fail(property: number, transition: number, message: string): void {
    const at = { id: this.curId, depth: this.depth };
    if (this.model.properties[property]?.kind === "bound") {
      this.bound ??= { property, at, transition, message };
      return;
    }
    if (this.found === undefined) {
      this.found = { property, at, transition, message };
      this.inserting = false;
      Atomics.store(this.ctl, CTL.found, 1);
    }
  }

  #stash(s: Int32Array, parent: number, via: number): void {
    const rec = this.width + 2;
    const per = PENDING_CHUNK;
    const c = Math.floor(this.#pendingCount / per);
    if (c === this.#pending.length) this.#pending.push(new Int32Array(per * rec));
    const chunk = this.#pending[c]!;
    const base = (this.#pendingCount % per) * rec;
    chunk[base] = parent;
    chunk[base + 1] = via;
    for (let i = 0; i < this.width; i++) chunk[base + 2 + i] = s[i]!;
    this.#pendingCount++;
  }

  // ---- phases -------------------------------------------------------------

  /** Worker 0: stores the initial states (depth 0). */
  initial(): FromWorker {
    this.#startPhase(0);
    this.depth = -1;
    try {
      const inits = initialStates(this.model);
      const fp = this.fp;
      for (let i = 0; i < inits.length; i++) {
        const s = inits[i]!;
        fingerprint(s, this.width, fp);
        if (this.#budget === 0 && !this.#reserve()) {
          if (tableHas(this.table, this.cap, fp[0]!, fp[1]!)) continue;
          this.full = true;
          break;
        }
        if (!tableInsert(this.table, this.cap, fp[0]!, fp[1]!)) continue;
        this.#budget--;
        const local = this.#count;
        const id = this.#link(-1, -1);
        this.#roots.set(local, i);
        this.#emit(id, s);
        if (this.found === undefined) {
          const p = this.model.check(s);
          if (p >= 0) this.found = { property: p, at: { id, depth: 0 }, transition: -1 };
        }
      }
    } catch (e) {
      return this.#done({ message: messageOf(e) });
    }
    return this.#done();
  }

  /** Expands the states of the units of `chunks` it claims: its own first, then the others'. */
  level(
    depth: number,
    chunks: readonly Chunk[],
    units: Int32Array,
    ranges: Int32Array,
  ): FromWorker {
    this.#startPhase(depth + 1);
    this.depth = depth;
    const ctl = this.ctl;
    const model = this.model;
    const cur = this.cur;
    const w = this.width;
    const rec = this.rec;
    let tick = 0;
    try {
      outer: for (let o = 0, owner = this.index;;) {
        const u = Atomics.add(ctl, CTL.cursors + 16 * owner, 1);
        if (u >= ranges[owner + 1]!) {
          // This worker's units are claimed: help the next one.
          if (++o === this.workers) break;
          if (++owner === this.workers) owner = 0;
          continue;
        }
        const k = u * 3;
        const view = new Int32Array(chunks[units[k]!]!.buffer);
        const end = units[k + 2]!;
        for (let r = units[k + 1]!; r < end; r++) {
          if ((++tick & 63) === 0 && Atomics.load(ctl, CTL.stop) !== 0) break outer;
          if (this.inserting && Atomics.load(ctl, CTL.found) !== 0) this.inserting = false;
          const base = r * rec;
          this.curId = view[base]!;
          for (let i = 0; i < w; i++) cur[i] = view[base + 1 + i]!;
          const n = model.expand(cur, this);
          if (this.full) break outer;
          if (n === 0) {
            const p = model.stuck(cur);
            if (p >= 0) {
              this.stuck = { property: p, at: { id: this.curId, depth }, transition: -1 };
              Atomics.store(ctl, CTL.stop, 1);
              break outer;
            }
          }
        }
      }
    } catch (e) {
      Atomics.store(ctl, CTL.stop, 1);
      return this.#done({ message: messageOf(e), at: { id: this.curId, depth } });
    }
    return this.#done();
  }

  /** Inserts the states that waited for the table to grow (successors of level `depth`). */
  drain(depth: number): FromWorker {
    this.#startPhase(depth + 1);
    this.depth = depth;
    const pending = this.#pending;
    const n = this.#pendingCount;
    this.#pending = [];
    this.#pendingCount = 0;
    const rec = this.width + 2;
    const s = new Int32Array(this.width);
    let parent = -1;
    try {
      for (let k = 0; k < n; k++) {
        const chunk = pending[Math.floor(k / PENDING_CHUNK)]!;
        const base = (k % PENDING_CHUNK) * rec;
        parent = chunk[base]!;
        for (let i = 0; i < this.width; i++) s[i] = chunk[base + 2 + i]!;
        if (!this.inserting) continue;
        if (!this.#insert(s, parent, chunk[base + 1]!, depth + 1)) break;
      }
    } catch (e) {
      Atomics.store(this.ctl, CTL.stop, 1);
      return this.#done({ message: messageOf(e), at: { id: parent, depth } });
    }
    return this.#done();
  }

  /** Rehashes slots [from, to) of the current table into `next`, then uses `next`. */
  grow(next: SharedArrayBuffer, from: number, to: number): void {
    const old = this.table;
    const table = new Int32Array(next);
    const cap = table.length / 2;
    for (let slot = from; slot < to; slot++) {
      const lo = old[2 * slot]!;
      if (lo === 0) continue;
      let hi = old[2 * slot + 1]!;
      while (hi === 0) hi = Atomics.load(old, 2 * slot + 1);
      tableInsert(table, cap, lo, hi);
    }
    this.table = table;
    this.cap = cap;
  }

  #done(error?: { message: string; at?: StateAt }): FromWorker {
    this.#closeChunk();
    return {
      type: "done",
      chunks: this.#phaseChunks,
      states: this.#count,
      transitions: this.transitions,
      pending: this.#pendingCount,
      linkBytes: this.#parents.length * LINK * (4 + this.#linkBytes),
      chunkBytes: this.#chunkBytes,
      ...(this.found !== undefined ? { found: this.found } : {}),
      ...(this.stuck !== undefined ? { stuck: this.stuck } : {}),
      ...(this.bound !== undefined ? { bound: this.bound } : {}),
      ...(this.full ? { full: true } : {}),
      ...(error !== undefined ? { error } : {}),
    };
  }
}

let explorer: Explorer | undefined;

function reply(m: FromWorker): void {
  self.postMessage(m);
}

async function start(m: Extract<ToWorker, { type: "init" }>): Promise<void> {
  let model: Model;
  try {
    const mod: Record<string, unknown> = await import(m.module);
    const target = mod[m.export] as Partial<Checkable> | undefined;
    if (typeof target?.compile !== "function") {
      reply({ type: "failed", message: `${m.module} exports no spec named '${m.export}'` });
      return;
    }
    model = target.compile(m.params);
  } catch (e) {
    reply({ type: "failed", message: messageOf(e) });
    return;
  }
  explorer = new Explorer(model, m.index, m.workers, m.control, m.table);
  reply({ type: "ready" });
}

self.onmessage = (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  if (m.type === "init") {
    void start(m);
    return;
  }
  const x = explorer!;
  switch (m.type) {
    case "initial":
      reply(x.initial());
      return;
    case "level":
      reply(x.level(m.depth, m.chunks, m.units, m.ranges));
      return;
    case "drain":
      reply(x.drain(m.depth));
      return;
    case "grow":
      x.grow(m.table, m.from, m.to);
      reply({ type: "grown" });
      return;
    case "link":
      reply({ type: "link", ...x.link(m.id) });
      return;
  }
};
