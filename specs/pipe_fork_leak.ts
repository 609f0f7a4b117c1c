// docs/semantics.md §1, "After fork, close unused ends" (probe p03): as
// pipe_fork_eof, but the child forgets to close its own copy of the write
// end. After the parent has written and closed its end, W is still 1 (the
// child's), so the child's read blocks for ever instead of returning EOF.
import { array, close, pipe, read, spec, system, write } from "../mod.ts";
import { receivedInOrder } from "./_bytes.ts";

export const pipeForkLeak = spec({
  name: "pipe_fork_leak",
  description: "The child keeps its write end open: it never sees EOF (deadlock)",
  params: { items: 3, capacity: 2, chunk: 2 },
  expect: { violation: "deadlock" },
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
      // BUG: no close(fd, "write") here
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
    return sys;
  },
});
