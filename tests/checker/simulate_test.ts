// Random simulation: what one schedule does, that every bundled buggy spec is
// found and shrunk to at most twice its shortest trace, that a seed and path
// reproduce a result, that simulation finds the missing-mutex bug where an
// exhaustive search runs out of a 10^6-state budget, and schedule files.

import assert from "node:assert/strict";
import { check, explainTrace, lock, mutex, region, spec, system, unlock } from "../../mod.ts";
import { runSchedule, simulate } from "../../checker/simulate.ts";
import {
  formatScheduleFile,
  parseScheduleFile,
  replaySchedule,
  scheduleFileOf,
} from "../../checker/schedule_file.ts";
import { type AnySpec, bundledSpecs, loadSpec } from "../_pins.ts";

/** Every bundled spec that declares a violation. */
async function buggy(): Promise<AnySpec[]> {
  const out: AnySpec[] = [];
  for (const { spec: s } of await bundledSpecs()) {
    if (s.expect === "ok" || !("violation" in s.expect)) continue;
    // A random run cannot show a liveness violation (a cycle): only safety bugs.
    const wanted = [s.expect.violation].flat();
    if (s.compile().liveness!.properties.some((l) => wanted.includes(l.name))) continue;
    out.push(s);
  }
  return out;
}

const pcNoMutex = await loadSpec("pc_no_mutex.ts", "pcNoMutex");
const pcSwappedWaits = await loadSpec("pc_swapped_waits.ts", "pcSwappedWaits");
const pcSemaphore = await loadSpec("pc_semaphore.ts", "pcSemaphore");

/** Two processes enter a region without a lock; a third only makes noise. */
const noisyRace = spec({
  name: "noisy_race",
  params: { noise: 12 },
  build: (p) => {
    const sys = system({ n: 0 });
    sys.process("noise", { locals: { k: 0 } }, (s) => [
      s.while(({ l }) => l.k < p.noise, [s.do("tick", ({ l }) => l.k++)]),
    ]);
    sys.process("racer", { count: 2 }, (s) => [
      s.do("prepare", ({ g }) => g.n++),
      region("cs", s.do("inside", ({ g }) => g.n++)),
    ]);
    sys.always("mutual exclusion", (v) => v.inside("cs") <= 1);
    return sys;
  },
});

function movers(model: ReturnType<AnySpec["compile"]>, transitions: readonly number[]): string[] {
  return transitions.map((t) => model.explanation!.describe(t).process);
}

Deno.test("runSchedule() picks enabled[schedule[i] % enabled.length] and stops where it must", () => {
  const s = spec({
    name: "pair",
    params: {},
    build: () => {
      const sys = system({ x: 0 });
      sys.process(
        "p",
        { count: 2 },
        (b) => [b.do("a", ({ g }) => g.x++), b.do("b", ({ g }) => g.x++)],
      );
      return sys;
    },
  });
  const model = s.compile();
  const r = runSchedule(model, [3, 2, 5, 0]);
  assert.equal(r.end, "end");
  assert.deepEqual(r.schedule, [1, 0, 1, 0]);
  assert.deepEqual(movers(model, r.transitions), ["p#1", "p#0", "p#1", "p#0"]);
  // A schedule used up before the end; and a longer one, of which only what runs is used.
  assert.equal(runSchedule(model, [0, 0]).end, "exhausted");
  assert.deepEqual(runSchedule(model, [0, 0, 0, 0, 9, 9, 9]).schedule, [0, 0, 0, 0]);
  assert.equal(runSchedule(model, [0, 0, 0, 0, 9, 9, 9]).transitions.length, 4);
});

