// Private module: turns a found path into a Counterexample by replaying it,
// so that every reported trace has been re-derived from the initial state.

import type { Model, PropertyKind } from "../model/model.ts";
import { replay } from "./replay.ts";
import type { Counterexample, TraceStep } from "./result.ts";

/** Replays `transitions` from initial state `init` and tells the story. */
export function buildCounterexample(
  model: Model,
  init: number,
  transitions: readonly number[],
  property: { name: string; kind: PropertyKind; index: number } | undefined,
  knownMessage?: string,
): Counterexample {
  const r = replay(model, { init, transitions });
  if (r.error !== undefined) {
    throw new Error(`internal error: a found trace does not replay: ${r.error}`);
  }
  const steps: TraceStep[] = [];
  for (let i = 0; i < transitions.length; i++) {
    const t = transitions[i]!;
    const d = model.describe(t);
    const before = r.states[i]!;
    const after = r.states[i + 1];
    const changes = after === undefined
      ? []
      : model.diff(before, after).map((c) =>
        c.name.startsWith(d.process + ".") ? { ...c, name: c.name.slice(d.process.length + 1) } : c
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
  const kind = property?.kind ?? "invariant";
  let message: string;
  if (r.failure !== undefined) {
    message = knownMessage ?? r.failure.message;
  } else if (property !== undefined) {
    message = knownMessage ?? model.explain(property.index, last);
  } else {
    message = knownMessage ?? "";
  }
  return {
    property: property?.name ?? "",
    kind,
    message,
    init,
    transitions: [...transitions],
    steps,
    ...(kind === "deadlock" ? { blocked: model.blocked(last) } : {}),
    state: model.format(last),
  };
}
