/**
 * The messages of the sandbox: from its worker to the child's main thread,
 * and from the child to the supervisor (one JSON object per line on the
 * child's standard output, each carrying {@linkcode TAG}).
 *
 * @module
 */

/** Marks a line of the child's standard output as a message (other lines are the spec's own output). */
export const TAG = "ipcspec-sandbox";

/** Where a stopped run was: a step of a process, or the invariants. */
export interface Running {
  /** The process, as `name#id` (empty while evaluating the invariants). */
  readonly process: string;
  /** The step (label or name), or `invariants`. */
  readonly step: string;
  /** Where the step was written, when known. */
  readonly source?: string;
}

/** The search's last progress report. */
export interface LastProgress {
  readonly states: number;
  readonly frontier: number;
  readonly depth: number;
  readonly seconds: number;
  readonly memoryBytes: number;
}

/** Why the sandbox ended a run the spec's code did not let end by itself. */
export type StopReason = "time" | "interrupted" | "step-timeout" | "memory" | "exited";

/** A message of the worker (and of the child, which forwards all but `model`). */
export type Message =
  | { readonly k: "out"; readonly text: string }
  | { readonly k: "err"; readonly text: string }
  | { readonly k: "spec"; readonly name: string; readonly file: string }
  /** The run is writing a checkpoint: the supervisor waits for it. */
  | { readonly k: "writing" }
  /** A finished row of the table the command prints at its end (sweep's points). */
  | { readonly k: "row"; readonly text: string }
  | { readonly k: "progress"; readonly spec: string; readonly p: LastProgress }
  | {
    readonly k: "model";
    readonly id: number;
    readonly name: string;
    readonly steps: readonly Running[];
  }
  | { readonly k: "done"; readonly code: number }
  /** A file to write (the sandbox may not): the supervisor answers with a {@linkcode Written} line. */
  | {
    readonly k: "write";
    readonly id: number;
    readonly path: string | undefined;
    readonly temp: { readonly prefix: string; readonly suffix: string };
    readonly text: string;
  }
  /** The child asked the worker to stop at a limit (its result follows, or `stopped`). */
  | { readonly k: "limit"; readonly reason: StopReason; readonly limit: number }
  | {
    readonly k: "stopped";
    readonly reason: StopReason;
    readonly spec: string | undefined;
    readonly file: string | undefined;
    readonly progress: LastProgress | undefined;
    readonly running: Running | undefined;
    /** The limit in seconds (`time`, `step-timeout`) or bytes (`memory`). */
    readonly limit: number;
  };

/** The supervisor's answer to a `write`, one JSON line on the child's standard input. */
export interface Written {
  readonly k: "written";
  readonly id: number;
  /** The path written, or undefined when writing failed. */
  readonly path?: string;
  /** Why writing failed. */
  readonly error?: string;
}
