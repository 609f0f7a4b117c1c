// EINTR for every blocking call (docs/semantics.md §6.4, issue 15 item 4):
// `interruptible()` over calls of several transitions (a message-queue
// caller parked in the queue, a large pipe write, a socket receive with
// short reads), SA_RESTART per call, the partial count of a write that had
// moved data, and the calls Linux never ends with EINTR. Plus the small
// fixes of item 5: `kill(pidOf(...))` and a condition wait at an end label.

import assert from "node:assert/strict";
import {
  check,
  condvar,
  condWait,
  interruptible,
  kill,
  lock,
  mqReceive,
  mqSend,
  msgQueue,
  msgrcv,
  msgsnd,
  mutex,
  pidOf,
  pipe,
  posixMq,
  read,
  readAll,
  signals,
  sockAccept,
  sockConnect,
  sockRecv,
  spec,
  status,
  system,
  unixStream,
  unlock,
  write,
  writeAll,
} from "../../mod.ts";
import { explore } from "./_explore.ts";

/** The end states of `build`'s spec, printed, sorted. */
// deno-lint-ignore no-explicit-any
function endsOf(build: () => any): string[] {
  const e = explore(spec({ name: "eintr", params: {}, build }).compile());
  assert.deepEqual(e.failures, []);
  return [...e.ends].sort();
}

/**
 * A server receiving one message (System V or POSIX) in an interruptible
 * call; a timer sends SIGALRM; a client sends once the handler has run.
 */
function receiver(kind: "sysv" | "posix", restart: boolean) {
  return () => {
    const sys = system({ ticks: 0, v: 0 });
    const sig = signals();
    const q = msgQueue("q", { qbytes: 8 });
    const pq = posixMq("pq", { maxmsg: 2 });
    sys.process("server", {
      locals: { st: { ...status(), init: 99 }, own: { ...status(), init: 99 } },
      signals: { SIGALRM: { handler: ({ g }) => g.ticks++, restart } },
    }, (s) => {
      const got = s.into(({ g }, v) => (g.v = v));
      const call = kind === "sysv"
        ? msgrcv(q, { into: got, status: s.into("own") })
        : mqReceive(pq, { into: got, status: s.into("own") });
      // §6.4: SA_RESTART restarts mq_receive, never msgrcv.
      return [interruptible(call, s.into("st"), { restartable: kind === "posix" })];
    });
    sys.process("timer", {}, () => [kill(sig, pidOf(sys, "server"), "SIGALRM")]);
    sys.process("client", {}, (s) => [
      s.when("handled", ({ g }) => g.ticks === 1),
      kind === "sysv" ? msgsnd(q, { type: 1, value: 7 }) : mqSend(pq, { value: 7 }),
    ]);
    return sys;
  };
}

Deno.test("interruptible(msgrcv/mq_receive): a parked receiver gets EINTR and leaves the queue", () => {
  const tail = "timer#0@end client#0@end";
  // The signal interrupted the parked call: EINTR (in both status targets),
  // and the message sent afterwards stays queued (not handed to the
  // receiver that left). Or the handler ran before the call: the message.
  assert.deepEqual(endsOf(receiver("sysv", false)), [
    `ticks=1 v=0 q=[1:7(4B)] signals=[] server#0@end{st=EINTR,own=EINTR} ${tail}`,
    `ticks=1 v=7 q=[] signals=[] server#0@end{st=OK,own=OK} ${tail}`,
  ]);
  assert.deepEqual(endsOf(receiver("posix", false)), [
    `ticks=1 v=0 pq=[p0:7(4B)] signals=[] server#0@end{st=EINTR,own=EINTR} ${tail}`,
    `ticks=1 v=7 pq=[] signals=[] server#0@end{st=OK,own=OK} ${tail}`,
  ]);
  // SA_RESTART: msgrcv still returns EINTR; mq_receive is restarted.
  assert.deepEqual(endsOf(receiver("sysv", true)), endsOf(receiver("sysv", false)));
  assert.deepEqual(endsOf(receiver("posix", true)), [
    `ticks=1 v=7 pq=[] signals=[] server#0@end{st=OK,own=OK} ${tail}`,
  ]);
});

