/**
 * Schedule files: a simulated counterexample as JSON, written by
 * `ipcspec simulate` and re-run step by step by `ipcspec replay`.
 *
 * ```json
 * {
 *   "ipcspec": "0.1.0",
 *   "specFile": "specs/pc_no_mutex.ts",
 *   "spec": "pc_no_mutex",
 *   "params": { "slots": 2, "producers": 2, "consumers": 1, "items": 1 },
 *   "schedule": [0, 1, 0],
 *   "transitions": [0, 6, 5],
 *   "property": "exactly once",
 *   "seed": 42,
 *   "path": "0:3:1",
 *   "maxSteps": 1000
 * }
 * ```
 *
 * `schedule` is what replays (step `i` fires `enabled[schedule[i] %
 * enabled.length]`); `transitions` records what it fired when written, so a
 * replay can tell that the spec has changed since. `seed`, `path` and
 * `maxSteps` rerun the simulation that found it.
 *
 * @module
 */

import denoConfig from "../deno.json" with { type: "json" };
import type { Model } from "../model/model.ts";
import { explainTrace } from "./explain.ts";
import type { Counterexample } from "./result.ts";
import { runSchedule, type ScheduleRun, type SimulationResult } from "./simulate.ts";

/**
 * The version of ipcspec, as written into schedule files.
 *
 * @example
 * ```ts
 * import { IPCSPEC_VERSION } from "./schedule_file.ts";
 * import assert from "node:assert/strict";
 *
 * assert.match(IPCSPEC_VERSION, /^\d+\.\d+\.\d+/);
 * ```
 */
export const IPCSPEC_VERSION: string = denoConfig.version;

/** A schedule file's contents. */
export interface ScheduleFile {
  /** The version of ipcspec that wrote it. */
  readonly ipcspec: string;
  /** The spec file, as named on the command line that wrote it. */
  readonly specFile: string;
  /** The spec's name within the file. */
  readonly spec: string;
  /** Every parameter's value. */
  readonly params: Readonly<Record<string, number | boolean>>;
  /** The schedule: indices into the enabled transitions, one per step. */
  readonly schedule: readonly number[];
  /** The transitions the schedule fired when the file was written. */
  readonly transitions: readonly number[];
  /** The property the run violated (`""` for none). */
  readonly property: string;
  /** The simulation's fast-check seed. */
  readonly seed?: number;
  /** The simulation's fast-check path. */
  readonly path?: string;
  /** The simulation's schedule length. */
  readonly maxSteps?: number;
}

/**
 * The schedule file for a simulation that found a violation (or a run that
 * threw), or `undefined` when it found nothing.
 *
 * @param r The simulation result.
 * @param specFile The spec file, as it should be named on a command line.
 * @returns The file's contents.
 *
 * @example
 * ```ts
 * import { scheduleFileOf } from "./schedule_file.ts";
 * import { simulate } from "./simulate.ts";
 * import { spec, system } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const s = spec({
 *   name: "s",
 *   params: {},
 *   build: () => {
 *     const sys = system({ x: 0 });
 *     sys.process("p", { count: 2 }, (b) => [b.do("inc", ({ g }) => g.x++)]);
 *     sys.always("x < 2", ({ g }) => g.x < 2);
 *     return sys;
 *   },
 * });
 * const file = scheduleFileOf(simulate(s, { seed: 1 }), "s.ts");
 * assert.equal(file?.property, "x < 2");
 * assert.equal(file?.schedule.length, 2);
 * ```
 */
export function scheduleFileOf(r: SimulationResult, specFile: string): ScheduleFile | undefined {
  if (r.schedule === undefined) return undefined;
  const cx = r.violation ?? r.error?.trace;
  return {
    ipcspec: IPCSPEC_VERSION,
    specFile,
    spec: r.spec,
    params: r.params,
    schedule: r.schedule,
    transitions: cx?.transitions ?? [],
    property: r.violation?.property ?? "",
    seed: r.seed,
    ...(r.path !== undefined ? { path: r.path } : {}),
    maxSteps: r.maxSteps,
  };
}

/**
 * A schedule file as JSON text.
 *
 * @param file The contents.
 * @returns The text, ending in a newline.
 *
 * @example
 * ```ts
 * import { formatScheduleFile, parseScheduleFile } from "./schedule_file.ts";
 * import assert from "node:assert/strict";
 *
 * const file = {
 *   ipcspec: "0.1.0", specFile: "s.ts", spec: "s", params: { n: 2 },
 *   schedule: [1, 0], transitions: [1, 0], property: "x < 2",
 * };
 * assert.deepEqual(parseScheduleFile(formatScheduleFile(file)), file);
 * ```
 */
