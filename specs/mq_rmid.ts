// Shutting workers down by removing their System V message queue
// (docs/semantics.md §2, "IPC_RMID"). A coordinator sends `jobs` jobs; the
// workers take them until msgrcv fails. Once every job is done the
// coordinator removes the queue: a worker blocked in msgrcv wakes with
// EIDRM, one that calls msgrcv afterwards gets EINVAL; either way it exits.
// The delivery template (docs/properties.md, "Templates") checks that every
// job is taken exactly once and that the removal destroys none
// (rules_mq.ts has the coordinator that does not wait).
import { Errno, msgctlRmid, msgQueue, msgrcv, msgsnd, spec, status, system } from "../mod.ts";

export const mqRmid = spec({
  name: "mq_rmid",
  description: "IPC_RMID wakes workers blocked in msgrcv with EIDRM; later calls get EINVAL",
  params: {
    workers: { default: 2, min: 1, max: 4, doc: "worker processes" },
    jobs: { default: 2, min: 0, max: 8, doc: "jobs sent before the removal" },
  },
  expect: "ok",
  build: (p) => {
    const sys = system({ finished: 0 });
    const q = msgQueue("jobs", { qbytes: 4 * Math.max(1, p.jobs), capacity: Math.max(1, p.jobs), waiters: p.workers });

    sys.process("coordinator", { locals: { i: 0 } }, (s) => [
      s.for("i", 0, p.jobs, [
        msgsnd(q, { type: 1, value: s.expr(({ l }) => l.i + 1) }),
      ]),
      s.when("all jobs done", ({ g }) => g.finished === p.jobs),
      msgctlRmid(q),
    ]);

    sys.process("worker", { count: p.workers, locals: { job: 0, err: status() } }, (s) => [
      s.while(({ l }) => l.err === Errno.OK, [
        msgrcv(q, { type: 1, into: s.into("job"), status: s.into("err") }),
        s.if(({ l }) => l.err === Errno.OK, [
          s.do("do job", ({ g, l }) => {
            g.finished++;
            l.job = 0;
          }),
        ]),
      ]),
      s.assert(
        "a worker stops only on EIDRM or EINVAL",
        ({ l }) => l.err === Errno.EIDRM || l.err === Errno.EINVAL || `stopped on ${l.err}`,
      ),
    ]);

    sys.atEnd("every job done", ({ g }) => g.finished === p.jobs);
    return sys.delivery(q, { exactlyOnce: true });
  },
});
