/**
 * POSIX message queues (docs/semantics.md §3): `mq_send`, `mq_receive` and
 * `mq_notify` as an exact state machine.
 *
 * **State.** A queue declared with {@linkcode posixMq} occupies
 * `2 + 3 * maxmsg + 6 * waiters` slots:
 *
 * - `curmsgs` and the `mq_notify` registrant (pid + 1, or 0);
 * - the messages, each `(priority, payload, length)`, highest priority
 *   first and FIFO within a priority;
 * - a table of the processes parked in the queue: receivers blocked in
 *   `mq_receive` and senders blocked in `mq_send`, each in the order they
 *   blocked (§3 `RW`, `SW`); woken callers that have not run yet, with the
 *   result the kernel left them; and notifications delivered to a process
 *   and not yet taken with {@linkcode mqWaitNotification}.
 *
 * **Rules.** Everything in §3 about sending, receiving and notification:
 *
 * - `mq_send`: `EINVAL` if the priority is not below `MQ_PRIO_MAX` (32768),
 *   then `EMSGSIZE` if the length exceeds `msgsize`. With room
 *   (`curmsgs < maxmsg`) the first blocked receiver gets the message
 *   directly; otherwise it is inserted in priority order, and when that
 *   makes the queue non-empty the registered notification fires (and the
 *   registration is removed). Full: `EAGAIN` with `O_NONBLOCK`, else the
 *   sender blocks.
 * - `mq_receive`: `EMSGSIZE` if the buffer is smaller than `msgsize`, even
 *   for a shorter message, which stays queued. Otherwise the head (highest
 *   priority, oldest) is returned with its priority, and the first blocked
 *   sender's message moves into the queue at once, whatever its priority
 *   (Linux `pipelined_receive`; blocked senders are released FIFO). Empty:
 *   `EAGAIN` with `O_NONBLOCK` (not `ENOMSG`), else the receiver blocks.
 * - `mq_notify`: one registrant (`EBUSY` for any other registration, the
 *   registrant's own included, as Linux does); it fires only when a send
 *   makes the queue non-empty and no receiver is blocked (a blocked
 *   receiver takes the message and the registration stays); it is one-shot;
 *   {@linkcode mqNotifyCancel} (`mq_notify(NULL)`) and the registrant's exit
 *   remove it.
 *
 * Nothing here is nondeterministic beyond the interleaving of the callers:
 * Linux fixes every order §3 describes (FIFO among equal thread
 * priorities).
 *
 * **Templates** (`System.delivery`): one lane in the queue's own order
 * (highest priority first, FIFO within a priority: a message is put at the
 * position `msg_insert` gives it), each message with its sender, its payload
 * as the value and its priority as the key, so `order: "priority"` holds
 * and `"fifoPerSender"` fails once a sender's later message of a higher
 * priority overtakes an earlier one. A hand-off to a blocked receiver is a
 * put and a take in the sender's step; a blocked sender's message is put
 * when a receive moves it in (`pipelined_receive`), by that sender. Nothing
 * destroys queued messages: the queue is never unlinked or closed here.
 *
 * **Blocking calls.** A call that does not block is a single transition.
 * A call that blocks is two: the call, which parks the caller in the
 * queue's table (`<text> blocks`), and the return once the kernel woke it
 * (`<text> wakes`). Inputs given as an {@linkcode Expr} (priority, lengths)
 * are evaluated over the caller's view by the guards, so such a call takes
 * exactly the transitions the same call with numbers would.
 *
 * **Departures from Linux, and why.**
 *
 * - The queue exists from the start and every process uses it through its
 *   own descriptor: no `mq_open`/`mq_close`/`mq_unlink`, no name table, and
 *   `O_NONBLOCK` is given per call. Specs are about the protocol over one
 *   queue; `mq_unlink` changes nothing for open descriptors.
 * - All threads have the same scheduling priority, so blocked receivers and
 *   senders are FIFO (Linux orders them by priority first).
 * - A delivered notification stands for `SIGEV_SIGNAL` with the signal
 *   blocked and taken by `sigwaitinfo` (or `SIGEV_THREAD`): the registrant
 *   takes it with {@linkcode mqWaitNotification}; several delivered
 *   notifications queue up. The notification is not sent through the
 *   signal table (`signals.ts`).
 * - A message carries one integer payload standing for its bytes, and a
 *   length. `EINTR` comes only to a call wrapped in `interruptible()`
 *   (`interruptible.ts`, §6.4): a parked caller leaves the queue and gets
 *   `EINTR`, unless `SA_RESTART` restarts the call. Timeouts are not
 *   modelled.
 * - The number of processes parked at once (with pending notifications) is
 *   bounded by `waiters`; a state that would exceed it is not explored and
 *   the verdict is `incomplete` (property `<name> capacity`).
 *
 * @module
 */

