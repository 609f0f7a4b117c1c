// docs/processes.md: the seed's fork-sum with real processes. The parent
// makes a pipe and forks one worker per share of 1..n (the child starts
// with a copy of the parent's locals, so it knows its `k`, and holds both
// pipe ends). Each worker sums its share, writes the sum and exits; the
// parent waits for every child, reaping it, and adds one sum per child.
import { close, exit, fork, pipe, processes, read, spec, system, waitChild, write } from "../mod.ts";

/** The share of 1..n that worker `k` of `workers` sums: [lo, hi]. */
function share(k: number, workers: number, n: number): [number, number] {
  return [Math.floor((k * n) / workers) + 1, Math.floor(((k + 1) * n) / workers)];
}

export const forkSum = spec({
  name: "fork_sum",
  description: "The parent forks a worker per share of 1..n, then reaps each and adds its sum",
  params: { n: 6, workers: { default: 2, min: 1, max: 4 }, capacity: 2 },
  expect: "ok",
  build: (p) => {
    const sys = system({});
    const procs = processes();
    const fd = pipe(sys, "fd", { capacity: p.capacity });

    sys.process("parent", { locals: { k: 0, child: 0, reaped: 0, total: 0 } }, (s) => [
      s.for("k", 0, p.workers, [fork(procs, "worker", { pid: s.into("child") })]), // for each worker: fork
      close(fd, "write"),
      s.for("reaped", 0, p.workers, [ // wait for all and add
        waitChild(procs, { pid: s.into("child") }),
        read(fd, { bytes: 1, into: s.into(({ l }, sum) => l.total += sum) }),
      ]),
      s.assert(
        "total is n(n+1)/2",
        ({ l }) => l.total === (p.n * (p.n + 1)) / 2 || `total ${l.total}, expected ${(p.n * (p.n + 1)) / 2}`,
      ),
    ]);
    sys.process("worker", { count: p.workers, dynamic: true, locals: { k: 0, sum: 0 } }, (s) => [
      close(fd, "read"),
      s.do("sum my share", ({ l }) => { // compute its share
        const [lo, hi] = share(l.k, p.workers, p.n);
        for (let i = lo; i <= hi; i++) l.sum += i;
      }),
      write(fd, { bytes: 1, value: s.expr(({ l }) => l.sum) }), // write it
      exit(procs, 0), // exit
    ]);
    sys.atEnd("every exited child is reaped", (v) => v.value(procs) === 0);
    return sys;
  },
});
