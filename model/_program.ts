// Private module: lowering a process's steps to its program-counter
// automaton.
//
// Each process kind becomes a list of pcs, each with its outgoing edges.
// Structured steps (if, while, choose, atomic, region) become edges between
// pcs; labels, gotos and breaks become alias pcs, resolved and dropped once
// the whole body is lowered. The automaton's types are in `_automaton.ts`;
// the interpreter (`_interpreter.ts`) and the code generator (`_codegen.ts`)
// run its edges.

import { match } from "npm:ts-pattern@5.9.2";
import {
  exprText,
  type Pred,
  type PrimitiveImpl,
  type Source,
  type Step,
  timeoutGuard,
} from "./_ast.ts";
import {
  ASSERT,
  DO,
  type Edge,
  type EdgeKind,
  GUARDED,
  type Handler,
  IF_FALSE,
  IF_TRUE,
  OP,
  OP_CHOICES,
  type Pc,
  type ProcType,
  RENDEZVOUS_RECV,
  RENDEZVOUS_SEND,
  SKIP,
  TIMEOUT,
  WHEN,
} from "./_automaton.ts";
import type { PropertyInfo } from "./model.ts";
import type { ProcessDecl } from "./_types.ts";
import { layoutVars } from "./_views.ts";
import { signalNumber } from "./primitives/signals.ts";
import { errorText } from "./spec_error.ts";

/** Where an error is reported. */
export interface Where {
  process?: string;
  step?: string;
  source?: Source;
}

/** What lowering needs from the system being compiled. */
export interface LoweringHost {
  /** Throws a SpecError naming the spec. */
  fail(reason: string, where?: Where): never;
  /** The number of the property `name`, declared now if new. */
  prop(name: string, kind: PropertyInfo["kind"]): number;
  /** Registers a primitive a step uses. */
  usePrim(prim: PrimitiveImpl, where: { process: string; step: string; source: Source }): void;
  /** Set when some process has an atomic block. */
  hasAtomic: boolean;
  /** The last atomic block's id. */
  atomicIds: number;
}

interface Scope {
  atomic: number;
  regions: string[];
  loopExit: number;
}

interface Choice {
  pc: number;
  entries: number[];
  cont: number;
}

/** A new edge with its defaults. */
function edge(
  kind: EdgeKind,
  to: number,
  name: string,
  text: string,
  src: Source,
  extra: Partial<Edge> = {},
): Edge {
  return {
    kind,
    to,
    name,
    text,
    src,
    guard: undefined,
    fn: undefined,
    op: undefined,
    primOff: -1,
    prop: -1,
    atomic: -1,
    keepsAtomic: false,
    origTo: to,
    ...extra,
  };
}

/** Lowers one process kind's body to its automaton. */
export function lowerProcess(host: LoweringHost, decl: ProcessDecl): ProcType {
  return new Lowering(host, decl).run();
}

class Lowering {
  readonly host: LoweringHost;
  readonly decl: ProcessDecl;
  readonly process: string;
  readonly pcs: Pc[] = [];
  readonly labels = new Map<string, { pc: number; src: Source }>();
  readonly gotos: { edgePc: number; target: string; src: Source }[] = [];
  readonly chooses: Choice[] = [];
  /** Where each outermost atomic block continues: an edge there leaves it. */
  readonly atomicExits = new Map<number, number>();
  /** The end of the body (where `exit` goes). */
  endPc = -1;

  constructor(host: LoweringHost, decl: ProcessDecl) {
    this.host = host;
    this.decl = decl;
    this.process = decl.name;
  }

  run(): ProcType {
    const topScope: Scope = { atomic: -1, regions: [], loopExit: -1 };
    const endPc = this.newPc("end", undefined, topScope);
    this.endPc = endPc;
    const entry = this.seq(this.decl.body, endPc, topScope);
    this.resolveGotos();
    for (const pc of this.pcs) for (const e of pc.edges) e.to = this.resolve(e.to);
    this.markLabels();
    this.finishChoices(endPc);
    this.markAtomicEdges();
    return this.compact(entry, endPc);
  }

  fail(reason: string, where: Where = {}): never {
    return this.host.fail(reason, { process: this.process, ...where });
  }

