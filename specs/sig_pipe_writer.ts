// A writer whose reader has gone (docs/semantics.md §1 and §6): its write
// raises SIGPIPE through the signal table. With SIGPIPE ignored
// (`signal(SIGPIPE, SIG_IGN)`) the write returns EPIPE and the writer carries
// on: it notes the failure and finishes. With the default action, SIGPIPE
// kills the writer before its next step, so it never finishes: the trace
// ends with its table entry `killed by PIPE`.
import { close, Errno, pipe, sigaction, signals, spec, status, system, write } from "../mod.ts";

function sigPipeWriter(name: string, ignore: boolean) {
  return spec({
    name,
    description: ignore
      ? "A writer with SIGPIPE ignored gets EPIPE once the reader has gone, and carries on"
      : "A writer with SIGPIPE's default action is killed once the reader has gone",
    params: { writes: 2 },
    expect: ignore ? "ok" : { violation: "the writer finishes" },
    build: (p) => {
      const sys = system({ finished: false, epipe: 0 });
      const sig = signals();
      const fd = pipe(sys, "fd", { holders: { read: ["reader"], write: ["writer"] } });
      // The reader goes away without reading (its exit would close it too).
      sys.process("reader", {}, () => [close(fd, "read")]);
      sys.process("writer", { locals: { st: status() } }, (s) => [
        sigaction(sig, "SIGPIPE", ignore ? "ignore" : "default"),
        ...Array.from({ length: p.writes }, (_, i) => [
          write(fd, { bytes: 1, value: i + 1, status: s.into("st") }),
          s.do(`check write ${i + 1}`, ({ g, l }) => {
            if (l.st === Errno.EPIPE) g.epipe++;
          }),
        ]).flat(),
        s.do("finish", ({ g }) => (g.finished = true)),
      ]);
      sys.atEnd("the writer finishes", ({ g }) => g.finished || "the writer was killed");
      return sys;
    },
  });
}

export const sigPipeIgnored = sigPipeWriter("sig_pipe_ignored", true);
export const sigPipeDefault = sigPipeWriter("sig_pipe_default", false);
