// Test helper: the shortest distance to a violating state by a plain
// breadth-first search over a model, independent of the checker's stores,
// engines and reductions (states kept as strings).

import assert from "node:assert/strict";
import type { Model } from "../../extend.ts";

/**
 * The length of the shortest path from an initial state to a state where
 * invariant `property` fails, or -1 when no reachable state breaks it.
 */
export function shortestTo(model: Model, property: string): number {
  const prop = model.properties.findIndex((p) => p.name === property);
  assert.ok(prop >= 0, `no property '${property}'`);
  const seen = new Set<string>();
  let level: Int32Array[] = [];
  const add = (s: Int32Array, into: Int32Array[]) => {
    const key = s.join(",");
    if (seen.has(key)) return;
    seen.add(key);
    into.push(s.slice());
  };
  model.init((s) => add(s, level));
  for (let depth = 0; level.length > 0; depth++) {
    for (const s of level) if (model.check(s) === prop) return depth;
    const next: Int32Array[] = [];
    for (const s of level) {
      model.expand(s, {
        push(n) {
          add(n, next);
          return true;
        },
        fail() {},
      });
    }
    level = next;
  }
  return -1;
}