  newPc(name: string, src: Source, scope: Scope): number {
    this.pcs.push({
      name,
      src,
      edges: [],
      atomic: scope.atomic,
      names: new Set(scope.regions),
      labels: [],
      end: false,
      progress: false,
      alias: -1,
    });
    return this.pcs.length - 1;
  }

  /** Adds edges to `pc`, recording the atomic block the step belongs to. */
  addEdge(pc: number, ...es: Edge[]): void {
    for (const e of es) {
      e.atomic = this.pcs[pc]!.atomic;
      this.pcs[pc]!.edges.push(e);
    }
  }

  checkFn(f: unknown, what: string, step: string, src: Source): void {
    if (typeof f !== "function") {
      this.fail(`${what} must be a function, got ${String(f)}`, { step, source: src });
    }
    if (f.constructor?.name === "AsyncFunction") {
      this.fail(
        `${what} is an async function: the spec's code runs synchronously, and what it does after an await would be lost`,
        { step, source: src },
      );
    }
  }

  seq(steps: readonly Step[], cont: number, scope: Scope): number {
    if (!Array.isArray(steps)) this.fail(`expected a list of steps, got ${String(steps)}`);
    let next = cont;
    for (let i = steps.length - 1; i >= 0; i--) next = this.step(steps[i]!, next, scope);
    return next;
  }

  step(step: Step, cont: number, scope: Scope): number {
    if (typeof step !== "object" || step === null || !("kind" in step)) {
      this.fail(`expected a step, got ${String(step)}`);
    }
    return match(step)
      .with({ kind: "do" }, (s) => this.doStep(s, cont, scope))
      .with({ kind: "when" }, (s) => this.whenStep(s, cont, scope))
      .with({ kind: "assert" }, (s) => this.assertStep(s, cont, scope))
      .with({ kind: "op" }, (s) => this.opStep(s, cont, scope))
      .with({ kind: "if" }, (s) => this.ifStep(s, cont, scope))
      .with({ kind: "while" }, (s) => this.whileStep(s, cont, scope))
      .with({ kind: "choose" }, (s) => this.chooseStep(s, cont, scope))
      .with({ kind: "atomic" }, (s) => this.atomicStep(s, cont, scope))
      .with(
        { kind: "region" },
        (s) => this.seq(s.body, cont, { ...scope, regions: [...scope.regions, s.name] }),
      )
      .with({ kind: "label" }, (s) => this.labelStep(s, cont, scope))
      .with({ kind: "goto" }, (s) => {
        const pc = this.newPc(`goto ${s.target}`, s.src, scope);
        this.gotos.push({ edgePc: pc, target: s.target, src: s.src });
        return pc;
      })
      .with({ kind: "break" }, (s) => {
        if (scope.loopExit < 0) {
          this.fail("breakLoop() outside a loop", { step: "break", source: s.src });
        }
        const pc = this.newPc("break", s.src, scope);
        this.pcs[pc]!.alias = scope.loopExit;
        return pc;
      })
      .exhaustive();
  }

  doStep(s: Extract<Step, { kind: "do" }>, cont: number, scope: Scope): number {
    this.checkFn(s.fn, "the effect", s.name, s.src);
    const pc = this.newPc(s.name, s.src, scope);
    this.addEdge(pc, edge(DO, cont, s.name, s.name, s.src, { fn: s.fn }));
    return pc;
  }

  /** A wait, a guarded command (with an effect), or either with `timeout` as the guard. */
  whenStep(s: Extract<Step, { kind: "when" }>, cont: number, scope: Scope): number {
    this.checkFn(s.guard, "the guard", s.name, s.src);
    if (s.fn !== undefined) this.checkFn(s.fn, "the effect", s.name, s.src);
    const pc = this.newPc(s.name, s.src, scope);
    const kind = s.guard === timeoutGuard ? TIMEOUT : s.fn !== undefined ? GUARDED : WHEN;
    const text = kind === TIMEOUT ? `when timeout: ${s.name}` : `when ${s.name}`;
    this.addEdge(pc, edge(kind, cont, s.name, text, s.src, { guard: s.guard, fn: s.fn }));
    return pc;
  }

