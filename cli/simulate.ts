/**
 * `ipcspec simulate <spec file>`: random schedules, shrunk on a violation,
 * for configurations too large to check; writes the schedule found to a
 * file that `replay` re-runs.
 *
 * @module
 */

import { formatScheduleFile, scheduleFileOf } from "../checker/schedule_file.ts";
import { simulate, type SimulationResult } from "../checker/simulate.ts";
import { formatSimulation } from "../reporters/mod.ts";
import { absolute, commandLine, commandPrefix, paramArgs } from "./_command_line.ts";
import { simulationJson } from "../reporters/result_json.ts";
import type { Model } from "../model/model.ts";
import { writeJson } from "./_reports.ts";
import { traceStates } from "./_states.ts";
import { checkableFor, compileFor, dumpCode, dumpTarget } from "./_compile.ts";
import { type CliIO, EXIT, writeFile } from "./_io.ts";
import {
  codeOptions,
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

/** The longest schedule `--max-steps` allows (a schedule is held in memory). */
const MAX_STEPS = 10_000_000;

/**
 * Runs `simulate`.
 *
 * @param paths The spec file (one).
 * @param values The options.
 * @param io Where to write.
 * @returns The exit code.
 *
 * @example
 * ```ts
 * import { simulateCommand } from "./simulate.ts";
 * import assert from "node:assert/strict";
 *
 * const out: string[] = [];
 * const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t) };
 * assert.equal(await simulateCommand(["specs/pc_channel.ts"], { runs: "5" }, io), 2);
 * assert.match(out[0]!, /^pc_channel \(.*\): INCOMPLETE/);
 * ```
 */
export async function simulateCommand(
  paths: string[],
  values: Values,
  io: CliIO,
): Promise<number> {
  const format = simulationFormat("simulate", values);
  rejectOptions("simulate", values, ["mode", "grid-limit", "all", "max-states"]);
  const code = codeOptions(values);
  const dumpFile = await dumpTarget(code.dumpCode);
  const { file, spec } = await oneSpec("simulate", paths, values.spec);
  io.onSpec?.(spec.name, file);
  const params = parseParams(values.param ?? []);
  const runs = positiveInt("runs", values.runs);
  const maxSteps = positiveInt("max-steps", values["max-steps"]);
  if (maxSteps !== undefined && maxSteps > MAX_STEPS) {
    throw new UsageError(`--max-steps must be at most ${MAX_STEPS}, got ${maxSteps}`);
  }
  const timeSeconds = positiveNumber("time", values.time);
  const seed = integer("seed", values.seed);
  if (values.path !== undefined && seed === undefined) {
    throw new UsageError("--path needs the --seed it came with");
  }
  if (dumpFile !== undefined) {
    await dumpCode(dumpFile, spec.name, compileFor(spec, params, code), io);
  }
  const r = simulate(checkableFor(spec, code), {
    params,
    ...(runs !== undefined ? { runs } : {}),
    ...(maxSteps !== undefined ? { maxSteps } : {}),
    ...(timeSeconds !== undefined ? { timeSeconds } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(values.path !== undefined ? { path: values.path } : {}),
    ...(io.stopRequested !== undefined ? { shouldStop: () => io.stopRequested!() } : {}),
  });
  const written = await writeSchedule(r, absolute(file), values.out, io);
  const prefix = commandPrefix(values["command-name"], "read-write");
  const reproduce: string[] = [];
  if (r.verdict !== "incomplete" && r.path !== undefined) {
    reproduce.push(commandLine(prefix, [
      "simulate",
      absolute(file),
      "--spec",
      spec.name,
      ...paramArgs(params),
      "--max-steps",
      String(r.maxSteps),
      "--seed",
      String(r.seed),
      "--path",
      r.path,
    ]));
  }
  if (written !== undefined) {
    const read = commandPrefix(values["command-name"], "read");
    reproduce.push(commandLine(read, ["replay", absolute(written), absolute(file)]));
  }
  if (format === "json") {
    let model: Model | undefined;
    try {
      model = compileFor(spec, params, code);
    } catch {
      model = undefined;
    }
    return writeJson(io, {
      command: "simulate",
      simulation: simulationJson(r, {
        ...(model !== undefined ? { states: traceStates(model) } : {}),
        ...(written !== undefined ? { scheduleFile: written } : {}),
        commands: reproduce,
      }),
    }, EXIT[r.verdict]);
  }
  io.out(formatSimulation(r, reproduce));
  return EXIT[r.verdict];
}

/**
 * Writes the schedule file of a failing simulation to `out` (default: a new
 * file in the temp dir); returns where, or undefined when there is nothing
 * to write or it cannot be written (a warning on stderr).
 */
async function writeSchedule(
  r: SimulationResult,
  file: string,
  out: string | undefined,
  io: CliIO,
): Promise<string | undefined> {
  const schedule = scheduleFileOf(r, file);
  if (schedule === undefined) return undefined;
  try {
    return await (io.writeFile ?? writeFile)(
      out,
      { prefix: `ipcspec-${r.spec}-`, suffix: ".schedule.json" },
      formatScheduleFile(schedule),
    );
  } catch (e) {
    io.err(`warning: cannot write the schedule file: ${e instanceof Error ? e.message : e}`);
    return undefined;
  }
}
