// Test helper: every reachable state of a compiled model, through the public
// Model interface only (init/enabled/fire), and the globals of its end
// states, so that a test can compare the *set* of outcomes with the one a
// rule of docs/semantics.md allows; and the pieces the model-based tests of
// the primitives share to drive a model one transition at a time.

import assert from "node:assert/strict";
import type fc from "fast-check";
import { spec, type System } from "../../mod.ts";
import type { Model } from "../../extend.ts";
import { enabled, fire } from "../../checker/_fire.ts";

/** A spec named `name`, without parameters, whose system `build` returns. */
// deno-lint-ignore no-explicit-any
export function mk(name: string, build: () => System<any>) {
  return spec({ name, params: {}, build });
}

/** The first initial state of `model` (a copy). */
export function initial(model: Model): Int32Array {
  let s: Int32Array | undefined;
  model.init((x) => (s ??= x.slice()));
  return s!;
}

/** The model's printed state without process positions (`p#0@choose`). */
export function observed(model: Model, s: Int32Array): string {
  return model.explanation!.format(s).replace(/ p#\d+@[^{]*/g, "");
}

/** The real side of a model-based test: a model and its current state. */
export interface Real {
  /** The compiled model. */
  model: Model;
  /** The current state, replaced as transitions fire. */
  state: Int32Array;
}

/**
 * A fast-check command of a model-based test: process `p#pid` takes one of
 * its enabled transitions, the `pick`-th modulo their number. `M` is the
 * reference, with `k` processes; a subclass says what `run` compares.
 */
export abstract class ProcessAct<M extends { readonly k: number }> implements fc.Command<M, Real> {
  constructor(readonly pid: number, readonly pick: number) {}
  /** Only a process the reference has can act. */
  check(m: Readonly<M>): boolean {
    return this.pid < m.k;
  }
  /** Takes the transition and compares the model with the reference `m`. */
  abstract run(m: M, r: Real): void;
  /** The transitions of `p#pid` enabled in `r`'s state, with their operations. */
  protected mine(r: Real): { t: number; op: string }[] {
    return enabled(r.model, r.state)
      .map((t) => ({ t, d: r.model.explanation!.describe(t) }))
      .filter((x) => x.d.process === `p#${this.pid}`)
      .map((x) => ({ t: x.t, op: x.d.operation }));
  }
  /**
   * Asserts that the operations {@linkcode ProcessAct.mine} finds are
   * `expected` (sorted), and returns the one `pick` selects, in enabled
   * order, or `undefined` when there is none.
   */
  protected take(r: Real, expected: readonly string[]): { t: number; op: string } | undefined {
    const mine = this.mine(r);
    assert.deepEqual(mine.map((x) => x.op).sort(), expected);
    return mine.length === 0 ? undefined : mine[this.pick % mine.length]!;
  }
  toString(): string {
    return `act(${this.pid}, ${this.pick})`;
  }
}

/** What {@linkcode explore} finds. */
export interface Explored {
  /** Distinct states. */
  readonly states: number;
  /** The printed states with no enabled transition. */
  readonly ends: readonly string[];
  /** The failures met while firing, as `property: message`. */
  readonly failures: readonly string[];
}

/**
 * Breadth-first search over `model`, up to `limit` states, calling `visit`
 * with every state printed.
 */
export function explore(
  model: Model,
  visit: (state: string) => void = () => {},
  limit = 100_000,
): Explored {
  const seen = new Set<string>();
  const queue: Int32Array[] = [];
  model.init((s) => {
    const k = s.join(",");
    if (!seen.has(k)) {
      seen.add(k);
      queue.push(s.slice());
    }
  });
  const ends: string[] = [];
  const failures = new Set<string>();
  for (let i = 0; i < queue.length; i++) {
    const s = queue[i]!;
    visit(model.explanation!.format(s));
    const ts = enabled(model, s);
    if (ts.length === 0) ends.push(model.explanation!.format(s));
    for (const t of ts) {
      const next = fire(model, s, t);
      if (!(next instanceof Int32Array)) {
        failures.add(`${model.properties[next.property]?.name}: ${next.message}`);
        continue;
      }
      const k = next.join(",");
      if (!seen.has(k)) {
        if (seen.size >= limit) throw new Error(`more than ${limit} states`);
        seen.add(k);
        queue.push(next);
      }
    }
  }
  return { states: seen.size, ends, failures: [...failures].sort() };
}

/** The value of global `name` in a printed state (`name=value`). */
export function globalIn(state: string, name: string): string {
  const m = new RegExp(`(?:^| )${name}=(\\S+)`).exec(state);
  if (m === null) throw new Error(`no global '${name}' in ${state}`);
  return m[1]!;
}

/** The distinct values of global `name` over the end states, sorted. */
export function endValues(e: Explored, name: string): string[] {
  return [...new Set(e.ends.map((s) => globalIn(s, name)))].sort();
}

/** The enabled transitions of `s` as `process operation`, sorted. */
export function enabledOps(model: Model, s: Int32Array): string[] {
  return enabled(model, s).map((t) => {
    const d = model.explanation!.describe(t);
    return `${d.process} ${d.operation}`;
  }).sort();
}

/** Fires the enabled transition `process operation` from `s` (asserting there is one). */
export function fireOp(model: Model, s: Int32Array, op: string): Int32Array {
  const t = enabled(model, s).find((t) => {
    const d = model.explanation!.describe(t);
    return `${d.process} ${d.operation}` === op;
  });
  assert.ok(t !== undefined, `'${op}' is not enabled; enabled: ${enabledOps(model, s).join("; ")}`);
  const next = fire(model, s, t);
  assert.ok(next instanceof Int32Array, `${op}: ${JSON.stringify(next)}`);
  return next;
}
