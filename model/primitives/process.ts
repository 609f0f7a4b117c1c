/**
 * Processes that are born, exit and are reaped (docs/processes.md): the
 * process table, with `fork`, `spawn`, `exit`, `waitpid` and `waitChild`.
 *
 * A process kind declared `dynamic: true` has `count` dormant slots: pids
 * that exist in every state (states stay fixed-width) but run nothing until
 * a `fork` or `spawn` starts one, and that are dormant again once the
 * child's exit has been reaped. With every slot of the kind in use, `fork`
 * fails with `EAGAIN`, as Linux's does at `RLIMIT_NPROC`.
 *
 * The child runs the body of its kind from the start (fork followed by an
 * exec of that body). It inherits copies of the parent's pipe ends and its
 * signal mask and ignored signals; pending signals are not inherited, and
 * handlers are those its own kind declares (ipc-semantics §1, §6.5). A
 * `fork` also copies the parent's scalar locals into the child's locals of
 * the same name; `args` then set chosen locals.
 *
 * A process ends by `exit(status)`, by running off its body (status 0) or
 * by a signal's default action (a status a property reads with
 * {@linkcode WaitStatus}). It is then a zombie holding its status until its
 * parent reaps it with `waitpid`/`waitChild`; the kernel sends the parent
 * SIGCHLD (through the signal table given to {@linkcode processes}, as
 * `kill` would: standard signals coalesce). Its children are re-parented to
 * init, which reaps them, so an orphan never blocks a spec. Processes
 * declared without `dynamic` are children of init.
 *
 * Departures from Linux: pids are slot numbers, reused as soon as a slot is
 * reaped; exec replacing a running program's image, process groups,
 * sessions, `WUNTRACED`/`WCONTINUED` and `wait` for a process group are not
 * modelled (docs/semantics.md, departures).
 *
 * @module
 */

import {
  callerSource,
  type Ctx,
  evalExpr,
  type Expr,
  type Into,
  type OpImpl,
  type PrimitiveImpl,
  type ProcInfo,
  type ProcSlot,
  type Step,
} from "../_ast.ts";
import { Errno } from "./errno.ts";
import { checkExprOrInt, checkInto, report, requireName } from "./_op.ts";
import { MAX_PROCESSES } from "./_fork.ts";
import { ignores, killedBy, type SignalTable } from "./signals.ts";

const SIGCHLD = 17;
// Per pid: state, parent (0 = init, else pid + 1), wait status.
const STATE = 0, PARENT = 1, STATUS = 2, STRIDE = 3;
const DORMANT = 0, RUNNING = 1, ZOMBIE = 2, REAPED = 3;
const STATE_NAMES = ["dormant", "running", "zombie", "reaped"] as const;

/** A process as a property reads it ({@linkcode ProcTable.read}). */
export interface ProcessEntry {
  /** The pid. */
  readonly pid: number;
  /** `kind#id`. */
  readonly name: string;
  /**
   * `dormant` (a free slot of a dynamic kind), `running` (alive: running,
   * blocked or stopped), `zombie` (exited, not yet reaped) or `reaped`
   * (a process declared without `dynamic` that exited; init reaped it).
   */
  readonly state: "dormant" | "running" | "zombie" | "reaped";
  /** The parent's pid, or -1 for init. */
  readonly parent: number;
  /** The wait status once exited (see {@linkcode WaitStatus}), else 0. */
  readonly status: number;
}

/** The process table declared with {@linkcode processes}. */
export interface ProcTable extends PrimitiveImpl {
  /** Discriminant. */
  readonly kind: "processes";
  /** The signal table SIGCHLD goes through, if any. */
  readonly signals: SignalTable | undefined;
  /** Every process of the state at `off` (for properties: `v.read(table)`). */
  read(w: Int32Array, off: number): readonly ProcessEntry[];
}

/** Options of {@linkcode processes}. */
export interface ProcessesOptions {
  /** The signal table through which each child's exit sends its parent SIGCHLD. */
  signals?: SignalTable;
}

