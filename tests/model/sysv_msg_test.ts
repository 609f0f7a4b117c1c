// System V message queues (docs/semantics.md §2): one test (at least) per
// rule the primitive implements, each of which would fail if the rule were
// broken, then a model-based test of the compiled model against a plain
// reference implementation of the same rules.

import assert from "node:assert/strict";
import fc from "fast-check";
import { check, choose, type Expr, loop, spec, status, type System, system } from "../../mod.ts";
import type { StepBuilder } from "../../model/steps.ts";
import {
  msgctlRmid,
  MSGMAX,
  type MsgQueue,
  msgQueue,
  type MsgQueueOptions,
  msgrcv,
  type MsgrcvOptions,
  msgsnd,
  type MsgsndOptions,
} from "../../model/primitives/sysv_msg.ts";
import { Driver } from "./_mq_driver.ts";

// deno-lint-ignore no-explicit-any
function mk(name: string, build: () => System<any>) {
  return spec({ name, params: {}, build });
}

const LOCALS = { st: status(), v: 0, t: 0, n: 0 };
type B = StepBuilder<Record<never, never>, { st: number; v: number; t: number; n: number }>;

/** Receive options storing everything into the standard locals. */
function rx(s: B, o: Omit<MsgrcvOptions, "into" | "mtype" | "len" | "status">): MsgrcvOptions {
  return { ...o, into: s.into("v"), mtype: s.into("t"), len: s.into("n"), status: s.into("st") };
}

/** Send options storing the status. */
function tx(s: B, o: Omit<MsgsndOptions, "status">): MsgsndOptions {
  return { ...o, status: s.into("st") };
}

/**
 * A system of processes each running a straight list of queue calls built
 * by `body(s, q)`, keyed by process name.
 */
function scenario(
  qopts: MsgQueueOptions,
  bodies: Record<string, (s: B, q: MsgQueue) => ReturnType<typeof msgsnd>[]>,
): Driver {
  return new Driver(mk("scenario", () => {
    const sys = system({});
    const q = msgQueue("q", qopts);
    for (const [name, body] of Object.entries(bodies)) {
      sys.process(name, { locals: LOCALS }, (s) => body(s as unknown as B, q));
    }
    return sys;
  }));
}

// --- msgsnd ---------------------------------------------------------------------

Deno.test("msgsnd: mtype < 1 and size > msgmax are EINVAL; a 0-byte message is valid", () => {
  const d = scenario({ qbytes: 16, msgmax: 8 }, {
    p: (s, q) => [
      msgsnd(q, tx(s, { type: 0, value: 1, text: "type0" })),
      msgsnd(q, tx(s, { type: -3, value: 1, text: "type-3" })),
      msgsnd(q, tx(s, { type: 1, value: 1, size: 9, text: "size9" })),
      msgsnd(q, tx(s, { type: 1, value: 5, size: 0, text: "size0" })),
      msgsnd(q, tx(s, { type: 1, value: 6, size: 8, text: "size8" })),
    ],
  });
  for (const t of ["type0", "type-3", "size9"]) {
    d.fire("p#0", t);
    assert.equal(d.local("p#0", "st"), "EINVAL", t);
    assert.equal(d.show("q"), "[]", t);
  }
  d.fire("p#0", "size0");
  assert.equal(d.local("p#0", "st"), "OK");
  d.fire("p#0", "size8");
  assert.equal(d.show("q"), "[1:5(0B) 1:6(8B)]");
  assert.equal(MSGMAX, 8192);
  assert.equal(msgQueue("x").msgmax, MSGMAX);
});

Deno.test("msgsnd: room is cbytes + n <= qbytes (bytes)", () => {
  // qbytes 8: two 4-byte messages fit, a third does not: EAGAIN with
  // IPC_NOWAIT, blocking without; a 0-byte message still fits.
  const d = scenario({ qbytes: 8 }, {
    p: (s, q) => [
      msgsnd(q, tx(s, { type: 1, value: 1 })),
      msgsnd(q, tx(s, { type: 1, value: 2 })),
      msgsnd(q, tx(s, { type: 1, value: 3, nowait: true, text: "nowait" })),
      msgsnd(q, tx(s, { type: 1, value: 4, size: 0, text: "empty" })),
      msgsnd(q, tx(s, { type: 1, value: 5, size: 1, text: "one" })),
    ],
  });
  d.fire("p#0", "msgsnd(q, type 1, 4B)").fire("p#0", "msgsnd(q, type 1, 4B)");
  d.fire("p#0", "nowait");
  assert.equal(d.local("p#0", "st"), "EAGAIN");
  assert.equal(d.show("q"), "[1:1(4B) 1:2(4B)]");
  d.fire("p#0", "empty");
  assert.equal(d.local("p#0", "st"), "OK");
  assert.deepEqual(d.ops("p#0"), ["one blocks"]);
});

Deno.test("msgsnd: room is also qnum + 1 <= qbytes (count)", () => {
  // qbytes 3 and 0-byte messages: the byte limit never binds, the count
  // limit admits 3 messages, the 4th gets EAGAIN.
  const d = scenario({ qbytes: 3, capacity: 4 }, {
    p: (s, q) => [
      msgsnd(q, tx(s, { type: 1, value: 1, size: 0, nowait: true, text: "a" })),
      msgsnd(q, tx(s, { type: 1, value: 2, size: 0, nowait: true, text: "b" })),
      msgsnd(q, tx(s, { type: 1, value: 3, size: 0, nowait: true, text: "c" })),
      msgsnd(q, tx(s, { type: 1, value: 4, size: 0, nowait: true, text: "d" })),
    ],
  });
  d.fire("p#0", "a").fire("p#0", "b").fire("p#0", "c");
  assert.equal(d.local("p#0", "st"), "OK");
  d.fire("p#0", "d");
  assert.equal(d.local("p#0", "st"), "EAGAIN");
  assert.equal(d.show("q"), "[1:1(0B) 1:2(0B) 1:3(0B)]");
});

