/**
 * Counting and binary semaphores (docs/semantics.md §5, POSIX semaphores).
 *
 * One slot: the value. `wait` blocks while the value is 0 and then
 * decrements; `post` increments. Which of several blocked waiters proceeds
 * is not fixed: every enabled waiter is a separate transition, so the
 * checker explores every choice, including barging by a process that never
 * blocked (Linux gives no hand-off).
 *
 * Departure from Linux: a binary semaphore here is capped at 1 and a post
 * at 1 is reported as a violation (`semaphore overflow`); POSIX does not cap
 * a semaphore initialised to 1 (two posts give 2). Use
 * `semaphore(name, 1)` for the uncapped POSIX behaviour.
 *
 * @module
 */

import type { PrimitiveImpl, Step } from "../_ast.ts";
import { opStep, requireInt, requireName } from "./_op.ts";
import { lockTaps } from "../_tap.ts";

/**
 * POSIX `SEM_VALUE_MAX` on Linux: the largest value a semaphore holds.
 *
 * @example
 * ```ts
 * import { SEM_VALUE_MAX } from "./semaphore.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(SEM_VALUE_MAX, 2 ** 31 - 1);
 * ```
 */
export const SEM_VALUE_MAX = 2147483647;

/** A semaphore declared with {@linkcode semaphore} or {@linkcode binarySemaphore}. */
export interface Semaphore extends PrimitiveImpl {
  /** Discriminant. */
  readonly kind: "semaphore";
  /** The initial value. */
  readonly initial: number;
  /** The largest value; a post beyond it is a violation. */
  readonly max: number;
}

/** Options of {@linkcode semaphore}. */
export interface SemaphoreOptions {
  /** The largest value; a post beyond it is a `semaphore overflow` violation. */
  max?: number;
}

/**
 * Declares a counting semaphore.
 *
 * @param name The unique name, used in traces.
 * @param initial The initial value (>= 0).
 * @param options The cap.
 * @returns The semaphore, to use with {@linkcode wait} and {@linkcode post}.
 *
 * @example The `empty` semaphore of a buffer with 4 slots
 * ```ts
 * import { semaphore } from "./semaphore.ts";
 * import assert from "node:assert/strict";
 *
 * const empty = semaphore("empty", 4);
 * assert.equal(empty.initial, 4);
 * ```
 */
export function semaphore(
  name: string,
  initial: number,
  options: SemaphoreOptions = {},
): Semaphore {
  requireName("semaphore", name);
  const max = requireInt(`semaphore '${name}': max`, options.max ?? SEM_VALUE_MAX, 1);
  requireInt(`semaphore '${name}': initial value`, initial, 0, max);
  const sem: Semaphore = {
    kind: "semaphore",
    name,
    initial,
    max,
    slots: 1,
    init(w, off) {
      w[off] = initial;
    },
    format(w, off) {
      return String(w[off]);
    },
    value(w, off) {
      return w[off]!;
    },
    // A count: no process numbers to rename (symmetry reduction).
    permute() {},
  };
  lockTaps(sem); // templates may watch it as a lock
  return sem;
}

/**
 * Declares a binary semaphore: a semaphore capped at 1.
 *
 * @param name The unique name.
 * @param initial 0 or 1 (default 1).
 * @returns The semaphore.
 *
 * @example
 * ```ts
 * import { binarySemaphore } from "./semaphore.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(binarySemaphore("s").max, 1);
 * ```
 */
export function binarySemaphore(name: string, initial: 0 | 1 = 1): Semaphore {
  return semaphore(name, initial, { max: 1 });
}

/**
 * `wait(s)` (P, down, `sem_wait`): blocks while the value is 0, then
 * decrements it.
 *
 * @param sem The semaphore.
 * @returns The step.
 *
 * @example
 * ```ts
 * import { semaphore, wait } from "./semaphore.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(wait(semaphore("full", 0)).kind, "op");
 * ```
 */
export function wait(sem: Semaphore): Step {
  const taps = lockTaps(sem);
  return opStep({
    prim: sem,
    text: `wait(${sem.name})`,
    footprint: { reads: [0], writes: [0] },
    enabled: (w, off) => w[off]! > 0,
    apply(w, off, pid) {
      w[off] = w[off]! - 1;
      if (taps.length > 0) { for (const t of taps) t.acquire(w, pid); }
      return undefined;
    },
  });
}

/**
 * `post(s)` (V, up, signal, `sem_post`): increments the value; never blocks.
 * A post beyond the semaphore's max is a `semaphore overflow` violation.
 *
 * @param sem The semaphore.
 * @returns The step.
 *
 * @example
 * ```ts
 * import { post, semaphore } from "./semaphore.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(post(semaphore("full", 0)).kind, "op");
 * ```
 */
export function post(sem: Semaphore): Step {
  const max = sem.max;
  const taps = lockTaps(sem);
  return opStep({
    prim: sem,
    text: `post(${sem.name})`,
    footprint: { reads: [0], writes: [0] },
    failure: "semaphore overflow",
    enabled: () => true,
    apply(w, off, pid) {
      if (w[off]! >= max) {
        return `post(${sem.name}) at its maximum ${max}`;
      }
      w[off] = w[off]! + 1;
      if (taps.length > 0) { for (const t of taps) t.release(w, pid); }
      return undefined;
    },
  });
}
