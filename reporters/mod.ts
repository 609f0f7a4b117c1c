/**
 * Reporters: results as text for people and as data for tools. Each is a
 * pure function from result data (a {@linkcode CheckResult}, a sweep, a
 * simulation, a coverage report, a replay) to a string; none runs a search
 * or prints. The checker layer never imports them: the CLI and the
 * `assert*` helpers of `testing.ts` do.
 *
 * One file per reporter, named for what it reports or the format it writes:
 *
 * | file                 | export                                        |
 * | -------------------- | --------------------------------------------- |
 * | `text.ts`            | {@linkcode formatText}: a check result        |
 * | `json.ts`            | {@linkcode formatJson}: a check result        |
 * | `counterexample.ts`  | {@linkcode formatCounterexample}: a trace     |
 * | `stats.ts`           | {@linkcode formatStats}: a search's numbers   |
 * | `coverage.ts`        | {@linkcode formatCoverage}                    |
 * | `sweep.ts`           | {@linkcode formatSweep}                       |
 * | `simulation.ts`      | {@linkcode formatSimulation}                  |
 * | `replay.ts`          | {@linkcode formatTraceReplay}, {@linkcode formatScheduleReplay} |
 * | `result_json.ts`     | {@linkcode jsonDocument}, {@linkcode checkResultJson}: the versioned JSON result (`result.schema.json`) |
 * | `junit.ts`           | {@linkcode formatJunit}, {@linkcode junitCase}, {@linkcode junitSweep}: JUnit XML |
 * | `itf.ts`             | {@linkcode itfTrace}, {@linkcode formatItf}, {@linkcode parseItf}: ITF traces |
 * | `progress.ts`        | {@linkcode progressWriter}: start and progress lines for logs |
 * | `mermaid.ts`         | {@linkcode formatMermaid}: a trace as a `sequenceDiagram` |
 * | `svg.ts`             | {@linkcode formatSvg}: a trace as a standalone SVG chart |
 * | `html.ts`            | {@linkcode formatHtml}: a trace as a self-contained report |
 * | `dot.ts`             | {@linkcode formatDot}: a state graph as DOT   |
 * | `dot_svg.ts`         | {@linkcode formatDotSvg}: DOT drawn as SVG (Graphviz in WebAssembly) |
 *
 * The pictures of a trace are drawn from a `TraceChart` (`checker/chart.ts`),
 * a state graph from a `GraphPicture` (`checker/graph_picture.ts`).
 *
 * A new format (JUnit, ITF, ...) is a new file here
 * exporting `formatX(result): string`, re-exported below, and a name in
 * {@linkcode ReportFormat}. Private helpers (numbers, sizes, parameters as
 * text) are in `_format.ts`.
 *
 * @example
 * ```ts
 * import { check, formatJson, formatText, spec, system } from "../mod.ts";
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
 * const r = check(s);
 * assert.match(formatText(r), /^s: ok, no violation$/m);
 * assert.equal(JSON.parse(formatJson(r)).verdict, "ok");
 * ```
 *
 * @module
 */

export type { ReportFormat } from "./report_format.ts";
export { formatText } from "./text.ts";
export { formatJson } from "./json.ts";
export { formatCounterexample } from "./counterexample.ts";
export { formatStats } from "./stats.ts";
export { formatCoverage } from "./coverage.ts";
export { formatSweep, formatSweepPoint, type SweepCommands } from "./sweep.ts";
export { formatSimulation } from "./simulation.ts";
export { formatScheduleReplay, formatTraceReplay } from "./replay.ts";
export {
  checkResultJson,
  counterexampleJson,
  formatJsonDocument,
  jsonDocument,
  SCHEMA_VERSION,
  simulationJson,
  sweepJson,
} from "./result_json.ts";
export type {
  CheckDocument,
  CheckResultJson,
  CounterexampleJson,
  DocumentBase,
  DocumentBody,
  ErrorDocument,
  JsonDocument,
  ListDocument,
  ReplayDocument,
  ResultJsonOptions,
  SimulateDocument,
  StateJson,
  StatsJson,
  StepJson,
  SwarmDocument,
  SwarmJobJson,
  SweepDocument,
  ToolJson,
  VersionDocument,
} from "./result_json.ts";
export { formatJunit, junitCase, junitSweep } from "./junit.ts";
export type { JunitCase, JunitSuite } from "./junit.ts";
export { formatItf, itfTrace, parseItf } from "./itf.ts";
export type { ItfOrigin, ItfReplay, ItfState, ItfTrace, ItfValue } from "./itf.ts";
export { progressLine, progressWriter, startLine } from "./progress.ts";
export type { RunDescription } from "./progress.ts";
export { formatMermaid } from "./mermaid.ts";
export { formatSvg, type SvgOptions } from "./svg.ts";
export { formatHtml } from "./html.ts";
export { formatDot } from "./dot.ts";
export { formatDotSvg } from "./dot_svg.ts";
