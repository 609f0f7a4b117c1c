/**
 * Unix domain datagram sockets, `SOCK_DGRAM` (docs/semantics.md §7
 * "SOCK_DGRAM", probe u02; §8: "DGRAM socket bound to a path" is a
 * process-owned port whose senders are notified by `ECONNREFUSED`).
 *
 * One {@linkcode unixDgram} is a datagram socket bound to a path: the
 * receiving port of the processes holding it. Any process may send to the
 * path ({@linkcode dgramSend}, `sendto`); only a holder receives
 * ({@linkcode dgramRecv}).
 *
 * **Messages.** A datagram is a small integer value and a length (the
 * bytes are not modelled one by one), and the sender's pid. Boundaries are
 * kept: one receive returns one datagram. Zero-length datagrams are real
 * messages (a receive returns 0 for them). A receive with a buffer shorter
 * than the datagram returns the buffer size, discards the rest and sets
 * the `truncated` flag (`MSG_TRUNC` in `msg_flags`); with `trunc: true`
 * (`recv(MSG_TRUNC)`) the count is the real length. Delivery is reliable
 * and ordered: the kernel never drops a datagram for lack of room.
 *
 * **The receive queue** holds at most `queue` datagrams, the
 * `max_dgram_qlen + 1` of §7 (Linux: 11). A blocking send to a full queue
 * sleeps until the receiver reads (every blocked sender may go next: the
 * checker explores each); {@linkcode dgramSendNonblock} gets `EAGAIN`.
 *
 * **Errors.** A datagram longer than `maxMessage` → `EMSGSIZE` (Linux:
 * longer than sndbuf). Sending to a path with no socket file → `ENOENT`,
 * to a socket that is closed (the file remains) → `ECONNREFUSED`, also for
 * a sender already blocked on the full queue. Binding a path in use →
 * `EADDRINUSE`. An error with no `status` target to report it is a
 * `socket error` violation.
 *
 * **No EOF.** A datagram socket has no connection to close: a blocking
 * receive on an empty queue blocks for ever once every sender is gone, and
 * the checker reports the deadlock. The usual fix is an end marker (a
 * zero-length datagram works) or a timeout.
 *
 * **Closing.** {@linkcode dgramClose}, or the process exiting (`onExit`:
 * exit closes every descriptor), drops the caller's hold; when no process
 * holds the socket any more it is closed and its queued datagrams are
 * discarded.
 *
 * **Templates** (`System.delivery`): one lane, the receive queue, in its
 * order (at most `queue` datagrams), each datagram from its sender with its
 * value; a receive takes position 0. When the last holder lets go (close or
 * exit) the queued datagrams are dropped.
 *
 * **Departures from Linux, and why.**
 * - *Datagrams are a value and a length*, not bytes: a protocol over
 *   datagrams cares about boundaries, lengths and order, which are kept.
 * - *Only sockets bound to a path are modelled.* The mutual-peer exemption
 *   from the queue limit (a `socketpair`, or two sockets connected to each
 *   other, are bounded only by sndbuf) and `connect()` on datagram sockets
 *   are not: every sender counts against `queue`. `SO_SNDBUF` accounting is
 *   replaced by `maxMessage`.
 * - *One path, never unlinked*: {@linkcode dgramBind} on a path whose
 *   socket closed gets `EADDRINUSE` (the file remains), as on Linux without
 *   an `unlink`, which is not modelled. Abstract names, credentials,
 *   descriptor passing, `poll` and timeouts are not modelled; a blocking
 *   call returns `EINTR` only when wrapped in `interruptible()` (signals.ts).
 * - Receiving on a socket the process does not hold is an error of the
 *   spec (`EBADF` on Linux), naming the process and step.
 * - At most 31 processes (pids are bits of one slot).
 *
 * @module
 */

import type { Ctx, Expr, Footprint, Into, OpImpl, PrimitiveImpl, Step } from "../_ast.ts";
import { evalExpr } from "../_ast.ts";
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
import { SOCKET_ERROR } from "./unix_stream.ts";
import { type MessageTap, messageTaps, tapDrop, tapPut, tapTake } from "../_tap.ts";

