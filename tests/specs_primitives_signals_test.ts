// The signal specs (docs/semantics.md §6, §9 bug 4): verdicts, violated
// properties and exact state counts at the default parameters and at
// another setting, pinned so that a change in the semantics shows up. A few
// small counts are derived by hand below; every counterexample is replayed.

import assert from "node:assert/strict";
import { assertDeclaredVerdicts, loadSpec, type Pin, pinSpecs } from "./_pins.ts";

const sigChildCountStd = await loadSpec("sig_child_count.ts", "sigChildCountStd");
const sigChildCountRt = await loadSpec("sig_child_count.ts", "sigChildCountRt");
const sigPauseRace = await loadSpec("sig_pause_race.ts", "sigPauseRace");
const sigSuspendOk = await loadSpec("sig_pause_race.ts", "sigSuspendOk");
const sigPipeIgnored = await loadSpec("sig_pipe_writer.ts", "sigPipeIgnored");
const sigPipeDefault = await loadSpec("sig_pipe_writer.ts", "sigPipeDefault");
const sigMsgrcvRetry = await loadSpec("sig_msgrcv_eintr.ts", "sigMsgrcvRetry");
const sigMsgrcvEintr = await loadSpec("sig_msgrcv_eintr.ts", "sigMsgrcvEintr");

const PINS: Pin[] = [
  // sig_child_count with one child, by hand (either signal): the child is at
  // kill, exit or end; the parent at its wait or at the end, with the
  // signal pending or counted. Child at kill: 1 state; at exit: pending or
  // counted (2); at end: pending (the parent must take it first), counted
  // with the parent waiting, counted with the parent at the end (3): 6.
  { spec: sigChildCountStd, params: { children: 1 }, states: 6, verdict: "ok" },
  { spec: sigChildCountRt, params: { children: 1 }, states: 6, verdict: "ok" },
  // Two children: the second SIGCHLD is generated while the first is still
  // pending and merges with it (§6.2 rule 4). Shortest: kill, exit, kill,
  // delivery, exit, the parent's wait: 6 steps.
  {
    spec: sigChildCountStd,
    params: {},
    states: 27,
    verdict: { property: "every exit counted", steps: 6 },
  },
  {
    spec: sigChildCountStd,
    params: { children: 3 },
    states: 111,
    verdict: { property: "every exit counted", steps: 8 },
  },
  // Real-time signals queue: every exit is counted.
  { spec: sigChildCountRt, params: {}, states: 30, verdict: "ok" },
  { spec: sigChildCountRt, params: { children: 3 }, states: 202, verdict: "ok" },
  // sig_pause_race, by hand: the waiter is at its loop test, pause() or the
  // end; the notifier before or after its kill. (test, before), (pause,
  // before), (test, after, pending), (test, after, handled), (end, after),
  // (pause, after, pending), (pause, after, handled just before the call):
  // 7 states. The shortest hang: the test, the kill, the signal just before
  // pause(): 3 steps.
  { spec: sigPauseRace, params: {}, states: 7, verdict: { property: "deadlock", steps: 3 } },
  { spec: sigSuspendOk, params: {}, states: 12, verdict: "ok" },
  // sig_pipe_writer (issue 15): SIGPIPE raised by the pipe through the
  // signal table. Ignored, the writer always finishes (EPIPE once the reader
  // has closed). With the default action the shortest death is: the reader
  // closes, the writer restores the default, writes, and takes SIGPIPE.
  { spec: sigPipeIgnored, params: {}, states: 22, verdict: "ok" },
  { spec: sigPipeIgnored, params: { writes: 3 }, states: 33, verdict: "ok" },
  {
    spec: sigPipeDefault,
    params: {},
    states: 11,
    verdict: { property: "the writer finishes", steps: 4 },
  },
  {
    spec: sigPipeDefault,
    params: { writes: 1 },
    states: 11,
    verdict: { property: "the writer finishes", steps: 4 },
  },
  // sig_msgrcv_eintr (issue 15): msgrcv() interrupted by SIGALRM's handler
  // returns EINTR (SA_RESTART never restarts it). Retrying serves every
  // request once; taking EINTR for a message serves one twice.
  { spec: sigMsgrcvRetry, params: {}, states: 89, verdict: "ok" },
  { spec: sigMsgrcvRetry, params: { requests: 3 }, states: 190, verdict: "ok" },
  {
    spec: sigMsgrcvEintr,
    params: { requests: 1 },
    states: 33,
    verdict: { property: "every request served once", steps: 7 },
  },
  {
    spec: sigMsgrcvEintr,
    params: {},
    states: 84,
    verdict: { property: "every request served once", steps: 11 },
  },
  {
    spec: sigMsgrcvEintr,
    params: { requests: 3 },
    states: 193,
    verdict: { property: "every request served once", steps: 15 },
  },
];

