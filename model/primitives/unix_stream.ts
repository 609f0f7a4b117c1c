/**
 * Unix domain sockets with connections, `SOCK_STREAM` and `SOCK_SEQPACKET`
 * (docs/semantics.md §7, "Connection setup", "SOCK_STREAM",
 * "SOCK_SEQPACKET").
 *
 * One {@linkcode unixStream} is a named listening socket together with a
 * small fixed pool of connection slots (the `connections` option). A
 * connection slot holds the two ends of one connection: for each end the
 * pid of the process holding it, its flags (shut down for writing, closed,
 * an `ECONNRESET` pending) and its receive queue.
 *
 * **Handles.** {@linkcode sockConnect} and {@linkcode sockAccept} store a
 * *handle* into an `Into` target (a local): `2 × slot + end`, where end 0
 * is the connecting (client) end and end 1 the accepted (server) end. The
 * other operations take the handle as `conn` (a number, or `s.expr(...)`
 * reading the local). A handle is like a descriptor: only the process
 * holding that end may use it.
 *
 * **Connection setup** (§7, probe u04).
 * - {@linkcode sockListen}: `bind` + `listen(backlog)`; `backlog + 1`
 *   connections can wait un-accepted. The socket may also be listening from
 *   the start (the `listening` option: the server listened, then forked).
 * - {@linkcode sockConnect}: no socket file → `ENOENT`; the file but no
 *   listener (closed) → `ECONNREFUSED`; accept queue full → blocks until an
 *   `accept` makes room, and {@linkcode sockConnectNonblock} gets `EAGAIN`.
 *   Once connect returns the connection exists: the client may send before
 *   the server accepts, and the data is kept.
 * - {@linkcode sockAccept}: takes the oldest pending connection; blocks
 *   while there is none ({@linkcode sockAcceptNonblock}: `EAGAIN`).
 * - The last holder of the listener closing it ({@linkcode sockCloseListener},
 *   or exiting): every un-accepted connection is reset, its client gets
 *   `ECONNRESET` on its next read (then 0) and `EPIPE` on writes. Later
 *   connects get `ECONNREFUSED` (the socket file remains).
 *
 * **Data** (§7 SOCK_STREAM, probe u01).
 * - `type: "stream"`: bytes in both directions with no boundaries. A byte
 *   is a small integer; a send of `n` bytes puts `n` copies of its value in
 *   the peer's receive queue, which holds at most `buffer` bytes. A read
 *   returns min(n, queued) bytes at once, so two sends may come back as one
 *   read (with `shortReads`, every size 1..min(n, queued) is explored).
 * - `type: "seqpacket"` (§7 SOCK_SEQPACKET, probe u03): the same connection
 *   rules, but each send is a record (a value and a length) and the queue
 *   holds at most `buffer` records. A read returns one record: its value
 *   into `into`, min(n, length) as the count, and `truncated` = 1 when the
 *   rest was discarded (`MSG_TRUNC`). A zero-length record reads as 0,
 *   indistinguishable from EOF.
 * - {@linkcode sockSend} blocks while the peer's queue has no room for the
 *   send; {@linkcode sockSendNonblock} gets `EAGAIN` instead.
 * - {@linkcode sockRecv} blocks on an empty queue while the peer may still
 *   send; {@linkcode sockRecvNonblock} gets `EAGAIN`.
 *
 * **Shutdown and close.**
 * - {@linkcode sockShutdown} (`SHUT_WR`): the peer reads the rest, then 0;
 *   the caller can still read, and the peer can still send; the caller's
 *   own later sends fail with `EPIPE` (+ SIGPIPE).
 * - {@linkcode sockClose}, or the process exiting (`onExit`: exit closes
 *   every descriptor): the peer reads what is buffered, then 0; its sends
 *   fail with `EPIPE` (+ SIGPIPE), also when already blocked. If the closer
 *   left unread data in its *own* receive queue, the peer reads what was
 *   queued to it, then gets `ECONNRESET` once, then 0. Seqpacket differs
 *   (Linux reads it as datagrams), as the conformance suite found: a lone
 *   zero-length record left unread is no reset (Linux looks past a
 *   zero-length buffer at the head); the reader gets the pending
 *   `ECONNRESET` *before* the records queued to it; and the peer's next
 *   send takes a pending reset too (`ECONNRESET`, no SIGPIPE:
 *   `unix_seqpacket_sendmsg` checks `sock_error()` first).
 *
 * **Templates** (`System.delivery`): one lane per connection direction,
 * lane `2 × slot + end` being the receive queue of that end (named like
 * `conn 0 → accepted end`), holding at most `buffer` messages: a record, or
 * for a stream each byte, from its sender with its value. A receive takes
 * from position 0 (a stream read of `k` bytes is `k` takes). Unread data is
 * dropped when its end is closed (by `close` or exit) and when the listener
 * goes with the connection still un-accepted; a slot is only reused once
 * both of its lanes are empty. `noDuplicates` tells a sender's bytes apart
 * by value only.
 *
 * **Signals.** As for pipes: in a system with a signal table, a send that
 * raises SIGPIPE generates it for the sender through the table, as `kill`
 * would, and gets `EPIPE`; the sender's disposition decides (by default
 * SIGPIPE kills it). Without a signal table, SIGPIPE is recorded in the
 * socket's slots as a per-process pending bit, shown as `SIGPIPE{...}`,
 * when the send has a `status` target: the process survives (SIGPIPE
 * ignored, caught or blocked, or `MSG_NOSIGNAL`) and gets `EPIPE`; a send
 * without a `status` target that raises SIGPIPE is a `broken pipe`
 * violation. Any other error with no `status` target to
 * report it (`ECONNREFUSED`, `ENOENT`, `ECONNRESET`, `EADDRINUSE`) is a
 * {@linkcode SOCKET_ERROR} violation: the program did not look at it.
 *
 * **Departures from Linux, and why.**
 * - *Sends are atomic and wait for room for the whole send.* Linux queues a
 *   send of up to sndbuf/2 bytes as one buffer, blocking only while the
 *   bytes in flight reach sndbuf, so it may overshoot; larger sends are
 *   split. The model's bound is exact instead, and a send larger than
 *   `buffer` is an error of the spec: small models have no sends of 100 KB,
 *   and a protocol must not rely on how sends are split anyway, since reads
 *   return any prefix. Likewise {@linkcode sockSendNonblock} gets `EAGAIN`
 *   whenever the whole send does not fit (Linux: only when full).
 * - *The send buffer is counted per direction in bytes* (records for
 *   seqpacket), not as `sk_wmem_alloc` with per-buffer overhead (§7: 93000
 *   bytes in 1000-byte writes).
 * - *Accept order is FIFO*, as on Linux (the listener's queue); §7 leaves
 *   nothing open here. Which blocked connect or accept goes first is the
 *   checker's choice: each enabled call is a transition of its own.
 * - *The pool of connection slots is an exploration bound.* A connect that
 *   would succeed when every slot is in use is a
 *   {@linkcode SOCKET_CONNECTIONS} bound (`failureKind: "bound"`): that
 *   successor is cut and the verdict is `incomplete`, never `ok`. A slot is
 *   freed when both ends are closed.
 * - *Handles name a connection end*, not a descriptor: no `dup`, no passing
 *   descriptors (`SCM_RIGHTS`), no ends shared through `fork`. Using a
 *   handle the process does not hold is an error of the spec (`EBADF` on
 *   Linux, where the number may have been reused by then).
 * - *Signals*: a blocking call returns `EINTR` only when wrapped in
 *   `interruptible()` (interruptible.ts, §6.4), which also takes the
 *   calls made of alternatives (`sockConnect` without a `status` target,
 *   a receive with `shortReads`). `MSG_NOSIGNAL` is a status target in a
 *   system without a signal table, or SIGPIPE ignored in one with it.
 * - *One path, never unlinked*: a second {@linkcode sockListen} by a
 *   process that does not hold the listener gets `EADDRINUSE`, also once the
 *   listener is closed (the socket file remains). `socketpair`, the
 *   abstract namespace, `SHUT_RD`, `poll`, credentials, timeouts and the
 *   `EPROTOTYPE` of a type mismatch are not modelled.
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
  type OpImpl,
  type PrimitiveImpl,
  type SignalRaiser,
  type Source,
  type Step,
} from "../_ast.ts";
import type { System } from "../system.ts";
import { Errno, errnoName } from "./errno.ts";
import {
  checkExprOrInt,
  checkInto,
  closeGap,
  opStep,
  report,
  requireInt,
  requireName,
  requireStatus,
} from "./_op.ts";
import { maskOf, MAX_PROCESSES, pidSet, processTable, requireSystem, usersMask } from "./_fork.ts";
import { type MessageTap, messageTaps, tapDrop, tapPut, tapTake } from "../_tap.ts";

/**
 * The property of an error no `status` target reports (`ECONNRESET`,
 * `ECONNREFUSED`, ...).
 *
 * @example
 * ```ts
 * import { SOCKET_ERROR } from "./unix_stream.ts";
 * import assert from "node:assert/strict";
 *
 * // A check's `violation.property` names it.
 * assert.equal(SOCKET_ERROR, "socket error");
 * ```
 */
