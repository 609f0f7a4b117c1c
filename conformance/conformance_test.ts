// The conformance suite in `deno task test`: a few hundred sequences per
// primitive, each run on the kernel and on the model (see docs/conformance.md).
// `deno task conformance --runs 10000` is the long run.

import assert from "node:assert/strict";
import fc from "fast-check";
import type { Outcome } from "../model/drive.ts";
import { Errno } from "../model/primitives/errno.ts";
import { check, Disagreement, property, runSequence, sequences, tally } from "./_harness.ts";
import { kernelRelease, unavailable } from "./_libc.ts";
import { type MqOp, posixMqSubject } from "./posix_mq.ts";
import { PIPE_BUF, type PipeOp, pipeSubject } from "./pipe.ts";
import { semaphoreSubject } from "./semaphore.ts";
import { type MsgOp, sysvMsgSubject } from "./sysv_msg.ts";
import { buildHelper, checkScenario, SCENARIOS } from "./multiprocess.ts";
import { unixStreamSubject } from "./unix_stream.ts";
import { DGRAM_OPS, type DgramOp, dgramQueue, unixDgramSubject } from "./unix_dgram.ts";
import { RAISED_OPS, sysvMsgRaisedSubject } from "./sysv_msg_raised.ts";

const why = unavailable();
if (why !== undefined) {
  console.error(
    `\n!!! conformance suite SKIPPED: ${why}.\n!!! Run it on Linux x86-64 with ` +
      `deno test --allow-ffi ... (deno task test grants it).\n`,
  );
}
const ignore = why !== undefined;

Deno.test({
  name: "conformance: the kernel under test",
  ignore,
  fn() {
    const release = kernelRelease();
    console.log(`kernel ${release}`);
    assert.match(release, /^\d+\.\d+/);
  },
});

Deno.test({
  name: "conformance: pipes (non-blocking, F_SETPIPE_SZ, close, EPIPE)",
  ignore,
  fn: () => check(pipeSubject, 60, 12),
});

Deno.test({
  name: "conformance: System V message queues (IPC_NOWAIT, msgtyp, IPC_SET, IPC_RMID)",
  ignore,
  fn: () => check(sysvMsgSubject, 200, 24),
});

Deno.test({
  name: "conformance: POSIX message queues (priorities, O_NONBLOCK, mq_getattr)",
  ignore,
  fn: () => check(posixMqSubject, 200, 24),
});

Deno.test({
  name: "conformance: Unix stream and seqpacket socket pairs (MSG_DONTWAIT, shutdown, close)",
  ignore,
  fn: () => check(unixStreamSubject, 150, 24),
});

Deno.test({
  name: "conformance: System V queues with qbytes raised by IPC_SET (msgmax-sized messages)",
  ignore,
  fn: () => check(sysvMsgRaisedSubject, 100, RAISED_OPS),
});

Deno.test({
  name: "conformance: Unix datagram sockets bound to a path (MSG_DONTWAIT, queue limit, close)",
  ignore,
  fn: () => check(unixDgramSubject, 150, DGRAM_OPS),
});

Deno.test({
  name: "conformance: a full datagram queue refuses the next send; a receive makes room",
  ignore,
  fn() {
    const queue = dgramQueue();
    const fill: DgramOp[] = Array.from({ length: queue }, () => ({ op: "send", n: 2, value: 5 }));
    const full = () => tally["unix-dgram"]?.["sendto MSG_DONTWAIT, queue full: EAGAIN"]?.runs ?? 0;
    const before = full();
    const r = runSequence(unixDgramSubject, { bound: true, flood: false }, [
      ...fill,
      { op: "send", n: 1, value: 6 },
      { op: "recv", n: 1, trunc: false },
      { op: "send", n: 1, value: 7 },
      { op: "close" },
      { op: "send", n: 1, value: 8 },
      { op: "bind" },
    ]);
    assert.deepEqual(r.departures, []);
    // The one send to the full queue, and only it, got EAGAIN on both sides.
    assert.equal(full() - before, 1);
  },
});

