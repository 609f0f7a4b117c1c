/**
 * The command line: `ipcspec check <spec files or folders...>`, and `list`,
 * `sweep`, `simulate`, `replay`, `init` (see `cli/`, one file per command).
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

import { supervise } from "./cli/_sandbox.ts";
import { defaultIO } from "./cli/_io.ts";

export { type CliIO, EXIT, main } from "./cli/mod.ts";

if (import.meta.main) {
  // What a spec prints goes to stderr: stdout carries only the report.
  // deno-lint-ignore no-console
  console.log = console.info = console.debug = console.error;
  Deno.exit(await supervise(Deno.args, defaultIO));
}
