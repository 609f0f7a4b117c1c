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
import type { CoverageReport } from "../checker/coverage.ts";
import type { Progress } from "../checker/_search.ts";
import type { Model } from "../model/model.ts";
import type { Spec } from "../model/spec.ts";
import { formatCoverage, formatText } from "../reporters/mod.ts";
import { formatItf } from "../reporters/itf.ts";
import { progressWriter } from "../reporters/progress.ts";
import { type CheckSettings, checkSettings } from "./_check_settings.ts";
import { absolute, commandLine, commandPrefix, paramArgs } from "./_command_line.ts";
import {
  type Checked,
  checkedItf,
  checkedJson,
  checkSuites,
  replayHint,
  writeItf,
  writeJson,
  writeJunit,
} from "./_reports.ts";
import { checkableFor, compileFor, dumpCode, dumpTarget } from "./_compile.ts";
import { type CliIO, EXIT } from "./_io.ts";
import { UsageError, type Values } from "./_options.ts";
import { exportName, type LoadedSpec, selectSpecs } from "./_specs.ts";
import { pictureOptions, showPictures, wantsPictures } from "./_pictures.ts";
import { replayTrace } from "./_trace_replay.ts";
import { checkOnDistributed, distributedTarget } from "./_distributed.ts";
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
  distributedTarget(values, settings);
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
    if (settings.format === "itf") throw new UsageError("--replay prints text or json, not itf");
    const { file, spec } = specs[0]!;
    return await replayTrace(file, spec, settings, values.replay, io, picturesOf(values, settings));
  }
  const pictures = picturesOf(values, settings);
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

