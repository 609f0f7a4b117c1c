/**
 * System V message queues (docs/semantics.md §2): `msgsnd`, `msgrcv` and
 * `msgctl(IPC_RMID)` as an exact state machine.
 *
 * **State.** A queue declared with {@linkcode msgQueue} occupies
 * `3 + 3 * capacity + 6 * waiters` slots:
 *
 * - a removed flag, `qnum` and `cbytes`;
 * - the messages in arrival order, each `(mtype, payload, size in bytes)`,
 *   shifted to the front so that equal contents are equal states;
 * - a table of the processes parked in the queue: the receivers blocked in
 *   `msgrcv` in the order they blocked (§2 `RW`), each with its selector,
 *   `msgsz` and flags; the senders blocked in `msgsnd` (§2 `SW`) with the
 *   message they are sending, by pid (Linux wakes them all and they race,
 *   so their order carries no information); and the woken callers that have
 *   not run yet, by pid, with the result the kernel left them (a message
 *   handed over, `E2BIG` or `EIDRM`).
 *
 * **Rules.** Everything in §2 except signals and `MSG_COPY`:
 *
 * - `msgsnd` checks `mtype >= 1` and `size <= msgmax` (`EINVAL`), then
 *   room: `cbytes + size <= qbytes` **and** `qnum + 1 <= qbytes`. With room
 *   it scans the blocked receivers in blocking order: the first whose
 *   selector matches takes the message directly if its `msgsz` is large
 *   enough or it set `MSG_NOERROR` (the message never enters the queue); a
 *   matching receiver whose buffer is too small is woken with `E2BIG` and
 *   the scan goes on; if nobody takes it, it is appended. Without room:
 *   `EAGAIN` with `IPC_NOWAIT`, else the sender blocks. A blocked sender
 *   proceeds in any state in which its message fits (Linux wakes every
 *   sender whose message fits and they race with each other and with
 *   senders that never blocked), so every order is explored, and large
 *   messages can starve.
 * - `msgrcv` selects by type exactly as Linux `find_msg`: `t = 0` the first
 *   message; `t > 0` the first of type `t` (with `MSG_EXCEPT` the first of
 *   another type); `t < 0` the first among those of the lowest type
 *   `<= |t|`. A selected message larger than `msgsz` gives `E2BIG` and
 *   stays queued, unless `MSG_NOERROR` truncates it. No match: `ENOMSG`
 *   with `IPC_NOWAIT` (not `EAGAIN`), else the receiver joins the blocked
 *   receivers. `msgsz < 0` is `EINVAL`.
 * - `IPC_RMID` destroys the queue and its messages, wakes every blocked
 *   sender and receiver with `EIDRM`; a receiver that was already handed a
 *   message keeps it; every later call on the queue gets `EINVAL`.
 *
 * **Blocking calls.** A call that does not block is a single transition.
 * A call that blocks is two: the call, which parks the caller in the
 * queue's table (`<text> blocks`), and the return once the kernel woke it
 * (`<text> wakes`). Inputs given as an {@linkcode Expr} (types and sizes)
 * are evaluated over the caller's view by the guards, so such a call takes
 * exactly the transitions the same call with numbers would.
 *
 * **Templates** (`System.delivery`): one lane, the messages in arrival
 * order (positions as in the queue), each with its sender, its payload as
 * the value and its `mtype` as the key, so `order: "fifoPerType"` holds for
 * every selection mode. A receive takes the message `find_msg` selected; a
 * hand-off to a blocked receiver is a put and a take in the sender's step,
 * by the receiver; a blocked sender's message is put when its send
 * completes; `IPC_RMID` drops every queued message.
 *
 * **Departures from Linux, and why.**
 *
 * - The queue exists from the start (no `msgget`, keys or permissions):
 *   specs are about the protocol over an existing queue.
 * - A message carries one integer payload standing for its bytes, and a
 *   size. When `MSG_NOERROR` truncates, the receiver gets the payload and
 *   the truncated length; the model does not say which bytes survive.
 * - `EINTR` comes only to a call wrapped in `interruptible()`
 *   (`interruptible.ts`, §6.4): a caller parked in the queue leaves it and
 *   gets `EINTR` in both status targets; `SA_RESTART` never restarts
 *   `msgsnd` or `msgrcv` (pass `restartable: false`). `MSG_COPY` and
 *   `IPC_SET` (changing `qbytes`) are not modelled: they add nothing a
 *   protocol relies on.
 * - The numbers of messages held and of processes parked at once are
 *   bounded by the declaration (`capacity`, `waiters`); a state that would
 *   exceed a bound is not explored and the verdict is `incomplete` (the
 *   property `<name> capacity`). Declaring `qbytes <= capacity` makes the first
 *   bound exact, since Linux then never holds more than `qbytes` messages.
 *
 * @module
 */