interface Runtime {
  slots: readonly ProcSlot[];
  /** Every other primitive's fork hook, with its offset. */
  forks: { prim: PrimitiveImpl; off: number }[];
  sigOff: number;
  /** Per pid: whether it is a slot of a dynamic kind (reaped, it is dormant again). */
  dynamic: readonly boolean[];
}

interface Internals {
  procs(): readonly ProcInfo[];
  runtime(): Runtime;
  /** The model's working state and the table's offset in it. */
  work(): { w: Int32Array; off: number };
  kinds: Set<string>;
}

const TABLES = new WeakMap<ProcTable, Internals>();

function internals(t: ProcTable): Internals {
  const i = TABLES.get(t);
  if (i === undefined) {
    throw new TypeError(`'${String(t?.name)}' is not a process table made by processes()`);
  }
  return i;
}

/**
 * Declares the process table: what `fork`, `spawn`, `exit` and `waitpid`
 * operate on. Each process has three slots (state, parent, wait status).
 *
 * @param name The table's name, used in traces (default `procs`).
 * @param options The signal table that carries SIGCHLD.
 * @returns The table.
 *
 * @example
 * ```ts
 * import { processes } from "./process.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(processes().kind, "processes");
 * ```
 */
export function processes(name = "procs", options: ProcessesOptions = {}): ProcTable {
  requireName("process table", name);
  let procs: readonly ProcInfo[] = [];
  let rt: Runtime | undefined;
  let work: { w: Int32Array; off: number } | undefined;
  const kinds = new Set<string>();
  const sig = options.signals;
  const table: ProcTable = {
    kind: "processes",
    name,
    signals: sig,
    ...(sig !== undefined ? { requires: [sig] } : {}),
    get slots() {
      return procs.length * STRIDE;
    },
    bind(ps) {
      if (ps.length > MAX_PROCESSES) {
        throw new RangeError(`at most ${MAX_PROCESSES} processes, the system has ${ps.length}`);
      }
      for (const kind of kinds) checkKind(ps, kind);
      procs = ps;
    },
    attach(w, off) {
      work = { w, off };
    },
    attachProcesses(slots, prims) {
      const forks: Runtime["forks"] = [];
      for (const [prim, off] of prims) {
        if (prim !== table && prim.onFork !== undefined) forks.push({ prim, off });
      }
      const sigOff = sig === undefined ? -1 : prims.get(sig) ?? -1;
      rt = { slots, forks, sigOff, dynamic: procs.map((p) => p.dormant === true) };
    },
    init(w, off) {
      procs.forEach((p, pid) => {
        const b = off + pid * STRIDE;
        w[b + STATE] = p.dormant === true ? DORMANT : RUNNING;
        w[b + PARENT] = 0;
        w[b + STATUS] = 0;
      });
    },
    format(w, off, pidName) {
      return formatTable(table.read(w, off), pidName);
    },
    value(w, off) {
      return table.read(w, off).filter((e) => e.state === "zombie").length;
    },
    read(w, off) {
      return entries(procs, w, off);
    },
    onExit(w, off, pid) {
      exited(table, runtimeOf(), w, off, pid);
    },
  };
  const built = <T>(x: T | undefined): T => {
    if (x === undefined) throw new TypeError(`process table '${name}' is not part of a model`);
    return x;
  };
  const runtimeOf = () => built(rt);
  TABLES.set(table, { procs: () => procs, runtime: runtimeOf, kinds, work: () => built(work) });
  return table;
}

/** The table at `off`, one entry per process. */
function entries(procs: readonly ProcInfo[], w: Int32Array, off: number): ProcessEntry[] {
  return procs.map((p, pid) => {
    const b = off + pid * STRIDE;
    return {
      pid,
      name: p.name,
      state: STATE_NAMES[w[b + STATE]!]!,
      parent: w[b + PARENT]! - 1,
      status: w[b + STATUS]!,
    };
  });
}

