/**
 * Distributed breadth-first search over NATS: worker processes (`ipcspec
 * worker --nats URL`, on any machines) each own the states whose 64-bit
 * fingerprint falls in one range of hash values (a partition), and
 * {@linkcode checkDistributed} coordinates them.
 *
 * A worker expands the states it owns; a successor it owns is stored at
 * once, the others are packed into batches per owner (records of parent
 * id, transition and the state's slots) and published on the owner's
 * subject. The search is level-synchronous, with a counted barrier per
 * level, which is how termination is detected:
 *
 * 1. `expand d`: every worker expands its states of depth d, publishes its
 *    last batches and replies with the number of batches it sent to each
 *    worker during level d.
 * 2. `settle d`: the coordinator sums, for each worker, the batches sent to
 *    it and tells it that number; the worker replies once it has received
 *    (and inserted) exactly that many, with its counters and findings.
 * 3. The level is done when every worker has settled: no batch of it can
 *    still be in flight (each was counted at its sender and at its
 *    receiver), and no batch of level d + 1 exists yet (no worker expands
 *    before the coordinator says so). The search ends when a level stores
 *    no new state anywhere, or at a finding or a limit.
 *
 * Batches are never dropped silently: a batch NATS loses (a slow consumer
 * cut off, a server restart) leaves its receiver short of the count, and a
 * worker that dies or is disconnected stops sending heartbeats: either way
 * the coordinator ends the run `incomplete` (reason `interrupted`, with a
 * message naming the worker) after `timeoutMillis` of silence, never `ok`.
 *
 * As levels are kept apart, every state is reached by a shortest path, and
 * a violation found at level d is reported only once the level is settled
 * everywhere: counterexamples are shortest, as in the sequential and the
 * parallel search, and are rebuilt from the parent links each worker keeps
 * for its states (the coordinator asks the owner of each state on the path
 * for its parent), then replayed and explained on the coordinator's own
 * copy of the model. The states are the sequential fingerprint search's
 * (the same 64-bit fingerprints); liveness properties are not checked, as
 * in {@linkcode checkParallel}.
 *
 * Workers load the spec the coordinator names: its `file:` URL (the same
 * path on every machine), the export, and the SHA-256 of the file's
 * contents, which each worker checks before importing it; parameters and
 * limits travel with the job.
 *
 * @module
 */

import { connect } from "npm:@nats-io/transport-node@3.3.0";
import type { Model } from "../model/model.ts";
import { emptyStats, errorMessage, toResult } from "./_to_result.ts";
import { livenessUnchecked } from "./_outcome.ts";
import type { CheckResult } from "./result.ts";
import type { SpecModule } from "./_parallel_options.ts";
import type { DistributedOptions } from "./_distributed_options.ts";
import { loadSpec, specRef } from "./_distributed_spec.ts";
import { DistributedCoordinator } from "./_distributed_coordinator.ts";
import type { PartitionJob } from "./_distributed_protocol.ts";
import { type PartitionPlan, planPartition } from "./_distributed_lanes.ts";

export { runWorker, type WorkerOptions } from "./_distributed_worker.ts";
export type { DistributedOptions } from "./_distributed_options.ts";

/**
 * What {@linkcode checkDistributed} returns: the result, as for
 * {@linkcode check}, and the traffic between the workers.
 */
export interface DistributedResult extends CheckResult {
  /** Batches of successors and their bytes, in all and per state stored; the workers' hosts. */
  readonly traffic: {
    readonly batches: number;
    readonly bytes: number;
    readonly bytesPerState: number;
    readonly hosts: readonly string[];
    /** Seconds spent recruiting the workers and loading the spec, before the search's clock. */
    readonly setupSeconds: number;
    /** How states were split between the workers (see {@linkcode PartitionSplit}). */
    readonly partition: PartitionSplit;
  };
}

/**
 * How a distributed search split the states between its workers: the
 * slots a state's owner is hashed from (chosen from a sample of the state
 * space so that most transitions keep a successor with its parent's
 * owner), what the sample predicted, and what the search stored.
 *
 * @example Reading the split of a result
 * ```ts
 * import type { PartitionSplit } from "./distributed.ts";
 *
 * const split: PartitionSplit = {
 *   lanes: [4, 7],
 *   sampled: 5000,
 *   sampleBalance: 1.02,
 *   sampleRemote: 0.05,
 *   states: [2510, 2490],
 *   levelBalance: 1.03,
 * };
 * console.log(Math.max(...split.states) / (5000 / split.states.length));
 * ```
 */
export interface PartitionSplit {
  /** The slots hashed for a state's owner (null: every slot). */
  readonly lanes: readonly number[] | null;
  /** States of the sample the lanes were chosen from (0: no sample, the lanes were given). */
  readonly sampled: number;
  /** The sample's balance over the levels, as `levelBalance` (NaN without a sample). */
  readonly sampleBalance: number;
  /** The sample's fraction of successors owned by another worker than their parent (NaN without a sample). */
  readonly sampleRemote: number;
  /** States stored by each worker. */
  readonly states: readonly number[];
  /**
   * The search's own balance: the sum over the levels of the most new
   * states one worker stored, over the mean (the search waits for the
   * slowest worker at the end of every level).
   */
  readonly levelBalance: number;
}

