// The modelling language's later constructs (issue 16): guarded commands and
// `timeout`. Exact state counts of tiny specs (derived by hand in the
// comments), verdicts, generated code against the interpreter, and the
// reductions (partial-order, symmetry) against the unreduced search.
//
// Notation: a state is written (pc of each process, the variables that
// matter); "end" is a finished process.

import assert from "node:assert/strict";
import { check, choose, type CompileOptions, spec, system, timeout } from "../../mod.ts";
import type { Model } from "../../extend.ts";
import type { AnySpec } from "../_pins.ts";

/**
 * Every successor each reachable state has, as text, under `options`
 * (breadth-first over the interpreter's states): what the generated code
 * must reproduce exactly.
 */
function expansions(s: AnySpec, options: CompileOptions): string[] {
  const model: Model = s.compile({}, options);
  const out: string[] = [];
  const seen = new Set<string>();
  const queue: Int32Array[] = [];
  model.init((st) => {
    seen.add(st.join());
    queue.push(st.slice());
  });
  while (queue.length > 0) {
    const st = queue.shift()!;
    const n = model.expand(st, {
      push(next, t) {
        out.push(`${st.join()} -${t}-> ${next.join()}`);
        if (!seen.has(next.join())) {
          seen.add(next.join());
          queue.push(next.slice());
        }
        return true;
      },
      fail(p, t, msg) {
        out.push(`${st.join()} -${t}-> fail ${p} ${msg}`);
      },
    });
    out.push(`${st.join()} n=${n}`);
  }
  return out;
}

/** Generated code and interpreter agree; reductions keep the verdict. */
function assertAgreement(s: AnySpec): void {
  assert.deepEqual(expansions(s, {}), expansions(s, { interpret: true }), `${s.name}: codegen`);
  const full = check(s);
  const por = check(s, { reduction: "por" });
  assert.equal(por.verdict, full.verdict, `${s.name}: por verdict`);
  assert.equal(por.violation?.property, full.violation?.property, `${s.name}: por property`);
  assert.ok(por.stats.states <= full.stats.states, `${s.name}: por states`);
  const sym = check(s, { symmetry: true });
  assert.equal(sym.verdict, full.verdict, `${s.name}: symmetry verdict`);
  assert.equal(sym.violation?.property, full.violation?.property, `${s.name}: symmetry property`);
}

/** Two copies claim a flag, by a guarded command or by a wait and a separate step. */
const claim = (guarded: boolean) =>
  spec({
    name: guarded ? "guarded_claim" : "split_claim",
    params: {},
    build: () => {
      const sys = system({ busy: false, owners: 0 });
      sys.process("w", { count: 2, symmetric: true }, (s) => [
        ...(guarded
          ? [s.when("claim", ({ g }) => !g.busy, ({ g }) => {
            g.busy = true;
            g.owners++;
          })]
          : [
            s.when("free", ({ g }) => !g.busy),
            s.do("claim", ({ g }) => {
              g.busy = true;
              g.owners++;
            }),
          ]),
        s.do("release", ({ g }) => {
          g.busy = false;
          g.owners--;
        }),
      ]);
      sys.always("one owner", ({ g }) => g.owners <= 1);
      return sys;
    },
  });

Deno.test("when with an effect: a guarded command is one transition", () => {
  // Each copy is at claim, release or end, and at most one at release:
  // (c,c) (r,c) (c,r) (e,c) (c,e) (r,e) (e,r) (e,e): 8 states, the flag
  // and the count following from the pcs.
  const r = check(claim(true));
  assert.equal(r.verdict, "ok");
  assert.equal(r.stats.states, 8);
  // As two steps, both copies can pass the wait before either claims.
  const split = check(claim(false));
  assert.equal(split.verdict, "violation");
  assert.equal(split.violation?.property, "one owner");
  assert.deepEqual(
    split.violation?.steps.map((s) => `${s.process} ${s.operation}`),
    ["w#0 when free", "w#1 when free", "w#0 claim", "w#1 claim"],
  );
  assertAgreement(claim(true));
  assertAgreement(claim(false));
});

Deno.test("when with an effect: blocked while the guard fails, the effect sees the guard's state", () => {
  // p: when x==1 then x=x+1; q: x=1.  (w,q,0) -> q -> (w,end,1) -> p ->
  // (end,end,2): p cannot move first, 3 states.
  const s = spec({
    name: "guarded_wait",
    params: {},
    build: () => {
      const sys = system({ x: 0 });
      sys.process("p", {}, (s) => [s.when("x is 1", ({ g }) => g.x === 1, ({ g }) => g.x++)]);
      sys.process("q", {}, (s) => [s.do("set", ({ g }) => {
        g.x = 1;
      })]);
      sys.atEnd("x is 2", ({ g }) => g.x === 2);
      return sys;
    },
  });
  const r = check(s);
  assert.equal(r.verdict, "ok");
  assert.equal(r.stats.states, 3);
  assertAgreement(s);
});

