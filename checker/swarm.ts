/**
 * Swarm verification over NATS, as SPIN's swarm: many small, diversified
 * searches instead of one exhaustive one, for state spaces too large to
 * search whole. {@linkcode swarm} queues N jobs on a JetStream work-queue
 * stream; any number of worker processes (`ipcspec worker --nats URL`)
 * take them, one at a time each:
 *
 * - bitstate jobs: breadth-first over a bit array of 2^22 to 2^27 bits with
 *   1 to 3 hash functions, successors in an order shuffled by the job's
 *   seed (which states collide differs from job to job);
 * - depth-first jobs: over the exact store, successors shuffled by seed;
 * - simulation jobs: random schedules (fast-check) of a few hundred steps.
 *
 * Each job runs for at most `jobSeconds`. The first violation a job
 * reports is replayed on the coordinator's model (only a trace that
 * replays to the same property counts), the other jobs are cancelled and
 * the queue purged. A job a worker took and never acknowledged (it died)
 * is delivered again to another after the queue's acknowledgement wait.
 * The verdict is `violation`, `ok` only when a depth-first job covered the
 * whole state space (an exact search), else `incomplete`; the jobs' table
 * says what each covered.
 *
 * @module
 */

import { connect } from "npm:@nats-io/transport-node@3.3.0";
import type { Checkable, Model } from "../model/model.ts";
import { explainTrace } from "./explain.ts";
import { replay } from "./replay.ts";
import type { Counterexample } from "./result.ts";
import { errorMessage } from "./_search.ts";
import type { SpecModule } from "./_parallel_options.ts";
import { decode } from "./_distributed_protocol.ts";
import { loadSpec, specRef } from "./_distributed_spec.ts";
import { planSwarm, type SwarmJob, type SwarmJobResult, swarmSubjects } from "./_swarm_jobs.ts";
import { endSwarm, ensureQueue, publishJobs } from "./_swarm_queue.ts";

export type { SwarmJobResult, SwarmStrategy } from "./_swarm_jobs.ts";

/**
 * Options of {@linkcode swarm}.
 *
 * @example Twelve jobs of ten seconds
 * ```ts
 * import type { SwarmOptions } from "./swarm.ts";
 *
 * const options: SwarmOptions = { servers: "nats://127.0.0.1:4222", jobs: 12, jobSeconds: 10 };
 * console.log(options.jobs);
 * ```
 */
export interface SwarmOptions {
  /** The NATS server(s), with JetStream enabled (`nats-server -js`). */
  servers: string;
  /** Jobs to queue. */
  jobs: number;
  /** Parameter overrides (numbers, booleans, or their text). */
  params?: Readonly<Record<string, number | boolean | string>>;
  /** Seconds each job may run (default 30). */
  jobSeconds?: number;
  /** Seconds to wait for every job's result (default: 4 × jobSeconds + 60). */
  timeSeconds?: number;
  /** The seed the jobs' seeds derive from (default: random). */
  seed?: number;
  /** Aborting it ends the swarm (`incomplete`). */
  signal?: AbortSignal;
  /** Receives each job's result as it comes. */
  onJob?: (r: SwarmJobResult) => void;
}

/**
 * The result of {@linkcode swarm}.
 *
 * @example
 * ```ts
 * import type { SwarmResult } from "./swarm.ts";
 *
 * const r: SwarmResult = {
 *   spec: "s", params: {}, verdict: "incomplete", seed: 1, seconds: 0, jobs: [], queued: 0,
 *   statesBound: { states: 0, exact: false },
 * };
 * console.log(r.verdict);
 * ```
 */
