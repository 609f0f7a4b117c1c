// The bundled specs: verdicts, violated properties and exact state counts at
// the default parameters and at a larger setting, pinned so that a change in
// the semantics or the search shows up. The numbers come from the checker;
// the small ones are derived by hand below as a sanity check, and every
// counterexample is replayed.

import assert from "node:assert/strict";
import { type AnySpec, assertDeclaredVerdicts, loadSpec, type Pin, pinSpecs } from "./_pins.ts";

const pcChannel = await loadSpec("pc_channel.ts", "pcChannel");
const pcNoMutex = await loadSpec("pc_no_mutex.ts", "pcNoMutex");
const pcRendezvous = await loadSpec("pc_rendezvous.ts", "pcRendezvous");
const pcSemaphore = await loadSpec("pc_semaphore.ts", "pcSemaphore");
const pcSwappedWaits = await loadSpec("pc_swapped_waits.ts", "pcSwappedWaits");

const PINS: Pin[] = [
  // pc_channel, 1 producer / 1 consumer / 2 items, by hand. The producer is
  // a chain of 8 positions, with s items sent: s=0 at (test, send), s=1 at
  // (i++, test, send), s=2 at (i++, test, end), where "test" is the loop
  // head of s.for (i < 2, or i = 2: done): 2, 3, 3 positions. The consumer
  // has 10, with r items received: r=0 at (test, recv), r=1 at (assert,
  // consume, test, recv), r=2 at (assert, consume, test, end), consume
  // counting j: 2, 4, 4 positions. The channel holds s - r items, so the
  // reachable pairs are those with r <= s <= r + slots:
  //   slots=2: 2*2 + 3*(2+4) + 3*(2+4+4) = 4 + 18 + 30 = 52
  //   slots=1: 4 + 18 + 3*(4+4) = 46
  { spec: pcChannel, params: {}, states: 52, verdict: "ok" },
  { spec: pcChannel, params: { slots: 1 }, states: 46, verdict: "ok" },
  { spec: pcChannel, params: { producers: 2, consumers: 2 }, states: 10312, verdict: "ok" },
  { spec: pcSemaphore, params: {}, states: 132, verdict: "ok" },
  { spec: pcSemaphore, params: { items: 3 }, states: 236, verdict: "ok" },
  { spec: pcSemaphore, params: { producers: 2, consumers: 2 }, states: 47738, verdict: "ok" },
  // pc_rendezvous, 1/1/2, by hand: the same chains, but a send and its
  // receive are one joint step, so s = r always: before the first exchange
  // 2 x 2 = 4 states, between the two 3 x 4 = 12, after the second 3 x 4 =
  // 12: 28 states.
  { spec: pcRendezvous, params: { producers: 1, consumers: 1 }, states: 28, verdict: "ok" },
  { spec: pcRendezvous, params: {}, states: 3616, verdict: "ok" },
  { spec: pcRendezvous, params: { producers: 3, consumers: 2 }, states: 74984, verdict: "ok" },
  // Without a second producer there is no race: ok.
  { spec: pcNoMutex, params: { producers: 1 }, states: 37, verdict: "ok" },
  {
    spec: pcNoMutex,
    params: {},
    states: 1164,
    verdict: { property: "exactly once", steps: 29 },
  },
  {
    spec: pcNoMutex,
    params: { producers: 2, consumers: 2 },
    states: 6714,
    verdict: { property: "exactly once", steps: 30 },
  },
  // Shortest deadlock by hand: the consumer must hold the mutex at
  // wait(full) (its loop test, lock: 2 steps) and the producer must be at
  // lock(mutex) (its loop test, wait(empty): 2 steps): 4 steps.
  { spec: pcSwappedWaits, params: {}, states: 14, verdict: { property: "deadlock", steps: 4 } },
  {
    spec: pcSwappedWaits,
    params: { producers: 2, consumers: 2 },
    states: 114,
    verdict: { property: "deadlock", steps: 6 },
  },
];

// Each pin's test also checks the parameters the result reports.
const { run, atDefaults } = pinSpecs(PINS, {
  also: (pin, r) => assert.deepEqual(r.params, pin.spec.resolve(pin.params)),
});

Deno.test("bundled specs: each meets the verdict it declares at its defaults", () => {
  assertDeclaredVerdicts(
    [pcChannel, pcNoMutex, pcRendezvous, pcSemaphore, pcSwappedWaits],
    atDefaults,
  );
});