import { argText, type CallParts, callSteps, checkedInt } from "./_call.ts";
import { type Ctx, evalExpr, type Expr, type Into } from "../_ast.ts";
import type { PrimitiveImpl, Step } from "../_ast.ts";
import { Errno, errnoName } from "./errno.ts";
import { closeGap, opStep, requireInt, requireName } from "./_op.ts";
import { type MessageTap, messageTaps, tapPut, tapTake } from "../_tap.ts";
import { DONE, E, formatParked, mayReturn, parkedTable, RECV, SEND } from "./_parked.ts";

/**
 * `MQ_PRIO_MAX` on Linux: priorities are `0 .. 32767`.
 *
 * @example
 * ```ts
 * import { MQ_PRIO_MAX } from "./posix_mq.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(MQ_PRIO_MAX - 1, 32767);
 * ```
 */
export const MQ_PRIO_MAX = 32768;

/**
 * Options of {@linkcode posixMq} (`struct mq_attr`).
 *
 * @example
 * ```ts
 * import { posixMq, type PosixMqOptions } from "./posix_mq.ts";
 * import assert from "node:assert/strict";
 *
 * const attr: PosixMqOptions = { maxmsg: 2, msgsize: 16 };
 * assert.equal(posixMq("q", attr).msgsize, 16);
 * ```
 */
export interface PosixMqOptions {
  /** `mq_maxmsg` (default 10, Linux `msg_default`; above 10 needs CAP_SYS_RESOURCE). */
  maxmsg?: number;
  /** `mq_msgsize`, the largest message in bytes (default 8192). */
  msgsize?: number;
  /**
   * Model bound: the most processes parked in the queue at once (blocked,
   * woken but not yet returned, or holding an undelivered notification;
   * default 4).
   */
  waiters?: number;
}

/**
 * A POSIX message queue declared with {@linkcode posixMq}.
 *
 * @example
 * ```ts
 * import { type PosixMq, posixMq } from "./posix_mq.ts";
 * import assert from "node:assert/strict";
 *
 * const q: PosixMq = posixMq("q");
 * assert.equal(q.kind, "posix-mq");
 * assert.equal(q.maxmsg, 10);
 * ```
 */
export interface PosixMq extends PrimitiveImpl {
  /** Discriminant. */
  readonly kind: "posix-mq";
  /** `mq_maxmsg`. */
  readonly maxmsg: number;
  /** `mq_msgsize`. */
  readonly msgsize: number;
  /** The most processes the model parks at once. */
  readonly waiters: number;
}

// Layout: [curmsgs, notify owner + 1, (prio, value, len) * maxmsg, table].
const CUR = 0, OWNER = 1, MSGS = 2;
// Parked table entries: [pid + 1, role, f1, f2, f3, f4], in the order
// receivers (blocking order), senders (blocking order), woken (by pid),
// notifications (by pid).
/** A pending notification (`mq_notify`): the fourth role of the parked table. */
const NOTE = 4;
const { findRole, firstOf, removeEntry, insertEntry, wake } = parkedTable([RECV, SEND]);

/**
 * Declares a POSIX message queue, open and empty at the start.
 *
 * @param name The unique name, used in traces.
 * @param options `maxmsg`, `msgsize`, and the model's bound.
 * @returns The queue, for {@linkcode mqSend}, {@linkcode mqReceive} and {@linkcode mqNotify}.
 *
 * @example A queue of two messages of at most 8 bytes
 * ```ts
 * import { posixMq } from "./posix_mq.ts";
 * import assert from "node:assert/strict";
 *
 * const q = posixMq("jobs", { maxmsg: 2, msgsize: 8, waiters: 2 });
 * assert.equal(q.maxmsg, 2);
 * assert.equal(q.slots, 2 + 3 * 2 + 6 * 2); // the state slots it occupies
 * ```
 */
