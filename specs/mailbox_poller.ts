// A receiver that never blocks on its mailbox: it polls
// (`mbReceive(..., { nonblocking: true })`, EAGAIN when nothing is there)
// and does other work between polls (a bounded number of idle rounds, then
// it waits with a blocking receive).
// Every message sent is received exactly once, in order, however the polls
// and sends interleave.
import { choose, loop, mailbox, mbReceive, mbSend, spec, status, system } from "../mod.ts";
import { breakLoop } from "../mod.ts";

export const mailboxPoller = spec({
  name: "mailbox_poller",
  description: "A non-blocking mailbox poller (EAGAIN between messages)",
  params: { messages: 2, idle: 2 },
  expect: "ok",
  build: (p) => {
    const sys = system({ got: 0, idle: 0 });
    const box = mailbox("box", { capacity: 1, policy: "pair" });
    const count = ({ g, l }: { g: { got: number }; l: { m: number } }) => {
      if (l.m === g.got + 1) g.got++;
      l.m = 0;
    };
    sys.process("sender", { locals: { i: 0 } }, (s) => [
      s.for("i", 0, p.messages, [mbSend(box, s.expr(({ l }) => l.i + 1))]),
    ]);
    sys.process("poller", { locals: { m: 0, err: status() } }, (s) => [
      loop(
        mbReceive(box, s.into("m"), { status: s.into("err"), nonblocking: true }),
        choose(
          [s.when("got one", ({ l }) => l.err === 0, count)],
          [s.when("nothing", ({ l, g }) => l.err !== 0 && g.idle < p.idle, ({ g }) => g.idle++)],
          // Out of other work: wait for the next message.
          [
            s.when("block", ({ l, g }) => l.err !== 0 && g.idle === p.idle && g.got < p.messages),
            mbReceive(box, s.into("m")),
            s.do("count", count),
          ],
          [s.when("all in", ({ g }) => g.got === p.messages), breakLoop()],
        ),
      ),
    ]);
    sys.atEnd("all received in order", ({ g }) => g.got === p.messages);
    return sys;
  },
});
