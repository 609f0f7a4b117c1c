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

/** Why {@linkcode Model.fire} produced no successor. */
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
  /** Why property `property` fails in `state`, in words. */
  explain(property: number, state: Int32Array): string;
  /**
   * Fires one transition. Returns the successor in a fresh array, or why
   * it failed: the violated property (an assertion, an operation error), or
   * property `-1` when the transition is not enabled.
   */
  fire(state: Int32Array, transition: number): Int32Array | FireFailure;
  /** The transitions enabled in `state`, in the order {@linkcode Model.expand} uses. */
  enabled(state: Int32Array): number[];
  /** What transition `transition` is. */
  describe(transition: number): TransitionInfo;
  /** The named changes from `before` to `after`. */
  diff(before: Int32Array, after: Int32Array): Change[];
  /** Every process that is neither finished nor at an end label. */
  blocked(state: Int32Array): BlockedProcess[];
  /** The whole state, printed by name. */
  format(state: Int32Array): string;
  /** Liveness properties, checked over the whole state graph (may be empty). */
  readonly liveness: readonly LivenessInfo[];
  /** Evaluates part `p` or `q` of liveness property `index` in `state`. */
  live(index: number, part: "p" | "q", state: Int32Array): boolean;
  /**
   * The places where a process can block: each step with a blocking
   * operation or guard, per process kind, in words.
   */
  readonly blockingPoints: readonly string[];
  /**
   * Marks in `out` (indexed like {@linkcode Model.blockingPoints}) every
   * point where some process is blocked in `state`: it is at that step and
   * none of its transitions can fire.
   */
  blockedPoints(state: Int32Array, out: Uint8Array): void;
  /** Whether process `pid` has finished (run off its body, or been killed) in `state`. */
  finished(state: Int32Array, pid: number): boolean;
  /**
   * Partial-order reduction (optional; a model without it is always
   * expanded fully). When some transitions of `state` form an ample set
   * (enough of them to keep every deadlock, invariant and assertion verdict,
   * given the caller's cycle proviso), hands their successors to `sink` and
   * returns how many; otherwise hands over nothing and returns -1, and the
   * caller must call {@linkcode Model.expand}. The caller must expand the
   * state fully instead when one of these successors breaks its cycle
   * proviso (e.g. it was stored before the state being expanded).
   */
  ample?(state: Int32Array, sink: SuccessorSink): number;
  /**
   * With {@linkcode Model.ample}: a number that grows whenever the
   * invariants query something they had not queried before (a region, a
   * primitive's value), which makes more transitions visible. A reduced
   * search during which it changed must be run again.
   */
  readonly reductionEpoch?: number;
  /**
   * With {@linkcode Model.ample}: why it never offers an ample set for this
   * model (e.g. `"atomic blocks"`), or undefined when it may.
   */
  readonly reductionOff?: string | undefined;
  /** The primitive a transition operates on (by name), if any. */
  primitiveOf(transition: number): string | undefined;
  /** The processes that move in a transition (two for a rendezvous). */
  movers(transition: number): readonly number[];
  /** The processes, by pid. */
  readonly processNames: readonly string[];
  /**
   * The symmetry of the model, for symmetry reduction: `undefined` when no
   * process kind with several copies is declared `symmetric`. Throws an
   * error naming the spec, the process kind and the primitive when a kind
   * is declared symmetric but the system cannot rename its copies.
   */
  symmetry?(): Symmetry | undefined;
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
  compile(params?: Readonly<Record<string, number | boolean | string>>): Model;
}
