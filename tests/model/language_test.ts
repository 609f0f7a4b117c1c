// The modelling language's later constructs (issue 16): guarded commands,
// `timeout` and buffer queries. Exact state counts of tiny specs (derived by hand in the
// comments), verdicts, generated code against the interpreter, and the
// reductions (partial-order, symmetry) against the unreduced search.
//
// Notation: a state is written (pc of each process, the variables that
// matter); "end" is a finished process.

import assert from "node:assert/strict";
import {
  breakLoop,
  channel,
  check,
  choose,
  label,
  loop,
  mailbox,
  mbReceive,
  mbSend,
  pipe,
  read,
  semaphore,
  spec,
  system,
  timeout,
  write,
} from "../../mod.ts";
import { assertAgreement } from "./_agreement.ts";

/** Two copies claim a flag, by a guarded command or by a wait and a separate step. */
const claim = (guarded: boolean) =>
  spec({
    name: guarded ? "guarded_claim" : "split_claim",
    params: {},
    build: () => {
      const sys = system({ busy: false, owners: 0 });
      sys.process("w", { count: 2, symmetric: true }, (s) => [
        ...(guarded
          ? [s.when("claim", ({ g }) => !g.busy, ({ g }) => {
            g.busy = true;
            g.owners++;
          })]
          : [
            s.when("free", ({ g }) => !g.busy),
            s.do("claim", ({ g }) => {
              g.busy = true;
              g.owners++;
            }),
          ]),
        s.do("release", ({ g }) => {
          g.busy = false;
          g.owners--;
        }),
      ]);
      sys.always("one owner", ({ g }) => g.owners <= 1);
      return sys;
    },
  });

Deno.test("when with an effect: a guarded command is one transition", () => {
  // Each copy is at claim, release or end, and at most one at release:
  // (c,c) (r,c) (c,r) (e,c) (c,e) (r,e) (e,r) (e,e): 8 states, the flag
  // and the count following from the pcs.
  const r = check(claim(true));
  assert.equal(r.verdict, "ok");
  assert.equal(r.stats.states, 8);
  // As two steps, both copies can pass the wait before either claims.
  const split = check(claim(false));
  assert.equal(split.verdict, "violation");
  assert.equal(split.violation?.property, "one owner");
  assert.deepEqual(
    split.violation?.steps.map((s) => `${s.process} ${s.operation}`),
    ["w#0 when free", "w#1 when free", "w#0 claim", "w#1 claim"],
  );
  assertAgreement(claim(true));
  assertAgreement(claim(false));
});

Deno.test("when with an effect: blocked while the guard fails, the effect sees the guard's state", () => {
  // p: when x==1 then x=x+1; q: x=1.  (w,q,0) -> q -> (w,end,1) -> p ->
  // (end,end,2): p cannot move first, 3 states.
  const s = spec({
    name: "guarded_wait",
    params: {},
    build: () => {
      const sys = system({ x: 0 });
      sys.process("p", {}, (s) => [s.when("x is 1", ({ g }) => g.x === 1, ({ g }) => g.x++)]);
      sys.process("q", {}, (s) => [s.do("set", ({ g }) => {
        g.x = 1;
      })]);
      sys.atEnd("x is 2", ({ g }) => g.x === 2);
      return sys;
    },
  });
  const r = check(s);
  assert.equal(r.verdict, "ok");
  assert.equal(r.stats.states, 3);
  assertAgreement(s);
});

Deno.test("when with an effect: a guard that never holds deadlocks, and the effect never runs", () => {
  const s = spec({
    name: "guarded_never",
    params: {},
    build: () => {
      const sys = system({ x: 0 });
      sys.process("p", {}, (s) => [s.when("never", () => false, ({ g }) => {
        g.x = 1;
      })]);
      sys.always("x stays 0", ({ g }) => g.x === 0);
      return sys;
    },
  });
  const r = check(s);
  assert.equal(r.verdict, "violation");
  assert.equal(r.violation?.property, "deadlock");
  assert.equal(r.stats.states, 1);
  // The deadlock report names the guarded command the process waits on.
  assert.deepEqual(r.violation?.blocked?.map((b) => [b.process, b.waitsOn]), [
    ["p#0", ["when never"]],
  ]);
});

