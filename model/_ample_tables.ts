// Private module: the tables partial-order reduction reads per state,
// computed once per model from the static footprints (`_por.ts`). Per
// process kind and program counter: whether the position can ever be part
// of an ample set, and, per other process kind and its position, whether
// what the first process may do there conflicts with what the other may
// still do. Per state the reduction then looks up one byte per other
// process instead of walking footprints (issue 17, item 2); only the parts
// that depend on the state (whether a guard or effect touched a global,
// which transitions the invariants make visible) are decided per state.

import type { Footprint, PrimitiveImpl } from "./_ast.ts";
import { conflicts, footprintOf, futureFootprints, tapped, touches, type Union } from "./_por.ts";
import { type Pc, type ProcType, RENDEZVOUS_RECV, RENDEZVOUS_SEND, TIMEOUT } from "./_automaton.ts";

/** A position that never qualifies. */
export const NEVER = 0;
/** A position whose steps are all code: only the dynamic checks remain. */
export const STEPS = 1;
/** A position with operations: the conflict table must be read too. */
export const OPS = 2;

/** What the reduction knows of one process kind before the search. */
export interface KindTables {
  /** Per pc: NEVER, STEPS or OPS. */
  readonly code: Uint8Array;
  /**
   * Per pc with OPS: per other kind (by index in the layout), per its pc,
   * 1 when the operations at this pc conflict with what a process of that
   * kind may still do from there.
   */
  readonly opConflicts: (Uint8Array[] | undefined)[];
  /** Per pc: the process may still write the signal table from here. */
  readonly writesEvents: Uint8Array;
  /** Per pc: the process may still read or write the signal table from here. */
  readonly touchesEvents: Uint8Array;
}

/** What the tables need to know of the machine. */
export interface TableInput {
  readonly types: readonly ProcType[];
  /** Some primitive runs a hook when a process finishes. */
  readonly exitHooks: boolean;
  /** The signal table, if the spec has one. */
  readonly events: PrimitiveImpl | undefined;
}

function hasWrites(fp: Footprint | Union): boolean {
  return fp.writes === true || fp.writes === "all" ||
    (fp.writes instanceof Set ? fp.writes.size > 0 : fp.writes.length > 0);
}

function hasAny(u: Union | undefined): boolean {
  if (u === undefined) return false;
  const size = (s: Set<number> | true) => s === true || s.size > 0;
  return size(u.reads) || size(u.writes);
}

/**
 * Whether an operation touches a primitive that a process's exit writes
 * (its exit hook), so that it depends on every other process's last step.
 * The signal table's hook clears only the exiting process's own entry: an
 * operation on the table that writes conflicts with every live process
 * anyway (see {@linkcode opConflictsOf}), and one that touches nothing
 * (`pause`) cannot see it.
 */
function exitHooked(prim: PrimitiveImpl, fp: Footprint): boolean {
  if (prim.onExit === undefined) return false;
  if (prim.events === undefined) return true;
  const none = (x: readonly number[] | "all") => x !== "all" && x.length === 0;
  return !(hasWrites(fp) || none(fp.reads) && none(fp.writes));
}

/**
 * Whether a position can be in an ample set at all. Never: a rendezvous
 * (it moves two processes), a `timeout` step (enabled exactly when nothing
 * else is, so dependent on every transition), a last step when primitives
 * run exit hooks (closing descriptors touches what others use), an
 * operation on a watched primitive (the template's ghost state is shared),
 * and a step that takes or keeps the floor of an atomic block (it disables
 * every other process until the block ends: the block is one transition
 * made of all its steps, which the dynamic check cannot see through).
 */
function codeOf(t: ProcType, pc: Pc, exitHooks: boolean): number {
  let code = STEPS;
  for (const e of pc.edges) {
    if (e.kind === RENDEZVOUS_SEND || e.kind === RENDEZVOUS_RECV) return NEVER;
    if (e.kind === TIMEOUT) return NEVER;
    if (e.keepsAtomic) return NEVER;
    if (e.to === t.endPc && exitHooks) return NEVER;
    if (e.op !== undefined) {
      if (tapped(e.op.prim) || exitHooked(e.op.prim, footprintOf(e.op))) return NEVER;
      code = OPS;
    }
  }
  return code;
}

/**
 * Per other kind and its pc: whether the operations at `pc` conflict with
 * what a process of that kind may still do. A write to the signal table
 * conflicts with every live process (each one's steps read its own entry:
 * a pending signal disables them), and a write to a buffer another kind
 * declares `queries` on conflicts with it wherever it is.
 */
function opConflictsOf(
  pc: Pc,
  input: TableInput,
  futures: readonly Map<PrimitiveImpl, Union>[][],
): Uint8Array[] {
  return input.types.map((u, k) =>
    Uint8Array.from(u.pcs, (_, upc) => {
      for (const e of pc.edges) {
        if (e.op === undefined) continue;
        for (const [prim, fp] of touches(e.op)) {
          const writes = hasWrites(fp);
          if (writes && (prim === input.events || u.queries.has(prim))) return 1;
          const fu = futures[k]![upc]!.get(prim);
          if (fu !== undefined && conflicts(fp, fu)) return 1;
        }
      }
      return 0;
    })
  );
}

/**
 * The tables of every process kind.
 *
 * @param input The kinds, whether exit hooks run, and the signal table.
 */
export function ampleTables(input: TableInput): KindTables[] {
  const futures = input.types.map((t) => futureFootprints(t.pcs));
  const ev = input.events;
  return input.types.map((t, k) => {
    const code = Uint8Array.from(t.pcs, (pc) => codeOf(t, pc, input.exitHooks));
    const future = futures[k]!;
    return {
      code,
      opConflicts: t.pcs.map((pc, i) =>
        code[i] === OPS ? opConflictsOf(pc, input, futures) : undefined
      ),
      writesEvents: Uint8Array.from(
        future,
        (m) => ev !== undefined && m.has(ev) && hasWrites(m.get(ev)!) ? 1 : 0,
      ),
      touchesEvents: Uint8Array.from(future, (m) => ev !== undefined && hasAny(m.get(ev)) ? 1 : 0),
    };
  });
}
