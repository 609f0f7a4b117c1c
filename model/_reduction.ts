// Private module: the `reduction` facet of a compiled model, the dynamic
// half of partial-order reduction (`_por.ts` is the static half): per
// state, whether some process may be expanded alone (an ample set).

import type { PrimitiveImpl } from "./_ast.ts";
import type { Interpreter } from "./_interpreter.ts";
import { copyState, type Instance, type Machine } from "./_machine.ts";
import type { PartialOrderReduction, SuccessorSink } from "./model.ts";
import { BufferSink, conflicts, futureFootprints, tapped, touches, type Union } from "./_por.ts";
import { type ProcType, RENDEZVOUS_RECV, RENDEZVOUS_SEND, TIMEOUT } from "./_automaton.ts";

/** Partial-order reduction over an interpreter (and its generated code). */
export class AmpleSets implements PartialOrderReduction {
  readonly #run: Interpreter;
  readonly #machine: Machine;
  /** Why the model offers no reduction, or undefined when it does. */
  readonly #off: string | undefined;
  /**
   * Per process kind, per pc: 0 never ample, 1 steps only, 2 with
   * operations to check. Built on the first {@linkcode AmpleSets.ample}
   * call, with `#future`: a model expanded only fully (a drive, an
   * unreduced search) never pays for them.
   */
  #amplePc: Map<ProcType, Uint8Array> | undefined;
  /** Per process kind, per pc: what the process may still do to each primitive. */
  readonly #future = new Map<ProcType, Map<PrimitiveImpl, Union>[]>();
  readonly #buffer: BufferSink;

  /** @param run The interpreter whose states are reduced. */
  constructor(run: Interpreter) {
    this.#run = run;
    const machine = run.machine;
    this.#machine = machine;
    const layout = machine.layout;
    this.#off = layout.hasAtomic
      ? "atomic blocks"
      : machine.events !== undefined
      ? "signals"
      : layout.steps.length > 0
      ? "step properties"
      : undefined;
    this.#buffer = new BufferSink(layout.width);
  }

  /** The per-pc tables, built the first time they are needed. */
  #tables(): Map<ProcType, Uint8Array> {
    if (this.#amplePc !== undefined) return this.#amplePc;
    const amplePc = new Map<ProcType, Uint8Array>();
    for (const t of this.#machine.layout.types) {
      this.#future.set(t, futureFootprints(t.pcs));
      amplePc.set(t, Uint8Array.from(t.pcs, (pc) => this.#pcCode(t, pc.edges)));
    }
    return (this.#amplePc = amplePc);
  }

  /** Whether a pc can be ample: 0 never, 1 steps only, 2 with operations to check. */
  #pcCode(t: ProcType, edges: ProcType["pcs"][number]["edges"]): number {
    let code = 1;
    for (const e of edges) {
      // A rendezvous moves two processes; an exit runs the primitives'
      // exit hooks; a watched primitive writes its watchers' slots.
      if (e.kind === RENDEZVOUS_SEND || e.kind === RENDEZVOUS_RECV) return 0;
      // A `timeout` step depends on every transition of the system (it is
      // enabled exactly when none is): never part of an ample set.
      if (e.kind === TIMEOUT) return 0;
      if (e.to === t.endPc && this.#machine.exitHooks.length > 0) return 0;
      if (e.op !== undefined) {
        if (tapped(e.op.prim) || e.op.prim.onExit !== undefined) return 0;
        code = 2;
      }
    }
    return code;
  }

  /** Grows whenever invariants query something new: a reduced search made before must be redone. */
  get epoch(): number {
    return this.#run.visibility.epoch;
  }

  /** Why {@linkcode AmpleSets.ample} never reduces, or undefined. */
  get off(): string | undefined {
    return this.#off;
  }

  /**
   * When some process may be expanded alone in `state`, pushes its
   * successors (all of them: every enabled transition of that process) and
   * returns how many; else pushes nothing and returns -1. The caller
   * enforces the cycle proviso.
   *
   * Process P qualifies when every edge at its pc is
   * - independent of every transition any other process may take before P
   *   moves: a guard or effect that made no access through the globals'
   *   view read and wrote only P's own locals (no other process's code can
   *   reach them: guards and effects see only their own locals), so it
   *   commutes with everything others do, and others cannot enable, disable
   *   or change it (it is a pure function of P's locals); an operation's
   *   footprint conflicts with nothing any other process can still reach
   *   (from its pc, over its automaton) on that primitive, no other
   *   unfinished process declares buffer queries on it (`len`, `empty`,
   *   `full` read all of it), and any code it runs (values sent, where
   *   results go) stays within P's locals (a query by P itself counts as a
   *   global access);
   * - invisible: it changes nothing the invariants have queried (a region
   *   or label count, progress, finished, a primitive's value); the
   *   globals they read are never written by a qualifying edge;
   * - not a failure (an assertion, an operation error, a bound): those
   *   are found when P is expanded later, as nothing can change them;
   * and P has an enabled transition. Rendezvous, exits that run exit
   * hooks and watched primitives never qualify; atomic blocks, signals and
   * step properties turn the reduction off.
   */
  ample(state: Int32Array, sink: SuccessorSink): number {
    if (this.#off !== undefined) return -1;
    const amplePc = this.#tables();
    const insts = this.#machine.insts;
    for (let i = 0; i < insts.length; i++) {
      const inst = insts[i]!;
      const pc = state[inst.pcOff]!;
      if (pc === inst.type.endPc) continue;
      const code = amplePc.get(inst.type)![pc]!;
      if (code === 0) continue;
      if (code === 2 && !this.#opsIndependent(inst, pc, state)) continue;
      if (this.#visible(inst.type, pc)) continue;
      const n = this.#expandAlone(inst, state);
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
   * accessed), or -2 when it threw (the full expansion reports the error).
   */
  #expandAlone(inst: Instance, state: Int32Array): number {
    const buf = this.#buffer;
    const run = this.#run;
    const machine = this.#machine;
    buf.reset();
    const before = machine.access.n;
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
    return n;
  }

  /** Whether no other process can still touch what the operations at `pc` of `inst` touch. */
  #opsIndependent(inst: Instance, pc: number, state: Int32Array): boolean {
    const edges = inst.type.pcs[pc]!.edges;
    const insts = this.#machine.insts;
    for (const e of edges) {
      if (e.op === undefined) continue;
      for (const [prim, fp] of touches(e.op)) {
        for (let j = 0; j < insts.length; j++) {
          const q = insts[j]!;
          if (q === inst) continue;
          const qpc = state[q.pcOff]!;
          if (qpc === q.type.endPc) continue;
          // A process that declares queries on the buffer may read all of
          // it (len, empty, full) from any position.
          if (q.type.queries.has(prim) && (fp.writes === "all" || fp.writes.length > 0)) {
            return false;
          }
          const u = this.#future.get(q.type)![qpc]!.get(prim);
          if (u !== undefined && conflicts(fp, u)) return false;
        }
      }
    }
    return true;
  }

  /** Whether an edge at `pc` may change something an invariant has queried. */
  #visible(type: ProcType, pc: number): boolean {
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
