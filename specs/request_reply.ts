// Clients that share one reply channel pick out the reply to their own
// request by selective receive (`s.recvWhere`, Promela's `ch??`): each
// client sends its number to the server, which echoes every request on the
// shared reply channel; a client takes the first reply carrying its number
// and leaves the others for their owners. With a plain receive
// (`requestReplyMixed`) a client can take another client's reply.
import { channel, label, loop, spec, system } from "../mod.ts";

function build(p: { clients: number }, selective: boolean) {
  const sys = system({});
  const requests = channel("requests", p.clients, { min: 1, max: p.clients });
  const replies = channel("replies", p.clients, { min: 1, max: p.clients });
  sys.process("server", { locals: { x: 0 } }, (s) => [
    loop(
      label("idle", { end: true }),
      s.recv(requests, "x"),
      s.send(replies, ({ l }) => l.x),
      s.do("forget", ({ l }) => l.x = 0),
    ),
  ]);
  sys.process("client", { count: p.clients, locals: { r: 0 } }, (s) => [
    s.send(requests, ({ id }) => id + 1),
    selective ? s.recvWhere(replies, (m, { id }) => m === id + 1, "r") : s.recv(replies, "r"),
    s.assert("my own reply", ({ l, id }) => l.r === id + 1),
  ]);
  return sys;
}

export const requestReply = spec({
  name: "request_reply",
  description: "Clients match replies on a shared channel by selective receive",
  params: { clients: 2 },
  expect: "ok",
  build: (p) => build(p, true),
});

export const requestReplyMixed = spec({
  name: "request_reply_mixed",
  description: "Clients take any reply from the shared channel: one gets another's",
  params: { clients: 2 },
  expect: { violation: ["my own reply"] },
  build: (p) => build(p, false),
});
