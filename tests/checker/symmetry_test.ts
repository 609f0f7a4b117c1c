// Symmetry reduction (checker/symmetry.ts, model/_symmetry.ts): the reduced
// search gets the unreduced search's verdict and property, on every bundled
// spec whose replicated kinds can be declared symmetric and on random
// systems; it stores no more states, its orbits add up to the unreduced
// state count, its counterexamples are real traces that replay, and a
// symmetry it cannot honour is a clear error.

import assert from "node:assert/strict";
import fc from "fast-check";
import {
  breakLoop,
  check,
  type CheckResult,
  formatStats,
  int,
  lock,
  mutex,
  region,
  replay,
  spec,
  sweep,
  system,
  unlock,
} from "../../mod.ts";
import type { Model } from "../../extend.ts";
import { condSignal, condvar, condWait } from "../../model/primitives/condvar.ts";
import { close, pipe, read, write } from "../../model/primitives/pipe.ts";
import { segment, shmStore } from "../../model/primitives/shared_memory.ts";
import { buildCase, genSpec } from "../_gen.ts";
import { type AnySpec, bundledSpecs, loadSpec } from "../_pins.ts";
import { cli, path } from "../_cli.ts";

const symmetricBuffer = await loadSpec("symmetric_buffer.ts", "symmetricBuffer");
const symmetricBufferNoMutex = await loadSpec("symmetric_buffer.ts", "symmetricBufferNoMutex");

/**
 * Compiles `s` with every process kind of two or more copies declared
 * `symmetric: true`, as if its author had written it (the spec's `build`
 * calls `sys.process`, which is wrapped for the duration).
 */
function compileMarked(s: AnySpec, params: Record<string, number | boolean> = {}): Model {
  const proto = Object.getPrototypeOf(system({}));
  const original = proto.process;
  proto.process = function (name: string, options: { count?: number }, body: unknown) {
    const marked = (options.count ?? 1) >= 2 ? { ...options, symmetric: true } : options;
    return original.call(this, name, marked, body);
  };
  try {
    return s.compile(params);
  } finally {
    proto.process = original;
  }
}

/** The model of a generated system, or undefined when it does not compile (a bad goto). */
function compileCase(d: Parameters<typeof buildCase>[0]): Model | undefined {
  try {
    return buildCase(d).spec.compile();
  } catch {
    return undefined;
  }
}

/**
 * The length of the shortest violations of a model, and every property
 * violated at that length (by a plain breadth-first search: a stuck state at
 * depth k is a violation of length k, a new state breaking an invariant or
 * a failing transition from depth k one of length k + 1).
 */
function shortestViolations(model: Model): { length: number; properties: Set<string> } {
  const seen = new Set<string>();
  let level: Int32Array[] = [];
  const found = new Map<number, Set<string>>();
  const note = (length: number, property: number) => {
    const set = found.get(length) ?? new Set<string>();
    set.add(model.properties[property]!.name);
    found.set(length, set);
  };
  model.init((s) => {
    seen.add(s.join());
    level.push(s.slice());
    const p = model.check(s);
    if (p >= 0) note(0, p);
  });
  for (let depth = 0; level.length > 0; depth++) {
    if (found.has(depth)) break;
    const next: Int32Array[] = [];
    for (const s of level) {
      const n = model.expand(s, {
        push(x) {
          const k = x.join();
          if (seen.has(k)) return true;
          seen.add(k);
          next.push(x.slice());
          const p = model.check(x);
          if (p >= 0) note(depth + 1, p);
          return true;
        },
        fail(p) {
          if (model.properties[p]!.kind !== "bound") note(depth + 1, p);
        },
      });
      if (n === 0) {
        const p = model.stuck(s);
        if (p >= 0) note(depth, p);
      }
    }
    level = next;
  }
  const length = Math.min(...found.keys());
  return { length, properties: found.get(length) ?? new Set() };
}

