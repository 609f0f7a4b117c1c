// The step language: what each statement does, checked through exact state
// counts of tiny specs (derived by hand in the comments), verdicts and traces.
//
// Notation in the derivations: a state is written (pc of each process, the
// variables that matter, atomic owner when the spec has atomic blocks).
// "end" is a finished process.

import assert from "node:assert/strict";
import {
  atomic,
  breakLoop,
  check,
  type CheckResult,
  choose,
  formatCounterexample,
  goto,
  int,
  label,
  lock,
  loop,
  mutex,
  region,
  spec,
  SpecError,
  type System,
  system,
  unlock,
} from "../../mod.ts";

// deno-lint-ignore no-explicit-any
function mk(name: string, build: () => System<any>) {
  return spec({ name, params: {}, build });
}

/** The operations of a violation's trace, as `process operation`. */
function ops(r: CheckResult): string[] {
  assert.ok(r.violation, `expected a violation, got ${r.verdict}`);
  return r.violation.steps.map((s) => `${s.process} ${s.operation}`);
}

Deno.test("do: a process of two steps has three states", () => {
  // (a, x=0) -> (b, x=1) -> (end, x=2): 3 states, a valid end.
  const r = check(mk("seq", () => {
    const sys = system({ x: 0 });
    sys.process("p", {}, (s) => [s.do("a", ({ g }) => g.x++), s.do("b", ({ g }) => g.x++)]);
    sys.atEnd("x is 2", ({ g }) => g.x === 2);
    return sys;
  }));
  assert.equal(r.verdict, "ok");
  assert.equal(r.stats.states, 3);
  assert.equal(r.stats.depth, 2);
});

Deno.test("do: two copies of a one-step process interleave into four states", () => {
  // Each copy is at `inc` or at end: 2 x 2 = 4 states, x = number finished.
  const r = check(mk("two", () => {
    const sys = system({ x: 0 });
    sys.process("p", { count: 2 }, (s) => [s.do("inc", ({ g }) => g.x++)]);
    return sys;
  }));
  assert.equal(r.verdict, "ok");
  assert.equal(r.stats.states, 4);
});

Deno.test("when: blocks until its guard holds", () => {
  // p: when x==1; q: x = 1.  (w,q,0) -> q -> (w,end,1) -> p -> (end,end,1).
  // p cannot move first: 3 states.
  const r = check(mk("when", () => {
    const sys = system({ x: 0 });
    sys.process("p", {}, (s) => [s.when("x is 1", ({ g }) => g.x === 1)]);
    sys.process("q", {}, (s) => [s.do("set", ({ g }) => {
      g.x = 1;
    })]);
    return sys;
  }));
  assert.equal(r.verdict, "ok");
  assert.equal(r.stats.states, 3);
});

Deno.test("when: a guard that never holds is a deadlock in the initial state", () => {
  const r = check(mk("when_never", () => {
    const sys = system({ x: 0 });
    sys.process("p", {}, (s) => [s.when("x is 1", ({ g }) => g.x === 1)]);
    return sys;
  }));
  assert.equal(r.verdict, "violation");
  assert.equal(r.violation?.property, "deadlock");
  assert.deepEqual(r.violation?.transitions, []);
  assert.deepEqual(r.violation?.blocked, [
    { process: "p#0", step: "x is 1", waitsOn: ["when x is 1"], holds: [] },
  ]);
});

