// Private module: purity checks. A model must be deterministic: the same
// state always yields the same successors. A spec whose code reads
// something outside the state (Math.random, Date.now, a variable captured
// by its closures and changed by them) breaks that, and its verdicts and
// traces stop reproducing. These checks expand a state twice and compare.

import type { Model, SuccessorSink } from "../model/model.ts";

/** One expansion, recorded: successors and failures in the order the model gave them. */
interface Expansion {
  readonly items: string[];
  readonly transitions: number[];
}

function record(model: Model, state: Int32Array): Expansion {
  const items: string[] = [];
  const transitions: number[] = [];
  const sink: SuccessorSink = {
    push(next, transition) {
      items.push(`${transition}:${next.join(",")}`);
      transitions.push(transition);
      return true;
    },
    fail(property, transition, message) {
      items.push(`${transition}!${property}:${message}`);
      transitions.push(transition);
    },
  };
  model.expand(state.slice(), sink);
  return { items, transitions };
}

/**
 * Expands `state` twice and compares the successors; a difference means the
 * spec's code depends on something outside the state.
 *
 * @param model The model.
 * @param state The state (not modified).
 * @returns Why the spec is impure, naming the first step whose successors
 *   differ, or undefined when both expansions agree.
 */
export function impurity(model: Model, state: Int32Array): string | undefined {
  const a = record(model, state);
  const b = record(model, state);
  const n = Math.max(a.items.length, b.items.length);
  for (let i = 0; i < n; i++) {
    if (a.items[i] === b.items[i]) continue;
    const t = a.transitions[i] ?? b.transitions[i]!;
    const d = model.describe(t);
    return `impure spec: step '${d.step}' of ${d.process}${
      d.source !== undefined ? ` (${d.source})` : ""
    } gives a different result when run twice from the same state (${
      model.format(state)
    }); the spec's code must depend on the state only, not on Math.random, Date.now or variables its functions change`;
  }
  return undefined;
}

/**
 * Which states to double-check: the first `first` expansions, then one in
 * `every`. With the defaults the cost is a fraction of a percent.
 */
export class PuritySampler {
  #n = 0;
  readonly #first: number;
  readonly #every: number;

  constructor(first = 64, every = 1024) {
    this.#first = first;
    this.#every = every;
  }

  /** Whether to double-check the next expansion. */
  next(): boolean {
    const n = this.#n++;
    return n < this.#first || n % this.#every === 0;
  }
}

/** The error a purity check throws from inside a search (its message says it all). */
export class ImpureSpecError extends Error {
  override readonly name = "ImpureSpecError";
}

/**
 * `model`, with every expansion the sampler picks expanded twice first and
 * compared (see {@linkcode impurity}); a difference throws
 * {@linkcode ImpureSpecError}, which the search reports as its error.
 *
 * @param model The model.
 * @param sampler Which expansions to double-check.
 * @returns A model with the same members.
 */
export function purityChecked(model: Model, sampler: PuritySampler): Model {
  const out: Record<PropertyKey, unknown> = {};
  const seen = new Set<PropertyKey>();
  for (
    let o: object | null = model;
    o !== null && o !== Object.prototype;
    o = Object.getPrototypeOf(o)
  ) {
    for (const key of Reflect.ownKeys(o)) {
      if (key === "constructor" || seen.has(key)) continue;
      seen.add(key);
      const value = (model as unknown as Record<PropertyKey, unknown>)[key];
      if (typeof value === "function") {
        out[key] = value.bind(model);
      } else {
        Object.defineProperty(out, key, {
          get: () => (model as unknown as Record<PropertyKey, unknown>)[key],
          enumerable: true,
        });
      }
    }
  }
  const expand = model.expand.bind(model);
  out.expand = (state: Int32Array, sink: SuccessorSink): number => {
    if (sampler.next()) {
      const why = impurity(model, state);
      if (why !== undefined) throw new ImpureSpecError(why);
    }
    return expand(state, sink);
  };
  return out as unknown as Model;
}
