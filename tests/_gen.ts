// Test helper: fast-check arbitraries for small random ipcspec systems.
//
// A generated system is plain data (`GenSpec`), so fast-check can print and
// shrink it; `buildCase` turns it into a `Spec` for `check()` and keeps the
// `System` it builds, which the reference explorer interprets.
//
// Every variable is kept in a small range (values modulo `mod`), so every
// state space is finite: globals `a`, `b` (int), `f` (bool), `arr` (two
// ints); locals `x`, `y` (int); a semaphore `S`, a mutex `M`, channels `C0`
// and `C1` of capacity 0, 1 or 2 (`C0` mostly 0, a rendezvous). With the
// `signals` option, a signal table too: kinds declare dispositions
// (handlers that assign, with `SA_RESTART`/`SA_RESETHAND`), and steps send
// signals, change the mask, pause, and wait on `S` interruptibly.

import fc from "fast-check";
import {
  array,
  atomic,
  breakLoop,
  type Channel,
  channel,
  choose,
  goto,
  interruptible,
  kill,
  label,
  lock,
  loop,
  mutex,
  pause,
  post,
  region,
  semaphore,
  type SignalName,
  signals,
  sigprocmask,
  sigqueue,
  type Spec,
  spec,
  type Step,
  type StepBuilder,
  type StepPredicate,
  type System,
  system,
  timeout,
  unlock,
  wait,
} from "../mod.ts";
import { track } from "./_reference.ts";

// ---------------------------------------------------------------------------
// The data.

/** An integer expression. */
export type Expr =
  | { readonly t: "const"; readonly v: number }
  | { readonly t: "g"; readonly name: "a" | "b" }
  | { readonly t: "l"; readonly name: "x" | "y" }
  | { readonly t: "arr"; readonly idx: Expr }
  | { readonly t: "flag" }
  | { readonly t: "id" }
  | { readonly t: "pid" };

/** A condition. */
export type Cond =
  | { readonly t: "cmp"; readonly a: Expr; readonly op: "==" | "!=" | "<" | ">="; readonly b: Expr }
  | { readonly t: "const"; readonly v: boolean };

/** An assignment (values are reduced modulo the spec's `mod`). */
export type Assign =
  | { readonly t: "set" | "add"; readonly to: "a" | "b" | "x" | "y"; readonly e: Expr }
  | { readonly t: "aset"; readonly idx: Expr; readonly e: Expr }
  | { readonly t: "flip" };

/** A step. */
export type GStep =
  | { readonly k: "do"; readonly name: string; readonly assigns: readonly Assign[] }
  | {
    readonly k: "when";
    readonly name: string;
    readonly c: Cond;
    /** Non-empty: a guarded command, run in the same transition as the guard. */
    readonly assigns: readonly Assign[];
    /** The guard is `timeout` (and `c` is unused). */
    readonly timeout: boolean;
  }
  | { readonly k: "assert"; readonly name: string; readonly c: Cond }
  | {
    readonly k: "if";
    readonly c: Cond;
    readonly then: readonly GStep[];
    readonly else: readonly GStep[];
  }
  | { readonly k: "while"; readonly c: Cond; readonly body: readonly GStep[] }
  | { readonly k: "loop"; readonly body: readonly GStep[] }
  | { readonly k: "break" }
  | { readonly k: "choose"; readonly branches: readonly (readonly GStep[])[] }
  | { readonly k: "atomic"; readonly body: readonly GStep[] }
  | { readonly k: "region"; readonly name: string; readonly body: readonly GStep[] }
  | { readonly k: "label"; readonly name: string; readonly end: boolean }
  | { readonly k: "goto"; readonly target: number; readonly name?: string }
  | { readonly k: "wait" | "post" | "lock" | "unlock" }
  | { readonly k: "send"; readonly ch: "C0" | "C1"; readonly e: Expr }
  | { readonly k: "recv"; readonly ch: "C0" | "C1"; readonly to: "x" | "y" | "a" }
  /** Sends `sig` to the process whose pid is `target` modulo the number of processes. */
  | { readonly k: "kill"; readonly target: number; readonly sig: GSignal; readonly value: number }
  | { readonly k: "mask"; readonly how: "block" | "unblock"; readonly sig: GSignal }
  | { readonly k: "pause" }
  /** `wait(S)`, interruptible by a handler: the status goes to local `y`. */
  | { readonly k: "iwait"; readonly restartable: boolean };

