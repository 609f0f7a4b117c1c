// The parallel search against the sequential fingerprint search: on every
// bundled spec, two workers give the same verdict, the same property and the
// same shortest-trace length, and on a complete run the same states,
// transitions and depth (no fingerprint collides at these sizes); every
// counterexample replays; limits end as incomplete; liveness properties are
// never passed silently.

import assert from "node:assert/strict";
import { check, checkParallel, type CheckResult, explainTrace } from "../../mod.ts";
import { tuning } from "../../checker/_parallel_shared.ts";
import { main } from "../../cli.ts";
import { type AnySpec, type Bundled, bundledSpecs } from "../_pins.ts";

const specs = await bundledSpecs();
const byExport = (name: string): Bundled => specs.find((b) => b.export === name)!;

/** What must agree: verdict, property (or limit), trace length. */
function verdictOf(r: CheckResult): string {
  const trace = r.violation ?? r.incomplete?.trace ?? r.error?.trace;
  return [
    r.verdict,
    r.violation?.property ?? r.incomplete?.reason ?? "",
    trace?.transitions.length ?? "-",
  ].join(" / ");
}

/** The counterexample (or the trace of a bound or an error) replays to itself. */
function assertReplays(b: Bundled, r: CheckResult, params = {}): void {
  const trace = r.violation ?? r.incomplete?.trace ?? r.error?.trace;
  if (trace === undefined) return;
  const again = explainTrace(b.spec.compile(params), trace);
  assert.ok(typeof again !== "string", `${b.spec.name}: ${again}`);
  assert.deepEqual(again, trace, b.spec.name);
}

Deno.test("checkParallel() finds the bundled specs", () => {
  assert.ok(specs.length >= 40, `${specs.length} specs`);
});

Deno.test("checkParallel() gives the sequential fingerprint search's verdicts, states and trace lengths on every bundled spec", async () => {
  for (const b of specs) {
    const seq = check(b.spec, { store: "fingerprint" });
    const par = await checkParallel(b, { workers: 2 });
    const name = b.spec.name;
    assert.equal(par.stats.workers, 2, name);
    assert.equal(par.stats.store, "fingerprint", name);
    const safe = seq.verdict === "ok" || seq.violation?.kind === "liveness";
    if (safe && b.spec.compile().liveness!.properties.length > 0) {
      // Safety holds; the liveness properties are not checked in parallel.
      assert.equal(par.verdict, "error", name);
      assert.match(par.error!.message, /does not check liveness properties/, name);
      assert.equal(par.stats.states, seq.stats.states, name);
      continue;
    }
    assert.equal(verdictOf(par), verdictOf(seq), name);
    if (seq.verdict === "ok" || seq.incomplete?.reason === "bound") {
      // The whole state space: the very same states and transitions.
      assert.equal(par.stats.states, seq.stats.states, name);
      assert.equal(par.stats.transitions, seq.stats.transitions, name);
      assert.equal(par.stats.depth, seq.stats.depth, name);
      assert.equal(par.stats.omissionProbability, seq.stats.omissionProbability, name);
    }
    assertReplays(b, par);
  }
});

Deno.test("checkParallel() with one and with three workers gives the states of two", async () => {
  const b = byExport("pcSemaphore");
  const params = { producers: 2, consumers: 2 };
  const seq = check(b.spec, { params, store: "fingerprint" });
  for (const workers of [1, 3]) {
    const par = await checkParallel(b, { workers, params });
    assert.equal(par.verdict, "ok");
    assert.equal(par.stats.states, seq.stats.states);
    assert.equal(par.stats.transitions, seq.stats.transitions);
    assert.equal(par.stats.depth, seq.stats.depth);
  }
});

Deno.test("checkParallel() grows a full table within a level (states wait for it) and misses nothing", async () => {
  const b = byExport("pcSemaphore");
  const params = { producers: 2, consumers: 2, items: 3 };
  const seq = check(b.spec, { params, store: "fingerprint" });
  const saved = tuning.lookahead;
  tuning.lookahead = 0;
  try {
    const par = await checkParallel(b, { workers: 2, params });
    assert.equal(par.verdict, "ok");
    assert.equal(par.stats.states, seq.stats.states);
    assert.equal(par.stats.transitions, seq.stats.transitions);
  } finally {
    tuning.lookahead = saved;
  }
});

