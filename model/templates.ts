/**
 * Ready-made properties ("templates") attached to a primitive in one line:
 * the delivery rules of a channel, mailbox, message queue, pipe or socket,
 * mutual exclusion of a semaphore or mutex, and the bounds of a buffer.
 *
 * A template watches the primitive's operations: the primitive reports each
 * message put into it (by whom, with what value, type or priority, to whom),
 * each message taken (by whom) and each message destroyed, and each
 * acquisition and release of a lock. The template keeps what it needs to
 * judge them as ghost state: slots of its own in the same packed state (a
 * mirror of the messages in flight with their senders and arrival order,
 * the values delivered so far, the holders of a lock). A rule broken by a
 * step is recorded in the ghost state and reported as an invariant of that
 * state, so the breadth-first search finds the shortest trace, ending with
 * the offending step.
 *
 * Ghost state is part of the state: a spec with templates can have more
 * states than without (two buffers holding the same values from different
 * senders are now different states).
 *
 * Attach templates with `System.delivery`, `System.exclusive` and
 * `System.bounds` (see `spec.ts`). The rules are described in
 * docs/properties.md.
 *
 * @module
 */

import type { PrimitiveImpl } from "./_ast.ts";
import type { StatePredicate, StateView, Template } from "./_types.ts";

export type { Template, TemplateCheck } from "./_types.ts";
export { type DeliveryOrder, type DeliveryRules, deliveryTemplate } from "./_delivery_template.ts";
export { type ExclusiveOptions, exclusiveTemplate } from "./_exclusive_template.ts";

/**
 * Whether `prim` is a {@linkcode Template}.
 *
 * @param prim A primitive.
 * @returns `true` for a template.
 *
 * @example
 * ```ts
 * import { isTemplate } from "./templates.ts";
 * import { semaphore } from "./primitives/semaphore.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isTemplate(semaphore("s", 1)), false);
 * ```
 */
export function isTemplate(prim: PrimitiveImpl): prim is Template {
  return (prim as Partial<Template>).checks !== undefined &&
    (prim as Partial<Template>).target !== undefined;
}

/**
 * The invariant `<name>: 0 <= count <= capacity` over a count the spec
 * keeps (a shared buffer's fill level), as `System.bounds` declares it.
 *
 * @param count Computes the count from the state.
 * @param capacity The buffer's capacity.
 * @returns The predicate.
 *
 * @example
 * ```ts
 * import { boundsPredicate } from "./templates.ts";
 * import assert from "node:assert/strict";
 *
 * const p = boundsPredicate<{ count: number }>(({ g }) => g.count, 2);
 * // deno-lint-ignore no-explicit-any
 * assert.equal(p({ g: { count: 3 } } as any), "count is 3, outside [0, 2]");
 * ```
 */
export function boundsPredicate<G>(
  count: (v: StateView<G>) => number,
  capacity: number,
): StatePredicate<G> {
  return (v) => {
    const c = count(v);
    return (Number.isInteger(c) && c >= 0 && c <= capacity) ||
      `count is ${String(c)}, outside [0, ${capacity}]`;
  };
}
