/**
 * Pipes (docs/semantics.md §1): a one-way byte FIFO of bounded capacity,
 * whose two ends are shared by every process that holds them.
 *
 * **Bytes.** The buffer is modelled byte by byte with a small capacity.
 * A byte is a small integer (its "contents"); a write of `n` bytes puts `n`
 * copies of its value in the pipe, so a trace shows whose bytes went where.
 *
 * **Ends.** The pipe keeps, per process (by pid), whether it holds a read
 * end and a write end: two bitmasks. `R` and `W`, the numbers of processes
 * holding each end, are their popcounts. By default every process whose
 * body uses the pipe holds both ends, as after `pipe(); fork()`; the
 * `holders` option lists them instead. {@linkcode close} drops one end of
 * the calling process; a process that finishes closes both (exit closes
 * every descriptor). When the last end of both kinds is closed the pipe is
 * freed and its unread bytes are discarded.
 *
 * **Operations.**
 * - {@linkcode write}: `n <= pipeBuf` is atomic: it waits for `n` free bytes
 *   and writes one contiguous run. `n > pipeBuf` writes in pieces: every
 *   split point is explored (one transition per piece, the piece size a
 *   nondeterministic choice), so other writers' bytes may come in between.
 *   With no read end open (`R = 0`) the write fails with `EPIPE` and
 *   raises SIGPIPE, also when it is already blocked on a full pipe; a large
 *   write that had written `k > 0` bytes returns `k`, SIGPIPE still raised.
 * - {@linkcode writeNonblock}: never blocks; `EAGAIN` with nothing written
 *   when an atomic write does not fit, or when a large one finds the pipe
 *   full; otherwise a large write writes `k` bytes, 1 <= k <= room (every
 *   `k` explored).
 * - {@linkcode read}: returns min(n, |buf|) bytes at once (deterministic);
 *   blocks on an empty pipe while a write end is open; returns 0 (EOF) once
 *   the buffer is empty and every write end is closed, on every later call
 *   too. {@linkcode readNonblock} returns `EAGAIN` instead of blocking.
 *   With several readers each byte goes to exactly one of them, and which
 *   reader runs first is the checker's choice.
 * - {@linkcode writeAll} and {@linkcode readAll}: the usual loops around
 *   `write()` and `read()` (`writen`/`readn`): a message written as several
 *   `write()` calls of at most `fragment` bytes, optionally after a one-byte
 *   length header, and read back until complete or EOF. The message-size
 *   helpers of `fragment.ts` use them.
 *
 * **Templates** (`System.delivery`): one lane, each byte a message from
 * its writer whose value is the byte's value, put at the end when written
 * and taken from position 0 by the reader (a read of `k` bytes is `k`
 * takes, a `readAll` header byte included). When the pipe is freed (the
 * last end of both kinds closed, by `close` or exit) its unread bytes are
 * dropped. Bytes left unread while some process still holds an end stay in
 * flight (`no loss at end`). `noDuplicates` tells a writer's bytes apart by
 * value only, so it suits writers that write distinct values.
 *
 * **Signals.** In a system with a signal table (`signals.ts`; it is part of
 * the system once some step uses it), a write that raises SIGPIPE
 * generates it for the writer through the table, as `kill` would; the
 * writer's disposition decides: by default SIGPIPE kills it when
 * delivered, before its next step; ignored, blocked or handled, the write
 * returns `EPIPE` (or a large write's count) and the writer goes on.
 * Without a signal table, SIGPIPE is recorded in the pipe's slots as a
 * per-process pending bit (a standard signal: repeats merge), shown in
 * traces as `SIGPIPE{...}`, when the write has a `status` target (the
 * process survives and gets `EPIPE`); a write without a `status` target
 * that raises SIGPIPE is a `broken pipe` violation instead.
 * `interruptible()` makes a read or a write return `EINTR` when a signal
 * handler interrupts it while blocked; a large write that had written
 * `k > 0` bytes returns `k` instead, restarted or not (§1, [V:p04]).
 * `writeAll` and `readAll` are loops that retry on `EINTR`, so
 * `interruptible()` refuses them.
 *
 * **Departures from Linux, and why.**
 * - Capacity is counted in bytes, not in 4096-byte slots, and is small
 *   (default 4): the slot rounding only changes *how many* bytes fit before
 *   "full", and the ND piece sizes of large writes already cover any amount.
 * - Large blocking writes may be split at every point. Linux holds the pipe
 *   lock while copying and stops only when the pipe is full; POSIX promises
 *   nothing beyond `PIPE_BUF`, and portable protocols must not rely on more.
 * - Using an end the process does not hold (closed, or never inherited) is
 *   a spec error naming the process and step, not an `EBADF` status: in a
 *   real program the descriptor number may have been reused by then.
 * - The sizes `n` given as expressions are read when the call starts: the
 *   guards of its first transition evaluate them over the caller's view,
 *   and a call of several transitions (a large write, {@linkcode writeAll},
 *   {@linkcode readAll}) keeps the size in its call slots from then on. So
 *   a call with an expression as size takes exactly the transitions it
 *   would take with the number.
 * - A non-blocking write larger than `pipeBuf` writes any `k` from 1 to
 *   the room, not exactly the room. Linux fills free 4096-byte page slots
 *   (a write's sub-page tail joins the last slot only if it fits whole),
 *   so the count depends on a slot layout the byte model does not keep:
 *   with 4000 bytes queued in a pipe of two pages, a 5000-byte write
 *   writes 4096 of the 4192 free bytes. Exploring every `k` includes
 *   Linux's count (the conformance suite checks it against the kernel).
 * - FIFOs (named pipes, `open` blocking), `fcntl(F_SETPIPE_SZ)`, `poll`,
 *   `dup`, and `EINTR` outside `interruptible()` are not modelled.
 *
 * @module
 */

import { callerSource, type Ctx, evalExpr, type Expr, type Footprint, type Into } from "../_ast.ts";
import type { OpImpl, PrimitiveImpl, SignalRaiser, Step } from "../_ast.ts";
import type { System } from "../system.ts";
import { Errno } from "./errno.ts";
import { checkInto, opStep, requireInt, requireName, requireStatus } from "./_op.ts";
import { maskOf, MAX_PROCESSES, pidSet, processTable, requireSystem } from "./_fork.ts";
import { type MessageTap, messageTaps, tapDrop, tapPut, tapTake } from "../_tap.ts";

/** SIGPIPE's number (signals.ts). */
const SIGPIPE = 13;

// Slot layout, from the pipe's first slot:
//   0 R       bitmask of the pids holding a read end
//   1 W       bitmask of the pids holding a write end
//   2 SIG     bitmask of the pids with SIGPIPE pending
//   3 LEN     bytes in the buffer
//   4..       the buffer, `capacity` slots, shifted to the front
//   then, only when some operation is a multi-transition call, two slots
//   per pid: bytes done so far, and the call's total + 1 (0 = not recorded:
//   a static size, or an expression not read yet).
const R = 0, W = 1, SIG = 2, LEN = 3, BUF = 4;

