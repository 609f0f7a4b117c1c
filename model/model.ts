/**
 * The interface between a compiled specification and the search engines.
 *
 * The checker knows nothing of processes, steps or primitives: it sees
 * fixed-width packed states (`Int32Array`s of {@linkcode Model.width} slots),
 * transitions numbered by small integers, and properties numbered by their
 * index in {@linkcode Model.properties}. Everything a search needs, and
 * nothing more.
 *
 * @module
 */

/** The kind of a property, which decides where the checker evaluates it. */
export type PropertyKind =
  | "liveness"
  | "step"
  | "invariant"
  | "final"
  | "assertion"
  | "deadlock"
  | "primitive"
  | "bound";

/** A property the model can report as violated. */
export interface PropertyInfo {
  /** The name users see and name in an expected verdict. */
  readonly name: string;
  /**
   * Where the property is evaluated. A `bound` is not a property of the
   * protocol but an exploration bound (an unbounded buffer explored up to a
   * declared size): reaching it makes the verdict `incomplete`, never `ok`.
   */
  readonly kind: PropertyKind;
}

/**
 * Receives what {@linkcode Model.expand} finds from one state.
 *
 * The model writes each successor into its own scratch buffer and hands it
 * over; the sink must copy what it keeps before returning.
 */
export interface SuccessorSink {
  /**
   * One successor of the expanded state.
   *
   * @param next The successor; valid only during the call.
   * @param transition The transition that led to it.
   * @returns `false` to stop the expansion early.
   */
  push(next: Int32Array, transition: number): boolean;
  /**
   * A property failed while firing a transition (an assertion, an operation
   * error such as unlocking a mutex the process does not own).
   *
   * @param property Index into {@linkcode Model.properties}.
   * @param transition The transition whose firing failed.
   * @param message What went wrong, in words.
   */
  fail(property: number, transition: number, message: string): void;
}

/** Why firing a transition produced no successor (see the checker's replay). */
export interface FireFailure {
  /** The violated property's index, or -1 when the transition is not enabled. */
  readonly property: number;
  /** Why, in words. */
  readonly message: string;
}

/** One process that cannot move in a state, and why. */
export interface BlockedProcess {
  /** The process, as `name#id`. */
  readonly process: string;
  /** The step it is stopped at. */
  readonly step: string;
  /** The operations it waits on (every alternative of a choice). */
  readonly waitsOn: readonly string[];
  /** The mutexes it holds. */
  readonly holds: readonly string[];
}

/** A change of one named part of the state made by a transition. */
export interface Change {
  /** The variable or primitive, e.g. `buf` or `producer#1.i`. */
  readonly name: string;
  /** Its printed value before. */
  readonly before: string;
  /** Its printed value after. */
  readonly after: string;
}

/** What a transition is, for printing a trace. */
export interface TransitionInfo {
  /** The process that moves (the sender, for a rendezvous). */
  readonly process: string;
  /** The label or step name of the step it executes. */
  readonly step: string;
  /** The operation in words, e.g. `wait(empty)`. */
  readonly operation: string;
  /** Where the step was written, when known (`file:line:col`). */
  readonly source?: string;
}

/**
 * A compiled, checkable system: packed states and numbered transitions.
 *
 * The core (name, width, transitions, properties, `init`, `expand`,
 * `check`, `stuck`) is what every search needs. Everything else comes in
 * optional facets, separate objects an engine asks for only when it uses
 * them: {@linkcode Model.explanation} to print traces,
 * {@linkcode Model.processes} and {@linkcode Model.liveness} for liveness,
 * {@linkcode Model.coverage}, {@linkcode Model.reduction},
 * {@linkcode Model.symmetry} and {@linkcode Model.code}. A wrapper that
 * changes the states (a symmetry quotient, a test double) forwards the
 * facets it does not change by reference. A model compiled from a spec has
 * every facet but `reduction` off when it cannot reduce, and `code` when it
 * interprets.
 *
 * Implementations must be deterministic: the same state always yields the
 * same successors in the same order.
 *
 * @example Counting the initial states of a compiled spec
 * ```ts
 * import { spec, system } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const tiny = spec({
 *   name: "tiny",
 *   params: {},
 *   build: () => {
 *     const sys = system({ x: 0 });
 *     sys.process("p", {}, (s) => [s.do("inc", ({ g }) => g.x++)]);
 *     return sys;
 *   },
 * });
 * const model = tiny.compile();
 * let n = 0;
 * model.init(() => n++);
 * assert.equal(n, 1);
 * assert.equal(model.processes?.names[0], "p#0");
 * ```
 */
