/**
 * A charted trace as a Mermaid `sequenceDiagram` (renders on GitHub and in
 * Markdown viewers): one participant per process and per primitive the
 * trace touches, each step an arrow or a note, lost messages and coalesced
 * signals as crossed arrows with a note, a lasso's cycle as a `loop`
 * block, the blocked processes and the violated property at the end.
 *
 * @module
 */

import type { TraceChart } from "../checker/chart.ts";
import { chartRows } from "./_rows.ts";

/**
 * Writes the Mermaid `sequenceDiagram` text of a chart.
 *
 * @param chart The chart (see `traceChart`).
 * @returns The diagram, ending with a newline.
 *
 * @example
 * ```ts
 * import { formatMermaid } from "./mermaid.ts";
 * import assert from "node:assert/strict";
 *
 * const text = formatMermaid({
 *   spec: "s", params: {}, verdict: "trace", init: 0,
 *   lifelines: [{ name: "p#0", kind: "process" }, { name: "c", kind: "channel" }],
 *   initial: { globals: [], primitives: [], processes: [] },
 *   steps: [{
 *     transition: 0, process: "p#0", step: "send", operation: "send(c)", changes: [],
 *     events: [{ kind: "put", process: "p#0", primitive: "c", value: 1, key: 0 }],
 *     state: { globals: [], primitives: [], processes: [] },
 *   }],
 *   blocked: [], waitFor: [],
 * });
 * assert.match(text, /^sequenceDiagram\n/);
 * assert.match(text, /L0->>L1: 1\. send\(c\) put 1/);
 * ```
 */
export function formatMermaid(chart: TraceChart): string {
  const ids = new Map<string, string>();
  const out = ["sequenceDiagram"];
  const title = chart.property !== undefined
    ? `${chart.spec}: VIOLATION of '${chart.property}'`
    : `${chart.spec}: ${chart.verdict}`;
  out.push(`  title ${text(title)}`);
  chart.lifelines.forEach((l, i) => {
    const id = `L${i}`;
    ids.set(l.name, id);
    const shown = l.kind === "process" ? l.name : `${l.name} (${l.kind})`;
    out.push(`  participant ${id} as ${alias(shown)}`);
  });
  const idOf = (name: string) => {
    let id = ids.get(name);
    if (id === undefined) {
      id = `L${ids.size}`;
      ids.set(name, id);
      out.push(`  participant ${id} as ${alias(name)}`);
    }
    return id;
  };
  let indent = "  ";
  for (const r of chartRows(chart)) {
    switch (r.kind) {
      case "arrow": {
        const arrow = r.style === "solid" ? "->>" : r.style === "dashed" ? "-->>" : "-x";
        out.push(`${indent}${idOf(r.from)}${arrow}${idOf(r.to)}: ${text(r.label)}`);
        break;
      }
      case "note": {
        const over = r.over.map(idOf).join(",");
        const mark = r.tone === "bad" ? "✗ " : r.tone === "blocked" ? "⏸ " : "";
        out.push(`${indent}Note over ${over}: ${text(mark + r.label)}`);
        break;
      }
      case "loop":
        out.push(`${indent}loop ${text(r.label)}`);
        indent = "    ";
        break;
      case "end":
        indent = "  ";
        out.push(`${indent}end`);
        break;
    }
  }
  return out.join("\n") + "\n";
}

/**
 * Message and note text Mermaid shows as is: `#`, `;`, `<` and `>` as
 * entity codes (Mermaid decodes `#35;` and friends), line breaks as spaces.
 */
function text(s: string): string {
  return s.replace(/[\r\n]+/g, " ").replace(/[#;<>]/g, (c) => `#${c.charCodeAt(0)};`);
}

/** A participant's shown name: also `:`, `,` and `-` as entity codes. */
function alias(s: string): string {
  return s.replace(/[\r\n]+/g, " ").replace(/[#;<>:,-]/g, (c) => `#${c.charCodeAt(0)};`);
}
