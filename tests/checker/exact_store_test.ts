// The exact state store (checker/_store.ts): states packed in lanes of 8
// bits per slot while the slot's values fit, a lane widened to 16 or 32 bits
// by the first value that does not, without losing or confusing a state.

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

Deno.test("the exact store packs four byte-sized slots a word and widens only the slot that overflows", () => {
  const store = new ExactStore(4, 16);
  store.insert(Int32Array.from([1, 2, 3, 127]), -1, 0);
  assert.equal(store.words, 1);
  store.insert(Int32Array.from([1, 2, 3, 128]), 0, 1);
  // Three 8-bit lanes and one of 16 bits: 40 bits, two words.
  assert.equal(store.words, 2);
  store.insert(Int32Array.from([-128, 2, 3, 70000]), 1, 2);
  assert.equal(store.words, 2, "the last lane is now 32 bits, in a word of its own");
  store.insert(Int32Array.from([-129, 2, 3, 0]), 2, 3);
  assert.equal(store.words, 2, "lanes of 16 + 8 + 8 bits fill one word, the 32-bit lane another");
  const out = new Int32Array(4);
  const want = [[1, 2, 3, 127], [1, 2, 3, 128], [-128, 2, 3, 70000], [-129, 2, 3, 0]];
  want.forEach((s, i) => {
    store.read(i, out);
    assert.deepEqual([...out], s);
    assert.equal(store.indexOf(Int32Array.from(s)), i);
  });
  assert.equal(store.bytes, 4 * (2 * 4 + 8) + 2 * 1024 * 4);
  assert.deepEqual(store.path(3), { init: 0, transitions: [1, 2, 3] });
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
