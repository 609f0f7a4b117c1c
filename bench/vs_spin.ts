/**
 * `deno task bench --vs-spin`: the bundled bounded-buffer, channel,
 * rendezvous and mailbox specs against their Promela twins in
 * `bench/spin/`, checked by SPIN at the same scales in the same run.
 *
 * The bench installs nothing: when `spin` or `gcc` is not on the PATH,
 * {@linkcode spinTools} says why and the caller skips the comparison. SPIN
 * runs in a temporary directory: `spin -a`, then `gcc -O2 -DSAFETY
 * -DNOREDUCE` (no partial-order reduction, as ipcspec's default search), then
 * `./pan`; and once more without `-DNOREDUCE` for reference.
 *
 * @module
 */

import type { CheckResult } from "../mod.ts";

type Params = Record<string, number | boolean | string>;

/** A Promela twin of a bundled spec. */
export interface Twin {
  /** The file under specs/ and the name of its export. */
  readonly file: string;
  readonly name: string;
  /** The Promela file under bench/spin/. */
  readonly pml: string;
  /** The `-D` macro of each spec parameter. */
  readonly macros: Readonly<Record<string, string>>;
  /** Its own scales, or undefined for the bench's small and main workloads. */
  readonly scales?: readonly Params[];
}

/** The twins, in the order they run. */
export const TWINS: readonly Twin[] = [
  {
    file: "pc_rendezvous",
    name: "pcRendezvous",
    pml: "rendezvous.pml",
    macros: { producers: "P", consumers: "C", items: "K" },
  },
  {
    file: "pc_channel",
    name: "pcChannel",
    pml: "pc_chan.pml",
    macros: { slots: "N", producers: "P", consumers: "C", items: "K" },
  },
  {
    file: "mailbox_exclusive",
    name: "mailboxExclusive",
    pml: "mailbox.pml",
    macros: { capacity: "B", receivers: "R", messages: "M" },
    scales: [
      { receivers: 2, messages: 2, capacity: 1 },
      { receivers: 4, messages: 6, capacity: 2 },
    ],
  },
  {
    file: "pc_semaphore",
    name: "pcSemaphore",
    pml: "pc_sem.pml",
    macros: { slots: "N", producers: "P", consumers: "C", items: "K" },
  },
];

/** What one SPIN verification measured. */
export interface SpinRun {
  readonly reduction: boolean;
  /** "ok", or what went wrong ("errors: 1", "depth too small", ...). */
  readonly verdict: string;
  readonly states: number;
  readonly transitions: number;
  readonly depth: number;
  readonly stateVector: number;
  /** pan's "total actual memory usage", in bytes. */
  readonly memoryBytes: number;
  /** pan's own elapsed time, in seconds. */
  readonly panSeconds: number;
  /** Wall times of `spin -a`, `gcc` and `./pan`, in seconds. */
  readonly spinA: number;
  readonly gcc: number;
  readonly pan: number;
}

/** One pair at one scale. */
export interface PairRun {
  readonly twin: Twin;
  readonly params: Params;
  readonly exact: CheckResult;
  /** Wall time of the exact `check()` call, in seconds. */
  readonly exactWall: number;
  readonly fingerprint?: CheckResult;
  readonly fingerprintWall?: number;
  readonly spin: SpinRun;
  readonly spinPor?: SpinRun;
}

/** How `pan` is built and run (also printed in the report). */
export const PAN_DEPTH = 100_000;

async function run(cmd: string, args: string[], cwd: string): Promise<[string, number]> {
  const t0 = performance.now();
  const out = await new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "piped" })
    .output();
  const seconds = (performance.now() - t0) / 1000;
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  if (!out.success) {
    throw new Error(`${cmd} ${args.join(" ")} failed (exit ${out.code}):\n${text.slice(-2000)}`);
  }
  return [text, seconds];
}

/**
 * Whether SPIN can run here: undefined when `spin` and `gcc` are on the
 * PATH and may be run, else why not.
 */
export async function spinTools(): Promise<string | undefined> {
  for (const [tool, args] of [["spin", ["-V"]], ["gcc", ["--version"]]] as const) {
    try {
      await new Deno.Command(tool, { args: [...args], stdout: "null", stderr: "null" }).output();
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) {
        return `'${tool}' is not on the PATH (the bench installs nothing; on Debian: apt-get install spin gcc)`;
      }
      throw e;
    }
  }
  return undefined;
}

/** The first line of `spin -V` and `gcc --version`. */
export async function spinVersions(): Promise<string[]> {
  const first = async (cmd: string, arg: string) =>
    (await run(cmd, [arg], Deno.cwd()))[0].split("\n")[0]!.trim();
  return [await first("spin", "-V"), await first("gcc", "--version")];
}

