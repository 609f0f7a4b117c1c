// Typed views of globals and locals: declarations, and every misuse in a
// guard or an effect reported as verdict "error" with a message naming the
// spec, the process (name#id), the step and where the step was written.

import assert from "node:assert/strict";
import {
  array,
  bool,
  check,
  type CheckResult,
  int,
  spec,
  SpecError,
  type System,
  system,
} from "../../mod.ts";

// deno-lint-ignore no-explicit-any
function mk(name: string, build: () => System<any>) {
  return spec({ name, params: {}, build });
}

const FILE = "tests/model/vars_test.ts";
const SELF = Deno.readTextFileSync(new URL(import.meta.url)).split("\n");

/** The 1-based line below the marker comment `// @loc <name>`. */
function lineAfter(name: string): number {
  const i = SELF.findIndex((l) => l.trim() === `// @${"loc"} ${name}`);
  assert.ok(i >= 0, `no marker for ${name}`);
  return i + 2;
}

/** Asserts an error verdict whose message has the full location. */
function assertError(
  r: CheckResult,
  where: { spec: string; process: string; step: string; marker: string },
  reason: RegExp,
): void {
  assert.equal(r.verdict, "error", `expected an error, got ${r.verdict}`);
  const msg = r.error!.message;
  // The source is relative to the working directory when it is the
  // repository root, else absolute.
  const prefix = `Cannot check '${where.spec}': process '${where.process}', step '${where.step}' (`;
  assert.ok(msg.startsWith(prefix), `message:\n  ${msg}\ndoes not start with\n  ${prefix}`);
  const source = msg.slice(prefix.length).split(")")[0]!;
  assert.match(source, new RegExp(`^(/.*/)?${FILE}:${lineAfter(where.marker)}:\\d+$`));
  assert.match(msg, reason);
  assert.equal(msg.split("\n").length, 1, "one line");
}

Deno.test("int: assigning above max is an error naming spec, process, step and source", () => {
  const r = check(mk("int_range", () => {
    const sys = system({ x: int(0, { min: 0, max: 1 }) });
    sys.process("p", {}, (s) => [
      s.do("first", ({ g }) => g.x++),
      // @loc int_range
      s.do("second", ({ g }) => g.x++),
    ]);
    return sys;
  }));
  assertError(
    r,
    { spec: "int_range", process: "p#0", step: "second", marker: "int_range" },
    /: cannot assign 2 to 'x': expected an integer in \[0, 1\]$/,
  );
  // The error is found in the state after `first`: 2 states were stored.
  assert.equal(r.stats.states, 2);
});

Deno.test("int: assigning below min is an error", () => {
  const r = check(mk("int_below", () => {
    const sys = system({ x: int(0, { min: 0, max: 3 }) });
    // @loc int_below
    sys.process("p", {}, (s) => [s.do("dec", ({ g }) => g.x--)]);
    return sys;
  }));
  assertError(
    r,
    { spec: "int_below", process: "p#0", step: "dec", marker: "int_below" },
    /cannot assign -1 to 'x': expected an integer in \[0, 3\]/,
  );
});

Deno.test("int: plain numbers are 32-bit: overflowing one is an error", () => {
  const r = check(mk("int32", () => {
    const sys = system({ x: 2147483647 });
    // @loc int32
    sys.process("p", {}, (s) => [s.do("inc", ({ g }) => g.x++)]);
    return sys;
  }));
  assertError(
    r,
    { spec: "int32", process: "p#0", step: "inc", marker: "int32" },
    /cannot assign 2147483648 to 'x'/,
  );
});

Deno.test("int: assigning a string, a fraction or NaN is an error", () => {
  for (const [bad, text] of [["a", "'a'"], [1.5, "1.5"], [NaN, "NaN"]] as const) {
    const r = check(mk("int_type", () => {
      const sys = system({ x: 0 });
      sys.process("p", {}, (s) => [
        // @loc int_type
        s.do("set", ({ g }) => {
          (g as Record<string, unknown>).x = bad;
        }),
      ]);
      return sys;
    }));
    assertError(
      r,
      { spec: "int_type", process: "p#0", step: "set", marker: "int_type" },
      new RegExp(`cannot assign ${text.replace(".", "\\.")} to 'x'`),
    );
  }
});

Deno.test("bool: assigning a number is an error", () => {
  const r = check(mk("bool_type", () => {
    const sys = system({ flag: bool(false) });
    sys.process("p", {}, (s) => [
      // @loc bool_type
      s.do("set", ({ g }) => {
        (g as Record<string, unknown>).flag = 1;
      }),
    ]);
    return sys;
  }));
  assertError(
    r,
    { spec: "bool_type", process: "p#0", step: "set", marker: "bool_type" },
    /cannot assign 1 to boolean 'flag'/,
  );
});

