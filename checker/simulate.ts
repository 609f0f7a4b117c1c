/**
 * Random simulation with shrinkable schedules, for configurations too large
 * to search exhaustively.
 *
 * A schedule is an array of naturals: step `i` fires
 * `enabled[schedule[i] % enabled.length]` of the current state (in the order
 * of {@linkcode Model.enabled}). fast-check generates schedules
 * (`fc.array(fc.nat())`, as long as `maxSteps`), walks each from the initial
 * state, and on a violation shrinks the schedule: first to the prefix the
 * run used, then toward fewer steps (dropping a block of one process's
 * steps, or one step), then toward fewer context switches (moving a block
 * next to another block of the same process). The result replays exactly
 * from its seed and fast-check path.
 *
 * @module
 */

import type { Checkable, Model } from "../model/model.ts";
import type { ParamInput } from "../model/types.ts";
import { contextSwitches, nothingFound, processTable, randomRuns, walk } from "./_schedule.ts";
import { errorMessage } from "./_search.ts";
import { explainTrace } from "./explain.ts";
import type { Counterexample } from "./result.ts";

/** How a schedule run ended. */
export type ScheduleEnd = "violation" | "end" | "exhausted" | "error";

/** What running one schedule gives: see {@linkcode runSchedule}. */
export interface ScheduleRun {
  /**
   * `violation`: a property failed; `end`: a valid end state (nothing
   * enabled, nothing violated); `exhausted`: the schedule was used up with
   * transitions still enabled; `error`: the spec's own code threw.
   */
  readonly end: ScheduleEnd;
  /** The transitions fired, in order; for a failing transition, the failing one is last. */
  readonly transitions: readonly number[];
  /** The schedule actually used, each entry reduced to an index into `enabled`. */
  readonly schedule: readonly number[];
  /** The violated property's name, when `end` is `violation`. */
  readonly property?: string;
  /** The error, when `end` is `error`. */
  readonly error?: string;
}

/**
 * Runs one schedule from the model's first initial state. The run stops at
 * the first violation (an invariant, a failing transition, a deadlock or a
 * final property), at a valid end, or when the schedule is used up.
 *
 * @param model The model.
 * @param schedule Naturals: step `i` fires `enabled[schedule[i] % enabled.length]`.
 * @returns How the run ended, and the transitions it fired.
 *
 * @example Two increments, the second process first
 * ```ts
 * import { runSchedule } from "./simulate.ts";
 * import { spec, system } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const s = spec({
 *   name: "two",
 *   params: {},
 *   build: () => {
 *     const sys = system({ x: 0 });
 *     sys.process("p", { count: 2 }, (b) => [b.do("inc", ({ g }) => g.x++)]);
 *     return sys;
 *   },
 * });
 * const model = s.compile();
 * const run = runSchedule(model, [7, 0]);
 * assert.equal(run.end, "end");
 * assert.deepEqual(run.schedule, [1, 0]);
 * assert.deepEqual(run.transitions.map((t) => model.explanation!.describe(t).process), ["p#1", "p#0"]);
 * ```
 */
export function runSchedule(model: Model, schedule: readonly number[]): ScheduleRun {
  const w = walk(model, 0, schedule);
  const property = w.property >= 0 ? model.properties[w.property]?.name : undefined;
  return {
    end: w.end,
    transitions: w.transitions,
    schedule: w.schedule,
    ...(property !== undefined ? { property } : {}),
    ...(w.error !== undefined ? { error: w.error } : {}),
  };
}

/** Options of {@linkcode simulate}. */
export interface SimulateOptions {
  /** Parameter overrides (numbers, booleans, or their text). */
  params?: ParamInput;
  /** Random schedules to try before giving up (default 1000). */
  runs?: number;
  /** The length of each generated schedule, i.e. the most steps of a run (default 1000). */
  maxSteps?: number;
  /** fast-check's seed (default: random); the result reports the one used. */
  seed?: number;
  /** fast-check's path to a counterexample, from an earlier result; needs `seed`. */
  path?: string;
  /** Stop generating (or shrinking) after this many seconds. */
  timeSeconds?: number;
  /** Polled before each random run: `true` stops generating (the verdict is then `incomplete`). */
  shouldStop?: () => boolean;
}

/** The outcome class of a simulation; a simulation never proves a spec correct. */
export type SimulationVerdict = "violation" | "incomplete" | "error";

