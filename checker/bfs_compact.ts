/**
 * Breadth-first search over a store that does not keep states: the
 * fingerprint store (a 64-bit fingerprint and a parent link per state, at
 * most 16 bytes a state all told) or the bitstate store (SPIN's supertrace:
 * k bits of a bit array per state, for state spaces beyond memory).
 *
 * Since the store cannot give a state back, the states still to expand wait
 * in a queue of their own: a FIFO of packed states in chunks of Int32
 * blocks, each chunk released once read. The search is otherwise
 * `BfsSearch` (bfs.ts): the same levels, limits and outcome, and the same
 * rule that a violation found while expanding level d waits for the end of
 * the level, where a deadlock at depth d wins, so the trace is the shortest.
 * The search stores states in the same order as the exact store, so the
 * fingerprint store gives the same states, indices and traces as long as no
 * two states share a fingerprint.
 *
 * Traces: the fingerprint store rebuilds the path of transitions from its
 * parent links. The bitstate store keeps no links; once the search ends, it
 * rebuilds the path to the state where the violation (or error, or bound)
 * was met by a second breadth-first search over a fingerprint store, from
 * the initial states down to the depth of that state, stopping where it
 * meets the very state (compared slot by slot). That search costs at most
 * what a fingerprint search to that depth costs. Either way the checker
 * replays every counterexample before reporting it.
 *
 * Neither store is exact: a state taken for another is never explored,
 * nor the states only it leads to. The outcome says how likely that is
 * (see {@linkcode StoreReport}): a verdict `ok` from these stores is `ok`
 * up to that probability; a violation is always real (its trace replays).
 *
 * @module
 */

import type { Model, SuccessorSink } from "../model/model.ts";
import {
  initialStates,
  limitMessage,
  type SearchHooks,
  type SearchLimits,
  type SearchOutcome,
} from "./_search.ts";
import { EngineClock } from "./_engine.ts";
import { FingerprintStore } from "./_fingerprint_store.ts";
import { BitstateStore } from "./_bitstate_store.ts";
import type { IncompleteReason } from "./result.ts";
import { Reducer, type ReductionOptions } from "./_por.ts";
import { ExactStore } from "./_store.ts";

/** The stores {@linkcode CompactBfsSearch} can use. */
export type CompactStoreKind = "fingerprint" | "bitstate";

/**
 * Options of {@linkcode CompactBfsSearch} and {@linkcode bfsCompact}. With
 * `reduction: "por"`, a state is expanded through the model's ample set only
 * when every successor in it is new or belongs to the next level (the cycle
 * proviso: these stores keep no index to tell a state still in the queue
 * from one expanded before, so the search keeps the next level's states
 * exactly, in a set of their own, while it expands the current level).
 */
export interface CompactBfsOptions extends SearchLimits, SearchHooks, ReductionOptions {
  /** The store (default `fingerprint`). */
  store?: CompactStoreKind;
  /** Bitstate: the bit array has 2^bitstateBits bits (default 30: 128 MiB; 5 to 37). */
  bitstateBits?: number;
  /** Bitstate: bits set per state, k (default 3; 1 to 8). */
  bitstateHashes?: number;
  /**
   * Fingerprint: bits kept of each 64-bit fingerprint (default 64). Fewer
   * bits make collisions likely: a way to see omissions reported.
   */
  fingerprintBits?: number;
}

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

/** The outcome of a search over a store that is not exact. */
export interface CompactOutcome extends SearchOutcome {
  /** What the store may have missed. */
  readonly storeReport: StoreReport;
}

/** Int32 slots per chunk of the queue (256 KiB). */
const QUEUE_CHUNK = 1 << 16;

/** A FIFO of packed states in chunks; a chunk is released (or kept as the one spare) once read. */
class StateQueue {
  readonly width: number;
  readonly perChunk: number;
  #chunks: Int32Array[] = [];
  #spare: Int32Array | undefined;
  /** Read position (in states) in the first chunk, write position in the last. */
  #head = 0;
  #tail: number;
  #length = 0;
  #peakChunks = 0;

  constructor(width: number) {
    this.width = width;
    this.perChunk = Math.max(1, Math.floor(QUEUE_CHUNK / Math.max(1, width)));
    this.#tail = this.perChunk;
  }

  get length(): number {
    return this.#length;
  }

