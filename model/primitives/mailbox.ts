/**
 * Mailboxes (ports): indirect naming (docs/semantics.md §8, "Indirect
 * naming", "Several receivers", "Ownership", "Buffering"). The mailslot,
 * the other indirect-naming primitive, is in `mailslot.ts`.
 *
 * A {@linkcode mailbox} is a FIFO of integer messages with a unique name.
 * Its operations are {@linkcode mbCreate}, {@linkcode mbSend},
 * {@linkcode mbReceive} and {@linkcode mbDestroy}. A link exists between
 * the processes that use the same mailbox.
 *
 * **Buffering.**
 * - Capacity N: a send blocks only while N messages wait.
 * - Capacity 0: no message can wait. The sender offers its message and
 *   blocks until a receiver takes it. The send returns only after its
 *   receive.
 * - `"unbounded"`: a send never blocks. The mailbox is explored up to a
 *   declared `bound`. A send that would queue more is an exploration bound
 *   (`failureKind: "bound"`): the search cuts that successor, and the
 *   verdict becomes `incomplete`, never `ok`.
 *
 * **Several receivers: the policy** (declared with the mailbox).
 * - `"shared"` (default): any process may receive, and the receivers race
 *   for the oldest message (what System V and POSIX queues do).
 * - `"pair"`, §8 (a): a link joins at most two processes. The first two
 *   processes that send or receive are the link's ends. A third process
 *   that sends or receives is a `mailbox misuse` violation.
 * - `"exclusive"`, §8 (b): at most one process executes receive at a time.
 *   The mailbox has a receive lock. A receive first takes the lock, blocking
 *   while another process holds it. Then it waits for a message while
 *   holding the lock. Which contender gets the lock is an ND choice.
 * - `"arbitrary"` and `"round-robin"`, §8 (c): the system picks the
 *   receiver from the declared `receivers`, skipping those that have exited.
 *   It picks when the message is sent, and only that receiver can take the
 *   message. `"arbitrary"` explores every choice. `"round-robin"` takes the
 *   receivers in turn, deterministically. The sender is told who the
 *   receiver is through the send's `receiver` target.
 *
 * **Ownership.**
 * - `owner: "os"` (default): the mailbox persists until it is destroyed.
 *   Only its creator may destroy it; anyone may destroy a mailbox the system
 *   made before the run.
 * - `owner: "process"`: only the owner receives (a receive by another
 *   process is `mailbox misuse`). When the owner finishes, the mailbox dies
 *   (`onExit`).
 *
 * When a mailbox is destroyed or dies:
 * - its queued messages are discarded;
 * - every sender or receiver blocked on it wakes with status `EIDRM`;
 * - every later call gets `EIDRM` too;
 * - an error is never a silent acceptance.
 *
 * A call on a mailbox that was never created gets `ENOENT`. The statuses go
 * into the operation's `status` target (a `status()` local). An error with
 * no `status` target to report it is a `mailbox misuse` violation.
 *
 * **Departures and why.**
 * - *Capacity 0 takes two steps*, not the channel's joint transition: the
 *   offer, then the sender's return once a receiver took the message.
 *   So a blocked sender can be woken with an error when its mailbox dies,
 *   and the system's choice of receiver can be reported to the sender. A
 *   rendezvous transition carries neither. One state is visible that a
 *   joint transition would hide: the receiver has the message and the
 *   sender has not returned yet. One message waits in the offer at a time;
 *   the other blocked senders wait to offer. Which of them goes next is an
 *   ND choice, so every order is still explored.
 * - *Mailbox ids are never reused*: creating a removed mailbox gives
 *   `EIDRM`. §8 gives each mailbox a unique id. A blocked call can therefore
 *   never wake on a new mailbox with the old name.
 * - *Error codes* (§8 names none): `ENOENT` before creation; `EIDRM` after
 *   removal, for blocked and later callers alike (System V gives later
 *   callers `EINVAL`); `ENXIO` when every receiver of a policy-(c) mailbox
 *   has exited; `EEXIST` for a second create; `EPERM` for destroy by a
 *   process that does not own the mailbox.
 * - *Receive rights of an OS-owned mailbox are not tracked*: every process
 *   may receive, as if the creator had passed the right on (§8 allows it).
 * - *Policy (c) picks at send time.* A message assigned to a receiver that
 *   then exits is never received. A capacity-0 sender whose receiver exited
 *   stays blocked, which the checker reports as a deadlock.
 * - At most 31 processes (pids are bits of one slot).
 *
 * @module
 */

import {
  type BufferQueries,
  callerSource,
  type Ctx,
  evalExpr,
  type Expr,
  type Footprint,
  type Into,
  type Match,
  type OpImpl,
  type PrimitiveImpl,
  type Step,
} from "../_ast.ts";
import { type PidList, type PidRef, resolvePids } from "./direct.ts";
import { Errno } from "./errno.ts";
import { popcount } from "./_fork.ts";
import { region } from "../control.ts";
import type { MessageType } from "../message.ts";
import { closeGap, opStep, requireInt, requireName } from "./_op.ts";
import { checkMessage, withChoices } from "./_mailbox_common.ts";
import { type MessageTap, messageTaps, tapDrop, tapPut, tapTake } from "../_tap.ts";

/**
 * The property of every mailbox misuse (see the module doc), and of every
 * mailslot misuse.
 *
 * @example
 * ```ts
 * import { MAILBOX_MISUSE } from "./mailbox.ts";
 * import assert from "node:assert/strict";
 *
 * // A check's `violation.property` names it.
 * assert.equal(MAILBOX_MISUSE, "mailbox misuse");
 * ```
 */
export const MAILBOX_MISUSE = "mailbox misuse";

/**
 * The most processes a mailbox or mailslot knows apart (pids 0 .. 30).
 *
 * @example
 * ```ts
 * import { MAILBOX_MAX_PID } from "./mailbox.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(MAILBOX_MAX_PID + 1, 31); // process sets are bits of one 32-bit slot
 * ```
 */
export const MAILBOX_MAX_PID = 30;