const { run, atDefaults } = pinSpecs(PINS);

Deno.test("signal specs: each meets the verdict it declares at its defaults", () => {
  assertDeclaredVerdicts(new Set(PINS.map((p) => p.spec)), atDefaults);
});

Deno.test("sig_child_count_std: two exits, one SIGCHLD delivered", () => {
  const v = run(PINS.find((p) => p.spec === sigChildCountStd && p.params.children === undefined)!)
    .violation!;
  assert.equal(
    v.message,
    "final property 'every exit counted' violated: 2 children exited, 1 counted",
  );
  assert.deepEqual(v.steps.map((s) => `${s.process} ${s.operation}`), [
    "child#0 kill(0, CHLD)",
    "child#0 exit",
    "child#1 kill(0, CHLD)",
    "parent#0 takes a signal",
    "child#1 exit",
    "parent#0 when all children exited",
  ]);
  // The second kill found SIGCHLD already pending: nothing changed.
  assert.deepEqual(v.steps[2]!.changes, []);
});

Deno.test("sig_pause_race: the handler runs just before pause(), which then sleeps for ever", () => {
  const v = run(PINS.find((p) => p.spec === sigPauseRace)!).violation!;
  assert.deepEqual(v.steps.map((s) => `${s.process} ${s.operation}`), [
    "waiter#0 while (!g.ready) -> body",
    "notifier#0 kill(0, USR1)",
    "waiter#0 takes a signal just before its call",
  ]);
  assert.deepEqual(v.steps[2]!.changes, [
    { name: "ready", before: "false", after: "true" },
    { name: "signals", before: "[waiter#0{pending=USR1}]", after: "[]" },
  ]);
  assert.deepEqual(v.blocked, [
    { process: "waiter#0", step: "pause()", waitsOn: ["pause() (signals = [])"], holds: [] },
  ]);
  assert.equal(v.state, "ready=true signals=[] waiter#0@pause() notifier#0@end");
});

Deno.test("sig_pipe_default: the writer dies of SIGPIPE right after its write", () => {
  const v = run(PINS.find((p) => p.spec === sigPipeDefault && p.params.writes === undefined)!)
    .violation!;
  assert.equal(v.message, "final property 'the writer finishes' violated: the writer was killed");
  assert.deepEqual(v.steps.map((s) => `${s.process} ${s.operation}`), [
    "reader#0 close(fd, read)",
    "writer#0 sigaction(PIPE, default)",
    "writer#0 write(fd, 1)",
    "writer#0 takes a signal",
  ]);
  assert.match(JSON.stringify(v.steps.at(-1)!.changes), /killed by PIPE/);
});

Deno.test("sig_msgrcv_eintr: the EINTR return is served as the previous request again", () => {
  const v = run(PINS.find((p) => p.spec === sigMsgrcvEintr && p.params.requests === 1)!)
    .violation!;
  assert.equal(
    v.message,
    "final property 'every request served once' violated: served 1 requests summing to 0",
  );
  assert.deepEqual(v.steps.map((s) => `${s.process} ${s.operation}`), [
    "server#0 while (g.served < p.requests) -> body",
    "server#0 msgrcv(requests, type 0) blocks",
    "timer#0 kill(server#0, ALRM)",
    "server#0 takes a signal",
    "server#0 serve",
    "server#0 while (g.served < p.requests) -> done",
    "client#0 msgsnd(requests, type 1, 4B)",
  ]);
});
