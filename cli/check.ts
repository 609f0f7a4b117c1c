/**
 * `ipcspec check <spec files or folders...>`: search each spec's state
 * space and report its verdict (text or JSON), its coverage on request, and
 * with `--expect` whether it meets the verdict the spec declares; or with
 * `--replay TRACE`, replay one trace.
 *
 * @module
 */

import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { checkAsync } from "../checker/check.ts";
import { coverage } from "../checker/coverage.ts";
import { expectationText, meetsExpectation } from "../checker/expectation.ts";
import { checkParallel } from "../checker/parallel.ts";
import type { CheckResult, Verdict } from "../checker/result.ts";
import type { Progress } from "../checker/_search.ts";
import type { Spec } from "../model/spec.ts";
import { formatCoverage, formatJson, formatText } from "../reporters/mod.ts";
import { type CheckSettings, checkSettings } from "./_check_settings.ts";
import { CLI_COMMAND } from "./_command_line.ts";
import { checkableFor, compileFor, dumpCode, dumpTarget } from "./_compile.ts";
import { type CliIO, EXIT } from "./_io.ts";
import { UsageError, type Values } from "./_options.ts";
import { exportName, type LoadedSpec, selectSpecs } from "./_specs.ts";
import { pictureOptions, showPictures, wantsPictures } from "./_pictures.ts";
import { replayTrace } from "./_trace_replay.ts";
import type { Checkpointing } from "../checker/_checkpoint.ts";
import { checkpointWriter, readCheckpoint } from "./_checkpoint_file.ts";
import { USAGE } from "./_usage.ts";

const SEVERITY: Record<Verdict, number> = { ok: 0, incomplete: 1, violation: 2, error: 3 };

/** Ctrl-C's signal, and whether the run was asked to stop (by Ctrl-C or the sandbox). */
interface Stop {
  readonly signal: AbortSignal;
  readonly aborted: boolean;
}

/**
 * Runs `check`.
 *
 * @param paths Spec files and folders.
 * @param values The options.
 * @param io Where to write.
 * @returns The exit code.
 *
 * @example
 * ```ts
 * import { checkCommand } from "./check.ts";
 * import assert from "node:assert/strict";
 *
 * const out: string[] = [];
 * const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t) };
 * assert.equal(await checkCommand(["specs/pc_channel.ts"], {}, io), 0);
 * assert.match(out[0]!, /^pc_channel \(.*\): ok, no violation/);
 * ```
 */
export async function checkCommand(paths: string[], values: Values, io: CliIO): Promise<number> {
  if (paths.length === 0) throw new UsageError(`no spec file given\n\n${USAGE}`);
  const settings = checkSettings(values);
  const dumpFile = await dumpTarget(settings.dumpCode);
  const broken: string[] = [];
  const specs = await selectSpecs(paths, values.spec, (message) => {
    broken.push(message);
    io.err(`error: ${message}`);
  });
  if (dumpFile !== undefined) {
    if (specs.length !== 1) {
      throw new UsageError("--dump-code needs exactly one spec (use --spec name)");
    }
    const { spec } = specs[0]!;
    await dumpCode(dumpFile, spec.name, compileFor(spec, settings.params, settings), io);
  }
  if (
    (settings.checkpoint.file !== undefined || settings.checkpoint.resume !== undefined) &&
    specs.length !== 1
  ) {
    throw new UsageError("--checkpoint and --resume need exactly one spec (use --spec name)");
  }
  if (values.replay !== undefined) {
    if (specs.length !== 1) {
      throw new UsageError("--replay needs exactly one spec (use --spec name)");
    }
    return await replayTrace(
      specs[0]!.spec,
      settings.params,
      settings,
      values.replay,
      io,
      pictureOptions(values, settings.format),
    );
  }
  const pictures = pictureOptions(values, settings.format);
  if ((pictures.svg !== undefined || pictures.html !== undefined) && specs.length !== 1) {
    throw new UsageError("--svg and --html need exactly one spec (use --spec name)");
  }
  const code = await interruptible(io, (signal) => checkAll(specs, settings, values, signal, io));
  if (broken.length === 0) return code;
  io.err(
    `error: ${broken.length} spec file${
      broken.length === 1 ? "" : "s"
    } could not be loaded (above)`,
  );
  return EXIT.error;
}