Deno.test("bundled specs: state counts grow with the parameters", () => {
  const states = (s: AnySpec, params: Record<string, number>) =>
    run(PINS.find((p) => p.spec === s && JSON.stringify(p.params) === JSON.stringify(params))!)
      .stats.states;
  assert.ok(states(pcChannel, { slots: 1 }) < states(pcChannel, {}));
  assert.ok(states(pcChannel, {}) < states(pcChannel, { producers: 2, consumers: 2 }));
  assert.ok(states(pcSemaphore, {}) < states(pcSemaphore, { items: 3 }));
  assert.ok(
    states(pcSemaphore, { items: 3 }) < states(pcSemaphore, { producers: 2, consumers: 2 }),
  );
  assert.ok(states(pcRendezvous, { producers: 1, consumers: 1 }) < states(pcRendezvous, {}));
  assert.ok(states(pcRendezvous, {}) < states(pcRendezvous, { producers: 3, consumers: 2 }));
  // The same exchange over shared memory has more states than over a
  // channel (the mutex and the separate indices).
  assert.ok(states(pcChannel, {}) < states(pcSemaphore, {}));
});

Deno.test("pc_swapped_waits: the consumer sleeps on wait(full) holding the mutex", () => {
  const r = run(PINS.find((p) => p.spec === pcSwappedWaits)!);
  const v = r.violation!;
  assert.equal(v.kind, "deadlock");
  assert.equal(v.message, "deadlock: 2 processes blocked");
  assert.deepEqual(v.blocked, [
    {
      process: "producer#0",
      step: "lock(mutex)",
      waitsOn: ["lock(mutex) (held by consumer#0)"],
      holds: [],
    },
    {
      process: "consumer#0",
      step: "wait(full)",
      waitsOn: ["wait(full) (full = 0)"],
      holds: ["mutex"],
    },
  ]);
  assert.deepEqual(v.steps.map((s) => `${s.process} ${s.operation}`).slice(1), [
    "producer#0 wait(empty)",
    "consumer#0 for (j < shareOf(id, p.consumers, total)) -> body",
    "consumer#0 lock(mutex)",
  ]);
});

Deno.test("pc_swapped_waits (2 producers, 2 consumers): a consumer holds the mutex in wait(full)", () => {
  const r = run(PINS.find((p) => p.spec === pcSwappedWaits && p.params.producers === 2)!);
  const blocked = r.violation!.blocked!;
  assert.equal(blocked.length, 4);
  const holder = blocked.filter((b) => b.holds.includes("mutex"));
  assert.equal(holder.length, 1);
  assert.match(holder[0]!.process, /^consumer#/);
  assert.deepEqual(holder[0]!.waitsOn, ["wait(full) (full = 0)"]);
  // Everyone else waits for that consumer's mutex, or (a producer, with
  // the one slot taken) on wait(empty).
  const lockers = blocked.filter((b) => b !== holder[0]);
  for (const b of lockers) {
    assert.ok(
      b.waitsOn[0] === `lock(mutex) (held by ${holder[0]!.process})` ||
        b.waitsOn[0] === "wait(empty) (empty = 0)",
      `${b.process}: ${b.waitsOn}`,
    );
  }
  assert.ok(lockers.some((b) => b.waitsOn[0]!.startsWith("lock(mutex)")));
});

Deno.test("pc_no_mutex: the message names the lost item", () => {
  const r = run(PINS.find((p) => p.spec === pcNoMutex && Object.keys(p.params).length === 0)!);
  const v = r.violation!;
  assert.equal(v.kind, "final");
  assert.equal(
    v.message,
    "final property 'exactly once' violated: item 1 was lost (never consumed); " +
      "1 take found an empty slot",
  );
  // The story shows both producers writing the same slot before advancing.
  const puts = v.steps.filter((s) => s.operation === "put");
  assert.equal(puts.length, 2);
  assert.deepEqual(puts.map((s) => s.changes.find((c) => c.name === "buf")?.before), [
    "[0,0]",
    "[1,0]",
  ]);
  const larger = run(PINS.find((p) => p.spec === pcNoMutex && p.params.consumers === 2)!);
  assert.match(larger.violation!.message, /item \d was lost \(never consumed\)/);
});