/** The signals generated systems use. */
export type GSignal = "SIGUSR1" | "SIGUSR2" | "SIGRTMIN" | "SIGTERM" | "SIGSTOP" | "SIGCONT";

/** A disposition: the default action, ignore, or a handler that assigns. */
export type GDisposition =
  | "default"
  | "ignore"
  | {
    readonly assigns: readonly Assign[];
    readonly restart: boolean;
    readonly resetHand: boolean;
  };

/** A step property. */
export type GStepProp =
  /** A global grows by at most `max` (modulo `mod`) in one step: reads the state. */
  | { readonly t: "delta"; readonly name: "a" | "b"; readonly max: number }
  /** No process of kind `kind` takes a step named `name`: reads only the step. */
  | { readonly t: "never"; readonly kind: number; readonly name: string }
  /** At most `max` processes inside region or label `name` after a step. */
  | { readonly t: "inside"; readonly name: string; readonly max: number };

/** A state property. */
export type GProp =
  | { readonly t: "g"; readonly c: Cond; readonly text: boolean }
  | { readonly t: "inside"; readonly name: string; readonly max: number }
  | { readonly t: "value"; readonly prim: "S" | "M" | "C0" | "C1"; readonly max: number }
  | { readonly t: "finished"; readonly kind: number; readonly max: number };

/** A process kind. */
export interface GProc {
  readonly count: number;
  /** Declared `symmetric: true` (its code then never reads `id` or `pid`). */
  readonly symmetric?: boolean;
  readonly body: readonly GStep[];
  /** With a signal table: dispositions of SIGUSR1, SIGUSR2, SIGRTMIN, SIGTERM. */
  readonly signals?: Readonly<Partial<Record<GSignal, GDisposition>>>;
}

/** A whole generated system. */
export interface GenSpec {
  readonly mod: number;
  readonly deadlock: boolean;
  readonly sem: { readonly init: number; readonly max: number };
  readonly caps: { readonly C0: number; readonly C1: number };
  readonly procs: readonly GProc[];
  readonly invariants: readonly GProp[];
  readonly finals: readonly GProp[];
  /** Step properties. */
  readonly stepProps?: readonly GStepProp[];
}

// ---------------------------------------------------------------------------
// Turning data into code.

// deno-lint-ignore no-explicit-any
type Any = any;
type View = { g: Any; l: Any; id: number; pid: number };

function norm(v: number, mod: number): number {
  return ((v % mod) + mod) % mod;
}

function evalExpr(e: Expr, v: View, mod: number): number {
  switch (e.t) {
    case "const":
      return e.v;
    case "g":
      return v.g[e.name];
    case "l":
      return v.l[e.name];
    case "arr":
      return v.g.arr[norm(evalExpr(e.idx, v, mod), 2)];
    case "flag":
      return v.g.f ? 1 : 0;
    case "id":
      return v.id;
    case "pid":
      return v.pid;
  }
}

function evalCond(c: Cond, v: View, mod: number): boolean {
  if (c.t === "const") return c.v;
  const a = evalExpr(c.a, v, mod), b = evalExpr(c.b, v, mod);
  switch (c.op) {
    case "==":
      return a === b;
    case "!=":
      return a !== b;
    case "<":
      return a < b;
    case ">=":
      return a >= b;
  }
}

function runAssign(a: Assign, v: View, mod: number): void {
  switch (a.t) {
    case "flip":
      v.g.f = !v.g.f;
      return;
    case "aset":
      v.g.arr[norm(evalExpr(a.idx, v, mod), 2)] = norm(evalExpr(a.e, v, mod), mod);
      return;
    default: {
      const obj = a.to === "a" || a.to === "b" ? v.g : v.l;
      const val = evalExpr(a.e, v, mod);
      obj[a.to] = norm(a.t === "add" ? obj[a.to] + val : val, mod);
    }
  }
}