/** How a mailbox with several receivers decides who receives (module doc). */
export type MailboxPolicy = "shared" | "pair" | "exclusive" | "arbitrary" | "round-robin";

/**
 * Options of {@linkcode mailbox}.
 *
 * @typeParam M The messages' type (`number`, or a `message` type's records).
 */
export interface MailboxOptions<M = number> {
  /** Messages it holds: 0 (no buffering), N, or `"unbounded"` (with `bound`). */
  capacity: number | "unbounded";
  /** For `"unbounded"`: the most messages explored; more is an exploration bound. */
  bound?: number;
  /** The several-receivers policy (default `"shared"`). */
  policy?: MailboxPolicy;
  /** For `"arbitrary"` and `"round-robin"`: the receivers the system picks from, in turn order. */
  receivers?: PidList;
  /** `"os"` (default: persists until destroyed) or `"process"` (dies with its owner). */
  owner?: "os" | "process";
  /** Whether it exists when the run starts (default true); if not, a process makes it with {@linkcode mbCreate}. */
  exists?: boolean;
  /** For a mailbox that exists at the start: the process that created it (its owner). */
  createdBy?: number | PidRef;
  /**
   * The structured messages it carries (sent with `s.encode`, received with
   * `s.decode`): traces print them by field name.
   */
  message?: MessageType<M>;
  /**
   * A capacity in bytes as well as in messages (capacity N >= 1 only): a
   * send waits while its message does not fit in the bytes left; a message
   * larger than `bytes` gets `EMSGSIZE` (a `mailbox misuse` without a
   * status target). Needs `size`.
   */
  bytes?: number;
  /** The size in bytes of every message, or of each (a function of the message). */
  size?: number | ((message: M) => number);
}

/** A mailbox declared with {@linkcode mailbox}. */
export interface Mailbox extends PrimitiveImpl {
  /** Discriminant. */
  readonly kind: "mailbox";
  /** Messages it holds. */
  readonly capacity: number | "unbounded";
  /** For an unbounded mailbox, its exploration bound; else 0. */
  readonly bound: number;
  /** The several-receivers policy. */
  readonly policy: MailboxPolicy;
  /** Who owns it. */
  readonly owner: "os" | "process";
  /** The name of its exploration-bound property (unbounded only). */
  readonly boundProperty: string;
}

// Slot layout.
const LIFE = 0; // 0 never created, 1 exists, 2 removed
const OWNER = 1; // owner pid + 1, 0 for none
const AUX = 2; // pair: users (mask); exclusive: lock holder + 1; round-robin: next index
const GONE = 3; // policy (c): receivers that exited (mask)
const TAKEN = 4; // capacity 0: senders whose offer was taken, not yet returned (mask)
const FAILED = 5; // two-step operations whose first step failed (mask)
const COUNT = 6; // messages queued (capacity 0: 1 while an offer waits)
const QUEUE = 7; // entries of [message, sender pid, receiver + 1 (policy c) or 0]
const ENTRY = 3;

const EXISTS = 1, REMOVED = 2;

interface Internals {
  /** Messages the queue holds (capacity 0: the one offer). */
  room: number;
  /** The byte capacity and the size of a message, when declared. */
  bytes?: { readonly bytes: number; readonly sizeOf: (message: number) => number };
  /** The policy-(c) receivers, resolved at check time. */
  receivers(): number[];
  /** The templates watching its messages. */
  taps: MessageTap[];
}

const INTERNALS = new WeakMap<PrimitiveImpl, Internals>();

function internals(p: PrimitiveImpl): Internals {
  return INTERNALS.get(p)!;
}

function bit(pid: number): number {
  if (pid > MAILBOX_MAX_PID) {
    throw new RangeError(
      `mailboxes tell at most ${MAILBOX_MAX_PID + 1} processes apart (pid ${pid})`,
    );
  }
  return 1 << pid;
}

function maskNames(mask: number, pidName: (pid: number) => string): string {
  const out: string[] = [];
  for (let p = 0; p <= MAILBOX_MAX_PID; p++) if ((mask & (1 << p)) !== 0) out.push(pidName(p));
  return `{${out.join(", ")}}`;
}

function range(a: number, b: number): number[] {
  return Array.from({ length: b - a }, (_, i) => a + i);
}

/**
 * Declares a mailbox.
 *
 * Slots: life (never created, exists, removed), owner, a policy slot (the
 * pair's ends, the receive lock, or the round-robin turn), the policy-(c)
 * receivers that exited, two masks for two-step operations (capacity-0
 * offers taken; first steps that failed), the queue length, then per message
 * `[message, sender, receiver]`, kept shifted to the front.
 *
 * @param name The unique name (its id), used in traces.
 * @param options Capacity, policy, ownership.
 * @returns The mailbox.
 *
 * @example A round-robin mailbox of capacity 2 over receivers 1 and 2
 * ```ts
 * import { mailbox } from "./mailbox.ts";
 * import assert from "node:assert/strict";
 *
 * const mb = mailbox("jobs", { capacity: 2, policy: "round-robin", receivers: [1, 2] });
 * assert.equal(mb.slots, 7 + 2 * 3);
 * assert.equal(mailbox("log", { capacity: "unbounded", bound: 3 }).boundProperty, "log bound 3");
 * ```
 */
