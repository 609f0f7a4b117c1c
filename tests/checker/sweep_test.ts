// Parameter sweeps: the smallest failing configuration of the missing-mutex
// and swapped-waits buffers (by enumeration and by fast-check shrinking),
// budgets that make a point incomplete and never a pass, bad ranges, and the
// printed report with the commands that reproduce it.

import assert from "node:assert/strict";
import { check, Spec, spec, system } from "../../mod.ts";
import { parseRange, sweep, type SweepResult } from "../../checker/sweep.ts";
import { formatSweep } from "../../reporters/sweep.ts";

// deno-lint-ignore no-explicit-any
type AnySpec = Spec<any>;

async function load(file: string, name: string): Promise<AnySpec> {
  const mod = await import(new URL(`../../specs/${file}`, import.meta.url).href);
  assert.ok(mod[name] instanceof Spec, `${file} exports ${name}`);
  return mod[name];
}

const pcNoMutex = await load("pc_no_mutex.ts", "pcNoMutex");
const pcSwappedWaits = await load("pc_swapped_waits.ts", "pcSwappedWaits");
const pcSemaphore = await load("pc_semaphore.ts", "pcSemaphore");

const FOUR = { slots: "1..4", producers: "1..3", consumers: "1..3", items: "1..3" };

/** Every parameter of the smallest point, lowered by one step within its range, passes. */
function assertLocallyMinimal(s: AnySpec, r: SweepResult): void {
  const at = r.smallest!.params;
  for (const [name, values] of Object.entries(r.ranges)) {
    const i = values.indexOf(at[name]!);
    if (i === 0) continue;
    const lower = { ...at, [name]: values[i - 1]! };
    const v = check(s, { params: lower, maxStates: r.maxStates }).verdict;
    assert.equal(v, "ok", `${JSON.stringify(lower)} is ${v}`);
  }
}

Deno.test("sweep(): the missing mutex fails first with 2 slots and 2 producers, in 29 steps", () => {
  const r = sweep(pcNoMutex, { slots: "1..4", producers: "1..3", items: "1..3" });
  assert.equal(r.mode, "grid");
  assert.equal(r.gridSize, 36);
  assert.equal(r.verdict, "violation");
  assert.deepEqual(r.smallest?.params, { slots: 2, producers: 2, items: 1 });
  const v = r.smallest!.result.violation!;
  assert.equal(v.property, "exactly once");
  assert.equal(v.transitions.length, 29);
  // Smaller points first, all passing; the failing point ends the sweep.
  assert.equal(r.points.at(-1)?.verdict, "violation");
  assert.ok(r.points.slice(0, -1).every((p) => p.verdict === "ok"));
  assert.equal(r.points.length, 9);
  assertLocallyMinimal(pcNoMutex, r);
});

Deno.test("sweep({ all }): the missing mutex fails exactly where two producers share two slots", () => {
  const r = sweep(pcNoMutex, { slots: "1..4", producers: "1..3", items: "1..3" }, { all: true });
  assert.equal(r.points.length, 36);
  assert.deepEqual(r.smallest?.params, { slots: 2, producers: 2, items: 1 });
  for (const p of r.points) {
    const racy = (p.params.slots as number) >= 2 && (p.params.producers as number) >= 2;
    if (p.verdict === "incomplete") {
      assert.equal(p.states, 100_000);
      continue;
    }
    assert.equal(p.verdict, racy ? "violation" : "ok", JSON.stringify(p.params));
  }
  // Points over budget are listed, and the report says they are no pass.
  assert.ok(r.points.some((p) => p.verdict === "incomplete"));
  assert.match(formatSweep(r), /points? exceeded the budget \(not a pass\)/);
});

Deno.test("sweep(): the swapped waits deadlock in the smallest configuration, in 4 steps", () => {
  const r = sweep(pcSwappedWaits, FOUR, { mode: "grid" });
  assert.equal(r.gridSize, 108);
  assert.deepEqual(r.smallest?.params, { slots: 1, producers: 1, consumers: 1, items: 1 });
  assert.equal(r.smallest?.result.violation?.property, "deadlock");
  assert.equal(r.smallest?.result.violation?.transitions.length, 4);
  assert.equal(r.points.length, 1);
});

Deno.test("sweep() random mode: fast-check shrinks the missing mutex to a locally smallest configuration", () => {
  const r = sweep(pcNoMutex, FOUR, { seed: 1 });
  assert.equal(r.mode, "random", "108 points is more than the grid limit");
  assert.equal(r.verdict, "violation");
  assert.equal(r.seed, 1);
  assert.equal(typeof r.path, "string");
  const at = r.smallest!.params;
  // Two racing producers, or two racing consumers over two slots.
  assert.equal(at.slots, 2);
  assert.ok(
    JSON.stringify(at) === JSON.stringify({ slots: 2, producers: 2, consumers: 1, items: 1 }) ||
      JSON.stringify(at) === JSON.stringify({ slots: 2, producers: 1, consumers: 2, items: 2 }),
    JSON.stringify(at),
  );
  assertLocallyMinimal(pcNoMutex, r);
  // The seed and path give the same point back.
  const again = sweep(pcNoMutex, FOUR, { seed: r.seed!, path: r.path! });
  assert.deepEqual(again.smallest?.params, at);
  assert.ok(again.points.length < r.points.length, "the path skips the search");
});