/** Runs `body` with a signal that Ctrl-C (SIGINT) aborts, or the sandbox's stop request. */
async function interruptible<T>(
  io: CliIO,
  body: (signal: Stop) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  let listening = false;
  try {
    Deno.addSignalListener("SIGINT", onSigint);
    listening = true;
  } catch {
    // signals unavailable (e.g. on some platforms): Ctrl-C then kills the run
  }
  const stop: Stop = {
    signal: controller.signal,
    get aborted() {
      return controller.signal.aborted || io.stopRequested?.() === true;
    },
  };
  try {
    return await body(stop);
  } finally {
    if (listening) Deno.removeSignalListener("SIGINT", onSigint);
  }
}

function stderrIsTerminal(): boolean {
  try {
    return Deno.stderr.isTerminal();
  } catch {
    return false;
  }
}

/** Checks every spec in turn (until interrupted), reports each, and gives the exit code. */
async function checkAll(
  specs: readonly LoadedSpec[],
  settings: CheckSettings,
  values: Values,
  signal: Stop,
  io: CliIO,
): Promise<number> {
  const progress = values.progress === true || (stderrIsTerminal() && settings.format === "text");
  const expect = values.expect === true;
  const wantCoverage = values.coverage === true || values["require-coverage"] === true;
  const pictures = pictureOptions(values, settings.format);
  let worst: Verdict = "ok";
  let mismatches = 0;
  let coverageFailures = 0;
  const results: CheckResult[] = [];
  for (const { file, spec } of specs) {
    io.onSpec?.(spec.name, file);
    const result = await checkOne(file, spec, settings, signal, progress, io);
    results.push(result);
    if (SEVERITY[result.verdict] > SEVERITY[worst]) worst = result.verdict;
    if (!report(file, spec, result, settings, expect, io)) mismatches++;
    const cov = wantCoverage
      ? reportCoverage(spec, settings, values["require-coverage"] === true, io)
      : undefined;
    if (cov?.met === false) coverageFailures++;
    if (wantsPictures(pictures)) {
      await showPictures(spec, settings.params, result, pictures, io, {
        replay: (trace) => replayHint(file, spec, settings).replace("{trace}", trace),
        ...(cov !== undefined ? { coverage: cov.text } : {}),
      });
    }
    if (signal.aborted) break;
  }
  if (settings.format === "json") io.out(formatJson(results.length === 1 ? results[0]! : results));
  if (coverageFailures > 0 && SEVERITY[worst] < SEVERITY.violation) worst = "violation";
  if (expect) {
    const n = results.length;
    io.out(`${n - mismatches} of ${n} specs met their expected verdict`);
    if (signal.aborted) return EXIT.incomplete;
    if (results.some((r) => r.verdict === "error")) return EXIT.error;
    return mismatches === 0 && coverageFailures === 0 ? EXIT.ok : EXIT.violation;
  }
  return EXIT[worst];
}

/** Checks one spec, sequentially or with workers, reporting progress to `progress` if given. */
async function checkOne(
  file: string,
  spec: Spec,
  settings: CheckSettings,
  stop: Stop,
  progress: boolean,
  io: CliIO,
): Promise<CheckResult> {
  const { limits } = settings;
  const common = {
    params: settings.params,
    ...(limits.maxStates !== undefined ? { maxStates: limits.maxStates } : {}),
    ...(limits.maxDepth !== undefined ? { maxDepth: limits.maxDepth } : {}),
    ...(limits.timeSeconds !== undefined ? { timeSeconds: limits.timeSeconds } : {}),
    signal: stop.signal,
    shouldStop: () => stop.aborted,
    ...(progress || io.onProgress !== undefined
      ? {
        onProgress: (p: Progress) => {
          io.onProgress?.(spec.name, p);
          if (progress) io.err(progressLine(spec.name, p));
        },
      }
      : {}),
  };
  if (settings.workers > 1) {
    return await checkParallel(
      { module: pathToFileURL(resolve(file)).href, export: await exportName(file, spec) },
      { ...common, workers: settings.workers },
    );
  }
  return await checkAsync(checkableFor(spec, settings), {
    ...common,
    ...(await checkpointingFor(file, spec, settings, io)),
    strategy: settings.strategy,
    store: settings.store,
    ...(settings.bitstateBits !== undefined ? { bitstateBits: settings.bitstateBits } : {}),
    ...(settings.symmetry ? { symmetry: true } : {}),
    ...(settings.por ? { reduction: "por" as const } : {}),
    ...(settings.checkPurity ? { checkPurity: true } : {}),
  });
}

