// The distributed search against the sequential fingerprint search, over a
// real NATS server on a free loopback port and three worker processes:
// every bundled spec gets the same verdict, property and shortest-trace
// length, and on a complete run the same states, transitions and depth;
// every counterexample replays. A worker killed mid-run makes the run
// `incomplete`, never `ok`. Without nats-server these tests are skipped,
// and say so.

import assert from "node:assert/strict";
import { check, type CheckResult, explainTrace } from "../../mod.ts";
import { bundledSpecs } from "../_pins.ts";
import { Cluster, logLine, natsServerPath, skippedNotice } from "./_cluster.ts";

/** The versioned JSON document `--format json` prints (docs/json.md), with the fields read here. */
interface JsonResult {
  readonly spec: string;
  readonly verdict: CheckResult["verdict"];
  readonly stats: { states: number; transitions: number; depth: number; workers?: number };
  readonly violation?: { init: number; transitions: number[]; property: string; kind: string };
  readonly incomplete?: {
    reason: string;
    message: string;
    trace?: { init: number; transitions: number[] };
  };
  readonly error?: { message: string; trace?: { init: number; transitions: number[] } };
}
interface JsonDocument {
  readonly results: JsonResult[];
}

const nats = natsServerPath();
if (nats === undefined) {
  console.warn(`\n${"!".repeat(78)}\n${skippedNotice()}\n${"!".repeat(78)}\n`);
}

/** What must agree: verdict, property (or limit), trace length. */
function verdictOf(r: {
  readonly verdict: string;
  readonly violation?: { readonly property: string; readonly transitions: readonly number[] };
  readonly incomplete?: {
    readonly reason: string;
    readonly trace?: { readonly transitions: readonly number[] };
  };
  readonly error?: { readonly trace?: { readonly transitions: readonly number[] } };
}): string {
  const trace = r.violation ?? r.incomplete?.trace ?? r.error?.trace;
  return [
    r.verdict,
    r.violation?.property ?? r.incomplete?.reason ?? "",
    trace?.transitions.length ?? "-",
  ].join(" / ");
}

/** Runs `body` with a server and `workers` worker processes, then stops them. */
async function withCluster(workers: number, body: (c: Cluster) => Promise<void>): Promise<void> {
  const cluster = await Cluster.start(nats!);
  try {
    cluster.startWorkers(workers);
    await body(cluster);
  } finally {
    await cluster.stop();
  }
}

Deno.test({
  name: "check --distributed over three worker processes gives the sequential fingerprint " +
    "search's verdicts, states and trace lengths on every bundled spec",
  ignore: nats === undefined,
  fn: () =>
    withCluster(3, async (cluster) => {
      const specs = await bundledSpecs();
      const out = await cluster.cli([
        "check",
        "specs/",
        "--distributed",
        cluster.url,
        "--workers",
        "3",
        "--format",
        "json",
      ]);
      const results = (JSON.parse(out.stdout) as JsonDocument).results;
      assert.equal(results.length, specs.length, out.stderr);
      for (const [i, b] of specs.entries()) {
        const dist = results[i]!;
        const name = b.spec.name;
        assert.equal(dist.spec, name);
        const seq = check(b.spec, { store: "fingerprint" });
        assert.equal(dist.stats.workers, 3, name);
        const safe = seq.verdict === "ok" || seq.violation?.kind === "liveness";
        if (safe && (b.spec.compile().liveness?.properties.length ?? 0) > 0) {
          assert.equal(dist.verdict, "error", name);
          assert.match(dist.error!.message, /does not check liveness properties/, name);
          assert.equal(dist.stats.states, seq.stats.states, name);
          continue;
        }
        assert.equal(verdictOf(dist), verdictOf(seq), name);
        if (seq.verdict === "ok" || seq.incomplete?.reason === "bound") {
          assert.equal(dist.stats.states, seq.stats.states, name);
          assert.equal(dist.stats.transitions, seq.stats.transitions, name);
          assert.equal(dist.stats.depth, seq.stats.depth, name);
        }
        const trace = dist.violation ?? dist.incomplete?.trace ?? dist.error?.trace;
        if (trace !== undefined) {
          const again = explainTrace(b.spec.compile(), trace);
          assert.ok(typeof again !== "string", `${name}: ${again}`);
          assert.deepEqual(again.transitions, trace.transitions, name);
          assert.equal(again.init, trace.init, name);
        }
      }
      assert.match(out.stderr, /distributed over 3 workers .*bytes per state/);
    }),
});

