// Private test helper for the direct / mailbox / condvar tests: runs the
// operations of primitives directly on a packed state, without a spec, so
// that fast-check can drive them step by step against a small reference
// implementation written in the test.

import assert from "node:assert/strict";
import type { Into, Step } from "../../mod.ts";
import type { Ctx, OpImpl, PrimitiveImpl } from "../../extend.ts";

/** The operations of a step, in order (a region's body, a choice's alternatives). */
export function opsOf(step: Step): OpImpl[] {
  switch (step.kind) {
    case "op":
      return [step.op];
    case "region":
      return step.body.flatMap(opsOf);
    case "choose":
      return step.branches.flatMap((b) => b.flatMap(opsOf));
    default:
      throw new Error(`no operation in a '${step.kind}' step`);
  }
}

/** A target storing into `l[name]` of the context it is given. */
export function into(name: string): Into {
  return {
    kind: "into",
    text: name,
    set: (ctx: Ctx, v: number) => {
      ctx.l[name] = v;
    },
  };
}

/** Primitives laid out one after the other in one state array. */
export class Rig {
  readonly w: Int32Array;
  readonly offs = new Map<PrimitiveImpl, number>();
  /** Each process's locals, written by `into` targets. */
  readonly locals: Record<string, number>[] = [];

  constructor(prims: PrimitiveImpl[], processes: number) {
    let off = 0;
    for (const p of prims) {
      this.offs.set(p, off);
      off += p.slots;
    }
    this.w = new Int32Array(off);
    // As the compiler does: attach every primitive, then initialise it.
    for (const p of prims) p.attach?.(this.w, this.offs.get(p)!);
    for (const p of prims) p.init(this.w, this.offs.get(p)!);
    for (let i = 0; i < processes; i++) this.locals.push({});
  }

  ctx(pid: number): Ctx {
    return { g: {}, l: this.locals[pid]!, id: pid, pid };
  }

  off(op: OpImpl): number {
    const o = this.offs.get(op.prim);
    assert.ok(o !== undefined, `primitive '${op.prim.name}' is not in the rig`);
    return o;
  }

  /** How many outcomes `op` has for `pid` now (0: blocked). */
  outcomes(op: OpImpl, pid: number): number {
    const off = this.off(op);
    if ((op.maxChoices ?? 1) > 1) return op.choices!(this.w, off, pid, this.ctx(pid));
    return op.enabled(this.w, off, pid, this.ctx(pid)) ? 1 : 0;
  }

  /** Fires outcome `choice` of `op` by `pid`; returns the error message, if any. */
  fire(op: OpImpl, pid: number, choice = 0): string | undefined {
    assert.ok(choice < this.outcomes(op, pid), `${op.text} by pid ${pid} is not enabled`);
    return op.apply(this.w, this.off(op), pid, this.ctx(pid), (p) => `p${p}`, choice);
  }

  /** Fires the one enabled operation of `ops` (a choice's alternatives). */
  fireAny(ops: OpImpl[], pid: number, choice = 0): { op: OpImpl; error: string | undefined } {
    const ready = ops.filter((op) => this.outcomes(op, pid) > 0);
    assert.equal(ready.length, 1, `expected one enabled alternative, got ${ready.length}`);
    return { op: ready[0]!, error: this.fire(ready[0]!, pid, choice) };
  }

  /** A process exits: every primitive's exit hook runs. */
  exit(pid: number): void {
    for (const [p, off] of this.offs) p.onExit?.(this.w, off, pid);
  }

  format(p: PrimitiveImpl): string {
    return p.format(this.w, this.offs.get(p)!, (q) => `p${q}`);
  }

  value(p: PrimitiveImpl): number {
    return p.value(this.w, this.offs.get(p)!);
  }
}