Deno.test({
  name: "conformance: semaphores (System V semop IPC_NOWAIT, POSIX sem_trywait)",
  ignore,
  fn: () => check(semaphoreSubject, 200, 24),
});

Deno.test({
  name: "conformance: a pipe's capacity is page-granular: the departure the oracle knows",
  ignore,
  fn() {
    // One page, full, one byte read: the model has a byte of room, the
    // kernel's only page cannot take the write.
    const r = runSequence(pipeSubject, { pages: 1 }, [
      { op: "write", n: PIPE_BUF, value: 7 },
      { op: "read", n: 1 },
      { op: "write", n: 1, value: 8 },
    ], { count: false });
    assert.deepEqual(r.departures, ["page-granular capacity"]);
    // Reading the rest frees the page: both sides take the write again.
    const s = runSequence(pipeSubject, { pages: 1 }, [
      { op: "write", n: PIPE_BUF, value: 7 },
      { op: "read", n: PIPE_BUF },
      { op: "write", n: 1, value: 8 },
      { op: "read", n: 2 },
    ], { count: false });
    assert.deepEqual(s.departures, []);
  },
});

Deno.test({
  name:
    "conformance: a large write filling the free bytes ends at the kernel's page-granular write",
  ignore,
  fn() {
    // Two pages, the first full, one byte read: 4097 bytes are free, but
    // the kernel cannot reuse the partly read page and writes one page.
    const ops: PipeOp[] = [
      { op: "write", n: PIPE_BUF, value: 7 },
      { op: "read", n: 1 },
      { op: "write", n: 5000, value: 8 },
      { op: "read", n: 3 },
    ];
    // The rule that a non-blocking write above PIPE_BUF fills all the free
    // room (imposed by keeping only the largest write): the kernel's 4096
    // is not the model's 4097, a departure its pages explain, and the
    // sequence ends there.
    const fill = (position: number, allowed: Outcome[]): Outcome[] => {
      if (position !== 2) return allowed;
      const most = Math.max(...allowed.map((o) => o.values.ret ?? -1));
      return allowed.filter((o) => o.values.ret === most);
    };
    const r = runSequence(pipeSubject, { pages: 2 }, ops, { count: false, mutate: fill });
    assert.deepEqual(r.departures, ["page-granular capacity"]);
    // The rule that it may write any part: 4096 is one of the outcomes.
    assert.deepEqual(runSequence(pipeSubject, { pages: 2 }, ops, { count: false }).departures, []);
  },
});

Deno.test({
  name: "conformance: a mutant POSIX queue that ignores priorities fails, shrunk to 3 calls",
  ignore,
  fn() {
    // The mutant rule: mq_receive returns the oldest message whatever its
    // priority. It rewrites the model's outcomes through the drive API.
    let seen: readonly MqOp[] = [];
    const mutate = (ops: () => readonly MqOp[]) => {
      let fifo: { value: number; prio: number; len: number }[] = [];
      let last = -1;
      return (position: number, allowed: Outcome[]): Outcome[] => {
        if (position <= last) fifo = []; // a new sequence
        last = position;
        const op = ops()[position]!;
        return allowed.map((o) => {
          if (o.values.status !== Errno.OK) return o;
          if (op.op === "send") {
            fifo.push({ value: op.value, prio: op.prio, len: op.len });
            return o;
          }
          const head = fifo.shift()!;
          const values = { ...o.values, ...head };
          return {
            ...o,
            values,
            lists: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, [v]])),
          };
        });
      };
    };
    const result = fc.check(
      fc.property(sequences(posixMqSubject, 24), ({ cfg, ops: raw }) => {
        const ops = posixMqSubject.normalize!(cfg, raw);
        seen = ops;
        runSequence(posixMqSubject, cfg, ops, { count: false, mutate: mutate(() => seen) });
      }),
      { numRuns: 500, seed: 19 },
    );
    assert.ok(result.failed, "the mutant was not caught");
    const shrunk = result.counterexample![0].ops;
    assert.equal(shrunk.length, 3, JSON.stringify(shrunk));
    assert.deepEqual(shrunk.map((o) => o.op), ["send", "send", "receive"]);
    assert.ok(result.errorInstance instanceof Disagreement);
    const text = (result.errorInstance as Error).message;
    assert.match(text, /kernel: status=OK len=\d+ prio=\d+/);
    console.log(text);
  },
});

