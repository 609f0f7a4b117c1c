/**
 * Signals (docs/semantics.md §6): per-process masks, pending sets and
 * dispositions; standard signals coalesce while real-time signals queue;
 * default actions; SIGKILL and SIGSTOP that cannot be caught, blocked or
 * ignored; SIGCONT; delivery once unblocked; and a blocked call interrupted
 * with `EINTR` (§6.4).
 *
 * One signal table per system holds every process's signal state. Its
 * operations (`kill`, `sigqueue`, `sigprocmask`, `sigaction`, `pause`,
 * `sigsuspend`) are steps like any other; delivery is asynchronous: every
 * process has one more transition, enabled while it has a pending,
 * unblocked signal, that takes the lowest-numbered one (standard before
 * real-time, FIFO within a real-time number, §6.3) and applies its
 * disposition. As on Linux, where a signal is delivered on the next return
 * to user mode, a process with a deliverable signal takes no step of its
 * own before the delivery (so `kill` to self, or unblocking a pending
 * signal, delivers it before the next step); other processes may move in
 * between. Handlers are declared on the process (`signals` in
 * `sys.process(...)` options) and run as one atomic step on its view.
 * A stopped process takes no step until SIGCONT (or SIGKILL) arrives.
 *
 * Primitives raise signals through the table too (`AsyncEvents.raise`,
 * linked by `PrimitiveImpl.linkSignals` when a model is built): a pipe or
 * stream socket written with no reader generates SIGPIPE for the writer by
 * the same rules as `kill`. `interruptible()` (`interruptible.ts`) makes a
 * blocking call, of one transition or several, end with `EINTR`.
 *
 * Departures from Linux, and why:
 * - A handler runs as one atomic step, so it is never re-entered and
 *   `sa_mask`/`SA_NODEFER` have no observable effect; handlers in a model
 *   are short (set a flag, count), and this keeps the state space small.
 * - Real-time queues hold at most `rtQueue` entries per process (a small
 *   stand-in for RLIMIT_SIGPENDING, which counts per user); `sigqueue` and
 *   a real-time `kill` beyond it fail with `EAGAIN`.
 * - Threads, `fork`/`exec` resets, `sigwaitinfo`, alarms and core dumps
 *   are not modelled; a core-dumping default action terminates.
 *
 * @module
 */

import {
  type AsyncEvents,
  type Ctx,
  type Delivery,
  evalExpr,
  type Expr,
  type Into,
  type OpImpl,
  type PrimitiveImpl,
  type ProcInfo,
  type Step,
} from "../_ast.ts";
import { Errno } from "./errno.ts";
import { opStep, requireInt, requireName } from "./_op.ts";
import { type SignalOutcome, type SignalTap, signalTaps } from "../_tap.ts";

/**
 * Linux signal numbers (x86_64), by name; `SIGRTMIN+n` for real-time ones.
 *
 * @example
 * ```ts
 * import { SIGNALS } from "./signals.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(SIGNALS.SIGKILL, 9);
 * assert.equal(SIGNALS.SIGRTMIN, 34);
 * ```
 */
export const SIGNALS = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGILL: 4,
  SIGTRAP: 5,
  SIGABRT: 6,
  SIGBUS: 7,
  SIGFPE: 8,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGSEGV: 11,
  SIGUSR2: 12,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
  SIGSTKFLT: 16,
  SIGCHLD: 17,
  SIGCONT: 18,
  SIGSTOP: 19,
  SIGTSTP: 20,
  SIGTTIN: 21,
  SIGTTOU: 22,
  SIGURG: 23,
  SIGXCPU: 24,
  SIGXFSZ: 25,
  SIGVTALRM: 26,
  SIGPROF: 27,
  SIGWINCH: 28,
  SIGIO: 29,
  SIGPWR: 30,
  SIGSYS: 31,
  SIGRTMIN: 34,
  SIGRTMAX: 64,
} as const;

/** A signal's name: a standard one, `SIGRTMIN`, `SIGRTMAX` or `SIGRTMIN+n`. */
export type SignalName = keyof typeof SIGNALS | `SIGRTMIN+${number}`;

const SIGKILL = 9, SIGSTOP = 19, SIGCONT = 18;
const STOP_SIGNALS = [19, 20, 21, 22];
const NAMES = new Map<number, string>(
  Object.entries(SIGNALS).map(([k, v]) => [v, k.slice(3)]),
);

