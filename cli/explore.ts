/**
 * `ipcspec explore SPEC`: serves the explorer (see `explorer/`) on
 * 127.0.0.1, prints its address, and runs until interrupted.
 *
 * ```sh
 * ipcspec explore specs/pc_swapped_waits.ts
 * ipcspec explore specs/mailbox_owner_exit.ts --spec mailbox_owner_exit --param capacity=1 --port 8123
 * ipcspec explore specs/pc_swapped_waits.ts --replay 0:0,7,8,15     # start on a trace
 * ipcspec explore specs/pc_swapped_waits.ts --load run.schedule.json
 * ```
 *
 * @module
 */

import { type RunningExplorer, serveExplorer } from "../explorer/mod.ts";
import { type CliIO, EXIT } from "./_io.ts";
import {
  type OptionName,
  parseParams,
  rejectOptions,
  UsageError,
  type Values,
} from "./_options.ts";
import { selectSpecs } from "./_specs.ts";
import { USAGE } from "./_usage.ts";

/** The options of the other commands, which explore refuses. */
const NOT_EXPLORE: readonly OptionName[] = [
  "max-states",
  "max-depth",
  "strategy",
  "store",
  "bitstate-bits",
  "symmetry",
  "por",
  "workers",
  "time",
  "format",
  "expect",
  "progress",
  "coverage",
  "require-coverage",
  "interpret",
  "dump-code",
  "svg",
  "html",
  "graph-limit",
];

/**
 * Starts the explorer for the command's spec file and options; throws a
 * UsageError for bad ones.
 *
 * @param paths The spec file (exactly one).
 * @param values The parsed options.
 * @param io Where to write (the address goes to stdout).
 * @returns The running explorer.
 *
 * @example
 * ```ts
 * import { startExplore } from "./explore.ts";
 * import assert from "node:assert/strict";
 *
 * const lines: string[] = [];
 * const io = { out: (t: string) => lines.push(t), err: (t: string) => lines.push(t) };
 * const ex = await startExplore(["specs/pc_swapped_waits.ts"], { "no-check": true }, io);
 * assert.match(lines[0]!, /^ipcspec explorer for pc_swapped_waits: http:\/\/127\.0\.0\.1:\d+\/$/);
 * await ex.shutdown();
 * ```
 */
export async function startExplore(
  paths: string[],
  values: Values,
  io: CliIO,
): Promise<RunningExplorer> {
  rejectOptions("explore", values, NOT_EXPLORE);
  if (paths.length !== 1) throw new UsageError(`explore takes one spec file\n\n${USAGE}`);
  const specs = await selectSpecs(paths, values.spec);
  if (specs.length !== 1) {
    throw new UsageError(
      `explore needs exactly one spec; '${paths[0]}' has ${
        specs.map((s) => s.spec.name).join(", ")
      }: pick one with --spec name`,
    );
  }
  const { spec } = specs[0]!;
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!/^\d+$/.test(values.port ?? "0") || port > 65535) {
    throw new UsageError(`--port must be a port number, got '${values.port}'`);
  }
  if (values.replay !== undefined && values.load !== undefined) {
    throw new UsageError("explore takes --replay or --load, not both");
  }
  const start = values.replay ??
    (values.load !== undefined ? await Deno.readTextFile(values.load) : undefined);
  let ex: RunningExplorer;
  try {
    ex = serveExplorer({
      spec,
      params: parseParams(values.param ?? []),
      port,
      ...(start !== undefined ? { start } : {}),
      checkFirst: values["no-check"] !== true,
    });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message.split("\n")[0]! : String(e));
  }
  io.out(`ipcspec explorer for ${spec.name}: ${ex.url}`);
  if (values.open === true) openBrowser(ex.url, io);
  return ex;
}

/**
 * `explore`: serves until interrupted (Ctrl-C); returns the exit code.
 *
 * @param paths The spec file.
 * @param values The parsed options.
 * @param io Where to write.
 * @returns 0 once stopped.
 */
export async function exploreCommand(paths: string[], values: Values, io: CliIO): Promise<number> {
  const ex = await startExplore(paths, values, io);
  io.out("press Ctrl-C to stop");
  const stop = () => void ex.shutdown();
  Deno.addSignalListener("SIGINT", stop);
  // In the sandbox, Ctrl-C reaches the supervisor, which asks through io.
  const asked = setInterval(() => io.stopRequested?.() === true && stop(), 100);
  try {
    await ex.finished;
  } finally {
    clearInterval(asked);
    Deno.removeSignalListener("SIGINT", stop);
  }
  return EXIT.ok;
}

function openBrowser(url: string, io: CliIO): void {
  const opener = Deno.build.os === "darwin"
    ? "open"
    : Deno.build.os === "windows"
    ? "explorer"
    : "xdg-open";
  try {
    new Deno.Command(opener, { args: [url], stdout: "null", stderr: "null" }).spawn();
  } catch {
    io.err(`could not run ${opener}: open ${url} yourself`);
  }
}
