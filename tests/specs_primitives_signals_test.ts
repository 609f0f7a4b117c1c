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