/** `a` waits for timeout while `b` counts to 3 (and, with `stuck`, `c` blocks for ever). */
const counting = (stuck: boolean) =>
  spec({
    name: stuck ? "timeout_stuck" : "timeout_counting",
    params: {},
    build: () => {
      const sys = system({ fired: 0, n: 0 });
      sys.process("a", {}, (s) => [s.when("expire", timeout, ({ g }) => g.fired++)]);
      sys.process("b", { locals: { i: 0 } }, (s) => [
        s.while(({ l }) => l.i < 3, [s.do("inc", ({ l, g }) => {
          l.i++;
          g.n++;
        })]),
      ]);
      if (stuck) sys.process("c", {}, (s) => [s.when("never", () => false)]);
      sys.always("fires only once b is done", ({ g }) => g.fired === 0 || g.n === 3);
      return sys;
    },
  });

Deno.test("timeout: enabled exactly when no other transition is", () => {
  // b has 8 positions (while and inc for i = 0..2, while at i = 3, end),
  // during which a waits: 8 states; then only a's timeout is enabled: 9.
  const r = check(counting(false));
  assert.equal(r.verdict, "ok");
  assert.equal(r.stats.states, 9);
  assertAgreement(counting(false));
});

Deno.test("timeout: a process blocked for ever does not stop it; the deadlock comes after", () => {
  // The same 8 states, then a's timeout (c's wait is blocked, not
  // enabled): 9 states, and the last one is a deadlock of c.
  const r = check(counting(true));
  assert.equal(r.verdict, "violation");
  assert.equal(r.violation?.property, "deadlock");
  assert.equal(r.stats.states, 9);
  const last = r.violation!.steps.at(-1)!;
  assert.equal(`${last.process} ${last.operation}`, "a#0 when timeout: expire");
  // The trace shows the timeout step's effect.
  assert.deepEqual(last.changes.find((c) => c.name === "fired"), {
    name: "fired",
    before: "0",
    after: "1",
  });
  assertAgreement(counting(true));
});

Deno.test("timeout: as a choose branch, taken only when the other branch cannot be", () => {
  // q sets x or idles; p waits for x, or gives up on timeout.
  // (ch,ch,0) -set-> (ch,end,1) -x set-> (end,end,1);
  // (ch,ch,0) -idle-> (ch,end,0) -timeout-> (note,end,0) -> (end,end,0,gave up):
  // 6 states, and p gives up exactly when x was never set.
  const s = spec({
    name: "timeout_choose",
    params: {},
    build: () => {
      const sys = system({ x: 0, gaveUp: false });
      sys.process("p", {}, (s) => [
        choose(
          [s.when("x set", ({ g }) => g.x === 1)],
          [
            s.when("give up", timeout),
            s.do("note", ({ g }) => {
              g.gaveUp = true;
            }),
          ],
        ),
      ]);
      sys.process("q", {}, (s) => [
        choose([s.do("set", ({ g }) => {
          g.x = 1;
        })], [s.do("idle", () => {})]),
      ]);
      sys.atEnd("gives up iff x unset", ({ g }) => g.gaveUp === (g.x === 0));
      return sys;
    },
  });
  const r = check(s);
  assert.equal(r.verdict, "ok");
  assert.equal(r.stats.states, 6);
  assertAgreement(s);
});

Deno.test("timeout: called inside another guard, it is an error naming the step", () => {
  const s = spec({
    name: "timeout_inside",
    params: {},
    build: () => {
      const sys = system({ x: 0 });
      sys.process("p", {}, (s) => [s.when("mixed", ({ g }) => g.x === 0 && timeout())]);
      return sys;
    },
  });
  const r = check(s);
  assert.equal(r.verdict, "error");
  assert.match(
    r.error?.message ?? "",
    /timeout is a guard of its own.*mixed|mixed.*timeout is a guard/s,
  );
});

