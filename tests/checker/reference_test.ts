// The packed BFS checker against an independent brute-force reference
// explorer (tests/_reference.ts) on random small systems (tests/_gen.ts) and
// on hand-written ones.
//
// Should the checker and the reference ever disagree on a construct, the
// property tests can skip it while it is being fixed: the reference notes
// which constructs a system contains, and KNOWN_BUGS lists the notes to
// skip (none today). The "regression:" tests below pin four constructs the
// compiler once got wrong, with their state and transition counts worked
// out by hand.

import assert from "node:assert/strict";
import fc from "fast-check";
import {
  atomic,
  type Channel,
  channel,
  check,
  type CheckResult,
  choose,
  explainTrace,
  goto,
  label,
  lock,
  loop,
  mutex,
  post,
  region,
  replay,
  semaphore,
  spec,
  type Step,
  type StepBuilder,
  type System,
  system,
  unlock,
  wait,
} from "../../mod.ts";
import type { Model } from "../../extend.ts";
import { buildCase, type GenSpec, genSpec } from "../_gen.ts";
import {
  type Exploration,
  explore,
  followMovers,
  RefModel,
  RefSpecError,
  track,
  violationWithin,
} from "../_reference.ts";

/** Reference notes that mark systems hitting a known checker bug (none today). */
const KNOWN_BUGS = new Set<string>([]);

/** Systems with more reachable states than this are skipped. */
const BUDGET = 5000;

/** Multiplies every numRuns (e.g. REFERENCE_RUNS=50 for a long soak). */
const SCALE = Number(Deno.env.get("REFERENCE_RUNS") ?? "1");
const runs = (n: number) => ({ numRuns: Math.max(1, Math.round(n * SCALE)) });

// deno-lint-ignore no-explicit-any
type Any = any;

interface Compared {
  readonly ref: RefModel;
  readonly x: Exploration;
  readonly result: CheckResult;
  readonly model: Model;
}

/**
 * Builds a generated system, explores it with the reference and checks it.
 * Returns undefined (after asserting the checker refuses it too) when the
 * reference finds the system malformed; skips (fc.pre) systems over budget
 * or hitting a known bug.
 */
function run(d: GenSpec): Compared | undefined {
  const c = buildCase(d);
  let ref: RefModel;
  try {
    ref = new RefModel(c.sys);
  } catch (e) {
    if (!(e instanceof RefSpecError)) throw e;
    const result = check(c.spec);
    assert.equal(result.verdict, "error", `reference: ${e.message}`);
    return undefined;
  }
  const x = explore(ref, BUDGET);
  fc.pre(x.complete);
  fc.pre([...ref.notes].every((n) => !KNOWN_BUGS.has(n)));
  const result = check(c.spec, { maxStates: 4 * BUDGET });
  return { ref, x, result, model: c.spec.compile() };
}

/** The checker's verdict agrees with the reference's full exploration. */
function assertAgrees({ x, result }: Compared): void {
  if (x.shortest === undefined) {
    assert.equal(result.verdict, "ok", result.error?.message ?? result.violation?.property);
    assert.equal(result.stats.states, x.states, "reachable states");
    assert.equal(result.stats.transitions, x.transitions, "transitions fired");
    assert.equal(result.stats.depth, x.depth, "BFS depth");
  } else {
    assert.equal(result.verdict, "violation", result.error?.message);
    const v = result.violation!;
    assert.equal(v.transitions.length, x.shortest, `trace length (reference: ${x.atShortest})`);
    assert.ok(
      x.atShortest.includes(v.property),
      `'${v.property}' is not among the shortest violations ${JSON.stringify(x.atShortest)}`,
    );
  }
}

Deno.test("random systems: the checker's verdict, state count and shortest trace length match the reference", () => {
  fc.assert(
    fc.property(genSpec(), (d) => {
      const c = run(d);
      if (c !== undefined) assertAgrees(c);
    }),
    runs(300),
  );
});

Deno.test("random systems without properties: whole state spaces match the reference", () => {
  fc.assert(
    fc.property(genSpec({ properties: false }), (d) => {
      const c = run(d);
      if (c !== undefined) assertAgrees(c);
    }),
    runs(200),
  );
});

