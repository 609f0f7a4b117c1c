// ITF traces: every counterexample of the bundled specs as an ITF trace
// that keeps the rules of Apalache's ADR-015, lassos with `loop`, and read
// back by parseItf to the same path and the same states.

import assert from "node:assert/strict";
import { check } from "../../checker/check.ts";
import { formatItf, itfTrace, parseItf } from "../../reporters/itf.ts";
import { traceStates } from "../../cli/_states.ts";
import { replayItf } from "../../cli/_itf_replay.ts";
import { bundledSpecs } from "./_bundled.ts";
import { itfViolations } from "./_itf_rules.ts";

const bundled = await bundledSpecs();

Deno.test("itf: every bundled counterexample is a valid ITF trace that reads back", () => {
  let n = 0;
  let lassos = 0;
  for (const { file, spec } of bundled) {
    const r = check(spec);
    if (r.violation === undefined) continue;
    const model = spec.compile();
    const states = traceStates(model)(r.violation);
    assert.ok(states !== undefined, spec.name);
    const t = itfTrace(r.violation, states, { spec: spec.name, file, params: r.params });
    const text = formatItf(t);
    assert.deepEqual(itfViolations(JSON.parse(text)), [], spec.name);
    const back = parseItf(text);
    assert.ok(typeof back !== "string", `${spec.name}: ${back}`);
    assert.deepEqual(back.trace, { init: r.violation.init, transitions: r.violation.transitions });
    assert.equal(back.origin.spec, spec.name);
    assert.deepEqual(back.origin.params, r.params);
    // Replaying the path read back gives the same ITF states.
    const again = itfTrace(r.violation, traceStates(spec.compile())(back.trace as never)!, {
      spec: spec.name,
      file,
      params: back.origin.params,
    });
    assert.deepEqual(again.states, JSON.parse(text).states, spec.name);
    if (t.loop !== undefined) lassos++;
    n++;
  }
  assert.ok(n > 20, `${n} counterexamples`);
  assert.ok(lassos > 0, "some counterexample is a lasso");
});

Deno.test("itf: a lasso writes its cycle once and loops back", () => {
  const { file, spec } = bundled.find((b) => b.spec.name === "polite_livelock")!;
  const r = check(spec);
  const cx = r.violation!;
  assert.equal(cx.kind, "liveness");
  assert.ok(cx.loopStart !== undefined);
  const states = traceStates(spec.compile())(cx)!;
  // The last state of the path repeats the one where the cycle starts.
  assert.deepEqual(states[states.length - 1], states[cx.loopStart]);
  const t = itfTrace(cx, states, { spec: spec.name, file, params: r.params });
  assert.equal(t.loop, cx.loopStart);
  assert.equal(t.states.length, cx.transitions.length);
  assert.deepEqual(t["#meta"].ipcspec.transitions, cx.transitions);
  assert.deepEqual(itfViolations(t), []);
});

Deno.test("itf: integers are #bigint, arrays are lists, records are objects", () => {
  const { file, spec } = bundled.find((b) => b.spec.name === "pc_swapped_waits")!;
  const r = check(spec);
  const t = itfTrace(r.violation!, traceStates(spec.compile())(r.violation!)!, {
    spec: spec.name,
    file,
    params: r.params,
  });
  assert.deepEqual(t.vars, ["globals", "primitives", "processes"]);
  assert.deepEqual(t.params, Object.keys(r.params));
  const s0 = t.states[0]! as Record<string, Record<string, unknown>>;
  assert.deepEqual(s0.items, { "#bigint": String(r.params.items) });
  const p = s0.processes!["producer#0"] as { at: string; locals: Record<string, unknown> };
  assert.equal(typeof p.at, "string");
  assert.deepEqual(p.locals.i, { "#bigint": "0" });
  assert.equal(t.states[1]!["#meta"].transition, r.violation!.transitions[0]);
});

Deno.test("itf: what parseItf refuses", () => {
  assert.match(parseItf("nope") as string, /not JSON/);
  assert.match(parseItf('{"vars":[],"states":[]}') as string, /not written by ipcspec/);
  assert.match(
    parseItf(
      '{"#meta":{"ipcspec":{"spec":"s","file":"f","params":{},"init":0,"transitions":[-1]}},"vars":[],"states":[]}',
    ) as string,
    /naturals/,
  );
  assert.deepEqual(itfViolations({ vars: ["x"], states: [{ y: 1.5 }], loop: 3 }).length, 4);
});

Deno.test("itf: replayItf replays a trace of ipcspec's making and refuses a changed one", () => {
  for (const name of ["pc_swapped_waits", "polite_livelock"]) {
    const { file, spec } = bundled.find((b) => b.spec.name === name)!;
    const r = check(spec);
    const t = itfTrace(r.violation!, traceStates(spec.compile())(r.violation!)!, {
      spec: spec.name,
      file,
      params: r.params,
    });
    const back = parseItf(formatItf(t));
    assert.ok(typeof back !== "string");
    const got = replayItf(spec.compile(back.origin.params), back);
    assert.equal(got.outcome, name === "polite_livelock" ? "cycle" : "violation", got.message);
    assert.deepEqual(got.story!.transitions, r.violation!.transitions);
    // The same path on a spec whose state differs: refused.
    const tampered = JSON.parse(formatItf(t));
    tampered.states[1].globals = { nope: { "#bigint": "1" } };
    const bad = parseItf(JSON.stringify(tampered));
    assert.ok(typeof bad !== "string");
    assert.equal(replayItf(spec.compile(bad.origin.params), bad).outcome, "unreplayable");
  }
});