export interface Model {
  /** The spec's name, for messages. */
  readonly name: string;
  /** The number of `Int32` slots in every state. */
  readonly width: number;
  /** The number of distinct transition numbers (`0 .. transitionCount-1`). */
  readonly transitionCount: number;
  /** Every property the model may report, indexed by number. */
  readonly properties: readonly PropertyInfo[];
  /** Calls `emit` once for each initial state (the buffer is reused). */
  init(emit: (state: Int32Array) => void): void;
  /**
   * Hands every successor of `state` and every failure found while firing
   * transitions to `sink`. Returns the number of enabled transitions; zero
   * means the state is final or deadlocked (see {@linkcode Model.stuck}).
   */
  expand(state: Int32Array, sink: SuccessorSink): number;
  /**
   * Checks the state properties (invariants) of a state. Returns the index
   * of the first violated property, or `-1`. Allocates nothing when all hold.
   */
  check(state: Int32Array): number;
  /**
   * For a state with no enabled transition: the index of the violated
   * property (deadlock, or a final-state property), or `-1` for a valid end.
   */
  stuck(state: Int32Array): number;
  /** States and transitions in words, for traces and counterexamples. */
  readonly explanation?: Explanation | undefined;
  /** Who moves in a transition and who has finished, for fairness. */
  readonly processes?: Processes | undefined;
  /** The liveness properties, checked over the whole state graph. */
  readonly liveness?: Liveness | undefined;
  /** Where processes can block, for coverage reports. */
  readonly coverage?: Coverage | undefined;
  /** Partial-order reduction; a model without it is always expanded fully. */
  readonly reduction?: PartialOrderReduction | undefined;
  /**
   * The symmetry of the model, for symmetry reduction: `undefined` when no
   * process kind with several copies is declared `symmetric`. Throws an
   * error naming the spec, the process kind and the primitive when a kind
   * is declared symmetric but the system cannot rename its copies. A plain
   * function (not a method): wrappers forward it as it is.
   */
  readonly symmetry?: (() => Symmetry | undefined) | undefined;
  /** The generated successor code, when the model runs it. */
  readonly code?: GeneratedCode | undefined;
}

/**
 * States and transitions in words: the facet that prints traces.
 *
 * @example
 * ```ts
 * import { spec, system } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const m = spec({
 *   name: "one",
 *   params: {},
 *   build: () => {
 *     const sys = system({ x: 0 });
 *     sys.process("p", {}, (s) => [s.do("inc", ({ g }) => g.x++)]);
 *     return sys;
 *   },
 * }).compile();
 * let first = new Int32Array(0);
 * m.init((s) => first = s.slice());
 * assert.equal(m.explanation?.format(first), "x=0 p#0@inc");
 * assert.equal(m.explanation?.describe(0).operation, "inc");
 * ```
 */
export interface Explanation {
  /** Why property `property` fails in `state`, in words. */
  explain(property: number, state: Int32Array): string;
  /** What transition `transition` is. */
  describe(transition: number): TransitionInfo;
  /** The named changes from `before` to `after`. */
  diff(before: Int32Array, after: Int32Array): Change[];
  /** Every process that is neither finished nor at an end label. */
  blocked(state: Int32Array): BlockedProcess[];
  /** The whole state, printed by name. */
  format(state: Int32Array): string;
}

/**
 * The processes of a model: what fairness and liveness checking need.
 *
 * @example
 * ```ts
 * import { spec, system } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const m = spec({
 *   name: "two",
 *   params: {},
 *   build: () => {
 *     const sys = system({});
 *     sys.process("p", { count: 2 }, (s) => [s.do("go", () => {})]);
 *     return sys;
 *   },
 * }).compile();
 * assert.deepEqual(m.processes?.names, ["p#0", "p#1"]);
 * assert.deepEqual(m.processes?.movers(1), [1]);
 * ```
 */