Deno.test("assert: a failing assertion gives the trace that ends in the failing step", () => {
  // p: x = 1; assert x == 0.  The assertion fires from (assert, x=1): the
  // trace is [set, assert] and the last step is the one that fails.
  const r = check(mk("assert", () => {
    const sys = system({ x: 0 });
    sys.process("p", {}, (s) => [
      s.do("set", ({ g }) => {
        g.x = 1;
      }),
      s.assert("x is 0", ({ g }) => g.x === 0),
    ]);
    return sys;
  }));
  assert.equal(r.verdict, "violation");
  assert.equal(r.violation?.property, "x is 0");
  assert.equal(r.violation?.kind, "assertion");
  assert.equal(r.violation?.message, "assertion 'x is 0' failed");
  assert.deepEqual(ops(r), ["p#0 set", "p#0 assert x is 0"]);
  assert.deepEqual(r.violation?.steps[0]?.changes, [{ name: "x", before: "0", after: "1" }]);
  assert.match(formatCounterexample(r.violation!), /2\. p#0 assert x is 0 {2}<-- fails/);
});

Deno.test("assert: a holding assertion is one ordinary step", () => {
  // (assert, 0) -> (end, 0): 2 states.
  const r = check(mk("assert_ok", () => {
    const sys = system({ x: 0 });
    sys.process("p", {}, (s) => [s.assert("x is 0", ({ g }) => g.x === 0)]);
    return sys;
  }));
  assert.equal(r.verdict, "ok");
  assert.equal(r.stats.states, 2);
});

Deno.test("if: one transition tests the condition, the branch runs after it", () => {
  // p: if (x == 0) { r = 1 } else { r = 2 };  q: x = 1.
  // States (p pc, q pc, x, r):
  //   (if,q,0,0) -> then: (t,q,0,0)      q: (if,end,1,0)
  //   (t,q,0,0)  -> (end,q,0,1)          q: (t,end,1,0)
  //   (if,end,1,0) -> else: (e,end,1,0)
  //   (end,q,0,1) -> (end,end,1,1);  (t,end,1,0) -> (end,end,1,1)
  //   (e,end,1,0) -> (end,end,1,2)
  // = 8 states; the test and the branch are separate steps, so q can set x
  // between them ((t,end,1,0) is reachable: the then-branch runs with x = 1).
  const r = check(mk("if", () => {
    const sys = system({ x: 0, r: 0 });
    sys.process("p", {}, (s) => [
      s.if(({ g }) => g.x === 0, [s.do("t", ({ g }) => {
        g.r = 1;
      })], [s.do("e", ({ g }) => {
        g.r = 2;
      })]),
    ]);
    sys.process("q", {}, (s) => [s.do("set", ({ g }) => {
      g.x = 1;
    })]);
    sys.atEnd("then-branch taken", ({ g }) => g.r === 1);
    return sys;
  }));
  assert.equal(r.verdict, "violation");
  assert.equal(r.violation?.property, "then-branch taken");
  // Shortest way to r = 2: q sets x, p tests (else), p runs e.
  assert.deepEqual(ops(r), ["q#0 set", "p#0 if (g.x === 0) -> else", "p#0 e"]);
  const all = check(mk("if_all", () => {
    const sys = system({ x: 0, r: 0 });
    sys.process("p", {}, (s) => [
      s.if(({ g }) => g.x === 0, [s.do("t", ({ g }) => {
        g.r = 1;
      })], [s.do("e", ({ g }) => {
        g.r = 2;
      })]),
    ]);
    sys.process("q", {}, (s) => [s.do("set", ({ g }) => {
      g.x = 1;
    })]);
    return sys;
  }));
  assert.equal(all.stats.states, 8);
});

Deno.test("if: without an else, a false condition just moves on", () => {
  // (if, x=0) -> else: (end): 2 states.
  const r = check(mk("if_noelse", () => {
    const sys = system({ x: 0 });
    sys.process("p", {}, (s) => [s.if(({ g }) => g.x === 1, [s.do("t", ({ g }) => g.x++)])]);
    sys.atEnd("x unchanged", ({ g }) => g.x === 0);
    return sys;
  }));
  assert.equal(r.verdict, "ok");
  assert.equal(r.stats.states, 2);
});

Deno.test("while: loops until the condition fails, one transition per test", () => {
  // while (i < 2) i++:  (head,0) (inc,0) (head,1) (inc,1) (head,2) (end,2)
  // = 2*2 + 2 = 6 states, depth 5.
  const r = check(mk("while", () => {
    const sys = system({});
    sys.process("p", { locals: { i: 0 } }, (s) => [
      s.while(({ l }) => l.i < 2, [s.do("inc", ({ l }) => l.i++)]),
    ]);
    return sys;
  }));
  assert.equal(r.verdict, "ok");
  assert.equal(r.stats.states, 6);
  assert.equal(r.stats.depth, 5);
});

Deno.test("loop/breakLoop: an endless loop left with breakLoop", () => {
  // loop { choose { when i==2; break } or { when i<2; i++ } }
  // The loop head is the choose: (choose,0) (inc,0) (choose,1) (inc,1)
  // (choose,2) (end,2) = 6 states; breakLoop is not a step of its own.
  const r = check(mk("loop", () => {
    const sys = system({});
    sys.process("p", { locals: { i: 0 } }, (s) => [
      loop(
        choose(
          [s.when("done", ({ l }) => l.i === 2), breakLoop()],
          [s.when("more", ({ l }) => l.i < 2), s.do("inc", ({ l }) => l.i++)],
        ),
      ),
    ]);
    sys.atEnd("i is 2", (v) => v.finished("p") === 1);
    return sys;
  }));
  assert.equal(r.verdict, "ok");
  assert.equal(r.stats.states, 6);
});

Deno.test("breakLoop: leaves only the innermost loop", () => {
  // outer: while (o < 2) { loop { break }; o++ }: the inner loop is left at
  // once, the outer one runs twice. States: (head,0) (inc,0) (head,1)
  // (inc,1) (head,2) (end,2) = 6.
  const r = check(mk("break_inner", () => {
    const sys = system({});
    sys.process("p", { locals: { o: 0 } }, (s) => [
      s.while(({ l }) => l.o < 2, [loop(breakLoop()), s.do("inc", ({ l }) => l.o++)]),
    ]);
    return sys;
  }));
  assert.equal(r.verdict, "ok");
  assert.equal(r.stats.states, 6);
});

Deno.test("breakLoop: outside a loop is rejected at compile", () => {
  const s = mk("break_outside", () => {
    const sys = system({});
    sys.process("p", {}, (b) => [b.do("a", () => {}), breakLoop()]);
    return sys;
  });
  assert.throws(() => s.compile(), (e: unknown) => {
    assert.ok(e instanceof SpecError);
    assert.match(
      e.message,
      /^Cannot check 'break_outside': process 'p'.*breakLoop\(\) outside a loop/,
    );
    return true;
  });
});

Deno.test("choose: every enabled branch is explored", () => {
  // choose { x = 1 } or { x = 2 }: (choose,0) -> (end,1) | (end,2): 3 states.
  const build = (final: boolean) => () => {
    const sys = system({ x: 0 });
    sys.process("p", {}, (s) => [
      choose([s.do("left", ({ g }) => {
        g.x = 1;
      })], [s.do("right", ({ g }) => {
        g.x = 2;
      })]),
    ]);
    if (final) sys.atEnd("went left", ({ g }) => g.x === 1);
    return sys;
  };
  const r = check(mk("choose", build(false)));
  assert.equal(r.verdict, "ok");
  assert.equal(r.stats.states, 3);
  const v = check(mk("choose_right", build(true)));
  assert.equal(v.violation?.property, "went left");
  assert.deepEqual(ops(v), ["p#0 right"]);
});

Deno.test("choose: a branch whose guard is false is not taken", () => {
  // x = 0: only the first branch is enabled. (choose) -> (a) -> (end): 3 states.
  const r = check(mk("choose_guard", () => {
    const sys = system({ x: 0, y: 0 });
    sys.process("p", {}, (s) => [
      choose(
        [
          s.when("x is 0", ({ g }) => g.x === 0),
          s.do("a", ({ g }) => {
            g.y = 1;
          }),
        ],
        [
          s.when("x is 1", ({ g }) => g.x === 1),
          s.do("b", ({ g }) => {
            g.y = 2;
          }),
        ],
      ),
    ]);
    sys.atEnd("took a", ({ g }) => g.y === 1);
    return sys;
  }));
  assert.equal(r.verdict, "ok");
  assert.equal(r.stats.states, 3);
});

Deno.test("choose: with no enabled branch the process blocks on every alternative", () => {
  const r = check(mk("choose_blocked", () => {
    const sys = system({ x: 0 });
    sys.process("p", {}, (s) => [
      choose([s.when("x is 1", ({ g }) => g.x === 1)], [s.when("x is 2", ({ g }) => g.x === 2)]),
    ]);
    return sys;
  }));
  assert.equal(r.violation?.property, "deadlock");
  assert.deepEqual(r.violation?.blocked?.[0]?.waitsOn, ["when x is 1", "when x is 2"]);
});

Deno.test("choose: an empty branch is a skip", () => {
  // choose { x = 1 } or { }: (choose,0) -> (end,1) | (end,0): 3 states.
  const r = check(mk("choose_skip", () => {
    const sys = system({ x: 0 });
    sys.process("p", {}, (s) => [choose([s.do("set", ({ g }) => {
      g.x = 1;
    })], [])]);
    sys.atEnd("x set", ({ g }) => g.x === 1);
    return sys;
  }));
  assert.equal(r.violation?.property, "x set");
  assert.equal(r.stats.states, 3);
});

Deno.test("choose: with no branch is rejected at compile", () => {
  const r = check(mk("choose_none", () => {
    const sys = system({});
    sys.process("p", {}, () => [choose()]);
    return sys;
  }));
  assert.equal(r.verdict, "error");
  assert.match(r.error!.message, /choose\(\) needs at least one branch/);
});

// Two copies of `atomic(a, b)` without shared variables.
//   with atomic: (a,a,0) -> (b,a,p0) -> (end,a,0) -> (end,b,p1) -> (end,end,0)
//                (a,a,0) -> (a,b,p1) -> (a,end,0) -> (b,end,p0) -> (end,end,0)
//   = 8 states; (b,b) is unreachable.  Without atomic: 3 x 3 = 9 states.
function twoBlocks(useAtomic: boolean) {
  return mk(useAtomic ? "atomic2" : "plain2", () => {
    const sys = system({});
    sys.process("p", { count: 2 }, (s) => {
      const body = [s.do("a", () => {}), s.do("b", () => {})];
      return useAtomic ? [atomic(...body)] : body;
    });
    sys.always("never both inside", (v) => v.at("b") < 2);
    return sys;
  });
}

Deno.test("atomic: a block runs without interleaving (8 states instead of 9)", () => {
  const a = check(twoBlocks(true));
  assert.equal(a.verdict, "ok");
  assert.equal(a.stats.states, 8);
  const p = check(twoBlocks(false));
  assert.equal(p.violation?.property, "never both inside");
  assert.deepEqual(ops(p), ["p#0 a", "p#1 a"]);
});

// p: atomic { x = 1; x = 0 };  q: assert x == 0.
//   with atomic: (a,as,0,-) (b,as,1,p) (a,end,0,-) (end,as,0,-) (b,end,1,p)
//   (end,end,0,-) = 6 states and q never sees x = 1.
function keepOut(useAtomic: boolean) {
  return mk(useAtomic ? "keep_out" : "let_in", () => {
    const sys = system({ x: 0 });
    sys.process("p", {}, (s) => {
      const body = [
        s.do("x=1", ({ g }) => {
          g.x = 1;
        }),
        s.do("x=0", ({ g }) => {
          g.x = 0;
        }),
      ];
      return useAtomic ? [atomic(...body)] : body;
    });
    sys.process("q", {}, (s) => [s.assert("x is 0", ({ g }) => g.x === 0)]);
    return sys;
  });
}

Deno.test("atomic: keeps other processes out of the block", () => {
  const r = check(keepOut(true));
  assert.equal(r.verdict, "ok");
  assert.equal(r.stats.states, 6);
  const v = check(keepOut(false));
  assert.equal(v.violation?.property, "x is 0");
  assert.deepEqual(ops(v), ["p#0 x=1", "q#0 assert x is 0"]);
});

Deno.test("atomic: atomicity is lost while a step of the block blocks", () => {
  // p: atomic { x = 1; when y == 1; x = 2 };  q: y = 1.
  // (pc_p, pc_q, x, y, owner):
  //   (a,q,0,0,-) -> p: (w,q,1,0,p)          q: (a,end,0,1,-)
  //   (w,q,1,0,p): p blocked, so q may move: (w,end,1,1,-)
  //   (a,end,0,1,-) -> (w,end,1,1,p)
  //   (w,end,1,1,-) and (w,end,1,1,p) -> (b,end,1,1,p) -> (end,end,2,1,-)
  //   = 7 states, no deadlock (it would deadlock if atomicity were kept).
  const r = check(mk("atomic_lost", () => {
    const sys = system({ x: 0, y: 0 });
    sys.process("p", {}, (s) => [
      atomic(
        s.do("a", ({ g }) => {
          g.x = 1;
        }),
        s.when("y is 1", ({ g }) => g.y === 1),
        s.do("b", ({ g }) => {
          g.x = 2;
        }),
      ),
    ]);
    sys.process("q", {}, (s) => [s.do("set y", ({ g }) => {
      g.y = 1;
    })]);
    sys.atEnd("x is 2", ({ g }) => g.x === 2);
    return sys;
  }));
  assert.equal(r.verdict, "ok");
  assert.equal(r.stats.states, 7);
});

Deno.test("atomic: others may move until the block's first step fires, then not", () => {
  // p: atomic { when go; x = 1; x = 0 };  q: go = true; assert x == 0.
  // p's first step is blocked until q sets go, so q must move first; once p
  // passed `when go`, q cannot interleave until x is back to 0.
  const r = check(mk("atomic_entry", () => {
    const sys = system({ go: false, x: 0 });
    sys.process("p", {}, (s) => [
      atomic(
        s.when("go", ({ g }) => g.go),
        s.do("x=1", ({ g }) => {
          g.x = 1;
        }),
        s.do("x=0", ({ g }) => {
          g.x = 0;
        }),
      ),
    ]);
    sys.process("q", {}, (s) => [
      s.do("go", ({ g }) => {
        g.go = true;
      }),
      s.assert("x is 0", ({ g }) => g.x === 0),
    ]);
    return sys;
  }));
  assert.equal(r.verdict, "ok");
  // (pc_p, pc_q, owner), pc_p at the step about to run:
  //   (when,go,-) -> q: (when,assert,-)
  //   (when,assert,-) -> p: (x=1,assert,p)   q: (when,end,-)
  //   (x=1,assert,p) -> (x=0,assert,p) -> (end,assert,-) -> (end,end,-)
  //   (when,end,-) -> (x=1,end,p) -> (x=0,end,p) -> (end,end,-)
  //   = 9 states; (x=0,assert) is only reached with p owning the block.
  assert.equal(r.stats.states, 9);
});

Deno.test("atomic: the block is released between iterations of loop()", {
  // BUG: loop(atomic(a, b)) never releases atomicity: after b, the loop
  // jumps back to a, which is in the same atomic block, so the compiler
  // keeps the owner and no other process can ever move again
  // (model/_compile.ts, #afterEdge compares the atomic ids of the pcs).
  // Expected: 4 states, (a,q,-) (b,q,p) (a,end,-) (b,end,p), and q can run
  // after p's first round (the invariant "y is 0" fails).
  // Actual: 6 states ((a,q,p) and (a,end,p) are extra) and verdict ok.
  ignore: false,
}, () => {
  const count = check(mk("loop_atomic", () => {
    const sys = system({ x: 0, y: 0 });
    sys.process("p", {}, (s) => [
      loop(atomic(
        s.do("a", ({ g }) => {
          g.x = 1;
        }),
        s.do("b", ({ g }) => {
          g.x = 0;
        }),
      )),
    ]);
    sys.process("q", {}, (s) => [s.do("q", ({ g }) => {
      g.y = 1;
    })]);
    return sys;
  }));
  assert.equal(count.stats.states, 4);
  const r = check(mk("loop_atomic_starves", () => {
    const sys = system({ x: 0, y: 0, done: false });
    sys.process("p", {}, (s) => [
      loop(atomic(
        s.do("a", ({ g }) => {
          g.x = 1;
        }),
        s.do("b", ({ g }) => {
          g.x = 0;
          g.done = true;
        }),
      )),
    ]);
    sys.process("q", {}, (s) => [
      s.when("p did a round", ({ g }) => g.done),
      s.do("q", ({ g }) => {
        g.y = 1;
      }),
    ]);
    sys.always("y is 0", ({ g }) => g.y === 0);
    return sys;
  }));
  assert.equal(r.violation?.property, "y is 0");
});

Deno.test("atomic: a block that starts a choose branch still keeps others out", {
  // BUG: choose() copies the first edge of each branch into the choose's own
  // pc, which is outside the atomic block, so firing the block's first step
  // from the choose does not take atomicity: q sees x = 1 between a and b.
  // Expected: verdict ok (as for the same block outside a choose).
  // Actual: violation of 'x is 0' with trace [p#0 a, q#0 assert x is 0].
  ignore: false,
}, () => {
  const r = check(mk("choose_atomic", () => {
    const sys = system({ x: 0 });
    sys.process("p", {}, (s) => [
      choose([atomic(
        s.do("a", ({ g }) => {
          g.x = 1;
        }),
        s.do("b", ({ g }) => {
          g.x = 0;
        }),
      )], [s.do("other", () => {})]),
    ]);
    sys.process("q", {}, (s) => [s.assert("x is 0", ({ g }) => g.x === 0)]);
    return sys;
  }));
  assert.equal(r.verdict, "ok");
});

Deno.test("label end: a process blocked at an end label is a valid end", () => {
  const server = (endLabel: boolean, deadlock = true) =>
    mk("server", () => {
      const sys = system({ req: false });
      sys.process("server", {}, (s) => [
        label("idle", { end: endLabel }),
        s.when("request", ({ g }) => g.req),
      ]);
      if (!deadlock) sys.configure({ deadlock: false });
      return sys;
    });
  // One state: the server waits forever.
  const ok = check(server(true));
  assert.equal(ok.verdict, "ok");
  assert.equal(ok.stats.states, 1);
  const dl = check(server(false));
  assert.equal(dl.violation?.property, "deadlock");
  assert.deepEqual(dl.violation?.transitions, []);
  assert.equal(check(server(false, false)).verdict, "ok");
});

Deno.test("label end: only the labelled position is a valid end", () => {
  // The end label is before `a`; blocked after `a` is still a deadlock.
  const r = check(mk("end_elsewhere", () => {
    const sys = system({});
    sys.process("p", {}, (s) => [
      label("start", { end: true }),
      s.do("a", () => {}),
      s.when("never", () => false),
    ]);
    return sys;
  }));
  assert.equal(r.violation?.property, "deadlock");
  assert.deepEqual(ops(r), ["p#0 a"]);
  assert.equal(r.violation?.blocked?.[0]?.step, "never");
});

Deno.test("label end: final properties are checked when processes rest at end labels", () => {
  const r = check(mk("end_final", () => {
    const sys = system({ served: 0 });
    sys.process("server", {}, (s) => [
      label("idle", { end: true }),
      s.when("request", () => false),
    ]);
    sys.atEnd("served one", ({ g }) => g.served === 1 || "nobody was served");
    return sys;
  }));
  assert.equal(r.violation?.property, "served one");
  assert.equal(r.violation?.kind, "final");
  assert.equal(r.violation?.message, "final property 'served one' violated: nobody was served");
});

Deno.test("deadlock off: configure({deadlock:false}) accepts blocked processes", () => {
  const s = (off: boolean) =>
    mk("stops", () => {
      const sys = system({});
      const m = mutex("m");
      sys.process("p", { count: 2 }, () => [lock(m)]);
      sys.process("q", {}, () => [lock(m)]);
      if (off) sys.configure({ deadlock: false });
      return sys;
    });
  const on = check(s(false));
  assert.equal(on.violation?.property, "deadlock");
  const off = check(s(true));
  assert.equal(off.verdict, "ok");
  // One of three processes takes the mutex, then nobody moves: 1 + 3 states.
  assert.equal(off.stats.states, 4);
});

Deno.test("goto: jumps back to a label", () => {
  // top: i++; if (i < 2) goto top.
  // (inc,0) (if,1) (inc,1) (if,2) (end,2) = 5 states: goto is no step.
  const r = check(mk("goto", () => {
    const sys = system({});
    sys.process("p", { locals: { i: 0 } }, (s) => [
      label("top"),
      s.do("inc", ({ l }) => l.i++),
      s.if(({ l }) => l.i < 2, [goto("top")]),
    ]);
    sys.atEnd("finished", (v) => v.finished() === 1);
    return sys;
  }));
  assert.equal(r.verdict, "ok");
  assert.equal(r.stats.states, 5);
});

Deno.test("goto: to an unknown label is rejected at compile, naming the labels", () => {
  const s = mk("goto_bad", () => {
    const sys = system({});
    sys.process("p", {}, () => [label("here"), goto("there")]);
    return sys;
  });
  assert.throws(() => s.compile(), (e: unknown) => {
    assert.ok(e instanceof SpecError);
    assert.equal(e.process, "p");
    assert.equal(e.step, "goto there");
    assert.match(e.message, /goto to unknown label 'there' \(labels: here\)/);
    assert.match(e.source ?? "", /tests\/model\/steps_test\.ts:\d+:\d+$/);
    return true;
  });
});

Deno.test("goto: a jump in a circle without any step is rejected", () => {
  const r = check(mk("goto_circle", () => {
    const sys = system({});
    sys.process("p", {}, () => [label("a"), goto("a")]);
    return sys;
  }));
  assert.equal(r.verdict, "error");
  assert.match(r.error!.message, /jumps in a circle/);
});

Deno.test("label: a duplicate label is rejected", () => {
  const r = check(mk("dup_label", () => {
    const sys = system({});
    sys.process("p", {}, (s) => [label("a"), s.do("x", () => {}), label("a")]);
    return sys;
  }));
  assert.equal(r.verdict, "error");
  assert.match(r.error!.message, /duplicate label 'a'/);
});

Deno.test("goto: into a choose with an empty branch keeps all its branches", {
  // BUG: choose() entries are resolved in the order the chooses were
  // compiled (later steps first); a branch starting with goto to an earlier
  // choose copies that choose's edges before they are complete: only its
  // empty-branch skip is copied, and the other branches are lost.
  // Spec: top: choose { when x<2; x++ } or { }; choose { goto top } or { }.
  // Expected: x reaches 2 (x++, goto top, x++): violation of "x < 2".
  // Actual: verdict ok, 6 states (x never exceeds 1).
  ignore: false,
}, () => {
  const r = check(mk("goto_choose", () => {
    const sys = system({ x: int(0, { min: 0, max: 5 }) });
    sys.process("p", {}, (s) => [
      label("top"),
      choose([s.when("x < 2", ({ g }) => g.x < 2), s.do("inc", ({ g }) => g.x++)], []),
      choose([goto("top")], []),
    ]);
    sys.always("x < 2", ({ g }) => g.x < 2);
    return sys;
  }));
  assert.equal(r.violation?.property, "x < 2");
});

Deno.test("region: inside() counts the processes in a region", () => {
  // Two copies of [region cs { work }] start inside: the invariant fails in
  // the initial state, with an empty trace.
  const bad = check(mk("region_bad", () => {
    const sys = system({});
    sys.process("p", { count: 2 }, (s) => [region("cs", s.do("work", () => {}))]);
    sys.always("mutual exclusion", (v) => v.inside("cs") <= 1);
    return sys;
  }));
  assert.equal(bad.violation?.property, "mutual exclusion");
  assert.deepEqual(bad.violation?.transitions, []);
  // With a mutex around it (positions L, W, U, end; m = owner):
  //   (L,L,-) (W,L,p0) (L,W,p1) (U,L,p0) (L,U,p1) (E,L,-) (L,E,-)
  //   (E,W,p1) (W,E,p0) (E,U,p1) (U,E,p0) (E,E,-) = 12 states.
  const good = check(mk("region_good", () => {
    const sys = system({});
    const m = mutex("m");
    sys.process(
      "p",
      { count: 2 },
      (s) => [lock(m), region("cs", s.do("work", () => {})), unlock(m)],
    );
    sys.always("mutual exclusion", (v) => v.inside("cs") <= 1);
    return sys;
  }));
  assert.equal(good.verdict, "ok");
  assert.equal(good.stats.states, 12);
});

Deno.test("label: at() counts the processes at a label", () => {
  // Two copies start at label `here` (the position of `a`): the invariant
  // fails in the initial state.
  const r = check(mk("at_label", () => {
    const sys = system({});
    sys.process("p", { count: 2 }, (s) => [label("here"), s.do("a", () => {})]);
    sys.always("not both here", (v) => v.at("here") < 2);
    return sys;
  }));
  assert.equal(r.violation?.property, "not both here");
  assert.deepEqual(r.violation?.transitions, []);
});

Deno.test("region: a trace names the step inside a region, not the region", {
  // BUG: describe() (model/_compile.ts) reports as `step` the first name of
  // the pc that differs from the step's own name, and a region's name is
  // one of the pc's names: the step `put` inside region("cs") is reported
  // with step "cs". TraceStep.step is documented as "the label or step
  // name". Expected: step "put". Actual: step "cs".
  ignore: false,
}, () => {
  const r = check(mk("region_step", () => {
    const sys = system({});
    sys.process("p", {}, (s) => [region("cs", s.do("put", () => {}))]);
    sys.atEnd("never", () => false);
    return sys;
  }));
  assert.equal(r.violation?.steps[0]?.operation, "put");
  assert.equal(r.violation?.steps[0]?.step, "put");
});

Deno.test("processes: copies get id per kind and pid across the system", () => {
  // a#0 a#1 b#0 b#1 have pids 0..3; each writes once: 2^4 = 16 states.
  const r = check(mk("ids", () => {
    const sys = system({ seen: int(0) });
    sys.process("a", { count: 2 }, (s) => [
      s.do("mark", ({ g, id, pid }) => {
        g.seen += (id + 1) * 10 ** pid;
      }),
    ]);
    sys.process("b", { count: 2 }, (s) => [
      s.do("mark", ({ g, id, pid }) => {
        g.seen += (id + 3) * 10 ** pid;
      }),
    ]);
    // a#0: 1*1, a#1: 2*10, b#0: 3*100, b#1: 4*1000
    sys.atEnd("ids and pids", ({ g }) => g.seen === 4321 || `seen ${g.seen}`);
    return sys;
  }));
  assert.equal(r.verdict, "ok");
  assert.equal(r.stats.states, 16);
});

Deno.test("processes: each copy has its own locals", () => {
  // Two copies count their own i to 1: 4 positions each ((head,0) (inc,0)
  // (head,1) (end,1)): 4 x 4 = 16 states.
  const r = check(mk("locals", () => {
    const sys = system({ total: 0 });
    sys.process("p", { count: 2, locals: { i: 0 } }, (s) => [
      s.while(({ l }) => l.i < 1, [s.do("inc", ({ g, l }) => {
        l.i++;
        g.total++;
      })]),
    ]);
    sys.atEnd("total", ({ g }) => g.total === 2);
    return sys;
  }));
  assert.equal(r.verdict, "ok");
  assert.equal(r.stats.states, 16);
});

Deno.test("processes: a system without processes is rejected", () => {
  const r = check(mk("empty", () => system({})));
  assert.equal(r.verdict, "error");
  assert.match(r.error!.message, /^Cannot check 'empty': the system has no process/);
});
