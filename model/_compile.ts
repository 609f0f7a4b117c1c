// Private module: compiles a System into a packed-state Model.
//
// State layout (Int32 slots):
//   [atomic owner]        only when the spec has atomic blocks: 0 or pid+1
//   globals               in declaration order, arrays flattened
//   primitives            in order of first use
//   per process instance  pc, then its locals
//
// Each process kind becomes a program-counter automaton: a list of pcs, each
// with its outgoing edges. A transition number is (instance, edge) for a
// single process, or (sender edge, receiver edge) for a rendezvous.

import { match } from "ts-pattern";
import type {
  AsyncEvents,
  Ctx,
  OpImpl,
  Pred,
  PrimitiveImpl,
  ProcInfo,
  Source,
  Step,
} from "./_ast.ts";
import { Errno } from "./primitives/errno.ts";
import { signalNumber } from "./primitives/signals.ts";
import type {
  BlockedProcess,
  Change,
  FireFailure,
  LivenessInfo,
  Model,
  PropertyInfo,
  SuccessorSink,
  Symmetry,
  TransitionInfo,
} from "./model.ts";
import type {
  LivenessDecl,
  ProcessDecl,
  StateView,
  StepInfo,
  StepPredicate,
  System,
} from "./spec.ts";
import { errorText, SpecError } from "./spec_error.ts";
import { type GenCursor, generate, type InstExpander } from "./_codegen.ts";
import { modelCompiled, runningSlots } from "./_running.ts";
import { MAX_ARRAY, MAX_COPIES, MAX_WIDTH, tooLarge } from "./_limits.ts";
import { buildSymmetry, symmetricCtx, symmetricStepInfo } from "./_symmetry.ts";
import { isTemplate, type Template, type TemplateCheck } from "./templates.ts";
import { BufferSink, conflicts, futureFootprints, tapped, touches, type Union } from "./_por.ts";
import {
  type AccessCounter,
  ArraySync,
  formatVar,
  initVars,
  layoutVars,
  makeViewClass,
  validateDecl,
  type VarSlot,
  type ViewEnv,
} from "./_views.ts";

// Edge kinds (numbers: the hot loop switches on them).
const DO = 0,
  WHEN = 1,
  COND = 2,
  NCOND = 3,
  SKIP = 4,
  ASSERT = 5,
  OP = 6,
  RDV_SEND = 7,
  RDV_RECV = 8,
  OP_MULTI = 9;

interface Edge {
  kind: number;
  to: number;
  name: string;
  text: string;
  src: Source;
  guard: Pred | undefined;
  fn: ((ctx: Ctx) => unknown) | undefined;
  op: OpImpl | undefined;
  primOff: number;
  /** Property index for assertions and operation errors. */
  prop: number;
  /** The atomic block of the step that made this edge, or -1. */
  atomic: number;
  /** The target before jumps (labels, gotos, breaks, loop heads) were resolved. */
  origTo: number;
  /** Firing it keeps the process inside its atomic block (so it keeps the floor). */
  keepsAtomic: boolean;
}

interface Pc {
  name: string;
  src: Source;
  edges: Edge[];
  atomic: number;
  names: Set<string>;
  /** Labels put on this pc with label(), for traces. */
  labels: string[];
  end: boolean;
  progress: boolean;
  alias: number;
}

interface ProcType {
  name: string;
  count: number;
  vars: VarSlot[];
  localSize: number;
  pcs: Pc[];
  entry: number;
  endPc: number;
  valid: Uint8Array;
  /** pcs marked by a progress label. */
  progressPcs: Uint8Array;
  /** For each pc: the index of its blocking point, or -1 (set when the model is built). */
  pointOf: Int32Array;
  /** pcs carrying each label/region name. */
  named: Map<string, Uint8Array>;
  /** Signal handlers by signal number. */
  handlers: Map<number, Handler>;
  /** Dispositions by signal name, as primitives see them. */
  dispositions: Record<string, "default" | "ignore" | "handler">;
  /** The primitives the body uses. */
  uses: Set<PrimitiveImpl>;
  /** Declared `symmetric: true`: the copies are interchangeable. */
  symmetric: boolean;
}

interface Handler {
  fn: (ctx: Ctx, info: { signo: number; value: number; sender: number }) => void;
  restart: boolean;
  resetHand: boolean;
}

/** A rendezvous pair: a send edge of one process and a receive edge of another. */
interface Joint {
  tid: number;
  sPid: number;
  sPc: number;
  sEdge: Edge;
  rPid: number;
  rPc: number;
  rEdge: Edge;
}

interface Inst {
  pid: number;
  id: number;
  name: string;
  type: ProcType;
  pcOff: number;
  base: number;
  ctx: Ctx;
  /** Transition number of edge e at pc: tids[pc][e]. */
  tids: Int32Array[];
  /** Rendezvous pairs of edge e at pc (as sender for a send, as receiver for a receive). */
  joints: Joint[][][];
  /** The transition that delivers a signal to this process. */
  deliverTid: number;
}

type TransRec =
  | { kind: "single"; pid: number; pc: number; edge: Edge; choice: number }
  | { kind: "joint"; pid: number; pc: number; edge: Edge; joint: Joint }
  | { kind: "deliver"; pid: number; early: boolean };

/** Compiles a system built by a spec into a Model. */
export function compileSystem(
  specName: string,
  sys: System<unknown>,
  params: Readonly<Record<string, number | boolean>>,
): Model {
  return new Compiler(specName, sys, params).build();
}

class Compiler {
  readonly spec: string;
  readonly sys: System<unknown>;
  readonly params: Readonly<Record<string, number | boolean>>;
  readonly prims: PrimitiveImpl[] = [];
  readonly primOff = new Map<PrimitiveImpl, number>();
  readonly props: PropertyInfo[] = [];
  readonly propIndex = new Map<string, number>();
  hasAtomic = false;
  atomicIds = 0;

  constructor(
    spec: string,
    sys: System<unknown>,
    params: Readonly<Record<string, number | boolean>>,
  ) {
    this.spec = spec;
    this.sys = sys;
    this.params = params;
  }

  fail(reason: string, where: { process?: string; step?: string; source?: Source } = {}): never {
    throw new SpecError(reason, { spec: this.spec, ...where });
  }

  prop(name: string, kind: PropertyInfo["kind"]): number {
    const have = this.propIndex.get(name);
    if (have !== undefined) {
      const existing = this.props[have]!;
      if (existing.kind !== kind) {
        this.fail(`property '${name}' is declared both as ${existing.kind} and as ${kind}`);
      }
      return have;
    }
    this.props.push({ name, kind });
    this.propIndex.set(name, this.props.length - 1);
    return this.props.length - 1;
  }

  /** Why an array declaration is too long, if it is. */
  arrayTooLong(name: string, decl: unknown): string | undefined {
    const length = (decl as { type?: string; length?: number }).type === "array"
      ? (decl as { length: number }).length
      : 0;
    return length > MAX_ARRAY
      ? tooLarge(`array '${name}': length`, length, MAX_ARRAY, this.params)
      : undefined;
  }

