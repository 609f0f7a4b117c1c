// Private to the CLI: where it writes, and its exit codes.

import type { Progress } from "../checker/_search.ts";

/**
 * Exit codes of the CLI, one per verdict class.
 *
 * @example
 * ```ts
 * import { EXIT } from "./_io.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(EXIT.violation, 1);
 * ```
 */
export const EXIT = { ok: 0, violation: 1, incomplete: 2, error: 3 } as const;

/**
 * Where the CLI writes; tests pass their own.
 *
 * @example
 * ```ts
 * import type { CliIO } from "./_io.ts";
 * import assert from "node:assert/strict";
 *
 * const lines: string[] = [];
 * const io: CliIO = { out: (t) => lines.push(t), err: (t) => lines.push(t) };
 * io.out("hello");
 * assert.deepEqual(lines, ["hello"]);
 * ```
 */
export interface CliIO {
  /** Standard output, one call per block of lines. */
  out(text: string): void;
  /** Standard error. */
  err(text: string): void;
  /**
   * Polled during the run: `true` stops it as Ctrl-C does (the sandbox's
   * supervisor asks through it; see `_sandbox.ts`).
   */
  stopRequested?(): boolean;
  /** Called as the work on one spec begins (check: each spec; sweep, simulate: once). */
  onSpec?(name: string, file: string): void;
  /**
   * Told when a long write (a checkpoint) starts (`true`) and ends: the
   * sandbox's watchdog then waits for it instead of ending the run.
   */
  writing?(on: boolean): void;
  /** Receives each finished row of a table (sweep's points), as printed. */
  onRow?(text: string): void;
  /** Receives the search's progress reports (about once a second), whatever `--progress` says. */
  onProgress?(spec: string, p: Progress): void;
  /**
   * Writes a file the command produces (simulate's schedule file, the
   * generated code of `--dump-code`): at `path`, or in a new temporary file
   * named after `temp`. Returns the path written. The sandbox's supervisor
   * writes for its child, which may not.
   */
  writeFile?(
    path: string | undefined,
    temp: { prefix: string; suffix: string },
    text: string,
  ): Promise<string>;
}

/**
 * Writes `text` at `path`, or in a new temporary file (see {@linkcode CliIO.writeFile}).
 *
 * @param path Where, or undefined for a new temporary file.
 * @param temp The temporary file's name prefix and suffix.
 * @param text What.
 * @returns The path written.
 *
 * @example
 * ```ts
 * import { writeFile } from "./_io.ts";
 * import assert from "node:assert/strict";
 *
 * const p = await writeFile(undefined, { prefix: "x-", suffix: ".txt" }, "hi");
 * assert.equal(await Deno.readTextFile(p), "hi");
 * await Deno.remove(p);
 * ```
 */
export async function writeFile(
  path: string | undefined,
  temp: { prefix: string; suffix: string },
  text: string,
): Promise<string> {
  const out = path ?? await Deno.makeTempFile(temp);
  await Deno.writeTextFile(out, text);
  return out;
}

const encoder = new TextEncoder();

/** Writes all of `bytes` to a stream (a pipe may take them in several writes). */
function writeAll(stream: { writeSync(p: Uint8Array): number }, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += stream.writeSync(bytes.subarray(done));
}

/**
 * The process's stdout and stderr. Reports go straight to stdout, not
 * through `console.log`, which the entry point (`cli.ts`) sends to stderr
 * so that what a spec prints never mixes with a report (a JSON document
 * above all).
 */
export const defaultIO: CliIO = {
  out: (t) => writeAll(Deno.stdout, encoder.encode(`${t}\n`)),
  err: (t) => writeAll(Deno.stderr, encoder.encode(`${t}\n`)),
};
