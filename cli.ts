/**
 * The command line: `ipcspec check <spec files or folders...>`.
 *
 * Options are parsed with `node:util`'s `parseArgs` (JSR's `@std/cli` is
 * out of reach of the machines this project targets).
 *
 * Exit codes: 0 ok, 1 violation (or, with `--expect`, a verdict that differs
 * from the declared one), 2 incomplete, 3 error (bad input, a spec that
 * cannot be checked).
 *
 * @example
 * ```sh
 * deno run --allow-read cli.ts check specs/pc_semaphore.ts --param producers=2
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { checkAsync } from "./checker/check.ts";
import { checkParallel } from "./checker/parallel.ts";
import type { Progress } from "./checker/_search.ts";
import { parseTrace, replay } from "./checker/replay.ts";
import { formatCounterexample, formatJson, formatText } from "./checker/report.ts";
import type { CheckResult, Verdict } from "./checker/result.ts";
import { Spec } from "./model/spec.ts";
import { coverage, formatCoverage } from "./checker/coverage.ts";
import { explainTrace } from "./checker/explain.ts";
import { formatSweep, parseRange, sweep, type SweepResult } from "./checker/sweep.ts";
import { formatSimulation, simulate } from "./checker/simulate.ts";
import {
  formatScheduleFile,
  parseScheduleFile,
  replaySchedule,
  type ScheduleFile,
  scheduleFileOf,
} from "./checker/schedule_file.ts";
import { dirname } from "node:path";
import { expectationText, meetsExpectation as meetsDeclared } from "./checker/expectation.ts";
import { supervise } from "./cli/_sandbox.ts";

/** Exit codes of the CLI, one per verdict class. */
export const EXIT = { ok: 0, violation: 1, incomplete: 2, error: 3 } as const;

/** Where the CLI writes; tests pass their own. */
export interface CliIO {
  /** Standard output, one call per block of lines. */
  out(text: string): void;
  /** Standard error. */
  err(text: string): void;
  /**
   * Polled during the run: `true` stops it as Ctrl-C does (the sandbox's
   * supervisor asks through it; see `cli/_sandbox.ts`).
   */
  stopRequested?(): boolean;
  /** Called as the work on one spec begins (check: each spec; sweep, simulate: once). */
  onSpec?(name: string, file: string): void;
  /** Receives the search's progress reports (about once a second), whatever `--progress` says. */
  onProgress?(spec: string, p: Progress): void;
  /**
   * Writes a file the command produces (simulate's schedule file): at
   * `path`, or in a new temporary file named after `temp`. Returns the path
   * written. The sandbox's supervisor writes for its child, which may not.
   */
  writeFile?(
    path: string | undefined,
    temp: { prefix: string; suffix: string },
    text: string,
  ): Promise<string>;
}

/**
 * Writes `text` at `path`, or in a new temporary file (see {@linkcode CliIO.writeFile}).
 *
 * @param path Where, or undefined for a new temporary file.
 * @param temp The temporary file's name prefix and suffix.
 * @param text What.
 * @returns The path written.
 *
 * @example
 * ```ts
 * import { writeFile } from "./cli.ts";
 * import assert from "node:assert/strict";
 *
 * const p = await writeFile(undefined, { prefix: "x-", suffix: ".txt" }, "hi");
 * assert.equal(await Deno.readTextFile(p), "hi");
 * await Deno.remove(p);
 * ```
 */
export async function writeFile(
  path: string | undefined,
  temp: { prefix: string; suffix: string },
  text: string,
): Promise<string> {
  const out = path ?? await Deno.makeTempFile(temp);
  await Deno.writeTextFile(out, text);
  return out;
}

const defaultIO: CliIO = {
  // deno-lint-ignore no-console
  out: (t) => console.log(t),
  // deno-lint-ignore no-console
  err: (t) => console.error(t),
};

