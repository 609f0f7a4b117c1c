// The JSON result, version 1: every bundled spec's result, with structured
// states, validates against the shipped schema; values are typed.

import assert from "node:assert/strict";
import { check } from "../../checker/check.ts";
import { expectationText, meetsExpectation } from "../../checker/expectation.ts";
import { coverage } from "../../checker/coverage.ts";
import { simulate } from "../../checker/simulate.ts";
import { sweep } from "../../checker/sweep.ts";
import {
  checkResultJson,
  jsonDocument,
  SCHEMA_VERSION,
  simulationJson,
  sweepJson,
} from "../../reporters/result_json.ts";
import { traceStates } from "../../cli/_states.ts";
import { assertValidResult, schemaErrors } from "./_schema.ts";
import { bundledSpecs } from "./_bundled.ts";

const bundled = await bundledSpecs();
const find = (name: string) => bundled.find((b) => b.spec.name === name)!;

Deno.test("json: every bundled spec's result validates, with structured states", () => {
  assert.ok(bundled.length >= 70, `${bundled.length} specs`);
  const results = bundled.map(({ file, spec }) => {
    const model = spec.compile();
    const r = check(model);
    return checkResultJson({ ...r, spec: spec.name, params: spec.resolve() }, {
      file,
      states: traceStates(model),
      replay: (t) => `ipcspec check ${file} --spec ${spec.name} --replay ${t}`,
      expected: { verdict: expectationText(spec.expect), met: meetsExpectation(spec.expect, r) },
    });
  });
  const doc = jsonDocument({ command: "check", results, expect: { met: 0, total: 0 } }, 1);
  assertValidResult(JSON.parse(JSON.stringify(doc)));
  const violations = results.filter((r) => r.violation !== undefined);
  assert.ok(violations.length > 20);
  for (const r of violations) {
    const v = r.violation!;
    assert.ok(v.states !== undefined, `${r.spec}: no structured states`);
    assert.ok("globals" in v.state, `${r.spec}: last state not structured`);
  }
});

Deno.test("json: numbers are numbers, states are objects next to the printed form", () => {
  const { file, spec } = find("pc_swapped_waits");
  const r = check(spec);
  const j = checkResultJson(r, { file, states: traceStates(spec.compile()) });
  assert.equal(typeof j.stats.states, "number");
  assert.equal(typeof j.stats.seconds, "number");
  assert.equal(typeof j.params.items, "number");
  const v = j.violation!;
  assert.equal(v.trace, `0:${v.transitions.join(",")}`);
  assert.equal(v.states!.length, v.transitions.length + 1);
  const last = v.state;
  assert.ok("processes" in last);
  assert.equal(last.printed, r.violation!.state);
  const producer = last.processes.find((p) => p.name === "producer#0")!;
  assert.equal(producer.kind, "producer");
  assert.equal(producer.finished, false);
  assert.equal(typeof producer.locals.i, "number");
  const sems = last.primitives.filter((p) => p.kind === "semaphore");
  assert.ok(sems.length > 0);
  for (const s of sems) {
    assert.deepEqual(s.contents, { count: s.value });
    assert.equal(s.printed, String(s.value));
  }
});

Deno.test("json: channels and mutexes give their contents", () => {
  const { spec } = find("pc_channel");
  const model = spec.compile();
  const states = traceStates(model)({
    property: "",
    kind: "invariant",
    message: "",
    init: 0,
    transitions: [],
    steps: [],
    state: "",
  })!;
  const ch = states[0]!.primitives.find((p) => p.kind === "channel")!;
  assert.ok(ch.contents !== undefined && "items" in ch.contents);
  assert.deepEqual(ch.contents.items, []);
  assert.ok(ch.contents.capacity >= 1);
  const withMutex = bundled.find(({ spec }) => {
    const s = traceStates(spec.compile())({
      property: "",
      kind: "invariant",
      message: "",
      init: 0,
      transitions: [],
      steps: [],
      state: "",
    });
    return s?.[0]?.primitives.some((p) => p.kind === "mutex") === true;
  });
  assert.ok(withMutex !== undefined, "some bundled spec has a mutex");
  const m = traceStates(withMutex.spec.compile())({
    property: "",
    kind: "invariant",
    message: "",
    init: 0,
    transitions: [],
    steps: [],
    state: "",
  })![0]!.primitives.find((p) => p.kind === "mutex")!;
  assert.deepEqual(m.contents, { owner: null });
  assert.equal(m.printed, "free");
});

Deno.test("json: coverage, sweep and simulate documents validate", () => {
  const { file, spec } = find("pc_swapped_waits");
  const model = spec.compile();
  const r = check(model);
  const cov = checkResultJson(r, { file, coverage: coverage(model) });
  assert.equal(typeof cov.coverage!.unreached, "number");
  assertValidResult(
    JSON.parse(JSON.stringify(jsonDocument({ command: "check", results: [cov] }, 1))),
  );
  const sw = sweep(spec, { items: "1..3" });
  const sdoc = jsonDocument({
    command: "sweep",
    sweep: sweepJson(sw, { file, commands: { sweep: "ipcspec sweep x" } }),
  }, 1);
  assertValidResult(JSON.parse(JSON.stringify(sdoc)));
  const sim = simulate(spec, { runs: 50, seed: 1 });
  const mdoc = jsonDocument({
    command: "simulate",
    simulation: simulationJson(sim, { states: traceStates(model), commands: ["ipcspec replay f"] }),
  }, 1);
  assertValidResult(JSON.parse(JSON.stringify(mdoc)));
});

Deno.test("json: the schema rejects what is not version 1", () => {
  const ok = jsonDocument({ command: "version" }, 0);
  assert.deepEqual(schemaErrors(ok), []);
  assert.equal(ok.schemaVersion, SCHEMA_VERSION);
  assert.notDeepEqual(schemaErrors({ ...ok, schemaVersion: 2 }), []);
  assert.notDeepEqual(schemaErrors({ ...ok, command: "bogus" }), []);
  const { spec } = find("pc_channel");
  const j = checkResultJson(check(spec));
  const doc = jsonDocument({ command: "check", results: [j] }, 0);
  const bad = JSON.parse(JSON.stringify(doc));
  bad.results[0].stats.states = "52";
  assert.notDeepEqual(schemaErrors(bad), []);
});

Deno.test("json: the tool version is deno.json's", async () => {
  const cfg = JSON.parse(await Deno.readTextFile(new URL("../../deno.json", import.meta.url)));
  assert.equal(jsonDocument({ command: "version" }, 0).tool.version, cfg.version);
});