export function mailbox<M = number>(name: string, options: MailboxOptions<M>): Mailbox {
  requireName("mailbox", name);
  const where = `mailbox '${name}'`;
  const { capacity } = options;
  const { bound, policy, picks, owner, exists } = mailboxSettings(where, options);
  const createdBy = options.createdBy;
  const creator = (): number =>
    createdBy === undefined ? -1 : typeof createdBy === "number" ? createdBy : createdBy.resolve();
  const room = capacity === "unbounded" ? bound : capacity === 0 ? 1 : capacity;
  const receivers = receiverList(where, options);
  const slots = QUEUE + room * ENTRY;
  let queries: BufferQueries | undefined;
  const mb: Mailbox = {
    kind: "mailbox",
    name,
    capacity,
    bound,
    policy,
    owner,
    boundProperty: `${name} bound ${bound}`,
    slots,
    init(w, off) {
      w.fill(0, off, off + slots);
      if (exists) {
        w[off + LIFE] = EXISTS;
        const c = creator();
        if (c >= 0) {
          bit(c);
          w[off + OWNER] = c + 1;
        }
      }
    },
    format(w, off, pidName) {
      const show = options.message !== undefined ? options.message.format : String;
      return formatMailbox(w, off, pidName, { capacity, policy, receivers, show });
    },
    value(w, off) {
      // A capacity-0 offer belongs to its blocked sender: nothing waits.
      if (w[off + LIFE] !== EXISTS) return -1;
      return capacity === 0 ? 0 : w[off + COUNT]!;
    },
    get bufferQueries() {
      return queries ??= mailboxQueries(mb);
    },
    holds(w, off, pid) {
      return policy === "exclusive" && w[off + LIFE] === EXISTS && w[off + AUX] === pid + 1;
    },
    validate() {
      try {
        receivers();
        if (createdBy !== undefined) bit(creator());
      } catch (e) {
        return e instanceof Error ? e.message : String(e);
      }
      return undefined;
    },
    // Only a process-owned mailbox or a policy-(c) one cares that a process
    // exits; without the hook the others stay independent of every exit
    // (partial-order reduction).
    ...(owner === "process" || picks
      ? {
        onExit(w: Int32Array, off: number, pid: number) {
          const life = w[off + LIFE]!;
          if (owner === "process" && life === EXISTS && w[off + OWNER] === pid + 1) {
            if (capacity !== 0) tapDrop(taps, w, 0, 0, w[off + COUNT]!);
            remove(w, off, slots);
            return;
          }
          if (picks && life !== REMOVED && receivers().includes(pid)) {
            w[off + GONE] = w[off + GONE]! | bit(pid);
          }
        },
      }
      : {}),
  };
  const taps = messageTaps(mb, () => ({ lanes: 1, capacity: room }));
  const bytes = mailboxBytes(where, options);
  INTERNALS.set(mb, { room, receivers, taps, ...(bytes !== undefined ? { bytes } : {}) });
  return mb;
}

/** The byte capacity and message sizes of a mailbox declared with `bytes` and `size`, checked. */
function mailboxBytes<M>(where: string, options: MailboxOptions<M>): Internals["bytes"] {
  const { bytes, size, capacity } = options;
  if (bytes === undefined && size === undefined) return undefined;
  if (bytes === undefined || size === undefined || typeof capacity !== "number" || capacity < 1) {
    throw new TypeError(
      `${where}: message sizes need both bytes and size, and a capacity N >= 1`,
    );
  }
  requireInt(`${where}: bytes`, bytes, 0);
  if (typeof size === "number") requireInt(`${where}: size`, size, 0);
  const type = options.message;
  const sizeOf = (code: number): number => {
    if (typeof size === "number") return size;
    const m = (type !== undefined ? type.decode(code) : code) as M;
    return requireInt(`${where}: the size of message ${JSON.stringify(m)}`, size(m), 0);
  };
  return { bytes, sizeOf };
}

/** The bytes the queued messages of a sized mailbox take. */
function heldBytes(sizeOf: (message: number) => number, w: Int32Array, off: number): number {
  let total = 0;
  for (let i = 0; i < w[off + COUNT]!; i++) total += sizeOf(w[off + QUEUE + i * ENTRY]!);
  return total;
}

/** A mailbox's options, checked: its bound, policy, ownership and whether it exists at the start. */
function mailboxSettings<M>(where: string, options: MailboxOptions<M>): {
  bound: number;
  policy: MailboxPolicy;
  picks: boolean;
  owner: "os" | "process";
  exists: boolean;
} {
  const { capacity } = options;
  let bound = 0;
  if (capacity === "unbounded") {
    if (options.bound === undefined) {
      throw new TypeError(`${where}: an unbounded mailbox needs a bound`);
    }
    bound = requireInt(`${where}: bound`, options.bound, 1, 1 << 16);
  } else {
    requireInt(`${where}: capacity`, capacity, 0, 1 << 16);
    if (options.bound !== undefined) {
      throw new TypeError(`${where}: only an unbounded mailbox has a bound`);
    }
  }
  const policy = options.policy ?? "shared";
  if (!["shared", "pair", "exclusive", "arbitrary", "round-robin"].includes(policy)) {
    throw new TypeError(`${where}: unknown policy '${String(policy)}'`);
  }
  const picks = policy === "arbitrary" || policy === "round-robin";
  if (picks !== (options.receivers !== undefined)) {
    throw new TypeError(
      picks
        ? `${where}: policy '${policy}' needs the receivers the system picks from`
        : `${where}: only the policies 'arbitrary' and 'round-robin' take receivers`,
    );
  }
  const owner = options.owner ?? "os";
  if (owner !== "os" && owner !== "process") {
    throw new TypeError(`${where}: owner must be 'os' or 'process', got '${String(owner)}'`);
  }
  if (owner === "process" && picks) {
    throw new TypeError(
      `${where}: a process-owned mailbox has one receiver, its owner; policy '${policy}' does not apply`,
    );
  }
  const exists = options.exists ?? true;
  if (!exists && options.createdBy !== undefined) {
    throw new TypeError(`${where}: a mailbox that does not exist yet has no creator`);
  }
  if (exists && owner === "process" && options.createdBy === undefined) {
    throw new TypeError(
      `${where}: a process-owned mailbox that exists at the start needs createdBy`,
    );
  }
  return { bound, policy, picks, owner, exists };
}

/** The receivers a policy-(c) mailbox picks from, checked and cached on first use. */
function receiverList<M>(where: string, options: MailboxOptions<M>): () => number[] {
  let receiverCache: number[] | undefined;
  return (): number[] => {
    if (options.receivers === undefined) return [];
    if (receiverCache !== undefined) return receiverCache;
    const list = resolvePids(options.receivers);
    if (list.length === 0) throw new RangeError(`${where}: the receivers list is empty`);
    for (const p of list) {
      if (!Number.isInteger(p) || p < 0 || p > MAILBOX_MAX_PID) {
        throw new RangeError(`${where}: receiver pid ${p} is out of range 0..${MAILBOX_MAX_PID}`);
      }
    }
    if (new Set(list).size !== list.length) {
      throw new RangeError(`${where}: a receiver is listed twice`);
    }
    return receiverCache = list;
  };
}

