// Private module: the trace recorder. It compiles its own instance of a
// spec, attaches taps to every primitive of that instance (message, lock
// and signal taps, see _tap.ts), and re-runs paths on it, keeping what the
// primitives report during each chosen transition. The model a search uses
// is never tapped: partial-order reduction counts a tapped operation as
// visible, so watching it would change reduced state counts.
//
// The compiler is reached through one adapter, machineOf().

import type { PrimitiveImpl } from "./_ast.ts";
import { machineOf } from "./_compile.ts";
import type { Machine } from "./_machine.ts";
import { lockTaps, messageTapsOf, signalTaps } from "./_tap.ts";
import { formatVar } from "./_views.ts";
import type { Checkable, Explanation, Model, Processes } from "./model.ts";
import { isTemplate } from "./templates.ts";
import type { PrimitiveSummary, Recorder, StateSnapshot, TraceEvent } from "./trace_events.ts";

/** What a tap reported, before it is matched with the messages in flight. */
type Raw =
  | {
    t: "put";
    prim: PrimitiveImpl;
    lane: number;
    pos: number;
    from: number;
    value: number;
    key: number;
    to: number;
  }
  | { t: "take"; prim: PrimitiveImpl; lane: number; pos: number; by: number }
  | { t: "drop"; prim: PrimitiveImpl; lane: number; pos: number; count: number }
  | { t: "acquire" | "release"; prim: PrimitiveImpl; pid: number }
  | { t: "gen"; prim: PrimitiveImpl; from: number; to: number; signo: number; outcome: string }
  | { t: "deliver"; prim: PrimitiveImpl; pid: number; signo: number; from: number; action: string };

/** A message in flight, as the recorder mirrors it. */
interface Flight {
  readonly from: number;
  readonly value: number;
  /** The step that put it, to tell a hand-off from a later receive. */
  readonly step: number;
  /** Index of its put event in that step's list, or -1. */
  readonly event: number;
}

/**
 * Makes a recorder for `spec` at `params`: a separately compiled instance
 * whose primitives report every message, lock and signal.
 *
 * @param spec The spec.
 * @param params Its parameter overrides (as given to `compile`).
 * @returns The recorder.
 *
 * @example Recording a message put into a channel and taken out of it
 * ```ts
 * import { traceRecorder } from "./_record.ts";
 * import { channel, spec, system } from "../mod.ts";
 * import { enabled, fire } from "../checker/_fire.ts";
 * import assert from "node:assert/strict";
 *
 * const s = spec({
 *   name: "one message",
 *   params: {},
 *   build: () => {
 *     const sys = system({});
 *     const c = channel("c", 1);
 *     sys.process("p", { locals: { x: 0 } }, (b) => [b.send(c, 7), b.recv(c, "x")]);
 *     return sys;
 *   },
 * });
 * const model = s.compile();
 * const rec = traceRecorder(s);
 * let state: Int32Array | undefined;
 * model.init((st) => (state = st.slice()));
 * const first = enabled(model, state!)[0]!;
 * const next = fire(model, state!, first) as Int32Array;
 * const events = rec.events(0, [first, enabled(model, next)[0]!]);
 * assert.deepEqual(events[0], [{ kind: "put", process: "p#0", primitive: "c", value: 7, key: 0 }]);
 * assert.deepEqual(events[1], [
 *   { kind: "take", process: "p#0", primitive: "c", value: 7, from: "p#0" },
 * ]);
 * ```
 */
export function traceRecorder(
  spec: Checkable,
  params: Readonly<Record<string, number | boolean | string>> = {},
): Recorder {
  return new TraceRecorder(spec.compile(params));
}

class TraceRecorder implements Recorder {
  readonly processes: readonly string[];
  readonly primitives: readonly PrimitiveSummary[];
  readonly #model: Model;
  readonly #machine: Machine;
  readonly #procs: Processes;
  readonly #words: Explanation;
  #pending: Raw[] = [];
  readonly #flights = new Map<PrimitiveImpl, Flight[][]>();
  readonly #laneNames = new Map<PrimitiveImpl, (lane: number) => string | undefined>();

  constructor(model: Model) {
    const machine = machineOf(model);
    if (machine === undefined || model.processes === undefined || !model.explanation) {
      throw new TypeError(`Cannot record '${model.name}': the model was not compiled by ipcspec`);
    }
    this.#model = model;
    this.#machine = machine;
    this.#procs = model.processes;
    this.#words = model.explanation;
    this.processes = this.#procs.names;
    const summaries: PrimitiveSummary[] = [];
    for (const prim of machine.layout.prims) {
      if (isTemplate(prim)) continue;
      const m = messageTapsOf(prim);
      summaries.push({
        name: prim.name,
        kind: prim.kind,
        holdsMessages: m !== undefined || prim.events !== undefined,
      });
      this.#attach(prim);
    }
    this.primitives = summaries;
  }

