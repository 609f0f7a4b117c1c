/**
 * Coverage (vacuity): which blocking conditions a check actually reached,
 * and which `leadsTo` triggers were ever true. A spec that never fills its
 * buffer passes its "producer blocks when full" checks by accident; the
 * report says so, and `--require-coverage` in the CLI makes it a failure.
 *
 * @module
 */

import { coverageOf, livenessOf } from "./_facets.ts";
import type { Model } from "../model/model.ts";
import { stateGraph } from "./liveness.ts";
import type { SearchLimits } from "./_search.ts";

/** What a coverage pass found. */
export interface CoverageReport {
  /** Each blocking step, and whether some process was ever blocked there. */
  readonly blocking: readonly { readonly point: string; readonly reached: boolean }[];
  /** Each `leadsTo` property, and whether its trigger was ever true. */
  readonly triggers: readonly { readonly property: string; readonly reached: boolean }[];
  /** States explored. */
  readonly states: number;
  /** False when the state limit cut the pass short (then "not reached" may be wrong). */
  readonly complete: boolean;
}

/**
 * Explores the state space and reports coverage.
 *
 * @param model The model.
 * @param limits `maxStates` bounds the pass.
 * @returns The report.
 *
 * @example
 * ```ts
 * import { coverage } from "./coverage.ts";
 * import { post, semaphore, spec, system, wait } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const s = spec({
 *   name: "never_blocks",
 *   params: {},
 *   build: () => {
 *     const sys = system({});
 *     const sem = semaphore("s", 1);
 *     sys.process("p", {}, () => [wait(sem), post(sem)]);
 *     return sys;
 *   },
 * });
 * const r = coverage(s.compile());
 * assert.deepEqual(r.blocking.map((b) => b.reached), [false]);
 * ```
 */
export function coverage(model: Model, limits: SearchLimits = {}): CoverageReport {
  const g = stateGraph(model, limits);
  const { blockingPoints, blockedPoints } = coverageOf(model);
  const live = livenessOf(model);
  const points = new Uint8Array(blockingPoints.length);
  const leads = live.properties.map((l, i) => ({ l, i })).filter(({ l }) => l.kind === "leadsTo");
  const triggered = new Uint8Array(leads.length);
  const buf = new Int32Array(model.width);
  const states = g?.states ?? 0;
  for (let s = 0; s < states; s++) {
    g!.read(s, buf);
    blockedPoints(buf, points);
    leads.forEach(({ i }, k) => {
      if (triggered[k] === 0 && live.holds(i, "p", buf)) triggered[k] = 1;
    });
  }
  return {
    blocking: blockingPoints.map((point, i) => ({ point, reached: points[i] === 1 })),
    triggers: leads.map(({ l }, k) => ({ property: l.name, reached: triggered[k] === 1 })),
    states,
    complete: g !== undefined,
  };
}
