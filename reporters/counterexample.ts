/**
 * A counterexample as a story for people: one numbered line per step, the
 * cycle of a liveness counterexample, who is blocked on what, and the last
 * state.
 *
 * @module
 */

import type { Counterexample } from "../checker/result.ts";

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
 * import { formatCounterexample } from "./counterexample.ts";
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
