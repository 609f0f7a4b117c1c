// Non-progress cycles: sys.progress() is `always eventually some process is
// at a progress label`, over the whole state graph.
import assert from "node:assert/strict";
import { check, label, loop, post, replay, semaphore, spec, system, wait } from "../../mod.ts";
import { loadSpec } from "../_pins.ts";

Deno.test("sys.progress(): the polite livelock is a non-progress cycle, the tie-break is not", async () => {
  const livelock = await loadSpec("polite_livelock.ts", "politeLivelock");
  const r = check(livelock);
  assert.equal(r.verdict, "violation");
  assert.equal(r.violation?.property, "progress");
  assert.equal(r.violation?.kind, "liveness");
  assert.equal(r.stats.states, 21);
  // The whole trace is the cycle: both want, both see the other, both back off.
  assert.equal(r.violation?.loopStart, 0);
  assert.deepEqual(r.violation?.steps.map((s) => s.operation.split(" ")[0]), [
    "want",
    "want",
    "when",
    "when",
    "back",
    "back",
  ]);
  const states = replay(livelock.compile(), r.violation!).states;
  assert.equal(states[0]!.join(), states[states.length - 1]!.join());
  const ok = check(await loadSpec("polite_livelock.ts", "politeTieBreak"));
  assert.equal(ok.verdict, "ok");
  assert.equal(ok.stats.states, 16);
});

Deno.test("sys.progress(): a process looping past a progress label makes progress; one that never reaches it does not", () => {
  const mk = (marked: boolean) =>
    spec({
      name: marked ? "marked" : "unmarked",
      params: {},
      build: () => {
        const sys = system({ n: 0 });
        sys.process("spinner", {}, (s) => [
          loop(
            label("top", { progress: marked }),
            s.do("tick", ({ g }) => (g.n = (g.n + 1) % 2)),
          ),
        ]);
        sys.progress({ fairness: "none" });
        return sys;
      },
    });
  assert.equal(check(mk(true)).verdict, "ok");
  const r = check(mk(false));
  assert.equal(r.verdict, "violation");
  assert.equal(r.violation?.property, "progress");
  assert.equal(r.violation?.steps.length, 2);
});

Deno.test("sys.noStarvation(): a consumer passed over under weak fairness starves; under strong it does not", () => {
  const mk = (fairness: "weak" | "strong") =>
    spec({
      name: `starve_${fairness}`,
      params: {},
      build: () => {
        const sys = system({ last: -1 });
        const empty = semaphore("empty", 1), full = semaphore("full", 0);
        sys.process("producer", {}, () => [loop(wait(empty), post(full))]);
        sys.process("consumer", { count: 2 }, (s) => [
          loop(wait(full), s.do("take", ({ g, id }) => (g.last = id)), post(empty)),
        ]);
        sys.noStarvation("consumer", { fairness });
        return sys;
      },
    });
  const weak = check(mk("weak"));
  assert.equal(weak.verdict, "violation");
  assert.equal(weak.violation?.property, "no starvation of consumer");
  assert.match(weak.violation!.message, /consumer#\d never moves again/);
  // The starving consumer takes no step in the cycle.
  const starving = /(consumer#\d) never moves/.exec(weak.violation!.message)![1]!;
  const cycle = weak.violation!.steps.slice(weak.violation!.loopStart);
  assert.ok(cycle.length > 0 && cycle.every((s) => s.process !== starving));
  assert.equal(check(mk("strong")).verdict, "ok");
});

Deno.test("sys.noStarvation(): an unknown process kind is an error naming it", () => {
  const bad = spec({
    name: "bad_starve",
    params: {},
    build: () => {
      const sys = system({});
      sys.process("p", {}, () => []);
      sys.noStarvation("q");
      return sys;
    },
  });
  const r = check(bad);
  assert.equal(r.verdict, "error");
  assert.match(r.error!.message, /there is no process kind 'q'/);
});

Deno.test("strongOn: strong fairness for a semaphore's waiters alone keeps the consumer from starving", async () => {
  const weak = check(await loadSpec("starving_consumer.ts", "starvingConsumerWeak"));
  const fairSem = check(await loadSpec("starving_consumer.ts", "starvingConsumerFairSem"));
  assert.equal(weak.verdict, "violation");
  assert.equal(fairSem.verdict, "ok");
  assert.equal(fairSem.stats.states, weak.stats.states);
  // Strong fairness on a primitive nobody waits on changes nothing.
  const mk = (strongOnEmpty: boolean) =>
    spec({
      name: "sem_fair",
      params: {},
      build: () => {
        const sys = system({ last: -1 });
        const empty = semaphore("empty", 1), full = semaphore("full", 0);
        sys.process("producer", {}, () => [loop(wait(empty), post(full))]);
        sys.process("consumer", { count: 2 }, (s) => [
          loop(wait(full), s.do("take", ({ g, id }) => (g.last = id)), post(empty)),
        ]);
        sys.noStarvation("consumer", strongOnEmpty ? { strongOn: [empty] } : { strongOn: [full] });
        return sys;
      },
    });
  assert.equal(check(mk(true)).verdict, "violation");
  assert.equal(check(mk(false)).verdict, "ok");
});

Deno.test("sys.wakeups(): a waiter whose guard holds now and then is never woken under weak fairness only", () => {
  const mk = (fairness: "weak" | "strong", neverPosted = false) =>
    spec({
      name: `wake_${fairness}`,
      params: {},
      build: () => {
        const sys = system({ last: -1 });
        const empty = semaphore("empty", 1), full = semaphore("full", 0);
        sys.process("producer", {}, () => neverPosted ? [] : [loop(wait(empty), post(full))]);
        sys.process("consumer", { count: 2 }, (s) => [
          loop(wait(full), s.do("take", ({ g, id }) => (g.last = id)), post(empty)),
        ]);
        sys.wakeups("consumer", { fairness });
        sys.configure({ deadlock: false });
        return sys;
      },
    });
  const weak = check(mk("weak"));
  assert.equal(weak.verdict, "violation");
  assert.equal(weak.violation?.property, "blocked consumer is woken");
  assert.match(weak.violation!.message, /although it could move in some of its states/);
  assert.equal(check(mk("strong")).verdict, "ok");
  // Blocked for ever because `full` is never posted: not a lost wakeup (the
  // guard never holds); such a run is a deadlock, reported when deadlock
  // detection is on.
  assert.equal(check(mk("weak", true)).verdict, "ok");
});
