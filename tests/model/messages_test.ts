// Structured messages (issue 16, item 3), selective receive by field and
// peek (item 2): the coding of records and tuples, the channel that carries
// them (same states as the hand-packed integers), traces by field name,
// the rules of recvWhere and peek, and generated code, partial-order and
// symmetry reduction against the unreduced search.

import assert from "node:assert/strict";
import {
  type Channel,
  channel,
  check,
  direct,
  Errno,
  mailbox,
  mbReceive,
  mbSend,
  message,
  range,
  receiveFrom,
  sendTo,
  spec,
  status,
  system,
} from "../../mod.ts";
import { assertAgreement } from "./_agreement.ts";

const frame = message({ seq: range(0, 1), data: range(0, 3) });

Deno.test("message: every code decodes to a message that encodes back to it", () => {
  const t = message({ a: range(-2, 1), b: range(5, 7), c: range(0, 1) });
  assert.equal(t.count, 4 * 3 * 2);
  const seen = new Set<string>();
  for (let code = 0; code < t.count; code++) {
    const m = t.decode(code);
    assert.equal(t.encode(m), code);
    seen.add(JSON.stringify(m));
    assert.ok(Object.isFrozen(m));
  }
  assert.equal(seen.size, t.count);
  // The first field is the most significant digit: codes follow field order.
  assert.deepEqual(t.decode(0), { a: -2, b: 5, c: 0 });
  assert.deepEqual(t.decode(1), { a: -2, b: 5, c: 1 });
  assert.deepEqual(t.decode(2), { a: -2, b: 6, c: 0 });
  assert.deepEqual(t.decode(t.count - 1), { a: 1, b: 7, c: 1 });
});

Deno.test("message: tuples decode to frozen arrays and print by position", () => {
  const t = message([range(0, 2), range(-1, 1)]);
  assert.equal(t.tuple, true);
  assert.deepEqual(t.fields, ["0", "1"]);
  const code = t.encode([2, -1]);
  assert.deepEqual(t.decode(code), [2, -1]);
  assert.equal(t.format(code), "(2,-1)");
  assert.ok(Array.isArray(t.decode(code)));
});

Deno.test("message: declarations and values out of range are refused, naming the field", () => {
  assert.throws(() => message({}), /at least one field/);
  assert.throws(
    () => message({ a: { kind: "field", min: 0 } as never }),
    /field a must be made by range/,
  );
  assert.throws(() => range(2, 1), /min must be <= max/);
  assert.throws(() => range(0, 2 ** 31), /max must be a 32-bit integer/);
  assert.throws(
    () => message({ a: range(0, 65535), b: range(0, 65535) }),
    /4294967296 combinations, more than one state slot holds/,
  );
  assert.equal(message({ a: range(0, 32767), b: range(0, 65535) }).count, 2 ** 31);
  assert.throws(
    () => frame.encode({ seq: 0, data: 4 }),
    /field data must be an integer in \[0, 3\], got 4/,
  );
  assert.throws(() => frame.encode({ seq: 0.5, data: 0 }), /field seq must be an integer/);
  assert.throws(() => frame.encode({ seq: 0 } as never), /field data .* got undefined/);
  assert.throws(() => frame.encode(3 as never), /expected a record message, got 3/);
  assert.throws(
    () => channel("c", 1, { message: frame, max: 3 } as never),
    /either a message type or min\/max/,
  );
});

/**
 * Two senders each send their id and a number 0..1 to a receiver that adds
 * them up; `structured` chooses records over integers packed by hand
 * (`id * 2 + n`). The state graphs must be the same.
 */
const adders = (structured: boolean) =>
  spec({
    name: structured ? "adders_structured" : "adders_packed",
    params: {},
    build: () => {
      const sys = system({ sum: 0, from1: 0 });
      const pair = message({ id: range(0, 1), n: range(0, 1) });
      const rec = channel("in", 2, { message: pair });
      const int = channel("in", 2, { min: 0, max: 3 });
      sys.process("sender", { count: 2, locals: { n: 0 } }, (s) => [
        s.do("pick", ({ l }) => {
          l.n = 1;
        }),
        structured
          ? s.send(rec, ({ id, l }) => ({ id, n: l.n }))
          : s.send(int, ({ id, l }) => id * 2 + l.n),
      ]);
      sys.process("receiver", { locals: { k: 0 } }, (s) => [
        s.for("k", 0, 2, [
          structured
            ? s.recv(rec, ({ g }, m) => {
              g.sum += m.n;
              if (m.id === 1) g.from1++;
            })
            : s.recv(int, ({ g }, m) => {
              g.sum += m % 2;
              if (m >= 2) g.from1++;
            }),
        ]),
      ]);
      sys.atEnd("both counted", ({ g }) => g.sum === 2 && g.from1 === 1);
      return sys;
    },
  });

