// Private module: the request/response protocol over two System V message
// queues shared by mq_request_response.ts (clients select their own reply
// by type) and mq_wrong_type.ts (clients take the first reply, type 0).
//
// Client c (from 0) sends request k (from 0) as a message of type 1 with
// payload requestOf(c, k) on `requests`; the server takes requests of type 1
// in arrival order and answers each on `replies` with message type c + 1
// and payload replyOf(request). A client then receives one reply.
//
// Delivery templates (docs/properties.md, "Templates") on both queues: no
// request or reply is lost or left queued, each request is taken once, and
// each queue delivers the messages of one type in the order they were sent
// (what every System V selection keeps).

import { msgQueue, msgrcv, msgsnd, type ParamValues, type Spec, spec, status, system } from "../mod.ts";

/** Request `k` of client `c`: 10(c+1) + k + 1, so the client is recoverable. */
export function requestOf(c: number, k: number): number {
  return 10 * (c + 1) + k + 1;
}

/** The client that sent `request`. */
export function clientOf(request: number): number {
  return Math.floor(request / 10) - 1;
}

/** The server's answer to `request`. */
export function replyOf(request: number): number {
  return 1000 + request;
}

const params = {
  clients: { default: 2, min: 1, max: 8, doc: "client processes" },
  requests: { default: 1, min: 1, max: 9, doc: "requests per client" },
};

/**
 * The spec, with clients receiving replies either by their own type
 * (`"own"`) or the first reply whatever its type (`"any"`).
 */
export function requestResponse(
  name: string,
  description: string,
  select: "own" | "any",
  expect: "ok" | { violation: string },
): Spec<typeof params> {
  return spec({
    name,
    description,
    params,
    expect,
    build: (p: ParamValues<typeof params>) => {
      const total = p.clients * p.requests;
      const sys = system({ served: 0 });
      // Each client has at most one request and one reply outstanding.
      const requests = msgQueue("requests", {
        qbytes: 4 * p.clients,
        capacity: p.clients,
        waiters: p.clients + 1,
      });
      const replies = msgQueue("replies", {
        qbytes: 4 * p.clients,
        capacity: p.clients,
        waiters: p.clients + 1,
      });

      sys.process(
        "client",
        { count: p.clients, locals: { k: 0, reply: 0, err: status() } },
        (s) => [
          s.for("k", 0, p.requests, [
            msgsnd(requests, {
              type: 1,
              value: s.expr(({ id, l }) => requestOf(id, l.k)),
              status: s.into("err"),
            }),
            select === "own"
              ? msgrcv(replies, {
                type: s.expr(({ id }) => id + 1),
                into: s.into("reply"),
                status: s.into("err"),
                text: "msgrcv(replies, type id+1)",
              })
              : msgrcv(replies, { type: 0, into: s.into("reply"), status: s.into("err") }),
            s.assert(
              "each client gets its own reply",
              ({ id, l }) =>
                l.reply === replyOf(requestOf(id, l.k)) ||
                `client ${id} expected ${replyOf(requestOf(id, l.k))}, got ${l.reply} (the reply to client ${
                  clientOf(l.reply - 1000)
                })`,
            ),
            s.do("next request", ({ l }) => {
              l.reply = 0;
            }),
          ], { increment: "last" }),
        ],
      );

      sys.process("server", { locals: { req: 0 } }, (s) => [
        s.while(({ g }) => g.served < total, [
          msgrcv(requests, { type: 1, into: s.into("req") }),
          msgsnd(replies, {
            type: s.expr(({ l }) => clientOf(l.req) + 1),
            value: s.expr(({ l }) => replyOf(l.req)),
            text: "msgsnd(replies, type client+1)",
          }),
          s.do("served", ({ g, l }) => {
            g.served++;
            l.req = 0;
          }),
        ]),
      ]);

      sys.atEnd("every request served", ({ g }) => g.served === total);
      sys.delivery(requests, {
        exactlyOnce: true,
        noDuplicates: { values: requestOf(p.clients, 0) },
        order: "fifoPerType",
      });
      return sys.delivery(replies, { noLoss: true, order: "fifoPerType" });
    },
  });
}
