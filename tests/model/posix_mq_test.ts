// POSIX message queues (docs/semantics.md §3): one test (at least) per rule
// the primitive implements, each of which would fail if the rule were
// broken, then a model-based test of the compiled model against a plain
// reference implementation of the same rules.

import assert from "node:assert/strict";
import fc from "fast-check";
import { check, choose, type Expr, loop, spec, status, type System, system } from "../../mod.ts";
import type { StepBuilder } from "../../model/steps.ts";
import {
  MQ_PRIO_MAX,
  mqNotify,
  mqNotifyCancel,
  mqReceive,
  type MqReceiveOptions,
  mqSend,
  type MqSendOptions,
  mqWaitNotification,
  type PosixMq,
  posixMq,
  type PosixMqOptions,
} from "../../model/primitives/posix_mq.ts";
import { Driver } from "./_mq_driver.ts";

// deno-lint-ignore no-explicit-any
function mk(name: string, build: () => System<any>) {
  return spec({ name, params: {}, build });
}

const LOCALS = { st: status(), v: 0, pr: 0, n: 0 };
type B = StepBuilder<Record<never, never>, { st: number; v: number; pr: number; n: number }>;

/** Receive options storing everything into the standard locals. */
function rx(s: B, o: Omit<MqReceiveOptions, "into" | "prio" | "len" | "status">): MqReceiveOptions {
  return { ...o, into: s.into("v"), prio: s.into("pr"), len: s.into("n"), status: s.into("st") };
}

/** Send options storing the status. */
function tx(s: B, o: Omit<MqSendOptions, "status">): MqSendOptions {
  return { ...o, status: s.into("st") };
}

/** Processes each running a straight list of calls built by `body(s, q)`. */
function scenario(
  qopts: PosixMqOptions,
  bodies: Record<string, (s: B, q: PosixMq) => ReturnType<typeof mqSend>[]>,
): Driver {
  return new Driver(mk("scenario", () => {
    const sys = system({});
    const q = posixMq("q", qopts);
    for (const [name, body] of Object.entries(bodies)) {
      sys.process(name, { locals: LOCALS }, (s) => body(s as unknown as B, q));
    }
    return sys;
  }));
}

// --- mq_send ---------------------------------------------------------------------

Deno.test("mq_send: a priority >= MQ_PRIO_MAX is EINVAL (checked before the length)", () => {
  const d = scenario({ maxmsg: 4, msgsize: 8 }, {
    p: (s, q) => [
      mqSend(q, tx(s, { value: 1, prio: MQ_PRIO_MAX, text: "max" })),
      mqSend(q, tx(s, { value: 1, prio: -1, text: "neg" })),
      mqSend(q, tx(s, { value: 1, prio: MQ_PRIO_MAX, len: 9, text: "both" })),
      mqSend(q, tx(s, { value: 2, prio: MQ_PRIO_MAX - 1, text: "ok" })),
    ],
  });
  for (const t of ["max", "neg", "both"]) {
    d.fire("p#0", t);
    assert.equal(d.local("p#0", "st"), "EINVAL", t);
  }
  assert.equal(d.show("q"), "[]");
  d.fire("p#0", "ok");
  assert.equal(d.show("q"), "[p32767:2(4B)]");
  assert.equal(MQ_PRIO_MAX, 32768);
});

Deno.test("mq_send: a message longer than msgsize is EMSGSIZE; zero-length messages work", () => {
  const d = scenario({ maxmsg: 4, msgsize: 8 }, {
    p: (s, q) => [
      mqSend(q, tx(s, { value: 1, len: 9, text: "long" })),
      mqSend(q, tx(s, { value: 2, len: 8, text: "max" })),
      mqSend(q, tx(s, { value: 3, len: 0, text: "empty" })),
    ],
    r: (s, q) => [mqReceive(q, rx(s, { text: "rcv" })), mqReceive(q, rx(s, { text: "rcv2" }))],
  });
  d.fire("p#0", "long");
  assert.equal(d.local("p#0", "st"), "EMSGSIZE");
  d.fire("p#0", "max").fire("p#0", "empty").fire("r#0", "rcv").fire("r#0", "rcv2");
  assert.deepEqual(d.locals("r#0"), { st: "OK", v: "3", pr: "0", n: "0" });
});