export function posixMq(name: string, options: PosixMqOptions = {}): PosixMq {
  requireName("message queue", name);
  const maxmsg = requireInt(`message queue '${name}': maxmsg`, options.maxmsg ?? 10, 1, 1 << 16);
  const msgsize = requireInt(`message queue '${name}': msgsize`, options.msgsize ?? 8192, 1);
  const waiters = requireInt(`message queue '${name}': waiters`, options.waiters ?? 4, 1, 1 << 16);
  const tab = MSGS + 3 * maxmsg;
  const width = tab + E * waiters;
  const q: PosixMq = {
    kind: "posix-mq",
    name,
    maxmsg,
    msgsize,
    waiters,
    slots: width,
    init(w, off) {
      for (let i = 0; i < width; i++) w[off + i] = 0;
    },
    format(w, off, pidName) {
      const n = w[off + CUR]!;
      const msgs: string[] = [];
      for (let i = 0; i < n; i++) {
        const m = off + MSGS + 3 * i;
        msgs.push(`p${w[m]}:${w[m + 1]}(${w[m + 2]}B)`);
      }
      const parts = [`[${msgs.join(" ")}]`];
      const owner = w[off + OWNER]!;
      if (owner !== 0) parts.push(`notify ${pidName(owner - 1)}`);
      const t = formatTable(w, off + tab, waiters, pidName);
      if (t !== "") parts.push(t);
      return parts.join("; ");
    },
    value(w, off) {
      return w[off + CUR]!;
    },
    bufferQueries: {
      length: (w, off) => w[off + CUR]!,
      full: (w, off) => w[off + CUR]! >= maxmsg,
    },
    onExit(w, off, pid) {
      // Exit closes the descriptors, dropping a registration (§0, §3).
      if (w[off + OWNER] === pid + 1) w[off + OWNER] = 0;
      const b = off + tab;
      const i = findRole(w, b, waiters, pid, NOTE);
      if (i >= 0) removeEntry(w, b, waiters, i);
    },
  };
  tapsOf(q);
  return q;
}

/** The queue's template taps: one lane in the queue's order, key = priority. */
function tapsOf(q: PosixMq): MessageTap[] {
  return messageTaps(q, () => ({ lanes: 1, capacity: q.maxmsg }));
}

function formatTable(
  w: Int32Array,
  base: number,
  cap: number,
  pidName: (pid: number) => string,
): string {
  return formatParked(w, base, cap, pidName, (role, who, f1, f2, f3, f4) => {
    if (role === RECV) return who;
    if (role === SEND) return `${who} p${f1}:${f2}(${f3}B)`;
    if (role === DONE) {
      return f1 !== Errno.OK
        ? `${who} ${errnoName(f1)}`
        : f4 < 0
        ? `${who} sent`
        : `${who} got p${f2}:${f3}(${f4}B)`;
    }
    return f1 === 1 ? who : `${who} x${f1}`;
  });
}

// --- the parked table -------------------------------------------------------

/** Index of the call entry (receiver, sender or woken) of `pid`, or -1. */
function findCall(w: Int32Array, base: number, cap: number, pid: number): number {
  for (let i = 0; i < cap; i++) {
    const tag = w[base + E * i]!;
    if (tag === 0) return -1;
    if (tag === pid + 1 && w[base + E * i + 1] !== NOTE) return i;
  }
  return -1;
}

// --- queue rules --------------------------------------------------------------

/** Where a message of priority `prio` goes: after every message of priority >= `prio`. */
function insertPos(w: Int32Array, off: number, prio: number): number {
  const n = w[off + CUR]!;
  let pos = 0;
  while (pos < n && w[off + MSGS + 3 * pos]! >= prio) pos++;
  return pos;
}

/**
 * Inserts a message after every message of priority >= `prio` (Linux
 * `msg_insert`); returns its position.
 */
function insertMsg(w: Int32Array, off: number, prio: number, value: number, len: number): number {
  const n = w[off + CUR]!;
  const pos = insertPos(w, off, prio);
  for (let j = n; j > pos; j--) {
    const d = off + MSGS + 3 * j;
    w[d] = w[d - 3]!;
    w[d + 1] = w[d - 2]!;
    w[d + 2] = w[d - 1]!;
  }
  const m = off + MSGS + 3 * pos;
  w[m] = prio;
  w[m + 1] = value;
  w[m + 2] = len;
  w[off + CUR] = n + 1;
  return pos;
}

