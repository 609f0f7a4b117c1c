// Private module: a worker process's loop (`ipcspec worker --nats URL`):
// it listens for partition offers in the workers' queue group, and while
// idle takes swarm jobs from the JetStream work queue (_swarm_worker.ts).
// One job at a time: an offer that comes while it is busy is answered
// `busy`, and the coordinator offers it again (to another worker, or later).

import { connect, type Msg, type NatsConnection } from "npm:@nats-io/transport-node@3.3.0";
import { PartitionRun } from "./_distributed_job.ts";
import {
  decode,
  encode,
  type PartitionJob,
  RECRUIT_QUEUE,
  RECRUIT_SUBJECT,
} from "./_distributed_protocol.ts";
import { SwarmTaker } from "./_swarm_worker.ts";

/**
 * Options of {@linkcode runWorker}.
 *
 * @example
 * ```ts
 * import type { WorkerOptions } from "./distributed.ts";
 *
 * const options: WorkerOptions = { servers: "nats://127.0.0.1:4222", jobs: 1 };
 * console.log(options.servers);
 * ```
 */
export interface WorkerOptions {
  /** The NATS server(s) (`nats://host:4222`, comma-separated). */
  servers: string;
  /** Stop after this many jobs (default: serve until stopped). */
  jobs?: number;
  /** Take swarm jobs from the JetStream work queue while idle (default true). */
  swarm?: boolean;
  /** Aborting it stops the worker (a running partition job ends at once). */
  signal?: AbortSignal;
  /** Receives one line per event (joined a run, a job done, ...). */
  log?: (line: string) => void;
}

/** The idle loop's state: a pending offer, and whether a job runs. */
class Idle {
  offer: Msg | undefined;
  busy = false;
  /** The partition job running, told when the connection is interrupted. */
  job: PartitionRun | undefined;
  #wake: (() => void) | undefined;

  take(m: Msg): void {
    if (this.busy || this.offer !== undefined) {
      m.respond(encode({ t: "busy" }));
      return;
    }
    this.offer = m;
    this.wake();
  }

  wake(): void {
    this.#wake?.();
    this.#wake = undefined;
  }

  /** Waits until woken, at most `millis`. */
  sleep(millis: number): Promise<void> {
    return new Promise((resolve) => {
      const id = setTimeout(() => this.wake(), millis);
      this.#wake = () => {
        clearTimeout(id);
        resolve();
      };
    });
  }
}

/**
 * Runs a worker: connects to NATS, serves partition jobs of distributed
 * searches and swarm jobs until `jobs` are done or `signal` aborts.
 * Resolves with the number of jobs done.
 *
 * @param options The server, how many jobs, a signal and a log.
 * @returns The number of jobs done.
 *
 * @example One job, then stop
 * ```ts ignore
 * import { runWorker } from "./distributed.ts";
 *
 * await runWorker({ servers: "nats://127.0.0.1:4222", jobs: 1, log: console.error });
 * ```
 */
export async function runWorker(options: WorkerOptions): Promise<number> {
  const log = options.log ?? (() => {});
  const nc = await connect({ servers: options.servers.split(","), name: "ipcspec worker" });
  const idle = new Idle();
  const sub = nc.subscribe(RECRUIT_SUBJECT, {
    queue: RECRUIT_QUEUE,
    callback: (_e, m) => idle.take(m),
  });
  const onAbort = () => idle.wake();
  options.signal?.addEventListener("abort", onAbort);
  const swarm = options.swarm === false ? undefined : new SwarmTaker(nc, log);
  void watchConnection(nc, idle, log);
  let done = 0;
  try {
    while (options.signal?.aborted !== true && done < (options.jobs ?? Infinity)) {
      if (await serveOne(nc, idle, swarm, options, log)) done++;
    }
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
    sub.unsubscribe();
    await nc.drain().catch(() => {});
  }
  return done;
}

/** Serves an offer, else a swarm job, else waits a while; whether a job was done. */
async function serveOne(
  nc: NatsConnection,
  idle: Idle,
  swarm: SwarmTaker | undefined,
  options: WorkerOptions,
  log: (line: string) => void,
): Promise<boolean> {
  const offer = idle.offer;
  if (offer !== undefined) {
    idle.busy = true;
    idle.offer = undefined;
    try {
      const job = decode<PartitionJob>(offer.data);
      log(`joined run ${job.run} as partition ${job.index} of ${job.workers}`);
      idle.job = new PartitionRun(nc, job);
      const how = await idle.job.run(offer, options.signal);
      log(`run ${job.run}: ${how}`);
    } finally {
      idle.busy = false;
      idle.job = undefined;
    }
    return true;
  }
  if (swarm !== undefined && options.signal?.aborted !== true) {
    // Wait for a swarm job, unless an offer comes first (the job then goes back).
    const pulled = swarm.pull();
    const offered = idle.sleep(1500).then(() => "woken" as const);
    const first = await Promise.race([pulled, offered]);
    if (first === "woken") {
      void pulled.then((m) => m?.nak());
      return false;
    }
    if (first === null) {
      await offered; // no job (or no swarm yet): wait for an offer, at most 1.5 s
      return false;
    }
    idle.wake();
    if (idle.offer !== undefined) {
      first.nak();
      return false;
    }
    idle.busy = true;
    try {
      await swarm.run(first);
    } finally {
      idle.busy = false;
    }
    return true;
  }
  await idle.sleep(swarm === undefined ? 1000 : 200);
  return false;
}

/** Tells the running partition job when the connection was interrupted (messages may be lost). */
async function watchConnection(
  nc: NatsConnection,
  idle: Idle,
  log: (line: string) => void,
): Promise<void> {
  for await (const s of nc.status()) {
    if (
      s.type === "disconnect" || s.type === "reconnect" || s.type === "slowConsumer" ||
      s.type === "staleConnection"
    ) {
      log(`connection to NATS: ${s.type}`);
      idle.job?.interrupted(s.type);
    }
  }
}
