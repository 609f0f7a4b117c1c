// The core primitives (docs/semantics.md §5 semaphores and mutexes, §8
// bounded and zero-capacity channels): one fast-check model-based test per
// primitive. Each compiles a small spec in which every process loops over a
// `choose` of the primitive's operations, so that any sequence of them is
// reachable; each command lets one process take one of its enabled
// transitions, and the test compares, against a reference written here over
// plain objects, the enabled operations of every process, the failures (a
// transition that fails with the primitive's property) and the printed
// state (values, owners, queue contents, what receivers got).

import assert from "node:assert/strict";
import fc from "fast-check";
import {
  binarySemaphore,
  channel,
  choose,
  lock,
  loop,
  mutex,
  post,
  semaphore,
  system,
  unlock,
  wait,
} from "../../mod.ts";
import type { Model } from "../../extend.ts";
import { initial, mk, observed, ProcessAct, type Real } from "./_explore.ts";
import { enabled, fire } from "../../checker/_fire.ts";

/** What every reference offers the shared command. */
interface Ref {
  /** The number of processes. */
  readonly k: number;
  /** The operations `p#pid` can take now, as the model describes them. */
  enabled(pid: number): string[];
  /**
   * Applies `op` by `pid`; returns the failure it must give, as
   * `property: message`, or `undefined` when it succeeds. A failing
   * operation leaves the state as it was.
   */
  fire(pid: number, op: string): string | undefined;
  /** The state as {@linkcode observed} prints it. */
  format(): string;
}

/** The enabled operations of `p#pid` in the model, sorted. */
function enabledOf(r: Real, pid: number): string[] {
  return enabled(r.model, r.state)
    .map((t) => r.model.explanation!.describe(t))
    .filter((d) => d.process === `p#${pid}`)
    .map((d) => d.operation)
    .sort();
}

/** Asserts that every process has the reference's enabled operations. */
function sameEnabled(m: Ref, r: Real, when: string): void {
  for (let p = 0; p < m.k; p++) {
    assert.deepEqual(enabledOf(r, p), m.enabled(p).sort(), `enabled operations of p#${p} ${when}`);
  }
}

class Act extends ProcessAct<Ref> {
  override run(m: Ref, r: Real): void {
    sameEnabled(m, r, "before");
    const chosen = this.take(r, m.enabled(this.pid).sort());
    if (chosen === undefined) return;
    const what = `p#${this.pid} ${chosen.op}`;
    const next = fire(r.model, r.state, chosen.t);
    const failure = m.fire(this.pid, chosen.op);
    if (next instanceof Int32Array) {
      assert.equal(failure, undefined, `${what} succeeded, the reference says it fails`);
      r.state = next;
    } else {
      assert.equal(`${r.model.properties[next.property]?.name}: ${next.message}`, failure, what);
    }
    assert.equal(observed(r.model, r.state), m.format(), `after ${what}`);
    sameEnabled(m, r, `after ${what}`);
  }
}

/** Runs the commands on `build`'s model and reference for every `config`. */
function modelBased<C>(
  config: fc.Arbitrary<C>,
  build: (c: C) => { model: Model; ref: Ref },
  numRuns: number,
  Command: typeof Act = Act,
): void {
  const cmds = fc.commands(
    [fc.tuple(fc.nat(2), fc.nat(20)).map(([pid, pick]) => new Command(pid, pick))],
    { maxCommands: 50, size: "max" },
  );
  fc.assert(
    fc.property(config, cmds, (c, cs) => {
      const { model, ref } = build(c);
      const real: Real = { model, state: initial(model) };
      assert.equal(observed(model, real.state), ref.format(), "initial state");
      sameEnabled(ref, real, "initially");
      fc.modelRun(() => ({ model: ref, real }), cs);
    }),
    { numRuns },
  );
}

const processes = fc.integer({ min: 2, max: 3 });

// --- semaphores ---------------------------------------------------------------------

/** §5 POSIX semaphores, with this checker's cap: a value in [0, max], no owner. */
class RefSemaphore implements Ref {
  constructor(readonly k: number, public value: number, readonly max: number) {}
  enabled(): string[] {
    return this.value > 0 ? ["post(s)", "wait(s)"] : ["post(s)"];
  }
  fire(_pid: number, op: string): string | undefined {
    if (op === "wait(s)") {
      assert.ok(this.value > 0, "reference: wait at 0");
      this.value--;
      return undefined;
    }
    assert.equal(op, "post(s)");
    if (this.value >= this.max) {
      return `semaphore overflow: post(s) at its maximum ${this.max}`;
    }
    this.value++;
    return undefined;
  }
  format(): string {
    return `s=${this.value}`;
  }
}

