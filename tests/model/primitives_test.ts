// The IPC primitives: one test (at least) per rule, each of which would fail
// if the rule were broken. State counts are derived by hand in comments.

import assert from "node:assert/strict";
import {
  binarySemaphore,
  channel,
  check,
  type CheckResult,
  choose,
  lock,
  mutex,
  post,
  semaphore,
  spec,
  type System,
  system,
  unlock,
  wait,
} from "../../mod.ts";

// deno-lint-ignore no-explicit-any
function mk(name: string, build: () => System<any>) {
  return spec({ name, params: {}, build });
}

function ops(r: CheckResult): string[] {
  assert.ok(r.violation, `expected a violation, got ${r.verdict} ${r.error?.message ?? ""}`);
  return r.violation.steps.map((s) => `${s.process} ${s.operation}`);
}

// --- semaphores -----------------------------------------------------------

Deno.test("semaphore: wait blocks at 0", () => {
  const r = check(mk("sem_block", () => {
    const sys = system({});
    const s = semaphore("s", 0);
    sys.process("p", {}, () => [wait(s)]);
    return sys;
  }));
  assert.equal(r.violation?.property, "deadlock");
  assert.deepEqual(r.violation?.transitions, []);
  assert.deepEqual(r.violation?.blocked, [
    { process: "p#0", step: "wait(s)", waitsOn: ["wait(s) (s = 0)"], holds: [] },
  ]);
});

Deno.test("semaphore: post lets a waiter through, and only after it", () => {
  // p: wait(s); q: post(s), s = 0.  (w,p,0) -> q -> (w,end,1) -> p ->
  // (end,end,0): 3 states; p can never move first.
  const r = check(mk("sem_post", () => {
    const sys = system({ order: 0 });
    const s = semaphore("s", 0);
    sys.process("p", {}, (b) => [
      wait(s),
      b.do("after", ({ g }) => {
        g.order = g.order * 10 + 1;
      }),
    ]);
    sys.process("q", {}, (b) => [
      b.do("before", ({ g }) => {
        g.order = g.order * 10 + 2;
      }),
      post(s),
    ]);
    sys.atEnd("q before p", ({ g }) => g.order === 21 || `order ${g.order}`);
    sys.always("s is 0 or 1", (v) => v.value(s) === 0 || v.value(s) === 1);
    return sys;
  }));
  assert.equal(r.verdict, "ok", r.violation?.message);
});

Deno.test("semaphore: wait decrements; an initial value of 2 lets two of three through", () => {
  // Three copies of [wait(s)], s = 2: states are the sets of finished copies
  // of size <= 2: 1 + 3 + 3 = 7; each 2-set leaves the third blocked, so the
  // shortest deadlock has 2 steps.
  const r = check(mk("sem_count", () => {
    const sys = system({});
    const s = semaphore("s", 2);
    sys.process("p", { count: 3 }, () => [wait(s)]);
    return sys;
  }));
  assert.equal(r.violation?.property, "deadlock");
  assert.equal(r.violation?.transitions.length, 2);
  assert.equal(r.violation?.blocked?.length, 1);
  assert.match(r.violation!.state, /s=0/);
  const off = check(mk("sem_count_all", () => {
    const sys = system({});
    const s = semaphore("s", 2);
    sys.process("p", { count: 3 }, () => [wait(s)]);
    sys.configure({ deadlock: false });
    return sys;
  }));
  assert.equal(off.stats.states, 7);
});

Deno.test("semaphore: an uncapped semaphore counts past its initial value", () => {
  const r = check(mk("sem_uncapped", () => {
    const sys = system({});
    const s = semaphore("s", 1);
    sys.process("p", {}, () => [post(s), post(s)]);
    sys.atEnd("s is 3", (v) => v.value(s) === 3);
    return sys;
  }));
  assert.equal(r.verdict, "ok");
});