Deno.test("mq_send/mq_receive: highest priority first, FIFO within a priority", () => {
  // §3: lo-1, hi-1, mid-1, lo-2, hi-2, mid-2 come back as
  // hi-1, hi-2, mid-1, mid-2, lo-1, lo-2.
  const sent: [number, number][] = [[1, 11], [9, 91], [5, 51], [1, 12], [9, 92], [5, 52]];
  const d = new Driver(mk("order", () => {
    const sys = system({});
    const q = posixMq("q", { maxmsg: 6 });
    sys.process(
      "s",
      { locals: LOCALS },
      () => sent.map(([prio, value], i) => mqSend(q, { value, prio, text: `m${i}` })),
    );
    sys.process(
      "r",
      { locals: LOCALS },
      (s) => sent.map((_, i) => mqReceive(q, rx(s as unknown as B, { text: `r${i}` }))),
    );
    return sys;
  }));
  sent.forEach((_, i) => d.fire("s#0", `m${i}`));
  assert.equal(d.show("q"), "[p9:91(4B) p9:92(4B) p5:51(4B) p5:52(4B) p1:11(4B) p1:12(4B)]");
  const got: string[] = [];
  sent.forEach((_, i) => {
    d.fire("r#0", `r${i}`);
    got.push(`${d.local("r#0", "pr")}:${d.local("r#0", "v")}`);
  });
  assert.deepEqual(got, ["9:91", "9:92", "5:51", "5:52", "1:11", "1:12"]);
});

Deno.test("mq_send: a full queue is EAGAIN with O_NONBLOCK (after maxmsg messages), else it blocks", () => {
  const d = scenario({ maxmsg: 2 }, {
    p: (s, q) => [
      mqSend(q, tx(s, { value: 1, nonblock: true, text: "a" })),
      mqSend(q, tx(s, { value: 2, nonblock: true, text: "b" })),
      mqSend(q, tx(s, { value: 3, nonblock: true, text: "c" })),
      mqSend(q, tx(s, { value: 4, text: "d" })),
    ],
  });
  d.fire("p#0", "a").fire("p#0", "b");
  assert.equal(d.local("p#0", "st"), "OK");
  d.fire("p#0", "c");
  assert.equal(d.local("p#0", "st"), "EAGAIN");
  assert.deepEqual(d.ops("p#0"), ["d blocks"]);
});

Deno.test("mq_send: a blocked receiver gets the message directly, the first in blocking order", () => {
  const d = scenario({ maxmsg: 2 }, {
    a: (s, q) => [mqReceive(q, rx(s, { text: "rcv" }))],
    b: (s, q) => [mqReceive(q, rx(s, { text: "rcv" }))],
    c: (s, q) => [mqReceive(q, rx(s, { nonblock: true, text: "try" }))],
    s: (s, q) => [mqSend(q, tx(s, { value: 7, prio: 3 }))],
  });
  d.fire("b#0", "rcv blocks").fire("a#0", "rcv blocks");
  assert.equal(d.show("q"), "[]; receivers b#0, a#0");
  d.fire("s#0", "mq_send(q, prio 3, 4B)");
  assert.equal(d.show("q"), "[]; receivers a#0; woken b#0 got p3:7(4B)");
  d.fire("c#0", "try");
  assert.equal(d.local("c#0", "st"), "EAGAIN", "the message never entered the queue");
  assert.deepEqual(d.ops("a#0"), []);
  d.fire("b#0", "rcv wakes");
  assert.deepEqual(d.locals("b#0"), { st: "OK", v: "7", pr: "3", n: "4" });
});

