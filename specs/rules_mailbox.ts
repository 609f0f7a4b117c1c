// Delivery templates on mailboxes (docs/properties.md, "Templates"): each
// spec attaches a rule the protocol does not keep, and fails with the
// shortest trace that breaks it. The bundled mailbox specs (mailbox_*.ts)
// attach the rules they keep.
import {
  type DeliveryRules,
  label,
  loop,
  mailbox,
  type MailboxPolicy,
  mbReceive,
  mbSend,
  pidOf,
  pidsOf,
  spec,
  status,
  system,
} from "../mod.ts";

/** One sender, `receivers` receivers, an optional extra receiver, and `rules` on A. */
function mailboxRule(
  name: string,
  description: string,
  policy: MailboxPolicy,
  rules: (sys: { processes: readonly { name: string; count: number }[] }) => DeliveryRules,
  violation: string,
  stranger = false,
  messages = 2,
) {
  return spec({
    name,
    description,
    params: { receivers: 2, messages },
    expect: { violation },
    build: (p) => {
      const sys = system({});
      const picks = policy === "arbitrary" || policy === "round-robin";
      const A = mailbox("A", {
        capacity: p.messages,
        policy,
        ...(picks ? { receivers: pidsOf(sys, "receiver") } : {}),
      });
      sys.process("sender", { locals: { i: 0 } }, (s) => [
        s.for("i", 0, p.messages, [
          mbSend(A, s.expr(({ l }) => l.i + 1)),
        ]),
      ]);
      sys.process("receiver", { count: p.receivers, locals: { m: 0 } }, (s) => [
        loop(label("idle", { end: true }), mbReceive(A, s.into("m"))),
      ]);
      if (stranger) {
        // Reads the mailbox too: OS-owned mailboxes do not track receive rights.
        sys.process("snoop", { locals: { m: 0 } }, (s) => [
          loop(label("idle", { end: true }), mbReceive(A, s.into("m"))),
        ]);
      }
      sys.delivery(A, rules(sys));
      return sys;
    },
  });
}

export const rulesMailboxStranger = mailboxRule(
  "rules_mailbox_stranger",
  "A process outside the mailbox's members receives from it",
  "shared",
  (sys) => ({ receivers: pidsOf(sys, "receiver") }),
  "A: only receivers",
  true,
);

export const rulesMailboxTurns = mailboxRule(
  "rules_mailbox_turns",
  "Round-robin expected, but the mailbox's policy lets the system pick any receiver",
  "arbitrary",
  (sys) => ({ receivers: pidsOf(sys, "receiver"), policy: "round-robin" }),
  "A: round-robin",
  false,
  1,
);

export const rulesMailboxFifo = mailboxRule(
  "rules_mailbox_fifo",
  "FIFO expected, but with a receiver picked per message a later message can be taken first",
  "arbitrary",
  () => ({ order: "fifo" }),
  "A: FIFO",
);

export const rulesMailboxTrio = mailboxRule(
  "rules_mailbox_trio",
  "A two-party link expected, but two receivers share the mailbox with the sender",
  "shared",
  () => ({ policy: "pair" }),
  "A: pair",
);

export const rulesMailboxOwnerLoss = spec({
  name: "rules_mailbox_owner_loss",
  description: "A buffered message dies with the mailbox when its owner exits",
  params: { messages: 2, keep: 1 },
  expect: { violation: "A: no loss" },
  build: (p) => {
    const sys = system({});
    const A = mailbox("A", { capacity: 1, owner: "process", createdBy: pidOf(sys, "owner") });
    sys.process("sender", { locals: { i: 0, st: status() } }, (s) => [
      s.for("i", 0, p.messages, [
        mbSend(A, s.expr(({ l }) => l.i + 1), { status: s.into("st") }),
      ]),
    ]);
    sys.process("owner", { locals: { k: 0, m: 0 } }, (s) => [
      s.for("k", 0, p.keep, [
        mbReceive(A, s.into("m")),
      ]),
    ]);
    sys.delivery(A, { noLoss: true });
    return sys;
  },
});
