// docs/semantics.md §7 SOCK_DGRAM, "No EOF for datagrams" (probe u02): as
// socket_dgram_flow, but the sender sends no end marker: it sends its
// datagrams and exits, as it would close a pipe or a stream socket. The
// receiver reads "until EOF", and datagram sockets have none: once the
// queue is drained its receive blocks for ever. A deadlock.
import { array, dgramRecv, dgramSend, spec, system, unixDgram } from "../mod.ts";

export const socketDgramDeadPeer = spec({
  name: "socket_dgram_dead_peer",
  description: "A datagram receiver waits for EOF from a sender that exited: it blocks for ever",
  params: { items: 3, queue: 2, size: 2, buffer: 2 },
  expect: { violation: "deadlock" },
  build: (p) => {
    const sys = system({ got: array(p.items), received: 0 });
    const port = unixDgram(sys, "port", { queue: p.queue });

    sys.process("sender", { locals: { i: 0 } }, (s) => [
      s.for("i", 0, p.items, [
        dgramSend(port, { bytes: p.size, value: s.expr(({ l }) => l.i + 1) }),
      ]),
      // BUG: no end marker; exiting closes the sender's socket, which the
      // receiver cannot see
    ]);
    sys.process("receiver", { locals: { v: 0, n: -1 } }, (s) => [
      s.while(({ l }) => l.n !== 0, [ // "until EOF"
        dgramRecv(port, { bytes: p.buffer, into: s.into("v"), count: s.into("n") }),
        s.if(({ l }) => l.n !== 0, [
          s.do("record", ({ g, l }) => {
            g.got[g.received++] = l.v;
          }),
        ]),
      ]),
    ]);
    return sys;
  },
});