const USAGE = `usage: ipcspec check <spec files or folders...> [options]
       ipcspec list <spec files or folders...>
       ipcspec sweep <spec file> --param name=1..4 [--param name=1,2,4 ...] [options]
       ipcspec simulate <spec file> [options]
       ipcspec replay <schedule file>

options:
  --param name=value   override a spec parameter (repeatable)
  --spec name          check only the spec with this name
  --max-states N       stop after N distinct states (verdict: incomplete)
  --max-depth N        do not search deeper than N steps (verdict: incomplete)
  --strategy bfs|dfs   search breadth-first (default: shortest traces) or depth-first
  --store exact|fingerprint|bitstate
                       keep every state (default), a 64-bit fingerprint and a parent
                       link per state (16 bytes at most; reports the probability that a
                       state was missed), or k = 3 bits per state of a bit array
                       (SPIN's supertrace; reports its coverage); the last two search
                       breadth-first
  --bitstate-bits N    the bit array of --store bitstate has 2^N bits (default 30,
                       128 MiB; 5 to 37)
  --symmetry           symmetry reduction: one state per orbit of the copies of
                       process kinds declared symmetric (same verdicts, real traces)
  --por                partial-order reduction: where one process's next steps are
                       independent of the others and invisible to the invariants,
                       explore only them (same safety verdicts, real traces that
                       need not be shortest; not with --symmetry or --workers)
  --workers N          search with N workers (Web Workers) sharing a fingerprint table:
                       breadth-first over the fingerprint store, the same verdicts and
                       shortest traces; safety only (a spec with liveness properties
                       gets the verdict error). 1 (default): the sequential search
  --time S             stop after S seconds (verdict: incomplete)
  --format text|json   output format (default text)
  --expect             compare each verdict with the one the spec declares
  --replay TRACE       replay a trace (as printed, e.g. 0:3,1,4) instead of searching
  --progress           print progress to stderr every second (default on a terminal)
  --coverage           report which blocking steps and leadsTo triggers were reached
  --require-coverage   fail (exit 1) when a blocking step or a trigger was never reached
  --check-purity       run one state in 16 twice and compare the successors, to find
                       spec code that depends on something outside the state (by
                       default the first 64 states and one in 1024 are compared)
  --max-memory SIZE    end the run as incomplete when it holds more than SIZE (e.g. 4G,
                       512M; default: half the machine's memory, at most 16 GiB)
  --step-timeout S     a single step, guard or property that runs longer than S seconds
                       ends the run with an error naming it (default 10)
  --allow-spec-io      run the spec's code with the CLI's own permissions instead of in
                       the sandbox (read access to the spec's folder and ipcspec only)
  -h, --help           this help

sweep (check every configuration of a grid, report the smallest failing one):
  --param name=RANGE   a range 1..4 or a list 1,2,4 is swept; a single value is fixed
  --max-states N       the state budget of each point (default 100000)
  --mode auto|grid|random  enumerate the grid, or sample it with fast-check (default auto)
  --grid-limit N       the largest grid auto enumerates (default 64)
  --all                enumerate every point, not only up to the first failure
  --symmetry           check each point with symmetry reduction (see check)
  --runs N             random mode: points to generate (default 100)
  --seed S, --path P   random mode: fast-check's seed and path, to reproduce a sweep

simulate (random schedules, shrunk on a violation; for configurations too large to check):
  --runs N             schedules to try (default 1000)
  --max-steps N        steps per schedule (default 1000)
  --seed S, --path P   fast-check's seed and path, to reproduce a simulation
  --time S             stop after S seconds
  --out FILE           where to write the schedule file (default: a new file in the temp dir)

exit codes: 0 ok, 1 violation (or an expectation not met), 2 incomplete, 3 error`;

/** Options the sandbox's supervisor reads (see `cli/_sandbox.ts`); every command takes them. */
export const SANDBOX_OPTIONS = {
  "allow-spec-io": { type: "boolean" },
  "max-memory": { type: "string" },
  "step-timeout": { type: "string" },
} as const;

class UsageError extends Error {}

function positiveInt(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < 1) {
    throw new UsageError(`--${name} must be a positive integer, got '${v}'`);
  }
  return Number(v);
}

function positiveNumber(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n) || n <= 0) {
    throw new UsageError(`--${name} must be a positive number of seconds, got '${v}'`);
  }
  return n;
}

/** Spec files named by the arguments: files as given, folders' `*.ts` not starting with `_`. */
async function specFiles(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(p);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) {
        throw new UsageError(`Cannot load spec file '${p}': no such file or directory`);
      }
      throw new UsageError(`Cannot load spec file '${p}': ${(e as Error).message}`);
    }
    if (info.isDirectory) {
      const names: string[] = [];
      for await (const entry of Deno.readDir(p)) {
        if (entry.isFile && entry.name.endsWith(".ts") && !entry.name.startsWith("_")) {
          names.push(entry.name);
        }
      }
      names.sort();
      for (const n of names) out.push(`${p.replace(/\/$/, "")}/${n}`);
    } else {
      out.push(p);
    }
  }
  return out;
}