export const SOCKET_ERROR = "socket error";

/**
 * The exploration bound of a connect finding every connection slot in use:
 * reaching it makes the verdict `incomplete`.
 *
 * @example
 * ```ts
 * import { SOCKET_CONNECTIONS } from "./unix_stream.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(SOCKET_CONNECTIONS, "socket connections");
 * ```
 */
export const SOCKET_CONNECTIONS = "socket connections";

/** SIGPIPE's number (signals.ts). */
const SIGPIPE = 13;

/** The property of a send raising SIGPIPE with no `status` target (as for pipes). */
const BROKEN_PIPE = "broken pipe";

// Slot layout, from the socket's first slot:
//   0 LISTENER             the listener: 0 no socket file, 1 listening, 2 closed (file remains)
//   1 LISTENER_HOLDERS     bitmask of the pids holding the listening socket
//   2 BACKLOG              the backlog (backlog + 1 connections wait un-accepted)
//   3 SIGPIPE_PENDING      bitmask of the pids with SIGPIPE pending
//   4 ACCEPT_QUEUE_LENGTH  pending (un-accepted) connections
//   5 ACCEPT_QUEUE ..      connection slots, oldest first, `connections` slots
//   then `connections` connection slots of `stride` slots each:
//     +0                   0 free, 1 pending (in the accept queue), 2 accepted (or orphaned)
//     +1 end 0 (client), then end 1 (server), `endSize` slots each:
//        +0 OWNER          pid + 1 of the holder, 0 when none (not accepted yet, or closed)
//        +1 FLAGS          SHUTWR, CLOSED, RESET
//        +2 QUEUE_LENGTH   entries in the end's receive queue
//        +3 QUEUE ..       the entries, shifted to the front: bytes, or (value, length) records
const LISTENER = 0,
  LISTENER_HOLDERS = 1,
  BACKLOG = 2,
  SIGPIPE_PENDING = 3,
  ACCEPT_QUEUE_LENGTH = 4,
  ACCEPT_QUEUE = 5;
const L_ABSENT = 0, L_LISTENING = 1, L_CLOSED = 2;
const C_FREE = 0, C_PENDING = 1, C_OPEN = 2;
const F_SHUTWR = 1, F_CLOSED = 2, F_RESET = 4;
const OWNER = 0, FLAGS = 1, QUEUE_LENGTH = 2, QUEUE = 3;

/** A socket declared with {@linkcode unixStream}. */
export interface UnixStream extends PrimitiveImpl {
  /** Discriminant. */
  readonly kind: "unix_stream";
  /** `SOCK_STREAM` (bytes) or `SOCK_SEQPACKET` (records). */
  readonly type: "stream" | "seqpacket";
  /** The number of connection slots. */
  readonly connections: number;
  /** The most bytes (records for seqpacket) queued in each direction of a connection. */
  readonly buffer: number;
}

/** A listening socket present at the start (the server listened before forking). */
export interface UnixStreamListening {
  /** The backlog: `backlog + 1` connections can wait un-accepted. */
  backlog: number;
  /**
   * The processes holding the listening socket (kinds or `kind#id`);
   * default: every process whose body accepts on it or closes it.
   */
  holders?: readonly string[];
}

/** Options of {@linkcode unixStream}. */
export interface UnixStreamOptions {
  /** `"stream"` (default, `SOCK_STREAM`) or `"seqpacket"` (`SOCK_SEQPACKET`). */
  type?: "stream" | "seqpacket";
  /** The connection slots, an exploration bound (default 2). */
  connections?: number;
  /** Bytes (records for seqpacket) queued per direction (default 2). Linux: sndbuf 212992 bytes. */
  buffer?: number;
  /** Listening from the start, with this backlog (default: no socket file until {@linkcode sockListen}). */
  listening?: UnixStreamListening;
  /** Stream only: explore every read size 1..min(n, queued), not just min(n, queued). */
  shortReads?: boolean;
}

interface Layout {
  readonly conns: number;
  readonly buffer: number;
  /** Slots per queue entry: 1 (a byte) or 2 (a record). */
  readonly ew: number;
  readonly endSize: number;
  readonly stride: number;
  readonly conn0: number;
  /** The number of slots. */
  readonly size: number;
}

function layoutOf(conns: number, buffer: number, ew: number): Layout {
  const endSize = QUEUE + buffer * ew;
  const stride = 1 + 2 * endSize;
  const conn0 = ACCEPT_QUEUE + conns;
  return { conns, buffer, ew, endSize, stride, conn0, size: conn0 + conns * stride };
}

function connBase(L: Layout, i: number): number {
  return L.conn0 + i * L.stride;
}

function endBase(L: Layout, i: number, e: number): number {
  return L.conn0 + i * L.stride + 1 + e * L.endSize;
}

interface Core {
  readonly sys: Pick<System<unknown>, "processes">;
  readonly prim: UnixStream;
  readonly L: Layout;
  readonly seq: boolean;
  readonly shortReads: boolean;
  readonly listening: UnixStreamListening | undefined;
  /** The operations that make a process a default holder of the listener. */
  readonly listenerOps: Set<OpImpl>;
  readonly footprints: Map<string, Footprint>;
  /** The template taps: lane `2 × slot + end` is the receive queue of that end. */
  readonly taps: MessageTap[];
  /** How to raise SIGPIPE through the system's signal table (none: recorded here). */
  raise?: SignalRaiser | undefined;
}

const CORES = new WeakMap<UnixStream, Core>();

function coreOf(s: UnixStream): Core {
  const c = CORES.get(s);
  if (c === undefined) {
    throw new TypeError(`'${String(s?.name)}' is not a socket made by unixStream()`);
  }
  return c;
}

/** Whether `steps` contain one of `ops`. */
/** The pids holding the listener at the start, or an error message. */
function initialHolders(core: Core): number | string {
  const t = processTable(core.sys, core.prim);
  if (t.names.length > MAX_PROCESSES) {
    return `socket '${core.prim.name}': at most ${MAX_PROCESSES} processes, the system has ${t.names.length}`;
  }
  const l = core.listening;
  if (l === undefined) return 0;
  const m = l.holders !== undefined
    ? maskOf(t, l.holders, `socket '${core.prim.name}': listening.holders`)
    : usersMask(core.sys, (op) => core.listenerOps.has(op));
  // A dormant process (a dynamic kind) holds nothing until it is forked.
  return typeof m === "string" ? m : m & ~t.dormantMask;
}

/** fork: the child holds the listener if its parent does (a connection end has one owner). */
function forkListener(w: Int32Array, off: number, parent: number, child: number): void {
  if (((w[off + LISTENER_HOLDERS]! >>> parent) & 1) === 1) {
    w[off + LISTENER_HOLDERS] = w[off + LISTENER_HOLDERS]! | (1 << child);
  }
}

/**
 * Declares a Unix domain socket path with a listening socket and a pool of
 * connection slots. The system is needed to know its processes (pids are
 * bits of the socket's slots).
 *
 * @param sys The system whose processes use the socket.
 * @param name The unique name (the socket's path), used in traces.
 * @param options Type, connection slots, buffer, and a listener at the start.
 * @returns The socket, for {@linkcode sockConnect}, {@linkcode sockAccept}, ...
 *
 * @example A stream socket listening from the start with backlog 1
 * ```ts
 * import { system } from "../spec.ts";
 * import { unixStream } from "./unix_stream.ts";
 * import assert from "node:assert/strict";
 *
 * const sys = system({});
 * const srv = unixStream(sys, "srv", { connections: 2, buffer: 2, listening: { backlog: 1 } });
 * assert.equal(srv.type, "stream");
 * assert.equal(srv.connections, 2);
 * ```
 */
export function unixStream(
  sys: Pick<System<unknown>, "processes">,
  name: string,
  options: UnixStreamOptions = {},
): UnixStream {
  requireName("socket", name);
  requireSystem(`socket '${name}'`, sys);
  const { type, conns, buffer, listening, shortReads } = socketSettings(name, options);
  const L = layoutOf(conns, buffer, type === "stream" ? 1 : 2);
  const prim: UnixStream = {
    kind: "unix_stream",
    name,
    type,
    connections: conns,
    buffer,
    slots: L.size,
    validate() {
      const core = coreOf(prim);
      core.footprints.clear();
      const m = initialHolders(core);
      return typeof m === "string" ? m : undefined;
    },
    init(w, off) {
      const core = coreOf(prim);
      const m = initialHolders(core);
      if (typeof m === "string") throw new RangeError(m);
      for (let i = 0; i < L.size; i++) w[off + i] = 0;
      // Listening, but held by nobody: closed at once (the file remains).
      if (listening !== undefined) {
        w[off + LISTENER] = m === 0 ? L_CLOSED : L_LISTENING;
        w[off + LISTENER_HOLDERS] = m;
        w[off + BACKLOG] = listening.backlog;
      }
    },
    format(w, off, pidName) {
      return formatSocket(coreOf(prim), w, off, pidName);
    },
    value(w, off) {
      return w[off + ACCEPT_QUEUE_LENGTH]!;
    },
    bufferQueries: endQueries(name, L),
    holds(w, off, pid) {
      return holdsSocket(L, w, off, pid);
    },
    linkSignals(raise) {
      coreOf(prim).raise = raise;
    },
    onFork: forkListener,
    onExit(w, off, pid) {
      exitSocket(L, w, off, pid, coreOf(prim).taps);
    },
  };
  CORES.set(prim, {
    sys,
    prim,
    L,
    seq: type === "seqpacket",
    shortReads,
    listening,
    listenerOps: new Set(),
    footprints: new Map(),
    taps: messageTaps(prim, () => ({
      lanes: 2 * conns,
      capacity: buffer,
      laneName: (lane) => `conn ${lane >> 1} → ${lane & 1 ? "accepted" : "connecting"} end`,
    })),
  });
  return prim;
}

