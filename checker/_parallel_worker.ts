// Private module: one worker of a parallel search (see parallel.ts). It
// imports the spec module by URL, compiles the export it is told with the
// same parameters as the coordinator (compiling is deterministic, so every
// worker numbers transitions and properties alike), and then, level by
// level, claims units of the frontier (those of its own chunks first),
// expands their states, inserts the successors into the shared fingerprint
// table and writes the new ones into chunks of its own, which the
// coordinator hands to every worker as the next level. The parent links of
// the states it stored (_parallel_buffers.ts) rebuild a trace.

/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />

import type { Checkable, Model } from "../model/model.ts";
import { errorMessage, initialStates } from "./_search.ts";
import { FindingSink } from "./_sink.ts";
import { Budget, ChunkWriter, LinkTable, PendingList } from "./_parallel_buffers.ts";
import {
  type Chunk,
  CTL,
  fingerprint,
  type FromWorker,
  rehash,
  type StateAt,
  tableHas,
  tableInsert,
  type ToWorker,
  type WorkerFinding,
} from "./_parallel_shared.ts";

/** The search state of this worker, and the sink the model pushes successors into. */
class Explorer extends FindingSink<StateAt> {
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
  /** The parent links of the states this worker stored. */
  readonly links: LinkTable;
  readonly #chunks: ChunkWriter;
  readonly #pending: PendingList;
  readonly #budget: Budget;
  /** The state being expanded, and its depth. */
  curId = -1;
  depth = 0;
  stuck: WorkerFinding | undefined;
  /** States expanded in this level (the stop flag is polled every 64). */
  #tick = 0;

  constructor(
    model: Model,
    index: number,
    workers: number,
    control: SharedArrayBuffer,
    table: SharedArrayBuffer,
  ) {
    super(model, Number.POSITIVE_INFINITY);
    this.width = model.width;
    this.index = index;
    this.workers = workers;
    this.ctl = new Int32Array(control);
    this.table = new Int32Array(table);
    this.cap = this.table.length / 2;
    this.cur = new Int32Array(model.width);
    this.rec = model.width + 1;
    this.links = new LinkTable(index, workers, model.transitionCount);
    this.#chunks = new ChunkWriter(model.width);
    this.#pending = new PendingList(model.width);
    this.#budget = new Budget(this.ctl, workers);
  }

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
    if (!this.#budget.available()) {
      if (tableHas(this.table, this.cap, lo, hi)) return true;
      if (Atomics.load(this.ctl, CTL.limitIsMaxStates) === 1) {
        this.full = true;
        Atomics.store(this.ctl, CTL.stop, 1);
        return false;
      }
      this.#pending.add(next, parent, transition);
      return true;
    }
    if (!tableInsert(this.table, this.cap, lo, hi)) return true;
    this.#budget.spend();
    const id = this.links.add(parent, transition);
    this.#chunks.write(id, next);
    const p = this.model.check(next);
    if (p >= 0) this.violated({ property: p, at: { id, depth }, transition: -1 });
    return true;
  }

  protected override here(): StateAt {
    return { id: this.curId, depth: this.depth };
  }

  /** Every worker stops inserting once one found a violation. */
  protected override violated(f: WorkerFinding): void {
    if (this.found !== undefined) return;
    super.violated(f);
    Atomics.store(this.ctl, CTL.found, 1);
  }

  /** Worker 0: stores the initial states (depth 0). */
  initial(): FromWorker {
    this.#chunks.startPhase(0);
    this.depth = -1;
    try {
      const inits = initialStates(this.model);
      const fp = this.fp;
      for (let i = 0; i < inits.length; i++) {
        const s = inits[i]!;
        fingerprint(s, this.width, fp);
        if (!this.#budget.available()) {
          if (tableHas(this.table, this.cap, fp[0]!, fp[1]!)) continue;
          this.full = true;
          break;
        }
        if (!tableInsert(this.table, this.cap, fp[0]!, fp[1]!)) continue;
        this.#budget.spend();
        const id = this.links.addRoot(i);
        this.#chunks.write(id, s);
        if (this.found === undefined) {
          const p = this.model.check(s);
          if (p >= 0) this.found = { property: p, at: { id, depth: 0 }, transition: -1 };
        }
      }
    } catch (e) {
      return this.#done({ message: errorMessage(e) });
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
    this.#chunks.startPhase(depth + 1);
    this.depth = depth;
    this.#tick = 0;
    const ctl = this.ctl;
    try {
      for (let o = 0, owner = this.index; o < this.workers;) {
        const u = Atomics.add(ctl, CTL.cursors + 16 * owner, 1);
        if (u >= ranges[owner + 1]!) {
          // This worker's units are claimed: help the next one.
          o++;
          if (++owner === this.workers) owner = 0;
          continue;
        }
        const k = u * 3;
        const view = new Int32Array(chunks[units[k]!]!.buffer);
        if (!this.#expandUnit(view, units[k + 1]!, units[k + 2]!)) break;
      }
    } catch (e) {
      Atomics.store(ctl, CTL.stop, 1);
      return this.#done({ message: errorMessage(e), at: { id: this.curId, depth } });
    }
    return this.#done();
  }

  /** Expands records `[from, end)` of a chunk; false when the level must stop. */
  #expandUnit(view: Int32Array, from: number, end: number): boolean {
    const ctl = this.ctl;
    const model = this.model;
    const cur = this.cur;
    const w = this.width;
    const rec = this.rec;
    for (let r = from; r < end; r++) {
      if ((++this.#tick & 63) === 0 && Atomics.load(ctl, CTL.stop) !== 0) return false;
      if (this.inserting && Atomics.load(ctl, CTL.found) !== 0) this.inserting = false;
      const base = r * rec;
      this.curId = view[base]!;
      for (let i = 0; i < w; i++) cur[i] = view[base + 1 + i]!;
      const n = model.expand(cur, this);
      if (this.full) return false;
      if (n === 0) {
        const p = model.stuck(cur);
        if (p >= 0) {
          this.stuck = { property: p, at: this.here(), transition: -1 };
          Atomics.store(ctl, CTL.stop, 1);
          return false;
        }
      }
    }
    return true;
  }

  /** Inserts the states that waited for the table to grow (successors of level `depth`). */
  drain(depth: number): FromWorker {
    this.#chunks.startPhase(depth + 1);
    this.depth = depth;
    let parent = -1;
    try {
      this.#pending.drain((s, from, via) => {
        parent = from;
        return !this.inserting || this.#insert(s, from, via, depth + 1);
      });
    } catch (e) {
      Atomics.store(this.ctl, CTL.stop, 1);
      return this.#done({ message: errorMessage(e), at: { id: parent, depth } });
    }
    return this.#done();
  }

  /** Rehashes slots [from, to) of the current table into `next`, then uses `next`. */
  grow(next: SharedArrayBuffer, from: number, to: number): FromWorker {
    const table = new Int32Array(next);
    const cap = table.length / 2;
    rehash(this.table, table, cap, from, to);
    this.table = table;
    this.cap = cap;
    return { type: "grown" };
  }

  #done(error?: { message: string; at?: StateAt }): FromWorker {
    return {
      type: "done",
      chunks: this.#chunks.endPhase(),
      states: this.links.count,
      transitions: this.transitions,
      pending: this.#pending.count,
      linkBytes: this.links.bytes,
      chunkBytes: this.#chunks.bytes,
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
    reply({ type: "failed", message: errorMessage(e) });
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
      reply(x.grow(m.table, m.from, m.to));
      return;
    case "link":
      reply({ type: "link", ...x.links.link(m.id) });
      return;
  }
};
