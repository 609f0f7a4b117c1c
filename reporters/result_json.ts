/**
 * The JSON result, version 1: one document per CLI run, whatever the
 * command, described by the JSON Schema `reporters/result.schema.json`
 * (see docs/json.md). Numbers are JSON numbers, states are structured
 * objects next to their printed form, and `schemaVersion` changes only
 * when a field changes meaning or goes away.
 *
 * Pure functions of result data: the caller passes what needs a model
 * (the structured states of a trace) as callbacks.
 *
 * @module
 */

import type { CheckResult, Counterexample, Stats, Verdict } from "../checker/result.ts";
import type { CoverageReport } from "../checker/coverage.ts";
import type { SweepResult } from "../checker/sweep.ts";
import type { SimulationResult } from "../checker/simulate.ts";
import type { SwarmJobResult, SwarmResult } from "../checker/swarm.ts";
import { formatTrace } from "../checker/replay.ts";
import type { StateData } from "../checker/result.ts";
import { IPCSPEC_VERSION as VERSION } from "../checker/schedule_file.ts";

/**
 * The version of the JSON result documents this module writes (the
 * `schemaVersion` of every document).
 *
 * @example
 * ```ts
 * import { jsonDocument, SCHEMA_VERSION } from "./result_json.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(jsonDocument({ command: "version" }, 0).schemaVersion, SCHEMA_VERSION);
 * ```
 */
export const SCHEMA_VERSION = 1;

/** A state: always its printed form; the structured parts when the model gave them. */
export type StateJson = { readonly printed: string } | StateData;

/** One step of a counterexample. */
export interface StepJson {
  /** 1 for the first step. */
  readonly index: number;
  /** The transition number (what replay needs). */
  readonly transition: number;
  /** The process that moves, `kind#id`. */
  readonly process: string;
  /** The label or step name. */
  readonly step: string;
  /** The operation, e.g. `wait(empty)`. */
  readonly operation: string;
  /** Where the step was written, `file:line:col`. */
  readonly source?: string;
  /** What the step changed, printed. */
  readonly changes: readonly {
    readonly name: string;
    readonly before: string;
    readonly after: string;
  }[];
}

/** A counterexample (or the path to an error or a bound). */
export interface CounterexampleJson {
  /** The failed property ("" for a path that violates nothing). */
  readonly property: string;
  /** Its kind. */
  readonly kind: string;
  /** What went wrong, in words. */
  readonly message: string;
  /** The trace as `--replay` reads it, e.g. `0:3,1,4`. */
  readonly trace: string;
  /** Index of the initial state. */
  readonly init: number;
  /** The transition numbers. */
  readonly transitions: readonly number[];
  /** The steps as a story. */
  readonly steps: readonly StepJson[];
  /** For a deadlock: who waits on what, holding what. */
  readonly blocked?: readonly {
    readonly process: string;
    readonly step: string;
    readonly waitsOn: readonly string[];
    readonly holds: readonly string[];
  }[];
  /** For a lasso: the index in `steps` (from 0) where the cycle starts. */
  readonly loopStart?: number;
  /** The last state. */
  readonly state: StateJson;
  /** Every state of the path, the initial one first (when the model was at hand). */
  readonly states?: readonly StateJson[];
  /** The shell command that replays this trace. */
  readonly replay?: string;
}

/** The statistics of a run: every count a number. */
export type StatsJson = Stats;

/** One spec checked at one parameter setting. */
export interface CheckResultJson {
  /** The spec's name. */
  readonly spec: string;
  /** The file it came from. */
  readonly file?: string;
  /** The parameter values checked. */
  readonly params: Readonly<Record<string, number | boolean>>;
  /** The verdict. */
  readonly verdict: Verdict;
  /** With `--expect`: the declared verdict and whether the result meets it. */
  readonly expected?: { readonly verdict: string; readonly met: boolean };
  /** The counterexample, for `violation`. */
  readonly violation?: CounterexampleJson;
  /** The error, for `error`. */
  readonly error?: { readonly message: string; readonly trace?: CounterexampleJson };
  /** Why the run stopped, for `incomplete`. */
  readonly incomplete?: {
    readonly reason: string;
    readonly message: string;
    readonly trace?: CounterexampleJson;
  };
  /** What the run covered. */
  readonly stats: StatsJson;
  /** With `--coverage`: the blocking steps and triggers reached. */
  readonly coverage?: CoverageReport & { readonly unreached: number };
}