/** What must hold between the unreduced and the reduced results of one model. */
function assertAgree(model: Model, full: CheckResult, reduced: CheckResult, what: string): void {
  assert.equal(reduced.verdict, full.verdict, `${what}: ${reduced.error?.message ?? ""}`);
  assert.equal(reduced.violation?.kind === "liveness", full.violation?.kind === "liveness", what);
  if (
    full.violation !== undefined && reduced.violation !== undefined &&
    full.violation.property !== reduced.violation.property
  ) {
    // Several properties fail at the shortest length, and the two searches,
    // which expand states in different orders, met different ones first:
    // both must be among them.
    const shortest = shortestViolations(model);
    assert.ok(shortest.properties.has(full.violation.property), what);
    assert.ok(shortest.properties.has(reduced.violation.property), what);
    assert.equal(full.violation.transitions.length, shortest.length, what);
  }
  assert.ok(reduced.stats.states <= full.stats.states, `${what}: more states when reduced`);
  if (full.violation !== undefined && full.violation.kind !== "liveness") {
    // Breadth-first: both traces are shortest.
    assert.equal(reduced.violation!.transitions.length, full.violation.transitions.length, what);
  }
  if (reduced.violation !== undefined) {
    const r = replay(model, reduced.violation);
    assert.equal(r.error, undefined, `${what}: the reduced counterexample does not replay`);
  }
  const y = reduced.stats.symmetry;
  assert.ok(y !== undefined, what);
  if (full.verdict === "ok" && y.kinds.length > 0 && y.exact) {
    // Every reachable state is in exactly one stored orbit.
    assert.equal(y.represented, full.stats.states, `${what}: orbits do not add up`);
  }
}

// --- the bundled symmetric spec ---------------------------------------------

Deno.test("symmetric_buffer: reduced and unreduced state counts are pinned", () => {
  const pins = [
    { params: {}, full: 2392, orbits: 741 },
    { params: { producers: 3, consumers: 3 }, full: 110608, orbits: 5736 },
  ];
  for (const pin of pins) {
    const full = check(symmetricBuffer, { params: pin.params });
    const reduced = check(symmetricBuffer, { params: pin.params, symmetry: true });
    assert.equal(full.verdict, "ok");
    assert.equal(reduced.verdict, "ok");
    assert.equal(full.stats.states, pin.full);
    assert.equal(reduced.stats.states, pin.orbits);
    assert.deepEqual(reduced.stats.symmetry, {
      kinds: [
        { process: "producer", copies: pin.params.producers ?? 2 },
        { process: "consumer", copies: pin.params.consumers ?? 2 },
      ],
      orbits: pin.orbits,
      represented: pin.full,
      exact: true,
    });
  }
});

Deno.test("symmetric_buffer_no_mutex: the reduced search finds the same shortest violation", () => {
  const model = symmetricBufferNoMutex.compile({ producers: 3, consumers: 3 });
  const full = check(model);
  const reduced = check(model, { symmetry: true });
  assert.equal(full.stats.states, 26165);
  assert.equal(reduced.stats.states, 1631);
  assert.equal(reduced.violation?.property, "took an item");
  assert.equal(reduced.violation?.transitions.length, 18);
  assertAgree(model, full, reduced, "symmetric_buffer_no_mutex");
  assert.match(formatStats(reduced.stats), /symmetry over producer x3, consumer x3: 1,631 orbits/);
});

Deno.test("check({ symmetry: true }) agrees with dfs and the fingerprint store", () => {
  const model = symmetricBuffer.compile({ producers: 2, consumers: 2 });
  const dfs = check(model, { symmetry: true, strategy: "dfs" });
  assert.equal(dfs.verdict, "ok");
  assert.equal(dfs.stats.states, 741);
  const fp = check(model, { symmetry: true, store: "fingerprint" });
  assert.equal(fp.verdict, "ok");
  assert.equal(fp.stats.states, 741);
  const bug = symmetricBufferNoMutex.compile();
  const v = check(bug, { symmetry: true, store: "fingerprint" });
  assert.equal(v.violation?.property, "took an item");
  assert.equal(replay(bug, v.violation!).error, undefined);
  const d = check(bug, { symmetry: true, strategy: "dfs" });
  assert.equal(d.violation?.property, "took an item");
  assert.equal(replay(bug, d.violation!).error, undefined);
});

