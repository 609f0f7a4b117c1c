// Private module: generated successor code.
//
// The compiler's interpreter (`CompiledModel.#expandInst`) walks a process's
// edges at its program counter and switches on each edge's kind. For a
// given model all of that is known when it is built: the pcs, the edges, the
// offsets, the transition numbers, which edges end the process. This module
// writes, per process instance, a JavaScript function that does exactly
// what the interpreter does for that instance — a `switch` on the pc whose
// cases are the edges unrolled, with every offset, target and transition
// number a literal — and evaluates it once with `new Function`. V8 then
// compiles each to straight-line code, as gcc does SPIN's pan.c. The spec's
// own guards and effects are still the closures it wrote (called through
// arrays); only the dispatch around them is specialised.
//
// Scope: systems without atomic blocks and without a signal table (their
// ownership and delivery rules stay in the interpreter, which the model then
// uses for them). The interpreter stays the reference: tests compare the
// two, successor by successor, on every bundled spec and on random specs.

import type { Ctx, OpImpl } from "./_ast.ts";
import type { SuccessorSink } from "./model.ts";

/** Edge kinds, as the compiler numbers them. */
export interface EdgeKinds {
  readonly DO: number;
  readonly WHEN: number;
  readonly COND: number;
  readonly NCOND: number;
  readonly SKIP: number;
  readonly ASSERT: number;
  readonly OP: number;
  readonly RDV_SEND: number;
  readonly RDV_RECV: number;
  readonly OP_MULTI: number;
}

/** What the generator needs of an edge. */
export interface GenEdge {
  readonly kind: number;
  readonly to: number;
  readonly name: string;
  readonly guard: ((ctx: Ctx) => unknown) | undefined;
  readonly fn: ((ctx: Ctx) => unknown) | undefined;
  readonly op: OpImpl | undefined;
  readonly primOff: number;
  readonly prop: number;
}

/** What the generator needs of a rendezvous pair. */
export interface GenJoint {
  readonly tid: number;
  readonly sPid: number;
  readonly sPc: number;
  readonly sEdge: GenEdge;
  readonly rPid: number;
  readonly rPc: number;
  readonly rEdge: GenEdge;
}

/** What the generator needs of a process instance. */
export interface GenInst {
  readonly pid: number;
  readonly pcOff: number;
  readonly ctx: Ctx;
  readonly endPc: number;
  readonly pcs: readonly { readonly edges: readonly GenEdge[] }[];
  readonly tids: readonly Int32Array[];
  readonly joints: readonly (readonly (readonly GenJoint[])[])[];
}

/** Where the generated code reports the transition it is firing (for error messages). */
export interface GenCursor {
  /** The transition being fired. */
  cur: number;
  /** Whether the receiver's half of a rendezvous is running. */
  partner: boolean;
}

/** The runtime the generated functions use. */
export interface GenRuntime {
  readonly w: Int32Array;
  readonly width: number;
  readonly env: { writable: boolean };
  readonly sync: { count: number; flush(write: boolean): void };
  readonly insts: readonly GenInst[];
  readonly kinds: EdgeKinds;
  readonly cursor: GenCursor;
  /** Slot 0 receives the transition being fired, for a watchdog (see `_running.ts`). */
  readonly published: Int32Array<ArrayBufferLike>;
  /** Hands the successor in `w` to the sink (step properties first); false to stop. */
  emit(sink: SuccessorSink, tid: number, state: Int32Array): boolean;
  /**
   * Whether `emit` would only hand the successor on (no step properties):
   * then the generated code calls `sink.push` itself, and `halt` when the
   * sink asks to stop.
   */
  readonly direct: boolean;
  /** Notes that the sink asked to stop the expansion (with `direct`). */
  readonly halt: () => void;
  /** The instance reached its end pc (exit hooks); undefined when nothing runs on exit. */
  readonly finished: ((pid: number) => void) | undefined;
  readonly pidName: (pid: number) => string;
}

/** One generated function per instance: expands it from `state` into `sink`. */
export type InstExpander = (state: Int32Array, sink: SuccessorSink) => number;

/** The generated source and its functions. */
export interface Generated {
  /** Per pid. */
  readonly expanders: readonly InstExpander[];
  /** The source text, for inspection and tests. */
  readonly source: string;
}

