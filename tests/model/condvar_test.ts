// Condition variables (docs/semantics.md §5): one test (at least) per rule,
// each of which would fail if the rule were broken, and a fast-check
// model-based test against a reference written here.

import assert from "node:assert/strict";
import fc from "fast-check";
import {
  check,
  type CheckResult,
  lock,
  mutex,
  region,
  spec,
  type System,
  system,
  unlock,
} from "../../mod.ts";
import {
  condBroadcast,
  condSignal,
  condvar,
  condWait,
  WAIT_WITHOUT_MUTEX,
} from "../../model/primitives/condvar.ts";
import { opsOf, Rig } from "./_ops.ts";

// deno-lint-ignore no-explicit-any
function mk(name: string, build: () => System<any>) {
  return spec({ name, params: {}, build });
}

function ops(r: CheckResult): string[] {
  assert.ok(r.violation, `expected a violation, got ${r.verdict} ${r.error?.message ?? ""}`);
  return r.violation.steps.map((s) => `${s.process} ${s.operation}`);
}

Deno.test("condvar: declaration", () => {
  const m = mutex("m");
  const cv = condvar("cv", m);
  assert.equal(cv.slots, 2);
  assert.equal(cv.spurious, false);
  assert.equal(condvar("cv2", m, { spurious: true }).spurious, true);
  assert.throws(() => condvar("x", {} as never), /the second argument must be a mutex/);
  assert.throws(() => condvar("", m), /condvar name must be a non-empty identifier/);
});

Deno.test("wait: releases the mutex and joins the waiters in one transition", () => {
  // The waiter is never woken: the deadlock trace's last step is the wait,
  // and that one step frees the mutex and records the waiter.
  const r = check(mk("wait_atomic", () => {
    const sys = system({});
    const m = mutex("m");
    const cv = condvar("cv", m);
    sys.process("p", {}, () => [lock(m), condWait(cv)]);
    return sys;
  }));
  assert.equal(r.violation?.property, "deadlock");
  assert.deepEqual(ops(r), ["p#0 lock(m)", "p#0 wait(cv, m)"]);
  assert.deepEqual(
    [...r.violation!.steps[1]!.changes].sort((a, b) => a.name.localeCompare(b.name)),
    [
      { name: "cv", before: "no waiters", after: "waiting {p#0}" },
      { name: "m", before: "held by p#0", after: "free" },
    ],
  );
  assert.deepEqual(r.violation?.blocked?.[0]?.holds, []);
});

Deno.test("wait: without holding the mutex is a violation", () => {
  const free = check(mk("wait_free", () => {
    const sys = system({});
    const m = mutex("m");
    const cv = condvar("cv", m);
    sys.process("p", {}, () => [lock(m), unlock(m), condWait(cv)]);
    return sys;
  }));
  assert.equal(free.violation?.property, WAIT_WITHOUT_MUTEX);
  assert.equal(free.violation?.message, "p#0 waits on 'cv' without holding 'm' (it is free)");
  const other = check(mk("wait_other", () => {
    const sys = system({ held: false });
    const m = mutex("m");
    const cv = condvar("cv", m);
    sys.process("p", {}, (s) => [lock(m), s.do("held", ({ g }) => (g.held = true))]);
    sys.process("q", {}, (s) => [s.when("held", ({ g }) => g.held), condWait(cv)]);
    return sys;
  }));
  assert.equal(other.violation?.message, "q#0 waits on 'cv' without holding 'm' (p#0 holds it)");
  // A mutex no process ever locks cannot be held.
  const never = check(mk("wait_never", () => {
    const sys = system({});
    const cv = condvar("cv", mutex("m"));
    sys.process("p", {}, () => [condWait(cv)]);
    return sys;
  }));
  assert.equal(never.violation?.property, WAIT_WITHOUT_MUTEX);
});