Deno.test({
  name: "check --distributed with a state limit ends incomplete, each partition under its share",
  ignore: nats === undefined,
  fn: () =>
    withCluster(2, async (cluster) => {
      const out = await cluster.cli([
        "check",
        "specs/pc_semaphore.ts",
        "--param",
        "producers=2",
        "--param",
        "consumers=2",
        "--max-states",
        "100",
        "--distributed",
        cluster.url,
        "--workers",
        "2",
        "--format",
        "json",
      ]);
      const r = (JSON.parse(out.stdout) as JsonDocument).results[0]!;
      assert.equal(out.code, 2, out.stderr);
      assert.equal(r.verdict, "incomplete");
      assert.equal(r.incomplete?.reason, "max-states");
      assert.ok(r.stats.states <= 100, `${r.stats.states}`);
    }),
});

Deno.test({
  name: "check --distributed: a worker killed mid-run makes the run incomplete, never ok",
  ignore: nats === undefined,
  fn: () =>
    withCluster(0, async (cluster) => {
      const workers = cluster.startWorkers(3, true);
      const run = cluster.spawn([
        "check",
        "specs/pc_semaphore.ts",
        "--param",
        "producers=3",
        "--param",
        "consumers=3",
        "--param",
        "items=4",
        "--param",
        "slots=3",
        "--distributed",
        cluster.url,
        "--workers",
        "3",
        "--worker-timeout",
        "2",
        "--format",
        "json",
      ]);
      // Once every worker joined the run, let the search start, then kill one.
      await Promise.all(workers.map((w) => logLine(w, /joined run/)));
      await new Promise((r) => setTimeout(r, 1500));
      workers[1]!.kill("SIGKILL");
      const out = await run.output();
      const r = (JSON.parse(new TextDecoder().decode(out.stdout)) as JsonDocument).results[0]!;
      assert.notEqual(r.verdict, "ok");
      assert.equal(r.verdict, "incomplete", JSON.stringify(r));
      assert.equal(r.incomplete?.reason, "interrupted");
      assert.match(r.incomplete!.message, /was not heard from/);
      assert.equal(out.code, 2);
    }),
});

Deno.test({
  name: "any partition function gives the same search: every slot, one slot, the sampled lanes",
  ignore: nats === undefined,
  fn: () =>
    withCluster(2, async (cluster) => {
      const { checkDistributed } = await import("../../distributed.ts");
      const cases = [
        { file: "pc_semaphore.ts", name: "pcSemaphore", params: { producers: 2, consumers: 2 } },
        { file: "pc_no_mutex.ts", name: "pcNoMutex", params: {} },
      ];
      for (const c of cases) {
        const module = new URL(`../../specs/${c.file}`, import.meta.url);
        const spec = (await import(module.href))[c.name];
        const seq = check(spec, { params: c.params, store: "fingerprint" });
        const width = spec.compile(c.params).width;
        for (const lanes of [undefined, null, [width - 1], [0, 1]]) {
          const r = await checkDistributed(
            { module: module.href, export: c.name },
            {
              servers: cluster.url,
              workers: 2,
              params: c.params,
              ...(lanes !== undefined ? { lanes } : {}),
            },
          );
          const what = `${c.name} lanes ${JSON.stringify(lanes ?? "sampled")}`;
          assert.equal(verdictOf(r), verdictOf(seq), what);
          if (seq.verdict === "ok") {
            assert.equal(r.stats.states, seq.stats.states, what);
            assert.equal(r.stats.transitions, seq.stats.transitions, what);
            assert.equal(r.stats.depth, seq.stats.depth, what);
            const split = r.traffic.partition;
            assert.equal(split.states.reduce((n, s) => n + s, 0), seq.stats.states, what);
            assert.ok(split.levelBalance >= 1, what);
          }
          if (lanes === undefined) {
            // The sampled lanes: slots some transition changes, in hashing order.
            assert.ok(r.traffic.partition.lanes!.length > 0, what);
            assert.ok(r.traffic.partition.sampled > 0, what);
          } else assert.deepEqual(r.traffic.partition.lanes, lanes, what);
        }
      }
    }),
});