/** `kind` names a dynamic kind of the system (else a clear error). */
function checkKind(ps: readonly ProcInfo[], kind: string): void {
  const mine = ps.filter((p) => p.kind === kind);
  if (mine.length === 0) throw new TypeError(`fork/spawn names '${kind}', no process kind`);
  if (mine[0]!.dormant !== true) {
    throw new TypeError(
      `fork/spawn of '${kind}': the kind is not declared dynamic (dynamic: true gives it ` +
        `dormant slots to start)`,
    );
  }
}

/** Process `pid` ended: it becomes a zombie (or is reaped at once), its children init's. */
function exited(t: ProcTable, rt: Runtime, w: Int32Array, off: number, pid: number): void {
  const b = off + pid * STRIDE;
  if (w[b + STATE] !== RUNNING) return;
  const sig = t.signals;
  const killed = sig !== undefined && rt.sigOff >= 0 ? killedBy(sig, w, rt.sigOff, pid) : 0;
  if (killed > 0) w[b + STATUS] = WaitStatus.ofSignal(killed);
  w[b + STATE] = ZOMBIE;
  const n = rt.slots.length;
  for (let c = 0; c < n; c++) {
    const cb = off + c * STRIDE;
    if (w[cb + PARENT] !== pid + 1) continue;
    w[cb + PARENT] = 0; // re-parented to init, which reaps a zombie at once
    if (w[cb + STATE] === ZOMBIE) reap(rt, w, off, c);
  }
  const parent = w[b + PARENT]! - 1;
  if (parent < 0) return reap(rt, w, off, pid);
  if (sig !== undefined && rt.sigOff >= 0) {
    // SIGCHLD ignored explicitly: the kernel reaps the child itself (§6.3).
    if (ignores(sig, w, rt.sigOff, parent, SIGCHLD)) return reap(rt, w, off, pid);
    sig.events!.raise(w, rt.sigOff, pid, parent, SIGCHLD);
  }
}

/** Frees the zombie `pid`: a dynamic slot is dormant again, a declared process stays reaped. */
function reap(rt: Runtime, w: Int32Array, off: number, pid: number): void {
  const b = off + pid * STRIDE;
  w[b + PARENT] = 0;
  if (!rt.dynamic[pid]) {
    w[b + STATE] = REAPED;
    return;
  }
  w[b + STATE] = DORMANT;
  w[b + STATUS] = 0;
  rt.slots[pid]!.resetLocals(w);
}

/** The table in a trace: every process that is not a running declared process. */
function formatTable(
  entries: readonly ProcessEntry[],
  pidName: (pid: number) => string,
): string {
  const parts: string[] = [];
  for (const e of entries) {
    if (e.state === "dormant" || (e.state === "running" && e.parent < 0)) continue;
    const f: string[] = [e.state];
    if (e.state === "zombie" || e.state === "reaped") f.push(WaitStatus.text(e.status));
    if (e.parent >= 0) f.push(`parent ${pidName(e.parent)}`);
    parts.push(`${e.name}{${f.join(" ")}}`);
  }
  return `[${parts.join(" ")}]`;
}

/**
 * The wait status of Linux (`<sys/wait.h>`): an exit code in bits 8–15, or
 * the terminating signal in bits 0–6.
 *
 * @example
 * ```ts
 * import { WaitStatus } from "./process.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(WaitStatus.ofExit(3), 0x300);
 * assert.ok(WaitStatus.exited(0x300) && WaitStatus.code(0x300) === 3);
 * assert.ok(WaitStatus.signaled(WaitStatus.ofSignal(13)));
 * ```
 */
