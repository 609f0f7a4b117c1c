// Buffer queries on the primitives with several buffers or their own
// queues (issue 16, item 2): direct links (per link [from, to]), Unix
// stream sockets (per connection end, by handle: bytes or records) and
// datagram sockets (the receive queue). Counts derived in the comments;
// generated code, partial-order and symmetry reduction against the
// unreduced search.

import assert from "node:assert/strict";
import {
  check,
  choose,
  dgramRecv,
  dgramSend,
  direct,
  receiveFrom,
  sendTo,
  sockAccept,
  sockConnect,
  sockRecv,
  sockSend,
  spec,
  system,
  unixDgram,
  unixStream,
} from "../../mod.ts";
import { assertAgreement } from "./_agreement.ts";

/**
 * p0 sends two messages to p1 over a link of capacity 2; p1 polls the link
 * with `len` and receives only when something is there.
 */
const linkPoller = spec({
  name: "link_poller",
  params: {},
  build: () => {
    const sys = system({ got: 0 });
    const net = direct("net", { processes: sys, capacity: 2 });
    sys.process("tx", {}, () => [sendTo(net, 1, 7), sendTo(net, 1, 8)]);
    sys.process("rx", { locals: { m: 0 }, queries: [net] }, (s) => [
      s.while(({ g }) => g.got < 2, [
        choose(
          [
            s.when("something", (v) => !v.empty(net, [0, 1])),
            receiveFrom(
              net,
              0,
              s.into(({ g }) => {
                g.got++;
              }),
            ),
          ],
          [s.when("nothing", (v) => v.empty(net, [0, 1]) && v.len(net, [1, 0]) === 0)],
        ),
      ]),
    ]);
    sys.always("link p0 -> p1 never over 2", (v) => v.len(net, [0, 1]) <= 2);
    sys.always("full at 2", (v) => v.full(net, [0, 1]) === (v.len(net, [0, 1]) === 2));
    sys.always("nothing back", (v) => v.empty(net, [1, 0]));
    return sys;
  },
});

Deno.test("len/empty/full on direct links: per link [from, to]; an invariant reads them", () => {
  const r = check(linkPoller);
  assert.equal(r.verdict, "ok", r.violation?.message);
  assert.deepEqual([r.stats.states, r.stats.transitions], [15, 21]);
  // Every rx step reads the link, so partial-order reduction keeps them all.
  assert.equal(check(linkPoller, { reduction: "por" }).stats.states, 15);
  assertAgreement(linkPoller);
});

Deno.test("direct link queries: the link is required and checked", () => {
  const bad = (part: unknown) =>
    spec({
      name: "bad_link",
      params: {},
      build: () => {
        const sys = system({});
        const net = direct("net", { processes: sys, capacity: 1 });
        sys.process("p", { queries: [net] }, (s) => [
          s.when("look", (v) => v.len(net, part as never) === 0),
        ]);
        return sys;
      },
    });
  assert.match(
    check(bad(undefined)).error!.message,
    /direct 'net' has several buffers: name a link \[from, to\]/,
  );
  assert.match(
    check(bad([0, 1])).error!.message,
    /a query names a link as \[from, to\], two pids in 0\.\.0, got \[0,1\]/,
  );
  assert.equal(check(bad([0, 0])).verdict, "ok");
});

Deno.test("capacity-0 links: len is the waiting offer, and they are always full", () => {
  const s = spec({
    name: "offer",
    params: {},
    build: () => {
      const sys = system({ seen: 0 });
      const net = direct("net", { processes: sys, capacity: 0 });
      sys.process("tx", {}, () => [sendTo(net, 1, 5)]);
      sys.process("rx", { locals: { m: 0 }, queries: [net] }, (s) => [
        s.when("offered", (v) => v.len(net, [0, 1]) === 1 && v.full(net, [0, 1]), ({ g }) => {
          g.seen = 1;
        }),
        receiveFrom(net, 0, s.into("m")),
      ]);
      sys.atEnd("saw the offer", ({ g }) => g.seen === 1);
      return sys;
    },
  });
  assert.equal(check(s).verdict, "ok");
  assertAgreement(s);
});

