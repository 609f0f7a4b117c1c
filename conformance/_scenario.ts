// What every multi-process scenario shares: its shape, and the outcomes of
// its model found by exploring every reachable state through the public
// `Model` interface.

import type { Model } from "../model/model.ts";

/** A scenario: its model's allowed outcomes, and the key of a helper line. */
export interface Scenario {
  /** The helper's scenario name. */
  readonly name: string;
  /** What it checks, in words. */
  readonly what: string;
  /** The outcomes the model allows, as keys comparable with {@linkcode Scenario.key}. */
  allowed(): Set<string>;
  /** The outcome a helper line shows. */
  key(fields: Readonly<Record<string, string>>): string;
}

/** Every state reachable in `model`: calls `visit` on each, and collects the violated properties. */
function reach(model: Model, visit: (s: Int32Array) => void): Set<string> {
  const seen = new Set<string>();
  const queue: Int32Array[] = [];
  const failures = new Set<string>();
  const add = (s: Int32Array) => {
    const k = s.join(",");
    if (seen.has(k)) return;
    if (seen.size > 200_000) throw new Error(`${model.name}: more than 200000 states`);
    seen.add(k);
    queue.push(s.slice());
  };
  model.init(add);
  for (let i = 0; i < queue.length; i++) {
    const s = queue[i]!;
    visit(s);
    model.expand(s, {
      push: (next) => {
        add(next);
        return true;
      },
      fail: (property) => {
        failures.add(model.properties[property]?.name ?? "error");
      },
    });
  }
  return failures;
}

/**
 * The outcomes of a scenario's model: `outcome` (a state invariant that
 * records a key when it sees a final state) is called on every reachable
 * state; violations are added as `violation: <property>`.
 */
export function outcomes(model: Model, found: Set<string>): Set<string> {
  for (const f of reach(model, (s) => model.check(s))) found.add(`violation: ${f}`);
  return found;
}
