// Private module: the runtime record every part of a compiled model reads.
//
// `instantiate` turns a `Layout` into a `Machine`: the work buffer the
// interpreter fires transitions in, the views the spec's code sees over it,
// one `Instance` per process with its transition numbers, and the table of
// transitions. A transition number is (instance, edge[, outcome]) for a
// single process, (sender edge, receiver edge) for a rendezvous, or a signal
// delivery to a process.

import type {
  AsyncEvents,
  BufferPart,
  BufferQueries,
  Ctx,
  PrimitiveImpl,
  ProcSlot,
  SignalRaiser,
} from "./_ast.ts";
import type { Layout, PropertyCheck } from "./_layout.ts";
import {
  type Edge,
  GUARDED,
  OP,
  OP_CHOICES,
  type ProcType,
  RENDEZVOUS_RECV,
  RENDEZVOUS_SEND,
  TIMEOUT,
  WHEN,
} from "./_automaton.ts";
import { symmetricCtx } from "./_symmetry.ts";
import type { Visibility } from "./_por.ts";
import type { StateView } from "./_types.ts";
import { type AccessCounter, ArraySync, initVars, makeViewClass, type ViewEnv } from "./_views.ts";

/** A rendezvous pair: a send edge of one process and a receive edge of another. */
export interface Joint {
  tid: number;
  senderPid: number;
  senderPc: number;
  senderEdge: Edge;
  receiverPid: number;
  receiverPc: number;
  receiverEdge: Edge;
}

/** One process: its kind, where it lies in the state, its transitions. */
export interface Instance {
  pid: number;
  id: number;
  /** `kind#id`. */
  name: string;
  type: ProcType;
  /** The slot of its pc. */
  pcOff: number;
  /** The first slot of its locals. */
  base: number;
  /** What its guards and effects see. */
  ctx: Ctx;
  /** Transition number of edge e at pc: tids[pc][e]. */
  tids: Int32Array[];
  /** Rendezvous pairs of edge e at pc (as sender for a send, as receiver for a receive). */
  joints: Joint[][][];
  /** The transition that delivers a signal to this process. */
  deliverTid: number;
}

/** What a transition number stands for. */
export type Transition =
  | { kind: "single"; pid: number; pc: number; edge: Edge; choice: number }
  | { kind: "joint"; pid: number; pc: number; edge: Edge; joint: Joint }
  | { kind: "deliver"; pid: number; early: boolean };

/** A compiled system ready to run. */
export interface Machine {
  /** The layout, with the templates' checks among its invariants and finals. */
  readonly layout: Layout;
  /** The work buffer: transitions fire here, views read and write it. */
  readonly w: Int32Array;
  /** Whether views may write, and how their errors are prefixed. */
  readonly env: ViewEnv;
  /** Array views' write-back. */
  readonly sync: ArraySync;
  /** Counts accesses through the globals' view (for partial-order reduction). */
  readonly access: AccessCounter;
  /** The globals' view over `w`. */
  readonly globals: object;
  readonly insts: readonly Instance[];
  readonly trans: readonly Transition[];
  readonly pidName: (pid: number) => string;
  /** The primitives that release something when a process exits. */
  readonly exitHooks: readonly PrimitiveImpl[];
  /** The signal table's delivery hooks, when the system has one. */
  readonly events: AsyncEvents | undefined;
  /** The signal table's first slot, or -1. */
  readonly eventsOff: number;
  /** The places where a process can block, in words (see `Coverage`). */
  readonly blockingPoints: readonly string[];
}

/** Builds the runtime of a laid-out system. */
export function instantiate(layout: Layout): Machine {
  const w = new Int32Array(layout.width);
  // Primitives that find one another's slots learn where everything lies
  // now, so the model can expand states it did not produce itself (a
  // worker's model, a replayed trace).
  for (const prim of layout.prims) prim.attach?.(w, layout.primOff.get(prim)!);
  let insts: Instance[] = [];
  const pidName = (pid: number) => insts[pid]?.name ?? `pid ${pid}`;
  const laidOut = withTemplateChecks(layout, w, pidName);
  // `where` prefixes errors thrown inside views; the SpecError built around
  // them strips it again and names the process and step instead.
  const env: ViewEnv = { writable: false, where: `'${laidOut.spec}'` };
  const sync = new ArraySync(w, env);
  const access: AccessCounter = { n: 0 };
  const GlobalsView = makeViewClass(w, laidOut.globals, env, "", sync, access);
  const globals = new GlobalsView(laidOut.globalBase, "");
  insts = makeInstances(laidOut, w, env, sync, globals, access);
  attachProcesses(laidOut, insts);
  const trans: Transition[] = [];
  numberSingles(insts, trans);
  numberJoints(insts, trans);
  const evPrim = laidOut.prims.find((prim) => prim.events !== undefined);
  linkSignals(laidOut, evPrim);
  if (evPrim !== undefined) {
    for (const inst of insts) {
      inst.deliverTid = trans.length;
      trans.push({ kind: "deliver", pid: inst.pid, early: false });
      trans.push({ kind: "deliver", pid: inst.pid, early: true });
    }
  }
  return {
    layout: laidOut,
    w,
    env,
    sync,
    access,
    globals,
    insts,
    trans,
    pidName,
    exitHooks: laidOut.prims.filter((prim) => prim.onExit !== undefined),
    events: evPrim?.events,
    eventsOff: evPrim === undefined ? -1 : laidOut.primOff.get(evPrim)!,
    blockingPoints: blockingPoints(laidOut.types),
  };
}

