// Private module: the options of a distributed search, apart from
// distributed.ts so that its coordinator can read them without an import
// cycle.

import type { SearchHooks, SearchLimits } from "./_search.ts";

/**
 * Options of {@linkcode checkDistributed}.
 *
 * @example Three workers on a local server
 * ```ts
 * import type { DistributedOptions } from "./distributed.ts";
 *
 * const options: DistributedOptions = {
 *   servers: "nats://127.0.0.1:4222",
 *   workers: 3,
 *   params: { producers: 2 },
 * };
 * console.log(options.workers);
 * ```
 */
export interface DistributedOptions extends SearchLimits, SearchHooks {
  /** The NATS server(s) to connect to (`nats://host:4222`, comma-separated). */
  servers: string;
  /** Worker processes to recruit: one partition each. */
  workers: number;
  /** Parameter overrides (numbers, booleans, or their text). */
  params?: Readonly<Record<string, number | boolean | string>>;
  /** Aborting it stops the search as `incomplete` (`interrupted`). */
  signal?: AbortSignal;
  /** Seconds to wait for the workers to join (default 30). */
  recruitSeconds?: number;
  /** Heartbeat period in milliseconds (default 500). */
  heartbeatMillis?: number;
  /** Silence after which a worker (or the coordinator) counts as lost, in ms (default 10000). */
  timeoutMillis?: number;
  /** Successors per batch (default 1024). */
  batch?: number;
  /**
   * The slots a state's owner is hashed from: null for every slot (no
   * locality); by default they are chosen from a sample of the state space
   * (docs/distributed.md, "The partition function").
   */
  lanes?: readonly number[] | null;
}
