/**
 * The text reporter: a check result as a story for people, the verdict
 * first, then the counterexample or what stopped the search, then one line
 * of statistics.
 *
 * @module
 */

import { match } from "ts-pattern";
import type { CheckResult } from "../checker/result.ts";
import { formatTrace } from "../checker/replay.ts";
import { fmtHead } from "./_format.ts";
import { formatCounterexample } from "./counterexample.ts";
import { formatStats, okCaveat } from "./stats.ts";

/**
 * A whole result as text.
 *
 * @param r The result.
 * @param replayHint The command line that replays the counterexample, if
 *   any; `{trace}` in it stands for the trace.
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
  const head = fmtHead(r.spec, r.params);
  const body = match(r.verdict)
    .with("ok", () => `${head}: ok, no violation${okCaveat(r.stats)}`)
    .with("violation", () => violationText(head, r, replayHint))
    .with("incomplete", () => {
      const lines = [
        `${head}: INCOMPLETE, ${
          r.incomplete?.message ?? "the search did not finish"
        }; no violation in what was covered`,
      ];
      if (r.incomplete?.trace !== undefined) {
        lines.push("reached by:", formatCounterexample(r.incomplete.trace));
      }
      return lines.join("\n");
    })
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

/** The verdict `violation`: the property, its message, the trace and how to replay it. */
function violationText(head: string, r: CheckResult, replayHint: string | undefined): string {
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
}
