/**
 * One exploration of a spec, as the explorer's server keeps it: a path from
 * an initial state that grows as transitions are taken and shrinks as they
 * are taken back, a counterexample found by checking from the current
 * state (or loaded from a trace or schedule file) to jump to, and a view of
 * it all as plain data (the state by name, every enabled transition with
 * what it would change, the sequence chart so far).
 *
 * @module
 */

import {
  type BlockedProcess,
  type Change,
  check,
  type Checkable,
  type Counterexample,
  explainTrace,
  formatTrace,
  parseScheduleFile,
  parseTrace,
  type Recorder,
  replay,
  replaySchedule,
  type StateSnapshot,
  type Trace,
  traceChart,
  type TraceEvent,
  traceRecorder,
} from "../mod.ts";
import { formatSvg } from "../reporters/svg.ts";
import { eventText } from "../reporters/_rows.ts";
import { enabled, fire } from "../checker/_fire.ts";
import type { Explanation, Model } from "../model/model.ts";
import { fromState } from "./_from_state.ts";

/** A transition enabled in the current state, with what it would do. */
export interface EnabledTransition {
  /** Its number. */
  readonly transition: number;
  /** The process that moves. */
  readonly process: string;
  /** The operation in words. */
  readonly operation: string;
  /** What it would change. */
  readonly changes: readonly Change[];
  /** Why it fails, when it fails (an assertion, an operation error). */
  readonly fails?: string;
}

/** What the explorer shows. */
export interface ExplorerView {
  /** The spec's name. */
  readonly spec: string;
  /** Its parameters. */
  readonly params: Readonly<Record<string, number | boolean>>;
  /** The path so far, as a trace (`init:t1,t2,...`). */
  readonly trace: string;
  /** The number of steps taken. */
  readonly step: number;
  /** The steps taken, in words, with what moved. */
  readonly steps: readonly { readonly text: string; readonly events: readonly string[] }[];
  /** The current state by name. */
  readonly state: StateSnapshot;
  /** The transitions enabled in it. */
  readonly enabled: readonly EnabledTransition[];
  /** A property that fails in it (an invariant; a deadlock or final property when nothing is enabled). */
  readonly violated?: string;
  /** Processes that cannot move, when nothing can. */
  readonly blocked: readonly BlockedProcess[];
  /** The sequence chart of the path (inline SVG). */
  readonly chart: string;
  /** The last check's verdict from a state of the path, in words. */
  readonly checked?: string;
  /** A counterexample to jump to: its property and length. */
  readonly found?: { readonly property: string; readonly steps: number; readonly trace: string };
  /** For a lasso being shown: the step (from 1) where its cycle starts. */
  readonly cycleFrom?: number;
}

/**
 * An exploration of one spec at one parameter setting.
 *
 * @example Taking a step and going back
 * ```ts
 * import { ExplorerSession } from "./session.ts";
 * import { spec, system } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const s = spec({
 *   name: "inc",
 *   params: {},
 *   build: () => {
 *     const sys = system({ x: 0 });
 *     sys.process("p", {}, (b) => [b.do("inc", ({ g }) => g.x++)]);
 *     return sys;
 *   },
 * });
 * const session = new ExplorerSession(s);
 * const t = session.view().enabled[0]!;
 * assert.deepEqual(t.changes, [{ name: "x", before: "0", after: "1" }]);
 * session.take(t.transition);
 * assert.equal(session.view().state.globals[0]!.value, "1");
 * session.back();
 * assert.equal(session.view().step, 0);
 * ```
 */
export class ExplorerSession {
  readonly #spec: Checkable;
  readonly #model: Model;
  readonly #words: Explanation;
  readonly #recorder: Recorder;
  readonly #params: Readonly<Record<string, number | boolean>>;
  #init = 0;
  #path: number[] = [];
  #states: Int32Array[] = [];
  #found: Counterexample | undefined;
  #shown: Counterexample | undefined;
  #checked: string | undefined;

