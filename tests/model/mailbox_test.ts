// Mailboxes and mailslots (docs/semantics.md §8): one test (at least) per
// rule, each of which would fail if the rule were broken, and a fast-check
// model-based test of the mailbox against a reference written here.

import assert from "node:assert/strict";
import fc from "fast-check";
import {
  check,
  type CheckResult,
  Errno,
  label,
  loop,
  spec,
  status,
  type System,
  system,
} from "../../mod.ts";
import {
  type Mailbox,
  mailbox,
  MAILBOX_MISUSE,
  type MailboxPolicy,
  mbCreate,
  mbDestroy,
  mbReceive,
  mbSend,
} from "../../model/primitives/mailbox.ts";
import { mailslot, slotRead, slotWrite } from "../../model/primitives/mailslot.ts";
import { into, opsOf, Rig } from "./_ops.ts";

// deno-lint-ignore no-explicit-any
function mk(name: string, build: () => System<any>) {
  return spec({ name, params: {}, build });
}

function ops(r: CheckResult): string[] {
  assert.ok(r.violation, `expected a violation, got ${r.verdict} ${r.error?.message ?? ""}`);
  return r.violation.steps.map((s) => `${s.process} ${s.operation}`);
}

const st = into("st");

// --- declarations -------------------------------------------------------------

Deno.test("mailbox: bad declarations throw at once", () => {
  assert.throws(() => mailbox("m", { capacity: -1 }), /capacity must be >= 0/);
  assert.throws(() => mailbox("m", { capacity: "unbounded" }), /needs a bound/);
  assert.throws(() => mailbox("m", { capacity: 1, bound: 2 }), /only an unbounded mailbox/);
  assert.throws(
    () => mailbox("m", { capacity: 1, policy: "arbitrary" }),
    /policy 'arbitrary' needs the receivers/,
  );
  assert.throws(
    () => mailbox("m", { capacity: 1, receivers: [1] }),
    /only the policies 'arbitrary' and 'round-robin' take receivers/,
  );
  assert.throws(
    () => mailbox("m", { capacity: 1, owner: "process" }),
    /exists at the start needs createdBy/,
  );
  assert.throws(
    () => mailbox("m", { capacity: 1, owner: "process", policy: "round-robin", receivers: [1] }),
    /has one receiver, its owner/,
  );
  assert.throws(
    () => mailbox("m", { capacity: 1, exists: false, createdBy: 0 }),
    /does not exist yet has no creator/,
  );
  assert.throws(
    () => mbSend(mailbox("m", { capacity: 1 }), 1, { receiver: st }),
    /only policies 'arbitrary' and 'round-robin' tell the sender/,
  );
  assert.equal(mailbox("m", { capacity: 2 }).slots, 7 + 2 * 3);
  assert.equal(mailbox("m", { capacity: 0 }).slots, 7 + 3);
});

// --- buffering ------------------------------------------------------------------

Deno.test("shared: FIFO, and each message goes to exactly one receiver", () => {
  const r = check(mk("shared", () => {
    const sys = system({ got: 0, seen: 0 });
    const A = mailbox("A", { capacity: 2 });
    sys.process("p", {}, () => [mbSend(A, 1), mbSend(A, 2)]);
    sys.process("q", { count: 2, locals: { m: 0 } }, (s) => [
      mbReceive(A, s.into("m")),
      s.do("note", ({ g, l }) => {
        g.got = g.got * 10 + l.m;
        g.seen |= 1 << l.m;
      }),
    ]);
    sys.atEnd("both, once each", ({ g }) => g.seen === 6 || `seen ${g.seen}`);
    return sys;
  }));
  assert.equal(r.verdict, "ok", r.violation?.message);
  // One receiver alone gets them in order.
  const fifo = check(mk("fifo", () => {
    const sys = system({ got: 0 });
    const A = mailbox("A", { capacity: 3 });
    sys.process("p", {}, () => [mbSend(A, 1), mbSend(A, 2), mbSend(A, 3)]);
    sys.process("q", {}, (s) => {
      const put = () => s.into(({ g }, m) => (g.got = g.got * 10 + m));
      return [mbReceive(A, put()), mbReceive(A, put()), mbReceive(A, put())];
    });
    sys.atEnd("in order", ({ g }) => g.got === 123 || `got ${g.got}`);
    return sys;
  }));
  assert.equal(fifo.verdict, "ok", fifo.violation?.message);
});

Deno.test("capacity N: a send blocks while N messages wait", () => {
  const r = check(mk("full", () => {
    const sys = system({});
    const A = mailbox("A", { capacity: 2 });
    sys.process("p", {}, () => [mbSend(A, 1), mbSend(A, 2), mbSend(A, 3)]);
    return sys;
  }));
  assert.equal(r.violation?.property, "deadlock");
  assert.deepEqual(ops(r), ["p#0 send(A)", "p#0 send(A)"]);
  assert.deepEqual(r.violation?.blocked?.[0]?.waitsOn, ["send(A) (A = [1,2])"]);
});

