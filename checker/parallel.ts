/**
 * Parallel breadth-first search: N Web Workers share one lock-free
 * fingerprint table in a `SharedArrayBuffer` and expand each level of the
 * search together.
 *
 * A compiled model holds closures, which cannot cross to a worker: each
 * worker imports the spec module by URL, picks the export by name and
 * compiles it with the same parameters (compiling is deterministic, so all
 * of them number transitions and properties alike).
 *
 * The search is level-synchronous. The frontier of a level is a list of
 * chunks (`SharedArrayBuffer`s of 1024 packed states each, with their ids),
 * cut into units of 128 states. Each worker claims units through shared
 * counters until none is left, those of the chunks it wrote itself first
 * (they are likelier to be in its caches), then the others': the work
 * splits evenly whatever the shape of the level. A successor is
 * fingerprinted (the sequential fingerprint store's 64-bit hash), inserted
 * into the shared table by a compare-and-swap, and, if new, written into a
 * chunk of the worker's own; at the end of the level the coordinator hands
 * every worker the list of new chunks. No state is structured-cloned: only
 * the chunks' handles travel in messages. Because levels are kept apart,
 * every state is reached by a shortest path, and a violation found at level
 * d is reported only once the level is done (a deadlock at depth d wins over
 * a violation one step deeper), as in the sequential search: counterexamples
 * are shortest.
 *
 * Each worker keeps the parent links (parent id and transition) of the
 * states it stored. The coordinator rebuilds a trace by asking for the links
 * from the violating state back to an initial state, then replays and
 * explains it on its own copy of the model, like every counterexample.
 *
 * What it does not do: liveness properties (they need the whole state
 * graph). As in the sequential search, they would be checked only once the
 * safety properties hold; a safety violation is reported as usual, but where
 * the sequential search would go on to the liveness properties the verdict
 * is `error` (saying so), never a silent `ok`: check such a spec with
 * {@linkcode checkAsync} instead. The states and the verdict are those of
 * the sequential fingerprint search (as long as no two states share a
 * fingerprint); when several properties fail at the same shortest depth,
 * which one is reported may differ.
 *
 * The table starts small and grows between levels (at least doubling, to
 * half full); a level that fills it to 85% parks the states that do not fit
 * in their worker until it has grown. `stats.bytesPerState` counts the
 * table and the links, about 21 bytes a state on the bench's 17 million.
 *
 * @module
 */

import type { Checkable, Model } from "../model/model.ts";
import type { ParallelOptions, SpecModule } from "./_parallel_options.ts";
import type { CompactOutcome } from "./bfs_compact.ts";
import { emptyStats, errorMessage, toResult } from "./_to_result.ts";
import type { CheckResult } from "./result.ts";
import { Pool } from "./_parallel_pool.ts";
import { Coordinator } from "./_parallel_coordinator.ts";
import { livenessUnchecked } from "./_outcome.ts";

export type { ParallelOptions, SpecModule } from "./_parallel_options.ts";

function errorResult(spec: string, message: string, width = 0): CheckResult {
  return {
    spec,
    params: {},
    verdict: "error",
    error: { message },
    stats: { ...emptyStats(), stateWidth: width },
  };
}

/**
 * Checks a spec with breadth-first search over N workers that share a
 * fingerprint table (see the module documentation), and returns the same
 * result data as {@linkcode check} with the fingerprint store: the verdict,
 * the shortest counterexample (replayed and explained), and statistics,
 * with `stats.workers` set. One worker runs the same parallel engine
 * (without the sequential search's overheads or benefits): use
 * {@linkcode check} for the sequential search.
 *
 * Each worker imports `target.module` itself, so the spec must be an
 * export of a module, not a value built at run time. Liveness properties
 * are not checked: a spec that declares some and whose safety properties
 * hold gets the verdict `error`.
 * Never throws for a bad spec, module or parameter: that is the verdict
 * `error`.
 *
 * @param target The module and the name of the export to check.
 * @param options Parameters, limits, hooks and the number of workers.
 * @returns The result.
 *
 * @example Two workers on the bounded buffer
 * ```ts
 * import { checkParallel } from "./parallel.ts";
 * import assert from "node:assert/strict";
 *
 * const result = await checkParallel(
 *   { module: new URL("../specs/pc_semaphore.ts", import.meta.url), export: "pcSemaphore" },
 *   { workers: 2, params: { producers: 2, consumers: 2 } },
 * );
 * assert.equal(result.verdict, "ok");
 * assert.equal(result.stats.workers, 2);
 * assert.equal(result.stats.store, "fingerprint");
 * ```
 */
export async function checkParallel(
  target: SpecModule,
  options: ParallelOptions = {},
): Promise<CheckResult> {
  const workers = options.workers ?? navigator.hardwareConcurrency;
  if (!Number.isInteger(workers) || workers < 1 || workers > 256) {
    throw new RangeError(
      `Cannot check in parallel as 'workers' must be an integer from 1 to 256: current value is ${workers}`,
    );
  }
  let spec: Checkable;
  let model: Model;
  let params: Readonly<Record<string, number | boolean>>;
  try {
    const mod: Record<string, unknown> = await import(String(target.module));
    const s = mod[target.export] as Partial<Checkable> | undefined;
    if (typeof s?.compile !== "function" || typeof s.resolve !== "function") {
      return errorResult(
        target.export,
        `${target.module} exports no spec named '${target.export}'`,
      );
    }
    spec = s as Checkable;
  } catch (e) {
    return errorResult(target.export, `Cannot load ${target.module}: ${errorMessage(e)}`);
  }
  try {
    params = spec.resolve(options.params ?? {});
    model = spec.compile(options.params ?? {});
  } catch (e) {
    return errorResult(spec.name, errorMessage(e));
  }
  const pool = new Pool(workers);
  let outcome: CompactOutcome;
  try {
    const coordinator = new Coordinator(model, pool, options);
    const failed = await coordinator.start(target, options.params);
    if (failed !== undefined) {
      return { ...errorResult(model.name, `a worker could not start: ${failed}`), params };
    }
    outcome = await coordinator.run();
  } finally {
    pool.terminate();
  }
  const result = toResult(model, params, outcome);
  const stats = { ...result.stats, workers };
  const ended = { ...result, stats };
  return livenessUnchecked(model, ended, "parallel", "with one worker (--workers 1)") ?? ended;
}
