// Private to the CLI: the command lines it prints to reproduce a result.

/** How the printed reproduction commands call the CLI. */
export const CLI_COMMAND = "deno run -A cli.ts";

/** `arg` quoted for a POSIX shell when it needs it. */
function shellQuote(arg: string): string {
  return /^[\w./=:,@%+-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** The command line that runs the CLI with `args`. */
export function commandLine(args: readonly string[]): string {
  return `${CLI_COMMAND} ${args.map(shellQuote).join(" ")}`;
}

/** `--param name=value` for each parameter, as arguments. */
export function paramArgs(params: Readonly<Record<string, unknown>>): string[] {
  return Object.entries(params).flatMap(([k, v]) => ["--param", `${k}=${v}`]);
}