Deno.test("random rendezvous-heavy systems: verdicts, state counts and trace lengths match the reference", () => {
  const gen = fc.oneof(
    genSpec({ rendezvous: true }),
    genSpec({ rendezvous: true, properties: false }),
  );
  fc.assert(
    fc.property(gen, (d) => {
      const c = run(d);
      if (c !== undefined) assertAgrees(c);
    }),
    runs(200),
  );
});

Deno.test("random systems: every counterexample replays, is explained as the same property, and is a violating path of the reference", () => {
  fc.assert(
    fc.property(genSpec(), (d) => {
      const c = run(d);
      if (c === undefined || c.result.verdict !== "violation") return;
      const v = c.result.violation!;
      const trace = { init: v.init, transitions: v.transitions };
      const r = replay(c.model, trace);
      assert.equal(r.error, undefined, r.error);
      if (v.kind === "assertion" || v.kind === "primitive") {
        assert.equal(r.failure?.step, v.transitions.length - 1, "the last transition fails");
        assert.equal(c.model.properties[r.failure!.property]?.name, v.property);
      } else {
        assert.equal(r.failure, undefined);
        assert.equal(r.states.length, v.transitions.length + 1);
      }
      const again = explainTrace(c.model, trace);
      assert.ok(typeof again !== "string", again as string);
      assert.equal(again.property, v.property);
      assert.equal(again.kind, v.kind);
      const movers = v.transitions.map((t) => c.model.explanation!.describe(t).process);
      assert.ok(
        followMovers(c.ref, movers, v.property),
        `the reference cannot follow ${movers.join(" ")} to '${v.property}'`,
      );
    }),
    runs(200),
  );
});

Deno.test("random systems: no path shorter than the reported counterexample violates anything", () => {
  fc.assert(
    fc.property(genSpec(), (d) => {
      const c = run(d);
      if (c === undefined || c.result.verdict !== "violation" || c.x.states > 1500) return;
      const len = c.result.violation!.transitions.length;
      if (len > 0) {
        assert.equal(violationWithin(c.ref, len - 1), undefined, `a violation within ${len - 1}`);
      }
      assert.notEqual(violationWithin(c.ref, len), undefined, `no violation within ${len}`);
    }),
    runs(150),
  );
});

Deno.test("the generator covers every verdict, every kind of violation, rendezvous and atomic ownership", () => {
  const seen = new Map<string, number>();
  const count = (k: string) => seen.set(k, (seen.get(k) ?? 0) + 1);
  for (const d of fc.sample(genSpec(), { numRuns: 300, seed: 42 })) {
    const c = buildCase(d);
    let ref: RefModel;
    try {
      ref = new RefModel(c.sys);
    } catch {
      count("malformed");
      continue;
    }
    const x = explore(ref, BUDGET);
    if (!x.complete) {
      count("over budget");
      continue;
    }
    if (ref.seen.joint > 0) count("rendezvous");
    if (ref.seen.owned > 0) count("atomic owner");
    if (!d.deadlock) count("deadlock detection off");
    if (x.shortest === undefined) count("ok");
    for (const p of x.atShortest) {
      count(
        /^I\d/.test(p) ? "invariant" : /^F\d/.test(p) ? "final" : /^A\d/.test(p) ? "assertion" : p,
      );
    }
  }
  for (
    const k of [
      "malformed",
      "rendezvous",
      "atomic owner",
      "deadlock detection off",
      "ok",
      "invariant",
      "final",
      "assertion",
      "deadlock",
      "semaphore overflow",
      "unlock by non-owner",
    ]
  ) {
    assert.ok(
      (seen.get(k) ?? 0) > 0,
      `no generated system with ${k}: ${JSON.stringify([...seen])}`,
    );
  }
  assert.ok((seen.get("over budget") ?? 0) < 30, "too many systems over budget");
});

// ---------------------------------------------------------------------------
// Hand-written systems, pinned to the reference's exact counts.

function send<G, L>(s: StepBuilder<G, L>, ch: Channel, value: (v: Any) => number): Step {
  return track(s.send(ch, value), { op: "send", ch, value });
}

function recv<G, L>(s: StepBuilder<G, L>, ch: Channel, into: string): Step {
  return track(s.recv(ch, into as Any), { op: "recv", ch, into });
}

