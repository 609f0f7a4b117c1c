/**
 * `ipcspec swarm <spec file> --nats URL --jobs N [--job-seconds S]`:
 * diversified bitstate, depth-first and simulation jobs queued on the NATS
 * server's JetStream work queue and run by `ipcspec worker` processes (see
 * checker/swarm.ts). Prints the first violation found (replayed, with the
 * command that replays it), then a table of the jobs: what each ran, its
 * verdict, the states it stored, its coverage estimate and its time. With
 * `--format json`: the versioned JSON document (command `swarm`, docs/json.md).
 *
 * @module
 */

import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { swarm, type SwarmJobResult, type SwarmResult } from "../checker/swarm.ts";
import { formatText } from "../reporters/mod.ts";
import { emptyStats } from "../checker/_to_result.ts";
import { commandPrefix } from "./_command_line.ts";
import { replayHint, writeJson } from "./_reports.ts";
import { swarmJson } from "../reporters/_swarm_json.ts";
import { type CliIO, EXIT } from "./_io.ts";
import {
  integer,
  parseParams,
  positiveInt,
  positiveNumber,
  rejectOptions,
  reportFormat,
  UsageError,
  type Values,
} from "./_options.ts";
import { exportName, oneSpec } from "./_specs.ts";

/** What a job ran, in a few words. */
function strategyText(r: SwarmJobResult): string {
  const s = r.strategy;
  switch (s.engine) {
    case "bitstate":
      return `bitstate 2^${s.bits} bits, k=${s.hashes}, seed ${s.seed}`;
    case "dfs":
      return `dfs shuffled, seed ${s.seed}`;
    case "simulate":
      return `simulate ${s.runs}×${s.maxSteps} steps, seed ${s.seed}`;
  }
}

/** The table of jobs. */
function jobTable(r: SwarmResult): string {
  const bound = r.statesBound;
  const head = `jobs: ${r.jobs.length} of ${r.queued} reported; coverage estimates are states / ` +
    `${bound.states.toLocaleString("en-US")} (${
      bound.exact ? "all reachable states" : "the most any job stored: a lower bound"
    }); bitstate jobs also give their own estimate of states missed`;
  const rows = r.jobs.map((j) => {
    const cov = bound.states > 0 && j.strategy.engine !== "simulate"
      ? `${(100 * j.states / bound.states).toFixed(1)}%`
      : "-";
    const own = j.coverage !== undefined ? ` (own ${(100 * j.coverage).toFixed(1)}%)` : "";
    return [
      String(j.job).padStart(4),
      strategyText(j).padEnd(40),
      j.verdict.padEnd(10),
      j.states.toLocaleString("en-US").padStart(12),
      `${cov}${own}`.padEnd(20),
      `${j.seconds.toFixed(2)} s`.padStart(9),
      j.worker,
    ].join("  ");
  });
  const title = [
    " job",
    "strategy".padEnd(40),
    "verdict".padEnd(10),
    "states".padStart(12),
    "coverage".padEnd(20),
    "time".padStart(9),
    "worker",
  ].join("  ");
  return [head, title, ...rows].join("\n");
}

/**
 * Runs `swarm`.
 *
 * @param paths The one spec file.
 * @param values The options: `--nats URL`, `--jobs N` (required), `--job-seconds S`,
 *   `--param`, `--spec`, `--seed`, `--time`, `--format`.
 * @param io Where to write.
 * @returns The exit code: 1 for a violation, 0 when a job searched everything, else 2.
 *
 * @example A usage error
 * ```ts
 * import { runSwarmCommand } from "./swarm.ts";
 * import { UsageError } from "./_options.ts";
 * import assert from "node:assert/strict";
 *
 * const io = { out: () => {}, err: () => {} };
 * await assert.rejects(() => runSwarmCommand(["specs/pc_channel.ts"], {}, io), UsageError);
 * ```
 */
export async function runSwarmCommand(
  paths: string[],
  values: Values,
  io: CliIO,
): Promise<number> {
  const servers = values.nats;
  if (servers === undefined) throw new UsageError("swarm needs --nats URL (nats://host:4222)");
  const jobs = positiveInt("jobs", values.jobs);
  if (jobs === undefined) throw new UsageError("swarm needs --jobs N");
  rejectOptions("swarm", values, ["max-states", "max-depth", "workers", "store", "strategy"]);
  const format = reportFormat(values);
  if (format === "mermaid" || format === "dot") {
    throw new UsageError(`swarm reports as text or json, not ${format}`);
  }
  const jobSeconds = positiveNumber("job-seconds", values["job-seconds"]);
  const timeSeconds = positiveNumber("time", values.time);
  const seed = integer("seed", values.seed);
  const params = parseParams(values.param ?? []);
  const { file, spec } = await oneSpec("swarm", paths, values.spec);
  const result = await swarm(
    { module: pathToFileURL(resolve(file)).href, export: await exportName(file, spec) },
    {
      servers,
      jobs,
      params,
      ...(jobSeconds !== undefined ? { jobSeconds } : {}),
      ...(timeSeconds !== undefined ? { timeSeconds } : {}),
      ...(seed !== undefined ? { seed: seed >>> 0 } : {}),
      onJob: (j) => io.err(`[swarm] job ${j.job} (${strategyText(j)}): ${j.verdict}`),
    },
  );
  const hint = replayHint(commandPrefix(values["command-name"], "read"), file, result.spec, params);
  const code = result.verdict === "violation"
    ? EXIT.violation
    : result.verdict === "ok"
    ? EXIT.ok
    : result.verdict === "error"
    ? EXIT.error
    : EXIT.incomplete;
  if (format === "text") io.out(swarmText(result, hint));
  else {
    const replay = (trace: string) => hint.replace("{trace}", trace);
    writeJson(io, { command: "swarm", swarm: swarmJson(result, { file, replay }) }, code);
  }
  return code;
}

/** The text report: the verdict (the violation as `check` prints it), then the jobs. */
function swarmText(r: SwarmResult, hint: string): string {
  const stats = { ...emptyStats(), seconds: r.seconds };
  const head = r.verdict === "violation"
    ? formatText({
      spec: r.spec,
      params: r.params,
      verdict: "violation",
      violation: r.violation!,
      stats,
    }, hint).replace(/^states: .*$\n?/m, "").trimEnd() +
      `\nfound by job ${r.foundBy} of the swarm (seed ${r.seed}) in ${r.seconds.toFixed(2)} s`
    : r.verdict === "error"
    ? `${r.spec}: ERROR\n${r.error?.message}`
    : `${r.spec}: ${
      r.verdict === "ok"
        ? "ok, no violation (a depth-first job searched every state)"
        : "no violation found (incomplete: a swarm proves nothing)"
    } in ${r.seconds.toFixed(2)} s (seed ${r.seed})`;
  return `${head}\n${jobTable(r)}`;
}
