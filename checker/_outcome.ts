// Private module: turning how a search ended into its `SearchOutcome`, for
// every engine (bfs, dfs, the compact BFS and the parallel coordinator).
//
// An engine names states by a location of its own (`L`: a store index, a
// state kept with its depth, a worker's state id); the outcome needs paths
// of transitions, which the engine gives through `pathTo`. A path that
// cannot be rebuilt (the bitstate store's second search failed) is a
// string saying why.

import type { Model } from "../model/model.ts";
import {
  type EngineEnd,
  type Finding,
  type Found,
  limitMessage,
  type SearchLimits,
  type SearchOutcome,
} from "./_search.ts";
import type { ExactStore } from "./_store.ts";
import type { InsertSink } from "./_sink.ts";
import type { EngineClock } from "./_loop.ts";
import type { CheckResult } from "./result.ts";
import { livenessProperties } from "./_facets.ts";

/** A path of transitions from an initial state, or why it could not be rebuilt. */
export type PathOrWhy = { init: number; transitions: number[] } | string;

/** The counters of a finished search. */
export interface OutcomeStats {
  readonly states: number;
  readonly transitions: number;
  readonly seconds: number;
  readonly storeBytes: number;
  readonly peakMemoryBytes: number;
  readonly reduction?: { readonly ample: number; readonly full: number } | undefined;
}

/** What {@linkcode buildOutcome} needs besides the end. */
export interface OutcomeParts<L> {
  readonly model: Model;
  readonly limits: SearchLimits;
  /** The sink's finding (a new state's invariant, a failing transition). */
  readonly found: Finding<L> | undefined;
  /** The first exploration bound reached. */
  readonly bound: Finding<L> | undefined;
  /** The path to a location. */
  readonly pathTo: (at: L) => PathOrWhy;
  /** The counters, read once the paths are rebuilt. */
  readonly stats: () => OutcomeStats;
}

const NO_PATH = (): { init: number; transitions: number[] } => ({ init: 0, transitions: [] });

function foundOf<L>(f: Finding<L>, path: { init: number; transitions: number[] }): Found {
  if (f.transition >= 0) path.transitions.push(f.transition);
  return {
    property: f.property,
    ...path,
    ...(f.message !== undefined ? { message: f.message } : {}),
  };
}

/** The incomplete part of a search that covered everything but cut successors at a bound. */
function boundedBy<L>(b: Finding<L>, path: PathOrWhy): SearchOutcome["incomplete"] {
  const message = `${b.message}: the states beyond it were not explored`;
  if (typeof path === "string") return { reason: "bound", message };
  return { reason: "bound", message, found: foundOf(b, path) };
}

/**
 * Builds the outcome of a search that ended. A violation whose path cannot
 * be rebuilt turns into an error saying so; a search that ended `ok` but
 * cut successors at an exploration bound is `incomplete`, with the path to
 * where the bound was first reached.
 */
export function buildOutcome<L>(end: EngineEnd<L>, parts: OutcomeParts<L>): SearchOutcome {
  let status = end.status;
  let found: Found | undefined;
  let error: SearchOutcome["error"];
  let incomplete: SearchOutcome["incomplete"];
  if (status === "violation") {
    const f = end.stuck !== undefined ? { ...end.stuck, transition: -1 } : parts.found;
    if (f !== undefined) {
      const path = parts.pathTo(f.at);
      if (typeof path !== "string") found = foundOf(f, path);
      else {
        const name = parts.model.properties[f.property]?.name ?? `#${f.property}`;
        status = "error";
        error = {
          cause: new Error(`a violation of '${name}' was found, but ${path}`),
          ...NO_PATH(),
        };
      }
    }
  }
  if (status === "error" && end.error !== undefined) {
    const at = end.error.at;
    const path = at === undefined ? NO_PATH() : parts.pathTo(at);
    error = { cause: end.error.cause, ...(typeof path === "string" ? NO_PATH() : path) };
  }
  if (status === "ok" && parts.bound !== undefined) {
    status = "incomplete";
    incomplete = boundedBy(parts.bound, parts.pathTo(parts.bound.at));
  } else if (status === "incomplete" && end.reason !== undefined) {
    incomplete = { reason: end.reason, message: limitMessage(end.reason, parts.limits) };
  }
  const stats = parts.stats();
  return {
    status,
    ...(found !== undefined ? { found } : {}),
    ...(error !== undefined ? { error } : {}),
    ...(incomplete !== undefined ? { incomplete } : {}),
    states: stats.states,
    transitions: stats.transitions,
    depth: end.depth,
    seconds: stats.seconds,
    storeBytes: stats.storeBytes,
    peakMemoryBytes: stats.peakMemoryBytes,
    ...(stats.reduction !== undefined ? { reduction: { ...stats.reduction } } : {}),
  };
}

/** The outcome of a search over the exact store (bfs, dfs): paths from its parent links. */
export function exactOutcome(
  end: EngineEnd<number>,
  model: Model,
  limits: SearchLimits,
  store: ExactStore,
  sink: InsertSink,
  clock: EngineClock,
): SearchOutcome {
  return buildOutcome(end, {
    model,
    limits,
    found: sink.found,
    bound: sink.bound,
    pathTo: (i) => i < 0 ? NO_PATH() : store.path(i),
    stats: () => ({
      states: store.count,
      transitions: sink.transitions,
      seconds: clock.seconds(),
      storeBytes: store.bytes,
      peakMemoryBytes: clock.peak(),
      reduction: sink.reduction,
    }),
  });
}

/**
 * An engine that cannot run: its outcome is an error with `message` (a
 * combination of options no engine supports).
 */
export function unsupported(message: string): {
  run(millis?: number): boolean;
  outcome(): SearchOutcome;
} {
  const outcome: SearchOutcome = {
    status: "error",
    error: { cause: new Error(message), init: 0, transitions: [] },
    states: 0,
    transitions: 0,
    depth: 0,
    seconds: 0,
    storeBytes: 0,
    peakMemoryBytes: 0,
  };
  return { run: () => true, outcome: () => outcome };
}

/**
 * For a search that does not check liveness (parallel, distributed): once
 * safety holds over a spec with liveness properties, `result` becomes an
 * error saying so (the sequential search, too, checks liveness only once
 * safety holds); otherwise undefined.
 */
export function livenessUnchecked<R extends CheckResult>(
  model: Model,
  result: R,
  search: string,
  advice: string,
): R | undefined {
  const liveness = livenessProperties(model);
  if (result.verdict !== "ok" || liveness.length === 0) return undefined;
  const names = liveness.map((l) => `'${l.name}'`).join(", ");
  return {
    ...result,
    verdict: "error",
    error: {
      message: `the safety properties hold over ${result.stats.states} states, but ${search} ` +
        `search does not check liveness properties (${names}): check this spec ${advice}`,
    },
  };
}
