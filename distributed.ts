/**
 * Search beyond one process, over a NATS server: the partitioned
 * exhaustive search ({@linkcode checkDistributed}), swarm verification
 * ({@linkcode swarm}) and the worker loop that serves both
 * ({@linkcode runWorker}). What `ipcspec check --distributed`, `ipcspec
 * swarm` and `ipcspec worker` run, for programs that drive them.
 *
 * A separate entry point (`@ipcspec/ipcspec/distributed`) rather than part
 * of `mod.ts`: it imports the NATS client (`@nats-io/transport-node`,
 * `@nats-io/jetstream`), which a spec author checking on one machine never
 * needs. docs/distributed.md has the setup (a NATS server or cluster,
 * workers on each machine), the partition function, the traffic per state
 * and what to expect.
 *
 * @example A search over an unreachable server is the verdict `error`, never an exception
 * ```ts
 * import { checkDistributed } from "./distributed.ts";
 * import assert from "node:assert/strict";
 *
 * const result = await checkDistributed(
 *   { module: new URL("./specs/pc_semaphore.ts", import.meta.url), export: "pcSemaphore" },
 *   { servers: "nats://127.0.0.1:1", workers: 2 },
 * );
 * assert.equal(result.verdict, "error");
 * assert.match(result.error?.message ?? "", /Cannot reach NATS at nats:\/\/127\.0\.0\.1:1/);
 * ```
 *
 * @example Workers and a search on a local server (`nats-server -js` running)
 * ```ts ignore
 * import { checkDistributed, runWorker } from "./distributed.ts";
 *
 * const servers = "nats://127.0.0.1:4222";
 * const workers = [runWorker({ servers, jobs: 1 }), runWorker({ servers, jobs: 1 })];
 * const result = await checkDistributed(
 *   { module: new URL("./specs/pc_semaphore.ts", import.meta.url), export: "pcSemaphore" },
 *   { servers, workers: 2, params: { producers: 2 } },
 * );
 * await Promise.all(workers);
 * console.log(result.verdict, result.stats.states, result.traffic.bytesPerState);
 * ```
 *
 * @module
 */

export {
  checkDistributed,
  type DistributedOptions,
  type DistributedResult,
  type PartitionSplit,
  runWorker,
  type WorkerOptions,
} from "./checker/distributed.ts";
export {
  swarm,
  type SwarmJobResult,
  type SwarmOptions,
  type SwarmResult,
  type SwarmStrategy,
} from "./checker/swarm.ts";
export type { SpecModule } from "./checker/_parallel_options.ts";
export type {
  BlockedProcess,
  Change,
  CheckResult,
  Counterexample,
  IncompleteReason,
  Progress,
  PropertyKind,
  ReductionStats,
  SearchHooks,
  SearchLimits,
  Stats,
  SymmetryStats,
  TraceStep,
  Verdict,
} from "./mod.ts";
