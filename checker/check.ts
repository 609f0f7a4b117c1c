/**
 * `check()`: compile a spec, search it, and return the result as data.
 *
 * @module
 */

import { PhaseStopped, withPulse } from "./_pulse.ts";
import type { Checkable, Model } from "../model/model.ts";
import { match } from "npm:ts-pattern@5.9.2";
import { BfsSearch } from "./bfs.ts";
import { CompactBfsSearch, type CompactOutcome } from "./bfs_compact.ts";
import { unsupported } from "./_outcome.ts";
import { livenessProperties, reductionOf } from "./_facets.ts";
import { DfsSearch } from "./dfs.ts";
import {
  residentMemory,
  type SearchHooks,
  type SearchLimits,
  type SearchOutcome,
} from "./_search.ts";
import { explainTrace } from "./explain.ts";
import { checkLiveness, type Lasso, type StateGraph, stateGraph } from "./liveness.ts";
import { compactStateGraph } from "./_compact_graph.ts";
import { replay } from "./replay.ts";
import type { CheckResult } from "./result.ts";
import { symmetryReduction } from "./symmetry.ts";
import { emptyStats, errorMessage, toResult } from "./_to_result.ts";
import type { ReductionOptions } from "./_por.ts";
import { confirmed, purityChecked, PuritySampler } from "./_purity.ts";
import type { Checkpointing } from "./_checkpoint.ts";

/** The search engines {@linkcode check} can run. */
export type Strategy = "bfs" | "dfs";

/**
 * Options of {@linkcode check} and {@linkcode checkAsync}.
 *
 * `reduction: "por"` turns on partial-order reduction (default `"none"`):
 * where one process's enabled transitions are independent of everything the
 * others can still do and invisible to the invariants, only they are
 * explored. Deadlock, invariant, assertion and final-state verdicts are the
 * same; traces are real (they replay) but need not be the shortest; liveness
 * properties are still checked over the whole state graph. Not combined with
 * `symmetry`. See docs/por.md.
 */
export interface CheckOptions extends SearchLimits, SearchHooks, ReductionOptions {
  /** Parameter overrides (numbers, booleans, or their text). */
  params?: Readonly<Record<string, number | boolean | string>>;
  /**
   * `bfs` (default): shortest counterexamples. `dfs`: the same verdicts and
   * reachable states, with a search stack instead of levels (traces need
   * not be shortest).
   */
  strategy?: Strategy;
  /**
   * Expand one state in 16 twice (and the first 1024) and compare the
   * successors, to find a spec whose code depends on something outside the
   * state. Without it, the first 64 states and one in 1024 are compared.
   */
  checkPurity?: boolean;
  /**
   * Checkpoint the breadth-first search over the exact store every so often
   * and when it is interrupted, or resume one (not with the other engines,
   * symmetry or partial-order reduction).
   */
  checkpointing?: Checkpointing;
  /**
   * The state store. `exact` (default): every state is kept. `fingerprint`:
   * a 64-bit fingerprint and a parent link per state (at most 16 bytes); a
   * state whose fingerprint equals a stored one's is missed, with the
   * probability in `stats.omissionProbability`. `bitstate`: SPIN's
   * supertrace, k bits of a bit array per state, for state spaces beyond
   * memory; `stats.coverage` estimates the fraction of states kept. The
   * last two search breadth-first only (and liveness properties are still
   * checked over the whole state graph, kept exactly).
   */
  store?: "exact" | "fingerprint" | "bitstate";
  /** Bitstate: the bit array has 2^bitstateBits bits (default 30: 128 MiB; 5 to 37). */
  bitstateBits?: number;
  /** Bitstate: bits set per state (default 3; 1 to 8). */
  bitstateHashes?: number;
  /**
   * Fingerprint: bits kept of each fingerprint (default 64, the most).
   * Fewer make collisions likely, to see omissions reported.
   */
  fingerprintBits?: number;
  /**
   * Symmetry reduction (default false): keep one state per orbit of the
   * copies of process kinds declared `symmetric: true`. Same verdicts;
   * counterexamples are real traces of the same length. Liveness
   * properties are still checked over the whole state graph.
   */
  symmetry?: boolean;
}