async function loadSpecs(file: string): Promise<Spec[]> {
  let mod: Record<string, unknown>;
  try {
    mod = await import(pathToFileURL(resolve(file)).href);
  } catch (e) {
    const msg = e instanceof Error ? e.message.split("\n")[0] : String(e);
    throw new UsageError(`Cannot load spec file '${file}': ${msg}`);
  }
  const specs = Object.values(mod).filter((v): v is Spec => v instanceof Spec);
  if (specs.length === 0) {
    throw new UsageError(`Cannot load spec file '${file}': it exports no spec (made with spec())`);
  }
  return specs;
}

/** The name under which `file` exports `spec` (what a worker of --workers imports). */
async function exportName(file: string, spec: Spec): Promise<string> {
  const mod: Record<string, unknown> = await import(pathToFileURL(resolve(file)).href);
  const name = Object.keys(mod).find((k) => mod[k] === spec);
  if (name === undefined) {
    throw new UsageError(`Cannot load spec file '${file}': it does not export '${spec.name}'`);
  }
  return name;
}

function parseParams(list: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list) {
    const eq = item.indexOf("=");
    if (eq <= 0) throw new UsageError(`--param must look like name=value, got '${item}'`);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

function expectedText(s: Spec): string {
  return expectationText(s.expect);
}

function meetsExpectation(s: Spec, r: CheckResult): boolean {
  return meetsDeclared(s.expect, r);
}

const SEVERITY: Record<Verdict, number> = { ok: 0, incomplete: 1, violation: 2, error: 3 };

/**
 * Runs the CLI.
 *
 * @param args The arguments, without the program name.
 * @param io Where to write.
 * @returns The exit code.
 *
 * @example
 * ```ts
 * import { main } from "./cli.ts";
 * import assert from "node:assert/strict";
 *
 * const lines: string[] = [];
 * const code = await main(["--bogus"], { out: (t) => lines.push(t), err: (t) => lines.push(t) });
 * assert.equal(code, 3);
 * ```
 */
export async function main(args: string[], io: CliIO = defaultIO): Promise<number> {
  try {
    return await run(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`error: ${e.message}`);
      return EXIT.error;
    }
    const err = e as { code?: string; message?: string };
    if (typeof err.code === "string" && err.code.startsWith("ERR_PARSE_ARGS")) {
      io.err(`error: ${err.message}\n\n${USAGE}`);
      return EXIT.error;
    }
    io.err(`error: ${e instanceof Error ? e.message : String(e)}`);
    return EXIT.error;
  }
}

