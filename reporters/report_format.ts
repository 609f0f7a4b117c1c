/**
 * The formats a check result can be reported in.
 *
 * @module
 */

/**
 * Output formats of the CLI's `--format`: `text` (`formatText`), `json`
 * (`formatJson`), `mermaid` (the trace as a sequence diagram, `formatMermaid`)
 * or `dot` (the state graph, `formatDot`).
 *
 * @example
 * ```ts
 * import type { ReportFormat } from "./report_format.ts";
 * import assert from "node:assert/strict";
 *
 * const format: ReportFormat = "json";
 * assert.equal(format, "json");
 * ```
 */
export type ReportFormat = "text" | "json" | "mermaid" | "dot";
