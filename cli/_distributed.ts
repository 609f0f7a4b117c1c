// Private to the CLI: `check --distributed URL --workers N`, the search
// partitioned over worker processes (checker/distributed.ts). The module
// imports the NATS client only when a check asks for it.

import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { CheckResult } from "../checker/result.ts";
import type { Progress } from "../checker/_search.ts";
import type { Spec } from "../model/spec.ts";
import type { CheckSettings } from "./_check_settings.ts";
import type { CliIO } from "./_io.ts";
import { positiveNumber, UsageError, type Values } from "./_options.ts";
import { exportName } from "./_specs.ts";

/** The checks `--distributed` makes of the other options. */
export function distributedTarget(values: Values, settings: CheckSettings): string | undefined {
  const url = values.distributed;
  if (url === undefined) {
    if (values["worker-timeout"] !== undefined) {
      throw new UsageError("--worker-timeout is an option of --distributed");
    }
    return undefined;
  }
  if (settings.strategy !== "bfs") {
    throw new UsageError("--distributed searches breadth-first only");
  }
  if (settings.store === "bitstate") {
    throw new UsageError(
      "--distributed searches over the fingerprint store (not --store bitstate)",
    );
  }
  if (settings.symmetry) throw new UsageError("--distributed does not take --symmetry");
  if (settings.por) throw new UsageError("--distributed does not take --por");
  if (settings.interpret) {
    throw new UsageError("--distributed does not take --interpret (each worker compiles the spec)");
  }
  return url;
}

/** The limits and hooks every search of `check` takes. */
export interface CommonOptions {
  readonly params: Record<string, string>;
  readonly maxStates?: number;
  readonly maxDepth?: number;
  readonly timeSeconds?: number;
  readonly signal: AbortSignal;
  readonly onProgress?: (p: Progress) => void;
}

/** Checks one spec over the workers at `url`, writing the traffic to stderr. */
export async function checkOnDistributed(
  url: string,
  file: string,
  spec: Spec,
  settings: CheckSettings,
  values: Values,
  common: CommonOptions,
  io: CliIO,
): Promise<CheckResult> {
  const { checkDistributed } = await import("../checker/distributed.ts");
  const timeout = positiveNumber("worker-timeout", values["worker-timeout"]);
  const result = await checkDistributed(
    { module: pathToFileURL(resolve(file)).href, export: await exportName(file, spec) },
    {
      ...common,
      servers: url,
      workers: settings.workers,
      ...(timeout !== undefined ? { timeoutMillis: timeout * 1000 } : {}),
    },
  );
  const t = result.traffic;
  io.err(
    `${spec.name}: distributed over ${result.stats.workers ?? settings.workers} workers ` +
      `(${t.hosts.join(", ")}): ${t.batches} batches, ${(t.bytes / 2 ** 20).toFixed(1)} MiB, ` +
      `${t.bytesPerState.toFixed(1)} bytes per state; partitioned by ${
        t.partition.lanes === null ? "every slot" : `slots ${t.partition.lanes.join(",")}`
      }, states per worker ${t.partition.states.join(" ")} (balance over the levels ${
        t.partition.levelBalance.toFixed(3)
      })`,
  );
  return result;
}

/** The `host:port` of each NATS server in `urls` (comma-separated; port 4222 when none is given). */
export function natsHosts(urls: string): string[] {
  return urls.split(",").map((u) => {
    try {
      const url = new URL(u.includes("://") ? u : `nats://${u}`);
      return `${url.hostname}:${url.port === "" ? "4222" : url.port}`;
    } catch {
      return u; // the check reports the bad URL
    }
  });
}
