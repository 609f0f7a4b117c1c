// Generated successor code (model/_codegen.ts) against the interpreter it
// replaces: on every bundled spec and on random specs, both compile the same
// model, and from every reachable state (up to a budget) they hand the sink
// the same successors, in the same order, with the same transitions and the
// same failures, and count the same enabled transitions.

import assert from "node:assert/strict";
import fc from "fast-check";
import { atomic, type CompileOptions, kill, signals, spec, SpecError, system } from "../../mod.ts";
import type { Model } from "../../extend.ts";
import { sieveAtomic } from "../../specs/sieve.ts";
import { buildCase, genSpec } from "../_gen.ts";
import { bundledSpecs, loadSpec } from "../_pins.ts";

/** What one expansion hands the sink, as text. */
function expansion(model: Model, state: Int32Array): string[] {
  const out: string[] = [];
  let n: number;
  try {
    n = model.expand(state, {
      push(next, t) {
        out.push(`${t}:${next.join(",")}`);
        return true;
      },
      fail(p, t, msg) {
        out.push(`fail ${p} ${t} ${msg}`);
      },
    });
  } catch (e) {
    return [...out, `threw ${e instanceof Error ? e.message : String(e)}`];
  }
  out.push(`n=${n}`);
  return out;
}

/**
 * Compiles `make()` with and without generated code and compares their
 * expansions over the states the interpreter reaches (breadth-first, at most
 * `budget`). Returns the number of states compared.
 */
function compare(
  make: (options: CompileOptions) => Model,
  budget: number,
  where: string,
): number {
  let interp: Model;
  try {
    interp = make({ interpret: true });
  } catch (e) {
    // A random spec the compiler rejects (e.g. a jump in a circle).
    if (e instanceof SpecError) return 0;
    throw e;
  }
  const gen = make({});
  assert.ok(gen.code !== undefined, `${where}: no generated code`);
  assert.equal(interp.code, undefined);
  const seen = new Set<string>();
  const queue: Int32Array[] = [];
  interp.init((s) => {
    if (!seen.has(s.join())) {
      seen.add(s.join());
      queue.push(s.slice());
    }
  });
  for (let i = 0; i < queue.length && i < budget; i++) {
    const s = queue[i]!;
    const a = expansion(interp, s), b = expansion(gen, s);
    assert.deepEqual(b, a, `${where}: state ${interp.explanation!.format(s)}`);
    for (const line of a) {
      const m = /^(\d+):(.*)$/.exec(line);
      if (m === null || seen.has(m[2]!)) continue;
      seen.add(m[2]!);
      queue.push(Int32Array.from(m[2]!.split(","), Number));
    }
  }
  return Math.min(queue.length, budget);
}

Deno.test("generated code expands every bundled spec exactly as the interpreter does", async () => {
  let specs = 0, states = 0;
  for (const { spec: s } of await bundledSpecs()) {
    specs++;
    states += compare((options) => s.compile({}, options), 3000, s.name);
  }
  assert.ok(specs >= 60, `${specs} specs`);
  assert.ok(states > 20000, `${states} states compared`);
});

Deno.test("generated code expands the dynamic-process specs exactly as the interpreter does", async () => {
  // fork_sum and shell_pipeline have no signal table, so they get generated code: every
  // reachable state is compared (fork writing the child's pc and locals, exit, waitpid).
  for (
    const [file, name] of [["fork_sum.ts", "forkSum"], ["shell_pipeline.ts", "shellPipelineHang"]]
  ) {
    const s = await loadSpec(file!, name!);
    const params = name === "forkSum" ? { workers: 3 } : {};
    assert.ok(s.compile(params).code !== undefined, `${name} has generated code`);
    const n = compare((options) => s.compile(params, options), 1_000_000, name!);
    assert.ok(n > 150, `${name}: ${n} states compared`);
  }
});

Deno.test("generated code expands the atomic sieve (specs/sieve.ts) exactly as the interpreter does", () => {
  // Each stage's receive and decision are one atomic block.
  for (const params of [{ max: 10, stages: 4 }, { max: 10, stages: 3 }, { max: 20, stages: 8 }]) {
    const source = sieveAtomic.compile(params).code!.source;
    assert.match(source, /if \(owner\) \{/);
    const n = compare((o) => sieveAtomic.compile(params, o), 5000, `sieve_atomic ${params.max}`);
    assert.ok(n > 100, `${n} states`);
  }
});

Deno.test("generated code expands random specs exactly as the interpreter does (fast-check)", () => {
  for (const options of [{}, { rendezvous: true }, { properties: false }]) {
    fc.assert(
      fc.property(genSpec(options), (d) => {
        compare((options) => buildCase(d).spec.compile({}, options), 2000, "random spec");
      }),
      { numRuns: 60 },
    );
  }
});

Deno.test("generated code expands random specs with signals and atomic blocks as the interpreter does (fast-check)", () => {
  let signalled = 0, atomicOwned = 0;
  for (const options of [{ signals: true }, { signals: true, rendezvous: true }]) {
    fc.assert(
      fc.property(genSpec(options), (d) => {
        const states = compare((o) => buildCase(d).spec.compile({}, o), 1500, "random spec");
        const source = states > 0 ? buildCase(d).spec.compile().code!.source : "";
        if (source.includes("events.deliver(")) signalled++;
        if (source.includes("if (owner)") || /work\[0\] = [1-9]/.test(source)) atomicOwned++;
      }),
      { numRuns: 60 },
    );
  }
  // The generator does reach the constructs (the counts vary with the seed).
  assert.ok(signalled > 30, `${signalled} specs with a signal table`);
  assert.ok(atomicOwned > 5, `${atomicOwned} specs with an atomic block`);
});

Deno.test("an error inside a signal handler in generated code names the spec, the process and the handler", () => {
  const t = signals();
  const bad = spec({
    name: "bad_handler",
    params: {},
    build: () => {
      const sys = system({ x: 0 });
      sys.process("p", {
        signals: {
          SIGUSR1: () => {
            throw new RangeError("handler broke");
          },
        },
      }, () => [kill(t, 0, "SIGUSR1"), atomic(kill(t, 0, "SIGUSR2"))]);
      return sys;
    },
  });
  for (const interpret of [true, false]) {
    const model = bad.compile({}, { interpret });
    assert.equal(model.code === undefined, interpret);
    let init!: Int32Array;
    model.init((s) => (init = s.slice()));
    const [first] = expansion(model, init);
    const next = Int32Array.from(first!.split(":")[1]!.split(","), Number);
    assert.throws(
      () => model.expand(next, { push: () => true, fail: () => {} }),
      /'bad_handler'.*p#0.*signal handler.*handler broke/s,
    );
  }
});

Deno.test("an error inside generated code names the spec, the process and the step", () => {
  const bad = spec({
    name: "bad",
    params: {},
    build: () => {
      const sys = system({ x: 0 });
      sys.process("p", {}, (s) => [
        s.do("fine", ({ g }) => g.x++),
        s.when("not a boolean", () => 1 as unknown as boolean),
      ]);
      return sys;
    },
  });
  const model = bad.compile();
  let init!: Int32Array;
  model.init((s) => (init = s.slice()));
  const [first] = expansion(model, init);
  const next = Int32Array.from(first!.split(":")[1]!.split(","), Number);
  assert.throws(
    () => model.expand(next, { push: () => true, fail: () => {} }),
    /'bad'.*p#0.*not a boolean.*the guard must return a boolean, got 1/s,
  );
});
