// Coverage: which blocking steps a check reached, which leadsTo triggers
// were ever true.
import assert from "node:assert/strict";
import { channel, check, coverage, formatCoverage, spec, system } from "../../mod.ts";
import { loadSpec } from "../_pins.ts";

Deno.test("coverage(): a buffer that never fills leaves the producer's wait(empty) unreached", async () => {
  const pc = await loadSpec("pc_semaphore.ts", "pcSemaphore");
  const roomy = coverage(pc.compile({ items: 1, slots: 2 }));
  const reached = (r: typeof roomy, op: string) =>
    r.blocking.find((b) => b.point.includes(op))?.reached;
  assert.equal(roomy.complete, true);
  assert.equal(roomy.states, check(pc, { params: { items: 1, slots: 2 } }).stats.states);
  assert.equal(reached(roomy, "producer: wait(empty)"), false);
  assert.equal(reached(roomy, "consumer: wait(full)"), true);
  // post() and unlock() never block, so they are not listed.
  assert.ok(roomy.blocking.every((b) => !/post|unlock/.test(b.point)));
  const tight = coverage(pc.compile({ items: 3, slots: 1 }));
  assert.equal(reached(tight, "producer: wait(empty)"), true);
  assert.match(formatCoverage(roomy), /NOT REACHED {2}producer: wait\(empty\)/);
});

Deno.test("coverage(): a leadsTo whose trigger never holds is reported vacuous", () => {
  const mk = (trigger: number) =>
    spec({
      name: "vacuous",
      params: {},
      build: () => {
        const sys = system({ x: 0 });
        sys.process("p", {}, (s) => [s.do("set", ({ g }) => (g.x = 1))]);
        sys.leadsTo(
          "x reaches the trigger then 1",
          ({ g }) => g.x === trigger,
          ({ g }) => g.x === 1,
        );
        return sys;
      },
    });
  assert.deepEqual(coverage(mk(5).compile()).triggers, [
    { property: "x reaches the trigger then 1", reached: false },
  ]);
  assert.equal(coverage(mk(0).compile()).triggers[0]?.reached, true);
});

Deno.test("coverage(): a rendezvous receive with a sender ready is not counted as blocked", () => {
  const rv = spec({
    name: "rv",
    params: {},
    build: () => {
      const sys = system({});
      const ch = channel("ch", 0);
      sys.process("tx", {}, (s) => [s.send(ch, 1)]);
      sys.process("rx", { locals: { m: 0 } }, (s) => [s.recv(ch, "m")]);
      return sys;
    },
  });
  const r = coverage(rv.compile());
  // Both wait at the start only together: neither is ever blocked alone.
  assert.deepEqual(r.blocking.map((b) => b.reached), [false, false]);
});