import { argText, type CallParts, callSteps, checkedInt } from "./_call.ts";
import { type Ctx, evalExpr, type Expr, type Into } from "../_ast.ts";
import type { PrimitiveImpl, Step } from "../_ast.ts";
import { Errno, errnoName } from "./errno.ts";
import { closeGap, opStep, requireInt, requireName } from "./_op.ts";
import { type MessageTap, messageTaps, tapDrop, tapPut, tapTake } from "../_tap.ts";
import { DONE, E, formatParked, mayReturn, parkedTable, RECV, SEND } from "./_parked.ts";

/**
 * Linux `MSGMAX`: the largest message, in bytes (docs/semantics.md, settings).
 *
 * @example
 * ```ts
 * import { MSGMAX, msgQueue } from "./sysv_msg.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(msgQueue("q").msgmax, MSGMAX);
 * ```
 */
export const MSGMAX = 8192;

/**
 * Linux `MSGMNB`: the default `qbytes` of a new queue.
 *
 * @example
 * ```ts
 * import { MSGMNB, msgQueue } from "./sysv_msg.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(msgQueue("q").qbytes, MSGMNB);
 * ```
 */
export const MSGMNB = 16384;

/**
 * Options of {@linkcode msgQueue}.
 *
 * @example
 * ```ts
 * import { msgQueue, type MsgQueueOptions } from "./sysv_msg.ts";
 * import assert from "node:assert/strict";
 *
 * const options: MsgQueueOptions = { qbytes: 8, capacity: 8, waiters: 2 };
 * assert.equal(msgQueue("q", options).capacity, 8);
 * ```
 */
export interface MsgQueueOptions {
  /** The byte limit `qbytes`, which also bounds the number of messages (default {@linkcode MSGMNB}). */
  qbytes?: number;
  /** The largest message size; larger sends are `EINVAL` (default {@linkcode MSGMAX}). */
  msgmax?: number;
  /**
   * Model bound: the most messages held at once (default `min(qbytes, 4)`).
   * A send Linux would accept beyond it ends the search as `incomplete`.
   */
  capacity?: number;
  /**
   * Model bound: the most processes parked in the queue at once, blocked or
   * woken but not yet returned (default 4).
   */
  waiters?: number;
}

/**
 * A System V message queue declared with {@linkcode msgQueue}.
 *
 * @example
 * ```ts
 * import { type MsgQueue, msgQueue } from "./sysv_msg.ts";
 * import assert from "node:assert/strict";
 *
 * const q: MsgQueue = msgQueue("q", { qbytes: 8 });
 * assert.equal(q.kind, "sysv-msg");
 * assert.equal(q.capacity, 4);
 * ```
 */
export interface MsgQueue extends PrimitiveImpl {
  /** Discriminant. */
  readonly kind: "sysv-msg";
  /** The byte (and message count) limit. */
  readonly qbytes: number;
  /** The largest message size, in bytes. */
  readonly msgmax: number;
  /** The most messages the model holds at once. */
  readonly capacity: number;
  /** The most processes the model parks at once. */
  readonly waiters: number;
}

