// Private module: compiles a System into a Model.
//
// The jobs, one module each, in the order they run:
//   _program.ts      lowers each process kind's steps to a program-counter automaton
//                    (its types: _automaton.ts)
//   _layout.ts       checks the system, numbers properties, places everything in the state
//   _machine.ts      the runtime record: work buffer, views, instances, transition table
//   _interpreter.ts  the core of the model: init, expand, check, stuck
//   _codegen.ts      generated successor code (what the interpreter does, unrolled)
//   _reduction.ts    the `reduction` facet: ample sets for partial-order reduction
//   _explanation.ts  the `explanation` facet: transitions and states in words
//   _facets.ts       the `processes`, `liveness`, `coverage` facets and the symmetry
// This module wires them together.

import { generate, type GenEvents } from "./_codegen.ts";
import { deliver, type DeliveryHost } from "./_delivery.ts";
import { modelCompiled } from "./_running.ts";
import { describeTransition, Explainer } from "./_explanation.ts";
import { BlockingPoints, LivenessTable, ProcessTable, symmetryOf } from "./_facets.ts";
import { Interpreter } from "./_interpreter.ts";
import { layOut } from "./_layout.ts";
import { registerSnapshotLayout } from "./_snapshot.ts";
import { instantiate, type Machine } from "./_machine.ts";
import type {
  CompileOptions,
  Coverage,
  Explanation,
  GeneratedCode,
  Liveness,
  Model,
  PartialOrderReduction,
  Processes,
  PropertyInfo,
  SuccessorSink,
  Symmetry,
} from "./model.ts";
import { OP_CHOICES } from "./_automaton.ts";
import { AmpleSets } from "./_reduction.ts";
import { symmetricStepInfo } from "./_symmetry.ts";
import type { StepInfo, SystemParts } from "./_types.ts";

/**
 * Compiles a system built by a spec into a Model.
 *
 * @param specName The spec's name, for messages.
 * @param sys The system its `build` returned.
 * @param params The parameter values it was built with.
 * @param options `interpret: true` for no generated code.
 */
export function compileSystem(
  specName: string,
  sys: SystemParts,
  params: Readonly<Record<string, number | boolean>>,
  options: CompileOptions = {},
): Model {
  const machine = instantiate(layOut(specName, sys, params));
  const run = new Interpreter(machine, stepInfos(machine));
  const code = options.interpret === true ? undefined : generateFor(run);
  run.generated = code?.expanders;
  run.generatedTimeouts = code?.timeouts;
  const model = new CompiledModel(run, code === undefined ? undefined : { source: code.source });
  registerSnapshotLayout(model, machine);
  return model;
}

/** The generated successor code of the model `run` interprets. */
function generateFor(run: Interpreter): ReturnType<typeof generate> {
  const machine = run.machine;
  const layout = machine.layout;
  return generate({
    spec: layout.spec,
    w: machine.w,
    width: layout.width,
    env: machine.env,
    sync: machine.sync,
    insts: machine.insts.map((inst) => ({
      pid: inst.pid,
      name: inst.name,
      pcOff: inst.pcOff,
      ctx: inst.ctx,
      endPc: inst.type.endPc,
      pcs: inst.type.pcs,
      tids: inst.tids,
      joints: inst.joints,
      deliverTid: inst.deliverTid,
    })),
    cursor: run.cursor,
    published: run.published,
    emit: (sink, tid, state) => run.emit(sink, tid, state),
    direct: layout.steps.length === 0,
    halt: () => run.halt(),
    finished: machine.exitHooks.length === 0
      ? undefined
      : (pid) => run.finished(machine.insts[pid]!),
    pidName: machine.pidName,
    atomic: layout.hasAtomic,
    events: genEvents(run),
  });
}

/**
 * The signal table as the generated code sees it: delivery runs the
 * interpreter's routine (`_delivery.ts`), which notes the transition it
 * fires where the generated code's errors are read from (the cursor).
 */
function genEvents(run: Interpreter): GenEvents | undefined {
  const machine = run.machine;
  const events = machine.events;
  if (events === undefined) return undefined;
  const cursor = run.cursor;
  const host: DeliveryHost = {
    machine,
    get current() {
      return cursor.cur;
    },
    set current(tid: number) {
      cursor.cur = tid;
    },
    emit: (sink, tid, state) => run.emit(sink, tid, state),
    afterEdge: (inst, edge) => run.afterEdge(inst, edge),
    finished: (inst) => run.finished(inst),
    exit: (pid) => run.exit(pid),
  };
  return {
    off: machine.eventsOff,
    table: events,
    deliver: (pid, state, sink) => deliver(host, machine.insts[pid]!, events, state, sink),
  };
}

/** Per transition: what a step property learns of it (copies of symmetric kinds unnamed). */
function stepInfos(machine: Machine): StepInfo[] {
  const symKind = (pid: number) => {
    const type = machine.insts[pid]!.type;
    return type.symmetric ? type.name : undefined;
  };
  return machine.trans.map((t, tid) => {
    const d = describeTransition(machine, tid);
    // A choice among waiters is numbered by pid: its text names a copy.
    const partner = t.kind === "joint"
      ? symKind(t.joint.receiverPid)
      : t.kind === "single" && t.edge.kind === OP_CHOICES
      ? machine.layout.types.find((type) => type.symmetric)?.name
      : undefined;
    return symmetricStepInfo(d.process, t.pid, d.operation, symKind(t.pid), partner);
  });
}

/** The model: the interpreter's core, with every facet a separate object. */
class CompiledModel implements Model {
  readonly name: string;
  readonly width: number;
  readonly transitionCount: number;
  readonly properties: readonly PropertyInfo[];
  readonly explanation: Explanation;
  readonly processes: Processes;
  readonly liveness: Liveness;
  readonly coverage: Coverage;
  readonly reduction: PartialOrderReduction;
  readonly symmetry: () => Symmetry | undefined;
  readonly code: GeneratedCode | undefined;
  readonly #run: Interpreter;

  constructor(run: Interpreter, code: GeneratedCode | undefined) {
    const machine = run.machine;
    this.#run = run;
    this.name = machine.layout.spec;
    this.width = machine.layout.width;
    this.transitionCount = machine.trans.length;
    this.properties = machine.layout.props;
    this.explanation = new Explainer(run);
    this.processes = new ProcessTable(machine);
    this.liveness = new LivenessTable(run);
    this.coverage = new BlockingPoints(run);
    this.reduction = new AmpleSets(run);
    this.symmetry = symmetryOf(machine);
    this.code = code;
    run.id = modelCompiled(this);
  }

  init(emit: (state: Int32Array) => void): void {
    this.#run.init(emit);
  }

  expand(state: Int32Array, sink: SuccessorSink): number {
    return this.#run.expand(state, sink);
  }

  check(state: Int32Array): number {
    return this.#run.check(state);
  }

  stuck(state: Int32Array): number {
    return this.#run.stuck(state);
  }

  /** For {@linkcode machineOf}. */
  machine(): Machine {
    return this.#run.machine;
  }
}

/**
 * The trace recorder's one way into the compiler (model/_record.ts): the
 * runtime of a model compiled here, or undefined for another Model.
 */
export function machineOf(model: Model): Machine | undefined {
  return model instanceof CompiledModel ? model.machine() : undefined;
}
