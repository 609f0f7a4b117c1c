// Private module: signal delivery in the interpreter (docs/semantics.md
// §6.3–6.4). A process with a pending, unblocked signal takes it before any
// step of its own: it terminates, stops, ignores it, or runs its handler;
// a handler that interrupts a blocked call makes the call return `EINTR`.

import type { AsyncEvents, OpImpl } from "./_ast.ts";
import { type Edge, OP, OP_CHOICES } from "./_automaton.ts";
import { copyState, type Instance, type Machine } from "./_machine.ts";
import type { SuccessorSink } from "./model.ts";
import { Errno } from "./primitives/errno.ts";

/** What delivery needs of the interpreter running it. */
export interface DeliveryHost {
  readonly machine: Machine;
  /** The transition being fired, for error messages. */
  current: number;
  /** Hands the successor in `w` on (step properties first); false to stop. */
  emit(sink: SuccessorSink, tid: number, state: Int32Array): boolean;
  /** After `inst` took `edge`: the atomic floor, and whether it finished. */
  afterEdge(inst: Instance, edge: Edge): void;
  /** `inst` reached its end: it exits (unless a signal comes first). */
  finished(inst: Instance): void;
  /** Runs the primitives' exit hooks for `pid`. */
  exit(pid: number): void;
}

/**
 * Delivers the lowest pending signal to `inst`: terminate, stop, ignore,
 * or run its handler. When the process sits at an interruptible call that
 * blocks, a handled signal has two outcomes (§6.4): it interrupted the call
 * (`EINTR`, unless `SA_RESTART` restarts it), or it came just before the
 * call (the handler runs, then the call blocks). Pushes each successor;
 * returns how many.
 */
export function deliver(
  host: DeliveryHost,
  inst: Instance,
  ev: AsyncEvents,
  state: Int32Array,
  sink: SuccessorSink,
): number {
  const w = host.machine.w;
  // Is the process blocked in an interruptible call? (Decided before the
  // handler runs: the call was blocked when the signal came.)
  const blockedIn = blockedCall(w, inst);
  const on = blockedIn?.op?.onSignal;
  const moved = on?.moved?.(w, blockedIn!.primOff, inst.pid) === true;
  const interrupted = deliverOnce(host, inst, ev, blockedIn, false, moved);
  if (!host.emit(sink, inst.deliverTid, state)) return 1;
  copyState(w, state);
  if (!interrupted || on!.beforeCall === false || moved) return 1;
  deliverOnce(host, inst, ev, blockedIn, true, false);
  host.emit(sink, inst.deliverTid + 1, state);
  copyState(w, state);
  return 2;
}

/**
 * The edge through which a handler interrupts the call `inst` is blocked
 * in, if it is: every edge at its pc is an interruptible operation (a call
 * of one transition, or the alternatives of one call of several) and none
 * can fire. The first edge that leaves the call is taken. A call among the
 * alternatives of a `choose` with a step that is not interruptible is never
 * interrupted.
 */
function blockedCall(w: Int32Array, inst: Instance): Edge | undefined {
  const edges = inst.type.pcs[w[inst.pcOff]!]!.edges;
  let leaves: Edge | undefined;
  for (let i = 0; i < edges.length; i++) {
    const e = edges[i]!;
    if ((e.kind !== OP && e.kind !== OP_CHOICES) || e.op!.onSignal === undefined) return undefined;
    if (opEnabled(w, e, inst)) return undefined;
    if (leaves === undefined && e.op!.onSignal.leaves !== false) leaves = e;
  }
  return leaves;
}

/** Whether an operation edge can fire now (for interruption: a blocked call). */
function opEnabled(w: Int32Array, edge: Edge, inst: Instance): boolean {
  const op = edge.op!;
  return edge.kind === OP_CHOICES
    ? op.choices!(w, edge.primOff, inst.pid, inst.ctx) > 0
    : op.enabled(w, edge.primOff, inst.pid, inst.ctx);
}

/** One outcome of a delivery; returns whether a handler interrupted a blocked call. */
function deliverOnce(
  host: DeliveryHost,
  inst: Instance,
  ev: AsyncEvents,
  blockedIn: Edge | undefined,
  early: boolean,
  moved: boolean,
): boolean {
  const { w, env, sync, eventsOff, layout } = host.machine;
  const atomic = layout.hasAtomic;
  host.current = inst.deliverTid + (early ? 1 : 0);
  const d = ev.take(w, eventsOff, inst.pid);
  if (d.action === "terminate") {
    w[inst.pcOff] = inst.type.endPc;
    if (atomic && w[0] === inst.pid + 1) w[0] = 0;
    host.exit(inst.pid);
    return false;
  }
  if (d.action === "stop") {
    if (atomic && w[0] === inst.pid + 1) w[0] = 0;
    return false;
  }
  if (d.action !== "handler") {
    if (w[inst.pcOff] === inst.type.endPc) host.finished(inst);
    return false;
  }
  const h = inst.type.handlers.get(d.signo);
  if (h === undefined) throw new TypeError(`no handler is declared for ${ev.name(d.signo)}`);
  env.writable = true;
  h.fn(inst.ctx, { signo: d.signo, value: d.value, sender: d.sender });
  if (sync.count > 0) sync.flush(true);
  env.writable = false;
  if (h.resetHand) ev.resetHandler(w, eventsOff, inst.pid, d.signo);
  if (w[inst.pcOff] === inst.type.endPc) host.finished(inst);
  const on = blockedIn?.op?.onSignal;
  if (blockedIn === undefined || on === undefined) return false;
  if (h.restart && on.restartable && !moved) return false;
  if (early) return true;
  interrupt(host, inst, blockedIn, on, moved);
  return true;
}

/**
 * The handler interrupted the blocked call: it returns `EINTR`, or the
 * count of what it had moved (which `interrupted` records).
 */
function interrupt(
  host: DeliveryHost,
  inst: Instance,
  blockedIn: Edge,
  on: NonNullable<OpImpl["onSignal"]>,
  moved: boolean,
): void {
  const { w, env, sync } = host.machine;
  env.writable = true;
  on.status?.set(inst.ctx, moved ? Errno.OK : Errno.EINTR);
  on.interrupted?.(w, blockedIn.primOff, inst.pid, inst.ctx);
  if (sync.count > 0) sync.flush(true);
  env.writable = false;
  w[inst.pcOff] = blockedIn.to;
  host.afterEdge(inst, blockedIn);
}
