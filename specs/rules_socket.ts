// Delivery templates on sockets and pipes (docs/properties.md,
// "Templates"): each spec attaches a rule the protocol does not keep, and
// fails with the shortest trace that breaks it. The bundled socket and pipe
// specs (socket_half_close.ts, socket_dgram_flow.ts, pipe_fork_eof.ts)
// attach the rules they keep.
import {
  close,
  dgramClose,
  dgramRecv,
  dgramSend,
  pipe,
  read,
  sockAccept,
  sockClose,
  sockConnect,
  sockRecv,
  sockSend,
  spec,
  status,
  system,
  unixDgram,
  unixStream,
  write,
} from "../mod.ts";

// A stream socket (docs/semantics.md §7, "Peer closed"): as socket_reset, the
// server assumes one read returns the whole request. It reads one byte and
// closes with the rest unread: closing a socket with unread data destroys
// it (and resets the connection).
export const rulesSocketUnread = spec({
  name: "rules_socket_unread",
  description: "The server closes its end with part of the request unread: the data is lost",
  params: { request: 2 },
  expect: { violation: "srv: no loss" },
  build: (p) => {
    const sys = system({});
    const srv = unixStream(sys, "srv", { connections: 1, buffer: 2, listening: { backlog: 0 } });
    sys.process("server", { locals: { c: -1, who: 0 } }, (s) => [
      sockAccept(srv, { conn: s.into("c") }),
      // BUG: one read of one byte, not a loop until EOF
      sockRecv(srv, { conn: s.local("c"), bytes: 1, into: s.into("who") }),
      sockClose(srv, { conn: s.local("c") }),
    ]);
    sys.process("client", { locals: { c: -1, st: status() } }, (s) => [
      sockConnect(srv, { conn: s.into("c") }),
      sockSend(srv, { conn: s.local("c"), bytes: p.request, value: 7, status: s.into("st") }),
    ]);
    return sys.delivery(srv, { noLoss: true, order: "fifo" });
  },
});

// A datagram socket (docs/semantics.md §7 SOCK_DGRAM): the receiver takes
// one datagram and closes its socket, as if a single request were all it
// will ever get. The datagrams still queued are discarded with the socket.
export const rulesDgramClose = spec({
  name: "rules_dgram_close",
  description: "The receiver closes its datagram socket with datagrams still queued",
  params: { items: 2 },
  expect: { violation: "port: no loss" },
  build: (p) => {
    const sys = system({});
    const port = unixDgram(sys, "port", { queue: 2 });
    sys.process("sender", { locals: { i: 0, st: status() } }, (s) => [
      s.for("i", 0, p.items, [
        dgramSend(port, { bytes: 1, value: s.expr(({ l }) => l.i + 1), status: s.into("st") }),
      ]),
    ]);
    sys.process("receiver", { locals: { v: 0 } }, (s) => [
      dgramRecv(port, { bytes: 1, into: s.into("v") }),
      dgramClose(port), // BUG: more may be queued
    ]);
    return sys.delivery(port, { exactlyOnce: true, order: "fifo" });
  },
});

// A pipe (docs/semantics.md §1): the reader reads one byte and exits, the
// writer writes its bytes and exits. Once both are gone the pipe is freed
// and the bytes nobody read are discarded.
export const rulesPipeUnread = spec({
  name: "rules_pipe_unread",
  description: "The reader stops after one byte: the rest is discarded when the pipe is freed",
  params: { items: 2 },
  expect: { violation: "fd: no loss" },
  build: (p) => {
    const sys = system({});
    const fd = pipe(sys, "fd", { capacity: 2 });
    sys.process("writer", { locals: { i: 0, st: status() } }, (s) => [
      close(fd, "read"),
      s.for("i", 0, p.items, [
        write(fd, { bytes: 1, value: s.expr(({ l }) => l.i + 1), status: s.into("st") }),
      ]),
    ]);
    sys.process("reader", { locals: { b: 0 } }, (s) => [
      close(fd, "write"),
      read(fd, { bytes: 1, into: s.into("b") }), // BUG: one read, not until EOF
    ]);
    return sys.delivery(fd, { exactlyOnce: true, order: "fifo" });
  },
});
