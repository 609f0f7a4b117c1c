// Private module: the narrow views parts of the checker need of a model's
// facets (liveness with its processes, stepping one transition at a time,
// coverage, partial-order reduction, symmetry), read once, outside any
// search loop. A model without a facet gets the view that needs nothing of
// it (no liveness properties, no blocking points, no ample sets), except
// where the check cannot go on without it, which is an error naming the
// model and the facet.

import type { FireFailure, LivenessInfo, Model, SuccessorSink, Symmetry } from "../model/model.ts";
import { enabled, fire } from "./_fire.ts";
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
  return model.liveness?.properties ?? [];
}

/** The liveness view of a model. */
export function livenessOf(model: Model): LivenessView {
  const liveness = model.liveness;
  const processes = model.processes;
  if (liveness === undefined || liveness.properties.length === 0) {
    return {
      properties: [],
      holds: () => false,
      processNames: processes?.names ?? [],
      movers: (t) => processes?.movers(t) ?? [],
      primitiveOf: (t) => processes?.primitiveOf(t),
      finished: (state, pid) => processes?.finished(state, pid) ?? false,
    };
  }
  if (processes === undefined) {
    throw new TypeError(
      `Cannot check the liveness of '${model.name}': the model has liveness properties but no processes facet`,
    );
  }
  return {
    properties: liveness.properties,
    holds: (index, part, state) => liveness.live(index, part, state),
    processNames: processes.names,
    movers: (t) => processes.movers(t),
    primitiveOf: (t) => processes.primitiveOf(t),
    finished: (state, pid) => processes.finished(state, pid),
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
    enabled: (state) => enabled(model, state),
    fire: (state, t) => fire(model, state, t),
  };
}

/** The process that fires each transition, by transition number. */
export function processOfTransitions(model: Model): string[] {
  const { explanation, processes } = model;
  const out: string[] = [];
  for (let t = 0; t < model.transitionCount; t++) {
    out.push(
      explanation?.describe(t).process ?? processes?.names[processes.movers(t)[0] ?? -1] ??
        `transition ${t}`,
    );
  }
  return out;
}

/** What coverage reads of a model: where processes can block. */
export interface CoverageView {
  readonly blockingPoints: readonly string[];
  blockedPoints(state: Int32Array, out: Uint8Array): void;
}

/** The coverage view of a model. */
export function coverageOf(model: Model): CoverageView {
  const coverage = model.coverage;
  return {
    blockingPoints: coverage?.points ?? [],
    blockedPoints: (state, out) => coverage?.blocked(state, out),
  };
}

/** What partial-order reduction reads of a model. */
export interface ReductionView {
  /** The model's ample sets, if it offers any (see `PartialOrderReduction.ample`). */
  readonly ample: ((state: Int32Array, sink: SuccessorSink) => number) | undefined;
  /** The model's reduction epoch now. */
  epoch(): number | undefined;
  /** Why the model never offers an ample set, if so. */
  readonly off: string | undefined;
}

/** The reduction view of a model. */
export function reductionOf(model: Model): ReductionView {
  const reduction = model.reduction;
  return {
    ample: reduction === undefined ? undefined : (state, sink) => reduction.ample(state, sink),
    epoch: () => reduction?.epoch,
    off: reduction?.off,
  };
}

/** The model's symmetry, if it declares one (throws when it cannot honour it). */
export function symmetryOf(model: Model): Symmetry | undefined {
  return model.symmetry?.();
}