function num(text: string, re: RegExp): number {
  const m = re.exec(text);
  return m === null ? NaN : Number(m[1]);
}

/** Parses pan's report. */
function parsePan(text: string): Omit<SpinRun, "reduction" | "spinA" | "gcc" | "pan"> {
  const errors = num(text, /errors: (\d+)/);
  const verdict = text.includes("max search depth too small")
    ? "depth too small"
    : text.includes("out of memory")
    ? "out of memory"
    : Number.isNaN(errors)
    ? "no report"
    : errors === 0
    ? "ok"
    : `errors: ${errors}`;
  return {
    verdict,
    states: num(text, /(\d+) states, stored/),
    transitions: num(text, /(\d+) transitions \(= stored\+matched\)/),
    depth: num(text, /depth reached (\d+)/),
    stateVector: num(text, /State-vector (\d+) byte/),
    memoryBytes: num(text, /([\d.]+)\s+total actual memory usage/) * 2 ** 20,
    panSeconds: num(text, /pan: elapsed time ([\d.e+-]+) seconds/),
  };
}

/**
 * Verifies `pml` with SPIN in a fresh temporary directory: `spin -a` with
 * the scale's macros, `gcc`, `./pan`. `expected` (ipcspec's state count)
 * sizes the hash table.
 */
