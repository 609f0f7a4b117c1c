/**
 * Symmetry reduction: the search keeps one state per orbit, the states that
 * differ only by a renaming of the copies of a process kind declared
 * `symmetric: true`, and maps its counterexamples back to real traces.
 *
 * {@linkcode quotientModel} wraps a model so that every state it hands out
 * is the representative of its orbit; any engine searches it unchanged.
 * {@linkcode concretize} turns a path of the wrapped model into a path of
 * the model itself, step by step: it keeps the renaming that takes the
 * representative to the real state, and picks the real transition whose
 * successor is the renamed successor of the representative. See
 * docs/symmetry.md for why the verdict is the unreduced search's.
 *
 * @module
 */

import { stepperOf, symmetryOf } from "./_facets.ts";
import type {
  Coverage,
  Explanation,
  GeneratedCode,
  Liveness,
  Model,
  Processes,
  PropertyInfo,
  SuccessorSink,
  Symmetry,
} from "../model/model.ts";
import { errorMessage, initialStates, type SearchOutcome } from "./_search.ts";
import type { Trace } from "./replay.ts";
import type { CheckResult, SymmetryStats } from "./result.ts";

/** A model whose states are orbit representatives, with what it saved. */
export interface QuotientModel extends Model {
  /** The symmetry used. */
  readonly symmetryOf: Symmetry;
  /** The states the representatives checked so far stand for (a lower bound unless `exact`). */
  readonly represented: number;
  /** Whether every orbit size was known exactly. */
  readonly exact: boolean;
}

class Quotient implements QuotientModel {
  readonly #m: Model;
  readonly #sym: Symmetry;
  readonly #buf: Int32Array;
  readonly #scratch: Int32Array;
  #lastOrbit = 0;
  #sink: SuccessorSink | undefined;
  readonly #relay: SuccessorSink;
  represented = 0;
  exact = true;

  constructor(model: Model, sym: Symmetry) {
    this.#m = model;
    this.#sym = sym;
    this.#buf = new Int32Array(model.width);
    this.#scratch = new Int32Array(model.width);
    this.#relay = {
      push: (next, transition) => {
        const buf = this.#buf;
        buf.set(next);
        this.#lastOrbit = sym.canonicalize(buf);
        return this.#sink!.push(buf, transition);
      },
      fail: (property, transition, message) => this.#sink!.fail(property, transition, message),
    };
  }

  get symmetryOf(): Symmetry {
    return this.#sym;
  }
  get name(): string {
    return this.#m.name;
  }
  get width(): number {
    return this.#m.width;
  }
  get transitionCount(): number {
    return this.#m.transitionCount;
  }
  get properties(): readonly PropertyInfo[] {
    return this.#m.properties;
  }
  // The facets that do not depend on which representative a state is are
  // the model's own, forwarded as they are.
  get explanation(): Explanation | undefined {
    return this.#m.explanation;
  }
  get processes(): Processes | undefined {
    return this.#m.processes;
  }
  get liveness(): Liveness | undefined {
    return this.#m.liveness;
  }
  get coverage(): Coverage | undefined {
    return this.#m.coverage;
  }
  get code(): GeneratedCode | undefined {
    return this.#m.code;
  }

  init(emit: (state: Int32Array) => void): void {
    this.#m.init((s) => {
      const c = s.slice();
      this.#sym.canonicalize(c);
      emit(c);
    });
  }

  expand(state: Int32Array, sink: SuccessorSink): number {
    const outer = this.#sink;
    this.#sink = sink;
    try {
      return this.#m.expand(state, this.#relay);
    } finally {
      this.#sink = outer;
    }
  }

  /**
   * Engines check each state once, when it is new: the place to count the
   * states its orbit stands for.
   */
  check(state: Int32Array): number {
    let orbit = this.#lastOrbit;
    if (state !== this.#buf) {
      this.#scratch.set(state);
      orbit = this.#sym.canonicalize(this.#scratch);
    }
    if (orbit < 0) this.exact = false;
    this.represented += Math.abs(orbit);
    return this.#m.check(state);
  }

  stuck(state: Int32Array): number {
    return this.#m.stuck(state);
  }
}