/**
 * Tells the primitives that raise signals (a pipe's SIGPIPE) how to raise
 * one through the system's signal table, or that the system has none.
 */
function linkSignals(layout: Layout, table: PrimitiveImpl | undefined): void {
  const events = table?.events;
  const off = table === undefined ? -1 : layout.primOff.get(table)!;
  const raise: SignalRaiser | undefined = events === undefined
    ? undefined
    : (w, target, signo) => events.raise(w, off, target, target, signo);
  for (const prim of layout.prims) prim.linkSignals?.(raise);
}

/** Hands the process slots to the primitives that start processes (the process table). */
function attachProcesses(layout: Layout, insts: readonly Instance[]): void {
  const takers = layout.prims.filter((prim) => prim.attachProcesses !== undefined);
  if (takers.length === 0) return;
  const slots: ProcSlot[] = insts.map((inst) => {
    const t = inst.type;
    const scalar = new Map<string, number>();
    for (const v of t.vars) if (v.decl.type !== "array") scalar.set(v.name, v.off);
    return {
      pid: inst.pid,
      kind: t.name,
      pcOff: inst.pcOff,
      base: inst.base,
      entry: t.entry,
      endPc: t.endPc,
      resetLocals: (w) => initVars(w, inst.base, t.vars),
      scalars: [...scalar.keys()],
      localOff: (name) => scalar.get(name) ?? -1,
    };
  });
  for (const prim of takers) prim.attachProcesses!(slots, layout.primOff);
}

function makeInstances(
  layout: Layout,
  w: Int32Array,
  env: ViewEnv,
  sync: ArraySync,
  globals: object,
  access: AccessCounter,
): Instance[] {
  const viewClasses = new Map<ProcType, new (b: number, label: string) => object>();
  for (const t of layout.types) {
    viewClasses.set(t, makeViewClass(w, t.vars, env, `${t.name}.`, sync));
  }
  return layout.instLayout.map((il, pid) => {
    const name = `${il.type.name}#${il.id}`;
    const LocalsView = viewClasses.get(il.type)!;
    const locals = new LocalsView(il.pcOff + 1, `${name}.`);
    const queries = bufferQueriesOf(layout, w, access, il.type);
    const ctx: Ctx = il.type.symmetric
      ? symmetricCtx(globals, locals, il.type.name, queries)
      : Object.freeze({ g: globals, l: locals, id: il.id, pid, ...queries });
    return {
      pid,
      id: il.id,
      name,
      type: il.type,
      pcOff: il.pcOff,
      base: il.pcOff + 1,
      ctx,
      tids: [],
      joints: [],
      deliverTid: -1,
    };
  });
}

/** The buffer queries a process's code calls: `len`, `empty`, `full`. */
export interface BufferQueryFns {
  len(buffer: PrimitiveImpl, part?: BufferPart): number;
  empty(buffer: PrimitiveImpl, part?: BufferPart): boolean;
  full(buffer: PrimitiveImpl, part?: BufferPart): boolean;
}

/**
 * The buffer queries of one process kind's code. Each counts as an access
 * through the globals' view (another process's operation may change the
 * answer, so the step is never expanded alone), and only the buffers the
 * kind declared may be queried (partial-order reduction treats them as read
 * by it from every position).
 */
function bufferQueriesOf(
  layout: Layout,
  w: Int32Array,
  access: AccessCounter,
  type: ProcType,
): BufferQueryFns {
  const at = (prim: PrimitiveImpl, what: string): number => {
    if (!type.queries.has(prim)) {
      const name = typeof prim === "object" && prim !== null ? `'${prim.name}'` : String(prim);
      throw new TypeError(
        `${what}(${name}): process '${type.name}' does not declare ${name} in its 'queries' option`,
      );
    }
    access.n++;
    return layout.primOff.get(prim)!;
  };
  return {
    len: (prim, part) => lengthAt(prim, part, w, at(prim, "len")),
    empty: (prim, part) => lengthAt(prim, part, w, at(prim, "empty")) === 0,
    full: (prim, part) => fullAt(prim, part, w, at(prim, "full")),
  };
}

