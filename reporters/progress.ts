/**
 * Progress for logs: a start line naming the spec, its parameters, the
 * engine and the store, then one TLC-style line every N seconds with the
 * states, states/s, frontier, depth, memory and elapsed time. Meant for a
 * stderr that is not a terminal (a CI log): each line stands alone.
 *
 * @module
 */

import type { Progress } from "../checker/_search.ts";

function int(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

function elapsed(seconds: number): string {
  const s = Math.floor(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m${
    String(s % 60).padStart(2, "0")
  }s`;
}

/** What a run is: the start line's content. */
export interface RunDescription {
  /** The spec's name. */
  readonly spec: string;
  /** The spec file. */
  readonly file: string;
  /** The parameter values (or overrides) checked. */
  readonly params: Readonly<Record<string, unknown>>;
  /** The search: `bfs`, `dfs`, `parallel bfs (4 workers)`, ... */
  readonly engine: string;
  /** The state store. */
  readonly store: string;
}

/**
 * The line that starts a run.
 *
 * @param d The run.
 * @returns The line.
 *
 * @example
 * ```ts
 * import { startLine } from "./progress.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   startLine({ spec: "pc", file: "specs/pc.ts", params: { n: 2 }, engine: "bfs", store: "exact" }),
 *   "[pc] Starting: spec 'pc' (specs/pc.ts), parameters n=2, engine bfs, store exact",
 * );
 * ```
 */
export function startLine(d: RunDescription): string {
  const params = Object.entries(d.params).map(([k, v]) => `${k}=${v}`).join(" ");
  return `[${d.spec}] Starting: spec '${d.spec}' (${d.file}), parameters ${
    params === "" ? "(defaults)" : params
  }, engine ${d.engine}, store ${d.store}`;
}

/**
 * One progress line.
 *
 * @param spec The spec's name.
 * @param p The progress report.
 * @returns The line.
 *
 * @example
 * ```ts
 * import { progressLine } from "./progress.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   progressLine("pc", {
 *     states: 1234567, frontier: 4567, depth: 12, seconds: 70.2,
 *     statesPerSecond: 17587.9, memoryBytes: 512 * 2 ** 20,
 *   }),
 *   "[pc] Progress: 1,234,567 states (17,588 states/s), frontier 4,567, depth 12, memory 512 MiB, elapsed 1m10s",
 * );
 * ```
 */
export function progressLine(spec: string, p: Progress): string {
  return `[${spec}] Progress: ${int(p.states)} states (${int(p.statesPerSecond)} states/s), ` +
    `frontier ${int(p.frontier)}, depth ${p.depth}, memory ${
      int(p.memoryBytes / 2 ** 20)
    } MiB, elapsed ${elapsed(p.seconds)}`;
}

/**
 * A progress callback that writes a line every `everySeconds` seconds of
 * the search (the search reports about once a second), preceded by the
 * start line: at once when `startNow`, else with the first progress line
 * (so that a short run prints nothing).
 *
 * @param d The run.
 * @param everySeconds The period.
 * @param write Where lines go.
 * @param startNow Whether to write the start line at once.
 * @returns The callback for `CheckOptions.onProgress`.
 *
 * @example
 * ```ts
 * import { progressWriter } from "./progress.ts";
 * import assert from "node:assert/strict";
 *
 * const lines: string[] = [];
 * const on = progressWriter(
 *   { spec: "s", file: "s.ts", params: {}, engine: "bfs", store: "exact" }, 10, (l) => lines.push(l), false,
 * );
 * const at = (seconds: number) =>
 *   on({ states: 1, frontier: 0, depth: 0, seconds, statesPerSecond: 1, memoryBytes: 0 });
 * for (const s of [1, 2, 9.9, 10.1, 11, 20.5, 25]) at(s);
 * assert.equal(lines.length, 3); // the start line, then at 10.1 s and 20.5 s
 * assert.match(lines[0]!, /Starting/);
 * ```
 */
export function progressWriter(
  d: RunDescription,
  everySeconds: number,
  write: (line: string) => void,
  startNow: boolean,
): (p: Progress) => void {
  let started = startNow;
  if (startNow) write(startLine(d));
  let next = everySeconds;
  return (p) => {
    if (p.seconds < next) return;
    while (next <= p.seconds) next += everySeconds;
    if (!started) {
      write(startLine(d));
      started = true;
    }
    write(progressLine(d.spec, p));
  };
}
