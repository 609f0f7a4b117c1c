// The dynamic-process specs (docs/processes.md): verdicts, violated
// properties and exact state counts at the default parameters and at
// another setting, pinned so that a change in the process table shows up.
// Every counterexample is replayed (tests/_pins.ts).

import assert from "node:assert/strict";
import { assertDeclaredVerdicts, loadSpec, type Pin, pinSpecs } from "./_pins.ts";

const forkSum = await loadSpec("fork_sum.ts", "forkSum");
const forkServerZombie = await loadSpec("fork_server.ts", "forkServerZombie");
const forkServerReaped = await loadSpec("fork_server.ts", "forkServerReaped");
const shellPipelineOk = await loadSpec("shell_pipeline.ts", "shellPipelineOk");
const shellPipelineHang = await loadSpec("shell_pipeline.ts", "shellPipelineHang");

const PINS: Pin[] = [
  { spec: forkSum, params: {}, states: 230, verdict: "ok" },
  { spec: forkSum, params: { workers: 1 }, states: 32, verdict: "ok" },
  { spec: forkSum, params: { workers: 3 }, states: 1640, verdict: "ok" },
  // One child: its one SIGCHLD is enough, both handlers reap it.
  { spec: forkServerZombie, params: { requests: 1 }, states: 14, verdict: "ok" },
  { spec: forkServerReaped, params: { requests: 1 }, states: 14, verdict: "ok" },
  // Shortest zombie: the two forks (2 x while, fork, next), the loop exit,
  // both children serve and exit before the server takes the one SIGCHLD.
  {
    spec: forkServerZombie,
    params: {},
    states: 65,
    verdict: { property: "every exited child is reaped", steps: 12 },
  },
  {
    spec: forkServerZombie,
    params: { requests: 3 },
    states: 286,
    verdict: { property: "every exited child is reaped", steps: 17 },
  },
  { spec: forkServerReaped, params: {}, states: 62, verdict: "ok" },
  { spec: forkServerReaped, params: { requests: 3 }, states: 254, verdict: "ok" },
  { spec: shellPipelineOk, params: {}, states: 227, verdict: "ok" },
  { spec: shellPipelineOk, params: { bytes: 3 }, states: 296, verdict: "ok" },
  {
    spec: shellPipelineHang,
    params: {},
    states: 166,
    verdict: { property: "deadlock", steps: 21 },
  },
  {
    spec: shellPipelineHang,
    params: { bytes: 3 },
    states: 217,
    verdict: { property: "deadlock", steps: 26 },
  },
];

const { run, atDefaults } = pinSpecs(PINS);

Deno.test("process specs: each meets the verdict it declares at its defaults", () => {
  assertDeclaredVerdicts(new Set(PINS.map((p) => p.spec)), atDefaults);
});

Deno.test("fork_server_zombie: two exits under one pending SIGCHLD leave one zombie", () => {
  const v = run(PINS.find((p) => p.spec === forkServerZombie && p.params.requests === undefined)!)
    .violation!;
  assert.equal(
    v.message,
    "final property 'every exited child is reaped' violated: zombie: child#1",
  );
  const ops = v.steps.map((s) => `${s.process} ${s.operation}`);
  assert.deepEqual(ops.slice(-5), [
    "child#0 serve the request",
    "child#0 exit(0)",
    "child#1 serve the request",
    "child#1 exit(0)",
    "server#0 takes a signal",
  ]);
  // The second exit found SIGCHLD already pending: the signal table did not change.
  assert.ok(!v.steps[10]!.changes.some((c) => c.name === "signals"));
});

Deno.test("shell_pipeline_hang: b waits for EOF, the shell waits for b", () => {
  const v = run(PINS.find((p) => p.spec === shellPipelineHang && p.params.bytes === undefined)!)
    .violation!;
  assert.deepEqual(v.blocked?.map((b) => `${b.process} ${b.step}`), [
    "shell#0 waitpid(any)",
    "b#0 read(fd, 1)",
  ]);
});
