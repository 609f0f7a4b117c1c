// Private module: the interpreter of a compiled system, the core of its
// Model: initial states, successors, invariants, end states.
//
// It fires transitions in the machine's work buffer `w`: it copies the state
// in, runs an edge (guards and effects see `w` through the views), hands the
// successor in `w` to the sink and copies the state back. Generated code
// (`_codegen.ts`), when the model has it, does the same per process with
// the dispatch unrolled; the interpreter stays the reference (and keeps the
// choice between an atomic block's owner and the others, for both).

import type { Ctx } from "./_ast.ts";
import { deliver, type DeliveryHost } from "./_delivery.ts";
import type { GenCursor, InstExpander } from "./_codegen.ts";
import {
  copyState,
  type Instance,
  type Joint,
  type Machine,
  stateViewOver,
  stripWhere,
} from "./_machine.ts";
import type { SuccessorSink } from "./model.ts";
import { Visibility } from "./_por.ts";
import {
  ASSERT,
  assertNever,
  DO,
  type Edge,
  GUARDED,
  IF_FALSE,
  IF_TRUE,
  OP,
  OP_CHOICES,
  RENDEZVOUS_RECV,
  RENDEZVOUS_SEND,
  SKIP,
  TIMEOUT,
  WHEN,
} from "./_automaton.ts";
import type { StateView, StepInfo } from "./_types.ts";
import { errorText, SpecError } from "./spec_error.ts";
import { ArraySync, initVars, makeViewClass } from "./_views.ts";
import { runningSlots } from "./_running.ts";

/** Runs a machine: the core of a compiled model. */
export class Interpreter implements DeliveryHost {
  readonly machine: Machine;
  /** What the invariants have queried (for partial-order reduction). */
  readonly visibility = new Visibility();
  /** What state predicates see of the work buffer. */
  readonly stateView: StateView<unknown>;
  /** Where generated code notes the transition it fires. */
  readonly cursor: GenCursor = { cur: -1, partner: false };
  /** Generated expanders per pid, or undefined to interpret. */
  generated: readonly InstExpander[] | undefined;
  /** Generated expanders of the `timeout` pass per pid (with `generated`, when some step waits for it). */
  generatedTimeouts: readonly InstExpander[] | undefined;
  /** Some step waits for `timeout`: a state where nothing else moves gets a second pass. */
  readonly hasTimeout: boolean;
  /** The `timeout` pass is running: only `timeout` edges fire. */
  #timeoutPass = false;
  /** The sink asked to stop the current expansion. */
  halted = false;
  /** Expanding one process alone: the owner of an atomic block, or for coverage. */
  ownerOnly = false;
  /** The transition being fired, for error messages. */
  current = -1;
  /** Where the transition being fired is published for a watchdog (see `_running.ts`). */
  readonly published: Int32Array<ArrayBufferLike> = runningSlots();
  /** The model's id in the published slots. */
  id = 0;
  /** Step properties read the state before the step here. */
  readonly #before: Int32Array;
  readonly #beforeSync: ArraySync;
  readonly #beforeView: StateView<unknown>;
  readonly #stepInfo: readonly StepInfo[];
  readonly #atomic: boolean;
  /** The receiver's half of the rendezvous being fired failed. */
  #failInPartner = false;

  /**
   * @param machine The compiled system.
   * @param stepInfo Per transition: what step properties learn of it.
   */
  constructor(machine: Machine, stepInfo: readonly StepInfo[]) {
    this.machine = machine;
    this.#stepInfo = stepInfo;
    this.#atomic = machine.layout.hasAtomic;
    const layout = machine.layout;
    this.hasTimeout = layout.types.some((t) =>
      t.pcs.some((pc) => pc.edges.some((e) => e.kind === TIMEOUT))
    );
    this.stateView = stateViewOver(machine, machine.w, machine.globals, this.visibility);
    // Step properties read the state before the step through a second set
    // of views over their own buffer.
    const before = new Int32Array(layout.width);
    this.#before = before;
    this.#beforeSync = new ArraySync(before, machine.env);
    const BeforeGlobals = makeViewClass(
      before,
      layout.globals,
      machine.env,
      "",
      this.#beforeSync,
      machine.access,
    );
    const beforeGlobals = new BeforeGlobals(layout.globalBase, "");
    this.#beforeView = stateViewOver(machine, before, beforeGlobals, this.visibility);
  }