/** A pipe declared with {@linkcode pipe}. */
export interface Pipe extends PrimitiveImpl {
  /** Discriminant. */
  readonly kind: "pipe";
  /** The most bytes the pipe holds. */
  readonly capacity: number;
  /** Writes of at most this many bytes are atomic (`PIPE_BUF`). */
  readonly pipeBuf: number;
}

/**
 * Which processes hold the ends of a pipe at the start: `"users"` (every
 * process whose body uses the pipe, the default), `"all"` (every process of
 * the system), a list of process kinds or instances (`"child"`,
 * `"child#1"`) holding both ends, or separate lists per end.
 */
export type PipeHolders =
  | "users"
  | "all"
  | readonly string[]
  | { readonly read: readonly string[]; readonly write: readonly string[] };

/** Options of {@linkcode pipe}. */
export interface PipeOptions {
  /** The capacity in bytes (default 4). Linux: 65536. */
  capacity?: number;
  /** `PIPE_BUF`: writes up to this size are atomic (default: the capacity). Linux: 4096. */
  pipeBuf?: number;
  /** Who holds which end at the start (default `"users"`). */
  holders?: PipeHolders;
}

interface Core {
  readonly sys: Pick<System<unknown>, "processes">;
  readonly prim: Pipe;
  readonly holders: PipeHolders;
  /** Whether some operation needs the per-pid call slots. */
  progress: boolean;
  /** Footprints computed since the last compile. */
  readonly footprints: Map<string, Footprint>;
  /** The template taps: one lane, a message per byte. */
  readonly taps: MessageTap[];
  /** How to raise SIGPIPE through the system's signal table (none: recorded here). */
  raise?: SignalRaiser | undefined;
}

const CORES = new WeakMap<Pipe, Core>();

function coreOf(p: Pipe): Core {
  const c = CORES.get(p);
  if (c === undefined) throw new TypeError(`'${String(p?.name)}' is not a pipe made by pipe()`);
  return c;
}

function initialMasks(core: Core): { r: number; w: number } | string {
  const t = processTable(core.sys, core.prim);
  if (t.names.length > MAX_PROCESSES) {
    return `pipe '${core.prim.name}': at most ${MAX_PROCESSES} processes, the system has ${t.names.length}`;
  }
  const m = holderMasks(core, t);
  // A dormant process (a dynamic kind) holds no end until it is forked.
  return typeof m === "string" ? m : { r: m.r & ~t.dormantMask, w: m.w & ~t.dormantMask };
}

/** The masks of `initialMasks` before dormant processes are taken out. */
function holderMasks(
  core: Core,
  t: ReturnType<typeof processTable>,
): { r: number; w: number } | string {
  const h = core.holders;
  const what = `pipe '${core.prim.name}': holders`;
  if (h === "users" || h === "all") {
    let m = 0;
    t.users.forEach((u, pid) => {
      if (u || h === "all") m |= 1 << pid;
    });
    return { r: m, w: m };
  }
  if (Array.isArray(h)) {
    const m = maskOf(t, h as readonly string[], what);
    return typeof m === "string" ? m : { r: m, w: m };
  }
  const split = h as { read: readonly string[]; write: readonly string[] };
  const r = maskOf(t, split.read, `${what} (read)`);
  if (typeof r === "string") return r;
  const w = maskOf(t, split.write, `${what} (write)`);
  if (typeof w === "string") return w;
  return { r, w };
}

/**
 * Declares a pipe. The system is needed to know the processes that hold its
 * ends (the pipe is created before the processes fork).
 *
 * @param sys The system whose processes share the pipe.
 * @param name The unique name, used in traces.
 * @param options Capacity, `PIPE_BUF`, and who holds the ends.
 * @returns The pipe, for {@linkcode write}, {@linkcode read}, {@linkcode close}, ...
 *
 * @example A pipe of 4 bytes whose writes of up to 2 bytes are atomic
 * ```ts
 * import { system } from "../spec.ts";
 * import { pipe } from "./pipe.ts";
 * import assert from "node:assert/strict";
 *
 * const sys = system({});
 * const p = pipe(sys, "p", { capacity: 4, pipeBuf: 2 });
 * assert.equal(p.capacity, 4);
 * assert.equal(p.pipeBuf, 2);
 * ```
 */
export function pipe(
  sys: Pick<System<unknown>, "processes">,
  name: string,
  options: PipeOptions = {},
): Pipe {
  requireName("pipe", name);
  requireSystem(`pipe '${name}'`, sys);
  const capacity = requireInt(`pipe '${name}': capacity`, options.capacity ?? 4, 1, 1 << 16);
  const pipeBuf = requireInt(`pipe '${name}': pipeBuf`, options.pipeBuf ?? capacity, 1, capacity);
  const holders = checkHolders(name, options.holders ?? "users");
  const prim: Pipe = {
    kind: "pipe",
    name,
    capacity,
    pipeBuf,
    bufferQueries: {
      length: (w, off) => w[off + LEN]!,
      full: (w, off) => w[off + LEN]! >= capacity,
    },
    get slots(): number {
      const pids = processTable(sys, prim).names.length;
      return BUF + capacity + (coreOf(prim).progress ? 2 * pids : 0);
    },
    validate() {
      coreOf(prim).footprints.clear();
      const m = initialMasks(coreOf(prim));
      return typeof m === "string" ? m : undefined;
    },
    init(w, off) {
      const m = initialMasks(coreOf(prim));
      if (typeof m === "string") throw new RangeError(m);
      const end = off + prim.slots;
      for (let i = off; i < end; i++) w[i] = 0;
      w[off + R] = m.r;
      w[off + W] = m.w;
    },
    format(w, off, pidName) {
      return formatPipe(w, off, pidName, prim);
    },
    value(w, off) {
      return w[off + LEN]!;
    },
    holds(w, off, pid) {
      return ((w[off + W]! >>> pid) & 1) === 1;
    },
    linkSignals(raise) {
      coreOf(prim).raise = raise;
    },
    onExit(w, off, pid) {
      const bit = ~(1 << pid);
      w[off + R] = w[off + R]! & bit;
      w[off + W] = w[off + W]! & bit;
      freeIfUnused(w, off, capacity, coreOf(prim).taps);
    },
    // fork: the child holds the ends its parent holds (ipc-semantics §1);
    // no call of the parent's is in progress in the child.
    onFork(w, off, parent, child) {
      forkEnds(w, off, parent, child, coreOf(prim).progress ? off + BUF + capacity : -1);
    },
    // Symmetry reduction: the end and SIGPIPE masks and the per-process
    // call slots follow their processes. Holders given as lists may single
    // out one copy, so such a pipe gets none.
    ...(holders === "users" || holders === "all"
      ? { permute: (w, off, perm) => permuteEnds(prim, w, off, perm) }
      : {}),
  };
  const taps = messageTaps(prim, () => ({ lanes: 1, capacity }));
  CORES.set(prim, { sys, prim, holders, progress: false, footprints: new Map(), taps });
  return prim;
}