Deno.test("mq_receive: blocked senders are released FIFO regardless of priority", () => {
  // maxmsg 1, full; s1 (priority 1) blocks before s9 (priority 9). Each
  // receive moves the first blocked sender's message into the queue.
  const d = scenario({ maxmsg: 1 }, {
    f: (s, q) => [mqSend(q, tx(s, { value: 5, prio: 5 }))],
    s1: (s, q) => [mqSend(q, tx(s, { value: 1, prio: 1, text: "snd" }))],
    s9: (s, q) => [mqSend(q, tx(s, { value: 9, prio: 9, text: "snd" }))],
    r: (s, q) => [
      mqReceive(q, rx(s, { text: "r0" })),
      mqReceive(q, rx(s, { text: "r1" })),
      mqReceive(q, rx(s, { text: "r2" })),
    ],
  });
  d.fire("f#0", "mq_send(q, prio 5, 4B)").fire("s1#0", "snd blocks").fire("s9#0", "snd blocks");
  d.fire("r#0", "r0");
  assert.equal(d.local("r#0", "v"), "5");
  assert.equal(d.show("q"), "[p1:1(4B)]; senders s9#0 p9:9(4B); woken s1#0 sent");
  assert.deepEqual(d.ops("s9#0"), []);
  d.fire("r#0", "r1");
  assert.equal(d.local("r#0", "v"), "1");
  d.fire("s1#0", "snd wakes").fire("s9#0", "snd wakes").fire("r#0", "r2");
  assert.equal(d.local("r#0", "v"), "9");
  assert.equal(d.local("s9#0", "st"), "OK");
});

Deno.test("mq_receive: blocked senders keep their blocking order, not their pid order", () => {
  // s9 is declared (and numbered) first but blocks second.
  const d = scenario({ maxmsg: 1 }, {
    s9: (s, q) => [mqSend(q, tx(s, { value: 9, prio: 9, text: "snd" }))],
    f: (s, q) => [mqSend(q, tx(s, { value: 5, prio: 5 }))],
    s1: (s, q) => [mqSend(q, tx(s, { value: 1, prio: 1, text: "snd" }))],
    r: (s, q) => [mqReceive(q, rx(s, { text: "r0" })), mqReceive(q, rx(s, { text: "r1" }))],
  });
  d.fire("f#0", "mq_send(q, prio 5, 4B)").fire("s1#0", "snd blocks").fire("s9#0", "snd blocks");
  assert.equal(d.show("q"), "[p5:5(4B)]; senders s1#0 p1:1(4B), s9#0 p9:9(4B)");
  d.fire("r#0", "r0").fire("r#0", "r1");
  assert.equal(d.local("r#0", "v"), "1");
});

// --- mq_receive ------------------------------------------------------------------

Deno.test("mq_receive: an empty queue is EAGAIN with O_NONBLOCK (not ENOMSG), else it blocks", () => {
  const d = scenario({ maxmsg: 2 }, {
    r: (
      s,
      q,
    ) => [
      mqReceive(q, rx(s, { nonblock: true, text: "try" })),
      mqReceive(q, rx(s, { text: "rcv" })),
    ],
  });
  d.fire("r#0", "try");
  assert.equal(d.local("r#0", "st"), "EAGAIN");
  assert.deepEqual(d.ops("r#0"), ["rcv blocks"]);
});

Deno.test("mq_receive: a buffer below msgsize is EMSGSIZE even for a shorter message, which stays", () => {
  const d = scenario({ maxmsg: 2, msgsize: 8 }, {
    s: (s, q) => [mqSend(q, tx(s, { value: 1, len: 2 }))],
    r: (s, q) => [
      mqReceive(q, rx(s, { buflen: 7, text: "short" })),
      mqReceive(q, rx(s, { buflen: 7, text: "short blocking" })),
      mqReceive(q, rx(s, { buflen: 8, text: "exact" })),
    ],
  });
  d.fire("s#0", "mq_send(q, prio 0, 2B)").fire("r#0", "short");
  assert.deepEqual(d.locals("r#0"), { st: "EMSGSIZE", v: "0", pr: "0", n: "0" });
  assert.equal(d.show("q"), "[p0:1(2B)]");
  d.fire("r#0", "short blocking");
  assert.equal(d.local("r#0", "st"), "EMSGSIZE");
  d.fire("r#0", "exact");
  assert.deepEqual(d.locals("r#0"), { st: "OK", v: "1", pr: "0", n: "2" });
  // On an empty queue too, the length check comes first: no blocking.
  const e = scenario({ maxmsg: 2, msgsize: 8 }, {
    r: (s, q) => [mqReceive(q, rx(s, { buflen: 7, text: "short" }))],
  });
  assert.deepEqual(e.ops("r#0"), ["short"]);
});

// --- mq_notify -------------------------------------------------------------------

