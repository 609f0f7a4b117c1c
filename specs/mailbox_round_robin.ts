// docs/semantics.md §8, several receivers, policy (c), round robin: the
// receivers take turns. Message k*R + r + 1 goes to receiver r, and the
// sender is told so. Each receiver knows its share. The delivery template
// checks that every message is delivered exactly once, to the receivers in
// turn; the liveness properties that every receiver eventually receives.
import { mailbox, mbReceive, mbSend, pidsOf, spec, system } from "../mod.ts";

export const mailboxRoundRobin = spec({
  name: "mailbox_round_robin",
  description: "Policy (c): the system hands the messages to the receivers in turn",
  params: { receivers: 2, rounds: 2, capacity: 1 },
  expect: "ok",
  build: (p) => {
    const total = p.receivers * p.rounds;
    const sys = system({});
    const receivers = pidsOf(sys, "receiver");
    const A = mailbox("A", { capacity: p.capacity, policy: "round-robin", receivers });

    sys.process("sender", { locals: { i: 0, who: 0 } }, (s) => [
      s.for("i", 0, total, [
        mbSend(A, s.expr(({ l }) => l.i + 1), { receiver: s.into("who") }),
        s.assert(
          "told the receiver whose turn it is",
          ({ l }) => l.who === receivers.first() + (l.i % p.receivers) || `told pid ${l.who}`,
        ),
      ]),
    ]);
    sys.process("receiver", { count: p.receivers, locals: { k: 0, m: 0 } }, (s) => [
      s.for("k", 0, p.rounds, [
        mbReceive(A, s.into("m")),
        s.assert("my turn", ({ l, id }) => l.m === l.k * p.receivers + id + 1 || `got ${l.m}`),
      ]),
    ]);
    sys.delivery(A, { exactlyOnce: true, receivers, policy: "round-robin" });
    // Liveness: every receiver eventually receives its share (under weak
    // fairness), and none starves on the way.
    sys.eventually("every receiver receives its share", (v) => v.finished("receiver") === p.receivers);
    sys.noStarvation("receiver");
    return sys;
  },
});
