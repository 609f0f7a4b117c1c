/**
 * Breadth-first search over an exact state store: the default engine, and
 * the one whose counterexamples are shortest.
 *
 * States are stored in discovery order, so the store itself is the BFS
 * queue: the search expands state `head`, `head + 1`, ... and a level ends
 * where the store ended when the level began. When a violation is found
 * while expanding level d (an invariant of a new state or a failing
 * transition: a trace of length d + 1), the rest of level d is still
 * scanned for deadlocks (length d), so the reported trace is the shortest
 * over all properties.
 *
 * @module
 */

import type { Model, SuccessorSink } from "../model/model.ts";
import {
  type Found,
  initialStates,
  limitMessage,
  type Progress,
  residentMemory,
  type SearchHooks,
  type SearchLimits,
  type SearchOutcome,
} from "./_search.ts";
import { ExactStore } from "./_store.ts";
import type { IncompleteReason } from "./result.ts";

/** Options of {@linkcode bfs} and {@linkcode BfsSearch}. */
export interface BfsOptions extends SearchLimits, SearchHooks {}

class InsertSink implements SuccessorSink {
  readonly store: ExactStore;
  readonly model: Model;
  readonly maxStates: number;
  parent = -1;
  inserting = true;
  transitions = 0;
  full = false;
  found: { property: number; state: number; transition: number; message?: string } | undefined;
  bound: { property: number; state: number; transition: number; message: string } | undefined;

  constructor(store: ExactStore, model: Model, maxStates: number) {
    this.store = store;
    this.model = model;
    this.maxStates = maxStates;
  }

  push(next: Int32Array, transition: number): boolean {
    this.transitions++;
    if (!this.inserting) return true;
    if (this.store.count >= this.maxStates) {
      // Not stored: only a new state would exceed the limit.
      if (!this.store.has(next)) {
        this.full = true;
        return false;
      }
      return true;
    }
    const idx = this.store.insert(next, this.parent, transition);
    if (idx >= 0) {
      const p = this.model.check(next);
      if (p >= 0 && this.found === undefined) {
        this.found = { property: p, state: idx, transition: -1 };
        this.inserting = false;
      }
    }
    return true;
  }

  fail(property: number, transition: number, message: string): void {
    if (this.model.properties[property]?.kind === "bound") {
      // Not a violation: the successor is cut, the search goes on, and the
      // verdict can no longer be ok.
      this.bound ??= { property, state: this.parent, transition, message };
      return;
    }
    if (this.found === undefined) {
      this.found = { property, state: this.parent, transition, message };
      this.inserting = false;
    }
  }
}

/**
 * A breadth-first search that can run in slices, so a caller can keep an
 * event loop alive (progress, Ctrl-C) between them.
 *
 * @example
 * ```ts
 * import { BfsSearch } from "./bfs.ts";
 * import { spec, system } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const s = spec({
 *   name: "count",
 *   params: {},
 *   build: () => {
 *     const sys = system({ x: 0 });
 *     sys.process("p", { count: 2 }, (b) => [b.do("inc", ({ g }) => g.x++)]);
 *     return sys;
 *   },
 * });
 * const search = new BfsSearch(s.compile());
 * while (!search.run(50)) { /* keep going *\/ }
 * assert.equal(search.outcome().states, 4);
 * ```
 */
export class BfsSearch {
  readonly #model: Model;
  readonly #limits: BfsOptions;
  readonly #store: ExactStore;
  readonly #sink: InsertSink;
  readonly #cur: Int32Array;
  readonly #start = performance.now();
  #head = 0;
  #levelEnd = 0;
  #depth = 0;
  #done = false;
  #outcome: SearchOutcome | undefined;
  #peak = 0;
  #lastProgress = performance.now();
  #lastError: { cause: unknown; state: number } | undefined;
  /** Set once a violation is found: the level is finished for deadlocks only. */
  #finishing = false;
  #deadlockFound: { property: number; state: number } | undefined;

