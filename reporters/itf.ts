/**
 * ITF traces: a counterexample in the Informal Trace Format that Apalache
 * and Quint exchange (Apalache ADR-015): a JSON object with `#meta`,
 * `params`, `vars`, `states` and, for a lasso, `loop`. Integers are written
 * `{"#bigint": "..."}`, arrays as lists, records as objects.
 *
 * An ipcspec trace has three variables: `globals` (a record by name),
 * `primitives` (a record by name of `{kind, printed, value, ...contents}`)
 * and `processes` (a record by `kind#id` of `{at, finished, locals}`); the
 * spec's parameters are the ITF `params`, set in the first state. Each
 * state's `#meta` names the step that led to it; the trace's `#meta` names
 * the spec, its file, the failed property and the transition numbers, so
 * that `ipcspec replay` can replay a trace of its own making
 * ({@linkcode parseItf}).
 *
 * @module
 */

import type { Counterexample } from "../checker/result.ts";
import { formatTrace, type Trace } from "../checker/replay.ts";
import type { StateData, VarValue } from "../checker/result.ts";
import { IPCSPEC_VERSION as VERSION } from "../checker/schedule_file.ts";

/** An ITF value. */
export type ItfValue =
  | string
  | boolean
  | number
  | { readonly "#bigint": string }
  | readonly ItfValue[]
  | { readonly [field: string]: ItfValue };

/** One ITF state: `#meta` and a value per variable. */
export interface ItfState {
  /** What led to it. */
  readonly "#meta": { readonly index: number; readonly [key: string]: unknown };
  /** The variables. */
  readonly [name: string]: unknown;
}

/** An ITF trace, as ipcspec writes it. */
export interface ItfTrace {
  /** Where it came from and how to replay it. */
  readonly "#meta": {
    readonly format: "ITF";
    readonly "format-description": string;
    readonly source: string;
    readonly description: string;
    readonly ipcspec: ItfOrigin;
  };
  /** The spec's parameters, set in the first state. */
  readonly params: readonly string[];
  /** Always `globals`, `primitives`, `processes`. */
  readonly vars: readonly string[];
  /** The states, the initial one first. */
  readonly states: readonly ItfState[];
  /** For a lasso: the index of the state the last one returns to. */
  readonly loop?: number;
}

/** What ipcspec needs to replay an ITF trace it wrote. */
export interface ItfOrigin {
  /** The ipcspec version that wrote it. */
  readonly version: string;
  /** The spec's name. */
  readonly spec: string;
  /** The spec file, as given on the command line. */
  readonly file: string;
  /** The parameter values. */
  readonly params: Readonly<Record<string, number | boolean>>;
  /** The trace as `--replay` reads it. */
  readonly trace: string;
  /** Index of the initial state. */
  readonly init: number;
  /** The transition numbers, in order (for a lasso, up to the return to `loop`). */
  readonly transitions: readonly number[];
  /** The failed property ("" for none). */
  readonly property: string;
  /** Its kind. */
  readonly kind: string;
  /** What went wrong. */
  readonly message: string;
}

const VARS = ["globals", "primitives", "processes"] as const;

function big(n: number): { "#bigint": string } {
  return { "#bigint": String(n) };
}

function varItf(v: VarValue): ItfValue {
  if (typeof v === "boolean") return v;
  if (typeof v === "number") return big(v);
  return v.map(big);
}

function stateItf(s: StateData): Record<string, ItfValue> {
  const globals: Record<string, ItfValue> = {};
  for (const [k, v] of Object.entries(s.globals)) globals[k] = varItf(v);
  const primitives: Record<string, ItfValue> = {};
  for (const p of s.primitives) {
    const contents: Record<string, ItfValue> = {};
    if (p.contents !== undefined) {
      if ("count" in p.contents) contents.count = big(p.contents.count);
      if ("owner" in p.contents) contents.owner = p.contents.owner ?? "";
      if ("items" in p.contents) {
        contents.capacity = big(p.contents.capacity);
        contents.items = p.contents.items.map(big);
      }
    }
    primitives[p.name] = { kind: p.kind, printed: p.printed, value: big(p.value), ...contents };
  }
  const processes: Record<string, ItfValue> = {};
  for (const p of s.processes) {
    const locals: Record<string, ItfValue> = {};
    for (const [k, v] of Object.entries(p.locals)) locals[k] = varItf(v);
    processes[p.name] = { at: p.at, finished: p.finished, locals };
  }
  return { globals, primitives, processes };
}

/**
 * A counterexample as an ITF trace.
 *
 * @param cx The counterexample.
 * @param states Every state of its path, the initial one first, from the model.
 * @param origin The spec, its file and parameters.
 * @returns The trace.
 *
 * @example
 * ```ts
 * import { itfTrace } from "./itf.ts";
 * import assert from "node:assert/strict";
 *
 * const state = (x: number) => ({ printed: `x=${x}`, globals: { x }, primitives: [], processes: [] });
 * const t = itfTrace(
 *   { property: "small", kind: "invariant", message: "x is 1", init: 0, transitions: [0],
 *     steps: [{ transition: 0, process: "p#0", step: "inc", operation: "inc", changes: [] }],
 *     state: "x=1" },
 *   [state(0), state(1)],
 *   { spec: "s", file: "s.ts", params: { n: 2 } },
 * );
 * assert.deepEqual(t.vars, ["globals", "primitives", "processes"]);
 * assert.deepEqual(t.states[1]!.globals, { x: { "#bigint": "1" } });
 * assert.deepEqual(t.states[0]!.n, { "#bigint": "2" });
 * ```
 */
