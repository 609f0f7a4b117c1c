// The testing API: property tests over spec configurations, with
// fast-check's report (seed, path, the shrunk configuration) and the check's
// report (the shortest trace) when a configuration fails.

import assert from "node:assert/strict";
import fc from "fast-check";
import { Spec, spec, system } from "../mod.ts";
import { assertAllConfigs, configs, forAllConfigs } from "../testing.ts";

// deno-lint-ignore no-explicit-any
type AnySpec = Spec<any>;

async function load(file: string, name: string): Promise<AnySpec> {
  const mod = await import(new URL(`../specs/${file}`, import.meta.url).href);
  assert.ok(mod[name] instanceof Spec, `${file} exports ${name}`);
  return mod[name];
}

const pcNoMutex = await load("pc_no_mutex.ts", "pcNoMutex");
const pcSwappedWaits = await load("pc_swapped_waits.ts", "pcSwappedWaits");
const pcSemaphore = await load("pc_semaphore.ts", "pcSemaphore");

/** The error thrown by `fn`, which must throw. */
function thrown(fn: () => void): Error {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof Error);
    return e;
  }
  assert.fail("expected an error");
}

Deno.test("assertAllConfigs(): the bounded buffer is correct for 1..3 slots and 1..2 producers", () => {
  assertAllConfigs(pcSemaphore, { slots: [1, 3], producers: [1, 2] }, { maxStates: 50_000 });
});

Deno.test("assertAllConfigs(): the missing mutex fails with fast-check's report and the shortest trace", () => {
  const e = thrown(() =>
    assertAllConfigs(pcNoMutex, { slots: [1, 3], producers: [1, 3], items: [1, 2] })
  );
  assert.match(e.message, /^Property failed after \d+ tests/);
  assert.match(e.message, /\{ seed: -?\d+, path: "[\d:]+", endOnFailure: true \}/);
  assert.match(e.message, /Counterexample: \[\{"slots":2,"producers":2,"items":1\}\]/);
  const cause = String((e.cause as Error).message);
  assert.match(
    cause,
    /^expected ok, got:\npc_no_mutex \(slots=2 producers=2 consumers=1 items=1\)/,
  );
  assert.match(cause, /VIOLATION of 'exactly once'/);
  assert.match(cause, /^trace \(29 steps/m);
});

Deno.test("assertAllConfigs(): a grid too large to enumerate is sampled, and still shrinks", () => {
  const e = thrown(() =>
    assertAllConfigs(pcNoMutex, { slots: [1, 3], producers: [1, 3], items: [1, 2] }, {
      gridLimit: 4,
      fc: { seed: 7 },
    })
  );
  assert.match(e.message, /Counterexample: \[\{"slots":2,"producers":2,"items":1\}\]/);
  assert.match(e.message, /Shrunk \d+ time/);
  // fast-check's seed and path give the same counterexample back.
  const path = /path: "([\d:]+)"/.exec(e.message)![1]!;
  const again = thrown(() =>
    assertAllConfigs(pcNoMutex, { slots: [1, 3], producers: [1, 3], items: [1, 2] }, {
      gridLimit: 4,
      fc: { seed: 7, path },
    })
  );
  assert.match(again.message, /Counterexample: \[\{"slots":2,"producers":2,"items":1\}\]/);
});

Deno.test("forAllConfigs(): every configuration of the swapped waits deadlocks", () => {
  fc.assert(
    forAllConfigs(pcSwappedWaits, { slots: [1, 3], producers: [1, 2], items: [1, 3] }, {
      expect: { violation: "deadlock" },
    }),
    { numRuns: 20, seed: 1 },
  );
});

Deno.test("forAllConfigs(): a configuration over budget fails, unless told to skip it", () => {
  const ranges = { slots: [1, 2], producers: [1, 2] } as const;
  const e = thrown(() => assertAllConfigs(pcSemaphore, ranges, { maxStates: 150 }));
  assert.match(String((e.cause as Error).message), /INCOMPLETE, the state limit/);
  assertAllConfigs(pcSemaphore, ranges, { maxStates: 150, onIncomplete: "skip" });
});

Deno.test("forAllConfigs(): no configuration is checked twice while shrinking", () => {
  let compiled = 0;
  const counting = spec({
    name: "counting",
    params: { n: 1 },
    build: (p) => {
      compiled++;
      const sys = system({ x: 0 });
      sys.process("p", { count: p.n }, (b) => [b.do("inc", ({ g }) => g.x++)]);
      sys.always("few", ({ g }) => g.x < 3);
      return sys;
    },
  });
  const d = fc.check(forAllConfigs(counting, { n: [1, 6] }), { numRuns: 100, seed: 1 });
  assert.equal(d.failed, true);
  assert.deepEqual(d.counterexample, [{ n: 3 }]);
  assert.ok(compiled <= 6, `compiled ${compiled} times for 6 configurations`);
});

Deno.test("configs(): values stay in their ranges; a bad range is a RangeError", () => {
  const s = spec({
    name: "s",
    params: { slots: 1, fair: false },
    build: () => {
      const sys = system({});
      sys.process("p", {}, () => []);
      return sys;
    },
  });
  const seen = new Set<string>();
  for (const c of fc.sample(configs(s, { slots: "1,2,4", fair: "false,true" }), 200)) {
    assert.ok([1, 2, 4].includes(c.slots as number));
    seen.add(`${c.slots}${c.fair}`);
  }
  assert.equal(seen.size, 6);
  assert.throws(() => configs(s, { nope: [1, 2] }), RangeError);
  assert.throws(() => configs(s, { slots: [3, 1] }), /min <= max/);
});
