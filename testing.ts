/**
 * Property tests over specs, for `deno test`: "for every buffer size 1..5
 * and up to 3 producers, the protocol is deadlock-free", checked
 * exhaustively at each configuration, with fast-check's usual report (seed,
 * path, the smallest failing configuration, and its shortest trace) when it
 * fails.
 *
 * @example In a test file
 * ```ts
 * import { assertAllConfigs } from "./testing.ts";
 * import { lock, mutex, spec, system, unlock } from "./mod.ts";
 *
 * const counter = spec({
 *   name: "locked_counter",
 *   params: { workers: 1, rounds: 1 },
 *   build: (p) => {
 *     const sys = system({ n: 0 });
 *     const m = mutex("m");
 *     sys.process("worker", { count: p.workers, locals: { t: 0, r: 0 } }, (s) => [
 *       s.while(({ l }) => l.r < p.rounds, [
 *         lock(m),
 *         s.do("read", ({ g, l }) => { l.t = g.n; }),
 *         s.do("write", ({ g, l }) => { g.n = l.t + 1; l.r++; }),
 *         unlock(m),
 *       ]),
 *     ]);
 *     sys.atEnd("no lost update", ({ g }) => g.n === p.workers * p.rounds);
 *     return sys;
 *   },
 * });
 *
 * // In a test: Deno.test("no lost update for 1..3 workers and 1..2 rounds", () => { ... });
 * assertAllConfigs(counter, { workers: [1, 3], rounds: [1, 2] }, { maxStates: 50_000 });
 * ```
 *
 * @module
 */

import fc, { type Arbitrary, type IPropertyWithHooks, type Parameters } from "fast-check";
import type { Checkable } from "./model/model.ts";
import type { Expectation, ParamInput } from "./model/spec.ts";
import {
  type Grid,
  gridArbitrary,
  gridOf,
  gridPoints,
  type ParamRanges,
  type ParamValue,
  pointKey,
} from "./checker/_configs.ts";
import { check } from "./checker/check.ts";
import { expectationText, meetsExpectation } from "./checker/expectation.ts";
import { formatText } from "./reporters/text.ts";
import type { CheckResult } from "./checker/result.ts";

export type { ParamRange, ParamRanges, ParamValue } from "./checker/_configs.ts";

/** A configuration: the swept parameters' values. */
export type Config = Record<string, ParamValue>;

/**
 * The configurations of ranges `R`: a boolean for a boolean range, a number
 * for `[min, max]` or a number, either for a range given as text.
 */
export type ConfigOf<R extends ParamRanges> = {
  -readonly [K in keyof R]: R[K] extends boolean | { readonly values: readonly boolean[] } ? boolean
    : R[K] extends string | { readonly values: readonly ParamValue[] } ? ParamValue
    : number;
};

/** Options of {@linkcode forAllConfigs} and {@linkcode assertAllConfigs}. */
export interface ConfigOptions {
  /** Overrides of the parameters that are not swept. */
  params?: ParamInput;
  /** The state budget of each configuration (default 100,000). */
  maxStates?: number;
  /** The time budget of each configuration, in seconds. */
  timeSeconds?: number;
  /**
   * The verdict every configuration must get (default `"ok"`); e.g.
   * `{ violation: "deadlock" }` to show that every configuration deadlocks.
   */
  expect?: Expectation;
  /**
   * What a configuration over budget does: `"fail"` (default: it proves
   * nothing, so the property fails) or `"skip"` (fast-check's `fc.pre`).
   */
  onIncomplete?: "fail" | "skip";
}

/** Options of {@linkcode assertAllConfigs}: those of the property, and fast-check's. */
export interface AssertConfigOptions extends ConfigOptions {
  /**
   * Grids of at most this many points are checked completely, smallest
   * first, before fast-check's random runs (default 64).
   */
  gridLimit?: number;
  /** fast-check's parameters (`seed`, `path`, `numRuns`, `verbose`, ...). */
  fc?: Parameters<[Config]>;
}

function gridOrThrow(spec: Checkable, ranges: ParamRanges, params: ParamInput | undefined): Grid {
  const grid = gridOf(spec, ranges, params);
  if (typeof grid === "string") {
    throw new RangeError(`Cannot sweep spec '${spec.name}': ${grid}`);
  }
  return grid;
}

/**
 * The configurations of a grid, as a fast-check arbitrary that shrinks
 * toward smaller values (fewer processes, smaller buffers, fewer items).
 *
 * @param spec The spec.
 * @param ranges The values of each swept parameter: `[min, max]`, `"1..4"`,
 * `"1,2,4"` or `{ values }`.
 * @param params Overrides of the parameters not swept (to validate values against).
 * @returns The arbitrary.
 * @throws {RangeError} For an unknown parameter or a value the spec refuses.
 *
 * @example
 * ```ts
 * import { configs } from "./testing.ts";
 * import { spec, system } from "./mod.ts";
 * import fc, { type Arbitrary, type IPropertyWithHooks, type Parameters } from "fast-check";
 * import assert from "node:assert/strict";
 *
 * const s = spec({
 *   name: "s",
 *   params: { slots: 1, producers: 1, fair: false },
 *   build: () => {
 *     const sys = system({});
 *     sys.process("p", {}, () => []);
 *     return sys;
 *   },
 * });
 * const all = fc.sample(configs(s, { slots: [1, 3], producers: { values: [1, 2] }, fair: "false,true" }), 20);
 * for (const c of all) assert.ok(c.slots >= 1 && c.slots <= 3 && (c.producers === 1 || c.producers === 2));
 * ```
 */
