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
import { runSpin, type SpinRun, spinTools, spinVersions, type Twin, TWINS } from "./vs_spin.ts";

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

/**
 * SPIN's anchor models of issue 17 (bench/spin/anchor_*.pml, as given in
 * ../shared/bench-spin/): the consumer's receive and its bookkeeping in one
 * atomic block; `anchor_channel` and `anchor_rendezvous`. The first scale is the quick
 * one, the second the issue's (SPIN with POR: 44,051 and 142,555 states).
 * ipcspec's reduced search stops at `ANCHOR_BUDGET` states; the unreduced
 * one is not run at the issue's scale.
 */
const ANCHORS: readonly Twin[] = [
  {
    file: "spin_anchors",
    name: "anchorChannel",
    pml: "anchor_chan.pml",
    macros: { slots: "N", producers: "P", consumers: "C", items: "K" },
    scales: [
      { slots: 2, producers: 2, consumers: 2, items: 2 },
      { slots: 2, producers: 4, consumers: 4, items: 2 },
    ],
  },
  {
    file: "spin_anchors",
    name: "anchorRendezvous",
    pml: "anchor_rendezvous.pml",
    macros: { producers: "P", consumers: "C", items: "K" },
    scales: [
      { producers: 2, consumers: 2, items: 2 },
      { producers: 4, consumers: 4, items: 3 },
    ],
  },
];

/** Most states of an anchor's reduced search. */
const ANCHOR_BUDGET = 10_000_000;

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
  /** The unreduced search (not run for the anchors at the issue's scale). */
  readonly full: CheckResult | undefined;
  readonly reduced: CheckResult;
  readonly spin: SpinRun | undefined;
  /** At most this many times SPIN's states, if bounded. */
  readonly bound: number | undefined;
}

function row(r: Row): string {
  const f = r.full?.stats, s = r.reduced.stats, red = s.reduction!;
  const spin = r.spin;
  const vsSpin = spin === undefined ? "" : (s.states / spin.states).toFixed(3);
  return [
    r.spec.name,
    paramText(r.spec, r.params),
    r.reduced.verdict,
    f === undefined ? "(not run)" : fmtInt(f.states),
    fmtInt(s.states),
    f === undefined ? "" : `${(f.states / s.states).toFixed(1)}x`,
    `${fmtInt(red.ample)} / ${fmtInt(red.full)}`,
    spin === undefined ? "" : fmtInt(spin.states),
    vsSpin,
    r.bound === undefined ? "(none)" : `<= ${r.bound}`,
    f === undefined ? "" : f.seconds.toFixed(2),
    s.seconds.toFixed(2),
    spin === undefined ? "" : spin.pan.toFixed(2),
  ].join(" | ");
}

/** The anchors' rows: the reduced search only, within the budget, at the issue's scale. */
async function anchorRows(quick: boolean, spinOk: boolean): Promise<Row[]> {
  const rows: Row[] = [];
  for (const twin of ANCHORS) {
    const mod = await import(new URL(`../specs/${twin.file}.ts`, import.meta.url).href);
    const spec: Spec = mod[twin.name];
    for (const [i, params] of (quick ? twin.scales!.slice(0, 1) : twin.scales!).entries()) {
      const reduced = check(spec, { params, reduction: "por", maxStates: ANCHOR_BUDGET });
      const full = i === 0 ? check(spec, { params }) : undefined;
      const spin = spinOk ? await runSpin(twin, params, true, reduced.stats.states) : undefined;
      console.error(`[bench] anchor ${spec.name} ${paramText(spec, params)}: done`);
      rows.push({ spec, params, full, reduced, spin, bound: 1 });
    }
  }
  return rows;
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
      rows.push({ spec, params, full, reduced, spin, bound: BOUND[spec.name] });
    }
  }
  const anchors = await anchorRows(quick, why === undefined);
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
    "### SPIN's anchor models: an atomic receive-and-bookkeeping step",
    "",
    "`bench/spin/anchor_chan.pml` and `anchor_rendezvous.pml` (issue 17's",
    "anchors, as given) against `anchor_channel` and `anchor_rendezvous`:",
    "the consumer's receive, its check and its count in one",
    "atomic block. ipcspec reduces around the block (the other processes'",
    "local steps) but not inside it, and stores the states inside the block,",
    "where SPIN stores none; SPIN also merges chains of local statements into",
    "one transition. A rendezvous ends an ipcspec atomic block (docs/language.md),",
    "so the rendezvous consumer's check and count interleave with the others,",
    `where SPIN's receiver keeps the floor. The reduced search stops at ${fmtInt(ANCHOR_BUDGET)}`,
    "states (verdict `incomplete`); the unreduced one runs at the small scale only.",
    "",
    `| ${head.join(" | ")} |`,
    `| ${
      head.map((h, i) =>
        i < 3 ? "-".repeat(Math.max(3, h.length)) : "-".repeat(Math.max(3, h.length) - 1) + ":"
      ).join(" | ")
    } |`,
    ...anchors.map((r) => `| ${row(r)} |`),
    "",
  ].join("\n");
  if (!quick) writeSection("bench/RESULTS.md", "por", text);
  console.log(text);
  for (const r of rows) {
    const bound = r.bound;
    if (
      bound !== undefined && r.spin !== undefined && r.reduced.stats.states > bound * r.spin.states
    ) {
      console.error(`[bench] ${r.spec.name}: above the acceptance bound`);
      return 1;
    }
  }
  // The anchors' bound (issue 17) is not met yet: reported, not fatal.
  for (const r of anchors) {
    if (r.spin !== undefined && r.reduced.stats.states > r.spin.states) {
      console.error(
        `[bench] anchor ${r.spec.name} ${paramText(r.spec, r.params)}: ` +
          `${fmtInt(r.reduced.stats.states)} states, SPIN ${
            fmtInt(r.spin.states)
          }: above issue 17's bound`,
      );
    }
  }
  return 0;
}

if (import.meta.main) Deno.exit(await main());
