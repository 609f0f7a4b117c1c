// Direct naming (docs/semantics.md §8): one test (at least) per rule, each of
// which would fail if the rule were broken, and a fast-check model-based
// test of the links against a reference written here.

import assert from "node:assert/strict";
import fc from "fast-check";
import {
  check,
  type CheckResult,
  choose,
  label,
  loop,
  spec,
  type System,
  system,
} from "../../mod.ts";
import {
  direct,
  pidOf,
  pidsOf,
  processCount,
  receiveAny,
  receiveFrom,
  resolvePids,
  sendTo,
} from "../../model/primitives/direct.ts";
import { into, opsOf, Rig } from "./_ops.ts";

// deno-lint-ignore no-explicit-any
function mk(name: string, build: () => System<any>) {
  return spec({ name, params: {}, build });
}

function ops(r: CheckResult): string[] {
  assert.ok(r.violation, `expected a violation, got ${r.verdict} ${r.error?.message ?? ""}`);
  return r.violation.steps.map((s) => `${s.process} ${s.operation}`);
}

// --- pids -------------------------------------------------------------------

Deno.test("pids: kinds are numbered in declaration order, resolved late", () => {
  const sys = system({});
  const server = pidOf(sys, "server");
  const clients = pidsOf(sys, "client");
  assert.throws(() => server.resolve(), /no process kind 'server' \(none declared yet\)/);
  sys.process("client", { count: 2 }, () => []);
  sys.process("server", {}, () => []);
  assert.equal(server.resolve(), 2);
  assert.deepEqual(clients.pids(), [0, 1]);
  assert.equal(clients.first(), 0);
  assert.equal(clients.count(), 2);
  assert.equal(clients.at(1).resolve(), 1);
  assert.equal(processCount(sys), 3);
  assert.deepEqual(resolvePids([server, 0]), [2, 0]);
  assert.throws(() => pidOf(sys, "client", 2).resolve(), /has 2 copies: there is no client#2/);
  assert.throws(() => pidOf(sys, "nobody").resolve(), /kinds: client, server/);
});

// --- declarations -----------------------------------------------------------

Deno.test("direct: slots are a register per process and a block per ordered pair", () => {
  assert.equal(direct("a", { processes: 2, capacity: 0 }).slots, 2 + 4 * 2);
  assert.equal(direct("b", { processes: 3, capacity: 2 }).slots, 3 + 9 * 3);
  assert.equal(direct("c", { processes: 2, capacity: "unbounded", bound: 4 }).slots, 2 + 4 * 5);
  const sys = system({});
  const lazy = direct("d", { processes: sys, capacity: 1 });
  sys.process("p", { count: 3 }, () => []);
  assert.equal(lazy.processes, 3);
});

Deno.test("direct: bad declarations throw at once", () => {
  assert.throws(() => direct("x", { processes: 2, capacity: -1 }), /capacity must be >= 0/);
  assert.throws(
    () => direct("x", { processes: 2, capacity: "unbounded" }),
    /an unbounded link needs a bound/,
  );
  assert.throws(
    () => direct("x", { processes: 2, capacity: 1, bound: 3 }),
    /only an unbounded link has a bound/,
  );
  assert.throws(() => direct("x", { processes: 0, capacity: 1 }), /processes must be >= 1/);
  assert.throws(() => direct("", { processes: 1, capacity: 1 }), /name must be a non-empty/);
});

// --- symmetric naming -------------------------------------------------------

Deno.test("symmetric: receive(Q) takes only Q's message, whoever sent first", () => {
  // p0 and p1 both send to p2; p2 receives from p1 first. If receive(Q)
  // took any message, the order where p0 sends first would give 100.
  const r = check(mk("sym_named", () => {
    const sys = system({});
    const net = direct("net", { processes: sys, capacity: 1 });
    sys.process("p", { count: 2 }, (s) => [sendTo(net, 2, s.expr(({ id }) => 100 + id))]);
    sys.process("q", { locals: { a: 0, b: 0 } }, (s) => [
      receiveFrom(net, 1, s.into("a")),
      receiveFrom(net, 0, s.into("b")),
    ]);
    sys.atEnd("named", (v) => v.finished() === 3);
    return sys;
  }));
  assert.equal(r.verdict, "ok", r.violation?.message);
  const wrong = check(mk("sym_named_check", () => {
    const sys = system({ a: 0 });
    const net = direct("net", { processes: sys, capacity: 1 });
    sys.process("p", { count: 2 }, (s) => [sendTo(net, 2, s.expr(({ id }) => 100 + id))]);
    sys.process("q", {}, (s) => [receiveFrom(net, 1, s.into(({ g }, m) => (g.a = m)))]);
    sys.atEnd("got p1's", ({ g }) => g.a === 101 || `got ${g.a}`);
    return sys;
  }));
  assert.equal(wrong.verdict, "ok", wrong.violation?.message);
});

Deno.test("links: one FIFO link per ordered pair, in order", () => {
  const r = check(mk("fifo", () => {
    const sys = system({ got: 0 });
    const net = direct("net", { processes: 2, capacity: 3 });
    sys.process("p", {}, () => [sendTo(net, 1, 1), sendTo(net, 1, 2), sendTo(net, 1, 3)]);
    sys.process("q", {}, (s) => {
      const put = () => s.into(({ g }, m) => (g.got = g.got * 10 + m));
      return [receiveFrom(net, 0, put()), receiveFrom(net, 0, put()), receiveFrom(net, 0, put())];
    });
    sys.atEnd("1, 2, 3", ({ g }) => g.got === 123 || `got ${g.got}`);
    return sys;
  }));
  assert.equal(r.verdict, "ok", r.violation?.message);
});

Deno.test("links: the two directions of a pair are separate links", () => {
  // Both send first, then receive. With capacity 1 each message waits on
  // its own link: ok. If both directions shared one buffer of 1, the second
  // send would block and deadlock.
  const r = check(mk("two_dirs", () => {
    const sys = system({});
    const net = direct("net", { processes: 2, capacity: 1 });
    sys.process("p", { count: 2, locals: { m: 0 } }, (s) => [
      sendTo(net, s.expr(({ id }) => 1 - id), s.expr(({ id }) => id + 5)),
      receiveFrom(net, s.expr(({ id }) => 1 - id), s.into("m")),
      s.assert("the other's", ({ l, id }) => l.m === 6 - id),
    ]);
    return sys;
  }));
  assert.equal(r.verdict, "ok", r.violation?.message);
});

Deno.test("capacity N: a send blocks only when its own link is full", () => {
  const r = check(mk("full", () => {
    const sys = system({});
    const net = direct("net", { processes: 3, capacity: 1 });
    sys.process("p", {}, () => [sendTo(net, 1, 7), sendTo(net, 2, 8), sendTo(net, 1, 9)]);
    sys.process("q", { count: 2 }, () => []);
    return sys;
  }));
  assert.equal(r.violation?.property, "deadlock");
  assert.deepEqual(ops(r), ["p#0 send(net, pid 1)", "p#0 send(net, pid 2)"]);
  assert.match(r.violation!.state, /net=p#0→q#0 \[7\] p#0→q#1 \[8\]/);
});

Deno.test("capacity 0: a send returns only after its receive", () => {
  // q receives only once p has returned from its send: with no buffering
  // that never happens (deadlock); with capacity 1 the message waits.
  const build = (capacity: number) =>
    mk(`rdv${capacity}`, () => {
      const sys = system({ sent: false });
      const net = direct("net", { processes: 2, capacity });
      sys.process("p", {}, (s) => [sendTo(net, 1, 1), s.do("sent", ({ g }) => (g.sent = true))]);
      sys.process("q", { locals: { v: 0 } }, (s) => [
        s.when("sent", ({ g }) => g.sent),
        receiveFrom(net, 0, s.into("v")),
      ]);
      return sys;
    });
  const zero = check(build(0));
  assert.equal(zero.violation?.property, "deadlock");
  assert.deepEqual(ops(zero), ["p#0 send(net, pid 1)"]);
  assert.deepEqual(zero.violation?.blocked?.map((b) => b.step), [
    "send(net, pid 1) returns",
    "sent",
  ]);
  assert.equal(check(build(1)).verdict, "ok");
});

Deno.test("capacity 0: offer, take, return: 4 states for one exchange", () => {
  // (send, recv) -> offer -> (returns, recv) -> take -> (returns, end) ->
  // return -> (end, end): 4 states.
  const r = check(mk("rdv_states", () => {
    const sys = system({});
    const net = direct("net", { processes: 2, capacity: 0 });
    sys.process("p", {}, () => [sendTo(net, 1, 5)]);
    sys.process("q", { locals: { v: 0 } }, (s) => [receiveFrom(net, 0, s.into("v"))]);
    sys.atEnd("got 5", (v) => v.finished() === 2);
    return sys;
  }));
  assert.equal(r.verdict, "ok");
  assert.equal(r.stats.states, 4);
});

Deno.test("circular blocking: two processes that each start with a receive deadlock", () => {
  const r = check(mk("circular", () => {
    const sys = system({});
    const net = direct("net", { processes: 2, capacity: 1 });
    sys.process("p", { count: 2, locals: { m: 0 } }, (s) => [
      receiveFrom(net, s.expr(({ id }) => 1 - id), s.into("m")),
      sendTo(net, s.expr(({ id }) => 1 - id), 1),
    ]);
    return sys;
  }));
  assert.equal(r.violation?.property, "deadlock");
  assert.equal(r.violation?.blocked?.length, 2);
});

Deno.test("a partner from the view costs no step more than a fixed one", () => {
  const run = (computed: boolean) =>
    check(mk(`partner${computed}`, () => {
      const sys = system({});
      const net = direct("net", { processes: 2, capacity: 1 });
      sys.process("p", {}, (s) => [sendTo(net, computed ? s.expr(() => 1) : 1, 4)]);
      sys.process("q", { locals: { v: 0 } }, (s) => [
        receiveFrom(net, computed ? s.expr(() => 0) : 0, s.into("v")),
      ]);
      return sys;
    }));
  // Fixed: p and q each one step, q after p: 3 states. Computed: the guards
  // evaluate the partner, so the same 3 states (was 7 with the extra "name
  // the partner" steps: 3 x 3 minus the two where q took before p sent,
  // of which the 4 with p or q between naming and acting are gone).
  assert.equal(run(false).stats.states, 3);
  assert.equal(run(true).stats.states, 3);
});

// --- asymmetric naming ------------------------------------------------------

Deno.test("asymmetric: receive(any) explores every sender and reports its pid", () => {
  // Two senders, one receive(any): the message taken may be either one. An
  // end property that forbids sender 0 fails, and so does one that forbids
  // sender 1: both choices are explored. The sender's pid comes with it.
  const build = (want: number) =>
    mk(`any_first_${want}`, () => {
      const sys = system({ first: -1 });
      const net = direct("net", { processes: 3, capacity: 1 });
      sys.process("p", { count: 2 }, (s) => [sendTo(net, 2, s.expr(({ id }) => 40 + id))]);
      sys.process("q", { locals: { m: 0, who: 0 } }, (s) => [
        receiveAny(net, s.into("m"), s.into("who")),
        s.assert("sender's pid", ({ l }) => l.m === 40 + l.who || `m ${l.m} from ${l.who}`),
        s.do("note", ({ g, l }) => (g.first = l.who)),
      ]);
      sys.atEnd("never this first", ({ g }) => g.first !== want);
      sys.configure({ deadlock: false });
      return sys;
    });
  for (const want of [0, 1]) {
    const r = check(build(want));
    assert.equal(r.violation?.property, "never this first", `sender ${want} never first`);
    assert.match(r.violation!.steps.map((s) => s.operation).join(" | "), /the (1st|2nd) sender/);
  }
});

Deno.test("asymmetric: receive(any) blocks while no link to the caller holds a message", () => {
  const r = check(mk("any_block", () => {
    const sys = system({});
    const net = direct("net", { processes: 3, capacity: 1 });
    sys.process("p", {}, () => [sendTo(net, 1, 1)]);
    sys.process("q", {}, () => []);
    sys.process("r", {}, () => [receiveAny(net, into("m"))]);
    return sys;
  }));
  assert.equal(r.violation?.property, "deadlock");
  assert.deepEqual(r.violation?.blocked?.map((b) => b.process), ["r#0"]);
});

// --- unbounded links --------------------------------------------------------

Deno.test("unbounded: sends never block; reaching the bound is incomplete, with a trace", () => {
  const build = (items: number) =>
    mk(`unb${items}`, () => {
      const sys = system({});
      const net = direct("net", { processes: 2, capacity: "unbounded", bound: 2 });
      sys.process("p", { locals: { i: 0 } }, (s) => [
        s.while(({ l }) => l.i < items, [sendTo(net, 1, 1), s.do("next", ({ l }) => l.i++)]),
      ]);
      sys.process("q", { locals: { j: 0, m: 0 } }, (s) => [
        s.while(({ l }) => l.j < items, [
          receiveFrom(net, 0, s.into("m")),
          s.do("next", ({ l }) => l.j++),
        ]),
      ]);
      return sys;
    });
  assert.equal(check(build(2)).verdict, "ok");
  const r = check(build(3));
  assert.equal(r.verdict, "incomplete");
  assert.equal(r.incomplete?.reason, "bound");
  assert.match(
    r.incomplete!.message,
    /p#0 sends on 'net' to q#0: the link already holds 2 messages/,
  );
  assert.equal(r.incomplete?.trace?.property, "net bound 2");
  assert.equal(r.incomplete?.trace?.kind, "bound");
});

// --- misuse -----------------------------------------------------------------

Deno.test("misuse: naming oneself or a pid outside the system is a spec error", () => {
  const self = check(mk("self", () => {
    const sys = system({});
    const net = direct("net", { processes: 2, capacity: 1 });
    sys.process("p", {}, () => [sendTo(net, 0, 1)]);
    sys.process("q", {}, () => []);
    return sys;
  }));
  assert.equal(self.verdict, "error");
  assert.match(self.error!.message, /a process cannot be its own partner/);
  const far = check(mk("far", () => {
    const sys = system({});
    const net = direct("net", { processes: 2, capacity: 1 });
    sys.process("p", {}, (s) => [choose([receiveFrom(net, s.expr(() => 5), into("m"))])]);
    sys.process("q", {}, () => []);
    return sys;
  }));
  assert.equal(far.verdict, "error");
  assert.match(far.error!.message, /no process with pid 5/);
});

Deno.test("a server that waits for requests at an end label is not a deadlock", () => {
  const r = check(mk("server", () => {
    const sys = system({});
    const net = direct("net", { processes: sys, capacity: 0 });
    sys.process("client", {}, () => [sendTo(net, 1, 3)]);
    sys.process("server", { locals: { m: 0, who: 0 } }, (s) => [
      loop(label("idle", { end: true }), receiveAny(net, s.into("m"), s.into("who"))),
    ]);
    return sys;
  }));
  assert.equal(r.verdict, "ok");
});

// --- model-based test ---------------------------------------------------------

/** The reference: per ordered pair a queue; capacity-0 senders wait to be taken. */
class RefLinks {
  readonly links = new Map<string, number[]>();
  /** Capacity-0 senders blocked in send: their partner. */
  readonly blocked = new Map<number, number>();
  constructor(readonly n: number, readonly cap: number | "unbounded", readonly bound: number) {}
  q(a: number, b: number): number[] {
    const k = `${a},${b}`;
    if (!this.links.has(k)) this.links.set(k, []);
    return this.links.get(k)!;
  }
  room(): number {
    return this.cap === "unbounded" ? this.bound : this.cap === 0 ? 1 : this.cap;
  }
  format(): string {
    const parts: string[] = [];
    for (let a = 0; a < this.n; a++) {
      for (let b = 0; b < this.n; b++) {
        const q = this.q(a, b);
        if (q.length === 0) continue;
        parts.push(this.cap === 0 ? `p${a}→p${b} offers ${q[0]}` : `p${a}→p${b} [${q.join(",")}]`);
      }
    }
    return parts.length === 0 ? "empty" : parts.join(" ");
  }
}

interface Real {
  rig: Rig;
  net: ReturnType<typeof direct>;
}

type Cmd = fc.Command<RefLinks, Real>;

class SendCmd implements Cmd {
  constructor(readonly from: number, readonly to: number, readonly v: number) {}
  check(m: Readonly<RefLinks>) {
    return this.from !== this.to && !m.blocked.has(this.from);
  }
  run(m: RefLinks, r: Real) {
    const [first, second] = opsOf(sendTo(r.net, this.to, this.v));
    const q = m.q(this.from, this.to);
    if (m.cap === 0) {
      assert.equal(r.rig.fire(first!, this.from), undefined);
      q.push(this.v);
      m.blocked.set(this.from, this.to);
      assert.equal(r.rig.outcomes(second!, this.from), 0, "returns before the receive");
      return;
    }
    const open = m.cap === "unbounded" || q.length < m.cap;
    assert.equal(r.rig.outcomes(first!, this.from), open ? 1 : 0, "send blocks iff full");
    if (!open) return;
    const err = r.rig.fire(first!, this.from);
    if (m.cap === "unbounded" && q.length >= m.bound) {
      assert.match(err ?? "", /declared exploration bound/);
      r.rig.w.set(snapshot); // the bound cuts the successor: the state is dropped
      return;
    }
    assert.equal(err, undefined);
    q.push(this.v);
  }
  toString() {
    return `send(${this.from}→${this.to}, ${this.v})`;
  }
}

// The state before a bound-failing send, restored after it (as the search drops it).
let snapshot = new Int32Array(0);

class ReturnCmd implements Cmd {
  constructor(readonly pid: number) {}
  check(m: Readonly<RefLinks>) {
    return m.blocked.has(this.pid);
  }
  run(m: RefLinks, r: Real) {
    const to = m.blocked.get(this.pid)!;
    const back = opsOf(sendTo(r.net, to, 0))[1]!;
    const taken = m.q(this.pid, to).length === 0;
    assert.equal(r.rig.outcomes(back, this.pid), taken ? 1 : 0, "returns iff taken");
    if (!taken) return;
    assert.equal(r.rig.fire(back, this.pid), undefined);
    m.blocked.delete(this.pid);
  }
  toString() {
    return `return(${this.pid})`;
  }
}

class RecvCmd implements Cmd {
  constructor(readonly pid: number, readonly from: number) {}
  check(m: Readonly<RefLinks>) {
    return this.pid !== this.from && !m.blocked.has(this.pid);
  }
  run(m: RefLinks, r: Real) {
    const op = opsOf(receiveFrom(r.net, this.from, into("m")))[0]!;
    const q = m.q(this.from, this.pid);
    assert.equal(r.rig.outcomes(op, this.pid), q.length > 0 ? 1 : 0, "receive blocks iff empty");
    if (q.length === 0) return;
    assert.equal(r.rig.fire(op, this.pid), undefined);
    assert.equal(r.rig.locals[this.pid]!.m, q.shift());
  }
  toString() {
    return `receive(${this.pid}←${this.from})`;
  }
}

class RecvAnyCmd implements Cmd {
  constructor(readonly pid: number, readonly pick: number) {}
  check(m: Readonly<RefLinks>) {
    return !m.blocked.has(this.pid);
  }
  run(m: RefLinks, r: Real) {
    const op = opsOf(receiveAny(r.net, into("m"), into("who")))[0]!;
    const senders = Array.from({ length: m.n }, (_, q) => q)
      .filter((q) => q !== this.pid && m.q(q, this.pid).length > 0);
    assert.equal(r.rig.outcomes(op, this.pid), senders.length, "one outcome per sender");
    if (senders.length === 0) return;
    const c = this.pick % senders.length;
    assert.equal(r.rig.fire(op, this.pid, c), undefined);
    const who = senders[c]!;
    assert.equal(r.rig.locals[this.pid]!.who, who);
    assert.equal(r.rig.locals[this.pid]!.m, m.q(who, this.pid).shift());
  }
  toString() {
    return `receiveAny(${this.pid}, ${this.pick})`;
  }
}

Deno.test("model-based: the links agree with a reference of per-pair queues", () => {
  const N = 3;
  const pid = fc.integer({ min: 0, max: N - 1 });
  const commands = fc.commands([
    fc.tuple(pid, pid, fc.integer({ min: 1, max: 9 })).map(([a, b, v]) => new SendCmd(a, b, v)),
    pid.map((p) => new ReturnCmd(p)),
    fc.tuple(pid, pid).map(([a, b]) => new RecvCmd(a, b)),
    fc.tuple(pid, fc.nat(3)).map(([p, k]) => new RecvAnyCmd(p, k)),
  ], { maxCommands: 40 });
  const capacity = fc.constantFrom<number | "unbounded">(0, 1, 2, "unbounded");
  fc.assert(
    fc.property(capacity, commands, (cap, cmds) => {
      const net = cap === "unbounded"
        ? direct("net", { processes: N, capacity: cap, bound: 2 })
        : direct("net", { processes: N, capacity: cap });
      const rig = new Rig([net], N);
      const model = new RefLinks(N, cap, 2);
      fc.modelRun(() => ({ model, real: { rig, net } }), wrapSnapshots(cmds, rig, net, model));
    }),
    { numRuns: 300 },
  );
});

/** Wraps each command to snapshot the state first and compare the whole state after. */
function wrapSnapshots(
  cmds: Iterable<Cmd>,
  rig: Rig,
  net: ReturnType<typeof direct>,
  model: RefLinks,
): Iterable<Cmd> {
  return [...cmds].map((c) => ({
    check: (m: Readonly<RefLinks>) => c.check(m),
    run: (m: RefLinks, r: Real) => {
      snapshot = rig.w.slice();
      c.run(m, r);
      assert.equal(rig.format(net), model.format());
      let total = 0;
      for (const q of model.links.values()) total += q.length;
      assert.equal(rig.value(net), total);
    },
    toString: () => c.toString(),
  }));
}
