// Type-level tests: `deno test` type-checks this file, and every
// `@ts-expect-error` below fails the check if the line it marks compiles,
// so each one proves `deno check` rejects a mistake in a spec.
import assert from "node:assert/strict";
import { array, channel, check, spec, system } from "../../mod.ts";

Deno.test("deno check rejects misspelt variables and wrong-typed values in a spec", () => {
  const ch = channel("ch", 1);
  const typed = spec({
    name: "typed",
    params: { n: 2, fast: false },
    build: (p) => {
      // @ts-expect-error a misspelt parameter
      const _missing: number = p.nn;
      // @ts-expect-error a boolean parameter used as a number
      const _wrong: number = p.fast;
      const sys = system({ count: 0, flag: false, buf: array(2) });
      sys.process("proc", { locals: { i: 0, ok: true } }, (s) => [
        // @ts-expect-error a misspelt global
        s.do("a", ({ g }) => g.cont++),
        // @ts-expect-error a misspelt local
        s.do("b", ({ l }) => l.j++),
        s.do("c", ({ g }) => {
          // @ts-expect-error a number assigned to a boolean global
          g.flag = 3;
        }),
        s.do("d", ({ l }) => {
          // @ts-expect-error a string assigned to a number local
          l.i = "one";
        }),
        s.do("e", ({ g }) => {
          // @ts-expect-error an array global assigned a number
          g.buf = 1;
        }),
        // @ts-expect-error a guard must return a boolean
        s.when("f", ({ g }) => g.count),
        // @ts-expect-error receiving into an unknown local
        s.recv(ch, "nope"),
        // @ts-expect-error receiving into a boolean local
        s.recv(ch, "ok"),
        s.send(ch, ({ l }) => l.i),
        s.recv(ch, "i"),
      ]);
      return sys;
    },
  });
  // The well-typed parts still compile and run (the bad ones are never reached
  // by a check that stops at the first error).
  assert.equal(typed.name, "typed");
  assert.equal(check(typed).verdict, "error");
});

Deno.test("locals are typed per process and globals are shared", () => {
  const s = spec({
    name: "scoped",
    params: {},
    build: () => {
      const sys = system({ shared: 0 });
      sys.process("a", { locals: { onlyA: 1 } }, (b) => [
        b.do("copy", ({ g, l }) => {
          g.shared = l.onlyA;
        }),
      ]);
      sys.process("b", { locals: { onlyB: 2 } }, (b) => [
        // @ts-expect-error a local of another process
        b.do("peek", ({ l }) => l.onlyA),
      ]);
      return sys;
    },
  });
  assert.equal(s.resolve().constructor, Object);
});