Deno.test("mq_notify: one registrant; any other registration (the registrant's too) is EBUSY", () => {
  const d = scenario({ maxmsg: 2 }, {
    a: (s, q) => [mqNotify(q, { status: s.into("st") }), mqNotify(q, { status: s.into("st") })],
    b: (s, q) => [mqNotify(q, { status: s.into("st") })],
  });
  d.fire("a#0", "mq_notify(q)");
  assert.equal(d.local("a#0", "st"), "OK");
  assert.equal(d.show("q"), "[]; notify a#0");
  d.fire("b#0", "mq_notify(q)");
  assert.equal(d.local("b#0", "st"), "EBUSY");
  d.fire("a#0", "mq_notify(q)");
  assert.equal(d.local("a#0", "st"), "EBUSY");
});

Deno.test("mq_notify: fires on empty -> non-empty, once (one-shot)", () => {
  const d = scenario({ maxmsg: 4 }, {
    a: (_s, q) => [mqNotify(q), mqWaitNotification(q), mqWaitNotification(q)],
    s: (s, q) => [
      mqSend(q, tx(s, { value: 1, text: "s1" })),
      mqSend(q, tx(s, { value: 2, text: "s2" })),
      mqSend(q, tx(s, { value: 3, text: "s3" })),
    ],
    r: (s, q) => [mqReceive(q, rx(s, { text: "r1" })), mqReceive(q, rx(s, { text: "r2" }))],
  });
  d.fire("a#0", "mq_notify(q)");
  assert.deepEqual(d.ops("a#0"), []);
  d.fire("s#0", "s1");
  assert.equal(d.show("q"), "[p0:1(4B)]; notified a#0");
  d.fire("s#0", "s2").fire("a#0", "wait for notification(q)");
  // Emptied and refilled: the registration was used up, no second one.
  d.fire("r#0", "r1").fire("r#0", "r2").fire("s#0", "s3");
  assert.equal(d.show("q"), "[p0:3(4B)]");
  assert.deepEqual(d.ops("a#0"), []);
});

Deno.test("mq_notify: notifications delivered by successive registrations queue up", () => {
  const d = scenario({ maxmsg: 4 }, {
    a: (
      _s,
      q,
    ) => [mqNotify(q), mqNotify(q), mqWaitNotification(q), mqWaitNotification(q), mqNotify(q)],
    s: (
      s,
      q,
    ) => [mqSend(q, tx(s, { value: 1, text: "s1" })), mqSend(q, tx(s, { value: 2, text: "s2" }))],
    r: (s, q) => [mqReceive(q, rx(s, { text: "r1" }))],
  });
  d.fire("a#0", "mq_notify(q)").fire("s#0", "s1").fire("r#0", "r1");
  d.fire("a#0", "mq_notify(q)").fire("s#0", "s2");
  assert.equal(d.show("q"), "[p0:2(4B)]; notified a#0 x2");
  d.fire("a#0", "wait for notification(q)");
  assert.equal(d.show("q"), "[p0:2(4B)]; notified a#0");
  d.fire("a#0", "wait for notification(q)");
  assert.equal(d.show("q"), "[p0:2(4B)]");
  assert.deepEqual(d.ops("a#0"), ["mq_notify(q)"]);
});

Deno.test("mq_notify: on a non-empty queue it waits for the queue to empty and refill", () => {
  const d = scenario({ maxmsg: 4 }, {
    a: (_s, q) => [mqNotify(q), mqWaitNotification(q)],
    s: (
      s,
      q,
    ) => [
      mqSend(q, tx(s, { value: 1, text: "s1" })),
      mqSend(q, tx(s, { value: 2, text: "s2" })),
      mqSend(q, tx(s, { value: 3, text: "s3" })),
    ],
    r: (s, q) => [mqReceive(q, rx(s, { text: "r1" })), mqReceive(q, rx(s, { text: "r2" }))],
  });
  d.fire("s#0", "s1").fire("a#0", "mq_notify(q)").fire("s#0", "s2");
  assert.equal(d.show("q"), "[p0:1(4B) p0:2(4B)]; notify a#0");
  d.fire("r#0", "r1").fire("r#0", "r2").fire("s#0", "s3");
  assert.equal(d.show("q"), "[p0:3(4B)]; notified a#0");
});