/** The search's checkpointing, from `--checkpoint` and `--resume`. */
async function checkpointingFor(
  file: string,
  spec: Spec,
  settings: CheckSettings,
  io: CliIO,
): Promise<{ checkpointing?: Checkpointing }> {
  const { file: target, everyMinutes, resume } = settings.checkpoint;
  if (target === undefined && resume === undefined) return {};
  let identity;
  try {
    const store = settings.store === "fingerprint" ? "fingerprint" as const : "exact" as const;
    identity = { spec: spec.name, params: spec.resolve(settings.params), store };
  } catch {
    return {}; // the check reports the bad parameters
  }
  const from = resume === undefined ? undefined : await readCheckpoint(resume, identity);
  if (from !== undefined) {
    io.err(`${spec.name}: resuming from ${resume} (${from.position.count} states stored)`);
  }
  const params = Object.entries(settings.params).map(([k, v]) => ` --param ${k}=${v}`).join("");
  const save = target === undefined
    ? () => {}
    : checkpointWriter(target, identity, (states) =>
      io.err(
        `${spec.name}: checkpoint of ${states} states written to ${target} (go on with: ${CLI_COMMAND} check ${file} --spec ${spec.name}${params} --resume ${target})`,
      ), io.writing === undefined ? undefined : (on) => io.writing!(on));
  return {
    checkpointing: {
      everyMillis: target === undefined ? Number.POSITIVE_INFINITY : everyMinutes * 60_000,
      save,
      ...(from !== undefined ? { resume: from } : {}),
      ...(io.writing !== undefined ? { busy: (on: boolean) => io.writing!(on) } : {}),
    },
  };
}

/** One line of progress on stderr. */
function progressLine(name: string, p: Progress): string {
  return `[${name}] states ${p.states.toLocaleString("en-US")}, frontier ${p.frontier}, ` +
    `depth ${p.depth}, ${Math.round(p.statesPerSecond).toLocaleString("en-US")} states/s, ${
      (p.memoryBytes / 2 ** 20).toFixed(0)
    } MiB`;
}

/**
 * Prints one result as text (with `--expect`, under a PASS or FAIL line);
 * returns whether it met the spec's expectation (true without `--expect`).
 */
function report(
  file: string,
  spec: Spec,
  result: CheckResult,
  settings: CheckSettings,
  expect: boolean,
  io: CliIO,
): boolean {
  const met = !expect || meetsExpectation(spec.expect, result);
  if (settings.format !== "text") return met;
  const text = formatText(result, replayHint(file, spec, settings));
  if (!expect) {
    io.out(text);
    return met;
  }
  const got = result.verdict === "violation"
    ? `violation of '${result.violation!.property}'`
    : result.verdict;
  io.out(
    `${met ? "PASS" : "FAIL"} ${spec.name}: expected ${expectationText(spec.expect)}, got ${got}\n${
      text.replace(/^/gm, "    ")
    }`,
  );
  return met;
}

/**
 * Prints which blocking steps and triggers the spec reaches; returns the
 * table, and `met: false` when `--require-coverage` fails (some never
 * reached, or the pass was cut short).
 */
function reportCoverage(
  spec: Spec,
  settings: CheckSettings,
  require: boolean,
  io: CliIO,
): { met: boolean; text: string } {
  const maxStates = settings.limits.maxStates;
  const cov = coverage(
    compileFor(spec, settings.params, settings),
    maxStates !== undefined ? { maxStates } : {},
  );
  const text = formatCoverage(cov);
  io.out(text);
  const unreached = cov.blocking.filter((b) => !b.reached).length +
    cov.triggers.filter((t) => !t.reached).length;
  if (!require || (unreached === 0 && cov.complete)) return { met: true, text };
  io.out(
    `FAIL coverage of ${spec.name}: ${unreached} blocking step${
      unreached === 1 ? "" : "s"
    } or trigger${unreached === 1 ? "" : "s"} never reached${
      cov.complete ? "" : " (the state limit cut the pass short)"
    }`,
  );
  return { met: false, text };
}

/** The replay command of a spec's trace, with `{trace}` where the trace goes. */
function replayHint(file: string, spec: Spec, settings: CheckSettings): string {
  const params = Object.entries(settings.params).map(([k, v]) => ` --param ${k}=${v}`).join("");
  return `${CLI_COMMAND} check ${file} --spec ${spec.name}${params} --replay {trace}`;
}
