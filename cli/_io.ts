// Private to the CLI: where it writes, and its exit codes.

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
