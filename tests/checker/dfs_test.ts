// Depth-first search: the same reachable states as breadth-first search (on
// every bundled spec and on random systems), the same limits and outcome
// shape, and counterexamples that replay to the violation they name.

import assert from "node:assert/strict";
import fc from "fast-check";
import { explainTrace, lock, mutex, spec, type System, system, unlock } from "../../mod.ts";
import { bfs, type Model, type SearchOutcome } from "../../extend.ts";
import { dfs, DfsSearch } from "../../checker/dfs.ts";
import { buildCase, genSpec } from "../_gen.ts";
import { type AnySpec, bundledSpecs } from "../_pins.ts";
import { explore, RefModel, RefSpecError } from "../_reference.ts";

// deno-lint-ignore no-explicit-any
function mk(name: string, build: () => System<any>) {
  return spec({ name, params: {}, build });
}

/** Every bundled spec, with its file. */
async function bundled(): Promise<{ file: string; spec: AnySpec }[]> {
  return (await bundledSpecs()).map(({ file, spec }) => ({ file, spec }));
}

/**
 * The model with every property switched off (so a search covers the whole
 * reachable space) that records each state the search stores: both engines
 * call `check` exactly once on every state they store.
 */
function recording(model: Model): { model: Model; seen: Set<string> } {
  const seen = new Set<string>();
  const quiet: Model = {
    name: model.name,
    width: model.width,
    transitionCount: model.transitionCount,
    properties: model.properties,
    init: (emit) => model.init(emit),
    check(state) {
      seen.add(state.join(","));
      return -1;
    },
    stuck: () => -1,
    expand: (state, sink) =>
      model.expand(state, { push: (next, t) => sink.push(next, t), fail: () => {} }),
    // The facets it does not change are the model's own.
    explanation: model.explanation,
    processes: model.processes,
    coverage: model.coverage,
    liveness: { properties: [], live: () => true },
  };
  return { model: quiet, seen };
}

/** DFS and BFS store the same set of states and fire the same transitions. */
function assertSameSpace(model: Model, maxStates = 200_000): SearchOutcome {
  const a = recording(model);
  const b = recording(model);
  const byBfs = bfs(a.model, { maxStates });
  const byDfs = dfs(b.model, { maxStates });
  assert.equal(byDfs.status, byBfs.status);
  if (byBfs.status === "ok") {
    assert.equal(byDfs.states, byBfs.states, "states");
    assert.equal(byDfs.transitions, byBfs.transitions, "transitions fired");
    assert.equal(b.seen.size, byDfs.states);
    assert.deepEqual([...b.seen].sort(), [...a.seen].sort());
  }
  return byDfs;
}

/** A DFS violation replays, independently of the search, to the property it names. */
function assertReplays(model: Model, out: SearchOutcome): void {
  assert.equal(out.status, "violation");
  const f = out.found!;
  const story = explainTrace(model, { init: f.init, transitions: f.transitions });
  assert.ok(typeof story !== "string", String(story));
  assert.equal(story.property, model.properties[f.property]?.name);
}

const specs = await bundled();

Deno.test("dfs() reaches the same states as bfs() on every bundled spec", () => {
  assert.ok(specs.length >= 5);
  for (const { spec: s } of specs) {
    const out = assertSameSpace(s.compile());
    assert.equal(out.status, "ok", `${s.name}: ${out.status} ${String(out.error?.cause ?? "")}`);
  }
});

Deno.test("dfs() finds a violation of a declared property in every buggy bundled spec, and it replays", () => {
  for (const { spec: s } of specs) {
    if (s.expect === "ok" || !("violation" in s.expect)) continue;
    const model = s.compile();
    // Liveness violations are found over the whole graph by check(), not by a search engine.
    const wanted = [s.expect.violation].flat();
    if (model.liveness!.properties.some((l) => wanted.includes(l.name))) continue;
    const out = dfs(model);
    assertReplays(model, out);
    const names = typeof s.expect.violation === "string"
      ? [s.expect.violation]
      : s.expect.violation;
    assert.ok(names.includes(model.properties[out.found!.property]!.name), s.name);
    const shortest = bfs(model).found!.transitions.length;
    assert.ok(out.found!.transitions.length >= shortest, `${s.name}: shorter than BFS`);
  }
});

Deno.test("dfs() agrees with bfs() and the reference explorer on random systems", () => {
  fc.assert(
    fc.property(genSpec({ properties: false }), (d) => {
      const c = buildCase(d);
      let model: Model;
      try {
        model = c.spec.compile();
      } catch {
        return; // refused by the compiler: nothing to search
      }
      const out = assertSameSpace(model, 20_000);
      if (out.status !== "ok") return;
      try {
        const x = explore(new RefModel(c.sys), 20_000);
        if (x.complete) assert.equal(out.states, x.states, "reference states");
      } catch (e) {
        if (!(e instanceof RefSpecError)) throw e;
      }
    }),
    { numRuns: 150 },
  );
});

Deno.test("dfs() finds a violation exactly when bfs() does, and it replays, on random systems", () => {
  fc.assert(
    fc.property(genSpec(), (d) => {
      let model: Model;
      try {
        model = buildCase(d).spec.compile();
      } catch {
        return;
      }
      const byBfs = bfs(model, { maxStates: 20_000 });
      if (byBfs.status === "incomplete") return;
      const byDfs = dfs(model, { maxStates: 20_000 });
      // A spec whose code throws somewhere: DFS may meet a violation first,
      // or the error; otherwise the verdict classes agree.
      if (byBfs.status === "error" || byDfs.status === "error") return;
      assert.equal(byDfs.status, byBfs.status);
      if (byDfs.status === "violation") {
        assertReplays(model, byDfs);
        assert.ok(byDfs.found!.transitions.length >= byBfs.found!.transitions.length);
      }
    }),
    { numRuns: 200 },
  );
});

