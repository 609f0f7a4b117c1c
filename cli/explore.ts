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

import { parseArgs } from "node:util";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { type RunningExplorer, serveExplorer } from "../explorer/mod.ts";
import { Spec } from "../mod.ts";

/** The usage text of `explore`. */
export const EXPLORE_USAGE = `usage: ipcspec explore <spec file> [options]

Serves a web page on 127.0.0.1 to walk the spec's states by hand: the enabled
transitions with what each would change, take one, go back, check from the
current state and jump to the counterexample found, load a trace or schedule
file; the sequence chart grows as you go. Other hosts and origins are refused.

options:
  --spec name          the spec to explore (when the file exports several)
  --param name=value   override a spec parameter (repeatable)
  --port N             the port (default: any free port; printed)
  --replay TRACE       start on a trace (as printed, e.g. 0:3,1,4)
  --load FILE          start on a trace, a schedule file or an ITF trace
  --no-check           do not check from the initial state first
  --open               open the page in the default browser (xdg-open or open)
  -h, --help           this help`;

/** Where the explore command writes. */
export interface ExploreIO {
  /** A line for stdout. */
  out(text: string): void;
  /** A line for stderr. */
  err(text: string): void;
}

/**
 * Starts the explorer for the command's arguments (after `explore`).
 * Returns the running explorer, or an exit code and a message for bad
 * arguments.
 *
 * @param args The arguments after `explore`.
 * @param io Where to write.
 * @returns The running explorer, or the exit code when it did not start.
 *
 * @example
 * ```ts
 * import { startExplore } from "./explore.ts";
 * import assert from "node:assert/strict";
 *
 * const lines: string[] = [];
 * const io = { out: (t: string) => lines.push(t), err: (t: string) => lines.push(t) };
 * const ex = await startExplore(["specs/pc_swapped_waits.ts", "--no-check"], io);
 * assert.ok(typeof ex !== "number");
 * assert.match(lines[0]!, /^ipcspec explorer for pc_swapped_waits: http:\/\/127\.0\.0\.1:\d+\/$/);
 * await ex.shutdown();
 * assert.equal(await startExplore([], io), 3);
 * ```
 */
export async function startExplore(
  args: string[],
  io: ExploreIO,
): Promise<RunningExplorer | number> {
  let values, positionals;
  try {
    ({ values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        spec: { type: "string" },
        param: { type: "string", multiple: true },
        port: { type: "string" },
        replay: { type: "string" },
        load: { type: "string" },
        "no-check": { type: "boolean" },
        open: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    io.err(`error: ${e instanceof Error ? e.message : String(e)}\n\n${EXPLORE_USAGE}`);
    return 3;
  }
  if (values.help === true) {
    io.out(EXPLORE_USAGE);
    return 0;
  }
  if (positionals.length !== 1) {
    io.err(`error: explore takes one spec file\n\n${EXPLORE_USAGE}`);
    return 3;
  }
  const file = positionals[0]!;
  try {
    const mod: Record<string, unknown> = await import(pathToFileURL(resolve(file)).href);
    const specs = Object.values(mod).filter((v): v is Spec => v instanceof Spec);
    const chosen = values.spec === undefined ? specs : specs.filter((s) => s.name === values.spec);
    if (chosen.length !== 1) {
      const names = specs.map((s) => s.name).join(", ");
      throw new RangeError(
        chosen.length === 0
          ? `'${file}' exports no spec${values.spec !== undefined ? ` named '${values.spec}'` : ""}`
          : `'${file}' exports several specs (${names}): pick one with --spec name`,
      );
    }
    const spec = chosen[0]!;
    const params: Record<string, string> = {};
    for (const p of values.param ?? []) {
      const eq = p.indexOf("=");
      if (eq <= 0) throw new RangeError(`--param must look like name=value, got '${p}'`);
      params[p.slice(0, eq)] = p.slice(eq + 1);
    }
    const port = values.port === undefined ? 0 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new RangeError(`--port must be a port number, got '${values.port}'`);
    }
    const start = values.replay ??
      (values.load !== undefined ? await Deno.readTextFile(values.load) : undefined);
    const ex = serveExplorer({
      spec,
      params,
      port,
      ...(start !== undefined ? { start } : {}),
      checkFirst: values["no-check"] !== true,
    });
    io.out(`ipcspec explorer for ${spec.name}: ${ex.url}`);
    if (values.open === true) openBrowser(ex.url, io);
    return ex;
  } catch (e) {
    io.err(`error: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`);
    return 3;
  }
}

/**
 * Runs `explore` until interrupted (Ctrl-C); returns the exit code.
 *
 * @param args The arguments after `explore`.
 * @param io Where to write.
 * @returns 0 after an interrupt, 3 for bad arguments.
 */
export async function exploreCommand(args: string[], io: ExploreIO): Promise<number> {
  const ex = await startExplore(args, io);
  if (typeof ex === "number") return ex;
  io.out("press Ctrl-C to stop");
  const stop = () => void ex.shutdown();
  Deno.addSignalListener("SIGINT", stop);
  try {
    await ex.finished;
  } finally {
    Deno.removeSignalListener("SIGINT", stop);
  }
  return 0;
}

function openBrowser(url: string, io: ExploreIO): void {
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
