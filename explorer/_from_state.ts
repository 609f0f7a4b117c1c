// Private module: a model that starts in a given state, so the checker can
// search from wherever the explorer stands. Everything else is the model's.

import type { Model } from "../model/model.ts";

/** `model` with `state` as its only initial state. */
export function fromState(model: Model, state: Int32Array): Model {
  const start = state.slice();
  return {
    name: model.name,
    width: model.width,
    transitionCount: model.transitionCount,
    properties: model.properties,
    liveness: model.liveness,
    blockingPoints: model.blockingPoints,
    processNames: model.processNames,
    init: (emit) => emit(start.slice()),
    expand: (s, sink) => model.expand(s, sink),
    check: (s) => model.check(s),
    stuck: (s) => model.stuck(s),
    explain: (p, s) => model.explain(p, s),
    fire: (s, t) => model.fire(s, t),
    enabled: (s) => model.enabled(s),
    describe: (t) => model.describe(t),
    diff: (a, b) => model.diff(a, b),
    blocked: (s) => model.blocked(s),
    format: (s) => model.format(s),
    live: (i, part, s) => model.live(i, part, s),
    blockedPoints: (s, out) => model.blockedPoints(s, out),
    finished: (s, pid) => model.finished(s, pid),
    primitiveOf: (t) => model.primitiveOf(t),
    movers: (t) => model.movers(t),
  };
}