export function configs<R extends ParamRanges>(
  spec: Checkable,
  ranges: R,
  params?: ParamInput,
): Arbitrary<ConfigOf<R>> {
  return gridArbitrary(gridOrThrow(spec, ranges, params)) as Arbitrary<ConfigOf<R>>;
}

/**
 * A fast-check property: every configuration of the grid, checked
 * exhaustively within the budget, gets the expected verdict. A failing
 * configuration throws an error holding the check's report (with the
 * shortest trace), which fast-check prints with the shrunk configuration.
 * Results are cached, so shrinking checks no configuration twice.
 *
 * @param spec The spec.
 * @param ranges The values of each swept parameter.
 * @param options Budget, expected verdict and fixed parameters.
 * @returns The property, for `fc.assert` or `fc.check`.
 * @throws {RangeError} For an unknown parameter or a value the spec refuses.
 *
 * @example Every configuration with two workers or more loses an update
 * ```ts
 * import { forAllConfigs } from "./testing.ts";
 * import { spec, system } from "./mod.ts";
 * import fc, { type Arbitrary, type IPropertyWithHooks, type Parameters } from "fast-check";
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
 * fc.assert(
 *   forAllConfigs(racy, { workers: [2, 4] }, { expect: { violation: "no lost update" } }),
 *   { numRuns: 5 },
 * );
 * ```
 */
export function forAllConfigs<R extends ParamRanges>(
  spec: Checkable,
  ranges: R,
  options: ConfigOptions = {},
): IPropertyWithHooks<[ConfigOf<R>]> {
  const grid = gridOrThrow(spec, ranges, options.params);
  const expect = options.expect ?? "ok";
  const cache = new Map<string, CheckResult>();
  return fc.property(gridArbitrary(grid) as Arbitrary<ConfigOf<R>>, (config) => {
    const key = pointKey(grid, config);
    let r = cache.get(key);
    if (r === undefined) {
      r = check(spec, {
        params: { ...options.params, ...config },
        maxStates: options.maxStates ?? 100_000,
        ...(options.timeSeconds !== undefined ? { timeSeconds: options.timeSeconds } : {}),
      });
      cache.set(key, r);
    }
    if (r.verdict === "incomplete" && options.onIncomplete === "skip") fc.pre(false);
    if (!meetsExpectation(expect, r)) {
      throw new Error(`expected ${expectationText(expect)}, got:\n${formatText(r)}`);
    }
  });
}

/**
 * Asserts that every configuration of the grid gets the expected verdict:
 * a small grid is checked completely (smallest configuration first), a
 * larger one is sampled by fast-check. Throws fast-check's report on
 * failure: seed, path, the shrunk (smallest) failing configuration, and the
 * check's report with its shortest trace.
 *
 * @param spec The spec.
 * @param ranges The values of each swept parameter.
 * @param options Budget, expected verdict, fixed parameters, fast-check's parameters.
 * @throws {Error} fast-check's report, when a configuration fails.
 * @throws {RangeError} For an unknown parameter or a value the spec refuses.
 *
 * @example The lost update needs two workers
 * ```ts
 * import { assertAllConfigs } from "./testing.ts";
 * import { spec, system } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const racy = spec({
 *   name: "racy",
 *   params: { workers: 1, start: 0 },
 *   build: (p) => {
 *     const sys = system({ n: p.start });
 *     sys.process("inc", { count: p.workers, locals: { t: 0 } }, (s) => [
 *       s.do("read", ({ g, l }) => { l.t = g.n; }),
 *       s.do("write", ({ g, l }) => { g.n = l.t + 1; }),
 *     ]);
 *     sys.atEnd("no lost update", ({ g }) => g.n === p.start + p.workers);
 *     return sys;
 *   },
 * });
 * assert.throws(
 *   () => assertAllConfigs(racy, { start: [0, 3], workers: [1, 3] }),
 *   /Counterexample: \[\{"workers":2,"start":0\}\]/,
 * );
 * ```
 */
export function assertAllConfigs(
  spec: Checkable,
  ranges: ParamRanges,
  options: AssertConfigOptions = {},
): void {
  const grid = gridOrThrow(spec, ranges, options.params);
  const small = grid.size <= (options.gridLimit ?? 64);
  fc.assert(forAllConfigs(spec, ranges, options), {
    ...(small ? { examples: gridPoints(grid).map((p) => [p] as [Config]) } : {}),
    ...options.fc,
  });
}
