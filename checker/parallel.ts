/**
 * Parallel breadth-first search: N Web Workers share one lock-free
 * fingerprint table in a `SharedArrayBuffer` and expand each level of the
 * search together.
 *
 * A compiled model holds closures, which cannot cross to a worker: each
 * worker imports the spec module by URL, picks the export by name and
 * compiles it with the same parameters (compiling is deterministic, so all
 * of them number transitions and properties alike).
 *
 * The search is level-synchronous. The frontier of a level is a list of
 * chunks (`SharedArrayBuffer`s of 1024 packed states each, with their ids),
 * cut into units of 128 states. Each worker claims units through shared
 * counters until none is left, those of the chunks it wrote itself first
 * (they are likelier to be in its caches), then the others': the work
 * splits evenly whatever the shape of the level. A successor is
 * fingerprinted (the sequential fingerprint store's 64-bit hash), inserted
 * into the shared table by a compare-and-swap, and, if new, written into a
 * chunk of the worker's own; at the end of the level the coordinator hands
 * every worker the list of new chunks. No state is structured-cloned: only
 * the chunks' handles travel in messages. Because levels are kept apart,
 * every state is reached by a shortest path, and a violation found at level
 * d is reported only once the level is done (a deadlock at depth d wins over
 * a violation one step deeper), as in the sequential search: counterexamples
 * are shortest.
 *
 * Each worker keeps the parent links (parent id and transition) of the
 * states it stored. The coordinator rebuilds a trace by asking for the links
 * from the violating state back to an initial state, then replays and
 * explains it on its own copy of the model, like every counterexample.
 *
 * What it does not do: liveness properties (they need the whole state
 * graph). As in the sequential search, they would be checked only once the
 * safety properties hold; a safety violation is reported as usual, but where
 * the sequential search would go on to the liveness properties the verdict
 * is `error` (saying so), never a silent `ok`: check such a spec with
 * {@linkcode checkAsync} instead. The states and the verdict are those of
 * the sequential fingerprint search (as long as no two states share a
 * fingerprint); when several properties fail at the same shortest depth,
 * which one is reported may differ.
 *
 * The table starts small and grows between levels (at least doubling, to
 * half full); a level that fills it to 85% parks the states that do not fit
 * in their worker until it has grown. `stats.bytesPerState` counts the
 * table and the links, about 21 bytes a state on the bench's 17 million.
 *
 * @module
 */

import type { Checkable, Model } from "../model/model.ts";
import type { Found, SearchHooks, SearchLimits } from "./_search.ts";
import { limitMessage, residentMemory } from "./_search.ts";
import type { CompactOutcome } from "./bfs_compact.ts";
import { emptyStats, errorMessage, toResult } from "./_to_result.ts";
import type { CheckResult, IncompleteReason } from "./result.ts";
import { GapScan } from "./_fingerprint_store.ts";
import {
  type Chunk,
  controlWords,
  CTL,
  fillLimit,
  type FromWorker,
  GROW_AT,
  MAX_SLOTS,
  newTable,
  slotsFor,
  type StateAt,
  type ToWorker,
  tuning,
  UNIT_STATES,
  type WorkerFinding,
} from "./_parallel_shared.ts";

/**
 * A spec a worker can load: the module that exports it, and the name of the
 * export.
 *
 * @example The bundled bounded buffer
 * ```ts
 * import type { SpecModule } from "./parallel.ts";
 * import assert from "node:assert/strict";
 *
 * const target: SpecModule = {
 *   module: new URL("../specs/pc_semaphore.ts", import.meta.url),
 *   export: "pcSemaphore",
 * };
 * const mod = await import(target.module.toString());
 * assert.equal(mod[target.export].name, "pc_semaphore");
 * ```
 */
export interface SpecModule {
  /** The module's URL (`import.meta.resolve(...)`, a `file:` URL, ...). */
  readonly module: string | URL;
  /** The name of the export (`pcSemaphore` for `export const pcSemaphore = spec(...)`). */
  readonly export: string;
}

/**
 * Options of {@linkcode checkParallel}.
 *
 * @example Two workers, a state limit
 * ```ts
 * import { checkParallel, type ParallelOptions } from "./parallel.ts";
 * import assert from "node:assert/strict";
 *
 * const options: ParallelOptions = { workers: 2, maxStates: 100, params: { producers: 2 } };
 * const r = await checkParallel(
 *   { module: new URL("../specs/pc_semaphore.ts", import.meta.url), export: "pcSemaphore" },
 *   options,
 * );
 * assert.equal(r.verdict, "incomplete");
 * assert.equal(r.incomplete?.reason, "max-states");
 * ```
 */