interface Pinned {
  readonly verdict: "ok" | "violation";
  readonly states?: number;
  readonly transitions?: number;
  readonly property?: string;
  readonly length?: number;
}

/** Checks `sys` with both explorers and compares both with the pinned numbers. */
function pin(sys: System<Any>, want: Pinned): void {
  const ref = new RefModel(sys as System<unknown>);
  const x = explore(ref, 100_000);
  assert.ok(x.complete);
  const result = check(spec({ name: "pinned", params: {}, build: () => sys }));
  assert.equal(result.verdict, want.verdict, result.error?.message);
  if (want.verdict === "ok") {
    assert.equal(x.shortest, undefined, "reference: no violation");
    assert.equal(x.states, want.states, "reference states");
    assert.equal(x.transitions, want.transitions, "reference transitions");
    assert.equal(result.stats.states, want.states, "checker states");
    assert.equal(result.stats.transitions, want.transitions, "checker transitions");
  } else {
    assert.equal(x.shortest, want.length, "reference shortest trace");
    assert.ok(x.atShortest.includes(want.property!), `reference: ${x.atShortest}`);
    assert.equal(result.violation?.property, want.property);
    assert.equal(result.violation?.transitions.length, want.length);
  }
}

function lostUpdate(final: boolean): System<Any> {
  const sys = system({ n: 0 });
  sys.process("inc", { count: 2, locals: { t: 0 } }, (s) => [
    s.do("read", ({ g, l }) => {
      l.t = g.n;
    }),
    s.do("write", ({ g, l }) => {
      g.n = l.t + 1;
    }),
  ]);
  if (final) sys.atEnd("no lost update", ({ g }) => g.n === 2);
  return sys;
}

Deno.test("pinned: two unsynchronised increments reach 13 states and lose an update in 4 steps", () => {
  // By hand: depth 0..4 holds 1, 2, 3, 4, 3 states; 14 transitions.
  pin(lostUpdate(false), { verdict: "ok", states: 13, transitions: 14 });
  pin(lostUpdate(true), { verdict: "violation", property: "no lost update", length: 4 });
});

Deno.test("pinned: an atomic read-modify-write excludes the interleaved states", () => {
  // By hand: 8 states (the 9 position pairs but (second, second)).
  const sys = system({ x: 0 });
  sys.process("p", { count: 2 }, (s) => [
    atomic(
      s.do("first", ({ g }) => {
        g.x++;
      }),
      region("inner", s.do("second", ({ g }) => g.x++)),
    ),
  ]);
  sys.always("one inside", (v) => v.inside("inner") <= 1);
  sys.atEnd("both done", ({ g }) => g.x === 4);
  pin(sys, { verdict: "ok", states: 8, transitions: 8 });
});

Deno.test("pinned: a rendezvous ping-pong with an end-labelled server", () => {
  const sys = system({ rounds: 0 });
  const ping = channel("ping", 0), pong = channel("pong", 0);
  sys.process("client", { locals: { i: 0, r: 0 } }, (s) => [
    s.while(({ l }) => l.i < 3, [
      send(s, ping, ({ l }) => l.i),
      recv(s, pong, "r"),
      s.assert("echo", ({ l }) => l.r === l.i + 1),
      s.do("next", ({ l }) => l.i++),
    ]),
  ]);
  sys.process("server", { locals: { q: 0 } }, (s) => [
    loop(
      label("idle", { end: true }),
      recv(s, ping, "q"),
      send(s, pong, ({ l }) => l.q + 1),
      s.do("count", ({ g }) => g.rounds++),
    ),
  ]);
  sys.atEnd("three rounds", ({ g }) => g.rounds === 3);
  pin(sys, { verdict: "ok", states: 29, transitions: 37 });
});