/** Removes the head message. */
function removeHead(w: Int32Array, off: number): void {
  const n = w[off + CUR]!;
  closeGap(w, off + MSGS, n, 0, 3);
  w[off + CUR] = n - 1;
}

function tableBase(q: PosixMq, off: number): number {
  return off + MSGS + 3 * q.maxmsg;
}

function tooMany(q: PosixMq): string {
  return `more than ${q.waiters} processes parked in message queue '${q.name}' (raise waiters)`;
}

// --- blocking calls as steps ----------------------------------------------------

// --- mq_send ---------------------------------------------------------------------

/**
 * Options of {@linkcode mqSend}.
 *
 * @example
 * ```ts
 * import { mqSend, type MqSendOptions, posixMq } from "./posix_mq.ts";
 * import assert from "node:assert/strict";
 *
 * const options: MqSendOptions = { value: 1, prio: 9, len: 0, nonblock: true };
 * assert.equal(mqSend(posixMq("q"), options).kind, "op");
 * ```
 */
export interface MqSendOptions {
  /** The payload (a 32-bit integer) standing for the message's bytes. */
  value: number | Expr;
  /** The priority, `0 .. MQ_PRIO_MAX - 1` (default 0); others are `EINVAL`. */
  prio?: number | Expr;
  /** The length in bytes (default 4, an `int`); above `msgsize` (or negative) is `EMSGSIZE`. */
  len?: number | Expr;
  /** `O_NONBLOCK`: `EAGAIN` instead of blocking on a full queue. */
  nonblock?: boolean;
  /** Where the status goes (`OK`, `EAGAIN`, `EINVAL`, `EMSGSIZE`); ignored when absent, as an unchecked return value. */
  status?: Into;
  /**
   * A process blocked here is at a valid end state (not a deadlock). The
   * call's end label is named after its return (`<text> wakes`); two such
   * calls in one process need different `text`s.
   */
  end?: boolean;
  /** The call in traces (default: its arguments). */
  text?: string;
}

/**
 * `mq_send(q, msg, len, prio)`: sends a message; blocks while the queue is
 * full (unless `nonblock`). See the module documentation for the rules.
 *
 * @param q The queue.
 * @param options The message, its priority, the flag, and where the status goes.
 * @returns The step.
 *
 * @example An urgent message
 * ```ts
 * import { mqSend, posixMq } from "./posix_mq.ts";
 * import assert from "node:assert/strict";
 *
 * const q = posixMq("jobs", { maxmsg: 2 });
 * assert.equal(mqSend(q, { value: 7, prio: 9 }).kind, "region");
 * assert.equal(mqSend(q, { value: 7, nonblock: true }).kind, "op");
 * ```
 */