/**
 * Wraps a model so that its initial states and successors are orbit
 * representatives: searching the result visits one state per orbit.
 *
 * @param model The model.
 * @param sym Its symmetry (`model.symmetry()`).
 * @returns The quotient model; its paths are mapped back with {@linkcode concretize}.
 *
 * @example Three identical workers: one state per number of workers done
 * ```ts
 * import { quotientModel } from "./symmetry.ts";
 * import { bfs } from "./bfs.ts";
 * import { spec, system } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const s = spec({
 *   name: "workers",
 *   params: {},
 *   build: () => {
 *     const sys = system({ x: 0 });
 *     sys.process("w", { count: 3, symmetric: true }, (b) => [b.do("inc", ({ g }) => g.x++)]);
 *     return sys;
 *   },
 * });
 * const model = s.compile();
 * const q = quotientModel(model, model.symmetry!()!);
 * assert.equal(bfs(model).states, 8);
 * assert.equal(bfs(q).states, 4);
 * assert.equal(q.represented, 8);
 * ```
 */
export function quotientModel(model: Model, sym: Symmetry): QuotientModel {
  return new Quotient(model, sym);
}

/**
 * Maps a path of the quotient model (from {@linkcode quotientModel}) back
 * to a path of the model: the same length, through the renamed states. A
 * path whose last transition fails (an assertion, an operation error) ends
 * with a real transition failing the same property.
 *
 * @param model The model (not the quotient).
 * @param sym Its symmetry.
 * @param trace A path of the quotient model.
 * @returns The real path, or why there is none (the copies were not
 * interchangeable after all: an internal error).
 *
 * @example
 * ```ts
 * import { concretize, quotientModel } from "./symmetry.ts";
 * import { bfs } from "./bfs.ts";
 * import { replay } from "./replay.ts";
 * import { spec, system } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const s = spec({
 *   name: "racy",
 *   params: {},
 *   build: () => {
 *     const sys = system({ n: 0 });
 *     sys.process("inc", { count: 3, symmetric: true, locals: { t: 0 } }, (b) => [
 *       b.do("read", ({ g, l }) => { l.t = g.n; }),
 *       b.do("write", ({ g, l }) => { g.n = l.t + 1; }),
 *     ]);
 *     sys.atEnd("no lost update", ({ g }) => g.n === 3);
 *     return sys;
 *   },
 * });
 * const model = s.compile();
 * const sym = model.symmetry!()!;
 * const found = bfs(quotientModel(model, sym)).found!;
 * const real = concretize(model, sym, found);
 * assert.ok(typeof real !== "string");
 * assert.equal(real.transitions.length, found.transitions.length);
 * assert.equal(replay(model, real).error, undefined);
 * ```
 */
export function concretize(model: Model, sym: Symmetry, trace: Trace): Trace | string {
  const first = initialStates(model)[trace.init];
  if (first === undefined) return `no initial state ${trace.init}`;
  const P = sym.processes;
  const pi = new Int32Array(P);
  // Invariant: the real state s is the representative c renamed by sigma.
  let s: Int32Array = first;
  let c: Int32Array = first.slice();
  sym.canonicalize(c, pi);
  let sigma = new Int32Array(P);
  for (let p = 0; p < P; p++) sigma[pi[p]!] = p;
  const { fire } = stepperOf(model);
  const out: number[] = [];
  const steps = trace.transitions;
  for (let k = 0; k < steps.length; k++) {
    const t = steps[k]!;
    const x = fire(c, t);
    if (!(x instanceof Int32Array)) {
      if (x.property < 0 || k !== steps.length - 1) {
        return `step ${k + 1} of the reduced trace does not fire: ${x.message}`;
      }
      const u = failing(model, s, x.property);
      if (u < 0) return `step ${k + 1}: no transition of the real state fails the same way`;
      out.push(u);
      break;
    }
    const target = new Int32Array(x.length);
    sym.permute(x, sigma, target);
    const u = leadingTo(model, s, target);
    if (u < 0) {
      return `step ${k + 1}: no transition of the real state leads to the renamed successor`;
    }
    out.push(u);
    s = target;
    c = x;
    sym.canonicalize(c, pi);
    // x = pi^-1(c) and s = sigma(x): the new sigma is sigma after pi^-1.
    const next = new Int32Array(P);
    for (let p = 0; p < P; p++) next[pi[p]!] = sigma[p]!;
    sigma = next;
  }
  return { init: trace.init, transitions: out };
}

function leadingTo(model: Model, state: Int32Array, target: Int32Array): number {
  let found = -1;
  model.expand(state, {
    push(next, t) {
      for (let i = 0; i < next.length; i++) if (next[i] !== target[i]) return true;
      found = t;
      return false;
    },
    fail() {},
  });
  return found;
}

function failing(model: Model, state: Int32Array, property: number): number {
  let found = -1;
  model.expand(state, {
    push: () => true,
    fail(p, t) {
      if (p === property && found < 0) found = t;
    },
  });
  return found;
}

