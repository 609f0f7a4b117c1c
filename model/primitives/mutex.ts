/**
 * Mutexes with an owner (docs/semantics.md §5, "Mutex vs binary semaphore").
 *
 * One slot: 0 when free, else the owner's pid + 1. `lock` blocks while the
 * mutex is held (by anyone, including the caller: relocking self-deadlocks,
 * as a default pthread mutex does). `unlock` by a process that does not hold
 * the mutex is reported as a violation (`unlock by non-owner`), which is
 * what an ERRORCHECK mutex returns as `EPERM` and a default mutex leaves
 * undefined. A holder that finishes keeps the mutex locked (no robust mode).
 *
 * @module
 */

import type { PrimitiveImpl, Step } from "../_ast.ts";
import { opStep, requireName } from "./_op.ts";
import { lockTaps } from "../_tap.ts";

/** A mutex declared with {@linkcode mutex}. */
export interface Mutex extends PrimitiveImpl {
  /** Discriminant. */
  readonly kind: "mutex";
}

/** Where each mutex lies in each model's working state (see `attach`). */
const OFFSETS = new WeakMap<Mutex, WeakMap<Int32Array, number>>();

/**
 * Where mutex `m` lies in the model whose working state is `w`, or
 * undefined when that model does not use it. For primitives whose
 * operations also change the mutex (a condition variable's wait).
 *
 * @param m The mutex.
 * @param w A model's working state.
 * @returns The offset, or undefined.
 *
 * @example
 * ```ts
 * import { mutex, mutexOffset } from "./mutex.ts";
 * import assert from "node:assert/strict";
 *
 * const m = mutex("m");
 * const w = new Int32Array(4);
 * m.attach!(w, 3);
 * assert.equal(mutexOffset(m, w), 3);
 * assert.equal(mutexOffset(m, new Int32Array(4)), undefined);
 * ```
 */
export function mutexOffset(m: Mutex, w: Int32Array): number | undefined {
  return OFFSETS.get(m)?.get(w);
}

/**
 * Declares a mutex, initially unlocked.
 *
 * @param name The unique name, used in traces and deadlock reports.
 * @returns The mutex, to use with {@linkcode lock} and {@linkcode unlock}.
 *
 * @example
 * ```ts
 * import { mutex } from "./mutex.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(mutex("m").kind, "mutex");
 * ```
 */
export function mutex(name: string): Mutex {
  requireName("mutex", name);
  const offsets = new WeakMap<Int32Array, number>();
  const m: Mutex = {
    kind: "mutex",
    name,
    slots: 1,
    init(w, off) {
      w[off] = 0;
    },
    format(w, off, pidName) {
      const owner = w[off]!;
      return owner === 0 ? "free" : `held by ${pidName(owner - 1)}`;
    },
    value(w, off) {
      return w[off]! - 1;
    },
    holds(w, off, pid) {
      return w[off] === pid + 1;
    },
    attach(w, off) {
      offsets.set(w, off);
    },
    pidValue: true,
    permute(w, off, perm) {
      const owner = w[off]!;
      if (owner > 0) w[off] = perm[owner - 1]! + 1;
    },
  };
  OFFSETS.set(m, offsets);
  lockTaps(m); // templates may watch it
  return m;
}

/**
 * `lock(m)` (`pthread_mutex_lock`): blocks while `m` is held, then takes it.
 *
 * @param m The mutex.
 * @returns The step.
 *
 * @example
 * ```ts
 * import { lock, mutex } from "./mutex.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(lock(mutex("m")).kind, "op");
 * ```
 */
export function lock(m: Mutex): Step {
  const taps = lockTaps(m);
  return opStep({
    prim: m,
    text: `lock(${m.name})`,
    footprint: { reads: [0], writes: [0] },
    noEintr:
      "pthread_mutex_lock never fails with EINTR (docs/semantics.md §6.4): a handler runs and the lock waits on",
    enabled: (w, off) => w[off] === 0,
    apply(w, off, pid) {
      w[off] = pid + 1;
      if (taps.length > 0) { for (const t of taps) t.acquire(w, pid); }
      return undefined;
    },
  });
}

/**
 * `unlock(m)` (`pthread_mutex_unlock`): releases `m`. Unlocking a mutex the
 * process does not hold is an `unlock by non-owner` violation.
 *
 * @param m The mutex.
 * @returns The step.
 *
 * @example
 * ```ts
 * import { mutex, unlock } from "./mutex.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(unlock(mutex("m")).kind, "op");
 * ```
 */
export function unlock(m: Mutex): Step {
  const taps = lockTaps(m);
  return opStep({
    prim: m,
    text: `unlock(${m.name})`,
    footprint: { reads: [0], writes: [0] },
    failure: "unlock by non-owner",
    enabled: () => true,
    apply(w, off, pid, _ctx, pidName) {
      const owner = w[off]!;
      if (owner === pid + 1) {
        w[off] = 0;
        if (taps.length > 0) { for (const t of taps) t.release(w, pid); }
        return undefined;
      }
      return owner === 0
        ? `${pidName(pid)} unlocks '${m.name}', which is not locked`
        : `${pidName(pid)} unlocks '${m.name}', which ${pidName(owner - 1)} holds`;
    },
  });
}
