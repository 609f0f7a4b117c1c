// Shared-memory segments (docs/semantics.md §4): one test (at least) per
// rule the primitive implements, each of which would fail if the rule were
// broken, and a model-based test against a plain-object reference.

import assert from "node:assert/strict";
import fc from "fast-check";
import {
  breakLoop,
  check,
  choose,
  Errno,
  errnoName,
  loop,
  status,
  type System,
  system,
} from "../../mod.ts";
import type { Model } from "../../extend.ts";
import {
  segment,
  shmAttach,
  shmDetach,
  shmLoad,
  shmRemove,
  shmStore,
} from "../../model/primitives/shared_memory.ts";
import { endValues, explore, initial, mk, observed, ProcessAct, type Real } from "./_explore.ts";
import { enabled, fire } from "../../checker/_fire.ts";

Deno.test("segment: bad declarations throw at once", () => {
  const sys = system({});
  assert.throws(() => segment(sys, "s", { size: 0 }), /size must be >= 1, got 0/);
  assert.throws(() => segment(sys, "s", { size: 2, init: [1] }), /init has 1 values, size is 2/);
  assert.throws(() => segment(sys, "s", { init: 1.5 }), /init\[0\] must be an integer/);
  assert.throws(() => segment(sys, "s", { attached: "some" as "all" }), /attached must be/);
  assert.throws(() => segment({} as System<unknown>, "s"), /first argument must be the system/);
  const r = check(mk("bad_attached", () => {
    const sys = system({});
    const seg = segment(sys, "seg", { attached: ["ghost"] });
    sys.process("p", { locals: { x: 0 } }, (s) => [shmLoad(seg, { into: s.into("x") })]);
    return sys;
  }));
  assert.match(r.error!.message, /segment 'seg': attached: no process 'ghost'/);
});

Deno.test("segment: zero-filled at creation; init sets the contents", () => {
  const e = explore(
    mk("zero", () => {
      const sys = system({ a: 0, b: 0 });
      const z = segment(sys, "z", { size: 2, attached: "users" });
      const i = segment(sys, "i", { size: 2, init: [4, 5], attached: "users" });
      sys.process("p", { locals: { x: 0 } }, (s) => [
        shmLoad(z, { at: 1, into: s.into(({ g }, v) => (g.a = v)) }),
        shmLoad(i, { at: 1, into: s.into(({ g }, v) => (g.b = v)) }),
      ]);
      return sys;
    }).compile(),
  );
  assert.deepEqual(endValues(e, "a"), ["0"]);
  assert.deepEqual(endValues(e, "b"), ["5"]);
});