/** A search engine that runs in slices. */
interface Engine {
  run(millis?: number): boolean;
  outcome(): SearchOutcome | CompactOutcome;
}

function engine(model: Model, options: CheckOptions): Engine {
  const store = options.store ?? "exact";
  if (store !== "exact") {
    if ((options.strategy ?? "bfs") !== "bfs") {
      return unsupported(`the ${store} store searches breadth-first only (strategy bfs)`);
    }
    try {
      return new CompactBfsSearch(model, { ...options, store });
    } catch (e) {
      // A bit array or fingerprint width out of range.
      return unsupported(errorMessage(e));
    }
  }
  return match(options.strategy ?? "bfs")
    .with("bfs", () => new BfsSearch(model, options))
    .with("dfs", () => new DfsSearch(model, options))
    .exhaustive();
}

/** Options of {@linkcode checkAsync}. */
export interface CheckAsyncOptions extends CheckOptions {
  /** Aborting it stops the search as `incomplete` (`interrupted`). */
  signal?: AbortSignal;
  /** How long each slice runs before yielding to the event loop, in ms (default 50). */
  sliceMillis?: number;
}

/** The verdict `error` for a model that declares a symmetry it cannot honour. */
function refused(
  model: Model,
  params: Readonly<Record<string, number | boolean>>,
  message: string,
): CheckResult {
  return { spec: model.name, params, verdict: "error", error: { message }, stats: emptyStats() };
}

type Prepared =
  | { model: Model; params: Readonly<Record<string, number | boolean>> }
  | CheckResult;

function prepare(target: Model | Checkable, options: CheckOptions): Prepared {
  if ("compile" in target) {
    try {
      const params = target.resolve(options.params ?? {});
      return { model: target.compile(options.params ?? {}), params };
    } catch (e) {
      return {
        spec: target.name,
        params: {},
        verdict: "error",
        error: { message: errorMessage(e) },
        stats: emptyStats(),
      };
    }
  }
  return { model: target, params: {} };
}

/**
 * Checks the liveness properties once safety holds on the whole state
 * space. The statistics then cover the whole run: the liveness phase's wall
 * time is added to the search's (and given apart), and the peak memory is
 * sampled while its graph is alive.
 */
function withLiveness(model: Model, result: CheckResult, options: CheckOptions): CheckResult {
  const properties = livenessProperties(model);
  if (result.verdict !== "ok" || properties.length === 0) return result;
  const t0 = performance.now();
  const phase = { peak: result.stats.peakMemoryBytes, graphBytes: 0 };
  const out = livenessPhase(model, result, options, phase);
  const livenessSeconds = (performance.now() - t0) / 1000;
  const seconds = result.stats.seconds + livenessSeconds;
  const stats = {
    ...out.stats,
    seconds,
    statesPerSecond: seconds > 0 ? out.stats.states / seconds : 0,
    peakMemoryBytes: Math.max(phase.peak, residentMemory()),
    livenessSeconds,
    livenessGraphBytes: phase.graphBytes,
  };
  return { ...out, stats };
}

/** The liveness phase: the state graph (over fingerprints with `store: "fingerprint"`), then each property. */
function livenessPhase(
  model: Model,
  result: CheckResult,
  options: CheckOptions,
  phase: { peak: number; graphBytes: number },
): CheckResult {
  const properties = livenessProperties(model);
  const sample = () => void (phase.peak = Math.max(phase.peak, residentMemory()));
  // Asked every 4,096 states: Ctrl-C and the sandbox's limits stop the
  // graph's building too, and the question is the sandbox's sign of life.
  const stop = () => options.shouldStop?.() === true;
  const g = livenessGraph(model, result, options, phase, stop);
  if (!("states" in g)) return g;
  sample();
  for (let i = 0; i < properties.length; i++) {
    let lasso;
    try {
      lasso = withPulse(stop, () => checkLiveness(model, g, i));
      sample();
    } catch (e) {
      if (e instanceof PhaseStopped) {
        return {
          ...result,
          verdict: "incomplete",
          incomplete: {
            reason: "interrupted",
            message: `stopped while checking the liveness property '${properties[i]!.name}'`,
          },
        };
      }
      return { ...result, verdict: "error", error: { message: errorMessage(e) } };
    }
    if (lasso !== undefined) return lassoResult(model, result, lasso);
  }
  return result;
}