Deno.test("sweep() random mode: the swapped waits shrink to the smallest configuration", () => {
  for (const seed of [1, 2, 3]) {
    const r = sweep(pcSwappedWaits, FOUR, { mode: "random", seed });
    assert.deepEqual(r.smallest?.params, { slots: 1, producers: 1, consumers: 1, items: 1 });
    assert.equal(r.smallest?.result.violation?.transitions.length, 4);
  }
});

Deno.test("sweep(): a point over budget is incomplete, and never a pass", () => {
  const r = sweep(pcSemaphore, { slots: "1..2", producers: "1..2" }, { maxStates: 100 });
  assert.equal(r.verdict, "incomplete");
  assert.equal(r.points.length, 4);
  assert.ok(r.points.some((p) => p.verdict === "incomplete"));
  assert.ok(r.points.some((p) => p.verdict === "ok"));
  assert.equal(r.smallest, undefined);
  // With room enough, the same sweep passes at every point.
  const ok = sweep(pcSemaphore, { slots: "1..2", producers: "1..2" });
  assert.equal(ok.verdict, "ok");
  assert.match(formatSweep(ok), /^pc_semaphore: ok at all 4 points$/m);
  // Sampling that does not cover the grid is not a pass either.
  const sampled = sweep(pcSemaphore, { slots: "1..2", producers: "1..2" }, {
    mode: "random",
    runs: 1,
    seed: 3,
  });
  assert.equal(sampled.verdict, "incomplete");
});

Deno.test("sweep(): points are checked smallest first, fixed parameters apply to every point", () => {
  const s = spec({
    name: "s",
    params: { a: 1, b: 1, c: 5 },
    build: (p) => {
      const sys = system({ x: 0 });
      sys.process("p", { count: p.a }, (b) => [b.do("inc", ({ g }) => g.x++)]);
      sys.always("x small", ({ g }) => g.x < p.c);
      return sys;
    },
  });
  const r = sweep(s, { b: [1, 2], a: "1,2,3" }, { params: { c: 3 }, all: true });
  assert.deepEqual(
    r.points.map((p) => `${p.params.a}${p.params.b}`),
    ["11", "12", "21", "22", "31", "32"],
  );
  assert.deepEqual(r.smallest?.params, { a: 3, b: 1 });
  assert.deepEqual(r.smallest?.result.params, { a: 3, b: 1, c: 3 });
});

Deno.test("sweep(): bad ranges are the verdict error, with the reason", () => {
  const unknown = sweep(pcNoMutex, { nope: "1..2" });
  assert.equal(unknown.verdict, "error");
  assert.match(unknown.error!, /unknown parameter 'nope'/);
  assert.match(sweep(pcNoMutex, { slots: "4..1" }).error!, /a range must go up/);
  assert.match(sweep(pcNoMutex, { slots: "1-4" }).error!, /a range must look like/);
  assert.match(
    sweep(pcNoMutex, { slots: "1..2" }, { params: { slots: 1 } }).error!,
    /both swept and fixed/,
  );
  const bounded = spec({
    name: "bounded",
    params: { n: { default: 1, min: 1, max: 3 } },
    build: () => {
      const sys = system({});
      sys.process("p", {}, () => []);
      return sys;
    },
  });
  assert.match(sweep(bounded, { n: [0, 2] }).error!, /must be >= 1/);
  assert.match(formatSweep(sweep(bounded, { n: [2, 5] })), /ERROR\n.*must be <= 3/);
});

Deno.test("parseRange() reads spans, lists, single values and booleans", () => {
  assert.deepEqual(parseRange("1..4"), [1, 2, 3, 4]);
  assert.deepEqual(parseRange(" 2 .. 3 "), [2, 3]);
  assert.deepEqual(parseRange("1,2,4"), [1, 2, 4]);
  assert.deepEqual(parseRange("3"), [3]);
  assert.deepEqual(parseRange("false,true"), [false, true]);
  assert.equal(typeof parseRange("1..x"), "string");
  assert.equal(typeof parseRange(""), "string");
});

Deno.test("formatSweep(): the smallest failing configuration, its trace, and the commands", () => {
  const r = sweep(pcNoMutex, { slots: "1..2", producers: "1..2" });
  const text = formatSweep(r, {
    sweep: "deno run -A cli.ts sweep SPEC",
    check: "deno run -A cli.ts check SPEC --param slots=2 --param producers=2",
  });
  assert.match(text, /^pc_no_mutex: smallest failing configuration: slots=2 producers=2$/m);
  assert.match(text, /^trace \(29 steps, replay with --replay 0:[\d,]+\):$/m);
  assert.match(text, /^reproduce the sweep: deno run -A cli\.ts sweep SPEC$/m);
  assert.match(
    text,
    /^replay: deno run -A cli\.ts check SPEC --param slots=2 --param producers=2 --replay 0:[\d,]+$/m,
  );
});