interface Prims {
  S: ReturnType<typeof semaphore>;
  M: ReturnType<typeof mutex>;
  C0: Channel;
  C1: Channel;
  /** The signal table (with the `signals` option), and how many processes there are. */
  T: ReturnType<typeof signals>;
  processes: number;
}

function toStep(g: GStep, s: StepBuilder<Any, Any>, p: Prims, mod: number): Step {
  const seq = (list: readonly GStep[]) => list.map((x) => toStep(x, s, p, mod));
  const cond = (c: Cond) => (v: View) => evalCond(c, v, mod);
  switch (g.k) {
    case "do":
      return s.do(g.name, (v) => {
        for (const a of g.assigns) runAssign(a, v, mod);
      });
    case "when": {
      const effect = g.assigns.length === 0 ? undefined : (v: View) => {
        for (const a of g.assigns) runAssign(a, v, mod);
      };
      return s.when(g.name, g.timeout ? timeout : cond(g.c), effect);
    }
    case "assert":
      return s.assert(g.name, cond(g.c));
    case "if":
      return s.if(cond(g.c), seq(g.then), seq(g.else));
    case "while":
      return s.while(cond(g.c), seq(g.body));
    case "loop":
      return loop(...seq(g.body));
    case "break":
      return breakLoop();
    case "choose":
      return choose(...g.branches.map(seq));
    case "atomic":
      return atomic(...seq(g.body));
    case "region":
      return region(g.name, ...seq(g.body));
    case "label":
      return label(g.name, { end: g.end });
    case "goto":
      if (g.name === undefined) throw new Error("goto must be resolved by fixLabels");
      return goto(g.name);
    case "wait":
      return wait(p.S);
    case "post":
      return post(p.S);
    case "lock":
      return lock(p.M);
    case "unlock":
      return unlock(p.M);
    case "send": {
      const value = (v: View) => norm(evalExpr(g.e, v, mod), mod);
      return track(s.send(p[g.ch], value), { op: "send", ch: p[g.ch], value });
    }
    case "recv": {
      if (g.to === "a") {
        const into = (v: View, m: number) => {
          v.g.a = m;
        };
        return track(s.recv(p[g.ch], into), { op: "recv", ch: p[g.ch], into });
      }
      return track(s.recv(p[g.ch], g.to), { op: "recv", ch: p[g.ch], into: g.to });
    }
    case "kill": {
      const target = g.target % p.processes;
      return g.sig === "SIGRTMIN"
        ? sigqueue(p.T, target, g.sig, g.value, { status: s.into("y") })
        : kill(p.T, target, g.sig);
    }
    case "mask":
      return sigprocmask(p.T, g.how, [g.sig]);
    case "pause":
      return pause(p.T);
    case "iwait":
      return interruptible(wait(p.S), s.into("y"), { restartable: g.restartable });
  }
}

/** The `signals` option of a process kind, from its generated dispositions. */
function dispositions(
  d: Readonly<Partial<Record<GSignal, GDisposition>>>,
  mod: number,
): Partial<Record<SignalName, Any>> {
  const out: Partial<Record<SignalName, Any>> = {};
  for (const [sig, disp] of Object.entries(d) as [GSignal, GDisposition][]) {
    out[sig] = typeof disp === "string" ? disp : {
      handler: (v: View) => {
        for (const a of disp.assigns) runAssign(a, v, mod);
      },
      restart: disp.restart,
      resetHand: disp.resetHand,
    };
  }
  return out;
}

/**
 * Makes labels unique within a process and points every goto at one of the
 * process's labels (a goto in a process without labels becomes a no-op).
 */