/**
 * What `len`, `empty` and `full` read of a mailbox. One not (or no longer)
 * there holds nothing and is not full (a send fails rather than blocks);
 * capacity 0 holds nothing and has no room (a send waits for a receiver).
 */
function mailboxQueries(mb: Mailbox): BufferQueries {
  const { capacity } = mb;
  // With a byte capacity, full also when every byte is taken.
  const bytesFull = (w: Int32Array, off: number) => {
    const sized = internals(mb).bytes;
    return sized !== undefined && heldBytes(sized.sizeOf, w, off) >= sized.bytes;
  };
  return {
    length: (w, off) => w[off + LIFE] !== EXISTS || capacity === 0 ? 0 : w[off + COUNT]!,
    full: (w, off) =>
      w[off + LIFE] === EXISTS &&
      (capacity === 0 || (capacity !== "unbounded" && w[off + COUNT]! >= capacity) ||
        bytesFull(w, off)),
  };
}

/** The mailbox in a trace: its messages or offer, owner, link, next receiver, exited receivers. */
function formatMailbox(
  w: Int32Array,
  off: number,
  pidName: (pid: number) => string,
  how: {
    capacity: MailboxOptions["capacity"];
    policy: MailboxPolicy;
    receivers: () => number[];
    show: (message: number) => string;
  },
): string {
  const { capacity, policy, receivers, show } = how;
  const life = w[off + LIFE]!;
  if (life === 0) return "not created";
  if (life === REMOVED) return "removed";
  const n = w[off + COUNT]!;
  const items: string[] = [];
  for (let i = 0; i < n; i++) {
    const e = off + QUEUE + i * ENTRY;
    const tag = w[e + 2]!;
    items.push(`${show(w[e]!)}${tag > 0 ? `→${pidName(tag - 1)}` : ""}`);
  }
  const parts = [
    capacity === 0 ? (n === 0 ? "no offer" : `offer ${items[0]}`) : `[${items.join(",")}]`,
  ];
  if (w[off + OWNER]! > 0) parts.push(`owner ${pidName(w[off + OWNER]! - 1)}`);
  const aux = w[off + AUX]!;
  if (policy === "pair" && aux !== 0) parts.push(`link ${maskNames(aux, pidName)}`);
  if (policy === "exclusive" && aux !== 0) parts.push(`receiving ${pidName(aux - 1)}`);
  if (policy === "round-robin") parts.push(`next ${pidName(receivers()[aux]!)}`);
  if (w[off + GONE]! !== 0) parts.push(`exited ${maskNames(w[off + GONE]!, pidName)}`);
  return parts.join(", ");
}

/** The mailbox dies: messages discarded, waiters see EIDRM from now on. */
function remove(w: Int32Array, off: number, slots: number): void {
  const taken = w[off + TAKEN]!, failed = w[off + FAILED]!;
  w.fill(0, off, off + slots);
  w[off + LIFE] = REMOVED;
  w[off + TAKEN] = taken;
  w[off + FAILED] = failed;
}

// --- shared pieces of the operations ------------------------------------------

/** Options of {@linkcode mbSend}. */
export interface MailboxSendOptions {
  /** Where the status goes: `OK`, `ENOENT`, `EIDRM`, `ENXIO` (policy c). */
  status?: Into;
  /**
   * Policy (c) only: where the pid of the receiver the system picked goes
   * (written when it picks: at the send, or at the offer for capacity 0).
   */
  receiver?: Into;
}

/** Options of {@linkcode mbReceive}. */
export interface MailboxReceiveOptions {
  /** Where the status goes: `OK`, `ENOENT`, `EIDRM`. */
  status?: Into;
  /** Where the sender's pid goes. */
  from?: Into;
  /**
   * Never block (a poll): with no message for the caller, `EAGAIN` goes to
   * `status` (required) and `into` is left alone. Not for the `exclusive`
   * policy.
   */
  nonblocking?: boolean;
  /**
   * Selective receive: only messages that match (made by `s.match`), the
   * first match in queue order; the receive blocks (or, non-blocking, gets
   * `EAGAIN`) while none is there. Not for the `exclusive` policy.
   */
  where?: Match;
  /**
   * Peek (`MSG_PEEK`): copy the message (the first match, with `where`)
   * into `into` and leave it queued; a capacity-0 offer stays with its
   * sender. Not for the `exclusive` policy.
   */
  peek?: boolean;
}

/** Options of {@linkcode mbCreate} and {@linkcode mbDestroy}. */
export interface MailboxStatusOptions {
  /** Where the status goes. */
  status?: Into;
}

function lifeError(life: number): number {
  return life === 0 ? Errno.ENOENT : Errno.EIDRM;
}

function errName(code: number): string {
  return Object.entries(Errno).find(([, v]) => v === code)?.[0] ?? String(code);
}

/**
 * Reports `code` into `status`, or, when there is no target, returns the
 * misuse message (an error must never pass silently).
 */
function report(
  status: Into | undefined,
  ctx: Ctx,
  code: number,
  what: string,
  who: string,
): string | undefined {
  if (status !== undefined) {
    status.set(ctx, code);
    return undefined;
  }
  return `${who}: ${what} fails with ${errName(code)}, and has no status target to report it`;
}

/** Why process `pid` may not send or receive on `mb` now, or undefined. */
function misuse(
  mb: Mailbox,
  w: Int32Array,
  off: number,
  pid: number,
  receiving: boolean,
  pidName: (pid: number) => string,
): string | undefined {
  if (mb.policy === "pair") {
    const users = w[off + AUX]!;
    if ((users & bit(pid)) === 0 && popcount(users) >= 2) {
      return `${pidName(pid)} uses '${mb.name}', a link that already joins ${
        maskNames(users, pidName)
      } (policy 'pair': at most two processes)`;
    }
  }
  if (!receiving) return undefined;
  if (mb.owner === "process" && w[off + OWNER] !== pid + 1) {
    const o = w[off + OWNER]!;
    return `${pidName(pid)} receives from '${mb.name}', which ${
      o > 0 ? pidName(o - 1) : "nobody"
    } owns (only the owner of a process-owned mailbox receives)`;
  }
  if (mb.policy === "arbitrary" || mb.policy === "round-robin") {
    if (!internals(mb).receivers().includes(pid)) {
      return `${
        pidName(pid)
      } receives from '${mb.name}' but is not one of its receivers (policy '${mb.policy}')`;
    }
  }
  return undefined;
}