/**
 * The number of a signal name (throws for an unknown name).
 *
 * @param name E.g. `SIGUSR1` or `SIGRTMIN+2`.
 * @returns Its number.
 *
 * @example
 * ```ts
 * import { signalNumber } from "./signals.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(signalNumber("SIGUSR1"), 10);
 * assert.equal(signalNumber("SIGRTMIN+2"), 36);
 * ```
 */
export function signalNumber(name: SignalName | string): number {
  const direct = (SIGNALS as Record<string, number>)[name];
  if (direct !== undefined) return direct;
  const m = /^SIGRTMIN\+(\d+)$/.exec(name);
  if (m !== null && Number(m[1]) <= 30) return 34 + Number(m[1]);
  throw new TypeError(`unknown signal '${name}'`);
}

/**
 * The short name of a signal number (`USR1`, `RTMIN+2`).
 *
 * @param signo The number.
 * @returns Its name.
 *
 * @example
 * ```ts
 * import { signalName } from "./signals.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(signalName(36), "RTMIN+2");
 * ```
 */
export function signalName(signo: number): string {
  return NAMES.get(signo) ?? (signo > 34 && signo < 64 ? `RTMIN+${signo - 34}` : String(signo));
}

type DefaultAction = "terminate" | "ignore" | "stop" | "continue";

/** The default action of a signal (§6.3: core-dumping ones terminate). */
function defaultAction(signo: number): DefaultAction {
  if (signo === 17 || signo === 23 || signo === 28) return "ignore";
  if (STOP_SIGNALS.includes(signo)) return "stop";
  if (signo === SIGCONT) return "continue";
  return "terminate";
}

// Per-process slots.
const BLOCKED = 0,
  PEND = 1,
  RTBLOCKED = 2,
  DISP = 3,
  FLAGS = 7,
  KILLED = 8,
  SAVED = 9,
  SAVED_RT = 10,
  RTCOUNT = 11,
  RTQ = 12;
const STOPPED = 1, SUSPENDED = 2, DEAD = 4;
const DFL = 0, IGN = 1, HANDLER = 2;

function bit(signo: number): number {
  return signo < 32 ? 1 << (signo - 1) : 1 << (signo - 34);
}

/** The signal table declared with {@linkcode signals}. */
export interface SignalTable extends PrimitiveImpl {
  /** Discriminant. */
  readonly kind: "signals";
  /** Entries each process's real-time queue holds. */
  readonly rtQueue: number;
  /** Slots per process (valid once bound). */
  readonly stride: number;
  /** The processes, once bound. */
  readonly procs: readonly ProcInfo[];
}

/** Options of {@linkcode signals}. */
export interface SignalsOptions {
  /** Entries each process's real-time signal queue holds (default 2). */
  rtQueue?: number;
}

/**
 * Declares the system's signal table. Processes declare their handlers with
 * the `signals` option of `sys.process`; steps use {@linkcode kill},
 * {@linkcode sigqueue}, {@linkcode sigprocmask}, {@linkcode sigaction},
 * {@linkcode pause} and {@linkcode sigsuspend} on the table.
 *
 * @param name The table's name, used in traces (default `signals`).
 * @param options The real-time queue size.
 * @returns The table.
 *
 * @example
 * ```ts
 * import { signals } from "./signals.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(signals().kind, "signals");
 * ```
 */