  #attach(prim: PrimitiveImpl): void {
    const pending = () => this.#pending;
    const m = messageTapsOf(prim);
    if (m !== undefined) {
      this.#laneNames.set(prim, (lane) => {
        const shape = m.shape();
        return shape.lanes > 1 ? shape.laneName?.(lane) ?? `lane ${lane}` : undefined;
      });
      m.list.push({
        put(_w, lane, pos, from, value, key, to) {
          pending().push({ t: "put", prim, lane, pos, from, value, key, to });
        },
        take(_w, lane, pos, by) {
          pending().push({ t: "take", prim, lane, pos, by });
        },
        drop(_w, lane, pos, count) {
          pending().push({ t: "drop", prim, lane, pos, count });
        },
      });
    }
    if (prim.kind === "semaphore" || prim.kind === "mutex") {
      lockTaps(prim).push({
        acquire(_w, pid) {
          pending().push({ t: "acquire", prim, pid });
        },
        release(_w, pid) {
          pending().push({ t: "release", prim, pid });
        },
      });
    }
    if (prim.events !== undefined) {
      signalTaps(prim).push({
        generate(_w, from, to, signo, outcome) {
          pending().push({ t: "gen", prim, from, to, signo, outcome });
        },
        deliver(_w, pid, signo, from, action) {
          pending().push({ t: "deliver", prim, pid, signo, from, action });
        },
      });
    }
  }

  snapshot(state: Int32Array): StateSnapshot {
    const { layout, insts, pidName } = this.#machine;
    return {
      globals: layout.globals.map((v) => ({
        name: v.name,
        value: formatVar(state, layout.globalBase, v),
      })),
      primitives: layout.prims.filter((prim) => !isTemplate(prim)).map((prim) => ({
        name: prim.name,
        kind: prim.kind,
        value: prim.format(state, layout.primOff.get(prim)!, pidName),
      })),
      processes: insts.map((inst) => {
        const pc = state[inst.pcOff]!;
        return {
          name: inst.name,
          at: pc === inst.type.endPc ? "end" : inst.type.pcs[pc]?.name ?? `pc ${pc}`,
          locals: inst.type.vars.map((v) => ({
            name: v.name,
            value: formatVar(state, inst.base, v),
          })),
        };
      }),
    };
  }

  events(init: number, transitions: readonly number[]): TraceEvent[][] {
    const model = this.#model;
    const inits: Int32Array[] = [];
    model.init((s) => inits.push(s.slice()));
    let cur = inits[init];
    if (cur === undefined) {
      throw new RangeError(
        `Cannot record '${model.name}': no initial state ${init} (the model has ${inits.length})`,
      );
    }
    this.#flights.clear();
    const out: TraceEvent[][] = [];
    let canMove = this.#movable(cur);
    for (let i = 0; i < transitions.length; i++) {
      const t = transitions[i]!;
      let next: Int32Array | undefined;
      let raw: Raw[] | undefined;
      this.#pending = [];
      model.expand(cur, {
        push: (s, tid) => {
          if (tid !== t) {
            this.#pending = [];
            return true;
          }
          next = s.slice();
          raw = this.#pending;
          return false;
        },
        fail: (_property, tid) => {
          if (tid === t && raw === undefined) raw = this.#pending;
          this.#pending = [];
        },
      });
      this.#pending = [];
      if (raw === undefined) {
        throw new RangeError(
          `Cannot record '${model.name}': transition ${t} (step ${i + 1}) is not enabled`,
        );
      }
      const after = next ?? cur;
      const events = this.#convert(i, t, raw, cur, after);
      const movableAfter = this.#movable(after);
      const movers = new Set(this.#procs.movers(t));
      const handed = new Set(
        events.flatMap((e) => e.kind === "handoff" ? [e.from, e.to] : []),
      );
      let waiting: Map<string, readonly string[]> | undefined;
      for (const pid of canMove.keys()) {
        if (movableAfter.has(pid) || this.#procs.finished(after, pid)) continue;
        const name = this.#name(pid);
        waiting ??= new Map(this.#words.blocked(after).map((b) => [b.process, b.waitsOn]));
        events.push({ kind: "block", process: name, waitsOn: waiting.get(name) ?? [] });
      }
      for (const [pid, prim] of movableAfter) {
        const name = this.#name(pid);
        if (canMove.has(pid) || movers.has(pid) || handed.has(name)) continue;
        if (this.#procs.finished(after, pid)) continue;
        events.push({
          kind: "wake",
          process: name,
          by: this.#name(this.#procs.movers(t)[0] ?? -1),
          ...(prim !== undefined ? { primitive: prim } : {}),
        });
      }
      out.push(events);
      canMove = movableAfter;
      if (next === undefined) break; // a failing step ends the path
      cur = next;
    }
    return out;
  }

  /** The processes that can move in `state`, each with the primitive of its first transition. */
  #movable(state: Int32Array): Map<number, string | undefined> {
    const out = new Map<number, string | undefined>();
    const tids = new Set<number>();
    this.#model.expand(state, {
      push: (_next, t) => {
        tids.add(t);
        return true;
      },
      fail: (_property, t) => {
        tids.add(t);
      },
    });
    for (const t of [...tids].sort((a, b) => a - b)) {
      for (const pid of this.#procs.movers(t)) {
        if (!out.has(pid)) out.set(pid, this.#procs.primitiveOf(t));
      }
    }
    this.#pending = [];
    return out;
  }

  #name(pid: number): string {
    return this.#procs.names[pid] ?? `pid ${pid}`;
  }

  #lanes(prim: PrimitiveImpl, lane: number): Flight[] {
    let lanes = this.#flights.get(prim);
    if (lanes === undefined) {
      lanes = [];
      this.#flights.set(prim, lanes);
    }
    let l = lanes[lane];
    if (l === undefined) {
      l = [];
      lanes[lane] = l;
    }
    return l;
  }

  #convert(
    step: number,
    t: number,
    raw: readonly Raw[],
    before: Int32Array,
    after: Int32Array,
  ): TraceEvent[] {
    const movers = this.#procs.movers(t);
    const events: (TraceEvent | undefined)[] = [];
    for (const r of raw) {
      switch (r.t) {
        case "put":
          this.#put(r, step, events);
          break;
        case "take":
          this.#take(r, step, movers, events);
          break;
        case "drop":
          events.push(this.#drop(r, t, movers, before, after));
          break;
        case "acquire":
        case "release":
          events.push({ kind: r.t, process: this.#name(r.pid), primitive: r.prim.name });
          break;
        case "gen":
        case "deliver":
          events.push(this.#signalEvent(r));
          break;
      }
    }
    return events.filter((e): e is TraceEvent => e !== undefined);
  }

  /** The lane's name as an event field, when the primitive names its lanes. */
  #laneOf(prim: PrimitiveImpl, lane: number): { lane?: string } {
    const name = this.#laneNames.get(prim)?.(lane);
    return name !== undefined ? { lane: name } : {};
  }

  /** A message put: in flight from now on, remembering the event that sent it. */
  #put(r: Raw & { t: "put" }, step: number, events: (TraceEvent | undefined)[]): void {
    const l = this.#lanes(r.prim, r.lane);
    l.splice(r.pos, 0, { from: r.from, value: r.value, step, event: events.length });
    events.push({
      kind: "put",
      process: this.#name(r.from),
      primitive: r.prim.name,
      value: r.value,
      key: r.key,
      ...(r.to >= 0 ? { to: this.#name(r.to) } : {}),
      ...this.#laneOf(r.prim, r.lane),
    });
  }

  /** A message taken; one put in the same step turns the put into a hand-off. */
  #take(
    r: Raw & { t: "take" },
    step: number,
    movers: readonly number[],
    events: (TraceEvent | undefined)[],
  ): void {
    const l = this.#lanes(r.prim, r.lane);
    const f = l.splice(r.pos, 1)[0];
    if (f !== undefined && f.step === step && f.event >= 0) {
      // Put and taken in one step: straight from sender to receiver.
      const both = movers.includes(f.from) && movers.includes(r.by);
      events[f.event] = {
        kind: both ? "rendezvous" : "handoff",
        from: this.#name(f.from),
        to: this.#name(r.by),
        primitive: r.prim.name,
        value: f.value,
      };
      return;
    }
    events.push({
      kind: "take",
      process: this.#name(r.by),
      primitive: r.prim.name,
      value: f?.value ?? 0,
      ...(f !== undefined ? { from: this.#name(f.from) } : {}),
      ...this.#laneOf(r.prim, r.lane),
    });
  }

  /** Messages destroyed, and why: their owners exited, or the step's operation. */
  #drop(
    r: Raw & { t: "drop" },
    t: number,
    movers: readonly number[],
    before: Int32Array,
    after: Int32Array,
  ): TraceEvent {
    const l = this.#lanes(r.prim, r.lane);
    const lost = l.splice(r.pos, r.count);
    const exited = movers.filter((pid) =>
      !this.#procs.finished(before, pid) && this.#procs.finished(after, pid)
    );
    const d = this.#words.describe(t);
    return {
      kind: "drop",
      primitive: r.prim.name,
      values: lost.map((f) => f.value),
      senders: lost.map((f) => this.#name(f.from)),
      why: exited.length > 0
        ? `${exited.map((pid) => this.#name(pid)).join(", ")} exited`
        : `${d.process} ${d.operation}`,
    };
  }

  /** A signal generated or delivered. */
  #signalEvent(r: Raw & { t: "gen" | "deliver" }): TraceEvent {
    const signal = r.prim.events?.name(r.signo) ?? `signal ${r.signo}`;
    if (r.t === "gen") {
      return {
        kind: "signal",
        from: this.#name(r.from),
        to: this.#name(r.to),
        signal,
        outcome: r.outcome,
        primitive: r.prim.name,
      };
    }
    return {
      kind: "deliver",
      process: this.#name(r.pid),
      signal,
      ...(r.from >= 0 ? { from: this.#name(r.from) } : {}),
      action: r.action,
      primitive: r.prim.name,
    };
  }
}
