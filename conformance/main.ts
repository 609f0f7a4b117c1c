/**
 * The long conformance run: `deno task conformance --runs 10000` draws
 * sequences for every primitive until each of its operations has run at
 * least `--runs` times on both sides (or `--minutes` have passed for that
 * primitive), then prints the per-operation counts as a Markdown table and,
 * with `--out FILE`, writes them as JSON. It stops at the first
 * disagreement, printing the shrunk sequence. Then it runs each
 * multi-process scenario `--scenarios` times (default 100) and reports how
 * often each outcome occurred.
 *
 * @module
 */

import { parseArgs } from "node:util";
import fc from "fast-check";
import { type Counts, property, type Subject, tally } from "./_harness.ts";
import { kernelRelease, unavailable } from "./_libc.ts";
import { SUBJECTS } from "./subjects.ts";
import { buildHelper, checkScenario, type ScenarioReport, SCENARIOS } from "./multiprocess.ts";
import type { PrimitiveImpl } from "../model/_ast.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    runs: { type: "string", default: "10000" },
    minutes: { type: "string", default: "20" },
    only: { type: "string" },
    out: { type: "string" },
    seed: { type: "string" },
    scenarios: { type: "string", default: "100" },
  },
});
const target = Number(values.runs);
const minutes = Number(values.minutes);
if (!Number.isInteger(target) || target < 1 || !(minutes > 0)) {
  console.error(
    "usage: deno task conformance [--runs N] [--minutes M] [--scenarios N] " +
      "[--only PRIMITIVE|scenarios] [--out FILE]",
  );
  Deno.exit(2);
}
const why = unavailable();
if (why !== undefined) {
  console.error(`conformance run SKIPPED: ${why}`);
  Deno.exit(1);
}

const release = kernelRelease();
console.log(`kernel ${release}; target ${target} runs per operation`);
let seed = values.seed === undefined ? Date.now() % 1_000_000 : Number(values.seed);
const started = new Date().toISOString();

function least(name: string): number {
  const ops = Object.values(tally[name] ?? {});
  return ops.length === 0 ? 0 : Math.min(...ops.map((c) => c.runs));
}

for (const { subject, maxOps } of SUBJECTS) {
  if (values.only !== undefined && values.only !== subject.name) continue;
  const s = subject as unknown as Subject<PrimitiveImpl, unknown, unknown, unknown>;
  const t0 = Date.now();
  let sequences = 0;
  let said = t0;
  while (least(s.name) < target && Date.now() - t0 < minutes * 60_000) {
    fc.assert(property(s, maxOps), { numRuns: 50, seed: seed++ });
    sequences += 50;
    if (Date.now() - said > 60_000) {
      said = Date.now();
      console.log(`${s.name}: ${sequences} sequences so far, least-run operation ${least(s.name)}`);
    }
  }
  const secs = ((Date.now() - t0) / 1000).toFixed(0);
  console.log(
    `${s.name}: ${sequences} sequences in ${secs} s, least-run operation ${least(s.name)}`,
  );
}

const reports: ScenarioReport[] = [];
const times = Number(values.scenarios);
const wanted = values.only === undefined || values.only === "scenarios";
const helper = times > 0 && wanted ? await buildHelper() : undefined;
if (helper !== undefined && "why" in helper) {
  console.log(`multi-process scenarios SKIPPED: ${helper.why}`);
}
if (helper !== undefined && "path" in helper) {
  for (const scenario of SCENARIOS) {
    const r = await checkScenario(helper.path, scenario, times);
    reports.push(r);
    console.log(
      `${r.name}: ${JSON.stringify(r.seen)}${r.disallowed.length > 0 ? " DISALLOWED" : ""}`,
    );
  }
}

function row(name: string, op: string, c: Counts): string {
  const deps = Object.entries(c.departures).map(([k, v]) => `${v} ${k}`).join(", ");
  return `| ${name} | ${op} | ${c.runs} | ${c.agreed} | ${deps === "" ? "0" : deps} |`;
}
const lines = [
  `Kernel ${release}, run started ${started}, target ${target} per operation.`,
  "",
  "| primitive | operation | runs | agreed | known departures |",
  "| --- | --- | ---: | ---: | --- |",
];
for (const [name, ops] of Object.entries(tally)) {
  for (const [op, c] of Object.entries(ops).sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(row(name, op, c));
  }
}
if (reports.length > 0) {
  lines.push(
    "",
    "| scenario | runs | outcomes seen (count) | model allows |",
    "| --- | ---: | --- | --- |",
  );
  for (const r of reports) {
    const seen = Object.entries(r.seen).map(([k, v]) => `\`${k}\` (${v})`).join(", ");
    lines.push(
      `| ${r.name} | ${times} | ${seen} | ${r.allowed.map((a) => `\`${a}\``).join(", ")} |`,
    );
  }
}
console.log(lines.join("\n"));
const bad = reports.filter((r) => r.disallowed.length > 0);
if (values.out !== undefined) {
  await Deno.writeTextFile(
    values.out,
    JSON.stringify(
      { kernel: release, started, target, counts: tally, scenarios: reports },
      null,
      2,
    ) +
      "\n",
  );
}
if (bad.length > 0) {
  console.error(`outcomes the model does not allow: ${JSON.stringify(bad)}`);
  Deno.exit(1);
}
