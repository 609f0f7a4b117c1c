// Pipelined remote calls with structured messages: each client sends two
// requests `{ client, seq, arg }` before it waits for any reply, and a pool
// of server workers answers each with `{ client, seq, result }` on one
// shared reply channel. Two workers may finish in either order, so a
// client's replies can arrive out of order. A client that picks its reply
// by client AND sequence number (selective receive on two fields) gets the
// answer to each request; one that matches on its client number alone
// (`taggedRpcNoSeq`) can take the answer to its second request as the
// answer to its first.
import { channel, label, loop, message, range, spec, system } from "../mod.ts";

/** The argument client `id` sends with request `seq`: distinct per request. */
const argOf = (id: number, seq: number) => 2 * id + seq;

function build(p: { clients: number; workers: number }, bySeq: boolean) {
  const top = p.clients - 1;
  const request = message({ client: range(0, top), seq: range(0, 1), arg: range(0, 2 * top + 1) });
  const reply = message({ client: range(0, top), seq: range(0, 1), result: range(0, 4 * top + 2) });
  const sys = system({});
  const requests = channel("requests", 2, { message: request });
  const replies = channel("replies", 2, { message: reply });
  sys.process(
    "worker",
    { count: p.workers, symmetric: true, locals: { c: 0, q: 0, a: 0 } },
    (s) => [
      loop(
        label("idle", { end: true }),
        s.recv(requests, { client: "c", seq: "q", arg: "a" }),
        s.send(replies, ({ l }) => ({ client: l.c, seq: l.q, result: 2 * l.a })),
        s.do("forget", ({ l }) => {
          l.c = 0;
          l.q = 0;
          l.a = 0;
        }),
      ),
    ],
  );
  sys.process("client", { count: p.clients, locals: { k: 0, got: 0 } }, (s) => [
    s.for("k", 0, 2, [
      s.send(requests, ({ id, l }) => ({ client: id, seq: l.k, arg: argOf(id, l.k) })),
    ]),
    s.for("k", 0, 2, [
      bySeq
        ? s.recvWhere(replies, (m, { id, l }) => m.client === id && m.seq === l.k, {
          result: "got",
        })
        : s.recvWhere(replies, (m, { id }) => m.client === id, { result: "got" }),
      s.assert(
        "the answer to this request",
        ({ id, l }) => l.got === 2 * argOf(id, l.k) || `request ${l.k} got ${l.got}`,
      ),
    ]),
  ]);
  return sys;
}

export const taggedRpc = spec({
  name: "tagged_rpc",
  description: "Pipelined calls: replies picked by client and sequence number",
  params: { clients: 1, workers: 2 },
  expect: "ok",
  build: (p) => build(p, true),
});

export const taggedRpcNoSeq = spec({
  name: "tagged_rpc_no_seq",
  description: "Pipelined calls: replies picked by client only, so out-of-order replies mix up",
  params: { clients: 1, workers: 2 },
  expect: { violation: ["the answer to this request"] },
  build: (p) => build(p, false),
});