/** The result of {@linkcode simulate}, as plain data. */
export interface SimulationResult {
  /** The spec's name. */
  readonly spec: string;
  /** The parameter values simulated. */
  readonly params: Readonly<Record<string, number | boolean>>;
  /**
   * `violation`: a schedule breaks a property; `incomplete`: no schedule
   * did (which proves nothing); `error`: the spec could not be built, or
   * its code threw during a run.
   */
  readonly verdict: SimulationVerdict;
  /** The shrunk counterexample, replayed and explained, when the verdict is `violation`. */
  readonly violation?: Counterexample;
  /** The shrunk schedule (indices into `enabled`), for `violation` and for a run that threw. */
  readonly schedule?: readonly number[];
  /** The error, when the verdict is `error`, with the steps up to it when a run threw. */
  readonly error?: { readonly message: string; readonly trace?: Counterexample };
  /** Why nothing was found, when the verdict is `incomplete`. */
  readonly incomplete?: { readonly message: string };
  /** fast-check's seed. */
  readonly seed: number;
  /** fast-check's path to the shrunk counterexample (with `seed`, reproduces it). */
  readonly path?: string;
  /** The most steps of a run. */
  readonly maxSteps: number;
  /** Random schedules generated before the first failure (all of them when none failed). */
  readonly runs: number;
  /** The length of the first failing run, before shrinking. */
  readonly firstLength?: number;
  /** Successful shrink steps. */
  readonly shrinks: number;
  /** Context switches of the shrunk schedule. */
  readonly contextSwitches?: number;
  /** Schedules walked in all (generation and shrinking) and the steps they took. */
  readonly walks: { readonly count: number; readonly steps: number };
  /** Wall time, in seconds. */
  readonly seconds: number;
}

function randomSeed(): number {
  return (Date.now() ^ (Math.random() * 0x100000000)) | 0;
}

/**
 * Simulates a spec on random schedules and shrinks the first one that
 * breaks a property. Never throws for a bad spec: that is the verdict
 * `error`.
 *
 * @param target A spec or a model.
 * @param options Parameters, the number and length of runs, seed and path.
 * @returns The result.
 *
 * @example A lost update, shrunk to its four steps
 * ```ts
 * import { simulate } from "./simulate.ts";
 * import { spec, system } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const racy = spec({
 *   name: "racy",
 *   params: {},
 *   build: () => {
 *     const sys = system({ n: 0 });
 *     sys.process("inc", { count: 2, locals: { t: 0 } }, (s) => [
 *       s.do("read", ({ g, l }) => { l.t = g.n; }),
 *       s.do("write", ({ g, l }) => { g.n = l.t + 1; }),
 *     ]);
 *     sys.atEnd("no lost update", ({ g }) => g.n === 2);
 *     return sys;
 *   },
 * });
 * const r = simulate(racy, { seed: 1, maxSteps: 20 });
 * assert.equal(r.verdict, "violation");
 * assert.equal(r.violation?.property, "no lost update");
 * assert.equal(r.schedule?.length, 4);
 * assert.equal(r.contextSwitches, 2); // read, read and write, write
 * // The seed and the path give back the same schedule.
 * const again = simulate(racy, { seed: r.seed, path: r.path!, maxSteps: 20 });
 * assert.deepEqual(again.schedule, r.schedule);
 * ```
 */
export function simulate(
  target: Model | Checkable,
  options: SimulateOptions = {},
): SimulationResult {
  const start = performance.now();
  const seconds = () => (performance.now() - start) / 1000;
  const seed = options.seed ?? randomSeed();
  const maxSteps = options.maxSteps ?? 1000;
  const base = { seed, maxSteps, shrinks: 0 };
  let model: Model;
  let params: Readonly<Record<string, number | boolean>> = {};
  try {
    if ("compile" in target) {
      params = target.resolve(options.params ?? {});
      model = target.compile(options.params ?? {});
    } else {
      model = target;
    }
  } catch (e) {
    return {
      ...base,
      spec: target.name,
      params,
      verdict: "error",
      error: { message: errorMessage(e) },
      runs: 0,
      walks: { count: 0, steps: 0 },
      seconds: seconds(),
    };
  }
  const run = randomRuns(model, { ...options, seed, maxSteps });
  const common = {
    spec: model.name,
    params,
    seed: run.details.seed,
    maxSteps,
    runs: run.details.numRuns,
    shrinks: run.details.numShrinks,
    walks: run.walks,
  };
  const counterexample = run.details.counterexample?.[0];
  if (!run.details.failed || counterexample === undefined) {
    return { ...common, verdict: "incomplete", incomplete: nothingFound(run), seconds: seconds() };
  }
  const w = walk(model, 0, counterexample);
  const story = explainTrace(model, { init: 0, transitions: w.transitions });
  const path = run.details.counterexamplePath;
  const shrunk = {
    ...common,
    ...(path !== null ? { path } : {}),
    ...(run.firstLength !== undefined ? { firstLength: run.firstLength } : {}),
    schedule: w.schedule,
    contextSwitches: contextSwitches(processTable(model), w.transitions),
  };
  if (w.end === "error" || typeof story === "string") {
    const message = w.error ?? (typeof story === "string" ? story : "unknown error");
    return {
      ...shrunk,
      verdict: "error",
      error: { message, ...(typeof story !== "string" ? { trace: story } : {}) },
      seconds: seconds(),
    };
  }
  return { ...shrunk, verdict: "violation", violation: story, seconds: seconds() };
}