Deno.test("msgsnd: a blocked sender proceeds once its message fits; every fitting sender races", () => {
  // qbytes 8, full with two 4-byte messages; s0 and s1 block with 4-byte
  // messages; one receive makes room for exactly one of them: both may
  // win (ND), and the loser stays blocked.
  const build = () =>
    scenario({ qbytes: 8 }, {
      f: (
        s,
        q,
      ) => [msgsnd(q, tx(s, { type: 1, value: 1 })), msgsnd(q, tx(s, { type: 1, value: 2 }))],
      s: (s, q) => [msgsnd(q, tx(s, { type: 2, value: 9, text: "snd" }))],
      r: (s, q) => [msgrcv(q, rx(s, { type: 1, text: "rcv" }))],
    });
  const setup = (d: Driver) => {
    d.fire("f#0", "msgsnd(q, type 1, 4B)").fire("f#0", "msgsnd(q, type 1, 4B)");
    d.fire("s#0", "snd blocks");
    assert.deepEqual(d.ops("s#0"), []);
    d.fire("r#0", "rcv");
    assert.equal(d.show("q"), "[1:2(4B)]; senders s#0 2:9(4B)");
    return d;
  };
  const d = setup(build());
  assert.deepEqual(d.ops("s#0"), ["snd wakes"]);
  d.fire("s#0", "snd wakes");
  assert.equal(d.local("s#0", "st"), "OK");
  assert.equal(d.show("q"), "[1:2(4B) 2:9(4B)]");
  // Two blocked senders, room for one: both orders are explored.
  const two = new Driver(mk("race", () => {
    const sys = system({});
    const q = msgQueue("q", { qbytes: 4 });
    sys.process("f", { locals: LOCALS }, () => [msgsnd(q, { type: 1, value: 1 })]);
    sys.process("s", { count: 2, locals: LOCALS }, (s) => [
      msgsnd(q, { type: 2, value: s.expr(({ id }) => id + 10), text: "snd", status: s.into("st") }),
    ]);
    sys.process(
      "r",
      { locals: LOCALS },
      (s) => [msgrcv(q, { type: 1, text: "rcv", into: s.into("v") })],
    );
    return sys;
  }));
  two.fire("f#0", "msgsnd(q, type 1, 4B)").fire("s#0", "snd blocks").fire("s#1", "snd blocks");
  assert.deepEqual(two.ops("s#0"), []);
  two.fire("r#0", "rcv");
  assert.ok(two.can("s#0", "snd wakes") && two.can("s#1", "snd wakes"));
  two.fire("s#1", "snd wakes");
  assert.equal(two.show("q"), "[2:11(4B)]; senders s#0 2:10(4B)");
  assert.deepEqual(two.ops("s#0"), [], "the loser is blocked again");
});

Deno.test("msgsnd: a large blocked message waits while a smaller one fits (starvation)", () => {
  // qbytes 6 holding 2 + 4 bytes; big (5 bytes) and small (1 byte) block.
  // Receiving the 2-byte message leaves 4 used: only small fits.
  const d = scenario({ qbytes: 6 }, {
    f: (s, q) => [
      msgsnd(q, tx(s, { type: 1, value: 1, size: 2 })),
      msgsnd(q, tx(s, { type: 1, value: 5, size: 4 })),
    ],
    big: (s, q) => [msgsnd(q, tx(s, { type: 1, value: 2, size: 5, text: "snd" }))],
    small: (s, q) => [msgsnd(q, tx(s, { type: 1, value: 3, size: 1, text: "snd" }))],
    r: (s, q) => [msgrcv(q, rx(s, { type: 0, text: "rcv" }))],
  });
  d.fire("f#0", "msgsnd(q, type 1, 2B)").fire("f#0", "msgsnd(q, type 1, 4B)");
  d.fire("big#0", "snd blocks").fire("small#0", "snd blocks");
  d.fire("r#0", "rcv");
  assert.deepEqual(d.ops("big#0"), []);
  assert.deepEqual(d.ops("small#0"), ["snd wakes"]);
  d.fire("small#0", "snd wakes");
  assert.equal(d.show("q"), "[1:5(4B) 1:3(1B)]; senders big#0 1:2(5B)");
});

Deno.test("msgsnd: a blocked receiver gets the message directly; it never enters the queue", () => {
  // r0 blocks; a send hands the message over: the queue stays empty, so a
  // receiver that never blocked (r1) cannot take it (no barging).
  const d = scenario({ qbytes: 16 }, {
    r: (s, q) => [msgrcv(q, rx(s, { type: 0, text: "rcv" }))],
    b: (s, q) => [msgrcv(q, rx(s, { type: 0, nowait: true, text: "try" }))],
    s: (s, q) => [msgsnd(q, tx(s, { type: 3, value: 7 }))],
  });
  d.fire("r#0", "rcv blocks");
  assert.equal(d.show("q"), "[]; receivers r#0 any 8192B");
  d.fire("s#0", "msgsnd(q, type 3, 4B)");
  assert.equal(d.show("q"), "[]; woken r#0 got 3:7(4B)");
  d.fire("b#0", "try");
  assert.equal(d.local("b#0", "st"), "ENOMSG");
  d.fire("r#0", "rcv wakes");
  assert.deepEqual(d.locals("r#0"), { st: "OK", v: "7", t: "3", n: "4" });
  assert.equal(d.show("q"), "[]");
});