export function formatScheduleFile(file: ScheduleFile): string {
  // Arrays of numbers on one line each: a schedule is read as a row.
  const text = JSON.stringify(file, null, 2).replace(
    /\[\s*(-?\d+(?:,\s*-?\d+)*)\s*\]/g,
    (_, list: string) => `[${list.split(/,\s*/).join(", ")}]`,
  );
  return `${text}\n`;
}

function isNaturals(v: unknown): v is number[] {
  return Array.isArray(v) && v.every((x) => Number.isInteger(x) && x >= 0);
}

/**
 * Reads a schedule file's text.
 *
 * @param text The JSON text.
 * @returns The contents, or why the text is not a schedule file.
 *
 * @example
 * ```ts
 * import { parseScheduleFile } from "./schedule_file.ts";
 * import assert from "node:assert/strict";
 *
 * assert.match(String(parseScheduleFile("{}")), /no 'ipcspec'/);
 * ```
 */
export function parseScheduleFile(text: string): ScheduleFile | string {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return `not JSON: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return "not a JSON object";
  const o = raw as Record<string, unknown>;
  for (const key of ["ipcspec", "specFile", "spec", "property"] as const) {
    if (typeof o[key] !== "string") return `no '${key}' (a string)`;
  }
  const params = o.params;
  if (
    typeof params !== "object" || params === null || Array.isArray(params) ||
    !Object.values(params).every((v) => typeof v === "number" || typeof v === "boolean")
  ) {
    return "no 'params' (an object of numbers and booleans)";
  }
  if (!isNaturals(o.schedule)) return "no 'schedule' (an array of naturals)";
  if (!isNaturals(o.transitions)) return "no 'transitions' (an array of naturals)";
  if (o.seed !== undefined && !Number.isInteger(o.seed)) return "'seed' must be an integer";
  if (o.path !== undefined && typeof o.path !== "string") return "'path' must be a string";
  if (o.maxSteps !== undefined && !(Number.isInteger(o.maxSteps) && (o.maxSteps as number) > 0)) {
    return "'maxSteps' must be a positive integer";
  }
  return {
    ipcspec: o.ipcspec as string,
    specFile: o.specFile as string,
    spec: o.spec as string,
    params: params as Record<string, number | boolean>,
    schedule: o.schedule,
    transitions: o.transitions,
    property: o.property as string,
    ...(o.seed !== undefined ? { seed: o.seed as number } : {}),
    ...(o.path !== undefined ? { path: o.path as string } : {}),
    ...(o.maxSteps !== undefined ? { maxSteps: o.maxSteps as number } : {}),
  };
}

/** What re-running a schedule file gives. */
export interface ScheduleReplay {
  /** The run of the file's schedule. */
  readonly run: ScheduleRun;
  /** The run as a story, or why it does not replay. */
  readonly story: Counterexample | string;
  /**
   * When the run fires other transitions than the file records, or ends in
   * another property: what differs (the spec changed since the file was
   * written).
   */
  readonly mismatch?: string;
}

/**
 * Re-runs a schedule file's schedule on a model compiled with the file's
 * parameters.
 *
 * @param model The model.
 * @param file The schedule file.
 * @returns The run, its story, and any difference from the file.
 *
 * @example
 * ```ts
 * import { replaySchedule } from "./schedule_file.ts";
 * import { spec, system } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const s = spec({
 *   name: "s",
 *   params: {},
 *   build: () => {
 *     const sys = system({ x: 0 });
 *     sys.process("p", { count: 2 }, (b) => [b.do("inc", ({ g }) => g.x++)]);
 *     sys.always("x < 2", ({ g }) => g.x < 2);
 *     return sys;
 *   },
 * });
 * const r = replaySchedule(s.compile(), {
 *   ipcspec: "0.1.0", specFile: "s.ts", spec: "s", params: {},
 *   schedule: [1, 0], transitions: [1, 0], property: "x < 2",
 * });
 * assert.equal(r.mismatch, undefined);
 * assert.equal(typeof r.story !== "string" && r.story.property, "x < 2");
 * ```
 */
export function replaySchedule(model: Model, file: ScheduleFile): ScheduleReplay {
  const run = runSchedule(model, file.schedule);
  const story = explainTrace(model, { init: 0, transitions: run.transitions });
  const got = run.transitions;
  const want = file.transitions;
  let mismatch: string | undefined;
  const step = got.findIndex((t, i) => t !== want[i]);
  if (step >= 0 || got.length !== want.length) {
    const at = step >= 0 ? step : Math.min(got.length, want.length);
    mismatch = `the run differs from the file at step ${at + 1}: it fires ${
      got[at] ?? "nothing"
    } where the file records ${want[at] ?? "nothing"}`;
  } else if ((run.property ?? "") !== file.property) {
    mismatch = `the run ends in ${
      run.property === undefined ? "no violation" : `a violation of '${run.property}'`
    } where the file records ${file.property === "" ? "none" : `'${file.property}'`}`;
  }
  return { run, story, ...(mismatch !== undefined ? { mismatch } : {}) };
}