/** Symmetry: the end and SIGPIPE masks and the per-process call slots of `prim` follow their processes. */
function permuteEnds(prim: Pipe, w: Int32Array, off: number, perm: Int32Array): void {
  const capacity = prim.capacity;
  for (const at of [R, W, SIG]) {
    const mask = w[off + at]!;
    let out = 0;
    for (let p = 0; p < perm.length; p++) if (((mask >>> p) & 1) === 1) out |= 1 << perm[p]!;
    w[off + at] = out;
  }
  if (!coreOf(prim).progress) return;
  const base = off + BUF + capacity;
  const calls = w.slice(base, base + 2 * perm.length);
  for (let p = 0; p < perm.length; p++) {
    w[base + 2 * perm[p]!] = calls[2 * p]!;
    w[base + 2 * perm[p]! + 1] = calls[2 * p + 1]!;
  }
}

/**
 * fork: `child` holds the ends `parent` holds, no SIGPIPE of its own, and
 * no call in progress (the per-pid call slots at `calls`, or -1 for none).
 */
function forkEnds(w: Int32Array, off: number, parent: number, child: number, calls: number): void {
  const bit = 1 << child;
  if (((w[off + R]! >>> parent) & 1) === 1) w[off + R] = w[off + R]! | bit;
  if (((w[off + W]! >>> parent) & 1) === 1) w[off + W] = w[off + W]! | bit;
  w[off + SIG] = w[off + SIG]! & ~bit;
  if (calls < 0) return;
  w[calls + 2 * child] = 0;
  w[calls + 2 * child + 1] = 0;
}

/** `holders`, checked to be one of the forms {@linkcode PipeHolders} allows. */
function checkHolders(name: string, holders: PipeHolders): PipeHolders {
  if (
    holders !== "users" && holders !== "all" && !Array.isArray(holders) &&
    (typeof holders !== "object" || !Array.isArray((holders as { read?: unknown }).read) ||
      !Array.isArray((holders as { write?: unknown }).write))
  ) {
    throw new TypeError(
      `pipe '${name}': holders must be "users", "all", a list of processes, or { read, write }`,
    );
  }
  return holders;
}

/** The pipe in a trace: its bytes, end holders, SIGPIPE targets and calls in progress. */
function formatPipe(
  w: Int32Array,
  off: number,
  pidName: (pid: number) => string,
  prim: Pipe,
): string {
  const capacity = prim.capacity;
  const n = w[off + LEN]!;
  const bytes: number[] = [];
  for (let i = 0; i < n; i++) bytes.push(w[off + BUF + i]!);
  let s = `[${bytes.join(",")}] R${pidSet(w[off + R]!, pidName)} W${pidSet(w[off + W]!, pidName)}`;
  if (w[off + SIG] !== 0) s += ` SIGPIPE${pidSet(w[off + SIG]!, pidName)}`;
  if (coreOf(prim).progress) {
    const calls: string[] = [];
    const pids = (prim.slots - BUF - capacity) / 2;
    for (let pid = 0; pid < pids; pid++) {
      const pg = off + BUF + capacity + 2 * pid;
      if (w[pg] !== 0 || w[pg + 1] !== 0) {
        const total = w[pg + 1]! - 1;
        calls.push(`${pidName(pid)}:${w[pg]}${total >= 0 ? `/${total}` : ""}`);
      }
    }
    if (calls.length > 0) s += ` calls{${calls.join(",")}}`;
  }
  return s;
}

/** R = W = 0: the pipe object is freed and unread data discarded. */
function freeIfUnused(
  w: Int32Array,
  off: number,
  cap: number,
  taps: readonly MessageTap[],
): void {
  if (w[off + R] !== 0 || w[off + W] !== 0) return;
  tapDrop(taps, w, 0, 0, w[off + LEN]!);
  w[off + LEN] = 0;
  for (let i = 0; i < cap; i++) w[off + BUF + i] = 0;
}

function held(w: Int32Array, off: number, pid: number, end: number): boolean {
  return ((w[off + end]! >>> pid) & 1) === 1;
}

function ebadf(p: Pipe, pid: number, pidName: (pid: number) => string, end: number): never {
  const which = end === R ? "read" : "write";
  const verb = end === R ? "reads from" : "writes to";
  throw new Error(
    `${pidName(pid)} ${verb} pipe '${p.name}' without holding its ${which} end (EBADF): ` +
      `it closed it, or never had it (see the pipe's holders)`,
  );
}

/** Appends `k` bytes written by `pid` (each a message to the templates). */
function append(
  taps: readonly MessageTap[],
  w: Int32Array,
  off: number,
  pid: number,
  k: number,
  byteAt: (i: number) => number,
): void {
  const n = w[off + LEN]!;
  for (let i = 0; i < k; i++) {
    const b = byteAt(i);
    w[off + BUF + n + i] = b;
    if (taps.length > 0) tapPut(taps, w, 0, n + i, pid, b, 0, -1);
  }
  w[off + LEN] = n + k;
}

/** Removes the first `k` bytes, read by `pid`, handing each to `sink` in order. */
function take(
  taps: readonly MessageTap[],
  w: Int32Array,
  off: number,
  pid: number,
  k: number,
  sink: (b: number) => void,
): void {
  const n = w[off + LEN]!;
  for (let i = 0; i < k; i++) {
    sink(w[off + BUF + i]!);
    if (taps.length > 0) tapTake(taps, w, 0, 0, pid);
  }
  for (let i = k; i < n; i++) w[off + BUF + i - k] = w[off + BUF + i]!;
  for (let i = n - k; i < n; i++) w[off + BUF + i] = 0;
  w[off + LEN] = n - k;
}

function checkedValue(p: Pipe, value: number | Expr, ctx: Ctx): number {
  const v = evalExpr(value, ctx);
  if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) {
    throw new RangeError(
      `cannot write ${String(v)} to pipe '${p.name}': bytes are 32-bit integers`,
    );
  }
  return v;
}

function checkedSize(p: Pipe, n: number | Expr, ctx: Ctx, min: number): number {
  const v = evalExpr(n, ctx);
  if (!Number.isInteger(v) || v < min || v > 1 << 20) {
    throw new RangeError(
      `pipe '${p.name}': the size must be an integer >= ${min}, got ${String(v)}`,
    );
  }
  return v;
}

function range(a: number, b: number): number[] {
  const out: number[] = [];
  for (let i = a; i < b; i++) out.push(i);
  return out;
}

