/**
 * `ipcspec replay <schedule file>`: re-run the schedule a simulation wrote,
 * on the spec and parameters the file names, and tell it as a story; exit
 * 3 when the run no longer matches the file (the spec or ipcspec changed).
 *
 * @module
 */

import { dirname, resolve } from "node:path";
import { parseScheduleFile, replaySchedule, type ScheduleFile } from "../checker/schedule_file.ts";
import type { Spec } from "../model/spec.ts";
import { formatCounterexample, formatScheduleReplay } from "../reporters/mod.ts";
import { parseItf } from "../reporters/itf.ts";
import { counterexampleJson } from "../reporters/result_json.ts";
import { replayItf } from "./_itf_replay.ts";
import { writeJson } from "./_reports.ts";
import { traceStates } from "./_states.ts";
import {
  codeOptions,
  rejectOptions,
  SIMULATION_OPTIONS,
  simulationFormat,
  UsageError,
  type Values,
} from "./_options.ts";
import { type CompileChoice, compileFor, dumpCode, dumpTarget } from "./_compile.ts";
import { type CliIO, EXIT } from "./_io.ts";
import { loadSpecs } from "./_specs.ts";
import { pictureOptions, showPictures, wantsPictures } from "./_pictures.ts";
import { USAGE } from "./_usage.ts";

/**
 * Runs `replay`.
 *
 * @param paths The schedule file (one).
 * @param values The options.
 * @param io Where to write.
 * @returns The exit code.
 *
 * @example
 * ```ts
 * import { replayCommand } from "./replay.ts";
 * import assert from "node:assert/strict";
 *
 * const out: string[] = [];
 * const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t) };
 * await assert.rejects(
 *   replayCommand(["no/such.schedule.json"], {}, io),
 *   /Cannot read schedule file 'no\/such\.schedule\.json': no such file/,
 * );
 * ```
 */
export async function replayCommand(paths: string[], values: Values, io: CliIO): Promise<number> {
  const format = simulationFormat("replay", values);
  rejectOptions("replay", values, [
    ...(Object.keys(SIMULATION_OPTIONS) as (keyof typeof SIMULATION_OPTIONS)[]),
    "param",
    "spec",
    "time",
  ]);
  const code = codeOptions(values);
  const dumpFile = await dumpTarget(code.dumpCode);
  if (paths.length !== 1 && paths.length !== 2) {
    throw new UsageError(
      `replay takes one schedule file or ITF trace, and optionally the spec file\n\n${USAGE}`,
    );
  }
  const path = paths[0]!;
  const specFile = paths[1];
  const text = await readText(path);
  if (isItf(text)) return await replayItfFile(path, text, format, code, io);
  const file = parseScheduleFile(text);
  if (typeof file === "string") throw new UsageError(`'${path}' is not a schedule file: ${file}`);
  // A spec file named on the command line wins over the one the schedule names.
  const spec = await scheduleSpec(path, specFile === undefined ? file : { ...file, specFile });
  const model = compileFor(spec, file.params, code);
  if (dumpFile !== undefined) await dumpCode(dumpFile, spec.name, model, io);
  const r = replaySchedule(model, file);
  const failed = r.mismatch !== undefined || typeof r.story === "string";
  const exit = failed || r.run.end === "error"
    ? EXIT.error
    : r.run.end === "violation"
    ? EXIT.violation
    : EXIT.ok;
  const why = `${
    r.mismatch ?? "the schedule does not replay"
  } (the spec or ipcspec changed since the file was written)`;
  if (format === "json") {
    const story = typeof r.story === "string" ? undefined : r.story;
    return writeJson(io, {
      command: "replay",
      replay: {
        spec: file.spec,
        file: file.specFile,
        params: { ...spec.resolve(file.params) },
        source: "schedule",
        outcome: failed
          ? "unreplayable"
          : r.run.end === "error"
          ? "error"
          : r.run.end === "violation"
          ? "violation"
          : "ok",
        message: failed
          ? why
          : r.run.end === "error"
          ? `the spec's code fails: ${r.run.error}`
          : story !== undefined && story.property !== ""
          ? `violates '${story.property}' (${story.kind}): ${story.message}`
          : "the schedule ends in a state that violates no property",
        ...(story !== undefined
          ? { counterexample: counterexampleJson(story, { states: traceStates(model) }) }
          : {}),
      },
    }, exit);
  }
  if (format === "text") io.out(formatScheduleReplay(path, file, r));
  const pictures = pictureOptions(values, format);
  if (wantsPictures(pictures) && typeof r.story !== "string") {
    await showPictures(spec, file.params, r.story, pictures, io);
  }
  if (failed) io.err(`error: ${why}`);
  return exit;
}

/** The text of a replay file. */
async function readText(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    throw new UsageError(
      `Cannot read schedule file '${path}': ${
        e instanceof Deno.errors.NotFound ? "no such file" : (e as Error).message
      }`,
    );
  }
}

/** Whether a replay file is an ITF trace (rather than a schedule file). */
function isItf(text: string): boolean {
  try {
    const v = JSON.parse(text);
    return typeof v === "object" && v !== null && Array.isArray(v.vars) && Array.isArray(v.states);
  } catch {
    return false;
  }
}

/** `replay FILE.itf.json`: replays an ITF trace ipcspec wrote (see `_itf_replay.ts`). */
async function replayItfFile(
  path: string,
  text: string,
  format: string,
  code: CompileChoice,
  io: CliIO,
): Promise<number> {
  const itf = parseItf(text);
  if (typeof itf === "string") throw new UsageError(`Cannot replay '${path}': ${itf}`);
  const o = itf.origin;
  const spec = await scheduleSpec(path, { specFile: o.file, spec: o.spec });
  const model = compileFor(spec, o.params, code);
  const r = replayItf(model, itf);
  const exit = r.outcome === "unreplayable"
    ? EXIT.error
    : r.outcome === "violation"
    ? EXIT.violation
    : EXIT.ok;
  if (format === "json") {
    return writeJson(io, {
      command: "replay",
      replay: {
        spec: o.spec,
        file: o.file,
        params: { ...o.params },
        source: "itf",
        outcome: r.outcome,
        message: r.message,
        ...(r.story !== undefined
          ? { counterexample: counterexampleJson(r.story, { states: traceStates(model) }) }
          : {}),
      },
    }, exit);
  }
  const shown = Object.entries(o.params).map(([k, v]) => `${k}=${v}`).join(" ");
  io.out(
    `${o.spec} (${shown}): replaying the ITF trace ${path} (${o.transitions.length} steps, written by ipcspec ${o.version})`,
  );
  if (r.story !== undefined) io.out(formatCounterexample(r.story));
  if (r.outcome === "unreplayable") io.err(`error: ${r.message}`);
  else io.out(r.message);
  return exit;
}

/** The spec a schedule file names: its file relative to the working directory, else to the schedule file. */
async function scheduleSpec(
  schedulePath: string,
  file: Pick<ScheduleFile, "specFile" | "spec">,
): Promise<Spec> {
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