export function mqSend(q: PosixMq, options: MqSendOptions): Step {
  const { value, nonblock = false, status } = options;
  const prio = options.prio ?? 0;
  const len = options.len ?? 4;
  const text = options.text ??
    `mq_send(${q.name}, prio ${argText(prio)}, ${argText(len)}B${nonblock ? ", O_NONBLOCK" : ""})`;
  const invalid = (p: number) => p < 0 || p >= MQ_PRIO_MAX;
  const tooLong = (n: number) => n < 0 || n > q.msgsize;
  const prioOf = (ctx: Ctx) => checkedInt(`mq_send(${q.name}): prio`, evalExpr(prio, ctx));
  const lenOf = (ctx: Ctx) => checkedInt(`mq_send(${q.name}): len`, evalExpr(len, ctx));
  const stat = (ctx: Ctx, code: number) => status?.set(ctx, code);
  const base = (off: number) => tableBase(q, off);
  const taps = tapsOf(q);
  return callSteps({
    prim: q,
    text,
    canBlock: !nonblock,
    immediate(w, off, _pid, ctx) {
      return invalid(prioOf(ctx)) || tooLong(lenOf(ctx)) || w[off + CUR]! < q.maxmsg;
    },
    call(w, off, pid, ctx) {
      const p = prioOf(ctx);
      const n = lenOf(ctx);
      const v = checkedInt(`mq_send(${q.name}): value`, evalExpr(value, ctx));
      if (invalid(p)) {
        stat(ctx, Errno.EINVAL);
        return undefined;
      }
      if (tooLong(n)) {
        stat(ctx, Errno.EMSGSIZE);
        return undefined;
      }
      const b = base(off);
      if (w[off + CUR]! < q.maxmsg) {
        stat(ctx, Errno.OK);
        const r = firstOf(w, b, q.waiters, RECV);
        if (r >= 0) {
          // pipelined_send: the first blocked receiver gets it directly.
          if (taps.length > 0) {
            const at = insertPos(w, off, p);
            tapPut(taps, w, 0, at, pid, v, p, -1);
            tapTake(taps, w, 0, at, w[b + E * r]! - 1);
          }
          wake(w, b, q.waiters, r, Errno.OK, p, v, n);
          return undefined;
        }
        const at = insertMsg(w, off, p, v, n);
        if (taps.length > 0) tapPut(taps, w, 0, at, pid, v, p, -1);
        if (w[off + CUR] === 1 && w[off + OWNER]! !== 0) return notify(q, w, off, b);
        return undefined;
      }
      if (nonblock) {
        stat(ctx, Errno.EAGAIN);
        return undefined;
      }
      return insertEntry(w, b, q.waiters, pid, SEND, p, v, n, 0) ? undefined : tooMany(q);
    },
    canReturn(w, off, pid) {
      const b = base(off);
      return mayReturn(w, b, findCall(w, b, q.waiters, pid));
    },
    finish(w, off, pid, ctx) {
      const b = base(off);
      const i = findCall(w, b, q.waiters, pid);
      if (i < 0) return undefined; // never parked
      stat(ctx, w[b + E * i + 2]!);
      removeEntry(w, b, q.waiters, i);
      return undefined;
    },
    failure: `${q.name} capacity`,
    cancel: leaveTable(q, status),
    end: options.end ?? false,
    footprint: { reads: "all", writes: "all" },
  });
}

/**
 * `__do_notify`: the queue went from empty to non-empty with nobody blocked:
 * the registered process's notification fires, once. A violation message
 * when the waiter table is full, else undefined.
 */
function notify(q: PosixMq, w: Int32Array, off: number, b: number): string | undefined {
  const owner = w[off + OWNER]!;
  w[off + OWNER] = 0;
  const i = findRole(w, b, q.waiters, owner - 1, NOTE);
  if (i >= 0) w[b + E * i + 2] = w[b + E * i + 2]! + 1;
  else if (!insertEntry(w, b, q.waiters, owner - 1, NOTE, 1, 0, 0, 0)) return tooMany(q);
  return undefined;
}

/**
 * A parked caller that a signal handler interrupted (`interruptible()`,
 * §6.4) leaves the table, so no message is handed to it any more; its
 * call's status target gets `EINTR`.
 */
function leaveTable(q: PosixMq, status: Into | undefined): CallParts["cancel"] {
  return (w, off, pid, ctx) => {
    status?.set(ctx, Errno.EINTR);
    const b = tableBase(q, off);
    const i = findCall(w, b, q.waiters, pid);
    if (i >= 0 && w[b + E * i + 1] !== DONE) removeEntry(w, b, q.waiters, i);
  };
}

// --- mq_receive ------------------------------------------------------------------

/**
 * Options of {@linkcode mqReceive}.
 *
 * @example
 * ```ts
 * import { mqReceive, type MqReceiveOptions, posixMq } from "./posix_mq.ts";
 * import assert from "node:assert/strict";
 *
 * const options: MqReceiveOptions = { buflen: 8192 };
 * assert.equal(mqReceive(posixMq("q"), options).kind, "region");
 * ```
 */
export interface MqReceiveOptions {
  /** The buffer length (default: the queue's `msgsize`); below `msgsize` is `EMSGSIZE`. */
  buflen?: number | Expr;
  /** `O_NONBLOCK`: `EAGAIN` instead of blocking on an empty queue. */
  nonblock?: boolean;
  /** Where the payload goes (untouched when the call fails). */
  into?: Into;
  /** Where the message's priority goes (untouched when the call fails). */
  prio?: Into;
  /** Where the message's length goes (untouched when the call fails). */
  len?: Into;
  /** Where the status goes (`OK`, `EAGAIN`, `EMSGSIZE`); ignored when absent. */
  status?: Into;
  /**
   * A process blocked here is at a valid end state (a server waiting for
   * requests). The call's end label is named after its return (`<text>
   * wakes`); two such calls in one process need different `text`s.
   */
  end?: boolean;
  /** The call in traces (default: its arguments). */
  text?: string;
}

