// Spec parameters: defaults, overrides from text, and every bad value a
// SpecError naming the spec and the parameter.

import assert from "node:assert/strict";
import { check, spec, SpecError, system } from "../../mod.ts";

/** A spec with one int, one bool and one ranged parameter; x counts to n. */
const counter = spec({
  name: "counter",
  description: "counts to n",
  params: { n: 2, fast: false, slots: { default: 2, min: 1, max: 4, doc: "buffer slots" } },
  build: (p) => {
    const sys = system({ x: 0, fast: p.fast, slots: p.slots });
    sys.process("p", { locals: { i: 0 } }, (s) => [
      s.while(({ l }) => l.i < p.n, [s.do("inc", ({ g, l }) => {
        l.i++;
        g.x++;
      })]),
    ]);
    sys.atEnd("x is n", ({ g }) => g.x === p.n);
    return sys;
  },
});

function assertSpecError(f: () => unknown, reason: RegExp): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof SpecError, `expected a SpecError, got ${e}`);
    assert.equal(e.spec, "counter");
    assert.match(e.message, /^Cannot check 'counter': /);
    assert.match(e.message, reason);
    return true;
  });
}

Deno.test("params: defaults, including a ranged parameter's default", () => {
  assert.deepEqual(counter.resolve(), { n: 2, fast: false, slots: 2 });
  assert.deepEqual(counter.resolve({}), { n: 2, fast: false, slots: 2 });
  assert.equal(counter.expect, "ok");
  assert.equal(counter.description, "counts to n");
});

Deno.test("params: overrides from strings, numbers and booleans", () => {
  assert.deepEqual(counter.resolve({ n: "3" }), { n: 3, fast: false, slots: 2 });
  assert.deepEqual(counter.resolve({ fast: "true" }), { n: 2, fast: true, slots: 2 });
  assert.deepEqual(counter.resolve({ fast: "false", n: 0 }), { n: 0, fast: false, slots: 2 });
  assert.deepEqual(counter.resolve({ fast: true, slots: "4" }), { n: 2, fast: true, slots: 4 });
  assert.deepEqual(counter.resolve({ n: "-1" }), { n: -1, fast: false, slots: 2 });
});

Deno.test("params: the values reach build(), and the state space follows them", () => {
  // while (i < n) {i++, x++}: 2n + 2 states.
  for (const n of [0, 1, 3]) {
    const r = check(counter, { params: { n: String(n) } });
    assert.equal(r.verdict, "ok");
    assert.deepEqual(r.params, { n, fast: false, slots: 2 });
    assert.equal(r.stats.states, 2 * n + 2);
  }
  const model = counter.compile({ fast: "true", slots: 3 });
  const states: string[] = [];
  model.init((s) => states.push(model.explanation!.format(s)));
  assert.deepEqual(states, ["x=0 fast=true slots=3 p#0@while{i=0}"]);
});

Deno.test("params: an unknown parameter is a SpecError naming it and the known ones", () => {
  assertSpecError(
    () => counter.resolve({ m: 1 }),
    /unknown parameter 'm' \(parameters: n, fast, slots\)$/,
  );
  assertSpecError(() => counter.compile({ m: "1" }), /unknown parameter 'm'/);
  const none = spec({
    name: "none",
    params: {},
    build: () => {
      const sys = system({});
      sys.process("p", {}, (s) => [s.do("a", () => {})]);
      return sys;
    },
  });
  assert.throws(() => none.resolve({ x: 1 }), /unknown parameter 'x' \(the spec has none\)/);
});

