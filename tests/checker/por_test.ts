// Partial-order reduction (check({ reduction: "por" })): it must keep every
// deadlock, invariant, assertion and final-state verdict. Reduced searches
// (breadth-first, depth-first, fingerprint store) are compared with the
// unreduced search on every bundled spec and on random specs; the
// benchmark specs' reduced state counts are pinned (SPIN 6.5.2's counts with
// its partial-order reduction are one more: its twins check `atEnd` in one
// extra state); and small specs show that each condition of the reduction
// (visibility, the cycle proviso, re-running when an invariant queries
// something new) is needed.

import assert from "node:assert/strict";
import fc from "fast-check";
import {
  atomic,
  check,
  type Checkable,
  type CheckOptions,
  type CheckResult,
  explainTrace,
  lock,
  mutex,
  post,
  region,
  semaphore,
  spec,
  type StepBuilder,
  system,
  wait,
} from "../../mod.ts";
import { buildCase, type GenSpec, genSpec } from "../_gen.ts";
import { condSignal, condvar, condWait } from "../../model/primitives/condvar.ts";
import { kill as killSignal, signals as signalTable } from "../../model/primitives/signals.ts";

import { type AnySpec, bundledSpecs, loadSpec } from "../_pins.ts";
import { cli, path } from "../_cli.ts";

/** The spec, compiled without generated code (the interpreter runs it). */
function interpreted(s: AnySpec): Checkable {
  return {
    name: s.name,
    resolve: (params) => s.resolve(params),
    compile: (params) => s.compile(params, { interpret: true }),
  };
}

/** Every spec the files of specs/ export, by `file:export`. */
async function bundled(): Promise<[string, AnySpec][]> {
  return (await bundledSpecs()).map((b) => [`${b.file}:${b.export}`, b.spec]);
}

const REDUCED: readonly [string, CheckOptions][] = [
  ["bfs", { reduction: "por" }],
  ["dfs", { reduction: "por", strategy: "dfs" }],
  ["fingerprint", { reduction: "por", store: "fingerprint" }],
];

/** The reduced result agrees with the unreduced one. */
function assertSameVerdict(what: string, full: CheckResult, reduced: CheckResult): void {
  assert.equal(
    reduced.verdict,
    full.verdict,
    `${what}: ${reduced.violation?.property ?? reduced.error?.message ?? ""}`,
  );
  assert.equal(reduced.violation?.property, full.violation?.property, what);
  assert.equal(reduced.violation?.kind, full.violation?.kind, what);
  if (full.verdict !== "violation") {
    assert.ok(
      reduced.stats.states <= full.stats.states,
      `${what}: ${reduced.stats.states} states reduced, ${full.stats.states} unreduced`,
    );
  }
}

/** A reduced counterexample is a real trace: replaying it gives it back. */
function assertReplays(what: string, s: AnySpec, r: CheckResult): void {
  const v = r.violation;
  // Liveness properties are checked over the whole state graph, unreduced.
  if (v === undefined || v.kind === "liveness") return;
  const again = explainTrace(s.compile(), v);
  assert.ok(typeof again !== "string", `${what}: ${again}`);
  assert.deepEqual(again, v, what);
}

for (const [name, s] of await bundled()) {
  Deno.test(`check({ reduction: "por" }) on ${name}: same verdict and property, no more states, traces replay`, () => {
    const full = check(s);
    for (const [how, options] of REDUCED) {
      const r = check(s, options);
      assertSameVerdict(`${name} (${how})`, full, r);
      assertReplays(`${name} (${how})`, s, r);
      assert.ok(r.stats.reduction !== undefined, `${name} (${how}): no reduction stats`);
    }
  });
}