Deno.test("guards: assigning a global in a guard is an error", () => {
  const r = check(mk("guard_assign", () => {
    const sys = system({ x: 0 });
    sys.process("p", {}, (s) => [
      // @loc guard_assign
      s.when("sneaky", ({ g }) => {
        (g as { x: number }).x = 1;
        return true;
      }),
    ]);
    return sys;
  }));
  assertError(
    r,
    { spec: "guard_assign", process: "p#0", step: "sneaky", marker: "guard_assign" },
    /cannot assign to 'x' in a guard or predicate/,
  );
});

Deno.test("guards: assigning an array element in an if condition is an error", () => {
  const r = check(mk("guard_array", () => {
    const sys = system({ a: array(2) });
    sys.process("p", {}, (s) => [
      // @loc guard_array
      s.if(({ g }) => {
        (g as { a: number[] }).a[1] = 5;
        return true;
      }, []),
    ]);
    return sys;
  }));
  assertError(
    r,
    { spec: "guard_array", process: "p#0", step: "if", marker: "guard_array" },
    /cannot assign to 'a\[1\]' in a guard or predicate/,
  );
});

Deno.test("guards: assigning a local in an assertion is an error, naming the copy", () => {
  const r = check(mk("guard_local", () => {
    const sys = system({});
    sys.process("p", { count: 2, locals: { v: 0 } }, (s) => [
      // @loc guard_local
      s.assert("harmless?", ({ l, id }) => {
        if (id === 1) (l as { v: number }).v = 1;
        return true;
      }),
    ]);
    return sys;
  }));
  assertError(
    r,
    { spec: "guard_local", process: "p#1", step: "harmless?", marker: "guard_local" },
    /cannot assign to 'p(#1)?\.v' in a guard or predicate/,
  );
});

Deno.test("guards: a guard that throws is an error with the guard's message", () => {
  const r = check(mk("guard_throws", () => {
    const sys = system({});
    sys.process("p", {}, (s) => [
      s.do("start", () => {}),
      // @loc guard_throws
      s.when("explodes", () => {
        throw new Error("kaboom");
      }),
    ]);
    return sys;
  }));
  assertError(
    r,
    { spec: "guard_throws", process: "p#0", step: "explodes", marker: "guard_throws" },
    /: kaboom$/,
  );
});

Deno.test("array: writing an index out of range is an error", () => {
  const r = check(mk("array_index", () => {
    const sys = system({ a: array(2) });
    sys.process("p", { count: 3 }, (s) => [
      // @loc array_index
      s.do("write", ({ g, id }) => {
        g.a[id] = 1;
      }),
    ]);
    return sys;
  }));
  // p#0 and p#1 write fine; p#2 fails as soon as its step is expanded.
  assertError(
    r,
    { spec: "array_index", process: "p#2", step: "write", marker: "array_index" },
    /index 2 is out of range/,
  );
});

Deno.test("array: writing a negative index is an error", () => {
  const r = check(mk("array_negative", () => {
    const sys = system({ a: array(2) });
    sys.process("p", {}, (s) => [
      // @loc array_negative
      s.do("write", ({ g }) => {
        g.a[-1] = 1;
      }),
    ]);
    return sys;
  }));
  assertError(
    r,
    { spec: "array_negative", process: "p#0", step: "write", marker: "array_negative" },
    /index -1 is out of range/,
  );
});

Deno.test("array: push, pop, a new length and writes at fractional or undefined indices are errors", () => {
  const cases: [string, (a: number[]) => void, RegExp][] = [
    ["push", (a) => a.push(1), /index 2 is out of range/],
    ["pop", (a) => a.pop(), /length/],
    ["length", (a) => (a.length = 1), /length/],
    ["fraction", (a) => (a[0.5] = 1), /index 0\.5 is out of range/],
    ["undefined", (a) => (a[undefined as unknown as number] = 1), /no element 'undefined'/],
  ];
  for (const [name, write, reason] of cases) {
    const r = check(mk(`array_${name}`, () => {
      const sys = system({ a: array(2) });
      sys.process("p", {}, (s) => [s.do(name, ({ g }) => write(g.a as unknown as number[]))]);
      return sys;
    }));
    assert.equal(r.verdict, "error", name);
    assert.match(r.error!.message, reason, name);
    assert.match(r.error!.message, new RegExp(`step '${name}'`), name);
  }
});

