// Private module: the commands ipcspec prints for the user to run (replay,
// reproduce, sweep, check hints), written the way the user ran ipcspec —
// the installed command, or `deno run` with the real path of cli.ts — with
// the fewest permissions, absolute paths and POSIX shell quoting, so that
// a line pasted into `sh` from any directory runs that command and nothing
// else.

import { fileURLToPath } from "node:url";
import { resolve } from "node:path";

/**
 * `arg` as one word for a POSIX shell: unchanged when it holds only
 * characters no shell treats specially, else in single quotes (a quote
 * inside written `'\''`).
 */
export function shellQuote(arg: string): string {
  return /^[\w./=:,@%+-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** The entry point of the command line, wherever this copy of ipcspec lives (a path or a URL). */
const CLI_MODULE = new URL("../cli.ts", import.meta.url).href;

/** The permissions each printed command needs, and no more. */
export type CommandPermissions = "read" | "read-write";

/**
 * The words that run ipcspec: `[name]` for an installed command (the name
 * its install line gave with `--command-name`), else `deno run` with the
 * permissions and the path (or URL) of this copy's cli.ts.
 */
export function commandPrefix(
  name: string | undefined,
  permissions: CommandPermissions,
  main: string = CLI_MODULE,
): string[] {
  if (name !== undefined) return [name];
  // --allow-run: the spec runs in a sandboxed child process (cli/_sandbox.ts).
  const perms = permissions === "read"
    ? ["--allow-read", "--allow-run"]
    : ["--allow-read", "--allow-write", "--allow-run"];
  const where = main.startsWith("file:") ? fileURLToPath(main) : main;
  return ["deno", "run", ...perms, where];
}

/** A whole command line: the prefix and the arguments, each quoted for `sh`. */
export function commandLine(prefix: readonly string[], args: readonly string[]): string {
  return [...prefix, ...args].map(shellQuote).join(" ");
}

/** `--param name=value` for each parameter, as arguments. */
export function paramArgs(params: Readonly<Record<string, unknown>>): string[] {
  return Object.entries(params).flatMap(([k, v]) => ["--param", `${k}=${v}`]);
}

/** A spec file as the printed commands name it: absolute, so they run from any directory. */
export function absolute(file: string): string {
  return resolve(file);
}