/** Whether `misuse` can say anything for this mailbox (cheap guard). */
function misuseFree(mb: Mailbox, receiving: boolean): boolean {
  return mb.policy !== "pair" &&
    (!receiving || (mb.owner === "os" && mb.policy !== "arbitrary" && mb.policy !== "round-robin"));
}

const NAMES_FOR_GUARD = (pid: number) => `pid ${pid}`;

function misused(
  mb: Mailbox,
  w: Int32Array,
  off: number,
  pid: number,
  receiving: boolean,
): boolean {
  return !misuseFree(mb, receiving) &&
    misuse(mb, w, off, pid, receiving, NAMES_FOR_GUARD) !== undefined;
}

function recordUser(mb: Mailbox, w: Int32Array, off: number, pid: number): void {
  if (mb.policy === "pair") w[off + AUX] = w[off + AUX]! | bit(pid);
}

function liveReceivers(mb: Mailbox, w: Int32Array, off: number): number[] {
  const gone = w[off + GONE]!;
  return internals(mb).receivers().filter((p) => (gone & (1 << p)) === 0);
}

/**
 * The receiver the system picks for outcome `choice`: policy (c) only.
 * Returns -1 when every receiver has exited.
 */
function pick(mb: Mailbox, w: Int32Array, off: number, choice: number): number {
  if (mb.policy === "arbitrary") return liveReceivers(mb, w, off)[choice] ?? -1;
  const all = internals(mb).receivers();
  const gone = w[off + GONE]!;
  for (let k = 0; k < all.length; k++) {
    const i = (w[off + AUX]! + k) % all.length;
    if ((gone & (1 << all[i]!)) === 0) {
      w[off + AUX] = (i + 1) % all.length;
      return all[i]!;
    }
  }
  return -1;
}

function enqueue(w: Int32Array, off: number, v: number, sender: number, tag: number): void {
  const n = w[off + COUNT]!;
  const e = off + QUEUE + n * ENTRY;
  w[e] = v;
  w[e + 1] = sender;
  w[e + 2] = tag + 1;
  w[off + COUNT] = n + 1;
}

/** Index of the oldest message `pid` may take, or -1. */
function eligible(
  mb: Mailbox,
  w: Int32Array,
  off: number,
  pid: number,
  where?: { match: Match; ctx: Ctx },
): number {
  const n = w[off + COUNT]!;
  const picks = mb.policy === "arbitrary" || mb.policy === "round-robin";
  if (!picks && where === undefined) return n > 0 ? 0 : -1;
  for (let i = 0; i < n; i++) {
    const e = off + QUEUE + i * ENTRY;
    if (picks && w[e + 2] !== pid + 1) continue;
    if (where === undefined) return i;
    const r = where.match.test(w[e]!, where.ctx);
    if (r === true) return i;
    if (r !== false) throw new TypeError(`the match must return a boolean, got ${String(r)}`);
  }
  return -1;
}

/** Removes entry `i`, returning [message, sender]. */
function dequeue(w: Int32Array, off: number, i: number): [number, number] {
  const n = w[off + COUNT]!;
  const e = off + QUEUE + i * ENTRY;
  const out: [number, number] = [w[e]!, w[e + 1]!];
  closeGap(w, off + QUEUE, n, i, ENTRY);
  w[off + COUNT] = n - 1;
  return out;
}

function mask(w: Int32Array, off: number, slot: number, pid: number): boolean {
  return (w[off + slot]! & bit(pid)) !== 0;
}

function setMask(w: Int32Array, off: number, slot: number, pid: number, on: boolean): void {
  w[off + slot] = on ? w[off + slot]! | bit(pid) : w[off + slot]! & ~bit(pid);
}

function alternatives(...ops: OpImpl[]): Step {
  if (ops.length === 1) return opStep(ops[0]!);
  return {
    kind: "choose",
    name: "choose",
    branches: ops.map((op) => [opStep(op)]),
    src: callerSource(),
  };
}

function queueSlots(mb: Mailbox): number[] {
  return range(QUEUE, QUEUE + internals(mb).room * ENTRY);
}

// --- operations ---------------------------------------------------------------

/**
 * `create(A)`: makes the mailbox, owned by the caller. On an existing
 * mailbox the status is `EEXIST`; on a removed one `EIDRM` (ids are not
 * reused).
 *
 * @param mb The mailbox (declared with `exists: false`).
 * @param options Where the status goes.
 * @returns The step.
 *
 * @example
 * ```ts
 * import { mailbox, mbCreate } from "./mailbox.ts";
 * import assert from "node:assert/strict";
 *
 * const mb = mailbox("port", { capacity: 1, owner: "process", exists: false });
 * assert.equal(mbCreate(mb).kind, "op");
 * ```
 */
export function mbCreate(mb: Mailbox, options: MailboxStatusOptions = {}): Step {
  const { status } = options;
  return opStep({
    prim: mb,
    text: `create(${mb.name})`,
    footprint: { reads: [LIFE], writes: [LIFE, OWNER] },
    failure: MAILBOX_MISUSE,
    enabled: () => true,
    apply(w, off, pid, ctx, pidName) {
      const life = w[off + LIFE]!;
      if (life !== 0) {
        const code = life === EXISTS ? Errno.EEXIST : Errno.EIDRM;
        return report(status, ctx, code, `create(${mb.name})`, pidName(pid));
      }
      bit(pid);
      w[off + LIFE] = EXISTS;
      w[off + OWNER] = pid + 1;
      status?.set(ctx, Errno.OK);
      return undefined;
    },
  });
}

