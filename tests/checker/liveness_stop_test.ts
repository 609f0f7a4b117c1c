// The liveness phase (a state graph, then strongly connected components)
// runs no spec code for long stretches: it must still honour a stop request,
// and asking is the sandbox watchdog's sign of life (cli/_child_worker.ts).

import assert from "node:assert/strict";
import { check, spec, system } from "../../mod.ts";
import { stateGraph } from "../../checker/_state_graph.ts";
import { compactStateGraph } from "../../checker/_compact_graph.ts";
import { PhaseStopped, pulse, withPulse } from "../../checker/_pulse.ts";
import { loadSpec } from "../_pins.ts";

const pcSemaphore = await loadSpec("pc_semaphore.ts", "pcSemaphore");
const PARAMS = { producers: 2, consumers: 2, items: 2 };

Deno.test("the liveness graphs ask whether to stop every 4,096 states, and stop", () => {
  const model = pcSemaphore.compile(PARAMS);
  for (const build of [stateGraph, compactStateGraph]) {
    let asked = 0;
    const full = build(model, {}, () => (asked++, false));
    assert.ok(full !== undefined && full !== "stopped");
    assert.equal(asked, Math.floor(full.states / 4096), build.name);
    let calls = 0;
    assert.equal(build(model, {}, () => ++calls === 3), "stopped", build.name);
    assert.equal(calls, 3);
  }
});

Deno.test("pulse asks the phase's stop every 65,536 calls and throws PhaseStopped on yes", () => {
  let asked = 0;
  assert.throws(
    () =>
      withPulse(() => ++asked === 2, () => {
        for (let i = 0; i < 1_000_000; i++) pulse();
      }),
    PhaseStopped,
  );
  assert.equal(asked, 2);
  // Outside a phase nothing is asked.
  for (let i = 0; i < 200_000; i++) pulse();
  assert.equal(asked, 2);
});

Deno.test("check: a stop during the liveness phase gives incomplete, not ok and not an error", () => {
  // 40,002 states (two positions per round): the liveness graph asks nine times, after the
  // safety search's questions.
  const counter = spec({
    name: "counter",
    params: {},
    build: () => {
      const sys = system({ x: 0 });
      sys.process(
        "p",
        {},
        (s) => [s.while(({ g }) => g.x < 20_000, [s.do("inc", ({ g }) => g.x++)])],
      );
      sys.eventually("reaches 20,000", ({ g }) => g.x === 20_000, { fairness: "weak" });
      return sys;
    },
  });
  const model = counter.compile({});
  let total = 0;
  const full = check(model, { shouldStop: () => (total++, false) });
  assert.equal(full.verdict, "ok");
  assert.equal(full.stats.states, 40_002);
  // Yes to the last question only: one the graph asks, after the safety search finished.
  let calls = 0;
  const r = check(model, { shouldStop: () => ++calls >= total });
  assert.equal(r.verdict, "incomplete", JSON.stringify(r.incomplete));
  assert.equal(r.incomplete?.reason, "interrupted");
  assert.match(r.incomplete!.message, /liveness/);
});
