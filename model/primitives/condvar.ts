/**
 * Condition variables (docs/semantics.md §5, "Condition variables"), used
 * under a mutex from `mutex.ts`.
 *
 * - {@linkcode condWait}`(cv)` takes two transitions.
 *   1. The caller releases the mutex and joins the waiters, atomically. The
 *      caller must hold the mutex: a wait without it is a
 *      `wait without the mutex` violation.
 *   2. Once woken, the waiter re-acquires the mutex and returns. This
 *      transition blocks while the mutex is held, so a woken waiter can lose
 *      the mutex to a process that never waited (barging). Returning from a
 *      wait therefore always means holding the mutex.
 * - {@linkcode condSignal}`(cv)` wakes one waiter. Which one is an ND
 *   choice: each waiter is an outcome of its own. With no waiter, a signal
 *   does nothing and is not remembered, unlike a semaphore post.
 * - {@linkcode condBroadcast}`(cv)` wakes every current waiter.
 * - With `spurious: true`, a waiter may also wake with no signal at all.
 *
 * Neither signal nor broadcast needs the mutex (POSIX allows both without
 * it). A wait never fails with EINTR.
 *
 * **Departures and why.**
 * - *A signal wakes exactly one waiter.* POSIX says "at least one". The
 *   POSIX rationale counts the extra wakeups as spurious wakeups, and the
 *   `spurious` option is what gives them. With `spurious: true` the model
 *   has every POSIX behaviour. Without it, it has the textbook's, which
 *   makes a bug that needs an extra wakeup show up only with the option.
 * - *A spurious wakeup is not a separate step.* It merges with the
 *   re-acquire step: a waiter may re-acquire the mutex whenever the mutex is
 *   free. Waking earlier and then blocking on the mutex reaches the same
 *   states.
 * - *No timed wait.* `pthread_cond_timedwait` is not modelled.
 * - *The mutex's slot is found at run time.* An operation sees only its own
 *   primitive's slots, but wait and re-acquire must change the mutex too,
 *   atomically. So the mutex records where it lies in each model's state
 *   when the model is built (`attach`), and the condition variable asks it
 *   (`mutexOffset`). A wait on a mutex that no process
 *   ever locks is reported as a wait without the mutex, since nobody can
 *   hold it. For the same reason, the footprints of wait and re-acquire
 *   (`"all"`) cannot name the mutex's slot, which they also read and write.
 *
 * @module
 */

import { lockTaps } from "../_tap.ts";
import { callerSource, type OpImpl, type PrimitiveImpl, type Step } from "../_ast.ts";
import { type Mutex, mutexOffset } from "./mutex.ts";
import { opStep, requireName } from "./_op.ts";

/**
 * The property a wait by a process that does not hold the mutex violates.
 *
 * @example
 * ```ts
 * import { WAIT_WITHOUT_MUTEX } from "./condvar.ts";
 * import assert from "node:assert/strict";
 *
 * // A check's `violation.property` names it.
 * assert.equal(WAIT_WITHOUT_MUTEX, "wait without the mutex");
 * ```
 */
export const WAIT_WITHOUT_MUTEX = "wait without the mutex";

/**
 * The most processes a condition variable tells apart (pids 0 .. 30).
 *
 * @example
 * ```ts
 * import { CONDVAR_MAX_PID } from "./condvar.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(CONDVAR_MAX_PID + 1, 31); // waiters are bits of one 32-bit slot
 * ```
 */
export const CONDVAR_MAX_PID = 30;

/** Options of {@linkcode condvar}. */
export interface CondVarOptions {
  /** A waiter may wake without any signal (as POSIX allows). Default false. */
  spurious?: boolean;
}

/** A condition variable declared with {@linkcode condvar}. */
export interface CondVar extends PrimitiveImpl {
  /** Discriminant. */
  readonly kind: "condvar";
  /** The mutex it is used with. */
  readonly mutex: Mutex;
  /** Whether waiters may wake without a signal. */
  readonly spurious: boolean;
}

// Slots.
const WAITING = 0; // mask of waiters not yet woken
const WOKEN = 1; // mask of woken waiters that have not re-acquired the mutex

function bit(pid: number): number {
  if (pid > CONDVAR_MAX_PID) {
    throw new RangeError(
      `condition variables tell at most ${CONDVAR_MAX_PID + 1} processes apart (pid ${pid})`,
    );
  }
  return 1 << pid;
}