Deno.test("structured messages: one slot each, the hand-packed integers' states and transitions", () => {
  const rec = check(adders(true));
  const int = check(adders(false));
  assert.equal(rec.verdict, "ok");
  assert.equal(int.verdict, "ok");
  assert.equal(rec.stats.states, int.stats.states);
  assert.equal(rec.stats.transitions, int.stats.transitions);
  assert.equal(rec.stats.states, 41);
  assert.equal(rec.stats.transitions, 68);
  assert.equal(
    adders(true).compile({}).width,
    adders(false).compile({}).width,
  );
  assertAgreement(adders(true));
});

Deno.test("structured messages: traces print the channel's messages by field name, tuples by position", () => {
  const s = spec({
    name: "shown",
    params: {},
    build: () => {
      const sys = system({ last: 0 });
      const frames = channel("frames", 2, { message: frame });
      const pairs = channel("pairs", 1, { message: message([range(0, 1), range(0, 9)]) });
      sys.process("tx", {}, (s) => [
        s.send(frames, { seq: 1, data: 2 }),
        s.send(pairs, [0, 9]),
      ]);
      sys.process("rx", { locals: { d: 0 } }, (s) => [
        s.recv(frames, { data: "d" }),
        s.recv(pairs, ({ g }, [, n]) => {
          g.last = n;
        }),
      ]);
      sys.always("never 9", ({ g }) => g.last !== 9);
      return sys;
    },
  });
  const r = check(s);
  assert.equal(r.violation?.property, "never 9");
  const changes = r.violation!.steps.flatMap((st) =>
    st.changes.map((c) => `${st.operation}: ${c.name} ${c.before} -> ${c.after}`)
  );
  assert.deepEqual(changes, [
    "send(frames): frames [] -> [{seq:1,data:2}]",
    "send(pairs): pairs [] -> [(0,9)]",
    "recv(frames): frames [{seq:1,data:2}] -> []",
    "recv(frames): d 0 -> 2",
    "recv(pairs): last 0 -> 9",
    "recv(pairs): pairs [(0,9)] -> []",
  ]);
  assertAgreement(s);
});

Deno.test("structured messages: a send out of a field's range is an error naming spec, process, step and field", () => {
  const s = spec({
    name: "too_big",
    params: {},
    build: () => {
      const sys = system({});
      const frames = channel("frames", 1, { message: frame });
      sys.process(
        "tx",
        { locals: { n: 4 } },
        (s) => [s.send(frames, ({ l }) => ({ seq: 0, data: l.n }))],
      );
      return sys;
    },
  });
  const r = check(s);
  assert.equal(r.verdict, "error");
  assert.match(r.error!.message, /'too_big'.*process 'tx#0', step 'send\(frames\)'/s);
  assert.match(
    r.error!.message,
    /cannot send \{"seq":0,"data":4\} on 'frames': field data must be an integer in \[0, 3\], got 4/,
  );
});

/** A sender queues frames (seq, data) in a fixed order; a receiver picks by field. */
const picker = (take: "recvWhere" | "peek") =>
  spec({
    name: `picker_${take}`,
    params: {},
    build: () => {
      const sys = system({});
      const frames = channel("frames", 3, { message: frame });
      sys.process("tx", {}, (s) => [
        s.send(frames, { seq: 0, data: 1 }),
        s.send(frames, { seq: 1, data: 2 }),
        s.send(frames, { seq: 1, data: 3 }),
      ]);
      sys.process("rx", { locals: { a: 0, b: 0, c: 0 }, queries: [frames] }, (s) => [
        take === "recvWhere"
          ? s.recvWhere(frames, { seq: 1 }, { data: "a" })
          : s.peek(frames, { data: "a" }, { seq: 1 }),
        s.recv(frames, { data: "b" }),
        s.recv(frames, { data: "c" }),
        s.assert(
          "order",
          (v) =>
            take === "recvWhere"
              // The first match (2) taken; the others (1, then 3) left in queue order.
              ? v.l.a === 2 && v.l.b === 1 && v.l.c === 3
              // The first match copied; the channel untouched, so 1 then 2 follow
              // (and 3 is there or still to come).
              : v.l.a === 2 && v.l.b === 1 && v.l.c === 2 && v.len(frames) <= 1,
        ),
      ]);
      return sys;
    },
  });