Deno.test("msgsnd: the earliest blocked matching receiver gets it; non-matching ones are skipped", () => {
  const d = scenario({ qbytes: 16 }, {
    a: (s, q) => [msgrcv(q, rx(s, { type: 2, text: "rcv" }))],
    b: (s, q) => [msgrcv(q, rx(s, { type: 0, text: "rcv" }))],
    c: (s, q) => [msgrcv(q, rx(s, { type: 0, text: "rcv" }))],
    s: (s, q) => [msgsnd(q, tx(s, { type: 1, value: 7 })), msgsnd(q, tx(s, { type: 2, value: 8 }))],
  });
  // Blocking order c, a, b: type 1 skips a (type 2) and goes to c, the
  // earliest of the matching c and b; type 2 then goes to a (before b).
  d.fire("c#0", "rcv blocks").fire("a#0", "rcv blocks").fire("b#0", "rcv blocks");
  assert.equal(d.show("q"), "[]; receivers c#0 any 8192B, a#0 type 2 8192B, b#0 any 8192B");
  d.fire("s#0", "msgsnd(q, type 1, 4B)");
  assert.deepEqual(d.ops("c#0"), ["rcv wakes"]);
  assert.deepEqual(d.ops("a#0"), []);
  assert.deepEqual(d.ops("b#0"), []);
  d.fire("s#0", "msgsnd(q, type 2, 4B)");
  assert.deepEqual(d.ops("a#0"), ["rcv wakes"]);
  assert.deepEqual(d.ops("b#0"), []);
  d.fire("a#0", "rcv wakes").fire("c#0", "rcv wakes");
  assert.equal(d.local("a#0", "v"), "8");
  assert.equal(d.local("c#0", "v"), "7");
});

Deno.test("msgsnd: a matching blocked receiver with too small a buffer wakes with E2BIG; the scan goes on", () => {
  const d = scenario({ qbytes: 16 }, {
    small: (s, q) => [msgrcv(q, rx(s, { type: 0, msgsz: 2, text: "rcv" }))],
    trunc: (s, q) => [msgrcv(q, rx(s, { type: 0, msgsz: 1, noerror: true, text: "rcv" }))],
    big: (s, q) => [msgrcv(q, rx(s, { type: 0, msgsz: 8, text: "rcv" }))],
    s: (s, q) => [msgsnd(q, tx(s, { type: 1, value: 7 })), msgsnd(q, tx(s, { type: 1, value: 8 }))],
  });
  d.fire("small#0", "rcv blocks").fire("trunc#0", "rcv blocks").fire("big#0", "rcv blocks");
  d.fire("s#0", "msgsnd(q, type 1, 4B)");
  // small: E2BIG; trunc (MSG_NOERROR) takes it truncated to 1 byte; big waits.
  assert.equal(d.show("q"), "[]; receivers big#0 any 8B; woken small#0 E2BIG, trunc#0 got 1:7(1B)");
  d.fire("small#0", "rcv wakes").fire("trunc#0", "rcv wakes");
  assert.deepEqual(d.locals("small#0"), { st: "E2BIG", v: "0", t: "0", n: "0" });
  assert.deepEqual(d.locals("trunc#0"), { st: "OK", v: "7", t: "1", n: "1" });
  d.fire("s#0", "msgsnd(q, type 1, 4B)");
  d.fire("big#0", "rcv wakes");
  assert.deepEqual(d.locals("big#0"), { st: "OK", v: "8", t: "1", n: "4" });
});

Deno.test("msgsnd: when every matching receiver's buffer is too small the message is queued", () => {
  const d = scenario({ qbytes: 16 }, {
    small: (s, q) => [msgrcv(q, rx(s, { type: 0, msgsz: 2, text: "rcv" }))],
    s: (s, q) => [msgsnd(q, tx(s, { type: 1, value: 7 }))],
  });
  d.fire("small#0", "rcv blocks").fire("s#0", "msgsnd(q, type 1, 4B)");
  assert.equal(d.show("q"), "[1:7(4B)]; woken small#0 E2BIG");
});

// --- msgrcv ---------------------------------------------------------------------

/** A queue filled with `msgs` (type, value) in order, then one receive. */
function afterFill(
  msgs: [number, number][],
  o: Omit<MsgrcvOptions, "into" | "mtype" | "len" | "status">,
) {
  const d = scenario({ qbytes: 64, capacity: 8 }, {
    s: (s, q) => msgs.map(([type, value], i) => msgsnd(q, tx(s, { type, value, text: `m${i}` }))),
    r: (s, q) => [msgrcv(q, rx(s, { ...o, text: "rcv" }))],
  });
  msgs.forEach((_, i) => d.fire("s#0", `m${i}`));
  return d;
}

Deno.test("msgrcv: type 0 takes the first message (FIFO overall)", () => {
  const d = afterFill([[3, 30], [1, 10], [2, 20]], { type: 0 });
  d.fire("r#0", "rcv");
  assert.deepEqual(d.locals("r#0"), { st: "OK", v: "30", t: "3", n: "4" });
  assert.equal(d.show("q"), "[1:10(4B) 2:20(4B)]");
});

Deno.test("msgrcv: type t > 0 takes the first message of type t (FIFO within a type)", () => {
  const d = afterFill([[1, 10], [2, 20], [2, 21], [1, 11]], { type: 2 });
  d.fire("r#0", "rcv");
  assert.equal(d.local("r#0", "v"), "20");
  assert.equal(d.show("q"), "[1:10(4B) 2:21(4B) 1:11(4B)]");
});

Deno.test("msgrcv: MSG_EXCEPT takes the first message of another type (only for t > 0)", () => {
  const d = afterFill([[1, 10], [1, 11], [3, 30], [2, 20]], { type: 1, except: true });
  d.fire("r#0", "rcv");
  assert.equal(d.local("r#0", "v"), "30");
  const zero = afterFill([[1, 10], [3, 30]], { type: 0, except: true });
  zero.fire("r#0", "rcv");
  assert.equal(zero.local("r#0", "v"), "10", "type 0 with MSG_EXCEPT is still 'first'");
});

