// Private module: generated successor code.
//
// The compiler's interpreter (`Interpreter.expandInstance`, _interpreter.ts) walks a process's
// edges at its program counter and switches on each edge's kind. For a
// given model all of that is known when it is built: the pcs, the edges, the
// offsets, the transition numbers, which edges end the process. This module
// writes, per process instance, a JavaScript function that does exactly
// what the interpreter does for that instance — a `switch` on the pc whose
// cases are the edges unrolled, with every offset, target and transition
// number a literal — and evaluates it once with `new Function`. The source
// ends with `//# sourceURL=ipcspec-generated/<spec>.js`: debuggers and stack
// traces show it under that name, and `model.code.source` holds it. V8 then
// compiles each to straight-line code, as gcc does SPIN's pan.c. The spec's
// own guards and effects are still the closures it wrote (called through
// arrays); only the dispatch around them is specialised.
//
// Every system gets generated code. With atomic blocks, each step still
// sets the floor (`work[0]`) as the interpreter's `afterEdge` does, and an
// expander called for the owner alone (`owner` true) also fires a rendezvous
// from the receiver's side, as the interpreter's `ownerOnly` does; the
// choice between the owner and the others stays in the interpreter's
// dispatch. Each step of a block stays its own transition (docs/language.md,
// "Atomic blocks"). With a signal table, each expander first asks the table
// whether the instance has a signal to take (then it hands the state to the
// delivery routine, `_delivery.ts`, shared with the interpreter) or is
// stopped (then it has no transition). The interpreter stays the reference:
// tests compare the two, successor by successor, on every bundled spec and
// on random specs with atomic blocks and signals.

