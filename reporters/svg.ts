/**
 * A charted trace as a standalone SVG message sequence chart, drawn by
 * ipcspec itself (no browser, no fonts measured): a lifeline per process
 * and per primitive the trace touches, an arrow or a note per step, lost
 * messages and coalesced signals crossed out in red, a lasso's cycle in a
 * shaded frame, and the blocked processes and the violated property at the
 * end. Every step's shapes carry `data-step` (from 0) so a page can
 * highlight them.
 *
 * @module
 */

import type { TraceChart } from "../checker/chart.ts";
import { esc } from "./_escape.ts";
import { chartRows, type Row } from "./_rows.ts";

/** Options of {@linkcode formatSvg}. */
export interface SvgOptions {
  /** Leave out the XML declaration (for an SVG inlined in HTML). Default false. */
  readonly inline?: boolean;
}

const CHAR = 7; // estimated width of a character at 12px sans-serif
const ROW = 30;
const TOP = 70;
const MARGIN = 20;
const MIN_GAP = 150;

/**
 * Draws the SVG of a chart.
 *
 * @param chart The chart (see `traceChart`).
 * @param options Inline or standalone.
 * @returns The SVG document.
 *
 * @example
 * ```ts
 * import { formatSvg } from "./svg.ts";
 * import assert from "node:assert/strict";
 *
 * const svg = formatSvg({
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
 * assert.match(svg, /^<\?xml/);
 * assert.match(svg, /1\. send\(c\) put 1/);
 * ```
 */
export function formatSvg(chart: TraceChart, options: SvgOptions = {}): string {
  const rows = chartRows(chart);
  const col = columns(chart, rows);
  const all = [...col.keys()];
  const gaps = columnGaps(rows, col);
  const header = all.map((n) => headerText(n, chart)).reduce((m, t) => Math.max(m, t.length), 0);
  const firstX = MARGIN + Math.max(60, (header * CHAR) / 2 + 10);
  const xs: number[] = [];
  let x = firstX;
  all.forEach((_, i) => {
    xs.push(x);
    x += gaps[i] ?? 0;
  });
  const drawn = drawRows(rows, (name) => xs[col.get(name)!]!, x);
  const height = drawn.y + 50;
  const width = Math.ceil(Math.max(drawn.widest, x - (gaps.at(-1) ?? 0) + firstX) + MARGIN);
  const title = chart.property !== undefined
    ? `${chart.spec}: VIOLATION of '${chart.property}'`
    : `${chart.spec}: ${chart.verdict}`;
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="ipcspec-chart" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<title>${esc(title)}</title>`,
    `<style>${STYLE}</style>`,
    `<rect class="bg" x="0" y="0" width="${width}" height="${height}"/>`,
    `<text class="title" x="${MARGIN}" y="22">${esc(title)}</text>`,
    `<defs><marker id="ah" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="10" markerHeight="10" markerUnits="userSpaceOnUse" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#333"/></marker><marker id="ax" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="12" markerHeight="12" markerUnits="userSpaceOnUse"><path d="M1,1 L9,9 M9,1 L1,9" stroke="#c00" stroke-width="2"/></marker></defs>`,
    ...lifelines(chart, all, xs, height),
    ...drawn.body,
    `</svg>`,
  ].join("\n").replace(/="(-?\d+\.\d\d+)"/g, (_, x) => `="${Math.round(Number(x) * 10) / 10}"`);
  return options.inline === true ? svg + "\n" : `<?xml version="1.0" encoding="UTF-8"?>\n${svg}\n`;
}

/** Each lifeline's column: the chart's lifelines, then any other a row names. */
function columns(chart: TraceChart, rows: readonly Row[]): Map<string, number> {
  const col = new Map<string, number>();
  const addCol = (name: string) => {
    if (!col.has(name)) col.set(name, col.size);
  };
  chart.lifelines.map((l) => l.name).forEach(addCol);
  for (const r of rows) {
    if (r.kind === "arrow") {
      addCol(r.from);
      addCol(r.to);
    } else if (r.kind === "note") r.over.forEach(addCol);
  }
  return col;
}

/** Gaps between neighbouring columns wide enough for the arrow labels between them. */
function columnGaps(rows: readonly Row[], col: ReadonlyMap<string, number>): number[] {
  const gaps = new Array<number>(Math.max(col.size - 1, 0)).fill(MIN_GAP);
  for (const r of rows) {
    if (r.kind !== "arrow") continue;
    const a = col.get(r.from)!, b = col.get(r.to)!;
    const lo = Math.min(a, b), hi = Math.max(a, b);
    const need = r.label.length * CHAR + 24;
    if (lo === hi) {
      if (lo < gaps.length) gaps[lo] = Math.max(gaps[lo]!, need);
      continue;
    }
    let have = 0;
    for (let k = lo; k < hi; k++) have += gaps[k]!;
    if (have < need) {
      const extra = (need - have) / (hi - lo);
      for (let k = lo; k < hi; k++) gaps[k] = gaps[k]! + extra;
    }
  }
  return gaps;
}

/**
 * The rows' shapes, top to bottom, a lasso's cycle frame first; the `y`
 * below the last row and the widest `x` drawn (at least `widest`).
 */