/** k independent counters to n: (2n + 2)^k states. */
const counters = (k: number, n: number) =>
  mk(`counters${k}x${n}`, () => {
    const sys = system({});
    sys.process("p", { count: k, locals: { i: 0 } }, (s) => [
      s.while(({ l }) => l.i < n, [s.do("inc", ({ l }) => l.i++)]),
    ]);
    return sys;
  });

/** One process counting i to n: a chain of 2n + 2 states. */
const chain = (n: number) =>
  mk(`chain${n}`, () => {
    const sys = system({});
    sys.process("p", { locals: { i: 0 } }, (s) => [
      s.while(({ l }) => l.i < n, [s.do("inc", ({ l }) => l.i++)]),
    ]);
    return sys;
  });

Deno.test("dfs() goes deep first: a chain's depth and a counter grid's deepest path", () => {
  const c = dfs(chain(20).compile());
  assert.equal(c.status, "ok");
  assert.equal(c.states, 42);
  assert.equal(c.depth, 41);
  // Four counters to 3: 8^4 states; the deepest state is 4 * 7 steps away.
  const g = dfs(counters(4, 3).compile());
  assert.equal(g.states, 4096);
  assert.equal(g.depth, 28);
});

Deno.test("dfs() reports a violation in the initial state with an empty trace", () => {
  const model = mk("initial", () => {
    const sys = system({ x: 1 });
    sys.process("p", {}, (s) => [s.do("reset", ({ g }) => {
      g.x = 0;
    })]);
    sys.always("x is 0", ({ g }) => g.x === 0);
    return sys;
  }).compile();
  const out = dfs(model);
  assert.equal(out.status, "violation");
  assert.deepEqual(out.found?.transitions, []);
  assert.equal(out.states, 1);
});

Deno.test("dfs() finds the lock-order deadlock and a failing transition with its message", () => {
  const twoLocks = mk("two_locks", () => {
    const sys = system({});
    const a = mutex("a"), b = mutex("b");
    sys.process("p", {}, () => [lock(a), lock(b), unlock(b), unlock(a)]);
    sys.process("q", {}, () => [lock(b), lock(a), unlock(a), unlock(b)]);
    return sys;
  }).compile();
  const out = dfs(twoLocks);
  assertReplays(twoLocks, out);
  assert.equal(twoLocks.properties[out.found!.property]?.name, "deadlock");

  const badUnlock = mk("bad_unlock", () => {
    const sys = system({});
    const m = mutex("m");
    sys.process("p", {}, () => [unlock(m)]);
    return sys;
  }).compile();
  const failing = dfs(badUnlock);
  assertReplays(badUnlock, failing);
  assert.equal(failing.found?.transitions.length, 1);
  assert.equal(typeof failing.found?.message, "string");
});

Deno.test("dfs() limits: maxStates stores exactly that many, maxDepth cuts, time stops", () => {
  const full = dfs(chain(20).compile(), { maxStates: 10 });
  assert.equal(full.status, "incomplete");
  assert.equal(full.incomplete?.reason, "max-states");
  assert.equal(full.incomplete?.message, "the state limit (--max-states 10) was reached");
  assert.equal(full.states, 10);
  assert.equal(dfs(chain(20).compile(), { maxStates: 42 }).status, "ok");

  const deep = dfs(chain(20).compile(), { maxDepth: 3 });
  assert.equal(deep.status, "incomplete");
  assert.equal(deep.incomplete?.reason, "max-depth");
  assert.equal(deep.states, 4);
  assert.equal(dfs(chain(20).compile(), { maxDepth: 42 }).status, "ok");

  const timed = dfs(counters(6, 9).compile(), { timeSeconds: 0.2 });
  assert.equal(timed.status, "incomplete");
  assert.equal(timed.incomplete?.reason, "time");
  assert.ok(timed.seconds >= 0.2 && timed.seconds < 5, `seconds ${timed.seconds}`);
});

Deno.test("DfsSearch: slices cover the same space; shouldStop interrupts even a tiny search", () => {
  const model = counters(4, 3).compile();
  const search = new DfsSearch(model);
  let slices = 0;
  while (!search.run(0)) slices++;
  assert.ok(slices >= 2, `slices ${slices}`);
  assert.equal(search.outcome().states, 4096);
  assert.equal(search.outcome().status, "ok");

  const stopped = dfs(chain(20).compile(), { shouldStop: () => true });
  assert.equal(stopped.status, "incomplete");
  assert.equal(stopped.incomplete?.reason, "interrupted");

  const progress: number[] = [];
  const slow = new DfsSearch(counters(6, 9).compile(), {
    timeSeconds: 1.2,
    onProgress: (p) => progress.push(p.states),
  });
  slow.run();
  assert.ok(progress.length >= 1, "a progress report about once a second");
});

Deno.test("dfs() errors: a throwing guard ends in error with the path to the failing state", () => {
  const model = mk("throws", () => {
    const sys = system({ x: 0 });
    sys.process("p", {}, (s) => [
      s.do("start", ({ g }) => {
        g.x = 1;
      }),
      s.when("explodes", () => {
        throw new Error("kaboom");
      }),
    ]);
    return sys;
  }).compile();
  const out = dfs(model);
  assert.equal(out.status, "error");
  assert.match(String((out.error?.cause as Error).message), /kaboom/);
  assert.equal(out.error?.transitions.length, 1);
});