// ---------------------------------------------------------------------------
// Buffer queries: len, empty, full.

Deno.test("len, empty, full: a guard waits for a full channel; an invariant reads its length", () => {
  // The producer sends 1 then 2 (k sent); the consumer waits until the
  // channel is full, then receives twice. It can pass only at k=2 with
  // nothing received: (k0,w) (k1,w) (k2,w) (k2,r1) (k2,r2) (k2,end): 6.
  const s = spec({
    name: "query_full",
    params: {},
    build: () => {
      const sys = system({ sum: 0 });
      const ch = channel("ch", 2, { min: 0, max: 2 });
      sys.process("producer", {}, (s) => [s.send(ch, 1), s.send(ch, 2)]);
      sys.process("consumer", { locals: { x: 0 }, queries: [ch] }, (s) => [
        s.when("full", (v) => v.full(ch) && v.len(ch) === 2 && !v.empty(ch)),
        s.recv(ch, (v, m) => {
          v.g.sum += m;
        }),
        s.recv(ch, (v, m) => {
          v.g.sum += m * 10;
        }),
      ]);
      sys.always(
        "length within capacity",
        (v) => v.len(ch) <= 2 && v.empty(ch) === (v.len(ch) === 0),
      );
      sys.atEnd("in order", ({ g }) => g.sum === 21);
      return sys;
    },
  });
  const r = check(s);
  assert.equal(r.verdict, "ok");
  assert.equal(r.stats.states, 6);
  assertAgreement(s);
});

Deno.test("len, empty, full: a pipe counts bytes, a mailbox messages; full follows capacity", () => {
  // The writer writes 2 bytes then 1 into a pipe of 3; the mailbox of
  // capacity 1 gets one message. The reader checks what it sees and
  // drains both.
  const s = spec({
    name: "query_pipe_mailbox",
    params: {},
    build: () => {
      const sys = system({});
      const p = pipe(sys, "p", { capacity: 3 });
      const box = mailbox("box", { capacity: 1, policy: "pair" });
      sys.process("writer", {}, () => [
        write(p, { bytes: 2 }),
        write(p, { bytes: 1 }),
        mbSend(box, 5),
      ]);
      sys.process("reader", { locals: { m: 0 }, queries: [p, box] }, (s) => [
        s.when("all there", (v) => v.full(p) && v.full(box)),
        s.assert("3 bytes, 1 message", (v) => v.len(p) === 3 && v.len(box) === 1),
        read(p, { bytes: 3 }),
        mbReceive(box, s.into("m")),
        s.assert("drained", (v) => v.empty(p) && v.empty(box) && !v.full(box)),
      ]);
      return sys;
    },
  });
  const r = check(s);
  assert.equal(r.verdict, "ok", JSON.stringify(r.violation ?? r.error));
  assertAgreement(s);
});

Deno.test("len: querying a buffer the process did not declare is an error naming the step", () => {
  const s = spec({
    name: "query_undeclared",
    params: {},
    build: () => {
      const sys = system({});
      const ch = channel("ch", 1);
      sys.process("p", {}, (s) => [s.send(ch, 1)]);
      sys.process("q", {}, (s) => [s.when("peek", (v) => v.len(ch) > 0)]);
      return sys;
    },
  });
  const r = check(s);
  assert.equal(r.verdict, "error");
  assert.match(r.error?.message ?? "", /does not declare 'ch' in its 'queries' option/);
  assert.match(r.error?.message ?? "", /peek/);
});

Deno.test("queries: a primitive without messages cannot be declared", () => {
  const s = spec({
    name: "query_semaphore",
    params: {},
    build: () => {
      const sys = system({});
      const sem = semaphore("sem", 1);
      sys.process("p", { queries: [sem] }, (s) => [s.do("nop", () => {})]);
      return sys;
    },
  });
  const r = check(s);
  assert.equal(r.verdict, "error");
  assert.match(r.error?.message ?? "", /semaphore 'sem' holds no messages/);
});

