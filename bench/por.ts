/**
 * The partial-order reduction benchmark: the specs that have Promela twins
 * (bench/vs_spin.ts) checked without and with `reduction: "por"`, next to
 * SPIN 6.5.2 with its own partial-order reduction on the twin, at the scales
 * of `deno task bench --vs-spin`. Writes the section "Partial-order
 * reduction" of `bench/RESULTS.md` and keeps the rest of the file. State
 * counts are what matter: the machine is shared, so times are noisy.
 *
 * ```sh
 * deno run --allow-read --allow-write=bench,/tmp --allow-env --allow-sys --allow-run bench/por.ts
 * deno run --allow-read --allow-write=/tmp --allow-env --allow-sys --allow-run bench/por.ts --quick   # printed only
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import { check, type CheckResult, type Spec } from "../mod.ts";
import { writeSection } from "./_sections.ts";
import { runSpin, type SpinRun, spinTools, spinVersions, TWINS } from "./vs_spin.ts";

const COMMAND =
  "deno run --allow-read --allow-write=bench,/tmp --allow-env --allow-sys --allow-run bench/por.ts";

type Params = Record<string, number | boolean | string>;

/** The scales of `deno task bench --vs-spin` (bench/bench.ts: QUICK and FULL). */
const QUICK: Params = { slots: 2, producers: 2, consumers: 2, items: 2 };
const FULL: Params = { slots: 2, producers: 3, consumers: 2, items: 3 };

/** The acceptance bound of each spec: reduced states at most this many times SPIN's. */
const BOUND: Readonly<Record<string, number>> = {
  pc_rendezvous: 1,
  pc_channel: 1,
  pc_semaphore: 1.5,
};

function fmtInt(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : "?";
}

function paramText(spec: Spec, params: Params): string {
  const own = spec.resolve({});
  return Object.entries(params).filter(([k]) => k in own).map(([k, v]) => `${k}=${v}`).join(" ");
}

interface Row {
  readonly spec: Spec;
  readonly params: Params;
  readonly full: CheckResult;
  readonly reduced: CheckResult;
  readonly spin: SpinRun | undefined;
}

function row(r: Row): string {
  const f = r.full.stats, s = r.reduced.stats, red = s.reduction!;
  const spin = r.spin;
  const bound = BOUND[r.spec.name];
  const vsSpin = spin === undefined ? "" : (s.states / spin.states).toFixed(3);
  return [
    r.spec.name,
    paramText(r.spec, r.params),
    r.reduced.verdict,
    fmtInt(f.states),
    fmtInt(s.states),
    `${(f.states / s.states).toFixed(1)}x`,
    `${fmtInt(red.ample)} / ${fmtInt(red.full)}`,
    spin === undefined ? "" : fmtInt(spin.states),
    vsSpin,
    bound === undefined ? "(none)" : `<= ${bound}`,
    f.seconds.toFixed(2),
    s.seconds.toFixed(2),
    spin === undefined ? "" : spin.pan.toFixed(2),
  ].join(" | ");
}

async function main(): Promise<number> {
  const { values } = parseArgs({ args: Deno.args, options: { quick: { type: "boolean" } } });
  const quick = values.quick === true;
  const why = await spinTools();
  if (why !== undefined) console.error(`[bench] SPIN skipped: ${why}`);
  const rows: Row[] = [];
  for (const twin of TWINS) {
    const mod = await import(new URL(`../specs/${twin.file}.ts`, import.meta.url).href);
    const spec: Spec = mod[twin.name];
    const scales = twin.scales ?? [QUICK, FULL];
    for (const params of quick ? scales.slice(0, 1) : scales) {
      const own = Object.fromEntries(Object.entries(params).filter(([k]) => k in spec.resolve({})));
      const reduced = check(spec, { params: own, reduction: "por" });
      const full = check(spec, { params: own });
      if (full.verdict !== reduced.verdict) {
        console.error(
          `[bench] ${spec.name}: ${full.verdict} unreduced, ${reduced.verdict} reduced`,
        );
        return 1;
      }
      const spin = why === undefined
        ? await runSpin(twin, params, true, full.stats.states)
        : undefined;
      console.error(`[bench] ${spec.name} ${paramText(spec, params)}: done`);
      rows.push({ spec, params, full, reduced, spin });
    }
  }
  const versions = why === undefined ? await spinVersions() : [];
  const head = [
    "spec",
    "params",
    "verdict",
    "states",
    "states --por",
    "fewer",
    "ample / full",
    "SPIN POR states",
    "--por / SPIN POR",
    "acceptance",
    "s",
    "s --por",
    "SPIN pan s",
  ];
  const text = [
    "## Partial-order reduction",
    "",
    `Date: ${new Date().toISOString().replace(/\.\d+Z$/, "Z")}`,
    "",
    `Command: \`${COMMAND}\`, from the repository root.`,
    "",
    "The specs with a Promela twin (`bench/spin/`), at the scales of `--vs-spin`,",
    "checked by `check()` breadth-first over the exact store without and with",
    '`reduction: "por"` (`--por`), and SPIN on the twin with its default',
    "partial-order reduction (`spin -a`, `gcc -O2 -DSAFETY`, `./pan`, as",
    `\`--vs-spin\` does but without \`-DNOREDUCE\`).${
      versions.length > 0 ? ` Versions: ${versions.join("; ")}.` : ""
    }`,
    "*ample / full* counts the states expanded through an ample set (one",
    "process's transitions) and fully. *acceptance* is the bound of issue 6:",
    "no more states than SPIN on the channel and rendezvous specs, within 1.5x",
    "on the semaphore buffer. Without reduction the twins have one state more",
    "than the specs (their `atEnd` check is a state of its own), and so with it:",
    "on these specs ipcspec's ample sets are SPIN's (the same processes are",
    "expanded alone in the same states: loop tests and local counters), so",
    "SPIN's count is ipcspec's plus that one state. `mailbox_exclusive` has no",
    "bound in the issue; its OS-owned mailbox has no exit hook, so its",
    "operations qualify too, and its counts are SPIN's as well.",
    "Times are noisy (a shared machine); *SPIN pan s* excludes `spin -a`",
    "and `gcc`.",
    "",
    `| ${head.join(" | ")} |`,
    `| ${
      head.map((h, i) =>
        i < 3 ? "-".repeat(Math.max(3, h.length)) : "-".repeat(Math.max(3, h.length) - 1) + ":"
      ).join(" | ")
    } |`,
    ...rows.map((r) => `| ${row(r)} |`),
    "",
  ].join("\n");
  if (!quick) writeSection("bench/RESULTS.md", "por", text);
  console.log(text);
  for (const r of rows) {
    const bound = BOUND[r.spec.name];
    if (
      bound !== undefined && r.spin !== undefined && r.reduced.stats.states > bound * r.spin.states
    ) {
      console.error(`[bench] ${r.spec.name}: above the acceptance bound`);
      return 1;
    }
  }
  return 0;
}

if (import.meta.main) Deno.exit(await main());
