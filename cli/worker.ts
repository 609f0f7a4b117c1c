/**
 * `ipcspec worker --nats URL [--jobs N]`: a worker process of distributed
 * searches (`check --distributed URL`) and swarms (`swarm`). It connects to
 * the NATS server, takes one job at a time, and serves until it is stopped
 * (Ctrl-C, SIGTERM) or, with `--jobs N`, until N jobs are done. Start any
 * number, on any machines that reach the server and hold the project (and
 * the spec files) at the same path as the coordinator.
 *
 * Not run in the sandbox of `check` (cli/_sandbox.ts): a worker serves specs
 * that coordinators name over the network, from folders no command line
 * names, for as long as it runs. Its own permissions are the sandbox of the
 * spec code it imports: started with read access to the project, network
 * access to the NATS servers and the host's name only, a spec can do nothing
 * else (it says so at start when it has more). A spec that hangs stops the
 * worker's heartbeats: the coordinator ends the run `incomplete`.
 *
 * @module
 */

import { runWorker } from "../checker/distributed.ts";
import { type CliIO, EXIT } from "./_io.ts";
import { positiveInt, rejectOptions, UsageError, type Values } from "./_options.ts";
import { USAGE } from "./_usage.ts";

/** Signals that stop the worker, where the platform has them. */
function onStop(stop: () => void): () => void {
  const signals: Deno.Signal[] = ["SIGINT", "SIGTERM"];
  const added: Deno.Signal[] = [];
  for (const s of signals) {
    try {
      Deno.addSignalListener(s, stop);
      added.push(s);
    } catch {
      // not on this platform
    }
  }
  return () => added.forEach((s) => Deno.removeSignalListener(s, stop));
}

/**
 * The permissions this process has beyond a worker's needs (reading the
 * project and specs, the NATS servers, the host's name), which the spec's
 * code it imports would have too.
 */
function extraPermissions(): string[] {
  const names = ["write", "run", "ffi", "env"] as const;
  return names.filter((name) => {
    try {
      return Deno.permissions.querySync({ name }).state === "granted";
    } catch {
      return false;
    }
  });
}

/**
 * Runs `worker`.
 *
 * @param paths Must be empty.
 * @param values The options: `--nats URL` (required), `--jobs N`.
 * @param io Where to write the log.
 * @returns The exit code (0 once stopped).
 *
 * @example A usage error
 * ```ts
 * import { runWorkerCommand } from "./worker.ts";
 * import { UsageError } from "./_options.ts";
 * import assert from "node:assert/strict";
 *
 * const io = { out: () => {}, err: () => {} };
 * await assert.rejects(() => runWorkerCommand([], {}, io), UsageError);
 * ```
 */
export async function runWorkerCommand(
  paths: string[],
  values: Values,
  io: CliIO,
): Promise<number> {
  if (paths.length > 0) throw new UsageError(`worker takes no spec file\n\n${USAGE}`);
  const servers = values.nats;
  if (servers === undefined) throw new UsageError("worker needs --nats URL (nats://host:4222)");
  rejectOptions("worker", values, ["param", "spec", "max-states", "max-depth", "time", "workers"]);
  const jobs = positiveInt("jobs", values.jobs);
  const controller = new AbortController();
  const removeSignals = onStop(() => controller.abort());
  try {
    io.err(`worker ${Deno.pid}: serving ${servers}`);
    const extra = extraPermissions();
    if (extra.length > 0) {
      // The worker imports the specs it is sent in this process: its permissions are their sandbox.
      io.err(
        `worker ${Deno.pid}: note: specs run here with this process's permissions, including ` +
          `${extra.map((p) => `--allow-${p}`).join(", ")}; a worker needs only --allow-read ` +
          "(the project), --allow-net=<the NATS servers> and --allow-sys=hostname",
      );
    }
    const done = await runWorker({
      servers,
      ...(jobs !== undefined ? { jobs } : {}),
      signal: controller.signal,
      log: (line) => io.err(`worker ${Deno.pid}: ${line}`),
    });
    io.err(`worker ${Deno.pid}: stopped after ${done} job${done === 1 ? "" : "s"}`);
    return EXIT.ok;
  } finally {
    removeSignals();
  }
}