function semaphoreModel(sem: ReturnType<typeof semaphore>, k: number): Model {
  return mk("sem", () => {
    const sys = system({});
    sys.process("p", { count: k }, () => [loop(choose([wait(sem)], [post(sem)]))]);
    return sys;
  }).compile();
}

Deno.test("model-based: a counting semaphore with a max agrees with a reference", () => {
  const config = fc.record({ k: processes, max: fc.integer({ min: 1, max: 3 }), init: fc.nat(3) })
    .map(({ k, max, init }) => ({ k, max, init: Math.min(init, max) }));
  modelBased(config, ({ k, max, init }) => {
    const sem = semaphore("s", init, { max });
    assert.equal(sem.max, max);
    return { model: semaphoreModel(sem, k), ref: new RefSemaphore(k, init, max) };
  }, 200);
});

Deno.test("model-based: a binary semaphore agrees with a reference", () => {
  // Anyone may post (no owner), a post at 1 overflows, a second wait
  // without a post in between blocks its own caller.
  const config = fc.record({ k: processes, init: fc.constantFrom<0 | 1>(0, 1) });
  modelBased(config, ({ k, init }) => {
    const sem = binarySemaphore("s", init);
    assert.equal(sem.max, 1);
    return { model: semaphoreModel(sem, k), ref: new RefSemaphore(k, init, 1) };
  }, 200);
});

// --- mutex --------------------------------------------------------------------------

/**
 * §5 "Mutex vs binary semaphore": an owner; `lock` waits while anyone
 * (the caller included) holds it; `unlock` by anyone but the owner fails.
 * `p#0` may also commit to a lock (`when relock`, then `lock(m)`): when it
 * already holds the mutex it is stuck there for ever (the others go on).
 */
class RefMutex implements Ref {
  owner = -1;
  readonly committed: boolean[];
  constructor(readonly k: number) {
    this.committed = Array.from({ length: k }, () => false);
  }
  enabled(pid: number): string[] {
    const lockable = this.owner < 0 ? ["lock(m)"] : [];
    if (this.committed[pid]) return lockable;
    return [...lockable, ...(pid === 0 ? ["when relock"] : []), "unlock(m)"];
  }
  fire(pid: number, op: string): string | undefined {
    switch (op) {
      case "when relock":
        this.committed[pid] = true;
        return undefined;
      case "lock(m)":
        assert.ok(this.owner < 0, "reference: lock of a held mutex");
        this.owner = pid;
        this.committed[pid] = false;
        return undefined;
      case "unlock(m)":
        if (this.owner === pid) {
          this.owner = -1;
          return undefined;
        }
        return `unlock by non-owner: p#${pid} unlocks 'm', which ${
          this.owner < 0 ? "is not locked" : `p#${this.owner} holds`
        }`;
    }
    throw new Error(`reference: no operation ${op}`);
  }
  format(): string {
    return `m=${this.owner < 0 ? "free" : `held by p#${this.owner}`}`;
  }
}

/** The relock self-deadlock, as `blocked()` reports it. */
class MutexAct extends Act {
  override run(m: Ref, r: Real): void {
    super.run(m, r);
    const ref = m as RefMutex;
    const me = r.model.explanation!.blocked(r.state).find((b) => b.process === `p#${this.pid}`)!;
    assert.deepEqual(me.holds, ref.owner === this.pid ? ["m"] : []);
    if (ref.committed[this.pid] && ref.owner >= 0) {
      assert.deepEqual(me.waitsOn, [`lock(m) (held by p#${ref.owner})`]);
    }
  }
}

Deno.test("model-based: a mutex agrees with a reference (relock, unlock by non-owner)", () => {
  modelBased(
    processes,
    (k) => {
      const model = mk("mutex", () => {
        const sys = system({});
        const m = mutex("m");
        sys.process("p", { count: k }, (s) => [
          loop(choose([lock(m)], [unlock(m)], [s.when("relock", ({ id }) => id === 0), lock(m)])),
        ]);
        return sys;
      }).compile();
      return { model, ref: new RefMutex(k) };
    },
    300,
    MutexAct,
  );
});

// --- channels -----------------------------------------------------------------------

/** Per process: `n` picks the next value sent (`10 * pid + n`), `got` the last received. */
interface ChanProc {
  n: number;
  got: number;
}

function chanProcs(k: number): ChanProc[] {
  return Array.from({ length: k }, () => ({ n: 0, got: -1 }));
}

function bump(p: ChanProc): void {
  p.n = (p.n + 1) % 3;
}