Deno.test("mq_notify: suppressed while a receiver is blocked; the registration stays", () => {
  const d = scenario({ maxmsg: 4 }, {
    a: (_s, q) => [mqNotify(q), mqWaitNotification(q)],
    r: (s, q) => [mqReceive(q, rx(s, { text: "rcv" }))],
    s: (
      s,
      q,
    ) => [mqSend(q, tx(s, { value: 1, text: "s1" })), mqSend(q, tx(s, { value: 2, text: "s2" }))],
  });
  d.fire("a#0", "mq_notify(q)").fire("r#0", "rcv blocks").fire("s#0", "s1");
  assert.equal(d.show("q"), "[]; notify a#0; woken r#0 got p0:1(4B)");
  d.fire("s#0", "s2");
  assert.equal(d.show("q"), "[p0:2(4B)]; woken r#0 got p0:1(4B); notified a#0");
});

Deno.test("mq_notify(NULL) removes the caller's registration; a non-registrant's does nothing", () => {
  const d = scenario({ maxmsg: 4 }, {
    a: (_s, q) => [mqNotify(q), mqNotifyCancel(q)],
    b: (
      s,
      q,
    ) => [mqNotifyCancel(q, { status: s.into("st") }), mqNotify(q, { status: s.into("st") })],
    s: (s, q) => [mqSend(q, tx(s, { value: 1 }))],
  });
  d.fire("a#0", "mq_notify(q)").fire("b#0", "mq_notify(q, NULL)");
  assert.equal(d.local("b#0", "st"), "OK");
  assert.equal(d.show("q"), "[]; notify a#0");
  d.fire("a#0", "mq_notify(q, NULL)");
  assert.equal(d.show("q"), "[]");
  d.fire("s#0", "mq_send(q, prio 0, 4B)");
  assert.equal(d.show("q"), "[p0:1(4B)]", "no notification once cancelled");
  d.fire("b#0", "mq_notify(q)");
  assert.equal(d.local("b#0", "st"), "OK");
});

Deno.test("mq_notify: the registrant's exit drops its registration (and undelivered notifications)", () => {
  const d = scenario({ maxmsg: 4 }, {
    a: (_s, q) => [mqNotify(q)],
    b: (s, q) => [mqNotify(q, { status: s.into("st") })],
  });
  d.fire("a#0", "mq_notify(q)");
  assert.equal(d.show("q"), "[]");
  d.fire("b#0", "mq_notify(q)");
  assert.equal(d.local("b#0", "st"), "OK");
  const e = scenario({ maxmsg: 4 }, {
    a: (s, q) => [mqNotify(q), s.when("sent", () => true)],
    s: (s, q) => [mqSend(q, tx(s, { value: 1 }))],
  });
  e.fire("a#0", "mq_notify(q)").fire("s#0", "mq_send(q, prio 0, 4B)");
  assert.equal(e.show("q"), "[p0:1(4B)]; notified a#0");
  e.fire("a#0", "when sent");
  assert.equal(e.show("q"), "[p0:1(4B)]");
});

Deno.test("mq_notify: a blocked sender's message moved in by a receive does not notify", () => {
  // maxmsg 1: the receive empties the queue and refills it from the blocked
  // sender under one lock (Linux pipelined_receive): never observably empty.
  const d = scenario({ maxmsg: 1 }, {
    a: (_s, q) => [mqNotify(q), mqWaitNotification(q)],
    f: (s, q) => [mqSend(q, tx(s, { value: 1 }))],
    s: (s, q) => [mqSend(q, tx(s, { value: 2, text: "snd" }))],
    r: (s, q) => [mqReceive(q, rx(s, { text: "rcv" }))],
  });
  d.fire("f#0", "mq_send(q, prio 0, 4B)").fire("a#0", "mq_notify(q)");
  d.fire("s#0", "snd blocks").fire("r#0", "rcv");
  assert.equal(d.show("q"), "[p0:2(4B)]; notify a#0; woken s#0 sent");
});

// --- the model's bound, end states, and expressions -------------------------------

