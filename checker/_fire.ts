/**
 * Firing one transition, and listing the enabled ones, for any model: both
 * are derived from {@linkcode Model.expand}, so a wrapper (a symmetry
 * quotient, a test double) gets them from its own `expand`.
 *
 * @module
 */

import type { FireFailure, Model } from "../model/model.ts";

/**
 * Fires one transition. Returns the successor in a fresh array, or why it
 * failed: the violated property (an assertion, an operation error), or
 * property `-1` when the transition is not enabled.
 *
 * @example
 * ```ts
 * import { fire } from "./_fire.ts";
 * import { spec, system } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const m = spec({
 *   name: "one",
 *   params: {},
 *   build: () => {
 *     const sys = system({ x: 0 });
 *     sys.process("p", {}, (s) => [s.do("inc", ({ g }) => g.x++)]);
 *     return sys;
 *   },
 * }).compile();
 * let first = new Int32Array(0);
 * m.init((s) => first = s.slice());
 * const next = fire(m, first, 0);
 * assert.ok(next instanceof Int32Array);
 * assert.equal(next[0], 1);
 * ```
 */
export function fire(
  model: Model,
  state: Int32Array,
  transition: number,
): Int32Array | FireFailure {
  if (state.length !== model.width) {
    return { property: -1, message: `state has ${state.length} slots, expected ${model.width}` };
  }
  if (!Number.isInteger(transition) || transition < 0 || transition >= model.transitionCount) {
    return {
      property: -1,
      message: `no transition ${transition} (the model has ${model.transitionCount})`,
    };
  }
  // Only the wanted successor is copied, and the expansion stops there.
  let found: Int32Array | FireFailure | undefined;
  model.expand(state, {
    push(next, t) {
      if (t !== transition) return true;
      found = next.slice();
      return false;
    },
    fail(property, t, message) {
      if (t === transition && found === undefined) found = { property, message };
    },
  });
  if (found !== undefined) return found;
  const d = model.explanation?.describe(transition);
  const what = d === undefined ? "" : ` (${d.process} ${d.operation})`;
  return { property: -1, message: `transition ${transition}${what} is not enabled` };
}

/**
 * The transitions enabled in `state` (including those that fail), in
 * increasing order.
 *
 * @example
 * ```ts
 * import { enabled } from "./_fire.ts";
 * import { spec, system } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const m = spec({
 *   name: "two",
 *   params: {},
 *   build: () => {
 *     const sys = system({});
 *     sys.process("p", { count: 2 }, (s) => [s.do("go", () => {})]);
 *     return sys;
 *   },
 * }).compile();
 * let first = new Int32Array(0);
 * m.init((s) => first = s.slice());
 * assert.deepEqual(enabled(m, first), [0, 1]);
 * ```
 */
export function enabled(model: Model, state: Int32Array): number[] {
  // Successors are not copied: only their transition numbers are kept.
  const tids: number[] = [];
  model.expand(state, {
    push(_next, t) {
      tids.push(t);
      return true;
    },
    fail(_property, t) {
      tids.push(t);
    },
  });
  return [...new Set(tids)].sort((a, b) => a - b);
}