Deno.test("msgrcv: type t < 0 takes the first among the lowest mtype <= |t|", () => {
  const cases: [[number, number][], number, string][] = [
    [[[3, 30], [2, 20], [1, 10], [1, 11]], -3, "10"],
    [[[3, 30], [2, 20], [2, 21]], -3, "20"],
    [[[3, 30], [2, 20], [4, 40]], -2, "20"],
    [[[5, 50], [4, 40], [3, 30]], -4, "30"],
    [[[1, 10], [3, 30]], -5, "10"],
  ];
  for (const [msgs, t, want] of cases) {
    const d = afterFill(msgs, { type: t });
    d.fire("r#0", "rcv");
    assert.equal(d.local("r#0", "v"), want, `${JSON.stringify(msgs)} with ${t}`);
  }
  const none = afterFill([[3, 30], [2, 20]], { type: -1, nowait: true });
  none.fire("r#0", "rcv");
  assert.equal(none.local("r#0", "st"), "ENOMSG");
});

Deno.test("msgrcv: no match is ENOMSG with IPC_NOWAIT (not EAGAIN), and blocks without", () => {
  const d = afterFill([[1, 10]], { type: 2, nowait: true });
  d.fire("r#0", "rcv");
  assert.equal(d.local("r#0", "st"), "ENOMSG");
  const b = afterFill([[1, 10]], { type: 2 });
  assert.deepEqual(b.ops("r#0"), ["rcv blocks"]);
});

Deno.test("msgrcv: a message larger than msgsz is E2BIG and stays queued; the buffer is untouched", () => {
  const d = scenario({ qbytes: 64 }, {
    s: (
      s,
      q,
    ) => [
      msgsnd(q, tx(s, { type: 1, value: 10, size: 6 })),
      msgsnd(q, tx(s, { type: 1, value: 11, size: 2 })),
    ],
    r: (s, q) => [
      msgrcv(q, rx(s, { type: 0, msgsz: 5, text: "small" })),
      msgrcv(q, rx(s, { type: 0, msgsz: 5, nowait: true, text: "small nowait" })),
    ],
  });
  d.fire("s#0", "msgsnd(q, type 1, 6B)").fire("s#0", "msgsnd(q, type 1, 2B)");
  d.fire("r#0", "small");
  assert.deepEqual(d.locals("r#0"), { st: "E2BIG", v: "0", t: "0", n: "0" });
  assert.equal(d.show("q"), "[1:10(6B) 1:11(2B)]");
  d.fire("r#0", "small nowait");
  assert.equal(d.local("r#0", "st"), "E2BIG", "E2BIG, not ENOMSG, with IPC_NOWAIT");
});

Deno.test("msgrcv: MSG_NOERROR truncates to msgsz and removes the message", () => {
  const d = scenario({ qbytes: 64 }, {
    s: (s, q) => [msgsnd(q, tx(s, { type: 1, value: 10, size: 6 }))],
    r: (s, q) => [msgrcv(q, rx(s, { type: 0, msgsz: 5, noerror: true, text: "rcv" }))],
  });
  d.fire("s#0", "msgsnd(q, type 1, 6B)").fire("r#0", "rcv");
  assert.deepEqual(d.locals("r#0"), { st: "OK", v: "10", t: "1", n: "5" });
  assert.equal(d.show("q"), "[]");
});

Deno.test("msgrcv: msgsz < 0 is EINVAL", () => {
  const d = afterFill([[1, 10]], { type: 0, msgsz: -1 });
  d.fire("r#0", "rcv");
  assert.equal(d.local("r#0", "st"), "EINVAL");
  assert.equal(d.show("q"), "[1:10(4B)]");
});

Deno.test("msgrcv: a receive frees room and wakes blocked senders", () => {
  const d = scenario({ qbytes: 4 }, {
    s: (
      s,
      q,
    ) => [
      msgsnd(q, tx(s, { type: 1, value: 1 })),
      msgsnd(q, tx(s, { type: 1, value: 2, text: "snd" })),
    ],
    r: (s, q) => [msgrcv(q, rx(s, { type: 0, text: "rcv" }))],
  });
  d.fire("s#0", "msgsnd(q, type 1, 4B)").fire("s#0", "snd blocks");
  assert.deepEqual(d.ops("s#0"), []);
  d.fire("r#0", "rcv").fire("s#0", "snd wakes");
  assert.equal(d.show("q"), "[1:2(4B)]");
});

// --- IPC_RMID -------------------------------------------------------------------

Deno.test("IPC_RMID: discards the messages and wakes every blocked sender and receiver with EIDRM", () => {
  const d = scenario({ qbytes: 4 }, {
    f: (s, q) => [msgsnd(q, tx(s, { type: 1, value: 1 }))],
    s: (s, q) => [msgsnd(q, tx(s, { type: 1, value: 2, text: "snd" }))],
    r: (s, q) => [msgrcv(q, rx(s, { type: 5, text: "rcv" }))],
    k: (s, q) => [msgctlRmid(q, { status: s.into("st") })],
  });
  d.fire("f#0", "msgsnd(q, type 1, 4B)").fire("s#0", "snd blocks").fire("r#0", "rcv blocks");
  assert.deepEqual(d.ops("s#0"), []);
  d.fire("k#0", "msgctl(q, IPC_RMID)");
  assert.equal(d.local("k#0", "st"), "OK");
  assert.equal(d.show("q"), "removed; woken s#0 EIDRM, r#0 EIDRM");
  d.fire("s#0", "snd wakes").fire("r#0", "rcv wakes");
  assert.equal(d.local("s#0", "st"), "EIDRM");
  assert.deepEqual(d.locals("r#0"), { st: "EIDRM", v: "0", t: "0", n: "0" });
  assert.equal(d.show("q"), "removed");
  // The messages are gone: the queue's value (qnum) is 0 after the removal.
  const r = check(mk("rmid_discards", () => {
    const sys = system({});
    const q = msgQueue("q", { qbytes: 16 });
    sys.process("p", { locals: LOCALS }, () => [
      msgsnd(q, { type: 1, value: 1 }),
      msgsnd(q, { type: 2, value: 2 }),
      msgctlRmid(q),
    ]);
    sys.atEnd("no message left", (v) => v.value(q) === 0);
    return sys;
  }));
  assert.equal(r.verdict, "ok");
  assert.equal(r.stats.states, 4);
});

