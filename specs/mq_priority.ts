// deno-fmt-ignore-file -- laid out like the textbook's pseudo-code
// An urgent message overtakes (ipc-semantics.md §3): a producer sends
// `normals` messages of priority 0 and then one of priority 9 on a POSIX
// message queue, while a consumer polls it. mq_receive returns the highest
// priority first and FIFO within a priority, so the consumer never takes a
// normal message while the urgent one is queued, and takes the normal ones
// in the order they were sent. Each send and receive is in an atomic block
// with its bookkeeping, so `urgentQueued` is exactly "the urgent message is
// in the queue".
import { atomic, Errno, spec, status, system } from "../mod.ts";
import { mqReceive, mqSend, posixMq } from "../model/primitives/posix_mq.ts";

const URGENT = 100;

export const mqPriority = spec({
  name: "mq_priority",
  description: "POSIX mq: an urgent (priority 9) message overtakes queued normal ones",
  params: { normals: { default: 2, min: 1, max: 8, doc: "normal messages before the urgent one" } },
  expect: "ok",
  build: (p) => {
    const sys = system({ urgentQueued: false });
    const q = posixMq("q", { maxmsg: p.normals + 1, msgsize: 4, waiters: 1 });

    sys.process("producer", { locals: { i: 0 } }, (s) => [
      s.while(({ l }) => l.i < p.normals, [
        mqSend(q, { value: s.expr(({ l }) => l.i + 1), prio: 0 }),
        s.do("next", ({ l }) => l.i++),
      ]),
      atomic(
        mqSend(q, { value: URGENT, prio: 9 }),
        s.do("urgent queued", ({ g }) => { g.urgentQueued = true; }),
      ),
    ]);

    sys.process("consumer", { locals: { got: 0, last: 0, msg: 0, prio: 0, err: status() } }, (s) => [
      s.while(({ l }) => l.got < p.normals + 1, [
        atomic(
          mqReceive(q, { nonblock: true, into: s.into("msg"), prio: s.into("prio"), status: s.into("err") }),
          s.if(({ l }) => l.err === Errno.OK, [
            s.if(({ l }) => l.prio === 9, [
              s.do("took urgent", ({ g, l }) => { g.urgentQueued = false; l.got++; }),
            ], [
              s.assert("urgent overtakes queued normal messages", ({ g }) => !g.urgentQueued),
              s.assert("FIFO within a priority", ({ l }) => l.msg === l.last + 1 || `got ${l.msg} after ${l.last}`),
              s.do("took normal", ({ l }) => { l.last = l.msg; l.got++; }),
            ]),
          ]),
        ),
      ]),
    ]);
    return sys;
  },
});