export function signals(name = "signals", options: SignalsOptions = {}): SignalTable {
  requireName("signal table", name);
  const K = requireInt(`signal table '${name}': rtQueue`, options.rtQueue ?? 2, 0, 64);
  const S = RTQ + 3 * K;
  let procs: readonly ProcInfo[] = [];
  let initialDisp: number[][] = [];
  let taps: readonly SignalTap[] = [];
  const table: SignalTable = {
    kind: "signals",
    name,
    rtQueue: K,
    get stride() {
      return S;
    },
    get procs() {
      return procs;
    },
    get slots() {
      return procs.length * S;
    },
    bind(ps) {
      procs = ps;
      initialDisp = ps.map(initialDispositions);
    },
    init(w, off) {
      for (let i = 0; i < procs.length * S; i++) w[off + i] = 0;
      initialDisp.forEach((d, pid) => {
        for (let i = 0; i < d.length; i += 2) setDisp(w, off + pid * S, d[i]!, d[i + 1]!);
        // A dormant slot (a dynamic kind) is no process yet: kill gives ESRCH.
        if (procs[pid]!.dormant === true) w[off + pid * S + FLAGS] = DEAD;
      });
    },
    onFork(w, off, parent, child) {
      forkSlots(w, off + parent * S, off + child * S, S, initialDisp[child]!);
    },
    format(w, off, pidName) {
      return formatTable(w, off, procs.length, S, pidName);
    },
    value(w, off) {
      return pendingCount(w, off, procs.length, S);
    },
    onExit(w, off, pid) {
      const b = off + pid * S;
      w[b + BLOCKED] = 0;
      w[b + PEND] = 0;
      w[b + RTBLOCKED] = 0;
      w[b + RTCOUNT] = 0;
      for (let i = 0; i < 3 * K; i++) w[b + RTQ + i] = 0;
      w[b + SAVED] = 0;
      w[b + SAVED_RT] = 0;
      w[b + FLAGS] = DEAD;
    },
    events: {
      ...signalEvents(S, () => taps),
      // The kernel's own signals (SIGPIPE, SIGCHLD), generated as by kill.
      raise: (w, off, sender, target, signo) => generate(table, w, off, sender, target, signo, 0),
    },
  };
  taps = signalTaps(table); // trace recorders may watch it
  // Exposed for the operations below.
  tables.set(table, { dispOf, setDisp, stride: () => S, K });
  return table;
}

/** The disposition (DFL, IGN, HANDLER) of `signo` in the slots at `b`. */
function dispOf(w: Int32Array, b: number, signo: number): number {
  const i = signo - 1;
  return (w[b + DISP + (i >> 4)]! >>> ((i & 15) * 2)) & 3;
}

/** Sets the disposition of `signo` in the slots at `b`. */
function setDisp(w: Int32Array, b: number, signo: number, d: number): void {
  const i = signo - 1, slot = b + DISP + (i >> 4), sh = (i & 15) * 2;
  w[slot] = (w[slot]! & ~(3 << sh)) | (d << sh);
}

/** The names of the signals in a mask (standard, or real-time from SIGRTMIN). */
function maskNames(mask: number, rt: boolean): string[] {
  const out: string[] = [];
  for (let i = 0; i < 31; i++) if ((mask >>> i) & 1) out.push(signalName(rt ? i + 34 : i + 1));
  return out;
}

/** A process's declared dispositions, as pairs (signal number, disposition). */
function initialDispositions(p: ProcInfo): number[] {
  const d: number[] = [];
  for (const [sig, disp] of Object.entries(p.signals)) {
    const signo = signalNumber(sig);
    if ((signo === SIGKILL || signo === SIGSTOP) && disp !== "default") {
      throw new TypeError(
        `process '${p.kind}': ${sig} cannot be caught or ignored (sigaction gives EINVAL)`,
      );
    }
    d.push(signo, disp === "ignore" ? IGN : disp === "handler" ? HANDLER : DFL);
  }
  return d;
}

/** The table in a trace: each process's blocked and pending signals and state. */
function formatTable(
  w: Int32Array,
  off: number,
  nprocs: number,
  S: number,
  pidName: (pid: number) => string,
): string {
  const parts: string[] = [];
  for (let pid = 0; pid < nprocs; pid++) {
    const b = off + pid * S;
    const f: string[] = [];
    const blocked = [...maskNames(w[b + BLOCKED]!, false), ...maskNames(w[b + RTBLOCKED]!, true)];
    if (blocked.length > 0) f.push(`blocked=${blocked.join(",")}`);
    const pend = maskNames(w[b + PEND]!, false);
    const rt: string[] = [];
    for (let i = 0; i < w[b + RTCOUNT]!; i++) {
      rt.push(`${signalName(w[b + RTQ + 3 * i]!)}:${w[b + RTQ + 3 * i + 1]}`);
    }
    if (pend.length + rt.length > 0) f.push(`pending=${[...pend, ...rt].join(",")}`);
    if (w[b + FLAGS]! & STOPPED) f.push("stopped");
    if (w[b + FLAGS]! & SUSPENDED) f.push("in sigsuspend");
    if (w[b + KILLED]! > 0) f.push(`killed by ${signalName(w[b + KILLED]!)}`);
    if (f.length > 0) parts.push(`${pidName(pid)}{${f.join(" ")}}`);
  }
  return parts.length === 0 ? "[]" : `[${parts.join(" ")}]`;
}