Deno.test("IPC_RMID: every later call gets EINVAL and nothing succeeds", () => {
  const d = scenario({ qbytes: 16 }, {
    k: (s, q) => [msgctlRmid(q, { status: s.into("st") }), msgctlRmid(q, { status: s.into("st") })],
    p: (s, q) => [
      msgsnd(q, tx(s, { type: 1, value: 1, text: "snd" })),
      msgrcv(q, rx(s, { type: 0, text: "rcv" })),
      msgrcv(q, rx(s, { type: 0, nowait: true, text: "try" })),
    ],
  });
  d.fire("k#0", "msgctl(q, IPC_RMID)");
  d.fire("p#0", "snd");
  assert.equal(d.local("p#0", "st"), "EINVAL");
  d.fire("p#0", "rcv");
  assert.equal(d.local("p#0", "st"), "EINVAL");
  d.fire("p#0", "try");
  assert.equal(d.local("p#0", "st"), "EINVAL");
  d.fire("k#0", "msgctl(q, IPC_RMID)");
  assert.equal(d.local("k#0", "st"), "EINVAL");
});

Deno.test("IPC_RMID: a receiver already handed a message keeps it", () => {
  const d = scenario({ qbytes: 16 }, {
    r: (s, q) => [msgrcv(q, rx(s, { type: 0, text: "rcv" }))],
    s: (s, q) => [msgsnd(q, tx(s, { type: 1, value: 7 }))],
    k: (_s, q) => [msgctlRmid(q)],
  });
  d.fire("r#0", "rcv blocks").fire("s#0", "msgsnd(q, type 1, 4B)").fire(
    "k#0",
    "msgctl(q, IPC_RMID)",
  );
  d.fire("r#0", "rcv wakes");
  assert.deepEqual(d.locals("r#0"), { st: "OK", v: "7", t: "1", n: "4" });
});

Deno.test("failures leave the receive buffer untouched (E2BIG, EIDRM after a hand-off scan)", () => {
  const d = scenario({ qbytes: 16 }, {
    r: (s, q) => [
      msgrcv(q, rx(s, { type: 0, text: "first" })),
      msgrcv(q, rx(s, { type: 0, msgsz: 2, text: "small" })),
      msgrcv(q, rx(s, { type: 5, text: "last" })),
    ],
    s: (s, q) => [msgsnd(q, tx(s, { type: 2, value: 7 })), msgsnd(q, tx(s, { type: 1, value: 8 }))],
    k: (_s, q) => [msgctlRmid(q)],
  });
  d.fire("s#0", "msgsnd(q, type 2, 4B)").fire("r#0", "first");
  assert.deepEqual(d.locals("r#0"), { st: "OK", v: "7", t: "2", n: "4" });
  d.fire("r#0", "small blocks").fire("s#0", "msgsnd(q, type 1, 4B)").fire("r#0", "small wakes");
  assert.deepEqual(d.locals("r#0"), { st: "E2BIG", v: "7", t: "2", n: "4" });
  d.fire("r#0", "last blocks").fire("k#0", "msgctl(q, IPC_RMID)").fire("r#0", "last wakes");
  assert.deepEqual(d.locals("r#0"), { st: "EIDRM", v: "7", t: "2", n: "4" });
});

Deno.test("msgsnd: a message larger than qbytes blocks until IPC_RMID; after it, EINVAL at once", () => {
  const d = scenario({ qbytes: 4 }, {
    a: (s, q) => [msgsnd(q, tx(s, { type: 1, value: 1, size: 8, text: "snd" }))],
    k: (_s, q) => [msgctlRmid(q)],
    b: (s, q) => [
      msgsnd(q, tx(s, { type: 1, value: 2, size: 8, text: "snd" })),
      msgrcv(q, rx(s, { type: 3, text: "rcv" })),
    ],
  });
  d.fire("a#0", "snd blocks");
  assert.deepEqual(d.ops("a#0"), []);
  d.fire("k#0", "msgctl(q, IPC_RMID)");
  d.fire("a#0", "snd wakes");
  assert.equal(d.local("a#0", "st"), "EIDRM");
  assert.deepEqual(d.ops("b#0"), ["snd"]);
  d.fire("b#0", "snd");
  assert.equal(d.local("b#0", "st"), "EINVAL");
  assert.deepEqual(d.ops("b#0"), ["rcv"]);
  d.fire("b#0", "rcv");
  assert.equal(d.local("b#0", "st"), "EINVAL");
});

// --- the model's bounds, end states, and expressions ---------------------------