/** Bundled specs at settings above their defaults: more processes, more interleavings. */
const LARGER: readonly [string, string, Record<string, number>][] = [
  ["counter_race.ts", "counterRace", { workers: 3 }],
  ["counter_sem.ts", "counterSem", { workers: 3 }],
  ["pc_no_mutex.ts", "pcNoMutex", { producers: 2, consumers: 2 }],
  ["pc_swapped_waits.ts", "pcSwappedWaits", { producers: 2, consumers: 2 }],
  ["condvar_if_while.ts", "condvarWhile", { consumers: 3 }],
  ["condvar_if_while.ts", "condvarIf", { consumers: 3 }],
  ["fork_sum_pipe.ts", "forkSumPipe", { workers: 3 }],
  ["mq_rmid.ts", "mqRmid", { workers: 3 }],
  ["direct_echo.ts", "directEchoAsymmetric", { clients: 3 }],
  ["pipe_fork_eof.ts", "pipeForkEof", { items: 4 }],
  ["mailbox_round_robin.ts", "mailboxRoundRobin", { receivers: 3 }],
];

Deno.test('check({ reduction: "por" }) on bundled specs at larger settings: same verdict and property', async () => {
  for (const [file, name, params] of LARGER) {
    const s = await loadSpec(file, name);
    const what = `${name} ${JSON.stringify(params)}`;
    const full = check(s, { params });
    for (const [how, options] of REDUCED) {
      const r = check(s, { params, ...options });
      assertSameVerdict(`${what} (${how})`, full, r);
      if (r.violation !== undefined) {
        const again = explainTrace(s.compile(params), r.violation);
        assert.ok(typeof again !== "string", `${what} (${how}): ${again}`);
        assert.deepEqual(again, r.violation, `${what} (${how})`);
      }
    }
  }
});

// ---------------------------------------------------------------------------
// The benchmark specs, at the scales of bench/vs_spin.ts. SPIN 6.5.2 with its
// partial-order reduction stores one state more in each (bench/RESULTS.md).

const pcChannel = await loadSpec("pc_channel.ts", "pcChannel");
const pcRendezvous = await loadSpec("pc_rendezvous.ts", "pcRendezvous");
const anchorChannel = await loadSpec("spin_anchors.ts", "anchorChannel");
const anchorRendezvous = await loadSpec("spin_anchors.ts", "anchorRendezvous");
const pcSemaphore = await loadSpec("pc_semaphore.ts", "pcSemaphore");
const mailboxExclusive = await loadSpec("mailbox_exclusive.ts", "mailboxExclusive");

const PINNED: readonly [AnySpec, Record<string, number>, number, number][] = [
  // spec, params, unreduced states, reduced states (SPIN with POR: + 1)
  [pcRendezvous, {}, 3_616, 665],
  [pcChannel, {}, 52, 27],
  [pcChannel, { producers: 2, consumers: 2 }, 10_312, 1_759],
  [pcSemaphore, {}, 132, 83],
  [pcSemaphore, { producers: 2, consumers: 2 }, 47_738, 14_309],
  // An OS-owned mailbox has no exit hook, so its operations can be reduced.
  [mailboxExclusive, {}, 819, 352],
  // SPIN's anchor models: the receive and its bookkeeping in one atomic
  // block (SPIN with POR: 263 and 135 states, none stored inside atomic).
  [anchorChannel, { producers: 2, consumers: 2 }, 7_978, 477],
  [anchorRendezvous, { items: 2 }, 4_510, 559],
];

for (const [s, params, fullStates, reducedStates] of PINNED) {
  const setting = Object.entries(params).map(([k, v]) => `${k}=${v}`).join(" ") || "defaults";
  Deno.test(`check({ reduction: "por" }) on ${s.name} (${setting}): ${reducedStates} states instead of ${fullStates}`, () => {
    assert.equal(check(s, { params }).stats.states, fullStates);
    for (const [how, options] of REDUCED) {
      const r = check(s, { params, ...options });
      assert.equal(r.verdict, "ok", how);
      assert.equal(r.stats.states, reducedStates, how);
      assert.equal(r.stats.reduction?.runs, 1, how);
      assert.equal(
        r.stats.reduction!.ample + r.stats.reduction!.full,
        r.stats.states,
        `${how}: every state is expanded once`,
      );
    }
  });
}

