// The specs of the pipe, shared-memory, file and message-size primitives:
// verdicts, violated properties and exact state counts at the default
// parameters and at another setting, pinned so that a change in the
// semantics shows up. Every counterexample is replayed.

import assert from "node:assert/strict";
import { check, type CheckResult, explainTrace, Spec } from "../mod.ts";

// deno-lint-ignore no-explicit-any
type AnySpec = Spec<any>;

// Imported through a computed specifier, as in specs_test.ts: specs/ is
// type-checked under its own compilerOptions.
async function load(file: string, name: string): Promise<AnySpec> {
  const mod = await import(new URL(`../specs/${file}`, import.meta.url).href);
  const s = mod[name];
  assert.ok(s instanceof Spec, `${file} exports ${name}`);
  return s;
}
const pipeForkEof = await load("pipe_fork_eof.ts", "pipeForkEof");
const pipeForkLeak = await load("pipe_fork_leak.ts", "pipeForkLeak");
const forkSumPipe = await load("fork_sum_pipe.ts", "forkSumPipe");
const counterRace = await load("counter_race.ts", "counterRace");
const counterSem = await load("counter_sem.ts", "counterSem");
const filePartial = await load("file_partial.ts", "filePartial");
const fragmentInterleave = await load("fragment_interleave.ts", "fragmentInterleave");

interface Pin {
  spec: AnySpec;
  params: Record<string, number | boolean>;
  states: number;
  /** "ok", or the violated property and the trace length. */
  verdict: "ok" | { property: string; steps: number };
}

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
  {
    spec: fragmentInterleave,
    params: { variable: true },
    states: 65,
    verdict: { property: "message intact", steps: 8 },
  },
  { spec: fragmentInterleave, params: { lock: true }, states: 104, verdict: "ok" },
  { spec: fragmentInterleave, params: { maxMessage: 3 }, states: 28, verdict: "ok" },
];

const results = new Map<Pin, CheckResult>();
function run(pin: Pin): CheckResult {
  let r = results.get(pin);
  if (r === undefined) {
    r = check(pin.spec, { params: pin.params });
    results.set(pin, r);
  }
  return r;
}

for (const pin of PINS) {
  const setting = Object.entries(pin.params).map(([k, v]) => `${k}=${v}`).join(" ") ||
    "defaults";
  Deno.test(`${pin.spec.name} (${setting}): verdict and state count are pinned`, () => {
    const r = run(pin);
    if (pin.verdict === "ok") {
      assert.equal(r.verdict, "ok", r.violation?.message ?? r.error?.message);
    } else {
      assert.equal(r.verdict, "violation", r.error?.message);
      assert.equal(r.violation?.property, pin.verdict.property);
      assert.equal(r.violation?.transitions.length, pin.verdict.steps);
    }
    assert.equal(r.stats.states, pin.states);
  });
}

Deno.test("pipe specs: each meets the verdict it declares at its defaults", () => {
  for (const s of new Set(PINS.map((p) => p.spec))) {
    const r = check(s);
    const e = s.expect;
    if (e === "ok") assert.equal(r.verdict, "ok", s.name);
    else {
      assert.ok("violation" in e, s.name);
      assert.ok([e.violation].flat().includes(r.violation?.property ?? ""), s.name);
    }
  }
});

Deno.test("pipe specs: every counterexample replays to the same violation", () => {
  for (const pin of PINS) {
    const r = run(pin);
    if (r.violation === undefined) continue;
    const again = explainTrace(pin.spec.compile(pin.params), r.violation);
    assert.ok(typeof again !== "string", `${pin.spec.name}: ${again}`);
    assert.deepEqual(again, r.violation, pin.spec.name);
  }
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