/** Numbers the single-process transitions: one per edge, or per outcome. */
function numberSingles(insts: readonly Instance[], trans: Transition[]): void {
  for (const inst of insts) {
    inst.tids = inst.type.pcs.map((pc, pcIndex) =>
      Int32Array.from(pc.edges, (edge) => {
        const base = trans.length;
        const k = edge.kind === OP_CHOICES ? edge.op!.maxChoices! : 1;
        for (let choice = 0; choice < k; choice++) {
          trans.push({ kind: "single", pid: inst.pid, pc: pcIndex, edge, choice });
        }
        return base;
      })
    );
  }
}

/** Numbers the rendezvous: one per send edge and matching receive edge of another process. */
function numberJoints(insts: readonly Instance[], trans: Transition[]): void {
  for (const inst of insts) inst.joints = inst.type.pcs.map((pc) => pc.edges.map(() => []));
  for (const inst of insts) {
    inst.type.pcs.forEach((pc, pcIndex) =>
      pc.edges.forEach((edge, e) => {
        if (edge.kind !== RENDEZVOUS_SEND) return;
        for (const other of insts) {
          if (other === inst) continue;
          other.type.pcs.forEach((opc, opcIndex) => {
            opc.edges.forEach((oe, oeIndex) => {
              if (oe.kind !== RENDEZVOUS_RECV || oe.op!.prim !== edge.op!.prim) return;
              const joint: Joint = {
                tid: trans.length,
                senderPid: inst.pid,
                senderPc: pcIndex,
                senderEdge: edge,
                receiverPid: other.pid,
                receiverPc: opcIndex,
                receiverEdge: oe,
              };
              trans.push({ kind: "joint", pid: inst.pid, pc: pcIndex, edge, joint });
              inst.joints[pcIndex]![e]!.push(joint);
              other.joints[opcIndex]![oeIndex]!.push(joint);
            });
          });
        }
      })
    );
  }
}

/** The places where a process can block; sets each kind's `pointOf`. */
function blockingPoints(types: readonly ProcType[]): string[] {
  const points: string[] = [];
  for (const t of types) {
    t.pcs.forEach((pc, i) => {
      // An operation whose guard takes no argument cannot depend on the
      // state, so it never blocks (post, unlock, non-blocking calls).
      const blocking = pc.edges.some((e) =>
        e.kind === WHEN || e.kind === GUARDED || e.kind === TIMEOUT || e.kind === OP_CHOICES ||
        e.kind === RENDEZVOUS_SEND ||
        e.kind === RENDEZVOUS_RECV || (e.kind === OP && e.op!.enabled.length > 0)
      );
      if (!blocking) return;
      t.pointOf[i] = points.length;
      const where = pc.src !== undefined ? ` (${pc.src})` : "";
      points.push(`${t.name}: ${pc.edges.map((e) => e.text).join(" or ")}${where}`);
    });
  }
  return points;
}

/** An invariant's buffer queries: reads of the primitive, visible like `value()`. */
function bufferReads(layout: Layout, w: Int32Array, seen: Visibility): BufferQueryFns {
  const at = (prim: PrimitiveImpl): number => {
    const off = layout.primOff.get(prim);
    if (off === undefined || prim.bufferQueries === undefined) {
      throw new TypeError(
        off === undefined
          ? `primitive '${prim.name}' is not used by any process`
          : `${prim.kind} '${prim.name}' holds no messages, so it has no len, empty or full`,
      );
    }
    if (seen.tracking) seen.seePrim(prim);
    return off;
  };
  return {
    len: (prim, part) => lengthAt(prim, part, w, at(prim)),
    empty: (prim, part) => lengthAt(prim, part, w, at(prim)) === 0,
    full: (prim, part) => fullAt(prim, part, w, at(prim)),
  };
}

/** `len` of a primitive at `off` (already checked to answer queries). */
function lengthAt(prim: PrimitiveImpl, part: BufferPart | undefined, w: Int32Array, off: number) {
  return queriesOf(prim, part).length(w, off, part);
}

/** `full` of a primitive at `off` (already checked to answer queries). */
function fullAt(prim: PrimitiveImpl, part: BufferPart | undefined, w: Int32Array, off: number) {
  return queriesOf(prim, part).full(w, off, part);
}

