/**
 * The command line, one file per command over one shared option parser
 * (`node:util`'s `parseArgs`, in `_options.ts`):
 *
 * | file          | command                                              |
 * | ------------- | ---------------------------------------------------- |
 * | `check.ts`    | `check <spec files or folders...>`: search, report  |
 * | `list.ts`     | `list <spec files or folders...>`: specs and params  |
 * | `sweep.ts`    | `sweep <spec file> --param n=1..4`: a grid of checks |
 * | `simulate.ts` | `simulate <spec file>`: random shrunk schedules      |
 * | `replay.ts`   | `replay <schedule file>`: re-run a simulation's find |
 *
 * `main.ts` dispatches on the command's name. Commands print through the
 * reporters (`reporters/`); the checker never imports the CLI. The entry
 * point is `cli.ts` at the top of the repository.
 *
 * @example
 * ```ts
 * import { EXIT, main } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const out: string[] = [];
 * const code = await main(["list", "specs/pc_channel.ts"], {
 *   out: (t) => out.push(t),
 *   err: (t) => out.push(t),
 * });
 * assert.equal(code, EXIT.ok);
 * assert.match(out[0]!, /^pc_channel /);
 * ```
 *
 * @module
 */

export { type CliIO, EXIT, main } from "./main.ts";
export { checkCommand } from "./check.ts";
export { listCommand } from "./list.ts";
export { sweepCommand } from "./sweep.ts";
export { simulateCommand } from "./simulate.ts";
export { replayCommand } from "./replay.ts";
