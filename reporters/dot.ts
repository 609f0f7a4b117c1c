/**
 * A state graph as Graphviz DOT text (draw it with `formatDotSvg`): states
 * as boxes labelled with the values that changed, transitions labelled
 * process/step, initial states doubled, failing states red, and a
 * counterexample's path drawn bold in blue.
 *
 * @module
 */

import type { GraphPicture } from "../checker/graph_picture.ts";

/**
 * Writes the DOT text of a state graph.
 *
 * @param graph The graph (see `graphPicture`).
 * @returns The `digraph`, ending with a newline.
 *
 * @example
 * ```ts
 * import { formatDot } from "./dot.ts";
 * import assert from "node:assert/strict";
 *
 * const dot = formatDot({
 *   spec: "s",
 *   nodes: [
 *     { id: 0, label: "x=0", initial: true, onPath: true },
 *     { id: 1, label: "x: 0 → 1", initial: false, violates: "small", onPath: true },
 *   ],
 *   edges: [{ from: 0, to: 1, label: "p#0/inc", onPath: true }],
 * });
 * assert.match(dot, /^digraph "s" \{/);
 * assert.match(dot, /s0 -> s1 \[label="p#0\/inc", color="#1a73e8", penwidth=2.5\]/);
 * ```
 */
export function formatDot(graph: GraphPicture): string {
  const out = [
    `digraph ${quote(graph.spec)} {`,
    `  graph [rankdir=TB, fontname="sans-serif", label=${
      quote(`${graph.spec}: ${graph.nodes.length} states, ${graph.edges.length} transitions`)
    }, labelloc=t];`,
    `  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="sans-serif", fontsize=10];`,
    `  edge [fontname="sans-serif", fontsize=9];`,
  ];
  for (const n of graph.nodes) {
    const attrs = [`label=${quote(`${n.id}${n.initial ? " (initial)" : ""}\n${n.label}`)}`];
    if (n.initial) attrs.push("peripheries=2");
    if (n.violates !== undefined) {
      attrs.push(`fillcolor="#fde8e8"`, `color="#c5221f"`, `xlabel=${quote(`✗ ${n.violates}`)}`);
    }
    if (n.onPath) attrs.push(`penwidth=2.5`, n.violates === undefined ? `color="#1a73e8"` : "");
    out.push(`  s${n.id} [${attrs.filter((a) => a !== "").join(", ")}];`);
  }
  for (const e of graph.edges) {
    const attrs = [`label=${quote(e.label)}`];
    if (e.onPath) attrs.push(`color="#1a73e8"`, `penwidth=2.5`);
    out.push(`  s${e.from} -> s${e.to} [${attrs.join(", ")}];`);
  }
  out.push("}");
  return out.join("\n") + "\n";
}

function quote(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}
