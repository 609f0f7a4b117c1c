// Message size (model/primitives/fragment.ts): fixed and variable-size
// messages over a pipe, fragmented when larger than `maxMessage`, and
// reassembled. Each test would fail if its rule were broken.

import assert from "node:assert/strict";
import { check, lock, mutex, spec, type System, system, unlock } from "../../mod.ts";
import { pipe } from "../../model/primitives/pipe.ts";
import { recvMessage, sendMessage } from "../../model/primitives/fragment.ts";
import { explore } from "./_explore.ts";

// deno-lint-ignore no-explicit-any
function mk(name: string, build: () => System<any>) {
  return spec({ name, params: {}, build });
}

/**
 * Two writers send one message each (writer k's bytes are k + 1, its size
 * `sizes[k]`); one reader receives two messages and records each as digits
 * in m1 and m2 (with the length in l1 and l2). Returns the distinct end
 * results `m1/l1 m2/l2`.
 */
function exchange(
  o: { size?: number; sizes: [number, number]; max: number; pipeBuf: number; locked?: boolean },
): string[] {
  const variable = o.size === undefined;
  const e = explore(
    mk("exchange", () => {
      const sys = system({ m1: 0, m2: 0, l1: 0, l2: 0 });
      const fd = pipe(sys, "fd", { capacity: 6, pipeBuf: o.pipeBuf });
      const m = mutex("m");
      sys.process("w", { count: 2 }, (s) => [
        ...(o.locked ? [lock(m)] : []),
        sendMessage(fd, {
          size: s.expr(({ id }) => o.sizes[id]!),
          maxMessage: o.max,
          variable,
          value: s.expr(({ id }) => id + 1),
        }),
        ...(o.locked ? [unlock(m)] : []),
      ]);
      sys.process("r", { locals: { k: 0 } }, (s) => [
        recvMessage(fd, {
          ...(variable ? {} : { size: o.size! }),
          count: s.into(({ g }, n) => (g.l1 = n)),
          into: s.into(({ g }, b) => (g.m1 = g.m1 * 10 + b)),
        }),
        recvMessage(fd, {
          ...(variable ? {} : { size: o.size! }),
          count: s.into(({ g }, n) => (g.l2 = n)),
          into: s.into(({ g }, b) => (g.m2 = g.m2 * 10 + b)),
        }),
      ]);
      return sys;
    }).compile(),
  );
  assert.deepEqual(e.failures, []);
  return [
    ...new Set(e.ends.map((s) => {
      const [, m1, m2, l1, l2] = /m1=(\d+) m2=(\d+) l1=(\d+) l2=(\d+)/.exec(s)!;
      return `${m1}/${l1} ${m2}/${l2}`;
    })),
  ].sort();
}

Deno.test("sendMessage: maxMessage must fit in one atomic write; sizes are >= 1", () => {
  const fd = pipe(system({}), "fd", { capacity: 4, pipeBuf: 2 });
  assert.throws(() => sendMessage(fd, { size: 3, maxMessage: 3 }), /maxMessage must be <= 2/);
  assert.throws(() => sendMessage(fd, { size: 0, maxMessage: 2 }), /size must be >= 1, got 0/);
  const one = pipe(system({}), "one", { capacity: 4, pipeBuf: 1 });
  assert.throws(
    () => sendMessage(one, { size: 1, maxMessage: 1, variable: true }),
    /maxMessage must be >= 2/,
  );
  assert.throws(() => recvMessage(fd, { size: 0 }), /size must be >= 1, got 0/);
});

Deno.test("fixed size within maxMessage: one atomic write, messages never mix", () => {
  assert.deepEqual(exchange({ size: 2, sizes: [2, 2], max: 2, pipeBuf: 2 }), [
    "11/2 22/2",
    "22/2 11/2",
  ]);
});

Deno.test("fixed size above maxMessage: fragments of two writers interleave", () => {
  // Messages of 3 in fragments 2+1: the reader's first message is the first
  // 3 bytes of any merge of 11|1 with 22|2.
  assert.deepEqual(exchange({ size: 3, sizes: [3, 3], max: 2, pipeBuf: 2 }), [
    "111/3 222/3",
    "112/3 212/3",
    "112/3 221/3",
    "221/3 112/3",
    "221/3 121/3",
    "222/3 111/3",
  ]);
});

