// Networks (model/primitives/network.ts, docs/primitives/network.md): one
// test (at least) per rule, each of which fails when the rule is broken: the
// outcomes a receiver can observe with each fault and without, the bounds,
// crashes, the templates, exact footprints, and agreement of the reduced
// search and the generated code with the unreduced interpreter.

import assert from "node:assert/strict";
import {
  breakLoop,
  check,
  choose,
  crashHost,
  endpoint,
  loop,
  type Network,
  network,
  type NetworkOptions,
  restartHost,
  system,
  timeout,
  udpRecv,
  udpSend,
} from "../../mod.ts";
import type { OpImpl } from "../../extend.ts";
import { endValues, explore, mk } from "./_explore.ts";
import { into, opsOf } from "./_ops.ts";

/**
 * A sender sends 1 then 2 from a:1 to b:1; the receiver takes datagrams
 * until nothing else can happen (`timeout`), writing what it got as digits
 * of `seq` (12: 1 then 2). With `crash`, a third process may crash host b
 * and restart it.
 */
function pair(options: Omit<NetworkOptions, "hosts">, crash = false) {
  return mk("pair", () => {
    const sys = system({ seq: 0 });
    const net = network("net", { hosts: { a: [1], b: [1] }, ...options });
    const A = endpoint(net, "a", 1), B = endpoint(net, "b", 1);
    sys.process("sender", {}, () => [
      udpSend(net, { from: A, to: B, value: 1 }),
      udpSend(net, { from: A, to: B, value: 2 }),
    ]);
    sys.process("receiver", { locals: { v: 0, src: -1 } }, (s) => [
      loop(choose(
        [
          udpRecv(net, { at: B, into: s.into("v"), from: s.into("src") }),
          s.do("record", ({ g, l }) => {
            if (l.src !== A) throw new Error(`from ${l.src}`);
            g.seq = g.seq * 10 + l.v;
          }),
        ],
        [s.when("stop", timeout), breakLoop()],
      )),
    ]);
    if (crash) {
      sys.process("fault", {}, () => [crashHost(net, "b"), restartHost(net, "b")]);
    }
    return sys;
  });
}

function outcomes(options: Omit<NetworkOptions, "hosts">, crash = false): string[] {
  const e = explore(pair(options, crash).compile({}));
  assert.deepEqual(e.failures, []);
  return endValues(e, "seq");
}

Deno.test("network: without faults every datagram arrives once, in the order sent", () => {
  assert.deepEqual(outcomes({}), ["12"]);
});

Deno.test("network: loss drops any datagram; a bound k drops at most k per run", () => {
  assert.deepEqual(outcomes({ loss: true }), ["0", "1", "12", "2"]);
  assert.deepEqual(outcomes({ loss: 1 }), ["1", "12", "2"]);
  assert.deepEqual(outcomes({ loss: 0 }), ["12"]);
});

Deno.test("network: duplication delivers a datagram twice, at most k times per run", () => {
  assert.deepEqual(outcomes({ duplicate: 1, capacity: 4 }), ["112", "12", "122"]);
  assert.deepEqual(outcomes({ duplicate: 2, capacity: 4 }), ["112", "1122", "12", "122"]);
  // Unbounded, duplication needs room for both copies: with room for two,
  // two copies of 1 fill the endpoint and 2 is dropped (11) unless the
  // receiver took one first; 2 is duplicated only once both 1s are taken.
  assert.deepEqual(outcomes({ duplicate: true, capacity: 2 }), ["11", "112", "1122", "12", "122"]);
});

Deno.test("network: reordering lets a receive take any datagram in flight", () => {
  assert.deepEqual(outcomes({ reorder: true }), ["12", "21"]);
  assert.deepEqual(outcomes({ reorder: true, duplicate: 1, capacity: 3 }), [
    "112",
    "12",
    "121",
    "122",
    "21",
    "211",
    "212",
    "221",
  ]);
});

Deno.test("network: a datagram sent to a full endpoint is dropped, never blocking the sender", () => {
  assert.deepEqual(outcomes({ capacity: 1 }), ["1", "12"]);
});

Deno.test("network: a crash loses what is in flight to the host and what is sent while it is down", () => {
  assert.deepEqual(outcomes({ crashes: 1 }, true), ["0", "1", "12", "2"]);
});

Deno.test("network: crashes are bounded and must be declared", () => {
  assert.throws(() => outcomes({}, true), /crashHost\(net, b\): network 'net' allows no crash/);
  const net = network("n", { hosts: { a: [1] }, crashes: 1 });
  assert.throws(() => crashHost(net, "c"), /network 'n' has no host 'c'/);
  // Two crash steps, one crash allowed: the second never fires.
  const twice = mk("twice", () => {
    const sys = system({ n: 0 });
    sys.process("fault", {}, (s) => [
      crashHost(net, "a"),
      restartHost(net, "a"),
      choose([crashHost(net, "a"), s.do("again", ({ g }) => g.n = 1)], [s.when("stop", timeout)]),
    ]);
    return sys;
  });
  assert.deepEqual(endValues(explore(twice.compile({})), "n"), ["0"]);
});

