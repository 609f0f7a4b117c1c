// Private module: the time-sliced search loop every sequential engine runs
// in (bfs, dfs, the compact BFS), and the clock (deadline, time slices,
// progress reports) the parallel coordinator shares with them.
//
// An engine extends `SlicedSearch` and writes only its own loop (`slice`):
// the base class answers `run()` and `outcome()`, stops on a request,
// turns what the spec's code threw into an `error` end, and keeps the
// finished outcome.

import type { Model } from "../model/model.ts";
import {
  initialStates,
  type Progress,
  residentMemory,
  type SearchHooks,
  type SearchLimits,
  type SearchOutcome,
} from "./_search.ts";
import type { EngineEnd } from "./_search.ts";
import type { IncompleteReason } from "./result.ts";
import { Checkpointer, type Checkpointing } from "./_checkpoint.ts";

/** The wall clock of a search: the time limit, time slices and progress reports. */
export class EngineClock {
  readonly start: number = performance.now();
  readonly deadline: number;
  readonly #hooks: SearchHooks;
  #lastProgress: number = this.start;
  #peak: number = residentMemory();

  constructor(limits: SearchLimits, hooks: SearchHooks) {
    this.deadline = limits.timeSeconds !== undefined
      ? this.start + limits.timeSeconds * 1000
      : Number.POSITIVE_INFINITY;
    this.#hooks = hooks;
  }

  /** Whether the caller asked to stop. */
  stopRequested(): boolean {
    return this.#hooks.shouldStop?.() === true;
  }

  /**
   * The periodic check of a running search: a limit reached, or `"slice"`
   * when the current time slice is over, or nothing. Sends progress reports.
   */
  poll(
    sliceEnd: number,
    progress: () => Omit<Progress, "seconds" | "statesPerSecond" | "memoryBytes">,
  ): IncompleteReason | "slice" | undefined {
    const now = performance.now();
    if (now >= this.deadline) return "time";
    if (this.stopRequested()) return "interrupted";
    if (now - this.#lastProgress >= 1000) {
      this.#lastProgress = now;
      const mem = residentMemory();
      if (mem > this.#peak) this.#peak = mem;
      const seconds = (now - this.start) / 1000;
      const p = progress();
      this.#hooks.onProgress?.({
        ...p,
        seconds,
        statesPerSecond: seconds > 0 ? p.states / seconds : 0,
        memoryBytes: mem,
      });
    }
    return now >= sliceEnd ? "slice" : undefined;
  }

  /** The peak resident memory seen, sampled now once more. */
  peak(): number {
    const mem = residentMemory();
    if (mem > this.#peak) this.#peak = mem;
    return this.#peak;
  }

  /** Seconds since the start. */
  seconds(): number {
    return (performance.now() - this.start) / 1000;
  }
}

/**
 * A search that runs in slices, so a caller can keep an event loop alive
 * (progress, Ctrl-C) between them. `L` is how the engine names a state in
 * its findings; `O` its outcome.
 */
export abstract class SlicedSearch<L, O extends SearchOutcome = SearchOutcome> {
  protected readonly model: Model;
  protected readonly limits: SearchLimits & SearchHooks;
  protected readonly clock: EngineClock;
  /** The depth reached (the level being expanded, or the deepest state stored). */
  protected depth = 0;
  /** How many initial states the model has (duplicates included). */
  protected initialCount = 0;
  /**
   * Expansions between two polls: up to 1024 while expansions are fast, fewer
   * when the spec's code is slow, so that limits and stop requests are seen
   * within about 10 ms whatever an expansion costs.
   */
  protected pollEvery = 1;
  #lastPoll = performance.now();
  #outcome: O | undefined;
  /** When to checkpoint (engines that can implement `checkpoint`), and what to resume. */
  protected readonly checkpoints: Checkpointer;

  constructor(
    model: Model,
    options: SearchLimits & SearchHooks & { checkpointing?: Checkpointing | undefined },
  ) {
    this.model = model;
    this.limits = options;
    this.clock = new EngineClock(options, options);
    this.checkpoints = new Checkpointer(options.checkpointing);
  }

  /**
   * Saves a checkpoint through `cp`, between two expansions, if the engine
   * can (the default cannot). Called when one is due and when interrupted.
   */
  protected checkpoint(_cp: Checkpointing): void {}

  /**
   * Runs for about `millis` milliseconds (or to the end).
   *
   * @param millis The slice length; `Infinity` runs to the end.
   * @returns `true` when the search has finished.
   */
  run(millis: number = Number.POSITIVE_INFINITY): boolean {
    if (this.#outcome !== undefined) return true;
    if (this.clock.stopRequested()) return this.stop("interrupted");
    const sliceEnd = performance.now() + millis;
    try {
      return this.slice(sliceEnd);
    } catch (e) {
      return this.finish({
        status: "error",
        error: { cause: e, at: this.expanding() },
        depth: this.depth,
      });
    }
  }

  /** The outcome so far (final once `run` returned `true`). */
  outcome(): O {
    return this.#outcome ??
      this.build({ status: "incomplete", reason: "interrupted", depth: this.depth });
  }

  /** The engine's loop: expands states until `sliceEnd` (then `false`) or the end (`true`). */
  protected abstract slice(sliceEnd: number): boolean;

  /** Where the state being expanded is, when the spec's code threw. */
  protected abstract expanding(): L | undefined;

  /** The outcome of an end. */
  protected abstract build(end: EngineEnd<L>): O;

  /**
   * Stores the initial states through `insert` (false: the state limit is
   * reached). Returns whether the search goes on: it has finished when they
   * did not fit, when the spec's code threw, or when `violated()` says one
   * of them breaks an invariant.
   */
  protected storeInitial(insert: (s: Int32Array) => boolean, violated: () => boolean): boolean {
    try {
      const initial = initialStates(this.model);
      this.initialCount = initial.length;
      for (const s of initial) {
        if (!insert(s)) {
          this.stop("max-states");
          return false;
        }
      }
    } catch (e) {
      this.finish({ status: "error", error: { cause: e, at: undefined }, depth: 0 });
      return false;
    }
    if (violated()) {
      this.finish({ status: "violation", depth: 0 });
      return false;
    }
    return true;
  }

  /**
   * The periodic check of `slice`: `false` when the slice is over, `true`
   * when a limit ended the search, `undefined` to go on.
   */
  protected poll(
    sliceEnd: number,
    states: number,
    frontier: number,
  ): boolean | undefined {
    const now = performance.now();
    const since = now - this.#lastPoll;
    this.#lastPoll = now;
    if (since > 10) this.pollEvery = Math.max(1, this.pollEvery >> 2);
    else if (since < 2 && this.pollEvery < 1024) this.pollEvery *= 2;
    const polled = this.clock.poll(sliceEnd, () => ({ states, frontier, depth: this.depth }));
    if (polled !== undefined && polled !== "slice") return this.stop(polled);
    this.checkpoints.take(false, (cp) => this.checkpoint(cp));
    return polled === "slice" ? false : undefined;
  }

  protected finish(end: EngineEnd<L>): true {
    this.#outcome = this.build(end);
    return true;
  }

  protected stop(reason: IncompleteReason): true {
    if (reason === "interrupted" || reason === "time") {
      this.checkpoints.take(true, (cp) => this.checkpoint(cp));
    }
    return this.finish({ status: "incomplete", reason, depth: this.depth });
  }
}