// --- every bundled spec -----------------------------------------------------

Deno.test("every bundled spec: reduced and unreduced searches agree where symmetry applies", async () => {
  const applied: string[] = [];
  const readsId: string[] = [];
  const refused: string[] = [];
  for (const { spec: s } of await bundledSpecs()) {
    let model: Model;
    try {
      model = compileMarked(s);
    } catch {
      continue; // no replicated kind to mark changes nothing here
    }
    const original = check(s);
    const full = check(model);
    const reduced = check(model, { symmetry: true });
    const noKinds = reduced.stats.symmetry?.kinds.length === 0;
    if (
      reduced.verdict === "error" &&
      /symmetry reduction does not apply/.test(reduced.error!.message)
    ) {
      // A primitive that cannot rename processes: refused, by name.
      assert.match(
        reduced.error!.message,
        /^Cannot check '[^']+': symmetry reduction does not apply: process .* declared symmetric, but \S+ '[^']+' cannot rename/,
      );
      refused.push(s.name);
      continue;
    }
    if (
      full.verdict === "error" &&
      /declared symmetric, so its code may not read/.test(full.error!.message)
    ) {
      // The copies are told apart by their id: not symmetric, and the
      // reduced search must not pass either.
      assert.equal(reduced.verdict, "error", s.name);
      readsId.push(s.name);
      continue;
    }
    // Marking changes nothing when the code never reads id or pid.
    assert.equal(full.verdict, original.verdict, s.name);
    assert.equal(full.stats.states, original.stats.states, s.name);
    assertAgree(model, full, reduced, s.name);
    if (!noKinds) applied.push(`${s.name} ${full.stats.states}->${reduced.stats.states}`);
  }
  // The bundled symmetric specs at least; more as primitives learn to rename.
  assert.ok(applied.some((a) => a.startsWith("symmetric_buffer ")), applied.join(", "));
  assert.ok(applied.length >= 4, `applied to: ${applied.join(", ")}`);
  assert.ok(readsId.includes("pc_no_mutex"), readsId.join(", "));
  assert.ok(refused.length > 0);
  if (Deno.env.get("SYMMETRY_REPORT") !== undefined) {
    console.log({ applied, readsId, refused });
  }
});

// --- random systems ---------------------------------------------------------

Deno.test("random systems with symmetric kinds: reduced and unreduced verdicts agree", () => {
  let reducedSome = 0;
  fc.assert(
    fc.property(genSpec({ symmetric: true, maxInstances: 5 }), (d) => {
      const model = compileCase(d);
      if (model === undefined) return;
      const full = check(model, { maxStates: 20000 });
      if (full.verdict === "incomplete" || full.verdict === "error") return;
      const reduced = check(model, { symmetry: true });
      assertAgree(model, full, reduced, JSON.stringify(d));
      if (reduced.stats.states < full.stats.states) reducedSome++;
      const dfs = check(model, { symmetry: true, strategy: "dfs" });
      assert.equal(dfs.verdict, full.verdict);
      if (dfs.violation !== undefined) {
        assert.equal(replay(model, dfs.violation).error, undefined);
      }
    }),
    { numRuns: 300 },
  );
  assert.ok(reducedSome > 20, `only ${reducedSome} systems were reduced at all`);
});

Deno.test("random systems without properties: the orbits cover the whole state space", () => {
  fc.assert(
    fc.property(genSpec({ symmetric: true, properties: false, maxInstances: 5 }), (d) => {
      const model = compileCase(d);
      if (model === undefined) return;
      const full = check(model, { maxStates: 20000 });
      if (full.verdict !== "ok") return;
      const reduced = check(model, { symmetry: true });
      assertAgree(model, full, reduced, JSON.stringify(d));
    }),
    { numRuns: 200 },
  );
});