Deno.test('len: partial-order reduction keeps a send that a query would see (check({ reduction: "por" }))', () => {
  // p sends once and ends; q (resting at an end label) passes only while
  // the channel is empty, then fails. Expanding p's send alone (nobody
  // else operates on the channel) would hide q's failure: q's declared
  // query makes the send dependent.
  const s = spec({
    name: "query_por",
    params: {},
    build: () => {
      const sys = system({});
      const ch = channel("ch", 1);
      sys.process("p", {}, (s) => [s.send(ch, 1)]);
      sys.process("q", { queries: [ch] }, (s) => [
        label("idle", { end: true }),
        s.when("still empty", (v) => v.empty(ch)),
        s.assert("never here", () => false),
      ]);
      return sys;
    },
  });
  const full = check(s);
  assert.equal(full.violation?.property, "never here");
  const por = check(s, { reduction: "por" });
  assert.equal(por.violation?.property, "never here");
  assertAgreement(s);
});

Deno.test('len: a step whose guard queries a buffer is never expanded alone (check({ reduction: "por" }))', () => {
  // p either sees the channel empty and ends, or sees q's message and
  // fails. Expanding p's first branch alone in the initial state (its
  // guard reads no global) would hide the failure: the query counts as a
  // read of shared state.
  const s = spec({
    name: "query_por_own",
    params: {},
    build: () => {
      const sys = system({});
      const ch = channel("ch", 1);
      sys.process("p", { queries: [ch] }, (s) => [
        choose(
          [s.when("empty", (v) => v.empty(ch))],
          [s.when("one", (v) => v.len(ch) === 1), s.assert("never here", () => false)],
        ),
      ]);
      sys.process("q", {}, (s) => [s.send(ch, 1)]);
      return sys;
    },
  });
  assert.equal(check(s).violation?.property, "never here");
  assert.equal(check(s, { reduction: "por" }).violation?.property, "never here");
  assertAgreement(s);
});

// ---------------------------------------------------------------------------
// Counted loops: s.for.

/** Producer and consumer over a channel of 2, counting by hand or with s.for. */
const counted = (withFor: boolean, items: number) =>
  spec({
    name: withFor ? "for_channel" : "while_channel",
    params: {},
    build: () => {
      const sys = system({ sum: 0 });
      const ch = channel("ch", 2, { min: 0, max: items });
      sys.process("producer", { locals: { i: 0 } }, (s) => [
        withFor ? s.for("i", 0, items, [s.send(ch, ({ l }) => l.i + 1)]) : s.while(
          ({ l }) => l.i < items,
          [s.send(ch, ({ l }) => l.i + 1), s.do("next", ({ l }) => l.i++)],
        ),
      ]);
      sys.process("consumer", { locals: { j: 0 } }, (s) => [
        withFor
          ? s.for("j", 0, items, [s.recv(ch, (v, m) => v.g.sum += m)])
          : s.while(({ l }) => l.j < items, [
            s.recv(ch, (v, m) => v.g.sum += m),
            s.do("next", ({ l }) => l.j++),
          ]),
      ]);
      sys.atEnd("all summed", ({ g }) => g.sum === items * (items + 1) / 2);
      return sys;
    },
  });

Deno.test("s.for: the transitions of the hand-counted while loop, so the same counts", () => {
  // Same states, same transitions (the counter's value after the loop is
  // `from` rather than `to`, one value either way).
  for (const items of [2, 3]) {
    const a = check(counted(true, items)), b = check(counted(false, items));
    assert.equal(a.verdict, "ok");
    assert.equal(a.stats.states, b.stats.states);
    assert.equal(a.stats.transitions, b.stats.transitions);
  }
  assertAgreement(counted(true, 2));
});