// Slot layout, from the socket's first slot:
//   0 ST    0 no socket file, 1 bound, 2 closed (the file remains)
//   1 HOLD  bitmask of the pids holding the socket
//   2 LEN   datagrams queued
//   3 ..    the queue, oldest first: (value, length, sender pid) per datagram
const ST = 0, HOLD = 1, LEN = 2, Q = 3;
const S_ABSENT = 0, S_BOUND = 1, S_CLOSED = 2;
const ENTRY = 3;

/** A datagram socket declared with {@linkcode unixDgram}. */
export interface UnixDgram extends PrimitiveImpl {
  /** Discriminant. */
  readonly kind: "unix_dgram";
  /** The most datagrams queued: `max_dgram_qlen + 1`. */
  readonly queue: number;
  /** The longest datagram; longer ones get `EMSGSIZE`. */
  readonly maxMessage: number;
}

/** Options of {@linkcode unixDgram}. */
export interface UnixDgramOptions {
  /** Datagrams the receive queue holds, `max_dgram_qlen + 1` (default 2; Linux: 11). */
  queue?: number;
  /** The longest datagram in bytes (default 4; Linux: about sndbuf, 212992). */
  maxMessage?: number;
  /** Whether the socket is bound when the run starts (default true); if not, {@linkcode dgramBind} binds it. */
  bound?: boolean;
  /**
   * For a socket bound at the start: the processes holding it (kinds or
   * `kind#id`); default: every process whose body receives from it or
   * closes it.
   */
  holders?: readonly string[];
}

interface Core {
  readonly sys: Pick<System<unknown>, "processes">;
  readonly prim: UnixDgram;
  readonly bound: boolean;
  readonly holders: readonly string[] | undefined;
  /** The operations that make a process a default holder. */
  readonly holderOps: Set<OpImpl>;
  /** The template taps: one lane, the receive queue. */
  readonly taps: MessageTap[];
}

const CORES = new WeakMap<UnixDgram, Core>();

function coreOf(s: UnixDgram): Core {
  const c = CORES.get(s);
  if (c === undefined) {
    throw new TypeError(`'${String(s?.name)}' is not a socket made by unixDgram()`);
  }
  return c;
}

function initialHolders(core: Core): number | string {
  const t = processTable(core.sys, core.prim);
  if (t.names.length > MAX_PROCESSES) {
    return `socket '${core.prim.name}': at most ${MAX_PROCESSES} processes, the system has ${t.names.length}`;
  }
  if (!core.bound) return 0;
  const m = core.holders !== undefined
    ? maskOf(t, core.holders, `socket '${core.prim.name}': holders`)
    : usersMask(core.sys, (op) => core.holderOps.has(op));
  // A dormant process (a dynamic kind) holds nothing until it is forked.
  return typeof m === "string" ? m : m & ~t.dormantMask;
}

/**
 * Declares a Unix domain datagram socket bound to a path (its name). The
 * system is needed to know its processes.
 *
 * @param sys The system whose processes use the socket.
 * @param name The unique name (the socket's path), used in traces.
 * @param options Queue limit, message size, and who holds it at the start.
 * @returns The socket, for {@linkcode dgramSend}, {@linkcode dgramRecv}, ...
 *
 * @example A port holding at most 2 datagrams (max_dgram_qlen = 1)
 * ```ts
 * import { system } from "../spec.ts";
 * import { unixDgram } from "./unix_dgram.ts";
 * import assert from "node:assert/strict";
 *
 * const port = unixDgram(system({}), "port", { queue: 2 });
 * assert.equal(port.queue, 2);
 * assert.equal(port.slots, 3 + 2 * 3);
 * ```
 */