/**
 * `mq_receive(q, buf, buflen, &prio)`: receives the oldest message of the
 * highest priority; blocks while the queue is empty (unless `nonblock`).
 * See the module documentation for the rules.
 *
 * @param q The queue.
 * @param options The buffer length, the flag, and where the results go.
 * @returns The step.
 *
 * @example A consumer polling without blocking
 * ```ts
 * import { mqReceive, posixMq } from "./posix_mq.ts";
 * import { spec, system } from "../spec.ts";
 * import { status } from "./errno.ts";
 * import assert from "node:assert/strict";
 *
 * const s = spec({
 *   name: "poll",
 *   params: {},
 *   build: () => {
 *     const sys = system({});
 *     const q = posixMq("q", { maxmsg: 2 });
 *     sys.process("consumer", { locals: { msg: 0, err: status() } }, (s) => [
 *       mqReceive(q, { nonblock: true, into: s.into("msg"), status: s.into("err") }),
 *     ]);
 *     return sys;
 *   },
 * });
 * assert.equal(s.compile().name, "poll");
 * ```
 */
export function mqReceive(q: PosixMq, options: MqReceiveOptions = {}): Step {
  const { nonblock = false, status } = options;
  const buflen = options.buflen ?? q.msgsize;
  const text = options.text ??
    `mq_receive(${q.name}${options.buflen === undefined ? "" : `, ${argText(buflen)}B`}${
      nonblock ? ", O_NONBLOCK" : ""
    })`;
  const stat = (ctx: Ctx, code: number) => status?.set(ctx, code);
  const give = (ctx: Ctx, prio: number, value: number, len: number) => {
    options.into?.set(ctx, value);
    options.prio?.set(ctx, prio);
    options.len?.set(ctx, len);
  };
  const base = (off: number) => tableBase(q, off);
  if (typeof buflen === "number") requireInt(`mq_receive(${q.name}): buflen`, buflen, 0);
  const buflenOf = (ctx: Ctx) => {
    const bl = checkedInt(`mq_receive(${q.name}): buflen`, evalExpr(buflen, ctx));
    if (bl < 0) throw new RangeError(`mq_receive(${q.name}): buflen must be >= 0, got ${bl}`);
    return bl;
  };
  const taps = tapsOf(q);
  return callSteps({
    prim: q,
    text,
    canBlock: !nonblock,
    immediate(w, off, _pid, ctx) {
      return buflenOf(ctx) < q.msgsize || w[off + CUR]! > 0;
    },
    call(w, off, pid, ctx) {
      if (buflenOf(ctx) < q.msgsize) {
        stat(ctx, Errno.EMSGSIZE);
        return undefined;
      }
      const b = base(off);
      if (w[off + CUR]! > 0) {
        const m = off + MSGS;
        give(ctx, w[m]!, w[m + 1]!, w[m + 2]!);
        stat(ctx, Errno.OK);
        if (taps.length > 0) tapTake(taps, w, 0, 0, pid);
        removeHead(w, off);
        // pipelined_receive: the first blocked sender's message moves in.
        const s = firstOf(w, b, q.waiters, SEND);
        if (s >= 0) {
          const e = b + E * s;
          const at = insertMsg(w, off, w[e + 2]!, w[e + 3]!, w[e + 4]!);
          if (taps.length > 0) tapPut(taps, w, 0, at, w[e]! - 1, w[e + 3]!, w[e + 2]!, -1);
          wake(w, b, q.waiters, s, Errno.OK, 0, 0, -1);
        }
        return undefined;
      }
      if (nonblock) {
        stat(ctx, Errno.EAGAIN);
        return undefined;
      }
      return insertEntry(w, b, q.waiters, pid, RECV, 0, 0, 0, 0) ? undefined : tooMany(q);
    },
    canReturn(w, off, pid) {
      const b = base(off);
      return mayReturn(w, b, findCall(w, b, q.waiters, pid));
    },
    finish(w, off, pid, ctx) {
      const b = base(off);
      const i = findCall(w, b, q.waiters, pid);
      if (i < 0) return undefined; // never parked
      // A woken receiver was always handed a message (no EIDRM in POSIX).
      const e = b + E * i;
      give(ctx, w[e + 3]!, w[e + 4]!, w[e + 5]!);
      stat(ctx, w[e + 2]!);
      removeEntry(w, b, q.waiters, i);
      return undefined;
    },
    failure: `${q.name} capacity`,
    cancel: leaveTable(q, status),
    end: options.end ?? false,
    footprint: { reads: "all", writes: "all" },
  });
}

