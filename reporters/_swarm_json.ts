// Private module (used by the CLI's `swarm --format json`): a swarm as
// JSON, the `swarm` field of the `swarm` command's document (see
// result_json.ts and docs/json.md). Apart from result_json.ts, which is
// near its size limit.

import type { SwarmResult } from "../checker/swarm.ts";
import {
  counterexampleJson,
  type ResultJsonOptions,
  type SwarmDocument,
  type SwarmJobJson,
} from "./result_json.ts";

/**
 * A swarm's result as JSON: the violation in the form `check` gives it, the
 * jobs without their raw counterexamples (each names the property it found).
 *
 * @param r The swarm's result.
 * @param options The spec file; structured states and the replay command for the violation.
 * @returns The `swarm` field of a {@linkcode SwarmDocument}.
 *
 * @example An error result
 * ```ts
 * import { swarmJson } from "./_swarm_json.ts";
 * import assert from "node:assert/strict";
 *
 * const j = swarmJson({
 *   spec: "pc",
 *   params: {},
 *   verdict: "error",
 *   error: { message: "Cannot reach NATS" },
 *   seed: 7,
 *   seconds: 0,
 *   queued: 0,
 *   jobs: [],
 *   statesBound: { states: 0, exact: false },
 * });
 * assert.equal(j.verdict, "error");
 * assert.deepEqual(j.jobs, []);
 * ```
 */
export function swarmJson(
  r: SwarmResult,
  options: Pick<ResultJsonOptions, "file" | "states" | "replay"> = {},
): SwarmDocument["swarm"] {
  const { violation, jobs, ...rest } = r;
  return {
    ...rest,
    ...(options.file !== undefined ? { file: options.file } : {}),
    ...(violation !== undefined ? { violation: counterexampleJson(violation, options) } : {}),
    jobs: jobs.map((j): SwarmJobJson => {
      const { violation: found, ...job } = j;
      return { ...job, ...(found !== undefined ? { property: found.property } : {}) };
    }),
  };
}