/**
 * A client sends `bytes` bytes on a stream (or one record on seqpacket);
 * the server waits, with a query on its own end, until they are all there,
 * and reads them at once.
 */
const streamWait = (type: "stream" | "seqpacket") =>
  spec({
    name: `stream_wait_${type}`,
    params: {},
    build: () => {
      const sys = system({ read: 0 });
      const srv = unixStream(sys, "srv", {
        type,
        connections: 1,
        buffer: 3,
        listening: { backlog: 0 },
      });
      sys.process("client", { locals: { c: -1 } }, (s) => [
        sockConnect(srv, { conn: s.into("c") }),
        sockSend(srv, { conn: s.expr(({ l }) => l.c), bytes: 2, value: 1 }),
        sockSend(srv, { conn: s.expr(({ l }) => l.c), bytes: 1, value: 2 }),
      ]);
      sys.process("server", { locals: { c: -1 }, queries: [srv] }, (s) => [
        sockAccept(srv, { conn: s.into("c") }),
        s.when("all there", (v) => v.full(srv, v.l.c)),
        sockRecv(srv, {
          conn: s.expr(({ l }) => l.c),
          bytes: 3,
          count: s.into(({ g }, n) => {
            g.read = n;
          }),
        }),
      ]);
      sys.atEnd(
        "read all at once",
        ({ g }) => g.read === (type === "stream" ? 3 : 2) || `read ${g.read}`,
      );
      return sys;
    },
  });

Deno.test("len/empty/full on stream sockets: per connection end, bytes for a stream", () => {
  const r = check(streamWait("stream"));
  assert.equal(r.verdict, "ok", r.violation?.message);
  assert.deepEqual([r.stats.states, r.stats.transitions], [9, 10]);
  assertAgreement(streamWait("stream"));
});

Deno.test("len/empty/full on seqpacket sockets: records, so two sends never fill a buffer of 3", () => {
  // Two records in a queue of 3: `full` never holds, so the server waits
  // for ever (and the client has finished): a deadlock.
  const r = check(streamWait("seqpacket"));
  assert.equal(r.violation?.property, "deadlock");
  assert.deepEqual([r.stats.states, r.stats.transitions], [7, 8]);
  assertAgreement(streamWait("seqpacket"));
});

Deno.test("len on datagram sockets: the receive queue; full at `queue` datagrams", () => {
  const s = spec({
    name: "dgram_len",
    params: {},
    build: () => {
      const sys = system({ first: 0 });
      const port = unixDgram(sys, "port", { queue: 2, holders: ["rx"] });
      sys.process("tx", {}, () => [
        dgramSend(port, { bytes: 1, value: 1 }),
        dgramSend(port, { bytes: 1, value: 2 }),
      ]);
      sys.process("rx", { queries: [port] }, (s) => [
        s.when("both queued", (v) => v.len(port) === 2 && v.full(port)),
        dgramRecv(port, {
          bytes: 1,
          into: s.into(({ g }, m) => {
            g.first = m;
          }),
        }),
        s.assert("one left", (v) => v.len(port) === 1 && !v.empty(port)),
      ]);
      sys.atEnd("oldest first", ({ g }) => g.first === 1);
      sys.always("never over the queue", (v) => v.len(port) <= 2);
      return sys;
    },
  });
  const r = check(s);
  assert.equal(r.verdict, "ok", r.violation?.message ?? r.error?.message);
  assertAgreement(s);
  const one = spec({
    name: "dgram_part",
    params: {},
    build: () => {
      const sys = system({});
      const port = unixDgram(sys, "port", { holders: ["rx"] });
      sys.process("rx", { queries: [port] }, (s) => [s.when("x", (v) => v.len(port, 0) === 0)]);
      return sys;
    },
  });
  assert.match(check(one).error!.message, /has one buffer: its queries take no second argument/);
});