Deno.test("array: array methods work on array views and see the state", () => {
  const r = check(mk("array_methods", () => {
    const sys = system({ a: array(3, [1, 2, 3]), sum: 0, has: false });
    sys.process("p", {}, (s) => [
      s.do("fold", ({ g }) => {
        // IntArray types only indexing and length; at run time it is an array.
        const a = g.a as unknown as number[];
        g.sum = a.map((x) => x * 2).reduce((x, y) => x + y, 0) + [...a].length;
        g.has = a.includes(3) && Array.isArray(a);
        a.fill(0, 1);
      }),
    ]);
    sys.atEnd("folded", ({ g }) => {
      const a = g.a as unknown as number[];
      return g.sum === 15 && g.has && a.join() === "1,0,0";
    });
    return sys;
  }));
  assert.equal(r.verdict, "ok");
  assert.equal(r.stats.states, 2);
});

Deno.test("array: reading an index out of range gives undefined, and storing it is an error", () => {
  // Documented limit (model/vars.ts IntArray, model/_views.ts): array views
  // are plain arrays for speed (writes out of range throw), so a read out of range is
  // `undefined` as in JavaScript. A comparison with it is false (here the
  // guard never holds: a deadlock in the initial state) ...
  const guarded = check(mk("array_read", () => {
    const sys = system({ a: array(2) });
    sys.process("p", {}, (s) => [s.when("reads a[7]", ({ g }) => g.a[7] === 0)]);
    return sys;
  }));
  assert.equal(guarded.verdict, "violation");
  assert.equal(guarded.violation?.property, "deadlock");
  // ... and storing it anywhere is an error naming the step.
  const stored = check(mk("array_read_store", () => {
    const sys = system({ a: array(2), x: 0 });
    sys.process("p", {}, (s) => [
      // @loc array_read_store
      s.do("copies a[7]", ({ g }) => {
        g.x = g.a[7]!;
      }),
    ]);
    return sys;
  }));
  assertError(
    stored,
    { spec: "array_read_store", process: "p#0", step: "copies a[7]", marker: "array_read_store" },
    /cannot assign undefined to 'x'/,
  );
});

Deno.test("array: an element value out of range is an error", () => {
  const r = check(mk("array_value", () => {
    const sys = system({ a: array(2, 0, { min: 0, max: 3 }) });
    sys.process("p", {}, (s) => [
      // @loc array_value
      s.do("write", ({ g }) => {
        g.a[1] = 4;
      }),
    ]);
    return sys;
  }));
  assertError(
    r,
    { spec: "array_value", process: "p#0", step: "write", marker: "array_value" },
    /cannot assign 4 to 'a\[1\]': expected an integer in \[0, 3\]/,
  );
});

Deno.test("array: assigning a whole array is an error", () => {
  const r = check(mk("array_whole", () => {
    const sys = system({ a: array(2) });
    sys.process("p", {}, (s) => [
      // @loc array_whole
      s.do("replace", ({ g }) => {
        (g as Record<string, unknown>).a = [1, 2];
      }),
    ]);
    return sys;
  }));
  assertError(
    r,
    { spec: "array_whole", process: "p#0", step: "replace", marker: "array_whole" },
    /cannot assign a whole array to 'a'/,
  );
});

Deno.test("locals: out of range names the copy that failed", () => {
  const r = check(mk("local_range", () => {
    const sys = system({});
    sys.process("p", { count: 2, locals: { v: int(0, { min: 0, max: 10 }) } }, (s) => [
      // @loc local_range
      s.do("set", ({ l, id }) => {
        l.v = id === 1 ? 99 : 5;
      }),
    ]);
    return sys;
  }));
  assertError(
    r,
    { spec: "local_range", process: "p#1", step: "set", marker: "local_range" },
    /cannot assign 99 to 'p(#1)?\.v': expected an integer in \[0, 10\]/,
  );
});

Deno.test("declarations: int(), bool() and array() describe their variables", () => {
  assert.deepEqual(int(3, { min: 0, max: 7 }), { type: "int", init: 3, min: 0, max: 7 });
  assert.deepEqual(int(0), { type: "int", init: 0, min: -2147483648, max: 2147483647 });
  assert.deepEqual(bool(true), { type: "bool", init: true });
  assert.deepEqual(array(3, [1, 2, 3], { min: 0 }), {
    type: "array",
    length: 3,
    init: [1, 2, 3],
    min: 0,
    max: 2147483647,
  });
  assert.equal(array(2).init, 0);
});

