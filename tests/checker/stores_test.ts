// The fingerprint and bitstate stores against the exact store: on every
// bundled spec the fingerprint store gives the same states, verdict and
// trace, the bitstate store (with a large bit array) the same verdict over
// at most as many states; collisions forced by narrow fingerprints or a tiny
// bit array are reported, never a silent ok; every trace replays.

import assert from "node:assert/strict";
import {
  check,
  checkAsync,
  type CheckOptions,
  type CheckResult,
  explainTrace,
  formatText,
} from "../../mod.ts";
import { bfsCompact } from "../../checker/bfs_compact.ts";
import { main } from "../../cli.ts";
import { type AnySpec, bundledSpecs, loadSpec } from "../_pins.ts";

const specs = (await bundledSpecs()).map((b) => b.spec);

/** What must agree between stores: verdict, property, trace length (and the failure's message). */
function verdictOf(r: CheckResult): string {
  const trace = r.violation ?? r.incomplete?.trace ?? r.error?.trace;
  return [
    r.verdict,
    r.violation?.property ?? r.incomplete?.reason ?? r.error?.message ?? "",
    trace?.transitions.length ?? "-",
  ].join(" / ");
}

/** The counterexample (or the trace of a bound or an error) replays to itself. */
function assertReplays(spec: AnySpec, r: CheckResult, params = {}): void {
  const trace = r.violation ?? r.incomplete?.trace ?? r.error?.trace;
  if (trace === undefined) return;
  const again = explainTrace(spec.compile(params), trace);
  assert.ok(typeof again !== "string", `${spec.name}: ${again}`);
  // A liveness counterexample is a lasso found over the state graph: its
  // replay shows the steps, not the property.
  if (trace.kind === "liveness") assert.deepEqual(again.steps, trace.steps, spec.name);
  else assert.deepEqual(again, trace, spec.name);
}

Deno.test("stores: the bundled specs were found", () => {
  assert.ok(specs.length >= 40, `${specs.length} specs`);
});

Deno.test("fingerprint store: the same states, verdict and trace as the exact store on every bundled spec", () => {
  for (const s of specs) {
    const exact = check(s);
    const fp = check(s, { store: "fingerprint" });
    assert.equal(verdictOf(fp), verdictOf(exact), s.name);
    assert.equal(fp.stats.states, exact.stats.states, s.name);
    assert.equal(fp.stats.transitions, exact.stats.transitions, s.name);
    assert.equal(fp.stats.depth, exact.stats.depth, s.name);
    // Same insertion order, same parent links: the very same trace.
    assert.deepEqual(fp.violation?.transitions, exact.violation?.transitions, s.name);
    assert.equal(fp.stats.store, "fingerprint");
    assert.equal(exact.stats.store, "exact");
    assert.ok(fp.stats.omissionProbability! < 1e-9, s.name);
    assert.ok(fp.stats.omissionProbabilityActual! < 1e-9, s.name);
    assertReplays(s, fp);
  }
});

Deno.test("bitstate store: at most the exact states and the same verdict on every bundled spec (2^22 bits)", () => {
  for (const s of specs) {
    const exact = check(s);
    const bits = check(s, { store: "bitstate", bitstateBits: 22 });
    assert.ok(bits.stats.states <= exact.stats.states, s.name);
    assert.equal(verdictOf(bits), verdictOf(exact), s.name);
    assert.equal(bits.stats.store, "bitstate");
    assert.ok(bits.stats.coverage! > 0.999, `${s.name}: coverage ${bits.stats.coverage}`);
    assert.ok(bits.stats.hashFactor! > 1000, s.name);
    assertReplays(s, bits);
  }
});

const pcSemaphore = await loadSpec("pc_semaphore.ts", "pcSemaphore");
const pcRendezvous = await loadSpec("pc_rendezvous.ts", "pcRendezvous");
const pcNoMutex = await loadSpec("pc_no_mutex.ts", "pcNoMutex");