  build(): Model {
    const sys = this.sys;
    for (const [name, decl] of Object.entries(sys.globals)) {
      const msg = validateDecl(name, decl) ?? this.arrayTooLong(name, decl);
      if (msg !== undefined) this.fail(msg);
    }
    if (sys.processes.length === 0) this.fail("the system has no process");
    const seen = new Set<string>();
    for (const p of sys.processes) {
      if (seen.has(p.name)) this.fail(`two process kinds are named '${p.name}'`);
      seen.add(p.name);
      if (!Number.isInteger(p.count) || p.count < 0) {
        this.fail(`count must be an integer >= 0, got ${p.count}`, { process: p.name });
      }
      if (p.count > MAX_COPIES) {
        this.fail(tooLarge("count", p.count, MAX_COPIES, this.params), { process: p.name });
      }
      for (const [name, decl] of Object.entries(p.locals)) {
        const msg = validateDecl(name, decl) ?? this.arrayTooLong(name, decl);
        if (msg !== undefined) this.fail(msg, { process: p.name });
      }
    }
    // Property numbering: deadlock first, then invariants, finals; assertion
    // and primitive properties are added as the bodies compile.
    const declared = new Set<string>();
    for (const d of [...sys.invariants, ...sys.finals, ...sys.steps]) {
      if (d.name.trim() === "") this.fail("a property has an empty name");
      if (declared.has(d.name)) this.fail(`two properties are named '${d.name}'`);
      declared.add(d.name);
    }
    const deadlockProp = sys.options.deadlock ? this.prop("deadlock", "deadlock") : -1;
    const invProps = sys.invariants.map((d) => this.prop(d.name, "invariant"));
    const finalProps = sys.finals.map((d) => this.prop(d.name, "final"));

    const types = sys.processes.map((p) => this.compileProcess(p));

    // Templates: ghost primitives after the primitives they watch (so that
    // they are bound after them), with their properties.
    const templateChecks: ModelParts["templateChecks"] = [];
    for (const t of sys.templates) {
      if (!this.prims.includes(t.target)) {
        this.fail(
          `${t.rules} attached to ${t.target.kind} '${t.target.name}', which no process uses`,
        );
      }
      if (this.prims.some((p) => p.name === t.name)) {
        this.fail(`two templates of the same kind are attached to '${t.target.name}'`);
      }
      this.prims.push(t);
      for (const c of t.checks) {
        templateChecks.push({ prop: this.prop(c.name, c.kind), template: t, check: c });
      }
    }

    // Primitives that need the process table get it before layout.
    const procInfos = (prim: PrimitiveImpl): ProcInfo[] => {
      const out: ProcInfo[] = [];
      for (const t of types) {
        for (let id = 0; id < t.count; id++) {
          out.push({
            pid: out.length,
            kind: t.name,
            id,
            name: `${t.name}#${id}`,
            uses: t.uses.has(prim),
            signals: t.dispositions,
          });
        }
      }
      return out;
    };
    for (const prim of this.prims) {
      if (prim.bind === undefined) continue;
      try {
        prim.bind(procInfos(prim));
      } catch (e) {
        this.fail(`${prim.kind} '${prim.name}': ${errorText(e)}`);
      }
    }
    if (this.prims.filter((p) => p.events !== undefined).length > 1) {
      this.fail("a system has at most one signal table");
    }

    // Layout.
    const globals = layoutVars(sys.globals);
    let width = this.hasAtomic ? 1 : 0;
    const globalBase = width;
    width += globals.size;
    for (const prim of this.prims) {
      this.primOff.set(prim, width);
      width += prim.slots;
    }
    const instLayout: { type: ProcType; id: number; pcOff: number }[] = [];
    for (const t of types) {
      for (let id = 0; id < t.count; id++) {
        instLayout.push({ type: t, id, pcOff: width });
        width += 1 + t.localSize;
      }
    }
    if (instLayout.length === 0) this.fail("every process kind has count 0");
    if (width > MAX_WIDTH) this.fail(tooLarge("the state's width in slots", width, MAX_WIDTH, {}));
    // Resolve primitive offsets in edges.
    for (const t of types) {
      for (const pc of t.pcs) {
        for (const e of pc.edges) {
          if (e.op !== undefined) e.primOff = this.primOff.get(e.op.prim)!;
        }
      }
    }
    return new CompiledModel({
      spec: this.spec,
      params: this.params,
      width,
      hasAtomic: this.hasAtomic,
      globals: globals.vars,
      globalBase,
      prims: this.prims,
      primOff: this.primOff,
      types,
      instLayout,
      props: this.props,
      deadlockProp,
      invariants: sys.invariants.map((d, i) => ({ prop: invProps[i]!, pred: d.pred })),
      finals: sys.finals.map((d, i) => ({ prop: finalProps[i]!, pred: d.pred })),
      templateChecks,
      steps: sys.steps.map((d) => ({
        prop: this.prop(d.name, "step"),
        name: d.name,
        pred: d.pred,
      })),
      liveness: sys.liveness.map((d) => {
        if (this.propIndex.has(d.name)) this.fail(`two properties are named '${d.name}'`);
        if (
          (d.kind === "starvation" || d.kind === "wakeup") &&
          !sys.processes.some((p) => p.name === d.process)
        ) {
          this.fail(
            `${
              d.kind === "wakeup" ? "wakeups" : "noStarvation"
            }: there is no process kind '${d.process}'`,
          );
        }
        this.propIndex.set(d.name, -1);
        return d;
      }),
    });
  }

  usePrim(prim: PrimitiveImpl, where: { process: string; step: string; source: Source }): void {
    if (this.primOff.has(prim)) return;
    for (const other of this.prims) {
      if (other.name === prim.name && other !== prim) {
        this.fail(`two primitives are named '${prim.name}'`, where);
      }
    }
    if (this.prims.includes(prim)) return;
    const msg = prim.validate?.();
    if (msg !== undefined) this.fail(msg, where);
    this.prims.push(prim);
  }