/** How many signals are pending, over all processes. */
function pendingCount(w: Int32Array, off: number, nprocs: number, S: number): number {
  let n = 0;
  for (let pid = 0; pid < nprocs; pid++) {
    const b = off + pid * S;
    let m = w[b + PEND]!;
    while (m !== 0) {
      m &= m - 1;
      n++;
    }
    n += w[b + RTCOUNT]!;
  }
  return n;
}

/**
 * The delivery events of a table whose processes have `S` slots each,
 * reporting each delivery to the table's signal taps.
 */
function signalEvents(
  S: number,
  taps: () => readonly SignalTap[],
): Omit<AsyncEvents, "raise"> {
  return {
    deliverable(w, off, pid) {
      const b = off + pid * S;
      const flags = w[b + FLAGS]!;
      if (flags & DEAD) return false;
      const pend = w[b + PEND]!;
      if (flags & STOPPED) return (pend & bit(SIGKILL)) !== 0;
      if ((pend & ~w[b + BLOCKED]!) !== 0) return true;
      const rtb = w[b + RTBLOCKED]!;
      for (let i = 0; i < w[b + RTCOUNT]!; i++) {
        if ((rtb & bit(w[b + RTQ + 3 * i]!)) === 0) return true;
      }
      return false;
    },
    take(w, off, pid): Delivery {
      const b = off + pid * S;
      let signo = 0, value = 0, sender = -1;
      const stopped = (w[b + FLAGS]! & STOPPED) !== 0;
      const ready = stopped ? w[b + PEND]! & bit(SIGKILL) : w[b + PEND]! & ~w[b + BLOCKED]!;
      if (ready !== 0) {
        signo = 31 - Math.clz32(ready & -ready) + 1;
        w[b + PEND] = w[b + PEND]! & ~bit(signo);
      } else {
        // Lowest real-time number first, FIFO within a number.
        let best = -1;
        const rtb = w[b + RTBLOCKED]!;
        for (let i = 0; i < w[b + RTCOUNT]!; i++) {
          const s = w[b + RTQ + 3 * i]!;
          if ((rtb & bit(s)) === 0 && (best < 0 || s < w[b + RTQ + 3 * best]!)) best = i;
        }
        signo = w[b + RTQ + 3 * best]!;
        value = w[b + RTQ + 3 * best + 1]!;
        sender = w[b + RTQ + 3 * best + 2]!;
        const n = w[b + RTCOUNT]!;
        for (let i = best; i < n - 1; i++) {
          for (let j = 0; j < 3; j++) w[b + RTQ + 3 * i + j] = w[b + RTQ + 3 * (i + 1) + j]!;
        }
        for (let j = 0; j < 3; j++) w[b + RTQ + 3 * (n - 1) + j] = 0;
        w[b + RTCOUNT] = n - 1;
      }
      const d = signo === SIGKILL || signo === SIGSTOP ? DFL : dispOf(w, b, signo);
      const action: Delivery["action"] = d === IGN
        ? "ignore"
        : d === HANDLER
        ? "handler"
        : defaultAction(signo);
      if (action === "terminate") w[b + KILLED] = signo;
      if (action === "stop") w[b + FLAGS] = w[b + FLAGS]! | STOPPED;
      const watching = taps();
      for (let i = 0; i < watching.length; i++) {
        watching[i]!.deliver(w, pid, signo, sender, action);
      }
      return { signo, value, sender, action };
    },
    stopped(w, off, pid) {
      return (w[off + pid * S + FLAGS]! & STOPPED) !== 0;
    },
    resetHandler(w, off, pid, signo) {
      setDisp(w, off + pid * S, signo, DFL);
    },
    name: signalName,
  };
}

interface TableInternals {
  dispOf(w: Int32Array, b: number, signo: number): number;
  setDisp(w: Int32Array, b: number, signo: number, d: number): void;
  stride(): number;
  readonly K: number;
}

