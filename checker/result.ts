/**
 * The result of a check, as plain data: a verdict, the counterexample when
 * a property fails, what a run cut short covered, and statistics. Only the
 * `assert*` helpers throw.
 *
 * @module
 */

import type { BlockedProcess, Change, PropertyKind } from "../model/model.ts";

export type {
  PrimitiveContents,
  PrimitiveData,
  ProcessData,
  StateData,
  VarValue,
} from "../model/types.ts";

/** The outcome class of a check; each has its own CLI exit code. */
export type Verdict = "ok" | "violation" | "incomplete" | "error";

/** One step of a counterexample, as a story line. */
export interface TraceStep {
  /** The transition number (what replay needs). */
  readonly transition: number;
  /** The process that moves, as `name#id`. */
  readonly process: string;
  /** The label or step name. */
  readonly step: string;
  /** The operation, e.g. `wait(empty)`. */
  readonly operation: string;
  /** Where the step was written. */
  readonly source?: string;
  /** What the step changed. */
  readonly changes: readonly Change[];
}

/** A counterexample: a replayable path to a state where a property fails. */
export interface Counterexample {
  /** The failed property. */
  readonly property: string;
  /** Its kind. */
  readonly kind: PropertyKind;
  /** What went wrong, in words. */
  readonly message: string;
  /** Index of the initial state the path starts from (0 unless a spec has several). */
  readonly init: number;
  /**
   * The transition numbers, in order. For an assertion or an operation
   * error, the last transition is the one that fails.
   */
  readonly transitions: readonly number[];
  /** The same path as a story. */
  readonly steps: readonly TraceStep[];
  /** For a deadlock: who is blocked on what, holding what. */
  readonly blocked?: readonly BlockedProcess[];
  /**
   * For a liveness violation that repeats: the step where the cycle starts
   * (the state before it equals the last state, and the run goes round for
   * ever). Absent for a run that ends.
   */
  readonly loopStart?: number;
  /** The last state reached, printed. */
  readonly state: string;
}

/** Why a run stopped before covering the whole state space. */
export type IncompleteReason = "max-states" | "max-depth" | "time" | "interrupted" | "bound";

/** Statistics of a run. */
export interface Stats {
  /** Distinct states stored. */
  readonly states: number;
  /** Transitions fired (successors generated, including known states). */
  readonly transitions: number;
  /** Depth of the deepest level reached. */
  readonly depth: number;
  /** Wall time of the whole run, in seconds: the search, and the liveness phase if any. */
  readonly seconds: number;
  /** With liveness properties checked: wall time of the liveness phase (included in `seconds`). */
  readonly livenessSeconds?: number;
  /**
   * With liveness properties checked: bytes of the liveness state graph. The
   * exact graph: its edges (the store it explores with is not counted). Over
   * fingerprints (`store: "fingerprint"`): its fingerprint table, state
   * labels, edges and peak frontier, all of it.
   */
  readonly livenessGraphBytes?: number;
  /** Distinct states per second. */
  readonly statesPerSecond: number;
  /** Peak resident memory of the process over the whole run, liveness phase included (0 when unknown). */
  readonly peakMemoryBytes: number;
  /** Bytes of the state store per stored state. */
  readonly bytesPerState: number;
  /** Int32 slots per state. */
  readonly stateWidth: number;
  /** The state store: `exact`, `fingerprint` or `bitstate` (see `CheckOptions.store`). */
  readonly store?: "exact" | "fingerprint" | "bitstate";
  /**
   * Fingerprint and bitstate stores: the estimated probability that at
   * least one reached state was taken for a stored one, and so neither
   * counted nor explored (nor what only it leads to). Fingerprint: TLC's
   * "calculated (optimistic)" estimate n·(g − n)/2^64 for n states stored
   * and g generated. Bitstate: 1 − e^(−E), E the expected number of states
   * omitted, from the fill of the bit array.
   */
  readonly omissionProbability?: number;
  /**
   * Fingerprint store: TLC's estimate "based on the actual fingerprints",
   * 1 over the smallest distance between two stored 64-bit fingerprints.
   */
  readonly omissionProbabilityActual?: number;
  /**
   * Bitstate store: the estimated fraction of reached states that were
   * stored, n / (n + E). Like SPIN's estimate it counts the states omitted
   * directly, not those only they lead to: the true coverage can be lower.
   */
  readonly coverage?: number;
  /** Bitstate store: SPIN's hash factor, bits of the array per stored state (best if above 100). */
  readonly hashFactor?: number;
  /** Fingerprint and bitstate stores: peak bytes of the queue of states waiting to be expanded. */
  readonly frontierPeakBytes?: number;
  /** With `symmetry: true`: the orbits stored and the states they stand for. */
  readonly symmetry?: SymmetryStats;
  /** Parallel search (`checkParallel`): the number of workers. */
  readonly workers?: number;
  /** With `reduction: "por"`: how the states were expanded. */
  readonly reduction?: ReductionStats;
}

/**
 * What partial-order reduction did (see `CheckOptions.reduction`).
 *
 * @example
 * ```ts
 * import { check, spec, system } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const s = spec({
 *   name: "two counters",
 *   params: {},
 *   build: () => {
 *     const sys = system({});
 *     sys.process("w", { count: 2, locals: { n: 0 } }, (b) => [b.do("one", ({ l }) => l.n++)]);
 *     return sys;
 *   },
 * });
 * // w#0 moves alone, then w#1, then nothing can move.
 * assert.deepEqual(check(s, { reduction: "por" }).stats.reduction, { ample: 2, full: 1, runs: 1 });
 * ```
 */
export interface ReductionStats {
  /** States expanded through an ample set: the transitions of one process only. */
  readonly ample: number;
  /** States expanded fully: no ample set, or the cycle proviso refused it. */
  readonly full: number;
  /**
   * Searches run: more than one when the invariants queried something new
   * during a search (a region they had not counted before), which makes
   * more transitions visible, so the search was run again.
   */
  readonly runs: number;
  /** Why the model never reduces (every state was expanded fully), as the model says. */
  readonly off?: string;
}

/** What symmetry reduction saved (see `CheckOptions.symmetry`). */
export interface SymmetryStats {
  /** The process kinds declared symmetric, with their copies (empty: nothing to reduce). */
  readonly kinds: readonly { readonly process: string; readonly copies: number }[];
  /** Orbits stored: `states`, one representative each. */
  readonly orbits: number;
  /** The states those orbits hold: what the search without reduction stores, when complete. */
  readonly represented: number;
  /** Whether `represented` is exact (else a lower bound). */
  readonly exact: boolean;
}

/** The result of checking one spec at one parameter setting. */
export interface CheckResult {
  /** The spec's name. */
  readonly spec: string;
  /** The parameter values checked. */
  readonly params: Readonly<Record<string, number | boolean>>;
  /** The verdict. */
  readonly verdict: Verdict;
  /** The counterexample, when the verdict is `violation`. */
  readonly violation?: Counterexample;
  /** The error, when the verdict is `error`. */
  readonly error?: {
    /** The message, naming spec, process and step. */
    readonly message: string;
    /** The path to the state where the spec's code failed, when there is one. */
    readonly trace?: Counterexample;
  };
  /** Why and where the run stopped, when the verdict is `incomplete`. */
  readonly incomplete?: {
    /** Which limit ended it. */
    readonly reason: IncompleteReason;
    /** The limit in words, e.g. `--max-states 1000 reached`. */
    readonly message: string;
    /** For a `bound`: a path to where the bound was first reached. */
    readonly trace?: Counterexample;
  };
  /** What the run covered. */
  readonly stats: Stats;
}