/**
 * `destroy(A)`: removes the mailbox. Its queued messages are discarded, and
 * every process blocked on it wakes with `EIDRM`. Only the owner may destroy
 * an owned mailbox (`EPERM` otherwise).
 *
 * @param mb The mailbox.
 * @param options Where the status goes.
 * @returns The step.
 *
 * @example
 * ```ts
 * import { mailbox, mbDestroy } from "./mailbox.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(mbDestroy(mailbox("q", { capacity: 1 })).kind, "op");
 * ```
 */
export function mbDestroy(mb: Mailbox, options: MailboxStatusOptions = {}): Step {
  const { status } = options;
  const taps = internals(mb).taps;
  return opStep({
    prim: mb,
    text: `destroy(${mb.name})`,
    footprint: { reads: "all", writes: "all" },
    failure: MAILBOX_MISUSE,
    enabled: () => true,
    apply(w, off, pid, ctx, pidName) {
      const life = w[off + LIFE]!;
      const what = `destroy(${mb.name})`;
      if (life !== EXISTS) return report(status, ctx, lifeError(life), what, pidName(pid));
      const o = w[off + OWNER]!;
      if (o !== 0 && o !== pid + 1) return report(status, ctx, Errno.EPERM, what, pidName(pid));
      if (mb.capacity !== 0) tapDrop(taps, w, 0, 0, w[off + COUNT]!);
      remove(w, off, mb.slots);
      status?.set(ctx, Errno.OK);
      return undefined;
    },
  });
}

/**
 * `send(A, m)`: sends a message to the mailbox.
 *
 * - Capacity N: blocks while N messages wait.
 * - Capacity 0: offers the message and blocks until a receiver takes it
 *   (two transitions: the offer, and the return).
 * - Unbounded: never blocks; the declared bound ends the exploration of that
 *   path (`incomplete`).
 *
 * Under policy (c) the system picks the receiver: `"arbitrary"` explores
 * every live receiver, `"round-robin"` takes the next one in turn; its pid
 * goes to `receiver`. The status is `OK`, `ENOENT` (never created), `EIDRM`
 * (removed, also while blocked), or `ENXIO` (policy c, every receiver
 * exited). A third process on a `"pair"` link, or an error without a
 * `status` target, is a `mailbox misuse` violation.
 *
 * @param mb The mailbox.
 * @param message The message: a number or `s.expr(...)`.
 * @param options Where the status and the picked receiver go.
 * @returns The step.
 *
 * @example
 * ```ts
 * import { mailbox, mbSend } from "./mailbox.ts";
 * import assert from "node:assert/strict";
 *
 * const mb = mailbox("mb", { capacity: 0, policy: "arbitrary", receivers: [1, 2] });
 * assert.equal(mbSend(mb, 7).kind, "region");
 * ```
 */
export function mbSend(
  mb: Mailbox,
  message: number | Expr,
  options: MailboxSendOptions = {},
): Step {
  const { status, receiver } = options;
  const picks = mb.policy === "arbitrary" || mb.policy === "round-robin";
  if (receiver !== undefined && !picks) {
    throw new TypeError(
      `send(${mb.name}): only policies 'arbitrary' and 'round-robin' tell the sender who receives`,
    );
  }
  const p = sendParts(mb, message, options, picks);
  if (mb.capacity !== 0) return p.unbounded ? unboundedSend(p, status) : opStep(sendOp(p));
  // Capacity 0: offer, then return once taken (or with the error).
  const offer = opStep(sendOp(p, { text: p.text }));
  return region(p.text, offer, offerReturn(mb, p.text, status));
}

type SendGuard = (w: Int32Array, off: number, pid: number, ctx: Ctx) => boolean;

/** What the operations of one send share. */
interface SendParts {
  readonly mb: Mailbox;
  readonly text: string;
  readonly room: number;
  readonly unbounded: boolean;
  readonly footprint: Footprint;
  /** The system picks arbitrarily among several receivers: one outcome per live receiver. */
  readonly multi: boolean;
  readonly outcomes: (w: Int32Array, off: number) => number;
  /** The guard: an error outcome, or room for the message. */
  readonly ready: SendGuard;
  /** An unbounded mailbox at its exploration bound. */
  readonly overBound: (w: Int32Array, off: number, pid: number) => boolean;
  /** The send proper; returns a violation message or undefined. */
  readonly put: OpImpl["apply"];
}

function sendParts(
  mb: Mailbox,
  message: number | Expr,
  options: MailboxSendOptions,
  picks: boolean,
): SendParts {
  const text = `send(${mb.name})`;
  const room = internals(mb).room;
  const unbounded = mb.capacity === "unbounded";
  const sendSlots = [LIFE, AUX, GONE, FAILED, COUNT, ...queueSlots(mb)];
  const footprint: Footprint = {
    reads: sendSlots,
    writes: [AUX, FAILED, COUNT, ...queueSlots(mb)],
  };
  // Outcomes: 1 unless the system picks arbitrarily among several receivers.
  const multi = mb.policy === "arbitrary";
  const outcomes = (w: Int32Array, off: number): number => {
    if (!multi || w[off + LIFE] !== EXISTS) return 1;
    return Math.max(1, liveReceivers(mb, w, off).length);
  };
  const sized = internals(mb).bytes;
  // With sizes: room in bytes too, or a message that can never fit (it fails).
  const fits = (w: Int32Array, off: number, ctx: Ctx) => {
    if (sized === undefined) return true;
    const n = sized.sizeOf(checkMessage(mb, evalExpr(message, ctx)));
    return n > sized.bytes || heldBytes(sized.sizeOf, w, off) + n <= sized.bytes;
  };
  const canPut = (w: Int32Array, off: number, ctx: Ctx) =>
    mb.capacity === 0
      ? w[off + COUNT] === 0
      : unbounded || (w[off + COUNT]! < room && fits(w, off, ctx));
  const ready = (w: Int32Array, off: number, pid: number, ctx: Ctx) =>
    w[off + LIFE] !== EXISTS || misused(mb, w, off, pid, false) || canPut(w, off, ctx);
  const overBound = (w: Int32Array, off: number, pid: number) =>
    unbounded && w[off + LIFE] === EXISTS && !misused(mb, w, off, pid, false) &&
    w[off + COUNT]! >= room;
  const put = sendPut(mb, message, options, picks, text);
  return { mb, text, room, unbounded, footprint, multi, outcomes, ready, overBound, put };
}

