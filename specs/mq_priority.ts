// An urgent message overtakes (docs/semantics.md §3): a producer sends
// `normals` messages of priority 0 and then one of priority 9 on a POSIX
// message queue, while a consumer polls it. mq_receive returns the highest
// priority first and FIFO within a priority: the delivery template's
// priority order (docs/properties.md, "Templates") checks exactly that, at
// every receive, and that every message is received exactly once. (It
// replaces the assertions over an "urgent message queued" flag that this
// spec kept by hand.)
import { Errno, mqReceive, mqSend, posixMq, spec, status, system } from "../mod.ts";

const URGENT = 100;

export const mqPriority = spec({
  name: "mq_priority",
  description: "POSIX mq: an urgent (priority 9) message overtakes queued normal ones",
  params: { normals: { default: 2, min: 1, max: 8, doc: "normal messages before the urgent one" } },
  expect: "ok",
  build: (p) => {
    const sys = system({});
    const q = posixMq("q", { maxmsg: p.normals + 1, msgsize: 4, waiters: 1 });

    sys.process("producer", { locals: { i: 0 } }, (s) => [
      s.for("i", 0, p.normals, [
        mqSend(q, { value: s.expr(({ l }) => l.i + 1), prio: 0 }),
      ]),
      mqSend(q, { value: URGENT, prio: 9 }),
    ]);

    sys.process("consumer", { locals: { got: 0, msg: 0, err: status() } }, (s) => [
      s.while(({ l }) => l.got < p.normals + 1, [
        mqReceive(q, { nonblock: true, into: s.into("msg"), status: s.into("err") }),
        s.if(({ l }) => l.err === Errno.OK, [
          s.do("took one", ({ l }) => {
            l.got++;
          }),
        ]),
      ]),
    ]);
    // Highest priority first, FIFO within a priority; each message once.
    return sys.delivery(q, { exactlyOnce: true, order: "priority", noDuplicates: { values: URGENT + 1 } });
  },
});