function drawRows(
  rows: readonly Row[],
  xOf: (name: string) => number,
  widest: number,
): { body: string[]; y: number; widest: number } {
  let y = TOP + 20;
  const body: string[] = [];
  let loopTop = -1;
  for (const r of rows) {
    switch (r.kind) {
      case "arrow":
        body.push(arrow(r, xOf(r.from), xOf(r.to), y));
        widest = Math.max(widest, xOf(r.from) + r.label.length * CHAR / 2 + 40);
        y += ROW;
        break;
      case "note": {
        const xs2 = r.over.map(xOf);
        const w = Math.max(r.label.length * CHAR + 16, Math.max(...xs2) - Math.min(...xs2) + 40);
        // Centred over its lifelines, but never cut off at the left edge.
        const mid = Math.max((Math.min(...xs2) + Math.max(...xs2)) / 2, w / 2 + MARGIN / 2);
        body.push(noteBox(r, mid, w, y));
        widest = Math.max(widest, mid + w / 2 + MARGIN);
        y += ROW;
        break;
      }
      case "loop":
        loopTop = y;
        body.push(
          `<text class="loop-label" x="${MARGIN + 4}" y="${y + 4}">${esc(r.label)}</text>`,
        );
        y += 16;
        break;
      case "end":
        body.unshift(cycleFrame(loopTop, y, widest));
        y += 10;
        break;
    }
  }
  return { body, y, widest };
}

/** The shaded frame of a lasso's cycle, from `top` down to `y`. */
function cycleFrame(top: number, y: number, widest: number): string {
  return `<rect class="cycle" x="${MARGIN / 2}" y="${top - 12}" width="${
    widest - MARGIN / 2
  }" height="${y - top + 4}" rx="6"/>`;
}

/** Each column's dashed lifeline with its name boxed at the top and the bottom. */
function lifelines(
  chart: TraceChart,
  all: readonly string[],
  xs: readonly number[],
  height: number,
): string[] {
  const heads: string[] = [];
  all.forEach((name, i) => {
    const cx = xs[i]!;
    const label = headerText(name, chart);
    const w = label.length * CHAR + 16;
    const kind = chart.lifelines.find((l) => l.name === name)?.kind ?? "process";
    const cls = kind === "process" ? "head proc" : "head prim";
    heads.push(
      `<line class="life" x1="${cx}" y1="${TOP}" x2="${cx}" y2="${height - 40}"/>`,
      `<rect class="${cls}" x="${cx - w / 2}" y="${TOP - 30}" width="${w}" height="26" rx="4"/>`,
      `<text class="head-text" x="${cx}" y="${TOP - 13}">${esc(label)}</text>`,
      `<rect class="${cls}" x="${cx - w / 2}" y="${height - 40}" width="${w}" height="26" rx="4"/>`,
      `<text class="head-text" x="${cx}" y="${height - 23}">${esc(label)}</text>`,
    );
  });
  return heads;
}

const STYLE = [
  ".bg{fill:#fff}",
  ".title{font-weight:bold;font-size:14px}",
  ".life{stroke:#999;stroke-dasharray:4 4}",
  ".head{stroke:#333;stroke-width:1}",
  ".proc{fill:#e8f0fe}",
  ".prim{fill:#fef7e0}",
  ".head-text{text-anchor:middle;font-weight:bold}",
  ".arrow{stroke:#333;stroke-width:1.4;fill:none}",
  ".dashed{stroke-dasharray:6 3}",
  ".lost{stroke:#c00}",
  ".label{text-anchor:middle}",
  ".note{fill:#fffbe6;stroke:#b59f3b}",
  ".note.bad{fill:#fde8e8;stroke:#c00}",
  ".note.blocked{fill:#eee;stroke:#666}",
  ".note-text{text-anchor:middle}",
  ".cycle{fill:#e6f4ea;stroke:#34a853;stroke-dasharray:6 3}",
  ".loop-label{fill:#188038;font-weight:bold}",
  ".current .arrow{stroke:#1a73e8;stroke-width:3}",
  ".current .note{stroke:#1a73e8;stroke-width:3}",
].join("");

function headerText(name: string, chart: TraceChart): string {
  const kind = chart.lifelines.find((l) => l.name === name)?.kind ?? "process";
  return kind === "process" ? name : `${name} (${kind})`;
}

function arrow(r: Row & { kind: "arrow" }, x1: number, x2: number, y: number): string {
  const cls = `arrow${r.style === "dashed" ? " dashed" : r.style === "lost" ? " lost" : ""}`;
  const marker = r.style === "lost" ? "url(#ax)" : "url(#ah)";
  const g = `<g class="row" data-step="${r.step}">`;
  if (x1 === x2) {
    const d = `M${x1},${y} h30 v12 h-30`;
    return `${g}<path class="${cls}" d="${d}" marker-end="${marker}"/><text class="label" x="${
      x1 + 36
    }" y="${y - 4}" text-anchor="start" style="text-anchor:start">${esc(r.label)}</text></g>`;
  }
  return `${g}<line class="${cls}" x1="${x1}" y1="${y + 6}" x2="${x2}" y2="${
    y + 6
  }" marker-end="${marker}"/><text class="label" x="${(x1 + x2) / 2}" y="${y}">${
    esc(r.label)
  }</text></g>`;
}

function noteBox(r: Row & { kind: "note" }, mid: number, w: number, y: number): string {
  const cls = `note${r.tone === "bad" ? " bad" : r.tone === "blocked" ? " blocked" : ""}`;
  return `<g class="row" data-step="${r.step}"><rect class="${cls}" x="${mid - w / 2}" y="${
    y - 10
  }" width="${w}" height="22" rx="3"/><text class="note-text" x="${mid}" y="${y + 5}">${
    esc(r.label)
  }</text></g>`;
}