Deno.test("a mutex around each send keeps the fragments of a message together", () => {
  assert.deepEqual(exchange({ size: 3, sizes: [3, 3], max: 2, pipeBuf: 2, locked: true }), [
    "111/3 222/3",
    "222/3 111/3",
  ]);
});

Deno.test("variable size: a length header, then the body; serialised senders reassemble exactly", () => {
  assert.deepEqual(
    exchange({ sizes: [1, 3], max: 2, pipeBuf: 2, locked: true }),
    ["1/1 222/3", "222/3 1/1"],
  );
  // Unserialised, the header of one message can be read as part of the
  // other, or a body byte as a length: the reader gets the framing wrong.
  const mixed = exchange({ sizes: [1, 3], max: 2, pipeBuf: 2 });
  assert.ok(mixed.some((r) => !["1/1 222/3", "222/3 1/1"].includes(r)), mixed.join(" | "));
});

Deno.test("a message is sent as ceil(size / maxMessage) write() calls", () => {
  const r = check(mk("calls", () => {
    const sys = system({});
    const fd = pipe(sys, "fd", { capacity: 8, pipeBuf: 2 });
    sys.process("w", {}, (s) => [
      sendMessage(fd, { size: 5, maxMessage: 2 }),
      s.assert("stop", () => false),
    ]);
    return sys;
  }));
  assert.deepEqual(r.violation?.steps.map((s) => s.operation), [
    "writeAll(fd, 5) writes a fragment",
    "writeAll(fd, 5) writes a fragment",
    "writeAll(fd, 5) completes",
    "assert stop",
  ]);
  assert.match(r.violation!.state, /fd=\[1,1,1,1,1\]/);
});

Deno.test("recvMessage returns short at EOF, 0 when nothing came", () => {
  const e = explore(
    mk("eof", () => {
      const sys = system({ a: -1, b: -1 });
      const fd = pipe(sys, "fd", { capacity: 4, pipeBuf: 2 });
      sys.process("w", {}, () => [sendMessage(fd, { size: 2, maxMessage: 2 })]);
      sys.process("r", {}, (s) => [
        recvMessage(fd, { size: 3, count: s.into(({ g }, n) => (g.a = n)) }),
        recvMessage(fd, { size: 3, count: s.into(({ g }, n) => (g.b = n)) }),
      ]);
      return sys;
    }).compile(),
  );
  // r holds a write end too (it uses the pipe): it never sees EOF and blocks.
  assert.ok(e.ends.every((s) => /r#0@choose/.test(s)), e.ends.join("\n"));
  const closed = explore(
    mk("eof2", () => {
      const sys = system({ a: -1, b: -1 });
      const fd = pipe(sys, "fd", {
        capacity: 4,
        pipeBuf: 2,
        holders: { read: ["r"], write: ["w"] },
      });
      sys.process("w", {}, () => [sendMessage(fd, { size: 2, maxMessage: 2 })]);
      sys.process("r", {}, (s) => [
        recvMessage(fd, { size: 3, count: s.into(({ g }, n) => (g.a = n)) }),
        recvMessage(fd, { size: 3, count: s.into(({ g }, n) => (g.b = n)) }),
      ]);
      return sys;
    }).compile(),
  );
  assert.deepEqual(closed.ends, ["a=2 b=0 fd=[] R{} W{} w#0@end r#0@end"]);
});

Deno.test("property: serialised senders always reassemble both messages exactly, for any sizes", async () => {
  const fc = (await import("fast-check")).default;
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 2, max: 3 }), // a fragment must hold the length header and a byte
      fc.boolean(),
      (a, b, max, variable) => {
        // Fixed size: both messages have the larger size.
        const sizes: [number, number] = variable ? [a, b] : [Math.max(a, b), Math.max(a, b)];
        const digits = (k: number, n: number) => String(k).repeat(n);
        const want = [
          `${digits(1, sizes[0])}/${sizes[0]} ${digits(2, sizes[1])}/${sizes[1]}`,
          `${digits(2, sizes[1])}/${sizes[1]} ${digits(1, sizes[0])}/${sizes[0]}`,
        ].sort();
        const got = exchange({
          ...(variable ? {} : { size: sizes[0] }),
          sizes,
          max,
          pipeBuf: max,
          locked: true,
        });
        assert.deepEqual(got, want);
      },
    ),
    { numRuns: 40 },
  );
});
