/**
 * A trace as a picture's data: the lifelines (processes and the primitives
 * the trace touches), each step with what it changed, what the primitives
 * reported (messages put, taken, handed over or lost; locks; signals
 * generated, coalesced and delivered; wake-ups) and the whole state after
 * it, then the end: the violated property, the blocked processes with a
 * wait-for graph, a lasso's cycle. Reporters (sequence charts, SVG, the
 * HTML report, the explorer) are pure functions of a {@linkcode TraceChart}.
 *
 * @module
 */

import type { BlockedProcess, Change, Model, PropertyKind } from "../model/model.ts";
import type { Recorder, StateSnapshot, TraceEvent } from "../model/types.ts";

export type { StateSnapshot, TraceEvent };
import type { Trace } from "./replay.ts";
import { enabled } from "./_fire.ts";
import { replay } from "./replay.ts";
import type { CheckResult, Counterexample } from "./result.ts";

/** A column of a sequence chart: a process, or a primitive the trace touches. */
export interface Lifeline {
  /** The process (`name#id`) or primitive name. */
  readonly name: string;
  /** `process`, or the primitive's kind (`mailbox`, `semaphore`, `signals`...). */
  readonly kind: string;
}

/** One step of a charted trace. */
export interface ChartStep {
  /** The transition number. */
  readonly transition: number;
  /** The process that moves. */
  readonly process: string;
  /** The label or step name. */
  readonly step: string;
  /** The operation in words. */
  readonly operation: string;
  /** The primitive the step operates on, if any. */
  readonly primitive?: string;
  /** Where the step was written. */
  readonly source?: string;
  /** What it changed. */
  readonly changes: readonly Change[];
  /** What the primitives reported. */
  readonly events: readonly TraceEvent[];
  /** The whole state after the step (before it, for a step that fails). */
  readonly state: StateSnapshot;
  /** For a step that fails (an assertion, an operation error): why. */
  readonly failed?: string;
}

/** An edge of a wait-for graph: a process waits on a primitive, or a primitive is held by a process. */
export interface WaitForEdge {
  /** A process or primitive. */
  readonly from: string;
  /** A primitive or process. */
  readonly to: string;
  /** `waits on <operation>` or `held by`. */
  readonly label: string;
}

/** Everything a picture of a trace shows. */
export interface TraceChart {
  /** The spec's name. */
  readonly spec: string;
  /** The parameter values. */
  readonly params: Readonly<Record<string, number | boolean>>;
  /** The verdict of the check the trace comes from (or `trace` for a plain path). */
  readonly verdict: string;
  /** The violated property, when there is one. */
  readonly property?: string;
  /** Its kind. */
  readonly kind?: PropertyKind;
  /** What went wrong, in words. */
  readonly message?: string;
  /** The columns: processes and the primitives the trace touches, in drawing order. */
  readonly lifelines: readonly Lifeline[];
  /** The initial state. */
  readonly initial: StateSnapshot;
  /** The path's initial-state index. */
  readonly init: number;
  /** The steps. */
  readonly steps: readonly ChartStep[];
  /** For a lasso: the index (from 0) of the first step of the cycle that repeats for ever. */
  readonly loopStart?: number;
  /** Processes that cannot move at the end (empty when every one can, or finished). */
  readonly blocked: readonly BlockedProcess[];
  /** Who waits on what, and who holds it, at the end. */
  readonly waitFor: readonly WaitForEdge[];
  /** The command that replays the trace, when known. */
  readonly replay?: string;
  /** Statistics of the check, when known, as label and value. */
  readonly stats?: readonly (readonly [string, string])[];
  /** The coverage table, when asked, as text. */
  readonly coverage?: string;
}

/** What {@linkcode traceChart} needs besides the model and the path. */
export interface ChartOptions {
  /** The recorder of the same spec and parameters (see `traceRecorder`). */
  readonly recorder: Recorder;
  /** The parameter values. */
  readonly params?: Readonly<Record<string, number | boolean>>;
  /** The verdict; default `violation` for a counterexample, else `trace`. */
  readonly verdict?: string;
  /** The replay command. */
  readonly replay?: string;
  /** The check's statistics. */
  readonly stats?: readonly (readonly [string, string])[];
  /** The coverage table, as text. */
  readonly coverage?: string;
}

/**
 * Builds the chart of a path (a counterexample, a lasso, a replayed or
 * simulated schedule) by replaying it on `model` and asking the recorder
 * what moved. Throws a RangeError when the path does not replay.
 *
 * @param model The model the path belongs to.
 * @param trace The path; a {@linkcode Counterexample} also gives the property and the cycle.
 * @param options The recorder and what else to show.
 * @returns The chart.
 *
 * @example Charting a deadlock
 * ```ts
 * import { check, lock, mutex, spec, system, traceChart, traceRecorder, unlock } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const s = spec({
 *   name: "two locks",
 *   params: {},
 *   build: () => {
 *     const sys = system({});
 *     const a = mutex("a"), b = mutex("b");
 *     sys.process("p", {}, () => [lock(a), lock(b), unlock(b), unlock(a)]);
 *     sys.process("q", {}, () => [lock(b), lock(a), unlock(a), unlock(b)]);
 *     return sys;
 *   },
 * });
 * const model = s.compile();
 * const cx = check(model).violation!;
 * const chart = traceChart(model, cx, { recorder: traceRecorder(s) });
 * assert.equal(chart.property, "deadlock");
 * assert.equal(chart.blocked.length, 2);
 * assert.deepEqual(chart.steps[0]!.events, [{ kind: "acquire", process: "p#0", primitive: "a" }]);
 * ```
 */