Deno.test('check({ reduction: "por" }) on the 2-slot channel anchor (P4 C4 K2, atomic receive): 113,723 states', () => {
  // SPIN 6.5.2 with POR on its twin (../shared/bench-spin/pc_chan.pml):
  // 44,051 states. 60,480 of the 113,723 are inside an atomic block, where
  // SPIN stores none; and SPIN merges chains of local statements.
  const params = { producers: 4, consumers: 4, items: 2, slots: 2 };
  const r = check(anchorChannel, { params, reduction: "por" });
  assert.equal(r.verdict, "ok");
  assert.equal(r.stats.states, 113_723);
  assert.deepEqual(r.stats.reduction, { ample: 41_912, full: 71_811, runs: 1 });
});

// ---------------------------------------------------------------------------
// Each condition is needed: without it, these specs would pass.

/**
 * Two processes each enter a region through a step that touches only their
 * locals; the invariant counts the region. Entering is visible, so both
 * interleavings are explored (expanding one process alone would always
 * leave before the other enters).
 */
const regionRace = spec({
  name: "region race",
  params: {},
  build: () => {
    const sys = system({});
    sys.process("p", { count: 2, locals: { x: 0 } }, (s) => [
      s.do("start", ({ l }) => {
        l.x = 4;
      }),
      s.do("before", ({ l }) => {
        l.x = 1;
      }),
      region(
        "cs",
        s.do("inside", ({ l }) => {
          l.x = 2;
        }),
      ),
      s.do("after", ({ l }) => {
        l.x = 3;
      }),
    ]);
    sys.always("one inside", (v) => v.inside("cs") <= 1);
    return sys;
  },
});

/**
 * Each process posts and then waits on a semaphore of its own (so its
 * operations are independent of the other process); the invariant reads
 * both values, so the operations are visible.
 */
const privateSemaphores = spec({
  name: "private semaphores",
  params: {},
  build: () => {
    const sys = system({});
    const a = semaphore("a", 0), b = semaphore("b", 0);
    for (const [name, sem] of [["pa", a], ["pb", b]] as const) {
      sys.process(name, { locals: { x: 0 } }, (s) => [
        s.do("start", ({ l }) => {
          l.x = 1;
        }),
        post(sem),
        wait(sem),
      ]);
    }
    sys.always("not both posted", (v) => v.value(a) + v.value(b) < 2);
    return sys;
  },
});

/**
 * A process that spins for ever on its own locals (a cycle of steps
 * independent of everything), and one that breaks the invariant in one
 * step. Without the cycle proviso the spinning process would be expanded
 * alone for ever and the other ignored.
 */
const spinner = spec({
  name: "spinner",
  params: {},
  build: () => {
    const sys = system({ bad: 0 });
    sys.process("spin", { locals: { x: 0 } }, (s) => [
      s.while(() => true, [s.do("flip", ({ l }) => {
        l.x = 1 - l.x;
      })]),
    ]);
    sys.process("breaker", {}, (s) => [s.do("break", ({ g }) => {
      g.bad = 1;
    })]);
    sys.always("never bad", ({ g }) => g.bad === 0);
    sys.configure({ deadlock: false });
    return sys;
  },
});

/**
 * The invariant counts the region only once `armed` is set: the first
 * reduced search learns that it reads the region when it is too late, and
 * the search runs again with entering the region visible.
 */
const lateQuery = spec({
  name: "late query",
  params: {},
  build: () => {
    const sys = system({ armed: false });
    sys.process("arm", {}, (s) => [s.do("arm", ({ g }) => {
      g.armed = true;
    })]);
    sys.process("p", { count: 2, locals: { x: 0 } }, (s) => [
      s.do("start", ({ l }) => {
        l.x = 4;
      }),
      s.do("before", ({ l }) => {
        l.x = 1;
      }),
      region(
        "cs",
        s.do("inside", ({ l }) => {
          l.x = 2;
        }),
      ),
      s.do("after", ({ l }) => {
        l.x = 3;
      }),
    ]);
    sys.always("one inside once armed", (v) => !v.g.armed || v.inside("cs") <= 1);
    return sys;
  },
});