/** Waiter: lock; wait; cs; unlock. Signaller: lock; wake; cs; unlock. */
function pair(name: string, wake: "signal" | "broadcast" | "none", spurious = false) {
  return mk(name, () => {
    const sys = system({ waiting: false });
    const m = mutex("m");
    const cv = condvar("cv", m, { spurious });
    sys.process("waiter", {}, (s) => [
      lock(m),
      s.do("about to wait", ({ g }) => (g.waiting = true)),
      condWait(cv),
      region("cs", s.do("after wait", () => {})),
      unlock(m),
    ]);
    sys.process("signaller", {}, (s) => [
      s.when("waiter waits", ({ g }) => g.waiting),
      lock(m),
      ...(wake === "none" ? [] : [wake === "signal" ? condSignal(cv) : condBroadcast(cv)]),
      region("cs", s.do("still holding", () => {})),
      unlock(m),
    ]);
    sys.always("mutual exclusion", (v) => v.inside("cs") <= 1);
    sys.always("returns holding the mutex", (v) => v.at("after wait") === 0 || v.value(m) === 0);
    return sys;
  });
}

Deno.test("wake: a woken waiter re-acquires the mutex before it returns", () => {
  for (const wake of ["signal", "broadcast"] as const) {
    const r = check(pair(`reacquire_${wake}`, wake));
    assert.equal(r.verdict, "ok", `${wake}: ${r.violation?.message}`);
  }
  // The re-acquire step blocks while the signaller holds the mutex: the
  // waiter is woken but cannot return before the unlock.
  const r = check(mk("blocked_on_mutex", () => {
    const sys = system({ waiting: false });
    const m = mutex("m");
    const cv = condvar("cv", m);
    sys.process("waiter", {}, (s) => [
      lock(m),
      s.do("about to wait", ({ g }) => (g.waiting = true)),
      condWait(cv),
    ]);
    sys.process("signaller", {}, (s) => [
      s.when("waiter waits", ({ g }) => g.waiting),
      lock(m),
      condSignal(cv),
    ]);
    return sys;
  }));
  assert.equal(r.violation?.property, "deadlock");
  const waiter = r.violation!.blocked!.find((b) => b.process === "waiter#0")!;
  assert.equal(waiter.step, "wake from wait(cv) and lock(m)");
  assert.match(waiter.waitsOn[0]!, /\(cv = woken \{waiter#0\}\)/);
});

Deno.test("signal: with no waiter it is not remembered", () => {
  // The signaller signals before the waiter waits: the waiter sleeps for
  // ever (a semaphore post would have been remembered).
  const r = check(mk("lost_signal", () => {
    const sys = system({ signalled: false });
    const m = mutex("m");
    const cv = condvar("cv", m);
    sys.process("signaller", {}, (s) => [
      lock(m),
      condSignal(cv),
      s.do("signalled", ({ g }) => (g.signalled = true)),
      unlock(m),
    ]);
    sys.process("waiter", {}, (s) => [
      s.when("after the signal", ({ g }) => g.signalled),
      lock(m),
      condWait(cv),
    ]);
    return sys;
  }));
  assert.equal(r.violation?.property, "deadlock");
  assert.deepEqual(r.violation?.blocked?.map((b) => b.process), ["waiter#0"]);
});

Deno.test("signal: wakes exactly one waiter, and each waiter is an outcome", () => {
  // Both wait; one signal; the signaller notes who woke, then broadcasts to
  // let the other one go. Exactly one woke first, and it can be either.
  const build = (forbid: number) =>
    mk(`one_of_two_${forbid}`, () => {
      const sys = system({ waiting: 0, woke: 0, first: 0 });
      const m = mutex("m");
      const cv = condvar("cv", m);
      sys.process("w", { count: 2 }, (s) => [
        lock(m),
        s.do("count", ({ g }) => g.waiting++),
        condWait(cv),
        s.do("woke", ({ g, id }) => (g.woke |= 1 << id)),
        unlock(m),
      ]);
      sys.process("s", {}, (s) => [
        s.when("both wait", ({ g }) => g.waiting === 2),
        lock(m),
        condSignal(cv),
        unlock(m),
        s.when("someone woke", ({ g }) => g.woke !== 0),
        s.do("note", ({ g }) => (g.first = g.woke)),
        lock(m),
        condBroadcast(cv),
        unlock(m),
      ]);
      sys.atEnd("exactly one woke first", ({ g }) => g.first === 1 || g.first === 2);
      sys.atEnd("not this one", ({ g }) => g.first !== 1 << forbid);
      return sys;
    });
  for (const forbid of [0, 1]) {
    const r = check(build(forbid));
    assert.equal(r.violation?.property, "not this one", `waiter ${forbid} is never the one`);
  }
});

Deno.test("broadcast: wakes every current waiter", () => {
  const r = check(mk("broadcast_all", () => {
    const sys = system({ waiting: 0 });
    const m = mutex("m");
    const cv = condvar("cv", m);
    sys.process("w", { count: 2 }, (s) => [
      lock(m),
      s.do("count", ({ g }) => g.waiting++),
      condWait(cv),
      unlock(m),
    ]);
    sys.process("s", {}, (s) => [
      s.when("both wait", ({ g }) => g.waiting === 2),
      lock(m),
      condBroadcast(cv),
      unlock(m),
    ]);
    return sys;
  }));
  assert.equal(r.verdict, "ok", r.violation?.message);
});

Deno.test("spurious: a waiter may wake with no signal only when the option is on", () => {
  const off = check(pair("no_spurious", "none", false));
  assert.equal(off.violation?.property, "deadlock");
  const on = check(pair("spurious", "none", true));
  assert.equal(on.verdict, "ok", on.violation?.message);
});

Deno.test("the if-instead-of-while bug shows with signal alone, through barging", () => {
  // One producer, two consumers, signal, no spurious wakeups: a consumer
  // that never waited takes the item before the woken one returns.
  const r = check(mk("if_signal", () => {
    const sys = system({ count: 0 });
    const m = mutex("m");
    const notEmpty = condvar("notEmpty", m);
    sys.process("producer", {}, (s) => [
      lock(m),
      s.do("put", ({ g }) => g.count++),
      condSignal(notEmpty),
      unlock(m),
    ]);
    sys.process("consumer", { count: 2 }, (s) => [
      lock(m),
      s.if(({ g }) => g.count === 0, [condWait(notEmpty)]),
      s.do("take", ({ g }) => g.count--),
      unlock(m),
    ]);
    sys.always("count >= 0", ({ g }) => g.count >= 0);
    sys.configure({ deadlock: false });
    return sys;
  }));
  assert.equal(r.violation?.property, "count >= 0");
});

// --- model-based test -----------------------------------------------------------

const N = 3;

/** The reference: the mutex owner, who sleeps, who was woken, who is where. */
class Ref {
  owner = -1;
  readonly waiting = new Set<number>();
  readonly woken = new Set<number>();
  /** Processes between the two steps of a wait. */
  readonly inWait = new Set<number>();
  constructor(readonly spurious: boolean) {}
  format(): string {
    const names = (s: Set<number>) => [...s].sort().map((p) => `p${p}`).join(", ");
    const parts: string[] = [];
    if (this.waiting.size > 0) parts.push(`waiting {${names(this.waiting)}}`);
    if (this.woken.size > 0) parts.push(`woken {${names(this.woken)}}`);
    return parts.length === 0 ? "no waiters" : parts.join(", ");
  }
}

interface Real {
  rig: Rig;
  m: ReturnType<typeof mutex>;
  cv: ReturnType<typeof condvar>;
}

type Cmd = fc.Command<Ref, Real>;

class Lock implements Cmd {
  constructor(readonly pid: number) {}
  check = (s: Readonly<Ref>) => !s.inWait.has(this.pid) && s.owner !== this.pid;
  run(s: Ref, r: Real) {
    const op = opsOf(lock(r.m))[0]!;
    assert.equal(r.rig.outcomes(op, this.pid), s.owner < 0 ? 1 : 0);
    if (s.owner >= 0) return;
    r.rig.fire(op, this.pid);
    s.owner = this.pid;
  }
  toString = () => `lock(p${this.pid})`;
}

class Unlock implements Cmd {
  constructor(readonly pid: number) {}
  check = (s: Readonly<Ref>) => s.owner === this.pid;
  run(s: Ref, r: Real) {
    assert.equal(r.rig.fire(opsOf(unlock(r.m))[0]!, this.pid), undefined);
    s.owner = -1;
  }
  toString = () => `unlock(p${this.pid})`;
}

class Wait implements Cmd {
  constructor(readonly pid: number) {}
  check = (s: Readonly<Ref>) => !s.inWait.has(this.pid);
  run(s: Ref, r: Real) {
    const before = r.rig.w.slice();
    const err = r.rig.fire(opsOf(condWait(r.cv))[0]!, this.pid);
    if (s.owner !== this.pid) {
      assert.match(err ?? "", /without holding 'm'/);
      r.rig.w.set(before);
      return;
    }
    assert.equal(err, undefined);
    s.owner = -1;
    s.waiting.add(this.pid);
    s.inWait.add(this.pid);
  }
  toString = () => `wait(p${this.pid})`;
}

class Wake implements Cmd {
  constructor(readonly pid: number) {}
  check = (s: Readonly<Ref>) => s.inWait.has(this.pid);
  run(s: Ref, r: Real) {
    const op = opsOf(condWait(r.cv))[1]!;
    const woken = s.woken.has(this.pid) || (s.spurious && s.waiting.has(this.pid));
    const can = woken && s.owner < 0;
    assert.equal(
      r.rig.outcomes(op, this.pid),
      can ? 1 : 0,
      "returns iff woken and the mutex is free",
    );
    if (!can) return;
    r.rig.fire(op, this.pid);
    s.waiting.delete(this.pid);
    s.woken.delete(this.pid);
    s.inWait.delete(this.pid);
    s.owner = this.pid;
  }
  toString = () => `wake(p${this.pid})`;
}

class Signal implements Cmd {
  constructor(readonly pid: number, readonly pick: number) {}
  check = (s: Readonly<Ref>) => !s.inWait.has(this.pid);
  run(s: Ref, r: Real) {
    const op = opsOf(condSignal(r.cv))[0]!;
    const sleepers = [...s.waiting].sort();
    assert.equal(r.rig.outcomes(op, this.pid), Math.max(1, sleepers.length));
    const c = this.pick % Math.max(1, sleepers.length);
    r.rig.fire(op, this.pid, c);
    if (sleepers.length === 0) return;
    s.waiting.delete(sleepers[c]!);
    s.woken.add(sleepers[c]!);
  }
  toString = () => `signal(p${this.pid}, ${this.pick})`;
}

class Broadcast implements Cmd {
  constructor(readonly pid: number) {}
  check = (s: Readonly<Ref>) => !s.inWait.has(this.pid);
  run(s: Ref, r: Real) {
    r.rig.fire(opsOf(condBroadcast(r.cv))[0]!, this.pid);
    for (const p of s.waiting) s.woken.add(p);
    s.waiting.clear();
  }
  toString = () => `broadcast(p${this.pid})`;
}

Deno.test("model-based: the condition variable agrees with a reference", () => {
  const pid = fc.integer({ min: 0, max: N - 1 });
  const commands = fc.commands<Ref, Real>([
    pid.map((p) => new Lock(p)),
    pid.map((p) => new Unlock(p)),
    pid.map((p) => new Wait(p)),
    pid.map((p) => new Wake(p)),
    fc.tuple(pid, fc.nat(3)).map(([p, k]) => new Signal(p, k)),
    pid.map((p) => new Broadcast(p)),
  ], { maxCommands: 40 });
  fc.assert(
    fc.property(fc.boolean(), commands, (spurious, cmds) => {
      const m = mutex("m");
      const cv = condvar("cv", m, { spurious });
      const rig = new Rig([m, cv], N);
      const model = new Ref(spurious);
      const checked = [...cmds].map((cmd): Cmd => ({
        check: (s) => cmd.check(s),
        run: (s, r) => {
          cmd.run(s, r);
          assert.equal(rig.format(cv), s.format(), `after ${cmd}`);
          assert.equal(rig.format(m), s.owner < 0 ? "free" : `held by p${s.owner}`);
          assert.equal(rig.value(cv), s.waiting.size);
        },
        toString: () => cmd.toString(),
      }));
      fc.modelRun(() => ({ model, real: { rig, m, cv } }), checked);
    }),
    { numRuns: 300 },
  );
});

Deno.test("a model with a condition variable expands states it did not produce (no init call)", async () => {
  const { condvarWhile } = await import(
    new URL("../../specs/condvar_if_while.ts", import.meta.url).href
  );
  const producer = condvarWhile.compile(), fresh = condvarWhile.compile();
  let s0!: Int32Array;
  producer.init((s: Int32Array) => (s0 = s.slice()));
  const failures: string[] = [];
  const queue = [s0], seen = new Set([s0.join()]);
  for (let i = 0; i < queue.length; i++) {
    fresh.expand(queue[i]!, {
      push(n: Int32Array) {
        if (!seen.has(n.join())) {
          seen.add(n.join());
          queue.push(n.slice());
        }
        return true;
      },
      fail(_p: number, _t: number, msg: string) {
        failures.push(msg);
      },
    });
  }
  assert.deepEqual(failures, []);
  assert.equal(queue.length, check(condvarWhile).stats.states);
});
