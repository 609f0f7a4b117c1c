// Private module: the `reduction` facet of a compiled model, the dynamic
// half of partial-order reduction (`_por.ts` and `_ample_tables.ts` are the
// static half): per state, whether some process may be expanded alone (an
// ample set).

import type { AsyncEvents } from "./_ast.ts";
import type { Interpreter } from "./_interpreter.ts";
import { copyState, type Instance, type Machine } from "./_machine.ts";
import type { PartialOrderReduction, SuccessorSink } from "./model.ts";
import { BufferSink, touches } from "./_por.ts";
import { ampleTables, type KindTables, NEVER, OPS } from "./_ample_tables.ts";
import type { ProcType } from "./_automaton.ts";

/** Partial-order reduction over an interpreter (and its generated code). */
export class AmpleSets implements PartialOrderReduction {
  readonly #run: Interpreter;
  readonly #machine: Machine;
  /** Per pid: the tables of its kind. */
  #tables: KindTables[] | undefined;
  /** Per pid: the index of its kind in the layout (the conflict tables' first index). */
  readonly #kind: Int32Array;
  readonly #atomic: boolean;
  readonly #events: AsyncEvents | undefined;
  readonly #buffer: BufferSink;
  /** Per kind, per pc: -1 not known yet, 0 invisible, 1 visible (for `#seenEpoch`). */
  readonly #visible: Int8Array[];
  /** Why this model is never reduced, if it is not. */
  readonly #off: string | undefined;
  #seenEpoch = -1;

  /** @param run The interpreter whose states are reduced. */
  constructor(run: Interpreter) {
    this.#run = run;
    const machine = run.machine;
    this.#machine = machine;
    const layout = machine.layout;
    this.#atomic = layout.hasAtomic;
    this.#events = machine.events;
    this.#kind = Int32Array.from(machine.insts, (inst) => layout.types.indexOf(inst.type));
    this.#visible = layout.types.map((t) => new Int8Array(t.pcs.length));
    this.#buffer = new BufferSink(layout.width);
    // A dormant slot sits at its end and has no future steps, yet a fork
    // starts its body: the tables cannot foresee what it will touch.
    this.#off = layout.types.some((t) => t.dynamic)
      ? "dynamic processes (fork/spawn start processes whose steps no footprint foresees)"
      : undefined;
  }