export async function runSpin(
  twin: Twin,
  params: Params,
  reduction: boolean,
  expected: number,
): Promise<SpinRun> {
  const dir = await Deno.makeTempDir({ prefix: "ipcspec-spin-" });
  try {
    const source = await Deno.readTextFile(new URL(`./spin/${twin.pml}`, import.meta.url));
    await Deno.writeTextFile(`${dir}/${twin.pml}`, source);
    const defines = Object.entries(params).filter(([k]) => k in twin.macros)
      .map(([k, v]) => `-D${twin.macros[k]}=${v}`);
    const [, spinA] = await run("spin", ["-a", ...defines, twin.pml], dir);
    let memlim = 8192;
    try {
      memlim = Math.floor(Deno.systemMemoryInfo().total * 0.6 / 2 ** 20);
    } catch {
      // no --allow-sys: keep 8 GiB
    }
    const [, gcc] = await run("gcc", [
      "-O2",
      "-DSAFETY",
      ...(reduction ? [] : ["-DNOREDUCE"]),
      "-DVECTORSZ=1024",
      `-DMEMLIM=${memlim}`,
      "-o",
      "pan",
      "pan.c",
    ], dir);
    const w = Math.max(16, Math.ceil(Math.log2(Math.max(2, expected))) + 1);
    const [text, pan] = await run(`${dir}/pan`, [`-m${PAN_DEPTH}`, `-w${w}`], dir);
    return { reduction, ...parsePan(text), spinA, gcc, pan };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function fmtInt(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : "?";
}

function ratio(a: number, b: number): string {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return "?";
  const r = a / b;
  return r >= 10 ? r.toFixed(1) : r >= 0.1 ? r.toFixed(2) : r.toPrecision(2);
}

function spinRate(s: SpinRun): number {
  return s.states / (s.panSeconds > 0 ? s.panSeconds : s.pan);
}

function spinWall(s: SpinRun): number {
  return s.spinA + s.gcc + s.pan;
}

function paramText(params: Params): string {
  return Object.entries(params).map(([k, v]) => `${k}=${v}`).join(" ");
}

/** The "vs SPIN" section of the report. */
export function spinSection(
  pairs: readonly PairRun[],
  versions: readonly string[],
  table: (head: readonly string[], rows: readonly string[][], right?: Set<string>) => string[],
): string[] {
  const head = [
    "spec",
    "params",
    "checker",
    "verdict",
    "states",
    "transitions",
    "states/s",
    "B/state",
    "wall s",
    "of which",
  ];
  const rows: string[][] = [];
  for (const p of pairs) {
    const ipc = (r: CheckResult, wall: number) => [
      r.spec,
      paramText(p.params),
      `ipcspec ${r.stats.store ?? "exact"}`,
      r.verdict,
      fmtInt(r.stats.states),
      fmtInt(r.stats.transitions),
      fmtInt(r.stats.statesPerSecond),
      r.stats.bytesPerState.toFixed(1),
      wall.toFixed(3),
      `search ${r.stats.seconds.toFixed(2)}`,
    ];
    const spin = (s: SpinRun) => [
      p.twin.pml,
      paramText(p.params),
      s.reduction ? "SPIN with POR" : "SPIN -DNOREDUCE",
      s.verdict,
      fmtInt(s.states),
      fmtInt(s.transitions),
      fmtInt(spinRate(s)),
      (s.memoryBytes / s.states).toFixed(1),
      spinWall(s).toFixed(3),
      `spin -a ${s.spinA.toFixed(2)} + gcc ${s.gcc.toFixed(2)} + pan ${s.pan.toFixed(2)}`,
    ];
    rows.push(ipc(p.exact, p.exactWall));
    if (p.fingerprint !== undefined) rows.push(ipc(p.fingerprint, p.fingerprintWall ?? NaN));
    rows.push(spin(p.spin));
    if (p.spinPor !== undefined) rows.push(spin(p.spinPor));
  }
  const rhead = [
    "spec",
    "params",
    "SPIN - ipcspec states",
    "states",
    "transitions",
    "states/s",
    "B/state",
    "wall",
    "wall vs SPIN with POR",
    "fingerprint wall",
  ];
  const rrows = pairs.map((p) => {
    const e = p.exact.stats, s = p.spin;
    return [
      p.exact.spec,
      paramText(p.params),
      fmtInt(s.states - e.states),
      ratio(e.states, s.states),
      ratio(e.transitions, s.transitions),
      ratio(e.statesPerSecond, spinRate(s)),
      ratio(e.bytesPerState, s.memoryBytes / s.states),
      ratio(p.exactWall, spinWall(s)),
      p.spinPor !== undefined ? ratio(p.exactWall, spinWall(p.spinPor)) : "",
      p.fingerprintWall !== undefined ? ratio(p.fingerprintWall, spinWall(s)) : "",
    ];
  });
  return [
    "## vs SPIN",
    "",
    "Each bundled spec against its Promela twin in `bench/spin/`, at the same scales,",
    "in this run (`--vs-spin`). The twins take the same steps as the specs: one",
    "Promela transition for each ipcspec transition (loop tests, asserts and `do`",
    "effects included; a `do` is a `d_step`). Each file says at its top what",
    "differs. SPIN runs in a temporary directory: `spin -a -D...`, then",
    `\`gcc -O2 -DSAFETY -DNOREDUCE -DVECTORSZ=1024 -DMEMLIM=...\`, then \`./pan -m${PAN_DEPTH} -wN\``,
    "(N from the expected state count), an exhaustive search storing whole state",
    "vectors, with no partial-order reduction, as ipcspec's default search. *SPIN",
    "with POR* is the same without `-DNOREDUCE`, for reference (ipcspec's own",
    "`--por` against it: the section *Partial-order reduction*). Versions:",
    ...versions.map((v) => `${v}.`),
    "",
    "- *states/s* is states stored per second of search (pan's own elapsed time;",
    "  ipcspec's `stats.statesPerSecond`).",
    "- *B/state*: for SPIN, pan's *total actual memory usage* (states, hash table",
    "  and DFS stack) per state; for ipcspec, `stats.bytesPerState` (the store and",
    "  its hash table, not the JavaScript runtime).",
    "- *wall s* is the wall time to the verdict: for SPIN `spin -a` + `gcc` +",
    "  `pan`; for ipcspec the `check()` call (building the model and the search).",
    "  At the small scales the times are fixed costs (mostly `gcc`), and pan's",
    "  elapsed time is too coarse for its states/s to mean much.",
    "",
    ...table(head, rows, new Set(["states", "transitions", "states/s", "B/state", "wall s"])),
    "",
    "Ratios ipcspec exact / SPIN -DNOREDUCE (above 1: ipcspec has more, or takes",
    "longer); *wall vs SPIN with POR* and *fingerprint wall* divide ipcspec exact's and",
    "ipcspec fingerprint's wall time by SPIN's.",
    "",
    ...table(rhead, rrows, new Set(rhead.slice(2))),
    "",
    ...(pairs.every((p) => p.spin.states - p.exact.stats.states === 1)
      ? ["The state counts agree but for one, in every pair and scale:"]
      : ["The state counts differ as *SPIN - ipcspec states* shows. Expected:"]),
    "the twins check the `atEnd` property in a process `atend` that waits for",
    "`timeout` (no other transition enabled), whose check is one more state after",
    "each terminal state (these specs have one); ipcspec checks `atEnd` in the",
    "terminal state itself. Processes end blocked at `end: false`, so SPIN has no",
    "`-end-` transitions that ipcspec lacks. The hand-off of `pc_rendezvous` is one",
    "joint transition in ipcspec and two in SPIN, whose intermediate state SPIN does",
    "not store. SPIN's transitions count the same way, plus the `atend` check.",
    "",
  ];
}
