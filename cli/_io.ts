// Private to the CLI: where it writes, and its exit codes.

/** Exit codes of the CLI, one per verdict class. */
export const EXIT = { ok: 0, violation: 1, incomplete: 2, error: 3 } as const;

/** Where the CLI writes; tests pass their own. */
export interface CliIO {
  /** Standard output, one call per block of lines. */
  out(text: string): void;
  /** Standard error. */
  err(text: string): void;
}

/** The console. */
export const defaultIO: CliIO = {
  // deno-lint-ignore no-console
  out: (t) => console.log(t),
  // deno-lint-ignore no-console
  err: (t) => console.error(t),
};