Deno.test("semaphore: a post beyond max is a 'semaphore overflow' violation", () => {
  const r = check(mk("sem_cap", () => {
    const sys = system({});
    const s = semaphore("s", 1, { max: 2 });
    sys.process("p", {}, () => [post(s), post(s)]);
    return sys;
  }));
  assert.equal(r.violation?.property, "semaphore overflow");
  assert.equal(r.violation?.kind, "primitive");
  assert.equal(r.violation?.message, "post(s) at its maximum 2");
  assert.deepEqual(ops(r), ["p#0 post(s)", "p#0 post(s)"]);
});

Deno.test("binarySemaphore: starts at 1 and is capped at 1", () => {
  const full = check(mk("bin_full", () => {
    const sys = system({});
    const b = binarySemaphore("b");
    sys.process("p", {}, () => [post(b)]);
    return sys;
  }));
  assert.equal(full.violation?.property, "semaphore overflow");
  assert.deepEqual(full.violation?.transitions.length, 1);
  const empty = check(mk("bin_empty", () => {
    const sys = system({});
    const b = binarySemaphore("b", 0);
    sys.process("p", {}, () => [post(b), wait(b), post(b), post(b)]);
    return sys;
  }));
  assert.equal(empty.violation?.property, "semaphore overflow");
  assert.deepEqual(ops(empty), ["p#0 post(b)", "p#0 wait(b)", "p#0 post(b)", "p#0 post(b)"]);
  assert.equal(binarySemaphore("x").initial, 1);
  assert.equal(binarySemaphore("x").max, 1);
});

Deno.test("semaphore: bad declarations throw at once", () => {
  assert.throws(() => semaphore("s", -1), /semaphore 's': initial value must be >= 0, got -1/);
  assert.throws(() => semaphore("s", 3, { max: 2 }), /initial value must be <= 2, got 3/);
  assert.throws(() => semaphore("s", 0, { max: 0 }), /max must be >= 1, got 0/);
  assert.throws(() => semaphore("s", 1.5), /must be an integer/);
  assert.throws(() => semaphore("", 1), /semaphore name must be a non-empty identifier/);
});

Deno.test("semaphore: a bad declaration inside build() is an error verdict naming the spec", () => {
  const r = check(mk("sem_bad", () => {
    const sys = system({});
    const s = semaphore("s", -1);
    sys.process("p", {}, () => [wait(s)]);
    return sys;
  }));
  assert.equal(r.verdict, "error");
  assert.match(r.error!.message, /^Cannot check 'sem_bad': semaphore 's': initial value/);
});

Deno.test("primitives: two different primitives with one name are rejected", () => {
  const r = check(mk("dup_prim", () => {
    const sys = system({});
    const a = semaphore("s", 1), b = semaphore("s", 1);
    sys.process("p", {}, () => [wait(a), wait(b)]);
    return sys;
  }));
  assert.equal(r.verdict, "error");
  assert.match(r.error!.message, /two primitives are named 's'/);
});

// --- mutexes ----------------------------------------------------------------

