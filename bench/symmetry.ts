/**
 * The symmetry-reduction benchmark: `symmetric_buffer` (a bounded buffer with
 * identical producers and consumers, declared `symmetric: true`) checked
 * with and without `symmetry: true`, in one process, one `check()` call
 * each (the reduced one first). Writes the section "Symmetry reduction" of `bench/RESULTS.md` and
 * keeps the rest of the file.
 *
 * ```sh
 * deno run --allow-read --allow-write=bench --allow-env --allow-sys bench/symmetry.ts
 * deno run --allow-read --allow-env --allow-sys bench/symmetry.ts --quick   # printed only
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import { check, type CheckResult, type Spec } from "../mod.ts";
import { writeSection } from "./_sections.ts";

// Imported by a computed specifier, so that specs/ is type-checked under its
// own deno.json (as bench/bench.ts does).
const specs = await import(new URL("../specs/symmetric_buffer.ts", import.meta.url).href);
// deno-lint-ignore no-explicit-any
const symmetricBuffer: Spec<any> = specs.symmetricBuffer;
// deno-lint-ignore no-explicit-any
const symmetricBufferNoMutex: Spec<any> = specs.symmetricBufferNoMutex;

const COMMAND =
  "deno run --allow-read --allow-write=bench --allow-env --allow-sys bench/symmetry.ts";

type Params = Record<string, number | boolean>;

const FULL: readonly { spec: typeof symmetricBuffer; params: Params }[] = [
  { spec: symmetricBuffer, params: { producers: 3, consumers: 3 } },
  { spec: symmetricBuffer, params: { producers: 4, consumers: 4 } },
  { spec: symmetricBufferNoMutex, params: { producers: 4, consumers: 4 } },
];
const QUICK = FULL.slice(0, 1);

function fmtInt(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

function row(r: CheckResult, reduced: boolean): string {
  const s = r.stats;
  const verdict = r.verdict === "violation"
    ? `violation of '${r.violation?.property}' (${r.violation?.transitions.length} steps)`
    : r.verdict;
  const params = Object.entries(r.params)
    .filter(([k]) => k === "producers" || k === "consumers")
    .map(([k, v]) => `${k}=${v}`).join(" ");
  return `| ${r.spec} | ${params} | ${reduced ? "yes" : "no"} | ${verdict} | ${
    fmtInt(s.states)
  } | ` +
    `${s.symmetry !== undefined ? fmtInt(s.symmetry.represented) : ""} | ${
      s.seconds.toFixed(2)
    } | ` +
    `${fmtInt(s.statesPerSecond)} | ${Math.round(s.peakMemoryBytes / 2 ** 20)} MiB |`;
}

function main(): number {
  const { values } = parseArgs({ args: Deno.args, options: { quick: { type: "boolean" } } });
  const quick = values.quick === true;
  const rows: string[] = [];
  let ratio = "";
  for (const { spec, params } of quick ? QUICK : FULL) {
    // Reduced first: peak RSS is the process's, and only grows.
    const reduced = check(spec, { params, symmetry: true });
    const full = check(spec, { params });
    console.error(`[bench] ${spec.name} ${JSON.stringify(params)}: done`);
    if (full.verdict !== reduced.verdict) {
      console.error(`[bench] ${spec.name}: ${full.verdict} unreduced, ${reduced.verdict} reduced`);
      return 1;
    }
    rows.push(row(reduced, true), row(full, false));
    if (spec === symmetricBuffer) {
      ratio = `At ${params.producers}+${params.consumers} copies: ` +
        `${(full.stats.states / reduced.stats.states).toFixed(0)}x fewer states, ` +
        `${(full.stats.seconds / reduced.stats.seconds).toFixed(0)}x faster`;
    }
  }
  const text = [
    "## Symmetry reduction",
    "",
    `Date: ${new Date().toISOString().replace(/\.\d+Z$/, "Z")}`,
    "",
    `Command: \`${COMMAND}\`, from the repository root.`,
    "",
    "`symmetric_buffer` (slots=2 items=1): a bounded buffer whose producers and",
    "consumers are declared `symmetric: true`, checked by `check()` without and",
    "with `symmetry: true` (breadth-first, exact store), one call each, in the",
    "order of the table (peak RSS is the process's, so it only grows). *states*",
    "is what the search stored (orbits when reduced); *stand for*",
    "is the number of states those orbits hold, which equals the unreduced count",
    `when the search is complete. ${ratio}.`,
    "",
    "| spec | copies | symmetry | verdict | states | stand for | s | states/s | peak RSS |",
    "| ---- | ------ | -------- | ------- | -----: | --------: | -: | -------: | -------: |",
    ...rows,
    "",
  ].join("\n");
  if (!quick) writeSection("bench/RESULTS.md", "symmetry", text);
  console.log(text);
  return 0;
}

if (import.meta.main) Deno.exit(main());