export interface ParallelOptions extends SearchLimits, SearchHooks {
  /** Parameter overrides (numbers, booleans, or their text). */
  params?: Readonly<Record<string, number | boolean | string>>;
  /** Workers to start (default: the number of logical cores). */
  workers?: number;
  /** Aborting it stops the search as `incomplete` (`interrupted`). */
  signal?: AbortSignal;
}

type Done = Extract<FromWorker, { type: "done" }>;

/** Workers, each answering its requests in order. */
class Pool {
  readonly size: number;
  readonly #workers: Worker[] = [];
  readonly #waiting: ((m: FromWorker) => void)[][] = [];
  readonly #dead: (string | undefined)[] = [];

  constructor(size: number) {
    this.size = size;
    const url = new URL("./_parallel_worker.ts", import.meta.url).href;
    for (let i = 0; i < size; i++) {
      const w = new Worker(url, { type: "module" });
      const waiting: ((m: FromWorker) => void)[] = [];
      w.onmessage = (e: MessageEvent<FromWorker>) => waiting.shift()?.(e.data);
      w.onerror = (e: ErrorEvent) => {
        // A worker that dies fails every request it was given, and every later one.
        e.preventDefault();
        this.#dead[i] = e.message;
        for (const r of waiting.splice(0)) r({ type: "failed", message: e.message });
      };
      this.#workers.push(w);
      this.#waiting.push(waiting);
    }
  }

  request(i: number, m: ToWorker): Promise<FromWorker> {
    const dead = this.#dead[i];
    if (dead !== undefined) return Promise.resolve({ type: "failed", message: dead });
    return new Promise((resolve) => {
      this.#waiting[i]!.push(resolve);
      this.#workers[i]!.postMessage(m);
    });
  }

