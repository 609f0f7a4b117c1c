/**
 * `interruptible()`: a blocking call that a signal handler ends with
 * `EINTR` (docs/semantics.md §6.4), or restarts under `SA_RESTART`.
 *
 * A call is one operation (`wait(sem)`, a small pipe write, a socket
 * `accept`) or a call of several transitions, made by its primitive as a
 * region (`msgrcv`, `mqSend`, a large pipe write, a socket `recv` with
 * short reads). The wrapper finds, in that region, the operations that end
 * the call and the pcs where the caller can be blocked in it:
 *
 * - an operation followed by nothing but labels (and, in the call's loop, a
 *   `break`) ends the call; it writes `OK` to the status target before the
 *   primitive's own targets, so a primitive's status wins when both are the
 *   same local;
 * - a caller blocked at the first transition of the call (every
 *   alternative there an interruptible operation, none enabled) is
 *   interrupted through the alternative that ends the call, and the signal
 *   may also have come just before the call;
 * - a caller blocked later in the call (parked in a message queue) is
 *   interrupted through the operation that ends the call, whose primitive
 *   says how to take the parked caller back (`OpImpl.interrupt`); without
 *   that the wrapper refuses the call by name;
 * - a call that has already moved data (a large pipe write with part of its
 *   bytes written) returns that count instead, restarted or not, as Linux
 *   does.
 *
 * Calls Linux never ends with `EINTR` (`pthread_mutex_lock`,
 * `pthread_cond_wait`) are refused with the reason (`OpImpl.noEintr`).
 *
 * @module
 */

import { callerSource, type Into, type OpImpl, type Step } from "../_ast.ts";
import { Errno } from "./errno.ts";

/** Options of {@linkcode interruptible}. */
export interface InterruptibleOptions {
  /**
   * Whether `SA_RESTART` restarts the call (§6.4: pipe, socket and mq calls,
   * `sem_wait` yes; `msgsnd`, `msgrcv`, `semop`, `pause` no). Default true.
   */
  restartable?: boolean;
}

/** One call being wrapped. */
interface Wrapping {
  readonly status: Into;
  readonly restartable: boolean;
  /** How many operations end the call. */
  ends: number;
}

/**
 * Makes a blocking call interruptible by signal handlers (§6.4): while the
 * caller is blocked in it, a handled signal makes it return `EINTR` into
 * `status` (unless restarted by `SA_RESTART` at a `restartable` call); when
 * it completes, `status` becomes `OK` (then whatever the call's own status
 * target receives, when it is the same local). Without this wrapper a
 * blocked call stays blocked after a handler, as code that retries on
 * `EINTR` would.
 *
 * @param step A call: an operation step (e.g. `wait(sem)`), or a call of
 * several transitions (`msgrcv(q)`, `mqReceive(q)`, a large `write`).
 * @param status Where `OK` or `EINTR` goes.
 * @param options Whether `SA_RESTART` restarts it.
 * @returns The step.
 *
 * @example
 * ```ts
 * import { interruptible } from "./interruptible.ts";
 * import { semaphore, wait } from "./semaphore.ts";
 * import { msgQueue, msgrcv } from "./sysv_msg.ts";
 * import assert from "node:assert/strict";
 *
 * const st = { kind: "into" as const, text: "err", set: () => {} };
 * assert.equal(interruptible(wait(semaphore("s", 0)), st).kind, "op");
 * assert.equal(interruptible(msgrcv(msgQueue("q")), st, { restartable: false }).kind, "region");
 * ```
 */
export function interruptible(
  step: Step,
  status: Into,
  options: InterruptibleOptions = {},
): Step {
  const how: Wrapping = { status, restartable: options.restartable ?? true, ends: 0 };
  if (step.kind === "op") {
    return { ...step, src: callerSource(), op: wrapOp(step.op, how, true, true) };
  }
  if (step.kind !== "region") {
    throw new TypeError(
      `interruptible() takes a call (an operation, or a call of several transitions such as msgrcv()), got a '${step.kind}' step`,
    );
  }
  const body = walk(step.body, false, how);
  if (how.ends === 0) {
    throw new TypeError(`interruptible() found no operation that ends '${step.name}'`);
  }
  return { ...step, body };
}

/** The steps of a call with its operations made interruptible. */
function walk(steps: readonly Step[], inLoop: boolean, how: Wrapping): Step[] {
  let first = true;
  return steps.map((s, i) => {
    switch (s.kind) {
      case "op": {
        const rest = steps.slice(i + 1);
        const onlyJumps = rest.every((r) => r.kind === "label" || r.kind === "break");
        const ends = onlyJumps && (!inLoop || rest.some((r) => r.kind === "break"));
        const wasFirst = first;
        first = false;
        if (ends || wasFirst) return { ...s, op: wrapOp(s.op, how, ends, wasFirst) };
        return s;
      }
      case "choose":
        first = false;
        return { ...s, branches: s.branches.map((b) => walk(b, inLoop, how)) };
      case "while":
        first = false;
        return { ...s, body: walk(s.body, true, how) };
      case "region":
        first = false;
        return { ...s, body: walk(s.body, inLoop, how) };
      default:
        return s;
    }
  });
}

/**
 * An operation of the call made interruptible: `ends` when it ends the
 * call, `first` when it is the call's first transition (else the caller
 * is parked when blocked at it).
 */
function wrapOp(op: OpImpl, how: Wrapping, ends: boolean, first: boolean): OpImpl {
  if (op.noEintr !== undefined) throw new TypeError(`interruptible(${op.text}): ${op.noEintr}`);
  if (op.onSignal !== undefined) {
    throw new TypeError(`interruptible(${op.text}): the call is interruptible already`);
  }
  if (op.rendezvous !== undefined) {
    throw new TypeError(`interruptible() cannot wrap a rendezvous (${op.text})`);
  }
  if (!ends) {
    // An alternative at the call's first pc that loops back within it.
    return {
      ...op,
      onSignal: { status: how.status, restartable: how.restartable, leaves: false },
    };
  }
  if (!first && op.interrupt === undefined) {
    throw new TypeError(
      `interruptible(${op.text}): its primitive cannot take back a caller blocked in the call`,
    );
  }
  how.ends++;
  const apply: OpImpl["apply"] = (w, off, pid, ctx, pidName, choice) => {
    how.status.set(ctx, Errno.OK);
    return op.apply(w, off, pid, ctx, pidName, choice);
  };
  return {
    ...op,
    apply,
    onSignal: {
      status: how.status,
      restartable: how.restartable,
      beforeCall: first,
      ...(op.interrupt === undefined ? {} : {
        interrupted: op.interrupt.cancel,
        ...(op.interrupt.moved === undefined ? {} : { moved: op.interrupt.moved }),
      }),
    },
  };
}