export function fixLabels(body: readonly GStep[]): GStep[] {
  const names: string[] = [];
  const rename = (list: readonly GStep[]): GStep[] =>
    list.map((g): GStep => {
      switch (g.k) {
        case "label": {
          const name = names.includes(g.name) ? `${g.name}_${names.length}` : g.name;
          names.push(name);
          return { ...g, name };
        }
        case "if":
          return { ...g, then: rename(g.then), else: rename(g.else) };
        case "while":
        case "loop":
        case "atomic":
        case "region":
          return { ...g, body: rename(g.body) };
        case "choose":
          return { ...g, branches: g.branches.map(rename) };
        default:
          return g;
      }
    });
  const renamed = rename(body);
  const point = (list: readonly GStep[]): GStep[] =>
    list.map((g): GStep => {
      switch (g.k) {
        case "goto":
          return names.length === 0
            ? { k: "do", name: "nop", assigns: [] }
            : { ...g, name: names[g.target % names.length]! };
        case "if":
          return { ...g, then: point(g.then), else: point(g.else) };
        case "while":
        case "loop":
        case "atomic":
        case "region":
          return { ...g, body: point(g.body) };
        case "choose":
          return { ...g, branches: g.branches.map(point) };
        default:
          return g;
      }
    });
  return point(renamed);
}

function propPred(
  prop: GProp,
  p: Prims,
  mod: number,
  kinds: readonly string[],
): (v: Any) => boolean | string {
  switch (prop.t) {
    case "g":
      return (v) => {
        const ok = evalCond(prop.c, { g: v.g, l: { x: 0, y: 0 }, id: 0, pid: 0 }, mod);
        return ok ? true : prop.text ? `condition failed (a=${v.g.a})` : false;
      };
    case "inside":
      return (v) => v.inside(prop.name) <= prop.max;
    case "value":
      return (v) => v.value(p[prop.prim]) <= prop.max;
    case "finished": {
      const kind = prop.kind < kinds.length ? kinds[prop.kind] : undefined;
      return (v) => v.finished(kind) <= prop.max || `${v.finished(kind)} finished`;
    }
  }
}

function usedPrims(procs: readonly GProc[]): Set<string> {
  const used = new Set<string>();
  const walk = (list: readonly GStep[]) => {
    for (const g of list) {
      switch (g.k) {
        case "wait":
        case "post":
          used.add("S");
          break;
        case "lock":
        case "unlock":
          used.add("M");
          break;
        case "send":
        case "recv":
          used.add(g.ch);
          break;
        case "iwait":
          used.add("S");
          break;
        case "if":
          walk(g.then);
          walk(g.else);
          break;
        case "while":
        case "loop":
        case "atomic":
        case "region":
          walk(g.body);
          break;
        case "choose":
          g.branches.forEach(walk);
          break;
        default:
          break;
      }
    }
  };
  for (const p of procs) walk(p.body);
  return used;
}

/** A generated case: the spec to check and the system it builds. */
export interface Case {
  readonly spec: Spec<Record<never, never>>;
  readonly sys: System<unknown>;
}

/** A step property as a predicate. */
function stepPred(p: GStepProp, mod: number): StepPredicate<Any> {
  switch (p.t) {
    case "delta":
      return (a, _step, b) => norm(b.g[p.name] - a.g[p.name], mod) <= p.max;
    case "never":
      return (_a, step) => !(step.process.startsWith(`p${p.kind}#`) && step.operation === p.name);
    case "inside":
      return (_a, _step, b) => b.inside(p.name) <= p.max;
  }
}

