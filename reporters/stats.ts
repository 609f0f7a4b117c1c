/**
 * The statistics of a search as one line: states, transitions, depth,
 * time, memory, and what the store, symmetry and partial-order reduction
 * did.
 *
 * @module
 */

import type { Stats } from "../checker/result.ts";
import { fmtBytes, fmtCoverage, fmtInt, fmtProbability } from "./_format.ts";

/**
 * One line of statistics.
 *
 * @param s The statistics.
 * @returns The line.
 *
 * @example
 * ```ts
 * import { formatStats } from "./stats.ts";
 * import assert from "node:assert/strict";
 *
 * const line = formatStats({
 *   states: 1000, transitions: 2500, depth: 12, seconds: 0.5, statesPerSecond: 2000,
 *   peakMemoryBytes: 50 << 20, bytesPerState: 100, stateWidth: 20,
 * });
 * assert.match(line, /states: 1,000/);
 * ```
 */
export function formatStats(s: Stats): string {
  return `states: ${fmtInt(s.states)}, transitions: ${fmtInt(s.transitions)}, depth: ${s.depth}, ` +
    `time: ${s.seconds.toFixed(2)} s (${fmtInt(s.statesPerSecond)} states/s), ` +
    `memory: ${fmtBytes(s.peakMemoryBytes)} peak, ${s.bytesPerState.toFixed(1)} B/state ` +
    `(${s.stateWidth} slots)${storeStats(s)}${
      s.workers !== undefined ? `; ${s.workers} worker${s.workers === 1 ? "" : "s"}` : ""
    }${symmetryStats(s)}${reductionStats(s)}${livenessStats(s)}`;
}

/** The liveness phase's share of the run (its time is in the total). */
function livenessStats(s: Stats): string {
  if (s.livenessSeconds === undefined) return "";
  return `; liveness: ${s.livenessSeconds.toFixed(2)} s, graph ${
    fmtBytes(s.livenessGraphBytes ?? 0)
  }`;
}

/**
 * The caveat of a verdict `ok` from a store that may miss states (empty for
 * the exact store).
 *
 * @param s The statistics of the search.
 * @returns The caveat, starting with a space, or `""`.
 *
 * @example
 * ```ts
 * import { okCaveat } from "./stats.ts";
 * import assert from "node:assert/strict";
 *
 * const s = {
 *   states: 10, transitions: 20, depth: 3, seconds: 0, statesPerSecond: 0,
 *   peakMemoryBytes: 0, bytesPerState: 0, stateWidth: 4,
 * };
 * assert.equal(okCaveat(s), "");
 * assert.match(okCaveat({ ...s, store: "bitstate", coverage: 1 }), /coverage ~100%/);
 * ```
 */
export function okCaveat(s: Stats): string {
  if (s.store === "fingerprint") {
    return ` (fingerprint store: P(a state was missed) ${
      fmtProbability(s.omissionProbability ?? 0)
    })`;
  }
  if (s.store === "bitstate") {
    return ` in the states covered (bitstate store: coverage ~${fmtCoverage(s.coverage ?? 1)})`;
  }
  return "";
}

/** How partial-order reduction expanded the states, for the stats line (empty without it). */
function reductionStats(s: Stats): string {
  const r = s.reduction;
  if (r === undefined) return "";
  if (r.off !== undefined) return `; partial-order reduction: off (the spec has ${r.off})`;
  const runs = r.runs > 1 ? `; ${r.runs} runs (the invariants queried something new)` : "";
  return `; partial-order reduction: ${fmtInt(r.ample)} states expanded through ample sets, ` +
    `${fmtInt(r.full)} fully${runs}`;
}

/** What symmetry reduction saved, for the stats line (empty without it). */
function symmetryStats(s: Stats): string {
  const y = s.symmetry;
  if (y === undefined) return "";
  if (y.kinds.length === 0) return "; symmetry: no process kind is declared symmetric";
  const kinds = y.kinds.map((k) => `${k.process} x${k.copies}`).join(", ");
  const ratio = y.orbits > 0 ? ` (${(y.represented / y.orbits).toFixed(1)}x)` : "";
  return `; symmetry over ${kinds}: ${fmtInt(y.orbits)} orbits stand for ` +
    `${y.exact ? "" : "at least "}${fmtInt(y.represented)} states${ratio}`;
}

/** What a fingerprint or bitstate store may have missed, for the stats line (empty for exact). */
function storeStats(s: Stats): string {
  if (s.store === "fingerprint") {
    const actual = s.omissionProbabilityActual !== undefined
      ? `, ${fmtProbability(s.omissionProbabilityActual)} from the actual fingerprints`
      : "";
    return `; fingerprint store: P(a state was missed) ${
      fmtProbability(s.omissionProbability ?? 0)
    } (TLC's optimistic estimate${actual}), frontier ${fmtBytes(s.frontierPeakBytes ?? 0)} peak`;
  }
  if (s.store === "bitstate") {
    const c = s.coverage ?? 1;
    const e = c > 0 ? s.states * (1 / c - 1) : 0;
    const missed = e < 10 ? e.toPrecision(2) : fmtInt(e);
    return `; bitstate store: hash factor ${(s.hashFactor ?? 0).toPrecision(3)} ` +
      `(best if > 100), coverage ~${fmtCoverage(c)} (~${missed} states missed), ` +
      `P(a state was missed) ${fmtProbability(s.omissionProbability ?? 0)}, frontier ${
        fmtBytes(s.frontierPeakBytes ?? 0)
      } peak`;
  }
  return "";
}
