// docs/semantics.md §7 SOCK_SEQPACKET (probe u03): records keep their
// boundaries, and a zero-length record reads as 0, indistinguishable from
// EOF. The client sends `items` records (value 1, 2, ...) and closes; the
// second record is empty when `empty` is set. The server reads records
// until recv returns 0, taking that for EOF: it stops at the empty record
// and never reads the rest. With `empty: false`, or when the protocol
// never sends empty records, reading to 0 is safe. (The client sends with
// MSG_NOSIGNAL: a send after the server is gone gets EPIPE, not SIGPIPE.)
import { array, sockAccept, sockConnect, sockRecv, sockSend, spec, status, system, unixStream } from "../mod.ts";

export const socketSeqpacketEmpty = spec({
  name: "socket_seqpacket_empty",
  description: "An empty SOCK_SEQPACKET record reads as EOF: the server misses the rest",
  params: { items: 3, empty: true, buffer: 2 },
  expect: { violation: "all records received" },
  build: (p) => {
    const sys = system({ got: array(p.items), received: 0 });
    const srv = unixStream(sys, "srv", {
      type: "seqpacket",
      connections: 1,
      buffer: p.buffer,
      listening: { backlog: 0 },
    });
    const length = (i: number) => (p.empty && i === 1 ? 0 : 1);

    sys.process("client", { locals: { c: -1, i: 0, st: status() } }, (s) => [
      sockConnect(srv, { conn: s.into("c") }),
      s.for("i", 0, p.items, [
        sockSend(srv, {
          conn: s.local("c"),
          bytes: s.expr(({ l }) => length(l.i)),
          value: s.expr(({ l }) => l.i + 1),
          status: s.into("st"),
        }),
      ]),
    ]); // exit closes the connection
    sys.process("server", { locals: { c: -1, v: 0, n: -1 } }, (s) => [
      sockAccept(srv, { conn: s.into("c") }),
      s.while(({ l }) => l.n !== 0, [ // "until EOF"
        sockRecv(srv, { conn: s.local("c"), bytes: 1, into: s.into("v"), count: s.into("n") }),
        s.if(({ l }) => l.n !== 0, [
          s.do("record", ({ g, l }) => {
            g.got[g.received++] = l.v;
          }),
        ]),
      ]),
    ]);

    sys.atEnd("all records received", ({ g }) => {
      const want = Array.from({ length: p.items }, (_, i) => i + 1).filter((v) => length(v - 1) > 0);
      if (g.received !== want.length) return `${g.received} of ${want.length} records received`;
      for (let i = 0; i < want.length; i++) {
        if (g.got[i] !== want[i]) return `record ${i} is ${g.got[i]}, expected ${want[i]}`;
      }
      return true;
    });
    return sys;
  },
});
