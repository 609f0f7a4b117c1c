// docs/semantics.md §8, several receivers, policy (a): a link joins at most
// two processes. P1 cannot share one mailbox with P2 and P3, so it gives
// each receiver a mailbox of its own and deals the messages out: message
// k*R + r + 1 goes to receiver r. Every message is delivered exactly once,
// in order (each link's delivery template). The buggy variant shares one
// mailbox between all receivers:
// the third process on the link is reported (`mailbox misuse`).
import { mailbox, mbReceive, mbSend, spec, system } from "../mod.ts";

export const mailboxPair = spec({
  name: "mailbox_pair",
  description: "Policy (a): one mailbox per receiver, each link joining two processes",
  params: { receivers: 2, rounds: 2, capacity: 1 },
  expect: "ok",
  build: (p) => {
    const sys = system({});
    const box = Array.from(
      { length: p.receivers },
      (_, r) => mailbox(`A${r}`, { capacity: p.capacity, policy: "pair" }),
    );

    sys.process("sender", { locals: { k: 0 } }, (s) => [
      s.for("k", 0, p.rounds, [
        ...box.map((A, r) => mbSend(A, s.expr(({ l }) => l.k * p.receivers + r + 1))),
      ]),
    ]);
    for (let r = 0; r < p.receivers; r++) {
      sys.process(`receiver${r}`, { locals: { k: 0, m: 0 } }, (s) => [
        s.for("k", 0, p.rounds, [
          mbReceive(box[r], s.into("m")),
          s.assert("in order", ({ l }) => l.m === l.k * p.receivers + r + 1 || `got ${l.m}`),
        ]),
      ]);
    }
    for (const A of box) sys.delivery(A, { exactlyOnce: true, order: "fifo", policy: "pair" });
    return sys;
  },
});

export const mailboxPairShared = spec({
  name: "mailbox_pair_shared",
  description: "Policy (a) broken: two receivers share one two-party mailbox with the sender",
  params: { receivers: 2, messages: 2 },
  expect: { violation: "mailbox misuse" },
  build: (p) => {
    const sys = system({});
    const A = mailbox("A", { capacity: 1, policy: "pair" });
    sys.process("sender", { locals: { i: 0 } }, (s) => [
      s.for("i", 0, p.messages, [
        mbSend(A, s.expr(({ l }) => l.i + 1)),
      ]),
    ]);
    sys.process("receiver", { count: p.receivers, locals: { m: 0 } }, (s) => [
      mbReceive(A, s.into("m")),
    ]);
    sys.configure({ deadlock: false });
    return sys;
  },
});