export const WaitStatus = {
  /** The status of `exit(code)` (`code & 0xff`). */
  ofExit: (code: number): number => (code & 0xff) << 8,
  /** The status of a death by signal `signo`. */
  ofSignal: (signo: number): number => signo & 0x7f,
  /** `WIFEXITED`. */
  exited: (status: number): boolean => (status & 0x7f) === 0,
  /** `WEXITSTATUS`. */
  code: (status: number): number => (status >> 8) & 0xff,
  /** `WIFSIGNALED`. */
  signaled: (status: number): boolean => (status & 0x7f) !== 0,
  /** `WTERMSIG`. */
  signal: (status: number): number => status & 0x7f,
  /** In words, for traces: `exit 3`, `killed by signal 13`. */
  text: (status: number): string =>
    (status & 0x7f) === 0 ? `exit ${(status >> 8) & 0xff}` : `killed by signal ${status & 0x7f}`,
} as const;

/** Options of {@linkcode fork} and {@linkcode spawn}. */
export interface ForkOptions {
  /** Where the child's pid goes (-1 on `EAGAIN`). */
  pid?: Into;
  /** Where `OK` or `EAGAIN` goes; without it, `EAGAIN` is a `fork failed` violation. */
  error?: Into;
  /** Initial values of chosen scalar locals of the child, by name. */
  args?: Readonly<Record<string, number | Expr>>;
}

/**
 * `fork()` followed by an exec of the body of `kind`: starts a dormant slot
 * of that dynamic kind as the caller's child. The child's scalar locals
 * named like the caller's start with the caller's values, then `args`.
 *
 * @param t The process table.
 * @param kind A process kind declared `dynamic: true`.
 * @param options Where the pid and status go, and the child's arguments.
 * @returns The step.
 *
 * @example
 * ```ts
 * import { fork, processes } from "./process.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(fork(processes(), "worker").kind, "op");
 * ```
 */
export function fork(t: ProcTable, kind: string, options: ForkOptions = {}): Step {
  return startStep(t, kind, options, true);
}

/**
 * `posix_spawn` of the body of `kind`: as {@linkcode fork}, without copying
 * the caller's locals (only `args` are set).
 *
 * @param t The process table.
 * @param kind A process kind declared `dynamic: true`.
 * @param options Where the pid and status go, and the child's arguments.
 * @returns The step.
 *
 * @example
 * ```ts
 * import { processes, spawn } from "./process.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(spawn(processes(), "worker", { args: { n: 2 } }).kind, "op");
 * ```
 */
export function spawn(t: ProcTable, kind: string, options: ForkOptions = {}): Step {
  return startStep(t, kind, options, false);
}

function startStep(t: ProcTable, kind: string, options: ForkOptions, copy: boolean): Step {
  const it = internals(t);
  const call = `${copy ? "fork" : "spawn"}(${kind})`;
  checkInto(call, options.pid, "pid");
  checkInto(call, options.error, "error");
  const args = Object.entries(options.args ?? {});
  for (const [name, v] of args) checkExprOrInt(call, v, name, -2147483648);
  it.kinds.add(kind);
  const op: OpImpl = {
    prim: t,
    text: call,
    failure: "fork failed",
    enabled: () => true,
    apply(w, off, pid, ctx) {
      const rt = it.runtime();
      const values = args.map(([, v]) => evalExpr(v, ctx));
      const c = freeSlot(rt, w, off, kind);
      if (c < 0) {
        options.pid?.set(ctx, -1);
        return report(
          options.error,
          ctx,
          Errno.EAGAIN,
          () => `${call}: EAGAIN, every slot of '${kind}' is in use`,
        );
      }
      start(rt, w, off, pid, c, copy);
      const slot = rt.slots[c]!;
      args.forEach(([name], i) => {
        const at = slot.localOff(name);
        if (at < 0) throw new TypeError(`${call}: '${kind}' has no int or bool local '${name}'`);
        w[slot.base + at] = values[i]!;
      });
      options.pid?.set(ctx, c);
      options.error?.set(ctx, Errno.OK);
      return undefined;
    },
  };
  return { kind: "op", name: call, op, src: callerSource() };
}