Deno.test("s.recvWhere by field: blocks until a match, takes the first match, leaves the rest in order", () => {
  const r = check(picker("recvWhere"));
  assert.equal(r.verdict, "ok", JSON.stringify(r.violation?.message ?? r.error));
  // (tx, rx) positions: tx sends 0..3 with rx at 0 (4 states); the selective
  // receive is blocked until the second send, then (2,1) (3,1) (2,2) (3,2)
  // (3,3) (3,4): 10 states.
  assert.equal(r.stats.states, 10);
  assertAgreement(picker("recvWhere"));
});

Deno.test("s.peek by field: copies the first match and removes nothing", () => {
  const r = check(picker("peek"));
  assert.equal(r.verdict, "ok", JSON.stringify(r.violation?.message ?? r.error));
  // As for recvWhere, but the second receive of the copied frame (rx at 3)
  // can happen while tx is at 2 or 3: (2,1) (3,1) (2,2) (3,2) (2,3) (3,3)
  // (2,4) (3,4) after the 4 states with rx at 0: 12 states.
  assert.equal(r.stats.states, 12);
  assertAgreement(picker("peek"));
});

Deno.test("s.peek: blocks on an empty channel (a deadlock if nothing comes); s.poll gives EAGAIN", () => {
  const s = spec({
    name: "peek_empty",
    params: { send: false },
    build: (p) => {
      const sys = system({});
      const ch = channel("ch", 1, { min: 0, max: 5 });
      sys.process("tx", {}, (s) => p.send ? [s.send(ch, 5)] : []);
      sys.process("rx", { locals: { m: 0, m2: 0, err: status() } }, (s) => [
        s.peek(ch, "m"),
        s.poll(ch, "m2", "err"),
        s.assert("peeked what poll took", ({ l }) => l.m === 5 && l.m2 === 5 && l.err === Errno.OK),
      ]);
      return sys;
    },
  });
  const r = check(s);
  assert.equal(r.violation?.property, "deadlock");
  assert.deepEqual(r.violation?.blocked?.map((b) => b.process), ["rx#0"]);
  assert.equal(check(s, { params: { send: true } }).verdict, "ok");
  assertAgreement(s);
});

Deno.test("structured messages over a rendezvous; peek and recvWhere refused there", () => {
  const s = spec({
    name: "rendezvous_frames",
    params: {},
    build: () => {
      const sys = system({ got: 0 });
      const rv: Channel<{ seq: number; data: number }> = channel("rv", 0, { message: frame });
      sys.process("tx", { count: 2 }, (s) => [s.send(rv, ({ id }) => ({ seq: id, data: id + 2 }))]);
      sys.process("rx", { locals: { k: 0 } }, (s) => [
        s.for("k", 0, 2, [s.recv(rv, ({ g }, m) => {
          g.got += m.data;
        })]),
      ]);
      sys.atEnd("both", ({ g }) => g.got === 5);
      return sys;
    },
  });
  assert.equal(check(s).verdict, "ok");
  assertAgreement(s);
  const rv = channel("rv", 0, { message: frame });
  const sys = system({});
  assert.throws(
    () => sys.process("p", { locals: { d: 0 } }, (s) => [s.peek(rv, { data: "d" })]),
    /cannot peek on rendezvous channel 'rv'/,
  );
});

