// Private module: parameter ranges (`1..4`, `1,2,4`, `[min, max]`), the
// grid they span in order of size, and the fast-check arbitrary over them
// that shrinks toward smaller values. Shared by `sweep()` and `testing.ts`.

import fc from "fast-check";
import type { Checkable } from "../model/model.ts";
import type { ParamInput } from "../model/types.ts";

/** A parameter value in a sweep: a number, or a boolean for a boolean parameter. */
export type ParamValue = number | boolean;

/**
 * The values a parameter takes in a sweep: `[min, max]` (every integer in
 * between), `{ values: [...] }`, text as on the command line (`"1..4"`,
 * `"1,2,4"`, `"3"`, `"false,true"`), or one value.
 */
export type ParamRange =
  | readonly [min: number, max: number]
  | { readonly values: readonly ParamValue[] }
  | string
  | ParamValue;

/** Ranges by parameter name. */
export type ParamRanges = Readonly<Record<string, ParamRange>>;

/** Ranges made concrete: sorted, distinct values per parameter, in the spec's order. */
export interface Grid {
  /** The swept parameters, in the spec's declaration order. */
  readonly names: readonly string[];
  /** The values of each, ascending (`false` before `true`). */
  readonly values: Readonly<Record<string, readonly ParamValue[]>>;
  /** The number of points. */
  readonly size: number;
}

function ascending(a: ParamValue, b: ParamValue): number {
  return Number(a) - Number(b);
}

/** The values of a range given as text, or why the text is not a range. */
export function parseRangeText(text: string): ParamValue[] | string {
  const t = text.trim();
  const span = /^(-?\d+)\s*\.\.\s*(-?\d+)$/.exec(t);
  if (span !== null) {
    const lo = Number(span[1]);
    const hi = Number(span[2]);
    if (hi < lo) return `a range must go up, got '${text}'`;
    if (hi - lo > 10_000) return `a range may hold at most 10001 values, got '${text}'`;
    return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
  }
  const out: ParamValue[] = [];
  for (const part of t.split(",")) {
    const p = part.trim();
    if (/^-?\d+$/.test(p)) out.push(Number(p));
    else if (p === "true" || p === "false") out.push(p === "true");
    else {
      return `a range must look like '1..4', '1,2,4', '3' or 'false,true', got '${text}'`;
    }
  }
  return out;
}

function valuesOf(range: ParamRange): ParamValue[] | string {
  if (typeof range === "string") return parseRangeText(range);
  if (typeof range === "number" || typeof range === "boolean") return [range];
  if (!Array.isArray(range)) {
    const { values } = range as { readonly values: readonly ParamValue[] };
    if (values.length === 0) return "a range needs at least one value";
    return [...values];
  }
  const [lo, hi] = range as readonly [number, number];
  if (range.length !== 2) return `a range [min, max] has two numbers, got ${range.length}`;
  if (!Number.isInteger(lo) || !Number.isInteger(hi) || hi < lo) {
    return `a range [min, max] needs integers with min <= max, got [${lo}, ${hi}]`;
  }
  return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
}

/**
 * Makes `ranges` concrete for `spec`: every parameter must exist and every
 * value must be accepted by the spec (with the `fixed` overrides). Returns
 * the grid, or why the ranges are wrong.
 */
export function gridOf(
  spec: Checkable,
  ranges: ParamRanges,
  fixed: ParamInput = {},
): Grid | string {
  let declared: string[];
  try {
    declared = Object.keys(spec.resolve(fixed));
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  const values: Record<string, ParamValue[]> = {};
  for (const [name, range] of Object.entries(ranges)) {
    if (!declared.includes(name)) {
      return `unknown parameter '${name}' (parameters: ${declared.join(", ") || "none"})`;
    }
    if (Object.hasOwn(fixed, name)) return `parameter '${name}' is both swept and fixed`;
    const vs = valuesOf(range);
    if (typeof vs === "string") return `parameter '${name}': ${vs}`;
    const sorted = [...new Set(vs)].sort(ascending);
    for (const v of sorted) {
      try {
        spec.resolve({ ...fixed, [name]: v });
      } catch (e) {
        return e instanceof Error ? e.message : String(e);
      }
    }
    values[name] = sorted;
  }
  const names = declared.filter((n) => Object.hasOwn(values, n));
  const size = names.reduce((n, k) => n * values[k]!.length, 1);
  return { names, values, size };
}

/**
 * Every point of the grid, smallest first: by the sum of the values'
 * positions in their ranges, then position by position. A point that fails
 * first in this order has no smaller failing point (one with every value
 * smaller or equal).
 */
export function gridPoints(grid: Grid): Record<string, ParamValue>[] {
  let idx: number[][] = [[]];
  for (const n of grid.names) {
    const len = grid.values[n]!.length;
    idx = idx.flatMap((p) => Array.from({ length: len }, (_, i) => [...p, i]));
  }
  const sum = (p: number[]) => p.reduce((a, b) => a + b, 0);
  idx.sort((a, b) => {
    const d = sum(a) - sum(b);
    if (d !== 0) return d;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
    return 0;
  });
  return idx.map((p) => Object.fromEntries(grid.names.map((n, i) => [n, grid.values[n]![p[i]!]!])));
}

function isSpan(vs: readonly ParamValue[]): vs is readonly number[] {
  return vs.every((v, i) => typeof v === "number" && (i === 0 || v === (vs[i - 1] as number) + 1));
}

/**
 * Points of the grid for fast-check: each parameter shrinks toward its
 * smallest value (an integer span with `fc.integer`, other lists with
 * `fc.constantFrom` in ascending order).
 */
export function gridArbitrary(grid: Grid): fc.Arbitrary<Record<string, ParamValue>> {
  const fields: Record<string, fc.Arbitrary<ParamValue>> = {};
  for (const n of grid.names) {
    const vs = grid.values[n]!;
    fields[n] = vs.length === 1
      ? fc.constant(vs[0]!)
      : isSpan(vs)
      ? fc.integer({ min: vs[0]!, max: vs[vs.length - 1]! })
      : fc.constantFrom(...vs);
  }
  return fc.record(fields);
}

/** A stable key of a point (the values in the grid's order). */
export function pointKey(grid: Grid, point: Readonly<Record<string, ParamValue>>): string {
  return grid.names.map((n) => String(point[n])).join(",");
}
