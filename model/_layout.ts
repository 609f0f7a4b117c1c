// Private module: the state layout of a compiled system.
//
// State layout (Int32 slots):
//   [atomic owner]        only when the spec has atomic blocks: 0 or pid+1
//   globals               in declaration order, arrays flattened
//   primitives            in order of first use
//   per process instance  pc, then its locals
//
// `layOut` checks the declarations, numbers the properties, lowers every
// process kind (`_program.ts`), binds the primitives and places everything
// in the state: the result, a `Layout`, is plain data every other part of
// the compiler reads.

import type { PrimitiveImpl, ProcInfo, Source } from "./_ast.ts";
import type { PropertyInfo } from "./model.ts";
import type { ProcType } from "./_automaton.ts";
import { type LoweringHost, lowerProcess, type Where } from "./_program.ts";
import type {
  LivenessDecl,
  StateView,
  StepPredicate,
  SystemParts,
  Template,
  TemplateCheck,
} from "./_types.ts";
import { errorText, SpecError } from "./spec_error.ts";
import { layoutVars, validateDecl, type VarSlot } from "./_views.ts";
import { MAX_ARRAY, MAX_COPIES, MAX_WIDTH, tooLarge } from "./_limits.ts";

/** A state predicate with the property it decides. */
export interface PropertyCheck {
  prop: number;
  pred: (v: StateView<unknown>) => boolean | string;
}

/** A compiled system: its process kinds, primitives, properties and where each lies. */
export interface Layout {
  spec: string;
  params: Readonly<Record<string, number | boolean>>;
  /** The number of slots of a state. */
  width: number;
  /** Slot 0 holds the owner of the atomic block running, if any. */
  hasAtomic: boolean;
  globals: VarSlot[];
  /** The first slot of the globals. */
  globalBase: number;
  prims: PrimitiveImpl[];
  /** The first slot of each primitive. */
  primOff: Map<PrimitiveImpl, number>;
  types: ProcType[];
  /** Per pid: its kind, its index among the copies, and its pc slot. */
  instLayout: { type: ProcType; id: number; pcOff: number }[];
  props: PropertyInfo[];
  deadlockProp: number;
  invariants: PropertyCheck[];
  finals: PropertyCheck[];
  liveness: LivenessDecl<unknown>[];
  steps: { prop: number; name: string; pred: StepPredicate<unknown> }[];
  templateChecks: { prop: number; template: Template; check: TemplateCheck }[];
}

/** Checks, lowers and lays out a system built by a spec. */
export function layOut(
  spec: string,
  sys: SystemParts,
  params: Readonly<Record<string, number | boolean>>,
): Layout {
  return new Compiler(spec, sys, params).build();
}

class Compiler implements LoweringHost {
  readonly spec: string;
  readonly sys: SystemParts;
  readonly params: Readonly<Record<string, number | boolean>>;
  readonly prims: PrimitiveImpl[] = [];
  readonly primOff = new Map<PrimitiveImpl, number>();
  readonly props: PropertyInfo[] = [];
  readonly propIndex = new Map<string, number>();
  hasAtomic = false;
  atomicIds = 0;

  constructor(spec: string, sys: SystemParts, params: Readonly<Record<string, number | boolean>>) {
    this.spec = spec;
    this.sys = sys;
    this.params = params;
  }

  fail(reason: string, where: Where = {}): never {
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
    for (const other of prim.requires ?? []) this.usePrim(other, where);
  }

  build(): Layout {
    const sys = this.sys;
    this.validate();
    // Property numbering: deadlock first, then invariants, finals; assertion
    // and primitive properties are added as the bodies are lowered.
    const declared = new Set<string>();
    for (const d of [...sys.invariants, ...sys.finals, ...sys.steps]) {
      if (d.name.trim() === "") this.fail("a property has an empty name");
      if (declared.has(d.name)) this.fail(`two properties are named '${d.name}'`);
      declared.add(d.name);
    }
    const deadlockProp = sys.options.deadlock ? this.prop("deadlock", "deadlock") : -1;
    const invProps = sys.invariants.map((d) => this.prop(d.name, "invariant"));
    const finalProps = sys.finals.map((d) => this.prop(d.name, "final"));
    const types = sys.processes.map((p) => lowerProcess(this, p));
    for (const t of types) {
      if (t.dynamic && t.entry === t.endPc) {
        this.fail("a dynamic process kind needs a body (it would exit as it starts)", {
          process: t.name,
        });
      }
    }
    const templateChecks = this.addTemplates();
    this.bindPrimitives(types);
    const { globals, globalBase, instLayout, width } = this.place(types);
    return {
      spec: this.spec,
      params: this.params,
      width,
      hasAtomic: this.hasAtomic,
      globals,
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
      liveness: sys.liveness.map((d) => this.livenessDecl(d)),
    };
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

  /** The declarations of globals, process kinds and locals. */
  validate(): void {
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
  }

  /**
   * Templates: ghost primitives after the primitives they watch (so that
   * they are bound after them), with their properties.
   */
  addTemplates(): Layout["templateChecks"] {
    const templateChecks: Layout["templateChecks"] = [];
    for (const t of this.sys.templates) {
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
    return templateChecks;
  }

  /** Primitives that need the process table get it before layout. */
  bindPrimitives(types: readonly ProcType[]): void {
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
            ...(t.dynamic ? { dormant: true } : {}),
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
    // SIGPIPE is raised through a signal table: without one a declared
    // disposition for it would be silently ignored (the write a `broken pipe`).
    const pipeSignal = types.find((t) => "SIGPIPE" in t.dispositions || "PIPE" in t.dispositions);
    if (pipeSignal !== undefined && !this.prims.some((p) => p.events !== undefined)) {
      this.fail(
        "the kind declares a disposition for SIGPIPE, but no step uses a signal table, so it " +
          "would have no effect: make one with signals() and use it (sigaction, kill, " +
          "sigprocmask, ...), or drop the disposition",
        { process: pipeSignal.name },
      );
    }
    const starter = this.prims.some((p) => p.attachProcesses !== undefined);
    const dormant = types.find((t) => t.dynamic);
    if (dormant !== undefined && !starter) {
      this.fail("the kind is declared dynamic, but no fork or spawn starts it", {
        process: dormant.name,
      });
    }
  }

  /** Places globals, primitives and processes in the state. */
  place(types: readonly ProcType[]): Pick<
    Layout,
    "globals" | "globalBase" | "instLayout" | "width"
  > {
    const globals = layoutVars(this.sys.globals);
    let width = this.hasAtomic ? 1 : 0;
    const globalBase = width;
    width += globals.size;
    for (const prim of this.prims) {
      this.primOff.set(prim, width);
      width += prim.slots;
    }
    const instLayout: Layout["instLayout"] = [];
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
    return { globals: globals.vars, globalBase, instLayout, width };
  }

  livenessDecl(d: LivenessDecl<unknown>): LivenessDecl<unknown> {
    if (this.propIndex.has(d.name)) this.fail(`two properties are named '${d.name}'`);
    if (
      (d.kind === "starvation" || d.kind === "wakeup") &&
      !this.sys.processes.some((p) => p.name === d.process)
    ) {
      this.fail(
        `${
          d.kind === "wakeup" ? "wakeups" : "noStarvation"
        }: there is no process kind '${d.process}'`,
      );
    }
    this.propIndex.set(d.name, -1);
    return d;
  }
}