  push(s: Int32Array): void {
    const w = this.width;
    if (this.#tail === this.perChunk) {
      const chunk = this.#spare ?? new Int32Array(this.perChunk * w);
      this.#spare = undefined;
      this.#chunks.push(chunk);
      this.#tail = 0;
      if (this.#chunks.length > this.#peakChunks) this.#peakChunks = this.#chunks.length;
    }
    const chunk = this.#chunks[this.#chunks.length - 1]!;
    const base = this.#tail++ * w;
    for (let i = 0; i < w; i++) chunk[base + i] = s[i]!;
    this.#length++;
  }

  /** Moves the oldest state into `out`. The queue must not be empty. */
  shift(out: Int32Array): void {
    const w = this.width;
    const chunk = this.#chunks[0]!;
    const base = this.#head++ * w;
    for (let i = 0; i < w; i++) out[i] = chunk[base + i]!;
    this.#length--;
    if (this.#head === this.perChunk || this.#length === 0) {
      // The chunk is read (or the queue is empty): release it.
      this.#chunks.shift();
      this.#spare = chunk;
      this.#head = 0;
      if (this.#chunks.length === 0) this.#tail = this.perChunk;
    }
  }

  /** The peak bytes held by the queue's chunks (a spare is only kept in place of a live one). */
  get peakBytes(): number {
    return this.#peakChunks * this.perChunk * this.width * 4;
  }
}

/** The store behind the search: what the sink and the engine use. */
type Store = FingerprintStore | BitstateStore;

/** A state the outcome needs a path to: its index, a copy of it, its depth. */
interface StateRef {
  readonly index: number;
  readonly state: Int32Array;
  readonly depth: number;
}

/** What the sink found (as `InsertSink`'s findings, with the state kept). */
interface Finding {
  readonly property: number;
  readonly at: StateRef;
  /** The failing transition, or -1 for an invariant. */
  readonly transition: number;
  readonly message?: string;
}

/** Inserts successors, queues the new ones and checks their invariants. */
class CompactSink implements SuccessorSink {
  readonly store: Store;
  readonly queue: StateQueue;
  readonly model: Model;
  readonly maxStates: number;
  parent = -1;
  /** The state being expanded, and its depth. */
  cur: Int32Array;
  depth = 0;
  inserting = true;
  transitions = 0;
  full = false;
  found: Finding | undefined;
  bound: Finding | undefined;
  /** With reduction: the states stored while expanding the current level (none expanded yet). */
  nextLevel: ExactStore | undefined;

  constructor(store: Store, queue: StateQueue, model: Model, maxStates: number) {
    this.store = store;
    this.queue = queue;
    this.model = model;
    this.maxStates = maxStates;
    this.cur = new Int32Array(model.width);
  }

  push(next: Int32Array, transition: number): boolean {
    this.transitions++;
    if (!this.inserting) return true;
    if (this.store.count >= this.maxStates) {
      if (!this.store.has(next)) {
        this.full = true;
        return false;
      }
      return true;
    }
    const idx = this.store.insert(next, this.parent, transition);
    if (idx >= 0) {
      this.queue.push(next);
      this.nextLevel?.insert(next, -1, -1);
      const p = this.model.check(next);
      if (p >= 0 && this.found === undefined) {
        this.found = {
          property: p,
          at: { index: idx, state: next.slice(), depth: this.depth + 1 },
          transition: -1,
        };
        this.inserting = false;
      }
    }
    return true;
  }

  #here(): StateRef {
    return { index: this.parent, state: this.cur.slice(), depth: this.depth };
  }

  fail(property: number, transition: number, message: string): void {
    if (this.model.properties[property]?.kind === "bound") {
      this.bound ??= { property, at: this.#here(), transition, message };
      return;
    }
    if (this.found === undefined) {
      this.found = { property, at: this.#here(), transition, message };
      this.inserting = false;
    }
  }
}

/** How a search ended, as the engine saw it. */
interface End {
  readonly status: SearchOutcome["status"];
  readonly reason?: IncompleteReason | undefined;
  readonly stuck?: { readonly property: number; readonly at: StateRef } | undefined;
  readonly error?: { readonly cause: unknown; readonly at: StateRef | undefined } | undefined;
  readonly depth: number;
}

/**
 * A breadth-first search over the fingerprint or the bitstate store, that
 * can run in slices like `BfsSearch` (bfs.ts).
 *
 * @example Same states as the exact store, 64-bit fingerprints instead
 * ```ts
 * import { CompactBfsSearch } from "./bfs_compact.ts";
 * import { bfs } from "./bfs.ts";
 * import { spec, system } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const s = spec({
 *   name: "count",
 *   params: {},
 *   build: () => {
 *     const sys = system({ x: 0 });
 *     sys.process("p", { count: 3 }, (b) => [b.do("inc", ({ g }) => g.x++)]);
 *     return sys;
 *   },
 * });
 * const search = new CompactBfsSearch(s.compile(), { store: "fingerprint" });
 * while (!search.run(50)) { /* keep going *\/ }
 * const out = search.outcome();
 * assert.equal(out.states, bfs(s.compile()).states);
 * assert.ok(out.storeReport.omissionProbability < 1e-15);
 * ```
 */
export class CompactBfsSearch {
  readonly #model: Model;
  readonly #limits: CompactBfsOptions;
  readonly #store: Store;
  readonly #queue: StateQueue;
  readonly #sink: CompactSink;
  readonly #clock: EngineClock;
  #initial = 0;
  #head = 0;
  #levelEnd = 0;
  #depth = 0;
  #outcome: CompactOutcome | undefined;
  #stuck: { property: number; at: StateRef } | undefined;
  #reducer: Reducer | undefined;

  /**
   * Prepares the search: stores and checks the initial states.
   *
   * @param model The model to search.
   * @param options The store, limits and hooks.
   */
  constructor(model: Model, options: CompactBfsOptions = {}) {
    this.#model = model;
    this.#limits = options;
    this.#store = (options.store ?? "fingerprint") === "bitstate"
      ? new BitstateStore(
        model.width,
        options.bitstateBits ?? DEFAULT_BITSTATE_BITS,
        options.bitstateHashes ?? DEFAULT_BITSTATE_HASHES,
      )
      : new FingerprintStore(model.width, model.transitionCount, options.fingerprintBits ?? 64);
    this.#queue = new StateQueue(model.width);
    this.#sink = new CompactSink(
      this.#store,
      this.#queue,
      model,
      options.maxStates ?? Number.POSITIVE_INFINITY,
    );
    this.#clock = new EngineClock(options, options);
    if (options.reduction === "por") {
      const store = this.#store;
      const sink = this.#sink;
      sink.nextLevel = new ExactStore(model.width);
      // New, or stored during this level: expanded after the current state.
      this.#reducer = new Reducer(
        model,
        (next) => !store.has(next) || sink.nextLevel!.has(next),
      );
    }
    try {
      const initial = initialStates(model);
      this.#initial = initial.length;
      for (const s of initial) {
        if (this.#store.count >= this.#sink.maxStates) {
          this.#stop("max-states");
          return;
        }
        const idx = this.#store.insert(s, -1, -1);
        if (idx < 0) continue;
        this.#queue.push(s);
        if (this.#sink.found === undefined) {
          const p = model.check(s);
          if (p >= 0) {
            this.#sink.found = {
              property: p,
              at: { index: idx, state: s.slice(), depth: 0 },
              transition: -1,
            };
          }
        }
      }
    } catch (e) {
      this.#finish({ status: "error", error: { cause: e, at: undefined }, depth: 0 });
      return;
    }
    this.#levelEnd = this.#store.count;
    if (this.#sink.found !== undefined) this.#finish({ status: "violation", depth: 0 });
  }

  /**
   * Runs for about `millis` milliseconds (or to the end).
   *
   * @param millis The slice length; `Infinity` runs to the end.
   * @returns `true` when the search has finished.
   */
  run(millis: number = Number.POSITIVE_INFINITY): boolean {
    if (this.#outcome !== undefined) return true;
    if (this.#clock.stopRequested()) return this.#stop("interrupted");
    const sliceEnd = performance.now() + millis;
    const store = this.#store;
    const queue = this.#queue;
    const sink = this.#sink;
    const model = this.#model;
    const cur = sink.cur;
    const maxDepth = this.#limits.maxDepth ?? Number.POSITIVE_INFINITY;
    let tick = 0;
    try {
      while (true) {
        if (this.#head === this.#levelEnd) {
          if (sink.found !== undefined) return this.#violation();
          if (this.#head === store.count) return this.#finish({ status: "ok", depth: this.#depth });
          this.#depth++;
          this.#levelEnd = store.count;
          if (sink.nextLevel !== undefined) sink.nextLevel = new ExactStore(this.#model.width);
          if (this.#depth >= maxDepth) return this.#stop("max-depth");
        }
        const idx = this.#head++;
        queue.shift(cur);
        sink.parent = idx;
        sink.depth = this.#depth;
        const n = this.#reducer === undefined
          ? model.expand(cur, sink)
          : this.#reducer.expand(cur, sink);
        if (sink.full) return this.#stop("max-states");
        if (n === 0) {
          const p = model.stuck(cur);
          if (p >= 0) {
            this.#stuck = {
              property: p,
              at: { index: idx, state: cur.slice(), depth: this.#depth },
            };
            return this.#violation();
          }
        }
        if (sink.found !== undefined) sink.inserting = false;
        if ((++tick & 1023) === 0) {
          const polled = this.#clock.poll(sliceEnd, () => ({
            states: store.count,
            frontier: queue.length,
            depth: this.#depth,
          }));
          if (polled === "slice") return false;
          if (polled !== undefined) return this.#stop(polled);
        }
      }
    } catch (e) {
      return this.#finish({
        status: "error",
        error: {
          cause: e,
          at: { index: this.#head - 1, state: cur.slice(), depth: this.#depth },
        },
        depth: this.#depth,
      });
    }
  }

  #violation(): true {
    return this.#finish({ status: "violation", stuck: this.#stuck, depth: this.#depth });
  }

  #stop(reason: IncompleteReason): true {
    return this.#finish({ status: "incomplete", reason, depth: this.#depth });
  }