/**
 * A footprint, computed once the system (and so the slot count) is
 * complete, and kept until the pipe is compiled again.
 */
function footprint(core: Core, reads: number[], writes: number[], calls: boolean): Footprint {
  const key = `${reads}|${writes}|${calls}`;
  const have = core.footprints.get(key);
  if (have !== undefined) return have;
  const p = core.prim;
  const buf = range(BUF, BUF + p.capacity);
  const prog = calls && core.progress ? range(BUF + p.capacity, p.slots) : [];
  const fp = { reads: [...reads, LEN, ...buf, ...prog], writes: [...writes, ...prog] };
  core.footprints.set(key, fp);
  return fp;
}

function bytesText(n: number | Expr): string {
  return typeof n === "number" ? `${n}` : "n";
}

function plural(k: number): string {
  return k === 1 ? "1 byte" : `${k} bytes`;
}

function sized(p: Pipe, what: string, n: number | Expr, min: number): void {
  if (typeof n === "number") requireInt(`${what}(${p.name}): bytes`, n, min, 1 << 20);
  else if (n === null || typeof n !== "object" || n.kind !== "expr") {
    throw new TypeError(`${what}(${p.name}): bytes must be a number or s.expr(...)`);
  }
}

// ---------------------------------------------------------------------------
// Writing.

/** Options of {@linkcode write} and {@linkcode writeAll}. */
export interface WriteOptions {
  /** How many bytes (a number, or `s.expr(...)`). */
  bytes: number | Expr;
  /** The value of every byte (default 1). */
  value?: number | Expr;
  /**
   * Receives `OK`, or `EPIPE` when the write failed for lack of a reader.
   * Without it, a write that raises SIGPIPE is a `broken pipe` violation
   * (SIGPIPE's default action kills the writer).
   */
  status?: Into;
  /** Receives what `write()` returns: the bytes written, or -1 on error. */
  written?: Into;
}

/** Options of {@linkcode writeNonblock}. */
export interface WriteNonblockOptions extends WriteOptions {
  /** Receives `OK`, `EAGAIN` or `EPIPE`. */
  status: Into;
}

/** Options of {@linkcode writeAll}. */
export interface WriteAllOptions extends WriteOptions {
  /**
   * The most bytes per `write()` call (at most `pipeBuf`, so each call is
   * atomic); default: `pipeBuf`.
   */
  fragment?: number;
  /** Send a one-byte header holding the length first (variable-size messages). */
  header?: boolean;
}

interface WriteCall {
  readonly p: Pipe;
  readonly core: Core;
  readonly text: string;
  /** The size as given. */
  readonly size: number | Expr;
  /** The size when static, else undefined (read from the caller's view, then the call slots). */
  readonly n: number | undefined;
  readonly value: number | Expr;
  /** Bytes per write() call; Infinity for a single call. */
  readonly fragment: number;
  readonly header: boolean;
  readonly status: Into | undefined;
  readonly written: Into | undefined;
  readonly calls: boolean;
}

function progressBase(c: WriteCall | ReadCall, off: number, pid: number): number {
  return off + BUF + c.p.capacity + 2 * pid;
}

/**
 * Total bytes of the call (header included): the static size, else the
 * size recorded in the call slots once the call has started, else the
 * expression evaluated over the caller's view.
 */
function totalOf(c: WriteCall, w: Int32Array, off: number, pid: number, ctx: Ctx): number {
  const hdr = c.header ? 1 : 0;
  if (c.n !== undefined) return c.n + hdr;
  if (c.calls) {
    const t = w[progressBase(c, off, pid) + 1]!;
    if (t !== 0) return t - 1;
  }
  return checkedSize(c.p, c.size, ctx, hdr) + hdr;
}

/** Records the total of a call whose size is an expression, once it has started. */
function recordTotal(
  c: WriteCall | ReadCall,
  w: Int32Array,
  off: number,
  pid: number,
  total: number,
): void {
  if (c.n === undefined) w[progressBase(c, off, pid) + 1] = total + 1;
}

function doneOf(c: WriteCall, w: Int32Array, off: number, pid: number): number {
  return c.calls ? w[progressBase(c, off, pid)]! : 0;
}

function endOfPiece(c: WriteCall, done: number, total: number): number {
  if (c.fragment === Infinity) return total;
  return Math.min((Math.floor(done / c.fragment) + 1) * c.fragment, total);
}

function byteValue(c: WriteCall, ctx: Ctx, total: number): (index: number) => number {
  const v = checkedValue(c.p, c.value, ctx);
  return (index) => c.header && index === 0 ? total - 1 : v;
}

function resetCall(c: WriteCall | ReadCall, w: Int32Array, off: number, pid: number): void {
  if (!c.calls) return;
  const pg = progressBase(c, off, pid);
  w[pg] = 0;
  w[pg + 1] = 0;
}

/**
 * The end of a write call: the last piece (or the whole atomic write), or
 * EPIPE when no read end is open.
 */
function finishWriteOp(c: WriteCall): OpImpl {
  const { p, core } = c;
  const cap = p.capacity;
  return {
    prim: p,
    text: c.calls ? `${c.text} completes` : c.text,
    get footprint() {
      return footprint(core, [R, W], [SIG, LEN, ...range(BUF, BUF + cap)], c.calls);
    },
    ...(c.status === undefined ? { failure: "broken pipe" } : {}),
    enabled(w, off, pid, ctx) {
      if (!held(w, off, pid, W)) return true;
      const total = totalOf(c, w, off, pid, ctx);
      if (total === 0 || w[off + R] === 0) return true;
      const done = doneOf(c, w, off, pid);
      const end = endOfPiece(c, done, total);
      if (end < total) return false;
      return cap - w[off + LEN]! >= end - done;
    },
    apply(w, off, pid, ctx, pidName) {
      if (!held(w, off, pid, W)) ebadf(p, pid, pidName, W);
      const total = totalOf(c, w, off, pid, ctx);
      const done = doneOf(c, w, off, pid);
      resetCall(c, w, off, pid);
      if (total === 0) {
        c.status?.set(ctx, Errno.OK);
        c.written?.set(ctx, 0);
        return undefined;
      }
      if (w[off + R] === 0) return brokenPipe(c, w, off, pid, ctx, pidName, done);
      const bytes = byteValue(c, ctx, total);
      append(c.core.taps, w, off, pid, total - done, (i) => bytes(done + i));
      c.status?.set(ctx, Errno.OK);
      c.written?.set(ctx, total - (c.header ? 1 : 0));
      return undefined;
    },
  };
}

/**
 * No read end open: SIGPIPE is raised. In a system with a signal table it
 * goes through the table to the writer (as `kill` would send it), whose
 * disposition decides: by default it kills the writer when delivered;
 * ignored, blocked or handled, the writer carries on. The call returns
 * EPIPE, or the bytes a single large write had already written. Without a
 * signal table, a write with a status target survives (SIGPIPE is recorded
 * in the pipe) and one without is a `broken pipe` violation.
 */
