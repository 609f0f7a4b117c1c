// The network scenario specs of issue 16 (model/primitives/network.ts): the
// alternating-bit protocol over a network that loses and duplicates
// datagrams, and go-back-N with a window of 2 over a lossy network.
// Verdicts and exact state counts pinned, the partial-order reduction
// pinned and compared with the unreduced search, and the counterexamples
// read as the protocols' known failures.

import assert from "node:assert/strict";
import { check } from "../mod.ts";
import { type AnySpec, assertDeclaredVerdicts, loadSpec, type Pin, pinSpecs } from "./_pins.ts";
import { enabled, fire } from "../checker/_fire.ts";

const netAbp = await loadSpec("net_abp.ts", "netAbp");
const netAbpNoBit = await loadSpec("net_abp.ts", "netAbpNoBit");
const slidingWindow = await loadSpec("sliding_window.ts", "slidingWindow");
const slidingWindowShort = await loadSpec("sliding_window.ts", "slidingWindowShort");

const PINS: Pin[] = [
  { spec: netAbp, params: {}, states: 539, verdict: "ok" },
  { spec: netAbp, params: { messages: 3 }, states: 861, verdict: "ok" },
  { spec: netAbp, params: { losses: 1, duplicates: 0 }, states: 78, verdict: "ok" },
  { spec: netAbpNoBit, params: {}, states: 69, verdict: { property: "in order, once", steps: 8 } },
  { spec: slidingWindow, params: {}, states: 341, verdict: "ok" },
  { spec: slidingWindow, params: { messages: 4 }, states: 611, verdict: "ok" },
  { spec: slidingWindow, params: { window: 3, seqs: 4 }, states: 794, verdict: "ok" },
  {
    spec: slidingWindowShort,
    params: {},
    states: 138,
    verdict: { property: "in order, once", steps: 15 },
  },
];

const { run } = pinSpecs(PINS);

Deno.test("network scenario specs meet their declared verdicts", () => {
  assertDeclaredVerdicts([netAbp, netAbpNoBit, slidingWindow, slidingWindowShort]);
});

Deno.test('network scenario specs: check({ reduction: "por" }) pinned, same verdicts as the unreduced search', () => {
  const reduced: [Pin, number][] = [
    [PINS[0]!, 392],
    [PINS[3]!, 57],
    [PINS[4]!, 295],
    [PINS[7]!, 131],
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

Deno.test("net_abp_no_bit: a duplicated datagram is delivered twice", () => {
  const ops = run(PINS[3]!).violation!.steps.map((s) => `${s.process} ${s.operation}`);
  assert.deepEqual(ops, [
    "sender#0 for (i < 3) -> body",
    "sender#0 send(net) sender:1 → receiver:1: duplicated",
    "receiver#0 recv(net) at receiver:1",
    "receiver#0 when new",
    "receiver#0 send(net) receiver:1 → sender:1",
    "receiver#0 forget",
    "receiver#0 recv(net) at receiver:1",
    "receiver#0 when new",
  ]);
});

/** The operations some reachable state of `spec` at `params` can take, as `process operation`. */
function operations(spec: AnySpec, params: Record<string, number>): Set<string> {
  const model = spec.compile(params);
  const seen = new Set<string>();
  const queue: Int32Array[] = [];
  model.init((s) => {
    seen.add(s.join());
    queue.push(s.slice());
  });
  const ops = new Set<string>();
  for (let i = 0; i < queue.length; i++) {
    for (const t of enabled(model, queue[i]!)) {
      const d = model.explanation!.describe(t);
      ops.add(`${d.process} ${d.operation}`);
      const next = fire(model, queue[i]!, t);
      if (next instanceof Int32Array && !seen.has(next.join())) {
        seen.add(next.join());
        queue.push(next);
      }
    }
  }
  return ops;
}

Deno.test("net_abp: the sender times out only when the network may lose a datagram", () => {
  const retransmit = "sender#0 when timeout: retransmit";
  assert.equal(operations(netAbp, { losses: 0, duplicates: 1 }).has(retransmit), false);
  assert.equal(operations(netAbp, { losses: 1, duplicates: 0 }).has(retransmit), true);
});

Deno.test("sliding_window_short: an answer to an out-of-order datagram reads as an acknowledgement", () => {
  const ops = run(PINS[7]!).violation!.steps.map((s) => `${s.process} ${s.operation}`);
  assert.deepEqual(ops.slice(0, 2), [
    "sender#0 when window open",
    "sender#0 send(net) sender:1 → receiver:1: lost",
  ]);
  assert.deepEqual(ops.slice(-8), [
    "receiver#0 when out of order",
    "receiver#0 send(net) receiver:1 → sender:1",
    "sender#0 recv(net) at sender:1",
    "sender#0 slide",
    "sender#0 when window open",
    "sender#0 send(net) sender:1 → receiver:1",
    "receiver#0 recv(net) at receiver:1",
    "receiver#0 when in order",
  ]);
});