  assertStep(s: Extract<Step, { kind: "assert" }>, cont: number, scope: Scope): number {
    this.checkFn(s.pred, "the assertion", s.name, s.src);
    const pc = this.newPc(`assert ${s.name}`, s.src, scope);
    const prop = this.host.prop(s.name, "assertion");
    const guard = s.pred as unknown as Pred;
    this.addEdge(pc, edge(ASSERT, cont, s.name, `assert ${s.name}`, s.src, { guard, prop }));
    return pc;
  }

  opStep(s: Extract<Step, { kind: "op" }>, cont: number, scope: Scope): number {
    this.host.usePrim(s.op.prim, { process: this.process, step: s.name, source: s.src });
    const pc = this.newPc(s.name, s.src, scope);
    const multi = (s.op.maxChoices ?? 1) > 1;
    if (multi && s.op.choices === undefined) {
      this.fail("an operation with maxChoices needs choices()", { step: s.name, source: s.src });
    }
    const kind = s.op.rendezvous === "send"
      ? RENDEZVOUS_SEND
      : s.op.rendezvous === "recv"
      ? RENDEZVOUS_RECV
      : multi
      ? OP_CHOICES
      : OP;
    const prop = s.op.failure !== undefined
      ? this.host.prop(s.op.failure, s.op.failureKind ?? "primitive")
      : -1;
    const to = s.op.exits === true ? this.endPc : cont;
    this.addEdge(pc, edge(kind, to, s.name, s.op.text, s.src, { op: s.op, prop }));
    return pc;
  }

  ifStep(s: Extract<Step, { kind: "if" }>, cont: number, scope: Scope): number {
    this.checkFn(s.cond, "the condition", "if", s.src);
    const pc = this.newPc("if", s.src, scope);
    const thenEntry = this.seq(s.then, cont, scope);
    const elseEntry = this.seq(s.else, cont, scope);
    const text = exprText(s.cond);
    this.addEdge(
      pc,
      edge(IF_TRUE, thenEntry, "if", `if (${text}) -> then`, s.src, { guard: s.cond }),
      edge(IF_FALSE, elseEntry, "if", `if (${text}) -> else`, s.src, { guard: s.cond }),
    );
    return pc;
  }

  whileStep(s: Extract<Step, { kind: "while" }>, cont: number, scope: Scope): number {
    const head = this.newPc(s.name, s.src, scope);
    const body = this.seq(s.body, head, { ...scope, loopExit: cont });
    if (s.cond === undefined) {
      if (body === head) {
        this.addEdge(head, edge(SKIP, head, s.name, "loop: skip", s.src));
      } else {
        this.pcs[head]!.alias = body;
      }
      return head;
    }
    this.checkFn(s.cond, "the loop condition", s.name, s.src);
    const text = exprText(s.cond);
    const c = s.counted;
    this.addEdge(
      head,
      edge(IF_TRUE, body, s.name, c?.test ?? `while (${text}) -> body`, s.src, { guard: s.cond }),
      edge(IF_FALSE, cont, s.name, c?.done ?? `while (${text}) -> done`, s.src, {
        guard: s.cond,
        fn: c?.reset,
      }),
    );
    return head;
  }

  chooseStep(s: Extract<Step, { kind: "choose" }>, cont: number, scope: Scope): number {
    if (s.branches.length === 0) {
      this.fail("choose() needs at least one branch", { step: "choose", source: s.src });
    }
    const pc = this.newPc(s.name, s.src, scope);
    const entries: number[] = [];
    for (const b of s.branches) {
      if (b.length === 0) {
        this.addEdge(pc, edge(SKIP, cont, "choose", "choose: skip", s.src));
      } else {
        entries.push(this.seq(b, cont, scope));
      }
    }
    this.chooses.push({ pc, entries, cont });
    return pc;
  }

  atomicStep(s: Extract<Step, { kind: "atomic" }>, cont: number, scope: Scope): number {
    this.host.hasAtomic = true;
    const id = scope.atomic >= 0 ? scope.atomic : ++this.host.atomicIds;
    if (scope.atomic < 0) this.atomicExits.set(id, cont);
    if (s.body.length === 0) return cont;
    return this.seq(s.body, cont, { ...scope, atomic: id });
  }