export interface SwarmResult {
  /** The spec's name. */
  readonly spec: string;
  /** Every parameter's value (defaults and overrides). */
  readonly params: Readonly<Record<string, number | boolean>>;
  /** violation (replayed), ok (a depth-first job searched the whole space), incomplete, error. */
  readonly verdict: "ok" | "violation" | "incomplete" | "error";
  /** The first violation found, replayed on the coordinator. */
  readonly violation?: Counterexample;
  /** The job that found it. */
  readonly foundBy?: number;
  /** Why the swarm could not run (a bad spec, an unreachable server). */
  readonly error?: { readonly message: string };
  /** The seed the jobs' seeds derive from (give it again to rerun the same jobs). */
  readonly seed: number;
  /** Wall time, from queueing the jobs to the verdict. */
  readonly seconds: number;
  /** Jobs queued, and the results that came back (by job number). */
  readonly queued: number;
  /** The results that came back, by job number. */
  readonly jobs: readonly SwarmJobResult[];
  /**
   * The reachable states, exactly (a depth-first job searched them all) or
   * as a lower bound (the most any search job stored): what each job's coverage
   * estimate divides by.
   */
  readonly statesBound: { readonly states: number; readonly exact: boolean };
}

function randomSeed(): number {
  return (Date.now() ^ (Math.random() * 0x100000000)) >>> 0;
}

/**
 * A liveness counterexample replays when its path is one of the model's
 * and, for a cycle, the state before `loopStart` is the last state (the
 * job's liveness checker judged the property; the path is checked here).
 */
function lassoReplays(model: Model, v: Counterexample): boolean {
  const r = replay(model, { init: v.init, transitions: [...v.transitions] });
  if (r.error !== undefined || r.failure !== undefined) return false;
  if (v.loopStart === undefined) return true;
  const a = r.states[v.loopStart], b = r.states[r.states.length - 1];
  return a !== undefined && b !== undefined && a.every((x, i) => x === b[i]);
}