Deno.test("pinned: a label/goto retry loop with a choice and a semaphore", () => {
  const sys = system({ x: 0 });
  const sem = semaphore("s", 1, { max: 1 });
  sys.process("p", { count: 2, locals: { k: 0 } }, (s) => [
    label("top"),
    wait(sem),
    s.do("bump", ({ g, l }) => {
      g.x = (g.x + 1) % 3;
      l.k = (l.k + 1) % 2;
    }),
    post(sem),
    choose([s.when("odd", ({ l }) => l.k === 1), goto("top")], [
      s.when("even", ({ l }) => l.k === 0),
    ]),
  ]);
  sys.always("x in range", ({ g }) => g.x >= 0 && g.x < 3);
  pin(sys, { verdict: "ok", states: 65, transitions: 96 });
});

Deno.test("pinned: locking in opposite orders deadlocks after 2 steps", () => {
  const sys = system({});
  const a = mutex("a"), b = mutex("b");
  sys.process("p", {}, () => [lock(a), lock(b), unlock(b), unlock(a)]);
  sys.process("q", {}, () => [lock(b), lock(a), unlock(a), unlock(b)]);
  pin(sys, { verdict: "violation", property: "deadlock", length: 2 });
});

Deno.test("pinned: an unlock by a non-owner is found in 1 step and a double post in 2", () => {
  const sys = system({});
  const m = mutex("m");
  sys.process("p", {}, () => [lock(m), unlock(m)]);
  sys.process("q", {}, () => [unlock(m)]);
  pin(sys, { verdict: "violation", property: "unlock by non-owner", length: 1 });
  const sys2 = system({});
  const sem = semaphore("s", 0, { max: 1 });
  sys2.process("p", { count: 2 }, () => [post(sem)]);
  pin(sys2, { verdict: "violation", property: "semaphore overflow", length: 2 });
});

Deno.test("pinned: a choose branch that jumps back to an earlier choose offers that choose's transitions", () => {
  // The second choice's branch goto("L") leads to the first choice, whose
  // transitions it offers: 3 states (start, first choice, second choice).
  // (Before 09f5f23 the compiler filled choices in reverse order and added
  // a skip to the still-empty first choice: 4 states.)
  const sys = system({ a: 0 });
  sys.process("p", {}, (s) => [
    s.do("start", ({ g }) => {
      g.a = 1;
    }),
    label("L"),
    choose([s.do("x", ({ g }) => {
      g.a = 2;
    })], [s.when("never", () => false)]),
    choose([goto("L")], [s.when("stop", () => false)]),
  ]);
  sys.configure({ deadlock: false });
  pin(sys, { verdict: "ok", states: 3, transitions: 3 });
});

Deno.test("pinned: a loop around an atomic block gives up the floor at the end of every round", () => {
  // By hand: between rounds nobody holds the floor: 3 x 3 states (rounds
  // done by each); inside a round its process holds it: 2 states (at "in",
  // at "out") for each of the 2 x 3 round counts of either process, so
  // 9 + 24 = 33 states and 12 + 24 = 36 transitions. (Keeping the floor
  // from "out" back to "more" would run both rounds of a process in one go.)
  const sys = system({ c: 0, rounds: 0 });
  sys.process("p", { count: 2, locals: { i: 0 } }, (s) => [
    loop(
      label("idle", { end: true }),
      atomic(
        s.when("more", ({ l }) => l.i < 2),
        s.do("in", ({ g }) => {
          g.c++;
        }),
        s.do("out", ({ g, l }) => {
          g.c--;
          g.rounds++;
          l.i++;
        }),
      ),
    ),
  ]);
  sys.always("one inside", ({ g }) => g.c <= 1);
  sys.atEnd("four rounds", ({ g }) => g.rounds === 4);
  pin(sys, { verdict: "ok", states: 33, transitions: 36 });
});

Deno.test("pinned: the first step of an atomic choice branch takes the floor", () => {
  // Every move records its mover; the assertion fails if anyone moved
  // between x and the assertion (the floor was lost after x).
  const sys = system({ who: 0 });
  sys.process("p", { count: 2 }, (s) => [
    choose(
      [
        atomic(
          s.do("x", ({ g, pid }) => {
            g.who = pid + 1;
          }),
          s.assert("no interleaving", ({ g, pid }) => g.who === pid + 1),
        ),
      ],
      [s.do("w", ({ g, pid }) => {
        g.who = pid + 1;
      })],
    ),
  ]);
  // By hand: 9 states, 12 transitions.
  pin(sys, { verdict: "ok", states: 9, transitions: 12 });
});