Deno.test("s.for: the counter is reset on exit, so an inner loop runs in full every time", () => {
  // Two outer rounds of 3 inner rounds: 6 increments. Without the reset
  // the second inner loop would not run at all (total 3).
  const s = spec({
    name: "for_nested",
    params: {},
    build: () => {
      const sys = system({ total: 0 });
      sys.process("p", { locals: { i: 0, j: 0 } }, (s) => [
        s.for("i", 0, 2, [s.for("j", 0, 3, [s.do("add", ({ g }) => g.total++)])]),
      ]);
      sys.atEnd("six", ({ g }) => g.total === 6);
      sys.atEnd("counters back at their start", () => true);
      return sys;
    },
  });
  const r = check(s);
  assert.equal(r.verdict, "ok");
  // One process, no choice: a chain. Per outer round: test i, then 3 x
  // (test j, add, j++), then j's exit, then i++: 1 + 9 + 1 + 1 = 12 steps;
  // twice, then i's exit: 25 steps, 26 states.
  assert.equal(r.stats.states, 26);
  assertAgreement(s);
});

Deno.test("s.for: a bound read from the view each round, and breakLoop() refused", () => {
  const s = spec({
    name: "for_dynamic",
    params: {},
    build: () => {
      const sys = system({ n: 2, rounds: 0 });
      sys.process("p", { locals: { i: 0 } }, (s) => [
        s.for("i", 0, ({ g }) => g.n, [s.do("round", ({ g }) => g.rounds++)]),
      ]);
      sys.process("q", {}, (s) => [s.do("grow", ({ g }) => g.n = 3)]);
      sys.atEnd("2 or 3 rounds", ({ g }) => g.rounds === 2 || g.rounds === 3);
      return sys;
    },
  });
  assert.equal(check(s).verdict, "ok");
  const bad = spec({
    name: "for_break",
    params: {},
    build: () => {
      const sys = system({});
      sys.process("p", { locals: { i: 0 } }, (s) => [
        s.for("i", 0, 2, [choose([breakLoop()], [s.do("stay", () => {})])]),
      ]);
      return sys;
    },
  });
  const r = check(bad);
  assert.equal(r.verdict, "error");
  assert.match(r.error?.message ?? "", /breakLoop\(\) in the body would leave 'i' unreset/);
});

/**
 * A producer of 3 over a channel of 1 and a consumer summing into a global,
 * counted by hand or with s.for: the consumer's count in its last step
 * ("add"), the producer's in the middle of its body ("send one", before a
 * step that does not read the counter).
 */
const countedIn = (withFor: boolean) =>
  spec({
    name: withFor ? "for_in" : "while_in",
    params: {},
    build: () => {
      const sys = system({ sum: 0, sent: 0 });
      const ch = channel("ch", 1, { min: 0, max: 3 });
      sys.process("producer", { locals: { i: 0 } }, (s) => [
        withFor
          ? s.for("i", 0, 3, [
            s.send(ch, ({ l }) => l.i + 1),
            s.do("send one", () => {}),
            s.do("note", ({ g }) => g.sent++),
          ], { increment: { in: "send one" } })
          : s.while(({ l }) => l.i < 3, [
            s.send(ch, ({ l }) => l.i + 1),
            s.do("send one", ({ l }) => l.i++),
            s.do("note", ({ g }) => g.sent++),
          ]),
      ]);
      sys.process("consumer", { locals: { j: 0, x: 0 } }, (s) => [
        withFor
          ? s.for("j", 0, 3, [s.recv(ch, "x"), s.do("add", ({ g, l }) => g.sum += l.x)], {
            increment: "last",
          })
          : s.while(({ l }) => l.j < 3, [
            s.recv(ch, "x"),
            s.do("add", ({ g, l }) => {
              g.sum += l.x;
              l.j++;
            }),
          ]),
      ]);
      sys.always("sum below 6", ({ g }) => g.sum < 6);
      return sys;
    },
  });