  init(emit: (state: Int32Array) => void): void {
    const { w, layout, insts, exitHooks } = this.machine;
    w.fill(0);
    initVars(w, layout.globalBase, layout.globals);
    for (const prim of layout.prims) prim.init(w, layout.primOff.get(prim)!);
    for (const inst of insts) {
      // A dormant slot of a dynamic kind waits at its end for a fork.
      w[inst.pcOff] = inst.type.dynamic ? inst.type.endPc : inst.type.entry;
      initVars(w, inst.base, inst.type.vars);
    }
    // A process with an empty body has finished before anything runs.
    for (const inst of insts) {
      if (inst.type.entry === inst.type.endPc && exitHooks.length > 0) this.exit(inst.pid);
    }
    emit(w);
  }

  expand(state: Int32Array, sink: SuccessorSink): number {
    const w = this.machine.w;
    this.published[1] = this.id;
    this.published[2]! += 1;
    copyState(w, state);
    // Set when the sink asks to stop: the work buffer then holds a
    // successor, so nothing more may be evaluated on it.
    this.halted = false;
    try {
      const n = this.#expandAll(state, sink);
      return n === 0 && this.hasTimeout ? this.#expandTimeouts(state, sink) : n;
    } catch (e) {
      this.#timeoutPass = false;
      if (this.generated !== undefined) {
        this.current = this.cursor.cur;
        this.#failInPartner = this.cursor.partner;
      }
      this.ownerOnly = false;
      this.recover(state);
      throw this.wrap(e);
    }
  }

  /** Every transition but those waiting for `timeout`. */
  #expandAll(state: Int32Array, sink: SuccessorSink): number {
    if (this.#atomic) return this.#expandAtomic(state, sink);
    let n = 0;
    const gen = this.generated;
    if (gen !== undefined) {
      for (let i = 0; i < gen.length && !this.halted; i++) n += gen[i]!(state, sink);
      return n;
    }
    const insts = this.machine.insts;
    for (let i = 0; i < insts.length && !this.halted; i++) {
      n += this.expandInstance(insts[i]!, state, sink);
    }
    return n;
  }