/** The send proper: checks, picks the receiver, enqueues; a violation message or undefined. */
function sendPut(
  mb: Mailbox,
  message: number | Expr,
  options: MailboxSendOptions,
  picks: boolean,
  text: string,
): OpImpl["apply"] {
  const { status, receiver } = options;
  const twoStep = mb.capacity === 0;
  const taps = internals(mb).taps;
  const sized = internals(mb).bytes;
  return (
    w: Int32Array,
    off: number,
    pid: number,
    ctx: Ctx,
    pidName: (p: number) => string,
    choice: number,
  ) => {
    const life = w[off + LIFE]!;
    const fail = (code: number) => {
      if (twoStep) setMask(w, off, FAILED, pid, true);
      return report(status, ctx, code, text, pidName(pid));
    };
    if (life !== EXISTS) return fail(lifeError(life));
    const bad = misuse(mb, w, off, pid, false, pidName);
    if (bad !== undefined) return bad;
    const v = checkMessage(mb, evalExpr(message, ctx));
    // A message larger than the whole byte capacity can never be queued.
    if (sized !== undefined && sized.sizeOf(v) > sized.bytes) return fail(Errno.EMSGSIZE);
    let tag = -1;
    if (picks) {
      tag = pick(mb, w, off, choice);
      if (tag < 0) return fail(Errno.ENXIO);
    }
    recordUser(mb, w, off, pid);
    // Templates: a capacity-0 offer is not yet sent (its sender waits and
    // learns the outcome), so it is reported when a receiver takes it.
    if (mb.capacity !== 0) tapPut(taps, w, 0, w[off + COUNT]!, pid, v, 0, tag);
    enqueue(w, off, v, pid, tag);
    if (tag >= 0) receiver?.set(ctx, tag);
    if (!twoStep) status?.set(ctx, Errno.OK);
    return undefined;
  };
}

const choiceText = (c: number) => `the system picks receiver ${c + 1} of those alive`;

/** A send operation, with what `over` replaces; one choice per live receiver under `"arbitrary"`. */
function sendOp(p: SendParts, over: {
  text?: string;
  bound?: boolean;
  enabled?: SendGuard;
  apply?: OpImpl["apply"];
} = {}): OpImpl {
  const { mb, ready, overBound, outcomes } = p;
  const enabled = over.enabled ??
    ((w, off, pid, ctx) => ready(w, off, pid, ctx) && !overBound(w, off, pid));
  const op: OpImpl = {
    prim: mb,
    text: over.text ?? p.text,
    footprint: p.footprint,
    failure: over.bound === true ? mb.boundProperty : MAILBOX_MISUSE,
    ...(over.bound === true ? { failureKind: "bound" as const } : {}),
    enabled,
    apply: over.apply ?? p.put,
  };
  if (!p.multi) return op;
  return withChoices(
    op,
    () => internals(mb).receivers().length,
    (w, off, pid, ctx) => enabled(w, off, pid, ctx) ? outcomes(w, off) : 0,
    choiceText,
  );
}

/** A send to an unbounded mailbox: the send, or the bound reached. */
function unboundedSend(p: SendParts, status: MailboxSendOptions["status"]): Step {
  const { mb, text, room, overBound, put } = p;
  const boundOp: OpImpl = {
    prim: mb,
    text,
    footprint: { reads: [LIFE, AUX, COUNT], writes: [] },
    failure: mb.boundProperty,
    failureKind: "bound",
    enabled: (w, off, pid) => overBound(w, off, pid),
    apply: (_w, _off, pid, _ctx, pidName) =>
      `${
        pidName(pid)
      } sends to '${mb.name}', which already holds ${room} messages, its declared exploration bound`,
  };
  // Without any possible misuse, one operation carries the bound.
  if (status !== undefined && mb.policy !== "pair") {
    return opStep(sendOp(p, {
      bound: true,
      enabled: p.ready,
      apply: (w, off, pid, ctx, pidName, choice) =>
        overBound(w, off, pid)
          ? boundOp.apply(w, off, pid, ctx, pidName, choice)
          : put(w, off, pid, ctx, pidName, choice),
    }));
  }
  return alternatives(sendOp(p), boundOp);
}

/** The return of a capacity-0 send, once its offer is taken (or with the error). */
function offerReturn(mb: Mailbox, text: string, status: MailboxSendOptions["status"]): Step {
  return opStep({
    prim: mb,
    text: `${text} returns`,
    footprint: { reads: [LIFE, TAKEN, FAILED], writes: [TAKEN, FAILED] },
    failure: MAILBOX_MISUSE,
    enabled: (w, off, pid) =>
      mask(w, off, TAKEN, pid) || mask(w, off, FAILED, pid) || w[off + LIFE] !== EXISTS,
    apply(w, off, pid, ctx, pidName) {
      if (mask(w, off, TAKEN, pid)) {
        setMask(w, off, TAKEN, pid, false);
        status?.set(ctx, Errno.OK);
        return undefined;
      }
      if (mask(w, off, FAILED, pid)) {
        setMask(w, off, FAILED, pid, false);
        return undefined;
      }
      // The mailbox went away with the offer in it.
      return report(status, ctx, Errno.EIDRM, text, pidName(pid));
    },
  });
}

/**
 * `receive(A, m)`: takes the oldest message the caller may take (policy c:
 * the oldest assigned to it) into `into`, blocking while there is none.
 * Under policy `"exclusive"` it first takes the mailbox's receive lock
 * (blocking while another process is receiving), then waits for a message
 * holding it: two transitions.
 *
 * Taking a capacity-0 offer lets its sender return. The status is `OK`,
 * `ENOENT` or `EIDRM` (the mailbox was removed, also while blocked). A
 * receive by a non-owner of a process-owned mailbox, by a process that is
 * not a policy-(c) receiver, by a third process on a `"pair"` link, or an
 * error without a `status` target, is a `mailbox misuse` violation.
 *
 * @param mb The mailbox.
 * @param into Where the message goes.
 * @param options Where the status and the sender's pid go.
 * @returns The step.
 *
 * @example
 * ```ts
 * import { mailbox, mbReceive } from "./mailbox.ts";
 * import assert from "node:assert/strict";
 *
 * const mb = mailbox("mb", { capacity: 1, policy: "exclusive" });
 * const into = { kind: "into", text: "x", set: () => {} } as const;
 * assert.equal(mbReceive(mb, into).kind, "region");
 * ```
 */