/** The lowest dormant slot of `kind`, or -1. */
function freeSlot(rt: Runtime, w: Int32Array, off: number, kind: string): number {
  for (const slot of rt.slots) {
    if (slot.kind === kind && w[off + slot.pid * STRIDE + STATE] === DORMANT) return slot.pid;
  }
  return -1;
}

/** Brings slot `c` to life as `parent`'s child. */
function start(
  rt: Runtime,
  w: Int32Array,
  off: number,
  parent: number,
  c: number,
  copy: boolean,
): void {
  const slot = rt.slots[c]!, from = rt.slots[parent]!;
  slot.resetLocals(w);
  if (copy) {
    for (const name of from.scalars) {
      const at = slot.localOff(name);
      if (at >= 0) w[slot.base + at] = w[from.base + from.localOff(name)]!;
    }
  }
  w[slot.pcOff] = slot.entry;
  const b = off + c * STRIDE;
  w[b + STATE] = RUNNING;
  w[b + PARENT] = parent + 1;
  w[b + STATUS] = 0;
  for (const f of rt.forks) f.prim.onFork!(w, f.off, parent, c);
}

/**
 * `exit(status)`: the caller ends here with exit code `status & 0xff` (its
 * parent reads `WaitStatus.code`); its descriptors close as at the end of
 * its body.
 *
 * @param t The process table.
 * @param status The exit code, or an expression for it.
 * @returns The step.
 *
 * @example
 * ```ts
 * import { exit, processes } from "./process.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(exit(processes(), 3).kind, "op");
 * ```
 */
export function exit(t: ProcTable, status: number | Expr = 0): Step {
  internals(t);
  checkExprOrInt("exit", status, "status", -2147483648);
  const op: OpImpl = {
    prim: t,
    text: typeof status === "number" ? `exit(${status})` : "exit",
    exits: true,
    enabled: () => true,
    apply(w, off, pid, ctx) {
      w[off + pid * STRIDE + STATUS] = WaitStatus.ofExit(evalExpr(status, ctx));
      return undefined;
    },
  };
  return { kind: "op", name: op.text, op, src: callerSource() };
}

/** Options of {@linkcode waitpid} and {@linkcode waitChild}. */
export interface WaitOptions {
  /** `WNOHANG`: return 0 at once when no matching child has exited. */
  nohang?: boolean;
  /** Where the return value goes: the reaped child's pid, 0 (`WNOHANG`), or -1. */
  pid?: Into;
  /** Where the reaped child's wait status goes (see {@linkcode WaitStatus}). */
  status?: Into;
  /**
   * Where `OK` or `ECHILD` goes. Use another target than the one given to
   * `interruptible()` (which writes `OK` after the call).
   */
  error?: Into;
}

/**
 * `waitpid(target, &status, nohang ? WNOHANG : 0)`: reaps an exited child
 * (the child `target`, or any child for `"any"` or -1). Blocks while every
 * matching child runs; `ECHILD` at once when there is none; with `nohang`,
 * returns 0 instead of blocking. When several children have exited, each
 * choice of the one reaped is explored. Wrap in `interruptible()` for `EINTR`.
 *
 * @param t The process table.
 * @param target A child's pid (a number or an expression), or `"any"`.
 * @param options `nohang`, and where the results go.
 * @returns The step.
 *
 * @example
 * ```ts
 * import { processes, waitpid } from "./process.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(waitpid(processes(), "any", { nohang: true }).kind, "op");
 * ```
 */