// Layout: [removed, qnum, cbytes, (mtype, value, size) * capacity, table].
const REMOVED = 0, QNUM = 1, CBYTES = 2, MSGS = 3;
// Parked table entries: [pid + 1, role, f1, f2, f3, f4], kept in the order
// receivers (blocking order), senders (by pid), woken (by pid).
// Senders are all woken together (any may win), so only receivers keep
// their blocking order in the table.
const { findEntry, removeEntry, insertEntry, wake } = parkedTable([RECV]);
// Selection modes (Linux convert_mode).
const ANY = 0, EQUAL = 1, NOTEQUAL = 2, LESSEQUAL = 3;

/**
 * Declares a System V message queue, existing and empty at the start.
 *
 * @param name The unique name, used in traces.
 * @param options The limits and the model's bounds.
 * @returns The queue, for {@linkcode msgsnd}, {@linkcode msgrcv} and {@linkcode msgctlRmid}.
 *
 * @example A queue of at most 16 bytes (and so at most 16 messages)
 * ```ts
 * import { msgQueue } from "./sysv_msg.ts";
 * import assert from "node:assert/strict";
 *
 * const q = msgQueue("q", { qbytes: 16, capacity: 4 });
 * assert.equal(q.qbytes, 16);
 * assert.equal(q.slots, 3 + 3 * 4 + 6 * 4); // the state slots it occupies
 * ```
 */
export function msgQueue(name: string, options: MsgQueueOptions = {}): MsgQueue {
  requireName("message queue", name);
  const qbytes = requireInt(`message queue '${name}': qbytes`, options.qbytes ?? MSGMNB, 0);
  const msgmax = requireInt(`message queue '${name}': msgmax`, options.msgmax ?? MSGMAX, 0);
  const cap = requireInt(
    `message queue '${name}': capacity`,
    options.capacity ?? Math.max(1, Math.min(qbytes, 4)),
    1,
    1 << 16,
  );
  const waiters = requireInt(`message queue '${name}': waiters`, options.waiters ?? 4, 1, 1 << 16);
  const tab = MSGS + 3 * cap;
  const width = tab + E * waiters;
  const q: MsgQueue = {
    kind: "sysv-msg",
    name,
    qbytes,
    msgmax,
    capacity: cap,
    waiters,
    slots: width,
    init(w, off) {
      for (let i = 0; i < width; i++) w[off + i] = 0;
    },
    format(w, off, pidName) {
      if (w[off + REMOVED] === 1) {
        const woken = formatTable(w, off + tab, waiters, pidName);
        return woken === "" ? "removed" : `removed; ${woken}`;
      }
      const n = w[off + QNUM]!;
      const msgs: string[] = [];
      for (let i = 0; i < n; i++) {
        const m = off + MSGS + 3 * i;
        msgs.push(`${w[m]}:${w[m + 1]}(${w[m + 2]}B)`);
      }
      const t = formatTable(w, off + tab, waiters, pidName);
      return `[${msgs.join(" ")}]${t === "" ? "" : `; ${t}`}`;
    },
    value(w, off) {
      return w[off + QNUM]!;
    },
    // Full: no room for a message of one byte (`msg_qbytes` bounds the
    // bytes and the number of messages, §2).
    bufferQueries: {
      length: (w, off) => w[off + QNUM]!,
      full: (w, off) => !fits(q, w, off, 1),
    },
  };
  tapsOf(q);
  return q;
}

/**
 * The queue's template taps: one lane in arrival order, key = `mtype`. A
 * hand-off to a blocked receiver is a put at the end and a take at once, so
 * the mirror holds one more message than the queue for that instant.
 */
