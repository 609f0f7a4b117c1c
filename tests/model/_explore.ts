// Test helper: every reachable state of a compiled model, through the public
// Model interface only (init/enabled/fire), and the globals of its end
// states, so that a test can compare the *set* of outcomes with the one a
// rule of ipc-semantics.md allows.

import type { Model } from "../../mod.ts";

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
    visit(model.format(s));
    const ts = model.enabled(s);
    if (ts.length === 0) ends.push(model.format(s));
    for (const t of ts) {
      const next = model.fire(s, t);
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