Deno.test("interruptible(msgsnd): a sender parked on a full queue gets EINTR, its message never sent", () => {
  const ends = endsOf(() => {
    const sys = system({ ticks: 0, v: 0 });
    const sig = signals();
    const q = msgQueue("q", { qbytes: 4 });
    sys.process("sender", {
      locals: { st: { ...status(), init: 99 } },
      signals: { SIGALRM: ({ g }) => g.ticks++ },
    }, (s) => [
      msgsnd(q, { type: 1, value: 1 }),
      interruptible(msgsnd(q, { type: 1, value: 2 }), s.into("st"), { restartable: false }),
    ]);
    sys.process("timer", {}, () => [kill(sig, pidOf(sys, "sender"), "SIGALRM")]);
    sys.process("receiver", {}, (s) => [
      s.when("handled", ({ g }) => g.ticks === 1),
      msgrcv(q, { into: s.into(({ g }, v) => (g.v = v)) }),
    ]);
    return sys;
  });
  // Interrupted: only the first message ever arrives, and the queue is
  // empty. Or the handler ran first: the second message follows.
  assert.deepEqual(ends.map((e) => /v=\d q=\S+ .*sender#0@end\{st=(\w+)\}/.exec(e)!.slice(0, 2)), [
    ["v=1 q=[1:2(4B)] signals=[] sender#0@end{st=OK}", "OK"],
    ["v=1 q=[] signals=[] sender#0@end{st=EINTR}", "EINTR"],
  ]);
});

/**
 * A writer fills a pipe of 2 bytes, then makes an interruptible write of 3
 * (larger than PIPE_BUF); the reader reads 1 byte and keeps its end open
 * until the write has returned.
 */
function largeWriter(restart: boolean) {
  return () => {
    const sys = system({ ticks: 0, n: -2 });
    const sig = signals();
    const fd = pipe(sys, "fd", {
      capacity: 2,
      pipeBuf: 2,
      holders: { read: ["reader"], write: ["writer"] },
    });
    sys.process("writer", {
      locals: { st: { ...status(), init: 99 } },
      signals: { SIGALRM: { handler: ({ g }) => g.ticks++, restart } },
    }, (s) => [
      write(fd, { bytes: 2 }),
      interruptible(
        write(fd, { bytes: 3, written: s.into(({ g }, n) => (g.n = n)) }),
        s.into("st"),
      ),
    ]);
    sys.process("timer", {}, () => [kill(sig, pidOf(sys, "writer"), "SIGALRM")]);
    sys.process("reader", {}, (s) => [
      read(fd, { bytes: 1 }),
      s.when("the write returned", ({ g }) => g.n !== -2),
    ]);
    return sys;
  };
}

Deno.test("interruptible(large write): EINTR with nothing written, else the count, restarted or not", () => {
  const outcome = (e: string) => /n=(-?\d).*writer#0@(\S+)\{st=(\w+)\}/.exec(e)!.slice(1).join(" ");
  // Blocked with nothing written: EINTR (-1). With 1 byte written: 1. The
  // handler before the call (or while the write could go on): the write
  // then waits for ever for room.
  assert.deepEqual(endsOf(largeWriter(false)).map(outcome), [
    "-1 end EINTR",
    "-2 choose 99",
    "1 end OK",
  ]);
  // SA_RESTART restarts the call that moved nothing; the count still returns.
  assert.deepEqual(endsOf(largeWriter(true)).map(outcome), ["-2 choose 99", "1 end OK"]);
});