function tapsOf(q: MsgQueue): MessageTap[] {
  return messageTaps(q, () => ({ lanes: 1, capacity: q.capacity + 1 }));
}

function formatTable(
  w: Int32Array,
  base: number,
  cap: number,
  pidName: (pid: number) => string,
): string {
  return formatParked(w, base, cap, pidName, (role, who, f1, f2, f3, f4) => {
    if (role === RECV) {
      const sel = f2 === ANY
        ? "any"
        : f2 === EQUAL
        ? `type ${f1}`
        : f2 === NOTEQUAL
        ? `type != ${f1}`
        : `type <= ${f1}`;
      return `${who} ${sel} ${f3}B${f4 === 1 ? " MSG_NOERROR" : ""}`;
    }
    if (role === SEND) return `${who} ${f1}:${f2}(${f3}B)`;
    return f1 === Errno.OK ? `${who} got ${f2}:${f3}(${f4}B)` : `${who} ${errnoName(f1)}`;
  });
}

// --- the parked table -------------------------------------------------------

// --- queue rules --------------------------------------------------------------

/** §2 "Room": `cbytes + n <= qbytes` and `qnum + 1 <= qbytes`. */
function fits(q: MsgQueue, w: Int32Array, off: number, size: number): boolean {
  return w[off + CBYTES]! + size <= q.qbytes && w[off + QNUM]! + 1 <= q.qbytes;
}

/** Linux `testmsg`. */
function matches(mtype: number, sel: number, mode: number): boolean {
  switch (mode) {
    case ANY:
      return true;
    case EQUAL:
      return mtype === sel;
    case NOTEQUAL:
      return mtype !== sel;
    default:
      return mtype <= sel;
  }
}

/** Linux `convert_mode`: the selector and mode for type `t`. */
function convertMode(t: number, except: boolean): [number, number] {
  if (t === 0) return [0, ANY];
  if (t < 0) return [-t, LESSEQUAL];
  return [t, except ? NOTEQUAL : EQUAL];
}

/** Linux `find_msg`: the index of the selected message, or -1. */
function findMsg(w: Int32Array, off: number, sel: number, mode: number): number {
  const n = w[off + QNUM]!;
  let found = -1;
  let limit = sel;
  for (let i = 0; i < n; i++) {
    const mtype = w[off + MSGS + 3 * i]!;
    if (!matches(mtype, mode === LESSEQUAL ? limit : sel, mode)) continue;
    if (mode === LESSEQUAL && mtype !== 1) {
      limit = mtype - 1;
      found = i;
    } else {
      return i;
    }
  }
  return found;
}

/**
 * A send with room (Linux `pipelined_send`, then append): hands the message
 * to the first matching blocked receiver that can take it, waking matching
 * receivers with too small a buffer with `E2BIG` on the way. Returns a
 * bound message when the model's slots are full.
 */
function deliver(
  q: MsgQueue,
  taps: readonly MessageTap[],
  w: Int32Array,
  off: number,
  from: number,
  mtype: number,
  value: number,
  size: number,
): string | undefined {
  const cap = q.capacity;
  const base = off + MSGS + 3 * cap;
  let i = 0;
  while (i < q.waiters) {
    const e = base + E * i;
    if (w[e] === 0 || w[e + 1] !== RECV) break;
    if (!matches(mtype, w[e + 2]!, w[e + 3]!)) {
      i++;
      continue;
    }
    const msgsz = w[e + 4]!, noerror = w[e + 5] === 1;
    if (msgsz < size && !noerror) {
      wake(w, base, q.waiters, i, Errno.E2BIG, 0, 0, 0);
      continue; // entry i is now the next receiver
    }
    if (taps.length > 0) {
      const at = w[off + QNUM]!;
      tapPut(taps, w, 0, at, from, value, mtype, -1);
      tapTake(taps, w, 0, at, w[e]! - 1);
    }
    wake(w, base, q.waiters, i, Errno.OK, mtype, value, Math.min(size, msgsz));
    return undefined;
  }
  const n = w[off + QNUM]!;
  if (n >= cap) {
    return `message queue '${q.name}' would hold more than its capacity of ${cap} messages (raise capacity, or lower qbytes)`;
  }
  const m = off + MSGS + 3 * n;
  w[m] = mtype;
  w[m + 1] = value;
  w[m + 2] = size;
  w[off + QNUM] = n + 1;
  w[off + CBYTES] = w[off + CBYTES]! + size;
  if (taps.length > 0) tapPut(taps, w, 0, n, from, value, mtype, -1);
  return undefined;
}