/** The primitive's queries, with the part argument given exactly when it has several buffers. */
function queriesOf(prim: PrimitiveImpl, part: BufferPart | undefined): BufferQueries {
  const q = prim.bufferQueries!;
  if (q.part !== undefined && part === undefined) {
    throw new TypeError(
      `${prim.kind} '${prim.name}' has several buffers: name ${q.part} as the query's second argument`,
    );
  }
  if (q.part === undefined && part !== undefined) {
    throw new TypeError(
      `${prim.kind} '${prim.name}' has one buffer: its queries take no second argument`,
    );
  }
  return q;
}

/**
 * The templates' properties as invariants and final properties over the
 * model's working state `w` (where `check` and `stuck` put the state they
 * judge).
 */
function withTemplateChecks(
  layout: Layout,
  w: Int32Array,
  pidName: (pid: number) => string,
): Layout {
  if (layout.templateChecks.length === 0) return layout;
  const invariants: PropertyCheck[] = [...layout.invariants],
    finals: PropertyCheck[] = [...layout.finals];
  for (const { prop, template, check } of layout.templateChecks) {
    const off = layout.primOff.get(template)!;
    const pred = () => check.check(w, off, pidName) ?? true;
    (check.kind === "invariant" ? invariants : finals).push({ prop, pred });
  }
  return { ...layout, invariants, finals };
}

/**
 * Copies a state: a loop beats `TypedArray.set` for states of a few dozen
 * slots, `set` (a block copy) wins for wide ones (a pipe of real pages).
 */
export function copyState(dst: Int32Array, src: Int32Array): void {
  if (src.length > 256) {
    dst.set(src);
    return;
  }
  for (let i = 0; i < src.length; i++) dst[i] = src[i]!;
}

/** Removes the `'spec': ` prefix views put on their errors (the SpecError adds its own). */
export function stripWhere(msg: string): string {
  return msg
    .replace(/^'[^']*'(?: property '[^']*')?: /, "")
    // A view is non-extensible; arrays word their own errors (_views.ts).
    .replace(
      /^Cannot add property (\S+), object is not extensible$/,
      "there is no variable '$1'",
    );
}

/**
 * What state predicates see of the state in `w`: globals through `globals`,
 * regions and labels, primitives' values, progress, finished processes.
 * While `seen.tracking` is on, every query is recorded there.
 */
export function stateViewOver(
  machine: Machine,
  w: Int32Array,
  globals: object,
  seen: Visibility,
): StateView<unknown> {
  const insts = machine.insts;
  const layout = machine.layout;
  // Per name: the pc slot of every process whose kind has that name, with
  // the set of its pcs that carry it (one map lookup per call).
  const byName = new Map<string, { offs: Int32Array; sets: Uint8Array[] }>();
  const lookup = (name: string) => {
    let e = byName.get(name);
    if (e === undefined) {
      const hits = insts.filter((inst) => inst.type.named.has(name));
      e = {
        offs: Int32Array.from(hits, (inst) => inst.pcOff),
        sets: hits.map((inst) => inst.type.named.get(name)!),
      };
      byName.set(name, e);
    }
    return e;
  };
  return {
    g: globals,
    inside(name: string): number {
      if (seen.tracking) seen.seeName(name);
      const { offs, sets } = lookup(name);
      let n = 0;
      for (let i = 0; i < offs.length; i++) if (sets[i]![w[offs[i]!]!] === 1) n++;
      return n;
    },
    at(name: string): number {
      return this.inside(name);
    },
    value(prim: PrimitiveImpl): number {
      if (seen.tracking) seen.seePrim(prim);
      const off = layout.primOff.get(prim);
      if (off === undefined) {
        throw new TypeError(`primitive '${prim.name}' is not used by any process`);
      }
      const sym = prim.pidValue === true ? layout.types.find((t) => t.symmetric) : undefined;
      if (sym !== undefined) {
        throw new TypeError(
          `v.value(${prim.name}) is a pid, which could name one copy of process ` +
            `'${sym.name}', declared symmetric`,
        );
      }
      return prim.value(w, off);
    },
    ...bufferReads(layout, w, seen),
    progress(): number {
      if (seen.tracking) seen.seeProgress();
      let n = 0;
      for (const inst of insts) if (inst.type.progressPcs[w[inst.pcOff]!] === 1) n++;
      return n;
    },
    read<T>(prim: PrimitiveImpl & { read(w: Int32Array, off: number): T }): T {
      if (seen.tracking) seen.seePrim(prim);
      const off = layout.primOff.get(prim);
      if (off === undefined) {
        throw new TypeError(`primitive '${prim.name}' is not used by any process`);
      }
      return prim.read(w, off) as T;
    },
    finished(process?: string): number {
      if (seen.tracking) seen.seeFinished();
      let n = 0;
      for (const inst of insts) {
        if (process !== undefined && inst.type.name !== process) continue;
        if (w[inst.pcOff] === inst.type.endPc) n++;
      }
      return n;
    },
  };
}
