/**
 * The checker layer: search engines over the {@linkcode Model} interface,
 * results as data, replay and reporters. It knows nothing of processes,
 * steps or primitives.
 *
 * @module
 */

export * from "./check.ts";
export * from "./bfs.ts";
export * from "./dfs.ts";
export * from "./bfs_compact.ts";
export * from "./parallel.ts";
export * from "./simulate.ts";
export * from "./sweep.ts";
export * from "./schedule_file.ts";
export * from "./replay.ts";
export * from "./explain.ts";
export * from "./expectation.ts";
export * from "./liveness.ts";
export * from "./coverage.ts";
export * from "./report.ts";
export * from "./result.ts";
export * from "./chart.ts";
export * from "./graph_picture.ts";
export type { Found, Progress, SearchHooks, SearchLimits, SearchOutcome } from "./_search.ts";
export type { Reduction, ReductionOptions } from "./_por.ts";