Deno.test("structured messages are typed: deno check refuses wrong fields and wrong targets", () => {
  const sys = system({});
  const frames = channel("frames", 1, { message: frame });
  const ints = channel("ints", 1);
  sys.process("p", { locals: { d: 0, flag: false } }, (s) => [
    // @ts-expect-error a field the type does not have
    s.send(frames, { seq: 0, date: 1 }),
    // @ts-expect-error an integer on a channel of records
    s.send(frames, 3),
    // @ts-expect-error a record on a channel of integers
    s.send(ints, { seq: 0, data: 1 }),
    // @ts-expect-error a record cannot go into one number local
    s.recv(frames, "d"),
    // @ts-expect-error a field into a local that is not a number
    s.recv(frames, { data: "flag" }),
    // @ts-expect-error a field the type does not have, in a pattern
    s.recvWhere(frames, { sequence: 1 }, { data: "d" }),
    s.recvWhere(frames, (m, { l }) => m.seq === l.d, ({ l }, m) => {
      l.d = m.data;
    }),
  ]);
});

/**
 * A server answers two clients' requests through one shared reply mailbox
 * in the order it likes; each client picks the reply to its own request
 * with a selective receive (`where`), peeks first when `peek` is set.
 */
const replies = (how: "where" | "any" | "peek") =>
  spec({
    name: `replies_${how}`,
    params: {},
    build: () => {
      const reply = message({ to: range(0, 1), answer: range(0, 9) });
      const sys = system({});
      const box = mailbox("replies", { capacity: 2, message: reply });
      sys.process("server", {}, (s) => [
        mbSend(box, s.encode(reply, { to: 1, answer: 8 })),
        mbSend(box, s.encode(reply, { to: 0, answer: 7 })),
      ]);
      sys.process("client", { count: 2, locals: { got: 0, seen: 0, err: status() } }, (s) => [
        ...(how === "peek"
          ? [mbReceive(box, s.decode(reply, { answer: "seen" }), {
            peek: true,
            where: s.match(reply, (m, { id }) => m.to === id),
          })]
          : []),
        mbReceive(
          box,
          s.decode(reply, { answer: "got" }),
          how === "any" ? {} : { where: s.match(reply, (m, { id }) => m.to === id) },
        ),
        s.assert(
          "my reply",
          ({ id, l }) => l.got === 7 + id && (how !== "peek" || l.seen === l.got),
        ),
      ]);
      return sys;
    },
  });

Deno.test("mailboxes: structured messages through s.encode/s.decode, printed by field name", () => {
  const r = check(replies("any"));
  assert.equal(r.violation?.property, "my reply");
  const first = r.violation!.steps[0]!;
  assert.deepEqual(first.changes.map((c) => c.after), ["[{to:1,answer:8}]"]);
});

Deno.test("mailboxes: selective receive (where) takes the first match and leaves the others", () => {
  const r = check(replies("where"));
  assert.equal(r.verdict, "ok", r.violation?.message ?? r.error?.message);
  // Server at 0: 1 state; at 1 (reply to client 1 queued): client 1 at 0,
  // 1 or 2 while client 0 waits: 3; at 2: each client at 0, 1 or 2, the
  // queue fixed by who took what: 9. 13 states.
  assert.equal(r.stats.states, 13);
  assertAgreement(replies("where"));
});

Deno.test("mailboxes: peek copies the first match and leaves it queued", () => {
  const r = check(replies("peek"));
  assert.equal(r.verdict, "ok", r.violation?.message ?? r.error?.message);
  // As for where, with one more position per client (peeked): 1 + 4 + 16.
  assert.equal(r.stats.states, 21);
  assertAgreement(replies("peek"));
});

Deno.test("mailboxes: a non-blocking selective receive gets EAGAIN while nothing matches", () => {
  const s = spec({
    name: "mb_poll_where",
    params: {},
    build: () => {
      const sys = system({});
      const box = mailbox("box", { capacity: 2 });
      sys.process("tx", {}, () => [mbSend(box, 3)]);
      sys.process("rx", { locals: { m: 0, err: status() } }, (s) => [
        mbReceive(box, s.into("m"), {
          nonblocking: true,
          status: s.into("err"),
          where: s.match(4),
        }),
        s.assert("nothing matched", ({ l }) => l.err === Errno.EAGAIN && l.m === 0),
        mbReceive(box, s.into("m"), {
          nonblocking: true,
          status: s.into("err"),
          where: s.match((m) => m < 4),
        }),
        s.assert("3 matched", ({ l }) => l.err === Errno.OK && l.m === 3 || l.err === Errno.EAGAIN),
      ]);
      return sys;
    },
  });
  assert.equal(check(s).verdict, "ok");
  assertAgreement(s);
  const ex = mailbox("ex", { capacity: 1, policy: "exclusive" });
  const sys = system({});
  assert.throws(
    () =>
      sys.process("p", { locals: { m: 0 } }, (s) => [mbReceive(ex, s.into("m"), { peek: true })]),
    /selective receive and peek are not modelled for the exclusive policy/,
  );
});

