/**
 * The benchmark: checks the bundled producer-consumer specs on one workload
 * large enough to time, and writes `bench/RESULTS.md`.
 *
 * ```sh
 * deno task bench                                # the full run (under a minute), writes bench/RESULTS.md
 * deno task bench --quick                        # a smoke run of a second or two, printed only
 * deno task bench --params items=2 --params producers=2   # another workload
 * deno task bench --quick --out bench/quick.md   # also write the smoke run's report
 * deno task bench --store exact                  # the exact store only
 * deno task bench --vs-spin                      # also SPIN on the Promela twins in bench/spin/
 * deno task bench --workers 1,2                  # only the parallel search, with 1 and 2 workers
 * ```
 *
 * The main case is `pc_semaphore`, the bounded buffer of docs/semantics.md
 * §9, at about 17 million states. `pc_rendezvous` and `pc_channel` move the
 * same items between the same processes over a channel, so the ratios show
 * what each mechanism costs. Each case is one `check()` call, as a library
 * user would make it, in this one process, the main case last. With
 * `--store` listing several stores (default `exact,fingerprint`), every
 * case runs over the first, and the main case also over each other one,
 * just before its run over the first: the report compares them.
 *
 * With `--vs-spin`, each spec of {@linkcode TWINS} (bench/vs_spin.ts) is
 * also checked by SPIN through its Promela twin in `bench/spin/`, at a small
 * scale and at the bench's workload (only the small one with `--quick`),
 * and the report gets a "vs SPIN" section. The bench installs nothing: when
 * `spin` or `gcc` is missing it says so and exits 0.
 *
 * With `--workers 1,2`, the bench runs only the main case, once with the
 * sequential fingerprint search (`check()`) and once with `checkParallel()`
 * for each number of workers, and replaces (or adds) the "Parallel search"
 * section of the report, leaving the other sections as they are. A full
 * run keeps that section too.
 *
 * @module
 */

import { cpus } from "node:os";
import process from "node:process";
import { parseArgs } from "node:util";
import { check, checkParallel, type CheckResult, formatStats, Spec } from "../mod.ts";
import { withKeptSections } from "./_sections.ts";
import {
  type PairRun,
  runSpin,
  spinSection,
  spinTools,
  spinVersions,
  type Twin,
  TWINS,
} from "./vs_spin.ts";

type Params = Record<string, number | boolean | string>;

/** The command `deno task bench` runs (deno.json). */
const TASK =
  "deno run --allow-read --allow-write=bench,/tmp --allow-env --allow-sys --allow-run bench/bench.ts";

/** A bundled spec: the file under specs/ and the name of its export. */
interface Bundled {
  readonly file: string;
  readonly name: string;
}

/** The specs, in the order they run; the last is the main case. */
const SPECS: readonly Bundled[] = [
  { file: "pc_rendezvous", name: "pcRendezvous" },
  { file: "pc_channel", name: "pcChannel" },
  { file: "pc_semaphore", name: "pcSemaphore" },
];

/** The workload: each spec gets the parameters it declares. */
const FULL: Params = { slots: 2, producers: 3, consumers: 2, items: 3 };
const QUICK: Params = { slots: 2, producers: 2, consumers: 2, items: 2 };

/** A state store of `check()`. */
type Store = "exact" | "fingerprint" | "bitstate";
const STORES: readonly Store[] = ["exact", "fingerprint", "bitstate"];

const USAGE =
  `usage: deno task bench [--quick] [--params name=value ...] [--store LIST] [--out FILE] [--vs-spin]

  --quick              a smoke run of a second or two; prints the report and writes
                       nothing unless --out is given
  --params name=value  change the workload (slots, producers, consumers, items); each
                       spec gets the parameters it declares; repeatable, or
                       comma-separated: --params slots=3,items=2
  --store LIST         state stores, comma-separated (exact, fingerprint, bitstate;
                       default exact,fingerprint): every case runs over the first, the
                       main case also over the others, and the report compares them
  --out FILE           where to write the report (default bench/RESULTS.md; the task
                       may write only under bench/ and /tmp)
  --vs-spin            also check the Promela twins in bench/spin/ with SPIN at the same
                       scales (the small one, and the workload unless --quick) and
                       compare; needs spin and gcc on the PATH (installs nothing: if
                       either is missing, says so and exits 0)
  --workers LIST       only the parallel search: the main case with the sequential
                       fingerprint search, then checkParallel() with each number of
                       workers in LIST (e.g. 1,2); replaces only the "Parallel search"
                       section of the report
  -h, --help           this help`;

