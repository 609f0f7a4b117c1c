// Private module: the outcome of a distributed search (see distributed.ts):
// the paths the outcome needs, asked of the workers' parent links, then the
// shared outcome builder, the fingerprint store's report and the traffic.

import type { Model } from "../model/model.ts";
import type { CompactOutcome } from "./bfs_compact.ts";
import { buildOutcome } from "./_outcome.ts";
import { type EngineEnd, errorMessage } from "./_search.ts";
import type { IncompleteReason } from "./result.ts";
import { firstFinding, type StateAt } from "./_parallel_shared.ts";
import type { FromPartition } from "./_distributed_protocol.ts";
import type { DistributedOptions } from "./_distributed_options.ts";

/** A worker's reply at the end of a level. */
export type Settled = Extract<FromPartition, { t: "settled" }>;

/** How the search ended, before paths are rebuilt. */
export interface End {
  readonly status: CompactOutcome["status"];
  readonly depth: number;
  readonly reason?: IncompleteReason;
  readonly violation?: Settled["found"];
  readonly error?: { readonly message: string; readonly at?: StateAt };
  /** Why the run is incomplete beyond a limit (a lost worker). */
  readonly lost?: string;
}

/** What a distributed run gives besides the outcome. */
export interface RunEnd {
  readonly outcome: CompactOutcome;
  readonly lost: string | undefined;
  readonly batches: number;
  readonly bytes: number;
  readonly hosts: readonly string[];
  /** States stored by each worker. */
  readonly partitionStates: readonly number[];
  /** The sum over the levels of the most new states any one worker stored. */
  readonly slowest: number;
  /** Seconds from the start to every worker having loaded the spec (not in the search's time). */
  readonly setupSeconds: number;
}

/** What the outcome needs of the coordinator. */
export interface OutcomeContext {
  readonly model: Model;
  readonly options: DistributedOptions;
  /** The workers' last replies. */
  readonly last: readonly Settled[];
  /** The model's initial states (generated, for the omission estimate). */
  readonly initial: number;
  /** The path to a state, from the workers' parent links. */
  readonly path: (id: number) => Promise<{ init: number; transitions: number[] }>;
  readonly peak: number;
  readonly seconds: number;
  readonly setupSeconds: number;
  readonly hosts: readonly string[];
  /** The sum over the levels of the most new states any one worker stored. */
  readonly slowest: number;
}

/** Rebuilds the paths the outcome needs and builds it, with the traffic. */
export async function distributedOutcome(ended: End, ctx: OutcomeContext): Promise<RunEnd> {
  const { seconds, setupSeconds, last } = ctx;
  const states = last.reduce((n, r) => n + r.states, 0);
  const transitions = last.reduce((n, r) => n + r.transitions, 0);
  const bound = firstFinding(last.map((r) => r.bound));
  const paths = new Map<number, { init: number; transitions: number[] }>();
  let end: EngineEnd<StateAt> = {
    status: ended.status,
    reason: ended.reason,
    depth: ended.depth,
    error: ended.error && { cause: new Error(ended.error.message), at: ended.error.at },
  };
  const ats = [
    ended.violation?.at,
    ended.error?.at,
    ended.status === "ok" ? bound?.at : undefined,
  ];
  try {
    for (const at of ats) {
      if (at !== undefined && at.id >= 0 && !paths.has(at.id)) {
        paths.set(at.id, await ctx.path(at.id));
      }
    }
  } catch (e) {
    const cause = new Error(`a trace could not be rebuilt: ${errorMessage(e)}`);
    end = { status: "error", error: { cause, at: undefined }, depth: ended.depth };
  }
  const failed = end.status === "error" && ended.status !== "error";
  const out = buildOutcome(end, {
    model: ctx.model,
    limits: ctx.options,
    found: failed ? undefined : ended.violation,
    bound: failed ? undefined : bound,
    pathTo: (at) => {
      const p = paths.get(at.id);
      return p === undefined
        ? { init: 0, transitions: [] }
        : { ...p, transitions: [...p.transitions] };
    },
    stats: () => ({
      states,
      transitions,
      seconds,
      storeBytes: last.reduce((n, r) => n + r.storeBytes, 0),
      peakMemoryBytes: ctx.peak,
    }),
  });
  const generated = ctx.initial + transitions;
  const t = ctx.model.transitionCount;
  const storeReport = {
    store: "fingerprint" as const,
    omissionProbability: Math.min(1, (states * Math.max(0, generated - states)) / 2 ** 64),
    linkBytes: t <= 0x100 ? 5 : t <= 0x10000 ? 6 : 8,
    frontierPeakBytes: 0,
  };
  return {
    outcome: { ...out, storeReport },
    lost: ended.lost,
    batches: last.reduce((n, r) => n + r.batches, 0),
    bytes: last.reduce((n, r) => n + r.bytes, 0),
    hosts: ctx.hosts,
    partitionStates: last.map((r) => r.states),
    slowest: ctx.slowest,
    setupSeconds,
  };
}