// --- condition variables: waiter masks are renamed --------------------------

const tokens = spec({
  name: "cv_tokens",
  params: { workers: 3, tokens: 2 },
  build: (p) => {
    const sys = system({ tokens: 0, done: 0 });
    const m = mutex("m");
    const cv = condvar("cv", m);
    sys.process("giver", {}, (s) => [
      s.while(({ g }) => g.done < p.tokens, [
        lock(m),
        s.do("give", ({ g }) => {
          g.tokens++;
          g.done++;
        }),
        condSignal(cv),
        unlock(m),
      ]),
    ]);
    sys.process("worker", { count: p.workers, symmetric: true, locals: { got: 0 } }, (s) => [
      lock(m),
      s.while(({ g }) => g.tokens === 0, [condWait(cv)]),
      region(
        "take",
        s.do("take", ({ g, l }) => {
          g.tokens--;
          l.got = 1;
        }),
      ),
      unlock(m),
    ]);
    sys.always("tokens never negative", ({ g }) => g.tokens >= 0);
    sys.configure({ deadlock: true });
    return sys;
  },
});

Deno.test("condition variables: reduced and unreduced agree (a lost wakeup deadlocks)", () => {
  for (
    const params of [{ workers: 2, tokens: 2 }, { workers: 3, tokens: 3 }, {
      workers: 3,
      tokens: 2,
    }]
  ) {
    const model = tokens.compile(params);
    const full = check(model);
    const reduced = check(model, { symmetry: true });
    assertAgree(model, full, reduced, JSON.stringify(params));
    assert.ok(reduced.stats.states < full.stats.states);
  }
});

// --- refusals -----------------------------------------------------------------

Deno.test("a symmetric kind whose code reads its id is an error naming spec, process and step", () => {
  const s = spec({
    name: "by_id",
    params: {},
    build: () => {
      const sys = system({ x: 0 });
      sys.process("w", { count: 2, symmetric: true }, (b) => [
        b.do("tag", ({ g, id }) => {
          g.x = id;
        }),
      ]);
      return sys;
    },
  });
  for (const symmetry of [false, true]) {
    const r = check(s, { symmetry });
    assert.equal(r.verdict, "error");
    assert.match(
      r.error!.message,
      /^Cannot check 'by_id': process 'w#\d', step 'tag'.*: process 'w' is declared symmetric, so its code may not read its id/,
    );
  }
});

Deno.test("a primitive that cannot rename processes refuses symmetry reduction by name", () => {
  const s = spec({
    name: "piped",
    params: {},
    build: () => {
      const sys = system({});
      // Holders given as a list could single out one copy.
      const fd = pipe(sys, "fd", { capacity: 2, holders: ["w", "r"] });
      sys.process("w", { count: 2, symmetric: true }, () => [write(fd, { bytes: 1, value: 1 })]);
      sys.process("r", { locals: { n: 0 } }, (b) => [
        read(fd, { bytes: 1, count: b.into("n") }),
        read(fd, { bytes: 1, count: b.into("n") }),
      ]);
      return sys;
    },
  });
  assert.notEqual(check(s).verdict, "error");
  const r = check(s, { symmetry: true });
  assert.equal(r.verdict, "error");
  assert.equal(
    r.error!.message,
    "Cannot check 'piped': symmetry reduction does not apply: process 'w' is declared " +
      "symmetric, but pipe 'fd' cannot rename the processes it records (it supports no " +
      "symmetry); check without symmetry, or drop 'symmetric: true'",
  );
});