  /**
   * Per pid: the conflict tables of its kind, built on the first
   * {@linkcode AmpleSets.ample} call, so that a model only ever expanded in
   * full (a drive, an unreduced search) never pays for them.
   */
  #kindTables(): KindTables[] {
    if (this.#tables !== undefined) return this.#tables;
    const machine = this.#machine;
    const layout = machine.layout;
    const evPrim = machine.events === undefined
      ? undefined
      : layout.prims.find((p) => p.events === machine.events);
    const kinds = ampleTables({
      types: layout.types,
      exitHooks: machine.exitHooks.length > 0,
      events: evPrim,
    });
    return (this.#tables = machine.insts.map((inst) => kinds[layout.types.indexOf(inst.type)]!));
  }

  /** Grows whenever invariants or step properties query something new: a reduced search made before must be redone. */
  get epoch(): number {
    return this.#run.visibility.epoch;
  }

  /**
   * Set only for a model with dynamic processes: every other compiled model
   * offers ample sets (atomic blocks, signals and step properties included).
   */
  get off(): string | undefined {
    return this.#off;
  }

  /**
   * When some process may be expanded alone in `state`, pushes its
   * successors (all of them: every enabled transition of that process) and
   * returns how many; else pushes nothing and returns -1. The caller
   * enforces the cycle proviso.
   *
   * Process P qualifies when its transitions in `state` (its edges at its
   * pc, or the delivery of its pending signal) are
   * - independent of every transition any other process may take before P
   *   moves: a guard, effect or handler that made no access through the
   *   globals' view read and wrote only P's own locals (no other process's
   *   code can reach them), so it commutes with everything others do, and
   *   others cannot enable, disable or change it; an operation's footprint
   *   conflicts with nothing any other process can still reach on that
   *   primitive (the precomputed tables); and no other process may still
   *   write the signal table, whose entry for P decides whether P's own
   *   steps can fire at all;
   * - invisible: it changes nothing the invariants and step properties have
   *   queried (a region or label count, progress, finished, a primitive's
   *   value; the globals they read are never written by a qualifying
   *   transition), and the step properties, judging it, read nothing of the
   *   state (their verdict on it is then the same wherever it fires);
   * - not a failure (an assertion, an operation error, a bound, a step
   *   property): those are found when P is expanded later, as nothing can
   *   change them;
   * and P has an enabled transition. Inside an atomic block (a process holds
   * the floor) nothing is reduced: only the owner moves there anyway, and a
   * step that takes or keeps the floor is never part of an ample set, so the
   * block counts as one transition of its owner, made of all its steps.
   */
  ample(state: Int32Array, sink: SuccessorSink): number {
    if (this.#off !== undefined || (this.#atomic && state[0] !== 0)) return -1;
    const insts = this.#machine.insts;
    const tables = this.#kindTables();
    for (let i = 0; i < insts.length; i++) {
      const inst = insts[i]!;
      const pc = state[inst.pcOff]!;
      if (pc === inst.type.endPc) continue;
      const t = tables[i]!;
      const code = t.code[pc]!;
      if (code === NEVER) continue;
      const ev = this.#events;
      let delivery = false;
      if (ev !== undefined) {
        const off = this.#machine.eventsOff;
        if (ev.stopped(state, off, inst.pid)) continue;
        delivery = ev.deliverable(state, off, inst.pid);
      }
      if (!this.#independent(inst, pc, state, code, delivery)) continue;
      if (this.#isVisible(inst.type, this.#kind[i]!, pc, delivery)) continue;
      const n = this.#expandAlone(inst, state, delivery);
      if (n === -2) return -1;
      if (n <= 0) continue;
      const buf = this.#buffer;
      for (let k = 0; k < buf.count; k++) if (!sink.push(buf.states[k]!, buf.tids[k]!)) break;
      return n;
    }
    return -1;
  }

  /**
   * Expands `inst` alone into the buffer: the number of its transitions,
   * 0 when it cannot qualify (nothing enabled, a failure, a global
   * accessed, a step property that read the state, a delivery that ended
   * the process), or -2 when it threw (the full expansion reports the
   * error).
   */
  #expandAlone(inst: Instance, state: Int32Array, delivery: boolean): number {
    const buf = this.#buffer;
    const run = this.#run;
    const machine = this.#machine;
    buf.reset();
    const before = machine.access.n;
    const reads = run.visibility.reads;
    copyState(machine.w, state);
    run.halted = false;
    let n: number;
    try {
      const gen = run.generated;
      n = gen !== undefined ? gen[inst.pid]!(state, buf) : run.expandInstance(inst, state, buf);
    } catch {
      run.recover(state);
      return -2;
    }
    if (n === 0 || buf.failed || machine.access.n !== before) return 0;
    if (run.visibility.reads !== reads) return 0;
    if (delivery) {
      // A signal that terminates the process runs the exit hooks.
      for (let k = 0; k < buf.count; k++) {
        if (buf.states[k]![inst.pcOff] === inst.type.endPc) return 0;
      }
    }
    return n;
  }

  /**
   * Whether no other live process can still do anything that conflicts
   * with P's transitions at `pc`: its operations (from the tables), and the
   * signal table: P's steps read P's entry (a pending signal disables
   * them), which any other process's `kill` may write; a delivery writes
   * P's entry, which any operation on the table may read (and, when it
   * interrupts a blocked call, the call's primitive, as the operation at
   * `pc` does).
   */
  #independent(inst: Instance, pc: number, state: Int32Array, code: number, delivery: boolean) {
    const insts = this.#machine.insts;
    const tables = this.#tables!;
    const t = tables[inst.pid]!;
    const ops = code === OPS ? t.opConflicts[pc]! : undefined;
    const events = this.#events !== undefined;
    for (let j = 0; j < insts.length; j++) {
      const q = insts[j]!;
      if (q === inst) continue;
      const qpc = state[q.pcOff]!;
      if (qpc === q.type.endPc) continue;
      if (ops !== undefined && ops[this.#kind[j]!]![qpc] === 1) return false;
      if (events) {
        const qt = tables[j]!;
        if ((delivery ? qt.touchesEvents : qt.writesEvents)[qpc] === 1) return false;
      }
    }
    return true;
  }

  /** Whether a transition of a process of kind `type` at `pc` may change something the properties have queried. */
  #isVisible(type: ProcType, kind: number, pc: number, delivery: boolean): boolean {
    const seen = this.#run.visibility;
    if (delivery && this.#events !== undefined && seen.prims.size > 0) {
      for (const p of seen.prims) if (p.events === this.#events) return true;
    }
    if (seen.epoch !== this.#seenEpoch) {
      for (const v of this.#visible) v.fill(-1);
      this.#seenEpoch = seen.epoch;
    }
    const cache = this.#visible[kind]!;
    let v = cache[pc]!;
    if (v < 0) cache[pc] = v = this.#computeVisible(type, pc) ? 1 : 0;
    return v === 1;
  }

  /** Whether an edge at `pc` may change something an invariant or step property has queried. */
  #computeVisible(type: ProcType, pc: number): boolean {
    const seen = this.#run.visibility;
    for (const e of type.pcs[pc]!.edges) {
      const to = e.to;
      if (seen.finished && to === type.endPc) return true;
      if (seen.progress && type.progressPcs[pc] !== type.progressPcs[to]) return true;
      for (const name of seen.names) {
        const set = type.named.get(name);
        if (set !== undefined && set[pc] !== set[to]) return true;
      }
      if (e.op !== undefined && seen.prims.size > 0) {
        for (const [prim, fp] of touches(e.op)) {
          if (!seen.prims.has(prim)) continue;
          if (fp.writes === "all" || fp.writes.length > 0) return true;
        }
      }
    }
    return false;
  }
}