export function unixDgram(
  sys: Pick<System<unknown>, "processes">,
  name: string,
  options: UnixDgramOptions = {},
): UnixDgram {
  requireName("socket", name);
  requireSystem(`socket '${name}'`, sys);
  const queue = requireInt(`socket '${name}': queue`, options.queue ?? 2, 1, 1 << 12);
  const maxMessage = requireInt(
    `socket '${name}': maxMessage`,
    options.maxMessage ?? 4,
    0,
    1 << 20,
  );
  const bound = options.bound ?? true;
  if (typeof bound !== "boolean") {
    throw new TypeError(`socket '${name}': bound must be a boolean`);
  }
  if (options.holders !== undefined && !Array.isArray(options.holders)) {
    throw new TypeError(`socket '${name}': holders must be a list of processes`);
  }
  if (options.holders !== undefined && !bound) {
    throw new TypeError(`socket '${name}': holders apply to a socket bound at the start`);
  }
  const prim: UnixDgram = {
    kind: "unix_dgram",
    name,
    queue,
    maxMessage,
    slots: Q + ENTRY * queue,
    validate() {
      const m = initialHolders(coreOf(prim));
      return typeof m === "string" ? m : undefined;
    },
    init(w, off) {
      const m = initialHolders(coreOf(prim));
      if (typeof m === "string") throw new RangeError(m);
      for (let i = 0; i < prim.slots; i++) w[off + i] = 0;
      // Bound, but held by nobody: closed at once (the file remains).
      if (bound) {
        w[off + ST] = m === 0 ? S_CLOSED : S_BOUND;
        w[off + HOLD] = m;
      }
    },
    // The receive queue, in datagrams (full: a send would block or get EAGAIN).
    bufferQueries: {
      length: (w, off) => w[off + LEN]!,
      full: (w, off) => w[off + LEN]! >= queue,
    },
    format: formatDgram,
    value(w, off) {
      return w[off + LEN]!;
    },
    holds(w, off, pid) {
      return ((w[off + HOLD]! >>> pid) & 1) === 1;
    },
    // fork: the child holds the socket if its parent does.
    onFork(w, off, parent, child) {
      if (((w[off + HOLD]! >>> parent) & 1) === 1) w[off + HOLD] = w[off + HOLD]! | (1 << child);
    },
    onExit(w, off, pid) {
      drop(prim, w, off, pid);
    },
  };
  CORES.set(prim, {
    sys,
    prim,
    bound,
    holders: options.holders,
    holderOps: new Set(),
    taps: messageTaps(prim, () => ({ lanes: 1, capacity: queue })),
  });
  return prim;
}

/** A datagram socket's state for traces: its queue (value:length) and holders. */
function formatDgram(w: Int32Array, off: number, pidName: (pid: number) => string): string {
  const st = w[off + ST]!;
  if (st === S_ABSENT) return "no-socket";
  if (st === S_CLOSED) return "closed";
  const items: string[] = [];
  for (let k = 0; k < w[off + LEN]!; k++) {
    const e = off + Q + ENTRY * k;
    items.push(`${w[e]}:${w[e + 1]}`);
  }
  return `[${items.join(",")}] ${pidSet(w[off + HOLD]!, pidName)}`;
}

/** `pid` lets go of the socket; the last holder closes it and discards the queue. */
function drop(s: UnixDgram, w: Int32Array, off: number, pid: number): void {
  const bit = 1 << pid;
  if ((w[off + HOLD]! & bit) === 0) return;
  w[off + HOLD] = w[off + HOLD]! & ~bit;
  if (w[off + HOLD] !== 0) return;
  tapDrop(coreOf(s).taps, w, 0, 0, w[off + LEN]!);
  for (let i = 0; i < s.slots; i++) w[off + i] = 0;
  w[off + ST] = S_CLOSED;
}

function holds(w: Int32Array, off: number, pid: number): boolean {
  return ((w[off + HOLD]! >>> pid) & 1) === 1;
}

function intIn(what: string, v: number | Expr, ctx: Ctx, min: number): number {
  const x = evalExpr(v, ctx);
  if (!Number.isInteger(x) || x < min || x > 2147483647) {
    throw new RangeError(`${what}: expected an integer >= ${min}, got ${String(x)}`);
  }
  return x;
}

function ebadf(s: UnixDgram, what: string, pid: number, pidName: (pid: number) => string): never {
  throw new Error(
    `${pidName(pid)} calls ${what} on socket '${s.name}', which it does not hold (EBADF): ` +
      `closed, never bound it, or not among its holders`,
  );
}

const ALL: Footprint = { reads: "all", writes: "all" };

/** The queue's slots: the length and the entries. */
function queueSlots(s: UnixDgram): number[] {
  return Array.from({ length: 1 + ENTRY * s.queue }, (_, i) => LEN + i);
}

/** Options of {@linkcode dgramBind}. */
export interface DgramBindOptions {
  /** Receives `OK`, or `EADDRINUSE` when the path is in use. */
  status?: Into;
}

