// Private test helper: run the CLI in-process and capture what it prints.

import { fileURLToPath } from "node:url";
import { main } from "../cli.ts";

/** The repository root, with a trailing slash. */
export const ROOT: string = fileURLToPath(new URL("..", import.meta.url));

/** A path under the repository root. */
export const path = (p: string): string => `${ROOT}${p}`;

/** What a CLI run gave back. */
export interface Run {
  /** The exit code. */
  code: number;
  /** Standard output. */
  out: string;
  /** Standard error. */
  err: string;
}

/** Runs `main(args)` in-process, capturing its output. */
export async function cli(...args: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

/** Runs the `deno` running the tests with `args`, from the repository root, capturing its output. */
export async function deno(...args: string[]): Promise<Run> {
  const r = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const dec = new TextDecoder();
  return { code: r.code, out: dec.decode(r.stdout), err: dec.decode(r.stderr) };
}
