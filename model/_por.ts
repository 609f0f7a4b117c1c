// Private module: the static half of partial-order reduction. The compiler
// (model/_reduction.ts) decides per state which process may be expanded alone
// (an ample set); this module precomputes, per process kind and program
// counter, what the process may still do to each primitive from there on
// (the union of the footprints of every operation it can reach), and tells
// whether two footprints conflict.
//
// Soundness rests on these facts, each argued where it is used:
// - a footprint lists every slot of its primitive that an operation (its
//   guard included) reads or writes; an operation without one reads and
//   writes everything ("all");
// - a process only reaches the program counters its automaton reaches from
//   where it is, whatever the guards say (an over-approximation).

import type { Footprint, OpImpl, PrimitiveImpl } from "./_ast.ts";
import { lockTapsOf, messageTapsOf, signalTapsOf } from "./_tap.ts";
import type { SuccessorSink } from "./model.ts";

/** What an operation touches when it declares nothing: everything. */
const ALL: Footprint = { reads: "all", writes: "all" };

/** The footprint an operation declares, or "all" for both. */
export function footprintOf(op: OpImpl): Footprint {
  return op.footprint ?? ALL;
}

/**
 * Every primitive an operation touches, with what it touches there: its
 * own primitive per its footprint, and all of the mutex of a condition
 * variable (wait and re-acquire release and take it: condvar.ts finds the
 * mutex's slots at run time, which no footprint can name).
 */
export function touches(op: OpImpl): readonly (readonly [PrimitiveImpl, Footprint])[] {
  const own = [op.prim, footprintOf(op)] as const;
  const linked = (op.prim as { readonly mutex?: unknown }).mutex;
  if (
    typeof linked === "object" && linked !== null &&
    (linked as { readonly kind?: unknown }).kind === "mutex"
  ) {
    return [own, [linked as PrimitiveImpl, ALL]];
  }
  return [own];
}

/** The union of footprints: the slots read and written, or `true` for all of them. */
export interface Union {
  readonly reads: Set<number> | true;
  readonly writes: Set<number> | true;
}

function meets(a: readonly number[] | "all", b: Set<number> | true): boolean {
  if (a === "all") return b === true || b.size > 0;
  if (b === true) return a.length > 0;
  for (const x of a) if (b.has(x)) return true;
  return false;
}

/**
 * Whether operation footprint `a` conflicts with `b` (the union of what
 * another process may do): one writes a slot the other reads or writes.
 * Operations that only read the same slots do not conflict.
 */
export function conflicts(a: Footprint, b: Union): boolean {
  return meets(a.writes, b.reads) || meets(a.writes, b.writes) || meets(a.reads, b.writes);
}

/** Whether another module watches a primitive's operations (templates' taps write slots of their own). */
export function tapped(prim: PrimitiveImpl): boolean {
  return (messageTapsOf(prim)?.list.length ?? 0) > 0 || (lockTapsOf(prim)?.length ?? 0) > 0 ||
    (signalTapsOf(prim)?.length ?? 0) > 0;
}

/** The part of an automaton edge this module looks at. */
export interface EdgeLike {
  readonly to: number;
  readonly op: OpImpl | undefined;
}

/**
 * For each pc of one process kind: per primitive, the union of the
 * footprints of the operations reachable from it (itself included).
 *
 * @param pcs The automaton: the edges of each pc.
 */
export function futureFootprints(
  pcs: readonly { readonly edges: readonly EdgeLike[] }[],
): Map<PrimitiveImpl, Union>[] {
  const n = pcs.length;
  const out: Map<PrimitiveImpl, Union>[] = [];
  for (let start = 0; start < n; start++) {
    const seen = new Uint8Array(n);
    const todo = [start];
    seen[start] = 1;
    const acc = new Map<PrimitiveImpl, { reads: Set<number> | true; writes: Set<number> | true }>();
    while (todo.length > 0) {
      const pc = todo.pop()!;
      for (const e of pcs[pc]!.edges) {
        if (e.op !== undefined) {
          for (const [prim, fp] of touches(e.op)) {
            let u = acc.get(prim);
            if (u === undefined) acc.set(prim, u = { reads: new Set(), writes: new Set() });
            if (fp.reads === "all") u.reads = true;
            else if (u.reads !== true) { for (const x of fp.reads) u.reads.add(x); }
            if (fp.writes === "all") u.writes = true;
            else if (u.writes !== true) { for (const x of fp.writes) u.writes.add(x); }
          }
        }
        if (seen[e.to] === 0) {
          seen[e.to] = 1;
          todo.push(e.to);
        }
      }
    }
    out.push(acc);
  }
  return out;
}

/** Keeps copies of the successors pushed to it (the candidate ample set of one process). */
export class BufferSink implements SuccessorSink {
  readonly width: number;
  readonly states: Int32Array[] = [];
  readonly tids: number[] = [];
  count = 0;
  /** Some transition failed (an assertion, an operation error, a bound). */
  failed = false;

  constructor(width: number) {
    this.width = width;
  }

  reset(): void {
    this.count = 0;
    this.failed = false;
  }

  push(next: Int32Array, transition: number): boolean {
    let s = this.states[this.count];
    if (s === undefined) this.states.push(s = new Int32Array(this.width));
    for (let i = 0; i < this.width; i++) s[i] = next[i]!;
    this.tids[this.count++] = transition;
    return true;
  }

  fail(): void {
    this.failed = true;
  }
}

/**
 * What the invariants have queried: names (regions, labels), primitives'
 * values, progress, finished. A transition that changes none of it is
 * invisible to them. `epoch` grows with every new query.
 */
export class Visibility {
  /** Set while invariants are evaluated: what they query is visible. */
  tracking = false;
  readonly names: string[] = [];
  readonly prims = new Set<PrimitiveImpl>();
  progress = false;
  finished = false;
  epoch = 0;
  /** How many queries were made while tracking (a step property that reads the state judges in context). */
  reads = 0;

  /** An invariant queried a region or label count. */
  seeName(name: string): void {
    this.reads++;
    if (this.names.includes(name)) return;
    this.names.push(name);
    this.epoch++;
  }

  /** An invariant queried a primitive's value. */
  seePrim(prim: PrimitiveImpl): void {
    this.reads++;
    if (this.prims.has(prim)) return;
    this.prims.add(prim);
    this.epoch++;
  }

  /** An invariant counted processes at progress labels. */
  seeProgress(): void {
    this.reads++;
    if (this.progress) return;
    this.progress = true;
    this.epoch++;
  }

  /** An invariant counted finished processes. */
  seeFinished(): void {
    this.reads++;
    if (this.finished) return;
    this.finished = true;
    this.epoch++;
  }
}