function brokenPipe(
  c: WriteCall,
  w: Int32Array,
  off: number,
  pid: number,
  ctx: Ctx,
  pidName: (pid: number) => string,
  done: number,
): string | undefined {
  const partial = c.fragment === Infinity && done > 0;
  if (c.core.raise !== undefined) {
    c.core.raise(w, pid, SIGPIPE);
    c.status?.set(ctx, partial ? Errno.OK : Errno.EPIPE);
    c.written?.set(ctx, partial ? done : -1);
    return undefined;
  }
  if (c.status === undefined) {
    return `${pidName(pid)} writes to pipe '${c.p.name}' with no read end open: SIGPIPE ` +
      `kills it (give the write a status target to model a writer that survives and gets EPIPE)`;
  }
  w[off + SIG] = w[off + SIG]! | (1 << pid);
  c.status.set(ctx, partial ? Errno.OK : Errno.EPIPE);
  c.written?.set(ctx, partial ? done : -1);
  return undefined;
}

/** A piece of a large single write that leaves bytes to write: ND size. */
function splitWriteOp(c: WriteCall): OpImpl {
  const { p, core } = c;
  const cap = p.capacity;
  return {
    prim: p,
    text: `${c.text} writes part`,
    get footprint() {
      return footprint(core, [R, W], [LEN, ...range(BUF, BUF + cap)], true);
    },
    // At least 2, so that the checker always treats it as a choice (with
    // a choice text), also for a pipe of capacity 1.
    maxChoices: Math.max(2, cap),
    enabled(w, off, pid, ctx) {
      return this.choices!(w, off, pid, ctx) > 0;
    },
    choices(w, off, pid, ctx) {
      if (!held(w, off, pid, W) || w[off + R] === 0) return 0;
      const total = totalOf(c, w, off, pid, ctx);
      if (total <= p.pipeBuf) return 0;
      const rest = total - doneOf(c, w, off, pid);
      return Math.max(0, Math.min(rest - 1, cap - w[off + LEN]!));
    },
    choiceText: (choice) => plural(choice + 1),
    apply(w, off, pid, ctx, _pidName, choice) {
      const total = totalOf(c, w, off, pid, ctx);
      const done = doneOf(c, w, off, pid);
      const k = choice + 1;
      const bytes = byteValue(c, ctx, total);
      append(c.core.taps, w, off, pid, k, (i) => bytes(done + i));
      w[progressBase(c, off, pid)] = done + k;
      recordTotal(c, w, off, pid, total);
      return undefined;
    },
  };
}

/** A whole fragment of a {@linkcode writeAll} that is not the last one. */
function fragmentWriteOp(c: WriteCall): OpImpl {
  const { p, core } = c;
  const cap = p.capacity;
  return {
    prim: p,
    text: `${c.text} writes a fragment`,
    get footprint() {
      return footprint(core, [R, W], [LEN, ...range(BUF, BUF + cap)], true);
    },
    enabled(w, off, pid, ctx) {
      if (!held(w, off, pid, W) || w[off + R] === 0) return false;
      const total = totalOf(c, w, off, pid, ctx);
      const done = doneOf(c, w, off, pid);
      const end = endOfPiece(c, done, total);
      return end < total && cap - w[off + LEN]! >= end - done;
    },
    apply(w, off, pid, ctx) {
      const total = totalOf(c, w, off, pid, ctx);
      const done = doneOf(c, w, off, pid);
      const end = endOfPiece(c, done, total);
      const bytes = byteValue(c, ctx, total);
      append(c.core.taps, w, off, pid, end - done, (i) => bytes(done + i));
      w[progressBase(c, off, pid)] = end;
      recordTotal(c, w, off, pid, total);
      return undefined;
    },
  };
}

/**
 * An operation of `writeAll`/`readAll`, which `interruptible()` refuses:
 * they are loops of `write()`/`read()` calls that retry on `EINTR`.
 */
function loopOnly(op: OpImpl): OpImpl {
  return {
    ...op,
    noEintr: "writeAll() and readAll() are loops of calls that retry on EINTR, as writen() and " +
      "readn() do; wrap a single write() or read() instead",
  };
}

/**
 * How a handler interrupts a large blocking write (§1 and §6.4, [V:p04]):
 * with `k > 0` bytes written it returns `k`, restarted or not; with none,
 * `EINTR` (or a restart under `SA_RESTART`).
 */
function writeInterrupt(c: WriteCall): NonNullable<OpImpl["interrupt"]> {
  return {
    moved: (w, off, pid) => doneOf(c, w, off, pid) > 0,
    cancel(w, off, pid, ctx) {
      const done = doneOf(c, w, off, pid);
      resetCall(c, w, off, pid);
      c.status?.set(ctx, done > 0 ? Errno.OK : Errno.EINTR);
      c.written?.set(ctx, done > 0 ? done : -1);
    },
  };
}

/**
 * A call of several transitions: a loop offering the `more` operations
 * (which come back) and `last` (which leaves).
 */
function callLoop(text: string, more: readonly OpImpl[], last: OpImpl): Step {
  const src = callerSource();
  const opS = (op: OpImpl): Step => ({ kind: "op", name: op.text, op, src });
  const body: Step = {
    kind: "while",
    name: "loop",
    cond: undefined,
    src,
    body: [{
      kind: "choose",
      name: "choose",
      src,
      branches: [...more.map((op) => [opS(op)]), [opS(last), { kind: "break", src }]],
    }],
  };
  return { kind: "region", name: text, body: [body] };
}

function writeCall(
  p: Pipe,
  what: string,
  options: WriteOptions,
  fragment: number,
  header: boolean,
): WriteCall {
  const core = coreOf(p);
  sized(p, what, options.bytes, header ? 1 : 0);
  checkInto(`${what}(${p.name})`, options.status, "status");
  checkInto(`${what}(${p.name})`, options.written, "written");
  const value = options.value ?? 1;
  if (typeof value !== "number" && (value === null || value.kind !== "expr")) {
    throw new TypeError(`${what}(${p.name}): value must be a number or s.expr(...)`);
  }
  const n = typeof options.bytes === "number" ? options.bytes : undefined;
  return {
    p,
    core,
    text: `${what}(${p.name}, ${bytesText(options.bytes)})`,
    size: options.bytes,
    n,
    value,
    fragment,
    header,
    status: options.status,
    written: options.written,
    calls: false,
  };
}

