/**
 * DOT text drawn as SVG by the WebAssembly build of Graphviz in
 * `@viz-js/viz` (no Graphviz install needed).
 *
 * @module
 */

import { instance } from "@viz-js/viz";

/**
 * Renders DOT text to SVG with Graphviz compiled to WebAssembly.
 *
 * @param dot The DOT text (see {@linkcode formatDot}).
 * @returns The SVG document.
 *
 * @example
 * ```ts
 * import { formatDotSvg } from "./dot_svg.ts";
 * import assert from "node:assert/strict";
 *
 * const svg = await formatDotSvg("digraph { a -> b }");
 * assert.match(svg, /<svg/);
 * ```
 */
export async function formatDotSvg(dot: string): Promise<string> {
  const viz = await instance();
  return viz.renderString(dot, { format: "svg" });
}