Deno.test("direct links carry structured messages through s.encode/s.decode", () => {
  const s = spec({
    name: "direct_frames",
    params: {},
    build: () => {
      const sys = system({});
      const net = direct("net", { processes: sys, capacity: 1 });
      sys.process("tx", {}, (s) => [sendTo(net, 1, s.encode(frame, { seq: 1, data: 3 }))]);
      sys.process("rx", { locals: { d: 0, b: 0 } }, (s) => [
        receiveFrom(net, 0, s.decode(frame, { seq: "b", data: "d" })),
        s.assert("decoded", ({ l }) => l.b === 1 && l.d === 3),
      ]);
      return sys;
    },
  });
  assert.equal(check(s).verdict, "ok");
});

/**
 * Frames of `data + 1` bytes on a channel of 2 messages and `bytes` bytes:
 * the sender sends data 2 (3 bytes), then data `second`.
 */
const sized = (bytes: number, second: number) =>
  spec({
    name: `sized_${bytes}_${second}`,
    params: {},
    build: () => {
      const sys = system({ sent: 0, got: 0 });
      const frames = channel("frames", 2, { message: frame, bytes, size: (m) => m.data + 1 });
      sys.process("tx", {}, (s) => [
        s.send(frames, { seq: 0, data: 2 }),
        s.send(frames, { seq: 1, data: second }),
        s.do("sent", ({ g }) => {
          g.sent = 1;
        }),
      ]);
      sys.process("rx", { locals: { k: 0 }, queries: [frames] }, (s) => [
        s.when("both sent", ({ g }) => g.sent === 1),
        s.for("k", 0, 2, [s.recv(frames, ({ g }) => {
          g.got++;
        })]),
      ]);
      return sys;
    },
  });

Deno.test("message sizes: a send waits for room in bytes; one larger than the capacity fails", () => {
  // 3 + 1 bytes fit in 4: both sends go through, then rx takes both.
  assert.equal(check(sized(4, 0)).verdict, "ok");
  // 3 + 2 bytes do not fit in 4, and rx waits for both sends: a deadlock
  // with the second send blocked (not failed).
  const blocked = check(sized(4, 1));
  assert.equal(blocked.violation?.property, "deadlock");
  assert.deepEqual(blocked.violation?.blocked?.map((b) => b.process).sort(), ["rx#0", "tx#0"]);
  // 4 bytes on a channel of 3: never fits, so the send fails at once.
  const big = check(sized(3, 3));
  assert.equal(big.violation?.property, "message too large");
  assert.match(big.violation!.message, /a message of 4 bytes on 'frames', which holds 3 bytes/);
  assertAgreement(sized(4, 1));
  assertAgreement(sized(5, 1));
  assert.throws(() => channel("c", 1, { bytes: 4 }), /need both bytes and size/);
  assert.throws(() => channel("c", 0, { bytes: 4, size: 1 }), /a capacity >= 1/);
});

Deno.test("message sizes: full when the bytes are taken, even with message slots free", () => {
  const s = spec({
    name: "bytes_full",
    params: {},
    build: () => {
      const sys = system({});
      const ch = channel("ch", 3, { bytes: 4, size: 2 });
      sys.process("tx", {}, (s) => [s.send(ch, 1), s.send(ch, 2)]);
      sys.process("rx", { queries: [ch] }, (s) => [
        s.when("full", (v) => v.full(ch)),
        s.assert("two messages, four bytes", (v) => v.len(ch) === 2),
      ]);
      return sys;
    },
  });
  assert.equal(check(s).verdict, "ok");
});

/**
 * A mailbox of 2 messages and `bytes` bytes, frames of `data + 1` bytes:
 * the sender sends data 2 (3 bytes), then data `second`, with a status.
 */