async function run(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      param: { type: "string", multiple: true },
      spec: { type: "string" },
      "max-states": { type: "string" },
      "max-depth": { type: "string" },
      strategy: { type: "string" },
      store: { type: "string" },
      "bitstate-bits": { type: "string" },
      symmetry: { type: "boolean" },
      por: { type: "boolean" },
      workers: { type: "string" },
      time: { type: "string" },
      format: { type: "string" },
      expect: { type: "boolean" },
      replay: { type: "string" },
      progress: { type: "boolean" },
      coverage: { type: "boolean" },
      "require-coverage": { type: "boolean" },
      "check-purity": { type: "boolean" },
      help: { type: "boolean", short: "h" },
      ...SANDBOX_OPTIONS,
      ...SIMULATION_OPTIONS,
    },
  });
  if (values.help === true) {
    io.out(USAGE);
    return EXIT.ok;
  }
  const [command, ...paths] = positionals;
  if (command === "sweep" || command === "simulate" || command === "replay") {
    for (const name of ["store", "bitstate-bits", "symmetry", "workers", "por"] as const) {
      if (name === "symmetry" && command === "sweep") continue; // each point is a check
      if (values[name] !== undefined) throw new UsageError(`${command} does not take --${name}`);
    }
    return await simulationCommand(command, paths, values, io);
  }
  for (const name of Object.keys(SIMULATION_OPTIONS)) {
    if (name in values) {
      throw new UsageError(`--${name} is an option of sweep and simulate, not of ${command}`);
    }
  }
  if (command !== "check" && command !== "list") {
    throw new UsageError(
      command === undefined
        ? `no command given\n\n${USAGE}`
        : `unknown command '${command}'\n\n${USAGE}`,
    );
  }
  if (paths.length === 0) throw new UsageError(`no spec file given\n\n${USAGE}`);
  const format = values.format ?? "text";
  if (format !== "text" && format !== "json") {
    throw new UsageError(`--format must be text or json, got '${format}'`);
  }
  const strategy = values.strategy ?? "bfs";
  if (strategy !== "bfs" && strategy !== "dfs") {
    throw new UsageError(`--strategy must be bfs or dfs, got '${strategy}'`);
  }
  const store = values.store ?? "exact";
  if (store !== "exact" && store !== "fingerprint" && store !== "bitstate") {
    throw new UsageError(`--store must be exact, fingerprint or bitstate, got '${store}'`);
  }
  if (store !== "exact" && strategy !== "bfs") {
    throw new UsageError(`--store ${store} searches breadth-first only (--strategy bfs)`);
  }
  const bitstateBits = positiveInt("bitstate-bits", values["bitstate-bits"]);
  if (bitstateBits !== undefined && store !== "bitstate") {
    throw new UsageError("--bitstate-bits is an option of --store bitstate");
  }
  if (bitstateBits !== undefined && (bitstateBits < 5 || bitstateBits > 37)) {
    throw new UsageError(`--bitstate-bits must be 5 to 37, got ${bitstateBits}`);
  }
  const workers = positiveInt("workers", values.workers) ?? 1;
  if (workers > 1) {
    if (strategy !== "bfs") throw new UsageError("--workers searches breadth-first only");
    if (store !== "exact" && store !== "fingerprint") {
      throw new UsageError("--workers searches over the fingerprint store (not --store bitstate)");
    }
    if (values.symmetry === true) throw new UsageError("--workers does not take --symmetry");
    if (values.por === true) throw new UsageError("--workers does not take --por");
  }
  if (values.por === true && values.symmetry === true) {
    throw new UsageError("--por does not combine with --symmetry");
  }
  const limits = {
    maxStates: positiveInt("max-states", values["max-states"]),
    maxDepth: positiveInt("max-depth", values["max-depth"]),
    timeSeconds: positiveNumber("time", values.time),
  };
  const params = parseParams(values.param ?? []);

  let specs: { file: string; spec: Spec }[] = [];
  for (const file of await specFiles(paths)) {
    for (const spec of await loadSpecs(file)) specs.push({ file, spec });
  }
  if (values.spec !== undefined) {
    const wanted = values.spec;
    const all = specs.map((s) => s.spec.name);
    specs = specs.filter((s) => s.spec.name === wanted);
    if (specs.length === 0) {
      throw new UsageError(`no spec named '${wanted}' (specs: ${all.join(", ")})`);
    }
  }

  if (command === "list") {
    for (const { file, spec } of specs) {
      const ps = Object.entries(spec.resolve()).map(([k, v]) => `${k}=${v}`).join(" ");
      io.out(
        `${spec.name}  ${file}  [${ps}]  expects ${expectedText(spec)}${
          spec.description === "" ? "" : `\n    ${spec.description}`
        }`,
      );
    }
    return EXIT.ok;
  }

  if (values.replay !== undefined) {
    if (specs.length !== 1) {
      throw new UsageError("--replay needs exactly one spec (use --spec name)");
    }
    return replayCommand(specs[0]!.spec, params, values.replay, io);
  }

  const controller = new AbortController();
  const onSigint = () => controller.abort();
  const stopped = () => controller.signal.aborted || io.stopRequested?.() === true;
  let listening = false;
  try {
    Deno.addSignalListener("SIGINT", onSigint);
    listening = true;
  } catch {
    // signals unavailable (e.g. on some platforms): Ctrl-C then kills the run
  }
  let stderrIsTerminal = false;
  try {
    stderrIsTerminal = Deno.stderr.isTerminal();
  } catch {
    stderrIsTerminal = false;
  }
  const progress = values.progress === true || (stderrIsTerminal && format === "text");
  let worst: Verdict = "ok";
  let mismatches = 0;
  let coverageFailures = 0;
  const results: CheckResult[] = [];
  try {
    for (const { file, spec } of specs) {
      io.onSpec?.(spec.name, file);
      const report = (p: Progress) =>
        io.err(
          `[${spec.name}] states ${
            p.states.toLocaleString("en-US")
          }, frontier ${p.frontier}, depth ${p.depth}, ` +
            `${Math.round(p.statesPerSecond).toLocaleString("en-US")} states/s, ${
              (p.memoryBytes / 2 ** 20).toFixed(0)
            } MiB`,
        );
      const common = {
        params,
        ...(limits.maxStates !== undefined ? { maxStates: limits.maxStates } : {}),
        ...(limits.maxDepth !== undefined ? { maxDepth: limits.maxDepth } : {}),
        ...(limits.timeSeconds !== undefined ? { timeSeconds: limits.timeSeconds } : {}),
        signal: controller.signal,
        ...(io.stopRequested !== undefined ? { shouldStop: () => io.stopRequested!() } : {}),
        ...(progress || io.onProgress !== undefined
          ? {
            onProgress: (p: Progress) => {
              io.onProgress?.(spec.name, p);
              if (progress) report(p);
            },
          }
          : {}),
      };
      const result = workers > 1
        ? await checkParallel(
          { module: pathToFileURL(resolve(file)).href, export: await exportName(file, spec) },
          { ...common, workers },
        )
        : await checkAsync(spec, {
          ...common,
          strategy,
          store,
          ...(bitstateBits !== undefined ? { bitstateBits } : {}),
          ...(values.symmetry === true ? { symmetry: true } : {}),
          ...(values.por === true ? { reduction: "por" as const } : {}),
          ...(values["check-purity"] === true ? { checkPurity: true } : {}),
        });
      results.push(result);
      if (SEVERITY[result.verdict] > SEVERITY[worst]) worst = result.verdict;
      const paramArgs = Object.entries(params).map(([k, v]) => ` --param ${k}=${v}`).join("");
      const hint = `${CLI_COMMAND} check ${file} --spec ${spec.name}${paramArgs} --replay {trace}`;
      if (format === "text") {
        let text = formatText(result, hint);
        if (values.expect === true) {
          const ok = meetsExpectation(spec, result);
          if (!ok) mismatches++;
          text = `${ok ? "PASS" : "FAIL"} ${spec.name}: expected ${expectedText(spec)}, got ${
            result.verdict === "violation"
              ? `violation of '${result.violation!.property}'`
              : result.verdict
          }\n${text.replace(/^/gm, "    ")}`;
        }
        io.out(text);
      } else if (values.expect === true && !meetsExpectation(spec, result)) {
        mismatches++;
      }
      if (values.coverage === true || values["require-coverage"] === true) {
        const cov = coverage(
          spec.compile(params),
          limits.maxStates !== undefined ? { maxStates: limits.maxStates } : {},
        );
        io.out(formatCoverage(cov));
        const unreached = cov.blocking.filter((b) => !b.reached).length +
          cov.triggers.filter((t) => !t.reached).length;
        if (values["require-coverage"] === true && (unreached > 0 || !cov.complete)) {
          coverageFailures++;
          io.out(
            `FAIL coverage of ${spec.name}: ${unreached} blocking step${
              unreached === 1 ? "" : "s"
            } or trigger${unreached === 1 ? "" : "s"} never reached${
              cov.complete ? "" : " (the state limit cut the pass short)"
            }`,
          );
        }
      }
      if (stopped()) break;
    }
  } finally {
    if (listening) Deno.removeSignalListener("SIGINT", onSigint);
  }
  if (format === "json") io.out(formatJson(results.length === 1 ? results[0]! : results as never));
  if (coverageFailures > 0 && SEVERITY[worst] < SEVERITY.violation) worst = "violation";
  if (values.expect === true) {
    const n = results.length;
    io.out(`${n - mismatches} of ${n} specs met their expected verdict`);
    if (stopped()) return EXIT.incomplete;
    if (results.some((r) => r.verdict === "error")) return EXIT.error;
    return mismatches === 0 && coverageFailures === 0 ? EXIT.ok : EXIT.violation;
  }
  return EXIT[worst];
}

