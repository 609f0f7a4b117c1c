/**
 * The replay reporters: a trace given on the command line, or a schedule
 * file written by simulation, replayed and told as a story, ending with
 * the property it violates (if any).
 *
 * @module
 */

import type { Counterexample } from "../checker/result.ts";
import type { ScheduleFile, ScheduleReplay } from "../checker/schedule_file.ts";
import { fmtParams } from "./_format.ts";
import { formatCounterexample } from "./counterexample.ts";

/**
 * A replayed trace as text: its story, then the property it violates, the
 * cycle it ends in (a liveness counterexample, marked by `loopStart`), or
 * that it violates nothing.
 *
 * @param spec The spec's name.
 * @param story The trace explained (see `explainTrace`), with `loopStart`
 *   when its last state repeats an earlier one.
 * @returns The text.
 *
 * @example
 * ```ts
 * import { formatTraceReplay } from "./replay.ts";
 * import assert from "node:assert/strict";
 *
 * const text = formatTraceReplay("s", {
 *   property: "", kind: "invariant", message: "", init: 0, transitions: [], steps: [], state: "x=0",
 * });
 * assert.match(text, /^s: replayed 0 steps$/m);
 * assert.match(text, /ends in a state that violates no property$/);
 * ```
 */
export function formatTraceReplay(spec: string, story: Counterexample): string {
  const lines = [
    `${spec}: replayed ${story.transitions.length} steps`,
    formatCounterexample(story),
  ];
  if (story.property !== "") {
    lines.push(`violates '${story.property}' (${story.kind}): ${story.message}`);
  } else if (story.loopStart !== undefined) {
    lines.push(
      `the last ${story.steps.length - story.loopStart} steps return to the state before step ${
        story.loopStart + 1
      }: ` +
        "the run can repeat them for ever (the cycle of a liveness counterexample); " +
        "no safety property is violated",
    );
  } else {
    lines.push("the trace ends in a state that violates no property");
  }
  return lines.join("\n");
}

/**
 * A replayed schedule file as text: where it came from, its story (or why
 * it does not replay), and the property it violates or the error the
 * spec's code raised.
 *
 * @param path Where the schedule file was read.
 * @param file The schedule file.
 * @param r Its replay (see `replaySchedule`).
 * @returns The text.
 *
 * @example
 * ```ts
 * import { formatScheduleReplay } from "./replay.ts";
 * import assert from "node:assert/strict";
 *
 * const text = formatScheduleReplay("s.json", {
 *   ipcspec: "0.1.0", spec: "s", specFile: "s.ts", params: { n: 2 }, schedule: [0, 0],
 *   transitions: [0, 1], property: "",
 * }, { run: { end: "end", schedule: [0, 0], transitions: [0, 1] }, story: "no such state" });
 * assert.match(text, /^s \(n=2\): replaying 2 scheduled steps from s\.json/);
 * assert.match(text, /the schedule does not replay: no such state/);
 * ```
 */
export function formatScheduleReplay(path: string, file: ScheduleFile, r: ScheduleReplay): string {
  const origin = [
    `written by ipcspec ${file.ipcspec}`,
    ...(file.seed !== undefined ? [`seed ${file.seed}`] : []),
    ...(file.path !== undefined ? [`path "${file.path}"`] : []),
  ].join(", ");
  const lines = [
    `${file.spec} (${
      fmtParams(file.params)
    }): replaying ${file.schedule.length} scheduled steps from ${path} (${origin})`,
    typeof r.story === "string"
      ? `the schedule does not replay: ${r.story}`
      : formatCounterexample(r.story),
  ];
  if (typeof r.story !== "string" && r.story.property !== "") {
    lines.push(`violates '${r.story.property}' (${r.story.kind}): ${r.story.message}`);
  } else if (r.run.end === "error") {
    lines.push(`the spec's code fails: ${r.run.error}`);
  } else {
    lines.push("the schedule ends in a state that violates no property");
  }
  return lines.join("\n");
}
