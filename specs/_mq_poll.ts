// Private module: a producer and a consumer that polls a POSIX message
// queue with O_NONBLOCK, shared by mq_poll_bug.ts (the consumer treats
// EAGAIN as data) and mq_poll_ok.ts (it retries on EAGAIN).
//
// The producer sends items 1..items; the consumer counts each item it
// consumes in consumed[item], so consumed[0] > 0 means it consumed the
// stale contents of its buffer after a failed receive.

import { array, Errno, mqReceive, mqSend, type ParamValues, posixMq, type Spec, spec, status, system } from "../mod.ts";

const params = {
  items: { default: 2, min: 1, max: 9, doc: "messages sent" },
  maxmsg: { default: 2, min: 1, max: 10, doc: "the queue's mq_maxmsg" },
};

/** The spec, with a consumer that checks the status (`"ok"`) or not (`"bug"`). */
export function pollSpec(
  name: string,
  description: string,
  consumer: "ok" | "bug",
  expect: "ok" | { violation: string },
): Spec<typeof params> {
  return spec({
    name,
    description,
    params,
    expect,
    build: (p: ParamValues<typeof params>) => {
      const sys = system({ consumed: array(p.items + 1) });
      const q = posixMq("q", { maxmsg: p.maxmsg, msgsize: 4, waiters: 1 });

      sys.process("producer", { locals: { i: 0 } }, (s) => [
        s.for("i", 0, p.items, [
          mqSend(q, { value: s.expr(({ l }) => l.i + 1) }),
        ]),
      ]);

      sys.process("consumer", { locals: { got: 0, msg: 0, err: status() } }, (s) => {
        const consume = [
          s.assert(
            "only received messages are consumed",
            ({ g, l }) =>
              (l.msg >= 1 && g.consumed[l.msg] === 0) ||
              (l.msg === 0
                ? `consumed the empty buffer after ${l.err === Errno.OK ? "OK" : "EAGAIN"}`
                : `consumed item ${l.msg} again (stale buffer after EAGAIN)`),
          ),
          s.do("consume", ({ g, l }) => {
            g.consumed[l.msg]++;
            l.got++;
          }),
        ];
        return [
          s.while(({ l }) => l.got < p.items, [
            mqReceive(q, { nonblock: true, into: s.into("msg"), status: s.into("err") }),
            ...(consumer === "bug" ? consume : [s.if(({ l }) => l.err === Errno.OK, consume)]),
          ]),
        ];
      });

      sys.atEnd("every item consumed once", ({ g }) => {
        for (let i = 1; i <= p.items; i++) {
          if (g.consumed[i] !== 1) return `item ${i} consumed ${g.consumed[i]} times`;
        }
        return true;
      });
      return sys;
    },
  });
}
