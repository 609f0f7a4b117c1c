// Delivery templates on message queues (docs/properties.md, "Templates"):
// each spec attaches a rule the protocol does not keep, and fails with the
// shortest trace that breaks it. The bundled queue specs (mq_priority.ts,
// mq_rmid.ts, mq_request_response.ts, fork_sum_mq.ts) attach the rules they
// keep.
import {
  Errno,
  mqReceive,
  mqSend,
  msgctlRmid,
  msgQueue,
  msgrcv,
  msgsnd,
  posixMq,
  spec,
  status,
  system,
} from "../mod.ts";

// POSIX (docs/semantics.md §3): each producer sends a normal message (priority
// 0) and then an urgent one (priority 9). A consumer relying on "each
// producer's messages arrive in the order it sent them" is wrong: mq_receive
// returns the highest priority first, so a producer's later urgent message
// overtakes its own earlier normal one.
export const rulesMqOvertake = spec({
  name: "rules_mq_overtake",
  description: "FIFO per sender expected on a POSIX queue, but a later urgent message overtakes",
  params: { producers: 2 },
  expect: { violation: "q: FIFO per sender" },
  build: (p) => {
    const sys = system({});
    const q = posixMq("q", { maxmsg: 2, msgsize: 4, waiters: p.producers + 1 });
    sys.process("producer", { count: p.producers }, (s) => [
      mqSend(q, { value: s.expr(({ id }) => 2 * id + 1), prio: 0 }), // normal
      mqSend(q, { value: s.expr(({ id }) => 2 * id + 2), prio: 9 }), // urgent
    ]);
    sys.process("consumer", { locals: { got: 0, msg: 0 } }, (s) => [
      s.for("got", 0, 2 * p.producers, [
        mqReceive(q, { into: s.into("msg") }),
      ]),
    ]);
    return sys.delivery(q, { exactlyOnce: true, order: "fifoPerSender" });
  },
});

// System V (docs/semantics.md §2): a dispatcher sends a normal job (type 1)
// and then an urgent one (type 2), and expects the worker to serve the
// highest type first. The worker calls msgrcv with type 0, which takes the
// oldest message whatever its type: the normal job is served while the
// urgent one waits. (msgrcv with a type < 0 serves the *lowest* type first;
// serving the highest takes one msgrcv per type, urgent first, with
// IPC_NOWAIT.)
export const rulesMqType = spec({
  name: "rules_mq_type",
  description: "Highest type first expected, but msgrcv(type 0) takes System V messages FIFO",
  params: {},
  expect: { violation: "jobs: priority order" },
  build: () => {
    const sys = system({});
    const q = msgQueue("jobs", { qbytes: 8, capacity: 2, waiters: 1 });
    sys.process("dispatcher", {}, () => [
      msgsnd(q, { type: 1, value: 1 }), // normal
      msgsnd(q, { type: 2, value: 2 }), // urgent
    ]);
    sys.process("worker", { locals: { k: 0, job: 0 } }, (s) => [
      s.for("k", 0, 2, [
        msgrcv(q, { type: 0, into: s.into("job") }), // BUG: FIFO
      ]),
    ]);
    return sys.delivery(q, { exactlyOnce: true, order: "priority" });
  },
});

// System V (docs/semantics.md §2, "IPC_RMID"): as mq_rmid, but the
// coordinator removes the queue as soon as it has sent the jobs, without
// waiting for the workers to take them: IPC_RMID destroys the jobs still
// queued.
export const rulesMqRmid = spec({
  name: "rules_mq_rmid",
  description: "The coordinator removes the queue without waiting: queued jobs are destroyed",
  params: { workers: 1, jobs: 2 },
  expect: { violation: "jobs: no loss" },
  build: (p) => {
    const sys = system({});
    const q = msgQueue("jobs", { qbytes: 4 * p.jobs, capacity: p.jobs, waiters: p.workers });
    sys.process("coordinator", { locals: { i: 0 } }, (s) => [
      s.for("i", 0, p.jobs, [
        msgsnd(q, { type: 1, value: s.expr(({ l }) => l.i + 1) }),
      ]),
      // BUG: no "wait until every job is done" before the removal
      msgctlRmid(q),
    ]);
    sys.process("worker", { count: p.workers, locals: { job: 0, err: status() } }, (s) => [
      s.while(({ l }) => l.err === Errno.OK, [
        msgrcv(q, { type: 1, into: s.into("job"), status: s.into("err") }),
      ]),
    ]);
    return sys.delivery(q, { exactlyOnce: true });
  },
});