Deno.test("fingerprint store: 445,568 states as the exact store, at most 16 bytes a state", () => {
  // Large enough for the segments to grow by 20% (past 128 entries each)
  // and for the frontier to span many queue chunks.
  const params = { producers: 3, consumers: 2, items: 3 };
  const fp = check(pcRendezvous, { params, store: "fingerprint" });
  assert.equal(fp.verdict, "ok");
  assert.equal(fp.stats.states, 445_568);
  assert.ok(fp.stats.bytesPerState <= 16, `${fp.stats.bytesPerState} B/state`);
  assert.ok(fp.stats.bytesPerState > 13, `${fp.stats.bytesPerState} B/state`);
  assert.ok(fp.stats.frontierPeakBytes! > 0);
  const bits = check(pcRendezvous, { params, store: "bitstate", bitstateBits: 28 });
  assert.equal(bits.verdict, "ok");
  assert.ok(bits.stats.states <= 445_568 && bits.stats.states > 445_000, `${bits.stats.states}`);
});

Deno.test("fingerprint and bitstate stores: a deeper violation has the exact store's shortest trace", () => {
  const params = { producers: 2, consumers: 2, items: 2 };
  const exact = check(pcNoMutex, { params });
  assert.equal(exact.verdict, "violation");
  for (
    const options of [{ store: "fingerprint" }, { store: "bitstate", bitstateBits: 24 }] as const
  ) {
    const r = check(pcNoMutex, { params, ...options });
    assert.equal(verdictOf(r), verdictOf(exact), options.store);
    // The bitstate store rebuilds the trace by a second search: the same
    // breadth-first tree, so the same trace.
    assert.deepEqual(r.violation?.transitions, exact.violation?.transitions, options.store);
    assertReplays(pcNoMutex, r, params);
  }
});

