// The purity check: a state expanded twice must give the same successors.

import assert from "node:assert/strict";
import { spec, system } from "../../mod.ts";
import { impurity, PuritySampler } from "../../checker/_purity.ts";

function initial(model: ReturnType<ReturnType<typeof spec>["compile"]>): Int32Array {
  let s: Int32Array | undefined;
  model.init((st) => {
    s ??= st.slice();
  });
  return s!;
}

Deno.test("purity: a random effect is impure, naming its step", () => {
  const random = spec({
    name: "random",
    params: {},
    build: () => {
      const sys = system({ x: 0 });
      sys.process("p", {}, (s) => [
        s.do("roll", ({ g }) => {
          g.x = Math.floor(Math.random() * 1_000_000);
        }),
      ]);
      return sys;
    },
  });
  const model = random.compile();
  assert.match(impurity(model, initial(model)) ?? "", /^impure spec: step 'roll' of p#0 \(/);
});

Deno.test("purity: an effect that changes a captured variable is impure", () => {
  let calls = 0;
  const captured = spec({
    name: "captured",
    params: {},
    build: () => {
      const sys = system({ x: 0 });
      sys.process("p", {}, (s) => [
        s.do("count", ({ g }) => {
          g.x = ++calls;
        }),
      ]);
      return sys;
    },
  });
  const model = captured.compile();
  assert.match(impurity(model, initial(model)) ?? "", /step 'count' of p#0/);
});

Deno.test("purity: a deterministic spec passes", () => {
  const pure = spec({
    name: "pure",
    params: {},
    build: () => {
      const sys = system({ x: 0 });
      sys.process("p", { count: 2 }, (s) => [s.do("inc", ({ g }) => g.x++)]);
      return sys;
    },
  });
  const model = pure.compile();
  assert.equal(impurity(model, initial(model)), undefined);
});

Deno.test("purity: the sampler takes the first states, then one in every n", () => {
  const s = new PuritySampler(2, 4);
  assert.deepEqual(
    Array.from({ length: 10 }, () => s.next()),
    [true, true, false, false, true, false, false, false, true, false],
  );
});