Deno.test("bounds: exceeding capacity or waiters ends the search as incomplete", () => {
  const cap = check(mk("cap", () => {
    const sys = system({});
    const q = msgQueue("q", { qbytes: 16, capacity: 2 });
    sys.process("p", { locals: LOCALS }, () => [
      msgsnd(q, { type: 1, value: 1 }),
      msgsnd(q, { type: 1, value: 2 }),
      msgsnd(q, { type: 1, value: 3 }),
    ]);
    return sys;
  }));
  assert.equal(cap.verdict, "incomplete");
  assert.equal(cap.incomplete?.reason, "bound");
  assert.equal(cap.incomplete?.trace?.property, "q capacity");
  assert.match(cap.incomplete?.message ?? "", /more than its capacity of 2 messages/);
  const waiters = check(mk("waiters", () => {
    const sys = system({});
    const q = msgQueue("q", { qbytes: 16, waiters: 1 });
    sys.process("r", { count: 2, locals: LOCALS }, () => [msgrcv(q, {})]);
    sys.process("s", { locals: LOCALS }, () => [msgsnd(q, { type: 1, value: 1 })]);
    sys.configure({ deadlock: false });
    return sys;
  }));
  assert.equal(waiters.verdict, "incomplete");
  assert.match(waiters.incomplete?.message ?? "", /more than 1 processes parked/);
  // qbytes <= capacity: the count limit keeps the model within its slots.
  const exact = check(mk("exact", () => {
    const sys = system({});
    const q = msgQueue("q", { qbytes: 2, capacity: 2 });
    sys.process("p", { locals: LOCALS }, (s) => [
      msgsnd(q, { type: 1, value: 1, size: 0 }),
      msgsnd(q, { type: 1, value: 2, size: 0 }),
      msgsnd(q, { type: 1, value: 3, size: 0, nowait: true, status: s.into("st") }),
    ]);
    sys.atEnd("third is EAGAIN", () => true);
    return sys;
  }));
  assert.equal(exact.verdict, "ok");
});

Deno.test("end: a receiver blocked with end: true is a valid end state, without it a deadlock", () => {
  const run = (end: boolean) =>
    check(mk("server", () => {
      const sys = system({});
      const q = msgQueue("q", { qbytes: 16 });
      sys.process("server", { locals: LOCALS }, () => [loop(msgrcv(q, { end }))]);
      sys.process("client", { locals: LOCALS }, () => [msgsnd(q, { type: 1, value: 1 })]);
      return sys;
    }));
  assert.equal(run(true).verdict, "ok");
  const bad = run(false);
  assert.equal(bad.violation?.property, "deadlock");
  assert.deepEqual(bad.violation?.blocked?.[0]?.waitsOn, [
    "msgrcv(q, type 0) wakes (q = []; receivers server#0 any 8192B)",
  ]);
});

Deno.test("expressions: an Expr selector behaves as the number", () => {
  // Two clients, replies of types 2 and 1; each receives its own type.
  const build = (byExpr: boolean) =>
    check(mk("sel", () => {
      const sys = system({ got: 0 });
      const q = msgQueue("q", { qbytes: 16 });
      sys.process("c", { count: 2, locals: LOCALS }, (s) => [
        byExpr
          ? msgrcv(q, { type: s.expr(({ id }) => id + 1), into: s.into("v") })
          : choose([s.when("0", ({ id }) => id === 0), msgrcv(q, { type: 1, into: s.into("v") })], [
            s.when("1", ({ id }) => id === 1),
            msgrcv(q, { type: 2, into: s.into("v") }),
          ]),
        s.assert("own", ({ l, id }) => l.v === 10 * (id + 1)),
      ]);
      sys.process(
        "s",
        { locals: LOCALS },
        () => [msgsnd(q, { type: 2, value: 20 }), msgsnd(q, { type: 1, value: 10 })],
      );
      return sys;
    }));
  const e = build(true), n = build(false);
  assert.equal(e.verdict, "ok");
  assert.equal(n.verdict, "ok");
  assert.ok(e.stats.states > 0 && n.stats.states > 0);
});

Deno.test("msgQueue: bad declarations throw", () => {
  assert.throws(() => msgQueue("q", { qbytes: -1 }), /qbytes must be >= 0/);
  assert.throws(() => msgQueue("q", { capacity: 0 }), /capacity must be >= 1/);
  assert.throws(() => msgQueue("q", { waiters: 0 }), /waiters must be >= 1/);
  assert.throws(() => msgQueue(""), /message queue name/);
  const q = msgQueue("q", { qbytes: 8, capacity: 2, waiters: 3 });
  assert.equal(q.slots, 3 + 3 * 2 + 6 * 3);
  assert.equal(q.kind, "sysv-msg");
});

Deno.test("msgsnd: a payload that is not a 32-bit integer is an error naming the step", () => {
  const r = check(mk("bad_value", () => {
    const sys = system({});
    const q = msgQueue("q", { qbytes: 16 });
    sys.process("p", { locals: LOCALS }, (s) => [msgsnd(q, { type: 1, value: s.expr(() => 0.5) })]);
    return sys;
  }));
  assert.equal(r.verdict, "error");
  assert.match(r.error!.message, /value must be a 32-bit integer, got 0.5/);
});

// --- model-based test against a reference implementation ------------------------

/** The reference: §2 written plainly over JS objects. */
interface RMsg {
  type: number;
  value: number;
  size: number;
}
interface RResult {
  st: number;
  v?: number;
  t?: number;
  n?: number;
}
interface ROp {
  kind: "snd" | "rcv" | "rmid";
  text: string;
  /** The decision depends on an Expr: the call and its return are two steps. */
  expr: boolean;
  type: number;
  size: number;
  msgsz: number;
  nowait: boolean;
  noerror: boolean;
  except: boolean;
}
type RProc =
  | { state: "idle" }
  | { state: "recv"; op: ROp }
  | { state: "send"; op: ROp; msg: RMsg }
  | { state: "done"; op: ROp; result: RResult | undefined };

const QBYTES = 4, P = 3;
const EINVAL = 22, EAGAIN = 11, ENOMSG = 42, E2BIG = 7, EIDRM = 43;