import { match } from "npm:ts-pattern@5.9.2";
import type { AsyncEvents, Ctx, OpImpl } from "./_ast.ts";
import type { SuccessorSink } from "./model.ts";
import {
  ASSERT,
  DO,
  type EdgeKind,
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

/** What the generator needs of an edge. */
export interface GenEdge {
  readonly kind: EdgeKind;
  readonly to: number;
  readonly name: string;
  /** The edge in words, for a comment in the generated code. */
  readonly text: string;
  readonly guard: ((ctx: Ctx) => unknown) | undefined;
  readonly fn: ((ctx: Ctx) => unknown) | undefined;
  readonly op: OpImpl | undefined;
  readonly primOff: number;
  readonly prop: number;
  /** Firing it keeps the process inside its atomic block (it keeps the floor). */
  readonly keepsAtomic: boolean;
}

/** What the generator needs of a rendezvous pair. */
export interface GenJoint {
  readonly tid: number;
  readonly senderPid: number;
  readonly senderPc: number;
  readonly senderEdge: GenEdge;
  readonly receiverPid: number;
  readonly receiverPc: number;
  readonly receiverEdge: GenEdge;
}

/** What the generator needs of a process instance. */
export interface GenInst {
  readonly pid: number;
  /** `kind#id`, for a comment in the generated code. */
  readonly name: string;
  readonly pcOff: number;
  readonly ctx: Ctx;
  readonly endPc: number;
  readonly pcs: readonly { readonly name: string; readonly edges: readonly GenEdge[] }[];
  readonly tids: readonly Int32Array[];
  readonly joints: readonly (readonly (readonly GenJoint[])[])[];
  /** The first of its delivery transitions (with a signal table). */
  readonly deliverTid: number;
}

/** What the generated code asks of a signal table (see `AsyncEvents`, _ast.ts). */
export interface GenEvents {
  /** The table's slot in the state. */
  readonly off: number;
  /** The table's own `deliverable` and `stopped`, called as its methods. */
  readonly table: Pick<AsyncEvents, "deliverable" | "stopped">;
  /** Delivers the pending signal of `pid` (state in `w`); pushes the successors, returns how many. */
  deliver(pid: number, state: Int32Array, sink: SuccessorSink): number;
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
  /** The spec's name: the generated source is `ipcspec-generated/<spec>.js`. */
  readonly spec: string;
  readonly w: Int32Array;
  readonly width: number;
  readonly env: { writable: boolean };
  readonly sync: { count: number; flush(write: boolean): void };
  readonly insts: readonly GenInst[];
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
  /** The system has atomic blocks: `work[0]` holds the owner of the floor (pid + 1), or 0. */
  readonly atomic: boolean;
  /** The signal table, if the system has one. */
  readonly events: GenEvents | undefined;
}

/**
 * One generated function per instance: expands it from `state` (already in
 * the work buffer) into `sink`. `owner`: it runs alone as the owner of an
 * atomic block, so a receive also fires its rendezvous.
 */
export type InstExpander = (state: Int32Array, sink: SuccessorSink, owner?: boolean) => number;

/** The generated source and its functions. */
export interface Generated {
  /** Per pid. */
  readonly expanders: readonly InstExpander[];
  /**
   * Per pid, the `timeout` pass (only the edges waiting for `timeout`), run
   * when the expanders found nothing; undefined when no step waits for it.
   */
  readonly timeouts: readonly InstExpander[] | undefined;
  /** The source text, for inspection and tests. */
  readonly source: string;
}

/** The name the generated source goes by: `ipcspec-generated/<spec>.js`, spec name sanitised. */
export function generatedUrl(spec: string): string {
  const safe = spec.replace(/[^A-Za-z0-9_.-]/g, "_").replace(/^\.+/, "_") || "spec";
  return `ipcspec-generated/${safe}.js`;
}

/**
 * Restoring `work` from `state`: unrolled for narrow states, a loop
 * otherwise. It is the body of one function, `restore`, that every site
 * calls (V8 inlines it where it pays): written out at each site it made
 * the expanders of wide specs too big to optimise well (the sieve at
 * 62 slots ran a third slower than the interpreter).
 */
function restoreCode(width: number): string {
  if (width > 96) return `for (let i = 0; i < ${width}; i++) work[i] = state[i];`;
  const parts: string[] = [];
  for (let i = 0; i < width; i++) parts.push(`work[${i}] = state[${i}];`);
  return parts.join(" ");
}

/** Constant tables the generated code indexes: closures, operations, texts. */
class Tables {
  readonly closures: unknown[] = [];
  readonly operations: OpImpl[] = [];
  readonly texts: string[] = [];

  /** The index of `x` in `arr`, added if new. */
  ref<T>(arr: T[], x: T): number {
    const i = arr.indexOf(x);
    if (i >= 0) return i;
    arr.push(x);
    return arr.length - 1;
  }
}

/** Writes the code of one instance's edges. */
class InstanceWriter {
  readonly rt: GenRuntime;
  readonly inst: GenInst;
  readonly tables: Tables;
  readonly restore: string;
  readonly ctx: string;

  constructor(rt: GenRuntime, inst: GenInst, tables: Tables) {
    this.rt = rt;
    this.inst = inst;
    this.tables = tables;
    this.restore = "restore(state);";
    this.ctx = `contexts[${inst.pid}]`;
  }

  /** Hands the successor on; returns from the expander when the sink says stop. */
  emit(tid: number | string): string {
    return this.rt.direct
      ? `if (!sink.push(work, ${tid})) { halt(); return count; }`
      : `if (!emit(sink, ${tid}, state)) return count;`;
  }

  /** Runs the exit hooks when `pid` reaches its end pc. */
  fin(pid: number, to: number, endPc: number): string {
    return this.rt.finished !== undefined && to === endPc ? `finished(${pid});` : "";
  }

  /** With atomic blocks: who holds the floor after `edge` (the interpreter's `afterEdge`). */
  floor(edge: GenEdge): string {
    if (!this.rt.atomic) return "";
    return `work[0] = ${edge.keepsAtomic ? this.inst.pid + 1 : 0};`;
  }

  /** Counts the transition, moves the process along `edge`, emits, restores. */
  step(tid: number | string, edge: GenEdge): string {
    const { inst } = this;
    const to = edge.to;
    return `count++; work[${inst.pcOff}] = ${to}; ${this.floor(edge)} ${
      this.fin(inst.pid, to, inst.endPc)
    } ${this.emit(tid)} ${this.restore}`;
  }

  /** The code of the `e`-th edge at pc `pcIndex` (in the `timeout` pass: of `timeout` edges only). */
  edge(edge: GenEdge, pcIndex: number, e: number, timeoutPass: boolean): string {
    const tid = this.inst.tids[pcIndex]![e]!;
    const set = `cursor.cur = published[0] = ${tid};`;
    if (timeoutPass !== (edge.kind === TIMEOUT)) return "";
    return match(edge.kind)
      .with(DO, () => `${set} ${this.effect(edge)} ${this.step(tid, edge)}`)
      .with(WHEN, IF_TRUE, () => `${set} ${this.guard(edge, tid, true)}`)
      .with(GUARDED, () => `${set} ${this.guard(edge, tid, true, this.effect(edge))}`)
      .with(
        TIMEOUT,
        () => `${set} ${edge.fn !== undefined ? this.effect(edge) : ""} ${this.step(tid, edge)}`,
      )
      .with(
        IF_FALSE,
        () =>
          `${set} ${this.guard(edge, tid, false, edge.fn !== undefined ? this.effect(edge) : "")}`,
      )
      .with(SKIP, () => `${set} ${this.step(tid, edge)}`)
      .with(ASSERT, () => `${set} ${this.assertion(edge, tid)}`)
      .with(OP, () => `${set} ${this.operation(edge, tid)}`)
      .with(OP_CHOICES, () => `${set} ${this.choices(edge, tid)}`)
      .with(RENDEZVOUS_SEND, () => this.joints(pcIndex, e, false))
      // Fired from the sender's side, and from the receiver's side only for
      // the owner of an atomic block expanded alone.
      .with(
        RENDEZVOUS_RECV,
        () => this.rt.atomic ? `if (owner) { ${this.joints(pcIndex, e, true)} }` : "",
      )
      .exhaustive();
  }

  effect(edge: GenEdge): string {
    const f = this.tables.ref(this.tables.closures, edge.fn);
    return `env.writable = true; closures[${f}](${this.ctx}); ` +
      `if (sync.count > 0) sync.flush(true); env.writable = false;`;
  }

  /** Tests the guard; when it is `want`, runs `then` (a guarded command's effect) and steps. */
  guard(edge: GenEdge, tid: number, want: boolean, then = ""): string {
    const f = this.tables.ref(this.tables.closures, edge.guard);
    const what = want ? "guard" : "condition";
    return `{ const result = closures[${f}](${this.ctx}); if (sync.count > 0) sync.flush(false); ` +
      `if (result === ${want}) { ${then} ${this.step(tid, edge)} } else if (result !== ${!want}) ` +
      `throw new TypeError(\`the ${what} must return a boolean, got \${String(result)}\`); }`;
  }

  assertion(edge: GenEdge, tid: number): string {
    const f = this.tables.ref(this.tables.closures, edge.guard);
    const s = this.tables.ref(this.tables.texts, edge.name);
    return `{ const result = closures[${f}](${this.ctx}); if (sync.count > 0) sync.flush(false); ` +
      `if (result !== true) { if (result !== false && typeof result !== "string") ` +
      "throw new TypeError(`the assertion must return a boolean or a string, got ${String(result)}`); " +
      `count++; sink.fail(${edge.prop}, ${tid}, typeof result === "string" ` +
      `? "assertion '" + texts[${s}] + "' failed: " + result : "assertion '" + texts[${s}] + "' failed"); } ` +
      `else { ${this.step(tid, edge)} } }`;
  }

  operation(edge: GenEdge, tid: number): string {
    const o = this.tables.ref(this.tables.operations, edge.op!);
    const off = edge.primOff, pid = this.inst.pid, ctx = this.ctx;
    return `if (operations[${o}].enabled(work, ${off}, ${pid}, ${ctx})) { ` +
      `env.writable = true; const error = operations[${o}].apply(work, ${off}, ${pid}, ${ctx}, pidName, 0); ` +
      `if (sync.count > 0) sync.flush(true); env.writable = false; ` +
      `if (error !== undefined) { count++; ${this.restore} sink.fail(${edge.prop}, ${tid}, error); } ` +
      `else { ${this.step(tid, edge)} } }`;
  }

  choices(edge: GenEdge, tid: number): string {
    const o = this.tables.ref(this.tables.operations, edge.op!);
    const off = edge.primOff, pid = this.inst.pid, ctx = this.ctx;
    return `{ const op = operations[${o}]; const outcomes = op.choices(work, ${off}, ${pid}, ${ctx}); ` +
      "if (outcomes > op.maxChoices) throw new RangeError(`${op.text} offers ${outcomes} outcomes, more than its maximum ${op.maxChoices}`); " +
      `for (let outcome = 0; outcome < outcomes; outcome++) { cursor.cur = published[0] = ${tid} + outcome; count++; env.writable = true; ` +
      `const error = op.apply(work, ${off}, ${pid}, ${ctx}, pidName, outcome); ` +
      `if (sync.count > 0) sync.flush(true); env.writable = false; ` +
      `if (error !== undefined) { ${this.restore} sink.fail(${edge.prop}, ${tid} + outcome, error); continue; } ` +
      `work[${this.inst.pcOff}] = ${edge.to}; ${this.floor(edge)} ${
        this.fin(pid, edge.to, this.inst.endPc)
      } ` +
      `${this.emit(`${tid} + outcome`)} ${this.restore} } }`;
  }

  /**
   * Every rendezvous of a send edge, each guarded by its receiver's pc (of a
   * receive edge, `fromReceiver`: by its sender's pc).
   */
  joints(pcIndex: number, e: number, fromReceiver: boolean): string {
    const { rt, tables } = this;
    const lines: string[] = [];
    for (const jt of this.inst.joints[pcIndex]![e]!) {
      const sender = rt.insts[jt.senderPid]!, receiver = rt.insts[jt.receiverPid]!;
      const other = fromReceiver
        ? `work[${sender.pcOff}] === ${jt.senderPc}`
        : `work[${receiver.pcOff}] === ${jt.receiverPc}`;
      const v = tables.ref(tables.closures, jt.senderEdge.op!.value);
      const into = tables.ref(tables.closures, jt.receiverEdge.op!.into);
      const sop = tables.ref(tables.operations, jt.senderEdge.op!);
      const onJoint = jt.senderEdge.op!.onJoint !== undefined
        ? `operations[${sop}].onJoint(work, ${jt.senderPid}, ${jt.receiverPid}, value);`
        : "";
      lines.push(
        `if (${other}) { cursor.cur = published[0] = ${jt.tid}; count++; cursor.partner = false; ` +
          `const value = closures[${v}](contexts[${jt.senderPid}]); if (sync.count > 0) sync.flush(false); ` +
          `cursor.partner = true; env.writable = true; closures[${into}](contexts[${jt.receiverPid}], value); ` +
          `if (sync.count > 0) sync.flush(true); ${onJoint} env.writable = false; cursor.partner = false; ` +
          `work[${sender.pcOff}] = ${jt.senderEdge.to}; work[${receiver.pcOff}] = ${jt.receiverEdge.to}; ` +
          (rt.atomic ? "work[0] = 0; " : "") +
          `${this.fin(jt.senderPid, jt.senderEdge.to, sender.endPc)} ${
            this.fin(jt.receiverPid, jt.receiverEdge.to, receiver.endPc)
          } ` +
          `${this.emit(jt.tid)} ${this.restore} }`,
      );
    }
    return lines.join("\n");
  }

  /** The expander (or its `timeout` pass): a switch on the instance's pc. */
  function(timeoutPass = false): string {
    const cases: string[] = [];
    this.inst.pcs.forEach((pc, pcIndex) => {
      if (pc.edges.length === 0) return;
      const lines = pc.edges.map((edge, e) => {
        const code = this.edge(edge, pcIndex, e, timeoutPass);
        return code === "" ? "" : `// ${comment(edge.text)}\n${code}`;
      }).filter((l) => l !== "");
      if (timeoutPass && lines.length === 0) return;
      cases.push(`case ${pcIndex}: { // ${comment(pc.name)}\n${lines.join("\n")}\nreturn count; }`);
    });
    const fn = timeoutPass ? "timeout_pid_" : "expand_pid_";
    return `// ${
      comment(this.inst.name)
    }\nfunction ${fn}${this.inst.pid}(state, sink, owner) {\nlet count = 0;\n${this.signals()}switch (work[${this.inst.pcOff}]) {\n${
      cases.join("\n")
    }\ndefault: return 0;\n}\n}`;
  }

  /**
   * With a signal table: a pending, unblocked signal is taken before any
   * step of the process's own (docs/semantics.md §6.3), and a stopped
   * process has no step.
   */
  signals(): string {
    if (this.rt.events === undefined) return "";
    const pid = this.inst.pid, off = this.rt.events.off;
    return `if (table.deliverable(work, ${off}, ${pid})) { cursor.cur = published[0] = ${this.inst.deliverTid}; ` +
      `return events.deliver(${pid}, state, sink); }\n` +
      `if (table.stopped(work, ${off}, ${pid})) return 0;\n`;
  }
}

/** Text made safe for a `//` comment in the generated code. */
function comment(text: string): string {
  return text.replace(/[\r\n\u2028\u2029]+/g, " ");
}

/**
 * Writes and evaluates the expanders of every instance.
 *
 * @param rt The runtime: the model's work buffer, views' environment, sink plumbing.
 * @returns The expanders and their source.
 */
export function generate(rt: GenRuntime): Generated {
  const tables = new Tables();
  const bodies = rt.insts.map((inst) => new InstanceWriter(rt, inst, tables).function());
  const anyTimeout = rt.insts.some((i) =>
    i.pcs.some((pc) => pc.edges.some((e) => e.kind === TIMEOUT))
  );
  // With `timeout` steps: the second half of the array is the `timeout` pass.
  if (anyTimeout) {
    for (const inst of rt.insts) bodies.push(new InstanceWriter(rt, inst, tables).function(true));
  }
  const source = `"use strict";\nfunction restore(state) { ${restoreCode(rt.width)} }\n${
    rt.events !== undefined ? "const table = events.table;\n" : ""
  }return [\n${bodies.join(",\n")}\n];\n//# sourceURL=${generatedUrl(rt.spec)}\n`;
  const make = new Function(
    "work",
    "env",
    "sync",
    "contexts",
    "closures",
    "operations",
    "texts",
    "cursor",
    "published",
    "emit",
    "halt",
    "finished",
    "pidName",
    "events",
    source,
  ) as (...args: unknown[]) => InstExpander[];
  const expanders = make(
    rt.w,
    rt.env,
    rt.sync,
    rt.insts.map((i) => i.ctx),
    tables.closures,
    tables.operations,
    tables.texts,
    rt.cursor,
    rt.published,
    rt.emit,
    rt.halt,
    rt.finished,
    rt.pidName,
    rt.events,
  );
  const n = rt.insts.length;
  return {
    expanders: expanders.slice(0, n),
    timeouts: anyTimeout ? expanders.slice(n) : undefined,
    source,
  };
}