/**
 * Loads a bundled spec the way the CLI loads spec files, by a dynamic
 * import. (A static import would type-check specs/ under the root compiler
 * options; specs/ is a workspace member with options of its own.)
 */
async function loadSpec(b: Bundled): Promise<Spec> {
  const mod: Record<string, unknown> = await import(`../specs/${b.file}.ts`);
  const s = mod[b.name];
  if (!(s instanceof Spec)) throw new TypeError(`specs/${b.file}.ts exports no spec '${b.name}'`);
  return s;
}

function parseParams(list: readonly string[]): Params {
  const out: Params = {};
  for (const item of list.flatMap((s) => s.split(","))) {
    const eq = item.indexOf("=");
    if (eq <= 0) throw new TypeError(`--params must look like name=value, got '${item}'`);
    out[item.slice(0, eq).trim()] = item.slice(eq + 1).trim();
  }
  return out;
}

/** The part of the workload that `spec` declares. */
function paramsFor(spec: Spec, workload: Params): Params {
  return Object.fromEntries(Object.entries(workload).filter(([k]) => k in spec.params));
}

function fmtInt(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

function fmtMiB(bytes: number): string {
  return bytes > 0 ? `${(bytes / 2 ** 20).toFixed(0)} MiB` : "unknown";
}

function paramText(params: Readonly<Record<string, number | boolean | string>>): string {
  return Object.entries(params).map(([k, v]) => `${k}=${v}`).join(" ");
}

/**
 * A Markdown table with padded columns, readable as plain text too. Columns
 * whose header is in `right` are right-aligned.
 */
function table(head: readonly string[], rows: readonly string[][], right = new Set<string>()) {
  const widths = head.map((h, i) => Math.max(3, h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    `| ${
      cells.map((c, i) => right.has(head[i]!) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))
        .join(" | ")
    } |`;
  const rule = `| ${
    head.map((h, i) => right.has(h) ? `${"-".repeat(widths[i]! - 1)}:` : "-".repeat(widths[i]!))
      .join(" | ")
  } |`;
  return [line(head), rule, ...rows.map(line)];
}

/** Wall time of each `check()` call of runCase, in seconds. */
const walls = new WeakMap<CheckResult, number>();

function runCase(spec: Spec, params: Params, store: Store): CheckResult {
  console.error(`[bench] ${spec.name} ${paramText(params)} (${store} store) ...`);
  let lastReport = 0;
  const t0 = performance.now();
  const result = check(spec, {
    params,
    store,
    onProgress: (p) => {
      if (p.seconds - lastReport < 5) return;
      lastReport = p.seconds;
      console.error(
        `[bench]   ${fmtInt(p.states)} states, depth ${p.depth}, ` +
          `${fmtInt(p.statesPerSecond)} states/s, ${fmtMiB(p.memoryBytes)} RSS`,
      );
    },
  });
  walls.set(result, (performance.now() - t0) / 1000);
  console.error(`[bench]   ${result.verdict}: ${formatStats(result.stats)}`);
  return result;
}

/** Whether a run of `check()` had these parameters (given as numbers or as strings). */
function sameParams(r: CheckResult, spec: Spec, params: Params): boolean {
  return Object.entries(r.params).every(([k, v]) =>
    String(params[k] ?? spec.params[k as keyof typeof spec.params]) === String(v)
  );
}

/**
 * One pair of `--vs-spin` at one scale: ipcspec over the exact and the
 * fingerprint store (reusing the bench's own runs of the same case), then
 * SPIN without and with partial-order reduction.
 */
async function runPair(
  twin: Twin,
  spec: Spec,
  params: Params,
  done: readonly CheckResult[],
): Promise<PairRun> {
  const find = (store: Store) =>
    done.find((r) =>
      r.spec === spec.name && (r.stats.store ?? "exact") === store && sameParams(r, spec, params)
    );
  const fingerprint = find("fingerprint") ?? runCase(spec, params, "fingerprint");
  const exact = find("exact") ?? runCase(spec, params, "exact");
  const spin = [];
  for (const reduction of [false, true]) {
    console.error(
      `[bench] SPIN ${twin.pml} ${paramText(exact.params)}${reduction ? " with POR" : ""} ...`,
    );
    const s = await runSpin(twin, exact.params, reduction, exact.stats.states);
    console.error(
      `[bench]   ${s.verdict}: ${fmtInt(s.states)} states, ${fmtInt(s.transitions)} transitions, ` +
        `spin -a ${s.spinA.toFixed(2)} s, gcc ${s.gcc.toFixed(2)} s, pan ${s.pan.toFixed(2)} s`,
    );
    spin.push(s);
  }
  return {
    twin,
    params: exact.params,
    exact,
    exactWall: walls.get(exact) ?? exact.stats.seconds,
    fingerprint,
    fingerprintWall: walls.get(fingerprint) ?? fingerprint.stats.seconds,
    spin: spin[0]!,
    spinPor: spin[1]!,
  };
}

/** The commit checked out (read from .git, so it needs no --allow-run), or "unknown". */
function headCommit(): string {
  try {
    const head = Deno.readTextFileSync(".git/HEAD").trim();
    if (!head.startsWith("ref: ")) return head.slice(0, 12);
    const ref = head.slice(5);
    try {
      return Deno.readTextFileSync(`.git/${ref}`).trim().slice(0, 12);
    } catch {
      const packed = Deno.readTextFileSync(".git/packed-refs");
      const line = packed.split("\n").find((l) => l.endsWith(` ${ref}`));
      return line?.slice(0, 12) ?? "unknown";
    }
  } catch {
    return "unknown";
  }
}

/** The machine and runtime, as far as Deno can tell. */
function machine(): string[] {
  let memory = "unknown";
  try {
    memory = `${(Deno.systemMemoryInfo().total / 2 ** 30).toFixed(1)} GiB`;
  } catch {
    // no --allow-sys: leave it unknown
  }
  let cpu = "unknown model";
  try {
    cpu = cpus()[0]?.model.trim() || cpu;
  } catch {
    // no --allow-sys: leave it unknown
  }
  let kernel = "";
  try {
    kernel = ` (kernel ${Deno.osRelease()})`;
  } catch {
    // no --allow-sys
  }
  return [
    `- Deno ${Deno.version.deno}, V8 ${Deno.version.v8}, TypeScript ${Deno.version.typescript}`,
    `- OS: ${Deno.build.os} ${Deno.build.arch}${kernel}`,
    `- CPU: ${cpu}, ${navigator.hardwareConcurrency} logical cores (the checker uses one; \`checkParallel()\` one per worker)`,
    `- Memory: ${memory} total`,
  ];
}

function parseStores(list: readonly string[]): Store[] {
  const out: Store[] = [];
  for (const item of list.flatMap((s) => s.split(","))) {
    const store = item.trim() as Store;
    if (!STORES.includes(store)) {
      throw new TypeError(`--store takes exact, fingerprint or bitstate, got '${item}'`);
    }
    if (!out.includes(store)) out.push(store);
  }
  return out;
}

function fmtProbability(p: number | undefined): string {
  return p === undefined ? "" : p === 0 ? "0" : p < 0.001 ? p.toExponential(1) : p.toFixed(3);
}

/** The main case over each store: what the store costs and what it may miss. */
function storeRows(runs: readonly CheckResult[]): string[][] {
  return runs.map((r) => {
    const t = r.stats;
    const missed = t.store === "bitstate"
      ? `coverage ${((t.coverage ?? 1) * 100).toFixed(4)}%, P(miss) ${
        fmtProbability(t.omissionProbability)
      }`
      : t.store === "fingerprint"
      ? `P(miss) ${fmtProbability(t.omissionProbability)} (TLC optimistic), ${
        fmtProbability(t.omissionProbabilityActual)
      } (actual)`
      : "none (exact)";
    return [
      t.store ?? "exact",
      r.verdict,
      fmtInt(t.states),
      t.seconds.toFixed(2),
      fmtInt(t.statesPerSecond),
      t.bytesPerState.toFixed(1),
      fmtMiB(t.bytesPerState * t.states),
      t.frontierPeakBytes !== undefined ? fmtMiB(t.frontierPeakBytes) : "(in store)",
      fmtMiB(t.peakMemoryBytes),
      missed,
    ];
  });
}

function report(
  results: readonly CheckResult[],
  stores: readonly CheckResult[],
  command: string,
  quick: boolean,
  extra: readonly string[] = [],
): string {
  const main = results[results.length - 1]!;
  const s = main.stats;
  const measures = [
    ["verdict", main.verdict],
    ["states", fmtInt(s.states)],
    ["transitions", fmtInt(s.transitions)],
    ["depth", String(s.depth)],
    ["seconds", s.seconds.toFixed(2)],
    ["states/s", fmtInt(s.statesPerSecond)],
    ["bytes/state (store)", s.bytesPerState.toFixed(1)],
    ["state width (Int32 slots)", String(s.stateWidth)],
    ["peak memory (RSS)", fmtMiB(s.peakMemoryBytes)],
  ];
  const head = [
    "spec",
    "params",
    "verdict",
    "states",
    "vs main",
    "transitions",
    "depth",
    "s",
    "states/s",
    "B/state",
    "slots",
    "peak RSS",
  ];
  const rows = results.map((r) => {
    const t = r.stats;
    return [
      r.spec,
      paramText(r.params),
      r.verdict,
      fmtInt(t.states),
      (t.states / s.states).toFixed(3),
      fmtInt(t.transitions),
      String(t.depth),
      t.seconds.toFixed(2),
      fmtInt(t.statesPerSecond),
      t.bytesPerState.toFixed(1),
      String(t.stateWidth),
      fmtMiB(t.peakMemoryBytes),
    ];
  });
  return [
    "<!-- deno-fmt-ignore-file -->",
    "<!-- Written by bench/bench.ts (deno task bench); rerun it rather than editing. -->",
    "",
    `# Benchmark results${quick ? " (quick smoke run)" : ""}`,
    "",
    `Date: ${new Date().toISOString().replace(/\.\d+Z$/, "Z")}`,
    "",
    `Commit: ${headCommit()} (uncommitted changes, if any, are not shown)`,
    "",
    `Command: \`${command}\`, from the repository root. \`deno task bench\` runs`,
    `\`${TASK}\`.`,
    "",
    "## Main case",
    "",
    `\`${main.spec}\` (${paramText(main.params)}): the bounded buffer of docs/semantics.md`,
    "§9 (a ring buffer, semaphores `empty` and `full`, a mutex), checked exhaustively",
    `by \`check()\`: a breadth-first search over the ${main.stats.store ?? "exact"} state store.`,
    "",
    ...table(["measure", "value"], measures, new Set(["value"])),
    "",
    "## The same workload over each mechanism",
    "",
    "The same producers, consumers and items, exchanged over a rendezvous channel,",
    "a bounded channel, and shared memory with semaphores and a mutex. The cases",
    "ran in this order, in one process, one `check()` call each. *vs main* is the",
    "ratio of the case's states to the main case's states.",
    "",
    ...table(head, rows, new Set(head.slice(3))),
    "",
    ...(stores.length > 1
      ? [
        "## Stores",
        "",
        `The main case over each state store, in the order they ran (the ${
          main.stats.store ?? "exact"
        } run is`,
        "the main case above). *B/state* and *store size* count the store: for the exact store",
        "the states themselves (which are also its BFS queue), for the fingerprint store",
        "its table of 64-bit fingerprints and the parent links, for the bitstate store its",
        "bit array. *frontier* is the peak of the separate queue of states waiting to be",
        "expanded, which the fingerprint and bitstate stores need. The runs share the",
        "JIT's feedback: the model's code has then seen two kinds of successor sink, which",
        "makes the exact store slower after a fingerprint run than in a process of its own",
        "(the main case alone: 1.16 M states/s on 2026-11-21, against 1.04 M in that day's run).",
        "",
        ...table(
          [
            "store",
            "verdict",
            "states",
            "s",
            "states/s",
            "B/state",
            "store size",
            "frontier",
            "peak RSS",
            "missed states",
          ],
          storeRows(stores),
          new Set(["states", "s", "states/s", "B/state", "store size", "frontier", "peak RSS"]),
        ),
        "",
      ]
      : []),
    ...extra,
    "## Machine",
    "",
    ...machine(),
    "",
    "## Reading the figures",
    "",
    "- *states* counts the distinct states stored. *transitions* counts the",
    "  successors generated, known states included. *depth* is the deepest",
    "  breadth-first level.",
    "- *bytes/state* (`stats.bytesPerState`) covers the exact store only: each",
    "  state's packed words (lanes of 8, 16 or 32 bits a slot), its parent link and the transition that reached it,",
    "  plus the hash table, divided by the number of states. It does not count",
    "  the JavaScript runtime.",
    "- *peak RSS* is the resident memory of the whole bench process. It is",
    "  sampled about once a second and at the end of each case, so it includes",
    "  the runtime (about 50 MiB) and anything earlier cases left to the garbage",
    "  collector.",
    "",
  ].join("\n");
}

/** The heading of the section `--workers` writes (and a full run keeps). */
const PARALLEL_HEADING = "## Parallel search";

/** The 1-minute load average, or undefined without --allow-sys. */
function load(): number | undefined {
  try {
    return Deno.loadavg()[0];
  } catch {
    return undefined;
  }
}

/** One run of the parallel section: the result, its wall time and the load around it. */
interface ParallelRun {
  readonly label: string;
  readonly workers: number;
  readonly result: CheckResult;
  readonly wall: number;
  /** CPU seconds of the whole process (every thread) during the call. */
  readonly cpu: number;
  readonly loadBefore: number | undefined;
  readonly loadAfter: number | undefined;
}

async function runParallel(b: Bundled, spec: Spec, params: Params, workers: number) {
  const label = workers === 0
    ? "check() (sequential)"
    : `checkParallel(), ${workers} worker${workers === 1 ? "" : "s"}`;
  console.error(`[bench] ${spec.name} ${paramText(params)}: ${label} ...`);
  const loadBefore = load();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let lastReport = 0;
  const onProgress = (p: { seconds: number; states: number; statesPerSecond: number }) => {
    if (p.seconds - lastReport < 5) return;
    lastReport = p.seconds;
    console.error(
      `[bench]   ${fmtInt(p.states)} states, ${fmtInt(p.statesPerSecond)} states/s`,
    );
  };
  const result = workers === 0
    ? check(spec, { params, store: "fingerprint", onProgress })
    : await checkParallel(
      { module: new URL(`../specs/${b.file}.ts`, import.meta.url), export: b.name },
      { params, workers, onProgress },
    );
  const wall = (performance.now() - t0) / 1000;
  const used = process.cpuUsage(cpu0);
  const cpu = (used.user + used.system) / 1e6;
  const loadAfter = load();
  console.error(`[bench]   ${result.verdict}: ${formatStats(result.stats)}`);
  return { label, workers, result, wall, cpu, loadBefore, loadAfter };
}

/** The "Parallel search" section. */
function parallelSection(runs: readonly ParallelRun[], command: string): string[] {
  const one = runs.find((r) => r.workers === 1);
  const seq = runs.find((r) => r.workers === 0);
  const main = runs[runs.length - 1]!.result;
  const fmtLoad = (x: number | undefined) => x === undefined ? "?" : x.toFixed(2);
  const rows = runs.map((r) => {
    const t = r.result.stats;
    return [
      r.label,
      r.result.verdict,
      fmtInt(t.states),
      fmtInt(t.transitions),
      String(t.depth),
      t.seconds.toFixed(2),
      r.wall.toFixed(2),
      fmtInt(t.statesPerSecond),
      one !== undefined && r.workers > 0
        ? (t.statesPerSecond / one.result.stats.statesPerSecond).toFixed(2)
        : "",
      seq !== undefined ? (t.statesPerSecond / seq.result.stats.statesPerSecond).toFixed(2) : "",
      r.cpu.toFixed(1),
      (r.cpu / r.wall).toFixed(2),
      fmtInt(t.states / r.cpu),
      t.bytesPerState.toFixed(1),
      fmtMiB(t.frontierPeakBytes ?? 0),
      fmtMiB(t.peakMemoryBytes),
      `${fmtLoad(r.loadBefore)} / ${fmtLoad(r.loadAfter)}`,
    ];
  });
  const ratios = runs.filter((r) => r.workers > 1 && one !== undefined).map((r) =>
    `- ${r.workers} workers / 1 worker: **${
      (r.result.stats.statesPerSecond / one!.result.stats.statesPerSecond).toFixed(2)
    }×** the states/s (${fmtInt(r.result.stats.statesPerSecond)} vs ${
      fmtInt(one!.result.stats.statesPerSecond)
    })${
      seq !== undefined
        ? `; ${
          (r.result.stats.statesPerSecond / seq.result.stats.statesPerSecond).toFixed(2)
        }× the sequential \`check()\` (${fmtInt(seq.result.stats.statesPerSecond)})`
        : ""
    }.`
  );
  const head = [
    "search",
    "verdict",
    "states",
    "transitions",
    "depth",
    "s",
    "wall s",
    "states/s",
    "vs 1 worker",
    "vs check()",
    "CPU s",
    "cores used",
    "states/CPU s",
    "B/state",
    "frontier",
    "peak RSS",
    "load 1 min before / after",
  ];
  return [
    PARALLEL_HEADING,
    "",
    `Date: ${new Date().toISOString().replace(/\.\d+Z$/, "Z")}, commit ${headCommit()}.`,
    `Command: \`${command}\`, from the repository root.`,
    "",
    `\`${main.spec}\` (${paramText(main.params)}) over the fingerprint store: first the`,
    'sequential search (`check(spec, { store: "fingerprint" })`), then `checkParallel()`',
    "with each number of workers, one after the other in one process. Each worker",
    "compiles the spec itself; *s* is the search (from the workers being ready to the",
    "verdict), *wall s* the whole call (worker start-up, compiling, rebuilding nothing:",
    "the verdict is ok). *B/state* counts the shared fingerprint table and the parent",
    "links; *frontier* the chunks of states waiting to be expanded. The machine",
    `has ${navigator.hardwareConcurrency} logical cores and was shared with other jobs while this ran:`,
    "the *load* column is the 1-minute load average (`Deno.loadavg()`, as `uptime`",
    "prints it) before and after each run; a load above the core count means the",
    "runs competed for the cores, and the figures are then lower bounds. *CPU s* is",
    "the CPU time of the whole process (all its threads, `process.cpuUsage()`) during",
    "the call, *cores used* that over the wall time: two workers can only be faster",
    "than one if the machine gives them two cores (with other jobs running, Linux's",
    "fair share per session can hold the process to less than one core however many",
    "threads it has). *states/CPU s* is the work per CPU second, the parallel",
    "overhead: it does not depend on the load.",
    "",
    ...table(head, rows, new Set(head.slice(2, -1))),
    "",
    ...ratios,
    "",
  ];
}

/** `text` with its parallel section replaced by `section` (or added before the machine). */
function spliceSection(text: string, section: readonly string[]): string {
  const lines = text.split("\n");
  const start = lines.indexOf(PARALLEL_HEADING);
  const body = [...section];
  if (start >= 0) {
    let end = lines.findIndex((l, i) => i > start && l.startsWith("## "));
    if (end < 0) end = lines.length;
    return [...lines.slice(0, start), ...body, ...lines.slice(end)].join("\n");
  }
  const machineAt = lines.indexOf("## Machine");
  if (machineAt >= 0) {
    return [...lines.slice(0, machineAt), ...body, ...lines.slice(machineAt)].join("\n");
  }
  return [...lines, "", ...body].join("\n");
}

/** The parallel section of `text`, if it has one. */
function sectionOf(text: string): string[] | undefined {
  const lines = text.split("\n");
  const start = lines.indexOf(PARALLEL_HEADING);
  if (start < 0) return undefined;
  let end = lines.findIndex((l, i) => i > start && l.startsWith("## "));
  if (end < 0) end = lines.length;
  return lines.slice(start, end);
}

async function workersMain(
  list: string,
  quick: boolean,
  workload: Params,
  out: string | undefined,
) {
  const counts = list.split(",").map((x) => Number(x.trim()));
  if (counts.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new TypeError(`--workers takes positive integers, comma-separated, got '${list}'`);
  }
  const b = SPECS[SPECS.length - 1]!;
  const spec = await loadSpec(b);
  const params = paramsFor(spec, workload);
  const runs: ParallelRun[] = [];
  for (const n of [0, ...counts]) runs.push(await runParallel(b, spec, params, n));
  const section = parallelSection(runs, ["deno task bench", ...Deno.args].join(" "));
  console.log(section.join("\n"));
  const target = out ?? (quick ? undefined : "bench/RESULTS.md");
  if (target !== undefined) {
    let text = "";
    try {
      text = Deno.readTextFileSync(target);
    } catch {
      text = "<!-- deno-fmt-ignore-file -->\n\n# Benchmark results\n";
    }
    Deno.writeTextFileSync(target, spliceSection(text, section));
    console.error(`[bench] wrote the parallel section of ${target}`);
  }
  return runs.every((r) => r.result.verdict === "ok") ? 0 : 1;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      quick: { type: "boolean" },
      params: { type: "string", multiple: true },
      out: { type: "string" },
      store: { type: "string", multiple: true },
      "vs-spin": { type: "boolean" },
      workers: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help === true) {
    console.log(USAGE);
    return 0;
  }
  const quick = values.quick === true;
  const vsSpin = values["vs-spin"] === true;
  if (vsSpin) {
    if (Deno.permissions.querySync({ name: "run" }).state !== "granted") {
      throw new TypeError(
        "--vs-spin needs --allow-run (spin, gcc, pan) and --allow-write to the temp directory",
      );
    }
    const why = await spinTools();
    if (why !== undefined) {
      console.log(`[bench] --vs-spin skipped: ${why}`);
      return 0;
    }
  }
  const workload = { ...(quick ? QUICK : FULL), ...parseParams(values.params ?? []) };
  if (values.workers !== undefined) {
    return await workersMain(values.workers, quick, workload, values.out);
  }
  const specs = await Promise.all(SPECS.map(loadSpec));
  for (const k of Object.keys(workload)) {
    if (!specs.some((spec) => k in spec.params)) {
      throw new TypeError(`no benchmarked spec has a parameter '${k}'`);
    }
  }
  const stores = parseStores(values.store ?? ["exact,fingerprint"]);
  const first = stores[0] ?? "exact";
  const results: CheckResult[] = [];
  const byStore: CheckResult[] = [];
  specs.forEach((spec, i) => {
    const params = paramsFor(spec, workload);
    if (i === specs.length - 1) {
      // The main case over the other stores first, so that its run over the
      // first store stays the last case.
      for (const store of stores.slice(1)) byStore.push(runCase(spec, params, store));
    }
    results.push(runCase(spec, params, first));
  });
  byStore.push(results[results.length - 1]!);
  const pairs: PairRun[] = [];
  if (vsSpin) {
    for (const twin of TWINS) {
      const spec = await loadSpec(twin);
      const scales = twin.scales ?? [QUICK, workload];
      const seen = new Set<string>();
      for (const scale of quick ? scales.slice(0, 1) : scales) {
        const params = paramsFor(spec, scale);
        if (seen.has(JSON.stringify(params))) continue;
        seen.add(JSON.stringify(params));
        pairs.push(await runPair(twin, spec, params, [...results, ...byStore]));
      }
    }
  }
  const extra = vsSpin ? spinSection(pairs, await spinVersions(), table) : [];
  const text = report(
    results,
    byStore,
    ["deno task bench", ...Deno.args].join(" "),
    quick,
    extra,
  );
  const out = values.out ?? (quick ? undefined : "bench/RESULTS.md");
  if (out !== undefined) {
    // Keep the section a `--workers` run wrote.
    let kept: string[] | undefined;
    try {
      kept = sectionOf(Deno.readTextFileSync(out));
    } catch {
      kept = undefined;
    }
    // And the sections other benchmarks own (bench/symmetry.ts).
    const next = kept === undefined ? text : spliceSection(text, kept);
    Deno.writeTextFileSync(out, withKeptSections(next, out));
    console.error(`[bench] wrote ${out}`);
  }
  console.log(text);
  const unexpected = [
    ...results,
    ...byStore.slice(0, -1),
    ...pairs.flatMap((p) => [p.exact, ...(p.fingerprint !== undefined ? [p.fingerprint] : [])]),
  ].filter((r) => r.verdict !== "ok");
  for (const r of unexpected) {
    console.error(
      `[bench] ${r.spec}: expected ok, got ${r.verdict}${
        r.error !== undefined ? `: ${r.error.message}` : ""
      }`,
    );
  }
  const spinFailed = pairs.flatMap((p) => [p.spin, ...(p.spinPor !== undefined ? [p.spinPor] : [])])
    .filter((s) => s.verdict !== "ok");
  for (const s of spinFailed) console.error(`[bench] SPIN: expected ok, got ${s.verdict}`);
  return unexpected.length === 0 && spinFailed.length === 0 ? 0 : 1;
}

if (import.meta.main) {
  try {
    Deno.exit(await main());
  } catch (e) {
    console.error(`error: ${e instanceof Error ? e.message : String(e)}\n\n${USAGE}`);
    Deno.exit(2);
  }
}
