// Private module: the one place where the checker reads what a model may
// offer beyond its core (name, width, transitions, properties, init,
// expand, check, stuck): liveness, processes, stepping one transition at
// a time, coverage, partial-order reduction and symmetry. Each function
// gives the narrow view one part of the checker needs, read once, outside
// any search loop. (The reporters, report.ts and explain.ts, read the
// model's explanations themselves.)

import type { FireFailure, LivenessInfo, Model, SuccessorSink, Symmetry } from "../model/model.ts";

/** What liveness checking reads of a model. */
export interface LivenessView {
  /** The liveness properties (may be empty). */
  readonly properties: readonly LivenessInfo[];
  /** Part `p` or `q` of property `index` in `state`. */
  holds(index: number, part: "p" | "q", state: Int32Array): boolean;
  /** The processes, by pid. */
  readonly processNames: readonly string[];
  /** The processes that move in a transition. */
  movers(transition: number): readonly number[];
  /** The primitive a transition operates on, if any. */
  primitiveOf(transition: number): string | undefined;
  /** Whether process `pid` has finished in `state`. */
  finished(state: Int32Array, pid: number): boolean;
}

/** The liveness properties of a model (may be empty). */
export function livenessProperties(model: Model): readonly LivenessInfo[] {
  return model.liveness;
}

/** The liveness view of a model. */
export function livenessOf(model: Model): LivenessView {
  return {
    properties: livenessProperties(model),
    holds: (index, part, state) => model.live(index, part, state),
    processNames: model.processNames,
    movers: (t) => model.movers(t),
    primitiveOf: (t) => model.primitiveOf(t),
    finished: (state, pid) => model.finished(state, pid),
  };
}

/** Firing one transition at a time (replay, schedules, symmetry's traces). */
export interface Stepper {
  /** The transitions enabled in `state`, in expansion order. */
  enabled(state: Int32Array): number[];
  /** The successor by one transition, in a fresh array, or why it failed. */
  fire(state: Int32Array, transition: number): Int32Array | FireFailure;
}

/** The stepper of a model. */
export function stepperOf(model: Model): Stepper {
  return {
    enabled: (state) => model.enabled(state),
    fire: (state, t) => model.fire(state, t),
  };
}

/** The process that fires each transition, by transition number. */
export function processOfTransitions(model: Model): string[] {
  const out: string[] = [];
  for (let t = 0; t < model.transitionCount; t++) out.push(model.describe(t).process);
  return out;
}

/** What coverage reads of a model: where processes can block. */
export interface CoverageView {
  readonly blockingPoints: readonly string[];
  blockedPoints(state: Int32Array, out: Uint8Array): void;
}

/** The coverage view of a model. */
export function coverageOf(model: Model): CoverageView {
  return {
    blockingPoints: model.blockingPoints,
    blockedPoints: (state, out) => model.blockedPoints(state, out),
  };
}

/** What partial-order reduction reads of a model. */
export interface ReductionView {
  /** The model's ample sets, if it offers any (see `Model.ample`). */
  readonly ample: ((state: Int32Array, sink: SuccessorSink) => number) | undefined;
  /** The model's reduction epoch now. */
  epoch(): number | undefined;
  /** Why the model never offers an ample set, if so. */
  readonly off: string | undefined;
}

/** The reduction view of a model. */
export function reductionOf(model: Model): ReductionView {
  const ample = model.ample;
  return {
    ample: ample === undefined ? undefined : (state, sink) => ample.call(model, state, sink),
    epoch: () => model.reductionEpoch,
    off: model.reductionOff,
  };
}

/** The model's symmetry, if it declares one (throws when it cannot honour it). */
export function symmetryOf(model: Model): Symmetry | undefined {
  return model.symmetry?.();
}