class Ref {
  msgs: RMsg[] = [];
  removed = false;
  /** Blocked receivers in blocking order. */
  rw: number[] = [];
  procs: RProc[] = Array.from({ length: P }, () => ({ state: "idle" as const }));
  /** Results visible in each process's locals. */
  locals: { st: number; v: number; t: number; n: number }[] = Array.from(
    { length: P },
    () => ({ st: 0, v: 0, t: 0, n: 0 }),
  );
  seq = 0;

  fits(size: number): boolean {
    const bytes = this.msgs.reduce((a, m) => a + m.size, 0);
    return bytes + size <= QBYTES && this.msgs.length + 1 <= QBYTES;
  }

  selects(m: RMsg, op: ROp): boolean {
    if (op.type === 0) return true;
    if (op.type < 0) return m.type <= -op.type;
    return op.except ? m.type !== op.type : m.type === op.type;
  }

  find(op: ROp): number {
    if (op.type < 0) {
      let best = -1;
      this.msgs.forEach((m, i) => {
        if (this.selects(m, op) && (best < 0 || m.type < this.msgs[best]!.type)) best = i;
      });
      return best;
    }
    return this.msgs.findIndex((m) => this.selects(m, op));
  }

  /** A send with room: hand-off scan, else append. */
  deliver(m: RMsg): void {
    for (const pid of [...this.rw]) {
      const p = this.procs[pid]!;
      if (p.state !== "recv" || !this.selects(m, p.op)) continue;
      this.rw.splice(this.rw.indexOf(pid), 1);
      if (p.op.msgsz < m.size && !p.op.noerror) {
        this.procs[pid] = { state: "done", op: p.op, result: { st: E2BIG } };
        continue;
      }
      this.procs[pid] = {
        state: "done",
        op: p.op,
        result: { st: 0, v: m.value, t: m.type, n: Math.min(m.size, p.op.msgsz) },
      };
      return;
    }
    this.msgs.push(m);
  }

  /** Whether `op` by an idle process completes at once. */
  immediate(op: ROp): boolean {
    if (op.kind === "rmid" || op.nowait || this.removed) return true;
    if (op.kind === "snd") return op.type < 1 || op.size > MSGMAX || this.fits(op.size);
    return op.msgsz < 0 || this.find(op) >= 0;
  }

  call(pid: number, op: ROp): void {
    const set = (r: RResult) => {
      const l = this.locals[pid]!;
      l.st = r.st;
      if (r.v !== undefined) Object.assign(l, { v: r.v, t: r.t, n: r.n });
    };
    if (op.kind === "rmid") {
      if (this.removed) return set({ st: EINVAL });
      this.removed = true;
      this.msgs = [];
      this.rw = [];
      this.procs = this.procs.map((p) =>
        p.state === "recv" || p.state === "send"
          ? { state: "done", op: p.op, result: { st: EIDRM } }
          : p
      );
      return set({ st: 0 });
    }
    if (op.kind === "snd") {
      const m = { type: op.type, value: ++this.seq, size: op.size };
      if (this.removed || op.type < 1 || op.size > MSGMAX) return set({ st: EINVAL });
      if (this.fits(op.size)) {
        this.deliver(m);
        return set({ st: 0 });
      }
      if (op.nowait) return set({ st: EAGAIN });
      this.procs[pid] = { state: "send", op, msg: m };
      return;
    }
    if (this.removed || op.msgsz < 0) return set({ st: EINVAL });
    const i = this.find(op);
    if (i >= 0) {
      const m = this.msgs[i]!;
      if (m.size > op.msgsz && !op.noerror) return set({ st: E2BIG });
      this.msgs.splice(i, 1);
      return set({ st: 0, v: m.value, t: m.type, n: Math.min(m.size, op.msgsz) });
    }
    if (op.nowait) return set({ st: ENOMSG });
    this.procs[pid] = { state: "recv", op };
    this.rw.push(pid);
  }

  canReturn(pid: number): boolean {
    const p = this.procs[pid]!;
    return p.state === "done" || (p.state === "send" && this.fits(p.msg.size));
  }

  finish(pid: number): void {
    const p = this.procs[pid]!;
    const l = this.locals[pid]!;
    if (p.state === "send") {
      this.procs[pid] = { state: "idle" };
      this.deliver(p.msg);
      l.st = 0;
      return;
    }
    if (p.state !== "done") throw new Error("not returning");
    this.procs[pid] = { state: "idle" };
    if (p.result === undefined) return;
    l.st = p.result.st;
    if (p.result.v !== undefined) Object.assign(l, { v: p.result.v, t: p.result.t, n: p.result.n });
  }

  /** The operation texts process `pid` should have enabled. */
  expected(ops: ROp[], pid: number): string[] {
    const p = this.procs[pid]!;
    if (p.state === "idle") {
      return ops.map((op) =>
        op.kind === "rmid" || op.nowait || this.immediate(op) ? op.text : `${op.text} blocks`
      ).sort();
    }
    if (!this.canReturn(pid)) return [];
    return [`${p.op.text} wakes`];
  }
}

function rop(kind: ROp["kind"], text: string, o: Partial<ROp> = {}): ROp {
  return {
    kind,
    text,
    expr: false,
    type: 0,
    size: 4,
    msgsz: MSGMAX,
    nowait: false,
    noerror: false,
    except: false,
    ...o,
  };
}

