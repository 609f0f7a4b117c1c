/**
 * `ipcspec sweep <spec file> --param name=1..4 ...`: check every
 * configuration of a grid (or a fast-check sample of it) and report the
 * smallest failing one, with the commands that reproduce it.
 *
 * @module
 */

import { parseRange, sweep, type SweepOptions, type SweepResult } from "../checker/sweep.ts";
import type { Spec } from "../model/spec.ts";
import { formatSweep, formatSweepPoint, type SweepCommands } from "../reporters/mod.ts";
import { absolute, commandLine, commandPrefix, paramArgs } from "./_command_line.ts";
import { junitSweep } from "../reporters/junit.ts";
import { sweepJson } from "../reporters/result_json.ts";
import type { Model } from "../model/model.ts";
import { compileFor } from "./_compile.ts";
import { replayHint, writeJson, writeJunit } from "./_reports.ts";
import { traceStates } from "./_states.ts";
import { checkableFor } from "./_compile.ts";
import { type CliIO, EXIT } from "./_io.ts";
import {
  integer,
  parseParams,
  positiveInt,
  positiveNumber,
  rejectOptions,
  simulationFormat,
  UsageError,
  type Values,
} from "./_options.ts";
import { oneSpec } from "./_specs.ts";

/** The parameters swept (a range or a list) and those fixed (one value). */
interface Grid {
  readonly ranges: Record<string, string>;
  readonly fixed: Record<string, string>;
}

/** What the sweep's command lines repeat. */
interface Given extends Grid {
  readonly timeSeconds: number | undefined;
  readonly runs: number | undefined;
  readonly symmetry: boolean;
}

/**
 * Runs `sweep`.
 *
 * @param paths The spec file (one).
 * @param values The options.
 * @param io Where to write.
 * @returns The exit code.
 *
 * @example
 * ```ts
 * import { sweepCommand } from "./sweep.ts";
 * import assert from "node:assert/strict";
 *
 * const out: string[] = [];
 * const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t) };
 * const code = await sweepCommand(["specs/pc_channel.ts"], { param: ["items=1..2"] }, io);
 * assert.equal(code, 0);
 * assert.match(out[0]!, /^pc_channel: ok at all 2 points$/m);
 * ```
 */
export async function sweepCommand(paths: string[], values: Values, io: CliIO): Promise<number> {
  const format = simulationFormat("sweep", values);
  rejectOptions("sweep", values, ["max-steps", "out", "dump-code"]);
  const { file, spec } = await oneSpec("sweep", paths, values.spec);
  io.onSpec?.(spec.name, file);
  const grid = gridOf(values.param ?? []);
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
  const options: SweepOptions = {
    params: grid.fixed,
    maxStates,
    mode,
    ...(timeSeconds !== undefined ? { timeSeconds } : {}),
    ...(gridLimit !== undefined ? { gridLimit } : {}),
    ...(values.all === true ? { all: true } : {}),
    ...(values.symmetry === true ? { symmetry: true } : {}),
    ...(runs !== undefined ? { runs } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(values.path !== undefined ? { path: values.path } : {}),
    ...(values.progress === true || io.onRow !== undefined
      ? {
        onPoint: (p) => {
          io.onRow?.(formatSweepPoint(p));
          if (values.progress === true) {
            io.err(`[${spec.name}] ${pointText(p.params)}: ${p.verdict}`);
          }
        },
      }
      : {}),
  };
  const interpret = values.interpret === true;
  const r = sweep(
    checkableFor(spec, { interpret }),
    grid.ranges,
    io.stopRequested !== undefined
      ? { ...options, shouldStop: () => io.stopRequested!() }
      : options,
  );
  const symmetry = values.symmetry === true;
  const prefix = commandPrefix(values["command-name"], "read");
  const commands = sweepCommands(prefix, file, spec, r, { ...grid, timeSeconds, runs, symmetry });
  if (values.junit !== undefined) {
    const suite = junitSweep(r, {
      file,
      ...(commands.check !== undefined ? { check: commands.check } : {}),
    });
    const failed = await writeJunit(values.junit, [suite]);
    if (failed !== undefined) throw new UsageError(failed);
  }
  if (format === "json") {
    return writeSweepJson(r, { file, spec, fixed: grid.fixed, prefix, commands, interpret }, io);
  }
  io.out(formatSweep(r, commands));
  return EXIT[r.verdict];
}

function pointText(params: Readonly<Record<string, unknown>>): string {
  return Object.entries(params).map(([k, v]) => `${k}=${v}`).join(" ");
}

/** The `--param`s split into swept ones (a range or a list) and fixed ones. */
function gridOf(list: readonly string[]): Grid {
  const ranges: Record<string, string> = {};
  const fixed: Record<string, string> = {};
  for (const [name, text] of Object.entries(parseParams(list))) {
    const vs = parseRange(text);
    if (typeof vs === "string") throw new UsageError(`--param ${name}: ${vs}`);
    if (vs.length > 1) ranges[name] = text;
    else fixed[name] = text;
  }
  return { ranges, fixed };
}

/** The command lines that rerun the sweep and check its smallest failing configuration. */
function sweepCommands(
  prefix: readonly string[],
  file: string,
  spec: Spec,
  r: SweepResult,
  given: Given,
): SweepCommands {
  const fixedArgs = paramArgs(given.fixed);
  const limits = [
    "--max-states",
    String(r.maxStates),
    ...(given.timeSeconds !== undefined ? ["--time", String(given.timeSeconds)] : []),
    ...(given.symmetry ? ["--symmetry"] : []),
  ];
  const sweepArgs = [
    "sweep",
    absolute(file),
    "--spec",
    spec.name,
    ...paramArgs(given.ranges),
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
  if (r.smallest === undefined) return { sweep: commandLine(prefix, sweepArgs) };
  const checkArgs = ["check", absolute(file), "--spec", spec.name, ...paramArgs(r.smallest.params)];
  return {
    sweep: commandLine(prefix, sweepArgs),
    check: commandLine(prefix, [...checkArgs, ...fixedArgs, ...limits]),
  };
}

/** The sweep's JSON document, with the smallest failing point's trace states when it has one. */
function writeSweepJson(
  r: SweepResult,
  at: {
    file: string;
    spec: Spec;
    fixed: Record<string, string>;
    prefix: readonly string[];
    commands: SweepCommands;
    interpret: boolean;
  },
  io: CliIO,
): number {
  const { file, spec, prefix, commands, interpret } = at;
  const point = r.smallest !== undefined ? { ...at.fixed, ...r.smallest.params } : undefined;
  let model: Model | undefined;
  try {
    model = point !== undefined ? compileFor(spec, point, { interpret }) : undefined;
  } catch {
    model = undefined;
  }
  const hint = point !== undefined ? replayHint(prefix, file, spec.name, point) : undefined;
  return writeJson(io, {
    command: "sweep",
    sweep: sweepJson(r, {
      file,
      commands: {
        sweep: commands.sweep ?? "",
        ...(commands.check !== undefined ? { check: commands.check } : {}),
      },
      ...(model !== undefined ? { states: traceStates(model) } : {}),
      ...(hint !== undefined ? { replay: (t: string) => hint.replace("{trace}", t) } : {}),
    }),
  }, EXIT[r.verdict]);
}