export function mbReceive(mb: Mailbox, into: Into, options: MailboxReceiveOptions = {}): Step {
  const { status, from, where } = options;
  const nonblocking = options.nonblocking === true;
  const peek = options.peek === true;
  const verb = peek ? "peek" : nonblocking ? "poll" : "receive";
  const text = `${verb}(${mb.name}) into ${into.text}${where !== undefined ? " where ..." : ""}`;
  const exclusive = mb.policy === "exclusive";
  checkReceiveOptions(mb, options, nonblocking);
  const all: Footprint = {
    reads: [LIFE, OWNER, AUX, TAKEN, FAILED, COUNT, ...queueSlots(mb)],
    writes: peek ? [AUX] : [AUX, TAKEN, FAILED, COUNT, ...queueSlots(mb)],
  };
  const taps = internals(mb).taps;
  const pickFor = (w: Int32Array, off: number, pid: number, ctx: Ctx) =>
    eligible(mb, w, off, pid, where !== undefined ? { match: where, ctx } : undefined);
  const takeOne = (w: Int32Array, off: number, pid: number, ctx: Ctx) => {
    const i = pickFor(w, off, pid, ctx);
    if (peek) {
      const e = off + QUEUE + i * ENTRY;
      into.set(ctx, w[e]!);
      from?.set(ctx, w[e + 1]!);
      status?.set(ctx, Errno.OK);
      return;
    }
    if (mb.capacity === 0 && taps.length > 0) {
      const e = off + QUEUE + i * ENTRY;
      tapPut(taps, w, 0, 0, w[e + 1]!, w[e]!, 0, w[e + 2]! - 1);
    }
    tapTake(taps, w, 0, i, pid);
    const [v, sender] = dequeue(w, off, i);
    if (mb.capacity === 0) setMask(w, off, TAKEN, sender, true);
    into.set(ctx, v);
    from?.set(ctx, sender);
    status?.set(ctx, Errno.OK);
  };
  if (!exclusive) {
    return opStep({
      prim: mb,
      text,
      footprint: all,
      failure: MAILBOX_MISUSE,
      enabled: (w, off, pid, ctx) =>
        nonblocking || w[off + LIFE] !== EXISTS || misused(mb, w, off, pid, true) ||
        pickFor(w, off, pid, ctx) >= 0,
      apply(w, off, pid, ctx, pidName) {
        const life = w[off + LIFE]!;
        if (life !== EXISTS) return report(status, ctx, lifeError(life), text, pidName(pid));
        const bad = misuse(mb, w, off, pid, true, pidName);
        if (bad !== undefined) return bad;
        recordUser(mb, w, off, pid);
        if (nonblocking && pickFor(w, off, pid, ctx) < 0) {
          status!.set(ctx, Errno.EAGAIN);
          return undefined;
        }
        takeOne(w, off, pid, ctx);
        return undefined;
      },
    });
  }
  const enter = receiveLockStep(mb, text, status);
  const get = opStep({
    prim: mb,
    text,
    footprint: all,
    failure: MAILBOX_MISUSE,
    enabled: (w, off, pid) =>
      mask(w, off, FAILED, pid) || w[off + LIFE] !== EXISTS || w[off + COUNT]! > 0,
    apply(w, off, pid, ctx, pidName) {
      if (mask(w, off, FAILED, pid)) {
        setMask(w, off, FAILED, pid, false);
        return undefined;
      }
      if (w[off + LIFE] !== EXISTS) return report(status, ctx, Errno.EIDRM, text, pidName(pid));
      takeOne(w, off, pid, ctx);
      w[off + AUX] = 0;
      return undefined;
    },
  });
  return region(`receive(${mb.name})`, enter, get);
}

/** Refuses the receive options a mailbox does not offer. */
function checkReceiveOptions(mb: Mailbox, options: MailboxReceiveOptions, nonblocking: boolean) {
  const exclusive = mb.policy === "exclusive";
  if (nonblocking && (exclusive || options.status === undefined)) {
    throw new TypeError(
      `mbReceive(${mb.name}): a non-blocking receive needs a status target` +
        (exclusive ? " and is not modelled for the exclusive policy" : ""),
    );
  }
  if (exclusive && (options.where !== undefined || options.peek === true)) {
    throw new TypeError(
      `mbReceive(${mb.name}): selective receive and peek are not modelled for the exclusive policy`,
    );
  }
  if (options.where !== undefined && options.where?.kind !== "match") {
    throw new TypeError(`mbReceive(${mb.name}): where must be made by s.match(...)`);
  }
}

/** Under policy `"exclusive"`, a receive's first transition: taking the receive lock. */
function receiveLockStep(
  mb: Mailbox,
  text: string,
  status: MailboxReceiveOptions["status"],
): Step {
  return opStep({
    prim: mb,
    text: `receive(${mb.name}): take the receive lock`,
    footprint: { reads: [LIFE, OWNER, AUX, FAILED], writes: [AUX, FAILED] },
    failure: MAILBOX_MISUSE,
    enabled: (w, off, pid) =>
      w[off + LIFE] !== EXISTS || misused(mb, w, off, pid, true) || w[off + AUX] === 0,
    apply(w, off, pid, ctx, pidName) {
      const life = w[off + LIFE]!;
      if (life !== EXISTS) {
        setMask(w, off, FAILED, pid, true);
        return report(status, ctx, lifeError(life), text, pidName(pid));
      }
      const bad = misuse(mb, w, off, pid, true, pidName);
      if (bad !== undefined) return bad;
      w[off + AUX] = pid + 1;
      return undefined;
    },
  });
}
