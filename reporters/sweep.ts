/**
 * The sweep reporter: one line per configuration checked, then the
 * smallest failing one with its shortest trace, and the commands that
 * reproduce them.
 *
 * @module
 */

import { match } from "npm:ts-pattern@5.9.2";
import type { SweepPoint, SweepResult } from "../checker/sweep.ts";
import { fmtParams } from "./_format.ts";
import { formatText } from "./text.ts";

/** Command lines a sweep report ends with, each reproducing what it names. */
export interface SweepCommands {
  /** Reruns the sweep (with seed and path when it sampled). */
  readonly sweep?: string;
  /** Checks the smallest failing configuration alone, printing its shortest trace. */
  readonly check?: string;
}

/**
 * A sweep result as text: one line per point checked, then the smallest
 * failing configuration with its shortest trace, and the commands that
 * reproduce them.
 *
 * @param r The result.
 * @param commands The command lines to print.
 * @returns The text.
 *
 * @example
 * ```ts
 * import { formatSweep } from "./sweep.ts";
 * import { spec, sweep, system } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const s = spec({
 *   name: "s",
 *   params: { n: 1 },
 *   build: (p) => {
 *     const sys = system({ x: 0 });
 *     sys.process("p", { count: p.n }, (b) => [b.do("inc", ({ g }) => g.x++)]);
 *     return sys;
 *   },
 * });
 * assert.match(formatSweep(sweep(s, { n: "1..3" })), /^s: ok at all 3 points$/m);
 * ```
 */
export function formatSweep(r: SweepResult, commands: SweepCommands = {}): string {
  const lines = [heading(r)];
  for (const p of r.points) lines.push(formatSweepPoint(p));
  lines.push(...verdictLines(r, commands));
  if (r.mode === "random") lines.push(`seed: ${r.seed}, path: "${r.path ?? ""}"`);
  if (r.smallest !== undefined) {
    if (commands.sweep !== undefined) lines.push(`reproduce the sweep: ${commands.sweep}`);
    if (commands.check !== undefined) lines.push(`reproduce the trace: ${commands.check}`);
  }
  lines.push(
    `${r.points.length} point${r.points.length === 1 ? "" : "s"} checked in ${
      r.seconds.toFixed(2)
    } s`,
  );
  return lines.join("\n");
}

/**
 * One row of a sweep's table: a point's parameters, verdict, states and time.
 *
 * @param p The point.
 * @returns The row, indented by two spaces.
 *
 * @example
 * ```ts
 * import { formatSweepPoint } from "./sweep.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   formatSweepPoint({ params: { n: 2 }, verdict: "ok", states: 1200, seconds: 0.5 }),
 *   "  n=2: ok (1,200 states, 0.50 s)",
 * );
 * ```
 */
export function formatSweepPoint(p: SweepPoint): string {
  const what = p.verdict === "violation"
    ? `violation of '${p.property}' in ${p.length} steps`
    : p.verdict;
  return `  ${fmtParams(p.params) || "(defaults)"}: ${what} (${
    p.states.toLocaleString("en-US")
  } states, ${p.seconds.toFixed(2)} s)`;
}

/** The first line: what was swept, how, and the budget of each point. */
function heading(r: SweepResult): string {
  const fixed = fmtParams(r.fixed);
  const swept = Object.entries(r.ranges).map(([k, vs]) => `${k}=${vs.join(",")}`).join(" ");
  const how = r.mode === "grid"
    ? `grid of ${r.gridSize} point${r.gridSize === 1 ? "" : "s"}`
    : `${r.points.length} of ${r.gridSize} points sampled, seed ${r.seed}`;
  return `sweep ${r.spec} over ${swept || "no parameter"}${
    fixed === "" ? "" : ` with ${fixed}`
  } (${how}, ` +
    `--max-states ${r.maxStates} per point)`;
}

/** The verdict over the whole grid, with the smallest failing configuration's report. */
function verdictLines(r: SweepResult, commands: SweepCommands): string[] {
  const incomplete = r.points.filter((p) => p.verdict === "incomplete").length;
  const note = incomplete === 0
    ? ""
    : `; ${incomplete} point${incomplete === 1 ? "" : "s"} exceeded the budget (not a pass)`;
  return match(r.verdict)
    .with("ok", () => [`${r.spec}: ok at all ${r.gridSize} points`])
    .with("incomplete", () => [
      `${r.spec}: INCOMPLETE, no failing point among the ${r.points.length} checked${note}`,
    ])
    .with("violation", "error", () => {
      if (r.smallest === undefined) return [`${r.spec}: ERROR`, r.error ?? "unknown error"];
      const at = fmtParams(r.smallest.params);
      return [
        `${r.spec}: smallest failing configuration: ${at}${note}`,
        formatText(r.smallest.result, commands.check?.concat(" --replay {trace}")),
      ];
    })
    .exhaustive();
}