/**
 * `write(fd, buf, n)` on the write end, blocking. A write of at most
 * `pipeBuf` bytes is atomic: it waits until `n` bytes are free and writes
 * them as one run. A larger write writes in pieces of every possible size
 * as room appears, so other writers' bytes may come in between. With no
 * read end open it fails at once, or wakes if blocked: SIGPIPE and `EPIPE`
 * (or, for a large write that had written `k > 0` bytes, `k` and SIGPIPE).
 * Writing 0 bytes returns 0 at once.
 *
 * @param p The pipe.
 * @param options Size, byte value, status and result targets.
 * @returns The step.
 *
 * @example A child writes two bytes of value 7
 * ```ts
 * import { system } from "../spec.ts";
 * import { pipe, write } from "./pipe.ts";
 * import assert from "node:assert/strict";
 *
 * const sys = system({});
 * const p = pipe(sys, "p");
 * assert.equal(write(p, { bytes: 2, value: 7 }).kind, "op");
 * ```
 */
export function write(p: Pipe, options: WriteOptions): Step {
  const c0 = writeCall(p, "write", options, Infinity, false);
  if (c0.n !== undefined && c0.n <= p.pipeBuf) return opStep(finishWriteOp(c0));
  const c: WriteCall = { ...c0, calls: true };
  c.core.progress = true;
  return callLoop(c.text, [splitWriteOp(c)], {
    ...finishWriteOp(c),
    interrupt: writeInterrupt(c),
  });
}

/**
 * The usual loop around `write()` (`writen`): writes `bytes` bytes as
 * successive `write()` calls of at most `fragment` bytes each (every call
 * atomic, since `fragment <= pipeBuf`), optionally after a one-byte header
 * holding the length. Other writers' calls may come in between: a message
 * larger than `fragment` is not atomic. Stops at the first `EPIPE`.
 *
 * @param p The pipe.
 * @param options Size, value, fragment size, header, status and result.
 * @returns The step.
 *
 * @example A 3-byte message in fragments of 2 bytes
 * ```ts
 * import { system } from "../spec.ts";
 * import { pipe, writeAll } from "./pipe.ts";
 * import assert from "node:assert/strict";
 *
 * const sys = system({});
 * const p = pipe(sys, "p", { capacity: 4, pipeBuf: 2 });
 * assert.equal(writeAll(p, { bytes: 3, fragment: 2 }).kind, "region");
 * ```
 */
export function writeAll(p: Pipe, options: WriteAllOptions): Step {
  const fragment = requireInt(
    `writeAll(${p.name}): fragment`,
    options.fragment ?? p.pipeBuf,
    1,
    p.pipeBuf,
  );
  const header = options.header ?? false;
  const c0 = writeCall(p, header ? "writeAll+header" : "writeAll", options, fragment, header);
  if (!header && c0.n !== undefined && c0.n <= fragment) {
    return opStep(finishWriteOp({ ...c0, fragment: Infinity }));
  }
  const c: WriteCall = { ...c0, calls: true };
  c.core.progress = true;
  return callLoop(c.text, [loopOnly(fragmentWriteOp(c))], loopOnly(finishWriteOp(c)));
}

/**
 * `write()` with `O_NONBLOCK`: never blocks. An atomic write (at most
 * `pipeBuf` bytes) that does not fit returns `EAGAIN` with nothing written;
 * a larger one returns `EAGAIN` on a full pipe and otherwise writes `k`
 * bytes, 1 <= k <= min(n, room), every `k` explored. No read end open:
 * SIGPIPE and `EPIPE`.
 *
 * @param p The pipe.
 * @param options Size, value, status (required) and result targets.
 * @returns The step.
 *
 * @example
 * ```ts ignore
 * writeNonblock(p, { bytes: 2, value: 7, status: s.into("err") });
 * ```
 *
 * @example The step it makes
 * ```ts
 * import { system } from "../spec.ts";
 * import { StepBuilder } from "../steps.ts";
 * import { pipe, writeNonblock } from "./pipe.ts";
 * import assert from "node:assert/strict";
 *
 * const s = new StepBuilder<unknown, { err: number }>();
 * const p = pipe(system({}), "p");
 * assert.equal(writeNonblock(p, { bytes: 1, status: s.into("err") }).kind, "op");
 * ```
 */
export function writeNonblock(p: Pipe, options: WriteNonblockOptions): Step {
  requireStatus(`writeNonblock(${p.name})`, options.status);
  // One transition whatever the size: no call slots, even for an expression.
  const c = writeCall(p, "writeNonblock", options, Infinity, false);
  const whole = nonblockWholeOp(c);
  if (c.n !== undefined && c.n <= p.pipeBuf) return opStep(whole);
  const src = callerSource();
  const opS = (op: OpImpl): Step => ({ kind: "op", name: op.text, op, src });
  const branches: Step = {
    kind: "choose",
    name: "choose",
    src,
    branches: [[opS(whole)], [opS(nonblockPartOp(c))]],
  };
  return { kind: "region", name: c.text, body: [branches] };
}

/** Whether a non-blocking write writes part of its bytes, ND (a large write that fits partly). */
function nonblockSplits(
  c: WriteCall,
  w: Int32Array,
  off: number,
  pid: number,
  ctx: Ctx,
): boolean {
  if (!held(w, off, pid, W) || w[off + R] === 0) return false;
  const total = totalOf(c, w, off, pid, ctx);
  return total > c.p.pipeBuf && w[off + LEN]! < c.p.capacity;
}

/** The deterministic outcomes of a non-blocking write: all, EAGAIN, EPIPE, 0. */
function nonblockWholeOp(c: WriteCall): OpImpl {
  const { p, core } = c;
  const cap = p.capacity;
  return {
    prim: p,
    text: c.text,
    get footprint() {
      return footprint(core, [R, W], [SIG, LEN, ...range(BUF, BUF + cap)], c.calls);
    },
    enabled: (w, off, pid, ctx) => !nonblockSplits(c, w, off, pid, ctx),
    apply(w, off, pid, ctx, pidName) {
      if (!held(w, off, pid, W)) ebadf(p, pid, pidName, W);
      const total = totalOf(c, w, off, pid, ctx);
      resetCall(c, w, off, pid);
      const status = c.status!;
      if (total === 0) {
        status.set(ctx, Errno.OK);
        c.written?.set(ctx, 0);
      } else if (w[off + R] === 0) {
        brokenPipe(c, w, off, pid, ctx, pidName, 0);
      } else if (cap - w[off + LEN]! >= total) {
        const v = checkedValue(p, c.value, ctx);
        append(c.core.taps, w, off, pid, total, () => v);
        status.set(ctx, Errno.OK);
        c.written?.set(ctx, total);
      } else {
        status.set(ctx, Errno.EAGAIN);
        c.written?.set(ctx, -1);
      }
      return undefined;
    },
  };
}