const tables = new WeakMap<SignalTable, TableInternals>();

function internals(t: SignalTable): TableInternals {
  const i = tables.get(t);
  if (i === undefined) throw new TypeError(`'${t.name}' is not a signal table made by signals()`);
  return i;
}

/** Options of {@linkcode kill} and {@linkcode sigqueue}. */
export interface KillOptions {
  /** Where `OK`, `ESRCH` (no such live process), `EAGAIN` (real-time queue full) or `EINVAL` go. */
  status?: Into;
}

/**
 * Generation (§6.2) of signal `signo` with `value` by `sender` for `target`:
 * the rules for stop/continue, ignored-and-unblocked discards, coalescing
 * standard signals and queueing real-time ones. Returns a status code.
 */
function generate(
  t: SignalTable,
  w: Int32Array,
  off: number,
  sender: number,
  target: number,
  signo: number,
  value: number,
): number {
  const taps = signalTaps(t);
  if (taps.length === 0) return generated(t, w, off, sender, target, signo, value, undefined);
  const seen: [SignalOutcome] = ["pending"];
  const code = generated(t, w, off, sender, target, signo, value, seen);
  for (let i = 0; i < taps.length; i++) taps[i]!.generate(w, sender, target, signo, seen[0]);
  return code;
}

/** {@linkcode generate}, writing the outcome into `seen` when given. */
function generated(
  t: SignalTable,
  w: Int32Array,
  off: number,
  sender: number,
  target: number,
  signo: number,
  value: number,
  seen: [SignalOutcome] | undefined,
): number {
  const it = internals(t);
  const S = it.stride();
  if (!Number.isInteger(target) || target < 0 || target >= t.procs.length) {
    if (seen !== undefined) seen[0] = "no such process";
    return Errno.ESRCH;
  }
  const b = off + target * S;
  if (w[b + FLAGS]! & DEAD) {
    if (seen !== undefined) seen[0] = "no such process";
    return Errno.ESRCH;
  }
  if (STOP_SIGNALS.includes(signo)) w[b + PEND] = w[b + PEND]! & ~bit(SIGCONT);
  if (signo === SIGCONT) {
    for (const s of STOP_SIGNALS) w[b + PEND] = w[b + PEND]! & ~bit(s);
    w[b + FLAGS] = w[b + FLAGS]! & ~STOPPED;
  }
  const rt = signo >= 34;
  const blocked = rt
    ? (w[b + RTBLOCKED]! & bit(signo)) !== 0
    : (w[b + BLOCKED]! & bit(signo)) !== 0;
  const d = signo === SIGKILL || signo === SIGSTOP ? DFL : it.dispOf(w, b, signo);
  const ignored = d === IGN || (d === DFL && (defaultAction(signo) === "ignore" ||
    defaultAction(signo) === "continue"));
  // Ignored and unblocked: discarded (blocked => pending even if ignored, Linux).
  if (ignored && !blocked) {
    if (seen !== undefined) seen[0] = "discarded";
    return Errno.OK;
  }
  if (!rt) {
    if (seen !== undefined && (w[b + PEND]! & bit(signo)) !== 0) seen[0] = "coalesced";
    w[b + PEND] = w[b + PEND]! | bit(signo);
    return Errno.OK;
  }
  const n = w[b + RTCOUNT]!;
  if (n >= it.K) {
    if (seen !== undefined) seen[0] = "queue full";
    return Errno.EAGAIN;
  }
  if (seen !== undefined) seen[0] = "queued";
  w[b + RTQ + 3 * n] = signo;
  w[b + RTQ + 3 * n + 1] = value;
  w[b + RTQ + 3 * n + 2] = sender;
  w[b + RTCOUNT] = n + 1;
  return Errno.OK;
}

function signalArg(sig: SignalName | number): number {
  const n = typeof sig === "number" ? sig : signalNumber(sig);
  if (!Number.isInteger(n) || n < 1 || n > 64 || n === 32 || n === 33) {
    throw new RangeError(`not a signal: ${String(sig)}`);
  }
  return n;
}

/**
 * A pid resolved when the system is checked, as `pidOf(sys, kind, id)` of
 * `direct.ts` makes (the same shape mailboxes and direct naming accept).
 */