const SYSV_OPS: ROp[] = [
  rop("snd", "snd1", { type: 1, size: 1 }),
  rop("snd", "snd2", { type: 2, size: 3 }),
  rop("snd", "snd3nw", { type: 3, size: 2, nowait: true }),
  rop("snd", "sndempty", { type: 1, size: 0, nowait: true }),
  rop("snd", "snd0", { type: 0, size: 1 }),
  rop("snd", "sndbig", { type: 1, size: 9000 }),
  rop("snd", "sndhuge", { type: 2, size: QBYTES + 1 }),
  rop("snd", "sndx", { type: 2, size: 2, expr: true }),
  rop("rcv", "rcv0", { type: 0 }),
  rop("rcv", "rcv2", { type: 2 }),
  rop("rcv", "rcvle2nw", { type: -2, nowait: true }),
  rop("rcv", "rcvex1nw", { type: 1, except: true, nowait: true }),
  rop("rcv", "rcvsmall", { type: 0, msgsz: 1 }),
  rop("rcv", "rcvtrunc", { type: 0, msgsz: 2, noerror: true }),
  rop("rcv", "rcvneg", { type: 0, msgsz: -1, nowait: true }),
  rop("rcv", "rcvx", { type: 1, expr: true }),
  rop("rmid", "msgctl(q, IPC_RMID)"),
];

function sysvModel() {
  return mk("sysv_mbt", () => {
    const sys = system({ seq: 0 });
    const q = msgQueue("q", { qbytes: QBYTES, capacity: QBYTES, waiters: P });
    sys.process("p", { count: P, locals: LOCALS }, (s) => {
      const value: Expr = s.expr(({ g }) => ++(g as { seq: number }).seq);
      const num = (op: ROp, v: number): number | Expr => op.expr ? s.expr(() => v) : v;
      const branch = (op: ROp) => {
        const common = { nowait: op.nowait, text: op.text };
        if (op.kind === "snd") {
          return msgsnd(q, {
            ...common,
            type: op.type,
            value,
            size: num(op, op.size),
            status: s.into("st"),
          });
        }
        if (op.kind === "rcv") {
          return msgrcv(q, {
            ...common,
            type: num(op, op.type),
            msgsz: op.msgsz,
            noerror: op.noerror,
            except: op.except,
            into: s.into("v"),
            mtype: s.into("t"),
            len: s.into("n"),
            status: s.into("st"),
          });
        }
        return msgctlRmid(q, { status: s.into("st") });
      };
      return [loop(choose(...SYSV_OPS.map((op) => [branch(op)])))];
    });
    return sys;
  });
}

const ERRNO_NAME: Record<number, string> = {
  0: "OK",
  [EINVAL]: "EINVAL",
  [EAGAIN]: "EAGAIN",
  [ENOMSG]: "ENOMSG",
  [E2BIG]: "E2BIG",
  [EIDRM]: "EIDRM",
};

function compare(ref: Ref, d: Driver, ops: ROp[]): void {
  for (let pid = 0; pid < P; pid++) {
    const proc = `p#${pid}`;
    assert.deepEqual(
      d.ops(proc).sort(),
      ref.expected(ops, pid),
      `${proc} enabled ops; ${d.text()}`,
    );
    const l = ref.locals[pid]!;
    assert.deepEqual(d.locals(proc), {
      st: ERRNO_NAME[l.st] ?? String(l.st),
      v: String(l.v),
      t: String(l.t),
      n: String(l.n),
    }, `${proc} locals; ${d.text()}`);
  }
}

class CallCmd implements fc.Command<Ref, Driver> {
  constructor(readonly pid: number, readonly op: ROp) {}
  check(ref: Readonly<Ref>): boolean {
    return ref.procs[this.pid]!.state === "idle";
  }
  run(ref: Ref, d: Driver): void {
    const blocks = !(this.op.nowait || ref.immediate(this.op));
    d.fire(`p#${this.pid}`, blocks ? `${this.op.text} blocks` : this.op.text);
    ref.call(this.pid, this.op);
    compare(ref, d, SYSV_OPS);
  }
  toString(): string {
    return `p#${this.pid} ${this.op.text}`;
  }
}

class ReturnCmd implements fc.Command<Ref, Driver> {
  constructor(readonly pid: number) {}
  check(ref: Readonly<Ref>): boolean {
    return (ref as Ref).canReturn(this.pid);
  }
  run(ref: Ref, d: Driver): void {
    const p = ref.procs[this.pid]!;
    if (p.state === "idle") throw new Error("idle");
    d.fire(`p#${this.pid}`, `${p.op.text} wakes`);
    ref.finish(this.pid);
    compare(ref, d, SYSV_OPS);
  }
  toString(): string {
    return `p#${this.pid} returns`;
  }
}

Deno.test("model-based: the compiled System V queue matches the reference (fast-check)", () => {
  const model = sysvModel().compile();
  const pid = fc.integer({ min: 0, max: P - 1 });
  const notRmid = SYSV_OPS.filter((o) => o.kind !== "rmid");
  const rmid = SYSV_OPS.find((o) => o.kind === "rmid")!;
  const commands = [
    fc.tuple(pid, fc.constantFrom(...notRmid)).map(([p, op]) => new CallCmd(p, op)),
    fc.tuple(pid, fc.constantFrom(...notRmid)).map(([p, op]) => new CallCmd(p, op)),
    fc.tuple(pid, fc.constantFrom(...notRmid)).map(([p, op]) => new CallCmd(p, op)),
    pid.map((p) => new ReturnCmd(p)),
    pid.map((p) => new ReturnCmd(p)),
    fc.oneof(
      { arbitrary: pid.map((p) => new CallCmd(p, rmid)), weight: 1 },
      { arbitrary: pid.map((p) => new ReturnCmd(p)), weight: 3 },
    ),
  ];
  fc.assert(
    fc.property(fc.commands(commands, { maxCommands: 50 }), (cmds) => {
      const d = new Driver(model);
      const ref = new Ref();
      compare(ref, d, SYSV_OPS);
      fc.modelRun(() => ({ model: ref, real: d }), cmds);
    }),
    { numRuns: 1500 },
  );
});