  /**
   * Nothing else is enabled: the `timeout` transitions of every process
   * (Promela's `timeout`; an atomic block has lost the floor, as its owner
   * cannot move either).
   */
  #expandTimeouts(state: Int32Array, sink: SuccessorSink): number {
    let n = 0;
    const gen = this.generatedTimeouts;
    const insts = this.machine.insts;
    this.#timeoutPass = true;
    for (let i = 0; i < insts.length && !this.halted; i++) {
      n += gen !== undefined ? gen[i]!(state, sink) : this.expandInstance(insts[i]!, state, sink);
    }
    this.#timeoutPass = false;
    return n;
  }

  /**
   * With atomic blocks: the owner of the floor alone, if it can move; else
   * everyone else (through the generated expanders when the model has them).
   */
  #expandAtomic(state: Int32Array, sink: SuccessorSink): number {
    const insts = this.machine.insts;
    const gen = this.generated;
    const owner = state[0]!;
    if (owner > 0) {
      this.ownerOnly = true;
      const n = gen !== undefined
        ? gen[owner - 1]!(state, sink, true)
        : this.expandInstance(insts[owner - 1]!, state, sink);
      this.ownerOnly = false;
      if (n > 0) return n;
    }
    let n = 0;
    for (let i = 0; i < insts.length && !this.halted; i++) {
      if (i === owner - 1) continue;
      n += gen !== undefined ? gen[i]!(state, sink) : this.expandInstance(insts[i]!, state, sink);
    }
    return n;
  }

  /** After an error: views read-only, pending array writes dropped, `w` back to `state`. */
  recover(state: Int32Array): void {
    this.machine.env.writable = false;
    this.machine.sync.reset();
    copyState(this.machine.w, state);
  }

  /** The error `e`, thrown while firing the current transition, as a SpecError naming it. */
  wrap(e: unknown): SpecError {
    if (e instanceof SpecError) return e;
    const { layout, insts, trans } = this.machine;
    const spec = layout.spec;
    const t = trans[this.current];
    if (t === undefined) return new SpecError(errorText(e), { spec, cause: e });
    const inst = insts[t.pid]!;
    if (t.kind === "deliver") {
      return new SpecError(stripWhere(errorText(e)), {
        spec,
        process: inst.name,
        step: "signal handler",
        cause: e,
      });
    }
    const partner = t.kind === "joint" && this.#failInPartner;
    const edge = partner ? t.joint.receiverEdge : t.edge;
    const who = partner ? insts[t.joint.receiverPid]! : inst;
    return new SpecError(stripWhere(errorText(e)), {
      spec,
      process: who.name,
      step: edge.name,
      source: edge.src,
      cause: e,
    });
  }

  /**
   * Hands the successor in `w` to the sink, after the step properties (if
   * any) have judged the step from `state` to it; a failing one is reported
   * as a failure of the transition instead. False when the sink says stop.
   */
  emit(sink: SuccessorSink, tid: number, state: Int32Array): boolean {
    const steps = this.machine.layout.steps;
    if (steps.length === 0) return this.#push(sink, tid);
    const { sync, layout } = this.machine;
    copyState(this.#before, state);
    const info = this.#stepInfo[tid]!;
    for (let i = 0; i < steps.length; i++) {
      const d = steps[i]!;
      let r: boolean | string;
      // What a step property queries is visible, as for invariants; the
      // reduction also sees whether it read the state at all.
      this.visibility.tracking = true;
      try {
        r = d.pred(this.#beforeView, info, this.stateView);
        this.visibility.tracking = false;
        if (sync.count > 0) sync.flush(false);
        if (this.#beforeSync.count > 0) this.#beforeSync.flush(false);
      } catch (e) {
        this.visibility.tracking = false;
        sync.reset();
        this.#beforeSync.reset();
        throw new SpecError(`property '${d.name}' threw: ${stripWhere(errorText(e))}`, {
          spec: layout.spec,
          cause: e,
        });
      }
      if (r === true) continue;
      if (typeof r !== "boolean" && typeof r !== "string") {
        throw new SpecError(`property '${d.name}' must return a boolean or a string`, {
          spec: layout.spec,
        });
      }
      const why = typeof r === "string" ? `: ${r}` : "";
      sink.fail(d.prop, tid, `step property '${d.name}' violated${why}`);
      return true;
    }
    return this.#push(sink, tid);
  }

  #push(sink: SuccessorSink, tid: number): boolean {
    if (sink.push(this.machine.w, tid)) return true;
    this.halted = true;
    return false;
  }

  /** Notes that the sink asked to stop (generated code pushes by itself). */
  halt(): void {
    this.halted = true;
  }

  /** Pushes every successor of one process in `state` (already in `w`); returns how many. */
  expandInstance(inst: Instance, state: Int32Array, sink: SuccessorSink): number {
    const { w, env, sync, events } = this.machine;
    this.halted = false;
    if (events !== undefined) {
      // A pending, unblocked signal is delivered on the next return to user
      // mode (§6.3): before the process takes any step of its own.
      const off = this.machine.eventsOff;
      if (events.deliverable(w, off, inst.pid)) return deliver(this, inst, events, state, sink);
      if (events.stopped(w, off, inst.pid)) return 0;
    }
    const pc = w[inst.pcOff]!;
    const edges = inst.type.pcs[pc]!.edges;
    const tids = inst.tids[pc]!;
    const ctx = inst.ctx;
    const onlyTimeout = this.#timeoutPass;
    let n = 0;
    for (let e = 0; e < edges.length; e++) {
      const edge = edges[e]!;
      const tid = tids[e]!;
      this.current = this.published[0] = tid;
      const kind = edge.kind;
      if (onlyTimeout && kind !== TIMEOUT) continue;
      switch (kind) {
        case DO:
          runEffect(edge, ctx, env, sync);
          break;
        case WHEN:
        case IF_TRUE:
          if (!guardHolds(edge, ctx, sync, true)) continue;
          break;
        case IF_FALSE:
          if (!guardHolds(edge, ctx, sync, false)) continue;
          if (edge.fn !== undefined) runEffect(edge, ctx, env, sync); // s.for's exit: the reset
          break;
        case GUARDED:
          if (!guardHolds(edge, ctx, sync, true)) continue;
          runEffect(edge, ctx, env, sync);
          break;
        case TIMEOUT:
          // Fired only in the `timeout` pass, when nothing else was enabled.
          if (!onlyTimeout) continue;
          if (edge.fn !== undefined) runEffect(edge, ctx, env, sync);
          break;
        case SKIP:
          break;
        case ASSERT:
          n++;
          if (!assertionHolds(edge, ctx, sync, tid, sink)) continue;
          if (!this.#advance(inst, edge, tid, state, sink)) return n;
          continue;
        case OP: {
          const r = this.#fireOp(inst, edge, tid, state, sink);
          if (r === 0) continue;
          if (r === 1) {
            n++;
            continue;
          }
          break;
        }
        case OP_CHOICES:
          n += this.#fireChoices(inst, edge, tid, state, sink);
          if (this.halted) return n;
          continue;
        case RENDEZVOUS_SEND:
        case RENDEZVOUS_RECV:
          // A rendezvous is fired from the sender's side, and from the
          // receiver's side only for a process alone on the floor of an
          // atomic block (whose partners are not expanded then).
          if (kind === RENDEZVOUS_RECV && !this.ownerOnly) continue;
          n += this.#fireJoints(inst.joints[pc]![e]!, state, sink);
          if (this.halted) return n;
          continue;
        default:
          assertNever(kind);
      }
      n++;
      if (!this.#advance(inst, edge, tid, state, sink)) return n;
    }
    return n;
  }

  /** Moves `inst` along `edge`, emits the successor, restores `w`; false to stop. */
  #advance(inst: Instance, edge: Edge, tid: number, state: Int32Array, sink: SuccessorSink) {
    this.machine.w[inst.pcOff] = edge.to;
    this.afterEdge(inst, edge);
    if (!this.emit(sink, tid, state)) return false;
    copyState(this.machine.w, state);
    return true;
  }

  /** An operation with one outcome: 0 not enabled, 1 failed (reported), 2 fired in `w`. */
  #fireOp(inst: Instance, edge: Edge, tid: number, state: Int32Array, sink: SuccessorSink) {
    const { w, env, sync, pidName } = this.machine;
    const op = edge.op!;
    if (!op.enabled(w, edge.primOff, inst.pid, inst.ctx)) return 0;
    env.writable = true;
    const err = op.apply(w, edge.primOff, inst.pid, inst.ctx, pidName, 0);
    if (sync.count > 0) sync.flush(true);
    env.writable = false;
    if (err === undefined) return 2;
    copyState(w, state);
    sink.fail(edge.prop, tid, err);
    return 1;
  }

  /** An operation with several outcomes: one transition each. Returns how many. */
  #fireChoices(inst: Instance, edge: Edge, tid: number, state: Int32Array, sink: SuccessorSink) {
    const { w, env, sync, pidName } = this.machine;
    const op = edge.op!;
    const k = op.choices!(w, edge.primOff, inst.pid, inst.ctx);
    if (k > op.maxChoices!) {
      throw new RangeError(
        `${op.text} offers ${k} outcomes, more than its maximum ${op.maxChoices}`,
      );
    }
    let n = 0;
    for (let c = 0; c < k; c++) {
      this.current = this.published[0] = tid + c;
      n++;
      env.writable = true;
      const err = op.apply(w, edge.primOff, inst.pid, inst.ctx, pidName, c);
      if (sync.count > 0) sync.flush(true);
      env.writable = false;
      if (err !== undefined) {
        copyState(w, state);
        sink.fail(edge.prop, tid + c, err);
        continue;
      }
      if (!this.#advance(inst, edge, tid + c, state, sink)) return n;
    }
    return n;
  }

  /** The rendezvous of one edge whose partner is ready. Returns how many fired. */
  #fireJoints(joints: readonly Joint[], state: Int32Array, sink: SuccessorSink): number {
    const { w, env, sync, insts } = this.machine;
    let n = 0;
    for (let k = 0; k < joints.length; k++) {
      const jt = joints[k]!;
      const sender = insts[jt.senderPid]!;
      const receiver = insts[jt.receiverPid]!;
      if (w[sender.pcOff] !== jt.senderPc || w[receiver.pcOff] !== jt.receiverPc) continue;
      this.current = this.published[0] = jt.tid;
      n++;
      this.#failInPartner = false;
      const v = jt.senderEdge.op!.value!(sender.ctx);
      if (sync.count > 0) sync.flush(false);
      this.#failInPartner = true;
      env.writable = true;
      jt.receiverEdge.op!.into!(receiver.ctx, v);
      if (sync.count > 0) sync.flush(true);
      jt.senderEdge.op!.onJoint?.(w, jt.senderPid, jt.receiverPid, v);
      env.writable = false;
      this.#failInPartner = false;
      w[sender.pcOff] = jt.senderEdge.to;
      w[receiver.pcOff] = jt.receiverEdge.to;
      if (this.#atomic) w[0] = 0;
      if (jt.senderEdge.to === sender.type.endPc) this.finished(sender);
      if (jt.receiverEdge.to === receiver.type.endPc) this.finished(receiver);
      if (!this.emit(sink, jt.tid, state)) return n;
      copyState(w, state);
    }
    return n;
  }

  /** After `inst` took `edge`: who holds the atomic floor, and whether it finished. */
  afterEdge(inst: Instance, edge: Edge): void {
    if (this.#atomic) this.machine.w[0] = edge.keepsAtomic ? inst.pid + 1 : 0;
    if (edge.to === inst.type.endPc) this.finished(inst);
  }

  /**
   * A process reached the end of its body: it exits, unless a signal its
   * last step made deliverable (a `kill` to self) must be delivered first
   * (§6.3: before the call returns); the exit then follows that delivery.
   */
  finished(inst: Instance): void {
    const { exitHooks, events, w, eventsOff } = this.machine;
    if (exitHooks.length === 0) return;
    if (events?.deliverable(w, eventsOff, inst.pid) === true) return;
    this.exit(inst.pid);
  }

  /** A process finished: primitives release what it held (descriptors, owned mailboxes). */
  exit(pid: number): void {
    const { exitHooks, w, layout } = this.machine;
    for (let i = 0; i < exitHooks.length; i++) {
      const prim = exitHooks[i]!;
      prim.onExit!(w, layout.primOff.get(prim)!, pid);
    }
  }

  check(state: Int32Array): number {
    const inv = this.machine.layout.invariants;
    if (inv.length === 0) return -1;
    if (state !== this.machine.w) copyState(this.machine.w, state);
    this.published[0] = -1;
    this.published[2]! += 1;
    this.visibility.tracking = true;
    try {
      for (let i = 0; i < inv.length; i++) {
        const r = this.evalProp(inv[i]!.pred, inv[i]!.prop);
        if (r !== true) return inv[i]!.prop;
      }
    } finally {
      this.visibility.tracking = false;
    }
    return -1;
  }

  /** Evaluates a state predicate on `w`, as property `prop`. */
  evalProp(pred: (v: StateView<unknown>) => boolean | string, prop: number): boolean | string {
    const { sync, layout } = this.machine;
    try {
      const r = pred(this.stateView);
      if (sync.count > 0) sync.flush(false);
      if (typeof r !== "boolean" && typeof r !== "string") {
        throw new TypeError(`must return a boolean or a string, got ${String(r)}`);
      }
      return r;
    } catch (e) {
      sync.reset();
      throw new SpecError(
        `property '${layout.props[prop]!.name}' threw: ${stripWhere(errorText(e))}`,
        { spec: layout.spec, cause: e },
      );
    }
  }

  stuck(state: Int32Array): number {
    const { insts, layout } = this.machine;
    for (const inst of insts) {
      if (inst.type.valid[state[inst.pcOff]!] !== 1) return layout.deadlockProp;
    }
    copyState(this.machine.w, state);
    for (const f of layout.finals) {
      if (this.evalProp(f.pred, f.prop) !== true) return f.prop;
    }
    return -1;
  }
}

/** Runs an edge's effect with the views writable. */
function runEffect(edge: Edge, ctx: Ctx, env: { writable: boolean }, sync: ArraySync): void {
  env.writable = true;
  edge.fn!(ctx);
  if (sync.count > 0) sync.flush(true);
  env.writable = false;
}

/** Whether a guard or condition evaluates to `want` (else the edge is not enabled). */
function guardHolds(edge: Edge, ctx: Ctx, sync: ArraySync, want: boolean): boolean {
  const r = edge.guard!(ctx);
  if (sync.count > 0) sync.flush(false);
  if (r === want) return true;
  if (r !== !want) {
    throw new TypeError(
      want
        ? `the guard must return a boolean, got ${String(r)}`
        : `the condition must return a boolean, got ${String(r)}`,
    );
  }
  return false;
}

/** Whether an assertion holds; when it fails, reports it to the sink. */
function assertionHolds(
  edge: Edge,
  ctx: Ctx,
  sync: ArraySync,
  tid: number,
  sink: SuccessorSink,
): boolean {
  const r = (edge.guard as unknown as (c: Ctx) => boolean | string)(ctx);
  if (sync.count > 0) sync.flush(false);
  if (r === true) return true;
  if (r !== false && typeof r !== "string") {
    throw new TypeError(`the assertion must return a boolean or a string, got ${String(r)}`);
  }
  sink.fail(
    edge.prop,
    tid,
    typeof r === "string"
      ? `assertion '${edge.name}' failed: ${r}`
      : `assertion '${edge.name}' failed`,
  );
  return false;
}