export interface PidTarget {
  /** Brand. */
  readonly kind: "pid";
  /** `kind#id`, for traces. */
  readonly text: string;
  /** The pid; throws when the kind or copy does not exist. */
  resolve(): number;
}

/** A signal's target: a pid, `pidOf(...)`, or an expression of the sender's view. */
export type SignalTarget = number | PidTarget | Expr;

/** The target as a function of the sender's view, checked when the step is built. */
function targetOf(verb: string, target: SignalTarget): { text: string; get(ctx: Ctx): number } {
  if (typeof target === "number") return { text: String(target), get: () => target };
  if (target !== null && typeof target === "object" && target.kind === "pid") {
    let pid: number | undefined;
    return { text: target.text, get: () => (pid ??= target.resolve()) };
  }
  if (target !== null && typeof target === "object" && target.kind === "expr") {
    return { text: "(expr)", get: (ctx) => evalExpr(target, ctx) };
  }
  throw new TypeError(
    `${verb}(): the target must be a pid, pidOf(...) or s.expr(...), got ${String(target)}`,
  );
}

function sendOp(
  t: SignalTable,
  target: SignalTarget,
  sig: SignalName | number,
  value: number | Expr,
  status: Into | undefined,
  verb: string,
): Step {
  const signo = signalArg(sig);
  const to = targetOf(verb, target);
  return opStep({
    prim: t,
    text: `${verb}(${to.text}, ${signalName(signo)})`,
    footprint: { reads: "all", writes: "all" },
    enabled: () => true,
    apply(w, off, pid, ctx) {
      const code = generate(t, w, off, pid, to.get(ctx), signo, evalExpr(value, ctx));
      status?.set(ctx, code);
      return undefined;
    },
  });
}

/**
 * `kill(target, sig)`: generates a signal for process `target` (a pid).
 *
 * @param t The signal table.
 * @param target The target's pid, `pidOf(...)`, or an expression giving it.
 * @param sig The signal.
 * @param options Where the status goes.
 * @returns The step.
 *
 * @example
 * ```ts
 * import { kill, signals } from "./signals.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(kill(signals(), 0, "SIGUSR1").kind, "op");
 * ```
 */
export function kill(
  t: SignalTable,
  target: SignalTarget,
  sig: SignalName | number,
  options: KillOptions = {},
): Step {
  return sendOp(t, target, sig, 0, options.status, "kill");
}

/**
 * `sigqueue(target, sig, value)`: generates a (real-time) signal carrying
 * `value`, which the handler receives in its `SigInfo`.
 *
 * @param t The signal table.
 * @param target The target's pid, `pidOf(...)`, or an expression giving it.
 * @param sig The signal.
 * @param value The value.
 * @param options Where the status goes (`EAGAIN` when the queue is full).
 * @returns The step.
 *
 * @example
 * ```ts
 * import { signals, sigqueue } from "./signals.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(sigqueue(signals(), 0, "SIGRTMIN", 7).kind, "op");
 * ```
 */
export function sigqueue(
  t: SignalTable,
  target: SignalTarget,
  sig: SignalName | number,
  value: number | Expr,
  options: KillOptions = {},
): Step {
  return sendOp(t, target, sig, value, options.status, "sigqueue");
}

/**
 * `sigprocmask(how, set)` for the calling process. SIGKILL and SIGSTOP are
 * silently left out of the mask (§6.2). A signal unblocked while pending
 * becomes deliverable.
 *
 * @param t The signal table.
 * @param how `block`, `unblock` or `setmask`.
 * @param set The signals.
 * @returns The step.
 *
 * @example
 * ```ts
 * import { signals, sigprocmask } from "./signals.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(sigprocmask(signals(), "block", ["SIGUSR1"]).kind, "op");
 * ```
 */
export function sigprocmask(
  t: SignalTable,
  how: "block" | "unblock" | "setmask",
  set: readonly (SignalName | number)[],
): Step {
  const { std, rt } = maskOf(set);
  return opStep({
    prim: t,
    text: `sigprocmask(${how}, {${set.map((s) => signalName(signalArg(s))).join(",")}})`,
    footprint: { reads: "all", writes: "all" },
    enabled: () => true,
    apply(w, off, pid) {
      const b = off + pid * internals(t).stride();
      const apply = (slot: number, m: number) => {
        w[b + slot] = how === "block"
          ? w[b + slot]! | m
          : how === "unblock"
          ? w[b + slot]! & ~m
          : m;
      };
      apply(BLOCKED, std);
      apply(RTBLOCKED, rt);
      return undefined;
    },
  });
}