Deno.test("capacity 0: a send returns only after a receive took it", () => {
  const build = (capacity: number) =>
    mk(`zero${capacity}`, () => {
      const sys = system({ sent: false });
      const A = mailbox("A", { capacity });
      sys.process("p", {}, (s) => [mbSend(A, 1), s.do("sent", ({ g }) => (g.sent = true))]);
      sys.process("q", { locals: { v: 0 } }, (s) => [
        s.when("sent", ({ g }) => g.sent),
        mbReceive(A, s.into("v")),
      ]);
      return sys;
    });
  const zero = check(build(0));
  assert.equal(zero.violation?.property, "deadlock");
  assert.deepEqual(zero.violation?.blocked?.[0]?.waitsOn, ["send(A) returns (A = offer 1)"]);
  assert.equal(check(build(1)).verdict, "ok");
});

Deno.test("capacity 0: no message waits; the next sender offers after a take", () => {
  // Two senders, capacity 0: while one offer waits, the other sender cannot
  // offer; the mailbox's value (messages queued) stays 0.
  const r = check(mk("one_offer", () => {
    const sys = system({});
    const A = mailbox("A", { capacity: 0 });
    sys.process("p", { count: 2 }, (s) => [mbSend(A, s.expr(({ id }) => id + 1))]);
    sys.always("nothing queued", (v) => v.value(A) === 0);
    return sys;
  }));
  assert.equal(r.violation?.property, "deadlock");
  assert.deepEqual(r.violation?.blocked?.map((b) => b.step).sort(), ["send(A)", "send(A) returns"]);
});

Deno.test("unbounded: never blocks; the declared bound ends a path as incomplete", () => {
  for (const withStatus of [true, false]) {
    const build = (items: number) =>
      mk(`unb${items}${withStatus}`, () => {
        const sys = system({});
        const A = mailbox("A", { capacity: "unbounded", bound: 2 });
        sys.process("p", { locals: { i: 0, st: status() } }, (s) => [
          s.while(({ l }) => l.i < items, [
            mbSend(A, 1, withStatus ? { status: s.into("st") } : {}),
            s.do("next", ({ l }) => l.i++),
          ]),
        ]);
        return sys;
      });
    assert.equal(check(build(2)).verdict, "ok");
    const r = check(build(3));
    assert.equal(r.verdict, "incomplete", `status ${withStatus}`);
    assert.equal(r.incomplete?.reason, "bound");
    assert.equal(r.incomplete?.trace?.property, "A bound 2");
    assert.match(r.incomplete!.message, /already holds 2 messages, its declared exploration bound/);
  }
});

// --- policies -----------------------------------------------------------------