  labelStep(s: Extract<Step, { kind: "label" }>, cont: number, scope: Scope): number {
    if (this.labels.has(s.name)) {
      this.fail(`duplicate label '${s.name}'`, { step: s.name, source: s.src });
    }
    // A label names the position of the following step: an alias pc
    // resolved when the whole body is lowered.
    const pc = this.newPc(s.name, s.src, scope);
    this.pcs[pc]!.alias = cont;
    this.pcs[pc]!.end = s.end;
    this.pcs[pc]!.progress = s.progress;
    this.labels.set(s.name, { pc, src: s.src });
    return pc;
  }

  resolveGotos(): void {
    for (const g of this.gotos) {
      const target = this.labels.get(g.target);
      if (target === undefined) {
        const known = [...this.labels.keys()];
        this.fail(
          `goto to unknown label '${g.target}' (${
            known.length === 0 ? "the process has no labels" : `labels: ${known.join(", ")}`
          })`,
          { step: `goto ${g.target}`, source: g.src },
        );
      }
      this.pcs[g.edgePc]!.alias = target.pc;
    }
  }

  /** Follows aliases (labels, breaks, gotos, endless loops) to a real pc. */
  resolve(pc: number): number {
    const pcs = this.pcs;
    let cur = pc;
    for (let hops = 0; pcs[cur]!.alias >= 0; hops++) {
      if (hops > pcs.length) {
        this.fail("a goto or loop jumps in a circle without any step", {
          step: pcs[pc]!.name,
          source: pcs[pc]!.src,
        });
      }
      cur = pcs[cur]!.alias;
    }
    return cur;
  }

  /** A label marks the pc it resolves to with its name and end/progress flags. */
  markLabels(): void {
    for (const [name, { pc }] of this.labels) {
      const target = this.pcs[this.resolve(pc)]!;
      target.names.add(name);
      target.labels.push(name);
      if (this.pcs[pc]!.end) target.end = true;
      if (this.pcs[pc]!.progress) target.progress = true;
    }
  }

  /**
   * A choice's pc offers the first edges of each branch. A branch may start
   * with another choice (directly or through a goto), which must be
   * complete first.
   */
  finishChoices(endPc: number): void {
    const chooseAt = new Map(this.chooses.map((c) => [c.pc, c]));
    const state = new Map<number, "busy" | "done">();
    const pcs = this.pcs;
    const finish = (c: Choice): void => {
      if (state.get(c.pc) === "done") return;
      if (state.get(c.pc) === "busy") {
        this.fail("a choice reaches itself without any step", {
          step: "choose",
          source: pcs[c.pc]!.src,
        });
      }
      state.set(c.pc, "busy");
      for (const entry of c.entries) {
        const r = this.resolve(entry);
        // A branch with no step of its own (only labels, say) is one skip.
        if (r === this.resolve(c.cont) || r === endPc) {
          const skip = edge(SKIP, r, "choose", "choose: skip", pcs[c.pc]!.src, { origTo: entry });
          this.addEdge(c.pc, skip);
          continue;
        }
        const inner = chooseAt.get(r);
        if (inner !== undefined) finish(inner);
        for (const e of pcs[r]!.edges) pcs[c.pc]!.edges.push({ ...e });
      }
      state.set(c.pc, "done");
    };
    for (const c of this.chooses) finish(c);
  }

  /**
   * An edge keeps its process inside an atomic block when it comes from a
   * step of the block and leads to another step of it without passing the
   * block's end (a loop around the block passes the end each round).
   * "Leaving" is decided on the jump chain before resolution: the chain
   * must stay among the block's own positions and not pass its end. A goto
   * to the block's first step stays inside; a break out of a loop around
   * (or inside) the block leaves it, even when that loop leads back into
   * the block.
   */
  markAtomicEdges(): void {
    const pcs = this.pcs;
    const leaves = (from: number, block: number): boolean => {
      const exit = this.atomicExits.get(block);
      for (let cur = from, hops = 0; hops <= pcs.length; hops++) {
        if (cur === exit || pcs[cur]!.atomic !== block) return true;
        const next = pcs[cur]!.alias;
        if (next < 0) return false;
        cur = next;
      }
      return true;
    };
    for (const pc of pcs) {
      for (const e of pc.edges) {
        e.keepsAtomic = e.atomic >= 0 && pcs[e.to]!.atomic === e.atomic &&
          !leaves(e.origTo, e.atomic);
      }
    }
  }

