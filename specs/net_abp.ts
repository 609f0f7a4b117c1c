// The alternating-bit protocol over a network (model/primitives/network.ts)
// that loses and duplicates datagrams but keeps their order: the sender
// numbers its messages with one bit and retransmits on `timeout` (when
// nothing else can happen: the datagram or its acknowledgement was lost);
// the receiver delivers a message only when its bit is the one it expects
// and acknowledges every datagram with the bit it carried. A duplicate of
// an old datagram carries the old bit, so it is acknowledged and dropped.
// Every message is delivered once, in order. Without the bit
// (`netAbpNoBit`) the receiver cannot tell a copy from a new message: a
// duplicated datagram is delivered twice.
import { choose, endpoint, goto, label, loop, network, spec, system, timeout, udpRecv, udpSend } from "../mod.ts";

function build(p: { messages: number; losses: number; duplicates: number; bit: boolean }) {
  // `got`: messages delivered (capped: a duplicate is already a failure);
  // `bad`: a delivery that was not the next message.
  const sys = system({ got: 0, bad: false });
  const net = network("net", {
    hosts: { sender: [1], receiver: [1] },
    capacity: 2,
    loss: p.losses,
    duplicate: p.duplicates,
  });
  const S = endpoint(net, "sender", 1), R = endpoint(net, "receiver", 1);
  // A data datagram is `2 * n + bit` for message n; an acknowledgement its bit.
  sys.process("sender", { locals: { i: 1, bit: 0, a: 0 } }, (s) => [
    s.for("i", 1, p.messages + 1, [
      label("send"),
      udpSend(net, { from: S, to: R, value: s.expr(({ l }) => 2 * l.i + l.bit) }),
      label("wait"),
      choose(
        [
          udpRecv(net, { at: S, into: s.into("a") }),
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
      udpRecv(net, { at: R, into: s.into("m") }),
      choose(
        [s.when("new", ({ l }) => !p.bit || l.m % 2 === l.expect, ({ g, l }) => {
          if (l.m >> 1 !== g.got + 1) g.bad = true;
          g.got = Math.min(g.got + 1, p.messages + 1);
          l.expect = 1 - l.expect;
        })],
        [s.when("duplicate", ({ l }) => p.bit && l.m % 2 !== l.expect)],
      ),
      udpSend(net, { from: R, to: S, value: s.expr(({ l }) => l.m % 2) }),
      s.do("forget", ({ l }) => l.m = 0),
    ),
  ]);
  sys.always("in order, once", ({ g }) => !g.bad);
  sys.atEnd("all delivered", ({ g }) => g.got === p.messages);
  return sys;
}

export const netAbp = spec({
  name: "net_abp",
  description: "Alternating-bit protocol over a network that loses and duplicates datagrams",
  params: { messages: 2, losses: 2, duplicates: 1 },
  expect: "ok",
  build: (p) => build({ ...p, bit: true }),
});

export const netAbpNoBit = spec({
  name: "net_abp_no_bit",
  description: "The alternating-bit protocol without its bit over a duplicating network",
  params: { messages: 2, losses: 2, duplicates: 1 },
  expect: { violation: ["in order, once"] },
  build: (p) => build({ ...p, bit: false }),
});
