/**
 * Reporters: pure functions from result data to text and pictures. The
 * pictures of a trace (a Mermaid sequence diagram, a standalone SVG chart,
 * a self-contained HTML report) are drawn from a `TraceChart` (see
 * `checker/chart.ts`); a state graph from a `GraphPicture`.
 *
 * @module
 */

export * from "./mermaid.ts";
export * from "./svg.ts";
export * from "./html.ts";
export * from "./dot.ts";