Deno.test("policy pair: two processes may share the link, a third is misuse", () => {
  const build = (receivers: number) =>
    mk(`pair${receivers}`, () => {
      const sys = system({});
      const A = mailbox("A", { capacity: 2, policy: "pair" });
      sys.process("p", {}, () => [mbSend(A, 1), mbSend(A, 2)]);
      sys.process("q", { count: receivers, locals: { m: 0 } }, (s) => [
        mbReceive(A, s.into("m")),
        mbReceive(A, s.into("m")),
      ]);
      sys.configure({ deadlock: false });
      return sys;
    });
  assert.equal(check(build(1)).verdict, "ok");
  const r = check(build(2));
  assert.equal(r.violation?.property, MAILBOX_MISUSE);
  assert.match(r.violation!.message, /q#\d uses 'A', a link that already joins \{p#0, q#\d\}/);
  // A third sender is caught the same way.
  const s3 = check(mk("pair_senders", () => {
    const sys = system({});
    const A = mailbox("A", { capacity: 3, policy: "pair" });
    sys.process("p", { count: 3 }, () => [mbSend(A, 1)]);
    return sys;
  }));
  assert.equal(s3.violation?.property, MAILBOX_MISUSE);
  assert.equal(s3.violation?.transitions.length, 3);
});

Deno.test("policy exclusive: one process at a time inside receive, through a lock", () => {
  // Two receivers on an empty mailbox: one takes the receive lock and
  // waits for a message holding it; the other waits for the lock. Without
  // the lock both would wait at the receive's second step.
  const r = check(mk("excl", () => {
    const sys = system({});
    const A = mailbox("A", { capacity: 1, policy: "exclusive" });
    sys.process("q", { count: 2, locals: { m: 0 } }, (s) => [mbReceive(A, s.into("m"))]);
    sys.always("one receiving", (v) => v.at("receive(A) into m") <= 1);
    return sys;
  }));
  assert.equal(r.violation?.property, "deadlock");
  const blocked = r.violation!.blocked!;
  const holder = blocked.find((b) => b.holds.includes("A"))!;
  assert.equal(holder.step, "receive(A) into m");
  const other = blocked.find((b) => b !== holder)!;
  assert.deepEqual(other.waitsOn, [
    `receive(A): take the receive lock (A = [], receiving ${holder.process})`,
  ]);
  // The lock holder gets the next message, not the process waiting for the lock.
  const B = mailbox("B", { capacity: 1, policy: "exclusive" });
  const rig = new Rig([B], 3);
  const [enter, take] = opsOf(mbReceive(B, into("m")));
  rig.fire(enter!, 1);
  assert.equal(rig.outcomes(enter!, 2), 0, "p2 waits for the receive lock");
  rig.fire(opsOf(mbSend(B, 7))[0]!, 0);
  assert.equal(rig.outcomes(take!, 1), 1);
  assert.equal(rig.outcomes(enter!, 2), 0, "still locked while p1 has not taken");
  rig.fire(take!, 1);
  assert.equal(rig.locals[1]!.m, 7);
  assert.equal(rig.outcomes(enter!, 2), 1, "released after the take");
  assert.ok(B.holds!(rig.w, 0, 1) === false);
});

Deno.test("policy arbitrary: each live receiver is an outcome, and the sender is told", () => {
  const build = (forbid: number) =>
    mk(`arb${forbid}`, () => {
      const sys = system({ taker: -1, told: -1 });
      const A = mailbox("A", { capacity: 1, policy: "arbitrary", receivers: [1, 2] });
      sys.process("p", { locals: { who: 0 } }, (s) => [
        mbSend(A, 5, { receiver: s.into("who") }),
        s.do("note", ({ g, l }) => (g.told = l.who)),
      ]);
      sys.process("q", { count: 2 }, (s) => [
        loop(
          label("idle", { end: true }),
          mbReceive(A, s.into(({ g, pid }) => (g.taker = pid))),
        ),
      ]);
      sys.atEnd("told the taker", ({ g }) => g.told === g.taker || `told ${g.told}`);
      sys.atEnd("not this one", ({ g }) => g.taker !== forbid);
      return sys;
    });
  for (const forbid of [1, 2]) {
    const r = check(build(forbid));
    assert.equal(r.violation?.property, "not this one", `receiver ${forbid} never picked`);
    assert.match(ops(r).join(" | "), /send\(A\) \[the system picks receiver [12] of those alive\]/);
  }
});

Deno.test("policy arbitrary/round-robin: exited receivers are skipped; none left is ENXIO", () => {
  for (const policy of ["arbitrary", "round-robin"] as const) {
    const r = check(mk(`gone_${policy}`, () => {
      const sys = system({ left: 0 });
      const A = mailbox("A", { capacity: 2, policy, receivers: [1, 2] });
      sys.process("p", { locals: { who: 0, st: status(), st2: status() } }, (s) => [
        s.when("receiver 1 left", ({ g }) => g.left === 1),
        mbSend(A, 5, { receiver: s.into("who"), status: s.into("st") }),
        s.assert("to receiver 2", ({ l }) => l.who === 2 || `told ${l.who}`),
        s.when("both left", ({ g }) => g.left === 2),
        mbSend(A, 6, { status: s.into("st2") }),
        s.assert("ENXIO", ({ l }) => l.st2 === Errno.ENXIO),
      ]);
      sys.process("q", {}, (s) => [s.do("leave", ({ g }) => g.left++)]);
      sys.process("r", { locals: { m: 0 } }, (s) => [
        mbReceive(A, s.into("m")),
        s.do("leave", ({ g }) => g.left++),
      ]);
      return sys;
    }));
    assert.equal(r.verdict, "ok", `${policy}: ${r.violation?.message}`);
  }
});

Deno.test("policy round-robin: receivers take turns, deterministically", () => {
  const r = check(mk("rr", () => {
    const sys = system({ told: 0 });
    const A = mailbox("A", { capacity: 4, policy: "round-robin", receivers: [1, 2] });
    sys.process("p", { locals: { who: 0 } }, (s) => {
      const send = (v: number) => [
        mbSend(A, v, { receiver: s.into("who") }),
        s.do("note", ({ g, l }) => (g.told = g.told * 10 + l.who)),
      ];
      return [...send(1), ...send(2), ...send(3)];
    });
    sys.atEnd("1, 2, 1", ({ g }) => g.told === 121 || `told ${g.told}`);
    return sys;
  }));
  assert.equal(r.verdict, "ok", r.violation?.message);
  // One path only: 7 states (6 steps of one process).
  assert.equal(r.stats.states, 7);
});

Deno.test("policy (c): only the picked receiver can take a message; others are misuse", () => {
  const rig = new Rig([mailbox("A", { capacity: 2, policy: "round-robin", receivers: [1, 2] })], 4);
  const A = [...rig.offs.keys()][0] as Mailbox;
  assert.equal(rig.fire(opsOf(mbSend(A, 5))[0]!, 0), undefined); // to p1
  const recv = opsOf(mbReceive(A, into("m")))[0]!;
  assert.equal(rig.outcomes(recv, 2), 0, "p2 must wait for its own message");
  assert.equal(rig.outcomes(recv, 1), 1);
  assert.match(rig.fire(recv, 3)!, /p3 receives from 'A' but is not one of its receivers/);
});

// --- ownership ----------------------------------------------------------------

Deno.test("process-owned: dies with its owner; blocked and later senders get EIDRM", () => {
  const r = check(mk("owner_exit", () => {
    const sys = system({ codes: 0 });
    const A = mailbox("A", { capacity: 1, owner: "process", createdBy: 1 });
    sys.process("p", { locals: { st: status() } }, (s) => [
      mbSend(A, 1, { status: s.into("st") }),
      mbSend(A, 2, { status: s.into("st") }), // blocks: full, until the owner dies
      s.do("note", ({ g, l }) => (g.codes = g.codes * 100 + l.st)),
      mbSend(A, 3, { status: s.into("st") }), // later: EIDRM at once
      s.do("note", ({ g, l }) => (g.codes = g.codes * 100 + l.st)),
    ]);
    sys.process("owner", {}, (s) => [s.when("first sent", (v) => v.g.codes >= 0)]);
    sys.atEnd("EIDRM twice", ({ g }) => g.codes === 4343 || `codes ${g.codes}`);
    sys.always("gone means removed", (v) => v.finished("owner") === 0 || v.value(A) === -1);
    return sys;
  }));
  assert.equal(r.verdict, "ok", r.violation?.message);
});

Deno.test("process-owned: only the owner receives", () => {
  const r = check(mk("non_owner", () => {
    const sys = system({});
    const A = mailbox("A", { capacity: 1, owner: "process", createdBy: 0 });
    // The owner stays alive (a process with an empty body has exited, and
    // its mailbox with it).
    sys.process("owner", {}, (s) => [
      label("idle", { end: true }),
      s.when("never", () => false),
    ]);
    sys.process("thief", { locals: { m: 0 } }, (s) => [mbReceive(A, s.into("m"))]);
    return sys;
  }));
  assert.equal(r.violation?.property, MAILBOX_MISUSE);
  assert.equal(
    r.violation?.message,
    "thief#0 receives from 'A', which owner#0 owns (only the owner of a process-owned mailbox receives)",
  );
});

Deno.test("OS-owned: persists after its creator exits, until destroyed", () => {
  const r = check(mk("os_owned", () => {
    const sys = system({ made: false });
    const A = mailbox("A", { capacity: 1, exists: false });
    sys.process("creator", { locals: { st: status() } }, (s) => [
      mbCreate(A, { status: s.into("st") }),
      s.do("made", ({ g }) => (g.made = true)),
    ]);
    sys.process("user", { locals: { st: status(), m: 0 } }, (s) => [
      s.when("made", ({ g }) => g.made),
      mbSend(A, 4, { status: s.into("st") }),
      mbReceive(A, s.into("m"), { status: s.into("st") }),
      s.assert("got it", ({ l }) => l.m === 4 && l.st === Errno.OK),
      mbDestroy(A, { status: s.into("st") }),
      s.assert("not the owner", ({ l }) => l.st === Errno.EPERM),
    ]);
    return sys;
  }));
  assert.equal(r.verdict, "ok", r.violation?.message);
});

Deno.test("lifecycle: ENOENT before create, EEXIST twice, EIDRM after destroy and on re-create", () => {
  const A = mailbox("A", { capacity: 1, exists: false });
  const rig = new Rig([A], 2);
  const send = opsOf(mbSend(A, 1, { status: st }))[0]!;
  const create = opsOf(mbCreate(A, { status: st }))[0]!;
  const destroy = opsOf(mbDestroy(A, { status: st }))[0]!;
  const code = (pid: number) => rig.locals[pid]!.st;
  rig.fire(send, 1);
  assert.equal(code(1), Errno.ENOENT);
  assert.equal(rig.format(A), "not created");
  rig.fire(create, 0);
  assert.equal(code(0), Errno.OK);
  assert.equal(rig.format(A), "[], owner p0");
  rig.fire(create, 1);
  assert.equal(code(1), Errno.EEXIST);
  rig.fire(send, 1);
  assert.equal(code(1), Errno.OK);
  rig.fire(destroy, 1);
  assert.equal(code(1), Errno.EPERM);
  rig.fire(destroy, 0);
  assert.equal(code(0), Errno.OK);
  assert.equal(rig.format(A), "removed");
  assert.equal(rig.value(A), -1);
  rig.fire(send, 1);
  assert.equal(code(1), Errno.EIDRM);
  rig.fire(create, 1);
  assert.equal(code(1), Errno.EIDRM);
  rig.fire(destroy, 0);
  assert.equal(code(0), Errno.EIDRM);
});

Deno.test("destroy wakes a blocked receiver with EIDRM", () => {
  const r = check(mk("destroy_wakes", () => {
    const sys = system({ waiting: false });
    const A = mailbox("A", { capacity: 1 });
    sys.process("q", { locals: { m: 0, st: status() } }, (s) => [
      s.do("wait", ({ g }) => (g.waiting = true)),
      mbReceive(A, s.into("m"), { status: s.into("st") }),
      s.assert("EIDRM", ({ l }) => l.st === Errno.EIDRM),
    ]);
    sys.process("d", { locals: { st: status() } }, (s) => [
      s.when("q waits", ({ g }) => g.waiting),
      mbDestroy(A, { status: s.into("st") }),
    ]);
    return sys;
  }));
  assert.equal(r.verdict, "ok", r.violation?.message);
});

Deno.test("capacity 0: an offer taken before removal returns OK; one not taken, EIDRM", () => {
  const A = mailbox("A", { capacity: 0 });
  const rig = new Rig([A], 3);
  const [offer, back] = opsOf(mbSend(A, 9, { status: st }));
  const recv = opsOf(mbReceive(A, into("m")))[0]!;
  const destroy = opsOf(mbDestroy(A, { status: into("d") }))[0]!;
  rig.fire(offer!, 0);
  assert.equal(rig.outcomes(offer!, 1), 0, "a second sender waits to offer");
  rig.fire(recv, 2);
  assert.equal(rig.locals[2]!.m, 9);
  rig.fire(offer!, 1); // the slot is free again: p1 offers
  rig.fire(destroy, 2); // p0's offer was taken, p1's was not
  rig.fire(back!, 0);
  assert.equal(rig.locals[0]!.st, Errno.OK);
  rig.fire(back!, 1);
  assert.equal(rig.locals[1]!.st, Errno.EIDRM);
});

Deno.test("an error with no status target is misuse, never a silent acceptance", () => {
  const r = check(mk("unchecked", () => {
    const sys = system({});
    const A = mailbox("A", { capacity: 1, owner: "process", createdBy: 1 });
    sys.process(
      "p",
      {},
      (s) => [s.when("owner gone", (v) => v.id === 0), mbSend(A, 1), mbSend(A, 2)],
    );
    sys.process("owner", {}, (s) => [s.do("leave", () => {})]);
    return sys;
  }));
  assert.equal(r.violation?.property, MAILBOX_MISUSE);
  assert.equal(
    r.violation?.message,
    "p#0: send(A) fails with EIDRM, and has no status target to report it",
  );
});

// --- mailslots ----------------------------------------------------------------

Deno.test("mailslot: a write copies to every reader and never blocks; full drops", () => {
  const ms = mailslot("M", { readers: [1, 2], capacity: 1 });
  const rig = new Rig([ms], 3);
  const write = (v: number) => rig.fire(opsOf(slotWrite(ms, v))[0]!, 0);
  const read = opsOf(slotRead(ms, into("m")))[0]!;
  write(1);
  assert.equal(rig.format(ms), "p1 [1] p2 [1]");
  write(2); // both full: dropped, the writer goes on
  assert.equal(rig.format(ms), "p1 [1] p2 [1]");
  rig.fire(read, 2);
  assert.equal(rig.locals[2]!.m, 1);
  write(3);
  assert.equal(rig.format(ms), "p1 [1] p2 [3]");
  assert.equal(rig.outcomes(read, 2), 1);
  rig.exit(1); // a reader's queue dies with it, and it gets no more copies
  write(4);
  assert.equal(rig.format(ms), "p1 gone p2 [3]");
  assert.match(rig.fire(read, 0)!, /p0 reads 'M' but is not one of its readers/);
});

Deno.test("mailslot: lossy writes explore every subset of lost copies", () => {
  const r = check(mk("lossy", () => {
    const sys = system({ got: 0 });
    const ms = mailslot("M", { readers: [1, 2], capacity: 1, lossy: true });
    sys.process("w", {}, () => [slotWrite(ms, 1)]);
    sys.process("r", { count: 2 }, (s) => [
      loop(label("idle", { end: true }), slotRead(ms, s.into(({ g }) => g.got++))),
    ]);
    sys.atEnd("somebody got it", ({ g }) => g.got > 0);
    return sys;
  }));
  // Both copies lost is one of the 4 outcomes.
  assert.equal(r.violation?.property, "somebody got it");
  assert.match(ops(r)[0]!, /write\(M\) \[copies lost: live readers 1, 2\]/);
});

Deno.test("mailslot: unbounded queues end a path as incomplete at the bound", () => {
  const r = check(mk("slot_unb", () => {
    const sys = system({});
    const ms = mailslot("M", { readers: [1], capacity: "unbounded", bound: 1 });
    sys.process("w", {}, () => [slotWrite(ms, 1), slotWrite(ms, 2)]);
    // The reader stays alive without reading (an exited reader gets no copies).
    sys.process("r", {}, (s) => [label("idle", { end: true }), s.when("never", () => false)]);
    return sys;
  }));
  assert.equal(r.verdict, "incomplete");
  assert.equal(r.incomplete?.trace?.property, "M bound 1");
});

// --- model-based test -----------------------------------------------------------

interface Config {
  capacity: number | "unbounded";
  policy: MailboxPolicy;
  owner: "os" | "process";
  exists: boolean;
}

const N = 4; // processes 0..3
const RECEIVERS = [1, 2]; // policy (c)
const BOUND = 2;

interface Entry {
  v: number;
  from: number;
  to: number; // -1 unless policy (c)
}

/** A process inside a two-step call, with its result once known. */
interface Pending {
  kind: "send" | "receive";
  result?: number;
}

/** The reference mailbox, written from the rules in the module doc. */
class Ref {
  life: "absent" | "exists" | "removed";
  owner = -1;
  queue: Entry[] = [];
  users = new Set<number>();
  lock = -1;
  next = 0;
  gone = new Set<number>();
  readonly pending = new Map<number, Pending>();
  readonly exited = new Set<number>();

  constructor(readonly c: Config) {
    this.life = c.exists ? "exists" : "absent";
    if (c.exists && c.owner === "process") this.owner = 0;
  }

  get picks(): boolean {
    return this.c.policy === "arbitrary" || this.c.policy === "round-robin";
  }
  get room(): number {
    return this.c.capacity === "unbounded" ? BOUND : this.c.capacity === 0 ? 1 : this.c.capacity;
  }
  lifeCode(): number {
    return this.life === "absent" ? Errno.ENOENT : Errno.EIDRM;
  }
  misuse(pid: number, receiving: boolean): boolean {
    if (this.c.policy === "pair" && !this.users.has(pid) && this.users.size >= 2) return true;
    if (!receiving) return false;
    if (this.c.owner === "process" && this.owner !== pid) return true;
    return this.picks && !RECEIVERS.includes(pid);
  }
  live(): number[] {
    return RECEIVERS.filter((r) => !this.gone.has(r));
  }
  eligible(pid: number): number {
    return this.picks ? this.queue.findIndex((e) => e.to === pid) : this.queue.length > 0 ? 0 : -1;
  }
  remove(): void {
    this.life = "removed";
    this.queue = [];
    this.owner = -1;
    this.lock = -1;
    this.users.clear();
    this.gone.clear();
    this.next = 0;
  }
  format(): string {
    if (this.life === "absent") return "not created";
    if (this.life === "removed") return "removed";
    const items = this.queue.map((e) => `${e.v}${e.to >= 0 ? `→p${e.to}` : ""}`);
    const parts = [
      this.c.capacity === 0
        ? (items.length === 0 ? "no offer" : `offer ${items[0]}`)
        : `[${items.join(",")}]`,
    ];
    if (this.owner >= 0) parts.push(`owner p${this.owner}`);
    const set = (s: Iterable<number>) => `{${[...s].sort().map((p) => `p${p}`).join(", ")}}`;
    if (this.c.policy === "pair" && this.users.size > 0) parts.push(`link ${set(this.users)}`);
    if (this.c.policy === "exclusive" && this.lock >= 0) parts.push(`receiving p${this.lock}`);
    if (this.c.policy === "round-robin") parts.push(`next p${RECEIVERS[this.next]}`);
    if (this.gone.size > 0) parts.push(`exited ${set(this.gone)}`);
    return parts.join(", ");
  }
  value(): number {
    if (this.life !== "exists") return -1;
    return this.c.capacity === 0 ? 0 : this.queue.length;
  }
}

interface Real {
  rig: Rig;
  A: Mailbox;
}

type Cmd = fc.Command<Ref, Real>;

function idle(m: Readonly<Ref>, pid: number): boolean {
  return !m.exited.has(pid) && !m.pending.has(pid);
}

class Send implements Cmd {
  constructor(readonly pid: number, readonly v: number, readonly pick: number) {}
  check = (m: Readonly<Ref>) => idle(m, this.pid);
  run(m: Ref, r: Real) {
    const steps = opsOf(mbSend(r.A, this.v, {
      status: st,
      ...(m.picks ? { receiver: into("who") } : {}),
    }));
    const zero = m.c.capacity === 0;
    const alts = zero ? [steps[0]!] : steps; // unbounded sends may have a bound alternative
    const L = r.rig.locals[this.pid]!;
    const exists = m.life === "exists";
    const bad = exists && m.misuse(this.pid, false);
    const full = zero
      ? m.queue.length > 0
      : m.c.capacity !== "unbounded" && m.queue.length >= m.room;
    const open = !exists || bad || !full;
    const total = alts.reduce((n, op) => n + r.rig.outcomes(op, this.pid), 0);
    const outcomes = m.c.policy === "arbitrary" && exists && !bad
      ? Math.max(1, m.live().length)
      : 1;
    assert.equal(total, open ? outcomes : 0, "send blocks iff full");
    if (!open) return;
    const before = r.rig.w.slice();
    const { op, error } = r.rig.fireAny(alts, this.pid, this.pick % outcomes);
    if (bad) {
      assert.equal(op.failure, MAILBOX_MISUSE);
      assert.match(error ?? "", /a link that already joins/);
      r.rig.w.set(before);
      return;
    }
    if (exists && m.c.capacity === "unbounded" && m.queue.length >= BOUND) {
      assert.equal(op.failureKind, "bound");
      assert.match(error ?? "", /declared exploration bound/);
      r.rig.w.set(before);
      return;
    }
    assert.equal(error, undefined);
    const fail = (code: number) => {
      if (zero) m.pending.set(this.pid, { kind: "send", result: code });
      else assert.equal(L.st, code);
      if (!zero) return;
      assert.equal(L.st, code);
    };
    if (!exists) return fail(m.lifeCode());
    let to = -1;
    if (m.picks) {
      const live = m.live();
      if (live.length === 0) return fail(Errno.ENXIO);
      if (m.c.policy === "arbitrary") to = live[this.pick % outcomes]!;
      else {
        for (let k = 0; k < RECEIVERS.length; k++) {
          const i = (m.next + k) % RECEIVERS.length;
          if (!m.gone.has(RECEIVERS[i]!)) {
            to = RECEIVERS[i]!;
            m.next = (i + 1) % RECEIVERS.length;
            break;
          }
        }
      }
      assert.equal(L.who, to, "the sender is told the receiver");
    }
    if (m.c.policy === "pair") m.users.add(this.pid);
    m.queue.push({ v: this.v, from: this.pid, to });
    if (zero) m.pending.set(this.pid, { kind: "send" });
    else assert.equal(L.st, Errno.OK);
  }
  toString = () => `send(p${this.pid}, ${this.v}, pick ${this.pick})`;
}

class Return implements Cmd {
  constructor(readonly pid: number) {}
  check = (m: Readonly<Ref>) => m.pending.get(this.pid)?.kind === "send";
  run(m: Ref, r: Real) {
    const back = opsOf(mbSend(r.A, 0, { status: st }))[1]!;
    const p = m.pending.get(this.pid)!;
    const result = p.result ?? (m.life !== "exists" ? Errno.EIDRM : undefined);
    assert.equal(r.rig.outcomes(back, this.pid), result === undefined ? 0 : 1, "returns iff done");
    if (result === undefined) return;
    assert.equal(r.rig.fire(back, this.pid), undefined);
    assert.equal(r.rig.locals[this.pid]!.st, result);
    m.pending.delete(this.pid);
  }
  toString = () => `return(p${this.pid})`;
}

/** Takes the message at `i` for `pid`, checking what the real receive stored. */
function taken(m: Ref, r: Real, pid: number, i: number): void {
  const e = m.queue.splice(i, 1)[0]!;
  const L = r.rig.locals[pid]!;
  assert.equal(L.m, e.v);
  assert.equal(L.from, e.from);
  assert.equal(L.st, Errno.OK);
  if (m.c.capacity === 0) m.pending.get(e.from)!.result = Errno.OK;
}

class Receive implements Cmd {
  constructor(readonly pid: number) {}
  check = (m: Readonly<Ref>) => idle(m, this.pid);
  run(m: Ref, r: Real) {
    const [first] = opsOf(mbReceive(r.A, into("m"), { status: st, from: into("from") }));
    const exists = m.life === "exists";
    const bad = exists && m.misuse(this.pid, true);
    const excl = m.c.policy === "exclusive";
    const open = !exists || bad || (excl ? m.lock < 0 : m.eligible(this.pid) >= 0);
    assert.equal(
      r.rig.outcomes(first!, this.pid),
      open ? 1 : 0,
      "receive blocks iff nothing for it",
    );
    if (!open) return;
    const before = r.rig.w.slice();
    const error = r.rig.fire(first!, this.pid);
    if (bad) {
      assert.match(error ?? "", /receives from 'A'|a link that already joins/);
      r.rig.w.set(before);
      return;
    }
    assert.equal(error, undefined);
    if (!exists) {
      assert.equal(r.rig.locals[this.pid]!.st, m.lifeCode());
      if (excl) m.pending.set(this.pid, { kind: "receive", result: m.lifeCode() });
      return;
    }
    if (m.c.policy === "pair") m.users.add(this.pid);
    if (excl) {
      m.lock = this.pid;
      m.pending.set(this.pid, { kind: "receive" });
      return;
    }
    taken(m, r, this.pid, m.eligible(this.pid));
  }
  toString = () => `receive(p${this.pid})`;
}

class Take implements Cmd {
  constructor(readonly pid: number) {}
  check = (m: Readonly<Ref>) => m.pending.get(this.pid)?.kind === "receive";
  run(m: Ref, r: Real) {
    const get = opsOf(mbReceive(r.A, into("m"), { status: st, from: into("from") }))[1]!;
    const p = m.pending.get(this.pid)!;
    const open = p.result !== undefined || m.life !== "exists" || m.queue.length > 0;
    assert.equal(r.rig.outcomes(get, this.pid), open ? 1 : 0, "holder takes iff a message");
    if (!open) return;
    assert.equal(r.rig.fire(get, this.pid), undefined);
    m.pending.delete(this.pid);
    if (p.result !== undefined) return assert.equal(r.rig.locals[this.pid]!.st, p.result);
    if (m.life !== "exists") return assert.equal(r.rig.locals[this.pid]!.st, Errno.EIDRM);
    taken(m, r, this.pid, 0);
    m.lock = -1;
  }
  toString = () => `take(p${this.pid})`;
}

class Create implements Cmd {
  constructor(readonly pid: number) {}
  check = (m: Readonly<Ref>) => idle(m, this.pid);
  run(m: Ref, r: Real) {
    assert.equal(r.rig.fire(opsOf(mbCreate(r.A, { status: st }))[0]!, this.pid), undefined);
    const want = m.life === "absent" ? Errno.OK : m.life === "exists" ? Errno.EEXIST : Errno.EIDRM;
    assert.equal(r.rig.locals[this.pid]!.st, want);
    if (m.life === "absent") {
      m.life = "exists";
      m.owner = this.pid;
    }
  }
  toString = () => `create(p${this.pid})`;
}

class Destroy implements Cmd {
  constructor(readonly pid: number) {}
  check = (m: Readonly<Ref>) => idle(m, this.pid);
  run(m: Ref, r: Real) {
    assert.equal(r.rig.fire(opsOf(mbDestroy(r.A, { status: st }))[0]!, this.pid), undefined);
    const code = m.life !== "exists"
      ? m.lifeCode()
      : m.owner >= 0 && m.owner !== this.pid
      ? Errno.EPERM
      : Errno.OK;
    assert.equal(r.rig.locals[this.pid]!.st, code);
    if (code === Errno.OK) m.remove();
  }
  toString = () => `destroy(p${this.pid})`;
}

class Exit implements Cmd {
  constructor(readonly pid: number) {}
  check = (m: Readonly<Ref>) => idle(m, this.pid);
  run(m: Ref, r: Real) {
    r.rig.exit(this.pid);
    m.exited.add(this.pid);
    if (m.c.owner === "process" && m.life === "exists" && m.owner === this.pid) m.remove();
    else if (m.picks && m.life !== "removed" && RECEIVERS.includes(this.pid)) m.gone.add(this.pid);
  }
  toString = () => `exit(p${this.pid})`;
}

Deno.test("model-based: the mailbox agrees with a reference written from its rules", () => {
  const pid = fc.integer({ min: 0, max: N - 1 });
  const config: fc.Arbitrary<Config> = fc.record({
    capacity: fc.constantFrom<number | "unbounded">(0, 1, 2, "unbounded"),
    policy: fc.constantFrom<MailboxPolicy>(
      "shared",
      "pair",
      "exclusive",
      "arbitrary",
      "round-robin",
    ),
    owner: fc.constantFrom<"os" | "process">("os", "process"),
    exists: fc.boolean(),
  }).filter((c) => c.owner === "os" || (c.policy !== "arbitrary" && c.policy !== "round-robin"));
  const commands = fc.commands<Ref, Real>([
    fc.tuple(pid, fc.integer({ min: 1, max: 9 }), fc.nat(3)).map(([p, v, k]) => new Send(p, v, k)),
    pid.map((p) => new Return(p)),
    pid.map((p) => new Receive(p)),
    pid.map((p) => new Take(p)),
    pid.map((p) => new Create(p)),
    pid.map((p) => new Destroy(p)),
    pid.map((p) => new Exit(p)),
  ], { maxCommands: 40 });
  fc.assert(
    fc.property(config, commands, (c, cmds) => {
      const A = mailbox("A", {
        capacity: c.capacity,
        ...(c.capacity === "unbounded" ? { bound: BOUND } : {}),
        policy: c.policy,
        owner: c.owner,
        exists: c.exists,
        ...(c.exists && c.owner === "process" ? { createdBy: 0 } : {}),
        ...(c.policy === "arbitrary" || c.policy === "round-robin" ? { receivers: RECEIVERS } : {}),
      });
      const rig = new Rig([A], N);
      const model = new Ref(c);
      const checked = [...cmds].map((cmd): Cmd => ({
        check: (m) => cmd.check(m),
        run: (m, r) => {
          cmd.run(m, r);
          assert.equal(rig.format(A), m.format(), `after ${cmd}`);
          assert.equal(rig.value(A), m.value(), `value after ${cmd}`);
        },
        toString: () => cmd.toString(),
      }));
      fc.modelRun(() => ({ model, real: { rig, A } }), checked);
    }),
    { numRuns: 400 },
  );
});