Deno.test("shmat/shmdt move nattch; fork inherits attachments; exit detaches", () => {
  const model = mk("nattch", () => {
    const sys = system({});
    const seg = segment(sys, "seg", { attached: ["child"] });
    sys.process("parent", {}, () => [shmAttach(seg), shmAttach(seg), shmDetach(seg)]);
    sys.process("child", { count: 2 }, (s) => [s.do("work", () => {})]);
    return sys;
  }).compile();
  const states: string[] = [];
  let s = initial(model);
  const step = (op: string) => {
    const t = enabled(model, s).find((t) => {
      const d = model.explanation!.describe(t);
      return `${d.process} ${d.operation}` === op;
    })!;
    s = fire(model, s, t) as Int32Array;
    states.push(/seg=(.*?) (parent|child)#/.exec(model.explanation!.format(s))![1]!);
  };
  assert.match(model.explanation!.format(s), /seg=\[0\] nattch=2\{child#0,child#1\}/);
  step("parent#0 shmat(seg)");
  step("parent#0 shmat(seg)");
  step("child#1 work");
  step("parent#0 shmdt(seg)");
  step("child#0 work");
  assert.deepEqual(states, [
    "[0] nattch=3{parent#0,child#0,child#1}",
    "[0] nattch=4{parent#0x2,child#0,child#1}",
    "[0] nattch=3{parent#0x2,child#0}",
    "[0] nattch=1{child#0}", // the parent's shmdt, and its exit, in one step
    "[0] nattch=0{}",
  ]);
});

Deno.test("access while not attached, after detach, or past the size: 'invalid shm access'", () => {
  const before = check(mk("before", () => {
    const sys = system({});
    const seg = segment(sys, "seg");
    sys.process("p", {}, () => [shmStore(seg, { value: 1 })]);
    return sys;
  }));
  assert.equal(before.violation?.property, "invalid shm access");
  assert.equal(before.violation?.kind, "primitive");
  assert.equal(
    before.violation?.message,
    "p#0 writes segment 'seg'[0] while not attached (SIGSEGV)",
  );
  const after = check(mk("after", () => {
    const sys = system({});
    const seg = segment(sys, "seg", { attached: "users" });
    sys.process("p", { locals: { x: 0 } }, (s) => [
      shmStore(seg, { value: 1 }),
      shmDetach(seg),
      shmLoad(seg, { into: s.into("x") }),
    ]);
    return sys;
  }));
  assert.equal(after.violation?.message, "p#0 reads segment 'seg'[0] while not attached (SIGSEGV)");
  assert.equal(after.violation?.transitions.length, 3);
  const past = check(mk("past", () => {
    const sys = system({});
    const seg = segment(sys, "seg", { size: 2, attached: "users" });
    sys.process("p", {}, (s) => [shmStore(seg, { at: s.expr(() => 2), value: 1 })]);
    return sys;
  }));
  assert.equal(past.violation?.message, "p#0 writes segment 'seg'[2], past its 2 words (SIGBUS)");
});

Deno.test("loads and stores are separate, unordered transitions: x = x + 1 twice gives 1 or 2", () => {
  const e = explore(
    mk("race", () => {
      const sys = system({ result: 0, done: 0 });
      const seg = segment(sys, "seg", { attached: "users" });
      sys.process("w", { count: 2, locals: { r: 0 } }, (s) => [
        shmLoad(seg, { into: s.into("r") }),
        shmStore(seg, { value: s.expr(({ l }) => l.r + 1) }),
        s.do("done", ({ g }) => g.done++),
      ]);
      sys.process("check", { locals: { x: 0 } }, (s) => [
        s.when("both done", ({ g }) => g.done === 2),
        shmLoad(seg, { into: s.into(({ g }, v) => (g.result = v)) }),
      ]);
      return sys;
    }).compile(),
  );
  assert.deepEqual(endValues(e, "result"), ["1", "2"]);
});

Deno.test("IPC_RMID with nattch 0 destroys at once; then every call is EINVAL", () => {
  const e = explore(
    mk("rmid0", () => {
      const sys = system({});
      const seg = segment(sys, "seg");
      sys.process("p", { locals: { a: status(), b: status(), c: status() } }, (s) => [
        shmRemove(seg),
        shmAttach(seg, { status: s.into("a") }),
        shmRemove(seg, { status: s.into("b") }),
        shmDetach(seg, { status: s.into("c") }),
      ]);
      return sys;
    }).compile(),
  );
  assert.deepEqual(e.ends, ["seg=destroyed p#0@end{a=EINVAL,b=EINVAL,c=EINVAL}"]);
});

Deno.test("IPC_RMID while attached marks it; users go on; shmat still works; destroyed at the last detach", () => {
  // a stores 7, removes the segment (still attached: only marked), and
  // waits for b, which attaches the marked segment (Linux), reads a's 7
  // and detaches. The segment is destroyed when the last of them detaches.
  const model = mk("rmid", () => {
    const sys = system({ removed: false, seen: 0, bDone: false });
    const seg = segment(sys, "seg", { attached: ["a"] });
    sys.process("a", {}, (s) => [
      shmStore(seg, { value: 7 }),
      shmRemove(seg),
      s.do("removed", ({ g }) => (g.removed = true)),
      s.when("b done", ({ g }) => g.bDone),
    ]);
    sys.process("b", { locals: { st: status() } }, (s) => [
      s.when("a removed it", ({ g }) => g.removed),
      shmAttach(seg, { status: s.into("st") }),
      shmLoad(seg, { into: s.into(({ g }, v) => (g.seen = v)) }),
      shmDetach(seg),
      s.do("done", ({ g }) => (g.bDone = true)),
    ]);
    return sys;
  }).compile();
  const segs = new Set<string>();
  const e = explore(model, (state) => segs.add(/seg=(.*?) a#0/.exec(state)![1]!));
  assert.deepEqual(e.failures, []);
  assert.deepEqual(endValues(e, "seen"), ["7"]);
  assert.deepEqual([...segs].sort(), [
    "[0] nattch=1{a#0}",
    "[7] nattch=1{a#0}",
    "[7] nattch=1{a#0} IPC_RMID",
    "[7] nattch=2{a#0,b#0} IPC_RMID",
    "destroyed",
  ]);
  assert.deepEqual(e.ends.map((s) => /seg=(\S+)/.exec(s)![1]), ["destroyed"]);
  // The leak check as a final property: v.value(seg) is -1 once destroyed.
  const leak = (remove: boolean) =>
    check(mk("leak", () => {
      const sys = system({});
      const seg = segment(sys, "seg", { attached: "users" });
      sys.process("a", {}, () => remove ? [shmRemove(seg)] : [shmDetach(seg)]);
      sys.process("b", { locals: { x: 0 } }, (s) => [shmLoad(seg, { into: s.into("x") })]);
      sys.atEnd("segment removed", (v) => v.value(seg) === -1 || `nattch ${v.value(seg)}`);
      return sys;
    }));
  assert.equal(leak(true).verdict, "ok");
  assert.equal(
    leak(false).violation?.message,
    "final property 'segment removed' violated: nattch 0",
  );
});

Deno.test("without IPC_RMID the segment and its data persist at nattch 0", () => {
  const e = explore(
    mk("persist", () => {
      const sys = system({ x: 0 });
      const seg = segment(sys, "seg");
      sys.process("w", {}, (s) => [
        shmAttach(seg),
        shmStore(seg, { value: 9 }),
        shmDetach(seg),
        s.do("done", ({ g }) => (g.x = -1)),
      ]);
      sys.process("r", {}, (s) => [
        s.when("w done", ({ g }) => g.x === -1),
        shmAttach(seg),
        shmLoad(seg, { into: s.into(({ g }, v) => (g.x = v)) }),
      ]);
      sys.atEnd("not destroyed", (v) => v.value(seg) === 0);
      return sys;
    }).compile(),
  );
  assert.deepEqual(endValues(e, "x"), ["9"]);
  assert.deepEqual(e.ends, ["x=9 seg=[9] nattch=0{} w#0@end r#0@end"]);
});

Deno.test("shmdt when not attached: EINVAL, or a violation without a status target", () => {
  const r = check(mk("dt", () => {
    const sys = system({});
    const seg = segment(sys, "seg");
    sys.process("p", { locals: { st: status() } }, (s) => [
      shmDetach(seg, { status: s.into("st") }),
      s.assert("EINVAL", ({ l }) => l.st === Errno.EINVAL),
      shmDetach(seg),
    ]);
    return sys;
  }));
  assert.equal(r.violation?.property, "invalid shm access");
  assert.equal(
    r.violation?.message,
    "p#0 detaches segment 'seg', which it has not attached (EINVAL)",
  );
});

// --- model-based test -------------------------------------------------------------

const SIZE = 2;
const MENU = [
  "shmat(seg)",
  "shmdt(seg)",
  "shmctl(seg, IPC_RMID)",
  "load seg[0]",
  "load seg[1]",
  "load seg[2]",
  "store seg[0]",
  "store seg[2]",
  "when exit",
] as const;

interface RefProc {
  count: number;
  x: number;
  st: number;
  ended: boolean;
}

/** The rules of §4, written again over plain objects. */
class RefSeg {
  data = Array(SIZE).fill(0);
  marked = false;
  destroyed = false;
  procs: RefProc[];
  constructor(readonly k: number, attached: boolean) {
    this.procs = Array.from(
      { length: k },
      () => ({ count: attached ? 1 : 0, x: 0, st: 0, ended: false }),
    );
  }
  get nattch(): number {
    return this.procs.reduce((a, p) => a + p.count, 0);
  }
  #maybeDestroy(): void {
    if (this.marked && this.nattch === 0) {
      this.destroyed = true;
      this.data.fill(0);
    }
  }
  /** Fires `op` for `pid`: undefined, or the violation message. */
  fire(pid: number, op: string): string | undefined {
    const p = this.procs[pid]!;
    const name = `p#${pid}`;
    switch (op) {
      case "shmat(seg)":
        if (this.destroyed) p.st = Errno.EINVAL;
        else {
          p.count++;
          p.st = Errno.OK;
        }
        return undefined;
      case "shmdt(seg)":
        if (p.count === 0) p.st = Errno.EINVAL;
        else {
          p.count--;
          p.st = Errno.OK;
          this.#maybeDestroy();
        }
        return undefined;
      case "shmctl(seg, IPC_RMID)":
        if (this.destroyed) p.st = Errno.EINVAL;
        else {
          this.marked = true;
          p.st = Errno.OK;
          this.#maybeDestroy();
        }
        return undefined;
      case "when exit":
        p.count = 0;
        p.ended = true;
        this.#maybeDestroy();
        return undefined;
    }
    const m = /^(load|store) seg\[(\d)\]$/.exec(op)!;
    const at = Number(m[2]);
    const verb = m[1] === "load" ? "reads" : "writes";
    if (p.count === 0) {
      const why = this.destroyed ? "which is destroyed" : "while not attached";
      return `${name} ${verb} segment 'seg'[${at}] ${why} (SIGSEGV)`;
    }
    if (at >= SIZE) return `${name} ${verb} segment 'seg'[${at}], past its ${SIZE} words (SIGBUS)`;
    if (m[1] === "load") p.x = this.data[at];
    else this.data[at] = p.x + pid + 1;
    return undefined;
  }
  format(): string {
    const seg = this.destroyed
      ? "destroyed"
      : `[${this.data.join(",")}] nattch=${this.nattch}{${
        this.procs.flatMap((p, pid) =>
          p.count === 0 ? [] : [p.count === 1 ? `p#${pid}` : `p#${pid}x${p.count}`]
        ).join(",")
      }}${this.marked ? " IPC_RMID" : ""}`;
    return `seg=${seg}` + this.procs.map((p) => `{x=${p.x},st=${errnoName(p.st)}}`).join("");
  }
}

function driver(k: number, attached: boolean): Model {
  return mk("shm_driver", () => {
    const sys = system({});
    const seg = segment(sys, "seg", { size: SIZE, attached: attached ? "users" : "none" });
    sys.process("p", { count: k, locals: { x: 0, st: status() } }, (s) => {
      const st = { status: s.into("st") };
      const value = s.expr(({ l, id }) => l.x + id + 1);
      return [
        loop(choose(
          [shmAttach(seg, st)],
          [shmDetach(seg, st)],
          [shmRemove(seg, st)],
          [shmLoad(seg, { at: 0, into: s.into("x") })],
          [shmLoad(seg, { at: 1, into: s.into("x") })],
          [shmLoad(seg, { at: 2, into: s.into("x") })],
          [shmStore(seg, { at: 0, value })],
          [shmStore(seg, { at: 2, value })],
          [s.when("exit", () => true), breakLoop()],
        )),
      ];
    });
    return sys;
  }).compile();
}

class Act extends ProcessAct<RefSeg> {
  override run(m: RefSeg, r: Real): void {
    const taken = this.take(r, m.procs[this.pid]!.ended ? [] : [...MENU].sort());
    if (taken === undefined) return;
    const { t, op } = taken;
    const next = fire(r.model, r.state, t);
    const failure = m.fire(this.pid, op);
    if (failure !== undefined) {
      assert.ok(!(next instanceof Int32Array), `${op} should fail: ${failure}`);
      assert.equal(r.model.properties[next.property]?.name, "invalid shm access");
      assert.equal(next.message, failure);
    } else {
      assert.ok(next instanceof Int32Array, `${op}: ${JSON.stringify(next)}`);
      r.state = next;
    }
    assert.equal(observed(r.model, r.state), m.format(), `after p#${this.pid} ${op}`);
  }
}

Deno.test("segment: model-based test against a plain-object reference of §4", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 3 }),
      fc.boolean(),
      fc.commands(
        [fc.tuple(fc.nat(2), fc.nat(20)).map(([pid, pick]) => new Act(pid, pick))],
        { maxCommands: 50 },
      ),
      (k, attached, cs) => {
        const model = driver(k, attached);
        const ref = new RefSeg(k, attached);
        const real: Real = { model, state: initial(model) };
        assert.equal(observed(model, real.state), ref.format());
        fc.modelRun(() => ({ model: ref, real }), cs);
      },
    ),
    { numRuns: 150 },
  );
});
