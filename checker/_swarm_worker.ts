// Private module: a worker's side of a swarm (see swarm.ts): it pulls one
// job at a time from the JetStream work queue, runs it (a shuffled bitstate
// or depth-first search, or random simulations), keeps the job while it
// runs (`working`), publishes the result, then acknowledges the job. A
// job whose swarm is cancelled (a violation was found elsewhere) stops at
// its next slice.

import type { NatsConnection } from "npm:@nats-io/transport-node@3.3.0";
import { type Consumer, jetstream, type JsMsg } from "npm:@nats-io/jetstream@3.3.0";
import { hostname } from "node:os";
import { checkAsync } from "./check.ts";
import { simulate } from "./simulate.ts";
import type { Checkable } from "../model/model.ts";
import { errorMessage } from "./_search.ts";
import { decode, encode } from "./_distributed_protocol.ts";
import { loadSpec } from "./_distributed_spec.ts";
import {
  ACK_WAIT_SECONDS,
  shuffled,
  SWARM_CONSUMER,
  SWARM_STREAM,
  type SwarmJob,
  type SwarmJobResult,
  swarmSubjects,
} from "./_swarm_jobs.ts";

/** Runs one job's search; the result without the job's identity. */
async function runJob(
  spec: Checkable,
  job: SwarmJob,
  signal: AbortSignal,
): Promise<Omit<SwarmJobResult, "run" | "job" | "strategy" | "worker" | "seconds">> {
  const st = job.strategy;
  if (st.engine === "simulate") {
    const r = simulate(spec, {
      params: job.params,
      seed: st.seed,
      runs: st.runs,
      maxSteps: st.maxSteps,
      timeSeconds: job.timeSeconds,
    });
    return {
      verdict: r.verdict,
      states: r.walks.steps,
      ...(r.violation !== undefined ? { violation: r.violation } : {}),
      ...(r.error !== undefined ? { message: r.error.message } : {}),
    };
  }
  const model = shuffled(spec.compile(job.params), st.seed);
  const r = await checkAsync(model, {
    params: job.params,
    timeSeconds: job.timeSeconds,
    signal,
    ...(job.maxStates !== null ? { maxStates: job.maxStates } : {}),
    ...(st.engine === "bitstate"
      ? { store: "bitstate" as const, bitstateBits: st.bits, bitstateHashes: st.hashes }
      : { strategy: "dfs" as const }),
  });
  return {
    verdict: signal.aborted ? "cancelled" : r.verdict,
    states: r.stats.states,
    ...(r.stats.coverage !== undefined ? { coverage: r.stats.coverage } : {}),
    ...(r.violation !== undefined ? { violation: r.violation } : {}),
    ...(r.error !== undefined ? { message: r.error.message } : {}),
  };
}

/** Takes swarm jobs from the work queue, one at a time. */
export class SwarmTaker {
  readonly #nc: NatsConnection;
  readonly #log: (line: string) => void;
  #consumer: Consumer | undefined;
  #lookedUp = 0;

  constructor(nc: NatsConnection, log: (line: string) => void) {
    this.#nc = nc;
    this.#log = log;
  }

  /** The consumer, once a swarm created it (looked up at most every 2 s). */
  async #getConsumer(): Promise<Consumer | undefined> {
    if (this.#consumer !== undefined || performance.now() - this.#lookedUp < 2000) {
      return this.#consumer;
    }
    this.#lookedUp = performance.now();
    try {
      this.#consumer = await jetstream(this.#nc).consumers.get(SWARM_STREAM, SWARM_CONSUMER);
    } catch {
      this.#consumer = undefined; // no swarm yet, or no JetStream on this server
    }
    return this.#consumer;
  }

  /** Waits up to `millis` (at least 1000) for a job; null when none came. */
  async pull(millis = 1000): Promise<JsMsg | null> {
    const consumer = await this.#getConsumer();
    if (consumer === undefined) return null;
    try {
      return await consumer.next({ expires: Math.max(1000, millis) });
    } catch {
      this.#consumer = undefined;
      return null;
    }
  }

  /** Runs a job taken from the queue, publishes its result and acknowledges it. */
  async run(m: JsMsg): Promise<void> {
    await this.#run(m);
  }

  async #run(m: JsMsg): Promise<void> {
    const job = decode<SwarmJob>(m.data);
    const subjects = swarmSubjects(job.run);
    const cancel = new AbortController();
    const sub = this.#nc.subscribe(subjects.cancel, { callback: () => cancel.abort() });
    const keep = setInterval(() => m.working(), (ACK_WAIT_SECONDS / 3) * 1000);
    const start = performance.now();
    const worker = `${hostname()}:${Deno.pid}`;
    let body: Awaited<ReturnType<typeof runJob>>;
    try {
      const spec = await loadSpec(job.spec);
      body = typeof spec === "string"
        ? { verdict: "error", states: 0, message: spec }
        : await runJob(spec, job, cancel.signal);
    } catch (e) {
      body = { verdict: "error", states: 0, message: errorMessage(e) };
    } finally {
      clearInterval(keep);
      sub.unsubscribe();
    }
    const result: SwarmJobResult = {
      run: job.run,
      job: job.job,
      strategy: job.strategy,
      worker,
      seconds: (performance.now() - start) / 1000,
      ...body,
    };
    this.#nc.publish(subjects.results, encode(result));
    m.ack();
    this.#log(`swarm ${job.run} job ${job.job} (${job.strategy.engine}): ${result.verdict}`);
  }
}