  #finish(end: End): true {
    this.#outcome = this.#outcomeOf(end);
    return true;
  }

  /** The path to a state: from the parent links, or rebuilt by a search (bitstate). */
  #path(at: StateRef): { init: number; transitions: number[] } | string {
    if (this.#store instanceof FingerprintStore) return this.#store.path(at.index);
    return rebuildPath(this.#model, at.state, at.depth, this.#clock);
  }

  #outcomeOf(end: End): CompactOutcome {
    const sink = this.#sink;
    let status = end.status;
    let reason = end.reason;
    let found: SearchOutcome["found"];
    let error: SearchOutcome["error"];
    /** A path that cannot be rebuilt turns the outcome into an error. */
    const failed = (why: string) => {
      status = "error";
      reason = undefined;
      found = undefined;
      error = { cause: new Error(why), init: 0, transitions: [] };
    };
    if (status === "violation") {
      const f = end.stuck !== undefined
        ? { property: end.stuck.property, at: end.stuck.at, transition: -1 }
        : sink.found;
      if (f !== undefined) {
        const path = this.#path(f.at);
        if (typeof path === "string") {
          const name = this.#model.properties[f.property]?.name ?? `#${f.property}`;
          failed(`a violation of '${name}' was found, but ${path}`);
        } else {
          if (f.transition >= 0) path.transitions.push(f.transition);
          const message = "message" in f ? f.message : undefined;
          found = {
            property: f.property,
            ...path,
            ...(message !== undefined ? { message } : {}),
          };
        }
      }
    }
    if (status === "error" && end.error !== undefined) {
      const at = end.error.at;
      const path = at === undefined ? { init: 0, transitions: [] } : this.#path(at);
      error = {
        cause: end.error.cause,
        ...(typeof path === "string" ? { init: 0, transitions: [] } : path),
      };
    }
    const bounded = status === "ok" && sink.bound !== undefined;
    let incomplete: SearchOutcome["incomplete"];
    if (bounded) {
      const b = sink.bound!;
      const path = this.#path(b.at);
      const message = `${b.message}: the states beyond it were not explored`;
      if (typeof path === "string") {
        incomplete = { reason: "bound", message };
      } else {
        path.transitions.push(b.transition);
        incomplete = {
          reason: "bound",
          message,
          found: {
            property: b.property,
            ...path,
            ...(b.message !== undefined ? { message: b.message } : {}),
          },
        };
      }
      status = "incomplete";
    } else if (status === "incomplete" && reason !== undefined) {
      incomplete = { reason, message: limitMessage(reason, this.#limits) };
    }
    return {
      status,
      ...(found !== undefined ? { found } : {}),
      ...(error !== undefined ? { error } : {}),
      ...(incomplete !== undefined ? { incomplete } : {}),
      states: this.#store.count,
      transitions: sink.transitions,
      depth: end.depth,
      seconds: this.#clock.seconds(),
      storeBytes: this.#store.bytes,
      peakMemoryBytes: this.#clock.peak(),
      ...(this.#reducer !== undefined ? { reduction: { ...this.#reducer.counts } } : {}),
      storeReport: this.#report(),
    };
  }

  #report(): StoreReport {
    const store = this.#store;
    const frontierPeakBytes = this.#queue.peakBytes;
    if (store instanceof FingerprintStore) {
      const actual = store.actualOmission();
      return {
        store: "fingerprint",
        omissionProbability: store.optimisticOmission(this.#initial + this.#sink.transitions),
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

  /** The outcome so far (final once {@linkcode CompactBfsSearch.run} returned `true`). */
  outcome(): CompactOutcome {
    return this.#outcome ??
      this.#outcomeOf({ status: "incomplete", reason: "interrupted", depth: this.#depth });
  }
}

/**
 * The shortest path from an initial state to `target`, by a breadth-first
 * search over a fingerprint store that expands levels 0 to `depth` - 1
 * (`target` was met at depth `depth`), or why there is none.
 */
function rebuildPath(
  model: Model,
  target: Int32Array,
  depth: number,
  clock: EngineClock,
): { init: number; transitions: number[] } | string {
  const width = model.width;
  const same = (s: Int32Array) => {
    for (let i = 0; i < width; i++) if (s[i] !== target[i]) return false;
    return true;
  };
  const store = new FingerprintStore(width, model.transitionCount);
  const queue = new StateQueue(width);
  for (const s of initialStates(model)) {
    const idx = store.insert(s, -1, -1);
    if (idx < 0) continue;
    if (same(s)) return store.path(idx);
    queue.push(s);
  }
  let hit = -1;
  let parent = -1;
  const sink: SuccessorSink = {
    push(next, transition) {
      const idx = store.insert(next, parent, transition);
      if (idx < 0) return true;
      if (same(next)) {
        hit = idx;
        return false;
      }
      queue.push(next);
      return true;
    },
    fail() {},
  };
  const cur = new Int32Array(width);
  let head = 0;
  let levelEnd = store.count;
  let level = 0;
  try {
    while (head < store.count && queue.length > 0) {
      if (head === levelEnd) {
        level++;
        levelEnd = store.count;
      }
      if (level >= depth) break;
      queue.shift(cur);
      parent = head++;
      model.expand(cur, sink);
      if (hit >= 0) return store.path(hit);
      if ((head & 1023) === 0 && (clock.stopRequested() || performance.now() >= clock.deadline)) {
        return "the search that rebuilds its trace was stopped (time limit or interruption)";
      }
    }
  } catch (e) {
    return `the search that rebuilds its trace failed: ${
      e instanceof Error ? e.message : String(e)
    }`;
  }
  return `the search that rebuilds its trace did not meet the state within ${depth} steps`;
}

/**
 * Runs a breadth-first search over the fingerprint or bitstate store to the
 * end (or to a limit).
 *
 * @param model The model.
 * @param options The store, limits and hooks.
 * @returns The raw outcome, with what the store may have missed.
 *
 * @example A bit array of 2^20 bits
 * ```ts
 * import { bfsCompact } from "./bfs_compact.ts";
 * import { spec, system } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const s = spec({
 *   name: "one",
 *   params: {},
 *   build: () => {
 *     const sys = system({ x: 0 });
 *     sys.process("p", {}, (b) => [b.do("inc", ({ g }) => g.x++)]);
 *     return sys;
 *   },
 * });
 * const out = bfsCompact(s.compile(), { store: "bitstate", bitstateBits: 20 });
 * assert.equal(out.status, "ok");
 * assert.ok(out.storeReport.coverage! > 0.999);
 * ```
 */
export function bfsCompact(model: Model, options: CompactBfsOptions = {}): CompactOutcome {
  const search = new CompactBfsSearch(model, options);
  search.run();
  return search.outcome();
}

/**
 * An engine that cannot run: its outcome is an error with `message` (a
 * combination of options no engine supports).
 */
export function unsupported(message: string): {
  run(millis?: number): boolean;
  outcome(): SearchOutcome;
} {
  const outcome: SearchOutcome = {
    status: "error",
    error: { cause: new Error(message), init: 0, transitions: [] },
    states: 0,
    transitions: 0,
    depth: 0,
    seconds: 0,
    storeBytes: 0,
    peakMemoryBytes: 0,
  };
  return { run: () => true, outcome: () => outcome };
}
