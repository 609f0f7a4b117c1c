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
  // Is the process at an interruptible call that blocks? (Decided before
  // the handler runs: the call was blocked when the signal came.)
  const edges = inst.type.pcs[w[inst.pcOff]!]!.edges;
  const only = edges.length === 1 ? edges[0]! : undefined;
  const blockedIn = only !== undefined && only.op?.onSignal !== undefined &&
      (only.kind === OP || only.kind === OP_CHOICES) && !opEnabled(w, only, inst)
    ? only
    : undefined;
  const interrupted = deliverOnce(host, inst, ev, blockedIn, false);
  if (!host.emit(sink, inst.deliverTid, state)) return 1;
  copyState(w, state);
  if (!interrupted || blockedIn!.op!.onSignal!.beforeCall === false) return 1;
  deliverOnce(host, inst, ev, blockedIn, true);
  host.emit(sink, inst.deliverTid + 1, state);
  copyState(w, state);
  return 2;
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
  if (blockedIn === undefined || on === undefined || (h.restart && on.restartable)) return false;
  if (early) return true;
  interrupt(host, inst, blockedIn, on);
  return true;
}

/** The handler interrupted the blocked call: it returns `EINTR`. */
function interrupt(
  host: DeliveryHost,
  inst: Instance,
  blockedIn: Edge,
  on: NonNullable<OpImpl["onSignal"]>,
): void {
  const { w, env, sync } = host.machine;
  if (on.status !== undefined) {
    env.writable = true;
    on.status.set(inst.ctx, Errno.EINTR);
    if (sync.count > 0) sync.flush(true);
    env.writable = false;
  }
  on.interrupted?.(w, blockedIn.primOff, inst.pid);
  w[inst.pcOff] = blockedIn.to;
  host.afterEdge(inst, blockedIn);
}