Deno.test("fingerprint store: narrow fingerprints collide, and the result says so", () => {
  const params = { producers: 2, consumers: 2, items: 2 };
  const exact = check(pcRendezvous, { params });
  const r = check(pcRendezvous, { params, store: "fingerprint", fingerprintBits: 12 });
  assert.ok(r.stats.states < exact.stats.states, `${r.stats.states} of ${exact.stats.states}`);
  assert.ok(r.stats.omissionProbability! > 0.5, `${r.stats.omissionProbability}`);
  assert.ok(r.stats.omissionProbabilityActual! > 0.5, `${r.stats.omissionProbabilityActual}`);
  assert.equal(r.verdict, "ok");
  assert.match(
    formatText(r),
    /ok, no violation \(fingerprint store: P\(a state was missed\) 1\.000\)/,
  );
  assert.match(
    formatText(r),
    /fingerprint store: P\(a state was missed\) 1\.000 \(TLC's optimistic/,
  );
});

Deno.test("bitstate store: a tiny bit array omits states, and the result says so", () => {
  const params = { producers: 2, consumers: 2, items: 2 };
  const exact = check(pcRendezvous, { params });
  const r = check(pcRendezvous, { params, store: "bitstate", bitstateBits: 8 });
  assert.ok(r.stats.states < exact.stats.states, `${r.stats.states} of ${exact.stats.states}`);
  assert.ok(r.stats.coverage! < 0.9, `${r.stats.coverage}`);
  assert.ok(r.stats.omissionProbability! > 0.99, `${r.stats.omissionProbability}`);
  assert.ok(r.stats.hashFactor! < 10);
  assert.equal(r.verdict, "ok");
  assert.match(
    formatText(r),
    /ok, no violation in the states covered \(bitstate store: coverage ~/,
  );
  assert.match(formatText(r), /bitstate store: hash factor .* \(best if > 100\), coverage ~/);
});

Deno.test("collisions may hide a violation, never silently: the missed bug is an ok with its caveat", () => {
  assert.equal(check(pcNoMutex).verdict, "violation");
  for (
    const options of [
      { store: "fingerprint", fingerprintBits: 6 },
      { store: "bitstate", bitstateBits: 5, bitstateHashes: 1 },
    ] as CheckOptions[]
  ) {
    // The hashes are fixed: these collisions happen on every run.
    const r = check(pcNoMutex, options);
    assert.equal(r.verdict, "ok", options.store);
    assert.ok(r.stats.omissionProbability! > 0.99, `${options.store}`);
    assert.match(formatText(r), /ok, no violation.*(fingerprint|bitstate) store: /);
  }
});

Deno.test("fingerprint and bitstate stores: the limits end the search where the exact store's do", () => {
  const params = { items: 3 };
  for (const limits of [{ maxStates: 100 }, { maxDepth: 7 }]) {
    const exact = check(pcSemaphore, { params, ...limits });
    assert.equal(exact.verdict, "incomplete");
    for (const store of ["fingerprint", "bitstate"] as const) {
      const r = check(pcSemaphore, { params, ...limits, store });
      assert.equal(r.verdict, "incomplete", store);
      assert.equal(r.incomplete?.reason, exact.incomplete?.reason, store);
      assert.equal(r.stats.states, exact.stats.states, `${store} ${JSON.stringify(limits)}`);
      assert.equal(r.stats.depth, exact.stats.depth, store);
    }
  }
});

Deno.test("fingerprint and bitstate stores: an error in the spec's code comes with its path", async () => {
  const { badGuard } = await import("../fixtures/bad_guard.ts");
  const exact = check(badGuard);
  assert.equal(exact.verdict, "error");
  for (const store of ["fingerprint", "bitstate"] as const) {
    const r = check(badGuard, { store });
    assert.equal(r.verdict, "error", store);
    assert.equal(r.error?.message, exact.error?.message, store);
    assert.deepEqual(r.error?.trace?.transitions, exact.error?.trace?.transitions, store);
  }
});

Deno.test("checkAsync runs the compact BFS in slices", async () => {
  const params = { items: 3 };
  const exact = check(pcSemaphore, { params });
  const r = await checkAsync(pcSemaphore, { params, store: "fingerprint", sliceMillis: 1 });
  assert.equal(r.stats.states, exact.stats.states);
  const stopped = await checkAsync(pcSemaphore, {
    params,
    store: "bitstate",
    shouldStop: () => true,
  });
  assert.equal(stopped.verdict, "incomplete");
  assert.equal(stopped.incomplete?.reason, "interrupted");
});

Deno.test("the compact stores search breadth-first only, with sizes in range", () => {
  const r = check(pcSemaphore, { store: "fingerprint", strategy: "dfs" });
  assert.equal(r.verdict, "error");
  assert.match(r.error!.message, /breadth-first only/);
  const big = check(pcSemaphore, { store: "bitstate", bitstateBits: 40 });
  assert.equal(big.verdict, "error");
  assert.match(big.error!.message, /2\^5 to 2\^37 bits, got 2\^40/);
  const wide = check(pcSemaphore, { store: "fingerprint", fingerprintBits: 65 });
  assert.equal(wide.verdict, "error");
});

Deno.test("bfsCompact: the bitstate report gives SPIN's hash factor, m and k", () => {
  const model = pcSemaphore.compile();
  const out = bfsCompact(model, { store: "bitstate", bitstateBits: 20, bitstateHashes: 4 });
  assert.equal(out.status, "ok");
  assert.equal(out.states, 132);
  assert.deepEqual(out.storeReport.bitstate, { bits: 20, hashes: 4 });
  assert.equal(out.storeReport.hashFactor, 2 ** 20 / 132);
  assert.equal(out.storeBytes, 2 ** 17);
  const fp = bfsCompact(model, { store: "fingerprint" });
  assert.equal(fp.storeReport.linkBytes, 5);
  assert.ok(fp.storeReport.omissionProbability > 0);
});

Deno.test("cli: --store and --bitstate-bits", async () => {
  const lines: string[] = [];
  const io = { out: (t: string) => lines.push(t), err: (t: string) => lines.push(t) };
  const file = new URL("../../specs/pc_semaphore.ts", import.meta.url).pathname;
  assert.equal(await main(["check", file, "--store", "fingerprint"], io), 0);
  assert.match(lines.join("\n"), /ok, no violation \(fingerprint store: P\(a state was missed\)/);
  lines.length = 0;
  assert.equal(
    await main(
      ["check", file, "--store", "bitstate", "--bitstate-bits", "16", "--format", "json"],
      io,
    ),
    0,
  );
  const json = JSON.parse(lines.join("\n")).results[0];
  assert.equal(json.stats.store, "bitstate");
  assert.equal(json.stats.hashFactor, 2 ** 16 / 132);
  lines.length = 0;
  assert.equal(await main(["check", file, "--bitstate-bits", "16"], io), 3);
  assert.match(lines.join("\n"), /--bitstate-bits is an option of --store bitstate/);
  assert.equal(await main(["check", file, "--store", "bits"], io), 3);
  assert.equal(await main(["check", file, "--store", "bitstate", "--bitstate-bits", "40"], io), 3);
  assert.equal(await main(["check", file, "--store", "fingerprint", "--strategy", "dfs"], io), 3);
});