/**
 * An assertion over the asserting process's locals that fails: a failing
 * transition is never part of an ample set (the process is not expanded
 * alone there), and the failure is still reported.
 */
const localAssert = spec({
  name: "local assert",
  params: {},
  build: () => {
    const sys = system({ y: 0 });
    sys.process("p", { locals: { x: 0 } }, (s) => [
      s.do("set", ({ l }) => {
        l.x = 1;
      }),
      s.assert("x is 0", ({ l }) => l.x === 0),
    ]);
    sys.process("q", {}, (s) => [s.do("y", ({ g }) => {
      g.y = 1;
    })]);
    return sys;
  },
});

/**
 * A condition variable's wait releases and re-takes its mutex: q, waiting,
 * still touches the mutex p locks, although q has no mutex operation left
 * (p's lock must not be expanded alone there). q gets the mutex only when
 * it re-takes it before p locks it.
 */
const condvarMutex = spec({
  name: "condvar mutex",
  params: {},
  build: () => {
    const sys = system({ who: 0, ready: false });
    const m = mutex("m");
    const cv = condvar("cv", m);
    sys.process("p", {}, (s) => [
      lock(m),
      s.do("take", ({ g }) => {
        g.who = 1;
      }),
    ]);
    sys.process("q", {}, (s) => [
      lock(m),
      s.do("arm", ({ g }) => {
        g.ready = true;
      }),
      condWait(cv),
      s.do("got", ({ g }) => {
        g.who = 2;
      }),
    ]);
    sys.process("r", {}, (s) => [s.when("armed", ({ g }) => g.ready), condSignal(cv)]);
    sys.always("q never gets it", ({ g }) => g.who !== 2);
    sys.configure({ deadlock: false });
    return sys;
  },
});

for (
  const [s, property, runs] of [
    [condvarMutex, "q never gets it", 1],
    [regionRace, "one inside", 1],
    [privateSemaphores, "not both posted", 1],
    [spinner, "never bad", 1],
    [lateQuery, "one inside once armed", 2],
    [localAssert, "x is 0", 1],
  ] as const
) {
  Deno.test(`check({ reduction: "por" }) finds the violation of '${property}' (${s.name})`, () => {
    assert.equal(check(s).violation?.property, property);
    for (const [how, options] of REDUCED) {
      const r = check(s, options);
      assert.equal(r.verdict, "violation", how);
      assert.equal(r.violation?.property, property, how);
      assertReplays(`${s.name} (${how})`, s, r);
      if (how !== "fingerprint") assert.equal(r.stats.reduction?.runs, runs, how);
    }
  });
}

Deno.test('check({ reduction: "por" }) expands some states through ample sets in the specs above', () => {
  // The reductions above are not vacuous: each spec is reduced somewhere.
  for (const s of [regionRace, privateSemaphores, spinner, lateQuery, localAssert]) {
    const r = check(s, { reduction: "por" });
    assert.ok(r.stats.reduction!.ample > 0, s.name);
  }
});

Deno.test('check({ reduction: "por" }) expands operations on a primitive no other process can still use alone', () => {
  const s = spec({
    name: "private semaphores, invisible",
    params: {},
    build: () => {
      const sys = system({});
      const a = semaphore("a", 0), b = semaphore("b", 0), shared = semaphore("shared", 1);
      for (const [name, sem] of [["pa", a], ["pb", b]] as const) {
        sys.process(name, {}, () => [post(sem), wait(sem), wait(shared), post(shared)]);
      }
      return sys;
    },
  });
  const full = check(s);
  const r = check(s, { reduction: "por" });
  assert.equal(r.verdict, "ok");
  // 5 positions each (post, wait, wait(shared), post(shared), end): 25
  // pairs, less the one with both holding `shared`. Reduced: pa runs alone
  // up to wait(shared) (states 00, 10, 20), then pb does (21, 22); from 22
  // both orders around `shared` (32, 42, 43, 44 and 23, 24, 34): 12 states.
  assert.equal(full.stats.states, 24);
  assert.equal(r.stats.states, 12);
  assert.ok(r.stats.reduction!.ample > 0);
});