Deno.test("bounds: more parked processes than waiters ends the search as incomplete", () => {
  const r = check(mk("waiters", () => {
    const sys = system({});
    const q = posixMq("q", { maxmsg: 1, waiters: 1 });
    sys.process("r", { count: 2, locals: LOCALS }, () => [mqReceive(q)]);
    sys.configure({ deadlock: false });
    return sys;
  }));
  assert.equal(r.verdict, "incomplete");
  assert.equal(r.incomplete?.trace?.property, "q capacity");
});

Deno.test("end: a receiver blocked with end: true is a valid end state, without it a deadlock", () => {
  const run = (end: boolean) =>
    check(mk("server", () => {
      const sys = system({});
      const q = posixMq("q", { maxmsg: 2 });
      sys.process("server", { locals: LOCALS }, () => [loop(mqReceive(q, { end }))]);
      sys.process("client", { locals: LOCALS }, () => [mqSend(q, { value: 1 })]);
      return sys;
    }));
  assert.equal(run(true).verdict, "ok");
  assert.equal(run(false).violation?.property, "deadlock");
});

Deno.test("expressions: an Expr priority is evaluated at the call, as the number would be", () => {
  const d = new Driver(mk("expr", () => {
    const sys = system({});
    const q = posixMq("q", { maxmsg: 2 });
    sys.process("p", { count: 2, locals: LOCALS }, (s) => [
      mqSend(q, { value: s.expr(({ id }) => id), prio: s.expr(({ id }) => 5 * id), text: "snd" }),
    ]);
    return sys;
  }));
  d.fire("p#0", "snd").fire("p#1", "snd");
  assert.equal(d.show("q"), "[p5:1(4B) p0:0(4B)]");
  // Both sends completed at once, as with numbers: p#0 has finished (it
  // was left at ["snd returns"] with the extra 'returns' step).
  assert.deepEqual(d.ops("p#0"), []);
});

Deno.test("posixMq: bad declarations throw", () => {
  assert.throws(() => posixMq("q", { maxmsg: 0 }), /maxmsg must be >= 1/);
  assert.throws(() => posixMq("q", { msgsize: 0 }), /msgsize must be >= 1/);
  assert.throws(() => posixMq("q", { waiters: 0 }), /waiters must be >= 1/);
  assert.throws(() => mqReceive(posixMq("q"), { buflen: -1 }), /buflen must be >= 0/);
  const q = posixMq("q");
  assert.equal(q.maxmsg, 10);
  assert.equal(q.msgsize, 8192);
});

// --- model-based test against a reference implementation ------------------------

interface PMsg {
  prio: number;
  value: number;
  len: number;
}
interface POp {
  kind: "snd" | "rcv" | "notify" | "cancel" | "waitnote";
  text: string;
  expr: boolean;
  prio: number;
  len: number;
  buflen: number;
  nonblock: boolean;
}
type PProc =
  | { state: "idle" }
  | { state: "recv"; op: POp }
  | { state: "send"; op: POp; msg: PMsg }
  | { state: "done"; op: POp; result: { st: number; msg?: PMsg } | undefined };

const MAXMSG = 2, MSGSIZE = 4, P = 3;
const EAGAIN = 11, EBUSY = 16, EINVAL = 22, EMSGSIZE = 90;

class PRef {
  msgs: PMsg[] = [];
  rw: number[] = [];
  sw: number[] = [];
  owner = -1;
  notes: number[] = Array.from({ length: P }, () => 0);
  procs: PProc[] = Array.from({ length: P }, () => ({ state: "idle" as const }));
  locals = Array.from({ length: P }, () => ({ st: 0, v: 0, pr: 0, n: 0 }));
  seq = 0;

  insert(m: PMsg): void {
    const i = this.msgs.findIndex((x) => x.prio < m.prio);
    if (i < 0) this.msgs.push(m);
    else this.msgs.splice(i, 0, m);
  }

  immediate(op: POp): boolean {
    if (op.kind === "snd") {
      return op.nonblock || op.prio >= 32768 || op.len > MSGSIZE || this.msgs.length < MAXMSG;
    }
    if (op.kind === "rcv") return op.nonblock || op.buflen < MSGSIZE || this.msgs.length > 0;
    return true;
  }