  all(m: (i: number) => ToWorker): Promise<FromWorker[]> {
    return Promise.all(this.#workers.map((_, i) => this.request(i, m(i))));
  }

  terminate(): void {
    for (const w of this.#workers) w.terminate();
  }
}

/** How the search ended, before paths are rebuilt. */
interface End {
  readonly status: CompactOutcome["status"];
  readonly depth: number;
  readonly reason?: IncompleteReason;
  readonly violation?: WorkerFinding;
  readonly error?: { readonly message: string; readonly at?: StateAt };
}

/** The failure of a worker that could not do what it was asked. */
class WorkerFailure extends Error {}

function expectDone(replies: FromWorker[]): Done[] {
  return replies.map((r) => {
    if (r.type === "done") return r;
    throw new WorkerFailure(r.type === "failed" ? r.message : `unexpected reply '${r.type}'`);
  });
}

/** The first of several findings at the same depth: by property index, then worker. */
function firstFinding(list: readonly (WorkerFinding | undefined)[]): WorkerFinding | undefined {
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
interface Owned extends Chunk {
  readonly owner: number;
}

/**
 * The units of work of a frontier, (chunk, first record, end) triples of
 * UNIT_STATES records grouped by the worker that wrote their chunk, and the
 * boundaries of the groups.
 */
function unitsOf(
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
function actualOmission(table: SharedArrayBuffer): number | undefined {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) return undefined;
  new BigUint64Array(table).sort();
  const gaps = new GapScan();
  gaps.scan(new Uint32Array(table));
  return Number.isFinite(gaps.min) ? Math.min(1, 1 / gaps.min) : 0;
}

/** One parallel search, from its workers' start to its outcome. */
class Coordinator {
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
  #start = 0;
  #peak = 0;
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
  async start(target: SpecModule, params: ParallelOptions["params"]): Promise<string | undefined> {
    const replies = await this.#pool.all((index) => ({
      type: "init",
      module: String(target.module),
      export: target.export,
      params: params ?? {},
      index,
      workers: this.#pool.size,
      control: this.#control,
      table: this.#table,
    }));
    const failed = replies.find((r) => r.type !== "ready");
    return failed === undefined
      ? undefined
      : failed.type === "failed"
      ? failed.message
      : `unexpected reply '${failed.type}'`;
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
  #watch(): () => void {
    const o = this.#options;
    const deadline = o.timeSeconds !== undefined
      ? this.#start + o.timeSeconds * 1000
      : Number.POSITIVE_INFINITY;
    let lastProgress = this.#start;
    const id = setInterval(() => {
      const now = performance.now();
      let reason: IncompleteReason | undefined;
      if (now >= deadline) reason = "time";
      else if (o.signal?.aborted === true || o.shouldStop?.() === true) reason = "interrupted";
      if (reason !== undefined && this.#stopReason === undefined) {
        this.#stopReason = reason;
        Atomics.store(this.#ctl, CTL.stop, 1);
      }
      if (now - lastProgress >= 1000) {
        lastProgress = now;
        const mem = residentMemory();
        if (mem > this.#peak) this.#peak = mem;
        const seconds = (now - this.#start) / 1000;
        const states = Atomics.load(this.#ctl, CTL.reserved);
        o.onProgress?.({
          states,
          frontier: this.#frontier,
          depth: this.#depth,
          seconds,
          statesPerSecond: seconds > 0 ? states / seconds : 0,
          memoryBytes: mem,
        });
      }
    }, 20);
    return () => clearInterval(id);
  }

  /** Runs the search to its end. */
  async run(): Promise<CompactOutcome> {
    this.#start = performance.now();
    this.#peak = residentMemory();
    const stopWatch = this.#watch();
    let end: End;
    try {
      end = await this.#search();
    } catch (e) {
      end = { status: "error", depth: this.#depth, error: { message: errorMessage(e) } };
    } finally {
      stopWatch();
    }
    return await this.#outcome(end);
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

  /** The path from an initial state to state `id`, from the workers' parent links. */
  async #path(id: number): Promise<{ init: number; transitions: number[] }> {
    const transitions: number[] = [];
    let cur = id;
    for (;;) {
      const r = await this.#pool.request(cur % this.#pool.size, { type: "link", id: cur });
      if (r.type !== "link") throw new WorkerFailure(r.type === "failed" ? r.message : r.type);
      if (r.parent < 0) return { init: r.via, transitions: transitions.reverse() };
      transitions.push(r.via);
      cur = r.parent;
    }
  }

  async #outcome(end: End): Promise<CompactOutcome> {
    const seconds = (performance.now() - this.#start) / 1000;
    const states = this.#states;
    const transitions = this.#last.reduce((n, r) => n + r.transitions, 0);
    let status = end.status;
    let found: Found | undefined;
    let error: CompactOutcome["error"];
    let incomplete: CompactOutcome["incomplete"];
    try {
      if (end.violation !== undefined) {
        const v = end.violation;
        const path = await this.#path(v.at.id);
        if (v.transition >= 0) path.transitions.push(v.transition);
        found = {
          property: v.property,
          ...path,
          ...(v.message !== undefined ? { message: v.message } : {}),
        };
      }
      if (end.error !== undefined) {
        const at = end.error.at;
        const path = at === undefined || at.id < 0
          ? { init: 0, transitions: [] }
          : await this.#path(at.id);
        error = { cause: new Error(end.error.message), ...path };
      }
      const bound = firstFinding(this.#last.map((r) => r.bound));
      if (status === "ok" && bound !== undefined) {
        const path = await this.#path(bound.at.id);
        path.transitions.push(bound.transition);
        const message = `${bound.message}: the states beyond it were not explored`;
        status = "incomplete";
        incomplete = {
          reason: "bound",
          message,
          found: {
            property: bound.property,
            ...path,
            ...(bound.message !== undefined ? { message: bound.message } : {}),
          },
        };
      } else if (status === "incomplete" && end.reason !== undefined) {
        incomplete = {
          reason: end.reason,
          message: limitMessage(end.reason, this.#options),
        };
      }
    } catch (e) {
      status = "error";
      found = undefined;
      incomplete = undefined;
      error = {
        cause: new Error(`a trace could not be rebuilt: ${errorMessage(e)}`),
        init: 0,
        transitions: [],
      };
    }
    this.#pool.terminate();
    const links = this.#last.reduce((n, r) => n + r.linkBytes, 0);
    const chunks = this.#last.reduce((n, r) => n + r.chunkBytes, 0);
    const mem = residentMemory();
    if (mem > this.#peak) this.#peak = mem;
    const generated = this.#initial + transitions;
    const actual = actualOmission(this.#table);
    const t = this.#model.transitionCount;
    return {
      status,
      ...(found !== undefined ? { found } : {}),
      ...(error !== undefined ? { error } : {}),
      ...(incomplete !== undefined ? { incomplete } : {}),
      states,
      transitions,
      depth: end.depth,
      seconds,
      storeBytes: this.#table.byteLength + links,
      peakMemoryBytes: this.#peak,
      storeReport: {
        store: "fingerprint",
        omissionProbability: Math.min(1, (states * Math.max(0, generated - states)) / 2 ** 64),
        ...(actual !== undefined ? { omissionProbabilityActual: actual } : {}),
        linkBytes: t <= 0x100 ? 5 : t <= 0x10000 ? 6 : 8,
        frontierPeakBytes: chunks,
      },
    };
  }
}

function errorResult(spec: string, message: string, width = 0): CheckResult {
  return {
    spec,
    params: {},
    verdict: "error",
    error: { message },
    stats: { ...emptyStats(), stateWidth: width },
  };
}

/**
 * Checks a spec with breadth-first search over N workers that share a
 * fingerprint table (see the module documentation), and returns the same
 * result data as {@linkcode check} with the fingerprint store: the verdict,
 * the shortest counterexample (replayed and explained), and statistics,
 * with `stats.workers` set. One worker runs the same parallel engine
 * (without the sequential search's overheads or benefits): use
 * {@linkcode check} for the sequential search.
 *
 * Each worker imports `target.module` itself, so the spec must be an
 * export of a module, not a value built at run time. Liveness properties
 * are not checked: a spec that declares some and whose safety properties
 * hold gets the verdict `error`.
 * Never throws for a bad spec, module or parameter: that is the verdict
 * `error`.
 *
 * @param target The module and the name of the export to check.
 * @param options Parameters, limits, hooks and the number of workers.
 * @returns The result.
 *
 * @example Two workers on the bounded buffer
 * ```ts
 * import { checkParallel } from "./parallel.ts";
 * import assert from "node:assert/strict";
 *
 * const result = await checkParallel(
 *   { module: new URL("../specs/pc_semaphore.ts", import.meta.url), export: "pcSemaphore" },
 *   { workers: 2, params: { producers: 2, consumers: 2 } },
 * );
 * assert.equal(result.verdict, "ok");
 * assert.equal(result.stats.workers, 2);
 * assert.equal(result.stats.store, "fingerprint");
 * ```
 */
export async function checkParallel(
  target: SpecModule,
  options: ParallelOptions = {},
): Promise<CheckResult> {
  const workers = options.workers ?? navigator.hardwareConcurrency;
  if (!Number.isInteger(workers) || workers < 1 || workers > 256) {
    throw new RangeError(
      `Cannot check in parallel as 'workers' must be an integer from 1 to 256: current value is ${workers}`,
    );
  }
  let spec: Checkable;
  let model: Model;
  let params: Readonly<Record<string, number | boolean>>;
  try {
    const mod: Record<string, unknown> = await import(String(target.module));
    const s = mod[target.export] as Partial<Checkable> | undefined;
    if (typeof s?.compile !== "function" || typeof s.resolve !== "function") {
      return errorResult(
        target.export,
        `${target.module} exports no spec named '${target.export}'`,
      );
    }
    spec = s as Checkable;
  } catch (e) {
    return errorResult(target.export, `Cannot load ${target.module}: ${errorMessage(e)}`);
  }
  try {
    params = spec.resolve(options.params ?? {});
    model = spec.compile(options.params ?? {});
  } catch (e) {
    return errorResult(spec.name, errorMessage(e));
  }
  const pool = new Pool(workers);
  let outcome: CompactOutcome;
  try {
    const coordinator = new Coordinator(model, pool, options);
    const failed = await coordinator.start(target, options.params);
    if (failed !== undefined) {
      return { ...errorResult(model.name, `a worker could not start: ${failed}`), params };
    }
    outcome = await coordinator.run();
  } finally {
    pool.terminate();
  }
  const result = toResult(model, params, outcome);
  const stats = { ...result.stats, workers };
  const liveness = model.liveness?.properties ?? [];
  if (result.verdict === "ok" && liveness.length > 0) {
    // The sequential search, too, checks liveness only once safety holds.
    const names = liveness.map((l) => `'${l.name}'`).join(", ");
    return {
      ...result,
      verdict: "error",
      error: {
        message: `the safety properties hold over ${stats.states} states, but parallel ` +
          `search does not check liveness properties (${names}): check this spec ` +
          "with one worker (--workers 1)",
      },
      stats,
    };
  }
  return { ...result, stats };
}