Deno.test("checkParallel() finds a deep violation with the sequential search's shortest trace length", async () => {
  const b = byExport("pcNoMutex");
  const params = { producers: 2, consumers: 2, items: 2 };
  const seq = check(b.spec, { params, store: "fingerprint" });
  assert.equal(seq.verdict, "violation");
  const par = await checkParallel(b, { workers: 2, params });
  assert.equal(verdictOf(par), verdictOf(seq));
  assertReplays(b, par, params);
});

Deno.test("checkParallel() ends incomplete at --max-states, --max-depth and when stopped", async () => {
  const b = byExport("pcSemaphore");
  const params = { producers: 2, consumers: 2 };
  const full = await checkParallel(b, { workers: 2, params, maxStates: 5000 });
  assert.equal(full.verdict, "incomplete");
  assert.equal(full.incomplete?.reason, "max-states");
  assert.ok(full.stats.states <= 5000 && full.stats.states > 4000, `${full.stats.states}`);

  const seq = check(b.spec, { params, store: "fingerprint", maxDepth: 10 });
  const deep = await checkParallel(b, { workers: 2, params, maxDepth: 10 });
  assert.equal(deep.verdict, "incomplete");
  assert.equal(deep.incomplete?.reason, "max-depth");
  assert.equal(deep.stats.depth, seq.stats.depth);
  assert.equal(deep.stats.states, seq.stats.states);

  const stopped = await checkParallel(b, {
    workers: 2,
    params: { producers: 3, consumers: 2 },
    shouldStop: () => true,
  });
  assert.equal(stopped.verdict, "incomplete");
  assert.equal(stopped.incomplete?.reason, "interrupted");
});

Deno.test("checkParallel() returns an error for a missing export or a bad parameter", async () => {
  const b = byExport("pcSemaphore");
  const missing = await checkParallel({ module: b.module, export: "noSuchSpec" }, { workers: 2 });
  assert.equal(missing.verdict, "error");
  assert.match(missing.error!.message, /exports no spec named 'noSuchSpec'/);
  const bad = await checkParallel(b, { workers: 2, params: { producers: "many" } });
  assert.equal(bad.verdict, "error");
  await assert.rejects(() => checkParallel(b, { workers: 0 }), RangeError);
});

Deno.test("check --workers 2 prints the sequential verdict and rejects the options it cannot honour", async () => {
  const lines: string[] = [];
  const io = { out: (t: string) => lines.push(t), err: (t: string) => lines.push(t) };
  const file = "specs/pc_no_mutex.ts";
  const code = await main(["check", file, "--workers", "2", "--format", "json"], io);
  assert.equal(code, 1);
  const r = JSON.parse(lines.join("\n")) as CheckResult;
  assert.equal(r.verdict, "violation");
  assert.equal(r.stats.workers, 2);
  const seq = check(byExport("pcNoMutex").spec, { store: "fingerprint" });
  assert.equal(verdictOf(r), verdictOf(seq));
  for (
    const extra of [["--store", "bitstate"], ["--strategy", "dfs"], ["--symmetry"], [
      "--workers",
      "0",
    ]]
  ) {
    lines.length = 0;
    assert.equal(await main(["check", file, "--workers", "2", ...extra], io), 3, extra.join(" "));
  }
});

Deno.test("checkParallel() reports an initial violation, a deadlock and a throwing step as check() does", async () => {
  const fixtures = new URL("../fixtures/", import.meta.url);
  for (
    const [file, name] of [
      ["parallel_edge.ts", "badStart"],
      ["parallel_edge.ts", "lockOrder"],
      ["bad_guard.ts", "badGuard"],
    ] as const
  ) {
    const module = new URL(file, fixtures).href;
    const mod: Record<string, unknown> = await import(module);
    const b: Bundled = { spec: mod[name] as AnySpec, file, module, export: name };
    const seq = check(b.spec, { store: "fingerprint" });
    const par = await checkParallel(b, { workers: 2 });
    assert.equal(verdictOf(par), verdictOf(seq), name);
    assert.equal(par.error?.message, seq.error?.message, name);
    assert.deepEqual(par.violation?.blocked, seq.violation?.blocked, name);
    assertReplays(b, par);
  }
});