/** A large non-blocking write that writes `k` of its bytes, every `k` explored. */
function nonblockPartOp(c: WriteCall): OpImpl {
  const { p, core } = c;
  const cap = p.capacity;
  return {
    prim: p,
    text: `${c.text} writes part`,
    get footprint() {
      return footprint(core, [R, W], [LEN, ...range(BUF, BUF + cap)], c.calls);
    },
    maxChoices: Math.max(2, cap),
    enabled(w, off, pid, ctx) {
      return this.choices!(w, off, pid, ctx) > 0;
    },
    choices(w, off, pid, ctx) {
      if (!nonblockSplits(c, w, off, pid, ctx)) return 0;
      return Math.min(totalOf(c, w, off, pid, ctx), cap - w[off + LEN]!);
    },
    choiceText: (choice) => plural(choice + 1),
    apply(w, off, pid, ctx, _pidName, choice) {
      const k = choice + 1;
      resetCall(c, w, off, pid);
      const v = checkedValue(p, c.value, ctx);
      append(c.core.taps, w, off, pid, k, () => v);
      c.status!.set(ctx, Errno.OK);
      c.written?.set(ctx, k);
      return undefined;
    },
  };
}

// ---------------------------------------------------------------------------
// Reading.

/** Options of {@linkcode read}. */
export interface ReadOptions {
  /** The most bytes to read (>= 1; a number, or `s.expr(...)`). */
  bytes: number | Expr;
  /**
   * Receives each byte read, in order (a local therefore ends with the last
   * one; use `s.into((v, b) => ...)` to keep them all).
   */
  into?: Into;
  /** Receives what `read()` returns: the bytes read, 0 at EOF, -1 on error. */
  count?: Into;
}

/** Options of {@linkcode readNonblock}. */
export interface ReadNonblockOptions extends ReadOptions {
  /** Receives `OK` or `EAGAIN`. */
  status: Into;
}

/** Options of {@linkcode readAll}. */
export interface ReadAllOptions {
  /** The message size; omit it with `header: true`. */
  bytes?: number | Expr;
  /** Read a one-byte length header first (variable-size messages). */
  header?: boolean;
  /** Receives each byte of the message, in order (not the header). */
  into?: Into;
  /** Receives the bytes of the message read: short at EOF, 0 at EOF before any. */
  count?: Into;
}

interface ReadCall {
  readonly p: Pipe;
  readonly core: Core;
  readonly text: string;
  /** The size as given. */
  readonly size: number | Expr;
  /** The size when static, else undefined. */
  readonly n: number | undefined;
  readonly header: boolean;
  readonly into: Into | undefined;
  readonly count: Into | undefined;
  readonly calls: boolean;
}

function readCall(p: Pipe, what: string, options: ReadOptions, min: number): ReadCall {
  const core = coreOf(p);
  sized(p, what, options.bytes, min);
  checkInto(`${what}(${p.name})`, options.into, "into");
  checkInto(`${what}(${p.name})`, options.count, "count");
  return {
    p,
    core,
    text: `${what}(${p.name}, ${bytesText(options.bytes)})`,
    size: options.bytes,
    n: typeof options.bytes === "number" ? options.bytes : undefined,
    header: false,
    into: options.into,
    count: options.count,
    calls: false,
  };
}

/** Reads min(n, len) bytes: 0 means EOF. */
function readNow(c: ReadCall, w: Int32Array, off: number, pid: number, ctx: Ctx): void {
  const n = checkedSize(c.p, c.size, ctx, 1);
  const k = Math.min(n, w[off + LEN]!);
  take(c.core.taps, w, off, pid, k, (b) => c.into?.set(ctx, b));
  c.count?.set(ctx, k);
}

/**
 * `read(fd, buf, n)` on the read end, blocking: returns min(n, |buf|)
 * bytes at once. On an empty pipe it blocks while any process holds a write
 * end, and returns 0 (EOF) once none does, on every later call too.
 *
 * @param p The pipe.
 * @param options Size, and targets for the bytes and the count.
 * @returns The step.
 *
 * @example
 * ```ts ignore
 * read(p, { bytes: 2, into: s.into("b"), count: s.into("got") });
 * ```
 *
 * @example The step it makes
 * ```ts
 * import { system } from "../spec.ts";
 * import { pipe, read } from "./pipe.ts";
 * import assert from "node:assert/strict";
 *
 * const p = pipe(system({}), "p");
 * assert.equal(read(p, { bytes: 1 }).kind, "op");
 * ```
 */
export function read(p: Pipe, options: ReadOptions): Step {
  const c = readCall(p, "read", options, 1);
  const core = c.core;
  return opStep({
    prim: p,
    text: c.text,
    get footprint() {
      return footprint(core, [R, W], [LEN, ...range(BUF, BUF + p.capacity)], false);
    },
    enabled: (w, off, pid) => !held(w, off, pid, R) || w[off + LEN]! > 0 || w[off + W] === 0,
    apply(w, off, pid, ctx, pidName) {
      if (!held(w, off, pid, R)) ebadf(p, pid, pidName, R);
      readNow(c, w, off, pid, ctx);
      return undefined;
    },
  });
}

/**
 * `read()` with `O_NONBLOCK`: never blocks. An empty pipe with a write end
 * open gives `EAGAIN` (count -1); otherwise as {@linkcode read}.
 *
 * @param p The pipe.
 * @param options Size, status (required), and targets for bytes and count.
 * @returns The step.
 *
 * @example
 * ```ts ignore
 * readNonblock(p, { bytes: 1, into: s.into("b"), status: s.into("err") });
 * ```
 *
 * @example The step it makes
 * ```ts
 * import { system } from "../spec.ts";
 * import { StepBuilder } from "../steps.ts";
 * import { pipe, readNonblock } from "./pipe.ts";
 * import assert from "node:assert/strict";
 *
 * const s = new StepBuilder<unknown, { err: number }>();
 * const p = pipe(system({}), "p");
 * assert.equal(readNonblock(p, { bytes: 1, status: s.into("err") }).kind, "op");
 * ```
 */
export function readNonblock(p: Pipe, options: ReadNonblockOptions): Step {
  requireStatus(`readNonblock(${p.name})`, options.status);
  const c = readCall(p, "readNonblock", options, 1);
  checkInto(`readNonblock(${p.name})`, options.status, "status");
  const status = options.status;
  const core = c.core;
  return opStep({
    prim: p,
    text: c.text,
    get footprint() {
      return footprint(core, [R, W], [LEN, ...range(BUF, BUF + p.capacity)], false);
    },
    enabled: () => true,
    apply(w, off, pid, ctx, pidName) {
      if (!held(w, off, pid, R)) ebadf(p, pid, pidName, R);
      if (w[off + LEN] === 0 && w[off + W] !== 0) {
        status.set(ctx, Errno.EAGAIN);
        c.count?.set(ctx, -1);
        return undefined;
      }
      status.set(ctx, Errno.OK);
      readNow(c, w, off, pid, ctx);
      return undefined;
    },
  });
}

