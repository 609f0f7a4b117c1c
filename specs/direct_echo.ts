// docs/semantics.md §8, direct naming: an echo server and its clients, over
// links of capacity `capacity` (0 = no buffering). Each client sends
// `requests` requests and checks that each reply is its own request.
//  - Symmetric: send(P, m) / receive(Q, m). The server names its partner,
//    serving the clients in turn.
//  - Asymmetric: the server's receive(id, m) accepts anyone and learns the
//    sender's pid, which it replies to.
// Both attach the delivery template (docs/properties.md, "Templates"):
// every request and echo is received exactly once, in order on its link,
// and only by the process it was sent to.
import {
  type DeliveryRules,
  direct,
  label,
  loop,
  pidOf,
  receiveAny,
  receiveFrom,
  sendTo,
  spec,
  system,
} from "../mod.ts";

const request = (id: number, k: number) => 10 * (id + 1) + k;

/** The delivery rules both variants keep (values: every request, and its echo). */
const echoRules = (clients: number, requests: number): DeliveryRules => ({
  exactlyOnce: true,
  noDuplicates: { values: request(clients, requests) },
  order: "fifo",
  addressee: true,
});

export const directEchoSymmetric = spec({
  name: "direct_echo_symmetric",
  description: "Echo server over direct links; both sides name their partner",
  params: { clients: 2, requests: 1, capacity: 0 },
  expect: "ok",
  build: (p) => {
    const sys = system({ echoed: 0 });
    const net = direct("net", { processes: sys, capacity: p.capacity });
    const server = pidOf(sys, "server");

    sys.process("client", { count: p.clients, locals: { k: 0, reply: 0 } }, (s) => [
      s.for("k", 0, p.requests, [
        sendTo(net, server, s.expr(({ id, l }) => request(id, l.k))), // send(server, req)
        receiveFrom(net, server, s.into("reply")), // receive(server, reply)
        s.assert("my own echo", ({ id, l }) => l.reply === request(id, l.k) || `got ${l.reply}`),
        s.do("next", ({ g }) => {
          g.echoed++;
        }),
      ], { increment: "last" }),
    ]);
    sys.process("server", { locals: { round: 0, c: 0, m: 0 } }, (s) => [
      s.for("round", 0, p.requests, [
        // for each client c: receive(c, m); send(c, m)
        s.for("c", 0, p.clients, [
          receiveFrom(net, s.local("c"), s.into("m")),
          sendTo(net, s.local("c"), s.local("m")),
        ]),
      ]),
    ]);
    sys.atEnd("every request echoed", ({ g }) => g.echoed === p.clients * p.requests);
    return sys.delivery(net, echoRules(p.clients, p.requests));
  },
});

export const directEchoAsymmetric = spec({
  name: "direct_echo_asymmetric",
  description: "Echo server over direct links; the server receives from anyone",
  params: { clients: 2, requests: 1, capacity: 0 },
  expect: "ok",
  build: (p) => {
    const sys = system({ echoed: 0 });
    const net = direct("net", { processes: sys, capacity: p.capacity });
    const server = pidOf(sys, "server");

    sys.process("client", { count: p.clients, locals: { k: 0, reply: 0 } }, (s) => [
      s.for("k", 0, p.requests, [
        sendTo(net, server, s.expr(({ id, l }) => request(id, l.k))),
        receiveFrom(net, server, s.into("reply")),
        s.assert("my own echo", ({ id, l }) => l.reply === request(id, l.k) || `got ${l.reply}`),
        s.do("next", ({ g }) => {
          g.echoed++;
        }),
      ], { increment: "last" }),
    ]);
    sys.process("server", { locals: { m: 0, who: 0 } }, (s) => [
      loop(
        label("idle", { end: true }),
        receiveAny(net, s.into("m"), s.into("who")), // receive(id, m)
        sendTo(net, s.local("who"), s.local("m")), // send(id, m)
      ),
    ]);
    sys.atEnd("every request echoed", ({ g }) => g.echoed === p.clients * p.requests);
    return sys.delivery(net, echoRules(p.clients, p.requests));
  },
});
