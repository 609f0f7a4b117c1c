// The alternating-bit protocol (Bartlett, Scantlebury and Wilkinson, 1969)
// over two channels that may lose any message: the sender numbers its
// messages with one bit and retransmits on `timeout` (when nothing else
// can happen: the message or its acknowledgement was lost); the receiver
// delivers a message only when its bit is the one it expects, and
// acknowledges every message with the bit it carried. Loss is a
// nondeterministic `choose` at each send. Every message is delivered
// once, in order. Without the bit (`abpNoBit`) the receiver cannot tell a
// retransmission from a new message: when an acknowledgement is lost, the
// retransmitted message is delivered twice.
import { channel, choose, goto, label, loop, spec, system, timeout } from "../mod.ts";

function build(p: { messages: number; bit: boolean }) {
  // `got`: messages delivered (capped: a duplicate is already a failure);
  // `bad`: a delivery that was not the next message.
  const sys = system({ got: 0, bad: false });
  // A data message is `2 * n + bit` for message n; an acknowledgement its bit.
  const data = channel("data", 1, { min: 2, max: 2 * p.messages + 1 });
  const ack = channel("ack", 1, { min: 0, max: 1 });
  const noop = () => {};
  sys.process("sender", { locals: { i: 1, bit: 0, a: 0 } }, (s) => [
    s.for("i", 1, p.messages + 1, [
      label("send"),
      choose([s.send(data, ({ l }) => 2 * l.i + l.bit)], [s.do("lose data", noop)]),
      label("wait"),
      choose(
        [
          s.recv(ack, "a"),
          s.if(({ l }) => !p.bit || l.a === l.bit, [s.do("flip", ({ l }) => l.bit = 1 - l.bit)], [
            goto("wait"),
          ]),
        ],
        [s.when("retransmit", timeout), goto("send")],
      ),
    ]),
  ]);
  sys.process("receiver", { locals: { m: 0, expect: 0 } }, (s) => [
    loop(
      label("idle", { end: true }),
      s.recv(data, "m"),
      choose(
        // A guarded command: the test and the delivery are one step.
        [s.when("new", ({ l }) => !p.bit || l.m % 2 === l.expect, ({ g, l }) => {
          if (l.m >> 1 !== g.got + 1) g.bad = true;
          g.got = Math.min(g.got + 1, p.messages + 1);
          l.expect = 1 - l.expect;
        })],
        [s.when("duplicate", ({ l }) => p.bit && l.m % 2 !== l.expect)],
      ),
      choose([s.send(ack, ({ l }) => l.m % 2)], [s.do("lose ack", noop)]),
      s.do("forget", ({ l }) => l.m = 0),
    ),
  ]);
  sys.always("in order, once", ({ g }) => !g.bad);
  sys.atEnd("all delivered", ({ g }) => g.got === p.messages);
  return sys;
}

export const abp = spec({
  name: "abp",
  description: "Alternating-bit protocol over lossy channels, timeout retransmission",
  params: { messages: 2 },
  expect: "ok",
  build: (p) => build({ ...p, bit: true }),
});

export const abpNoBit = spec({
  name: "abp_no_bit",
  description: "The alternating-bit protocol without its bit: a retransmission is delivered twice",
  params: { messages: 2 },
  expect: { violation: ["in order, once"] },
  build: (p) => build({ ...p, bit: false }),
});