/**
 * The bytes still wanted by a readAll call, or -1 while its header is
 * unread. A size given as an expression is evaluated over the caller's view
 * until the call has started, then read from the call slots.
 */
function wanted(c: ReadCall, w: Int32Array, off: number, pid: number, ctx: Ctx): number {
  const pg = progressBase(c, off, pid);
  const t = w[pg + 1]!;
  if (c.header) return t === 0 ? -1 : t - 1 - w[pg]!;
  if (c.n !== undefined) return c.n - w[pg]!;
  return (t !== 0 ? t - 1 : checkedSize(c.p, c.size, ctx, 0)) - w[pg]!;
}

/** A read of a readAll call that leaves bytes to read (or reads the header). */
function readMoreOp(c: ReadCall): OpImpl {
  const { p, core } = c;
  return {
    prim: p,
    text: `${c.text} reads part`,
    get footprint() {
      return footprint(core, [R, W], [LEN, ...range(BUF, BUF + p.capacity)], true);
    },
    enabled(w, off, pid, ctx) {
      if (!held(w, off, pid, R)) return false;
      const len = w[off + LEN]!;
      if (len === 0) return false;
      const want = wanted(c, w, off, pid, ctx);
      return want < 0 ? w[off + BUF]! > 0 : len < want;
    },
    apply(w, off, pid, ctx) {
      const pg = progressBase(c, off, pid);
      const want = wanted(c, w, off, pid, ctx);
      if (want < 0) {
        const h = w[off + BUF]!;
        take(c.core.taps, w, off, pid, 1, () => {});
        w[pg] = 1;
        w[pg + 1] = h + 2;
        return undefined;
      }
      const len = w[off + LEN]!;
      recordTotal(c, w, off, pid, w[pg]! + want);
      take(c.core.taps, w, off, pid, len, (b) => c.into?.set(ctx, b));
      w[pg] = w[pg]! + len;
      return undefined;
    },
  };
}

/** The last read of a readAll call: the rest of the message, or EOF. */
function readLastOp(c: ReadCall): OpImpl {
  const { p, core } = c;
  const hdr = c.header ? 1 : 0;
  return {
    prim: p,
    text: `${c.text} completes`,
    get footprint() {
      return footprint(core, [R, W], [LEN, ...range(BUF, BUF + p.capacity)], true);
    },
    enabled(w, off, pid, ctx) {
      if (!held(w, off, pid, R)) return true;
      const len = w[off + LEN]!;
      if (len === 0) return w[off + W] === 0 || wanted(c, w, off, pid, ctx) === 0;
      const want = wanted(c, w, off, pid, ctx);
      return want < 0 ? w[off + BUF]! <= 0 : len >= want;
    },
    apply(w, off, pid, ctx, pidName) {
      if (!held(w, off, pid, R)) ebadf(p, pid, pidName, R);
      const pg = progressBase(c, off, pid);
      const want = wanted(c, w, off, pid, ctx);
      const len = w[off + LEN]!;
      if (want < 0 && len > 0) {
        throw new RangeError(
          `${pidName(pid)} reads a length header of ${w[off + BUF]} from pipe '${p.name}': ` +
            `a header must be >= 1 (the stream is out of step with its framing)`,
        );
      }
      const k = Math.max(0, Math.min(want, len));
      take(c.core.taps, w, off, pid, k, (b) => c.into?.set(ctx, b));
      const got = w[pg]! + k - hdr;
      c.count?.set(ctx, Math.max(0, got));
      w[pg] = 0;
      w[pg + 1] = 0;
      return undefined;
    },
  };
}

/**
 * The usual loop around `read()` (`readn`): reads until it has `bytes`
 * bytes, or, with `header: true`, reads a one-byte length and then that
 * many bytes. Each `read()` is one transition returning what is there, so
 * other readers may take part of the message. Returns short at EOF.
 *
 * @param p The pipe.
 * @param options The size (or a header), and targets for bytes and count.
 * @returns The step.
 *
 * @example
 * ```ts ignore
 * readAll(p, { bytes: 3, into: s.into((v, b) => { v.l.sum += b; }), count: s.into("got") });
 * ```
 *
 * @example The step it makes
 * ```ts
 * import { system } from "../spec.ts";
 * import { pipe, readAll } from "./pipe.ts";
 * import assert from "node:assert/strict";
 *
 * const p = pipe(system({}), "p");
 * assert.equal(readAll(p, { bytes: 3 }).kind, "region");
 * ```
 */
export function readAll(p: Pipe, options: ReadAllOptions): Step {
  const header = options.header ?? false;
  if (header === (options.bytes !== undefined)) {
    throw new TypeError(`readAll(${p.name}): give either bytes or header: true`);
  }
  const what = header ? "readAll+header" : "readAll";
  const base = header
    ? { ...readCall(p, what, { ...options, bytes: 1 }, 1), text: `${what}(${p.name})` }
    : readCall(p, what, { ...options, bytes: options.bytes! }, 0);
  const c: ReadCall = { ...base, header, calls: true };
  c.core.progress = true;
  return callLoop(c.text, [loopOnly(readMoreOp(c))], loopOnly(readLastOp(c)));
}

// ---------------------------------------------------------------------------
// Closing.

/**
 * `close()` of the calling process's read or write end. Closing the last
 * write end lets readers see EOF once the buffer is drained; closing the
 * last read end makes writers fail with `EPIPE`; closing the last end of
 * both kinds frees the pipe and discards unread bytes. Closing an end the
 * process does not hold is a spec error (`EBADF`).
 *
 * @param p The pipe.
 * @param end Which end.
 * @returns The step.
 *
 * @example The child closes its copy of the write end
 * ```ts
 * import { system } from "../spec.ts";
 * import { close, pipe } from "./pipe.ts";
 * import assert from "node:assert/strict";
 *
 * const p = pipe(system({}), "p");
 * assert.equal(close(p, "write").kind, "op");
 * ```
 */
export function close(p: Pipe, end: "read" | "write"): Step {
  const core = coreOf(p);
  if (end !== "read" && end !== "write") {
    throw new TypeError(`close(${p.name}): end must be "read" or "write", got ${String(end)}`);
  }
  const which = end === "read" ? R : W;
  return opStep({
    prim: p,
    text: `close(${p.name}, ${end})`,
    get footprint() {
      return footprint(core, [R, W], [R, W, LEN, ...range(BUF, BUF + p.capacity)], false);
    },
    enabled: () => true,
    apply(w, off, pid, _ctx, pidName) {
      if (!held(w, off, pid, which)) {
        throw new Error(
          `${pidName(pid)} closes the ${end} end of pipe '${p.name}', which it does not hold ` +
            `(EBADF): closed twice, or never had it`,
        );
      }
      w[off + which] = w[off + which]! & ~(1 << pid);
      freeIfUnused(w, off, p.capacity, core.taps);
      return undefined;
    },
  });
}