Deno.test("properties that could name one copy are errors in a symmetric system", () => {
  const owner = spec({
    name: "owner",
    params: {},
    build: () => {
      const sys = system({});
      const m = mutex("m");
      sys.process("w", { count: 2, symmetric: true }, () => [lock(m), unlock(m)]);
      sys.always("w#0 never holds m", (v) => v.value(m) !== 0);
      return sys;
    },
  });
  const r = check(owner, { symmetry: true });
  assert.equal(r.verdict, "error");
  assert.match(
    r.error!.message,
    /v\.value\(m\) is a pid, which could name one copy of process 'w'/,
  );
  const step = spec({
    name: "step_names",
    params: {},
    build: () => {
      const sys = system({ x: 0 });
      sys.process("w", { count: 2, symmetric: true }, (b) => [b.do("inc", ({ g }) => g.x++)]);
      sys.step("only w#0 moves first", (_b, info) => info.process !== "w#1");
      return sys;
    },
  });
  const s = check(step, { symmetry: true });
  assert.equal(s.verdict, "error");
  assert.match(s.error!.message, /may not read the process of a step of process 'w'/);
});

Deno.test("symmetry: true without a symmetric kind changes nothing and says so", async () => {
  const r = check(await loadSpec("pc_semaphore.ts", "pcSemaphore"), { symmetry: true });
  assert.equal(r.verdict, "ok");
  assert.equal(r.stats.states, 132);
  assert.deepEqual(r.stats.symmetry?.kinds, []);
  assert.match(formatStats(r.stats), /symmetry: no process kind is declared symmetric/);
});

Deno.test("cli check --symmetry prints what the reduction saved", async () => {
  const r = await cli(
    "check",
    path("specs/symmetric_buffer.ts"),
    "--symmetry",
    "--spec",
    "symmetric_buffer",
    "--param",
    "producers=3",
    "--param",
    "consumers=3",
  );
  assert.equal(r.code, 0, r.err);
  assert.match(
    r.out,
    /symmetry over producer x3, consumer x3: 5,736 orbits stand for 110,608 states \(19\.3x\)/,
  );
  const bad = await cli("simulate", path("specs/symmetric_buffer.ts"), "--symmetry");
  assert.equal(bad.code, 3);
});

Deno.test("symmetry and partial-order reduction are not combined", () => {
  const r = check(symmetricBuffer, { symmetry: true, reduction: "por" });
  assert.equal(r.verdict, "error");
  assert.equal(
    r.error!.message,
    "Cannot check 'symmetric_buffer': symmetry reduction and partial-order reduction cannot be " +
      "combined (yet); check with one of them",
  );
});

Deno.test("a step property may not read which waiter a signal woke", () => {
  const s = spec({
    name: "woke",
    params: {},
    build: () => {
      const sys = system({ ready: false });
      const m = mutex("m");
      const cv = condvar("cv", m);
      sys.process("w", { count: 2, symmetric: true }, (b) => [
        lock(m),
        b.while(({ g }) => !g.ready, [condWait(cv)]),
        unlock(m),
      ]);
      sys.process("s", {}, (b) => [
        lock(m),
        b.do("ready", ({ g }) => {
          g.ready = true;
        }),
        condSignal(cv),
        condSignal(cv),
        unlock(m),
      ]);
      sys.step("never the 2nd", (_b, info) => !info.operation.includes("2nd"));
      return sys;
    },
  });
  const r = check(s);
  assert.equal(r.verdict, "error");
  assert.match(
    r.error!.message,
    /may not read the operation of this step: it names a copy of process 'w'/,
  );
});

// --- the canonical form itself ----------------------------------------------

/** Every state of a small model, by breadth-first search. */
function reachable(model: Model, limit: number): Int32Array[] {
  const seen = new Map<string, Int32Array>();
  const queue: Int32Array[] = [];
  model.init((s) => {
    seen.set(s.join(), s.slice());
    queue.push(s.slice());
  });
  for (let i = 0; i < queue.length && seen.size < limit; i++) {
    model.expand(queue[i]!, {
      push(next) {
        const k = next.join();
        if (!seen.has(k)) {
          seen.set(k, next.slice());
          queue.push(next.slice());
        }
        return true;
      },
      fail() {},
    });
  }
  return [...seen.values()];
}