// ---------------------------------------------------------------------------
// Regressions: four constructs model/_compile.ts once compiled wrongly, each
// pinned with the counts the contract gives (worked out by hand). The
// comments say what the wrong compilation did.

Deno.test("regression: a choose branch whose entry resolves to the continuation is one skip transition", () => {
  // choose([label("L")]) then x: the branch has no step, so the choice is a
  // skip to x (3 states: at the choice, at x, at the end). The bug copied
  // x's transition into the choice instead (2 states).
  const sys = system({ a: 0 });
  sys.process("p", {}, (s) => [
    choose([label("L")]),
    s.do("x", ({ g }) => {
      g.a = 1;
    }),
  ]);
  pin(sys, { verdict: "ok", states: 3, transitions: 2 });
});

Deno.test("regression: an atomic owner may receive from a ready rendezvous sender while it has other moves", () => {
  // p owns the atomic block at a choice between "alt" and recv(c), and q is
  // ready to send on c: both are p's transitions (4 states). The bug
  // expanded only the owner's own edges, where a receive is never a
  // transition (joint transitions are enumerated from the sender's side),
  // so the rendezvous was lost (3 states).
  const sys = system({ a: 0 });
  const c = channel("c", 0);
  sys.process("p", { locals: { x: 0 } }, (s) => [
    atomic(
      s.do("enter", ({ g }) => {
        g.a = 1;
      }),
      choose([s.do("alt", ({ g }) => {
        g.a = 2;
      })], [recv(s, c, "x")]),
    ),
  ]);
  sys.process("q", {}, (s) => [send(s, c, () => 1)]);
  sys.configure({ deadlock: false });
  pin(sys, { verdict: "ok", states: 4, transitions: 3 });
});

Deno.test("regression: an atomic owner at a rendezvous receive keeps atomicity when a sender is ready", () => {
  // p owns the atomic block and waits at recv(c); q can send on c, so the
  // owner has an enabled (joint) transition and q's other branch must not
  // run. The bug looked for joint transitions from the sender's side only,
  // found none for the owner, dropped atomicity and let q set a = 1.
  const sys = system({ a: 0, b: 0 });
  const c = channel("c", 0);
  sys.process("p", { locals: { x: 0 } }, (s) => [
    atomic(
      s.do("enter", ({ g }) => {
        g.b = 1;
      }),
      recv(s, c, "x"),
    ),
  ]);
  sys.process("q", {}, (s) => [
    choose(
      [send(s, c, () => 1)],
      [
        s.when("entered", ({ g }) => g.b === 1),
        s.do("z", ({ g }) => {
          g.a = 1;
        }),
      ],
    ),
  ]);
  sys.always("a stays 0", ({ g }) => g.a === 0);
  sys.configure({ deadlock: false });
  pin(sys, { verdict: "ok", states: 3, transitions: 2 });
});

Deno.test("regression: a goto inside an atomic block back to its first step keeps the floor, also when a loop repeats the block", () => {
  // p retries inside its atomic block with goto("L") while a != 0; the jump
  // does not pass the block's end, so q moves only between rounds (a = 0).
  // The bug decided "leaves the block" by comparing the target with where
  // the block continues (the loop's head = L's step), so the goto dropped
  // the floor and q could see a = 1.
  const sys = system({ a: 0, z: 0 });
  sys.process("p", {}, (s) => [
    loop(
      atomic(
        label("L"),
        s.do("a", ({ g }) => {
          g.a = (g.a + 1) % 3;
        }),
        s.if(({ g }) => g.a !== 0, [goto("L")]),
      ),
    ),
  ]);
  sys.process("q", {}, (s) => [
    s.do("z", ({ g }) => {
      g.z = g.a;
    }),
  ]);
  sys.always("q moves between rounds", ({ g }) => g.z === 0);
  // By hand: p's 6 states of a round (a = 0, 1, 2 at "a" and at "if"), with
  // q before or after "z" (q moves only from the state where p is between
  // rounds): 12 states, 7 + 6 = 13 transitions. The bug reported a
  // violation: p#0 a, p#0 if -> then (the goto dropped the floor), q#0 z.
  pin(sys, { verdict: "ok", states: 12, transitions: 13 });
});
