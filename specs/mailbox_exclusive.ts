// docs/semantics.md §8, several receivers, policy (b): at most one process at
// a time executes receive on the mailbox. A receive takes the mailbox's
// receive lock, then waits for a message holding it. P1 sends the messages
// 1..n, then one stop message (0) per receiver; each receiver takes
// messages until it gets a stop. Every message is delivered exactly once.
import { array, breakLoop, loop, mailbox, mbReceive, mbSend, spec, system } from "../mod.ts";
import { exactlyOnce } from "./_delivered.ts";

const STOP = 0;

export const mailboxExclusive = spec({
  name: "mailbox_exclusive",
  description: "Policy (b): one receiver at a time, through the mailbox's receive lock",
  params: { receivers: 2, messages: 2, capacity: 1 },
  expect: "ok",
  build: (p) => {
    const sys = system({ received: array(p.messages + 1) });
    const A = mailbox("A", { capacity: p.capacity, policy: "exclusive" });

    sys.process("sender", { locals: { i: 0 } }, (s) => [
      s.for("i", 0, p.messages + p.receivers, [
        mbSend(A, s.expr(({ l }) => (l.i < p.messages ? l.i + 1 : STOP))),
      ]),
    ]);
    sys.process("receiver", { count: p.receivers, locals: { m: 0 } }, (s) => [
      loop(
        mbReceive(A, s.into("m")),
        s.if(({ l }) => l.m === STOP, [breakLoop()]),
        s.assert("not yet received", ({ g, l }) => g.received[l.m] === 0 || `${l.m} twice`),
        s.do("count", ({ g, l }) => {
          g.received[l.m]++;
        }),
      ),
    ]);
    // A receiver holding the receive lock waits at the receive's second step.
    sys.always("one receive at a time", (v) => v.at("receive(A) into m") <= 1);
    sys.atEnd("exactly once", ({ g }) => exactlyOnce(g.received));
    // No delivery template here: this spec is the benchmark twin of
    // bench/spin/mailbox.pml, and a template's ghost state makes every
    // mailbox operation visible to partial-order reduction. The other
    // mailbox_* specs carry theirs.
    return sys;
  },
});