function permuteMask(mask: number, perm: Int32Array): number {
  let out = 0;
  for (let p = 0; p <= CONDVAR_MAX_PID && mask !== 0; p++) {
    if ((mask & (1 << p)) === 0) continue;
    mask &= ~(1 << p);
    out |= bit(perm[p]!);
  }
  return out;
}

function members(mask: number): number[] {
  const out: number[] = [];
  for (let p = 0; p <= CONDVAR_MAX_PID; p++) if ((mask & (1 << p)) !== 0) out.push(p);
  return out;
}

/**
 * Declares a condition variable used with mutex `m`.
 *
 * Slots: the waiters (a mask of pids), and the woken waiters that have not
 * re-acquired the mutex yet (a mask).
 *
 * @param name The unique name, used in traces.
 * @param m The mutex every wait must hold.
 * @param options Spurious wakeups.
 * @returns The condition variable, to use with {@linkcode condWait},
 * {@linkcode condSignal} and {@linkcode condBroadcast}.
 *
 * @example
 * ```ts
 * import { condvar } from "./condvar.ts";
 * import { mutex } from "./mutex.ts";
 * import assert from "node:assert/strict";
 *
 * const m = mutex("m");
 * const notEmpty = condvar("notEmpty", m, { spurious: true });
 * assert.equal(notEmpty.slots, 2);
 * assert.equal(notEmpty.mutex, m);
 * ```
 */
export function condvar(name: string, m: Mutex, options: CondVarOptions = {}): CondVar {
  requireName("condvar", name);
  if (typeof m !== "object" || m === null || m.kind !== "mutex") {
    throw new TypeError(`condvar '${name}': the second argument must be a mutex`);
  }
  return {
    kind: "condvar",
    name,
    mutex: m,
    spurious: options.spurious ?? false,
    slots: 2,
    init(w, off) {
      w[off + WAITING] = 0;
      w[off + WOKEN] = 0;
    },
    format(w, off, pidName) {
      const waiting = members(w[off + WAITING]!).map(pidName);
      const woken = members(w[off + WOKEN]!).map(pidName);
      if (waiting.length === 0 && woken.length === 0) return "no waiters";
      const parts: string[] = [];
      if (waiting.length > 0) parts.push(`waiting {${waiting.join(", ")}}`);
      if (woken.length > 0) parts.push(`woken {${woken.join(", ")}}`);
      return parts.join(", ");
    },
    value(w, off) {
      return members(w[off + WAITING]!).length;
    },
    // Both masks are sets of pids; a signal's outcomes (one per waiter) are
    // the same set whatever the numbering, so renaming is all it takes.
    permute(w, off, perm) {
      w[off + WAITING] = permuteMask(w[off + WAITING]!, perm);
      w[off + WOKEN] = permuteMask(w[off + WOKEN]!, perm);
    },
  };
}

/** Why `interruptible()` refuses a condition wait (§6.4). */
const NO_EINTR =
  "pthread_cond_wait never fails with EINTR (docs/semantics.md §6.4): a handler runs and the wait goes on";

/** Options of {@linkcode condWait}. */
export interface CondWaitOptions {
  /** A process waiting here (not yet woken) is at a valid end state (default false). */
  end?: boolean;
  /** The wait in traces and in its end label's name (default `wait(cv)`). */
  text?: string;
}

/**
 * `pthread_cond_wait(cv, m)`: releases the mutex and joins the waiters in
 * one transition; then, once woken (or spuriously, if enabled), re-acquires
 * the mutex in a second transition that blocks while the mutex is held. A
 * wait by a process that does not hold the mutex is a
 * `wait without the mutex` violation.
 *
 * Always call it in a `while` loop that re-tests the predicate (§5).
 *
 * With `end: true`, a process waiting here (released the mutex, not yet
 * woken) is at a valid end state: a server waiting for work is not a
 * deadlock. The end label sits between the two transitions and is named
 * after the second one (`text`, default `wait(cv)`, then ` wakes`); two
 * such waits in one process need different `text`s.
 *
 * @param cv The condition variable.
 * @param options Whether a waiter here is at a valid end state.
 * @returns The step (two transitions).
 *
 * @example
 * ```ts
 * import { condvar, condWait } from "./condvar.ts";
 * import { mutex } from "./mutex.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(condWait(condvar("c", mutex("m"))).kind, "region");
 * assert.equal(condWait(condvar("c", mutex("m")), { end: true }).kind, "region");
 * ```
 */
