/**
 * The coverage reporter: which blocking steps and `leadsTo` triggers a
 * check reached, the unreached ones marked.
 *
 * @module
 */

import type { CoverageReport } from "../checker/coverage.ts";

/**
 * The report as text: one line per point, unreached ones marked.
 *
 * @param r The report.
 * @returns The text.
 *
 * @example
 * ```ts
 * import { formatCoverage } from "./coverage.ts";
 * import assert from "node:assert/strict";
 *
 * const text = formatCoverage({
 *   blocking: [{ point: "p: wait(s)", reached: false }], triggers: [], states: 3, complete: true,
 * });
 * assert.match(text, /NOT REACHED {2}p: wait\(s\)/);
 * ```
 */
export function formatCoverage(r: CoverageReport): string {
  const lines = [
    `coverage over ${r.states.toLocaleString("en-US")} states${
      r.complete ? "" : " (INCOMPLETE: the state limit was reached)"
    }:`,
  ];
  for (const b of r.blocking) {
    lines.push(`  ${b.reached ? "blocked    " : "NOT REACHED"}  ${b.point}`);
  }
  for (const t of r.triggers) {
    lines.push(`  ${t.reached ? "triggered  " : "VACUOUS    "}  leadsTo '${t.property}'`);
  }
  return lines.join("\n");
}
