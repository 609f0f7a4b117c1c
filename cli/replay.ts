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
import { formatScheduleReplay } from "../reporters/mod.ts";
import {
  codeOptions,
  rejectOptions,
  SIMULATION_OPTIONS,
  simulationFormat,
  UsageError,
  type Values,
} from "./_options.ts";
import { compileFor, dumpCode, dumpTarget } from "./_compile.ts";
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
  if (paths.length !== 1) throw new UsageError(`replay takes one schedule file\n\n${USAGE}`);
  const path = paths[0]!;
  const file = await readScheduleFile(path);
  const spec = await scheduleSpec(path, file);
  const model = compileFor(spec, file.params, code);
  if (dumpFile !== undefined) await dumpCode(dumpFile, spec.name, model, io);
  const r = replaySchedule(model, file);
  if (format === "json") io.out(JSON.stringify({ file, ...r }, null, 2));
  else if (format === "text") io.out(formatScheduleReplay(path, file, r));
  const pictures = pictureOptions(values, format);
  if (wantsPictures(pictures) && typeof r.story !== "string") {
    await showPictures(spec, file.params, r.story, pictures, io);
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

/** The schedule file at `path`, read and parsed. */
async function readScheduleFile(path: string): Promise<ScheduleFile> {
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
  return file;
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
