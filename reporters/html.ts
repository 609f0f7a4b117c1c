/**
 * A charted trace as one self-contained HTML file (no network needed to
 * open it, from a `file://` URL too): the verdict and statistics, the SVG
 * sequence chart, buttons to step through the trace with the state after
 * each step, a step table where each step expands into the full state
 * (globals, each process's location and locals, each primitive's
 * contents), at a deadlock the wait-for graph, for a lasso the cycle, the
 * coverage table when given, and the replay command.
 *
 * @module
 */

import type { TraceChart, WaitForEdge } from "../checker/chart.ts";
import type { StateSnapshot } from "../model/trace_events.ts";
import { esc } from "./_escape.ts";
import { eventText } from "./_rows.ts";
import { svgChart } from "./svg.ts";

/**
 * Writes the HTML report of a chart.
 *
 * @param chart The chart (see `traceChart`).
 * @returns The page.
 *
 * @example
 * ```ts
 * import { htmlReport } from "./html.ts";
 * import assert from "node:assert/strict";
 *
 * const page = htmlReport({
 *   spec: "s", params: {}, verdict: "trace", init: 0,
 *   lifelines: [{ name: "p#0", kind: "process" }],
 *   initial: { globals: [{ name: "x", value: "0" }], primitives: [], processes: [] },
 *   steps: [],
 *   blocked: [], waitFor: [],
 * });
 * assert.match(page, /^<!DOCTYPE html>/);
 * assert.doesNotMatch(page, /https?:\/\/(?!www\.w3\.org)/);
 * ```
 */
export function htmlReport(chart: TraceChart): string {
  const title = chart.property !== undefined
    ? `${chart.spec}: VIOLATION of '${chart.property}'`
    : `${chart.spec}: ${chart.verdict}`;
  const params = Object.entries(chart.params).map(([k, v]) => `${k}=${v}`).join(" ");
  const parts: string[] = [];
  parts.push(
    `<!DOCTYPE html>`,
    `<html lang="en"><head><meta charset="utf-8">`,
    `<meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<title>${esc(title)}</title>`,
    `<style>${CSS}</style></head><body>`,
    `<h1>${esc(chart.spec)}${params !== "" ? ` <small>(${esc(params)})</small>` : ""}</h1>`,
    `<p id="verdict" class="verdict ${esc(chart.verdict)}">${esc(chart.verdict.toUpperCase())}${
      chart.property !== undefined ? ` of '${esc(chart.property)}' (${esc(chart.kind ?? "")})` : ""
    }</p>`,
  );
  if (chart.message !== undefined) parts.push(`<p id="message">${esc(chart.message)}</p>`);
  if (chart.stats !== undefined && chart.stats.length > 0) {
    parts.push(
      `<table id="stats" class="kv">${
        chart.stats.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join("")
      }</table>`,
    );
  }
  parts.push(
    `<h2>Sequence chart</h2>`,
    `<div class="controls"><button id="first" type="button">« start</button>`,
    `<button id="prev" type="button">◀ back</button>`,
    `<button id="next" type="button">step ▶</button>`,
    `<button id="last" type="button">end »</button>`,
    `<span id="pos">initial state</span></div>`,
    `<div id="current"><p id="current-step">initial state</p><div id="current-state">${
      stateHtml(chart.initial)
    }</div></div>`,
    `<div id="chart" class="chart">${svgChart(chart, { inline: true })}</div>`,
  );
  if (chart.loopStart !== undefined) {
    parts.push(
      `<h2>Cycle</h2><p id="cycle">Steps ${
        chart.loopStart + 1
      }..${chart.steps.length} repeat for ever: after step ${chart.steps.length} the state is the one before step ${
        chart.loopStart + 1
      }.</p>`,
    );
  }
  if (chart.blocked.length > 0) {
    parts.push(
      `<h2>Blocked processes</h2><table id="blocked"><tr><th>process</th><th>at</th><th>waits on</th><th>holds</th></tr>${
        chart.blocked.map((b) =>
          `<tr><td>${esc(b.process)}</td><td>${esc(b.step)}</td><td>${
            esc(b.waitsOn.join(" or "))
          }</td><td>${esc(b.holds.join(", "))}</td></tr>`
        ).join("")
      }</table>`,
    );
    if (chart.waitFor.length > 0) {
      parts.push(`<h3>Wait-for graph</h3><div id="wait-for">${waitForSvg(chart.waitFor)}</div>`);
    }
  }
  parts.push(
    `<h2>Steps</h2><table id="steps"><tr><th>#</th><th>process</th><th>operation</th><th>changes</th><th>what moved</th></tr>`,
  );
  chart.steps.forEach((s, i) => {
    const cls = [
      chart.loopStart !== undefined && i >= chart.loopStart ? "cycle" : "",
      s.failed !== undefined ||
        s.events.some((e) => e.kind === "drop" || e.kind === "signal" && e.outcome === "coalesced")
        ? "bad"
        : "",
    ].filter((c) => c !== "").join(" ");
    parts.push(
      `<tr class="step ${cls}" data-step="${i}" data-what="${
        esc(`${s.process} ${s.operation}`)
      }"><td>${i + 1}</td><td>${esc(s.process)}</td><td>${esc(s.operation)}${
        s.source !== undefined ? `<br><small>${esc(s.source)}</small>` : ""
      }</td><td>${
        s.changes.map((c) => esc(`${c.name}: ${c.before} → ${c.after}`)).join("<br>")
      }</td><td>${s.events.map((e) => esc(eventText(e))).join("<br>")}${
        s.failed !== undefined ? `<br><b>fails: ${esc(s.failed)}</b>` : ""
      }</td></tr>`,
      `<tr class="state-row" data-step="${i}"><td></td><td colspan="4"><details><summary>state after step ${
        i + 1
      }</summary><div class="state">${stateHtml(s.state)}</div></details></td></tr>`,
    );
  });
  parts.push(`</table>`);
  if (chart.coverage !== undefined) {
    parts.push(`<h2>Coverage</h2><pre id="coverage">${esc(chart.coverage)}</pre>`);
  }
  if (chart.replay !== undefined) {
    parts.push(`<h2>Replay</h2><pre id="replay"><code>${esc(chart.replay)}</code></pre>`);
  }
  parts.push(
    `<template id="initial-state">${stateHtml(chart.initial)}</template>`,
    `<script>${SCRIPT}</script>`,
    `</body></html>`,
  );
  return parts.join("\n") + "\n";
}

