// docs/semantics.md §8, several receivers, policy (c), arbitrary: the system
// picks which receiver gets each message (every choice is explored) and
// tells the sender who it is. Receivers serve for ever (an end label).
// Every message is delivered exactly once, to the receiver the sender was
// told.
import { array, label, loop, mailbox, mbReceive, mbSend, pidsOf, spec, system } from "../mod.ts";

export const mailboxArbitrary = spec({
  name: "mailbox_arbitrary",
  description: "Policy (c): the system picks any receiver and tells the sender",
  params: { receivers: 2, messages: 2, capacity: 1 },
  expect: "ok",
  build: (p) => {
    // told[m] / got[m]: pid + 1 of the receiver the sender was told / that took m.
    const sys = system({ told: array(p.messages + 1), got: array(p.messages + 1) });
    const A = mailbox("A", {
      capacity: p.capacity,
      policy: "arbitrary",
      receivers: pidsOf(sys, "receiver"),
    });

    sys.process("sender", { locals: { i: 0, who: 0 } }, (s) => [
      s.for("i", 0, p.messages, [
        mbSend(A, s.expr(({ l }) => l.i + 1), { receiver: s.into("who") }),
        s.do("note who", ({ g, l }) => {
          g.told[l.i + 1] = l.who + 1;
        }),
      ], { increment: "last" }),
    ]);
    sys.process("receiver", { count: p.receivers, locals: { m: 0 } }, (s) => [
      loop(
        label("idle", { end: true }),
        mbReceive(A, s.into("m")),
        s.assert("not yet received", ({ g, l }) => g.got[l.m] === 0 || `${l.m} twice`),
        s.do("count", ({ g, l, pid }) => {
          g.got[l.m] = pid + 1;
        }),
      ),
    ]);
    sys.delivery(A, { exactlyOnce: true, addressee: true, receivers: pidsOf(sys, "receiver") });
    sys.atEnd("exactly once, to the receiver the sender was told", ({ g }) => {
      for (let m = 1; m <= p.messages; m++) {
        if (g.got[m] === 0) return `message ${m} was never received`;
        if (g.got[m] !== g.told[m]) return `message ${m}: told pid ${g.told[m] - 1}, got by ${g.got[m] - 1}`;
      }
      return true;
    });
    return sys;
  },
});