/** A process's exit: its connection ends close, and it stops holding the listener (§7). */
function exitSocket(
  L: Layout,
  w: Int32Array,
  off: number,
  pid: number,
  taps: readonly MessageTap[],
): void {
  for (let i = 0; i < L.conns; i++) {
    for (let e = 0; e < 2; e++) {
      if (w[off + endBase(L, i, e) + OWNER] === pid + 1) closeEnd(L, w, off, i, e, taps);
    }
  }
  const bit = 1 << pid;
  if ((w[off + LISTENER_HOLDERS]! & bit) !== 0) {
    w[off + LISTENER_HOLDERS] = w[off + LISTENER_HOLDERS]! & ~bit;
    if (w[off + LISTENER_HOLDERS] === 0 && w[off + LISTENER] === L_LISTENING) {
      listenerGone(L, w, off, taps);
    }
  }
}

/** A socket's options, checked, with their defaults. */
function socketSettings(name: string, options: UnixStreamOptions): {
  type: "stream" | "seqpacket";
  conns: number;
  buffer: number;
  listening: UnixStreamOptions["listening"];
  shortReads: boolean;
} {
  const type = options.type ?? "stream";
  if (type !== "stream" && type !== "seqpacket") {
    throw new TypeError(`socket '${name}': type must be "stream" or "seqpacket", got ${type}`);
  }
  const conns = requireInt(`socket '${name}': connections`, options.connections ?? 2, 1, 64);
  const buffer = requireInt(`socket '${name}': buffer`, options.buffer ?? 2, 1, 1 << 12);
  const listening = options.listening;
  if (listening !== undefined) {
    if (listening === null || typeof listening !== "object") {
      throw new TypeError(`socket '${name}': listening must be { backlog, holders? }`);
    }
    requireInt(`socket '${name}': listening.backlog`, listening.backlog, 0, 1 << 16);
    if (listening.holders !== undefined && !Array.isArray(listening.holders)) {
      throw new TypeError(`socket '${name}': listening.holders must be a list of processes`);
    }
  }
  const shortReads = options.shortReads ?? false;
  if (shortReads && type !== "stream") {
    throw new TypeError(`socket '${name}': shortReads applies to type "stream" only`);
  }
  return { type, conns, buffer, listening, shortReads };
}