/** The state graph of the liveness phase, or the result that ends the run without one. */
function livenessGraph(
  model: Model,
  result: CheckResult,
  options: CheckOptions,
  phase: { graphBytes: number },
  stop: () => boolean,
): StateGraph | CheckResult {
  let g;
  try {
    if (options.store === "fingerprint") {
      g = compactStateGraph(model, options, stop);
      if (g !== undefined && g !== "stopped") phase.graphBytes = g.bytes;
    } else {
      g = stateGraph(model, options, stop);
      if (g !== undefined && g !== "stopped") phase.graphBytes = graphBytes(g);
    }
  } catch (e) {
    return { ...result, verdict: "error", error: { message: errorMessage(e) } };
  }
  if (g === "stopped") {
    return {
      ...result,
      verdict: "incomplete",
      incomplete: {
        reason: "interrupted",
        message: "stopped while building the state graph for the liveness properties " +
          `(the safety search had finished: ${
            result.verdict === "ok" ? "no violation" : result.verdict
          })`,
      },
    };
  }
  if (g === undefined) {
    return {
      ...result,
      verdict: "incomplete",
      incomplete: {
        reason: "max-states",
        message: `the state limit (--max-states ${options.maxStates}) was reached ` +
          `while building the state graph for the liveness properties`,
      },
    };
  }
  return g;
}

/** A liveness violation as the result: its lasso replayed, explained, and its cycle checked to close. */
function lassoResult(model: Model, result: CheckResult, lasso: Lasso): CheckResult {
  const transitions = [...lasso.prefix, ...lasso.cycle];
  const story = explainTrace(model, { init: lasso.init, transitions });
  if (typeof story === "string") {
    return {
      ...result,
      verdict: "error",
      error: { message: `internal error: a liveness counterexample does not replay: ${story}` },
    };
  }
  // The cycle must close: the state where it starts is the state it ends in.
  const r = replay(model, { init: lasso.init, transitions });
  const first = r.states[lasso.prefix.length];
  const last = r.states[r.states.length - 1];
  if (
    lasso.cycle.length > 0 &&
    (first === undefined || last === undefined || first.join() !== last.join())
  ) {
    return {
      ...result,
      verdict: "error",
      error: { message: `internal error: the cycle for '${lasso.property.name}' does not close` },
    };
  }
  return {
    ...result,
    verdict: "violation",
    violation: {
      ...story,
      property: lasso.property.name,
      kind: "liveness",
      message: lasso.message,
      ...(lasso.cycle.length > 0 ? { loopStart: lasso.prefix.length } : {}),
    },
  };
}

/**
 * Checks a spec (or an already compiled model) exhaustively with
 * breadth-first search, and returns the verdict, the shortest
 * counterexample when a property fails, and statistics. Never throws for a
 * bad spec: that is the verdict `error`, with a message naming the spec,
 * the process and the step.
 *
 * @param target A spec or a model.
 * @param options Parameter overrides, limits and hooks.
 * @returns The result.
 *
 * @example Finding a lost update
 * ```ts
 * import { check, spec, system } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const racy = spec({
 *   name: "racy",
 *   params: {},
 *   build: () => {
 *     const sys = system({ n: 0 });
 *     sys.process("inc", { count: 2, locals: { t: 0 } }, (s) => [
 *       s.do("read", ({ g, l }) => { l.t = g.n; }),
 *       s.do("write", ({ g, l }) => { g.n = l.t + 1; }),
 *     ]);
 *     sys.atEnd("no lost update", ({ g }) => g.n === 2);
 *     return sys;
 *   },
 * });
 * const result = check(racy);
 * assert.equal(result.verdict, "violation");
 * assert.equal(result.violation?.property, "no lost update");
 * assert.equal(result.violation?.transitions.length, 4);
 * ```
 */