function errorResult(spec: string, message: string): DistributedResult {
  return {
    spec,
    params: {},
    verdict: "error",
    error: { message },
    stats: emptyStats(),
    traffic: {
      batches: 0,
      bytes: 0,
      bytesPerState: 0,
      hosts: [],
      setupSeconds: 0,
      partition: {
        lanes: null,
        sampled: 0,
        sampleBalance: 1,
        sampleRemote: 0,
        states: [],
        levelBalance: 1,
      },
    },
  };
}

function newRunId(): string {
  return crypto.randomUUID().replaceAll("-", "").slice(0, 16);
}

/**
 * Checks a spec with a breadth-first search partitioned over `workers`
 * worker processes connected to a NATS server (see the module
 * documentation and docs/distributed.md), and returns the same result data
 * as {@linkcode checkParallel}, with the traffic. Never throws for a bad
 * spec, module, parameter or an unreachable server: that is the verdict
 * `error`; a worker lost during the run makes it `incomplete`.
 *
 * @param target The module (a `file:` URL) and the name of the export.
 * @param options The server, the workers, parameters, limits and hooks.
 * @returns The result and the traffic.
 *
 * @example With worker processes started on a local server
 * ```ts ignore
 * import { checkDistributed } from "./distributed.ts";
 *
 * const result = await checkDistributed(
 *   { module: new URL("../specs/pc_semaphore.ts", import.meta.url), export: "pcSemaphore" },
 *   { servers: "nats://127.0.0.1:4222", workers: 3 },
 * );
 * console.log(result.verdict, result.stats.states, result.traffic.bytesPerState);
 * ```
 */
export async function checkDistributed(
  target: SpecModule,
  options: DistributedOptions,
): Promise<DistributedResult> {
  const workers = options.workers;
  if (!Number.isInteger(workers) || workers < 1 || workers > 1024) {
    throw new RangeError(
      `Cannot check distributed as 'workers' must be an integer from 1 to 1024: current value is ${workers}`,
    );
  }
  let ref;
  try {
    ref = await specRef(target.module, target.export);
  } catch (e) {
    return errorResult(target.export, errorMessage(e));
  }
  const params = options.params ?? {};
  const spec = await loadSpec(ref);
  if (typeof spec === "string") return errorResult(target.export, spec);
  let model: Model;
  let resolved: Readonly<Record<string, number | boolean>>;
  try {
    resolved = spec.resolve(params);
    model = spec.compile(params);
  } catch (e) {
    return errorResult(spec.name, errorMessage(e));
  }
  let nc;
  try {
    nc = await connect({ servers: options.servers.split(","), name: "ipcspec coordinator" });
  } catch (e) {
    return {
      ...errorResult(model.name, `Cannot reach NATS at ${options.servers}: ${errorMessage(e)}`),
    };
  }
  let plan: PartitionPlan;
  try {
    plan = options.lanes === undefined
      ? planPartition(model, workers)
      : { lanes: options.lanes, sampled: 0, balance: Number.NaN, remote: Number.NaN };
  } catch {
    // The spec's code failed in the sample: the search meets the failure
    // again and reports it with its trace; partition by every slot.
    plan = { lanes: null, sampled: 0, balance: Number.NaN, remote: Number.NaN };
  }
  const run = newRunId();
  const max = options.maxStates;
  const job = (index: number): PartitionJob => ({
    kind: "partition",
    run,
    index,
    workers,
    spec: ref,
    params,
    maxStates: max === undefined
      ? null
      : Math.floor(max / workers) + (index < max % workers ? 1 : 0),
    batch: options.batch ?? 1024,
    lanes: plan.lanes,
    heartbeatMillis: options.heartbeatMillis ?? 500,
    timeoutMillis: options.timeoutMillis ?? 10_000,
  });
  try {
    const ended = await new DistributedCoordinator(nc, model, options, job).run();
    return finalResult(model, resolved, ended, plan);
  } finally {
    await nc.close();
  }
}

function finalResult(
  model: Model,
  params: Readonly<Record<string, number | boolean>>,
  ended: Awaited<ReturnType<DistributedCoordinator["run"]>>,
  plan: PartitionPlan,
): DistributedResult {
  const result = toResult(model, params, ended.outcome);
  const stats = { ...result.stats, workers: ended.partitionStates.length };
  const traffic = {
    batches: ended.batches,
    bytes: ended.bytes,
    bytesPerState: stats.states > 0 ? ended.bytes / stats.states : 0,
    hosts: ended.hosts,
    setupSeconds: ended.setupSeconds,
    partition: {
      lanes: plan.lanes,
      sampled: plan.sampled,
      sampleBalance: plan.balance,
      sampleRemote: plan.remote,
      states: ended.partitionStates,
      levelBalance: stats.states > 0
        ? ended.slowest / (stats.states / Math.max(1, ended.partitionStates.length))
        : 1,
    },
  };
  if (ended.lost !== undefined && result.incomplete !== undefined) {
    return { ...result, stats, traffic, incomplete: { ...result.incomplete, message: ended.lost } };
  }
  const finished = { ...result, stats, traffic };
  return livenessUnchecked(model, finished, "distributed", "on one machine") ?? finished;
}
