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

import type { TraceChart } from "../checker/chart.ts";
import { esc } from "./_escape.ts";
import { stateHtml, waitForSvg } from "./_html_parts.ts";
import { eventText } from "./_rows.ts";
import { formatSvg } from "./svg.ts";

/**
 * Writes the HTML report of a chart.
 *
 * @param chart The chart (see `traceChart`).
 * @returns The page.
 *
 * @example
 * ```ts
 * import { formatHtml } from "./html.ts";
 * import assert from "node:assert/strict";
 *
 * const page = formatHtml({
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
export function formatHtml(chart: TraceChart): string {
  const parts = [
    ...heading(chart),
    ...chartSection(chart),
    ...cycleSection(chart),
    ...blockedSection(chart),
    ...stepsTable(chart),
  ];
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

/** The page's head, title, verdict, message and statistics. */
function heading(chart: TraceChart): string[] {
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
  return parts;
}

/** The sequence chart with the buttons that step through it and the current state. */
function chartSection(chart: TraceChart): string[] {
  return [
    `<h2>Sequence chart</h2>`,
    `<div class="controls"><button id="first" type="button">« start</button>`,
    `<button id="prev" type="button">◀ back</button>`,
    `<button id="next" type="button">step ▶</button>`,
    `<button id="last" type="button">end »</button>`,
    `<span id="pos">initial state</span></div>`,
    `<div id="current"><p id="current-step">initial state</p><div id="current-state">${
      stateHtml(chart.initial)
    }</div></div>`,
    `<div id="chart" class="chart">${formatSvg(chart, { inline: true })}</div>`,
  ];
}

/** For a lasso, which steps repeat. */
function cycleSection(chart: TraceChart): string[] {
  if (chart.loopStart === undefined) return [];
  return [
    `<h2>Cycle</h2><p id="cycle">Steps ${
      chart.loopStart + 1
    }..${chart.steps.length} repeat for ever: after step ${chart.steps.length} the state is the one before step ${
      chart.loopStart + 1
    }.</p>`,
  ];
}

/** At a deadlock, the blocked processes and the wait-for graph. */
function blockedSection(chart: TraceChart): string[] {
  if (chart.blocked.length === 0) return [];
  const parts = [
    `<h2>Blocked processes</h2><table id="blocked"><tr><th>process</th><th>at</th><th>waits on</th><th>holds</th></tr>${
      chart.blocked.map((b) =>
        `<tr><td>${esc(b.process)}</td><td>${esc(b.step)}</td><td>${
          esc(b.waitsOn.join(" or "))
        }</td><td>${esc(b.holds.join(", "))}</td></tr>`
      ).join("")
    }</table>`,
  ];
  if (chart.waitFor.length > 0) {
    parts.push(`<h3>Wait-for graph</h3><div id="wait-for">${waitForSvg(chart.waitFor)}</div>`);
  }
  return parts;
}

/** The step table: a row per step, then a row with the state after it. */
function stepsTable(chart: TraceChart): string[] {
  const parts = [
    `<h2>Steps</h2><table id="steps"><tr><th>#</th><th>process</th><th>operation</th><th>changes</th><th>what moved</th></tr>`,
  ];
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
  return parts;
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
