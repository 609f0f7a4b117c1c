// How the exact store packs states into words (checker/_packing.ts): the
// unrolled functions and the looped ones (for very wide states) agree, a
// packed state unpacks to itself, and a value too wide for its lane is
// reported, never truncated silently.

import assert from "node:assert/strict";
import fc from "fast-check";
import { fits, layoutOf, narrowest, widened } from "../../checker/_packing.ts";

const lanes = fc.constantFrom(8, 16, 32);

/** A layout's lane bits and a state whose every value fits them. */
const fitting = fc.array(lanes, { minLength: 0, maxLength: 40 }).chain((bits) =>
  fc.tuple(
    fc.constant(Uint8Array.from(bits)),
    fc.tuple(...bits.map((b) => fc.integer({ min: -(2 ** (b - 1)), max: 2 ** (b - 1) - 1 }))),
  )
);

Deno.test("packing: unrolled and looped layouts pack, hash and unpack alike, and round-trip", () => {
  fc.assert(
    fc.property(fitting, ([bits, values]) => {
      const s = Int32Array.from(values as number[]);
      const a = layoutOf(bits, true), b = layoutOf(bits, false);
      assert.equal(a.words, b.words);
      const qa = new Int32Array(a.words + 2), qb = new Int32Array(b.words + 2);
      const ha = a.pack(s, qa, 1), hb = b.pack(s, qb, 1);
      assert.equal(a.misfit[0], 0);
      assert.equal(b.misfit[0], 0);
      assert.equal(ha, hb);
      assert.deepEqual([...qa], [...qb]);
      assert.equal(a.equals(qa, 1, qb, 1), true);
      assert.equal(b.equals(qa, 1, qb, 1), true);
      const out = new Int32Array(s.length);
      a.unpack(qa, 1, out);
      assert.deepEqual([...out], [...s]);
      out.fill(0);
      b.unpack(qb, 1, out);
      assert.deepEqual([...out], [...s]);
    }),
    { numRuns: 500 },
  );
});

Deno.test("packing: states differing in one slot pack differently", () => {
  fc.assert(
    fc.property(fitting, fc.nat(), fc.integer({ min: -128, max: 127 }), (bv, at, v) => {
      const [bits, values] = bv;
      if (bits.length === 0) return;
      const i = at % bits.length;
      const s = Int32Array.from(values as number[]);
      const t = Int32Array.from(s);
      t[i] = v;
      if (t[i] === s[i]) return;
      for (const unroll of [true, false]) {
        const l = layoutOf(bits, unroll);
        const qs = new Int32Array(l.words), qt = new Int32Array(l.words);
        l.pack(s, qs, 0);
        l.pack(t, qt, 0);
        assert.equal(l.equals(qs, 0, qt, 0), false);
      }
    }),
    { numRuns: 300 },
  );
});

Deno.test("packing: a value too wide for its lane is reported, and widening makes it fit", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { minLength: 1, maxLength: 300 }),
      (values) => {
        const s = Int32Array.from(values);
        const narrow = narrowest(s.length);
        const q = new Int32Array(s.length);
        narrow.pack(s, q, 0);
        const allByte = values.every((v) => fits(v, 8));
        assert.equal(narrow.misfit[0], allByte ? 0 : 1);
        const wide = widened(narrow, s);
        wide.pack(s, q, 0);
        assert.equal(wide.misfit[0], 0);
        const out = new Int32Array(s.length);
        wide.unpack(q, 0, out);
        assert.deepEqual([...out], values);
        for (let i = 0; i < s.length; i++) {
          // The narrowest lane that fits.
          const want = fits(values[i]!, 8) ? 8 : fits(values[i]!, 16) ? 16 : 32;
          assert.equal(wide.bits[i], want);
        }
      },
    ),
    { numRuns: 300 },
  );
});