/** The replayed counterexample of a job's violation, or undefined when it does not replay. */
function replayed(model: Model, v: Counterexample): Counterexample | undefined {
  try {
    if (v.kind === "liveness") return lassoReplays(model, v) ? v : undefined;
    const again = explainTrace(model, { init: v.init, transitions: [...v.transitions] });
    return typeof again !== "string" && again.property === v.property ? again : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs a swarm of `jobs` diversified bitstate, depth-first and simulation
 * jobs of a spec over the workers of a NATS server (see the module
 * documentation), and returns the first violation (replayed), and the
 * table of jobs with their coverage estimates and times. Never throws for
 * a bad spec or an unreachable server: that is the verdict `error`.
 *
 * @param target The module (a `file:` URL) and the name of the export.
 * @param options The server, the number of jobs, limits.
 * @returns The verdict, the violation and the jobs.
 *
 * @example With workers started on a local server
 * ```ts ignore
 * import { swarm } from "./swarm.ts";
 *
 * const r = await swarm(
 *   { module: new URL("../specs/pc_no_mutex.ts", import.meta.url), export: "pcNoMutex" },
 *   { servers: "nats://127.0.0.1:4222", jobs: 6 },
 * );
 * console.log(r.verdict, r.violation?.property);
 * ```
 */
export async function swarm(target: SpecModule, options: SwarmOptions): Promise<SwarmResult> {
  const seed = options.seed ?? randomSeed();
  const start = performance.now();
  const failed = (spec: string, message: string): SwarmResult => ({
    spec,
    params: {},
    verdict: "error",
    error: { message },
    seed,
    seconds: (performance.now() - start) / 1000,
    queued: 0,
    jobs: [],
    statesBound: { states: 0, exact: false },
  });
  let spec: Checkable | string;
  let ref;
  try {
    ref = await specRef(target.module, target.export);
    spec = await loadSpec(ref);
  } catch (e) {
    return failed(target.export, errorMessage(e));
  }
  if (typeof spec === "string") return failed(target.export, spec);
  const params = options.params ?? {};
  let model: Model;
  let resolved: Readonly<Record<string, number | boolean>>;
  try {
    model = spec.compile(params);
    resolved = spec.resolve(params);
  } catch (e) {
    return failed(spec.name, errorMessage(e));
  }
  const run = crypto.randomUUID().replaceAll("-", "").slice(0, 16);
  const jobSeconds = options.jobSeconds ?? 30;
  const jobs: SwarmJob[] = planSwarm(options.jobs, seed).map((strategy, job) => ({
    kind: "swarm",
    run,
    job,
    spec: ref,
    params,
    strategy,
    timeSeconds: jobSeconds,
    maxStates: null,
  }));
  let nc;
  try {
    nc = await connect({ servers: options.servers.split(","), name: "ipcspec swarm" });
  } catch (e) {
    return failed(model.name, `Cannot reach NATS at ${options.servers}: ${errorMessage(e)}`);
  }
  try {
    const got = await collect(nc, model, jobs, options);
    const base = { spec: model.name, params: resolved, seed, queued: jobs.length };
    return summarize(base, got, (performance.now() - start) / 1000);
  } catch (e) {
    return failed(model.name, errorMessage(e));
  } finally {
    await nc.close();
  }
}

interface Collected {
  readonly results: SwarmJobResult[];
  violation?: Counterexample;
  foundBy?: number;
}

/** Queues the jobs and gathers their results until a replayed violation, all of them, or the time. */
async function collect(
  nc: Awaited<ReturnType<typeof connect>>,
  model: Model,
  jobs: readonly SwarmJob[],
  options: SwarmOptions,
): Promise<Collected> {
  const run = jobs[0]!.run;
  const got: Collected = { results: [] };
  const seen = new Set<number>();
  let wake = () => {};
  const sub = nc.subscribe(swarmSubjects(run).results, {
    callback: (_e, m) => {
      const r = decode<SwarmJobResult>(m.data);
      if (seen.has(r.job)) return; // delivered twice (a worker was slow to acknowledge)
      seen.add(r.job);
      got.results.push(r);
      options.onJob?.(r);
      if (got.violation === undefined && r.violation !== undefined) {
        const v = replayed(model, r.violation);
        if (v !== undefined) {
          got.violation = v;
          got.foundBy = r.job;
        }
      }
      wake();
    },
  });
  const limit = 1000 * (options.timeSeconds ?? 4 * (options.jobSeconds ?? 30) + 60);
  const deadline = performance.now() + limit;
  try {
    await ensureQueue(nc);
    await publishJobs(nc, jobs);
    while (
      got.violation === undefined && got.results.length < jobs.length &&
      performance.now() < deadline && options.signal?.aborted !== true
    ) {
      await new Promise<void>((r) => {
        const id = setTimeout(r, 250);
        wake = () => {
          clearTimeout(id);
          r();
        };
      });
    }
  } finally {
    await endSwarm(nc, run);
    sub.unsubscribe();
  }
  got.results.sort((a, b) => a.job - b.job);
  return got;
}

function summarize(
  base: Pick<SwarmResult, "spec" | "params" | "seed" | "queued">,
  got: Collected,
  seconds: number,
): SwarmResult {
  const complete = got.results.find((r) => r.strategy.engine === "dfs" && r.verdict === "ok");
  const searches = got.results.filter((r) => r.strategy.engine !== "simulate");
  const most = Math.max(0, ...searches.map((r) => r.states));
  const statesBound = complete !== undefined
    ? { states: complete.states, exact: true }
    : { states: most, exact: false };
  const common = { ...base, seconds, jobs: got.results, statesBound };
  if (got.violation !== undefined) {
    return { ...common, verdict: "violation", violation: got.violation, foundBy: got.foundBy! };
  }
  const errors = got.results.filter((r) => r.verdict === "error");
  if (errors.length > 0 && errors.length === got.results.length) {
    return { ...common, verdict: "error", error: { message: errors[0]!.message ?? "error" } };
  }
  return { ...common, verdict: complete !== undefined ? "ok" : "incomplete" };
}