  call(pid: number, op: POp): void {
    const l = this.locals[pid]!;
    const set = (st: number, m?: PMsg) => {
      l.st = st;
      if (m) Object.assign(l, { v: m.value, pr: m.prio, n: m.len });
    };
    switch (op.kind) {
      case "notify":
        if (this.owner >= 0) return set(EBUSY);
        this.owner = pid;
        return set(0);
      case "cancel":
        if (this.owner === pid) this.owner = -1;
        return set(0);
      case "waitnote":
        this.notes[pid]!--;
        return;
      case "snd": {
        const m = { prio: op.prio, value: ++this.seq, len: op.len };
        if (op.prio >= 32768) return set(EINVAL);
        if (op.len > MSGSIZE) return set(EMSGSIZE);
        if (this.msgs.length < MAXMSG) {
          set(0);
          const r = this.rw.shift();
          if (r !== undefined) {
            this.procs[r] = {
              state: "done",
              op: (this.procs[r] as { op: POp }).op,
              result: { st: 0, msg: m },
            };
            return;
          }
          this.insert(m);
          if (this.msgs.length === 1 && this.owner >= 0) {
            this.notes[this.owner]!++;
            this.owner = -1;
          }
          return;
        }
        if (op.nonblock) return set(EAGAIN);
        this.procs[pid] = { state: "send", op, msg: m };
        this.sw.push(pid);
        return;
      }
      case "rcv": {
        if (op.buflen < MSGSIZE) return set(EMSGSIZE);
        const m = this.msgs.shift();
        if (m !== undefined) {
          set(0, m);
          const s = this.sw.shift();
          if (s !== undefined) {
            const p = this.procs[s] as { op: POp; msg: PMsg };
            this.insert(p.msg);
            this.procs[s] = { state: "done", op: p.op, result: { st: 0 } };
          }
          return;
        }
        if (op.nonblock) return set(EAGAIN);
        this.procs[pid] = { state: "recv", op };
        this.rw.push(pid);
      }
    }
  }

  canReturn(pid: number): boolean {
    return this.procs[pid]!.state === "done";
  }

  finish(pid: number): void {
    const p = this.procs[pid]!;
    if (p.state !== "done") throw new Error("not done");
    this.procs[pid] = { state: "idle" };
    if (p.result === undefined) return;
    const l = this.locals[pid]!;
    l.st = p.result.st;
    if (p.result.msg) {
      Object.assign(l, { v: p.result.msg.value, pr: p.result.msg.prio, n: p.result.msg.len });
    }
  }

  expected(ops: POp[], pid: number): string[] {
    const p = this.procs[pid]!;
    if (p.state === "idle") {
      return ops.filter((op) => op.kind !== "waitnote" || this.notes[pid]! > 0)
        .map((op) =>
          op.kind === "snd" || op.kind === "rcv"
            ? op.nonblock || this.immediate(op) ? op.text : `${op.text} blocks`
            : op.text
        ).sort();
    }
    if (!this.canReturn(pid)) return [];
    return [`${p.op.text} wakes`];
  }
}

function pop(kind: POp["kind"], text: string, o: Partial<POp> = {}): POp {
  return { kind, text, expr: false, prio: 0, len: 2, buflen: MSGSIZE, nonblock: false, ...o };
}

const POSIX_OPS: POp[] = [
  pop("snd", "snd0", { prio: 0 }),
  pop("snd", "snd5", { prio: 5, len: 4 }),
  pop("snd", "snd3nb", { prio: 3, nonblock: true }),
  pop("snd", "sndlong", { len: 5 }),
  pop("snd", "sndbadprio", { prio: 32768 }),
  pop("snd", "sndbadboth", { prio: 32768, len: 5 }),
  pop("snd", "sndtop", { prio: 32767, len: 0 }),
  pop("snd", "sndx", { prio: 7, expr: true }),
  pop("rcv", "rcv"),
  pop("rcv", "rcvnb", { nonblock: true }),
  pop("rcv", "rcvshort", { buflen: 3 }),
  pop("rcv", "rcvx", { expr: true }),
  pop("notify", "mq_notify(q)"),
  pop("cancel", "mq_notify(q, NULL)"),
  pop("waitnote", "wait for notification(q)"),
];