Deno.test("mutex: lock blocks while another process holds it", () => {
  // p and q both lock and never unlock: after one locks, the other blocks;
  // the holder finished (a valid end) but keeps the mutex.
  const r = check(mk("mutex_held", () => {
    const sys = system({});
    const m = mutex("m");
    sys.process("p", {}, () => [lock(m)]);
    sys.process("q", {}, () => [lock(m)]);
    return sys;
  }));
  assert.equal(r.violation?.property, "deadlock");
  assert.deepEqual(ops(r), ["p#0 lock(m)"]);
  assert.deepEqual(r.violation?.blocked, [
    { process: "q#0", step: "lock(m)", waitsOn: ["lock(m) (held by p#0)"], holds: [] },
  ]);
  assert.match(r.violation!.state, /m=held by p#0/);
});

Deno.test("mutex: lock/unlock gives mutual exclusion (12 states)", () => {
  // Two copies of [lock, cs, unlock]: positions L W U E and the owner:
  //   (L,L,-) (W,L,0) (L,W,1) (U,L,0) (L,U,1) (E,L,-) (L,E,-)
  //   (E,W,1) (W,E,0) (E,U,1) (U,E,0) (E,E,-) = 12 states.
  const r = check(mk("mutex_cs", () => {
    const sys = system({ inside: 0 });
    const m = mutex("m");
    sys.process("p", { count: 2 }, (s) => [
      lock(m),
      s.do("cs", () => {}),
      unlock(m),
    ]);
    sys.always("one inside", (v) => v.at("cs") <= 1);
    sys.always(
      "value is the owner's pid",
      (v) => v.at("cs") === 0 ? true : v.value(m) === 0 || v.value(m) === 1,
    );
    sys.atEnd("free at the end", (v) => v.value(m) === -1);
    return sys;
  }));
  assert.equal(r.verdict, "ok", r.violation?.message);
  assert.equal(r.stats.states, 12);
});

Deno.test("mutex: relocking a held mutex self-deadlocks", () => {
  const r = check(mk("mutex_relock", () => {
    const sys = system({});
    const m = mutex("m");
    sys.process("p", {}, () => [lock(m), lock(m)]);
    return sys;
  }));
  assert.equal(r.violation?.property, "deadlock");
  assert.deepEqual(ops(r), ["p#0 lock(m)"]);
  assert.deepEqual(r.violation?.blocked, [
    { process: "p#0", step: "lock(m)", waitsOn: ["lock(m) (held by p#0)"], holds: ["m"] },
  ]);
});

Deno.test("mutex: unlock by a non-owner is a violation naming both processes", () => {
  const r = check(mk("mutex_nonowner", () => {
    const sys = system({ locked: false });
    const m = mutex("m");
    sys.process("p", {}, (s) => [
      lock(m),
      s.do("flag", ({ g }) => {
        g.locked = true;
      }),
    ]);
    sys.process("q", {}, (s) => [s.when("locked", ({ g }) => g.locked), unlock(m)]);
    return sys;
  }));
  assert.equal(r.violation?.property, "unlock by non-owner");
  assert.equal(r.violation?.kind, "primitive");
  assert.equal(r.violation?.message, "q#0 unlocks 'm', which p#0 holds");
  assert.deepEqual(ops(r), ["p#0 lock(m)", "p#0 flag", "q#0 when locked", "q#0 unlock(m)"]);
});

Deno.test("mutex: unlocking a free mutex is a violation too", () => {
  const r = check(mk("mutex_free", () => {
    const sys = system({});
    const m = mutex("m");
    sys.process("p", {}, () => [unlock(m)]);
    return sys;
  }));
  assert.equal(r.violation?.property, "unlock by non-owner");
  assert.equal(r.violation?.message, "p#0 unlocks 'm', which is not locked");
  assert.deepEqual(r.violation?.transitions.length, 1);
});

Deno.test("mutex: the owner unlocking is fine", () => {
  // [lock, unlock] alone: (L,-) (U,p) (E,-) = 3 states.
  const r = check(mk("mutex_owner", () => {
    const sys = system({});
    const m = mutex("m");
    sys.process("p", {}, () => [lock(m), unlock(m)]);
    return sys;
  }));
  assert.equal(r.verdict, "ok");
  assert.equal(r.stats.states, 3);
});

// --- channels ---------------------------------------------------------------

// p sends 1, 2, 3; q receives three times into a, b, c.
function fifo(capacity: number) {
  return mk(`fifo${capacity}`, () => {
    const sys = system({});
    const c = channel("c", capacity);
    sys.process("p", {}, (s) => [s.send(c, 1), s.send(c, 2), s.send(c, 3)]);
    sys.process("q", { locals: { a: 0, b: 0, x: 0 } }, (s) => [
      s.recv(c, "a"),
      s.recv(c, "b"),
      s.recv(c, "x"),
    ]);
    sys.atEnd("in order", (v) => v.finished() === 2);
    sys.always("length within capacity", (v) => v.value(c) <= Math.max(capacity, 0));
    return sys;
  });
}

Deno.test("channel: messages arrive in FIFO order", () => {
  const r = check(mk("fifo_order", () => {
    const sys = system({ got: 0 });
    const c = channel("c", 3);
    sys.process("p", {}, (s) => [s.send(c, 1), s.send(c, 2), s.send(c, 3)]);
    sys.process("q", {}, (s) => [
      s.recv(c, ({ g }, m) => {
        g.got = g.got * 10 + m;
      }),
      s.recv(c, ({ g }, m) => {
        g.got = g.got * 10 + m;
      }),
      s.recv(c, ({ g }, m) => {
        g.got = g.got * 10 + m;
      }),
    ]);
    sys.atEnd("received 1, 2, 3", ({ g }) => g.got === 123 || `received ${g.got}`);
    return sys;
  }));
  assert.equal(r.verdict, "ok", r.violation?.message);
});

Deno.test("channel: capacity 2 bounds what is in flight (9 states)", () => {
  // s = sent, r = received (positions follow); contents are fixed by (s, r).
  // Reachable: r <= s <= r + 2 with s, r in 0..3:
  //   r=0: s=0,1,2; r=1: s=1,2,3; r=2: s=2,3; r=3: s=3 = 9 states.
  const r = check(fifo(2));
  assert.equal(r.verdict, "ok");
  assert.equal(r.stats.states, 9);
  // Capacity 3 adds (s=3, r=0): 10 states.
  assert.equal(check(fifo(3)).stats.states, 10);
});

Deno.test("channel: send blocks when full", () => {
  const r = check(mk("ch_full", () => {
    const sys = system({});
    const c = channel("c", 2);
    sys.process("p", {}, (s) => [s.send(c, 1), s.send(c, 2), s.send(c, 3)]);
    return sys;
  }));
  assert.equal(r.violation?.property, "deadlock");
  assert.deepEqual(ops(r), ["p#0 send(c)", "p#0 send(c)"]);
  assert.deepEqual(r.violation?.blocked?.[0]?.waitsOn, ["send(c) (c = [1,2])"]);
  assert.match(r.violation!.state, /c=\[1,2\]/);
});

Deno.test("channel: recv blocks when empty", () => {
  const r = check(mk("ch_empty", () => {
    const sys = system({});
    const c = channel("c", 1);
    sys.process("q", { locals: { v: 0 } }, (s) => [s.recv(c, "v")]);
    return sys;
  }));
  assert.equal(r.violation?.property, "deadlock");
  assert.deepEqual(r.violation?.transitions, []);
  assert.deepEqual(r.violation?.blocked?.[0]?.waitsOn, ["recv(c) (c = [])"]);
});

Deno.test("channel: a message outside the channel's range is an error", () => {
  const r = check(mk("ch_range", () => {
    const sys = system({});
    const c = channel("c", 2, { min: 1, max: 2 });
    sys.process("p", {}, (s) => [s.send(c, 3)]);
    return sys;
  }));
  assert.equal(r.verdict, "error");
  assert.match(
    r.error!.message,
    /^Cannot check 'ch_range': process 'p#0', step 'send\(c\)' \((?:\/.*\/)?tests\/model\/primitives_test\.ts:\d+:\d+\): cannot send 3 on 'c': expected an integer in \[1, 2\]$/,
  );
});

Deno.test("channel: bad declarations throw at once", () => {
  assert.throws(() => channel("c", -1), /capacity must be >= 0, got -1/);
  assert.throws(() => channel("c", 1, { min: 3, max: 1 }), /min 3 must be <= max 1/);
  assert.equal(channel("c", 2).slots, 3);
  assert.equal(channel("c", 0).slots, 0);
});

Deno.test("rendezvous: send and receive fire together as one joint transition", () => {
  // (send, recv, v=0) -> (end, end, v=5): 2 states, one step.
  const r = check(mk("rdv", () => {
    const sys = system({});
    const c = channel("c", 0);
    sys.process("p", {}, (s) => [s.send(c, 5)]);
    sys.process("q", { locals: { v: 0 } }, (s) => [s.recv(c, "v")]);
    sys.atEnd("never", () => false);
    return sys;
  }));
  assert.equal(r.violation?.property, "never");
  assert.equal(r.stats.states, 2);
  assert.equal(r.violation?.steps.length, 1);
  const step = r.violation!.steps[0]!;
  assert.equal(step.process, "p#0");
  assert.equal(step.operation, "send(c) -> q#0 recv(c)");
  assert.deepEqual(step.changes, [{ name: "q#0.v", before: "0", after: "5" }]);
  assert.match(r.violation!.state, /p#0@end q#0@end\{v=5\}/);
});

Deno.test("rendezvous: no message can wait in the channel", () => {
  // p: send; sent = true.  q: when sent; recv.  With capacity 0 the send
  // cannot complete before q receives: deadlock at once. With capacity 1 the
  // message waits in the channel and both finish.
  const build = (capacity: number) =>
    mk(`nowait${capacity}`, () => {
      const sys = system({ sent: false });
      const c = channel("c", capacity);
      sys.process("p", {}, (s) => [
        s.send(c, 1),
        s.do("sent", ({ g }) => {
          g.sent = true;
        }),
      ]);
      sys.process("q", { locals: { v: 0 } }, (s) => [
        s.when("sent", ({ g }) => g.sent),
        s.recv(c, "v"),
      ]);
      return sys;
    });
  const rdv = check(build(0));
  assert.equal(rdv.violation?.property, "deadlock");
  assert.deepEqual(rdv.violation?.transitions, []);
  assert.deepEqual(rdv.violation?.blocked?.map((b) => b.waitsOn), [
    ["send(c) (no receiver ready)"],
    ["when sent"],
  ]);
  assert.match(rdv.violation!.state, /c=\(rendezvous\)/);
  assert.equal(check(build(1)).verdict, "ok");
});

Deno.test("rendezvous: sender and receiver must be different processes", () => {
  // One process ready to send or receive cannot meet itself.
  const one = check(mk("rdv_self", () => {
    const sys = system({ x: 0 });
    const c = channel("c", 0);
    sys.process("p", {}, (s) => [choose([s.send(c, 1)], [s.recv(c, ({ g }, m) => {
      g.x = m;
    })])]);
    return sys;
  }));
  assert.equal(one.violation?.property, "deadlock");
  assert.deepEqual(one.violation?.blocked?.[0]?.waitsOn, [
    "send(c) (no receiver ready)",
    "recv(c) (no sender ready)",
  ]);
  // Two copies meet: p#0 -> p#1 or p#1 -> p#0, both to (end, end, x=1).
  const two = check(mk("rdv_two", () => {
    const sys = system({ x: 0 });
    const c = channel("c", 0);
    sys.process("p", { count: 2 }, (s) => [choose([s.send(c, 1)], [s.recv(c, ({ g }, m) => {
      g.x = m;
    })])]);
    sys.atEnd("received", ({ g }) => g.x === 1);
    return sys;
  }));
  assert.equal(two.verdict, "ok");
  assert.equal(two.stats.states, 2);
  assert.equal(two.stats.transitions, 2);
});

Deno.test("rendezvous: every ready receiver is a separate choice", () => {
  // One sender, two receivers: the message goes to either, then the other
  // receiver blocks forever: two deadlocks of one step, states 1 + 2 = 3.
  const r = check(mk("rdv_choice", () => {
    const sys = system({});
    const c = channel("c", 0);
    sys.process("p", {}, (s) => [s.send(c, 7)]);
    sys.process("q", { count: 2, locals: { v: 0 } }, (s) => [s.recv(c, "v")]);
    sys.configure({ deadlock: false });
    return sys;
  }));
  assert.equal(r.verdict, "ok");
  assert.equal(r.stats.states, 3);
});
