// docs/semantics.md §1, "After fork, close unused ends": the parent creates
// a pipe and forks; both hold both ends. The parent closes its read end,
// writes `items` bytes (1, 2, 3, ...) and closes its write end; the child
// closes its copy of the write end and reads until read() returns 0. Once
// no write end is left and the buffer is drained the child sees EOF.
// The delivery template (docs/properties.md, "Templates") checks each byte:
// received exactly once, in the order written, and none destroyed unread.
import { array, close, pipe, read, spec, system, write } from "../mod.ts";
import { receivedInOrder } from "./_bytes.ts";

export const pipeForkEof = spec({
  name: "pipe_fork_eof",
  description: "Parent writes into a pipe, the child closes its write end and reads until EOF",
  params: { items: 3, capacity: 2, chunk: 2 },
  expect: "ok",
  build: (p) => {
    const sys = system({ got: array(p.items), received: 0 });
    const fd = pipe(sys, "fd", { capacity: p.capacity });

    sys.process("parent", { locals: { i: 0 } }, (s) => [
      close(fd, "read"),
      s.for("i", 0, p.items, [
        write(fd, { bytes: 1, value: s.expr(({ l }) => l.i + 1) }),
      ]),
      close(fd, "write"),
    ]);
    sys.process("child", { locals: { n: -1 } }, (s) => [
      close(fd, "write"),
      s.while(({ l }) => l.n !== 0, [ // until EOF
        read(fd, {
          bytes: p.chunk,
          count: s.into("n"),
          into: s.into(({ g }, b) => {
            g.got[g.received++] = b;
          }),
        }),
      ]),
    ]);

    sys.atEnd("all bytes received in order", receivedInOrder);
    return sys.delivery(fd, { exactlyOnce: true, noDuplicates: { values: p.items + 1 }, order: "fifo" });
  },
});
