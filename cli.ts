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
import { parseTrace } from "./checker/replay.ts";
import { formatCounterexample, formatJson, formatText } from "./checker/report.ts";
import type { CheckResult, Verdict } from "./checker/result.ts";
import { Spec } from "./model/spec.ts";
import { explainTrace } from "./checker/explain.ts";
import { expectationText, meetsExpectation as meetsDeclared } from "./checker/expectation.ts";

/** Exit codes of the CLI, one per verdict class. */
export const EXIT = { ok: 0, violation: 1, incomplete: 2, error: 3 } as const;

/** Where the CLI writes; tests pass their own. */
export interface CliIO {
  /** Standard output, one call per block of lines. */
  out(text: string): void;
  /** Standard error. */
  err(text: string): void;
}

const defaultIO: CliIO = {
  // deno-lint-ignore no-console
  out: (t) => console.log(t),
  // deno-lint-ignore no-console
  err: (t) => console.error(t),
};

const USAGE = `usage: ipcspec check <spec files or folders...> [options]
       ipcspec list <spec files or folders...>

options:
  --param name=value   override a spec parameter (repeatable)
  --spec name          check only the spec with this name
  --max-states N       stop after N distinct states (verdict: incomplete)
  --max-depth N        do not search deeper than N steps (verdict: incomplete)
  --time S             stop after S seconds (verdict: incomplete)
  --format text|json   output format (default text)
  --expect             compare each verdict with the one the spec declares
  --replay TRACE       replay a trace (as printed, e.g. 0:3,1,4) instead of searching
  --progress           print progress to stderr every second (default on a terminal)
  -h, --help           this help

exit codes: 0 ok, 1 violation (or an expectation not met), 2 incomplete, 3 error`;

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
      time: { type: "string" },
      format: { type: "string" },
      expect: { type: "boolean" },
      replay: { type: "string" },
      progress: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help === true) {
    io.out(USAGE);
    return EXIT.ok;
  }
  const [command, ...paths] = positionals;
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
  const results: CheckResult[] = [];
  try {
    for (const { file, spec } of specs) {
      const result = await checkAsync(spec, {
        params,
        ...(limits.maxStates !== undefined ? { maxStates: limits.maxStates } : {}),
        ...(limits.maxDepth !== undefined ? { maxDepth: limits.maxDepth } : {}),
        ...(limits.timeSeconds !== undefined ? { timeSeconds: limits.timeSeconds } : {}),
        signal: controller.signal,
        ...(progress
          ? {
            onProgress: (p) =>
              io.err(
                `[${spec.name}] states ${
                  p.states.toLocaleString("en-US")
                }, frontier ${p.frontier}, depth ${p.depth}, ` +
                  `${Math.round(p.statesPerSecond).toLocaleString("en-US")} states/s, ${
                    (p.memoryBytes / 2 ** 20).toFixed(0)
                  } MiB`,
              ),
          }
          : {}),
      });
      results.push(result);
      if (SEVERITY[result.verdict] > SEVERITY[worst]) worst = result.verdict;
      const paramArgs = Object.entries(params).map(([k, v]) => ` --param ${k}=${v}`).join("");
      const hint = `ipcspec check ${file} --spec ${spec.name}${paramArgs} --replay {trace}`;
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
      if (controller.signal.aborted) break;
    }
  } finally {
    if (listening) Deno.removeSignalListener("SIGINT", onSigint);
  }
  if (format === "json") io.out(formatJson(results.length === 1 ? results[0]! : results as never));
  if (values.expect === true) {
    const n = results.length;
    io.out(`${n - mismatches} of ${n} specs met their expected verdict`);
    if (controller.signal.aborted) return EXIT.incomplete;
    if (results.some((r) => r.verdict === "error")) return EXIT.error;
    return mismatches === 0 ? EXIT.ok : EXIT.violation;
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
  const story = explainTrace(model, trace);
  if (typeof story === "string") {
    io.out(`${spec.name}: the trace does not replay: ${story}`);
    return EXIT.error;
  }
  io.out(
    `${spec.name}: replayed ${trace.transitions.length} steps\n${formatCounterexample(story)}`,
  );
  if (story.property !== "") {
    io.out(`violates '${story.property}' (${story.kind}): ${story.message}`);
    return EXIT.violation;
  }
  io.out("the trace ends in a state that violates no property");
  return EXIT.ok;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
