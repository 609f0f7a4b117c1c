// Private module: the exactly-once bookkeeping shared by the bounded-buffer
// specs. Items are numbered 1..total; 0 marks an empty slot. Consumers count
// what they take in `consumed[item]`, so consumed[0] > 0 means a consumer
// took from an empty slot (the item that was there was lost or overwritten).

import { atomic, type Channel, type IntArray, type StateView, type Step, type StepBuilder } from "../mod.ts";

/** Item number `i` (from 0) of producer `id`, each producing `items`. */
export function itemOf(id: number, i: number, items: number): number {
  return id * items + i + 1;
}

/** How many items consumer `id` of `consumers` takes out of `total`. */
export function shareOf(id: number, consumers: number, total: number): number {
  return Math.floor(total / consumers) + (id < total % consumers ? 1 : 0);
}

/**
 * Assertion before a consumer counts its item: the item was not consumed
 * before (item 0, an empty slot, is counted and reported at the end).
 */
export function notYetConsumed(
  v: { readonly g: { readonly consumed: IntArray }; readonly l: { readonly item: number } },
): true | string {
  if (v.l.item === 0 || v.g.consumed[v.l.item] === 0) return true;
  return `item ${v.l.item} is consumed a second time (duplicated)`;
}

/**
 * Final property: every item was consumed exactly once, and no consumer
 * took an empty slot (counted in consumed[0]).
 */
export function noLoss(v: StateView<{ consumed: IntArray }>): true | string {
  const c = v.g.consumed;
  const problems: string[] = [];
  for (let i = 1; i < c.length; i++) {
    if (c[i] === 0) problems.push(`item ${i} was lost (never consumed)`);
    else if (c[i] !== 1) problems.push(`item ${i} was consumed ${c[i]} times`);
  }
  if (c[0]! > 0) {
    problems.push(`${c[0]} take${c[0] === 1 ? "" : "s"} found an empty slot`);
  }
  return problems.length === 0 ? true : problems.join("; ");
}

/**
 * A consumer's loop as SPIN's anchor models write it: take its share of the
 * items from `buf`, with the receive, the check and the count of the item
 * in one atomic block (`atomic { q?m; assert(...); next[m / K]++; m = 0 }`),
 * then move the loop counter (`j++`).
 */
export function consumerBody(
  s: StepBuilder<{ consumed: IntArray }, { j: number; item: number }>,
  buf: Channel,
  consumers: number,
  total: number,
): Step[] {
  return [
    s.while(({ l, id }) => l.j < shareOf(id, consumers, total), [
      atomic(
        s.recv(buf, "item"),
        s.assert("no duplicate", notYetConsumed),
        s.do("consume", ({ g, l }) => {
          g.consumed[l.item]++;
          l.item = 0;
        }),
      ),
      s.do("count", ({ l }) => l.j++),
    ]),
  ];
}
