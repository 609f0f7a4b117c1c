// docs/processes.md: a shell runs `a | b`. It makes a pipe and forks two
// children; each keeps the end it needs (as dup2 onto stdout or stdin
// would) and closes the other, then runs its program (the bodies of `a`
// and `b`). The shell closes both ends and waits for both children. `b`
// reads until end of file, which comes only when every write end is
// closed: a shell that forgets to close its own write end leaves `b`
// blocked in read and itself blocked in wait, a deadlock.
import { close, fork, pipe, processes, read, spec, system, waitChild, write } from "../mod.ts";

function shellPipeline(name: string, closesWriteEnd: boolean) {
  return spec({
    name,
    description: closesWriteEnd
      ? "The shell closes both pipe ends before waiting: b sees EOF"
      : "The shell keeps its write end open: b never sees EOF",
    params: { bytes: 2 },
    expect: closesWriteEnd ? "ok" : { violation: "deadlock" },
    build: (p) => {
      const sys = system({ received: 0 });
      const procs = processes();
      const fd = pipe(sys, "fd", { capacity: 2 });
      sys.process("shell", { locals: { reaped: 0 } }, (s) => [
        fork(procs, "a"),
        fork(procs, "b"),
        close(fd, "read"),
        ...(closesWriteEnd ? [close(fd, "write")] : []),
        s.while(({ l }) => l.reaped < 2, [
          waitChild(procs),
          s.do("one more reaped", ({ l }) => {
            l.reaped++;
          }),
        ]),
      ]);
      // a: stdout is the write end
      sys.process("a", { dynamic: true, locals: { i: 0 } }, (s) => [
        close(fd, "read"),
        s.while(({ l }) => l.i < p.bytes, [
          write(fd, { bytes: 1, value: 1 }),
          s.do("next byte", ({ l }) => {
            l.i++;
          }),
        ]),
      ]);
      // b: stdin is the read end; it reads until end of file
      sys.process("b", { dynamic: true, locals: { got: -1 } }, (s) => [
        close(fd, "write"),
        s.while(({ l }) => l.got !== 0, [
          read(fd, {
            bytes: 1,
            count: s.into("got"),
            into: s.into(({ g }, v) => {
              g.received += v;
            }),
          }),
        ]),
      ]);
      sys.atEnd("b read every byte a wrote", ({ g }) => g.received === p.bytes);
      return sys;
    },
  });
}

/** The shell closes both ends: `b` sees end of file and both children are reaped. */
export const shellPipelineOk = shellPipeline("shell_pipeline_ok", true);

/** The shell forgets its write end: `b` blocks in read forever (deadlock). */
export const shellPipelineHang = shellPipeline("shell_pipeline_hang", false);