/** What a result's JSON form needs besides the result. */
export interface ResultJsonOptions {
  /** The spec file. */
  readonly file?: string;
  /** Every state of a counterexample's path, structured (from the model). */
  readonly states?: (cx: Counterexample) => readonly StateJson[] | undefined;
  /** The shell command that replays a trace given as `init:t1,t2`. */
  readonly replay?: (trace: string) => string;
  /** The declared verdict and whether it is met. */
  readonly expected?: { readonly verdict: string; readonly met: boolean };
  /** The coverage report. */
  readonly coverage?: CoverageReport;
}

/**
 * A counterexample as JSON.
 *
 * @param cx The counterexample.
 * @param options Structured states and the replay command, when known.
 * @returns The JSON value.
 *
 * @example
 * ```ts
 * import { counterexampleJson } from "./result_json.ts";
 * import assert from "node:assert/strict";
 *
 * const j = counterexampleJson({
 *   property: "deadlock", kind: "deadlock", message: "deadlock", init: 0,
 *   transitions: [2], steps: [{ transition: 2, process: "p#0", step: "s", operation: "s",
 *     changes: [] }], state: "p#0@end",
 * });
 * assert.equal(j.trace, "0:2");
 * assert.deepEqual(j.state, { printed: "p#0@end" });
 * ```
 */
export function counterexampleJson(
  cx: Counterexample,
  options: Pick<ResultJsonOptions, "states" | "replay"> = {},
): CounterexampleJson {
  const trace = formatTrace({ init: cx.init, transitions: cx.transitions });
  const states = options.states?.(cx);
  const last = states?.[states.length - 1];
  return {
    property: cx.property,
    kind: cx.kind,
    message: cx.message,
    trace,
    init: cx.init,
    transitions: [...cx.transitions],
    steps: cx.steps.map((s, i) => ({
      index: i + 1,
      transition: s.transition,
      process: s.process,
      step: s.step,
      operation: s.operation,
      ...(s.source !== undefined ? { source: s.source } : {}),
      changes: s.changes.map((c) => ({ name: c.name, before: c.before, after: c.after })),
    })),
    ...(cx.blocked !== undefined
      ? {
        blocked: cx.blocked.map((b) => ({
          process: b.process,
          step: b.step,
          waitsOn: [...b.waitsOn],
          holds: [...b.holds],
        })),
      }
      : {}),
    ...(cx.loopStart !== undefined ? { loopStart: cx.loopStart } : {}),
    state: last !== undefined && last.printed === cx.state ? last : { printed: cx.state },
    ...(states !== undefined ? { states } : {}),
    ...(options.replay !== undefined ? { replay: options.replay(trace) } : {}),
  };
}

/**
 * A check result as JSON.
 *
 * @param r The result.
 * @param options The file, structured states, replay command, expectation, coverage.
 * @returns The JSON value.
 *
 * @example
 * ```ts
 * import { checkResultJson } from "./result_json.ts";
 * import { check, spec, system } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const s = spec({
 *   name: "s",
 *   params: { n: 2 },
 *   build: () => {
 *     const sys = system({ x: 0 });
 *     sys.process("p", {}, (b) => [b.do("inc", ({ g }) => g.x++)]);
 *     return sys;
 *   },
 * });
 * const j = checkResultJson(check(s), { file: "s.ts" });
 * assert.equal(j.verdict, "ok");
 * assert.equal(typeof j.stats.states, "number");
 * assert.deepEqual(j.params, { n: 2 });
 * ```
 */
export function checkResultJson(r: CheckResult, options: ResultJsonOptions = {}): CheckResultJson {
  const cx = (c: Counterexample) => counterexampleJson(c, options);
  const cov = options.coverage;
  return {
    spec: r.spec,
    ...(options.file !== undefined ? { file: options.file } : {}),
    params: { ...r.params },
    verdict: r.verdict,
    ...(options.expected !== undefined ? { expected: options.expected } : {}),
    ...(r.violation !== undefined ? { violation: cx(r.violation) } : {}),
    ...(r.error !== undefined
      ? {
        error: {
          message: r.error.message,
          ...(r.error.trace !== undefined ? { trace: cx(r.error.trace) } : {}),
        },
      }
      : {}),
    ...(r.incomplete !== undefined
      ? {
        incomplete: {
          reason: r.incomplete.reason,
          message: r.incomplete.message,
          ...(r.incomplete.trace !== undefined ? { trace: cx(r.incomplete.trace) } : {}),
        },
      }
      : {}),
    stats: r.stats,
    ...(cov !== undefined
      ? {
        coverage: {
          ...cov,
          unreached: cov.blocking.filter((b) => !b.reached).length +
            cov.triggers.filter((t) => !t.reached).length,
        },
      }
      : {}),
  };
}