Deno.test("network: declarations are checked", () => {
  assert.throws(() => network("n", { hosts: {} }), /hosts must name at least one host/);
  assert.throws(() => network("n", { hosts: { a: [] } }), /host 'a' must list at least one port/);
  assert.throws(() => network("n", { hosts: { a: [1, 1] } }), /port 1 of host 'a' is listed twice/);
  assert.throws(() => network("n", { hosts: { a: [1] }, capacity: 0 }), /capacity must be >= 1/);
  assert.throws(() => network("n", { hosts: { a: [1] }, loss: -1 }), /loss must be >= 0/);
  const net = network("n", { hosts: { a: [1], b: [2] } });
  assert.equal(net.slots, 3 + 2 + 2 * (1 + 2 * 3));
  assert.throws(() => endpoint(net, "a", 2), /network 'n' has no endpoint a:2/);
  assert.throws(() => udpSend(net, { from: 0, to: 2, value: 1 }), /to must be <= 1, got 2/);
  assert.throws(
    () => udpRecv(net, { at: 0, into: {} as never }),
    /must be a target made by s.into/,
  );
  const bad = mk("bad", () => {
    const sys = system({});
    sys.process("p", {}, () => [udpSend(net, { from: 0, to: 1, value: -1 })]);
    return sys;
  });
  assert.match(check(bad).error?.message ?? "", /cannot send -1 on network 'n'/);
});

Deno.test("network: traces name each outcome, the state lists what is in flight", () => {
  const r = check(mk("lossy", () => {
    const sys = system({ got: 0 });
    const net = network("net", { hosts: { a: [1], b: [1] }, loss: 1, duplicate: 1, capacity: 3 });
    sys.process("p", {}, () => [udpSend(net, { from: 0, to: 1, value: 7 })]);
    sys.always("delivered", (v) => v.value(net) !== 2);
    return sys;
  }));
  assert.deepEqual(r.violation?.steps.map((s) => s.operation), [
    "send(net) a:1 → b:1: duplicated",
  ]);
  assert.match(r.violation!.state!, /net=\{b:1\[7@a:1,7@a:1\] lost 0 duplicated 1\}/);
});

Deno.test("network: delivery templates see losses, duplicates and reordering", () => {
  const watched = (options: Omit<NetworkOptions, "hosts">) =>
    mk("watched", () => {
      const sys = system({});
      const net = network("net", { hosts: { a: [1], b: [1] }, ...options });
      sys.process("sender", {}, () => [
        udpSend(net, { from: 0, to: 1, value: 1 }),
        udpSend(net, { from: 0, to: 1, value: 2 }),
      ]);
      sys.process("receiver", { locals: { v: 0 } }, (s) => [
        loop(
          choose([udpRecv(net, { at: 1, into: s.into("v") })], [
            s.when("stop", timeout),
            breakLoop(),
          ]),
        ),
      ]);
      return sys.delivery(net, { exactlyOnce: true, order: "fifo" });
    });
  assert.equal(check(watched({})).verdict, "ok");
  const lost = check(watched({ loss: 1 })).violation;
  assert.equal(lost?.property, "net: no loss");
  assert.match(
    lost!.message,
    /message 1 from sender#0 was destroyed before anyone received it \(to b:1\)/,
  );
  const dup = check(watched({ duplicate: 1, capacity: 4 })).violation;
  assert.equal(dup?.property, "net: no duplicate");
  assert.equal(check(watched({ reorder: true })).violation?.property, "net: FIFO");
  assert.equal(check(watched({ capacity: 1 })).violation?.property, "net: no loss");
});

