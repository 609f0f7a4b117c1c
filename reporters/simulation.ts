/**
 * The simulation reporter: the verdict of random simulation, the shrunk
 * schedule as a story, seed and path, and the command lines that reproduce
 * it.
 *
 * @module
 */

import { match } from "ts-pattern";
import type { SimulationResult } from "../checker/simulate.ts";
import { fmtHead } from "./_format.ts";
import { formatCounterexample } from "./counterexample.ts";

/**
 * A simulation result as text: the verdict, the shrunk schedule as a
 * story, seed and path, and the command lines that reproduce it.
 *
 * @param r The result.
 * @param reproduce Command lines that reproduce the result, one per line.
 * @returns The text.
 *
 * @example
 * ```ts
 * import { formatSimulation } from "./simulation.ts";
 * import { simulate, spec, system } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const s = spec({
 *   name: "s",
 *   params: {},
 *   build: () => {
 *     const sys = system({ x: 0 });
 *     sys.process("p", {}, (b) => [b.do("inc", ({ g }) => g.x++)]);
 *     return sys;
 *   },
 * });
 * assert.match(formatSimulation(simulate(s, { runs: 5 })), /^s: INCOMPLETE/);
 * ```
 */
export function formatSimulation(r: SimulationResult, reproduce: readonly string[] = []): string {
  const head = fmtHead(r.spec, r.params);
  const body = match(r.verdict)
    .with("violation", () => {
      const v = r.violation!;
      return [
        `${head}: VIOLATION of '${v.property}' (${v.kind}), found by simulation`,
        v.message,
        ...scheduleLines(r),
        formatCounterexample(v),
      ];
    })
    .with("incomplete", () => [
      `${head}: INCOMPLETE, ${r.incomplete?.message ?? "no violation found"}`,
      `seed: ${r.seed}`,
    ])
    .with("error", () => [
      `${head}: ERROR`,
      r.error?.message ?? "unknown error",
      ...(r.error?.trace !== undefined
        ? [...scheduleLines(r), "reached by:", formatCounterexample(r.error.trace)]
        : []),
    ])
    .exhaustive();
  const lines = [...body, ...reproduce.map((c) => `reproduce: ${c}`)];
  lines.push(
    `walks: ${r.walks.count.toLocaleString("en-US")}, steps: ${
      r.walks.steps.toLocaleString("en-US")
    }, time: ${r.seconds.toFixed(2)} s`,
  );
  return lines.join("\n");
}

/** The shrunk schedule found, how it was found, and its seed and path. */
function scheduleLines(r: SimulationResult): string[] {
  const n = r.schedule?.length ?? 0;
  return [
    `schedule: ${n} step${n === 1 ? "" : "s"}, ${r.contextSwitches ?? 0} context switch${
      r.contextSwitches === 1 ? "" : "es"
    } (first failing run ${r.firstLength ?? "?"} steps, after ${r.runs} random run${
      r.runs === 1 ? "" : "s"
    }, ${r.shrinks} shrink${r.shrinks === 1 ? "" : "s"}): ${(r.schedule ?? []).join(",")}`,
    `seed: ${r.seed}, path: "${r.path ?? ""}"`,
  ];
}
