// Private module: the coordinator of a distributed search (see
// distributed.ts). It recruits the workers, drives the levels (expand,
// then settle with the number of batches each worker must have received),
// watches heartbeats and limits, and rebuilds a counterexample from the
// workers' parent links.

import type { NatsConnection, Subscription } from "npm:@nats-io/transport-node@3.3.0";
import type { Model } from "../model/model.ts";
import { EngineClock } from "./_loop.ts";
import { errorMessage } from "./_search.ts";
import type { IncompleteReason } from "./result.ts";
import { firstFinding } from "./_parallel_shared.ts";
import { distributedOutcome, type End, type RunEnd, type Settled } from "./_distributed_outcome.ts";
import { Inbox, LostWorker } from "./_distributed_inbox.ts";
import {
  decode,
  encode,
  type FromPartition,
  type PartitionJob,
  RECRUIT_SUBJECT,
  runSubjects,
  type ToPartition,
} from "./_distributed_protocol.ts";
import type { DistributedOptions } from "./_distributed_options.ts";

type Expanded = Extract<FromPartition, { t: "expanded" }>;
type Link = Extract<FromPartition, { t: "link" }>;

/** A limit or an interruption, raised through the inbox. */
class Stop extends Error {
  readonly reason: IncompleteReason;
  constructor(reason: IncompleteReason) {
    super(reason);
    this.reason = reason;
  }
}

/** One distributed search, from recruiting its workers to its outcome. */
export class DistributedCoordinator {
  readonly #nc: NatsConnection;
  readonly #model: Model;
  readonly #options: DistributedOptions;
  readonly #job: (index: number) => PartitionJob;
  readonly #subjects: ReturnType<typeof runSubjects>;
  readonly #inbox: Inbox;
  readonly #n: number;
  #last: Settled[] = [];
  #depth = 0;
  #initial = 0;
  #hosts: string[] = [];
  /** The sum over the levels of the most new states any one worker stored. */
  #slowest = 0;
  readonly #created = performance.now();
  /** When every worker had loaded the spec (the search's clock starts there). */
  #ready: number | undefined;

  constructor(
    nc: NatsConnection,
    model: Model,
    options: DistributedOptions,
    job: (index: number) => PartitionJob,
  ) {
    this.#nc = nc;
    this.#model = model;
    this.#options = options;
    this.#job = job;
    this.#n = job(0).workers;
    this.#subjects = runSubjects(job(0).run);
    this.#inbox = new Inbox(this.#n);
    model.init(() => this.#initial++);
  }

  #send(k: number, m: ToPartition): void {
    this.#nc.publish(this.#subjects.ctl(k), encode(m));
  }

  #sendAll(m: ToPartition): void {
    for (let k = 0; k < this.#n; k++) this.#send(k, m);
  }

