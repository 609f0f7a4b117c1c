// A parent forks W workers; worker w sums its own slice of 1..n and sends the
// partial sum to the parent as a System V message of type 1 (docs/semantics.md
// §2). The parent receives W messages and adds them up: whatever order the
// workers finish in, the total is n(n+1)/2. The delivery template
// (docs/properties.md, "Templates") adds that no partial sum is lost or left
// in the queue and that only the parent receives them.
import { msgQueue, msgrcv, msgsnd, pidsOf, spec, status, system } from "../mod.ts";

/** The first number (from 1) of worker `w`'s slice of 1..n among `workers`. */
function sliceStart(w: number, n: number, workers: number): number {
  return Math.floor((w * n) / workers) + 1;
}

/** The sum of worker `w`'s slice. */
function partialSum(w: number, n: number, workers: number): number {
  let sum = 0;
  for (let i = sliceStart(w, n, workers); i < sliceStart(w + 1, n, workers); i++) sum += i;
  return sum;
}

export const forkSumMq = spec({
  name: "fork_sum_mq",
  description: "W workers send partial sums of 1..n to the parent over a SysV message queue",
  params: {
    n: { default: 6, min: 1, max: 100, doc: "sum 1..n" },
    workers: { default: 2, min: 1, max: 4, doc: "worker processes" },
  },
  expect: "ok",
  build: (p) => {
    const sys = system({ total: 0 });
    const results = msgQueue("results", { qbytes: 4 * p.workers, capacity: p.workers, waiters: 1 });

    sys.process("worker", { count: p.workers, locals: { sum: 0 } }, (s) => [
      s.do("sum my slice", ({ l, id }) => {
        l.sum = partialSum(id, p.n, p.workers);
      }),
      msgsnd(results, { type: 1, value: s.local("sum") }),
    ]);

    sys.process("parent", { locals: { got: 0, part: 0, err: status() } }, (s) => [
      s.for("got", 0, p.workers, [
        msgrcv(results, { type: 1, into: s.into("part"), status: s.into("err") }),
        s.assert("msgrcv succeeds", ({ l }) => l.err === 0),
        s.do("add", ({ g, l }) => {
          g.total += l.part;
          l.part = 0;
        }),
      ], { increment: "last" }),
    ]);

    sys.atEnd(
      "total is n(n+1)/2",
      ({ g }) => g.total === (p.n * (p.n + 1)) / 2 || `total ${g.total}, expected ${(p.n * (p.n + 1)) / 2}`,
    );
    return sys.delivery(results, { noLoss: true, receivers: pidsOf(sys, "parent") });
  },
});