export function itfTrace(
  cx: Counterexample,
  states: readonly StateData[],
  origin: {
    readonly spec: string;
    readonly file: string;
    readonly params: Readonly<Record<string, number | boolean>>;
  },
): ItfTrace {
  // A lasso's last state repeats the state where the cycle starts: ITF
  // writes the cycle once and returns to `loop` from the last state.
  const loop = cx.loopStart;
  const kept = loop !== undefined && states.length > 1 ? states.slice(0, -1) : states;
  const params = Object.keys(origin.params);
  const itfStates = kept.map((s, i): ItfState => {
    const step = i > 0 ? cx.steps[i - 1] : undefined;
    const meta = {
      index: i,
      ...(step !== undefined
        ? { transition: step.transition, process: step.process, operation: step.operation }
        : {}),
    };
    const first: Record<string, ItfValue> = {};
    if (i === 0) {
      for (const [k, v] of Object.entries(origin.params)) {
        first[k] = typeof v === "number" ? big(v) : v;
      }
    }
    return { "#meta": meta, ...first, ...stateItf(s) };
  });
  return {
    "#meta": {
      format: "ITF",
      "format-description": "https://apalache-mc.org/docs/adr/015adr-trace.html",
      source: origin.file,
      description: cx.property === ""
        ? `a path of '${origin.spec}', written by ipcspec`
        : `a counterexample to '${cx.property}' (${cx.kind}) of '${origin.spec}', written by ipcspec: ${cx.message}`,
      ipcspec: {
        version: VERSION,
        spec: origin.spec,
        file: origin.file,
        params: { ...origin.params },
        trace: formatTrace({ init: cx.init, transitions: cx.transitions }),
        init: cx.init,
        transitions: [...cx.transitions],
        property: cx.property,
        kind: cx.kind,
        message: cx.message,
      },
    },
    params,
    vars: [...VARS],
    states: itfStates,
    ...(loop !== undefined ? { loop } : {}),
  };
}

/**
 * An ITF trace as text (`.itf.json`).
 *
 * @param t The trace.
 * @returns The JSON text.
 *
 * @example
 * ```ts
 * import { formatItf, itfTrace } from "./itf.ts";
 * import assert from "node:assert/strict";
 *
 * const t = itfTrace(
 *   { property: "", kind: "invariant", message: "", init: 0, transitions: [], steps: [], state: "" },
 *   [{ printed: "", globals: {}, primitives: [], processes: [] }],
 *   { spec: "s", file: "s.ts", params: {} },
 * );
 * assert.equal(JSON.parse(formatItf(t)).states.length, 1);
 * ```
 */
export function formatItf(t: ItfTrace): string {
  return JSON.stringify(t, null, 2);
}

/** What {@linkcode parseItf} reads back. */
export interface ItfReplay {
  /** The spec, file and parameters, and the trace's transitions. */
  readonly origin: ItfOrigin;
  /** The path to replay. */
  readonly trace: Trace;
  /** The trace itself, to compare the replayed states with. */
  readonly itf: ItfTrace;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isNat(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= 0;
}

/**
 * Reads an ITF trace that ipcspec wrote ({@linkcode itfTrace}).
 *
 * @param text The file's contents.
 * @returns The trace and where it came from, or why it cannot be replayed.
 *
 * @example
 * ```ts
 * import { formatItf, itfTrace, parseItf } from "./itf.ts";
 * import assert from "node:assert/strict";
 *
 * const t = itfTrace(
 *   { property: "", kind: "invariant", message: "", init: 0, transitions: [], steps: [], state: "" },
 *   [{ printed: "", globals: {}, primitives: [], processes: [] }],
 *   { spec: "s", file: "s.ts", params: {} },
 * );
 * const r = parseItf(formatItf(t));
 * assert.ok(typeof r !== "string");
 * assert.equal(r.origin.spec, "s");
 * assert.equal(typeof parseItf("{}"), "string");
 * ```
 */
export function parseItf(text: string): ItfReplay | string {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return `not JSON: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (!isRecord(v) || !Array.isArray(v.vars) || !Array.isArray(v.states)) {
    return "not an ITF trace (an object with 'vars' and 'states')";
  }
  const meta = v["#meta"];
  const o = isRecord(meta) ? meta.ipcspec : undefined;
  if (!isRecord(o)) return "an ITF trace not written by ipcspec (no '#meta.ipcspec')";
  if (typeof o.spec !== "string" || typeof o.file !== "string") {
    return "'#meta.ipcspec' must name the spec and its file";
  }
  if (!isRecord(o.params)) return "'#meta.ipcspec.params' must be an object";
  for (const [k, p] of Object.entries(o.params)) {
    if (typeof p !== "boolean" && !(typeof p === "number" && Number.isInteger(p))) {
      return `'#meta.ipcspec.params.${k}' must be an integer or a boolean`;
    }
  }
  if (!isNat(o.init) || !Array.isArray(o.transitions) || !o.transitions.every(isNat)) {
    return "'#meta.ipcspec' must give 'init' and 'transitions' as naturals";
  }
  const origin: ItfOrigin = {
    version: typeof o.version === "string" ? o.version : "?",
    spec: o.spec,
    file: o.file,
    params: o.params as Record<string, number | boolean>,
    trace: formatTrace({ init: o.init, transitions: o.transitions }),
    init: o.init,
    transitions: o.transitions,
    property: typeof o.property === "string" ? o.property : "",
    kind: typeof o.kind === "string" ? o.kind : "",
    message: typeof o.message === "string" ? o.message : "",
  };
  return {
    origin,
    trace: { init: o.init, transitions: o.transitions },
    itf: v as unknown as ItfTrace,
  };
}
