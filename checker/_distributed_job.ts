// Private module: a worker's side of one distributed search (see
// distributed.ts): it joins the run, loads the spec, answers the
// coordinator's control messages in order, inserts the batches other
// workers send it, sends heartbeats, and gives up the run when the
// coordinator falls silent.

import type { Msg, NatsConnection, Subscription } from "npm:@nats-io/transport-node@3.3.0";
import { hostname } from "node:os";
import { Partition } from "./_distributed_partition.ts";
import { loadModel } from "./_distributed_spec.ts";
import { errorMessage } from "./_search.ts";
import {
  decode,
  encode,
  type FromPartition,
  type PartitionJob,
  runSubjects,
  type ToPartition,
} from "./_distributed_protocol.ts";

/** Lets timers and message callbacks run. */
function pause(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Why the lanes of a job cannot be the slots of this model's states, if they cannot. */
function badLanes(lanes: readonly number[] | null | undefined, width: number): string | undefined {
  if (lanes === null || lanes === undefined) return undefined;
  const wrong = lanes.find((l) => !Number.isInteger(l) || l < 0 || l >= width);
  if (wrong === undefined && lanes.length > 0) return undefined;
  return `the job partitions by slots [${lanes.join(", ")}], but states have ${width} slots ` +
    "(a different spec or parameters than the coordinator's?)";
}

/** How a partition job ended, for the worker's log. */
export type JobEnd = "done" | "coordinator lost" | "failed" | "stopped";

/** One partition job on a worker, from the offer to the coordinator's `end`. */
export class PartitionRun {
  readonly #nc: NatsConnection;
  readonly #job: PartitionJob;
  readonly #subjects: ReturnType<typeof runSubjects>;
  readonly #subs: Subscription[] = [];
  #partition: Partition | undefined;
  /** Control messages are handled one after the other. */
  #queue: Promise<void> = Promise.resolve();
  #lastBeat = performance.now();
  #ended: ((how: JobEnd) => void) | undefined;
  /** Called after each batch received and at the end, while a settle waits. */
  #waiter: (() => void) | undefined;

  constructor(nc: NatsConnection, job: PartitionJob) {
    this.#nc = nc;
    this.#job = job;
    this.#subjects = runSubjects(job.run);
  }

  #reply(m: FromPartition): void {
    this.#nc.publish(this.#subjects.coord, encode(m));
  }

  /** Runs the job: joins (answering `offer`), loads the spec, serves until the end. */
  async run(offer: Msg, signal?: AbortSignal): Promise<JobEnd> {
    const job = this.#job;
    const i = job.index;
    const done = new Promise<JobEnd>((resolve) => this.#ended = resolve);
    this.#subs.push(
      this.#nc.subscribe(this.#subjects.data(i), {
        callback: (_e, m) => {
          this.#partition?.receive(m.data);
          this.#waiter?.();
        },
      }),
      this.#nc.subscribe(this.#subjects.ctl(i), {
        callback: (_e, m) => this.#control(decode<ToPartition>(m.data)),
      }),
      this.#nc.subscribe(this.#subjects.beat, {
        callback: () => {
          this.#lastBeat = performance.now();
        },
      }),
    );
    offer.respond(encode({ t: "joined", i, host: hostname(), pid: Deno.pid }));
    const timer = setInterval(() => this.#watch(signal), job.heartbeatMillis);
    try {
      const model = await loadModel(job.spec, job.params);
      const bad = typeof model === "string" ? model : badLanes(job.lanes, model.width);
      if (typeof model === "string" || bad !== undefined) {
        this.#reply({ t: "failed", i, message: bad ?? "" });
        this.#end("failed");
      } else {
        const place = {
          index: i,
          workers: job.workers,
          maxStates: job.maxStates ?? Number.POSITIVE_INFINITY,
          batch: job.batch,
          lanes: job.lanes ?? null,
        };
        this.#partition = new Partition(model, place, (dest, data) => {
          this.#nc.publish(this.#subjects.data(dest), data);
        });
        this.#reply({ t: "ready", i });
      }
      return await done;
    } finally {
      clearInterval(timer);
      for (const s of this.#subs) s.unsubscribe();
      this.#partition = undefined;
    }
  }

  /** The connection to NATS was interrupted (`what`): batches may have been lost. */
  interrupted(what: string): void {
    const p = this.#partition;
    if (p === undefined) return;
    p.lost ??= `worker ${this.#job.index} lost its connection to NATS (${what}) at depth ` +
      `${p.depth + 1}: batches sent to it may have been lost`;
    this.#waiter?.();
  }

  #end(how: JobEnd): void {
    if (this.#partition !== undefined) this.#partition.stopped = true;
    this.#waiter?.();
    this.#ended?.(how);
    this.#ended = undefined;
  }

  /** Sends a heartbeat; ends the job when the coordinator fell silent or the worker stops. */
  #watch(signal: AbortSignal | undefined): void {
    this.#reply({ t: "hb", i: this.#job.index });
    if (signal?.aborted === true) this.#end("stopped");
    if (performance.now() - this.#lastBeat > this.#job.timeoutMillis) {
      this.#end("coordinator lost");
    }
  }

  #control(m: ToPartition): void {
    this.#lastBeat = performance.now();
    if (m.t === "end") {
      this.#end("done");
      return;
    }
    this.#queue = this.#queue.then(() => this.#handle(m)).catch((e) => {
      // A bad message (a link to a state this worker does not hold, ...): say so, stop.
      this.#reply({ t: "failed", i: this.#job.index, message: errorMessage(e) });
      this.#end("failed");
    });
  }

  async #handle(m: Exclude<ToPartition, { t: "end" }>): Promise<void> {
    const p = this.#partition;
    if (p === undefined || p.stopped) return;
    const i = this.#job.index;
    switch (m.t) {
      case "initial": {
        p.initial();
        this.#reply({ t: "settled", i, depth: -1, ...p.report(p.settle()) });
        return;
      }
      case "expand": {
        await p.expand(m.depth, pause);
        this.#reply({ t: "expanded", i, depth: m.depth, sent: [...p.sent] });
        return;
      }
      case "settle": {
        // Batches still on their way are inserted by the data callback meanwhile.
        await new Promise<void>((resolve) => {
          this.#waiter = () => {
            if (p.received < m.expect && !p.stopped && p.lost === undefined) return;
            this.#waiter = undefined;
            resolve();
          };
          this.#waiter();
        });
        if (p.received > m.expect) {
          p.error ??= {
            message: `worker ${i} received ${p.received} batches at level ${m.depth}, ` +
              `${m.expect} were sent`,
          };
        }
        this.#reply({ t: "settled", i, depth: m.depth, ...p.report(p.settle()) });
        return;
      }
      case "link": {
        this.#reply({ t: "link", i, id: m.id, ...p.link(m.id) });
        return;
      }
    }
  }
}
