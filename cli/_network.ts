// Private to the CLI: the commands and options that reach a NATS server
// (`worker`, `swarm`, `check --distributed`). Their modules are imported
// only when used, so that every other command runs without loading the
// NATS client.

import type { CliIO } from "./_io.ts";
import { UsageError, type Values } from "./_options.ts";

/** Each network option and the commands that take it. */
export const NETWORK_OPTIONS: ReadonlyMap<string, readonly string[]> = new Map([
  ["distributed", ["check"]],
  ["worker-timeout", ["check"]],
  ["nats", ["worker", "swarm"]],
  ["jobs", ["worker", "swarm"]],
  ["job-seconds", ["swarm"]],
]);

/** Throws when a network option was given to a command that does not take it. */
export function rejectNetworkOptions(command: string | undefined, values: Values): void {
  for (const [name, takers] of NETWORK_OPTIONS) {
    if (name in values && !takers.includes(command ?? "")) {
      throw new UsageError(`--${name} is an option of ${takers.join(" and ")}, not of ${command}`);
    }
  }
}

/**
 * `ipcspec worker --nats URL`: see cli/worker.ts.
 *
 * @param paths Must be empty.
 * @param values The options.
 * @param io Where to write.
 * @returns The exit code.
 *
 * @example Without --nats: a usage error
 * ```ts
 * import { workerCommand } from "./_network.ts";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(() => workerCommand([], {}, { out: () => {}, err: () => {} }), /--nats/);
 * ```
 */
export async function workerCommand(paths: string[], values: Values, io: CliIO): Promise<number> {
  const { runWorkerCommand } = await import("./worker.ts");
  return await runWorkerCommand(paths, values, io);
}

/**
 * `ipcspec swarm SPEC --nats URL --jobs N`: see cli/swarm.ts.
 *
 * @param paths The one spec file.
 * @param values The options.
 * @param io Where to write.
 * @returns The exit code.
 *
 * @example Without --jobs: a usage error
 * ```ts
 * import { swarmCommand } from "./_network.ts";
 * import assert from "node:assert/strict";
 *
 * const io = { out: () => {}, err: () => {} };
 * await assert.rejects(() => swarmCommand(["specs/pc_channel.ts"], { nats: "nats://127.0.0.1:4222" }, io), /--jobs/);
 * ```
 */
export async function swarmCommand(paths: string[], values: Values, io: CliIO): Promise<number> {
  const { runSwarmCommand } = await import("./swarm.ts");
  return await runSwarmCommand(paths, values, io);
}