function maskOf(set: readonly (SignalName | number)[]): { std: number; rt: number } {
  let std = 0, rt = 0;
  for (const s of set) {
    const n = signalArg(s);
    if (n === SIGKILL || n === SIGSTOP) continue;
    if (n < 32) std |= bit(n);
    else rt |= bit(n);
  }
  return { std, rt };
}

/** Options of {@linkcode sigaction}. */
export interface SigactionOptions {
  /** Where `OK` or `EINVAL` (SIGKILL, SIGSTOP) go. */
  status?: Into;
}

/**
 * `sigaction(sig, disposition)` for the calling process: `default`,
 * `ignore`, or `handler` (the handler its process kind declares). Setting
 * `ignore` discards a pending instance (§6.3); SIGKILL and SIGSTOP give
 * `EINVAL`.
 *
 * @param t The signal table.
 * @param sig The signal.
 * @param disposition The new disposition.
 * @param options Where the status goes.
 * @returns The step.
 *
 * @example
 * ```ts
 * import { sigaction, signals } from "./signals.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(sigaction(signals(), "SIGCHLD", "ignore").kind, "op");
 * ```
 */
export function sigaction(
  t: SignalTable,
  sig: SignalName | number,
  disposition: "default" | "ignore" | "handler",
  options: SigactionOptions = {},
): Step {
  const signo = signalArg(sig);
  const d = disposition === "ignore" ? IGN : disposition === "handler" ? HANDLER : DFL;
  return opStep({
    prim: t,
    text: `sigaction(${signalName(signo)}, ${disposition})`,
    footprint: { reads: "all", writes: "all" },
    enabled: () => true,
    apply(w, off, pid, ctx) {
      if (signo === SIGKILL || signo === SIGSTOP) {
        options.status?.set(ctx, Errno.EINVAL);
        return undefined;
      }
      if (d === HANDLER && t.procs[pid]?.signals[signalNameLong(signo)] !== "handler") {
        throw new TypeError(
          `sigaction(${signalName(signo)}, handler): process '${
            t.procs[pid]?.kind
          }' declares no handler for it`,
        );
      }
      const it = internals(t);
      const b = off + pid * it.stride();
      it.setDisp(w, b, signo, d);
      // Ignoring a signal, or restoring a default action that ignores it,
      // discards a pending instance (POSIX; Linux do_sigaction).
      const dfl = defaultAction(signo);
      if (d === IGN || (d === DFL && (dfl === "ignore" || dfl === "continue"))) {
        if (signo < 32) w[b + PEND] = w[b + PEND]! & ~bit(signo);
        else {
          let n = w[b + RTCOUNT]!;
          for (let i = 0; i < n;) {
            if (w[b + RTQ + 3 * i] === signo) {
              for (let k = i; k < n - 1; k++) {
                for (let j = 0; j < 3; j++) w[b + RTQ + 3 * k + j] = w[b + RTQ + 3 * (k + 1) + j]!;
              }
              n--;
              for (let j = 0; j < 3; j++) w[b + RTQ + 3 * n + j] = 0;
            } else i++;
          }
          w[b + RTCOUNT] = n;
        }
      }
      options.status?.set(ctx, Errno.OK);
      return undefined;
    },
  });
}

function signalNameLong(signo: number): string {
  for (const [k, v] of Object.entries(SIGNALS)) if (v === signo) return k;
  return `SIGRTMIN+${signo - 34}`;
}

/** Options of {@linkcode pause} and {@linkcode sigsuspend}. */
export interface PauseOptions {
  /** Where `EINTR` goes when a handler ends the wait. */
  status?: Into;
}

/**
 * `pause()`: blocks until a signal handler runs, then returns `EINTR`. An
 * ignored signal does not end it; a terminating one ends the process.
 *
 * @param t The signal table.
 * @param options Where `EINTR` goes.
 * @returns The step.
 *
 * @example
 * ```ts
 * import { pause, signals } from "./signals.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(pause(signals()).kind, "op");
 * ```
 */