Deno.test('check({ reduction: "por" }): the interpreter and the generated successor code take the same ample sets', () => {
  const specs = [regionRace, privateSemaphores, spinner, lateQuery, localAssert, condvarMutex];
  const all = [...specs, pcSemaphore, pcChannel, pcRendezvous];
  const generated = all.map((s) => check(s, { reduction: "por" }));
  all.forEach((s, i) => {
    const r = check(interpreted(s), { reduction: "por" });
    assert.equal(r.verdict, generated[i]!.verdict, s.name);
    assert.equal(r.stats.states, generated[i]!.stats.states, s.name);
    assert.deepEqual(r.stats.reduction, generated[i]!.stats.reduction, s.name);
  });
});

Deno.test('check({ reduction: "por" }) reduces specs with atomic blocks, signals and step properties', () => {
  const signals = spec({
    name: "signals",
    params: {},
    build: () => {
      const sys = system({});
      const sig = signalTable();
      const counts = (s: StepBuilder<Record<never, never>, { n: number }>) => [
        s.do("count", ({ l }) => l.n++),
        s.do("again", ({ l }) => l.n++),
        s.do("more", ({ l }) => l.n++),
      ];
      sys.process("victim", { locals: { n: 0 }, signals: { SIGUSR1: ({ l }) => l.n = 5 } }, counts);
      sys.process("killer", { locals: { n: 0 } }, (s) => [
        killSignal(sig, 0, "SIGUSR1"),
        ...counts(s),
      ]);
      return sys;
    },
  });
  const build = (extra: "atomic" | "step") =>
    spec({
      name: extra,
      params: {},
      build: () => {
        const sys = system({ x: 0 });
        const steps = (s: StepBuilder<{ x: number }, { n: number }>) => [
          s.do("count", ({ l }) => l.n++),
          s.do("again", ({ l }) => l.n++),
          s.do("inc", ({ g }) => {
            g.x++;
          }),
        ];
        sys.process(
          "p",
          { count: 2, locals: { n: 0 } },
          (s) => extra === "atomic" ? [...steps(s), atomic(...steps(s))] : steps(s),
        );
        // Reads only the step, never the state: judges a step the same
        // wherever it is taken, so local steps can still be expanded alone.
        if (extra === "step") sys.step("no reset", (_a, step) => step.operation !== "reset");
        return sys;
      },
    });
  for (
    const [s, full, reduced] of [
      // The killer's kill depends on everything the victim does; its
      // counting, and the victim's once the signal is delivered, do not.
      [signals, 56, 33],
      // Each process: 6 steps, the last 3 in an atomic block: 7 positions
      // each, 49 pairs, less the 4 with both in the block past its first
      // step. Only the local steps before the block are reduced.
      [build("atomic"), 45, 25],
      [build("step"), 16, 8],
    ] as const
  ) {
    const r = check(s, { reduction: "por" });
    assert.equal(r.stats.reduction?.off, undefined, s.name);
    assert.ok(r.stats.reduction!.ample > 0, s.name);
    assert.equal(check(s).stats.states, full, s.name);
    assert.equal(r.stats.states, reduced, s.name);
    assert.equal(r.verdict, check(s).verdict, s.name);
  }
});

/**
 * A step property that reads the state judges each step in its context: a
 * process's local step is then visible, or the property would judge it in
 * one context only. Here q's local step is bad only while p is inside
 * `cs` (a query, not a global: the access counts alone would not see it).
 */
const stepInContext = spec({
  name: "step in context",
  params: {},
  build: () => {
    const sys = system({});
    // q comes first: it is the first candidate for an ample set.
    sys.process("q", { locals: { x: 0 } }, (s) => [s.do("local", ({ l }) => {
      l.x = 1;
    })]);
    sys.process("p", { locals: { y: 0 } }, (s) => [
      s.do("before", ({ l }) => {
        l.y = 3;
      }),
      region(
        "cs",
        s.do("in", ({ l }) => {
          l.y = 1;
        }),
      ),
      s.do("out", ({ l }) => {
        l.y = 2;
      }),
    ]);
    sys.step(
      "q keeps out of p's way",
      (a, step) => a.inside("cs") === 0 || !step.process.startsWith("q"),
    );
    return sys;
  },
});