const sizedBox = (bytes: number, second: number) =>
  spec({
    name: `sized_box_${bytes}_${second}`,
    params: {},
    build: () => {
      const sys = system({ sent: 0 });
      const box = mailbox("box", { capacity: 2, message: frame, bytes, size: (m) => m.data + 1 });
      sys.process("tx", { locals: { err: status() } }, (s) => [
        mbSend(box, s.encode(frame, { seq: 0, data: 2 }), { status: s.into("err") }),
        mbSend(box, s.encode(frame, { seq: 1, data: second }), { status: s.into("err") }),
        s.assert("sent", ({ l }) => l.err === Errno.OK),
        s.do("sent", ({ g }) => {
          g.sent = 1;
        }),
      ]);
      sys.process("rx", { locals: { k: 0, d: 0 }, queries: [box] }, (s) => [
        s.when("both sent", ({ g }) => g.sent === 1),
        s.for("k", 0, 2, [mbReceive(box, s.decode(frame, { data: "d" }))]),
      ]);
      return sys;
    },
  });

Deno.test("mailbox message sizes: a send waits for room in bytes; one larger than the capacity gets EMSGSIZE", () => {
  assert.equal(check(sizedBox(4, 0)).verdict, "ok");
  const blocked = check(sizedBox(4, 1));
  assert.equal(blocked.violation?.property, "deadlock");
  assert.deepEqual(blocked.violation?.blocked?.map((b) => b.process).sort(), ["rx#0", "tx#0"]);
  const big = check(sizedBox(3, 3));
  assert.equal(big.violation?.property, "sent");
  const last = big.violation!.steps.at(-2)!;
  assert.deepEqual(last.changes.map((c) => `${c.name} ${c.after}`), ["err EMSGSIZE"]);
  assertAgreement(sizedBox(4, 1));
  assertAgreement(sizedBox(3, 3));
  assert.throws(() => mailbox("m", { capacity: 0, bytes: 4, size: 1 }), /a capacity N >= 1/);
  assert.throws(() => mailbox("m", { capacity: 2, size: 1 }), /need both bytes and size/);
});

/** p0 sends frames (seq 0, data 1), (seq 1, data 2), (seq 1, data 3) to p1 over a link of `capacity`. */
const linkPick = (capacity: number, how: "where" | "peek") =>
  spec({
    name: `link_pick_${capacity}_${how}`,
    params: {},
    build: () => {
      const sys = system({});
      const net = direct("net", { processes: sys, capacity });
      sys.process("tx", {}, (s) => [
        sendTo(net, 1, s.encode(frame, { seq: 0, data: 1 })),
        sendTo(net, 1, s.encode(frame, { seq: 1, data: 2 })),
        sendTo(net, 1, s.encode(frame, { seq: 1, data: 3 })),
      ]);
      sys.process("rx", { locals: { a: 0, b: 0, c: 0 } }, (s) => [
        receiveFrom(net, 0, s.decode(frame, { data: "a" }), {
          where: s.match(frame, { seq: 1 }),
          peek: how === "peek",
        }),
        receiveFrom(net, 0, s.decode(frame, { data: "b" })),
        receiveFrom(net, 0, s.decode(frame, { data: "c" })),
        s.assert("order", ({ l }) =>
          how === "where"
            // The first match (2) taken; 1 and 3 left in order.
            ? l.a === 2 && l.b === 1 && l.c === 3
            // The first match copied; the link unchanged.
            : l.a === 2 && l.b === 1 && l.c === 2),
      ]);
      return sys;
    },
  });

Deno.test("direct links: receiveFrom with where takes the first match, with peek copies it", () => {
  for (const how of ["where", "peek"] as const) {
    const r = check(linkPick(3, how));
    assert.equal(r.verdict, "ok", `${how}: ${r.violation?.message ?? r.error?.message}`);
    assertAgreement(linkPick(3, how));
  }
  // Capacity 0: the offer of (seq 0) does not match, and p0 waits for it to
  // be taken, so a selective receive of seq 1 waits for ever.
  const stuck = check(linkPick(0, "where"));
  assert.equal(stuck.violation?.property, "deadlock");
  assert.deepEqual(stuck.violation?.blocked?.map((b) => b.process).sort(), ["rx#0", "tx#0"]);
  assertAgreement(linkPick(0, "where"));
});