Deno.test("params: a wrong-typed value is a SpecError naming the parameter", () => {
  assertSpecError(
    () => counter.resolve({ n: "abc" }),
    /parameter 'n' must be an integer, got 'abc'/,
  );
  assertSpecError(
    () => counter.resolve({ n: "1.5" }),
    /parameter 'n' must be an integer, got '1.5'/,
  );
  assertSpecError(() => counter.resolve({ n: 1.5 }), /parameter 'n' must be an integer/);
  assertSpecError(() => counter.resolve({ n: "" }), /parameter 'n' must be an integer, got ''/);
  assertSpecError(
    () => counter.resolve({ n: true }),
    /parameter 'n' must be an integer, got 'true'/,
  );
  assertSpecError(
    () => counter.resolve({ fast: "yes" }),
    /parameter 'fast' must be true or false, got 'yes'/,
  );
  assertSpecError(() => counter.resolve({ fast: 1 }), /parameter 'fast' must be true or false/);
  assertSpecError(() => counter.resolve({ slots: "two" }), /parameter 'slots' must be an integer/);
});

Deno.test("params: min and max bound a ranged parameter", () => {
  assert.equal(counter.resolve({ slots: 1 }).slots, 1);
  assert.equal(counter.resolve({ slots: "4" }).slots, 4);
  assertSpecError(() => counter.resolve({ slots: 0 }), /parameter 'slots' must be >= 1, got 0/);
  assertSpecError(() => counter.resolve({ slots: "5" }), /parameter 'slots' must be <= 4, got 5/);
});

Deno.test("params: check() turns a bad parameter into verdict error, never a throw", () => {
  const r = check(counter, { params: { slots: "abc" } });
  assert.equal(r.verdict, "error");
  assert.equal(
    r.error?.message,
    "Cannot check 'counter': parameter 'slots' must be an integer, got 'abc'",
  );
  assert.equal(r.stats.states, 0);
});

Deno.test("params: names of Object.prototype members are unknown parameters too", {
  // BUG: Spec.resolve (model/spec.ts) looks the name up with
  // `this.params[k]`, which finds inherited members: `constructor`,
  // `toString`, `hasOwnProperty`... are accepted as parameters and passed
  // to build(). Expected: SpecError "unknown parameter 'constructor'".
  // Actual: resolve({ constructor: "3" }) returns { ..., constructor: 3 }.
  ignore: false,
}, () => {
  assertSpecError(() => counter.resolve({ constructor: "3" }), /unknown parameter 'constructor'/);
  assertSpecError(() => counter.resolve({ toString: "3" }), /unknown parameter 'toString'/);
});

Deno.test("params: a default outside its own min/max is rejected", {
  // BUG: only overrides are checked against min/max (Spec.#parse); a
  // declared default is taken as is. Expected: a SpecError naming the spec
  // and the parameter. Actual: resolve() returns { n: 0 } although min is 1.
  ignore: false,
}, () => {
  const bad = spec({
    name: "counter",
    params: { n: { default: 0, min: 1, max: 3 } },
    build: () => {
      const sys = system({});
      sys.process("p", {}, (s) => [s.do("a", () => {})]);
      return sys;
    },
  });
  assertSpecError(() => bad.resolve(), /parameter 'n' must be >= 1, got 0/);
});

Deno.test("build: a throwing build() is a SpecError naming the spec", () => {
  const s = spec({
    name: "counter",
    params: { n: 1 },
    build: (p) => {
      if (p.n > 0) throw new RangeError("n too large for this build");
      return system({});
    },
  });
  assertSpecError(() => s.compile(), /^Cannot check 'counter': n too large for this build$/);
  const r = check(s);
  assert.equal(r.verdict, "error");
  assert.equal(r.error?.message, "Cannot check 'counter': n too large for this build");
});

Deno.test("build: returning something else than a system is a SpecError", () => {
  const s = spec({
    name: "counter",
    params: {},
    // deno-lint-ignore no-explicit-any
    build: () => ({ processes: [] }) as any,
  });
  assertSpecError(() => s.compile(), /build\(\) must return the system made by system\(\)/);
});

Deno.test("spec: an expected violation is kept as declared", () => {
  const s = spec({
    name: "x",
    params: {},
    expect: { violation: ["a", "b"] },
    build: () => system({}),
  });
  assert.deepEqual(s.expect, { violation: ["a", "b"] });
  assert.equal(s.description, "");
});
