// Swarm runs over a real NATS server (JetStream on a free loopback port)
// and three worker processes: every buggy bundled spec of the CI subset
// (all of them with IPCSPEC_SWARM_ALL=1) gets a violation the spec declares,
// with a trace that replays; the text report ends with the table of jobs.
// Without nats-server these tests are skipped, and say so.

import assert from "node:assert/strict";
import { type CheckResult, explainTrace, meetsExpectation, replay } from "../../mod.ts";
import type { SwarmDocument } from "../../reporters/result_json.ts";
import { assertValidResult } from "../reporters/_schema.ts";
import { bundledSpecs } from "../_pins.ts";
import { Cluster, natsServerPath, skippedNotice } from "./_cluster.ts";

const nats = natsServerPath();
if (nats === undefined) {
  console.warn(`\n${"!".repeat(78)}\n${skippedNotice()}\n${"!".repeat(78)}\n`);
}

/** The buggy specs CI runs a swarm on (one per family of bug); all of them with IPCSPEC_SWARM_ALL=1. */
const CI_SUBSET = ["pcNoMutex", "pcSwappedWaits", "counterRace", "mqPollBug", "sigPauseRace"];

Deno.test({
  name: "swarm finds the declared violation of buggy bundled specs, with a trace that replays",
  ignore: nats === undefined,
  async fn() {
    const all = Deno.env.get("IPCSPEC_SWARM_ALL") === "1";
    const buggy = (await bundledSpecs()).filter((b) =>
      typeof b.spec.expect === "object" && "violation" in b.spec.expect &&
      (all || CI_SUBSET.includes(b.export))
    );
    assert.ok(all || buggy.length === CI_SUBSET.length, buggy.map((b) => b.export).join(", "));
    const cluster = await Cluster.start(nats!);
    try {
      cluster.startWorkers(3);
      for (const b of buggy) {
        const file = new URL(b.module).pathname;
        const out = await cluster.cli([
          "swarm",
          file,
          "--spec",
          b.spec.name,
          "--nats",
          cluster.url,
          "--jobs",
          "6",
          "--job-seconds",
          "20",
          "--format",
          "json",
        ]);
        const doc = JSON.parse(out.stdout) as SwarmDocument;
        assertValidResult(doc);
        const r = doc.swarm;
        assert.equal(r.verdict, "violation", `${b.spec.name}: ${out.stdout}\n${out.stderr}`);
        assert.equal(out.code, 1);
        assert.equal(doc.exitCode, 1);
        assert.match(r.violation!.replay!, /check .* --replay \d+:/);
        const asCheck = {
          verdict: "violation",
          violation: { property: r.violation!.property },
        } as CheckResult;
        assert.ok(
          meetsExpectation(b.spec.expect, asCheck),
          `${b.spec.name}: ${r.violation?.property}`,
        );
        if (r.violation!.kind === "liveness") {
          // A lasso: its path replays (the coordinator checked the cycle closes).
          const path = replay(b.spec.compile(), {
            init: r.violation!.init,
            transitions: [...r.violation!.transitions],
          });
          assert.equal(path.error, undefined, b.spec.name);
        } else {
          const again = explainTrace(b.spec.compile(), {
            init: r.violation!.init,
            transitions: [...r.violation!.transitions],
          });
          assert.ok(typeof again !== "string", `${b.spec.name}: ${again}`);
          assert.equal(again.property, r.violation!.property);
        }
        assert.ok(r.jobs.some((j) => j.job === r.foundBy && j.verdict === "violation"));
      }
    } finally {
      await cluster.stop();
    }
  },
});

Deno.test({
  name: "swarm prints the violation, then the table of jobs with coverage and times",
  ignore: nats === undefined,
  async fn() {
    const cluster = await Cluster.start(nats!);
    try {
      cluster.startWorkers(2);
      const out = await cluster.cli([
        "swarm",
        "specs/counter_race.ts",
        "--spec",
        "counter_race",
        "--nats",
        cluster.url,
        "--jobs",
        "4",
        "--seed",
        "7",
      ]);
      assert.equal(out.code, 1, out.stderr);
      assert.match(out.stdout, /VIOLATION of /);
      assert.match(out.stdout, /found by job \d+ of the swarm \(seed 7\)/);
      assert.match(out.stdout, /^ job {2}strategy +verdict +states {2}coverage +time {2}worker$/m);
    } finally {
      await cluster.stop();
    }
  },
});

Deno.test("swarm and worker under --format json: an unreachable server is one versioned error document", async () => {
  // No server needed: port 1 refuses the connection.
  const cli = new URL("../../cli.ts", import.meta.url).pathname;
  const run = async (args: string[]) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-read",
        "--allow-env",
        "--allow-sys",
        "--allow-run",
        "--allow-net=127.0.0.1",
        cli,
        ...args,
        "--format",
        "json",
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    return { code: out.code, doc: JSON.parse(new TextDecoder().decode(out.stdout)) };
  };
  const swarmRun = await run(
    ["swarm", "specs/counter_race.ts", "--nats", "nats://127.0.0.1:1", "--jobs", "2"],
  );
  assertValidResult(swarmRun.doc);
  assert.equal(swarmRun.code, 3);
  assert.equal(swarmRun.doc.command, "swarm");
  assert.equal(swarmRun.doc.swarm.verdict, "error");
  assert.match(swarmRun.doc.swarm.error.message, /127\.0\.0\.1:1/);
  const workerRun = await run(["worker", "--nats", "nats://127.0.0.1:1", "--jobs", "1"]);
  assertValidResult(workerRun.doc);
  assert.equal(workerRun.code, 3);
  assert.equal(workerRun.doc.command, "error");
  assert.equal(workerRun.doc.error.command, "worker");
});