  /** Offers partition k until a worker takes it (none listening: retried until the deadline). */
  async #recruit(k: number, deadline: number): Promise<void> {
    const job = this.#job(k);
    for (let wait = 10;; wait = Math.min(2 * wait, 200)) {
      try {
        const reply = await this.#nc.request(RECRUIT_SUBJECT, encode(job), {
          timeout: Math.max(1000, job.timeoutMillis),
        });
        const joined = decode<FromPartition | { t: "busy" }>(reply.data);
        if (joined.t === "joined") {
          this.#hosts[k] = `${joined.host}:${joined.pid}`;
          this.#inbox.deliver(joined);
          return;
        }
        throw new Error("every worker that answered was busy");
      } catch (e) {
        if (performance.now() > deadline) {
          throw new LostWorker(
            `only ${k} of ${this.#n} workers joined within ${
              this.#options.recruitSeconds ?? 30
            } s ` +
              `(${errorMessage(e)}): start more with 'ipcspec worker --nats URL'`,
          );
        }
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }

  /** Publishes the coordinator's heartbeat; fails the run on a silent worker or a limit. */
  #watch(clock: EngineClock): () => void {
    const { heartbeatMillis, timeoutMillis } = this.#job(0);
    const id = setInterval(() => {
      this.#nc.publish(this.#subjects.beat, encode({ t: "beat" }));
      const now = performance.now();
      this.#inbox.lastSeen.forEach((seen, k) => {
        if (now - seen > timeoutMillis) {
          this.#inbox.fail(
            new LostWorker(
              `worker ${k} (${this.#hosts[k] ?? "?"}) was not heard from for ` +
                `${(timeoutMillis / 1000).toFixed(1)} s at depth ${this.#depth}: the states ` +
                "of its partition were not all explored",
            ),
          );
        }
      });
      const reason = clock.poll(Number.POSITIVE_INFINITY, () => ({
        states: this.#last.reduce((n, r) => n + r.states, 0),
        frontier: this.#last.reduce((n, r) => n + r.fresh, 0),
        depth: this.#depth,
      }));
      if (reason !== undefined && reason !== "slice") this.#inbox.fail(new Stop(reason));
    }, heartbeatMillis);
    return () => clearInterval(id);
  }

  /** Fails the run when the coordinator's own connection is interrupted (replies may be lost). */
  async #watchConnection(): Promise<void> {
    for await (const s of this.#nc.status()) {
      if (s.type === "disconnect" || s.type === "slowConsumer" || s.type === "staleConnection") {
        this.#inbox.fail(
          new LostWorker(
            `the coordinator lost its connection to NATS (${s.type}) at depth ${this.#depth}: ` +
              "replies may have been lost",
          ),
        );
      }
    }
  }

  /** Runs the search: recruits, searches, rebuilds the paths, ends every worker's job. */
  async run(): Promise<RunEnd> {
    const o = this.#options;
    const clock = new EngineClock(o, {
      shouldStop: () => o.signal?.aborted === true || o.shouldStop?.() === true,
      onProgress: (p) => o.onProgress?.(p),
    });
    const sub: Subscription = this.#nc.subscribe(this.#subjects.coord, {
      callback: (_e, m) => this.#inbox.deliver(decode<FromPartition>(m.data)),
    });
    const stopWatch = this.#watch(clock);
    void this.#watchConnection();
    let end: End;
    try {
      end = await this.#started();
    } catch (e) {
      end = this.#ended(e);
    }
    try {
      return await this.#finish(end, clock);
    } finally {
      stopWatch();
      this.#sendAll({ t: "end" });
      sub.unsubscribe();
      await this.#nc.flush().catch(() => {});
    }
  }

  /** Recruits the workers, waits for them to load the spec, searches. */
  async #started(): Promise<End> {
    const deadline = performance.now() + 1000 * (this.#options.recruitSeconds ?? 30);
    for (let k = 0; k < this.#n; k++) await this.#recruit(k, deadline);
    const ready = await this.#inbox.wait<FromPartition>("ready");
    this.#ready = performance.now();
    const failed = ready.find((r) => r.t === "failed");
    if (failed?.t === "failed") {
      return {
        status: "error",
        depth: 0,
        error: { message: `worker ${failed.i}: ${failed.message}` },
      };
    }
    return await this.#search();
  }

  /** How an exception (a lost worker, a limit, a broken connection) ends the search. */
  #ended(e: unknown): End {
    const depth = this.#depth;
    if (e instanceof Stop) return { status: "incomplete", depth, reason: e.reason };
    if (e instanceof LostWorker) {
      return { status: "incomplete", depth, reason: "interrupted", lost: e.message };
    }
    return { status: "error", depth, error: { message: errorMessage(e) } };
  }

  /** What a phase's replies say: an end, or undefined to go on. */
  #judge(replies: Settled[], depth: number): End | undefined {
    this.#last = replies;
    const lost = replies.find((r) => r.lost !== undefined)?.lost;
    if (lost !== undefined) return { status: "incomplete", depth, reason: "interrupted", lost };
    const error = replies.find((r) => r.error !== undefined)?.error;
    if (error !== undefined) return { status: "error", depth, error };
    const stuck = firstFinding(replies.map((r) => r.stuck));
    if (stuck !== undefined) return { status: "violation", depth, violation: stuck };
    if (replies.some((r) => r.full === true)) {
      return { status: "incomplete", depth, reason: "max-states" };
    }
    const found = firstFinding(replies.map((r) => r.found));
    if (found !== undefined) return { status: "violation", depth, violation: found };
    return undefined;
  }

  async #search(): Promise<End> {
    const maxDepth = this.#options.maxDepth ?? Number.POSITIVE_INFINITY;
    this.#sendAll({ t: "initial" });
    const initial = await this.#inbox.wait<Settled>("settled:-1");
    this.#slowest = Math.max(...initial.map((r) => r.fresh));
    const first = this.#judge(initial, 0);
    if (first !== undefined) return first;
    for (let depth = 0;; depth++) {
      this.#depth = depth;
      if (depth > 0 && depth >= maxDepth) {
        return { status: "incomplete", depth, reason: "max-depth" };
      }
      this.#sendAll({ t: "expand", depth });
      const expanded = await this.#inbox.wait<Expanded>(`expanded:${depth}`);
      for (let k = 0; k < this.#n; k++) {
        const expect = expanded.reduce((n, r) => n + (r.sent[k] ?? 0), 0);
        this.#send(k, { t: "settle", depth, expect });
      }
      const settled = await this.#inbox.wait<Settled>(`settled:${depth}`);
      this.#slowest += Math.max(...settled.map((r) => r.fresh));
      const end = this.#judge(settled, depth);
      if (end !== undefined) return end;
      if (settled.every((r) => r.fresh === 0)) return { status: "ok", depth };
    }
  }

  /** The path to state `id` from the workers' parent links. */
  async #path(id: number): Promise<{ init: number; transitions: number[] }> {
    const transitions: number[] = [];
    for (let cur = id;;) {
      this.#send(cur % this.#n, { t: "link", id: cur });
      const [r] = await this.#inbox.wait<Link>(`link:${cur}`);
      if (r!.parent < 0) return { init: r!.via, transitions: transitions.reverse() };
      transitions.push(r!.via);
      cur = r!.parent;
    }
  }

  #finish(ended: End, clock: EngineClock): Promise<RunEnd> {
    const ready = this.#ready;
    return distributedOutcome(ended, {
      model: this.#model,
      options: this.#options,
      last: this.#last,
      initial: this.#initial,
      path: (id) => this.#path(id),
      peak: clock.peak(),
      seconds: (performance.now() - (ready ?? this.#created)) / 1000,
      setupSeconds: ((ready ?? performance.now()) - this.#created) / 1000,
      hosts: this.#hosts,
      slowest: this.#slowest,
    });
  }
}