/** Whether `pid` holds the listening socket or a connection end it may still write. */
function holdsSocket(L: Layout, w: Int32Array, off: number, pid: number): boolean {
  if (((w[off + LISTENER_HOLDERS]! >>> pid) & 1) === 1) return true;
  for (let i = 0; i < L.conns; i++) {
    for (let e = 0; e < 2; e++) {
      const eb = off + endBase(L, i, e);
      if (w[eb + OWNER] === pid + 1 && (w[eb + FLAGS]! & F_SHUTWR) === 0) return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------
// State helpers.

function formatSocket(
  core: Core,
  w: Int32Array,
  off: number,
  pidName: (pid: number) => string,
): string {
  const L = core.L;
  const lst = w[off + LISTENER]!;
  const parts: string[] = [];
  if (lst === L_ABSENT) parts.push("no-listener");
  else if (lst === L_CLOSED) parts.push("closed");
  else {
    const q: string[] = [];
    for (let k = 0; k < w[off + ACCEPT_QUEUE_LENGTH]!; k++) q.push(`#${w[off + ACCEPT_QUEUE + k]}`);
    parts.push(
      `listening(${w[off + BACKLOG]})${pidSet(w[off + LISTENER_HOLDERS]!, pidName)} accept[${
        q.join(",")
      }]`,
    );
  }
  if (w[off + SIGPIPE_PENDING] !== 0) {
    parts.push(`SIGPIPE${pidSet(w[off + SIGPIPE_PENDING]!, pidName)}`);
  }
  for (let i = 0; i < L.conns; i++) {
    const cst = w[off + connBase(L, i)]!;
    if (cst === C_FREE) continue;
    const ends = [0, 1].map((e) => formatEnd(core, w, off + endBase(L, i, e), cst, e, pidName));
    parts.push(`#${i}{${ends.join(" | ")}}`);
  }
  return parts.join(" ");
}

function formatEnd(
  core: Core,
  w: Int32Array,
  eb: number,
  cst: number,
  e: number,
  pidName: (pid: number) => string,
): string {
  const own = w[eb + OWNER]!, fl = w[eb + FLAGS]!;
  let who: string;
  if (own !== 0) who = pidName(own - 1);
  else if ((fl & F_CLOSED) !== 0) who = "closed";
  else who = e === 1 && cst === C_PENDING ? "pending" : "none";
  if ((fl & F_SHUTWR) !== 0 && (fl & F_CLOSED) === 0) who += " shut";
  if ((fl & F_RESET) !== 0) who += " reset";
  const n = w[eb + QUEUE_LENGTH]!;
  const items: string[] = [];
  for (let k = 0; k < n; k++) {
    items.push(
      core.seq ? `${w[eb + QUEUE + 2 * k]}:${w[eb + QUEUE + 2 * k + 1]}` : `${w[eb + QUEUE + k]}`,
    );
  }
  return `${who} [${items.join(",")}]`;
}

/** Closes end `e` of connection `i`: the peer sees EOF, or ECONNRESET first if data was left unread. */
function closeEnd(
  L: Layout,
  w: Int32Array,
  off: number,
  i: number,
  e: number,
  taps: readonly MessageTap[],
): void {
  const eb = off + endBase(L, i, e), pb = off + endBase(L, i, 1 - e);
  tapDrop(taps, w, 2 * i + e, 0, w[eb + QUEUE_LENGTH]!);
  // Linux (af_unix, CONFIG_AF_UNIX_OOB) looks past a zero-length buffer at
  // the head of the queue: a lone zero-length record left unread is no reset.
  const n = w[eb + QUEUE_LENGTH]!;
  const unread = n > 1 || (n === 1 && (L.ew === 1 || w[eb + QUEUE + 1]! > 0));
  if (unread && (w[pb + FLAGS]! & F_CLOSED) === 0) w[pb + FLAGS] = w[pb + FLAGS]! | F_RESET;
  for (let k = 0; k < L.endSize; k++) w[eb + k] = 0;
  w[eb + FLAGS] = F_CLOSED | F_SHUTWR;
  freeIfClosed(L, w, off, i);
}

function freeIfClosed(L: Layout, w: Int32Array, off: number, i: number): void {
  const cb = off + connBase(L, i);
  if (w[cb] === C_PENDING) return;
  const closed = F_CLOSED;
  if (
    (w[off + endBase(L, i, 0) + FLAGS]! & closed) === 0 ||
    (w[off + endBase(L, i, 1) + FLAGS]! & closed) === 0
  ) return;
  for (let k = 0; k < L.stride; k++) w[cb + k] = 0;
}

/** The last holder closed the listener: un-accepted connections are reset. */
function listenerGone(L: Layout, w: Int32Array, off: number, taps: readonly MessageTap[]): void {
  const n = w[off + ACCEPT_QUEUE_LENGTH]!;
  for (let k = 0; k < n; k++) {
    const i = w[off + ACCEPT_QUEUE + k]!;
    w[off + ACCEPT_QUEUE + k] = 0;
    w[off + connBase(L, i)] = C_OPEN;
    const sb = off + endBase(L, i, 1), cb = off + endBase(L, i, 0);
    tapDrop(taps, w, 2 * i + 1, 0, w[sb + QUEUE_LENGTH]!);
    for (let j = 0; j < L.endSize; j++) w[sb + j] = 0;
    w[sb + FLAGS] = F_CLOSED | F_SHUTWR;
    if ((w[cb + FLAGS]! & F_CLOSED) === 0) w[cb + FLAGS] = w[cb + FLAGS]! | F_RESET;
    freeIfClosed(L, w, off, i);
  }
  w[off + ACCEPT_QUEUE_LENGTH] = 0;
  w[off + LISTENER] = L_CLOSED;
  w[off + LISTENER_HOLDERS] = 0;
}

function holdsListener(w: Int32Array, off: number, pid: number): boolean {
  return ((w[off + LISTENER_HOLDERS]! >>> pid) & 1) === 1;
}

/** Whether `h` is a handle of an end that `pid` holds. */
function owns(L: Layout, w: Int32Array, off: number, h: number, pid: number): boolean {
  if (!Number.isInteger(h) || h < 0 || h >= 2 * L.conns) return false;
  return w[off + endBase(L, h >> 1, h & 1) + OWNER] === pid + 1;
}

/** Whether end `h` may send: not shut down for writing, and the peer not closed. */
function canSend(L: Layout, w: Int32Array, off: number, h: number): boolean {
  const i = h >> 1, e = h & 1;
  return (w[off + endBase(L, i, e) + FLAGS]! & F_SHUTWR) === 0 &&
    (w[off + endBase(L, i, 1 - e) + FLAGS]! & F_CLOSED) === 0;
}

/**
 * The buffer queries, per connection end (its handle): the receive queue,
 * in bytes for a stream and records for seqpacket; full when it holds
 * `buffer`.
 */
function endQueries(name: string, L: Layout): BufferQueries {
  return {
    part: "a connection end by its handle",
    length: (w, off, part) => queuedAt(name, L, w, off, part),
    full: (w, off, part) => queuedAt(name, L, w, off, part) >= L.buffer,
  };
}

/** The entries in the receive queue of the end whose handle a query names. */
function queuedAt(name: string, L: Layout, w: Int32Array, off: number, h: unknown): number {
  if (typeof h !== "number" || !Number.isInteger(h) || h < 0 || h >= 2 * L.conns) {
    throw new RangeError(
      `socket '${name}': a query names a connection end by its handle, 0..${2 * L.conns - 1}, got ${
        JSON.stringify(h)
      }`,
    );
  }
  return w[off + endBase(L, h >> 1, h & 1) + QUEUE_LENGTH]!;
}

/** Entries free in the peer's receive queue (where end `h` sends to). */
function room(L: Layout, w: Int32Array, off: number, h: number): number {
  return L.buffer - w[off + endBase(L, h >> 1, 1 - (h & 1)) + QUEUE_LENGTH]!;
}

/** Whether a read on end `h` returns now: data queued, or the peer shut down (EOF or reset). */
function readable(L: Layout, w: Int32Array, off: number, h: number): boolean {
  const i = h >> 1, e = h & 1;
  return w[off + endBase(L, i, e) + QUEUE_LENGTH]! > 0 ||
    (w[off + endBase(L, i, 1 - e) + FLAGS]! & F_SHUTWR) !== 0;
}

function lowestFree(L: Layout, w: Int32Array, off: number): number {
  for (let i = 0; i < L.conns; i++) if (w[off + connBase(L, i)] === C_FREE) return i;
  return -1;
}

function range(a: number, b: number): number[] {
  const out: number[] = [];
  for (let i = a; i < b; i++) out.push(i);
  return out;
}

// ---------------------------------------------------------------------------
// Calls on a connection: the handle and the size, numbers or expressions of
// the caller's view (guards see it too).

interface ConnCall {
  readonly sock: UnixStream;
  readonly core: Core;
  readonly what: string;
  readonly text: string;
  readonly conn: number | Expr;
  readonly size: number | Expr;
  readonly status: Into | undefined;
}

function argText(v: number | Expr, name: string): string {
  return typeof v === "number" ? `${v}` : name;
}

/** The handle: in a guard, anything not an end the caller holds lets the call fire (and fail). */
function handleOf(c: ConnCall, ctx: Ctx): number {
  return typeof c.conn === "number" ? c.conn : evalExpr(c.conn, ctx);
}

/** The size as given, unchecked (guards). */
function sizeOf(c: ConnCall, ctx: Ctx): number {
  return typeof c.size === "number" ? c.size : evalExpr(c.size, ctx);
}

function checkedSize(c: ConnCall, v: number, min: number): number {
  if (!Number.isInteger(v) || v < min || v > 1 << 20) {
    throw new RangeError(
      `${c.what}(${c.sock.name}): the size must be an integer >= ${min}, got ${String(v)}`,
    );
  }
  return v;
}

function ebadf(c: ConnCall, h: number, pid: number, pidName: (pid: number) => string): never {
  throw new Error(
    `${pidName(pid)} calls ${c.what} on socket '${c.sock.name}' with handle ${h}, an end it ` +
      `does not hold (EBADF): closed, never connected or accepted, or another process's`,
  );
}

/** A footprint, computed once the system is complete, kept until the next compile. */
function footprint(
  core: Core,
  key: string,
  make: () => { reads: number[]; writes: number[] },
): Footprint {
  const have = core.footprints.get(key);
  if (have !== undefined) return have;
  const fp = make();
  core.footprints.set(key, fp);
  return fp;
}

/** The slots of the connection a static handle names, or of every connection. */
function connSlots(c: ConnCall): number[] {
  const L = c.core.L;
  if (typeof c.conn === "number") {
    const i = c.conn >> 1;
    return range(connBase(L, i), connBase(L, i) + L.stride);
  }
  return range(L.conn0, L.size);
}

// ---------------------------------------------------------------------------
// Listening, connecting, accepting.

/** Options of {@linkcode sockListen}. */
export interface SockListenOptions {
  /** The backlog: `backlog + 1` connections can wait un-accepted (Linux caps it at somaxconn). */
  backlog: number;
  /** Receives `OK`, or `EADDRINUSE` when another socket has the path. */
  status?: Into;
}

/**
 * `socket(); bind(path); listen(backlog)`: creates the socket file and
 * listens, the caller holding the listener. A holder calling it again sets
 * a new backlog. Any other process gets `EADDRINUSE`: the path is in use,
 * also after the listener closed (the file remains).
 *
 * @param sock The socket.
 * @param options The backlog and a status target.
 * @returns The step.
 *
 * @example
 * ```ts
 * import { system } from "../spec.ts";
 * import { sockListen, unixStream } from "./unix_stream.ts";
 * import assert from "node:assert/strict";
 *
 * const srv = unixStream(system({}), "srv");
 * assert.equal(sockListen(srv, { backlog: 1 }).kind, "op");
 * ```
 */
export function sockListen(sock: UnixStream, options: SockListenOptions): Step {
  const core = coreOf(sock);
  const backlog = requireInt(`sockListen(${sock.name}): backlog`, options.backlog, 0, 1 << 16);
  checkInto(`sockListen(${sock.name})`, options.status, "status");
  const status = options.status;
  const op: OpImpl = {
    prim: sock,
    text: `listen(${sock.name}, ${backlog})`,
    footprint: {
      reads: [LISTENER, LISTENER_HOLDERS],
      writes: [LISTENER, LISTENER_HOLDERS, BACKLOG],
    },
    ...(status === undefined ? { failure: SOCKET_ERROR } : {}),
    enabled: () => true,
    apply(w, off, pid, ctx, pidName) {
      const lst = w[off + LISTENER]!;
      if (lst === L_LISTENING && holdsListener(w, off, pid)) {
        w[off + BACKLOG] = backlog;
      } else if (lst !== L_ABSENT) {
        return report(
          status,
          ctx,
          Errno.EADDRINUSE,
          () =>
            `${
              pidName(pid)
            } binds '${sock.name}': EADDRINUSE (the path is in use) with no status target`,
        );
      } else {
        w[off + LISTENER] = L_LISTENING;
        w[off + LISTENER_HOLDERS] = 1 << pid;
        w[off + BACKLOG] = backlog;
      }
      status?.set(ctx, Errno.OK);
      return undefined;
    },
  };
  core.listenerOps.add(op);
  return opStep(op);
}

/** Options of {@linkcode sockConnect}. */
export interface SockConnectOptions {
  /** Receives the handle of the client end, or -1 on error. */
  conn: Into;
  /** Receives `OK`, `ENOENT` (no socket file) or `ECONNREFUSED` (no listener). */
  status?: Into;
}

/** Options of {@linkcode sockConnectNonblock}. */
export interface SockConnectNonblockOptions extends SockConnectOptions {
  /** Receives `OK`, `EAGAIN` (accept queue full), `ENOENT` or `ECONNREFUSED`. */
  status: Into;
}

function acceptQueueFull(w: Int32Array, off: number): boolean {
  return w[off + ACCEPT_QUEUE_LENGTH]! >= w[off + BACKLOG]! + 1;
}

function connectOps(
  sock: UnixStream,
  what: string,
  options: SockConnectOptions,
  nonblock: boolean,
): Step {
  const core = coreOf(sock);
  const L = core.L;
  checkInto(`${what}(${sock.name})`, options.conn, "conn");
  if (options.conn === undefined) {
    throw new TypeError(`${what}(${sock.name}): a conn target is required`);
  }
  checkInto(`${what}(${sock.name})`, options.status, "status");
  const { conn, status } = options;
  const text = `${what}(${sock.name})`;
  const fp: Footprint = {
    reads: [LISTENER, BACKLOG, ACCEPT_QUEUE_LENGTH, ...range(ACCEPT_QUEUE, L.size)],
    writes: [ACCEPT_QUEUE_LENGTH, ...range(ACCEPT_QUEUE, L.size)],
  };
  /** Listening, room in the accept queue, and no free connection slot. */
  const exhausted = (w: Int32Array, off: number) =>
    w[off + LISTENER] === L_LISTENING && !acceptQueueFull(w, off) && lowestFree(L, w, off) < 0;
  const bound = (): string =>
    `socket '${sock.name}': all ${L.conns} connection slots are in use ` +
    `(raise the 'connections' option to explore further)`;
  // With a status target, one operation whose only failure is the bound;
  // without, a choice of the connect (failing with 'socket error') and the
  // bound, since an operation has one failure property.
  const single = status !== undefined;
  const main: OpImpl = {
    prim: sock,
    text,
    footprint: fp,
    ...(single
      ? { failure: SOCKET_CONNECTIONS, failureKind: "bound" as const }
      : { failure: SOCKET_ERROR }),
    enabled(w, off) {
      if (w[off + LISTENER] !== L_LISTENING) return true;
      if (acceptQueueFull(w, off)) return nonblock;
      return single || lowestFree(L, w, off) >= 0;
    },
    apply(w, off, pid, ctx, pidName) {
      const lst = w[off + LISTENER]!;
      if (lst !== L_LISTENING) return refused(sock, lst, options, ctx, () => pidName(pid));
      if (acceptQueueFull(w, off)) {
        conn.set(ctx, -1);
        status!.set(ctx, Errno.EAGAIN);
        return undefined;
      }
      const i = lowestFree(L, w, off);
      if (i < 0) return bound();
      const cb = off + connBase(L, i);
      w[cb] = C_PENDING;
      w[off + endBase(L, i, 0) + OWNER] = pid + 1;
      w[off + ACCEPT_QUEUE + w[off + ACCEPT_QUEUE_LENGTH]!] = i;
      w[off + ACCEPT_QUEUE_LENGTH] = w[off + ACCEPT_QUEUE_LENGTH]! + 1;
      conn.set(ctx, 2 * i);
      status?.set(ctx, Errno.OK);
      return undefined;
    },
  };
  if (single) return opStep(main);
  const full: OpImpl = {
    prim: sock,
    text: `${text}: every connection slot in use`,
    footprint: fp,
    failure: SOCKET_CONNECTIONS,
    failureKind: "bound",
    enabled: (w, off) => exhausted(w, off),
    apply: bound,
  };
  return eitherOp(text, main, full, callerSource());
}

/** A connect with no listener: ENOENT (no socket file) or ECONNREFUSED. */
function refused(
  sock: UnixStream,
  lst: number,
  { conn, status }: SockConnectOptions,
  ctx: Ctx,
  who: () => string,
): string | undefined {
  conn!.set(ctx, -1);
  const code = lst === L_ABSENT ? Errno.ENOENT : Errno.ECONNREFUSED;
  return report(
    status,
    ctx,
    code,
    () =>
      `${who()} connects to '${sock.name}': ${errnoName(code)} (${
        lst === L_ABSENT ? "no socket file" : "no listener"
      }) with no status target`,
  );
}

/** A region choosing between two operations (each with its own failure property). */
function eitherOp(text: string, a: OpImpl, b: OpImpl, src: Source): Step {
  const opS = (o: OpImpl): Step => ({ kind: "op", name: o.text, op: o, src });
  return {
    kind: "region",
    name: text,
    body: [{ kind: "choose", name: text, src, branches: [[opS(a)], [opS(b)]] }],
  };
}

/**
 * `connect(path)`, blocking: with no socket file `ENOENT`, with no listener
 * `ECONNREFUSED`; while the accept queue holds `backlog + 1` connections it
 * blocks until an accept makes room (or the listener closes:
 * `ECONNREFUSED`). Once it returns the connection exists and the client can
 * send; the data waits for the server. The handle of the client end goes to
 * `conn`. A connect that would succeed with every connection slot in use is
 * the exploration bound {@linkcode SOCKET_CONNECTIONS}. With a `status`
 * target the step is one operation; without, a choice of the connect and
 * the bound (`interruptible()` wraps either).
 *
 * @param sock The socket.
 * @param options The handle target and a status target.
 * @returns The step.
 *
 * @example
 * ```ts
 * import { system } from "../spec.ts";
 * import { StepBuilder } from "../steps.ts";
 * import { sockConnect, unixStream } from "./unix_stream.ts";
 * import assert from "node:assert/strict";
 *
 * const s = new StepBuilder<unknown, { c: number; st: number }>();
 * const srv = unixStream(system({}), "srv");
 * assert.equal(sockConnect(srv, { conn: s.into("c") }).kind, "region");
 * assert.equal(sockConnect(srv, { conn: s.into("c"), status: s.into("st") }).kind, "op");
 * ```
 */
export function sockConnect(sock: UnixStream, options: SockConnectOptions): Step {
  return connectOps(sock, "connect", options, false);
}

/**
 * `connect()` on a non-blocking socket: as {@linkcode sockConnect}, but
 * `EAGAIN` (handle -1) when the accept queue is full.
 *
 * @param sock The socket.
 * @param options The handle target and a status target (required).
 * @returns The step.
 *
 * @example
 * ```ts
 * import { system } from "../spec.ts";
 * import { StepBuilder } from "../steps.ts";
 * import { sockConnectNonblock, unixStream } from "./unix_stream.ts";
 * import assert from "node:assert/strict";
 *
 * const s = new StepBuilder<unknown, { c: number; st: number }>();
 * const srv = unixStream(system({}), "srv");
 * const step = sockConnectNonblock(srv, { conn: s.into("c"), status: s.into("st") });
 * assert.equal(step.kind, "op");
 * ```
 */
export function sockConnectNonblock(sock: UnixStream, options: SockConnectNonblockOptions): Step {
  requireStatus(`connectNonblock(${sock.name})`, options.status);
  return connectOps(sock, "connectNonblock", options, true);
}

/** Options of {@linkcode sockAccept}. */
export interface SockAcceptOptions {
  /** Receives the handle of the server end (-1 on `EAGAIN`). */
  conn: Into;
  /** Receives `OK` (or `EAGAIN` for the non-blocking form). */
  status?: Into;
}

/** Options of {@linkcode sockAcceptNonblock}. */
export interface SockAcceptNonblockOptions extends SockAcceptOptions {
  /** Receives `OK` or `EAGAIN`. */
  status: Into;
}

function acceptOp(sock: UnixStream, what: string, options: SockAcceptOptions, nonblock: boolean) {
  const core = coreOf(sock);
  const L = core.L;
  if (options.conn === undefined) {
    throw new TypeError(`${what}(${sock.name}): a conn target is required`);
  }
  checkInto(`${what}(${sock.name})`, options.conn, "conn");
  checkInto(`${what}(${sock.name})`, options.status, "status");
  const { conn, status } = options;
  const op: OpImpl = {
    prim: sock,
    text: `${what}(${sock.name})`,
    footprint: {
      reads: [LISTENER, LISTENER_HOLDERS, ACCEPT_QUEUE_LENGTH, ...range(ACCEPT_QUEUE, L.size)],
      writes: [ACCEPT_QUEUE_LENGTH, ...range(ACCEPT_QUEUE, L.size)],
    },
    enabled: (w, off, pid) =>
      nonblock || !holdsListener(w, off, pid) || w[off + ACCEPT_QUEUE_LENGTH]! > 0,
    apply(w, off, pid, ctx, pidName) {
      if (!holdsListener(w, off, pid)) {
        throw new Error(
          `${pidName(pid)} accepts on '${sock.name}' without holding its listening socket ` +
            `(EINVAL): call sockListen first, or list it in listening.holders`,
        );
      }
      const n = w[off + ACCEPT_QUEUE_LENGTH]!;
      if (n === 0) {
        conn.set(ctx, -1);
        status!.set(ctx, Errno.EAGAIN);
        return undefined;
      }
      const i = w[off + ACCEPT_QUEUE]!;
      closeGap(w, off + ACCEPT_QUEUE, n, 0, 1);
      w[off + ACCEPT_QUEUE_LENGTH] = n - 1;
      w[off + connBase(L, i)] = C_OPEN;
      w[off + endBase(L, i, 1) + OWNER] = pid + 1;
      conn.set(ctx, 2 * i + 1);
      status?.set(ctx, Errno.OK);
      return undefined;
    },
  };
  core.listenerOps.add(op);
  return opStep(op);
}

/**
 * `accept()`, blocking: takes the oldest pending connection and stores the
 * handle of its server end into `conn`; blocks while none is pending. The
 * caller must hold the listening socket.
 *
 * @param sock The socket.
 * @param options The handle target.
 * @returns The step.
 *
 * @example
 * ```ts
 * import { system } from "../spec.ts";
 * import { StepBuilder } from "../steps.ts";
 * import { sockAccept, unixStream } from "./unix_stream.ts";
 * import assert from "node:assert/strict";
 *
 * const s = new StepBuilder<unknown, { c: number }>();
 * const srv = unixStream(system({}), "srv", { listening: { backlog: 0 } });
 * assert.equal(sockAccept(srv, { conn: s.into("c") }).kind, "op");
 * ```
 */
export function sockAccept(sock: UnixStream, options: SockAcceptOptions): Step {
  return acceptOp(sock, "accept", options, false);
}

/**
 * `accept()` on a non-blocking listener: `EAGAIN` (handle -1) when no
 * connection is pending, otherwise as {@linkcode sockAccept}.
 *
 * @param sock The socket.
 * @param options The handle target and a status target (required).
 * @returns The step.
 *
 * @example
 * ```ts
 * import { system } from "../spec.ts";
 * import { StepBuilder } from "../steps.ts";
 * import { sockAcceptNonblock, unixStream } from "./unix_stream.ts";
 * import assert from "node:assert/strict";
 *
 * const s = new StepBuilder<unknown, { c: number; st: number }>();
 * const srv = unixStream(system({}), "srv", { listening: { backlog: 0 } });
 * assert.equal(sockAcceptNonblock(srv, { conn: s.into("c"), status: s.into("st") }).kind, "op");
 * ```
 */
export function sockAcceptNonblock(sock: UnixStream, options: SockAcceptNonblockOptions): Step {
  requireStatus(`acceptNonblock(${sock.name})`, options.status);
  return acceptOp(sock, "acceptNonblock", options, true);
}

/**
 * `close()` of the listening socket by a process holding it. When the last
 * holder closes it (or exits), every connection still waiting to be
 * accepted is reset: its client reads `ECONNRESET` once (then 0) and its
 * sends fail with `EPIPE`. Later connects get `ECONNREFUSED`.
 *
 * @param sock The socket.
 * @returns The step.
 *
 * @example
 * ```ts
 * import { system } from "../spec.ts";
 * import { sockCloseListener, unixStream } from "./unix_stream.ts";
 * import assert from "node:assert/strict";
 *
 * const srv = unixStream(system({}), "srv", { listening: { backlog: 0 } });
 * assert.equal(sockCloseListener(srv).kind, "op");
 * ```
 */
export function sockCloseListener(sock: UnixStream): Step {
  const core = coreOf(sock);
  const L = core.L;
  const op: OpImpl = {
    prim: sock,
    text: `closeListener(${sock.name})`,
    footprint: {
      reads: [LISTENER, LISTENER_HOLDERS, ACCEPT_QUEUE_LENGTH, ...range(ACCEPT_QUEUE, L.size)],
      writes: [LISTENER, LISTENER_HOLDERS, ACCEPT_QUEUE_LENGTH, ...range(ACCEPT_QUEUE, L.size)],
    },
    enabled: () => true,
    apply(w, off, pid, _ctx, pidName) {
      if (!holdsListener(w, off, pid)) {
        throw new Error(
          `${pidName(pid)} closes the listening socket '${sock.name}', which it does not hold ` +
            `(EBADF): closed twice, or never had it`,
        );
      }
      w[off + LISTENER_HOLDERS] = w[off + LISTENER_HOLDERS]! & ~(1 << pid);
      if (w[off + LISTENER_HOLDERS] === 0) listenerGone(L, w, off, core.taps);
      return undefined;
    },
  };
  core.listenerOps.add(op);
  return opStep(op);
}

// ---------------------------------------------------------------------------
// Sending.

/** Options of {@linkcode sockSend}. */
export interface SockSendOptions {
  /** The handle of the caller's end (a number, or `s.expr(...)` reading a local). */
  conn: number | Expr;
  /** The bytes to send (stream: at most `buffer`), or the record's length (seqpacket). */
  bytes: number | Expr;
  /** The value of every byte, or of the record (default 1). */
  value?: number | Expr;
  /**
   * Receives `OK`, or `EPIPE` (SIGPIPE then noted as pending). Without it,
   * a send that raises SIGPIPE is a `broken pipe` violation.
   */
  status?: Into;
  /** Receives what `send()` returns: the bytes sent, or -1. */
  count?: Into;
}

/** Options of {@linkcode sockSendNonblock}. */
export interface SockSendNonblockOptions extends SockSendOptions {
  /** Receives `OK`, `EAGAIN` or `EPIPE`. */
  status: Into;
}

function connCall(
  sock: UnixStream,
  what: string,
  conn: number | Expr,
  size: number | Expr,
  sizeName: string,
  minSize: number,
  status: Into | undefined,
): ConnCall {
  const core = coreOf(sock);
  const where = `${what}(${sock.name})`;
  checkExprOrInt(where, conn, "conn", 0, 2 * core.L.conns - 1);
  checkExprOrInt(where, size, sizeName, minSize, 1 << 20);
  checkInto(where, status, "status");
  return {
    sock,
    core,
    what,
    text: `${what}(${sock.name}, ${argText(conn, "conn")}, ${argText(size, "n")})`,
    conn,
    size,
    status,
  };
}

function sendCall(sock: UnixStream, what: string, o: SockSendOptions) {
  const core = coreOf(sock);
  const c = connCall(sock, what, o.conn, o.bytes, "bytes", 0, o.status);
  checkInto(`${what}(${sock.name})`, o.count, "count");
  const value = o.value ?? 1;
  checkExprOrInt(`${what}(${sock.name})`, value, "value", -2147483648, 2147483647);
  if (!core.seq && typeof o.bytes === "number" && o.bytes > sock.buffer) {
    throw new RangeError(
      `${what}(${sock.name}): a send of ${o.bytes} bytes never fits the buffer of ` +
        `${sock.buffer} bytes: raise the socket's buffer, or send in pieces`,
    );
  }
  return { c, value, count: o.count };
}

/** Space the send needs in the peer's queue: n bytes, or one record. */
function need(c: ConnCall, n: number): number {
  return c.core.seq ? 1 : n;
}

function sendOp(
  c: ConnCall,
  value: number | Expr,
  count: Into | undefined,
  blocking: boolean,
): OpImpl {
  const { sock, core } = c;
  const L = core.L;
  return {
    prim: sock,
    text: c.text,
    get footprint() {
      return footprint(core, `send|${c.text}`, () => ({
        reads: connSlots(c),
        writes: [SIGPIPE_PENDING, ...connSlots(c)],
      }));
    },
    ...(c.status === undefined ? { failure: BROKEN_PIPE } : {}),
    enabled(w, off, pid, ctx) {
      if (!blocking) return true;
      const h = handleOf(c, ctx);
      if (!owns(L, w, off, h, pid) || !canSend(L, w, off, h)) return true;
      const n = sizeOf(c, ctx);
      // A size that is not an integer >= 0 fires, to fail with a clear error.
      return !Number.isInteger(n) || n < 0 || n > L.buffer || room(L, w, off, h) >= need(c, n);
    },
    apply(w, off, pid, ctx, pidName) {
      const h = handleOf(c, ctx);
      if (!owns(L, w, off, h, pid)) ebadf(c, h, pid, pidName);
      const n = checkedSize(c, sizeOf(c, ctx), 0);
      const reset = takePendingReset(c, count, w, off, h, pid, ctx, pidName);
      if (reset !== false) return reset;
      if (!canSend(L, w, off, h)) return brokenPipe(c, count, w, off, h, pid, ctx, pidName);
      if (!core.seq && n > L.buffer) {
        throw new RangeError(
          `${c.what}(${sock.name}): a send of ${n} bytes never fits the buffer of ${L.buffer} bytes`,
        );
      }
      if (room(L, w, off, h) < need(c, n)) {
        count?.set(ctx, -1);
        c.status!.set(ctx, Errno.EAGAIN);
        return undefined;
      }
      const v = evalExpr(value, ctx);
      if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) {
        throw new RangeError(
          `${c.what}(${sock.name}): the value must be a 32-bit integer, got ${v}`,
        );
      }
      const pb = off + endBase(L, h >> 1, 1 - (h & 1));
      const len = w[pb + QUEUE_LENGTH]!;
      const taps = core.taps;
      if (core.seq) {
        w[pb + QUEUE + 2 * len] = v;
        w[pb + QUEUE + 2 * len + 1] = n;
        w[pb + QUEUE_LENGTH] = len + 1;
        if (taps.length > 0) tapPut(taps, w, h ^ 1, len, pid, v, 0, -1);
      } else {
        for (let k = 0; k < n; k++) w[pb + QUEUE + len + k] = v;
        w[pb + QUEUE_LENGTH] = len + n;
        for (let k = 0; k < n && taps.length > 0; k++) {
          tapPut(taps, w, h ^ 1, len + k, pid, v, 0, -1);
        }
      }
      count?.set(ctx, n);
      c.status?.set(ctx, Errno.OK);
      return undefined;
    },
  };
}

/**
 * A seqpacket send on an end whose peer closed with unread data: Linux's
 * unix_seqpacket_sendmsg() returns that pending error first (sock_error()
 * takes it), ECONNRESET and no SIGPIPE. `false` when there is none.
 */
function takePendingReset(
  c: ConnCall,
  count: Into | undefined,
  w: Int32Array,
  off: number,
  h: number,
  pid: number,
  ctx: Ctx,
  pidName: (pid: number) => string,
): string | undefined | false {
  const own = off + endBase(c.core.L, h >> 1, h & 1);
  if (!c.core.seq || (w[own + FLAGS]! & F_RESET) === 0) return false;
  w[own + FLAGS] = w[own + FLAGS]! & ~F_RESET;
  count?.set(ctx, -1);
  return report(
    c.status,
    ctx,
    Errno.ECONNRESET,
    () =>
      `${pidName(pid)} sends on '${c.sock.name}' connection #${h >> 1}: ECONNRESET ` +
      `(the peer closed with unread data) with no status target`,
  );
}

/**
 * A send on a connection that can no longer carry it (shut down for
 * writing, or the peer closed): in a system with a signal table, SIGPIPE
 * goes to the sender through it (its disposition decides) and the status is
 * EPIPE; without one, SIGPIPE kills the sender (a violation) without a
 * status target, else SIGPIPE is pending here and the status EPIPE.
 */
function brokenPipe(
  c: ConnCall,
  count: Into | undefined,
  w: Int32Array,
  off: number,
  h: number,
  pid: number,
  ctx: Ctx,
  pidName: (pid: number) => string,
): string | undefined {
  const L = c.core.L;
  count?.set(ctx, -1);
  if (c.core.raise !== undefined) {
    // Through the signal table, as for pipes: the disposition decides.
    c.core.raise(w, pid, SIGPIPE);
    c.status?.set(ctx, Errno.EPIPE);
    return undefined;
  }
  if (c.status === undefined) {
    return `${pidName(pid)} sends on '${c.sock.name}' connection #${h >> 1} after ` +
      `${
        (w[off + endBase(L, h >> 1, h & 1) + FLAGS]! & F_SHUTWR) !== 0
          ? "its own shutdown"
          : "the peer closed"
      }: SIGPIPE kills it (give the send a status target to model a sender that ` +
      `survives and gets EPIPE)`;
  }
  w[off + SIGPIPE_PENDING] = w[off + SIGPIPE_PENDING]! | (1 << pid);
  c.status.set(ctx, Errno.EPIPE);
  return undefined;
}

/**
 * `send(conn, n bytes)`, blocking. Stream: waits until the peer's receive
 * queue has room for all `n` bytes, then queues them (no boundaries: the
 * peer may read them together with other sends, or in parts). Seqpacket:
 * waits for room for one record of length `n`. Fails with `EPIPE` and
 * SIGPIPE after the caller's own `shutdown`, or once the peer has closed,
 * also waking a blocked sender. Sending before the server accepts is fine.
 *
 * @param sock The socket.
 * @param options Handle, size, value, status and count targets.
 * @returns The step.
 *
 * @example A client sends two bytes of value 7 on the handle in local `c`
 * ```ts
 * import { system } from "../spec.ts";
 * import { StepBuilder } from "../steps.ts";
 * import { sockSend, unixStream } from "./unix_stream.ts";
 * import assert from "node:assert/strict";
 *
 * const s = new StepBuilder<unknown, { c: number }>();
 * const srv = unixStream(system({}), "srv");
 * const step = sockSend(srv, { conn: s.local("c"), bytes: 2, value: 7 });
 * assert.equal(step.kind, "op"); // its guard reads the handle in local `c`
 * ```
 */
export function sockSend(sock: UnixStream, options: SockSendOptions): Step {
  const { c, value, count } = sendCall(sock, "send", options);
  return opStep(sendOp(c, value, count, true));
}

/**
 * `send()` with `MSG_DONTWAIT` (or on a non-blocking socket): never
 * blocks; `EAGAIN` with nothing sent when the send does not fit; otherwise
 * as {@linkcode sockSend}.
 *
 * @param sock The socket.
 * @param options Handle, size, value, status (required) and count targets.
 * @returns The step.
 *
 * @example
 * ```ts
 * import { system } from "../spec.ts";
 * import { StepBuilder } from "../steps.ts";
 * import { sockSendNonblock, unixStream } from "./unix_stream.ts";
 * import assert from "node:assert/strict";
 *
 * const s = new StepBuilder<unknown, { c: number; st: number }>();
 * const srv = unixStream(system({}), "srv");
 * const step = sockSendNonblock(srv, {
 *   conn: s.local("c"),
 *   bytes: 1,
 *   status: s.into("st"),
 * });
 * assert.equal(step.kind, "op");
 * ```
 */
export function sockSendNonblock(sock: UnixStream, options: SockSendNonblockOptions): Step {
  requireStatus(`sendNonblock(${sock.name})`, options.status);
  const { c, value, count } = sendCall(sock, "sendNonblock", options);
  return opStep(sendOp(c, value, count, false));
}

// ---------------------------------------------------------------------------
// Receiving.

/** Options of {@linkcode sockRecv}. */
export interface SockRecvOptions {
  /** The handle of the caller's end (a number, or `s.expr(...)` reading a local). */
  conn: number | Expr;
  /** The buffer size: the most bytes to read (>= 1). */
  bytes: number | Expr;
  /**
   * Stream: receives each byte read, in order. Seqpacket: receives the
   * record's value.
   */
  into?: Into;
  /** Receives what `recv()` returns: the bytes read, 0 at EOF, -1 on error. */
  count?: Into;
  /**
   * Receives `OK`, or `ECONNRESET` (the peer closed with unread data, or the
   * listener closed before accepting). Without it, `ECONNRESET` is a
   * {@linkcode SOCKET_ERROR} violation.
   */
  status?: Into;
  /** Seqpacket: receives 1 when the record was longer than the buffer (`MSG_TRUNC`), else 0. */
  truncated?: Into;
}

/** Options of {@linkcode sockRecvNonblock}. */
export interface SockRecvNonblockOptions extends SockRecvOptions {
  /** Receives `OK`, `EAGAIN` or `ECONNRESET`. */
  status: Into;
}

/**
 * A receive operation. `part` splits a short-reads receive in two: `data`
 * (one outcome per read size) and `eof` (EOF or the pending reset).
 */
function recvOp(
  c: ConnCall,
  o: SockRecvOptions,
  blocking: boolean,
  part: "all" | "data" | "eof",
): OpImpl {
  const { sock, core } = c;
  const L = core.L;
  const choices = recvChoices(c, blocking, part);
  return {
    prim: sock,
    text: part === "eof" ? `${c.text} returns EOF or an error` : c.text,
    get footprint() {
      return footprint(core, `recv|${c.text}`, () => ({
        reads: connSlots(c),
        writes: connSlots(c),
      }));
    },
    ...(c.status === undefined && part !== "data" ? { failure: SOCKET_ERROR } : {}),
    ...(part === "data"
      ? {
        maxChoices: Math.max(2, L.buffer),
        choices,
        choiceText: (k: number) => (k === 0 ? "1 byte" : `${k + 1} bytes`),
      }
      : {}),
    enabled: (w, off, pid, ctx) => choices(w, off, pid, ctx) > 0,
    apply(w, off, pid, ctx, pidName, choice) {
      const h = handleOf(c, ctx);
      if (!owns(L, w, off, h, pid)) ebadf(c, h, pid, pidName);
      const n = checkedSize(c, sizeOf(c, ctx), 1);
      const eb = off + endBase(L, h >> 1, h & 1);
      const len = w[eb + QUEUE_LENGTH]!;
      // Seqpacket reads as datagrams: Linux reports a pending error
      // (ECONNRESET) before the queued records.
      const resetFirst = core.seq && (w[eb + FLAGS]! & F_RESET) !== 0;
      if (len > 0 && !resetFirst) {
        if (core.seq) {
          const v = w[eb + QUEUE]!, rl = w[eb + QUEUE + 1]!;
          if (core.taps.length > 0) tapTake(core.taps, w, h, 0, pid);
          for (let k = 2; k < 2 * len; k++) w[eb + QUEUE + k - 2] = w[eb + QUEUE + k]!;
          w[eb + QUEUE + 2 * len - 2] = 0;
          w[eb + QUEUE + 2 * len - 1] = 0;
          w[eb + QUEUE_LENGTH] = len - 1;
          o.into?.set(ctx, v);
          o.count?.set(ctx, Math.min(n, rl));
          o.truncated?.set(ctx, rl > n ? 1 : 0);
        } else {
          const k = part === "data" ? choice + 1 : Math.min(n, len);
          for (let j = 0; j < k; j++) {
            o.into?.set(ctx, w[eb + QUEUE + j]!);
            if (core.taps.length > 0) tapTake(core.taps, w, h, 0, pid);
          }
          for (let j = k; j < len; j++) w[eb + QUEUE + j - k] = w[eb + QUEUE + j]!;
          for (let j = len - k; j < len; j++) w[eb + QUEUE + j] = 0;
          w[eb + QUEUE_LENGTH] = len - k;
          o.count?.set(ctx, k);
        }
        c.status?.set(ctx, Errno.OK);
        return undefined;
      }
      if ((w[eb + FLAGS]! & F_RESET) !== 0) {
        return connReset(c, o, w, eb, h, ctx, () => pidName(pid));
      }
      if (!readable(L, w, off, h)) {
        o.count?.set(ctx, -1);
        c.status!.set(ctx, Errno.EAGAIN);
        return undefined;
      }
      o.count?.set(ctx, 0);
      o.truncated?.set(ctx, 0);
      c.status?.set(ctx, Errno.OK);
      return undefined;
    },
  };
}

/** A receive's outcomes in a state (0 = blocked), per {@linkcode recvOp}'s `part`. */
function recvChoices(
  c: ConnCall,
  blocking: boolean,
  part: "all" | "data" | "eof",
): (w: Int32Array, off: number, pid: number, ctx: Ctx) => number {
  const L = c.core.L;
  return (w, off, pid, ctx) => {
    const h = handleOf(c, ctx);
    if (!owns(L, w, off, h, pid)) return part === "data" ? 0 : 1;
    const len = w[off + endBase(L, h >> 1, h & 1) + QUEUE_LENGTH]!;
    if (part === "data") {
      const n = sizeOf(c, ctx);
      // A size that is not an integer >= 1 gives one outcome, which fails.
      return len === 0 ? 0 : Number.isInteger(n) && n >= 1 ? Math.min(len, n) : 1;
    }
    if (part === "eof" && len > 0) return 0;
    return len > 0 || readable(L, w, off, h) || !blocking ? 1 : 0;
  };
}

/** A receive that meets the pending reset of its end: ECONNRESET, once. */
function connReset(
  c: ConnCall,
  o: SockRecvOptions,
  w: Int32Array,
  eb: number,
  h: number,
  ctx: Ctx,
  who: () => string,
): string | undefined {
  w[eb + FLAGS] = w[eb + FLAGS]! & ~F_RESET;
  o.count?.set(ctx, -1);
  return report(
    c.status,
    ctx,
    Errno.ECONNRESET,
    () =>
      `${who()} reads from '${c.sock.name}' connection #${h >> 1}: ECONNRESET ` +
      `(the peer closed with unread data, or the listener closed before accepting) ` +
      `with no status target`,
  );
}

function recvCall(sock: UnixStream, what: string, o: SockRecvOptions) {
  const core = coreOf(sock);
  const c = connCall(sock, what, o.conn, o.bytes, "bytes", 1, o.status);
  const where = `${what}(${sock.name})`;
  checkInto(where, o.into, "into");
  checkInto(where, o.count, "count");
  checkInto(where, o.truncated, "truncated");
  if (o.truncated !== undefined && !core.seq) {
    throw new TypeError(`${where}: truncated applies to seqpacket sockets only`);
  }
  return c;
}

/**
 * `recv(conn, n)`, blocking. Stream: returns min(n, queued) bytes at once
 * (every size from 1 with `shortReads`). Seqpacket: returns one record,
 * truncated to `n` with `truncated` = 1. On an empty queue it blocks while
 * the peer may still send; once the peer shut down or closed it returns 0
 * (EOF), on every later call too. If the peer closed leaving data unread in
 * its own queue, the reader gets `ECONNRESET` once after the data queued to
 * it, then 0; the same when the listener closed before accepting.
 *
 * @param sock The socket.
 * @param options Handle, buffer size, and targets for data, count, status.
 * @returns The step.
 *
 * @example Read up to 2 bytes, adding them up
 * ```ts
 * import { system } from "../spec.ts";
 * import { StepBuilder } from "../steps.ts";
 * import { sockRecv, unixStream } from "./unix_stream.ts";
 * import assert from "node:assert/strict";
 *
 * const s = new StepBuilder<unknown, { c: number; n: number; sum: number }>();
 * const srv = unixStream(system({}), "srv");
 * const step = sockRecv(srv, {
 *   conn: 0,
 *   bytes: 2,
 *   count: s.into("n"),
 *   into: s.into(({ l }, b) => {
 *     l.sum += b;
 *   }),
 * });
 * assert.equal(step.kind, "op");
 * ```
 */
export function sockRecv(sock: UnixStream, options: SockRecvOptions): Step {
  const c = recvCall(sock, "recv", options);
  if (!c.core.shortReads) return opStep(recvOp(c, options, true, "all"));
  const src = callerSource();
  const opS = (o: OpImpl): Step => ({ kind: "op", name: o.text, op: o, src });
  const pick: Step = {
    kind: "choose",
    name: c.text,
    src,
    branches: [[opS(recvOp(c, options, true, "data"))], [opS(recvOp(c, options, true, "eof"))]],
  };
  return { kind: "region", name: c.text, body: [pick] };
}

/**
 * `recv()` with `MSG_DONTWAIT`: never blocks; `EAGAIN` (count -1) when the
 * queue is empty and the peer may still send; otherwise as
 * {@linkcode sockRecv} (always min(n, queued) bytes).
 *
 * @param sock The socket.
 * @param options Handle, buffer size, status (required), and targets.
 * @returns The step.
 *
 * @example
 * ```ts
 * import { system } from "../spec.ts";
 * import { StepBuilder } from "../steps.ts";
 * import { sockRecvNonblock, unixStream } from "./unix_stream.ts";
 * import assert from "node:assert/strict";
 *
 * const s = new StepBuilder<unknown, { c: number; st: number }>();
 * const srv = unixStream(system({}), "srv");
 * const step = sockRecvNonblock(srv, {
 *   conn: s.local("c"),
 *   bytes: 1,
 *   status: s.into("st"),
 * });
 * assert.equal(step.kind, "op");
 * ```
 */
export function sockRecvNonblock(sock: UnixStream, options: SockRecvNonblockOptions): Step {
  requireStatus(`recvNonblock(${sock.name})`, options.status);
  const c = recvCall(sock, "recvNonblock", options);
  return opStep(recvOp(c, options, false, "all"));
}

// ---------------------------------------------------------------------------
// Shutdown and close.

/** Options of {@linkcode sockShutdown} and {@linkcode sockClose}. */
export interface SockEndOptions {
  /** The handle of the caller's end (a number, or `s.expr(...)` reading a local). */
  conn: number | Expr;
}

function endOp(sock: UnixStream, what: "shutdown" | "close", o: SockEndOptions): Step {
  const c = connCall(sock, what, o.conn, 0, "bytes", 0, undefined);
  const { core } = c;
  const L = core.L;
  return opStep({
    prim: sock,
    text: `${what}(${sock.name}, ${argText(o.conn, "conn")})`,
    get footprint() {
      return footprint(core, `${what}|${c.text}`, () => ({
        reads: connSlots(c),
        writes: connSlots(c),
      }));
    },
    enabled: () => true,
    apply(w, off, pid, ctx, pidName) {
      const h = handleOf(c, ctx);
      if (!owns(L, w, off, h, pid)) ebadf(c, h, pid, pidName);
      if (what === "close") closeEnd(L, w, off, h >> 1, h & 1, core.taps);
      else {
        const eb = off + endBase(L, h >> 1, h & 1);
        w[eb + FLAGS] = w[eb + FLAGS]! | F_SHUTWR;
      }
      return undefined;
    },
  });
}

/**
 * `shutdown(conn, SHUT_WR)`: half-close. The peer reads what is queued,
 * then 0 (EOF); the caller can still read, and the peer can still send.
 * The caller's later sends fail with `EPIPE` (+ SIGPIPE). Never blocks.
 *
 * @param sock The socket.
 * @param options The handle.
 * @returns The step.
 *
 * @example
 * ```ts
 * import { system } from "../spec.ts";
 * import { StepBuilder } from "../steps.ts";
 * import { sockShutdown, unixStream } from "./unix_stream.ts";
 * import assert from "node:assert/strict";
 *
 * const s = new StepBuilder<unknown, { c: number }>();
 * const srv = unixStream(system({}), "srv");
 * assert.equal(sockShutdown(srv, { conn: s.local("c") }).kind, "op");
 * ```
 */
export function sockShutdown(sock: UnixStream, options: SockEndOptions): Step {
  return endOp(sock, "shutdown", options);
}

/**
 * `close(conn)`: drops the caller's end. The peer reads what is queued to
 * it, then 0; its sends fail with `EPIPE`. If the caller left unread data
 * in its own receive queue, the data is discarded and the peer gets
 * `ECONNRESET` once after its own queued data. The connection slot is
 * freed when both ends are closed. Exit closes every end a process holds.
 *
 * @param sock The socket.
 * @param options The handle.
 * @returns The step.
 *
 * @example
 * ```ts
 * import { system } from "../spec.ts";
 * import { StepBuilder } from "../steps.ts";
 * import { sockClose, unixStream } from "./unix_stream.ts";
 * import assert from "node:assert/strict";
 *
 * const s = new StepBuilder<unknown, { c: number }>();
 * const srv = unixStream(system({}), "srv");
 * assert.equal(sockClose(srv, { conn: s.local("c") }).kind, "op");
 * ```
 */
export function sockClose(sock: UnixStream, options: SockEndOptions): Step {
  return endOp(sock, "close", options);
}