/** The pictures asked for (`--format mermaid|dot`, `--svg`, `--html`); none with `--format itf`. */
function picturesOf(values: Values, settings: CheckSettings) {
  return pictureOptions(values, settings.format === "itf" ? "json" : settings.format);
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

/** What a run of `check` gathered, spec by spec. */
interface Tally {
  worst: Verdict;
  mismatches: number;
  coverageFailures: number;
  readonly checked: Checked[];
}

/** Checks every spec in turn (until interrupted), reports each, and gives the exit code. */
async function checkAll(
  specs: readonly LoadedSpec[],
  settings: CheckSettings,
  values: Values,
  signal: Stop,
  io: CliIO,
): Promise<number> {
  if (settings.format === "itf" && specs.length !== 1) {
    throw new UsageError(
      "--format itf writes one trace: check one spec (use --spec, or --itf FILE)",
    );
  }
  const prefix = commandPrefix(settings.commandName, "read");
  const tally: Tally = { worst: "ok", mismatches: 0, coverageFailures: 0, checked: [] };
  for (const loaded of specs) {
    await checkEach(loaded, settings, values, signal, prefix, tally, io);
    if (signal.aborted) break;
  }
  return await finish(tally, settings, values, signal.aborted, prefix, io);
}

/** Checks one spec and reports it: text, coverage, pictures; adds it to the tally. */
async function checkEach(
  { file, spec }: LoadedSpec,
  settings: CheckSettings,
  values: Values,
  signal: Stop,
  prefix: readonly string[],
  tally: Tally,
  io: CliIO,
): Promise<void> {
  const expect = values.expect === true;
  io.onSpec?.(spec.name, file);
  const result = await checkOne(file, spec, settings, values, signal, io);
  if (SEVERITY[result.verdict] > SEVERITY[tally.worst]) tally.worst = result.verdict;
  if (expect && !meetsExpectation(spec.expect, result)) tally.mismatches++;
  report(file, spec, result, settings, expect, prefix, io);
  let cov: CoverageReport | undefined;
  if (values.coverage === true || values["require-coverage"] === true) {
    cov = coverageOf(spec, settings);
    if (!reportCoverage(spec, cov, settings, values["require-coverage"] === true, io)) {
      tally.coverageFailures++;
    }
  }
  const pictures = picturesOf(values, settings);
  if (wantsPictures(pictures)) {
    const hint = replayHint(prefix, file, spec.name, settings.params);
    await showPictures(spec, settings.params, result, pictures, io, {
      replay: (trace) => hint.replace("{trace}", trace),
      ...(cov !== undefined ? { coverage: formatCoverage(cov) } : {}),
    });
  }
  let model: Model | undefined;
  tally.checked.push({
    file,
    spec,
    params: settings.params,
    result,
    model: () => {
      try {
        model ??= compileFor(spec, settings.params, settings);
      } catch {
        return undefined;
      }
      return model;
    },
    expect,
    ...(cov !== undefined ? { coverage: cov } : {}),
  });
}

/** The exit code; the files asked for; the JSON document, the ITF trace or the `--expect` count. */
async function finish(
  tally: Tally,
  settings: CheckSettings,
  values: Values,
  aborted: boolean,
  prefix: readonly string[],
  io: CliIO,
): Promise<number> {
  const { checked, mismatches, coverageFailures } = tally;
  const expect = values.expect === true;
  const worst = coverageFailures > 0 && SEVERITY[tally.worst] < SEVERITY.violation
    ? "violation"
    : tally.worst;
  const n = checked.length;
  const code: number = !expect
    ? EXIT[worst]
    : aborted
    ? EXIT.incomplete
    : checked.some((c) => c.result.verdict === "error")
    ? EXIT.error
    : mismatches === 0 && coverageFailures === 0
    ? EXIT.ok
    : EXIT.violation;
  await writeFiles(values, checked, prefix);
  if (settings.format === "json") {
    return writeJson(io, {
      command: "check",
      results: checked.map((c) => checkedJson(c, prefix)),
      ...(expect ? { expect: { met: n - mismatches, total: n } } : {}),
      ...(aborted ? { interrupted: true } : {}),
    }, code);
  }
  if (settings.format === "itf") {
    io.out(formatItf(checkedItf(checked[0]!)));
    return code;
  }
  if (expect) io.out(`${n - mismatches} of ${n} specs met their expected verdict`);
  return code;
}

/** `--junit FILE` and `--itf FILE`: the reports written next to the output. */
async function writeFiles(
  values: Values,
  checked: readonly Checked[],
  prefix: readonly string[],
): Promise<void> {
  if (values.junit !== undefined) {
    const failed = await writeJunit(values.junit, checkSuites(checked, prefix));
    if (failed !== undefined) throw new UsageError(failed);
  }
  if (values.itf !== undefined) {
    const failed = await writeItf(values.itf, checked);
    if (failed !== undefined) throw new UsageError(failed);
  }
}

/**
 * The progress callback of one check, if any. On a terminal: a line every
 * second (with --progress, or by default for text). Elsewhere (a CI log): a
 * start line and a line every N seconds, by default every 10 s, the start
 * line only once the run lasts that long unless progress was asked for.
 */
function progressFor(
  file: string,
  spec: Spec,
  settings: CheckSettings,
  asked: boolean,
  io: CliIO,
): ((p: Progress) => void) | undefined {
  const terminal = stderrIsTerminal();
  const explicit = asked || settings.progressEvery !== undefined;
  if (!explicit && terminal && settings.format !== "text") return undefined;
  const engine = settings.workers > 1
    ? `parallel bfs (${settings.workers} workers)`
    : settings.strategy;
  const store = settings.workers > 1 ? "fingerprint" : settings.store;
  return progressWriter(
    { spec: spec.name, file, params: settings.params, engine, store },
    settings.progressEvery ?? (terminal ? 1 : 10),
    (line) => io.err(line),
    explicit,
  );
}

/** Checks one spec, sequentially or with workers, reporting progress on stderr. */
async function checkOne(
  file: string,
  spec: Spec,
  settings: CheckSettings,
  values: Values,
  stop: Stop,
  io: CliIO,
): Promise<CheckResult> {
  const { limits } = settings;
  const onProgress = withSandboxProgress(
    spec,
    progressFor(file, spec, settings, values.progress === true, io),
    io,
  );
  const common = {
    params: settings.params,
    ...(limits.maxStates !== undefined ? { maxStates: limits.maxStates } : {}),
    ...(limits.maxDepth !== undefined ? { maxDepth: limits.maxDepth } : {}),
    ...(limits.timeSeconds !== undefined ? { timeSeconds: limits.timeSeconds } : {}),
    signal: stop.signal,
    shouldStop: () => stop.aborted,
    ...(onProgress !== undefined ? { onProgress } : {}),
  };
  const url = distributedTarget(values, settings);
  if (url !== undefined) {
    return await checkOnDistributed(url, file, spec, settings, values, common, io);
  }
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

/** `onProgress`, also telling the sandbox's supervisor (which owns the terminal) when there is one. */
function withSandboxProgress(
  spec: Spec,
  onProgress: ((p: Progress) => void) | undefined,
  io: CliIO,
): ((p: Progress) => void) | undefined {
  if (io.onProgress === undefined) return onProgress;
  return (p) => {
    io.onProgress?.(spec.name, p);
    onProgress?.(p);
  };
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
  const goOn = target === undefined ? "" : commandLine(
    commandPrefix(settings.commandName, "read-write"),
    [
      "check",
      absolute(file),
      "--spec",
      spec.name,
      ...paramArgs(settings.params),
      "--resume",
      target,
    ],
  );
  const save = target === undefined ? () => {} : checkpointWriter(
    target,
    identity,
    (states) =>
      io.err(
        `${spec.name}: checkpoint of ${states} states written to ${target} (go on with: ${goOn})`,
      ),
    io.writing === undefined ? undefined : (on) => io.writing!(on),
  );
  return {
    checkpointing: {
      everyMillis: target === undefined ? Number.POSITIVE_INFINITY : everyMinutes * 60_000,
      save,
      ...(from !== undefined ? { resume: from } : {}),
      ...(io.writing !== undefined ? { busy: (on: boolean) => io.writing!(on) } : {}),
    },
  };
}

/** Prints one result as text (with `--expect`, under a PASS or FAIL line). */
function report(
  file: string,
  spec: Spec,
  result: CheckResult,
  settings: CheckSettings,
  expect: boolean,
  prefix: readonly string[],
  io: CliIO,
): void {
  if (settings.format !== "text") return;
  const text = formatText(result, replayHint(prefix, file, spec.name, settings.params));
  if (!expect) {
    io.out(text);
    return;
  }
  const met = meetsExpectation(spec.expect, result);
  const got = result.verdict === "violation"
    ? `violation of '${result.violation!.property}'`
    : result.verdict;
  io.out(
    `${met ? "PASS" : "FAIL"} ${spec.name}: expected ${expectationText(spec.expect)}, got ${got}\n${
      text.replace(/^/gm, "    ")
    }`,
  );
}

/** Which blocking steps and triggers the spec reaches. */
function coverageOf(spec: Spec, settings: CheckSettings): CoverageReport {
  const maxStates = settings.limits.maxStates;
  return coverage(
    compileFor(spec, settings.params, settings),
    maxStates !== undefined ? { maxStates } : {},
  );
}

/**
 * Prints the coverage (as text); returns false when `--require-coverage`
 * fails (some point never reached, or the pass was cut short).
 */
function reportCoverage(
  spec: Spec,
  cov: CoverageReport,
  settings: CheckSettings,
  require: boolean,
  io: CliIO,
): boolean {
  const text = settings.format === "text";
  if (text) io.out(formatCoverage(cov));
  const unreached = cov.blocking.filter((b) => !b.reached).length +
    cov.triggers.filter((t) => !t.reached).length;
  if (!require || (unreached === 0 && cov.complete)) return true;
  if (text) {
    io.out(
      `FAIL coverage of ${spec.name}: ${unreached} blocking step${
        unreached === 1 ? "" : "s"
      } or trigger${unreached === 1 ? "" : "s"} never reached${
        cov.complete ? "" : " (the state limit cut the pass short)"
      }`,
    );
  }
  return false;
}