export function check(target: Model | Checkable, options: CheckOptions = {}): CheckResult {
  const prepared = prepare(target, options);
  if (!("model" in prepared)) return prepared;
  const red = symmetryReduction(prepared.model, options);
  if (typeof red === "string") return refused(prepared.model, prepared.params, red);
  const sampler = samplerFor(options);
  let runs = 0;
  let out: SearchOutcome | CompactOutcome;
  let epoch: number | undefined;
  do {
    const search = engine(purityChecked(red.model, sampler), options);
    // The initial states' invariants were evaluated: no ample set was taken yet.
    epoch = reductionOf(red.model).epoch();
    search.run();
    out = search.outcome();
    runs++;
  } while (again(red.model, options, out, epoch));
  return withLiveness(
    prepared.model,
    withRuns(
      confirmed(
        prepared.model,
        red.result(toResult(prepared.model, prepared.params, red.outcome(out))),
      ),
      runs,
    ),
    options,
  );
}

/** Which expansions the search double-checks for purity (see `_purity.ts`). */
function samplerFor(options: CheckOptions): PuritySampler {
  return options.checkPurity === true ? new PuritySampler(1024, 16) : new PuritySampler();
}

/**
 * Whether a reduced search must run again: the invariants queried something
 * new during it (more transitions are visible than the search assumed).
 * A violation found is real (its trace replays) and stands.
 */
function again(
  model: Model,
  options: CheckOptions,
  out: SearchOutcome,
  epoch: number | undefined,
): boolean {
  return options.reduction === "por" && out.status !== "violation" &&
    reductionOf(model).epoch() !== epoch;
}

function withRuns(result: CheckResult, runs: number): CheckResult {
  const r = result.stats.reduction;
  return r === undefined || runs === 1
    ? result
    : { ...result, stats: { ...result.stats, reduction: { ...r, runs } } };
}

/**
 * Like {@linkcode check}, but yields to the event loop between slices of
 * the search, so progress reports, timers and an abort signal (Ctrl-C in
 * the CLI) are served while it runs.
 *
 * @param target A spec or a model.
 * @param options As for {@linkcode check}, plus `signal` and `sliceMillis`.
 * @returns The result.
 *
 * @example
 * ```ts
 * import { checkAsync, spec, system } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const s = spec({
 *   name: "s",
 *   params: {},
 *   build: () => {
 *     const sys = system({ x: 0 });
 *     sys.process("p", {}, (b) => [b.do("inc", ({ g }) => g.x++)]);
 *     return sys;
 *   },
 * });
 * assert.equal((await checkAsync(s)).verdict, "ok");
 * ```
 */
export async function checkAsync(
  target: Model | Checkable,
  options: CheckAsyncOptions = {},
): Promise<CheckResult> {
  const prepared = prepare(target, options);
  if (!("model" in prepared)) return prepared;
  const red = symmetryReduction(prepared.model, options);
  if (typeof red === "string") return refused(prepared.model, prepared.params, red);
  const signal = options.signal;
  const outer = options.shouldStop;
  const slice = options.sliceMillis ?? 50;
  const sampler = samplerFor(options);
  let runs = 0;
  let out: SearchOutcome | CompactOutcome;
  let epoch: number | undefined;
  do {
    const search = engine(purityChecked(red.model, sampler), {
      ...options,
      shouldStop: () => signal?.aborted === true || outer?.() === true,
    });
    epoch = reductionOf(red.model).epoch();
    while (!search.run(slice)) {
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    out = search.outcome();
    runs++;
  } while (again(red.model, options, out, epoch));
  return withLiveness(
    prepared.model,
    withRuns(
      confirmed(
        prepared.model,
        red.result(toResult(prepared.model, prepared.params, red.outcome(out))),
      ),
      runs,
    ),
    { ...options, shouldStop: () => signal?.aborted === true || outer?.() === true },
  );
}

/** Bytes of an exact state graph's edges and edge starts (its store is not counted). */
function graphBytes(g: StateGraph): number {
  return (g.start.length + g.target.length + g.via.length) * 4;
}