  /**
   * Prepares the search: stores and checks the initial states.
   *
   * @param model The model to search.
   * @param options Limits and hooks.
   */
  constructor(model: Model, options: BfsOptions = {}) {
    this.#model = model;
    this.#limits = options;
    this.#store = new ExactStore(model.width);
    this.#sink = new InsertSink(this.#store, model, options.maxStates ?? Number.POSITIVE_INFINITY);
    this.#cur = new Int32Array(model.width);
    this.#peak = residentMemory();
    try {
      for (const s of initialStates(model)) {
        if (this.#store.count >= (options.maxStates ?? Infinity)) {
          this.#finish("incomplete", "max-states");
          return;
        }
        const idx = this.#store.insert(s, -1, -1);
        if (idx >= 0 && this.#sink.found === undefined) {
          const p = model.check(s);
          if (p >= 0) this.#sink.found = { property: p, state: idx, transition: -1 };
        }
      }
    } catch (e) {
      this.#lastError = { cause: e, state: -1 };
      this.#finish("error");
      return;
    }
    this.#levelEnd = this.#store.count;
    if (this.#sink.found !== undefined) this.#finish("violation");
  }

  /**
   * Runs for about `millis` milliseconds (or to the end).
   *
   * @param millis The slice length; `Infinity` runs to the end.
   * @returns `true` when the search has finished.
   */
  run(millis: number = Number.POSITIVE_INFINITY): boolean {
    if (this.#done) return true;
    const sliceEnd = performance.now() + millis;
    const deadline = this.#limits.timeSeconds !== undefined
      ? this.#start + this.#limits.timeSeconds * 1000
      : Number.POSITIVE_INFINITY;
    const store = this.#store;
    const sink = this.#sink;
    const model = this.#model;
    const cur = this.#cur;
    const maxDepth = this.#limits.maxDepth ?? Number.POSITIVE_INFINITY;
    let tick = 0;
    if (this.#limits.shouldStop?.() === true) return this.#finish("incomplete", "interrupted");
    try {
      while (true) {
        if (this.#head === this.#levelEnd) {
          if (sink.found !== undefined || this.#deadlockFound !== undefined) {
            return this.#finish("violation");
          }
          if (this.#head === store.count) {
            return sink.bound !== undefined
              ? this.#finish("incomplete", "bound")
              : this.#finish("ok");
          }
          this.#depth++;
          this.#levelEnd = store.count;
          if (this.#depth >= maxDepth) return this.#finish("incomplete", "max-depth");
        }
        const idx = this.#head++;
        store.read(idx, cur);
        sink.parent = idx;
        const n = model.expand(cur, sink);
        if (sink.full) return this.#finish("incomplete", "max-states");
        if (n === 0 && this.#deadlockFound === undefined) {
          const p = model.stuck(cur);
          if (p >= 0) {
            this.#deadlockFound = { property: p, state: idx };
            return this.#finish("violation");
          }
        }
        if (sink.found !== undefined) sink.inserting = false;
        if ((++tick & 1023) === 0) {
          const now = performance.now();
          if (now >= deadline) return this.#finish("incomplete", "time");
          if (this.#limits.shouldStop?.() === true) {
            return this.#finish("incomplete", "interrupted");
          }
          if (now - this.#lastProgress >= 1000) this.#progress(now);
          if (now >= sliceEnd) return false;
        }
      }
    } catch (e) {
      this.#lastError = { cause: e, state: this.#head - 1 };
      return this.#finish("error");
    }
  }

  #progress(now: number): void {
    this.#lastProgress = now;
    const mem = residentMemory();
    if (mem > this.#peak) this.#peak = mem;
    const seconds = (now - this.#start) / 1000;
    const p: Progress = {
      states: this.#store.count,
      frontier: this.#store.count - this.#head,
      depth: this.#depth,
      seconds,
      statesPerSecond: seconds > 0 ? this.#store.count / seconds : 0,
      memoryBytes: mem,
    };
    this.#limits.onProgress?.(p);
  }

  #finish(status: SearchOutcome["status"], reason?: IncompleteReason): true {
    this.#done = true;
    const mem = residentMemory();
    if (mem > this.#peak) this.#peak = mem;
    const store = this.#store;
    let found: Found | undefined;
    let error: SearchOutcome["error"];
    if (status === "violation") {
      // Prefer the deadlock of level d (trace length d) over a violation
      // found while expanding level d (length d + 1).
      const dl = this.#deadlockFound;
      const f = this.#sink.found;
      if (dl !== undefined) {
        found = { property: dl.property, ...store.path(dl.state) };
      } else if (f !== undefined) {
        const path = store.path(f.state);
        if (f.transition >= 0) path.transitions.push(f.transition);
        found = {
          property: f.property,
          ...path,
          ...(f.message !== undefined ? { message: f.message } : {}),
        };
      }
    }
    if (status === "error" && this.#lastError !== undefined) {
      const st = this.#lastError.state;
      error = {
        cause: this.#lastError.cause,
        ...(st >= 0 ? store.path(st) : { init: 0, transitions: [] }),
      };
    }
    this.#outcome = {
      status,
      ...(found !== undefined ? { found } : {}),
      ...(error !== undefined ? { error } : {}),
      ...(reason !== undefined ? { incomplete: this.#incomplete(reason) } : {}),
      states: store.count,
      transitions: this.#sink.transitions,
      depth: this.#depth,
      seconds: (performance.now() - this.#start) / 1000,
      storeBytes: store.bytes,
      peakMemoryBytes: this.#peak,
    };
    return true;
  }

  #incomplete(reason: IncompleteReason): NonNullable<SearchOutcome["incomplete"]> {
    const b = this.#sink.bound;
    if (reason !== "bound" || b === undefined) {
      return { reason, message: limitMessage(reason, this.#limits) };
    }
    const path = this.#store.path(b.state);
    path.transitions.push(b.transition);
    return {
      reason,
      message: `${b.message}: the states beyond it were not explored`,
      found: { property: b.property, ...path, message: b.message },
    };
  }

  /** The outcome so far (final once {@linkcode BfsSearch.run} returned `true`). */
  outcome(): SearchOutcome {
    if (this.#outcome !== undefined) return this.#outcome;
    return {
      status: "incomplete",
      incomplete: { reason: "interrupted", message: limitMessage("interrupted", this.#limits) },
      states: this.#store.count,
      transitions: this.#sink.transitions,
      depth: this.#depth,
      seconds: (performance.now() - this.#start) / 1000,
      storeBytes: this.#store.bytes,
      peakMemoryBytes: this.#peak,
    };
  }
}

/**
 * Runs a breadth-first search to the end (or to a limit).
 *
 * @param model The model.
 * @param options Limits and hooks.
 * @returns The raw outcome.
 *
 * @example
 * ```ts
 * import { bfs } from "./bfs.ts";
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
 * assert.equal(bfs(s.compile()).status, "ok");
 * ```
 */
export function bfs(model: Model, options: BfsOptions = {}): SearchOutcome {
  const search = new BfsSearch(model, options);
  search.run();
  return search.outcome();
}
