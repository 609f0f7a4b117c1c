// Private module: parts of the HTML report (a state as tables, a wait-for
// graph as a small SVG), shared with nothing else.

import type { StateSnapshot, WaitForEdge } from "../checker/chart.ts";
import { esc } from "./_escape.ts";

/**
 * A state as HTML tables: globals, processes, primitives.
 */
export function stateHtml(s: StateSnapshot): string {
  const kv = (rows: readonly { name: string; value: string }[]) =>
    rows.map((r) =>
      `<tr><td class="name">${esc(r.name)}</td><td class="value">${esc(r.value)}</td></tr>`
    ).join("");
  const out: string[] = [];
  if (s.globals.length > 0) {
    out.push(`<table class="globals"><caption>globals</caption>${kv(s.globals)}</table>`);
  }
  if (s.processes.length > 0) {
    out.push(
      `<table class="processes"><caption>processes</caption><tr><th>process</th><th>at</th><th>locals</th></tr>${
        s.processes.map((p) =>
          `<tr><td class="name">${esc(p.name)}</td><td class="at">${
            esc(p.at)
          }</td><td class="value">${
            esc(p.locals.map((l) => `${l.name}=${l.value}`).join(" "))
          }</td></tr>`
        ).join("")
      }</table>`,
    );
  }
  if (s.primitives.length > 0) {
    out.push(
      `<table class="primitives"><caption>primitives</caption>${
        s.primitives.map((p) =>
          `<tr><td class="name">${esc(p.name)} <small>${
            esc(p.kind)
          }</small></td><td class="value">${esc(p.value)}</td></tr>`
        ).join("")
      }</table>`,
    );
  }
  return out.join("");
}

/**
 * A wait-for graph as a small SVG: the nodes on a circle, an arrow per edge.
 */
export function waitForSvg(edges: readonly WaitForEdge[]): string {
  const nodes: string[] = [];
  for (const e of edges) {
    if (!nodes.includes(e.from)) nodes.push(e.from);
    if (!nodes.includes(e.to)) nodes.push(e.to);
  }
  const r = 40 + nodes.length * 22, cx = r + 90, cy = r + 30;
  const pos = nodes.map((_, i) => {
    const a = -Math.PI / 2 + (2 * Math.PI * i) / nodes.length;
    return [cx + r * Math.cos(a), cy + r * Math.sin(a)] as const;
  });
  const at = (n: string) => pos[nodes.indexOf(n)]!;
  const lines = edges.map((e) => {
    const [x1, y1] = at(e.from), [x2, y2] = at(e.to);
    const len = Math.hypot(x2 - x1, y2 - y1) || 1;
    const k = 30 / len;
    const ax = x1 + (x2 - x1) * k, ay = y1 + (y2 - y1) * k;
    const bx = x2 - (x2 - x1) * k, by = y2 - (y2 - y1) * k;
    return `<g class="wf-edge"><line x1="${ax.toFixed(1)}" y1="${ay.toFixed(1)}" x2="${
      bx.toFixed(1)
    }" y2="${by.toFixed(1)}" stroke="#333" marker-end="url(#wf-ah)"/><text x="${
      ((ax + bx) / 2).toFixed(1)
    }" y="${((ay + by) / 2 - 4).toFixed(1)}" text-anchor="middle" font-size="11">${
      esc(e.label)
    }</text></g>`;
  });
  const circles = nodes.map((n, i) => {
    const [x, y] = pos[i]!;
    const proc = n.includes("#");
    return `<g class="wf-node"><ellipse cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" rx="${
      Math.max(30, n.length * 4 + 10)
    }" ry="18" fill="${proc ? "#e8f0fe" : "#fef7e0"}" stroke="#333"/><text x="${x.toFixed(1)}" y="${
      (y + 4).toFixed(1)
    }" text-anchor="middle" font-size="12">${esc(n)}</text></g>`;
  });
  const w = 2 * cx, h = 2 * cy;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w.toFixed(0)}" height="${
    h.toFixed(0)
  }" font-family="sans-serif"><defs><marker id="wf-ah" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#333"/></marker></defs>${
    lines.join("")
  }${circles.join("")}</svg>`;
}