// --- mq_notify -------------------------------------------------------------------

/**
 * Options of {@linkcode mqNotify} and {@linkcode mqNotifyCancel}.
 *
 * @example
 * ```ts
 * import { mqNotify, type MqNotifyOptions, posixMq } from "./posix_mq.ts";
 * import assert from "node:assert/strict";
 *
 * const options: MqNotifyOptions = {};
 * assert.equal(mqNotify(posixMq("q"), options).kind, "op");
 * ```
 */
export interface MqNotifyOptions {
  /** Where the status goes (`OK`, or `EBUSY` when someone is registered); ignored when absent. */
  status?: Into;
}

/**
 * `mq_notify(q, &sev)`: registers the caller for one notification, fired
 * by the next send that makes the queue non-empty while no receiver is
 * blocked; `EBUSY` if any process (the caller included) is registered.
 * Take the notification with {@linkcode mqWaitNotification}. Never blocks.
 *
 * @param q The queue.
 * @param options Where the status goes.
 * @returns The step.
 *
 * @example
 * ```ts
 * import { mqNotify, posixMq } from "./posix_mq.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(mqNotify(posixMq("q")).kind, "op");
 * ```
 */
export function mqNotify(q: PosixMq, options: MqNotifyOptions = {}): Step {
  return opStep({
    prim: q,
    text: `mq_notify(${q.name})`,
    footprint: { reads: [OWNER], writes: [OWNER] },
    enabled: () => true,
    apply(w, off, pid, ctx) {
      if (w[off + OWNER] !== 0) {
        options.status?.set(ctx, Errno.EBUSY);
        return undefined;
      }
      w[off + OWNER] = pid + 1;
      options.status?.set(ctx, Errno.OK);
      return undefined;
    },
  });
}

/**
 * `mq_notify(q, NULL)`: removes the caller's registration; does nothing
 * (and succeeds) when the caller is not the registrant. Never blocks.
 *
 * @param q The queue.
 * @param options Where the status goes (always `OK`).
 * @returns The step.
 *
 * @example
 * ```ts
 * import { mqNotifyCancel, posixMq } from "./posix_mq.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(mqNotifyCancel(posixMq("q")).kind, "op");
 * ```
 */
export function mqNotifyCancel(q: PosixMq, options: MqNotifyOptions = {}): Step {
  return opStep({
    prim: q,
    text: `mq_notify(${q.name}, NULL)`,
    footprint: { reads: [OWNER], writes: [OWNER] },
    enabled: () => true,
    apply(w, off, pid, ctx) {
      if (w[off + OWNER] === pid + 1) w[off + OWNER] = 0;
      options.status?.set(ctx, Errno.OK);
      return undefined;
    },
  });
}

/**
 * Waits for a notification of `q` delivered to the caller and takes it
 * (`sigwaitinfo` on the notification signal): blocks until one is pending.
 *
 * @param q The queue.
 * @returns The step.
 *
 * @example Register, then wait for the queue to become non-empty
 * ```ts
 * import { mqNotify, mqWaitNotification, posixMq } from "./posix_mq.ts";
 * import assert from "node:assert/strict";
 *
 * const q = posixMq("q");
 * const steps = [mqNotify(q), mqWaitNotification(q)];
 * assert.equal(steps.length, 2);
 * ```
 */
export function mqWaitNotification(q: PosixMq): Step {
  const tab: number[] = [];
  for (let i = 0; i < E * q.waiters; i++) tab.push(MSGS + 3 * q.maxmsg + i);
  return opStep({
    prim: q,
    text: `wait for notification(${q.name})`,
    footprint: { reads: tab, writes: tab },
    enabled: (w, off, pid) => findRole(w, tableBase(q, off), q.waiters, pid, NOTE) >= 0,
    apply(w, off, pid) {
      const b = tableBase(q, off);
      const i = findRole(w, b, q.waiters, pid, NOTE);
      const e = b + E * i;
      if (w[e + 2]! > 1) w[e + 2] = w[e + 2]! - 1;
      else removeEntry(w, b, q.waiters, i);
      return undefined;
    },
  });
}
