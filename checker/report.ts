/**
 * Reporters: a check result as text (a story for people) or JSON (the
 * whole result, for tools).
 *
 * @module
 */

import { match } from "npm:ts-pattern@5.9.2";
import type { CheckResult, Counterexample, Stats } from "./result.ts";
import { formatTrace } from "./replay.ts";

/** Output formats of the CLI. */
export type ReportFormat = "text" | "json";

function fmtInt(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

function fmtBytes(n: number): string {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(2)} GiB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} B`;
}

/**
 * One line of statistics.
 *
 * @param s The statistics.
 * @returns The line.
 *
 * @example
 * ```ts
 * import { formatStats } from "./report.ts";
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
    }${symmetryStats(s)}${reductionStats(s)}`;
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

function fmtProbability(p: number): string {
  return p === 0 ? "0" : p < 0.001 ? p.toExponential(1) : p.toFixed(3);
}

function fmtCoverage(c: number): string {
  return `${Math.floor(c * 1e6) / 1e4}%`;
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

/** The caveat of a verdict `ok` from a store that may miss states (empty for exact). */
function okCaveat(s: Stats): string {
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

/**
 * A counterexample as a story: one numbered line per step naming the
 * process, the operation and what changed; for a deadlock, who is blocked
 * on what while holding what.
 *
 * @param cx The counterexample.
 * @returns The lines.
 *
 * @example
 * ```ts
 * import { formatCounterexample } from "./report.ts";
 * import assert from "node:assert/strict";
 *
 * const text = formatCounterexample({
 *   property: "deadlock", kind: "deadlock", message: "deadlock", init: 0,
 *   transitions: [0], state: "",
 *   steps: [{ transition: 0, process: "p#0", step: "lock(m)", operation: "lock(m)",
 *     changes: [{ name: "m", before: "free", after: "held by p#0" }] }],
 *   blocked: [],
 * });
 * assert.match(text, /1\. p#0 lock\(m\): m free -> held by p#0/);
 * ```
 */
export function formatCounterexample(cx: Counterexample): string {
  const lines: string[] = [];
  const width = String(cx.steps.length).length;
  cx.steps.forEach((s, i) => {
    if (cx.loopStart === i) {
      lines.push(`  -- the cycle: steps ${i + 1}..${cx.steps.length} repeat for ever --`);
    }
    const changes = s.changes.map((c) => `${c.name} ${c.before} -> ${c.after}`).join(", ");
    const failed = i === cx.steps.length - 1 &&
      (cx.kind === "assertion" || cx.kind === "primitive");
    const tail = failed ? "  <-- fails" : changes === "" ? "" : `: ${changes}`;
    lines.push(`  ${String(i + 1).padStart(width)}. ${s.process} ${s.operation}${tail}`);
  });
  if (cx.steps.length === 0) lines.push("  (in the initial state)");
  if (cx.blocked !== undefined && cx.blocked.length > 0) {
    lines.push("blocked:");
    for (const b of cx.blocked) {
      const holds = b.holds.length > 0 ? `, holding ${b.holds.join(", ")}` : "";
      lines.push(`  ${b.process} waits on ${b.waitsOn.join(" or ")}${holds}`);
    }
  }
  lines.push(`state: ${cx.state}`);
  return lines.join("\n");
}

/**
 * A whole result as text.
 *
 * @param r The result.
 * @param replayHint The command line that replays the counterexample, if any.
 * @returns The text.
 *
 * @example
 * ```ts
 * import { check, formatText, spec, system } from "../mod.ts";
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
 * assert.match(formatText(check(s)), /^s: ok/);
 * ```
 */
export function formatText(r: CheckResult, replayHint?: string): string {
  const params = Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join(" ");
  const head = `${r.spec}${params === "" ? "" : ` (${params})`}`;
  const body = match(r.verdict)
    .with("ok", () => `${head}: ok, no violation${okCaveat(r.stats)}`)
    .with("violation", () => {
      const v = r.violation!;
      const trace = `${v.init}:${v.transitions.join(",")}`;
      return [
        `${head}: VIOLATION of '${v.property}' (${v.kind})`,
        v.message,
        `trace (${v.steps.length} step${v.steps.length === 1 ? "" : "s"}, replay with --replay ${
          formatTrace({ init: v.init, transitions: v.transitions })
        }):`,
        formatCounterexample(v),
        ...(replayHint !== undefined ? [`replay: ${replayHint.replace("{trace}", trace)}`] : []),
      ].join("\n");
    })
    .with(
      "incomplete",
      () => {
        const lines = [
          `${head}: INCOMPLETE, ${
            r.incomplete?.message ?? "the search did not finish"
          }; no violation in what was covered`,
        ];
        if (r.incomplete?.trace !== undefined) {
          lines.push("reached by:", formatCounterexample(r.incomplete.trace));
        }
        return lines.join("\n");
      },
    )
    .with("error", () => {
      const lines = [`${head}: ERROR`, r.error?.message ?? "unknown error"];
      if (r.error?.trace !== undefined) {
        lines.push("reached by:", formatCounterexample(r.error.trace));
      }
      return lines.join("\n");
    })
    .exhaustive();
  return `${body}\n${formatStats(r.stats)}`;
}

/**
 * A whole result as JSON.
 *
 * @param r The result.
 * @returns The JSON text.
 *
 * @example
 * ```ts
 * import { check, formatJson, spec, system } from "../mod.ts";
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
 * assert.equal(JSON.parse(formatJson(check(s))).verdict, "ok");
 * ```
 */
export function formatJson(r: CheckResult): string {
  return JSON.stringify(r, null, 2);
}
