// Private module: the coordinator of a parallel search (see parallel.ts):
// it grows the shared fingerprint table, hands each level's frontier to the
// workers, polls the limits, and builds the outcome from the workers'
// replies and parent links.

import type { Model } from "../model/model.ts";
import type { CompactOutcome } from "./bfs_compact.ts";
import { EngineClock } from "./_loop.ts";
import { buildOutcome, type PathOrWhy } from "./_outcome.ts";
import type { EngineEnd } from "./_search.ts";
import { errorMessage } from "./_search.ts";
import type { IncompleteReason } from "./result.ts";
import { type Done, expectDone, type Pool, WorkerFailure } from "./_parallel_pool.ts";
import {
  controlWords,
  CTL,
  fillLimit,
  firstFinding,
  GROW_AT,
  MAX_SLOTS,
  newTable,
  type Owned,
  parallelReport,
  slotsFor,
  type StateAt,
  tuning,
  unitsOf,
  type WorkerFinding,
} from "./_parallel_shared.ts";
import type { ParallelOptions, SpecModule } from "./_parallel_options.ts";

/** How the search ended, before paths are rebuilt. */
interface End {
  readonly status: CompactOutcome["status"];
  readonly depth: number;
  readonly reason?: IncompleteReason;
  readonly violation?: WorkerFinding;
  readonly error?: { readonly message: string; readonly at?: StateAt };
}

/** One parallel search, from its workers' start to its outcome. */
export class Coordinator {
  readonly #model: Model;
  readonly #pool: Pool;
  readonly #options: ParallelOptions;
  readonly #ctl: Int32Array;
  readonly #control: SharedArrayBuffer;
  readonly #maxStates: number;
  #cap: number;
  #table: SharedArrayBuffer;
  #initial = 0;
  #stopReason: IncompleteReason | undefined;
  #last: Done[] = [];
  #frontier = 0;
  #depth = 0;