Deno.test("runSchedule() ends at an invariant, a failing transition, and a deadlock", () => {
  const inv = noisyRace.compile({ noise: 0 });
  const r1 = runSchedule(inv, [0, 0, 1, 0]);
  assert.equal(r1.end, "violation");
  assert.equal(r1.property, "mutual exclusion");
  assert.equal(r1.transitions.length, 3, "the run stops in the violating state");
  const story = explainTrace(inv, { init: 0, transitions: r1.transitions });
  assert.equal(typeof story !== "string" && story.property, "mutual exclusion");

  const badUnlock = spec({
    name: "bad_unlock",
    params: {},
    build: () => {
      const sys = system({});
      const m = mutex("m");
      sys.process("p", {}, () => [unlock(m)]);
      return sys;
    },
  }).compile();
  const r2 = runSchedule(badUnlock, [0]);
  assert.equal(r2.end, "violation");
  assert.equal(r2.transitions.length, 1, "the failing transition is the last");

  const twoLocks = spec({
    name: "two_locks",
    params: {},
    build: () => {
      const sys = system({});
      const a = mutex("a"), b = mutex("b");
      sys.process("p", {}, () => [lock(a), lock(b), unlock(b), unlock(a)]);
      sys.process("q", {}, () => [lock(b), lock(a), unlock(a), unlock(b)]);
      return sys;
    },
  }).compile();
  const r3 = runSchedule(twoLocks, [0, 1]);
  assert.equal(r3.end, "violation");
  assert.equal(r3.property, "deadlock");
  assert.deepEqual(movers(twoLocks, r3.transitions), ["p#0", "q#0"]);
});

Deno.test("simulate() finds every bundled bug and shrinks it to at most twice the shortest trace", async () => {
  const specs = await buggy();
  assert.ok(specs.length >= 2);
  for (const s of specs) {
    const shortest = check(s).violation!.transitions.length;
    const names = typeof s.expect === "object" && "violation" in s.expect
      ? [s.expect.violation].flat()
      : [];
    for (let seed = 1; seed <= 5; seed++) {
      const r = simulate(s, { seed });
      assert.equal(r.verdict, "violation", `${s.name} seed ${seed}: ${r.verdict}`);
      assert.ok(names.includes(r.violation!.property), `${s.name}: ${r.violation!.property}`);
      assert.ok(
        r.schedule!.length <= 2 * shortest,
        `${s.name} seed ${seed}: ${r.schedule!.length} steps, BFS ${shortest}`,
      );
      assert.ok(r.schedule!.length <= (r.firstLength ?? Infinity));
      // The schedule replays to the same violation.
      const again = runSchedule(s.compile(), r.schedule!);
      assert.equal(again.property, r.violation!.property);
    }
  }
});

Deno.test("simulate(): the missing mutex and the swapped waits shrink to their shortest traces", () => {
  const nm = simulate(pcNoMutex, { seed: 3 });
  const nmBfs = check(pcNoMutex).violation!;
  assert.equal(nm.schedule?.length, nmBfs.transitions.length);
  const model = pcNoMutex.compile();
  const switches = (ts: readonly number[]) =>
    movers(model, ts).filter((m, i, all) => i > 0 && m !== all[i - 1]).length;
  assert.equal(nm.contextSwitches, switches(nm.violation!.transitions));
  assert.ok(nm.contextSwitches! <= switches(nmBfs.transitions), "no more switches than BFS");

  for (let seed = 1; seed <= 20; seed++) {
    const sw = simulate(pcSwappedWaits, { seed });
    assert.equal(sw.violation?.property, "deadlock");
    assert.equal(sw.schedule?.length, 4, `seed ${seed}`);
  }
});

Deno.test("simulate() drops the steps of a process that plays no part", () => {
  const r = simulate(noisyRace, { seed: 11 });
  assert.equal(r.violation?.property, "mutual exclusion");
  assert.equal(r.schedule?.length, check(noisyRace).violation!.transitions.length);
  assert.ok(!movers(noisyRace.compile(), r.violation!.transitions).includes("noise#0"));
});

Deno.test("simulate(): the seed and path reproduce the shrunk schedule exactly", () => {
  const params = { producers: 3, items: 1 };
  const first = simulate(pcNoMutex, { params, seed: 2024 });
  assert.equal(first.verdict, "violation");
  assert.equal(first.seed, 2024);
  const again = simulate(pcNoMutex, { params, seed: first.seed, path: first.path! });
  assert.deepEqual(again.schedule, first.schedule);
  assert.deepEqual(again.violation?.transitions, first.violation?.transitions);
  assert.equal(again.runs, 1);
});