/**
 * An atomic block that writes a global: another process's local steps may
 * be expanded alone, but the block is one transition that is never part of
 * an ample set, and the invariant still sees its inside.
 */
const atomicInside = spec({
  name: "atomic inside",
  params: {},
  build: () => {
    const sys = system({ a: 0 });
    sys.process("p", {}, (s) => [
      atomic(
        s.do("up", ({ g }) => {
          g.a = 1;
        }),
        s.do("down", ({ g }) => {
          g.a = 0;
        }),
      ),
    ]);
    sys.process("q", { locals: { x: 0 } }, (s) => [
      s.do("one", ({ l }) => {
        l.x = 1;
      }),
      s.do("two", ({ l }) => {
        l.x = 2;
      }),
      s.assert("x is 2 when a is set", ({ g, l }) => g.a === 0 || l.x === 2),
    ]);
    sys.always("a stays 0", ({ g }) => g.a === 0);
    return sys;
  },
});

/**
 * A handler that writes only its process's locals still makes the
 * process's steps depend on the sender: a signal pending disables them.
 */
const killedLate = spec({
  name: "killed late",
  params: {},
  build: () => {
    const sys = system({ done: 0 });
    const sig = signalTable();
    sys.process("victim", { locals: { x: 0 } }, (s) => [
      s.do("one", ({ l }) => {
        l.x = 1;
      }),
      s.do("two", ({ l }) => {
        l.x = 2;
      }),
      s.do("finish", ({ g }) => {
        g.done = 1;
      }),
    ]);
    sys.process("killer", {}, () => [killSignal(sig, 0, "SIGTERM")]);
    sys.atEnd("victim finished", ({ g }) => g.done === 1);
    return sys;
  },
});

for (
  const [s, property] of [
    [stepInContext, "q keeps out of p's way"],
    [atomicInside, "a stays 0"],
    [killedLate, "victim finished"],
  ] as const
) {
  Deno.test(`check({ reduction: "por" }) finds the violation of '${property}' (${s.name})`, () => {
    assert.equal(check(s).violation?.property, property);
    for (const [how, options] of REDUCED) {
      const r = check(s, options);
      assert.equal(r.verdict, "violation", how);
      assert.equal(r.violation?.property, property, how);
      assertReplays(`${s.name} (${how})`, s, r);
    }
  });
}

Deno.test('check({ reduction: "none" }) is the unreduced search', () => {
  const r = check(pcRendezvous, { reduction: "none" });
  assert.equal(r.stats.states, 3_616);
  assert.equal(r.stats.reduction, undefined);
});

Deno.test("ipcspec check --por: the reduced search, its stats, and a trace that --replay re-runs", async () => {
  const ok = await cli("check", path("specs/pc_channel.ts"), "--por", "--param", "producers=2");
  assert.equal(ok.code, 0, ok.err);
  assert.match(ok.out, /partial-order reduction: [\d,]+ states expanded through ample sets/);
  const bad = await cli("check", path("specs/pc_no_mutex.ts"), "--por", "--format", "json");
  assert.equal(bad.code, 1, bad.err);
  const v = JSON.parse(bad.out).results[0].violation;
  assert.equal(v.property, "exactly once");
  const trace = `${v.init}:${v.transitions.join(",")}`;
  const again = await cli("check", path("specs/pc_no_mutex.ts"), "--replay", trace);
  assert.equal(again.code, 1, again.err);
  assert.match(again.out, /exactly once/);
  for (
    const [args, message] of [
      [["--symmetry"], /--por does not combine with --symmetry/],
      [["--workers", "2"], /--workers does not take --por/],
    ] as const
  ) {
    const r = await cli("check", path("specs/pc_channel.ts"), "--por", ...args);
    assert.equal(r.code, 3);
    assert.match(r.err, message);
  }
  const sim = await cli("simulate", path("specs/pc_channel.ts"), "--por");
  assert.equal(sim.code, 3);
  assert.match(sim.err, /simulate does not take --por/);
});

