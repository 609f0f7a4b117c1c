// Private module: the exactly-once bookkeeping shared by the bounded-buffer
// specs. Items are numbered 1..total; 0 marks an empty slot. Consumers count
// what they take in `consumed[item]`, so consumed[0] > 0 means a consumer
// took from an empty slot (the item that was there was lost or overwritten).

import type { IntArray, StateView } from "../mod.ts";

/** Item number `i` (from 0) of producer `id`, each producing `items`. */
export function itemOf(id: number, i: number, items: number): number {
  return id * items + i + 1;
}

/** How many items consumer `id` of `consumers` takes out of `total`. */
export function shareOf(id: number, consumers: number, total: number): number {
  return Math.floor(total / consumers) + (id < total % consumers ? 1 : 0);
}

/** Invariant: no item is consumed twice, and no consumer takes an empty slot. */
export function noDuplicate(v: StateView<{ consumed: IntArray }>): true | string {
  const c = v.g.consumed;
  if (c[0]! > 0) return "a consumer took an empty slot: the item written there was overwritten";
  for (let i = 1; i < c.length; i++) {
    if (c[i]! > 1) return `item ${i} was consumed ${c[i]} times`;
  }
  return true;
}

/** Final property: every item was consumed exactly once. */
export function noLoss(v: StateView<{ consumed: IntArray }>): true | string {
  const c = v.g.consumed;
  for (let i = 1; i < c.length; i++) {
    if (c[i] !== 1) return `item ${i} was consumed ${c[i]} times${c[i] === 0 ? " (lost)" : ""}`;
  }
  return true;
}
