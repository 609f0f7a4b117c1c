// Private to the CLI: the commands and options that reach a NATS server
// (`worker`, `swarm`, `check --distributed`). Their modules are imported
// only when used, so that every other command runs without loading the
// NATS client.

import type { CliIO } from "./_io.ts";
import type { Values } from "./_options.ts";

/** Each network option and the commands that take it. */
export const NETWORK_OPTIONS: ReadonlyMap<string, readonly string[]> = new Map([
  ["distributed", ["check"]],
  ["worker-timeout", ["check"]],
  ["nats", ["worker", "swarm"]],
  ["jobs", ["worker", "swarm"]],
  ["job-seconds", ["swarm"]],
]);

/** `ipcspec worker --nats URL`: see cli/worker.ts. */
export async function workerCommand(paths: string[], values: Values, io: CliIO): Promise<number> {
  const { runWorkerCommand } = await import("./worker.ts");
  return await runWorkerCommand(paths, values, io);
}

/** `ipcspec swarm SPEC --nats URL --jobs N`: see cli/swarm.ts. */
export async function swarmCommand(paths: string[], values: Values, io: CliIO): Promise<number> {
  const { runSwarmCommand } = await import("./swarm.ts");
  return await runSwarmCommand(paths, values, io);
}