/** Builds the system described by `d` (once), and a spec whose build returns it. */
export function buildCase(d: GenSpec): Case {
  const sys = system({ a: 0, b: 0, f: false, arr: array(2) });
  const prims: Prims = {
    S: semaphore("S", d.sem.init, { max: d.sem.max }),
    M: mutex("M"),
    C0: channel("C0", d.caps.C0),
    C1: channel("C1", d.caps.C1),
    T: signals("T", { rtQueue: 1 }),
    processes: d.procs.reduce((n, p) => n + p.count, 0),
  };
  const kinds = d.procs.map((_, i) => `p${i}`);
  d.procs.forEach((proc, i) => {
    const body = fixLabels(proc.body);
    sys.process(
      kinds[i]!,
      {
        count: proc.count,
        ...(proc.symmetric === true ? { symmetric: true } : {}),
        ...(proc.signals !== undefined ? { signals: dispositions(proc.signals, d.mod) } : {}),
        locals: { x: 0, y: 0 },
      },
      (s) => body.map((g) => toStep(g, s as StepBuilder<Any, Any>, prims, d.mod)),
    );
  });
  const used = usedPrims(d.procs);
  const usable = (prop: GProp) => prop.t !== "value" || used.has(prop.prim);
  d.invariants.filter(usable).forEach((prop, i) =>
    sys.always(`I${i}`, propPred(prop, prims, d.mod, kinds))
  );
  d.finals.filter(usable).forEach((prop, i) =>
    sys.atEnd(`F${i}`, propPred(prop, prims, d.mod, kinds))
  );
  (d.stepProps ?? []).forEach((prop, i) => sys.step(`T${i}`, stepPred(prop, d.mod)));
  sys.configure({ deadlock: d.deadlock });
  return {
    spec: spec({ name: "gen", params: {}, build: () => sys }),
    sys: sys as System<unknown>,
  };
}

// ---------------------------------------------------------------------------
// The arbitraries.

function exprArb(mod: number, withLocals: boolean, depth = 1, ids = true): fc.Arbitrary<Expr> {
  const leaves: fc.Arbitrary<Expr>[] = [
    fc.integer({ min: 0, max: mod - 1 }).map((v): Expr => ({ t: "const", v })),
    fc.constantFrom<Expr>({ t: "g", name: "a" }, { t: "g", name: "b" }, { t: "flag" }),
  ];
  if (withLocals && ids) {
    leaves.push(
      fc.constantFrom<Expr>({ t: "l", name: "x" }, { t: "l", name: "y" }, { t: "id" }, {
        t: "pid",
      }),
    );
  } else if (withLocals) {
    leaves.push(fc.constantFrom<Expr>({ t: "l", name: "x" }, { t: "l", name: "y" }));
  }
  if (depth > 0) {
    leaves.push(
      exprArb(mod, withLocals, depth - 1, ids).map((idx): Expr => ({ t: "arr", idx })),
    );
  }
  return fc.oneof(...leaves);
}

function condArb(mod: number, withLocals: boolean, ids = true): fc.Arbitrary<Cond> {
  const e = exprArb(mod, withLocals, 1, ids);
  return fc.oneof(
    {
      arbitrary: fc.record({
        t: fc.constant("cmp" as const),
        a: e,
        op: fc.constantFrom("==", "!=", "<", ">=" as const),
        b: e,
      }),
      weight: 5,
    },
    { arbitrary: fc.boolean().map((v): Cond => ({ t: "const", v })), weight: 1 },
  );
}

function assignArb(mod: number, ids = true): fc.Arbitrary<Assign> {
  const e = exprArb(mod, true, 1, ids);
  return fc.oneof(
    {
      arbitrary: fc.record({
        t: fc.constantFrom("set", "add" as const),
        to: fc.constantFrom("a", "b", "x", "y" as const),
        e,
      }),
      weight: 6,
    },
    { arbitrary: fc.record({ t: fc.constant("aset" as const), idx: e, e }), weight: 1 },
    { arbitrary: fc.constant<Assign>({ t: "flip" }), weight: 1 },
  );
}

