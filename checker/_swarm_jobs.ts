// Private module: what the coordinator of a swarm (swarm.ts) and the
// workers that take its jobs (_swarm_worker.ts) share: the JetStream work
// queue, the jobs and their results, the plan that diversifies N jobs, and
// the search-order shuffle.
//
// The jobs of every swarm go to one stream, IPCSPEC_SWARM (work-queue
// retention: a job is removed once a worker acknowledges it), on subject
// `ipcspec.swarm.jobs.<run>`; every worker pulls from one durable consumer
// of it. A job not acknowledged within ACK_WAIT (a worker died) is
// delivered again, to another worker. Results and the cancel signal are
// plain NATS messages on `ipcspec.swarm.<run>.results` and `.cancel`.

import type { Model, SuccessorSink } from "../model/model.ts";
import type { SpecRef } from "./_distributed_protocol.ts";
import type { Counterexample } from "./result.ts";

/** The stream of swarm jobs. */
export const SWARM_STREAM = "IPCSPEC_SWARM";
/** The durable consumer every worker pulls from. */
export const SWARM_CONSUMER = "ipcspec-swarm-workers";
/** Seconds a worker may hold a job without acknowledging it (it says `working` meanwhile). */
export const ACK_WAIT_SECONDS = 30;

/** The subjects of one swarm. */
export function swarmSubjects(run: string) {
  return {
    jobs: `ipcspec.swarm.jobs.${run}`,
    results: `ipcspec.swarm.${run}.results`,
    cancel: `ipcspec.swarm.${run}.cancel`,
  } as const;
}

/** How one job searches. */
export type SwarmStrategy =
  | {
    /** Breadth-first over a bit array (`bits` of them, `hashes` hash functions), shuffled order. */
    readonly engine: "bitstate";
    readonly bits: number;
    readonly hashes: number;
    readonly seed: number;
  }
  /** Depth-first over the exact store, successors in a shuffled order. */
  | { readonly engine: "dfs"; readonly seed: number }
  /** Random schedules (fast-check), `runs` of at most `maxSteps` steps. */
  | {
    readonly engine: "simulate";
    readonly seed: number;
    readonly runs: number;
    readonly maxSteps: number;
  };

/** One job of a swarm. */
export interface SwarmJob {
  readonly kind: "swarm";
  readonly run: string;
  readonly job: number;
  readonly spec: SpecRef;
  readonly params: Readonly<Record<string, number | boolean | string>>;
  readonly strategy: SwarmStrategy;
  /** Seconds the job may run. */
  readonly timeSeconds: number;
  /** States a search job may store. */
  readonly maxStates: number | null;
}

/** What a job reports. */
export interface SwarmJobResult {
  /** The swarm run the job belongs to. */
  readonly run: string;
  /** The job's number in its run (0 .. jobs − 1). */
  readonly job: number;
  /** What the job searched, and how. */
  readonly strategy: SwarmStrategy;
  /** The worker's host and process id. */
  readonly worker: string;
  /** ok (a complete exact search), violation, incomplete (a limit, a bitstate run), error, cancelled. */
  readonly verdict: "ok" | "violation" | "incomplete" | "error" | "cancelled";
  /** States the job stored (a simulation: the steps it took). */
  readonly states: number;
  /** The job's own time. */
  readonly seconds: number;
  /** Bitstate: the estimated fraction of reached states stored. */
  readonly coverage?: number;
  /** The violation the job found, as the job reported it. */
  readonly violation?: Counterexample;
  /** Why the job ended in error or was cancelled. */
  readonly message?: string;
}

/**
 * The strategies of `jobs` jobs: a third bitstate runs (bit arrays of 2^22
 * to 2^27 bits, 1 to 3 hash functions), a third shuffled depth-first
 * searches, a third random simulations, each with its own seed.
 */
export function planSwarm(jobs: number, seed: number): SwarmStrategy[] {
  const out: SwarmStrategy[] = [];
  for (let k = 0; k < jobs; k++) {
    const s = (seed + 7919 * k) >>> 0;
    const round = Math.floor(k / 3);
    switch (k % 3) {
      case 0:
        out.push({ engine: "bitstate", bits: 22 + (round % 6), hashes: 1 + (round % 3), seed: s });
        break;
      case 1:
        out.push({ engine: "dfs", seed: s });
        break;
      default:
        out.push({ engine: "simulate", seed: s, runs: 1000, maxSteps: 200 + 100 * (round % 5) });
    }
  }
  return out;
}

/** A small seeded generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `model`, whose `expand` gives the successors of each state in an order
 * shuffled by `seed` (the same state may get different orders at different
 * visits; every successor is given, so a complete search is still complete).
 */
export function shuffled(model: Model, seed: number): Model {
  const next = random(seed);
  const states: Int32Array[] = [];
  const via: number[] = [];
  const expand = (state: Int32Array, sink: SuccessorSink): number => {
    states.length = 0;
    via.length = 0;
    const n = model.expand(state, {
      push: (s, t) => {
        states.push(s.slice());
        via.push(t);
        return true;
      },
      fail: (p, t, m) => sink.fail(p, t, m),
    });
    for (let i = states.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [states[i], states[j]] = [states[j]!, states[i]!];
      [via[i], via[j]] = [via[j]!, via[i]!];
    }
    for (let i = 0; i < states.length; i++) if (!sink.push(states[i]!, via[i]!)) break;
    return n;
  };
  return new Proxy(model, {
    get(target, key) {
      if (key === "expand") return expand;
      const v = Reflect.get(target, key, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}