/** Removes message `i`, shifting the rest to the front. */
function removeMsg(w: Int32Array, off: number, i: number): void {
  const n = w[off + QNUM]!;
  w[off + CBYTES] = w[off + CBYTES]! - w[off + MSGS + 3 * i + 2]!;
  closeGap(w, off + MSGS, n, i, 3);
  w[off + QNUM] = n - 1;
}

function tableBase(q: MsgQueue, off: number): number {
  return off + MSGS + 3 * q.capacity;
}

function flagText(flags: (string | false)[]): string {
  const f = flags.filter((x): x is string => x !== false);
  return f.length === 0 ? "" : `, ${f.join("|")}`;
}

// --- blocking calls as steps ----------------------------------------------------

// --- msgsnd ----------------------------------------------------------------------

/**
 * Options of {@linkcode msgsnd}.
 *
 * @example
 * ```ts
 * import { msgQueue, msgsnd, type MsgsndOptions } from "./sysv_msg.ts";
 * import assert from "node:assert/strict";
 *
 * const options: MsgsndOptions = { type: 2, value: 7, size: 0, nowait: true };
 * assert.equal(msgsnd(msgQueue("q"), options).kind, "op");
 * ```
 */
export interface MsgsndOptions {
  /** `mtype`: must be >= 1, else `EINVAL`. */
  type: number | Expr;
  /** The payload (a 32-bit integer) standing for the message's bytes. */
  value: number | Expr;
  /** The size in bytes, counted against `qbytes` (default 4, an `int`). */
  size?: number | Expr;
  /** `IPC_NOWAIT`: `EAGAIN` instead of blocking when there is no room. */
  nowait?: boolean;
  /** Where the status goes (`OK`, `EAGAIN`, `EINVAL`, `EIDRM`); ignored when absent, as an unchecked return value. */
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
 * `msgsnd(q, msg, size, flags)`: sends a message; blocks while there is no
 * room (unless `nowait`). See the module documentation for the rules.
 *
 * @param q The queue.
 * @param options The message, the flags, and where the status goes.
 * @returns The step.
 *
 * @example A worker sends its result as a message of type 1
 * ```ts
 * import { msgQueue, msgsnd } from "./sysv_msg.ts";
 * import assert from "node:assert/strict";
 *
 * const q = msgQueue("results", { qbytes: 8 });
 * assert.equal(msgsnd(q, { type: 1, value: 42 }).kind, "region");
 * assert.equal(msgsnd(q, { type: 1, value: 42, nowait: true }).kind, "op");
 * ```
 */
export function msgsnd(q: MsgQueue, options: MsgsndOptions): Step {
  const { type, value, nowait = false, status } = options;
  const size = options.size ?? 4;
  const text = options.text ??
    `msgsnd(${q.name}, type ${argText(type)}, ${argText(size)}B${
      flagText([nowait && "IPC_NOWAIT"])
    })`;
  const invalid = (t: number, n: number) => t < 1 || n < 0 || n > q.msgmax;
  const typeOf = (ctx: Ctx) => checkedInt(`msgsnd(${q.name}): type`, evalExpr(type, ctx));
  const sizeOf = (ctx: Ctx) => checkedInt(`msgsnd(${q.name}): size`, evalExpr(size, ctx));
  const stat = (ctx: Ctx, code: number) => status?.set(ctx, code);
  const base = (off: number) => tableBase(q, off);
  const taps = tapsOf(q);
  return callSteps({
    prim: q,
    text,
    canBlock: !nowait,
    immediate(w, off, _pid, ctx) {
      if (w[off + REMOVED] === 1) return true;
      const t = typeOf(ctx), n = sizeOf(ctx);
      return invalid(t, n) || fits(q, w, off, n);
    },
    call(w, off, pid, ctx) {
      const t = typeOf(ctx);
      const n = sizeOf(ctx);
      const v = checkedInt(`msgsnd(${q.name}): value`, evalExpr(value, ctx));
      if (w[off + REMOVED] === 1 || invalid(t, n)) {
        stat(ctx, Errno.EINVAL);
        return undefined;
      }
      if (fits(q, w, off, n)) {
        const err = deliver(q, taps, w, off, pid, t, v, n);
        stat(ctx, Errno.OK);
        return err;
      }
      if (nowait) {
        stat(ctx, Errno.EAGAIN);
        return undefined;
      }
      if (!insertEntry(w, base(off), q.waiters, pid, SEND, t, v, n, 0)) {
        return `more than ${q.waiters} processes parked in message queue '${q.name}' (raise waiters)`;
      }
      return undefined;
    },
    canReturn(w, off, pid) {
      const b = base(off);
      const i = findEntry(w, b, q.waiters, pid);
      if (i < 0) return true;
      const e = b + E * i;
      return w[e + 1] === DONE || fits(q, w, off, w[e + 4]!);
    },
    finish(w, off, pid, ctx) {
      const b = base(off);
      const i = findEntry(w, b, q.waiters, pid);
      if (i < 0) return undefined; // never parked
      const e = b + E * i;
      if (w[e + 1] === DONE) {
        stat(ctx, w[e + 2]!);
        removeEntry(w, b, q.waiters, i);
        return undefined;
      }
      const t = w[e + 2]!, v = w[e + 3]!, n = w[e + 4]!;
      removeEntry(w, b, q.waiters, i);
      stat(ctx, Errno.OK);
      return deliver(q, taps, w, off, pid, t, v, n);
    },
    failure: `${q.name} capacity`,
    cancel: leaveTable(q, status),
    end: options.end ?? false,
    footprint: { reads: "all", writes: "all" },
  });
}

/**
 * A parked caller that a signal handler interrupted (`interruptible()`,
 * §6.4) leaves the table, so no message is handed to it any more; its
 * call's status target gets `EINTR`.
 */
function leaveTable(q: MsgQueue, status: Into | undefined): CallParts["cancel"] {
  return (w, off, pid, ctx) => {
    status?.set(ctx, Errno.EINTR);
    const b = tableBase(q, off);
    const i = findEntry(w, b, q.waiters, pid);
    if (i >= 0 && w[b + E * i + 1] !== DONE) removeEntry(w, b, q.waiters, i);
  };
}

// --- msgrcv ----------------------------------------------------------------------

/**
 * Options of {@linkcode msgrcv}.
 *
 * @example
 * ```ts
 * import { msgQueue, msgrcv, type MsgrcvOptions } from "./sysv_msg.ts";
 * import assert from "node:assert/strict";
 *
 * const options: MsgrcvOptions = { type: -3, msgsz: 4, noerror: true };
 * assert.equal(msgrcv(msgQueue("q"), options).kind, "region");
 * ```
 */
export interface MsgrcvOptions {
  /** The type selector `msgtyp` (default 0, the first message). */
  type?: number | Expr;
  /** The buffer size `msgsz` (default: the queue's `msgmax`); negative is `EINVAL`. */
  msgsz?: number | Expr;
  /** `IPC_NOWAIT`: `ENOMSG` instead of blocking when no message matches. */
  nowait?: boolean;
  /** `MSG_NOERROR`: truncate a message larger than `msgsz` instead of `E2BIG`. */
  noerror?: boolean;
  /** `MSG_EXCEPT`: with a type > 0, select the first message of another type. */
  except?: boolean;
  /** Where the payload goes (untouched when the call fails). */
  into?: Into;
  /** Where the received message's `mtype` goes (untouched when the call fails). */
  mtype?: Into;
  /** Where the returned length goes: `min(size, msgsz)` (untouched when the call fails). */
  len?: Into;
  /** Where the status goes (`OK`, `ENOMSG`, `E2BIG`, `EINVAL`, `EIDRM`); ignored when absent. */
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
 * `msgrcv(q, buf, msgsz, msgtyp, flags)`: receives the message the selector
 * picks; blocks while none matches (unless `nowait`). See the module
 * documentation for the rules.
 *
 * @param q The queue.
 * @param options The selector, the flags, and where the results go.
 * @returns The step.
 *
 * @example A client waits for the reply addressed to it (type = its id + 1)
 * ```ts
 * import { msgQueue, msgrcv } from "./sysv_msg.ts";
 * import { spec, system } from "../spec.ts";
 * import { status } from "./errno.ts";
 * import assert from "node:assert/strict";
 *
 * const s = spec({
 *   name: "client",
 *   params: {},
 *   build: () => {
 *     const sys = system({});
 *     const q = msgQueue("replies", { qbytes: 8 });
 *     sys.process("client", { count: 2, locals: { reply: 0, err: status() } }, (s) => [
 *       msgrcv(q, { type: s.expr(({ id }) => id + 1), into: s.into("reply"), status: s.into("err") }),
 *     ]);
 *     return sys;
 *   },
 * });
 * assert.equal(s.compile().name, "client");
 * ```
 */
export function msgrcv(q: MsgQueue, options: MsgrcvOptions = {}): Step {
  const { nowait = false, noerror = false, except = false, status } = options;
  const type = options.type ?? 0;
  const msgsz = options.msgsz ?? q.msgmax;
  const text = options.text ??
    `msgrcv(${q.name}, type ${argText(type)}${
      options.msgsz === undefined ? "" : `, ${argText(msgsz)}B`
    }${flagText([nowait && "IPC_NOWAIT", noerror && "MSG_NOERROR", except && "MSG_EXCEPT"])})`;
  const typeOf = (ctx: Ctx) => checkedInt(`msgrcv(${q.name}): type`, evalExpr(type, ctx));
  const msgszOf = (ctx: Ctx) => checkedInt(`msgrcv(${q.name}): msgsz`, evalExpr(msgsz, ctx));
  const stat = (ctx: Ctx, code: number) => status?.set(ctx, code);
  const give = (ctx: Ctx, mtype: number, value: number, len: number) => {
    options.into?.set(ctx, value);
    options.mtype?.set(ctx, mtype);
    options.len?.set(ctx, len);
  };
  const base = (off: number) => tableBase(q, off);
  const taps = tapsOf(q);
  return callSteps({
    prim: q,
    text,
    canBlock: !nowait,
    immediate(w, off, _pid, ctx) {
      if (w[off + REMOVED] === 1) return true;
      const t = typeOf(ctx), sz = msgszOf(ctx);
      if (sz < 0) return true;
      const [sel, mode] = convertMode(t, except);
      return findMsg(w, off, sel, mode) >= 0;
    },
    call(w, off, pid, ctx) {
      const t = typeOf(ctx);
      const sz = msgszOf(ctx);
      if (w[off + REMOVED] === 1 || sz < 0) {
        stat(ctx, Errno.EINVAL);
        return undefined;
      }
      const [sel, mode] = convertMode(t, except);
      const i = findMsg(w, off, sel, mode);
      if (i >= 0) {
        const m = off + MSGS + 3 * i;
        const mtype = w[m]!, value = w[m + 1]!, size = w[m + 2]!;
        if (size > sz && !noerror) {
          stat(ctx, Errno.E2BIG);
          return undefined;
        }
        if (taps.length > 0) tapTake(taps, w, 0, i, pid);
        removeMsg(w, off, i);
        give(ctx, mtype, value, Math.min(size, sz));
        stat(ctx, Errno.OK);
        return undefined;
      }
      if (nowait) {
        stat(ctx, Errno.ENOMSG);
        return undefined;
      }
      if (!insertEntry(w, base(off), q.waiters, pid, RECV, sel, mode, sz, noerror ? 1 : 0)) {
        return `more than ${q.waiters} processes parked in message queue '${q.name}' (raise waiters)`;
      }
      return undefined;
    },
    canReturn: (w, off, pid) => mayReturn(w, base(off), findEntry(w, base(off), q.waiters, pid)),
    finish(w, off, pid, ctx) {
      const b = base(off);
      const i = findEntry(w, b, q.waiters, pid);
      if (i < 0) return undefined; // never parked
      const e = b + E * i;
      const code = w[e + 2]!;
      if (code === Errno.OK) give(ctx, w[e + 3]!, w[e + 4]!, w[e + 5]!);
      stat(ctx, code);
      removeEntry(w, b, q.waiters, i);
      return undefined;
    },
    failure: nowait ? undefined : `${q.name} capacity`,
    cancel: leaveTable(q, status),
    end: options.end ?? false,
    footprint: { reads: "all", writes: "all" },
  });
}

// --- msgctl(IPC_RMID) ------------------------------------------------------------

/**
 * Options of {@linkcode msgctlRmid}.
 *
 * @example
 * ```ts
 * import { type MsgctlOptions, msgctlRmid, msgQueue } from "./sysv_msg.ts";
 * import assert from "node:assert/strict";
 *
 * const options: MsgctlOptions = {};
 * assert.equal(msgctlRmid(msgQueue("q"), options).kind, "op");
 * ```
 */
export interface MsgctlOptions {
  /** Where the status goes (`OK`, or `EINVAL` when already removed); ignored when absent. */
  status?: Into;
}

/**
 * `msgctl(q, IPC_RMID)`: destroys the queue and its messages at once; every
 * blocked sender and receiver wakes with `EIDRM`, and every later call on
 * the queue fails with `EINVAL`. Never blocks.
 *
 * @param q The queue.
 * @param options Where the status goes.
 * @returns The step.
 *
 * @example
 * ```ts
 * import { msgctlRmid, msgQueue } from "./sysv_msg.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(msgctlRmid(msgQueue("q")).kind, "op");
 * ```
 */
export function msgctlRmid(q: MsgQueue, options: MsgctlOptions = {}): Step {
  const taps = tapsOf(q);
  return opStep({
    prim: q,
    text: `msgctl(${q.name}, IPC_RMID)`,
    footprint: { reads: "all", writes: "all" },
    enabled: () => true,
    apply(w, off, _pid, ctx) {
      if (w[off + REMOVED] === 1) {
        options.status?.set(ctx, Errno.EINVAL);
        return undefined;
      }
      tapDrop(taps, w, 0, 0, w[off + QNUM]!);
      w[off + REMOVED] = 1;
      const cap = q.capacity;
      for (let i = 0; i < 3 * cap; i++) w[off + MSGS + i] = 0;
      w[off + QNUM] = 0;
      w[off + CBYTES] = 0;
      const b = tableBase(q, off);
      // Every blocked caller (receivers and senders come before the woken)
      // wakes with EIDRM; a receiver already handed a message keeps it.
      while (w[b] !== 0 && w[b + 1] !== DONE) wake(w, b, q.waiters, 0, Errno.EIDRM, 0, 0, 0);
      options.status?.set(ctx, Errno.OK);
      return undefined;
    },
  });
}