/** The tool that wrote a document. */
export interface ToolJson {
  /** Always `ipcspec`. */
  readonly name: "ipcspec";
  /** Its version. */
  readonly version: string;
}

/** The fields every document has. */
export interface DocumentBase {
  /** The version of this format: {@linkcode SCHEMA_VERSION}. */
  readonly schemaVersion: typeof SCHEMA_VERSION;
  /** Who wrote it. */
  readonly tool: ToolJson;
  /** The process exit code the run ends with. */
  readonly exitCode: number;
}

/** `check` (and `check --expect`). */
export interface CheckDocument extends DocumentBase {
  /** The command. */
  readonly command: "check";
  /** One result per spec checked, in order. */
  readonly results: readonly CheckResultJson[];
  /** With `--expect`: how many specs met their declared verdict. */
  readonly expect?: { readonly met: number; readonly total: number };
  /** Whether Ctrl-C stopped the run before every spec was checked. */
  readonly interrupted?: boolean;
}

/** `list`. */
export interface ListDocument extends DocumentBase {
  /** The command. */
  readonly command: "list";
  /** The specs found. */
  readonly specs: readonly {
    readonly name: string;
    readonly file: string;
    readonly params: Readonly<Record<string, number | boolean>>;
    readonly expects: string;
    readonly description: string;
  }[];
}

/** `replay` of a schedule or ITF file, and `check --replay`. */
export interface ReplayDocument extends DocumentBase {
  /** The command. */
  readonly command: "replay";
  /** What was replayed and how it ended. */
  readonly replay: {
    readonly spec: string;
    readonly file?: string;
    readonly params: Readonly<Record<string, number | boolean>>;
    /** Where the trace came from: a `--replay` argument, a schedule file, an ITF file. */
    readonly source: "trace" | "schedule" | "itf";
    /**
     * `violation`: the path ends in a violation; `cycle`: it returns to an
     * earlier state (a liveness lasso); `ok`: it ends in a state that
     * violates nothing; `error`: the spec's code failed; `unreplayable`:
     * the path is not one of the model's (the spec changed).
     */
    readonly outcome: "violation" | "cycle" | "ok" | "error" | "unreplayable";
    /** Why, in words. */
    readonly message: string;
    /** The path, when it replays. */
    readonly counterexample?: CounterexampleJson;
  };
}

/** `sweep`. */
export interface SweepDocument extends DocumentBase {
  /** The command. */
  readonly command: "sweep";
  /** The sweep, with the smallest failing point's result in full. */
  readonly sweep: Omit<SweepResult, "smallest" | "fixed"> & {
    readonly fixed: Readonly<Record<string, string | number | boolean>>;
    readonly smallest?: {
      readonly params: Readonly<Record<string, number | boolean>>;
      readonly result: CheckResultJson;
    };
    /** The commands that repeat the sweep and check the smallest failing point. */
    readonly commands?: { readonly sweep: string; readonly check?: string };
  };
}

/** `simulate`. */
export interface SimulateDocument extends DocumentBase {
  /** The command. */
  readonly command: "simulate";
  /** The simulation. */
  readonly simulation: Omit<SimulationResult, "violation" | "error"> & {
    readonly violation?: CounterexampleJson;
    readonly error?: { readonly message: string; readonly trace?: CounterexampleJson };
    /** Where the schedule file was written. */
    readonly scheduleFile?: string;
    /** The commands that reproduce the simulation and replay its schedule. */
    readonly commands?: readonly string[];
  };
}

/** One job of a swarm, as JSON: its result without its raw counterexample. */
export interface SwarmJobJson extends Omit<SwarmJobResult, "violation"> {
  /** The property the job found violated. */
  readonly property?: string;
}

/** `swarm`. */
export interface SwarmDocument extends DocumentBase {
  /** The command. */
  readonly command: "swarm";
  /** The swarm: the first violation (replayed), the jobs and what they covered. */
  readonly swarm: Omit<SwarmResult, "violation" | "jobs"> & {
    /** The spec file. */
    readonly file?: string;
    /** The first violation found, replayed on the coordinator. */
    readonly violation?: CounterexampleJson;
    /** The jobs that reported, by job number. */
    readonly jobs: readonly SwarmJobJson[];
  };
}

/** A run that could not start: bad arguments, a spec file that does not load. */
export interface ErrorDocument extends DocumentBase {
  /** The command given, if any. */
  readonly command: "error";
  /** What went wrong. */
  readonly error: { readonly message: string; readonly command?: string };
}

/** `--version`. */
export interface VersionDocument extends DocumentBase {
  /** The command. */
  readonly command: "version";
}