/** Every renaming of the copies of the symmetric kinds, as pid maps. */
function renamings(model: Model, kinds: readonly { process: string }[]): Int32Array[] {
  const names = model.processes!.names;
  let perms = [Int32Array.from(names, (_, p) => p)];
  for (const k of kinds) {
    const pids = names.flatMap((n, p) => (n.startsWith(`${k.process}#`) ? [p] : []));
    const orders = (xs: number[]): number[][] =>
      xs.length <= 1
        ? [xs]
        : xs.flatMap((x, i) =>
          orders([...xs.slice(0, i), ...xs.slice(i + 1)]).map((r) => [x, ...r])
        );
    perms = perms.flatMap((base) =>
      orders(pids).map((order) => {
        const q = base.slice();
        pids.forEach((p, i) => (q[p] = order[i]!));
        return q;
      })
    );
  }
  return perms;
}

Deno.test("canonicalize(): one representative per orbit, and the orbit's exact size", async () => {
  const models = [
    // Shared memory: attachment counts per process.
    compileMarked(await loadSpec("counter_sem.ts", "counterSem"), { workers: 3 }),
    tokens.compile({ workers: 3, tokens: 2 }),
    symmetricBuffer.compile({ producers: 2, consumers: 2, slots: 1 }),
    symmetricBufferNoMutex.compile({ producers: 3, consumers: 3 }),
  ];
  for (const model of models) {
    const sym = model.symmetry!()!;
    const perms = renamings(model, sym.kinds);
    const states = reachable(model, 3000);
    for (let i = 0; i < states.length; i += 7) {
      const s = states[i]!;
      const c = s.slice();
      const applied = new Int32Array(sym.processes);
      const size = sym.canonicalize(c, applied);
      // The representative is the state renamed by the renaming reported.
      const renamed = new Int32Array(s.length);
      sym.permute(s, applied, renamed);
      assert.deepEqual(renamed, c);
      const images = new Set<string>();
      for (const pi of perms) {
        const u = new Int32Array(s.length);
        sym.permute(s, pi, u);
        images.add(u.join());
        sym.canonicalize(u);
        assert.deepEqual(u, c, `${model.name}: ${model.explanation!.format(s)}`);
      }
      assert.equal(size, images.size, `${model.name}: ${model.explanation!.format(s)}`);
    }
  }
});

Deno.test("shared memory attached to a list of processes refuses symmetry reduction", () => {
  const s = spec({
    name: "attached_list",
    params: {},
    build: () => {
      const sys = system({});
      const seg = segment(sys, "seg", { size: 1, attached: ["w#0"] });
      sys.process("w", { count: 2, symmetric: true }, () => [shmStore(seg, { value: 1 })]);
      return sys;
    },
  });
  const r = check(s, { symmetry: true });
  assert.equal(r.verdict, "error");
  assert.match(r.error!.message, /but shm 'seg' cannot rename the processes it records/);
});

Deno.test("many identical copies told apart by a primitive: a representative, not pinned down, stays sound", () => {
  // Eight workers wait on one condition variable and one is signalled: the
  // eight identical blocks have 8! orderings, more than are tried, so the
  // representative is only some state of the orbit (and `exact` is false).
  const model = tokens.compile({ workers: 8, tokens: 1 });
  const full = check(model);
  const reduced = check(model, { symmetry: true });
  assertAgree(model, full, reduced, "8 workers");
  assert.equal(reduced.violation?.property, "deadlock");
  assert.equal(reduced.stats.symmetry?.exact, false);
  assert.ok(reduced.stats.states * 100 < full.stats.states);
});