Deno.test("simulate() finds the missing-mutex bug where check() exceeds a 10^6-state budget", () => {
  const params = { slots: 2, producers: 4, consumers: 1, items: 2 };
  const exhaustive = check(pcNoMutex, { params, maxStates: 1_000_000 });
  assert.equal(exhaustive.verdict, "incomplete");
  assert.equal(exhaustive.incomplete?.reason, "max-states");
  const t = performance.now();
  const r = simulate(pcNoMutex, { params, seed: 42 });
  const seconds = (performance.now() - t) / 1000;
  assert.equal(r.verdict, "violation");
  assert.ok(["exactly once", "no duplicate"].includes(r.violation!.property));
  assert.ok(r.runs <= 10, `found after ${r.runs} runs`);
  assert.ok(seconds < 10, `${seconds} s`);
  // Every item passes through 7 producer and 7 consumer steps, plus loop exits.
  assert.equal(r.schedule?.length, 109);
});

Deno.test("simulate() without a violation is incomplete, not ok", () => {
  const r = simulate(pcSemaphore, { seed: 1, runs: 30 });
  assert.equal(r.verdict, "incomplete");
  assert.equal(r.runs, 30);
  assert.match(r.incomplete!.message, /no violation in 30 random runs of at most 1000 steps/);
  assert.equal(r.schedule, undefined);
  assert.equal(scheduleFileOf(r, "specs/pc_semaphore.ts"), undefined);
  // Runs cut short by the step limit are counted: they could not meet a final property.
  const short = simulate(pcSemaphore, { seed: 1, runs: 5, maxSteps: 10 });
  assert.match(short.incomplete!.message, /5 of them reached 10 steps before an end state/);
});

Deno.test("simulate() errors: a bad parameter, and spec code that throws", () => {
  const bad = simulate(pcNoMutex, { params: { nope: 1 } });
  assert.equal(bad.verdict, "error");
  assert.match(bad.error!.message, /unknown parameter 'nope'/);

  const throws = spec({
    name: "throws",
    params: {},
    build: () => {
      const sys = system({ x: 0 });
      sys.process("p", {}, (s) => [
        s.do("start", ({ g }) => {
          g.x = 1;
        }),
        s.when("explodes", () => {
          throw new Error("kaboom");
        }),
      ]);
      return sys;
    },
  });
  const r = simulate(throws, { seed: 1 });
  assert.equal(r.verdict, "error");
  assert.match(r.error!.message, /kaboom/);
  assert.deepEqual(r.error?.trace?.steps.map((s) => s.operation), ["start"]);
});

Deno.test("schedule files: written from a result, read back, replayed; a changed spec is noticed", () => {
  const r = simulate(pcSwappedWaits, { seed: 5 });
  const file = scheduleFileOf(r, "specs/pc_swapped_waits.ts")!;
  assert.equal(file.spec, "pc_swapped_waits");
  assert.equal(file.property, "deadlock");
  assert.equal(file.seed, 5);
  assert.equal(file.path, r.path);
  assert.deepEqual(file.params, { slots: 1, producers: 1, consumers: 1, items: 2 });
  const text = formatScheduleFile(file);
  assert.match(text, /"schedule": \[\d+(, \d+)*\]/);
  const back = parseScheduleFile(text);
  assert.deepEqual(back, file);

  const model = pcSwappedWaits.compile(file.params);
  const ok = replaySchedule(model, file);
  assert.equal(ok.mismatch, undefined);
  assert.equal(ok.run.end, "violation");
  assert.equal(typeof ok.story !== "string" && ok.story.property, "deadlock");

  const changed = replaySchedule(model, { ...file, transitions: [...file.transitions].reverse() });
  assert.match(changed.mismatch!, /differs from the file at step 1/);
  const otherProperty = replaySchedule(model, { ...file, property: "exactly once" });
  assert.match(otherProperty.mismatch!, /ends in a violation of 'deadlock'/);
});

Deno.test("parseScheduleFile() names what is wrong", () => {
  assert.match(String(parseScheduleFile("nope")), /^not JSON/);
  assert.equal(parseScheduleFile("[]"), "not a JSON object");
  const good = {
    ipcspec: "0.1.0",
    specFile: "s.ts",
    spec: "s",
    params: {},
    schedule: [0],
    transitions: [0],
    property: "",
  };
  assert.equal(typeof parseScheduleFile(JSON.stringify(good)), "object");
  assert.match(String(parseScheduleFile(JSON.stringify({ ...good, schedule: [-1] }))), /schedule/);
  assert.match(
    String(parseScheduleFile(JSON.stringify({ ...good, params: { a: "x" } }))),
    /params/,
  );
  assert.match(String(parseScheduleFile(JSON.stringify({ ...good, seed: 1.5 }))), /seed/);
});