export interface Processes {
  /** The processes, by pid (`name#id`). */
  readonly names: readonly string[];
  /** The processes that move in a transition (two for a rendezvous). */
  movers(transition: number): readonly number[];
  /** Whether process `pid` has finished (run off its body, or been killed) in `state`. */
  finished(state: Int32Array, pid: number): boolean;
  /** The primitive a transition operates on (by name), if any. */
  primitiveOf(transition: number): string | undefined;
}

/**
 * The liveness properties of a model (the list may be empty).
 *
 * @example
 * ```ts
 * import { spec, system } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const m = spec({
 *   name: "ends",
 *   params: {},
 *   build: () => {
 *     const sys = system({ done: false });
 *     sys.process("p", {}, (s) => [s.do("finish", ({ g }) => { g.done = true; })]);
 *     sys.eventually("done", ({ g }) => g.done);
 *     return sys;
 *   },
 * }).compile();
 * assert.equal(m.liveness?.properties[0]?.name, "done");
 * let first = new Int32Array(0);
 * m.init((s) => first = s.slice());
 * assert.equal(m.liveness?.live(0, "p", first), false);
 * ```
 */
export interface Liveness {
  /** The liveness properties, indexed by number. */
  readonly properties: readonly LivenessInfo[];
  /** Evaluates part `p` or `q` of liveness property `index` in `state`. */
  live(index: number, part: "p" | "q", state: Int32Array): boolean;
}

/**
 * Where processes can block, for the coverage report.
 *
 * @example
 * ```ts
 * import { semaphore, spec, system, wait } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const m = spec({
 *   name: "waits",
 *   params: {},
 *   build: () => {
 *     const s = semaphore("s", 0);
 *     const sys = system({});
 *     sys.process("p", {}, () => [wait(s)]);
 *     return sys;
 *   },
 * }).compile();
 * assert.equal(m.coverage?.points.length, 1);
 * let first = new Int32Array(0);
 * m.init((st) => first = st.slice());
 * const out = new Uint8Array(1);
 * m.coverage?.blocked(first, out);
 * assert.equal(out[0], 1);
 * ```
 */
export interface Coverage {
  /**
   * The places where a process can block: each step with a blocking
   * operation or guard, per process kind, in words.
   */
  readonly points: readonly string[];
  /**
   * Marks in `out` (indexed like {@linkcode Coverage.points}) every point
   * where some process is blocked in `state`: it is at that step and none
   * of its transitions can fire.
   */
  blocked(state: Int32Array, out: Uint8Array): void;
}

/**
 * Partial-order reduction support.
 *
 * @example
 * ```ts
 * import { spec, system } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const m = spec({
 *   name: "locals",
 *   params: {},
 *   build: () => {
 *     const sys = system({});
 *     sys.process("p", { count: 2, locals: { i: 0 } }, (s) => [s.do("inc", ({ l }) => l.i++)]);
 *     return sys;
 *   },
 * }).compile();
 * assert.equal(m.reduction?.off, undefined);
 * ```
 */
export interface PartialOrderReduction {
  /**
   * When some transitions of `state` form an ample set (enough of them to
   * keep every deadlock, invariant and assertion verdict, given the
   * caller's cycle proviso), hands their successors to `sink` and returns
   * how many; otherwise hands over nothing and returns -1, and the caller
   * must call {@linkcode Model.expand}. The caller must expand the state
   * fully instead when one of these successors breaks its cycle proviso
   * (e.g. it was stored before the state being expanded).
   */
  ample(state: Int32Array, sink: SuccessorSink): number;
  /**
   * A number that grows whenever the invariants query something they had
   * not queried before (a region, a primitive's value), which makes more
   * transitions visible. A reduced search during which it changed must be
   * run again.
   */
  readonly epoch: number;
  /**
   * Why {@linkcode PartialOrderReduction.ample} never offers an ample set for this
   * model, or undefined when it may (compiled specs always may; a model of
   * another origin, see extend.ts, may say why it offers none).
   */
  readonly off: string | undefined;
}