  /** The signal dispositions a process kind declares, checked. */
  compileSignals(decl: ProcessDecl): Pick<ProcType, "handlers" | "dispositions"> {
    const handlers = new Map<number, Handler>();
    const dispositions: Record<string, "default" | "ignore" | "handler"> = {};
    for (const [name, d] of Object.entries(decl.signals ?? {})) {
      let signo: number;
      try {
        signo = signalNumber(name);
      } catch (e) {
        this.fail(errorText(e), { process: decl.name });
      }
      if (d === "default" || d === "ignore") {
        dispositions[name] = d;
        continue;
      }
      const h = typeof d === "function" ? { handler: d } : d as { handler?: unknown };
      if (typeof h !== "object" || h === null || typeof h.handler !== "function") {
        this.fail(
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

  compileProcess(decl: ProcessDecl): ProcType {
    const pcs: Pc[] = [];
    const labels = new Map<string, { pc: number; src: Source }>();
    const gotos: { edgePc: number; target: string; src: Source }[] = [];
    const chooses: { pc: number; entries: number[]; cont: number }[] = [];
    /** Where each outermost atomic block continues: an edge there leaves it. */
    const atomicExits = new Map<number, number>();
    const process = decl.name;

    const newPc = (name: string, src: Source, scope: Scope): number => {
      pcs.push({
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
      return pcs.length - 1;
    };
    const edge = (
      kind: number,
      to: number,
      name: string,
      text: string,
      src: Source,
      extra: Partial<Edge> = {},
    ): Edge => ({
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
    });
    /** Adds an edge to `pc`, recording the atomic block the step belongs to. */
    const addEdge = (pc: number, ...es: Edge[]): void => {
      for (const e of es) {
        e.atomic = pcs[pc]!.atomic;
        pcs[pc]!.edges.push(e);
      }
    };

    interface Scope {
      atomic: number;
      regions: string[];
      loopExit: number;
    }

    const checkFn = (f: unknown, what: string, step: string, src: Source) => {
      if (typeof f !== "function") {
        this.fail(`${what} must be a function, got ${String(f)}`, { process, step, source: src });
      }
      if (f.constructor?.name === "AsyncFunction") {
        this.fail(
          `${what} is an async function: the spec's code runs synchronously, and what it does after an await would be lost`,
          { process, step, source: src },
        );
      }
    };

    const compileSeq = (steps: readonly Step[], cont: number, scope: Scope): number => {
      if (!Array.isArray(steps)) {
        this.fail(`expected a list of steps, got ${String(steps)}`, { process });
      }
      let next = cont;
      for (let i = steps.length - 1; i >= 0; i--) next = compileStep(steps[i]!, next, scope);
      return next;
    };

    const compileStep = (step: Step, cont: number, scope: Scope): number => {
      if (typeof step !== "object" || step === null || !("kind" in step)) {
        this.fail(`expected a step, got ${String(step)}`, { process });
      }
      return match(step)
        .with({ kind: "do" }, (s) => {
          checkFn(s.fn, "the effect", s.name, s.src);
          const pc = newPc(s.name, s.src, scope);
          addEdge(pc, edge(DO, cont, s.name, s.name, s.src, { fn: s.fn }));
          return pc;
        })
        .with({ kind: "when" }, (s) => {
          checkFn(s.guard, "the guard", s.name, s.src);
          const pc = newPc(s.name, s.src, scope);
          addEdge(pc, edge(WHEN, cont, s.name, `when ${s.name}`, s.src, { guard: s.guard }));
          return pc;
        })
        .with({ kind: "assert" }, (s) => {
          checkFn(s.pred, "the assertion", s.name, s.src);
          const pc = newPc(`assert ${s.name}`, s.src, scope);
          const prop = this.prop(s.name, "assertion");
          addEdge(
            pc,
            edge(ASSERT, cont, s.name, `assert ${s.name}`, s.src, {
              guard: s.pred as unknown as Pred,
              prop,
            }),
          );
          return pc;
        })
        .with({ kind: "op" }, (s) => {
          this.usePrim(s.op.prim, { process, step: s.name, source: s.src });
          const pc = newPc(s.name, s.src, scope);
          const multi = (s.op.maxChoices ?? 1) > 1;
          if (multi && s.op.choices === undefined) {
            this.fail("an operation with maxChoices needs choices()", {
              process,
              step: s.name,
              source: s.src,
            });
          }
          const kind = s.op.rendezvous === "send"
            ? RDV_SEND
            : s.op.rendezvous === "recv"
            ? RDV_RECV
            : multi
            ? OP_MULTI
            : OP;
          const prop = s.op.failure !== undefined
            ? this.prop(s.op.failure, s.op.failureKind ?? "primitive")
            : -1;
          addEdge(pc, edge(kind, cont, s.name, s.op.text, s.src, { op: s.op, prop }));
          return pc;
        })
        .with({ kind: "if" }, (s) => {
          checkFn(s.cond, "the condition", "if", s.src);
          const pc = newPc("if", s.src, scope);
          const thenE = compileSeq(s.then, cont, scope);
          const elseE = compileSeq(s.else, cont, scope);
          addEdge(
            pc,
            edge(COND, thenE, "if", `if (${exprText(s.cond)}) -> then`, s.src, { guard: s.cond }),
            edge(NCOND, elseE, "if", `if (${exprText(s.cond)}) -> else`, s.src, { guard: s.cond }),
          );
          return pc;
        })
        .with({ kind: "while" }, (s) => {
          const head = newPc(s.name, s.src, scope);
          const body = compileSeq(s.body, head, { ...scope, loopExit: cont });
          if (s.cond === undefined) {
            if (body === head) {
              addEdge(head, edge(SKIP, head, s.name, "loop: skip", s.src));
            } else {
              pcs[head]!.alias = body;
            }
          } else {
            checkFn(s.cond, "the loop condition", s.name, s.src);
            addEdge(
              head,
              edge(COND, body, s.name, `while (${exprText(s.cond)}) -> body`, s.src, {
                guard: s.cond,
              }),
              edge(NCOND, cont, s.name, `while (${exprText(s.cond)}) -> done`, s.src, {
                guard: s.cond,
              }),
            );
          }
          return head;
        })
        .with({ kind: "choose" }, (s) => {
          if (s.branches.length === 0) {
            this.fail("choose() needs at least one branch", {
              process,
              step: "choose",
              source: s.src,
            });
          }
          const pc = newPc(s.name, s.src, scope);
          const entries: number[] = [];
          for (const b of s.branches) {
            if (b.length === 0) {
              addEdge(pc, edge(SKIP, cont, "choose", "choose: skip", s.src));
            } else {
              entries.push(compileSeq(b, cont, scope));
            }
          }
          chooses.push({ pc, entries, cont });
          return pc;
        })
        .with({ kind: "atomic" }, (s) => {
          this.hasAtomic = true;
          const id = scope.atomic >= 0 ? scope.atomic : ++this.atomicIds;
          if (scope.atomic < 0) atomicExits.set(id, cont);
          if (s.body.length === 0) return cont;
          return compileSeq(s.body, cont, { ...scope, atomic: id });
        })
        .with(
          { kind: "region" },
          (s) => compileSeq(s.body, cont, { ...scope, regions: [...scope.regions, s.name] }),
        )
        .with({ kind: "label" }, (s) => {
          if (labels.has(s.name)) {
            this.fail(`duplicate label '${s.name}'`, { process, step: s.name, source: s.src });
          }
          // A label names the position of the following step: an alias pc
          // resolved when the whole body is compiled.
          const pc = newPc(s.name, s.src, scope);
          pcs[pc]!.alias = cont;
          pcs[pc]!.end = s.end;
          pcs[pc]!.progress = s.progress;
          labels.set(s.name, { pc, src: s.src });
          return pc;
        })
        .with({ kind: "goto" }, (s) => {
          const pc = newPc(`goto ${s.target}`, s.src, scope);
          gotos.push({ edgePc: pc, target: s.target, src: s.src });
          return pc;
        })
        .with({ kind: "break" }, (s) => {
          if (scope.loopExit < 0) {
            this.fail("breakLoop() outside a loop", { process, step: "break", source: s.src });
          }
          const pc = newPc("break", s.src, scope);
          pcs[pc]!.alias = scope.loopExit;
          return pc;
        })
        .exhaustive();
    };

    const topScope: Scope = { atomic: -1, regions: [], loopExit: -1 };
    const endPc = newPc("end", undefined, topScope);
    const entry = compileSeq(decl.body, endPc, topScope);
    for (const g of gotos) {
      const target = labels.get(g.target);
      if (target === undefined) {
        const known = [...labels.keys()];
        this.fail(
          `goto to unknown label '${g.target}' (${
            known.length === 0 ? "the process has no labels" : `labels: ${known.join(", ")}`
          })`,
          { process, step: `goto ${g.target}`, source: g.src },
        );
      }
      pcs[g.edgePc]!.alias = target.pc;
    }
    // Resolve aliases (labels, breaks, gotos, endless loops).
    const resolve = (pc: number): number => {
      let cur = pc;
      for (let hops = 0; pcs[cur]!.alias >= 0; hops++) {
        if (hops > pcs.length) {
          this.fail("a goto or loop jumps in a circle without any step", {
            process,
            step: pcs[pc]!.name,
            source: pcs[pc]!.src,
          });
        }
        cur = pcs[cur]!.alias;
      }
      return cur;
    };
    for (const pc of pcs) for (const e of pc.edges) e.to = resolve(e.to);
    // A label marks the pc it resolves to with its name and end/progress flags.
    for (const [name, { pc }] of labels) {
      const target = pcs[resolve(pc)]!;
      target.names.add(name);
      target.labels.push(name);
      if (pcs[pc]!.end) target.end = true;
      if (pcs[pc]!.progress) target.progress = true;
    }
    // A choice's pc offers the first edges of each branch. A branch may
    // start with another choice (directly or through a goto), which must be
    // complete first.
    const chooseAt = new Map(chooses.map((c) => [c.pc, c]));
    const state = new Map<number, "busy" | "done">();
    const finishChoose = (c: { pc: number; entries: number[]; cont: number }): void => {
      if (state.get(c.pc) === "done") return;
      if (state.get(c.pc) === "busy") {
        this.fail("a choice reaches itself without any step", {
          process,
          step: "choose",
          source: pcs[c.pc]!.src,
        });
      }
      state.set(c.pc, "busy");
      for (const entry of c.entries) {
        const r = resolve(entry);
        // A branch with no step of its own (only labels, say) is one skip.
        if (r === resolve(c.cont) || r === endPc) {
          addEdge(
            c.pc,
            edge(SKIP, r, "choose", "choose: skip", pcs[c.pc]!.src, { origTo: entry }),
          );
          continue;
        }
        const inner = chooseAt.get(r);
        if (inner !== undefined) finishChoose(inner);
        for (const e of pcs[r]!.edges) pcs[c.pc]!.edges.push({ ...e });
      }
      state.set(c.pc, "done");
    };
    for (const c of chooses) finishChoose(c);
    // An edge keeps its process inside an atomic block when it comes from a
    // step of the block and leads to another step of it without passing the
    // block's end (a loop around the block passes the end each round).
    // "Leaving" is decided on the jump chain before resolution: the chain
    // must stay among the block's own positions and not pass its end. A
    // goto to the block's first step stays inside; a break out of a loop
    // around (or inside) the block leaves it, even when that loop leads
    // back into the block.
    const leaves = (from: number, block: number): boolean => {
      const exit = atomicExits.get(block);
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
    // Compact: drop alias pcs, renumber.
    const keep: number[] = [];
    const renum = new Int32Array(pcs.length).fill(-1);
    for (let i = 0; i < pcs.length; i++) {
      if (pcs[i]!.alias < 0) {
        renum[i] = keep.length;
        keep.push(i);
      }
    }
    const out: Pc[] = keep.map((i) => pcs[i]!);
    for (const pc of out) for (const e of pc.edges) e.to = renum[e.to]!;
    for (const pc of out) pc.names.add(pc.name);
    const newEnd = renum[endPc]!;
    const valid = new Uint8Array(out.length);
    const progressPcs = new Uint8Array(out.length);
    out.forEach((pc, i) => {
      if (pc.end || i === newEnd) valid[i] = 1;
      if (pc.progress) progressPcs[i] = 1;
    });
    const named = new Map<string, Uint8Array>();
    out.forEach((pc, i) => {
      for (const n of pc.names) {
        let set = named.get(n);
        if (set === undefined) named.set(n, set = new Uint8Array(out.length));
        set[i] = 1;
      }
    });
    const { vars, size } = layoutVars(decl.locals);
    const uses = new Set<PrimitiveImpl>();
    for (const pc of out) for (const e of pc.edges) if (e.op !== undefined) uses.add(e.op.prim);
    const { handlers, dispositions } = this.compileSignals(decl);
    return {
      handlers,
      dispositions,
      uses,
      name: decl.name,
      count: decl.count,
      symmetric: decl.symmetric === true,
      vars,
      localSize: size,
      pcs: out,
      entry: renum[resolve(entry)]!,
      endPc: newEnd,
      valid,
      progressPcs,
      pointOf: new Int32Array(out.length).fill(-1),
      named,
    };
  }
}

interface ModelParts {
  spec: string;
  params: Readonly<Record<string, number | boolean>>;
  width: number;
  hasAtomic: boolean;
  globals: VarSlot[];
  globalBase: number;
  prims: PrimitiveImpl[];
  primOff: Map<PrimitiveImpl, number>;
  types: ProcType[];
  instLayout: { type: ProcType; id: number; pcOff: number }[];
  props: PropertyInfo[];
  deadlockProp: number;
  invariants: { prop: number; pred: (v: StateView<unknown>) => boolean | string }[];
  finals: { prop: number; pred: (v: StateView<unknown>) => boolean | string }[];
  liveness: LivenessDecl<unknown>[];
  steps: { prop: number; name: string; pred: StepPredicate<unknown> }[];
  templateChecks: { prop: number; template: Template; check: TemplateCheck }[];
}

class CompiledModel implements Model {
  readonly name: string;
  readonly width: number;
  readonly properties: readonly PropertyInfo[];
  readonly transitionCount: number;
  readonly liveness: readonly LivenessInfo[];
  readonly processNames: readonly string[];
  readonly blockingPoints: readonly string[];
  readonly #p: ModelParts;
  readonly #w: Int32Array;
  readonly #env: ViewEnv;
  readonly #sync: ArraySync;
  readonly #prev: Int32Array;
  readonly #prevSync: ArraySync;
  readonly #prevView: StateView<unknown>;
  readonly #stepInfo: readonly StepInfo[];
  readonly #exitHooks: PrimitiveImpl[];
  readonly #insts: Inst[];
  readonly #trans: TransRec[] = [];
  readonly #pidName: (pid: number) => string;
  readonly #stateView: StateView<unknown>;
  readonly #atomic: boolean;
  /** The transition being fired, for error messages. */
  #cur = -1;
  /** Where the transition being fired is published for a watchdog (see `_running.ts`). */
  readonly #pub: Int32Array<ArrayBufferLike> = runningSlots();
  /** This model's id in the published slots. */
  #id = 0;
  // Partial-order reduction: see ample().
  /** Counts every access through the globals' view. */
  readonly #access: AccessCounter = { n: 0 };
  /** Why the model offers no reduction, or undefined when it does. */
  #porOff: string | undefined;
  /** Per process kind, per pc: 0 never ample, 1 steps only, 2 with operations to check. */
  readonly #amplePc = new Map<ProcType, Uint8Array>();
  /** Per process kind, per pc: what the process may still do to each primitive. */
  readonly #future = new Map<ProcType, Map<PrimitiveImpl, Union>[]>();
  #ampleBuf: BufferSink | undefined;
  /** Set while invariants are evaluated: what they query is visible. */
  #tracking = false;
  readonly #seenNames: string[] = [];
  readonly #seenPrims = new Set<PrimitiveImpl>();
  #seenProgress = false;
  #seenFinished = false;
  #epoch = 0;
  #failMessage = "";

  constructor(parts: ModelParts) {
    const w = new Int32Array(parts.width);
    // Primitives that find one another's slots learn where everything lies
    // now, so the model can expand states it did not produce itself (a
    // worker's model, a replayed trace).
    for (const prim of parts.prims) prim.attach?.(w, parts.primOff.get(prim)!);
    const p = withTemplateChecks(parts, w, (pid) => this.#pidName(pid));
    this.#p = p;
    this.name = p.spec;
    this.width = p.width;
    this.properties = p.props;
    this.#atomic = p.hasAtomic;
    this.#exitHooks = p.prims.filter((prim) => prim.onExit !== undefined);
    this.#w = w;
    this.#prev = new Int32Array(p.width);
    // `where` prefixes errors thrown inside views; the SpecError built around
    // them strips it again and names the process and step instead.
    const env: ViewEnv = { writable: false, where: `'${p.spec}'` };
    this.#env = env;
    const sync = new ArraySync(w, env);
    this.#sync = sync;
    const GView = makeViewClass(w, p.globals, env, "", sync, this.#access);
    const g = new GView(p.globalBase, "");
    const viewClasses = new Map<ProcType, new (b: number, label: string) => object>();
    for (const t of p.types) viewClasses.set(t, makeViewClass(w, t.vars, env, `${t.name}.`, sync));
    this.#insts = p.instLayout.map((il, pid) => {
      const name = `${il.type.name}#${il.id}`;
      const L = viewClasses.get(il.type)!;
      const ctx: Ctx = il.type.symmetric
        ? symmetricCtx(g, new L(il.pcOff + 1, `${name}.`), il.type.name)
        : Object.freeze({ g, l: new L(il.pcOff + 1, `${name}.`), id: il.id, pid });
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
    this.#pidName = (pid) => this.#insts[pid]?.name ?? `pid ${pid}`;
    // Number the transitions.
    for (const inst of this.#insts) {
      inst.tids = inst.type.pcs.map((pc, pcIndex) =>
        Int32Array.from(pc.edges, (edge) => {
          const base = this.#trans.length;
          const k = edge.kind === OP_MULTI ? edge.op!.maxChoices! : 1;
          for (let choice = 0; choice < k; choice++) {
            this.#trans.push({ kind: "single", pid: inst.pid, pc: pcIndex, edge, choice });
          }
          return base;
        })
      );
    }
    for (const inst of this.#insts) {
      inst.joints = inst.type.pcs.map((pc) => pc.edges.map(() => []));
    }
    for (const inst of this.#insts) {
      inst.type.pcs.forEach((pc, pcIndex) =>
        pc.edges.forEach((edge, e) => {
          if (edge.kind !== RDV_SEND) return;
          for (const other of this.#insts) {
            if (other === inst) continue;
            other.type.pcs.forEach((opc, opcIndex) => {
              opc.edges.forEach((oe, oeIndex) => {
                if (oe.kind !== RDV_RECV || oe.op!.prim !== edge.op!.prim) return;
                const joint: Joint = {
                  tid: this.#trans.length,
                  sPid: inst.pid,
                  sPc: pcIndex,
                  sEdge: edge,
                  rPid: other.pid,
                  rPc: opcIndex,
                  rEdge: oe,
                };
                this.#trans.push({ kind: "joint", pid: inst.pid, pc: pcIndex, edge, joint });
                inst.joints[pcIndex]![e]!.push(joint);
                other.joints[opcIndex]![oeIndex]!.push(joint);
              });
            });
          }
        })
      );
    }
    const evPrim = p.prims.find((prim) => prim.events !== undefined);
    this.#events = evPrim?.events;
    this.#evOff = evPrim === undefined ? -1 : p.primOff.get(evPrim)!;
    if (evPrim !== undefined) {
      for (const inst of this.#insts) {
        inst.deliverTid = this.#trans.length;
        this.#trans.push({ kind: "deliver", pid: inst.pid, early: false });
        this.#trans.push({ kind: "deliver", pid: inst.pid, early: true });
      }
    }
    this.transitionCount = this.#trans.length;
    this.liveness = p.liveness.map((d) => ({
      name: d.name,
      kind: d.kind,
      fairness: d.fairness,
      ...(d.process !== undefined ? { process: d.process } : {}),
      ...(d.strongOn !== undefined ? { strongOn: d.strongOn.map((prim) => prim.name) } : {}),
    }));
    this.processNames = this.#insts.map((i) => i.name);
    const points: string[] = [];
    for (const t of p.types) {
      t.pcs.forEach((pc, i) => {
        // An operation whose guard takes no argument cannot depend on the
        // state, so it never blocks (post, unlock, non-blocking calls).
        const blocking = pc.edges.some((e) =>
          e.kind === WHEN || e.kind === OP_MULTI || e.kind === RDV_SEND || e.kind === RDV_RECV ||
          (e.kind === OP && e.op!.enabled.length > 0)
        );
        if (!blocking) return;
        t.pointOf[i] = points.length;
        const where = pc.src !== undefined ? ` (${pc.src})` : "";
        points.push(`${t.name}: ${pc.edges.map((e) => e.text).join(" or ")}${where}`);
      });
    }
    this.blockingPoints = points;
    this.#stateView = this.#makeStateView(w, g);
    // Step properties read the state before the step through a second set
    // of views over their own buffer.
    const prev = this.#prev;
    const prevSync = new ArraySync(prev, env);
    this.#prevSync = prevSync;
    const prevG = new (makeViewClass(prev, p.globals, env, "", prevSync))(p.globalBase, "");
    this.#prevView = this.#makeStateView(prev, prevG);
    this.#initPor();
    this.#gen = this.#generate();
    this.#stepInfo = this.#trans.map((t, tid) => {
      const d = this.describe(tid);
      const symKind = (pid: number) => {
        const type = this.#insts[pid]!.type;
        return type.symmetric ? type.name : undefined;
      };
      // A choice among waiters is numbered by pid: its text names a copy.
      const partner = t.kind === "joint"
        ? symKind(t.joint.rPid)
        : t.kind === "single" && t.edge.kind === OP_MULTI
        ? this.#p.types.find((type) => type.symmetric)?.name
        : undefined;
      return symmetricStepInfo(d.process, t.pid, d.operation, symKind(t.pid), partner);
    });
    this.#id = modelCompiled(this);
  }

  #initPor(): void {
    const p = this.#p;
    this.#porOff = p.hasAtomic
      ? "atomic blocks"
      : this.#events !== undefined
      ? "signals"
      : p.steps.length > 0
      ? "step properties"
      : undefined;
    this.#ampleBuf = new BufferSink(p.width);
    for (const t of p.types) {
      this.#future.set(t, futureFootprints(t.pcs));
      this.#amplePc.set(
        t,
        Uint8Array.from(t.pcs, (pc) => {
          let code = 1;
          for (const e of pc.edges) {
            // A rendezvous moves two processes; an exit runs the primitives'
            // exit hooks; a watched primitive writes its watchers' slots.
            if (e.kind === RDV_SEND || e.kind === RDV_RECV) return 0;
            if (e.to === t.endPc && this.#exitHooks.length > 0) return 0;
            if (e.op !== undefined) {
              if (tapped(e.op.prim) || e.op.prim.onExit !== undefined) return 0;
              code = 2;
            }
          }
          return code;
        }),
      );
    }
  }

  /** Grows whenever invariants query something new: a reduced search made before must be redone. */
  get reductionEpoch(): number {
    return this.#epoch;
  }

  /** Why {@linkcode CompiledModel.ample} never reduces, or undefined. */
  get reductionOff(): string | undefined {
    return this.#porOff;
  }

  /**
   * Partial-order reduction: when some process may be expanded alone in
   * `state`, pushes its successors (all of them: every enabled transition of
   * that process) and returns how many; else pushes nothing and returns -1.
   * The caller enforces the cycle proviso.
   *
   * Process P qualifies when every edge at its pc is
   * - independent of every transition any other process may take before P
   *   moves: a guard or effect that made no access through the globals'
   *   view read and wrote only P's own locals (no other process's code can
   *   reach them: guards and effects see only their own locals), so it
   *   commutes with everything others do, and others cannot enable, disable
   *   or change it (it is a pure function of P's locals); an operation's
   *   footprint conflicts with nothing any other process can still reach
   *   (from its pc, over its automaton) on that primitive, and any code it
   *   runs (values sent, where results go) stays within P's locals;
   * - invisible: it changes nothing the invariants have queried (a region
   *   or label count, progress, finished, a primitive's value); the
   *   globals they read are never written by a qualifying edge;
   * - not a failure (an assertion, an operation error, a bound): those
   *   are found when P is expanded later, as nothing can change them;
   * and P has an enabled transition. Rendezvous, exits that run exit
   * hooks and watched primitives never qualify; atomic blocks, signals and
   * step properties turn the reduction off.
   */
  ample(state: Int32Array, sink: SuccessorSink): number {
    if (this.#porOff !== undefined) return -1;
    const insts = this.#insts;
    const buf = this.#ampleBuf!;
    const w = this.#w;
    for (let i = 0; i < insts.length; i++) {
      const inst = insts[i]!;
      const pc = state[inst.pcOff]!;
      if (pc === inst.type.endPc) continue;
      const code = this.#amplePc.get(inst.type)![pc]!;
      if (code === 0) continue;
      if (code === 2 && !this.#opsIndependent(inst, pc, state)) continue;
      if (this.#visible(inst.type, pc)) continue;
      buf.reset();
      const before = this.#access.n;
      copyState(w, state);
      this.#halt = false;
      let n: number;
      try {
        const gen = this.#gen;
        n = gen !== undefined ? gen[inst.pid]!(state, buf) : this.#expandInst(inst, state, buf);
      } catch {
        // The full expansion meets the same error and reports it.
        this.#env.writable = false;
        this.#sync.reset();
        copyState(w, state);
        return -1;
      }
      if (n === 0 || buf.failed || this.#access.n !== before) continue;
      for (let k = 0; k < buf.count; k++) if (!sink.push(buf.states[k]!, buf.tids[k]!)) break;
      return n;
    }
    return -1;
  }

  /** Whether no other process can still touch what the operations at `pc` of `inst` touch. */
  #opsIndependent(inst: Inst, pc: number, state: Int32Array): boolean {
    const edges = inst.type.pcs[pc]!.edges;
    const insts = this.#insts;
    for (const e of edges) {
      if (e.op === undefined) continue;
      for (const [prim, fp] of touches(e.op)) {
        for (let j = 0; j < insts.length; j++) {
          const q = insts[j]!;
          if (q === inst) continue;
          const qpc = state[q.pcOff]!;
          if (qpc === q.type.endPc) continue;
          const u = this.#future.get(q.type)![qpc]!.get(prim);
          if (u !== undefined && conflicts(fp, u)) return false;
        }
      }
    }
    return true;
  }

  /** Whether an edge at `pc` may change something an invariant has queried. */
  #visible(type: ProcType, pc: number): boolean {
    for (const e of type.pcs[pc]!.edges) {
      const to = e.to;
      if (this.#seenFinished && to === type.endPc) return true;
      if (this.#seenProgress && type.progressPcs[pc] !== type.progressPcs[to]) return true;
      for (const name of this.#seenNames) {
        const set = type.named.get(name);
        if (set !== undefined && set[pc] !== set[to]) return true;
      }
      if (e.op !== undefined && this.#seenPrims.size > 0) {
        for (const [prim, fp] of touches(e.op)) {
          if (!this.#seenPrims.has(prim)) continue;
          if (fp.writes === "all" || fp.writes.length > 0) return true;
        }
      }
    }
    return false;
  }

  /** An invariant queried a name, a primitive's value, progress or finished. */
  #seen(name: string | undefined, prim?: PrimitiveImpl, flag?: "progress" | "finished"): void {
    if (name !== undefined) {
      if (!this.#seenNames.includes(name)) {
        this.#seenNames.push(name);
        this.#epoch++;
      }
    } else if (prim !== undefined) {
      if (!this.#seenPrims.has(prim)) {
        this.#seenPrims.add(prim);
        this.#epoch++;
      }
    } else if (flag === "progress" && !this.#seenProgress) {
      this.#seenProgress = true;
      this.#epoch++;
    } else if (flag === "finished" && !this.#seenFinished) {
      this.#seenFinished = true;
      this.#epoch++;
    }
  }

  #makeStateView(w: Int32Array, g: object): StateView<unknown> {
    const insts = this.#insts;
    const p = this.#p;
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
    // deno-lint-ignore no-this-alias
    const self = this;
    return {
      g,
      inside(name: string): number {
        if (self.#tracking) self.#seen(name);
        const { offs, sets } = lookup(name);
        let n = 0;
        for (let i = 0; i < offs.length; i++) if (sets[i]![w[offs[i]!]!] === 1) n++;
        return n;
      },
      at(name: string): number {
        return this.inside(name);
      },
      value(prim: PrimitiveImpl): number {
        if (self.#tracking) self.#seen(undefined, prim);
        const off = p.primOff.get(prim);
        if (off === undefined) {
          throw new TypeError(`primitive '${prim.name}' is not used by any process`);
        }
        const sym = prim.pidValue === true ? p.types.find((t) => t.symmetric) : undefined;
        if (sym !== undefined) {
          throw new TypeError(
            `v.value(${prim.name}) is a pid, which could name one copy of process ` +
              `'${sym.name}', declared symmetric`,
          );
        }
        return prim.value(w, off);
      },
      progress(): number {
        if (self.#tracking) self.#seen(undefined, undefined, "progress");
        let n = 0;
        for (const inst of insts) if (inst.type.progressPcs[w[inst.pcOff]!] === 1) n++;
        return n;
      },
      finished(process?: string): number {
        if (self.#tracking) self.#seen(undefined, undefined, "finished");
        let n = 0;
        for (const inst of insts) {
          if (process !== undefined && inst.type.name !== process) continue;
          if (w[inst.pcOff] === inst.type.endPc) n++;
        }
        return n;
      },
    };
  }

  /**
   * Hands a successor to the sink, after the step properties (if any) have
   * judged the step from `state` to it; a failing one is reported as a
   * failure of the transition instead.
   */
  #emit(sink: SuccessorSink, tid: number, state: Int32Array): boolean {
    const steps = this.#p.steps;
    if (steps.length === 0) return this.#push(sink, tid);
    copyState(this.#prev, state);
    const info = this.#stepInfo[tid]!;
    for (let i = 0; i < steps.length; i++) {
      const d = steps[i]!;
      let r: boolean | string;
      try {
        r = d.pred(this.#prevView, info, this.#stateView);
        if (this.#sync.count > 0) this.#sync.flush(false);
        if (this.#prevSync.count > 0) this.#prevSync.flush(false);
      } catch (e) {
        this.#sync.reset();
        this.#prevSync.reset();
        throw new SpecError(`property '${d.name}' threw: ${stripWhere(errorText(e))}`, {
          spec: this.name,
          cause: e,
        });
      }
      if (r !== true) {
        if (typeof r !== "boolean" && typeof r !== "string") {
          throw new SpecError(`property '${d.name}' must return a boolean or a string`, {
            spec: this.name,
          });
        }
        sink.fail(
          d.prop,
          tid,
          typeof r === "string"
            ? `step property '${d.name}' violated: ${r}`
            : `step property '${d.name}' violated`,
        );
        return true;
      }
    }
    return this.#push(sink, tid);
  }

  #push(sink: SuccessorSink, tid: number): boolean {
    if (sink.push(this.#w, tid)) return true;
    this.#halt = true;
    return false;
  }

  init(emit: (state: Int32Array) => void): void {
    const w = this.#w;
    w.fill(0);
    initVars(w, this.#p.globalBase, this.#p.globals);
    for (const prim of this.#p.prims) prim.init(w, this.#p.primOff.get(prim)!);
    for (const inst of this.#insts) {
      w[inst.pcOff] = inst.type.entry;
      initVars(w, inst.base, inst.type.vars);
    }
    // A process with an empty body has finished before anything runs.
    for (const inst of this.#insts) {
      if (inst.type.entry === inst.type.endPc && this.#exitHooks.length > 0) this.#exit(inst.pid);
    }
    emit(w);
  }

  expand(state: Int32Array, sink: SuccessorSink): number {
    const w = this.#w;
    this.#pub[1] = this.#id;
    this.#pub[2]! += 1;
    copyState(w, state);
    // Set when the sink asks to stop: the work buffer then holds a
    // successor, so nothing more may be evaluated on it.
    this.#halt = false;
    try {
      if (this.#atomic) {
        const owner = state[0]!;
        if (owner > 0) {
          this.#ownerOnly = true;
          const n = this.#expandInst(this.#insts[owner - 1]!, state, sink);
          this.#ownerOnly = false;
          if (n > 0) return n;
        }
        let n = 0;
        for (const inst of this.#insts) {
          if (this.#halt) break;
          if (inst.pid !== owner - 1) n += this.#expandInst(inst, state, sink);
        }
        return n;
      }
      let n = 0;
      const gen = this.#gen;
      if (gen !== undefined) {
        for (let i = 0; i < gen.length && !this.#halt; i++) n += gen[i]!(state, sink);
        return n;
      }
      const insts = this.#insts;
      for (let i = 0; i < insts.length && !this.#halt; i++) {
        n += this.#expandInst(insts[i]!, state, sink);
      }
      return n;
    } catch (e) {
      if (this.#gen !== undefined) {
        this.#cur = this.#cursor.cur;
        this.#failInPartner = this.#cursor.partner;
      }
      this.#env.writable = false;
      this.#ownerOnly = false;
      this.#sync.reset();
      copyState(w, state);
      throw this.#wrap(e);
    }
  }

  #wrap(e: unknown): SpecError {
    if (e instanceof SpecError) return e;
    const t = this.#trans[this.#cur];
    if (t === undefined) return new SpecError(errorText(e), { spec: this.name, cause: e });
    const inst = this.#insts[t.pid]!;
    if (t.kind === "deliver") {
      return new SpecError(stripWhere(errorText(e)), {
        spec: this.name,
        process: inst.name,
        step: "signal handler",
        cause: e,
      });
    }
    const edge = t.kind === "joint" && this.#failInPartner ? t.joint.rEdge : t.edge;
    const who = t.kind === "joint" && this.#failInPartner ? this.#insts[t.joint.rPid]! : inst;
    return new SpecError(stripWhere(errorText(e)), {
      spec: this.name,
      process: who.name,
      step: edge.name,
      source: edge.src,
      cause: e,
    });
  }

  #failInPartner = false;
  /** Generated expanders per pid (see `_codegen.ts`), or undefined to interpret. */
  readonly #gen: readonly InstExpander[] | undefined;
  /** Where the generated code notes the transition it fires. */
  readonly #cursor: GenCursor = { cur: -1, partner: false };

  /**
   * The generated successor code, when this model can have it (no atomic
   * blocks, no signal table) and generation is on (see {@linkcode setCodegen}).
   */
  #generate(): readonly InstExpander[] | undefined {
    if (!codegenOn || this.#atomic || this.#events !== undefined) return undefined;
    return generate({
      w: this.#w,
      width: this.width,
      env: this.#env,
      sync: this.#sync,
      insts: this.#insts.map((inst) => ({
        pid: inst.pid,
        pcOff: inst.pcOff,
        ctx: inst.ctx,
        endPc: inst.type.endPc,
        pcs: inst.type.pcs,
        tids: inst.tids,
        joints: inst.joints,
      })),
      kinds: { DO, WHEN, COND, NCOND, SKIP, ASSERT, OP, RDV_SEND, RDV_RECV, OP_MULTI },
      cursor: this.#cursor,
      published: this.#pub,
      emit: (sink, tid, state) => this.#emit(sink, tid, state),
      direct: this.#p.steps.length === 0,
      halt: () => {
        this.#halt = true;
      },
      finished: this.#exitHooks.length === 0
        ? undefined
        : (pid) => this.#finished(this.#insts[pid]!),
      pidName: this.#pidName,
    }).expanders;
  }
  /** The signal table's delivery hooks, when the system has one. */
  readonly #events: AsyncEvents | undefined;
  readonly #evOff: number;
  /** The sink asked to stop the current expansion. */
  #halt = false;
  /** Expanding the owner of an atomic block alone. */
  #ownerOnly = false;

  #expandInst(inst: Inst, state: Int32Array, sink: SuccessorSink): number {
    const w = this.#w;
    const env = this.#env;
    const sync = this.#sync;
    const pc = w[inst.pcOff]!;
    const edges = inst.type.pcs[pc]!.edges;
    const tids = inst.tids[pc]!;
    const ctx = inst.ctx;
    let n = 0;
    const ev = this.#events;
    if (ev !== undefined) {
      // A pending, unblocked signal is delivered on the next return to user
      // mode (§6.3): before the process takes any step of its own.
      if (ev.deliverable(w, this.#evOff, inst.pid)) return this.#deliver(inst, ev, state, sink);
      if (ev.stopped(w, this.#evOff, inst.pid)) return 0;
    }
    for (let e = 0; e < edges.length; e++) {
      const edge = edges[e]!;
      const tid = tids[e]!;
      this.#cur = this.#pub[0] = tid;
      switch (edge.kind) {
        case DO:
          env.writable = true;
          edge.fn!(ctx);
          if (sync.count > 0) sync.flush(true);
          env.writable = false;
          break;
        case WHEN:
        case COND: {
          const r = edge.guard!(ctx);
          if (sync.count > 0) sync.flush(false);
          if (r !== true) {
            if (r !== false) {
              throw new TypeError(`the guard must return a boolean, got ${String(r)}`);
            }
            continue;
          }
          break;
        }
        case NCOND: {
          const r = edge.guard!(ctx);
          if (sync.count > 0) sync.flush(false);
          if (r !== false) {
            if (r !== true) {
              throw new TypeError(`the condition must return a boolean, got ${String(r)}`);
            }
            continue;
          }
          break;
        }
        case SKIP:
          break;
        case ASSERT: {
          n++;
          const r = (edge.guard as unknown as (c: Ctx) => boolean | string)(ctx);
          if (sync.count > 0) sync.flush(false);
          if (r !== true) {
            if (r !== false && typeof r !== "string") {
              throw new TypeError(
                `the assertion must return a boolean or a string, got ${String(r)}`,
              );
            }
            sink.fail(
              edge.prop,
              tid,
              typeof r === "string"
                ? `assertion '${edge.name}' failed: ${r}`
                : `assertion '${edge.name}' failed`,
            );
            continue;
          }
          w[inst.pcOff] = edge.to;
          this.#afterEdge(inst, edge);
          if (!this.#emit(sink, tid, state)) return n;
          copyState(w, state);
          continue;
        }
        case OP: {
          const op = edge.op!;
          if (!op.enabled(w, edge.primOff, inst.pid, ctx)) continue;
          env.writable = true;
          const err = op.apply(w, edge.primOff, inst.pid, ctx, this.#pidName, 0);
          if (sync.count > 0) sync.flush(true);
          env.writable = false;
          if (err !== undefined) {
            n++;
            copyState(w, state);
            sink.fail(edge.prop, tid, err);
            continue;
          }
          break;
        }
        case OP_MULTI: {
          const op = edge.op!;
          const k = op.choices!(w, edge.primOff, inst.pid, ctx);
          if (k > op.maxChoices!) {
            throw new RangeError(
              `${op.text} offers ${k} outcomes, more than its maximum ${op.maxChoices}`,
            );
          }
          for (let c = 0; c < k; c++) {
            this.#cur = this.#pub[0] = tid + c;
            n++;
            env.writable = true;
            const err = op.apply(w, edge.primOff, inst.pid, ctx, this.#pidName, c);
            if (sync.count > 0) sync.flush(true);
            env.writable = false;
            if (err !== undefined) {
              copyState(w, state);
              sink.fail(edge.prop, tid + c, err);
              continue;
            }
            w[inst.pcOff] = edge.to;
            this.#afterEdge(inst, edge);
            if (!this.#emit(sink, tid + c, state)) return n;
            copyState(w, state);
          }
          continue;
        }
        case RDV_SEND:
        case RDV_RECV: {
          // A rendezvous is generated from the sender's side, and from the
          // receiver's side only for a process alone on the floor of an
          // atomic block (whose partners are not expanded then).
          if (edge.kind === RDV_RECV && !this.#ownerOnly) continue;
          const joints = inst.joints[pc]![e]!;
          for (let k = 0; k < joints.length; k++) {
            const jt = joints[k]!;
            const sender = this.#insts[jt.sPid]!;
            const receiver = this.#insts[jt.rPid]!;
            if (w[sender.pcOff] !== jt.sPc || w[receiver.pcOff] !== jt.rPc) continue;
            this.#cur = this.#pub[0] = jt.tid;
            n++;
            this.#failInPartner = false;
            const v = jt.sEdge.op!.value!(sender.ctx);
            if (sync.count > 0) sync.flush(false);
            this.#failInPartner = true;
            env.writable = true;
            jt.rEdge.op!.into!(receiver.ctx, v);
            if (sync.count > 0) sync.flush(true);
            jt.sEdge.op!.onJoint?.(w, jt.sPid, jt.rPid, v);
            env.writable = false;
            this.#failInPartner = false;
            w[sender.pcOff] = jt.sEdge.to;
            w[receiver.pcOff] = jt.rEdge.to;
            if (this.#atomic) w[0] = 0;
            if (jt.sEdge.to === sender.type.endPc) this.#finished(sender);
            if (jt.rEdge.to === receiver.type.endPc) this.#finished(receiver);
            if (!this.#emit(sink, jt.tid, state)) return n;
            copyState(w, state);
          }
          continue;
        }
      }
      n++;
      w[inst.pcOff] = edge.to;
      this.#afterEdge(inst, edge);
      if (!this.#emit(sink, tid, state)) return n;
      copyState(w, state);
    }
    return n;
  }

  /** Whether an operation edge can fire now (for interruption: a blocked call). */
  #opEnabled(edge: Edge, inst: Inst): boolean {
    const op = edge.op!;
    return edge.kind === OP_MULTI
      ? op.choices!(this.#w, edge.primOff, inst.pid, inst.ctx) > 0
      : op.enabled(this.#w, edge.primOff, inst.pid, inst.ctx);
  }

  /**
   * Delivers the lowest pending signal to `inst` (ipc-semantics.md §6.3):
   * terminate, stop, ignore, or run its handler. When the process sits at
   * an interruptible call that blocks, a handled signal has two outcomes
   * (§6.4): it interrupted the call (`EINTR`, unless `SA_RESTART` restarts
   * it), or it came just before the call (the handler runs, then the call
   * blocks). Pushes each successor; returns how many.
   */
  #deliver(inst: Inst, ev: AsyncEvents, state: Int32Array, sink: SuccessorSink): number {
    const w = this.#w;
    // Is the process at an interruptible call that blocks? (Decided before
    // the handler runs: the call was blocked when the signal came.)
    const edges = inst.type.pcs[w[inst.pcOff]!]!.edges;
    const only = edges.length === 1 ? edges[0]! : undefined;
    const blockedIn = only !== undefined && only.op?.onSignal !== undefined &&
        (only.kind === OP || only.kind === OP_MULTI) && !this.#opEnabled(only, inst)
      ? only
      : undefined;
    const interrupted = this.#deliverOnce(inst, ev, blockedIn, false);
    if (!this.#emit(sink, inst.deliverTid, state)) return 1;
    copyState(w, state);
    if (!interrupted || blockedIn!.op!.onSignal!.beforeCall === false) return 1;
    this.#deliverOnce(inst, ev, blockedIn, true);
    this.#emit(sink, inst.deliverTid + 1, state);
    copyState(w, state);
    return 2;
  }

  /** One outcome of a delivery; returns whether a handler interrupted a blocked call. */
  #deliverOnce(inst: Inst, ev: AsyncEvents, blockedIn: Edge | undefined, early: boolean): boolean {
    const w = this.#w;
    const env = this.#env;
    const sync = this.#sync;
    this.#cur = this.#pub[0] = inst.deliverTid + (early ? 1 : 0);
    const d = ev.take(w, this.#evOff, inst.pid);
    if (d.action === "terminate") {
      w[inst.pcOff] = inst.type.endPc;
      if (this.#atomic && w[0] === inst.pid + 1) w[0] = 0;
      this.#exit(inst.pid);
      return false;
    }
    if (d.action === "stop") {
      if (this.#atomic && w[0] === inst.pid + 1) w[0] = 0;
      return false;
    }
    if (d.action !== "handler") {
      if (w[inst.pcOff] === inst.type.endPc) this.#finished(inst);
      return false;
    }
    const h = inst.type.handlers.get(d.signo);
    if (h === undefined) throw new TypeError(`no handler is declared for ${ev.name(d.signo)}`);
    env.writable = true;
    h.fn(inst.ctx, { signo: d.signo, value: d.value, sender: d.sender });
    if (sync.count > 0) sync.flush(true);
    env.writable = false;
    if (h.resetHand) ev.resetHandler(w, this.#evOff, inst.pid, d.signo);
    if (w[inst.pcOff] === inst.type.endPc) this.#finished(inst);
    const on = blockedIn?.op?.onSignal;
    if (blockedIn === undefined || on === undefined || (h.restart && on.restartable)) return false;
    if (early) return true;
    if (on.status !== undefined) {
      env.writable = true;
      on.status.set(inst.ctx, Errno.EINTR);
      if (sync.count > 0) sync.flush(true);
      env.writable = false;
    }
    on.interrupted?.(w, blockedIn.primOff, inst.pid);
    w[inst.pcOff] = blockedIn.to;
    this.#afterEdge(inst, blockedIn);
    return true;
  }

  #afterEdge(inst: Inst, edge: Edge): void {
    if (this.#atomic) this.#w[0] = edge.keepsAtomic ? inst.pid + 1 : 0;
    if (edge.to === inst.type.endPc) this.#finished(inst);
  }

  /**
   * A process reached the end of its body: it exits, unless a signal its
   * last step made deliverable (a `kill` to self) must be delivered first
   * (§6.3: before the call returns); the exit then follows that delivery.
   */
  #finished(inst: Inst): void {
    if (this.#exitHooks.length === 0) return;
    if (this.#events?.deliverable(this.#w, this.#evOff, inst.pid) === true) return;
    this.#exit(inst.pid);
  }

  /** A process finished: primitives release what it held (descriptors, owned mailboxes). */
  #exit(pid: number): void {
    const hooks = this.#exitHooks;
    for (let i = 0; i < hooks.length; i++) {
      const prim = hooks[i]!;
      prim.onExit!(this.#w, this.#p.primOff.get(prim)!, pid);
    }
  }

  check(state: Int32Array): number {
    const inv = this.#p.invariants;
    if (inv.length === 0) return -1;
    if (state !== this.#w) copyState(this.#w, state);
    this.#pub[0] = -1;
    this.#pub[2]! += 1;
    this.#tracking = true;
    try {
      for (let i = 0; i < inv.length; i++) {
        const r = this.#evalProp(inv[i]!.pred, inv[i]!.prop);
        if (r !== true) return inv[i]!.prop;
      }
    } finally {
      this.#tracking = false;
    }
    return -1;
  }

  #evalProp(pred: (v: StateView<unknown>) => boolean | string, prop: number): boolean | string {
    try {
      const r = pred(this.#stateView);
      if (this.#sync.count > 0) this.#sync.flush(false);
      if (typeof r !== "boolean" && typeof r !== "string") {
        throw new TypeError(`must return a boolean or a string, got ${String(r)}`);
      }
      return r;
    } catch (e) {
      this.#sync.reset();
      throw new SpecError(
        `property '${this.properties[prop]!.name}' threw: ${stripWhere(errorText(e))}`,
        { spec: this.name, cause: e },
      );
    }
  }

  #allValid(state: Int32Array): boolean {
    for (const inst of this.#insts) {
      if (inst.type.valid[state[inst.pcOff]!] !== 1) return false;
    }
    return true;
  }

  stuck(state: Int32Array): number {
    if (!this.#allValid(state)) return this.#p.deadlockProp;
    copyState(this.#w, state);
    for (const f of this.#p.finals) {
      if (this.#evalProp(f.pred, f.prop) !== true) return f.prop;
    }
    return -1;
  }

  explain(property: number, state: Int32Array): string {
    const info = this.properties[property];
    if (info === undefined) return `unknown property ${property}`;
    copyState(this.#w, state);
    return match(info.kind)
      .with("invariant", "final", () => {
        const decl = [...this.#p.invariants, ...this.#p.finals].find((d) => d.prop === property)!;
        const r = this.#evalProp(decl.pred, property);
        const what = info.kind === "invariant" ? "invariant" : "final property";
        return typeof r === "string"
          ? `${what} '${info.name}' violated: ${r}`
          : `${what} '${info.name}' violated`;
      })
      .with("deadlock", () => {
        const b = this.blocked(state);
        return `deadlock: ${b.length} process${b.length === 1 ? "" : "es"} blocked`;
      })
      .with("assertion", () => `assertion '${info.name}' failed`)
      .with("primitive", () => info.name)
      .with("bound", () => `exploration bound '${info.name}' reached`)
      .with("liveness", () => `liveness property '${info.name}' violated`)
      .with("step", () => `step property '${info.name}' violated`)
      .exhaustive();
  }

  fire(state: Int32Array, transition: number): Int32Array | FireFailure {
    if (state.length !== this.width) {
      return { property: -1, message: `state has ${state.length} slots, expected ${this.width}` };
    }
    if (!Number.isInteger(transition) || transition < 0 || transition >= this.transitionCount) {
      return {
        property: -1,
        message: `no transition ${transition} (the model has ${this.transitionCount})`,
      };
    }
    // Only the wanted successor is copied, and the expansion stops there.
    let found: Int32Array | FireFailure | undefined;
    this.expand(state, {
      push(next, t) {
        if (t !== transition) return true;
        found = next.slice();
        return false;
      },
      fail(property, t, message) {
        if (t === transition && found === undefined) found = { property, message };
      },
    });
    return found ?? {
      property: -1,
      message: `transition ${transition} (${this.#transText(transition)}) is not enabled`,
    };
  }

  enabled(state: Int32Array): number[] {
    // Successors are not copied: only their transition numbers are kept.
    const tids: number[] = [];
    this.expand(state, {
      push(_next, t) {
        tids.push(t);
        return true;
      },
      fail(_property, t) {
        tids.push(t);
      },
    });
    return [...new Set(tids)].sort((a, b) => a - b);
  }

  #transText(t: number): string {
    const d = this.describe(t);
    return `${d.process} ${d.operation}`;
  }

  describe(transition: number): TransitionInfo {
    const t = this.#trans[transition];
    if (t === undefined) return { process: "?", step: "?", operation: `transition ${transition}` };
    const inst = this.#insts[t.pid]!;
    if (t.kind === "deliver") {
      return {
        process: inst.name,
        step: "signal",
        operation: t.early ? "takes a signal just before its call" : "takes a signal",
      };
    }
    const pc = inst.type.pcs[t.pc]!;
    const step = pc.labels[0] ?? pc.name;
    if (t.kind === "joint") {
      const other = this.#insts[t.joint.rPid]!;
      return {
        process: inst.name,
        step,
        operation: `${t.edge.op!.text} -> ${other.name} ${t.joint.rEdge.op!.text}`,
        ...(t.edge.src !== undefined ? { source: t.edge.src } : {}),
      };
    }
    const choice = t.edge.kind === OP_MULTI
      ? ` [${t.edge.op!.choiceText?.(t.choice) ?? `outcome ${t.choice}`}]`
      : "";
    return {
      process: inst.name,
      step,
      operation: t.edge.text + choice,
      ...(t.edge.src !== undefined ? { source: t.edge.src } : {}),
    };
  }

  diff(before: Int32Array, after: Int32Array): Change[] {
    const out: Change[] = [];
    const p = this.#p;
    for (const v of p.globals) {
      const a = formatVar(before, p.globalBase, v), b = formatVar(after, p.globalBase, v);
      if (a !== b) out.push({ name: v.name, before: a, after: b });
    }
    for (const prim of p.prims) {
      if (isTemplate(prim)) continue; // ghost state: its verdicts speak for it
      const off = p.primOff.get(prim)!;
      const a = prim.format(before, off, this.#pidName), b = prim.format(after, off, this.#pidName);
      if (a !== b) out.push({ name: prim.name, before: a, after: b });
    }
    for (const inst of this.#insts) {
      for (const v of inst.type.vars) {
        const a = formatVar(before, inst.base, v), b = formatVar(after, inst.base, v);
        if (a !== b) out.push({ name: `${inst.name}.${v.name}`, before: a, after: b });
      }
    }
    return out;
  }

  blocked(state: Int32Array): BlockedProcess[] {
    const out: BlockedProcess[] = [];
    const p = this.#p;
    for (const inst of this.#insts) {
      const pcIndex = state[inst.pcOff]!;
      if (inst.type.valid[pcIndex] === 1) continue;
      const pc = inst.type.pcs[pcIndex]!;
      const holds = p.prims
        .filter((prim) => prim.holds?.(state, p.primOff.get(prim)!, inst.pid) === true)
        .map((prim) => prim.name);
      if (this.#events?.stopped(state, this.#evOff, inst.pid) === true) {
        out.push({
          process: inst.name,
          step: pc.name,
          waitsOn: ["SIGCONT (stopped)"],
          holds: p.prims
            .filter((prim) => prim.holds?.(state, p.primOff.get(prim)!, inst.pid) === true)
            .map((prim) => prim.name),
        });
        continue;
      }
      const waitsOn = pc.edges.map((e) => {
        if (e.op === undefined) return e.text;
        const off = p.primOff.get(e.op.prim)!;
        const holder = e.op.prim.kind === "mutex" ? state[off]! - 1 : -1;
        if (e.kind === RDV_SEND) return `${e.op.text} (no receiver ready)`;
        if (e.kind === RDV_RECV) return `${e.op.text} (no sender ready)`;
        return holder >= 0
          ? `${e.op.text} (held by ${this.#pidName(holder)})`
          : `${e.op.text} (${e.op.prim.name} = ${e.op.prim.format(state, off, this.#pidName)})`;
      });
      out.push({ process: inst.name, step: pc.name, waitsOn, holds });
    }
    return out;
  }

  live(index: number, part: "p" | "q", state: Int32Array): boolean {
    const d = this.#p.liveness[index];
    if (d === undefined) throw new RangeError(`no liveness property ${index}`);
    if (state !== this.#w) copyState(this.#w, state);
    this.#pub[2]! += 1;
    try {
      const r = (part === "p" ? d.p : d.q)(this.#stateView);
      if (this.#sync.count > 0) this.#sync.flush(false);
      if (typeof r !== "boolean") throw new TypeError(`must return a boolean, got ${String(r)}`);
      return r;
    } catch (e) {
      this.#sync.reset();
      throw new SpecError(`property '${d.name}' threw: ${stripWhere(errorText(e))}`, {
        spec: this.name,
        cause: e,
      });
    }
  }

  blockedPoints(state: Int32Array, out: Uint8Array): void {
    const none: SuccessorSink = { push: () => true, fail: () => {} };
    const w = this.#w;
    for (const inst of this.#insts) {
      const point = inst.type.pointOf[state[inst.pcOff]!]!;
      if (point < 0) continue;
      copyState(w, state);
      // As when expanding an atomic block's owner alone: a receive counts
      // its rendezvous partners too.
      this.#ownerOnly = true;
      try {
        if (this.#expandInst(inst, state, none) === 0) out[point] = 1;
      } catch (e) {
        this.#env.writable = false;
        this.#sync.reset();
        throw this.#wrap(e);
      } finally {
        this.#ownerOnly = false;
      }
    }
  }

  finished(state: Int32Array, pid: number): boolean {
    const inst = this.#insts[pid];
    return inst !== undefined && state[inst.pcOff] === inst.type.endPc;
  }

  primitiveOf(transition: number): string | undefined {
    const t = this.#trans[transition];
    if (t === undefined || t.kind === "deliver") return undefined;
    return t.edge.op?.prim.name;
  }

  movers(transition: number): readonly number[] {
    const t = this.#trans[transition];
    if (t === undefined) return [];
    return t.kind === "joint" ? [t.joint.sPid, t.joint.rPid] : [t.pid];
  }

  #symmetry: Symmetry | undefined | SpecError | null = null;

  symmetry(): Symmetry | undefined {
    if (this.#symmetry === null) {
      const p = this.#p;
      const next = p.prims.length > 0 ? p.primOff.get(p.prims[0]!)! : this.#insts[0]!.pcOff;
      try {
        this.#symmetry = buildSymmetry({
          spec: p.spec,
          width: p.width,
          hasAtomic: p.hasAtomic,
          globalSlots: next - p.globalBase,
          prims: p.prims,
          primOff: p.primOff,
          insts: this.#insts.map((i) => ({
            kind: i.type.name,
            symmetric: i.type.symmetric,
            pcOff: i.pcOff,
            size: 1 + i.type.localSize,
          })),
        });
      } catch (e) {
        this.#symmetry = e instanceof SpecError ? e : new SpecError(errorText(e), { spec: p.spec });
      }
    }
    if (this.#symmetry instanceof SpecError) throw this.#symmetry;
    return this.#symmetry;
  }

  format(state: Int32Array): string {
    const p = this.#p;
    const parts: string[] = [];
    for (const v of p.globals) parts.push(`${v.name}=${formatVar(state, p.globalBase, v)}`);
    for (const prim of p.prims) {
      parts.push(`${prim.name}=${prim.format(state, p.primOff.get(prim)!, this.#pidName)}`);
    }
    for (const inst of this.#insts) {
      const pcIndex = state[inst.pcOff]!;
      const where = pcIndex === inst.type.endPc
        ? "end"
        : inst.type.pcs[pcIndex]?.name ?? `pc ${pcIndex}`;
      const locals = inst.type.vars.map((v) => `${v.name}=${formatVar(state, inst.base, v)}`);
      parts.push(`${inst.name}@${where}${locals.length > 0 ? `{${locals.join(",")}}` : ""}`);
    }
    return parts.join(" ");
  }
}

/**
 * The templates' properties as invariants and final properties over the
 * model's working state `w` (where `check` and `stuck` put the state they
 * judge), and the templates told where they lie.
 */
function withTemplateChecks(
  p: ModelParts,
  w: Int32Array,
  pidName: (pid: number) => string,
): ModelParts {
  if (p.templateChecks.length === 0) return p;
  const invariants = [...p.invariants], finals = [...p.finals];
  for (const { prop, template, check } of p.templateChecks) {
    const off = p.primOff.get(template)!;
    const pred = () => check.check(w, off, pidName) ?? true;
    (check.kind === "invariant" ? invariants : finals).push({ prop, pred });
  }
  return { ...p, invariants, finals };
}

let codegenOn = true;

/**
 * Turns generated successor code on (the default) or off for models
 * compiled from now on; off, every model interprets its step program.
 * Tests compare the two. Returns the previous setting.
 */
export function setCodegen(on: boolean): boolean {
  const was = codegenOn;
  codegenOn = on;
  return was;
}

/** Copies a state (a loop beats `TypedArray.set` for states of a few dozen slots). */
function copyState(dst: Int32Array, src: Int32Array): void {
  for (let i = 0; i < src.length; i++) dst[i] = src[i]!;
}

/** The expression of an arrow function with an expression body, for traces. */
function exprText(fn: unknown): string {
  const src = String(fn);
  const m = /^[^=]*=>\s*([^{\s][\s\S]*)$/.exec(src);
  if (m === null) return "...";
  const text = m[1]!.replace(/\s+/g, " ").trim();
  return text.length > 60 ? text.slice(0, 57) + "..." : text;
}

/** Removes the `'spec': ` prefix views put on their errors (the SpecError adds its own). */
function stripWhere(msg: string): string {
  return msg
    .replace(/^'[^']*'(?: property '[^']*')?: /, "")
    // A view is non-extensible; arrays word their own errors (_views.ts).
    .replace(
      /^Cannot add property (\S+), object is not extensible$/,
      "there is no variable '$1'",
    );
}
