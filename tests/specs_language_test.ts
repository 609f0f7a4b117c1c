// The scenario specs of issue 16 (guarded commands, timeout, buffer
// queries, counted loops, non-blocking and selective receive): verdicts and exact state counts pinned, the
// partial-order and symmetry reductions pinned and compared with the
// unreduced search, and the counterexamples read as the protocols' known
// failures.

import assert from "node:assert/strict";
import { check } from "../mod.ts";
import { assertDeclaredVerdicts, loadSpec, type Pin, pinSpecs } from "./_pins.ts";

const abp = await loadSpec("abp.ts", "abp");
const abpNoBit = await loadSpec("abp.ts", "abpNoBit");
const leaderRing = await loadSpec("leader_ring.ts", "leaderRing");
const leaderRingEqual = await loadSpec("leader_ring.ts", "leaderRingEqual");
const sieve = await loadSpec("sieve.ts", "sieve");
const sieveAtomic = await loadSpec("sieve.ts", "sieveAtomic");
const guardedMutex = await loadSpec("guarded_mutex.ts", "guardedMutex");
const splitMutex = await loadSpec("guarded_mutex.ts", "splitMutex");
const channelPoller = await loadSpec("channel_poller.ts", "channelPoller");
const requestReply = await loadSpec("request_reply.ts", "requestReply");
const requestReplyMixed = await loadSpec("request_reply.ts", "requestReplyMixed");
const mailboxPoller = await loadSpec("mailbox_poller.ts", "mailboxPoller");

const PINS: Pin[] = [
  { spec: abp, params: {}, states: 46, verdict: "ok" },
  { spec: abp, params: { messages: 3 }, states: 69, verdict: "ok" },
  { spec: abpNoBit, params: {}, states: 23, verdict: { property: "in order, once", steps: 10 } },
  { spec: leaderRing, params: {}, states: 170, verdict: "ok" },
  { spec: leaderRing, params: { nodes: 4 }, states: 1194, verdict: "ok" },
  {
    spec: leaderRingEqual,
    params: {},
    states: 79,
    verdict: { property: "at most one leader", steps: 13 },
  },
  { spec: sieve, params: {}, states: 222, verdict: "ok" },
  { spec: sieve, params: { stages: 3 }, states: 179, verdict: { property: "deadlock", steps: 50 } },
  { spec: guardedMutex, params: {}, states: 1280, verdict: "ok" },
  { spec: splitMutex, params: {}, states: 62, verdict: { property: "mutual exclusion", steps: 6 } },
  { spec: channelPoller, params: {}, states: 237, verdict: "ok" },
  { spec: requestReply, params: {}, states: 67, verdict: "ok" },
  {
    spec: requestReplyMixed,
    params: {},
    states: 32,
    verdict: { property: "my own reply", steps: 6 },
  },
  { spec: mailboxPoller, params: {}, states: 158, verdict: "ok" },
  // Each stage's receive and decision in one atomic block: 239 states, 366 transitions.
  { spec: sieveAtomic, params: {}, states: 239, verdict: "ok" },
  {
    spec: sieveAtomic,
    params: { stages: 3 },
    states: 231,
    verdict: { property: "deadlock", steps: 50 },
  },
];

const { run } = pinSpecs(PINS);

Deno.test("issue 16 scenario specs meet their declared verdicts", () => {
  assertDeclaredVerdicts([
    abp,
    abpNoBit,
    leaderRing,
    leaderRingEqual,
    sieve,
    sieveAtomic,
    guardedMutex,
    splitMutex,
    channelPoller,
    requestReply,
    requestReplyMixed,
    mailboxPoller,
  ]);
});

Deno.test('scenario specs: check({ reduction: "por" }) pinned, same verdicts as the unreduced search', () => {
  const reduced: [Pin, number][] = [
    [PINS[0]!, 34],
    [PINS[2]!, 18],
    [PINS[3]!, 73],
    [PINS[4]!, 309],
    [PINS[6]!, 92],
    [PINS[7]!, 69],
    [PINS[8]!, 246],
    [PINS[9]!, 26],
    [PINS[10]!, 178],
    [PINS[11]!, 42],
    [PINS[13]!, 96],
    // The atomic sieve: its blocks reduced as one transition of their owner each.
    [PINS[14]!, 133],
    [PINS[15]!, 125],
  ];
  for (const [pin, states] of reduced) {
    const full = run(pin);
    const r = check(pin.spec, { params: pin.params, reduction: "por" });
    const what = `${pin.spec.name} ${JSON.stringify(pin.params)}`;
    assert.equal(r.verdict, full.verdict, what);
    assert.equal(r.violation?.property, full.violation?.property, what);
    assert.equal(r.stats.states, states, what);
  }
});

Deno.test("guarded_mutex: symmetry reduction pinned, same verdicts as the unreduced search", () => {
  const ok = check(guardedMutex, { symmetry: true });
  assert.equal(ok.verdict, "ok");
  assert.equal(ok.stats.states, 264);
  const bad = check(splitMutex, { symmetry: true });
  assert.equal(bad.violation?.property, "mutual exclusion");
  assert.equal(bad.stats.states, 22);
  assert.equal(bad.violation?.steps.length, 6);
});

Deno.test("abp_no_bit: an acknowledgement is lost and the retransmission is delivered again", () => {
  const ops = run(PINS[2]!).violation!.steps.map((s) => `${s.process} ${s.operation}`);
  assert.deepEqual(ops.slice(2), [
    "receiver#0 recv(data)",
    "receiver#0 when new",
    "receiver#0 lose ack",
    "receiver#0 forget",
    "sender#0 when timeout: retransmit",
    "sender#0 send(data)",
    "receiver#0 recv(data)",
    "receiver#0 when new",
  ]);
});

Deno.test("sieve with a stage too few: the last stage waits to pass 7 on", () => {
  const r = run(PINS[7]!);
  const last = r.violation!.steps.at(-1)!;
  assert.equal(`${last.process} ${last.operation}`, "stage2#0 when pass");
  const waits = r.violation!.blocked!.map((b) => `${b.process}: ${b.waitsOn.join(" or ")}`);
  assert.ok(waits.some((w) => /^stage2#0: send\(c3\)/.test(w)), waits.join("; "));
});

Deno.test("request_reply_mixed: a client takes the other client's reply", () => {
  const ops = run(PINS[12]!).violation!.steps.map((s) => `${s.process} ${s.operation}`);
  assert.deepEqual(ops.slice(-2), ["client#1 recv(replies)", "client#1 assert my own reply"]);
});
