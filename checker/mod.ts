/**
 * The checker layer: `check()` and its options, results as data, replay,
 * schedule files, simulation, sweeps and coverage. It knows nothing of how
 * results are printed (that is `reporters/`), and
 * nothing of processes, steps or primitives: it searches the `Model`
 * interface a compiled spec presents.
 *
 * The search engines themselves (`bfs`, `dfs`, `bfsCompact`, their classes
 * and raw outcomes) and the liveness checker over a state graph are in the
 * extension entry (`extend.ts`), for people writing or comparing engines.
 *
 * @module
 */

export * from "./check.ts";
export * from "./parallel.ts";
export * from "./simulate.ts";
export * from "./sweep.ts";
export * from "./schedule_file.ts";
export * from "./replay.ts";
export * from "./explain.ts";
export * from "./expectation.ts";
export * from "./coverage.ts";
export * from "./result.ts";
export * from "./chart.ts";
export * from "./graph_picture.ts";
export type { Progress, SearchHooks, SearchLimits } from "./_search.ts";
// Types only: swarm() itself is in distributed.ts (it imports the NATS client).
export type { SwarmJobResult, SwarmResult, SwarmStrategy } from "./swarm.ts";
export type { Reduction, ReductionOptions } from "./_por.ts";
export type { BfsCheckpoint, BfsPosition, Checkpointing } from "./_checkpoint.ts";
