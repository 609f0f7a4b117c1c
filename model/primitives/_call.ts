// Private module: what the message-queue primitives share: a system call
// as steps (one op when it cannot block; else completing at once, or the
// parking and the return), and argument helpers.

import {
  callerSource,
  type Ctx,
  type Expr,
  type Footprint,
  type OpImpl,
  type PrimitiveImpl,
  type Step,
} from "../_ast.ts";
import { opStep } from "./_op.ts";

export function checkedInt(what: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < -2147483648 || v > 2147483647) {
    throw new RangeError(`${what} must be a 32-bit integer, got ${String(v)}`);
  }
  return v;
}

export function argText(e: number | Expr): string {
  return typeof e === "number" ? String(e) : "(expr)";
}

/** The pieces of a call, for {@linkcode callSteps}. */
export interface CallParts {
  readonly prim: PrimitiveImpl;
  readonly text: string;
  /** The call can park the caller (no IPC_NOWAIT or O_NONBLOCK). */
  readonly canBlock: boolean;
  /**
   * Whether the call completes at once in this state; `ctx` is the caller's
   * read-only view, for the inputs given as an {@linkcode Expr}.
   */
  immediate(w: Int32Array, off: number, pid: number, ctx: Ctx): boolean;
  /** Performs the call: completes it, or parks the caller. */
  call(w: Int32Array, off: number, pid: number, ctx: Ctx): string | undefined;
  /** Whether the parked caller can return (the kernel woke it). */
  canReturn(w: Int32Array, off: number, pid: number): boolean;
  /** The return. */
  finish(w: Int32Array, off: number, pid: number, ctx: Ctx): string | undefined;
  /**
   * A signal handler interrupted the parked caller (`interruptible()`,
   * §6.4): it leaves the queue's table of parked callers.
   */
  cancel(w: Int32Array, off: number, pid: number, ctx: Ctx): void;
  readonly failure: string | undefined;
  readonly end: boolean;
  readonly footprint: Footprint;
}

/**
 * A call as steps: one op for a call that cannot block; otherwise a choice
 * between completing at once and parking then returning (whether its inputs
 * are numbers or expressions, which the guards evaluate over the caller's
 * view). All inside a region named after the call.
 * With `end`, an end label named after the return marks where the caller
 * waits (labels are unique per process: two such calls in one process need
 * different `text`s).
 */
export function callSteps(p: CallParts): Step {
  const base: Omit<OpImpl, "text" | "enabled" | "apply"> = {
    prim: p.prim,
    footprint: p.footprint,
    ...(p.failure !== undefined ? { failure: p.failure, failureKind: "bound" as const } : {}),
  };
  const callOp: OpImpl = {
    ...base,
    text: p.text,
    enabled: p.canBlock ? (w, off, pid, ctx) => p.immediate(w, off, pid, ctx) : () => true,
    apply: (w, off, pid, ctx) => p.call(w, off, pid, ctx),
  };
  if (!p.canBlock) return opStep(callOp);
  const src = callerSource();
  const endLabel = (text: string): Step[] =>
    p.end ? [{ kind: "label", name: text, end: true, progress: false, src }] : [];
  const blockOp: OpImpl = {
    ...base,
    text: `${p.text} blocks`,
    enabled: (w, off, pid, ctx) => !p.immediate(w, off, pid, ctx),
    apply: (w, off, pid, ctx) => p.call(w, off, pid, ctx),
  };
  const wakeOp: OpImpl = {
    ...base,
    text: `${p.text} wakes`,
    enabled: (w, off, pid) => p.canReturn(w, off, pid),
    apply: (w, off, pid, ctx) => p.finish(w, off, pid, ctx),
    interrupt: { cancel: (w, off, pid, ctx) => p.cancel(w, off, pid, ctx) },
  };
  return {
    kind: "region",
    name: p.text,
    body: [{
      kind: "choose",
      name: "choose",
      branches: [[opStep(callOp)], [opStep(blockOp), ...endLabel(wakeOp.text), opStep(wakeOp)]],
      src,
    }],
  };
}
