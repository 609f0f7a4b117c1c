// The message-queue specs (System V and POSIX, docs/semantics.md §2, §3):
// verdicts, violated properties and exact state counts at the default
// parameters and at another setting, pinned so that a change in the
// semantics shows up. Every counterexample is replayed.

import assert from "node:assert/strict";
import type { Model } from "../extend.ts";
import { assertDeclaredVerdicts, loadSpec, type Pin, pinSpecs } from "./_pins.ts";
import { enabled, fire } from "../checker/_fire.ts";

const mqRequestResponse = await loadSpec("mq_request_response.ts", "mqRequestResponse");
const mqWrongType = await loadSpec("mq_wrong_type.ts", "mqWrongType");
const forkSumMq = await loadSpec("fork_sum_mq.ts", "forkSumMq");
const mqPollBug = await loadSpec("mq_poll_bug.ts", "mqPollBug");
const mqPollOk = await loadSpec("mq_poll_ok.ts", "mqPollOk");
const mqPriority = await loadSpec("mq_priority.ts", "mqPriority");
const mqRmid = await loadSpec("mq_rmid.ts", "mqRmid");

const PINS: Pin[] = [
  // fork_sum_mq with one worker, by hand. The worker is at sum, msgsnd or
  // end; the parent at its loop test, msgrcv, blocked in msgrcv, assert,
  // add, loop test, end. Before the send the parent is at the loop test,
  // msgrcv or blocked (2 x 3 = 6); after it, with the message queued, at
  // the loop test or msgrcv (2); handed over while the parent is blocked,
  // woken (1); then assert, add, loop test, end (4): 13 states.
  { spec: forkSumMq, params: { workers: 1 }, states: 13, verdict: "ok" },
  { spec: forkSumMq, params: {}, states: 66, verdict: "ok" },
  { spec: forkSumMq, params: { workers: 4, n: 10 }, states: 1802, verdict: "ok" },
  // Was 688, 10716 and 2730 when the calls with an Expr type (the clients'
  // msgrcv, the server's msgsnd) took an extra 'returns' step also when
  // they completed at once: minus exactly those 242, 4508 and 1031 states.
  { spec: mqRequestResponse, params: {}, states: 446, verdict: "ok" },
  { spec: mqRequestResponse, params: { clients: 3 }, states: 6208, verdict: "ok" },
  { spec: mqRequestResponse, params: { requests: 2 }, states: 1699, verdict: "ok" },
  // Both requests sent and the first answered; the other client takes the
  // reply: 2 x (loop test, send), server loop test, msgrcv, msgsnd, the
  // client's msgrcv, its assertion: 9 steps.
  {
    spec: mqWrongType,
    params: {},
    states: 148,
    verdict: { property: "each client gets its own reply", steps: 9 },
  },
  {
    spec: mqWrongType,
    params: { clients: 3 },
    states: 617,
    verdict: { property: "each client gets its own reply", steps: 9 },
  },
  // The consumer's loop test, its mq_receive (EAGAIN), the assertion.
  {
    spec: mqPollBug,
    params: {},
    states: 9,
    verdict: { property: "only received messages are consumed", steps: 3 },
  },
  {
    spec: mqPollBug,
    params: { items: 3, maxmsg: 1 },
    states: 9,
    verdict: { property: "only received messages are consumed", steps: 3 },
  },
  { spec: mqPollOk, params: {}, states: 103, verdict: "ok" },
  { spec: mqPollOk, params: { items: 3, maxmsg: 1 }, states: 172, verdict: "ok" },
  // Were 174 and 433 with the hand-kept "urgent queued" flag and its
  // assertions in atomic blocks, which the priority-order template replaces.
  { spec: mqPriority, params: {}, states: 142, verdict: "ok" },
  { spec: mqPriority, params: { normals: 4 }, states: 349, verdict: "ok" },
  // Were 607, 47 and 9851 with the hand-kept per-job 'done' array and its
  // assertion, which the exactly-once template replaces.
  { spec: mqRmid, params: {}, states: 499, verdict: "ok" },
  { spec: mqRmid, params: { workers: 1, jobs: 1 }, states: 44, verdict: "ok" },
  { spec: mqRmid, params: { workers: 3, jobs: 3 }, states: 6737, verdict: "ok" },
];

const { atDefaults } = pinSpecs(PINS);

Deno.test("every message-queue spec meets its declared verdict at its defaults", () => {
  assertDeclaredVerdicts(
    [mqRequestResponse, mqWrongType, forkSumMq, mqPollBug, mqPollOk, mqPriority, mqRmid],
    atDefaults,
  );
});

/** Every reachable state of `model`, printed (a plain BFS by enabled/fire). */
function reachable(model: Model): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const queue: Int32Array[] = [];
  model.init((s) => queue.push(s.slice()));
  while (queue.length > 0) {
    const s = queue.shift()!;
    const key = s.join(",");
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(model.explanation!.format(s));
    for (const t of enabled(model, s)) {
      const next = fire(model, s, t);
      if (next instanceof Int32Array) queue.push(next);
    }
  }
  return out;
}

Deno.test("mq_rmid: a blocked worker wakes with EIDRM, one that calls later gets EINVAL", () => {
  const states = reachable(mqRmid.compile());
  assert.equal(states.length, 499);
  assert.ok(states.some((s) => /jobs=removed; woken worker#0 EIDRM/.test(s)), "EIDRM hand-out");
  assert.ok(states.some((s) => /worker#0@[^{]*\{job=0,err=EIDRM\}/.test(s)), "a worker got EIDRM");
  assert.ok(
    states.some((s) => /worker#1@[^{]*\{job=0,err=EINVAL\}/.test(s)),
    "a worker got EINVAL",
  );
});

Deno.test("mq_priority: the urgent message overtakes both queued normal ones (reachable)", () => {
  // The situation the spec's assertion guards is reached: the urgent
  // message queued ahead of normal ones sent before it.
  const states = reachable(mqPriority.compile());
  assert.ok(
    states.some((s) => /q=\[p9:100\(4B\)\]/.test(s)),
    "the urgent message alone in the queue",
  );
  assert.ok(
    states.some((s) => /q=\[p9:100\(4B\) p0:1\(4B\) p0:2\(4B\)\]/.test(s)),
    "it overtakes both",
  );
});