/**
 * `socket(AF_UNIX, SOCK_DGRAM); bind(path)`: creates the socket file, the
 * caller holding the socket. `EADDRINUSE` when the path exists (also after
 * the socket closed: the file remains).
 *
 * @param sock The socket.
 * @param options A status target.
 * @returns The step.
 *
 * @example
 * ```ts
 * import { system } from "../spec.ts";
 * import { dgramBind, unixDgram } from "./unix_dgram.ts";
 * import assert from "node:assert/strict";
 *
 * const port = unixDgram(system({}), "port", { bound: false });
 * assert.equal(dgramBind(port).kind, "op");
 * ```
 */
export function dgramBind(sock: UnixDgram, options: DgramBindOptions = {}): Step {
  const core = coreOf(sock);
  checkInto(`dgramBind(${sock.name})`, options.status, "status");
  const status = options.status;
  const op: OpImpl = {
    prim: sock,
    text: `bind(${sock.name})`,
    footprint: { reads: [ST], writes: [ST, HOLD] },
    ...(status === undefined ? { failure: SOCKET_ERROR } : {}),
    enabled: () => true,
    apply(w, off, pid, ctx, pidName) {
      if (w[off + ST] !== S_ABSENT) {
        return report(
          status,
          ctx,
          Errno.EADDRINUSE,
          () => `${pidName(pid)} binds '${sock.name}': EADDRINUSE with no status target`,
        );
      }
      w[off + ST] = S_BOUND;
      w[off + HOLD] = 1 << pid;
      status?.set(ctx, Errno.OK);
      return undefined;
    },
  };
  core.holderOps.add(op);
  return opStep(op);
}

/** Options of {@linkcode dgramSend}. */
export interface DgramSendOptions {
  /** The datagram's value (default 1). */
  value?: number | Expr;
  /** The datagram's length in bytes (>= 0; 0 is a real, empty datagram). */
  bytes: number | Expr;
  /** Receives `OK`, `ECONNREFUSED`, `ENOENT` or `EMSGSIZE`. */
  status?: Into;
  /** Receives what `sendto()` returns: the length, or -1. */
  count?: Into;
}

/** Options of {@linkcode dgramSendNonblock}. */
export interface DgramSendNonblockOptions extends DgramSendOptions {
  /** Receives `OK`, `EAGAIN`, `ECONNREFUSED`, `ENOENT` or `EMSGSIZE`. */
  status: Into;
}

function sendOp(sock: UnixDgram, what: string, o: DgramSendOptions, blocking: boolean): Step {
  const where = `${what}(${sock.name})`;
  checkExprOrInt(where, o.bytes, "bytes", 0);
  checkExprOrInt(where, o.value ?? 1, "value", -2147483648);
  checkInto(where, o.status, "status");
  checkInto(where, o.count, "count");
  const { status, count } = o;
  const value = o.value ?? 1;
  const cap = sock.queue;
  const taps = coreOf(sock).taps;
  return opStep({
    prim: sock,
    text: `${what}(${sock.name}, ${typeof o.bytes === "number" ? o.bytes : "n"})`,
    footprint: { reads: [ST, ...queueSlots(sock)], writes: queueSlots(sock) },
    ...(status === undefined ? { failure: SOCKET_ERROR } : {}),
    enabled: (w, off) => !blocking || w[off + ST] !== S_BOUND || w[off + LEN]! < cap,
    apply(w, off, pid, ctx, pidName) {
      const n = intIn(`${where}: bytes`, o.bytes, ctx, 0);
      const st = w[off + ST]!;
      const code = n > sock.maxMessage
        ? Errno.EMSGSIZE
        : st === S_ABSENT
        ? Errno.ENOENT
        : st === S_CLOSED
        ? Errno.ECONNREFUSED
        : w[off + LEN]! >= cap
        ? Errno.EAGAIN
        : Errno.OK;
      if (code !== Errno.OK) {
        count?.set(ctx, -1);
        return report(
          status,
          ctx,
          code,
          () =>
            `${pidName(pid)} sends to '${sock.name}': ${errnoName(code)} (${
              code === Errno.EMSGSIZE
                ? `${n} bytes, more than ${sock.maxMessage}`
                : code === Errno.ENOENT
                ? "no socket file"
                : "the socket is closed"
            }) with no status target`,
        );
      }
      const v = intIn(`${where}: value`, value, ctx, -2147483648);
      const len = w[off + LEN]!;
      const e = off + Q + ENTRY * len;
      w[e] = v;
      w[e + 1] = n;
      w[e + 2] = pid;
      w[off + LEN] = len + 1;
      if (taps.length > 0) tapPut(taps, w, 0, len, pid, v, 0, -1);
      count?.set(ctx, n);
      status?.set(ctx, Errno.OK);
      return undefined;
    },
  });
}

