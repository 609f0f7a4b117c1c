// Private module: turning the raw outcome of a search engine into a
// `CheckResult` (every counterexample replayed and explained), shared by
// check.ts and parallel.ts.

import { pathImpurity } from "./_purity.ts";
import { reductionOf } from "./_facets.ts";
import type { Model } from "../model/model.ts";
import { errorMessage, type Found, type SearchOutcome } from "./_search.ts";
import type { CompactOutcome } from "./bfs_compact.ts";
import { explainTrace } from "./explain.ts";
import type { CheckResult, Counterexample, Stats } from "./result.ts";

/** Statistics of a run that did not start. */
export function emptyStats(): Stats {
  return {
    states: 0,
    transitions: 0,
    depth: 0,
    seconds: 0,
    statesPerSecond: 0,
    peakMemoryBytes: 0,
    bytesPerState: 0,
    stateWidth: 0,
  };
}

export { errorMessage };

/** The statistics of a search's outcome. */
function statsOf(model: Model, out: SearchOutcome | CompactOutcome): Stats {
  const report = "storeReport" in out ? out.storeReport : undefined;
  const off = reductionOf(model).off;
  return {
    states: out.states,
    transitions: out.transitions,
    depth: out.depth,
    seconds: out.seconds,
    statesPerSecond: out.seconds > 0 ? out.states / out.seconds : 0,
    peakMemoryBytes: out.peakMemoryBytes,
    bytesPerState: out.states > 0 ? out.storeBytes / out.states : 0,
    stateWidth: model.width,
    store: report?.store ?? "exact",
    ...(report !== undefined
      ? {
        omissionProbability: report.omissionProbability,
        ...(report.omissionProbabilityActual !== undefined
          ? { omissionProbabilityActual: report.omissionProbabilityActual }
          : {}),
        ...(report.coverage !== undefined ? { coverage: report.coverage } : {}),
        ...(report.hashFactor !== undefined ? { hashFactor: report.hashFactor } : {}),
        frontierPeakBytes: report.frontierPeakBytes,
      }
      : {}),
    ...(out.reduction !== undefined
      ? { reduction: { ...out.reduction, runs: 1, ...(off !== undefined ? { off } : {}) } }
      : {}),
  };
}

type Base = Pick<CheckResult, "spec" | "params" | "stats">;

/** A violation, replayed: the search's finding must survive an independent replay. */
function violationResult(model: Model, base: Base, f: Found): CheckResult {
  const expected = model.properties[f.property]?.name;
  const violation = explainTrace(model, { init: f.init, transitions: f.transitions });
  if (typeof violation === "string" || violation.property !== expected) {
    const why = typeof violation === "string"
      ? violation
      : `it ends in a violation of '${violation.property}' instead`;
    // The search's finding does not reproduce: the spec's code depends on
    // something outside the state.
    const impure = pathImpurity(model, f) ??
      `impure spec: the trace to '${expected}' does not replay (${why}); the spec's code must depend on the state only, not on Math.random, Date.now or variables its functions change`;
    return { ...base, verdict: "error", error: { message: impure } };
  }
  return { ...base, verdict: "violation", violation };
}

/** An error of the spec's code, with the steps up to it when they replay. */
function errorResult(model: Model, base: Base, error: SearchOutcome["error"]): CheckResult {
  const message = errorMessage(error?.cause);
  let trace: Counterexample | undefined;
  if (error !== undefined && error.transitions.length > 0) {
    try {
      const t = explainTrace(model, error);
      if (typeof t !== "string") trace = t;
    } catch {
      trace = undefined;
    }
  }
  return {
    ...base,
    verdict: "error",
    error: { message, ...(trace !== undefined ? { trace } : {}) },
  };
}

/** The result of a search: stats, and every path replayed and explained. */
export function toResult(
  model: Model,
  params: Readonly<Record<string, number | boolean>>,
  out: SearchOutcome | CompactOutcome,
): CheckResult {
  const base = { spec: model.name, params, stats: statsOf(model, out) };
  if (out.status === "violation" && out.found !== undefined) {
    return violationResult(model, base, out.found);
  }
  if (out.status === "error") return errorResult(model, base, out.error);
  if (out.status === "incomplete" && out.incomplete !== undefined) {
    const { reason, message, found } = out.incomplete;
    const trace = found === undefined
      ? undefined
      : explainTrace(model, { init: found.init, transitions: found.transitions });
    return {
      ...base,
      verdict: "incomplete",
      incomplete: {
        reason,
        message,
        ...(trace !== undefined && typeof trace !== "string" ? { trace } : {}),
      },
    };
  }
  return { ...base, verdict: "ok" };
}
