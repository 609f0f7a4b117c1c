// The exact state store (checker/_store.ts): states kept in 16-bit slots
// while every value fits, widened to 32 bits by the first that does not,
// without losing or confusing a state.

import assert from "node:assert/strict";
import fc from "fast-check";
import { ExactStore } from "../../checker/_store.ts";
import { check, spec, system } from "../../mod.ts";

Deno.test("the exact store keeps states with values beyond 16 bits after narrow ones", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.array(fc.integer({ min: -70000, max: 70000 }), { minLength: 3, maxLength: 3 }),
        { minLength: 1, maxLength: 300 },
      ),
      (states) => {
        const store = new ExactStore(3);
        const index = new Map<string, number>();
        for (const s of states) {
          const key = s.join();
          const idx = store.insert(Int32Array.from(s), -1, 0);
          if (index.has(key)) assert.equal(idx, -1, `${key} inserted twice`);
          else {
            assert.equal(idx, index.size);
            index.set(key, idx);
          }
        }
        assert.equal(store.count, index.size);
        const out = new Int32Array(3);
        for (const [key, idx] of index) {
          store.read(idx, out);
          assert.equal(out.join(), key);
          assert.equal(store.indexOf(Int32Array.from(key.split(",").map(Number))), idx);
        }
        assert.equal(store.has(Int32Array.from([70001, 0, 0])), false);
      },
    ),
    { numRuns: 200 },
  );
});

Deno.test("the exact store takes 2 bytes a slot while values fit in 16 bits, 4 after", () => {
  const store = new ExactStore(4, 16);
  store.insert(Int32Array.from([1, 2, 3, 32767]), -1, 0);
  const narrow = store.bytes;
  store.insert(Int32Array.from([1, 2, 3, 32768]), 0, 1);
  assert.equal(store.bytes - narrow > 4 * 4, true, "the second state and the widening cost more");
  const out = new Int32Array(4);
  store.read(0, out);
  assert.deepEqual([...out], [1, 2, 3, 32767]);
  store.read(1, out);
  assert.deepEqual([...out], [1, 2, 3, 32768]);
  assert.deepEqual(store.path(1), { init: 0, transitions: [1] });
});

Deno.test("a spec whose counter passes 32767 has the same states as one that counts by one", () => {
  const counter = (step: number) =>
    spec({
      name: `count by ${step}`,
      params: {},
      build: () => {
        const sys = system({ x: 0 });
        sys.process("p", { count: 2 }, (s) => [
          s.while(({ g }) => g.x < 4 * step, [s.do("add", ({ g }) => (g.x += step))]),
        ]);
        return sys;
      },
    });
  const small = check(counter(1)), big = check(counter(20000));
  assert.equal(big.verdict, "ok");
  assert.equal(big.stats.states, small.stats.states);
  assert.equal(big.stats.transitions, small.stats.transitions);
});