function formatProcs(procs: readonly ChanProc[]): string {
  return procs.map((p) => `{n=${p.n},got=${p.got}}`).join("");
}

/** §8 bounded buffering: a FIFO of at most `cap` messages. */
class RefBounded implements Ref {
  readonly queue: number[] = [];
  readonly procs: ChanProc[];
  constructor(readonly k: number, readonly cap: number) {
    this.procs = chanProcs(k);
  }
  enabled(): string[] {
    const out = ["bump"];
    if (this.queue.length < this.cap) out.push("send(c)");
    if (this.queue.length > 0) out.push("recv(c)");
    return out;
  }
  fire(pid: number, op: string): string | undefined {
    const p = this.procs[pid]!;
    if (op === "bump") bump(p);
    else if (op === "send(c)") {
      assert.ok(this.queue.length < this.cap, "reference: send on a full channel");
      this.queue.push(10 * pid + p.n);
    } else if (op === "recv(c)") {
      assert.ok(this.queue.length > 0, "reference: recv on an empty channel");
      p.got = this.queue.shift()!;
    } else throw new Error(`reference: no operation ${op}`);
    return undefined;
  }
  format(): string {
    return `c=[${this.queue.join(",")}]${formatProcs(this.procs)}`;
  }
}

Deno.test("model-based: a bounded channel agrees with a reference (FIFO, capacity 1..3)", () => {
  const config = fc.record({ k: processes, cap: fc.integer({ min: 1, max: 3 }) });
  modelBased(config, ({ k, cap }) => {
    const model = mk("bounded", () => {
      const sys = system({});
      const c = channel("c", cap);
      sys.process("p", { count: k, locals: { n: 0, got: -1 } }, (s) => [
        loop(choose(
          [s.send(c, ({ id, l }) => 10 * id + l.n)],
          [s.recv(c, "got")],
          [s.do("bump", ({ l }) => (l.n = (l.n + 1) % 3))],
        )),
      ]);
      return sys;
    }).compile();
    return { model, ref: new RefBounded(k, cap) };
  }, 300);
});

/**
 * §8 zero capacity: a send and a receive by two different processes fire
 * as one transition (described from the sender's side) that moves both of
 * them on (to `after send` and `after recv`); the receiver gets the value at
 * once, and nothing is ever held. A process can also step `away` (then
 * `back`). Only a process at the choice is a partner.
 */
class RefRendezvous implements Ref {
  readonly procs: ChanProc[];
  readonly at: ("choose" | "away" | "after send" | "after recv")[];
  constructor(readonly k: number) {
    this.procs = chanProcs(k);
    this.at = Array.from({ length: k }, () => "choose");
  }
  enabled(pid: number): string[] {
    const at = this.at[pid]!;
    if (at === "away") return ["back"];
    if (at !== "choose") return [at];
    const out = ["away", "bump"];
    this.at.forEach((q, j) => {
      if (j !== pid && q === "choose") out.push(`send(r) -> p#${j} recv(r)`);
    });
    return out;
  }
  fire(pid: number, op: string): string | undefined {
    const p = this.procs[pid]!;
    const joint = /^send\(r\) -> p#(\d+) recv\(r\)$/.exec(op);
    if (op === "bump") bump(p);
    else if (op === "away") this.at[pid] = "away";
    else if (op === "back" || op === "after send" || op === "after recv") this.at[pid] = "choose";
    else if (joint !== null) {
      const j = Number(joint[1]);
      assert.ok(j !== pid && this.at[j] === "choose", "reference: no such partner");
      this.procs[j]!.got = 10 * pid + p.n;
      this.at[pid] = "after send";
      this.at[j] = "after recv";
    } else throw new Error(`reference: no operation ${op}`);
    return undefined;
  }
  format(): string {
    return `r=(rendezvous)${formatProcs(this.procs)}`;
  }
}

Deno.test("model-based: a rendezvous channel agrees with a reference (joint transitions)", () => {
  modelBased(processes, (k) => {
    const r = channel("r", 0);
    assert.equal(r.slots, 0, "no message can wait: there is nowhere to keep one");
    const model = mk("rendezvous", () => {
      const sys = system({});
      sys.process("p", { count: k, locals: { n: 0, got: -1 } }, (s) => [
        loop(choose(
          [s.send(r, ({ id, l }) => 10 * id + l.n), s.do("after send", () => {})],
          [s.recv(r, "got"), s.do("after recv", () => {})],
          [s.do("bump", ({ l }) => (l.n = (l.n + 1) % 3))],
          [s.do("away", () => {}), s.do("back", () => {})],
        )),
      ]);
      return sys;
    }).compile();
    return { model, ref: new RefRendezvous(k) };
  }, 200);
});