function replayCommand(
  spec: Spec,
  params: Record<string, string>,
  text: string,
  io: CliIO,
): number {
  const trace = parseTrace(text);
  if (typeof trace === "string") throw new UsageError(trace);
  const model = spec.compile(params);
  const explained = explainTrace(model, trace);
  if (typeof explained === "string") {
    io.out(`${spec.name}: the trace does not replay: ${explained}`);
    return EXIT.error;
  }
  // A liveness counterexample ends where its cycle began: show the cycle.
  const states = replay(model, trace).states;
  const last = states[states.length - 1]!.join();
  const loop = states.findIndex((st) => st.join() === last);
  const story = loop < states.length - 1 ? { ...explained, loopStart: loop } : explained;
  io.out(
    `${spec.name}: replayed ${trace.transitions.length} steps\n${formatCounterexample(story)}`,
  );
  if (story.property !== "") {
    io.out(`violates '${story.property}' (${story.kind}): ${story.message}`);
    return EXIT.violation;
  }
  if (story.loopStart !== undefined) {
    io.out(
      `the last ${states.length - 1 - loop} steps return to the state before step ${loop + 1}: ` +
        "the run can repeat them for ever (the cycle of a liveness counterexample); " +
        "no safety property is violated",
    );
    return EXIT.ok;
  }
  io.out("the trace ends in a state that violates no property");
  return EXIT.ok;
}