// ---------------------------------------------------------------------------
// Random specs (tests/_gen.ts): the reduced verdict is the unreduced one, for
// the whole spec and for each invariant alone.

const BUDGET = 20_000;

/** Checks `d` unreduced and reduced; skips it when the unreduced search is cut short. */
function compare(d: GenSpec): void {
  const c = buildCase(d);
  const full = check(c.spec, { maxStates: BUDGET });
  fc.pre(full.verdict !== "incomplete" && full.verdict !== "error");
  for (const [how, options] of REDUCED) {
    const r = check(c.spec, { maxStates: BUDGET, ...options });
    assert.equal(r.verdict, full.verdict, `${how}: ${r.violation?.property ?? ""}`);
    if (full.verdict === "ok") assert.ok(r.stats.states <= full.stats.states, how);
    if (r.violation !== undefined) {
      const again = explainTrace(c.spec.compile(), r.violation);
      assert.ok(typeof again !== "string", `${how}: ${again}`);
      assert.equal(again.property, r.violation.property, how);
    }
  }
  // The interpreter takes the same ample sets as the generated code.
  const generated = check(c.spec, { maxStates: BUDGET, reduction: "por" });
  const byInterpreter = check(interpreted(c.spec), { maxStates: BUDGET, reduction: "por" });
  assert.equal(byInterpreter.verdict, generated.verdict, "interpreter");
  assert.equal(byInterpreter.stats.states, generated.stats.states, "interpreter");
}

const SCALE = Number(Deno.env.get("REFERENCE_RUNS") ?? "1");
const runs = (n: number) => ({ numRuns: Math.max(1, Math.round(n * SCALE)) });

Deno.test('check({ reduction: "por" }) on random specs: the same verdict as the unreduced search', () => {
  fc.assert(
    fc.property(genSpec(), (d) => compare(d)),
    runs(150),
  );
});

Deno.test('check({ reduction: "por" }) on random specs: each invariant alone, and deadlocks alone', () => {
  fc.assert(
    fc.property(genSpec(), (d) => {
      const procs = d.procs;
      for (const inv of d.invariants) {
        compare({ ...d, procs, invariants: [inv], finals: [], deadlock: false });
      }
      compare({ ...d, procs, invariants: [], finals: [], deadlock: true });
    }),
    runs(100),
  );
});

Deno.test('check({ reduction: "por" }) on random specs with rendezvous: the same verdict', () => {
  fc.assert(
    fc.property(genSpec({ rendezvous: true }), (d) => compare(d)),
    runs(100),
  );
});

Deno.test('check({ reduction: "por" }) on random specs with signals: the same verdict', () => {
  fc.assert(fc.property(genSpec({ signals: true }), (d) => compare(d)), runs(100));
});

Deno.test('check({ reduction: "por" }) on random specs with step properties: the same verdict', () => {
  fc.assert(fc.property(genSpec({ stepProps: true }), (d) => compare(d)), runs(100));
});

Deno.test('check({ reduction: "por" }) on random specs with atomic blocks, signals and step properties', () => {
  fc.assert(
    fc.property(genSpec({ signals: true, stepProps: true, rendezvous: true }), (d) => compare(d)),
    runs(60),
  );
});

Deno.test('check({ reduction: "por" }) on random specs with signals and step properties: each property alone', () => {
  fc.assert(
    fc.property(genSpec({ signals: true, stepProps: true }), (d) => {
      for (const inv of d.invariants) {
        compare({ ...d, invariants: [inv], finals: [], stepProps: [], deadlock: false });
      }
      for (const step of d.stepProps ?? []) {
        compare({ ...d, invariants: [], finals: [], stepProps: [step], deadlock: false });
      }
    }),
    runs(60),
  );
});