Deno.test("when with an effect: a guard that never holds deadlocks, and the effect never runs", () => {
  const s = spec({
    name: "guarded_never",
    params: {},
    build: () => {
      const sys = system({ x: 0 });
      sys.process("p", {}, (s) => [s.when("never", () => false, ({ g }) => {
        g.x = 1;
      })]);
      sys.always("x stays 0", ({ g }) => g.x === 0);
      return sys;
    },
  });
  const r = check(s);
  assert.equal(r.verdict, "violation");
  assert.equal(r.violation?.property, "deadlock");
  assert.equal(r.stats.states, 1);
});

/** `a` waits for timeout while `b` counts to 3 (and, with `stuck`, `c` blocks for ever). */
const counting = (stuck: boolean) =>
  spec({
    name: stuck ? "timeout_stuck" : "timeout_counting",
    params: {},
    build: () => {
      const sys = system({ fired: 0, n: 0 });
      sys.process("a", {}, (s) => [s.when("expire", timeout, ({ g }) => g.fired++)]);
      sys.process("b", { locals: { i: 0 } }, (s) => [
        s.while(({ l }) => l.i < 3, [s.do("inc", ({ l, g }) => {
          l.i++;
          g.n++;
        })]),
      ]);
      if (stuck) sys.process("c", {}, (s) => [s.when("never", () => false)]);
      sys.always("fires only once b is done", ({ g }) => g.fired === 0 || g.n === 3);
      return sys;
    },
  });

Deno.test("timeout: enabled exactly when no other transition is", () => {
  // b has 8 positions (while and inc for i = 0..2, while at i = 3, end),
  // during which a waits: 8 states; then only a's timeout is enabled: 9.
  const r = check(counting(false));
  assert.equal(r.verdict, "ok");
  assert.equal(r.stats.states, 9);
  assertAgreement(counting(false));
});

Deno.test("timeout: a process blocked for ever does not stop it; the deadlock comes after", () => {
  // The same 8 states, then a's timeout (c's wait is blocked, not
  // enabled): 9 states, and the last one is a deadlock of c.
  const r = check(counting(true));
  assert.equal(r.verdict, "violation");
  assert.equal(r.violation?.property, "deadlock");
  assert.equal(r.stats.states, 9);
  const last = r.violation!.steps.at(-1)!;
  assert.equal(`${last.process} ${last.operation}`, "a#0 when timeout: expire");
  assertAgreement(counting(true));
});

Deno.test("timeout: as a choose branch, taken only when the other branch cannot be", () => {
  // q sets x or idles; p waits for x, or gives up on timeout.
  // (ch,ch,0) -set-> (ch,end,1) -x set-> (end,end,1);
  // (ch,ch,0) -idle-> (ch,end,0) -timeout-> (note,end,0) -> (end,end,0,gave up):
  // 6 states, and p gives up exactly when x was never set.
  const s = spec({
    name: "timeout_choose",
    params: {},
    build: () => {
      const sys = system({ x: 0, gaveUp: false });
      sys.process("p", {}, (s) => [
        choose(
          [s.when("x set", ({ g }) => g.x === 1)],
          [
            s.when("give up", timeout),
            s.do("note", ({ g }) => {
              g.gaveUp = true;
            }),
          ],
        ),
      ]);
      sys.process("q", {}, (s) => [
        choose([s.do("set", ({ g }) => {
          g.x = 1;
        })], [s.do("idle", () => {})]),
      ]);
      sys.atEnd("gives up iff x unset", ({ g }) => g.gaveUp === (g.x === 0));
      return sys;
    },
  });
  const r = check(s);
  assert.equal(r.verdict, "ok");
  assert.equal(r.stats.states, 6);
  assertAgreement(s);
});

Deno.test("timeout: called inside another guard, it is an error naming the step", () => {
  const s = spec({
    name: "timeout_inside",
    params: {},
    build: () => {
      const sys = system({ x: 0 });
      sys.process("p", {}, (s) => [s.when("mixed", ({ g }) => g.x === 0 && timeout())]);
      return sys;
    },
  });
  const r = check(s);
  assert.equal(r.verdict, "error");
  assert.match(
    r.error?.message ?? "",
    /timeout is a guard of its own.*mixed|mixed.*timeout is a guard/s,
  );
});