// ---------------------------------------------------------------------------
// sweep, simulate, replay

/** Options only `sweep` and `simulate` take (see the usage). */
const SIMULATION_OPTIONS = {
  seed: { type: "string" },
  path: { type: "string" },
  runs: { type: "string" },
  "max-steps": { type: "string" },
  out: { type: "string" },
  mode: { type: "string" },
  all: { type: "boolean" },
  "grid-limit": { type: "string" },
} as const;

/** How the printed reproduction commands call the CLI. */
const CLI_COMMAND = "deno run -A cli.ts";

interface SimulationValues {
  param?: string[];
  spec?: string;
  "max-states"?: string;
  "max-depth"?: string;
  time?: string;
  format?: string;
  expect?: boolean;
  replay?: string;
  progress?: boolean;
  seed?: string;
  path?: string;
  runs?: string;
  "max-steps"?: string;
  out?: string;
  mode?: string;
  all?: boolean;
  "grid-limit"?: string;
  symmetry?: boolean;
}

/** `arg` quoted for a POSIX shell when it needs it. */
function shellQuote(arg: string): string {
  return /^[\w./=:,@%+-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

function commandLine(args: readonly string[]): string {
  return `${CLI_COMMAND} ${args.map(shellQuote).join(" ")}`;
}

function integer(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v.trim())) throw new UsageError(`--${name} must be an integer, got '${v}'`);
  return Number(v);
}

function rejectOptions(command: string, values: SimulationValues, names: string[]): void {
  for (const name of names) {
    if (values[name as keyof SimulationValues] !== undefined) {
      throw new UsageError(`${command} does not take --${name}`);
    }
  }
}

async function oneSpec(
  command: string,
  paths: string[],
  wanted: string | undefined,
): Promise<{ file: string; spec: Spec }> {
  if (paths.length !== 1) {
    throw new UsageError(`${command} takes exactly one spec file\n\n${USAGE}`);
  }
  const file = paths[0]!;
  const specs = await loadSpecs(file);
  const all = specs.map((s) => s.name);
  const chosen = wanted === undefined ? specs : specs.filter((s) => s.name === wanted);
  if (chosen.length === 0) {
    throw new UsageError(`no spec named '${wanted}' (specs: ${all.join(", ")})`);
  }
  if (chosen.length > 1) {
    throw new UsageError(`${file} holds several specs (${all.join(", ")}): choose one with --spec`);
  }
  return { file, spec: chosen[0]! };
}

async function simulationCommand(
  command: "sweep" | "simulate" | "replay",
  paths: string[],
  values: SimulationValues,
  io: CliIO,
): Promise<number> {
  const format = values.format ?? "text";
  if (format !== "text" && format !== "json") {
    throw new UsageError(`--format must be text or json, got '${format}'`);
  }
  rejectOptions(command, values, ["max-depth", "replay"]);
  if (values.expect === true) throw new UsageError(`${command} does not take --expect`);
  if (command === "replay") {
    rejectOptions(command, values, [...Object.keys(SIMULATION_OPTIONS), "param", "spec", "time"]);
    return await replayFileCommand(paths, format, io);
  }
  if (command === "sweep") {
    rejectOptions(command, values, ["max-steps", "out"]);
    return await sweepCommand(paths, values, format, io);
  }
  rejectOptions(command, values, ["mode", "grid-limit", "all", "max-states"]);
  return await simulateCommand(paths, values, format, io);
}

