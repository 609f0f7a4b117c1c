// Private module: a model that starts in a given state, so the checker can
// search from wherever the explorer stands. The core forwards to the model;
// the facets are the model's own (no reduction, no symmetry: a search from
// an arbitrary state needs neither).

import type { Model } from "../model/model.ts";

/** `model` with `state` as its only initial state. */
export function fromState(model: Model, state: Int32Array): Model {
  const start = state.slice();
  return {
    name: model.name,
    width: model.width,
    transitionCount: model.transitionCount,
    properties: model.properties,
    init: (emit) => emit(start.slice()),
    expand: (s, sink) => model.expand(s, sink),
    check: (s) => model.check(s),
    stuck: (s) => model.stuck(s),
    explanation: model.explanation,
    processes: model.processes,
    liveness: model.liveness,
    coverage: model.coverage,
  };
}