/**
 * `sendto(path, datagram)`, blocking: queues the datagram, sleeping while
 * the receive queue holds `queue` datagrams (woken by a receive, or by the
 * socket closing: `ECONNREFUSED`). `ENOENT` with no socket file,
 * `ECONNREFUSED` once it is closed, `EMSGSIZE` above `maxMessage`.
 *
 * @param sock The socket sent to.
 * @param options Value, length, and status and count targets.
 * @returns The step.
 *
 * @example A zero-length datagram as an end marker
 * ```ts
 * import { system } from "../spec.ts";
 * import { dgramSend, unixDgram } from "./unix_dgram.ts";
 * import assert from "node:assert/strict";
 *
 * const port = unixDgram(system({}), "port");
 * assert.equal(dgramSend(port, { bytes: 0 }).kind, "op");
 * ```
 */
export function dgramSend(sock: UnixDgram, options: DgramSendOptions): Step {
  return sendOp(sock, "sendto", options, true);
}

/**
 * `sendto()` with `MSG_DONTWAIT`: as {@linkcode dgramSend}, but `EAGAIN`
 * (nothing queued) when the receive queue is full.
 *
 * @param sock The socket sent to.
 * @param options Value, length, status (required) and count targets.
 * @returns The step.
 *
 * @example
 * ```ts
 * import { system } from "../spec.ts";
 * import { StepBuilder } from "../steps.ts";
 * import { dgramSendNonblock, unixDgram } from "./unix_dgram.ts";
 * import assert from "node:assert/strict";
 *
 * const s = new StepBuilder<unknown, { st: number }>();
 * const port = unixDgram(system({}), "port");
 * assert.equal(dgramSendNonblock(port, { bytes: 1, status: s.into("st") }).kind, "op");
 * ```
 */
export function dgramSendNonblock(sock: UnixDgram, options: DgramSendNonblockOptions): Step {
  requireStatus(`sendtoNonblock(${sock.name})`, options.status);
  return sendOp(sock, "sendtoNonblock", options, false);
}

/** Options of {@linkcode dgramRecv}. */
export interface DgramRecvOptions {
  /** The buffer size in bytes (>= 0): a longer datagram is truncated. */
  bytes: number | Expr;
  /** Receives the datagram's value. */
  into?: Into;
  /** Receives what `recv()` returns: min(buffer, length), the real length with `trunc`, -1 on `EAGAIN`. */
  count?: Into;
  /** Receives 1 when the datagram was longer than the buffer (`MSG_TRUNC` in `msg_flags`), else 0. */
  truncated?: Into;
  /** Receives the sender's pid (`recvfrom`'s address). */
  from?: Into;
  /** `recv(MSG_TRUNC)`: the count is the datagram's real length. */
  trunc?: boolean;
}

/** Options of {@linkcode dgramRecvNonblock}. */
export interface DgramRecvNonblockOptions extends DgramRecvOptions {
  /** Receives `OK` or `EAGAIN`. */
  status: Into;
}

function recvOp(
  sock: UnixDgram,
  what: string,
  o: DgramRecvOptions,
  status: Into | undefined,
): Step {
  const core = coreOf(sock);
  const where = `${what}(${sock.name})`;
  checkExprOrInt(where, o.bytes, "bytes", 0);
  for (const t of ["into", "count", "truncated", "from"] as const) checkInto(where, o[t], t);
  checkInto(where, status, "status");
  const blocking = status === undefined;
  const op: OpImpl = {
    prim: sock,
    text: `${what}(${sock.name}, ${typeof o.bytes === "number" ? o.bytes : "n"})`,
    footprint: { reads: [HOLD, ...queueSlots(sock)], writes: queueSlots(sock) },
    enabled: (w, off, pid) => !blocking || !holds(w, off, pid) || w[off + LEN]! > 0,
    apply(w, off, pid, ctx, pidName) {
      if (!holds(w, off, pid)) ebadf(sock, what, pid, pidName);
      const n = intIn(`${where}: bytes`, o.bytes, ctx, 0);
      const len = w[off + LEN]!;
      if (len === 0) {
        o.count?.set(ctx, -1);
        status!.set(ctx, Errno.EAGAIN);
        return undefined;
      }
      const v = w[off + Q]!, rl = w[off + Q + 1]!, from = w[off + Q + 2]!;
      if (core.taps.length > 0) tapTake(core.taps, w, 0, 0, pid);
      closeGap(w, off + Q, len, 0, ENTRY);
      w[off + LEN] = len - 1;
      o.into?.set(ctx, v);
      o.count?.set(ctx, o.trunc === true ? rl : Math.min(n, rl));
      o.truncated?.set(ctx, rl > n ? 1 : 0);
      o.from?.set(ctx, from);
      status?.set(ctx, Errno.OK);
      return undefined;
    },
  };
  core.holderOps.add(op);
  return opStep(op);
}