/** A tiny seeded generator (xorshift), so the footprint test is repeatable. */
function rng(seed: number) {
  let x = seed;
  return (n: number) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

function footprintOps(net: Network): OpImpl[] {
  const v = into("v"), src = into("src");
  return [
    ...opsOf(udpSend(net, { from: 0, to: 1, value: 3 })),
    ...opsOf(udpSend(net, { from: 1, to: 1, value: 4 })),
    ...opsOf(udpSend(net, { from: 1, to: 0, value: 5 })),
    ...opsOf(udpRecv(net, { at: 1, into: v, from: src })),
    ...opsOf(udpRecv(net, { at: 0, into: v })),
    ...opsOf(crashHost(net, "b")),
    ...opsOf(restartHost(net, "b")),
  ];
}

/** Fires `op` (outcome `c`) on a copy of `w`; the copy and the locals, or undefined when disabled. */
function fireOn(op: OpImpl, w: Int32Array, c: number) {
  const l = { v: 0, src: 0 };
  const ctx = { g: {}, l, id: 0, pid: 0 };
  const u = w.slice();
  if (!op.enabled(u, 0, 0, ctx)) return undefined;
  if (op.choices !== undefined && c >= op.choices(u, 0, 0, ctx)) return undefined;
  op.apply(u, 0, 0, ctx, String, c);
  return { u, l: `${l.v},${l.src}` };
}

Deno.test("network: every operation reads and writes only the slots its footprint declares", () => {
  for (const reorder of [false, true]) {
    const net = network("n", {
      hosts: { a: [1], b: [1] },
      capacity: 3,
      loss: 2,
      duplicate: 2,
      crashes: 2,
      reorder,
    });
    const ops = footprintOps(net);
    const next = rng(reorder ? 7 : 11);
    let w = new Int32Array(net.slots);
    net.init(w, 0);
    for (let round = 0; round < 400; round++) {
      const op = ops[next(ops.length)]!;
      const c = next(3);
      const fired = fireOn(op, w, c);
      if (fired === undefined) continue;
      const fp = op.footprint!;
      const writes = fp.writes === "all" ? undefined : new Set(fp.writes);
      const reads = fp.reads === "all" ? undefined : new Set(fp.reads);
      for (let i = 0; i < w.length; i++) {
        if (fired.u[i] !== w[i]) assert.ok(writes?.has(i) ?? true, `${op.text} writes slot ${i}`);
      }
      // Change a slot it does not read: the outcome on its written slots is the same.
      const other = [...Array(w.length).keys()].filter((i) => !(reads?.has(i) ?? true));
      if (other.length > 0) {
        const i = other[next(other.length)]!;
        const v = w.slice();
        v[i] = v[i]! + 1;
        const again = fireOn(op, v, c);
        assert.ok(again !== undefined, `${op.text} reads slot ${i}`);
        assert.equal(again.l, fired.l, `${op.text} reads slot ${i}`);
        for (const k of writes ?? []) assert.equal(again.u[k], fired.u[k], `${op.text} reads ${i}`);
      }
      w = fired.u;
    }
  }
});

Deno.test("network: the reduced search and the generated code agree with the unreduced interpreter", () => {
  for (
    const [options, crash] of [
      [{ loss: 1, duplicate: 1, capacity: 3 }, false],
      [{ reorder: true, duplicate: true, capacity: 3 }, false],
      [{ loss: true, crashes: 1 }, true],
    ] as const
  ) {
    const s = pair(options, crash);
    const interp = explore(s.compile({}, { interpret: true }));
    const gen = explore(s.compile({}));
    assert.equal(gen.states, interp.states);
    assert.deepEqual([...gen.ends].sort(), [...interp.ends].sort());
    const full = check(s);
    const por = check(s, { reduction: "por" });
    assert.equal(full.stats.states, interp.states);
    assert.equal(por.verdict, full.verdict);
    assert.ok(por.stats.states <= full.stats.states);
  }
});

Deno.test("network: symmetry reduction is refused (addresses are fixed per process)", () => {
  const sym = mk("sym", () => {
    const sys = system({});
    const net = network("net", { hosts: { a: [1, 2] } });
    sys.process("p", { count: 2, symmetric: true }, (s) => [
      udpSend(net, { from: 0, to: 1, value: 1 }),
      s.do("idle", () => {}),
    ]);
    return sys;
  });
  const r = check(sym, { symmetry: true });
  assert.match(r.error?.message ?? "", /network 'net' cannot rename the processes it records/);
});

Deno.test("network: a crash empties the host's endpoints; while down it receives nothing and what is sent to it is lost", () => {
  const net = network("n", { hosts: { a: [1], b: [1, 2] }, crashes: 1, capacity: 2 });
  const v = into("v");
  const [toB1] = opsOf(udpSend(net, { from: 0, to: 1, value: 3 }));
  const [toB2] = opsOf(udpSend(net, { from: 0, to: 2, value: 4 }));
  const [toA] = opsOf(udpSend(net, { from: 1, to: 0, value: 5 }));
  const [recvB1] = opsOf(udpRecv(net, { at: 1, into: v }));
  const [recvA] = opsOf(udpRecv(net, { at: 0, into: v }));
  const [crash] = opsOf(crashHost(net, "b"));
  const [restart] = opsOf(restartHost(net, "b"));
  let w = new Int32Array(net.slots);
  net.init(w, 0);
  for (const op of [toB1, toB2, toA, crash]) w = fireOn(op!, w, 0)!.u;
  // b's two endpoints lost their datagrams, a kept its own.
  assert.equal(net.format(w, 0, String), "{b down a:1[5@b:1] crashed 1}");
  assert.equal(fireOn(recvB1!, w, 0), undefined);
  assert.equal(fireOn(crash!, fireOn(restart!, w, 0)!.u, 0), undefined, "one crash allowed");
  w = fireOn(toB1!, w, 0)!.u;
  assert.equal(net.format(w, 0, String), "{b down a:1[5@b:1] crashed 1}");
  w = fireOn(restart!, w, 0)!.u;
  assert.equal(fireOn(recvB1!, w, 0), undefined, "nothing in flight to b:1");
  assert.equal(fireOn(recvA!, w, 0)!.l, "5,0");
});