export function condWait(cv: CondVar, options: CondWaitOptions = {}): Step {
  const m = cv.mutex;
  const mTaps = lockTaps(m); // templates watching the mutex
  const sleep: OpImpl = {
    prim: cv,
    text: `wait(${cv.name}, ${m.name})`,
    footprint: { reads: "all", writes: "all" },
    failure: WAIT_WITHOUT_MUTEX,
    noEintr: NO_EINTR,
    enabled: () => true,
    apply(w, off, pid, _ctx, pidName) {
      const mo = mutexOffset(cv.mutex, w);
      if (mo === undefined || w[mo] !== pid + 1) {
        const owner = mo === undefined ? 0 : w[mo]!;
        return `${pidName(pid)} waits on '${cv.name}' without holding '${m.name}' (${
          owner === 0 ? "it is free" : `${pidName(owner - 1)} holds it`
        })`;
      }
      w[mo] = 0;
      for (let i = 0; i < mTaps.length; i++) mTaps[i]!.release(w, pid);
      w[off + WAITING] = w[off + WAITING]! | bit(pid);
      return undefined;
    },
  };
  const wake: OpImpl = {
    prim: cv,
    text: `wake from wait(${cv.name}) and lock(${m.name})`,
    footprint: { reads: "all", writes: "all" },
    noEintr: NO_EINTR,
    enabled(w, off, pid) {
      const b = bit(pid);
      const woken = (w[off + WOKEN]! & b) !== 0 ||
        (cv.spurious && (w[off + WAITING]! & b) !== 0);
      return woken && w[mutexOffset(cv.mutex, w)!] === 0;
    },
    apply(w, off, pid) {
      const b = bit(pid);
      w[off + WAITING] = w[off + WAITING]! & ~b;
      w[off + WOKEN] = w[off + WOKEN]! & ~b;
      w[mutexOffset(cv.mutex, w)!] = pid + 1;
      for (let i = 0; i < mTaps.length; i++) mTaps[i]!.acquire(w, pid);
      return undefined;
    },
  };
  const text = options.text ?? `wait(${cv.name})`;
  const end: Step[] = options.end === true
    ? [{ kind: "label", name: `${text} wakes`, end: true, progress: false, src: callerSource() }]
    : [];
  return { kind: "region", name: text, body: [opStep(sleep), ...end, opStep(wake)] };
}

/**
 * `pthread_cond_signal(cv)`: wakes one waiter; which one is an ND choice,
 * each waiter an outcome of its own. With no waiter it does nothing and is
 * not remembered.
 *
 * @param cv The condition variable.
 * @returns The step.
 *
 * @example
 * ```ts
 * import { condSignal, condvar } from "./condvar.ts";
 * import { mutex } from "./mutex.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(condSignal(condvar("c", mutex("m"))).kind, "op");
 * ```
 */
export function condSignal(cv: CondVar): Step {
  return opStep({
    prim: cv,
    text: `signal(${cv.name})`,
    footprint: { reads: [WAITING], writes: [WAITING, WOKEN] },
    maxChoices: CONDVAR_MAX_PID + 1,
    choices: (w, off) => Math.max(1, members(w[off + WAITING]!).length),
    choiceText: (c) => `wakes the ${ordinal(c + 1)} waiter by pid (or nobody, with no waiter)`,
    enabled: () => true,
    apply(w, off, _pid, _ctx, _names, choice) {
      const waiting = members(w[off + WAITING]!);
      const p = waiting[choice];
      if (p === undefined) return undefined; // no waiter: not remembered
      w[off + WAITING] = w[off + WAITING]! & ~(1 << p);
      w[off + WOKEN] = w[off + WOKEN]! | (1 << p);
      return undefined;
    },
  });
}

/**
 * `pthread_cond_broadcast(cv)`: wakes every current waiter. With no waiter
 * it does nothing.
 *
 * @param cv The condition variable.
 * @returns The step.
 *
 * @example
 * ```ts
 * import { condBroadcast, condvar } from "./condvar.ts";
 * import { mutex } from "./mutex.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(condBroadcast(condvar("c", mutex("m"))).kind, "op");
 * ```
 */
export function condBroadcast(cv: CondVar): Step {
  return opStep({
    prim: cv,
    text: `broadcast(${cv.name})`,
    footprint: { reads: [WAITING, WOKEN], writes: [WAITING, WOKEN] },
    enabled: () => true,
    apply(w, off) {
      w[off + WOKEN] = w[off + WOKEN]! | w[off + WAITING]!;
      w[off + WAITING] = 0;
      return undefined;
    },
  });
}

function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? "th" : ["th", "st", "nd", "rd"][n % 10] ?? "th";
  return `${n}${s}`;
}