Deno.test("an error in the spec's code under symmetry reduction comes with a real path", () => {
  const s = spec({
    name: "overflow",
    params: {},
    build: () => {
      const sys = system({ n: int(0, { min: 0, max: 2 }) });
      sys.process("w", { count: 3, symmetric: true }, (b) => [
        b.do("inc", ({ g }) => {
          g.n++;
        }),
      ]);
      return sys;
    },
  });
  const model = s.compile();
  const full = check(model);
  const reduced = check(model, { symmetry: true });
  assert.equal(full.verdict, "error");
  assert.equal(reduced.verdict, "error");
  assert.equal(reduced.error?.message, full.error?.message);
  const trace = reduced.error?.trace;
  assert.ok(trace !== undefined);
  assert.equal(trace.transitions.length, 2);
  assert.equal(replay(model, trace).error, undefined);
});

Deno.test("sweep({ symmetry: true }) finds the same smallest failing configuration", async () => {
  const ranges = { producers: "1..3", consumers: "1" };
  const plain = sweep(symmetricBufferNoMutex, ranges);
  const reduced = sweep(symmetricBufferNoMutex, ranges, { symmetry: true });
  assert.equal(reduced.verdict, plain.verdict);
  assert.deepEqual(reduced.smallest?.params, plain.smallest?.params);
  assert.equal(
    reduced.smallest?.result.violation?.transitions.length,
    plain.smallest?.result.violation?.transitions.length,
  );
  assert.ok(reduced.smallest!.result.stats.states < plain.smallest!.result.stats.states);
  const r = await cli(
    "sweep",
    path("specs/symmetric_buffer.ts"),
    "--spec",
    "symmetric_buffer_no_mutex",
    "--param",
    "producers=1..3",
    "--param",
    "consumers=1",
    "--symmetry",
  );
  assert.equal(r.code, 1, r.err);
  assert.match(r.out, /reproduce the trace: .* --symmetry$/m);
});

// --- pipes: end masks and call slots are renamed ----------------------------

const pipeWriters = spec({
  name: "pipe_writers",
  params: { writers: 3, bytes: 3, close: true },
  build: (p) => {
    const sys = system({ got: 0 });
    const fd = pipe(sys, "fd", { capacity: 2, pipeBuf: 1 });
    sys.process("writer", { count: p.writers, symmetric: true, locals: { err: 0 } }, (b) => [
      close(fd, "read"),
      // Larger than pipeBuf: written in pieces, a call of several transitions.
      write(fd, { bytes: p.bytes, value: 7, status: b.into("err") }),
      ...(p.close ? [close(fd, "write")] : []),
    ]);
    sys.process("reader", { locals: { n: 0, total: 0 } }, (b) => [
      close(fd, "write"),
      b.while(({ l }) => l.total < p.writers * p.bytes, [
        read(fd, { bytes: 2, count: b.into("n") }),
        b.do("add", ({ l }) => {
          l.total += l.n;
        }),
        b.if(({ l }) => l.n === 0, [breakLoop()]),
      ]),
      b.assert("read everything", ({ l }) => l.total === p.writers * p.bytes),
    ]);
    return sys;
  },
});

Deno.test("pipes: reduced and unreduced agree, and the canonical form is exact", () => {
  for (const params of [{}, { writers: 2, close: false }, { writers: 4, bytes: 2 }]) {
    const model = pipeWriters.compile(params);
    const full = check(model);
    const reduced = check(model, { symmetry: true });
    assertAgree(model, full, reduced, JSON.stringify(params));
    assert.ok(reduced.stats.states < full.stats.states, JSON.stringify(params));
  }
  const model = pipeWriters.compile();
  const sym = model.symmetry!()!;
  const perms = renamings(model, sym.kinds);
  for (const s of reachable(model, 5000)) {
    const c = s.slice();
    const size = sym.canonicalize(c);
    const images = new Set<string>();
    for (const pi of perms) {
      const u = new Int32Array(s.length);
      sym.permute(s, pi, u);
      images.add(u.join());
      sym.canonicalize(u);
      assert.deepEqual(u, c);
    }
    assert.equal(size, images.size);
  }
});