/** Options of {@linkcode genSpec}. */
export interface GenOptions {
  /** Nesting depth of compound steps (default 3). */
  readonly depth?: number;
  /** Most process kinds (default 3). */
  readonly maxKinds?: number;
  /** Most process instances in all (default 4). */
  readonly maxInstances?: number;
  /**
   * Whether to generate assertions, invariants, final properties and
   * deadlock detection (default true). Without them most systems pass, so
   * whole state spaces get compared.
   */
  readonly properties?: boolean;
  /** Favour channel operations, with `C0` a rendezvous (default false). */
  readonly rendezvous?: boolean;
  /**
   * Declare some kinds `symmetric: true`, with up to 3 copies (default
   * false): their code never reads `id` or `pid`, and no property reads the
   * mutex's owner.
   */
  readonly symmetric?: boolean;
  /**
   * A signal table (default false): every kind declares dispositions, and
   * steps send signals (`kill`, `sigqueue`), block and unblock them, pause,
   * and wait on `S` interruptibly.
   */
  readonly signals?: boolean;
  /** Up to two step properties (default false). */
  readonly stepProps?: boolean;
}

function stepsArb(
  mod: number,
  asserts: boolean,
  channelWeight: number,
  ids = true,
  signalWeight = 0,
): (d: number, inLoop: boolean, min: number, max: number) => fc.Arbitrary<GStep[]> {
  const memo = new Map<string, fc.Arbitrary<GStep>>();
  const cond = condArb(mod, true, ids);
  const name = (prefix: string, n: number) =>
    fc.integer({ min: 0, max: n - 1 }).map((i) => `${prefix}${i}`);
  const leaf = (inLoop: boolean): fc.Arbitrary<GStep> => {
    const options: fc.WeightedArbitrary<GStep>[] = [
      {
        arbitrary: fc.record({
          k: fc.constant("do" as const),
          name: name("d", 3),
          assigns: fc.array(assignArb(mod, ids), { minLength: 1, maxLength: 2 }),
        }),
        weight: 6,
      },
      {
        arbitrary: fc.record({
          k: fc.constant("when" as const),
          name: name("w", 3),
          c: cond,
          assigns: fc.oneof(
            { arbitrary: fc.constant([]), weight: 2 },
            { arbitrary: fc.array(assignArb(mod, ids), { minLength: 1, maxLength: 2 }), weight: 1 },
          ),
          timeout: fc.integer({ min: 0, max: 5 }).map((i) => i === 0),
        }),
        weight: 3,
      },
      {
        arbitrary: fc.record({ k: fc.constant("assert" as const), name: name("A", 2), c: cond }),
        weight: asserts ? 1 : 0,
      },
      {
        arbitrary: fc.record({
          k: fc.constant("label" as const),
          name: name("L", 3),
          end: fc.boolean(),
        }),
        weight: 2,
      },
      { arbitrary: fc.record({ k: fc.constant("goto" as const), target: fc.nat(5) }), weight: 1 },
      { arbitrary: fc.constantFrom<GStep>({ k: "wait" }, { k: "post" }), weight: 2 },
      { arbitrary: fc.constantFrom<GStep>({ k: "lock" }, { k: "unlock" }), weight: 2 },
      {
        arbitrary: fc.record({
          k: fc.constant("send" as const),
          ch: fc.constantFrom("C0", "C1" as const),
          e: exprArb(mod, true, 0, ids),
        }),
        weight: channelWeight,
      },
      {
        arbitrary: fc.record({
          k: fc.constant("recv" as const),
          ch: fc.constantFrom("C0", "C1" as const),
          to: fc.constantFrom("x", "y", "a" as const),
        }),
        weight: channelWeight,
      },
    ];
    if (inLoop) options.push({ arbitrary: fc.constant<GStep>({ k: "break" }), weight: 2 });
    if (signalWeight > 0) options.push(...signalStepsArb(signalWeight));
    return fc.oneof(...options);
  };
  const list = (d: number, inLoop: boolean, min: number, max: number): fc.Arbitrary<GStep[]> =>
    fc.array(step(d, inLoop), { minLength: min, maxLength: max });
  const step = (d: number, inLoop: boolean): fc.Arbitrary<GStep> => {
    const key = `${d}/${inLoop}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let arb: fc.Arbitrary<GStep>;
    if (d <= 0) {
      arb = leaf(inLoop);
    } else {
      const sub = (min: number, max: number, loopCtx = inLoop) => list(d - 1, loopCtx, min, max);
      arb = fc.oneof(
        { arbitrary: leaf(inLoop), weight: 8 },
        {
          arbitrary: fc.record({
            k: fc.constant("if" as const),
            c: cond,
            then: sub(0, 2),
            else: sub(0, 2),
          }),
          weight: 2,
        },
        {
          arbitrary: fc.record({
            k: fc.constant("while" as const),
            c: cond,
            body: sub(0, 2, true),
          }),
          weight: 1,
        },
        {
          arbitrary: fc.record({ k: fc.constant("loop" as const), body: sub(0, 3, true) }),
          weight: 1,
        },
        {
          arbitrary: fc.record({
            k: fc.constant("choose" as const),
            branches: fc.array(sub(0, 2), { minLength: 1, maxLength: 3 }),
          }),
          weight: 2,
        },
        { arbitrary: fc.record({ k: fc.constant("atomic" as const), body: sub(1, 3) }), weight: 2 },
        {
          arbitrary: fc.record({
            k: fc.constant("region" as const),
            name: name("R", 2),
            body: sub(1, 2),
          }),
          weight: 1,
        },
      );
    }
    memo.set(key, arb);
    return arb;
  };
  return list;
}

/** The signal steps, each weighted `weight` (sending twice that). */
function signalStepsArb(weight: number): fc.WeightedArbitrary<GStep>[] {
  const sig = fc.constantFrom<GSignal>(
    "SIGUSR1",
    "SIGUSR1",
    "SIGUSR2",
    "SIGRTMIN",
    "SIGTERM",
    "SIGSTOP",
    "SIGCONT",
  );
  return [
    {
      arbitrary: fc.record({
        k: fc.constant("kill" as const),
        target: fc.nat(3),
        sig,
        value: fc.nat(2),
      }),
      weight: 2 * weight,
    },
    {
      arbitrary: fc.record({
        k: fc.constant("mask" as const),
        how: fc.constantFrom("block", "unblock" as const),
        sig: fc.constantFrom<GSignal>("SIGUSR1", "SIGUSR2", "SIGRTMIN"),
      }),
      weight,
    },
    { arbitrary: fc.constant<GStep>({ k: "pause" }), weight },
    {
      arbitrary: fc.record({ k: fc.constant("iwait" as const), restartable: fc.boolean() }),
      weight,
    },
  ];
}

/** Dispositions of the catchable signals generated systems send. */
function dispositionsArb(
  mod: number,
  ids: boolean,
): fc.Arbitrary<Readonly<Partial<Record<GSignal, GDisposition>>>> {
  const disp: fc.Arbitrary<GDisposition> = fc.oneof(
    { arbitrary: fc.constantFrom<GDisposition>("default", "ignore"), weight: 1 },
    {
      arbitrary: fc.record({
        assigns: fc.array(assignArb(mod, ids), { minLength: 1, maxLength: 2 }),
        restart: fc.boolean(),
        resetHand: fc.integer({ min: 0, max: 3 }).map((i) => i === 0),
      }),
      weight: 3,
    },
  );
  return fc.record({ SIGUSR1: disp, SIGUSR2: disp, SIGRTMIN: disp, SIGTERM: disp }, {
    requiredKeys: ["SIGUSR1", "SIGUSR2"],
  });
}

function propArb(mod: number, maxKinds: number, ownerValue = true): fc.Arbitrary<GProp> {
  return fc.oneof(
    {
      arbitrary: fc.record({
        t: fc.constant("g" as const),
        c: condArb(mod, false),
        text: fc.boolean(),
      }),
      weight: 3,
    },
    {
      arbitrary: fc.record({
        t: fc.constant("inside" as const),
        name: fc.constantFrom("R0", "R1", "L0", "L1", "d0", "w0"),
        max: fc.integer({ min: 0, max: 1 }),
      }),
      weight: 2,
    },
    {
      arbitrary: fc.record({
        t: fc.constant("value" as const),
        prim: ownerValue
          ? fc.constantFrom("S", "M", "C0", "C1" as const)
          : fc.constantFrom("S", "C0", "C1" as const),
        max: fc.integer({ min: 0, max: 2 }),
      }),
      weight: 1,
    },
    {
      arbitrary: fc.record({
        t: fc.constant("finished" as const),
        kind: fc.nat(maxKinds),
        max: fc.integer({ min: 0, max: 2 }),
      }),
      weight: 1,
    },
  );
}

/** Small random systems. */
export function genSpec(options: GenOptions = {}): fc.Arbitrary<GenSpec> {
  const depth = options.depth ?? 3;
  const maxKinds = options.maxKinds ?? 3;
  const maxInstances = options.maxInstances ?? 4;
  const props = options.properties ?? true;
  return fc.integer({ min: 2, max: 3 }).chain((mod) => {
    const sig = options.signals === true ? 2 : 0;
    const steps = stepsArb(mod, props, options.rendezvous === true ? 12 : 3, true, sig);
    const sym = options.symmetric === true;
    const symSteps = sym
      ? stepsArb(mod, props, options.rendezvous === true ? 12 : 3, false, sig)
      : steps;
    const proc: fc.Arbitrary<GProc> = !sym
      ? fc.record({
        count: fc.integer({ min: 1, max: 2 }),
        body: steps(depth, false, 1, 4),
        ...(sig > 0 ? { signals: dispositionsArb(mod, true) } : {}),
      })
      : fc.boolean().chain((symmetric) =>
        fc.record({
          count: fc.integer({ min: 1, max: 3 }),
          symmetric: fc.constant(symmetric),
          body: (symmetric ? symSteps : steps)(depth, false, 1, 4),
          ...(sig > 0 ? { signals: dispositionsArb(mod, !symmetric) } : {}),
        })
      );
    return fc.record({
      mod: fc.constant(mod),
      deadlock: props ? fc.boolean() : fc.constant(false),
      sem: fc.integer({ min: 1, max: 3 }).chain((max) =>
        fc.record({ init: fc.integer({ min: 0, max }), max: fc.constant(max) })
      ),
      // C0 is a rendezvous half of the time, so that joint transitions happen.
      caps: fc.record({
        C0: options.rendezvous === true ? fc.constant(0) : fc.constantFrom(0, 0, 1, 2),
        C1: fc.integer({ min: 0, max: 2 }),
      }),
      procs: fc.array(proc, { minLength: 1, maxLength: maxKinds }).map((procs) => {
        let total = procs.reduce((n, p) => n + p.count, 0);
        return procs.map((p) => {
          if (total > maxInstances && p.count > 1) {
            total--;
            return { ...p, count: 1 };
          }
          return p;
        });
      }),
      invariants: fc.array(propArb(mod, maxKinds, !sym), { maxLength: props ? 2 : 0 }),
      finals: fc.array(propArb(mod, maxKinds, !sym), { maxLength: props ? 1 : 0 }),
      ...(options.stepProps === true
        ? { stepProps: fc.array(stepPropArb(mod, maxKinds), { minLength: 1, maxLength: 2 }) }
        : {}),
    });
  });
}

function stepPropArb(mod: number, maxKinds: number): fc.Arbitrary<GStepProp> {
  // Mostly properties that read only the step: the others make every step
  // that reads the state visible, so little is left to reduce.
  return fc.oneof(
    {
      arbitrary: fc.record({
        t: fc.constant("delta" as const),
        name: fc.constantFrom("a", "b" as const),
        max: fc.integer({ min: 0, max: mod - 1 }),
      }),
      weight: 1,
    },
    {
      arbitrary: fc.record({
        t: fc.constant("never" as const),
        kind: fc.nat(maxKinds - 1),
        name: fc.constantFrom("d0", "d1", "w0", "A0"),
      }),
      weight: 3,
    },
    {
      arbitrary: fc.record({
        t: fc.constant("inside" as const),
        name: fc.constantFrom("R0", "R1", "L0"),
        max: fc.integer({ min: 0, max: 1 }),
      }),
      weight: 1,
    },
  );
}