export function waitpid(
  t: ProcTable,
  target: number | Expr | "any",
  options: WaitOptions = {},
): Step {
  const it = internals(t);
  const nohang = options.nohang === true;
  const call = `waitpid(${typeof target === "object" ? "pid" : target}${
    nohang ? ", WNOHANG" : ""
  })`;
  if (target !== "any") checkExprOrInt(call, target, "target", -1);
  for (const k of ["pid", "status", "error"] as const) checkInto(call, options[k], k);
  const which = (ctx: Ctx) => target === "any" ? -1 : evalExpr(target, ctx);
  const choices = (w: Int32Array, off: number, pid: number, ctx: Ctx): number => {
    const { zombies, children } = scan(it, w, off, pid, which(ctx));
    return zombies.length > 0 ? zombies.length : children === 0 || nohang ? 1 : 0;
  };
  const op: OpImpl = {
    prim: t,
    text: call,
    maxChoices: MAX_PROCESSES,
    choices,
    // Without an exited child there is one outcome (ECHILD, or 0 with WNOHANG).
    choiceText: (c) => c === 0 ? "lowest exited child, or none" : `exited child ${c + 1}`,
    enabled: (w, off, pid, ctx) => choices(w, off, pid, ctx) > 0,
    apply(w, off, pid, ctx, _pidName, choice) {
      const { zombies, children } = scan(it, w, off, pid, which(ctx));
      if (zombies.length === 0) {
        options.pid?.set(ctx, children === 0 ? -1 : 0);
        options.error?.set(ctx, children === 0 ? Errno.ECHILD : Errno.OK);
        return undefined;
      }
      const c = zombies[choice]!;
      options.pid?.set(ctx, c);
      options.status?.set(ctx, w[off + c * STRIDE + STATUS]!);
      options.error?.set(ctx, Errno.OK);
      reap(it.runtime(), w, off, c);
      return undefined;
    },
  };
  return { kind: "op", name: call, op, src: callerSource() };
}

/**
 * `wait(&status)`: {@linkcode waitpid} for any child, blocking.
 *
 * @param t The process table.
 * @param options Where the results go.
 * @returns The step.
 *
 * @example
 * ```ts
 * import { processes, waitChild } from "./process.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(waitChild(processes()).kind, "op");
 * ```
 */
export function waitChild(t: ProcTable, options: Omit<WaitOptions, "nohang"> = {}): Step {
  return waitpid(t, "any", options);
}

/** The caller's exited children matching `target` (-1: any), and how many match at all. */
function scan(
  it: Internals,
  w: Int32Array,
  off: number,
  pid: number,
  target: number,
): { zombies: number[]; children: number } {
  const zombies: number[] = [];
  let children = 0;
  const n = it.procs().length;
  for (let c = 0; c < n; c++) {
    const b = off + c * STRIDE;
    if (w[b + PARENT] !== pid + 1 || (target !== -1 && c !== target)) continue;
    const s = w[b + STATE];
    if (s !== RUNNING && s !== ZOMBIE) continue;
    children++;
    if (s === ZOMBIE) zombies.push(c);
  }
  return { zombies, children };
}

/**
 * `waitpid(target, &status, WNOHANG)` called from code that is not a step:
 * a signal handler (the SIGCHLD handler that reaps) or an effect. Reaps the
 * exited child of lowest pid (a step {@linkcode waitpid} explores every
 * choice instead); returns its pid and status, or pid 0 when children run
 * but none has exited, or -1 (`ECHILD`) when the caller has no child.
 *
 * @param t The process table.
 * @param ctx The caller's context (the handler's or effect's first argument).
 * @param target A child's pid, or -1 for any.
 * @returns The pid (or 0, -1) and the wait status.
 *
 * @example
 * ```ts ignore
 * signals: { SIGCHLD: (ctx) => { while (reapNow(procs, ctx).pid > 0) ctx.l.reaped++; } },
 * ```
 */
export function reapNow(
  t: ProcTable,
  ctx: Pick<Ctx, "pid">,
  target = -1,
): { pid: number; status: number } {
  const it = internals(t);
  const { w, off } = it.work();
  const { zombies, children } = scan(it, w, off, ctx.pid, target);
  if (zombies.length === 0) return { pid: children === 0 ? -1 : 0, status: 0 };
  const c = zombies[0]!;
  const status = w[off + c * STRIDE + STATUS]!;
  reap(it.runtime(), w, off, c);
  return { pid: c, status };
}
