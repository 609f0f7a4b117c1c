// docs/semantics.md §8, ownership: a process-owned mailbox disappears when
// its owner terminates, and later senders must be notified (an error, not
// silent loss). The owner receives `keep` messages and exits while the
// sender may be blocked in a send (capacity 0: no message can wait). That
// send wakes with EIDRM, and so does every later one. No message vanishes
// silently: every send that returned OK was received, and every other one
// returned an error. (With capacity >= 1 a message accepted into the queue
// dies with the mailbox, which the same property reports.) In the buggy
// variant the sender ignores the status and counts every send as delivered.
import { Errno, mailbox, mbReceive, mbSend, pidOf, spec, status, system } from "../mod.ts";

function ownerExit(name: string, ignoreStatus: boolean) {
  return spec({
    name,
    description: ignoreStatus
      ? "The sender ignores the error status after the mailbox's owner exits"
      : "The owner of a mailbox exits while a sender is blocked: the sender gets EIDRM",
    params: { messages: 3, keep: 1, capacity: 0 },
    expect: ignoreStatus ? { violation: ["OK only after the receive", "no message vanishes silently"] } : "ok",
    build: (p) => {
      const sys = system({ delivered: 0, failed: 0, received: 0 });
      const A = mailbox("A", { capacity: p.capacity, owner: "process", createdBy: pidOf(sys, "owner") });

      sys.process("sender", { locals: { i: 0, st: status() } }, (s) => [
        s.for("i", 0, p.messages, [
          mbSend(A, s.expr(({ l }) => l.i + 1), { status: s.into("st") }),
          s.assert("OK or EIDRM", ({ l }) => l.st === Errno.OK || l.st === Errno.EIDRM),
          s.do("count", ({ g, l }) => {
            if (ignoreStatus || l.st === Errno.OK) g.delivered++;
            else g.failed++;
          }),
        ], { increment: "last" }),
      ]);
      sys.process("owner", { locals: { k: 0, m: 0 } }, (s) => [
        s.for("k", 0, p.keep, [
          mbReceive(
            A,
            s.into(({ g, l }, m) => {
              l.m = m;
              g.received++;
            }),
          ),
        ]),
        // ... and exits: the mailbox dies with its owner.
      ]);

      // Capacity 0: a send returns only after its receive.
      if (p.capacity === 0) {
        sys.always(
          "OK only after the receive",
          ({ g }) => g.delivered <= g.received || `${g.delivered} sends returned OK, ${g.received} received`,
        );
      }
      sys.delivery(A, { noLoss: true }); // nothing accepted into A dies with it
      sys.atEnd(
        "no message vanishes silently",
        ({ g }) =>
          g.delivered + g.failed === p.messages && g.delivered === g.received ||
          `delivered ${g.delivered}, failed ${g.failed}, received ${g.received}`,
      );
      return sys;
    },
  });
}

export const mailboxOwnerExit = ownerExit("mailbox_owner_exit", false);
export const mailboxOwnerExitIgnored = ownerExit("mailbox_owner_exit_ignored", true);
