/**
 * Reporters: pure functions from result data to text and pictures. The
 * pictures of a trace are drawn from a `TraceChart` (see
 * `checker/chart.ts`), a state graph from a `GraphPicture`:
 *
 * | file          | export                                                  |
 * | ------------- | ------------------------------------------------------- |
 * | `mermaid.ts`  | {@linkcode formatMermaid}: a trace as a `sequenceDiagram` |
 * | `svg.ts`      | {@linkcode formatSvg}: a trace as a standalone SVG chart |
 * | `html.ts`     | {@linkcode formatHtml}: a trace as a self-contained report |
 * | `dot.ts`      | {@linkcode formatDot}: a state graph as DOT             |
 * | `dot_svg.ts`  | {@linkcode formatDotSvg}: DOT drawn as SVG (Graphviz in WebAssembly) |
 *
 * @module
 */

export { formatMermaid } from "./mermaid.ts";
export { formatSvg, type SvgOptions } from "./svg.ts";
export { formatHtml } from "./html.ts";
export { formatDot } from "./dot.ts";
export { formatDotSvg } from "./dot_svg.ts";