Deno.test("interruptible(recv with short reads): EINTR from the call's alternatives", () => {
  const ends = endsOf(() => {
    const sys = system({ ticks: 0 });
    const sig = signals();
    const srv = unixStream(sys, "srv", {
      connections: 1,
      buffer: 2,
      listening: { backlog: 1 },
      shortReads: true,
    });
    sys.process("client", {
      locals: { c: -1, st: { ...status(), init: 99 } },
      signals: { SIGUSR1: ({ g }) => g.ticks++ },
    }, (s) => [
      sockConnect(srv, { conn: s.into("c") }),
      interruptible(sockRecv(srv, { conn: s.expr(({ l }) => l.c), bytes: 2 }), s.into("st")),
    ]);
    sys.process("server", { locals: { c: -1 } }, (s) => [
      sockAccept(srv, { conn: s.into("c") }),
      s.when("handled", ({ g }) => g.ticks === 1),
    ]);
    sys.process("killer", {}, () => [kill(sig, 0, "SIGUSR1")]);
    return sys;
  });
  const st = ends.map((e) => /client#0@\S+\{c=\S+,st=(\w+)\}/.exec(e)![1]).sort();
  // EINTR, or OK: the handler ran before the call, which then saw EOF when
  // the server exited.
  assert.deepEqual([...new Set(st)], ["EINTR", "OK"]);
});

Deno.test("interruptible() refuses the calls Linux never ends with EINTR, by name and reason", () => {
  const st = { kind: "into" as const, text: "st", set: () => {} };
  const m = mutex("m");
  assert.throws(
    () => interruptible(condWait(condvar("cv", m)), st),
    /^TypeError: interruptible\(wait\(cv, m\)\): pthread_cond_wait never fails with EINTR/,
  );
  assert.throws(
    () => interruptible(lock(m), st),
    /^TypeError: interruptible\(lock\(m\)\): pthread_mutex_lock never fails with EINTR/,
  );
  const fd = pipe(system({}), "fd", { capacity: 4, pipeBuf: 2 });
  assert.throws(
    () => interruptible(writeAll(fd, { bytes: 3 }), st),
    /writeAll\(\) and readAll\(\)/,
  );
  assert.throws(() => interruptible(readAll(fd, { bytes: 3 }), st), /writeAll\(\) and readAll\(\)/);
});

Deno.test("kill() accepts pidOf(...) and checks its target when the step is built", () => {
  const r = check(spec({
    name: "pid_of",
    params: {},
    build: () => {
      const sys = system({});
      const sig = signals();
      sys.process("a", {}, () => []);
      sys.process("b", {
        count: 2,
        locals: { got: 0 },
        signals: { SIGUSR1: ({ l }) => l.got++ },
      }, (s) => [s.when("got", ({ l }) => l.got > 0)]);
      sys.process("sender", {}, () => [kill(sig, pidOf(sys, "b", 1), "SIGUSR1")]);
      return sys;
    },
  }));
  // b#1 takes it; b#0 waits for ever: a deadlock whose trace names b#1.
  assert.equal(r.violation?.property, "deadlock");
  assert.deepEqual(
    r.violation?.steps.map((s) => `${s.process} ${s.operation}`),
    ["sender#0 kill(b#1, USR1)", "b#1 takes a signal", "b#1 when got"],
  );
  assert.throws(
    () => kill(signals(), "b" as unknown as number, "SIGUSR1"),
    /^TypeError: kill\(\): the target must be a pid, pidOf\(\.\.\.\) or s\.expr\(\.\.\.\), got b/,
  );
});

Deno.test("condWait({ end: true }): a server waiting for work is at a valid end state", () => {
  const server = (end: boolean) =>
    check(spec({
      name: end ? "end" : "no_end",
      params: {},
      build: () => {
        const sys = system({ work: 0 });
        const m = mutex("m");
        const cv = condvar("cv", m);
        sys.process("server", {}, (s) => [
          lock(m),
          s.while(({ g }) => g.work === 0, [condWait(cv, { end })]),
          unlock(m),
        ]);
        return sys;
      },
    }));
  assert.equal(server(true).verdict, "ok");
  assert.equal(server(false).violation?.property, "deadlock");
});