/** Every document the CLI writes with `--format json`. */
export type JsonDocument =
  | CheckDocument
  | ListDocument
  | ReplayDocument
  | SweepDocument
  | SimulateDocument
  | SwarmDocument
  | ErrorDocument
  | VersionDocument;

/** A document's body: everything but the fields every document has. */
export type DocumentBody<D extends JsonDocument = JsonDocument> = D extends JsonDocument
  ? Omit<D, "schemaVersion" | "tool" | "exitCode">
  : never;

/**
 * A whole JSON document: the common fields around a command's body.
 *
 * @param body The command and its data.
 * @param exitCode The exit code of the run.
 * @returns The document.
 *
 * @example
 * ```ts
 * import { jsonDocument, SCHEMA_VERSION } from "./result_json.ts";
 * import assert from "node:assert/strict";
 *
 * const doc = jsonDocument({ command: "error", error: { message: "no command given" } }, 3);
 * assert.equal(doc.schemaVersion, SCHEMA_VERSION);
 * assert.equal(doc.tool.name, "ipcspec");
 * ```
 */
export function jsonDocument(body: DocumentBody, exitCode: number): JsonDocument {
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: "ipcspec", version: VERSION },
    exitCode,
    ...body,
  } as JsonDocument;
}

/**
 * A sweep as JSON, the smallest failing point's result in full.
 *
 * @param r The sweep.
 * @param options Structured states and replay for the smallest point; the commands.
 * @returns The `sweep` field of a {@linkcode SweepDocument}.
 *
 * @example
 * ```ts
 * import { sweepJson } from "./result_json.ts";
 * import { spec, sweep, system } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const s = spec({
 *   name: "s",
 *   params: { n: 1 },
 *   build: () => {
 *     const sys = system({});
 *     sys.process("p", {}, () => []);
 *     return sys;
 *   },
 * });
 * const j = sweepJson(sweep(s, { n: "1..2" }));
 * assert.equal(j.points.length, 2);
 * ```
 */
export function sweepJson(
  r: SweepResult,
  options: ResultJsonOptions & { readonly commands?: { sweep: string; check?: string } } = {},
): SweepDocument["sweep"] {
  const { smallest, fixed, ...rest } = r;
  return {
    ...rest,
    fixed: { ...fixed },
    ...(smallest !== undefined
      ? {
        smallest: {
          params: { ...smallest.params },
          result: checkResultJson(smallest.result, options),
        },
      }
      : {}),
    ...(options.commands !== undefined ? { commands: options.commands } : {}),
  };
}

/**
 * A simulation as JSON.
 *
 * @param r The simulation.
 * @param options Structured states; the schedule file and the commands.
 * @returns The `simulation` field of a {@linkcode SimulateDocument}.
 *
 * @example
 * ```ts
 * import { simulationJson } from "./result_json.ts";
 * import { simulate, spec, system } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const s = spec({
 *   name: "s",
 *   params: {},
 *   build: () => {
 *     const sys = system({});
 *     sys.process("p", {}, () => []);
 *     return sys;
 *   },
 * });
 * assert.equal(simulationJson(simulate(s, { runs: 3 })).verdict, "incomplete");
 * ```
 */
export function simulationJson(
  r: SimulationResult,
  options: Pick<ResultJsonOptions, "states" | "replay"> & {
    readonly scheduleFile?: string;
    readonly commands?: readonly string[];
  } = {},
): SimulateDocument["simulation"] {
  const { violation, error, ...rest } = r;
  return {
    ...rest,
    ...(violation !== undefined ? { violation: counterexampleJson(violation, options) } : {}),
    ...(error !== undefined
      ? {
        error: {
          message: error.message,
          ...(error.trace !== undefined ? { trace: counterexampleJson(error.trace, options) } : {}),
        },
      }
      : {}),
    ...(options.scheduleFile !== undefined ? { scheduleFile: options.scheduleFile } : {}),
    ...(options.commands !== undefined ? { commands: options.commands } : {}),
  };
}

/**
 * A document as text: one JSON value, indented.
 *
 * @param doc The document.
 * @returns The JSON text.
 *
 * @example
 * ```ts
 * import { formatJsonDocument, jsonDocument } from "./result_json.ts";
 * import assert from "node:assert/strict";
 *
 * const text = formatJsonDocument(jsonDocument({ command: "version" }, 0));
 * assert.equal(JSON.parse(text).command, "version");
 * ```
 */
export function formatJsonDocument(doc: JsonDocument): string {
  return JSON.stringify(doc, null, 2);
}
