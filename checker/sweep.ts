/**
 * Parameter sweeps: check a spec exhaustively at many configurations and
 * report the smallest one that fails, with its shortest trace.
 *
 * A small grid (at most `gridLimit` points, 64 by default) is enumerated
 * completely, smallest point first (by the sum of the values' positions in
 * their ranges), so the first failing point has no smaller failing point.
 * A larger grid is sampled by fast-check (`fc.record` of `fc.integer`),
 * which shrinks a failing point toward smaller values: fewer processes,
 * smaller buffers, fewer items. Every point is checked by `check()` within
 * a state budget; a point that exceeds it is `incomplete`, reported, and
 * never counted as a pass.
 *
 * @module
 */

import fc from "npm:fast-check@4.10.2";
import type { Checkable } from "../model/model.ts";
import type { ParamInput } from "../model/types.ts";
import {
  type Grid,
  gridArbitrary,
  gridOf,
  gridPoints,
  type ParamRange,
  type ParamRanges,
  type ParamValue,
  parseRangeText,
  pointKey,
} from "./_configs.ts";
import { check } from "./check.ts";
import type { CheckResult, Verdict } from "./result.ts";

export type { ParamRange, ParamRanges, ParamValue };

/** Options of {@linkcode sweep}. */
export interface SweepOptions {
  /** Overrides of parameters that are not swept. */
  params?: ParamInput;
  /** The state budget of each point (default 100,000). */
  maxStates?: number;
  /** The time budget of each point, in seconds (none by default). */
  timeSeconds?: number;
  /** `grid` enumerates, `random` samples with fast-check, `auto` (default) picks by size. */
  mode?: "auto" | "grid" | "random";
  /** The largest grid `auto` enumerates (default 64). */
  gridLimit?: number;
  /** Grid: check every point, not only up to the first failure (default false). */
  all?: boolean;
  /** Random: the points fast-check generates (default 100). */
  runs?: number;
  /** Random: fast-check's seed (default: random). */
  seed?: number;
  /** Random: fast-check's path to a counterexample, from an earlier result; needs `seed`. */
  path?: string;
  /** Called after each point is checked. */
  onPoint?: (point: SweepPoint) => void;
  /** Check each point with symmetry reduction (`CheckOptions.symmetry`; default false). */
  symmetry?: boolean;
  /**
   * Polled before each point and during its check: `true` ends the sweep
   * with the points it finished (verdict `incomplete` unless one failed).
   */
  shouldStop?: () => boolean;
}

/** One configuration checked by a sweep. */
export interface SweepPoint {
  /** The swept parameters' values. */
  readonly params: Readonly<Record<string, ParamValue>>;
  /** The verdict of `check()` at this point. */
  readonly verdict: Verdict;
  /** The states the check stored. */
  readonly states: number;
  /** The violated property, for a violation. */
  readonly property?: string;
  /** The length of the shortest trace, for a violation. */
  readonly length?: number;
  /** Seconds the check took. */
  readonly seconds: number;
}

/** The result of {@linkcode sweep}, as plain data. */
export interface SweepResult {
  /** The spec's name. */
  readonly spec: string;
  /**
   * `violation` or `error`: some point fails (see `smallest`); otherwise
   * `incomplete` when a point exceeded its budget or, sampling, some point
   * was not checked; `ok` when every point of the grid passed.
   */
  readonly verdict: Verdict;
  /** How the points were chosen. */
  readonly mode: "grid" | "random";
  /** The swept values of each parameter, ascending. */
  readonly ranges: Readonly<Record<string, readonly ParamValue[]>>;
  /** The overrides of the parameters not swept. */
  readonly fixed: ParamInput;
  /** The number of points in the grid. */
  readonly gridSize: number;
  /** Every distinct point checked, in the order checked. */
  readonly points: readonly SweepPoint[];
  /** The smallest failing configuration and its check result (with the shortest trace). */
  readonly smallest?: {
    /** The swept parameters' values. */
    readonly params: Readonly<Record<string, ParamValue>>;
    /** The result of `check()` there. */
    readonly result: CheckResult;
  };
  /** Why the sweep could not run (bad ranges), when the verdict is `error` without `smallest`. */
  readonly error?: string;
  /** The state budget per point. */
  readonly maxStates: number;
  /** Random mode: fast-check's seed. */
  readonly seed?: number;
  /** Random mode: fast-check's path to the shrunk failing point. */
  readonly path?: string;
  /** Random mode: successful shrink steps. */
  readonly shrinks?: number;
  /** Wall time, in seconds. */
  readonly seconds: number;
}

/**
 * The values of a range written as on the command line.
 *
 * @param text `1..4`, `1,2,4`, `3` or `false,true`.
 * @returns The values, or why the text is not a range.
 *
 * @example
 * ```ts
 * import { parseRange } from "./sweep.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseRange("1..4"), [1, 2, 3, 4]);
 * assert.deepEqual(parseRange("1,2,4"), [1, 2, 4]);
 * assert.equal(typeof parseRange("1-4"), "string");
 * ```
 */
export function parseRange(text: string): ParamValue[] | string {
  return parseRangeText(text);
}

function randomSeed(): number {
  return (Date.now() ^ (Math.random() * 0x100000000)) | 0;
}

const FAILS: ReadonlySet<Verdict> = new Set(["violation", "error"]);