/** Restoring `w` from `state`: unrolled for narrow states, a loop otherwise. */
function restoreCode(width: number): string {
  if (width > 96) return `for (let i = 0; i < ${width}; i++) w[i] = state[i];`;
  const parts: string[] = [];
  for (let i = 0; i < width; i++) parts.push(`w[${i}] = state[${i}];`);
  return parts.join(" ");
}

/**
 * Writes and evaluates the expanders of every instance.
 *
 * @param rt The runtime: the model's work buffer, views' environment, sink plumbing.
 * @returns The expanders and their source.
 */
export function generate(rt: GenRuntime): Generated {
  const K = rt.kinds;
  // Constant tables the generated code indexes: closures, operations, contexts, texts.
  const fns: unknown[] = [];
  const ops: OpImpl[] = [];
  const strs: string[] = [];
  const ref = <T>(arr: T[], x: T): number => {
    const i = arr.indexOf(x);
    if (i >= 0) return i;
    arr.push(x);
    return arr.length - 1;
  };
  const restore = restoreCode(rt.width);
  const hasFin = rt.finished !== undefined;
  const emitCode = (tid: number | string) =>
    rt.direct
      ? `if (!sink.push(w, ${tid})) { halt(); return n; }`
      : `if (!emit(sink, ${tid}, state)) return n;`;
  const bodies: string[] = [];

  for (const inst of rt.insts) {
    const P = inst.pcOff;
    const ctx = `C[${inst.pid}]`;
    const fin = (pid: number, to: number, endPc: number) =>
      hasFin && to === endPc ? `fin(${pid});` : "";
    const step = (tid: number | string, to: number) =>
      `n++; w[${P}] = ${to}; ${fin(inst.pid, to, inst.endPc)} ${emitCode(tid)} ${restore}`;
    const cases: string[] = [];
    inst.pcs.forEach((pc, pcIndex) => {
      if (pc.edges.length === 0) return;
      const lines: string[] = [];
      pc.edges.forEach((edge, e) => {
        const tid = inst.tids[pcIndex]![e]!;
        const set = `cur.cur = pub[0] = ${tid};`;
        switch (edge.kind) {
          case K.DO: {
            const f = ref(fns, edge.fn);
            lines.push(
              `${set} env.writable = true; F[${f}](${ctx}); if (sync.count > 0) sync.flush(true); env.writable = false; ${
                step(tid, edge.to)
              }`,
            );
            break;
          }
          case K.WHEN:
          case K.COND: {
            const f = ref(fns, edge.guard);
            lines.push(
              `${set} { const r = F[${f}](${ctx}); if (sync.count > 0) sync.flush(false); ` +
                `if (r === true) { ${step(tid, edge.to)} } else if (r !== false) ` +
                "throw new TypeError(`the guard must return a boolean, got ${String(r)}`); }",
            );
            break;
          }
          case K.NCOND: {
            const f = ref(fns, edge.guard);
            lines.push(
              `${set} { const r = F[${f}](${ctx}); if (sync.count > 0) sync.flush(false); ` +
                `if (r === false) { ${step(tid, edge.to)} } else if (r !== true) ` +
                "throw new TypeError(`the condition must return a boolean, got ${String(r)}`); }",
            );
            break;
          }
          case K.SKIP:
            lines.push(`${set} ${step(tid, edge.to)}`);
            break;
          case K.ASSERT: {
            const f = ref(fns, edge.guard);
            const s = ref(strs, edge.name);
            lines.push(
              `${set} { const r = F[${f}](${ctx}); if (sync.count > 0) sync.flush(false); ` +
                `if (r !== true) { if (r !== false && typeof r !== "string") ` +
                "throw new TypeError(`the assertion must return a boolean or a string, got ${String(r)}`); " +
                `n++; sink.fail(${edge.prop}, ${tid}, typeof r === "string" ? "assertion '" + S[${s}] + "' failed: " + r : "assertion '" + S[${s}] + "' failed"); } ` +
                `else { ${step(tid, edge.to)} } }`,
            );
            break;
          }
          case K.OP: {
            const o = ref(ops, edge.op!);
            const off = edge.primOff, pid = inst.pid;
            lines.push(
              `${set} if (O[${o}].enabled(w, ${off}, ${pid}, ${ctx})) { ` +
                `env.writable = true; const err = O[${o}].apply(w, ${off}, ${pid}, ${ctx}, pidName, 0); ` +
                `if (sync.count > 0) sync.flush(true); env.writable = false; ` +
                `if (err !== undefined) { n++; ${restore} sink.fail(${edge.prop}, ${tid}, err); } ` +
                `else { ${step(tid, edge.to)} } }`,
            );
            break;
          }
          case K.OP_MULTI: {
            const o = ref(ops, edge.op!);
            const off = edge.primOff, pid = inst.pid;
            lines.push(
              `${set} { const op = O[${o}]; const k = op.choices(w, ${off}, ${pid}, ${ctx}); ` +
                "if (k > op.maxChoices) throw new RangeError(`${op.text} offers ${k} outcomes, more than its maximum ${op.maxChoices}`); " +
                `for (let c = 0; c < k; c++) { cur.cur = pub[0] = ${tid} + c; n++; env.writable = true; ` +
                `const err = op.apply(w, ${off}, ${pid}, ${ctx}, pidName, c); ` +
                `if (sync.count > 0) sync.flush(true); env.writable = false; ` +
                `if (err !== undefined) { ${restore} sink.fail(${edge.prop}, ${tid} + c, err); continue; } ` +
                `w[${P}] = ${edge.to}; ${fin(inst.pid, edge.to, inst.endPc)} ` +
                `${emitCode(`${tid} + c`)} ${restore} } }`,
            );
            break;
          }
          case K.RDV_SEND: {
            for (const jt of inst.joints[pcIndex]![e]!) {
              const sender = rt.insts[jt.sPid]!, receiver = rt.insts[jt.rPid]!;
              const v = ref(fns, jt.sEdge.op!.value);
              const into = ref(fns, jt.rEdge.op!.into);
              const sop = ref(ops, jt.sEdge.op!);
              const onJoint = jt.sEdge.op!.onJoint !== undefined
                ? `O[${sop}].onJoint(w, ${jt.sPid}, ${jt.rPid}, v);`
                : "";
              lines.push(
                `if (w[${receiver.pcOff}] === ${jt.rPc}) { cur.cur = pub[0] = ${jt.tid}; n++; cur.partner = false; ` +
                  `const v = F[${v}](C[${jt.sPid}]); if (sync.count > 0) sync.flush(false); ` +
                  `cur.partner = true; env.writable = true; F[${into}](C[${jt.rPid}], v); ` +
                  `if (sync.count > 0) sync.flush(true); ${onJoint} env.writable = false; cur.partner = false; ` +
                  `w[${sender.pcOff}] = ${jt.sEdge.to}; w[${receiver.pcOff}] = ${jt.rEdge.to}; ` +
                  `${fin(jt.sPid, jt.sEdge.to, sender.endPc)} ${
                    fin(jt.rPid, jt.rEdge.to, receiver.endPc)
                  } ` +
                  `${emitCode(jt.tid)} ${restore} }`,
              );
            }
            break;
          }
          case K.RDV_RECV:
            // Generated from the sender's side (no atomic blocks here).
            break;
          default:
            throw new Error(`codegen: unknown edge kind ${edge.kind}`);
        }
      });
      cases.push(`case ${pcIndex}: {\n${lines.join("\n")}\nreturn n; }`);
    });
    bodies.push(
      `function (state, sink) {\nlet n = 0;\nswitch (w[${P}]) {\n${
        cases.join("\n")
      }\ndefault: return 0;\n}\n}`,
    );
  }
  const source = `"use strict";\nreturn [\n${bodies.join(",\n")}\n];`;
  const make = new Function(
    "w",
    "env",
    "sync",
    "C",
    "F",
    "O",
    "S",
    "cur",
    "pub",
    "emit",
    "halt",
    "fin",
    "pidName",
    source,
  ) as (...args: unknown[]) => InstExpander[];
  const expanders = make(
    rt.w,
    rt.env,
    rt.sync,
    rt.insts.map((i) => i.ctx),
    fns,
    ops,
    strs,
    rt.cursor,
    rt.published,
    rt.emit,
    rt.halt,
    rt.finished,
    rt.pidName,
  );
  return { expanders, source };
}
