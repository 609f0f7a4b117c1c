// docs/semantics.md §7, "Peer closed" (probe u01): as socket_half_close,
// but the server assumes one read returns the whole request. It reads a
// single byte, replies and closes with the rest of the request unread in
// its receive queue. Closing with unread data resets the connection: the
// client reads the reply that was queued to it, then gets ECONNRESET
// instead of EOF. The client's read has no status target, so the error
// it never checks is a 'socket error' violation.
import {
  array,
  sockAccept,
  sockClose,
  sockConnect,
  sockRecv,
  sockSend,
  sockShutdown,
  spec,
  system,
  unixStream,
} from "../mod.ts";
import { everyClientGotItsReply } from "./_sockets.ts";

export const socketReset = spec({
  name: "socket_reset",
  description: "The server closes with part of the request unread: the client sees ECONNRESET",
  params: { clients: 2, backlog: 1, request: 2, reply: 2, buffer: 2 },
  expect: { violation: "socket error" },
  build: (p) => {
    const sys = system({ got: array(p.clients), wrong: array(p.clients) });
    const srv = unixStream(sys, "srv", {
      connections: p.clients,
      buffer: p.buffer,
      listening: { backlog: p.backlog },
    });

    sys.process("server", { locals: { k: 0, c: -1, who: 0 } }, (s) => [
      s.for("k", 0, p.clients, [
        sockAccept(srv, { conn: s.into("c") }),
        // BUG: one read of one byte, not a loop until EOF
        sockRecv(srv, { conn: s.local("c"), bytes: 1, into: s.into("who") }),
        sockSend(srv, { conn: s.local("c"), bytes: p.reply, value: s.local("who") }),
        sockClose(srv, { conn: s.local("c") }),
      ]),
    ]);
    sys.process("client", { count: p.clients, locals: { c: -1, n: -1 } }, (s) => [
      sockConnect(srv, { conn: s.into("c") }),
      sockSend(srv, { conn: s.local("c"), bytes: p.request, value: s.expr(({ id }) => id + 1) }),
      sockShutdown(srv, { conn: s.local("c") }),
      s.while(({ l }) => l.n !== 0, [ // read the reply to EOF
        sockRecv(srv, {
          conn: s.local("c"),
          bytes: 2,
          count: s.into("n"),
          into: s.into(({ g, id }, b) => {
            if (b === id + 1) g.got[id]++;
            else g.wrong[id]++;
          }),
        }),
      ]),
    ]);

    sys.atEnd("every client got its own full reply", (v) => everyClientGotItsReply(v, p.reply));
    return sys;
  },
});