async function sweepCommand(
  paths: string[],
  values: SimulationValues,
  format: string,
  io: CliIO,
): Promise<number> {
  const { file, spec } = await oneSpec("sweep", paths, values.spec);
  io.onSpec?.(spec.name, file);
  const ranges: Record<string, string> = {};
  const fixed: Record<string, string> = {};
  for (const [name, text] of Object.entries(parseParams(values.param ?? []))) {
    const vs = parseRange(text);
    if (typeof vs === "string") throw new UsageError(`--param ${name}: ${vs}`);
    if (vs.length > 1) ranges[name] = text;
    else fixed[name] = text;
  }
  const mode = values.mode ?? "auto";
  if (mode !== "auto" && mode !== "grid" && mode !== "random") {
    throw new UsageError(`--mode must be auto, grid or random, got '${mode}'`);
  }
  const maxStates = positiveInt("max-states", values["max-states"]) ?? 100_000;
  const timeSeconds = positiveNumber("time", values.time);
  const gridLimit = positiveInt("grid-limit", values["grid-limit"]);
  const runs = positiveInt("runs", values.runs);
  const seed = integer("seed", values.seed);
  if (values.path !== undefined && seed === undefined) {
    throw new UsageError("--path needs the --seed it came with");
  }
  const r = sweep(spec, ranges, {
    params: fixed,
    maxStates,
    mode,
    ...(timeSeconds !== undefined ? { timeSeconds } : {}),
    ...(gridLimit !== undefined ? { gridLimit } : {}),
    ...(values.all === true ? { all: true } : {}),
    ...(values.symmetry === true ? { symmetry: true } : {}),
    ...(runs !== undefined ? { runs } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(values.path !== undefined ? { path: values.path } : {}),
    ...(values.progress === true
      ? {
        onPoint: (p) =>
          io.err(`[${spec.name}] ${
            Object.entries(p.params).map(([k, v]) => `${k}=${v}`).join(" ")
          }: ${p.verdict}`),
      }
      : {}),
  });
  if (format === "json") {
    io.out(JSON.stringify(r, null, 2));
    return EXIT[r.verdict];
  }
  const symmetry = values.symmetry === true;
  io.out(
    formatSweep(r, sweepCommands(file, spec, r, { fixed, ranges, timeSeconds, runs, symmetry })),
  );
  return EXIT[r.verdict];
}

function sweepCommands(
  file: string,
  spec: Spec,
  r: SweepResult,
  given: {
    fixed: Record<string, string>;
    ranges: Record<string, string>;
    timeSeconds: number | undefined;
    runs: number | undefined;
    symmetry: boolean;
  },
): { sweep: string; check?: string } {
  const fixedArgs = Object.entries(given.fixed).flatMap(([k, v]) => ["--param", `${k}=${v}`]);
  const limits = [
    "--max-states",
    String(r.maxStates),
    ...(given.timeSeconds !== undefined ? ["--time", String(given.timeSeconds)] : []),
    ...(given.symmetry ? ["--symmetry"] : []),
  ];
  const sweepArgs = [
    "sweep",
    file,
    "--spec",
    spec.name,
    ...Object.entries(given.ranges).flatMap(([k, v]) => ["--param", `${k}=${v}`]),
    ...fixedArgs,
    ...limits,
    "--mode",
    r.mode,
    ...(r.mode === "random"
      ? [
        ...(given.runs !== undefined ? ["--runs", String(given.runs)] : []),
        "--seed",
        String(r.seed),
        ...(r.path !== undefined ? ["--path", r.path] : []),
      ]
      : []),
  ];
  const out: { sweep: string; check?: string } = { sweep: commandLine(sweepArgs) };
  if (r.smallest !== undefined) {
    out.check = commandLine([
      "check",
      file,
      "--spec",
      spec.name,
      ...Object.entries(r.smallest.params).flatMap(([k, v]) => ["--param", `${k}=${v}`]),
      ...fixedArgs,
      ...limits,
    ]);
  }
  return out;
}

async function simulateCommand(
  paths: string[],
  values: SimulationValues,
  format: string,
  io: CliIO,
): Promise<number> {
  const { file, spec } = await oneSpec("simulate", paths, values.spec);
  io.onSpec?.(spec.name, file);
  const params = parseParams(values.param ?? []);
  const runs = positiveInt("runs", values.runs);
  const maxSteps = positiveInt("max-steps", values["max-steps"]);
  const timeSeconds = positiveNumber("time", values.time);
  const seed = integer("seed", values.seed);
  if (values.path !== undefined && seed === undefined) {
    throw new UsageError("--path needs the --seed it came with");
  }
  const r = simulate(spec, {
    params,
    ...(runs !== undefined ? { runs } : {}),
    ...(maxSteps !== undefined ? { maxSteps } : {}),
    ...(timeSeconds !== undefined ? { timeSeconds } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(values.path !== undefined ? { path: values.path } : {}),
  });
  const schedule = scheduleFileOf(r, file);
  let written: string | undefined;
  if (schedule !== undefined) {
    try {
      written = await (io.writeFile ?? writeFile)(
        values.out,
        { prefix: `ipcspec-${spec.name}-`, suffix: ".schedule.json" },
        formatScheduleFile(schedule),
      );
    } catch (e) {
      io.err(`warning: cannot write the schedule file: ${e instanceof Error ? e.message : e}`);
      written = undefined;
    }
  }
  if (format === "json") {
    io.out(
      JSON.stringify(
        { ...r, ...(written !== undefined ? { scheduleFile: written } : {}) },
        null,
        2,
      ),
    );
    return EXIT[r.verdict];
  }
  const reproduce: string[] = [];
  if (r.verdict !== "incomplete" && r.path !== undefined) {
    reproduce.push(commandLine([
      "simulate",
      file,
      "--spec",
      spec.name,
      ...Object.entries(params).flatMap(([k, v]) => ["--param", `${k}=${v}`]),
      "--max-steps",
      String(r.maxSteps),
      "--seed",
      String(r.seed),
      "--path",
      r.path,
    ]));
  }
  if (written !== undefined) reproduce.push(commandLine(["replay", written]));
  io.out(formatSimulation(r, reproduce));
  return EXIT[r.verdict];
}

async function replayFileCommand(paths: string[], format: string, io: CliIO): Promise<number> {
  if (paths.length !== 1) throw new UsageError(`replay takes one schedule file\n\n${USAGE}`);
  const path = paths[0]!;
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    throw new UsageError(
      `Cannot read schedule file '${path}': ${
        e instanceof Deno.errors.NotFound ? "no such file" : (e as Error).message
      }`,
    );
  }
  const file = parseScheduleFile(text);
  if (typeof file === "string") throw new UsageError(`'${path}' is not a schedule file: ${file}`);
  const spec = await scheduleSpec(path, file);
  const model = spec.compile(file.params);
  const r = replaySchedule(model, file);
  if (format === "json") {
    io.out(JSON.stringify({ file, ...r }, null, 2));
  } else {
    const params = Object.entries(file.params).map(([k, v]) => `${k}=${v}`).join(" ");
    const origin = [
      `written by ipcspec ${file.ipcspec}`,
      ...(file.seed !== undefined ? [`seed ${file.seed}`] : []),
      ...(file.path !== undefined ? [`path "${file.path}"`] : []),
    ].join(", ");
    io.out(
      `${file.spec} (${params}): replaying ${file.schedule.length} scheduled steps from ${path} (${origin})`,
    );
    if (typeof r.story === "string") io.out(`the schedule does not replay: ${r.story}`);
    else io.out(formatCounterexample(r.story));
    if (typeof r.story !== "string" && r.story.property !== "") {
      io.out(`violates '${r.story.property}' (${r.story.kind}): ${r.story.message}`);
    } else if (r.run.end === "error") {
      io.out(`the spec's code fails: ${r.run.error}`);
    } else {
      io.out("the schedule ends in a state that violates no property");
    }
  }
  if (r.mismatch !== undefined || typeof r.story === "string") {
    io.err(
      `error: ${
        r.mismatch ?? "the schedule does not replay"
      } (the spec or ipcspec changed since the file was written)`,
    );
    return EXIT.error;
  }
  if (r.run.end === "error") return EXIT.error;
  return r.run.end === "violation" ? EXIT.violation : EXIT.ok;
}

/** The spec a schedule file names: its file relative to the working directory, else to the schedule file. */
async function scheduleSpec(schedulePath: string, file: ScheduleFile): Promise<Spec> {
  let specPath = file.specFile;
  try {
    await Deno.stat(specPath);
  } catch {
    const beside = resolve(dirname(schedulePath), file.specFile);
    try {
      await Deno.stat(beside);
      specPath = beside;
    } catch {
      throw new UsageError(
        `Cannot load spec file '${file.specFile}' named by '${schedulePath}': no such file (run replay from the directory simulate ran in)`,
      );
    }
  }
  const specs = await loadSpecs(specPath);
  const spec = specs.find((s) => s.name === file.spec);
  if (spec === undefined) {
    throw new UsageError(
      `no spec named '${file.spec}' in '${specPath}' (specs: ${
        specs.map((s) => s.name).join(", ")
      })`,
    );
  }
  return spec;
}

if (import.meta.main) {
  Deno.exit(await supervise(Deno.args, defaultIO));
}