/**
 * `recvfrom()`, blocking: takes the oldest datagram (one per call), its
 * value into `into`, min(buffer, length) as the count, `truncated` = 1 when
 * the rest was discarded. Blocks while the queue is empty, for ever if
 * nobody sends again: datagram sockets have no EOF. The caller must hold
 * the socket.
 *
 * @param sock The socket.
 * @param options Buffer size, and targets for value, count, flag, sender.
 * @returns The step.
 *
 * @example
 * ```ts
 * import { system } from "../spec.ts";
 * import { StepBuilder } from "../steps.ts";
 * import { dgramRecv, unixDgram } from "./unix_dgram.ts";
 * import assert from "node:assert/strict";
 *
 * const s = new StepBuilder<unknown, { v: number; n: number; t: number }>();
 * const port = unixDgram(system({}), "port");
 * const step = dgramRecv(port, {
 *   bytes: 2,
 *   into: s.into("v"),
 *   count: s.into("n"),
 *   truncated: s.into("t"),
 * });
 * assert.equal(step.kind, "op");
 * ```
 */
export function dgramRecv(sock: UnixDgram, options: DgramRecvOptions): Step {
  return recvOp(sock, "recvfrom", options, undefined);
}

/**
 * `recvfrom()` with `MSG_DONTWAIT`: `EAGAIN` (count -1) on an empty queue,
 * whether or not anyone will ever send; otherwise as {@linkcode dgramRecv}.
 *
 * @param sock The socket.
 * @param options Buffer size, status (required), and targets.
 * @returns The step.
 *
 * @example
 * ```ts
 * import { system } from "../spec.ts";
 * import { StepBuilder } from "../steps.ts";
 * import { dgramRecvNonblock, unixDgram } from "./unix_dgram.ts";
 * import assert from "node:assert/strict";
 *
 * const s = new StepBuilder<unknown, { st: number }>();
 * const port = unixDgram(system({}), "port");
 * assert.equal(dgramRecvNonblock(port, { bytes: 1, status: s.into("st") }).kind, "op");
 * ```
 */
export function dgramRecvNonblock(sock: UnixDgram, options: DgramRecvNonblockOptions): Step {
  const status = requireStatus(`recvfromNonblock(${sock.name})`, options.status);
  return recvOp(sock, "recvfromNonblock", options, status);
}

/**
 * `close()` of the caller's hold on the socket. When the last holder closes
 * it (or exits), the socket closes: its queued datagrams are discarded, and
 * senders, blocked or later, get `ECONNREFUSED`. Closing a socket the
 * process does not hold is an error of the spec (`EBADF`).
 *
 * @param sock The socket.
 * @returns The step.
 *
 * @example
 * ```ts
 * import { system } from "../spec.ts";
 * import { dgramClose, unixDgram } from "./unix_dgram.ts";
 * import assert from "node:assert/strict";
 *
 * const port = unixDgram(system({}), "port");
 * assert.equal(dgramClose(port).kind, "op");
 * ```
 */
export function dgramClose(sock: UnixDgram): Step {
  const core = coreOf(sock);
  const op: OpImpl = {
    prim: sock,
    text: `close(${sock.name})`,
    footprint: ALL,
    enabled: () => true,
    apply(w, off, pid, _ctx, pidName) {
      if (!holds(w, off, pid)) ebadf(sock, "close", pid, pidName);
      drop(sock, w, off, pid);
      return undefined;
    },
  };
  core.holderOps.add(op);
  return opStep(op);
}
