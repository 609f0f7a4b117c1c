// docs/semantics.md §7, "shutdown(SHUT_WR)": as socket_half_close, but the
// clients forget to shut down writing after their request. The server
// reads the request "until EOF", and EOF only comes once the client shuts
// down or closes; the client waits for the reply first. Both block for
// ever: a deadlock.
import { array, sockAccept, sockClose, sockConnect, sockRecv, sockSend, spec, system, unixStream } from "../mod.ts";
import { everyClientGotItsReply } from "./_sockets.ts";

export const socketNoShutdown = spec({
  name: "socket_no_shutdown",
  description: "The clients never shut down writing: the server waits for EOF for ever",
  params: { clients: 2, backlog: 1, request: 2, reply: 2, buffer: 2 },
  expect: { violation: "deadlock" },
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
      // BUG: no sockShutdown(srv, { conn }) here
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