  constructor(model: Model, pool: Pool, options: ParallelOptions) {
    this.#model = model;
    this.#pool = pool;
    this.#options = options;
    this.#control = new SharedArrayBuffer(controlWords(pool.size) * 4);
    this.#ctl = new Int32Array(this.#control);
    this.#maxStates = Math.min(options.maxStates ?? Number.POSITIVE_INFINITY, 2 ** 31 - 1);
    model.init(() => this.#initial++);
    const hint = Math.max(
      this.#initial,
      Math.min(options.maxStates ?? 0, 2 ** 22),
    );
    this.#cap = slotsFor(hint);
    this.#table = newTable(this.#cap);
    this.#setLimit();
  }

  #setLimit(): void {
    const fill = fillLimit(this.#cap);
    Atomics.store(this.#ctl, CTL.limit, Math.min(fill, this.#maxStates));
    Atomics.store(this.#ctl, CTL.limitIsMaxStates, this.#maxStates <= fill ? 1 : 0);
  }

  get #states(): number {
    return this.#last.reduce((n, r) => n + r.states, 0);
  }

  /** Starts the workers; the message of the first that could not load the spec, if any. */
  start(target: SpecModule, params: ParallelOptions["params"]): Promise<string | undefined> {
    return this.#pool.start(target, params ?? {}, this.#control, this.#table);
  }

  /**
   * Grows the table to `cap` slots (at least doubling it: the fewer tables,
   * the fewer pages the kernel must zero). Worker 0 rehashes it alone: the
   * copy is sequential (slots are in the order of their high word in both
   * tables) and bound by the page faults of the new table, which two
   * workers taking at once made slower (measured: 190 ms instead of 150 ms
   * in all for a run of 2.2 million states).
   */
  async #grow(cap: number): Promise<void> {
    const old = this.#cap;
    const next = newTable(cap);
    const replies = await this.#pool.all((i) => ({
      type: "grow",
      table: next,
      from: 0,
      to: i === 0 ? old : 0,
    }));
    const bad = replies.find((r) => r.type !== "grown");
    if (bad !== undefined) throw new WorkerFailure(bad.type === "failed" ? bad.message : bad.type);
    this.#cap = cap;
    this.#table = next;
    this.#setLimit();
  }

  /**
   * Grows the table when `expected` states would pass the growth threshold.
   * Returns whether they fit under its fill limit.
   */
  async #ensure(expected: number): Promise<boolean> {
    if (expected > GROW_AT * this.#cap && this.#cap < MAX_SLOTS) {
      await this.#grow(Math.max(2 * this.#cap, slotsFor(expected)));
    }
    return expected <= fillLimit(this.#cap);
  }

  /** Polls the limits and sends progress reports while the workers run. */
  #watch(clock: EngineClock): () => void {
    const id = setInterval(() => {
      const reason = clock.poll(Number.POSITIVE_INFINITY, () => ({
        states: Atomics.load(this.#ctl, CTL.reserved),
        frontier: this.#frontier,
        depth: this.#depth,
      }));
      if (reason !== undefined && reason !== "slice" && this.#stopReason === undefined) {
        this.#stopReason = reason;
        Atomics.store(this.#ctl, CTL.stop, 1);
      }
    }, 20);
    return () => clearInterval(id);
  }

  /** Runs the search to its end. */
  async run(): Promise<CompactOutcome> {
    const o = this.#options;
    const clock = new EngineClock(o, {
      shouldStop: () => o.signal?.aborted === true || o.shouldStop?.() === true,
      onProgress: (p) => o.onProgress?.(p),
    });
    const stopWatch = this.#watch(clock);
    let end: End;
    try {
      end = await this.#search();
    } catch (e) {
      end = { status: "error", depth: this.#depth, error: { message: errorMessage(e) } };
    } finally {
      stopWatch();
    }
    return await this.#outcome(end, clock);
  }

  async #search(): Promise<End> {
    const pool = this.#pool;
    const maxDepth = this.#options.maxDepth ?? Number.POSITIVE_INFINITY;
    const first = expectDone([await pool.request(0, { type: "initial" })])[0]!;
    this.#last = [first];
    if (first.error !== undefined) return { status: "error", depth: 0, error: first.error };
    if (first.full === true) return { status: "incomplete", depth: 0, reason: "max-states" };
    if (first.found !== undefined) return { status: "violation", depth: 0, violation: first.found };
    /** The chunks a phase's replies hold, with the worker that wrote each. */
    const owned = (rs: readonly Done[]): Owned[] =>
      rs.flatMap((r, owner) => r.chunks.map((c) => ({ ...c, owner })));
    let frontier: readonly Owned[] = owned([first]);
    let fresh = first.states;
    for (let depth = 0;; depth++) {
      this.#depth = depth;
      this.#frontier = frontier.reduce((n, c) => n + c.count, 0);
      if (depth > 0 && depth >= maxDepth) {
        return { status: "incomplete", depth, reason: "max-depth" };
      }
      if (this.#stopReason !== undefined) {
        return { status: "incomplete", depth, reason: this.#stopReason };
      }
      // Room for the next level: 1.5 times the last one's new states, as a rule
      // (states that do not fit wait for the table to grow, below).
      await this.#ensure(this.#states + tuning.lookahead * fresh);
      const before = this.#states;
      const { units, ranges } = unitsOf(frontier, pool.size);
      for (let i = 0; i < pool.size; i++) {
        Atomics.store(this.#ctl, CTL.cursors + 16 * i, ranges[i]!);
      }
      let replies = expectDone(
        await pool.all(() => ({ type: "level", depth, chunks: frontier, units, ranges })),
      );
      const next: Owned[] = owned(replies);
      let errors = replies.flatMap((r) => r.error !== undefined ? [r.error] : []);
      // States that met a full table wait in their worker: grow and insert them.
      for (;;) {
        const pending = replies.reduce((n, r) => n + r.pending, 0);
        if (pending === 0 || errors.length > 0 || Atomics.load(this.#ctl, CTL.stop) !== 0) break;
        const reserved = Atomics.load(this.#ctl, CTL.reserved);
        if (!(await this.#ensure(reserved + pending + 256 * pool.size))) {
          throw new Error(`the fingerprint table is full (${MAX_SLOTS} slots)`);
        }
        replies = expectDone(await pool.all(() => ({ type: "drain", depth })));
        next.push(...owned(replies));
        errors = replies.flatMap((r) => r.error !== undefined ? [r.error] : []);
      }
      this.#last = replies;
      if (errors.length > 0) return { status: "error", depth, error: errors[0]! };
      const stuck = firstFinding(replies.map((r) => r.stuck));
      if (stuck !== undefined) return { status: "violation", depth, violation: stuck };
      if (replies.some((r) => r.full === true)) {
        return { status: "incomplete", depth, reason: "max-states" };
      }
      if (this.#stopReason !== undefined) {
        return { status: "incomplete", depth, reason: this.#stopReason };
      }
      const found = firstFinding(replies.map((r) => r.found));
      if (found !== undefined) return { status: "violation", depth, violation: found };
      fresh = this.#states - before;
      if (next.length === 0) return { status: "ok", depth };
      frontier = next;
    }
  }

  /**
   * The paths the outcome needs (the violation, the error, the bound),
   * asked of the workers before the outcome is built; a path that cannot
   * be rebuilt makes the end an error.
   */
  async #paths(
    end: EngineEnd<StateAt>,
    found: WorkerFinding | undefined,
    bound: WorkerFinding | undefined,
  ): Promise<{ paths: Map<number, PathOrWhy>; end: EngineEnd<StateAt> }> {
    const paths = new Map<number, PathOrWhy>();
    const ats = [found?.at, end.error?.at, end.status === "ok" ? bound?.at : undefined];
    try {
      for (const at of ats) {
        if (at !== undefined && at.id >= 0 && !paths.has(at.id)) {
          paths.set(at.id, await this.#pool.path(at.id));
        }
      }
    } catch (e) {
      const cause = new Error(`a trace could not be rebuilt: ${errorMessage(e)}`);
      return { paths, end: { status: "error", error: { cause, at: undefined }, depth: end.depth } };
    }
    return { paths, end };
  }

  async #outcome(ended: End, clock: EngineClock): Promise<CompactOutcome> {
    const seconds = clock.seconds();
    const states = this.#states;
    const transitions = this.#last.reduce((n, r) => n + r.transitions, 0);
    const found = ended.violation;
    const bound = firstFinding(this.#last.map((r) => r.bound));
    const { status, reason, depth, error } = ended;
    const first: EngineEnd<StateAt> = {
      status,
      reason,
      depth,
      error: error && { cause: new Error(error.message), at: error.at },
    };
    const { paths, end } = await this.#paths(first, found, bound);
    this.#pool.terminate();
    const failed = end !== first;
    const out = buildOutcome(end, {
      model: this.#model,
      limits: this.#options,
      found: failed ? undefined : found,
      bound: failed ? undefined : bound,
      pathTo: (at) => {
        const p = paths.get(at.id);
        return p === undefined || typeof p === "string"
          ? { init: 0, transitions: [] }
          : { init: p.init, transitions: [...p.transitions] };
      },
      stats: () => ({
        states,
        transitions,
        seconds,
        storeBytes: this.#table.byteLength + this.#last.reduce((n, r) => n + r.linkBytes, 0),
        peakMemoryBytes: clock.peak(),
      }),
    });
    const storeReport = parallelReport(this.#table, this.#model.transitionCount, {
      generated: this.#initial + transitions,
      states,
      chunkBytes: this.#last.reduce((n, r) => n + r.chunkBytes, 0),
    });
    return { ...out, storeReport };
  }
}