function posixModel() {
  return mk("posix_mbt", () => {
    const sys = system({ seq: 0 });
    const q = posixMq("q", { maxmsg: MAXMSG, msgsize: MSGSIZE, waiters: 2 * P });
    sys.process("p", { count: P, locals: LOCALS }, (s) => {
      const value: Expr = s.expr(({ g }) => ++(g as { seq: number }).seq);
      const num = (op: POp, v: number): number | Expr => op.expr ? s.expr(() => v) : v;
      const branch = (op: POp) => {
        switch (op.kind) {
          case "snd":
            return mqSend(q, {
              value,
              prio: num(op, op.prio),
              len: op.len,
              nonblock: op.nonblock,
              text: op.text,
              status: s.into("st"),
            });
          case "rcv":
            return mqReceive(q, {
              buflen: num(op, op.buflen),
              nonblock: op.nonblock,
              text: op.text,
              into: s.into("v"),
              prio: s.into("pr"),
              len: s.into("n"),
              status: s.into("st"),
            });
          case "notify":
            return mqNotify(q, { status: s.into("st") });
          case "cancel":
            return mqNotifyCancel(q, { status: s.into("st") });
          default:
            return mqWaitNotification(q);
        }
      };
      return [loop(choose(...POSIX_OPS.map((op) => [branch(op)])))];
    });
    return sys;
  });
}

const PNAME: Record<number, string> = {
  0: "OK",
  [EAGAIN]: "EAGAIN",
  [EBUSY]: "EBUSY",
  [EINVAL]: "EINVAL",
  [EMSGSIZE]: "EMSGSIZE",
};

function pcompare(ref: PRef, d: Driver): void {
  for (let pid = 0; pid < P; pid++) {
    const proc = `p#${pid}`;
    assert.deepEqual(
      d.ops(proc).sort(),
      ref.expected(POSIX_OPS, pid),
      `${proc} enabled ops; ${d.text()}`,
    );
    const l = ref.locals[pid]!;
    assert.deepEqual(
      d.locals(proc),
      { st: PNAME[l.st] ?? String(l.st), v: String(l.v), pr: String(l.pr), n: String(l.n) },
      `${proc} locals; ${d.text()}`,
    );
  }
}

class PCall implements fc.Command<PRef, Driver> {
  constructor(readonly pid: number, readonly op: POp) {}
  check(ref: Readonly<PRef>): boolean {
    return ref.procs[this.pid]!.state === "idle" &&
      (this.op.kind !== "waitnote" || ref.notes[this.pid]! > 0);
  }
  run(ref: PRef, d: Driver): void {
    const blocks = (this.op.kind === "snd" || this.op.kind === "rcv") &&
      !(this.op.nonblock || ref.immediate(this.op));
    d.fire(`p#${this.pid}`, blocks ? `${this.op.text} blocks` : this.op.text);
    ref.call(this.pid, this.op);
    pcompare(ref, d);
  }
  toString(): string {
    return `p#${this.pid} ${this.op.text}`;
  }
}

class PReturn implements fc.Command<PRef, Driver> {
  constructor(readonly pid: number) {}
  check(ref: Readonly<PRef>): boolean {
    return (ref as PRef).canReturn(this.pid);
  }
  run(ref: PRef, d: Driver): void {
    const p = ref.procs[this.pid]!;
    if (p.state === "idle") throw new Error("idle");
    d.fire(`p#${this.pid}`, `${p.op.text} wakes`);
    ref.finish(this.pid);
    pcompare(ref, d);
  }
  toString(): string {
    return `p#${this.pid} returns`;
  }
}

Deno.test("model-based: the compiled POSIX queue matches the reference (fast-check)", () => {
  const model = posixModel().compile();
  const pid = fc.integer({ min: 0, max: P - 1 });
  const call = fc.tuple(pid, fc.constantFrom(...POSIX_OPS)).map(([p, op]) => new PCall(p, op));
  const ret = pid.map((p) => new PReturn(p));
  fc.assert(
    fc.property(fc.commands([call, call, call, ret, ret], { maxCommands: 50 }), (cmds) => {
      const d = new Driver(model);
      const ref = new PRef();
      pcompare(ref, d);
      fc.modelRun(() => ({ model: ref, real: d }), cmds);
    }),
    { numRuns: 1500 },
  );
});