  /**
   * Starts at the first initial state of `spec` at `params`.
   *
   * @param spec The spec.
   * @param params Its parameter overrides.
   */
  constructor(spec: Checkable, params: Readonly<Record<string, number | boolean | string>> = {}) {
    this.#spec = spec;
    this.#model = spec.compile(params);
    if (this.#model.explanation === undefined) {
      throw new TypeError(`Cannot explore '${spec.name}': the model has no explanation`);
    }
    this.#words = this.#model.explanation;
    this.#recorder = traceRecorder(spec, params);
    this.#params = spec.resolve(params);
    this.reset();
  }

  /** The model explored. */
  get model(): Model {
    return this.#model;
  }

  /** Back to the initial state. */
  reset(): void {
    this.#init = 0;
    this.#path = [];
    this.#shown = undefined;
    this.#states = replay(this.#model, { init: 0, transitions: [] }).states;
  }

  /** Takes transition `t` from the current state; returns an error message when it cannot. */
  take(t: number): string | undefined {
    const cur = this.#states[this.#states.length - 1]!;
    const next = fire(this.#model, cur, t);
    if (!(next instanceof Int32Array)) return next.message;
    this.#path.push(t);
    this.#states.push(next);
    if (this.#shown !== undefined && !this.#onShown()) this.#shown = undefined;
    return undefined;
  }

  /** Takes the last step back (nothing at the initial state). */
  back(): void {
    if (this.#path.length === 0) return;
    this.#path.pop();
    this.#states.pop();
    if (this.#shown !== undefined && !this.#onShown()) this.#shown = undefined;
  }

  /**
   * Loads a path: a trace as printed (`0:3,1,4`), a schedule file's text,
   * or an ITF trace ipcspec wrote (its `#meta` records the path). Returns an
   * error message when it does not replay.
   */
  load(text: string): string | undefined {
    let trace: Trace;
    const itf = itfTrace(text);
    if (itf !== undefined) {
      if (typeof itf === "string") return itf;
      if (itf.spec !== this.#model.name) {
        return `the ITF trace is of '${itf.spec}', not '${this.#model.name}'`;
      }
      trace = itf.trace;
    } else if (text.trim().startsWith("{")) {
      const file = parseScheduleFile(text);
      if (typeof file === "string") return file;
      if (file.spec !== this.#model.name) {
        return `the schedule file is for '${file.spec}', not '${this.#model.name}'`;
      }
      trace = { init: 0, transitions: replaySchedule(this.#model, file).run.transitions };
    } else {
      const t = parseTrace(text.trim());
      if (typeof t === "string") return t;
      trace = t;
    }
    const story = explainTrace(this.#model, trace);
    if (typeof story === "string") return story;
    return this.#go(story);
  }

  /**
   * Runs the checker from the current state; a violation becomes the
   * counterexample to jump to (the path so far, then the one found).
   */
  check(): string {
    const cur = this.#states[this.#states.length - 1]!;
    const r = check(fromState(this.#model, cur), { maxStates: 200_000 });
    const from = this.#path.length === 0 ? "the initial state" : `step ${this.#path.length}`;
    const cx = r.violation;
    if (cx === undefined) {
      this.#found = undefined;
      this.#checked = `from ${from}: ${r.verdict} (${r.stats.states} states)`;
      return this.#checked;
    }
    const full = { init: this.#init, transitions: [...this.#path, ...cx.transitions] };
    const story = explainTrace(this.#model, full);
    if (typeof story === "string") return story;
    this.#found = {
      ...story,
      property: cx.property,
      kind: cx.kind,
      message: cx.message,
      ...(cx.loopStart !== undefined ? { loopStart: this.#path.length + cx.loopStart } : {}),
      ...(cx.blocked !== undefined ? { blocked: cx.blocked } : {}),
    };
    this.#checked =
      `from ${from}: VIOLATION of '${cx.property}' in ${cx.transitions.length} more steps`;
    return this.#checked;
  }

  /** Follows the counterexample found by the last check (or loaded). */
  jump(): string | undefined {
    if (this.#found === undefined) return "no counterexample to jump to: check first";
    return this.#go(this.#found);
  }

  #go(cx: Counterexample): string | undefined {
    const r = replay(this.#model, cx);
    if (r.error !== undefined) return r.error;
    this.#init = cx.init;
    // A failing last step does not move: the path stops before it.
    const n = r.states.length - 1;
    this.#path = cx.transitions.slice(0, n);
    this.#states = r.states;
    this.#shown = n === cx.transitions.length ? cx : undefined;
    this.#found = cx;
    return undefined;
  }

  #onShown(): boolean {
    const s = this.#shown!;
    return s.transitions.length === this.#path.length &&
      s.transitions.every((t, i) => t === this.#path[i]);
  }

  /** What the explorer shows now. */
  view(): ExplorerView {
    const model = this.#model;
    const words = this.#words;
    const cur = this.#states[this.#states.length - 1]!;
    const offered: EnabledTransition[] = enabled(model, cur).map((t) => {
      const d = words.describe(t);
      const next = fire(model, cur, t);
      return {
        transition: t,
        process: d.process,
        operation: d.operation,
        changes: next instanceof Int32Array ? words.diff(cur, next) : [],
        ...(next instanceof Int32Array ? {} : { fails: next.message }),
      };
    });
    const trace = { init: this.#init, transitions: this.#path };
    const chart = traceChart(model, this.#shown ?? trace, {
      recorder: this.#recorder,
      params: this.#params,
    });
    let violated: string | undefined;
    const inv = model.check(cur);
    const prop = inv >= 0 ? inv : offered.length === 0 ? model.stuck(cur) : -1;
    if (prop >= 0) violated = `${model.properties[prop]!.name}: ${words.explain(prop, cur)}`;
    const events = (e: readonly TraceEvent[]) => e.map(eventText);
    return {
      spec: model.name,
      params: this.#params,
      trace: formatTrace(trace),
      step: this.#path.length,
      steps: chart.steps.map((s, i) => ({
        text: `${i + 1}. ${s.process} ${s.operation}`,
        events: events(s.events),
      })),
      state: chart.steps.at(-1)?.state ?? chart.initial,
      enabled: offered,
      ...(violated !== undefined ? { violated } : {}),
      blocked: offered.length === 0 ? words.blocked(cur) : [],
      chart: formatSvg(chart, { inline: true }),
      ...(this.#checked !== undefined ? { checked: this.#checked } : {}),
      ...(this.#found !== undefined
        ? {
          found: {
            property: this.#found.property,
            steps: this.#found.transitions.length,
            trace: formatTrace(this.#found),
          },
        }
        : {}),
      ...(chart.loopStart !== undefined ? { cycleFrom: chart.loopStart + 1 } : {}),
    };
  }

  /** The spec explored. */
  get spec(): Checkable {
    return this.#spec;
  }
}

/**
 * The path an ITF trace written by ipcspec records in its `#meta`, with the
 * spec's name; undefined when `text` is not an ITF trace, or why it is not
 * one ipcspec can follow.
 */
function itfTrace(text: string): { spec: string; trace: Trace } | string | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  const meta = (doc as { "#meta"?: { format?: unknown; ipcspec?: unknown } } | null)?.["#meta"];
  if (meta === undefined || meta.format !== "ITF") return undefined;
  const origin = meta.ipcspec as { spec?: unknown; trace?: unknown } | undefined;
  if (typeof origin?.spec !== "string" || typeof origin.trace !== "string") {
    return "the ITF trace was not written by ipcspec (its #meta records no ipcspec path)";
  }
  const trace = parseTrace(origin.trace);
  return typeof trace === "string" ? trace : { spec: origin.spec, trace };
}
