// Private module: the `explanation` facet of a compiled model: transitions,
// states, changes and blocked processes in words, for traces.

import { match } from "ts-pattern";
import type { Interpreter } from "./_interpreter.ts";
import { copyState, type Machine } from "./_machine.ts";
import type { BlockedProcess, Change, Explanation, PropertyInfo, TransitionInfo } from "./model.ts";
import { OP_CHOICES, RENDEZVOUS_RECV, RENDEZVOUS_SEND } from "./_automaton.ts";
import { isTemplate } from "./templates.ts";
import { formatVar } from "./_views.ts";

/** What transition `transition` of `machine` is. */
export function describeTransition(machine: Machine, transition: number): TransitionInfo {
  const t = machine.trans[transition];
  if (t === undefined) return { process: "?", step: "?", operation: `transition ${transition}` };
  const inst = machine.insts[t.pid]!;
  if (t.kind === "deliver") {
    return {
      process: inst.name,
      step: "signal",
      operation: t.early ? "takes a signal just before its call" : "takes a signal",
    };
  }
  const pc = inst.type.pcs[t.pc]!;
  const step = pc.labels[0] ?? pc.name;
  const source = t.edge.src !== undefined ? { source: t.edge.src } : {};
  if (t.kind === "joint") {
    const other = machine.insts[t.joint.receiverPid]!;
    return {
      process: inst.name,
      step,
      operation: `${t.edge.op!.text} -> ${other.name} ${t.joint.receiverEdge.op!.text}`,
      ...source,
    };
  }
  const choice = t.edge.kind === OP_CHOICES
    ? ` [${t.edge.op!.choiceText?.(t.choice) ?? `outcome ${t.choice}`}]`
    : "";
  return { process: inst.name, step, operation: t.edge.text + choice, ...source };
}

/** The explanation facet over an interpreter. */
export class Explainer implements Explanation {
  readonly #run: Interpreter;
  readonly #machine: Machine;

  /** @param run The interpreter (its work buffer evaluates properties). */
  constructor(run: Interpreter) {
    this.#run = run;
    this.#machine = run.machine;
  }

  explain(property: number, state: Int32Array): string {
    const layout = this.#machine.layout;
    const info: PropertyInfo | undefined = layout.props[property];
    if (info === undefined) return `unknown property ${property}`;
    copyState(this.#machine.w, state);
    return match(info.kind)
      .with("invariant", "final", () => {
        const decl = [...layout.invariants, ...layout.finals].find((d) => d.prop === property)!;
        const r = this.#run.evalProp(decl.pred, property);
        const what = info.kind === "invariant" ? "invariant" : "final property";
        return typeof r === "string"
          ? `${what} '${info.name}' violated: ${r}`
          : `${what} '${info.name}' violated`;
      })
      .with("deadlock", () => {
        const b = this.blocked(state);
        return `deadlock: ${b.length} process${b.length === 1 ? "" : "es"} blocked`;
      })
      .with("assertion", () => `assertion '${info.name}' failed`)
      .with("primitive", () => info.name)
      .with("bound", () => `exploration bound '${info.name}' reached`)
      .with("liveness", () => `liveness property '${info.name}' violated`)
      .with("step", () => `step property '${info.name}' violated`)
      .exhaustive();
  }

  describe(transition: number): TransitionInfo {
    return describeTransition(this.#machine, transition);
  }

  diff(before: Int32Array, after: Int32Array): Change[] {
    const out: Change[] = [];
    const { layout, insts, pidName } = this.#machine;
    for (const v of layout.globals) {
      const a = formatVar(before, layout.globalBase, v), b = formatVar(after, layout.globalBase, v);
      if (a !== b) out.push({ name: v.name, before: a, after: b });
    }
    for (const prim of layout.prims) {
      if (isTemplate(prim)) continue; // ghost state: its verdicts speak for it
      const off = layout.primOff.get(prim)!;
      const a = prim.format(before, off, pidName), b = prim.format(after, off, pidName);
      if (a !== b) out.push({ name: prim.name, before: a, after: b });
    }
    for (const inst of insts) {
      for (const v of inst.type.vars) {
        const a = formatVar(before, inst.base, v), b = formatVar(after, inst.base, v);
        if (a !== b) out.push({ name: `${inst.name}.${v.name}`, before: a, after: b });
      }
    }
    return out;
  }

  blocked(state: Int32Array): BlockedProcess[] {
    const out: BlockedProcess[] = [];
    const { layout, insts, events, eventsOff, pidName } = this.#machine;
    for (const inst of insts) {
      const pcIndex = state[inst.pcOff]!;
      if (inst.type.valid[pcIndex] === 1) continue;
      const pc = inst.type.pcs[pcIndex]!;
      const holds = layout.prims
        .filter((prim) => prim.holds?.(state, layout.primOff.get(prim)!, inst.pid) === true)
        .map((prim) => prim.name);
      if (events?.stopped(state, eventsOff, inst.pid) === true) {
        out.push({ process: inst.name, step: pc.name, waitsOn: ["SIGCONT (stopped)"], holds });
        continue;
      }
      const waitsOn = pc.edges.map((e) => {
        if (e.op === undefined) return e.text;
        const off = layout.primOff.get(e.op.prim)!;
        const holder = e.op.prim.kind === "mutex" ? state[off]! - 1 : -1;
        if (e.kind === RENDEZVOUS_SEND) return `${e.op.text} (no receiver ready)`;
        if (e.kind === RENDEZVOUS_RECV) return `${e.op.text} (no sender ready)`;
        return holder >= 0
          ? `${e.op.text} (held by ${pidName(holder)})`
          : `${e.op.text} (${e.op.prim.name} = ${e.op.prim.format(state, off, pidName)})`;
      });
      out.push({ process: inst.name, step: pc.name, waitsOn, holds });
    }
    return out;
  }

  format(state: Int32Array): string {
    const { layout, insts, pidName } = this.#machine;
    const parts: string[] = [];
    for (const v of layout.globals) {
      parts.push(`${v.name}=${formatVar(state, layout.globalBase, v)}`);
    }
    for (const prim of layout.prims) {
      parts.push(`${prim.name}=${prim.format(state, layout.primOff.get(prim)!, pidName)}`);
    }
    for (const inst of insts) {
      const pcIndex = state[inst.pcOff]!;
      const where = pcIndex === inst.type.endPc
        ? "end"
        : inst.type.pcs[pcIndex]?.name ?? `pc ${pcIndex}`;
      const locals = inst.type.vars.map((v) => `${v.name}=${formatVar(state, inst.base, v)}`);
      parts.push(`${inst.name}@${where}${locals.length > 0 ? `{${locals.join(",")}}` : ""}`);
    }
    return parts.join(" ");
  }
}