/** What `check()` needs to search with symmetry reduction, or without. */
export interface SymmetryReduction {
  /** The model to search. */
  readonly model: Model;
  /** Maps the search's paths back to the real model. */
  outcome<O extends SearchOutcome>(out: O): O;
  /** Adds the reduction's statistics to the result. */
  result(r: CheckResult): CheckResult;
}

/** The options of `check()` that {@linkcode symmetryReduction} reads. */
export interface SymmetryOptions {
  /** Symmetry reduction asked for. */
  readonly symmetry?: boolean | undefined;
  /** Another reduction asked for (`"por"` cannot be combined with symmetry). */
  readonly reduction?: string | undefined;
}

const NONE: Omit<SymmetryReduction, "model"> = { outcome: (o) => o, result: (r) => r };

/**
 * The reduction `check()` applies: none unless `symmetry` is set; with it,
 * the quotient model when some kind is declared symmetric. Returns an error
 * message when the model declares symmetry it cannot honour.
 *
 * @param model The model.
 * @param options Whether symmetry reduction (and partial-order reduction) was asked for.
 * @returns The reduction, or the error message.
 *
 * @example
 * ```ts
 * import { symmetryReduction } from "./symmetry.ts";
 * import { spec, system } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const s = spec({
 *   name: "one",
 *   params: {},
 *   build: () => {
 *     const sys = system({ x: 0 });
 *     sys.process("p", {}, (b) => [b.do("inc", ({ g }) => g.x++)]);
 *     return sys;
 *   },
 * });
 * const model = s.compile();
 * const r = symmetryReduction(model, { symmetry: true });
 * assert.ok(typeof r !== "string");
 * assert.equal(r.model, model); // nothing declared symmetric
 * ```
 */
export function symmetryReduction(
  model: Model,
  options: SymmetryOptions,
): SymmetryReduction | string {
  if (options.symmetry !== true) return { model, ...NONE };
  let sym: Symmetry | undefined;
  try {
    sym = symmetryOf(model);
  } catch (e) {
    return errorMessage(e);
  }
  if (sym !== undefined && options.reduction !== undefined && options.reduction !== "none") {
    return `Cannot check '${model.name}': symmetry reduction and partial-order reduction ` +
      `cannot be combined (yet); check with one of them`;
  }
  if (sym === undefined) {
    // Nothing declared symmetric: the search is the plain one, and says so.
    const none = (r: CheckResult): SymmetryStats => ({
      kinds: [],
      orbits: r.stats.states,
      represented: r.stats.states,
      exact: true,
    });
    return {
      model,
      outcome: (o) => o,
      result: (r) => ({ ...r, stats: { ...r.stats, symmetry: none(r) } }),
    };
  }
  const q = quotientModel(model, sym);
  const back = (path: Trace): Trace | string => {
    try {
      return concretize(model, sym, path);
    } catch (e) {
      return `replaying it threw: ${errorMessage(e)}`;
    }
  };
  return {
    model: q,
    outcome: <O extends SearchOutcome>(out: O): O => realOutcome(model, out, back),
    result: (r) => ({
      ...r,
      stats: {
        ...r.stats,
        symmetry: {
          kinds: sym.kinds,
          orbits: r.stats.states,
          represented: q.represented,
          exact: q.exact,
        },
      },
    }),
  };
}

/**
 * A reduced search's outcome with every path mapped back to a real trace
 * by `back`; a counterexample that does not map back is an internal error.
 */
function realOutcome<O extends SearchOutcome>(
  model: Model,
  out: O,
  back: (path: Trace) => Trace | string,
): O {
  let o: O = out;
  if (out.found !== undefined) {
    const real = back(out.found);
    if (typeof real === "string") {
      const { found: _, ...rest } = out;
      return {
        ...rest,
        status: "error",
        error: {
          cause: new Error(
            `internal error: symmetry reduction: the counterexample to ` +
              `'${model.properties[out.found.property]?.name}' does not map back to ` +
              `a real trace (${real})`,
          ),
          init: 0,
          transitions: [],
        },
      } as unknown as O;
    }
    o = { ...o, found: { ...out.found, ...real } };
  }
  if (out.error !== undefined && out.error.transitions.length > 0) {
    const real = back(out.error);
    o = {
      ...o,
      error: { ...out.error, ...(typeof real === "string" ? { transitions: [] } : real) },
    };
  }
  const bound = out.incomplete?.found;
  if (out.incomplete !== undefined && bound !== undefined) {
    const real = back(bound);
    const { found: _, ...rest } = out.incomplete;
    o = {
      ...o,
      incomplete: typeof real === "string" ? rest : { ...rest, found: { ...bound, ...real } },
    };
  }
  return o;
}
