/**
 * The command line's dispatch: parse the options once, hand them to the
 * command named first, and turn bad input into one `error:` line.
 *
 * Exit codes: 0 ok, 1 violation (or, with `--expect`, a verdict that differs
 * from the declared one), 2 incomplete, 3 error (bad input, a spec that
 * cannot be checked).
 *
 * @module
 */

import { checkCommand } from "./check.ts";
import { type CliIO, defaultIO, EXIT } from "./_io.ts";
import { listCommand } from "./list.ts";
import {
  EXPLORE_OPTIONS,
  parseOptions,
  SIMULATION_OPTIONS,
  UsageError,
  type Values,
} from "./_options.ts";
import { exploreCommand } from "./explore.ts";
import { replayCommand } from "./replay.ts";
import { simulateCommand } from "./simulate.ts";
import { sweepCommand } from "./sweep.ts";
import { USAGE } from "./_usage.ts";

export { type CliIO, EXIT };

/** A command: the paths after its name, the options, where to write; gives the exit code. */
type Command = (paths: string[], values: Values, io: CliIO) => Promise<number>;

/** The commands, by name. */
const COMMANDS: ReadonlyMap<string, Command> = new Map([
  ["check", checkCommand],
  ["list", listCommand],
  ["sweep", sweepCommand],
  ["simulate", simulateCommand],
  ["replay", replayCommand],
  ["explore", exploreCommand],
]);

/**
 * Runs the CLI.
 *
 * @param args The arguments, without the program name.
 * @param io Where to write.
 * @returns The exit code.
 *
 * @example
 * ```ts
 * import { main } from "./main.ts";
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
  const { values, positionals } = parseOptions(args);
  if (values.help === true) {
    io.out(USAGE);
    return EXIT.ok;
  }
  const [command, ...paths] = positionals;
  if (command !== "sweep" && command !== "simulate" && command !== "replay") {
    for (const name of Object.keys(SIMULATION_OPTIONS)) {
      if (name in values) {
        throw new UsageError(`--${name} is an option of sweep and simulate, not of ${command}`);
      }
    }
  }
  if (command !== "explore") {
    for (const name of Object.keys(EXPLORE_OPTIONS)) {
      if (name in values) {
        throw new UsageError(`--${name} is an option of explore, not of ${command}`);
      }
    }
  }
  const chosen = command === undefined ? undefined : COMMANDS.get(command);
  if (chosen === undefined) {
    throw new UsageError(
      command === undefined
        ? `no command given\n\n${USAGE}`
        : `unknown command '${command}'\n\n${USAGE}`,
    );
  }
  return await chosen(paths, values, io);
}