/**
 * Checks a spec at every configuration of a grid (or at a fast-check
 * sample of a large grid) and finds the smallest failing one. Never throws:
 * bad ranges are the verdict `error`.
 *
 * @param spec The spec.
 * @param ranges The values of each swept parameter (`[min, max]`, `"1..4"`,
 * `"1,2,4"`, `{ values }`); the others keep their defaults or `params`.
 * @param options Budget per point, mode, seed and path.
 * @returns The result.
 *
 * @example The lost update needs two workers
 * ```ts
 * import { sweep } from "./sweep.ts";
 * import { spec, system } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const racy = spec({
 *   name: "racy",
 *   params: { workers: 1 },
 *   build: (p) => {
 *     const sys = system({ n: 0 });
 *     sys.process("inc", { count: p.workers, locals: { t: 0 } }, (s) => [
 *       s.do("read", ({ g, l }) => { l.t = g.n; }),
 *       s.do("write", ({ g, l }) => { g.n = l.t + 1; }),
 *     ]);
 *     sys.atEnd("no lost update", ({ g }) => g.n === p.workers);
 *     return sys;
 *   },
 * });
 * const r = sweep(racy, { workers: [1, 4] });
 * assert.equal(r.verdict, "violation");
 * assert.deepEqual(r.smallest?.params, { workers: 2 });
 * assert.equal(r.smallest?.result.violation?.transitions.length, 4);
 * ```
 */
export function sweep(
  spec: Checkable,
  ranges: ParamRanges,
  options: SweepOptions = {},
): SweepResult {
  const start = performance.now();
  const fixed = options.params ?? {};
  const maxStates = options.maxStates ?? 100_000;
  const grid = gridOf(spec, ranges, fixed);
  const seconds = () => (performance.now() - start) / 1000;
  if (typeof grid === "string") {
    return {
      spec: spec.name,
      verdict: "error",
      mode: "grid",
      ranges: {},
      fixed,
      gridSize: 0,
      points: [],
      error: grid,
      maxStates,
      seconds: seconds(),
    };
  }
  const mode = options.mode === "grid" || options.mode === "random"
    ? options.mode
    : grid.size <= (options.gridLimit ?? 64)
    ? "grid"
    : "random";
  const points: SweepPoint[] = [];
  const checkPoint = pointChecker(spec, grid, { ...options, maxStates }, points);
  const base = {
    spec: spec.name,
    mode,
    ranges: grid.values,
    fixed,
    gridSize: grid.size,
    maxStates,
  };
  const verdictOf = (smallest: CheckResult | undefined, covered: boolean): Verdict => {
    if (smallest !== undefined) return smallest.verdict;
    if (!covered || points.some((p) => p.verdict === "incomplete")) return "incomplete";
    return "ok";
  };
  if (mode === "grid") {
    let smallest: { params: Record<string, ParamValue>; result: CheckResult } | undefined;
    for (const point of gridPoints(grid)) {
      if (options.shouldStop?.() === true) break;
      const r = checkPoint(point);
      if (FAILS.has(r.verdict) && smallest === undefined) {
        smallest = { params: point, result: r };
        if (options.all !== true) break;
      }
    }
    return {
      ...base,
      verdict: verdictOf(smallest?.result, points.length === grid.size),
      points,
      ...(smallest !== undefined ? { smallest } : {}),
      seconds: seconds(),
    };
  }
  return randomSweep(grid, checkPoint, options, (found, details) => ({
    ...base,
    verdict: verdictOf(found?.result, points.length === grid.size),
    points,
    ...(found !== undefined ? { smallest: found } : {}),
    ...details,
    seconds: seconds(),
  }));
}

function randomSweep(
  grid: Grid,
  checkPoint: (point: Record<string, ParamValue>) => CheckResult,
  options: SweepOptions,
  done: (
    found: { params: Record<string, ParamValue>; result: CheckResult } | undefined,
    details: { seed: number; path?: string; shrinks: number },
  ) => SweepResult,
): SweepResult {
  const d = fc.check(
    fc.property(
      gridArbitrary(grid),
      (point) => options.shouldStop?.() === true || !FAILS.has(checkPoint(point).verdict),
    ),
    {
      seed: options.seed ?? randomSeed(),
      numRuns: options.runs ?? 100,
      ...(options.path !== undefined ? { path: options.path } : {}),
    },
  );
  const point = d.failed ? d.counterexample?.[0] : undefined;
  const details = {
    seed: d.seed,
    shrinks: d.numShrinks,
    ...(d.counterexamplePath !== null ? { path: d.counterexamplePath } : {}),
  };
  return done(
    point !== undefined ? { params: point, result: checkPoint(point) } : undefined,
    details,
  );
}

/**
 * Checks one point of the grid (each at most once), recording it in
 * `points` and telling `options.onPoint`.
 */
function pointChecker(
  spec: Checkable,
  grid: Exclude<ReturnType<typeof gridOf>, string>,
  options: SweepOptions & { maxStates: number },
  points: SweepPoint[],
): (point: Record<string, ParamValue>) => CheckResult {
  const fixed = options.params ?? {};
  const results = new Map<string, CheckResult>();
  return (point) => {
    const key = pointKey(grid, point);
    const known = results.get(key);
    if (known !== undefined) return known;
    const t = performance.now();
    const r = check(spec, {
      params: { ...fixed, ...point },
      maxStates: options.maxStates,
      ...(options.timeSeconds !== undefined ? { timeSeconds: options.timeSeconds } : {}),
      ...(options.symmetry === true ? { symmetry: true } : {}),
      ...(options.shouldStop !== undefined ? { shouldStop: options.shouldStop } : {}),
    });
    results.set(key, r);
    const p: SweepPoint = {
      params: point,
      verdict: r.verdict,
      states: r.stats.states,
      ...(r.violation !== undefined
        ? { property: r.violation.property, length: r.violation.transitions.length }
        : {}),
      seconds: (performance.now() - t) / 1000,
    };
    points.push(p);
    options.onPoint?.(p);
    return r;
  };
}
