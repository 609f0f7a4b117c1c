/**
 * Semaphores against the kernel: the model's `wait` and `post` as
 * System V `semop(-1 / +1, IPC_NOWAIT)` on a one-semaphore set and as POSIX
 * `sem_trywait` / `sem_post` on an unnamed semaphore, with the value
 * (`GETVAL`, `sem_getvalue`) against the model's after every step. A wait
 * the model cannot make now (it would block) must be `EAGAIN` from the
 * kernel, and is withdrawn from the model.
 *
 * @module
 */

import fc from "fast-check";
import { Errno } from "../model/primitives/errno.ts";
import { post, type Semaphore, semaphore, wait } from "../model/primitives/semaphore.ts";
import type { Observed, Subject } from "./_harness.ts";
import * as libc from "./_libc.ts";

/** One operation on the semaphore. */
export type SemOp = { readonly op: "wait" } | { readonly op: "post" };

/** A sequence's configuration: which kernel semaphore, and its initial value. */
export interface SemConfig {
  /** System V (`semop`) or POSIX (`sem_trywait`). */
  readonly kind: "sysv" | "posix";
  /** The initial value. */
  readonly initial: number;
}

type Kernel =
  | { readonly kind: "sysv"; readonly id: number }
  | { readonly kind: "posix"; readonly sem: libc.PosixSem };

/**
 * The semaphore subject.
 *
 * @example
 * ```ts ignore
 * check(semaphoreSubject, 200);
 * ```
 */
export const semaphoreSubject: Subject<Semaphore, SemOp, Kernel, SemConfig> = {
  name: "semaphore",
  config: fc.record({
    kind: fc.constantFrom("sysv" as const, "posix" as const),
    initial: fc.integer({ min: 0, max: 3 }),
  }),
  op: fc.oneof(fc.constant({ op: "wait" as const }), fc.constant({ op: "post" as const })),
  declare: (cfg) => () => semaphore("s", cfg.initial),
  call: (_cfg, o) => (s) => o.op === "wait" ? wait(s) : post(s),
  open(cfg) {
    if (cfg.kind === "posix") return { kind: "posix", sem: new libc.PosixSem(cfg.initial) };
    const id = libc.semget();
    if (id.ret < 0) throw new Error(`semget() failed: errno ${id.errno}`);
    const set = libc.semSetval(id.ret, cfg.initial);
    if (set.ret < 0) {
      libc.semRmid(id.ret);
      throw new Error(`semctl(SETVAL) failed: errno ${set.errno}`);
    }
    return { kind: "sysv", id: id.ret };
  },
  close(k) {
    if (k.kind === "sysv") libc.semRmid(k.id);
    else k.sem.destroy();
  },
  run(k, o): Observed {
    const s = k.kind === "sysv"
      ? libc.semop(k.id, o.op === "wait" ? -1 : 1, libc.IPC_NOWAIT)
      : o.op === "wait"
      ? k.sem.trywait()
      : k.sem.post();
    return s.ret < 0 ? { status: s.errno } : {};
  },
  label(o, _obs) {
    return o.op === "wait"
      ? "wait (semop -1 IPC_NOWAIT, sem_trywait)"
      : "post (semop +1, sem_post)";
  },
  contents(k) {
    return k.kind === "sysv" ? libc.semGetval(k.id).ret : k.sem.value();
  },
  wouldBlock: (obs) => obs.status === Errno.EAGAIN,
};
