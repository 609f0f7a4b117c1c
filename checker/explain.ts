/**
 * Explaining a trace: replay it from its initial state, tell its story
 * (process, operation, what changed at each step) and say which property,
 * if any, fails where it ends. Every counterexample the checker reports is
 * built this way, so it has been re-derived independently of the search.
 *
 * @module
 */

import type { Model } from "../model/model.ts";
import { replay, type Trace } from "./replay.ts";
import type { Counterexample, TraceStep } from "./result.ts";
import { enabled } from "./_fire.ts";

/**
 * Replays `trace` and explains it. The property is found by the replay
 * itself: a transition that fails when fired (an assertion, an operation
 * error), else an invariant false in the last state, else a deadlock or a
 * final property when nothing is enabled there. `property` is `""` when the
 * trace ends in a state that violates nothing.
 *
 * @param model The model.
 * @param trace The path.
 * @returns The counterexample, or why the trace does not replay.
 *
 * @example
 * ```ts
 * import { explainTrace } from "./explain.ts";
 * import { check, spec, system } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const s = spec({
 *   name: "s",
 *   params: {},
 *   build: () => {
 *     const sys = system({ x: 0 });
 *     sys.process("p", { count: 2 }, (b) => [b.do("inc", ({ g }) => g.x++)]);
 *     sys.always("x < 2", ({ g }) => g.x < 2);
 *     return sys;
 *   },
 * });
 * const model = s.compile();
 * const cx = explainTrace(model, { init: 0, transitions: check(model).violation!.transitions });
 * assert.equal(typeof cx !== "string" && cx.property, "x < 2");
 * ```
 */
export function explainTrace(model: Model, trace: Trace): Counterexample | string {
  const ex = model.explanation;
  if (ex === undefined) return `Cannot explain '${model.name}': the model has no explanation`;
  const r = replay(model, trace);
  if (r.error !== undefined) return r.error;
  const steps: TraceStep[] = [];
  for (let i = 0; i < trace.transitions.length; i++) {
    const t = trace.transitions[i]!;
    const d = ex.describe(t);
    const before = r.states[i]!;
    const after = r.states[i + 1];
    const own = d.process + ".";
    const changes = after === undefined
      ? []
      : ex.diff(before, after).map((c) =>
        c.name.startsWith(own) ? { ...c, name: c.name.slice(own.length) } : c
      );
    steps.push({
      transition: t,
      process: d.process,
      step: d.step,
      operation: d.operation,
      ...(d.source !== undefined ? { source: d.source } : {}),
      changes,
    });
  }
  const last = r.states[r.states.length - 1]!;
  let property = -1;
  let message = "";
  if (r.failure !== undefined) {
    property = r.failure.property;
    message = r.failure.message;
  } else {
    try {
      property = model.check(last);
      if (property < 0 && enabled(model, last).length === 0) property = model.stuck(last);
      if (property >= 0) message = ex.explain(property, last);
    } catch (e) {
      // The spec's own code fails in the last state (the trace of an error
      // verdict): the story stands, with no property.
      property = -1;
      message = e instanceof Error ? e.message : String(e);
    }
  }
  const info = property >= 0 ? model.properties[property] : undefined;
  return {
    property: info?.name ?? "",
    kind: info?.kind ?? "invariant",
    message,
    init: trace.init,
    transitions: [...trace.transitions],
    steps,
    ...(info?.kind === "deadlock" ? { blocked: ex.blocked(last) } : {}),
    state: ex.format(last),
  };
}
