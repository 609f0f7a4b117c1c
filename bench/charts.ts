/**
 * Times the pictures of a long trace: a 500-step path of a bundled spec
 * (the producer and two consumers of `starving_consumer_weak`, which run
 * for ever) charted (replayed and recorded) and drawn as Mermaid text, SVG
 * and the HTML report. The target is under a second for the drawing.
 *
 * ```sh
 * deno run --allow-read bench/charts.ts            # 500 steps
 * deno run --allow-read bench/charts.ts 2000       # another length
 * ```
 *
 * Exits 1 when drawing takes a second or more.
 *
 * @module
 */

import { traceChart, traceRecorder } from "../mod.ts";
import { formatHtml, formatMermaid, formatSvg } from "../reporters/mod.ts";
import { starvingConsumerWeak } from "../specs/starving_consumer.ts";
import { enabled, fire } from "../checker/_fire.ts";

const steps = Number(Deno.args[0] ?? 500);
const model = starvingConsumerWeak.compile();
let state: Int32Array | undefined;
model.init((s) => (state = s.slice()));
const path: number[] = [];
for (let i = 0; i < steps; i++) {
  // Round robin over the enabled transitions, so every process moves.
  const en = enabled(model, state!);
  const t = en[i % en.length]!;
  path.push(t);
  state = fire(model, state!, t) as Int32Array;
}

let t0 = performance.now();
const chart = traceChart(model, { init: 0, transitions: path }, {
  recorder: traceRecorder(starvingConsumerWeak),
});
const charting = performance.now() - t0;
t0 = performance.now();
const mermaid = formatMermaid(chart);
const tMermaid = performance.now() - t0;
t0 = performance.now();
const svg = formatSvg(chart);
const tSvg = performance.now() - t0;
t0 = performance.now();
const html = formatHtml(chart);
const tHtml = performance.now() - t0;
const drawing = tMermaid + tSvg + tHtml;
const kb = (s: string) => `${(s.length / 1024).toFixed(0)} KiB`;
console.log(`${steps}-step trace of ${model.name}:`);
console.log(`  chart (replay + record)  ${charting.toFixed(1)} ms`);
console.log(`  Mermaid                  ${tMermaid.toFixed(1)} ms (${kb(mermaid)})`);
console.log(`  SVG                      ${tSvg.toFixed(1)} ms (${kb(svg)})`);
console.log(`  HTML report              ${tHtml.toFixed(1)} ms (${kb(html)})`);
console.log(`  drawing in all           ${drawing.toFixed(1)} ms (target: under 1000 ms)`);
if (drawing >= 1000) Deno.exit(1);
