// Private module: purity checks. A model must be deterministic: the same
// state always yields the same successors. A spec whose code reads
// something outside the state (Math.random, Date.now, a variable captured
// by its closures and changed by them) breaks that, and its verdicts and
// traces stop reproducing. These checks expand a state twice and compare.

import type { Model, SuccessorSink } from "../model/model.ts";
import { replay } from "./replay.ts";
import type { CheckResult } from "./result.ts";

/** One expansion, recorded: successors and failures in the order the model gave them. */
interface Expansion {
  readonly items: string[];
  readonly transitions: number[];
  /** The spec's code threw. */
  readonly failed: boolean;
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
  try {
    model.expand(state.slice(), sink);
  } catch {
    // The spec's code failed: the search reports that error itself (and a
    // model need not be clean after one, so nothing is compared).
    return { items, transitions, failed: true };
  }
  return { items, transitions, failed: false };
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
  if (a.failed) return undefined;
  const b = record(model, state);
  if (b.failed) return undefined;
  const n = Math.max(a.items.length, b.items.length);
  for (let i = 0; i < n; i++) {
    if (a.items[i] === b.items[i]) continue;
    const t = a.transitions[i] ?? b.transitions[i]!;
    const d = model.explanation?.describe(t);
    const step = d === undefined
      ? `transition ${t}`
      : `step '${d.step}' of ${d.process}${d.source !== undefined ? ` (${d.source})` : ""}`;
    const where = model.explanation?.format(state) ?? `[${state.join(",")}]`;
    return `impure spec: ${step} gives a different result when run twice from the same state (${where}); the spec's code must depend on the state only, not on Math.random, Date.now or variables its functions change`;
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

/** How many times each state of a counterexample is expanded twice before it is believed. */
const CONFIRMATIONS = 4;

/**
 * `result`, once its counterexample is confirmed: every state along the
 * path is expanded twice, {@linkcode CONFIRMATIONS} times, and compared. A
 * counterexample of an impure spec does not reproduce, so it becomes the
 * error that names the step where runs diverge.
 *
 * @param model The model the result was found on.
 * @param result The search's result.
 * @returns `result`, or an error result naming the impure step.
 */
export function confirmed(model: Model, result: CheckResult): CheckResult {
  const trace = result.violation ?? result.error?.trace;
  if (trace === undefined || trace.loopStart !== undefined) return result;
  const why = pathImpurity(model, trace);
  if (why === undefined) return result;
  const { violation: _, ...rest } = result;
  return { ...rest, verdict: "error", error: { message: why } };
}

/**
 * Why the spec is impure, from the states along `trace` (as far as it
 * replays), each expanded twice {@linkcode CONFIRMATIONS} times; or
 * undefined when they all agree.
 *
 * @param model The model.
 * @param trace The path: an initial state's index and transitions.
 * @returns The message naming the step, or undefined.
 */
export function pathImpurity(
  model: Model,
  trace: { readonly init: number; readonly transitions: readonly number[] },
): string | undefined {
  let states: readonly Int32Array[];
  try {
    states = replay(model, { init: trace.init, transitions: [...trace.transitions] }).states;
  } catch {
    return undefined;
  }
  for (const state of states) {
    for (let k = 0; k < CONFIRMATIONS; k++) {
      const why = impurity(model, state);
      if (why !== undefined) return why;
    }
  }
  return undefined;
}
