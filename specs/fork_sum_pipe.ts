// docs/semantics.md §1: the parent creates a pipe and forks `workers`
// children. Child k sums its share of 1..n (a disjoint range) and writes
// the partial sum to the pipe as one byte (one atomic write), then exits,
// which closes its ends. The parent closes its own write end and reads
// until EOF, adding up what it reads: the total must be n(n+1)/2.
import { close, pipe, read, spec, system, write } from "../mod.ts";

/** The range of 1..n that worker `id` of `workers` sums: [lo, hi]. */
function share(id: number, workers: number, n: number): [number, number] {
  return [Math.floor((id * n) / workers) + 1, Math.floor(((id + 1) * n) / workers)];
}

export const forkSumPipe = spec({
  name: "fork_sum_pipe",
  description: "Workers send partial sums of 1..n to the parent over one pipe",
  params: { n: 6, workers: { default: 2, min: 1, max: 4 }, capacity: 2 },
  expect: "ok",
  build: (p) => {
    const sys = system({});
    const fd = pipe(sys, "fd", { capacity: p.capacity });

    sys.process("parent", { locals: { total: 0, got: -1, sum: 0 } }, (s) => [
      close(fd, "write"),
      s.while(({ l }) => l.got !== 0, [ // until EOF
        read(fd, {
          bytes: 1,
          count: s.into("got"),
          into: s.into(({ l }, b) => {
            l.total += b;
          }),
        }),
      ]),
      s.assert(
        "total is n(n+1)/2",
        ({ l }) => l.total === (p.n * (p.n + 1)) / 2 || `total ${l.total}, expected ${(p.n * (p.n + 1)) / 2}`,
      ),
    ]);
    sys.process("worker", { count: p.workers, locals: { sum: 0 } }, (s) => [
      close(fd, "read"),
      s.do("sum my range", ({ l, id }) => {
        const [lo, hi] = share(id, p.workers, p.n);
        for (let k = lo; k <= hi; k++) l.sum += k;
      }),
      write(fd, { bytes: 1, value: s.local("sum") }),
    ]);
    return sys;
  },
});