export function traceChart(
  model: Model,
  trace: Trace | Counterexample,
  options: ChartOptions,
): TraceChart {
  const words = model.explanation;
  const procs = model.processes;
  if (words === undefined || procs === undefined) {
    throw new TypeError(`Cannot chart a trace of '${model.name}': the model has no explanation`);
  }
  const r = replay(model, trace);
  if (r.error !== undefined) {
    throw new RangeError(`Cannot chart a trace of '${model.name}': ${r.error}`);
  }
  const rec = options.recorder;
  const events = rec.events(trace.init, trace.transitions);
  const steps: ChartStep[] = trace.transitions.map((t, i) => {
    const d = words.describe(t);
    const before = r.states[i]!;
    const after = r.states[i + 1];
    const prim = procs.primitiveOf(t);
    const failed = r.failure !== undefined && r.failure.step === i ? r.failure.message : undefined;
    return {
      transition: t,
      process: d.process,
      step: d.step,
      operation: d.operation,
      ...(prim !== undefined ? { primitive: prim } : {}),
      ...(d.source !== undefined ? { source: d.source } : {}),
      changes: after !== undefined ? words.diff(before, after) : [],
      events: events[i] ?? [],
      state: rec.snapshot(after ?? before),
      ...(failed !== undefined ? { failed } : {}),
    };
  });
  const last = r.states[r.states.length - 1]!;
  const cx = "property" in trace ? trace : undefined;
  const loopStart = cx?.loopStart;
  // At a lasso's end every process still moves; at a deadlock (or any end
  // with processes stuck) the model says who waits on what.
  const blocked = cx?.blocked ??
    (loopStart === undefined && enabled(model, last).length === 0 ? words.blocked(last) : []);
  return {
    spec: model.name,
    params: options.params ?? {},
    verdict: options.verdict ?? (cx !== undefined && cx.property !== "" ? "violation" : "trace"),
    ...(cx !== undefined && cx.property !== ""
      ? { property: cx.property, kind: cx.kind, message: cx.message }
      : {}),
    lifelines: lifelines(procs.names, rec, steps, blocked),
    initial: rec.snapshot(r.states[0]!),
    init: trace.init,
    steps,
    ...(loopStart !== undefined ? { loopStart } : {}),
    blocked,
    waitFor: waitForGraph(blocked, rec.primitives.map((p) => p.name)),
    ...(options.replay !== undefined ? { replay: options.replay } : {}),
    ...(options.stats !== undefined ? { stats: options.stats } : {}),
    ...(options.coverage !== undefined ? { coverage: options.coverage } : {}),
  };
}

/**
 * The statistics of a check as label/value rows, for a chart.
 *
 * @param result The check's result.
 * @returns The rows.
 *
 * @example
 * ```ts
 * import { check, spec, system, statsRows } from "../mod.ts";
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
 * assert.deepEqual(statsRows(check(s))[0], ["states", "2"]);
 * ```
 */
export function statsRows(result: CheckResult): (readonly [string, string])[] {
  const s = result.stats;
  return [
    ["states", String(s.states)],
    ["transitions", String(s.transitions)],
    ["depth", String(s.depth)],
    ["time", `${s.seconds.toFixed(2)} s`],
    ["state width", `${s.stateWidth} slots`],
  ];
}

/** Processes first, with the primitives the trace touches after the first process. */
function lifelines(
  processNames: readonly string[],
  rec: Recorder,
  steps: readonly ChartStep[],
  blocked: readonly BlockedProcess[],
): Lifeline[] {
  const used = new Set<string>();
  for (const s of steps) {
    if (s.primitive !== undefined) used.add(s.primitive);
    for (const e of s.events) {
      if ("primitive" in e && e.primitive !== undefined) used.add(e.primitive);
    }
  }
  for (const b of blocked) {
    for (const p of rec.primitives) if (b.holds.includes(p.name)) used.add(p.name);
    for (const w of b.waitsOn) {
      const name = operandOf(w);
      if (name !== undefined) used.add(name);
    }
  }
  const prims = rec.primitives.filter((p) => used.has(p.name)).map((p) => ({
    name: p.name,
    kind: p.kind,
  }));
  const procs = processNames.map((name) => ({ name, kind: "process" }));
  return procs.length === 0 ? prims : [procs[0]!, ...prims, ...procs.slice(1)];
}

/** The primitive an operation text names first, e.g. `full` in `wait(full) (full = 0)`. */
function operandOf(text: string): string | undefined {
  return /^[\w ]+\(([^(),\s]+)/.exec(text)?.[1];
}

/** The wait-for graph of the blocked processes: process → primitive → holder. */
function waitForGraph(
  blocked: readonly BlockedProcess[],
  primitives: readonly string[],
): WaitForEdge[] {
  const out: WaitForEdge[] = [];
  const seen = new Set<string>();
  const add = (e: WaitForEdge) => {
    const key = `${e.from}\u0000${e.to}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(e);
  };
  for (const b of blocked) {
    for (const w of b.waitsOn) {
      const prim = operandOf(w);
      if (prim === undefined || !primitives.includes(prim)) continue;
      add({ from: b.process, to: prim, label: `waits on ${w.replace(/ \(.*\)$/, "")}` });
      const holder = /held by ([^)\s]+)/.exec(w)?.[1];
      if (holder !== undefined) add({ from: prim, to: holder, label: "held by" });
    }
    for (const h of b.holds) add({ from: h, to: b.process, label: "held by" });
  }
  return out;
}