/**
 * The successor code generated for a model, to read or debug: the source
 * carries a `//# sourceURL=ipcspec-generated/<spec>.js`, so a debugger and
 * stack traces name it.
 *
 * @example
 * ```ts
 * import { spec, system } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const one = spec({
 *   name: "one",
 *   params: {},
 *   build: () => {
 *     const sys = system({ x: 0 });
 *     sys.process("p", {}, (s) => [s.do("inc", ({ g }) => g.x++)]);
 *     return sys;
 *   },
 * });
 * assert.match(one.compile().code?.source ?? "", /sourceURL=ipcspec-generated\/one\.js/);
 * assert.equal(one.compile({}, { interpret: true }).code, undefined);
 * ```
 */
export interface GeneratedCode {
  /** The JavaScript source of the per-process expanders. */
  readonly source: string;
}

/**
 * How to compile a spec.
 *
 * @example
 * ```ts
 * import type { CompileOptions } from "./model.ts";
 *
 * const reference: CompileOptions = { interpret: true };
 * ```
 */
export interface CompileOptions {
  /**
   * Interpret the step program instead of generating successor code
   * (default false). The interpreter is the reference the generated code is
   * tested against; every spec, atomic blocks and signals included, gets
   * generated code unless this is set.
   */
  readonly interpret?: boolean;
}

/**
 * The interchangeable copies of a model's replicated processes. A
 * permutation `perm` renames process `p` to `perm[p]` (an `Int32Array` over
 * every pid; processes of kinds that are not symmetric map to themselves).
 * Renaming a reachable state gives a reachable state, and the properties
 * do not tell the two apart.
 */
export interface Symmetry {
  /** The symmetric kinds and their copies. */
  readonly kinds: readonly { readonly process: string; readonly copies: number }[];
  /** The number of processes: the length of a permutation. */
  readonly processes: number;
  /**
   * Rewrites `state` in place into the representative of its orbit (the
   * states that differ from it by a renaming of copies), and writes the
   * renaming applied into `perm` when given. Returns the size of the orbit,
   * or minus a lower bound of it when the representative was not pinned
   * down (too many identical copies told apart only by what the primitives
   * record; the state is then still in its orbit, so the search stays
   * sound and merely keeps more states).
   */
  canonicalize(state: Int32Array, perm?: Int32Array): number;
  /** Writes into `out` the state `state` with every process `p` renamed `perm[p]`. */
  permute(state: Int32Array, perm: Int32Array, out: Int32Array): void;
}

/** Fairness a liveness property assumes, per process. */
export type Fairness = "none" | "weak" | "strong";

/**
 * A liveness property: `eventually p` (every run reaches p), `p leadsTo q`
 * (every p is followed by q), `always eventually p` (p again and again).
 */
export interface LivenessInfo {
  /** The name. */
  readonly name: string;
  /** The temporal form. */
  readonly kind: "eventually" | "leadsTo" | "alwaysEventually" | "starvation" | "wakeup";
  /** For `starvation` and `wakeup`: the process kind. */
  readonly process?: string;
  /**
   * Primitives whose operations are strongly fair per process, on top of
   * `fairness` (e.g. the waiters of a semaphore: a process whose `wait` is
   * enabled again and again eventually completes it).
   */
  readonly strongOn?: readonly string[];
  /**
   * What runs are assumed: `none` (every infinite run), `weak` (a process
   * enabled continuously from some point on eventually moves), `strong` (a
   * process enabled again and again eventually moves).
   */
  readonly fairness: Fairness;
}

/**
 * Anything that compiles to a {@linkcode Model} for given parameters: a
 * spec made with `spec()`.
 *
 * @example
 * ```ts
 * import type { Checkable } from "./model.ts";
 * import { spec, system } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const s: Checkable = spec({
 *   name: "s",
 *   params: { n: 1 },
 *   build: () => {
 *     const sys = system({});
 *     sys.process("p", {}, () => []);
 *     return sys;
 *   },
 * });
 * assert.deepEqual(s.resolve({}), { n: 1 });
 * ```
 */
export interface Checkable {
  /** The spec's name. */
  readonly name: string;
  /** The parameter values for the given overrides (throws for bad ones). */
  resolve(params?: Readonly<Record<string, number | boolean | string>>): Readonly<
    Record<string, number | boolean>
  >;
  /** Builds the model for the given parameter overrides (throws for bad ones). */
  compile(
    params?: Readonly<Record<string, number | boolean | string>>,
    options?: CompileOptions,
  ): Model;
}
