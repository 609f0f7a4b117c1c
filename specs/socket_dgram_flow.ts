// docs/semantics.md §7 SOCK_DGRAM (probe u02): a sender faster than its
// receiver. The receiver's socket queues at most `queue` datagrams
// (max_dgram_qlen + 1); when it is full the sender sleeps until the
// receiver reads, so nothing is lost. The sender sends `items` datagrams
// (value 1, 2, ...; `size` bytes each), then a zero-length datagram as an
// end marker: datagrams have no EOF, but an empty datagram is a real
// message. The receiver reads with a `buffer`-byte buffer; a datagram
// longer than that comes back truncated, with the MSG_TRUNC flag set.
// The delivery template (docs/properties.md, "Templates") checks that no
// datagram is destroyed or left unread and that they arrive in order.
import { array, dgramRecv, dgramSend, spec, system, unixDgram } from "../mod.ts";

export const socketDgramFlow = spec({
  name: "socket_dgram_flow",
  description: "A fast datagram sender blocks on the receiver's bounded queue; nothing is lost",
  params: { items: 3, queue: 2, size: 2, buffer: 2 },
  expect: "ok",
  build: (p) => {
    const sys = system({ got: array(p.items), received: 0 });
    const port = unixDgram(sys, "port", { queue: p.queue });

    sys.process("sender", { locals: { i: 0 } }, (s) => [
      s.for("i", 0, p.items, [
        dgramSend(port, { bytes: p.size, value: s.expr(({ l }) => l.i + 1) }),
      ]),
      dgramSend(port, { bytes: 0 }), // end marker
    ]);
    sys.process("receiver", { locals: { v: 0, n: -1, t: 0 } }, (s) => [
      s.while(({ l }) => l.n !== 0, [
        dgramRecv(port, { bytes: p.buffer, into: s.into("v"), count: s.into("n"), truncated: s.into("t") }),
        s.if(({ l }) => l.n !== 0, [
          s.assert(
            "intact, or truncated with the flag",
            ({ l }) => l.n === Math.min(p.size, p.buffer) && l.t === (p.size > p.buffer ? 1 : 0),
          ),
          s.do("record", ({ g, l }) => {
            g.got[g.received++] = l.v;
          }),
        ]),
      ]),
    ]);

    sys.always("queue bounded", (v) => v.value(port) <= p.queue);
    sys.atEnd("all datagrams received in order", ({ g }) => {
      if (g.received !== p.items) return `${g.received} of ${p.items} datagrams received`;
      for (let i = 0; i < p.items; i++) {
        if (g.got[i] !== i + 1) return `datagram ${i} is ${g.got[i]}, expected ${i + 1}`;
      }
      return true;
    });
    return sys.delivery(port, { noLoss: true, order: "fifo" });
  },
});