Deno.test("declarations: initial values are what guards and effects see", () => {
  // Every read below must see the declared initial value, and effects must
  // store what they write: the final property checks both.
  const r = check(mk("inits", () => {
    const sys = system({
      n: 7,
      m: int(-3, { min: -5, max: 5 }),
      f: true,
      b: bool(false),
      a: array(3, [4, 5, 6]),
      z: array(2, 9),
    });
    sys.process("p", { locals: { i: 2, ok: false } }, (s) => [
      s.when(
        "initial values",
        ({ g, l }) =>
          g.n === 7 && g.m === -3 && g.f === true && g.b === false && g.a.length === 3 &&
          g.a[0] === 4 && g.a[2] === 6 && g.z[0] === 9 && g.z[1] === 9 && l.i === 2 &&
          l.ok === false,
      ),
      s.do("write", ({ g, l }) => {
        g.a[1] = g.a[0]! + g.a[2]!;
        g.b = !g.b;
        g.m = -5;
        l.ok = true;
      }),
    ]);
    sys.atEnd(
      "writes kept",
      ({ g }) => g.a[1] === 10 && g.b && g.m === -5 && Array.from(g.a).join(",") === "4,10,6",
    );
    return sys;
  }));
  assert.equal(r.verdict, "ok", r.error?.message ?? r.violation?.message);
  assert.equal(r.stats.states, 3);
  // The printed state names every variable.
  const model = mk("fmt", () => {
    const sys = system({ n: 7, b: bool(false), a: array(2, [1, 2]) });
    sys.process("p", { locals: { i: 3 } }, (s) => [s.do("a", () => {})]);
    return sys;
  }).compile();
  const states: string[] = [];
  model.init((st) => states.push(model.explanation!.format(st)));
  assert.deepEqual(states, ["n=7 b=false a=[1,2] p#0@a{i=3}"]);
});

Deno.test("declarations: bad ones are rejected at compile, naming the variable", () => {
  // deno-lint-ignore no-explicit-any
  const cases: [string, () => System<any>, RegExp][] = [
    [
      "start above max",
      () => system({ x: int(5, { min: 0, max: 3 }) }),
      /variable 'x' starts at 5, outside \[0, 3\]/,
    ],
    [
      "min above max",
      () => system({ x: int(0, { min: 3, max: 1 }) }),
      /variable 'x' has min 3 > max 1/,
    ],
    ["fraction", () => system({ x: 1.5 }), /variable 'x' must be a 32-bit integer, got 1\.5/],
    ["too big", () => system({ x: 2 ** 31 }), /variable 'x' must be a 32-bit integer/],
    ["empty array", () => system({ a: array(0) }), /array 'a' must have length >= 1, got 0/],
    [
      "init count",
      () => system({ a: array(2, [1, 2, 3]) }),
      /array 'a' has length 2 but 3 initial values/,
    ],
    [
      "array init range",
      () => system({ a: array(2, 9, { max: 3 }) }),
      /array 'a' starts with 9, outside/,
    ],
    [
      "string",
      () => system({ s: "x" as unknown as number }),
      /variable 's' must be a number, a boolean, int\(\), bool\(\) or array\(\)/,
    ],
  ];
  for (const [what, sysOf, reason] of cases) {
    const s = mk(`decl_${what.replaceAll(" ", "_")}`, () => {
      const sys = sysOf();
      sys.process("p", {}, (b) => [b.do("a", () => {})]);
      return sys;
    });
    assert.throws(() => s.compile(), (e: unknown) => {
      assert.ok(e instanceof SpecError, what);
      assert.match(e.message, new RegExp(`^Cannot check '${s.name}': `), what);
      assert.match(e.message, reason, what);
      return true;
    });
    assert.equal(check(s).verdict, "error", what);
  }
});

Deno.test("declarations: a bad local is rejected naming the process", () => {
  const s = mk("bad_local", () => {
    const sys = system({});
    sys.process("worker", { locals: { i: int(-1, { min: 0 }) } }, (b) => [b.do("a", () => {})]);
    return sys;
  });
  assert.throws(
    () => s.compile(),
    /^SpecError: Cannot check 'bad_local': process 'worker': variable 'i' starts at -1/,
  );
});

Deno.test("declarations: int() ranges beyond 32 bits are rejected", {
  // BUG: validateDecl (model/_views.ts) does not check that min/max of int()
  // and array() fit the Int32 slot, so int(0, { min: -1e12, max: 1e12 }) is
  // accepted and assigning 3_000_000_000 passes the range check but is
  // stored wrapped: the state holds -1294967296 and an `x > 0` assertion
  // fails. Expected: a SpecError at compile (or an error on the assignment).
  // Actual: verdict violation of 'x positive' with state x=-1294967296.
  ignore: false,
}, () => {
  const r = check(mk("wide", () => {
    const sys = system({ x: int(0, { min: -1e12, max: 1e12 }) });
    sys.process("p", {}, (s) => [
      s.do("big", ({ g }) => {
        g.x = 3_000_000_000;
      }),
      s.assert("x positive", ({ g }) => g.x > 0),
    ]);
    return sys;
  }));
  assert.equal(r.verdict, "error");
});