Deno.test({
  name: "conformance: a mutant msgrcv whose negative msgtyp picks the highest type fails, shrunk",
  ignore,
  fn() {
    // The mutant rule: msgrcv(t < 0) returns the first message of the
    // *highest* type <= |t| (Linux: the lowest). It keeps its own copy of
    // the queue from the outcomes the model takes.
    const mutant = (ops: readonly MsgOp[]) => {
      const queue: { type: number; value: number; size: number }[] = [];
      return (position: number, allowed: Outcome[]): Outcome[] => {
        const op = ops[position]!;
        const [o] = allowed;
        if (o === undefined || o.values.status !== Errno.OK) return allowed;
        if (op.op === "send") queue.push({ type: op.type, value: op.value, size: op.size });
        if (op.op === "rmid") queue.length = 0;
        if (op.op !== "recv") return allowed;
        const took = queue.findIndex((m) =>
          m.type === o.values.mtype && m.value === o.values.value
        );
        if (op.type >= 0) {
          queue.splice(took, 1);
          return allowed;
        }
        const fits = queue.filter((m) => m.type <= -op.type);
        const high = fits.find((m) => m.type === Math.max(...fits.map((f) => f.type)))!;
        queue.splice(took, 1);
        const values = { ...o.values, mtype: high.type, value: high.value };
        return [{ ...o, values, lists: { ...o.lists, mtype: [high.type], value: [high.value] } }];
      };
    };
    const result = fc.check(
      fc.property(sequences(sysvMsgSubject, 24), ({ cfg, ops }) => {
        runSequence(sysvMsgSubject, cfg, ops, { count: false, mutate: mutant(ops) });
      }),
      { numRuns: 300, seed: 19 },
    );
    assert.ok(result.failed, "the mutant was not caught");
    const shrunk = result.counterexample![0].ops;
    // Two sends of different types and the receive with a negative type
    // (fast-check may leave a call after the failing one in place).
    assert.ok(shrunk.length <= 4, JSON.stringify(shrunk));
    assert.deepEqual(shrunk.slice(0, 3).map((o) => o.op), ["send", "send", "recv"]);
    assert.ok(result.errorInstance instanceof Disagreement);
    const text = (result.errorInstance as Error).message;
    assert.match(text, /3\. \{"op":"recv","type":-\d/);
    console.log(text);
  },
});

Deno.test({
  name: "conformance: the unmutated POSIX queue passes the same sequences",
  ignore,
  fn() {
    fc.assert(property(posixMqSubject, 24, { count: false }), { numRuns: 100, seed: 19 });
  },
});

// The multi-process scenarios, through the C helper (built with cc/gcc).
const helper = ignore ? undefined : await buildHelper();
if (helper !== undefined && "why" in helper) {
  console.error(
    `\n!!! conformance multi-process scenarios SKIPPED: ${helper.why}.\n` +
      `!!! .ci/run installs gcc with apt-get when it is absent.\n`,
  );
}
for (const scenario of SCENARIOS) {
  Deno.test({
    name: `conformance: multi-process ${scenario.name}: ${scenario.what}`,
    ignore: helper === undefined || "why" in helper,
    async fn() {
      const r = await checkScenario((helper as { path: string }).path, scenario, 8);
      console.log(`allowed ${JSON.stringify(r.allowed)}; seen ${JSON.stringify(r.seen)}`);
      assert.deepEqual(r.disallowed, [], `outcomes the model does not allow: ${r.disallowed}`);
    },
  });
}