  /** The declared buffer queries, checked; each buffer becomes part of the system. */
  queries(): Set<PrimitiveImpl> {
    const out = new Set<PrimitiveImpl>();
    const list: unknown = this.decl.queries ?? [];
    if (!Array.isArray(list)) this.fail(`queries must be a list of buffers, got ${String(list)}`);
    for (const prim of list as unknown[]) {
      const p = prim as Partial<PrimitiveImpl> | null;
      if (typeof p !== "object" || p === null || typeof p.kind !== "string") {
        this.fail(`queries must list primitives, got ${String(prim)}`);
      }
      if (p.bufferQueries === undefined) {
        this.fail(`${p.kind} '${p.name}' holds no messages, so it has no len, empty or full`);
      }
      this.host.usePrim(p as PrimitiveImpl, {
        process: this.process,
        step: "queries",
        source: undefined,
      });
      out.add(p as PrimitiveImpl);
    }
    return out;
  }

  /** Drops the alias pcs, renumbers, and builds the process kind. */
  compact(entry: number, endPc: number): ProcType {
    const keep: number[] = [];
    const renum = new Int32Array(this.pcs.length).fill(-1);
    for (let i = 0; i < this.pcs.length; i++) {
      if (this.pcs[i]!.alias < 0) {
        renum[i] = keep.length;
        keep.push(i);
      }
    }
    const out: Pc[] = keep.map((i) => this.pcs[i]!);
    for (const pc of out) for (const e of pc.edges) e.to = renum[e.to]!;
    for (const pc of out) pc.names.add(pc.name);
    const newEnd = renum[endPc]!;
    const valid = new Uint8Array(out.length);
    const progressPcs = new Uint8Array(out.length);
    out.forEach((pc, i) => {
      if (pc.end || i === newEnd) valid[i] = 1;
      if (pc.progress) progressPcs[i] = 1;
    });
    const decl = this.decl;
    const { vars, size } = layoutVars(decl.locals);
    const uses = new Set<PrimitiveImpl>();
    for (const pc of out) for (const e of pc.edges) if (e.op !== undefined) uses.add(e.op.prim);
    const { handlers, dispositions } = lowerSignals(this.host, decl);
    return {
      handlers,
      dispositions,
      uses,
      queries: this.queries(),
      name: decl.name,
      count: decl.count,
      symmetric: decl.symmetric === true,
      dynamic: decl.dynamic === true,
      vars,
      localSize: size,
      pcs: out,
      entry: renum[this.resolve(entry)]!,
      endPc: newEnd,
      valid,
      progressPcs,
      pointOf: new Int32Array(out.length).fill(-1),
      named: namedPcs(out),
    };
  }
}

/** The pcs carrying each name (region, label, step name). */
function namedPcs(pcs: readonly Pc[]): Map<string, Uint8Array> {
  const named = new Map<string, Uint8Array>();
  pcs.forEach((pc, i) => {
    for (const n of pc.names) {
      let set = named.get(n);
      if (set === undefined) named.set(n, set = new Uint8Array(pcs.length));
      set[i] = 1;
    }
  });
  return named;
}

/** The signal dispositions a process kind declares, checked. */
function lowerSignals(
  host: LoweringHost,
  decl: ProcessDecl,
): Pick<ProcType, "handlers" | "dispositions"> {
  const handlers = new Map<number, Handler>();
  const dispositions: Record<string, "default" | "ignore" | "handler"> = {};
  for (const [name, d] of Object.entries(decl.signals ?? {})) {
    let signo: number;
    try {
      signo = signalNumber(name);
    } catch (e) {
      host.fail(errorText(e), { process: decl.name });
    }
    if (d === "default" || d === "ignore") {
      dispositions[name] = d;
      continue;
    }
    const h = typeof d === "function" ? { handler: d } : d as { handler?: unknown };
    if (typeof h !== "object" || h === null || typeof h.handler !== "function") {
      host.fail(
        `the disposition of ${name} must be "default", "ignore" or a handler, got ${String(d)}`,
        { process: decl.name },
      );
    }
    const opts = h as { handler: Handler["fn"]; restart?: boolean; resetHand?: boolean };
    handlers.set(signo, {
      fn: opts.handler,
      restart: opts.restart ?? false,
      resetHand: opts.resetHand ?? false,
    });
    dispositions[name] = "handler";
  }
  return { handlers, dispositions };
}