/**
 * A state as HTML tables: globals, processes, primitives.
 *
 * @param s The state.
 * @returns The HTML.
 *
 * @example
 * ```ts
 * import { stateHtml } from "./html.ts";
 * import assert from "node:assert/strict";
 *
 * const h = stateHtml({ globals: [{ name: "x", value: "1" }], primitives: [], processes: [] });
 * assert.match(h, /<td class="name">x<\/td><td class="value">1<\/td>/);
 * ```
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
 *
 * @param edges The edges.
 * @returns The inline SVG.
 *
 * @example
 * ```ts
 * import { waitForSvg } from "./html.ts";
 * import assert from "node:assert/strict";
 *
 * const svg = waitForSvg([{ from: "p#0", to: "m", label: "waits on lock(m)" }]);
 * assert.match(svg, /<svg[^>]*>/);
 * assert.match(svg, /waits on lock\(m\)/);
 * ```
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

const CSS = `
body{font-family:system-ui,sans-serif;margin:1.5em;color:#202124}
h1 small{font-weight:normal;color:#5f6368}
.verdict{font-weight:bold;font-size:1.2em}
.verdict.violation,.verdict.error{color:#c5221f}.verdict.ok{color:#188038}.verdict.incomplete{color:#b06000}
table{border-collapse:collapse;margin:.4em 0}
td,th{border:1px solid #dadce0;padding:2px 8px;text-align:left;vertical-align:top}
caption{text-align:left;font-weight:bold}
.chart{overflow:auto;border:1px solid #dadce0;max-height:80vh}
.controls{margin:.5em 0}.controls button{margin-right:.3em}
#current{border:1px solid #1a73e8;padding:.4em;margin:.4em 0;display:flex;flex-direction:column}
#current-state{display:flex;gap:1em;flex-wrap:wrap}
.state{display:flex;gap:1em;flex-wrap:wrap}
tr.cycle td{background:#e6f4ea}
tr.bad td{background:#fde8e8}
tr.current td{outline:2px solid #1a73e8}
.ipcspec-chart g.row{cursor:pointer}
`;

const SCRIPT = `
(() => {
  const rows = [...document.querySelectorAll("tr.step")];
  const n = rows.length;
  let cur = 0;
  const state = document.getElementById("current-state");
  const label = document.getElementById("current-step");
  const pos = document.getElementById("pos");
  const init = document.getElementById("initial-state");
  function show(k) {
    cur = Math.max(0, Math.min(n, k));
    document.querySelectorAll(".current").forEach((e) => e.classList.remove("current"));
    if (cur === 0) {
      state.innerHTML = init.innerHTML;
      label.textContent = "initial state";
      pos.textContent = "initial state (" + n + " steps)";
    } else {
      const row = rows[cur - 1];
      row.classList.add("current");
      label.textContent = "after step " + cur + ": " + row.getAttribute("data-what");
      pos.textContent = "step " + cur + " of " + n;
      state.innerHTML = document.querySelector('tr.state-row[data-step="' + (cur - 1) + '"] .state').innerHTML;
      document.querySelectorAll('.ipcspec-chart g.row[data-step="' + (cur - 1) + '"]').forEach((g) => g.classList.add("current"));
    }
  }
  document.getElementById("first").onclick = () => show(0);
  document.getElementById("prev").onclick = () => show(cur - 1);
  document.getElementById("next").onclick = () => show(cur + 1);
  document.getElementById("last").onclick = () => show(n);
  rows.forEach((r, i) => r.addEventListener("click", () => show(i + 1)));
  document.querySelectorAll(".ipcspec-chart g.row").forEach((g) => {
    const k = Number(g.getAttribute("data-step"));
    if (k >= 0) g.addEventListener("click", () => show(k + 1));
  });
  document.addEventListener("keydown", (e) => {
    if (e.key === "ArrowRight") show(cur + 1);
    if (e.key === "ArrowLeft") show(cur - 1);
  });
  show(0);
})();
`;