Deno.test("s.for: the hand loop's transitions by number, so replay paths stay valid; increment in a named or last step", () => {
  const a = check(countedIn(true)), b = check(countedIn(false));
  assert.equal(a.stats.states, b.stats.states);
  assert.equal(a.stats.transitions, b.stats.transitions);
  assert.equal(a.violation?.property, "sum below 6");
  // The same counterexample, transition by transition: the same numbers.
  assert.deepEqual(a.violation?.transitions, b.violation?.transitions);
  const ops = (r: typeof a) => r.violation!.steps.map((st) => `${st.process} ${st.operation}`);
  assert.deepEqual(
    ops(a).filter((o) => o.startsWith("consumer")).slice(0, 3),
    ["consumer#0 for (j < 3) -> body", "consumer#0 recv(ch)", "consumer#0 add"],
  );
  assert.deepEqual(ops(b).filter((o) => o.startsWith("consumer")).slice(1, 3), [
    "consumer#0 recv(ch)",
    "consumer#0 add",
  ]);
  assertAgreement(countedIn(true));
});

Deno.test("s.for: an increment step that is not an s.do of the body is refused", () => {
  const bad = (increment: "last" | { in: string }) =>
    spec({
      name: "for_bad_increment",
      params: {},
      build: () => {
        const sys = system({});
        sys.process("p", { locals: { i: 0 } }, (s) => [
          s.for("i", 0, 2, [s.do("a", () => {}), s.when("ready", () => true)], { increment }),
        ]);
        return sys;
      },
    });
  assert.match(
    check(bad("last")).error?.message ?? "",
    /s\.for\('i'\): the increment needs an s\.do as the body's last step, got a 'when' step/,
  );
  assert.match(
    check(bad({ in: "b" })).error?.message ?? "",
    /s\.for\('i'\): the increment needs an s\.do named 'b' in the body, got none/,
  );
});

// ---------------------------------------------------------------------------
// Inputs read from a local by name: s.local.

Deno.test("s.local: reads the named local, as s.expr(({ l }) => l.c) does", () => {
  const twice = (byName: boolean) =>
    spec({
      name: byName ? "local_by_name" : "local_by_expr",
      params: {},
      build: () => {
        const sys = system({ got: 0 });
        const fd = pipe(sys, "p", { capacity: 4 });
        sys.process("writer", { locals: { k: 2 } }, (s) => [
          write(fd, { bytes: byName ? s.local("k") : s.expr(({ l }) => l.k), value: 7 }),
        ]);
        sys.process("reader", { locals: { n: 0 } }, (s) => [
          read(fd, { bytes: 4, count: s.into("n") }),
          s.do("note", ({ g, l }) => g.got = l.n),
        ]);
        sys.atEnd("read 2 bytes", ({ g }) => g.got === 2 || `read ${g.got}`);
        return sys;
      },
    });
  const a = check(twice(true)), b = check(twice(false));
  assert.equal(a.verdict, "ok");
  assert.equal(a.stats.states, b.stats.states);
  assert.equal(a.stats.transitions, b.stats.transitions);
});

// ---------------------------------------------------------------------------
// Non-blocking and selective receive.

Deno.test("s.poll: EAGAIN on an empty channel, the oldest message otherwise; never blocks", () => {
  // The sender sends 5; the poller polls once. Poll first: (s,p,[]) ->
  // (s,end,EAGAIN) -> (end,end,[5]); send first: (end,p,[5]) -> (end,end,
  // m=5, OK): 5 states.
  const s = spec({
    name: "poll_channel",
    params: {},
    build: () => {
      const sys = system({});
      const ch = channel("ch", 1, { min: 0, max: 5 });
      sys.process("sender", {}, (s) => [s.send(ch, 5)]);
      sys.process("poller", { locals: { m: 0, err: -1 } }, (s) => [s.poll(ch, "m", "err")]);
      return sys;
    },
  });
  const r = check(s);
  assert.equal(r.verdict, "ok");
  assert.equal(r.stats.states, 5);
  const m = s.compile();
  const seen: string[] = [];
  const explain = m.explanation!;
  const stack: Int32Array[] = [];
  m.init((st) => stack.push(st.slice()));
  const visited = new Set<string>();
  while (stack.length > 0) {
    const st = stack.pop()!;
    if (visited.has(st.join())) continue;
    visited.add(st.join());
    let n = 0;
    m.expand(st, {
      push(next) {
        n++;
        stack.push(next.slice());
        return true;
      },
      fail() {},
    });
    if (n === 0) seen.push(explain.format(st).replace(/^ch=\S+ /, ""));
  }
  assert.deepEqual(seen.sort(), [
    "sender#0@end poller#0@end{m=0,err=11}",
    "sender#0@end poller#0@end{m=5,err=0}",
  ]);
  assertAgreement(s);
});

