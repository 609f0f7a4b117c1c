// The specs of the pipe, shared-memory, file and message-size primitives:
// verdicts, violated properties and exact state counts at the default
// parameters and at another setting, pinned so that a change in the
// semantics shows up. Every counterexample is replayed.

import assert from "node:assert/strict";
import { assertDeclaredVerdicts, loadSpec, type Pin, pinSpecs } from "./_pins.ts";

const pipeForkEof = await loadSpec("pipe_fork_eof.ts", "pipeForkEof");
const pipeForkLeak = await loadSpec("pipe_fork_leak.ts", "pipeForkLeak");
const forkSumPipe = await loadSpec("fork_sum_pipe.ts", "forkSumPipe");
const counterRace = await loadSpec("counter_race.ts", "counterRace");
const counterSem = await loadSpec("counter_sem.ts", "counterSem");
const filePartial = await loadSpec("file_partial.ts", "filePartial");
const fragmentInterleave = await loadSpec("fragment_interleave.ts", "fragmentInterleave");

const PINS: Pin[] = [
  { spec: pipeForkEof, params: {}, states: 93, verdict: "ok" },
  { spec: pipeForkEof, params: { items: 4, chunk: 1 }, states: 89, verdict: "ok" },
  // The leak: after the parent's 3 writes, their loop (3 x 3 steps + the
  // last test), its 2 closes, and the child's reads (2 + 1 bytes, each
  // after a loop test) and the final loop test, the child blocks: 17 steps.
  { spec: pipeForkLeak, params: {}, states: 82, verdict: { property: "deadlock", steps: 17 } },
  {
    spec: pipeForkLeak,
    params: { items: 4, chunk: 1 },
    states: 78,
    verdict: { property: "deadlock", steps: 24 },
  },
  // fork_sum_pipe with one worker, by hand. The worker goes through 4
  // positions (close, sum, write, end); the parent reads only once the
  // worker has exited (its byte is in the pipe, or W = 0): before that the
  // parent is at close, loop test or read (3 x 4 = 12 states); after, at
  // the loop test with the byte read, read, loop test after EOF, assert,
  // end (5): 17 states.
  { spec: forkSumPipe, params: { workers: 1 }, states: 17, verdict: "ok" },
  { spec: forkSumPipe, params: {}, states: 72, verdict: "ok" },
  { spec: forkSumPipe, params: { workers: 4, n: 10 }, states: 1708, verdict: "ok" },
  // counter_race with one worker, by hand: the worker has 7 positions
  // (loop test, load, store, next, loop test, exit, end); before it exits
  // the parent is before or after IPC_RMID (2 x 6 = 12); after, the parent
  // is at IPC_RMID, wait, load, assert or end (5): 17 states, and no race.
  { spec: counterRace, params: { workers: 1 }, states: 17, verdict: "ok" },
  {
    spec: counterRace,
    params: {},
    states: 185,
    verdict: { property: "no lost update", steps: 16 },
  },
  {
    spec: counterRace,
    params: { workers: 3 },
    states: 3863,
    verdict: { property: "no lost update", steps: 22 },
  },
  { spec: counterSem, params: {}, states: 182, verdict: "ok" },
  { spec: counterSem, params: { workers: 3, rounds: 2 }, states: 28006, verdict: "ok" },
  // The shortest partial read: the writer's loop test and first write, the
  // reader's poll (loop test, fstat, loop test), read, assert: 7 steps.
  { spec: filePartial, params: {}, states: 25, verdict: { property: "complete data", steps: 7 } },
  { spec: filePartial, params: { notify: true }, states: 15, verdict: "ok" },
  {
    spec: fragmentInterleave,
    params: {},
    states: 28,
    verdict: { property: "message intact", steps: 5 },
  },
  // Was 65 states and 8 steps with the writers' extra 'enter' steps (the
  // size is an expression): the same trace without them, found two levels
  // earlier. The whole space shrinks by exactly the entered states, 143 - 34
  // = 109.
  {
    spec: fragmentInterleave,
    params: { variable: true },
    states: 35,
    verdict: { property: "message intact", steps: 6 },
  },
  { spec: fragmentInterleave, params: { lock: true }, states: 104, verdict: "ok" },
  { spec: fragmentInterleave, params: { maxMessage: 3 }, states: 28, verdict: "ok" },
];

const { run, atDefaults } = pinSpecs(PINS);

Deno.test("pipe specs: each meets the verdict it declares at its defaults", () => {
  assertDeclaredVerdicts(new Set(PINS.map((p) => p.spec)), atDefaults);
});

Deno.test("pipe_fork_leak: the child blocks on read holding its own write end", () => {
  const v = run(PINS.find((p) => p.spec === pipeForkLeak)!).violation!;
  assert.deepEqual(v.blocked, [{
    process: "child#0",
    step: "read(fd, 2)",
    waitsOn: ["read(fd, 2) (fd = [] R{child#0} W{child#0})"],
    holds: ["fd"],
  }]);
  assert.match(v.state, /got=\[1,2,3\] received=3/, "all data was read before the hang");
});

Deno.test("counter_race: two workers load the same value and one store is lost", () => {
  const v = run(PINS.find((p) => p.spec === counterRace && p.params.workers === undefined)!)
    .violation!;
  assert.equal(v.message, "assertion 'no lost update' failed: counter is 1, expected 2");
  const loads = v.steps.filter((s) =>
    s.operation === "load counter[0]" && s.process !== "parent#0"
  );
  assert.equal(loads.length, 2);
});

Deno.test("file_partial: the reader read 1 of 2 bytes", () => {
  const v = run(PINS.find((p) => p.spec === filePartial)!).violation!;
  assert.equal(
    v.message,
    "assertion 'complete data' failed: read 1 of 2 bytes: the writer was not done",
  );
});
