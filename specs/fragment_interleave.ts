// Message size (model/primitives/fragment.ts; docs/semantics.md §1 "Several
// writers"): two writers each send one message of `size` bytes (writer k's
// bytes all have value k + 1) over one pipe whose atomic writes hold at
// most `maxMessage` bytes. A larger message goes out as several fragments,
// one write() each, and nothing orders the two writers' fragments: the
// reader reassembles a message from pieces of both. With `variable`, the
// messages carry a length header and writer k's message has size + k bytes.
// With `lock`, a mutex around each send keeps the fragments together.
import { lock, mutex, pipe, recvMessage, sendMessage, spec, system, unlock } from "../mod.ts";

export const fragmentInterleave = spec({
  name: "fragment_interleave",
  description: "Fragments of two unsynchronised writers interleave; the reassembled message mixes them",
  params: { size: 3, maxMessage: 2, variable: false, lock: false },
  expect: { violation: "message intact" },
  build: (p) => {
    const sys = system({});
    const fd = pipe(sys, "fd", { capacity: 4, pipeBuf: p.maxMessage });
    const m = mutex("m");
    const sizeOf = (id: number) => (p.variable ? p.size + id : p.size);

    sys.process("writer", { count: 2 }, (s) => [
      ...(p.lock ? [lock(m)] : []),
      sendMessage(fd, {
        size: p.variable ? s.expr(({ id }) => sizeOf(id)) : p.size,
        maxMessage: p.maxMessage,
        variable: p.variable,
        value: s.expr(({ id }) => id + 1),
      }),
      ...(p.lock ? [unlock(m)] : []),
    ]);
    sys.process("reader", { locals: { k: 0, from: 0, mixed: false, len: 0 } }, (s) => [
      s.for("k", 0, 2, [
        recvMessage(fd, {
          ...(p.variable ? {} : { size: p.size }),
          count: s.into("len"),
          into: s.into(({ l }, b) => {
            if (l.from === 0) l.from = b;
            else if (b !== l.from) l.mixed = true;
          }),
        }),
        s.assert("message intact", ({ l }) =>
          (!l.mixed && l.len === sizeOf(l.from - 1)) ||
          `message ${l.k + 1} (${l.len} bytes) mixes the writers' fragments`),
        s.do("next", ({ l }) => {
          l.from = 0;
          l.mixed = false;
        }),
      ], { increment: "last" }),
    ]);
    return sys;
  },
});