Deno.test("s.recvWhere: waits for a matching message, takes the first match, leaves the rest in order", () => {
  const s = spec({
    name: "recv_where",
    params: {},
    build: () => {
      const sys = system({ order: 0 });
      const ch = channel("ch", 3, { min: 1, max: 4 });
      sys.process(
        "sender",
        {},
        (s) => [s.send(ch, 1), s.send(ch, 3), s.send(ch, 2), s.send(ch, 4)],
      );
      sys.process("receiver", { locals: { even: 0, rest: 0, want: 0 } }, (s) => [
        s.recvWhere(ch, (m, { l }) => m % 2 === l.want, "even"),
        s.recv(ch, "rest"),
        s.assert("the first even one", ({ l }) => l.even === 2),
        s.assert("then the oldest", ({ l }) => l.rest === 1),
      ]);
      return sys;
    },
  });
  const r = check(s);
  assert.equal(r.verdict, "ok", JSON.stringify(r.violation?.message ?? r.error));
  assertAgreement(s);
});

Deno.test("mbReceive({ nonblocking: true }): EAGAIN with nothing there; needs a status", () => {
  const s = spec({
    name: "poll_mailbox",
    params: {},
    build: () => {
      const sys = system({ tries: 0 });
      const box = mailbox("box", { capacity: 1, policy: "pair" });
      sys.process("sender", {}, () => [mbSend(box, 7)]);
      sys.process("poller", { locals: { m: 0, err: 0 } }, (s) => [
        loop(
          mbReceive(box, s.into("m"), { status: s.into("err"), nonblocking: true }),
          choose(
            [s.when("got it", ({ l }) => l.err === 0), breakLoop()],
            [s.when("again", ({ l, g }) => l.err !== 0 && g.tries < 2, ({ g }) => g.tries++)],
            [s.when("give up", ({ l, g }) => l.err !== 0 && g.tries >= 2), breakLoop()],
          ),
        ),
      ]);
      sys.atEnd("got 7 or gave up", ({ g }) => g.tries <= 2);
      return sys;
    },
  });
  assert.equal(check(s).verdict, "ok");
  assertAgreement(s);
  const bad = spec({
    name: "poll_mailbox_no_status",
    params: {},
    build: () => {
      const sys = system({});
      const box = mailbox("box", { capacity: 1, policy: "pair" });
      sys.process("p", { locals: { m: 0 } }, (s) => [
        mbReceive(box, s.into("m"), { nonblocking: true }),
      ]);
      return sys;
    },
  });
  assert.match(check(bad).error?.message ?? "", /non-blocking receive needs a status target/);
});

Deno.test("s.poll and s.recvWhere: refused on a rendezvous channel", () => {
  for (const which of ["poll", "where"]) {
    const s = spec({
      name: `rendezvous_${which}`,
      params: {},
      build: () => {
        const sys = system({});
        const ch = channel("ch", 0);
        sys.process("p", { locals: { m: 0, err: 0 } }, (s) => [
          which === "poll" ? s.poll(ch, "m", "err") : s.recvWhere(ch, () => true, "m"),
        ]);
        return sys;
      },
    });
    assert.match(check(s).error?.message ?? "", /on rendezvous channel 'ch': it holds no message/);
  }
});
