// docs/semantics.md §7, "shutdown(SHUT_WR)" and "Connection setup": a
// server listens with backlog 1 (2 connections can wait un-accepted) and
// serves its clients one at a time. Each client connects, sends its
// request (`request` bytes of value id + 1), shuts down writing, and reads
// the reply until EOF. The server accepts, reads the request until EOF
// (the client's shutdown), replies with `reply` bytes of the value it read,
// and closes. The half-close is the protocol's end-of-request marker.
// The delivery template (docs/properties.md, "Templates") checks that no
// byte of a request or reply is destroyed unread or left behind, and that
// each direction of each connection stays in order.
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

export const socketHalfClose = spec({
  name: "socket_half_close",
  description: "Clients send a request, shut down writing and read the reply to EOF",
  params: { clients: 2, backlog: 1, request: 2, reply: 2, buffer: 2 },
  expect: "ok",
  build: (p) => {
    const sys = system({ got: array(p.clients), wrong: array(p.clients) });
    const srv = unixStream(sys, "srv", {
      connections: p.clients,
      buffer: p.buffer,
      listening: { backlog: p.backlog },
    });

    sys.process("server", { locals: { k: 0, c: -1, n: -1, who: 0 } }, (s) => [
      s.for("k", 0, p.clients, [
        sockAccept(srv, { conn: s.into("c") }),
        s.do("new request", ({ l }) => {
          l.n = -1;
          l.who = 0;
        }),
        s.while(({ l }) => l.n !== 0, [ // read the request to EOF
          sockRecv(srv, { conn: s.local("c"), bytes: 2, count: s.into("n"), into: s.into("who") }),
        ]),
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

    sys.always("at most backlog + 1 connections wait", (v) => v.value(srv) <= p.backlog + 1);
    sys.atEnd("every client got its own full reply", (v) => everyClientGotItsReply(v, p.reply));
    return sys.delivery(srv, { noLoss: true, order: "fifo" });
  },
});