export function pause(t: SignalTable, options: PauseOptions = {}): Step {
  return opStep({
    prim: t,
    text: "pause()",
    footprint: { reads: [], writes: [] },
    enabled: () => false,
    apply: () => undefined,
    onSignal: { status: options.status, restartable: false },
  });
}

/**
 * `sigsuspend(mask)`: atomically replaces the mask and waits for a handler
 * to run; the old mask comes back when it returns (`EINTR`). The correct
 * way to wait for a signal (block, test, `sigsuspend`, §6.6 and §9 bug 4).
 *
 * @param t The signal table.
 * @param mask The signals blocked while waiting.
 * @param options Where `EINTR` goes.
 * @returns The step (two transitions: setting the mask and waiting; no
 * signal of the process can come between them, as it has no other step).
 *
 * @example
 * ```ts
 * import { signals, sigsuspend } from "./signals.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(sigsuspend(signals(), []).kind, "region");
 * ```
 */
export function sigsuspend(
  t: SignalTable,
  mask: readonly (SignalName | number)[],
  options: PauseOptions = {},
): Step {
  const { std, rt } = maskOf(mask);
  const text = `sigsuspend({${mask.map((s) => signalName(signalArg(s))).join(",")}})`;
  const enter: OpImpl = {
    prim: t,
    text,
    footprint: { reads: "all", writes: "all" },
    enabled: () => true,
    apply(w, off, pid) {
      const b = off + pid * internals(t).stride();
      w[b + SAVED] = w[b + BLOCKED]!;
      w[b + SAVED_RT] = w[b + RTBLOCKED]!;
      w[b + BLOCKED] = std;
      w[b + RTBLOCKED] = rt;
      w[b + FLAGS] = w[b + FLAGS]! | SUSPENDED;
      return undefined;
    },
  };
  const waits: OpImpl = {
    prim: t,
    text: `${text} waits`,
    footprint: { reads: [], writes: [] },
    enabled: () => false,
    apply: () => undefined,
    onSignal: {
      status: options.status,
      restartable: false,
      beforeCall: false,
      interrupted(w, off, pid) {
        const b = off + pid * internals(t).stride();
        w[b + BLOCKED] = w[b + SAVED]!;
        w[b + RTBLOCKED] = w[b + SAVED_RT]!;
        w[b + SAVED] = 0;
        w[b + SAVED_RT] = 0;
        w[b + FLAGS] = w[b + FLAGS]! & ~SUSPENDED;
      },
    },
  };
  return { kind: "region", name: text, body: [opStep(enter), opStep(waits)] };
}

export { interruptible, type InterruptibleOptions } from "./interruptible.ts";

/**
 * fork/spawn (ipc-semantics §6.5): the child's slots at `cb` get the
 * parent's (at `pb`) mask; nothing pending. Its body is its own kind's, so
 * handlers are reset as `execve` resets them: each signal takes the child
 * kind's declared disposition (`declared`, pairs of signal and
 * disposition), except that one the parent ignores stays ignored unless the
 * child declares otherwise (IGN is kept across `execve`).
 */
function forkSlots(w: Int32Array, pb: number, cb: number, S: number, declared: number[]): void {
  for (let i = 0; i < S; i++) w[cb + i] = 0;
  w[cb + BLOCKED] = w[pb + BLOCKED]!;
  w[cb + RTBLOCKED] = w[pb + RTBLOCKED]!;
  for (let signo = 1; signo <= 64; signo++) {
    if (dispOf(w, pb, signo) === IGN) setDisp(w, cb, signo, IGN);
  }
  for (let i = 0; i < declared.length; i += 2) setDisp(w, cb, declared[i]!, declared[i + 1]!);
}

/** The signal that killed process `pid` (its default action), or 0. */
export function killedBy(t: SignalTable, w: Int32Array, off: number, pid: number): number {
  return w[off + pid * internals(t).stride() + KILLED]!;
}

/** Whether process `pid` explicitly ignores `signo` (SIGCHLD ignored: children are auto-reaped). */
export function ignores(
  t: SignalTable,
  w: Int32Array,
  off: number,
  pid: number,
  signo: number,
): boolean {
  return dispOf(w, off + pid * internals(t).stride(), signo) === IGN;
}
