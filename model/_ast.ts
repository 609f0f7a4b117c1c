// Private module: the step tree that the builders produce and the compiler
// (and the reference explorer in tests) consume.

/** The context every guard and effect receives. */
export interface Ctx {
  /** The globals view. */
  // deno-lint-ignore no-explicit-any
  readonly g: any;
  /** The process's locals view. */
  // deno-lint-ignore no-explicit-any
  readonly l: any;
  /** The process's index among the copies of its kind. */
  readonly id: number;
  /** The process's index among all processes. */
  readonly pid: number;
}

/** A guard or predicate over a process's view. */
export type Pred = (ctx: Ctx) => boolean;
/** An effect over a process's view. */
export type Effect = (ctx: Ctx) => unknown;
/** A value computed from a process's view (e.g. the message to send). */
export type ValueFn = (ctx: Ctx) => number;
/** Stores a received value into a process's view. */
export type IntoFn = (ctx: Ctx, value: number) => void;

/**
 * A typed place to store a value in (a local, or any code writing the
 * view), made by the step builder's `into()`. Primitive operations take one
 * for what they return (a message, a status such as `EAGAIN`).
 */
export interface Into {
  /** Brand. */
  readonly kind: "into";
  /** Stores `value`. */
  readonly set: IntoFn;
  /** The target in words, for traces. */
  readonly text: string;
}

/**
 * A typed value computed from a process's view, made by the step builder's
 * `expr()`. Primitive operations take one, or a plain number, as an input.
 */
export interface Expr {
  /** Brand. */
  readonly kind: "expr";
  /** Computes the value. */
  readonly get: ValueFn;
}

/**
 * Which messages a selective receive or peek takes, made by the step
 * builder's `match()`: a test of a message (as the state stores it: an
 * integer, or a structured message's code) in the receiver's view.
 */
export interface Match {
  /** Brand. */
  readonly kind: "match";
  /** Whether the receiver takes the message. */
  readonly test: (message: number, ctx: Ctx) => boolean;
}

/**
 * Evaluates a plain number or an {@linkcode Expr} over a process's view.
 *
 * @param e The number or expression.
 * @param ctx The caller's context.
 * @returns The value.
 *
 * @example
 * ```ts
 * import { evalExpr } from "./_ast.ts";
 * import assert from "node:assert/strict";
 *
 * const ctx = { g: { n: 2 }, l: {}, id: 0, pid: 0 };
 * assert.equal(evalExpr(5, ctx), 5);
 * assert.equal(evalExpr({ kind: "expr", get: ({ g }) => g.n + 1 }, ctx), 3);
 * ```
 */
export function evalExpr(e: number | Expr, ctx: Ctx): number {
  return typeof e === "number" ? e : e.get(ctx);
}

/** A process as primitives see it when the system is compiled. */
export interface ProcInfo {
  /** Index among all processes, from 0. */
  readonly pid: number;
  /** The process kind. */
  readonly kind: string;
  /** Index among the copies of its kind. */
  readonly id: number;
  /** `kind#id`. */
  readonly name: string;
  /** Whether the process's body uses the primitive being bound. */
  readonly uses: boolean;
  /** The signal dispositions the process kind declares (see `ProcessOptions.signals`). */
  readonly signals: Readonly<Record<string, "default" | "ignore" | "handler">>;
  /**
   * The process is a dormant slot of a `dynamic` kind: not running until a
   * `fork`/`spawn` brings it to life, holding no descriptors until then.
   */
  readonly dormant?: boolean;
}

/** A process slot as the process table (`model/primitives/process.ts`) sees it at run time. */
export interface ProcSlot {
  /** The pid. */
  readonly pid: number;
  /** The process kind. */
  readonly kind: string;
  /** The slot of its program counter. */
  readonly pcOff: number;
  /** The first slot of its locals. */
  readonly base: number;
  /** The pc where its body starts. */
  readonly entry: number;
  /** The pc of its end (a dormant slot sits there too). */
  readonly endPc: number;
  /** Writes the locals' initial values. */
  resetLocals(w: Int32Array): void;
  /** The names of its scalar (int and bool) locals. */
  readonly scalars: readonly string[];
  /** The slot of local `name` (offset from `base`), or -1 when it has no scalar local so named. */
  localOff(name: string): number;
}

/** What a signal delivery did, as the signal table reports it to the compiler. */
export interface Delivery {
  /** The signal number. */
  readonly signo: number;
  /** The value sent with it (`sigqueue`), or 0. */
  readonly value: number;
  /** The sender's pid, or -1. */
  readonly sender: number;
  /** What happens to the process. */
  readonly action: "ignore" | "terminate" | "stop" | "continue" | "handler";
}

/**
 * Asynchronous events of a primitive (signals): the compiler gives every
 * process one more transition, enabled when {@linkcode AsyncEvents.deliverable}
 * says so, and disables the process's own steps while it is stopped.
 */
export interface AsyncEvents {
  /** Whether process `pid` has an event to take now. */
  deliverable(w: Int32Array, off: number, pid: number): boolean;
  /** Takes the event (updating the primitive) and says what it does. */
  take(w: Int32Array, off: number, pid: number): Delivery;
  /** Whether process `pid` is stopped (none of its steps can fire). */
  stopped(w: Int32Array, off: number, pid: number): boolean;
  /** `SA_RESETHAND`: after a handler ran, the disposition of `signo` is the default again. */
  resetHandler(w: Int32Array, off: number, pid: number, signo: number): void;
  /** The signal's name, for traces. */
  name(signo: number): string;
  /**
   * Generates `signo` for process `target` as `kill` does (§6.2), on behalf
   * of the kernel: SIGPIPE for the writer itself (`sender` = `target`, as
   * `send_sig()` does), SIGCHLD from the child that exited. Returns the
   * status code.
   */
  raise(w: Int32Array, off: number, sender: number, target: number, signo: number): number;
}

/**
 * Raises a signal for a process through the system's signal table (the
 * offset bound in), as `kill` does; returns the status code.
 */
export type SignalRaiser = (w: Int32Array, target: number, signo: number) => number;

/**
 * Which of a primitive's buffers a query asks about, for a primitive that
 * holds several: a direct link as `[from, to]` pids, a connection end by
 * its handle.
 */
export type BufferPart = number | readonly [number, number];

/**
 * What the buffer queries read of a primitive that holds messages (or
 * bytes): `len(b)` is `length`, `empty(b)` is `length === 0`, `full(b)` is
 * `full`. A primitive with several buffers names, in `part`, what the
 * queries' second argument picks (it is then required, and refused
 * elsewhere).
 */
export interface BufferQueries {
  /** What the second argument names (e.g. `"a link [from, to]"`), when the primitive has several buffers. */
  readonly part?: string;
  /** The messages held now (bytes, for a pipe). */
  length(w: Int32Array, off: number, part?: BufferPart): number;
  /** Whether there is no room for one more message (one more byte, for a pipe). */
  full(w: Int32Array, off: number, part?: BufferPart): boolean;
}

/** How a primitive is placed in the state and printed. */
export interface PrimitiveImpl {
  /** The kind, e.g. `semaphore`. */
  readonly kind: string;
  /** The unique name in the spec. */
  readonly name: string;
  /** The number of `Int32` slots it occupies. */
  readonly slots: number;
  /** Writes the initial contents at `off`. */
  init(w: Int32Array, off: number): void;
  /** Prints the contents at `off`; `pidName` names a process by pid. */
  format(w: Int32Array, off: number, pidName: (pid: number) => string): string;
  /** A number summarising the contents (semaphore value, channel length, ...). */
  value(w: Int32Array, off: number): number;
  /** Whether process `pid` holds the primitive (mutexes), for deadlock reports. */
  holds?(w: Int32Array, off: number, pid: number): boolean;
  /** Checks the declaration, returning an error message or undefined. */
  validate?(): string | undefined;
  /**
   * Called once when a system using the primitive is compiled, before
   * layout, with every process (so `slots` may depend on them).
   */
  bind?(procs: readonly ProcInfo[]): void;
  /**
   * Called once when a model using the primitive is built, with the
   * model's working state (the array every operation will receive) and the
   * primitive's offset in it: for primitives that must find one another's
   * slots (a condition variable its mutex, a template its ghost slots).
   */
  attach?(w: Int32Array, off: number): void;
  /**
   * Called once when a model is built, after {@linkcode PrimitiveImpl.attach},
   * for the process table: every process slot and every primitive's offset.
   */
  attachProcesses?(procs: readonly ProcSlot[], prims: ReadonlyMap<PrimitiveImpl, number>): void;
  /**
   * `fork`/`spawn` made process `child` from `parent`: the child gets copies
   * of what the parent holds (pipe ends, signal mask and dispositions).
   */
  onFork?(w: Int32Array, off: number, parent: number, child: number): void;
  /** Primitives this one works with, placed in the state whenever it is (a signal table). */
  readonly requires?: readonly PrimitiveImpl[];
  /** A structured reading of the contents, for properties (`v.read(prim)`). */
  read?(w: Int32Array, off: number): unknown;
  /** Asynchronous events (signals) the primitive delivers to processes. */
  readonly events?: AsyncEvents;
  /**
   * For a primitive that raises signals (a pipe's SIGPIPE): called when a
   * model using it is built, with the way to raise one through the system's
   * signal table, or `undefined` when the system has none (the primitive
   * then keeps its table-less behaviour).
   */
  linkSignals?(raise: SignalRaiser | undefined): void;
  /**
   * For a primitive that holds messages or bytes: what the queries `len`,
   * `empty` and `full` read (guards, effects and invariants may ask them).
   */
  readonly bufferQueries?: BufferQueries;
  /**
   * Runs when process `pid` finishes (reaches the end of its body): Linux
   * closes its descriptors, detaches its memory, a mailbox it owns dies.
   */
  onExit?(w: Int32Array, off: number, pid: number): void;
  /**
   * Renames the processes the contents at `off` refer to (owners, waiter
   * masks, per-process tables): process `p` becomes process `perm[p]`, and
   * whatever the primitive keeps per process moves with it. The result must
   * be exactly the contents the operations would have produced had the
   * processes been numbered that way, and no operation may single out a
   * process by number (a target pid given by the spec). Symmetry reduction
   * applies only to systems whose every primitive implements it.
   */
  permute?(w: Int32Array, off: number, perm: Int32Array): void;
  /**
   * `value()` is a pid (a mutex's owner): a property reading it could name
   * one copy of a symmetric process kind, so the property view refuses it
   * in a system that declares one.
   */
  readonly pidValue?: boolean;
}

/**
 * The slots of its primitive (offsets from the primitive's first slot) an
 * operation reads and writes, or `"all"`; partial-order reduction uses them
 * to tell independent operations apart.
 */
export interface Footprint {
  /** Slots read (including those its guard reads). */
  readonly reads: readonly number[] | "all";
  /** Slots written. */
  readonly writes: readonly number[] | "all";
}

/** One operation on a primitive, compiled to an edge of the process automaton. */
export interface OpImpl {
  /** The primitive operated on. */
  readonly prim: PrimitiveImpl;
  /** The operation in words, e.g. `wait(empty)`. */
  readonly text: string;
  /** The slots it reads and writes (default: all of them). */
  readonly footprint?: Footprint;
  /**
   * Whether the operation can fire (its blocking guard). `ctx` is the
   * caller's read-only view, for guards that depend on its inputs.
   */
  enabled(w: Int32Array, off: number, pid: number, ctx: Ctx): boolean;
  /**
   * Fires the operation. Returns an error message when the operation is an
   * error (reported as a violation of {@linkcode OpImpl.failure}).
   */
  apply(
    w: Int32Array,
    off: number,
    pid: number,
    ctx: Ctx,
    pidName: (pid: number) => string,
    choice: number,
  ): string | undefined;
  /**
   * For an operation with several possible outcomes (which waiter wakes,
   * how many bytes a read returns): the most it can ever have. Each outcome
   * is a transition of its own, so the checker explores every one.
   */
  readonly maxChoices?: number;
  /** How many outcomes are possible in this state (0 = blocked); needed with `maxChoices`. */
  choices?(w: Int32Array, off: number, pid: number, ctx: Ctx): number;
  /** Words for outcome `choice`, shown in traces. */
  choiceText?(choice: number): string;
  /**
   * How a signal handler interrupts the call while the caller is blocked in
   * it (docs/semantics.md §6.4): `EINTR` goes to `status` and the caller
   * moves past the call, unless the handler asked for `SA_RESTART` and the
   * call is `restartable`. Without it a blocked call stays blocked (as if
   * restarted), so code need not model `EINTR` it never sees.
   */
  readonly onSignal?: {
    readonly status: Into | undefined;
    readonly restartable: boolean;
    /** Extra effect when interrupted (e.g. `sigsuspend` restoring the mask). */
    interrupted?(w: Int32Array, off: number, pid: number, ctx: Ctx): void;
    /**
     * Whether the call has already moved data (a large write part done):
     * then a handler always ends it, with that count rather than `EINTR`,
     * which `interrupted` records; no `SA_RESTART`, no "just before".
     */
    moved?(w: Int32Array, off: number, pid: number): boolean;
    /**
     * Whether interrupting leaves the call through this operation's edge
     * (default true). False for an alternative that loops back within the
     * call (a large write's next piece): the caller is blocked in the call
     * when every edge of its pc is an interruptible operation and none can
     * fire; the interruption then takes the first edge that leaves.
     */
    readonly leaves?: boolean;
    /**
     * Whether the signal may also have come just before the call (default
     * true): the handler runs and the call then blocks. False for a wait
     * whose call already happened (`sigsuspend` after setting its mask).
     */
    readonly beforeCall?: boolean;
  };
  /**
   * Why `interruptible()` refuses this operation (a call Linux never ends
   * with `EINTR`, such as `pthread_cond_wait`), if it does.
   */
  readonly noEintr?: string;
  /**
   * For the operation that ends a call of several transitions (a parked
   * message-queue caller's return, a large pipe write's last piece): what
   * `interruptible()` does when a signal handler interrupts the caller
   * blocked at it (§6.4). `cancel` undoes what the call's earlier
   * transitions left in the primitive (a parked caller leaves the queue);
   * `moved` says whether the call has already moved data, so that it
   * returns that count (which `cancel` then records) instead of `EINTR`,
   * restarted or not. Without it, `interruptible()` refuses a call whose
   * caller can be blocked after its first transition.
   */
  readonly interrupt?: {
    cancel(w: Int32Array, off: number, pid: number, ctx: Ctx): void;
    moved?(w: Int32Array, off: number, pid: number): boolean;
  };
  /** The caller's process ends once the operation fired (`exit`). */
  readonly exits?: boolean;
  /** The property an error of this operation violates. */
  readonly failure?: string;
  /**
   * `bound` when the failure is an exploration bound being reached (an
   * unbounded buffer at its declared bound): the search goes on without
   * that successor and the verdict is `incomplete`.
   */
  readonly failureKind?: "primitive" | "bound";
  /** A rendezvous operation fires only jointly with its partner. */
  readonly rendezvous?: "send" | "recv";
  /** For a rendezvous send: the value sent. */
  readonly value?: ValueFn;
  /** For a rendezvous receive: where the value goes. */
  readonly into?: IntoFn;
  /**
   * For a rendezvous send: called after the joint transition moved `value`
   * from `sender` to `receiver` (templates watch it).
   */
  onJoint?(w: Int32Array, sender: number, receiver: number, value: number): void;
}

/**
 * The guard `timeout` (Promela's): true exactly when no other transition of
 * the system is enabled. The compiler recognises it by identity; called
 * directly (inside another guard) it throws, as it has no value of its own.
 *
 * @returns Never.
 *
 * @example
 * ```ts
 * import { timeoutGuard } from "./_ast.ts";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => timeoutGuard(), TypeError);
 * ```
 */
export function timeoutGuard(): boolean {
  throw new TypeError(
    "timeout is a guard of its own (s.when(name, timeout)); it cannot be called inside another guard",
  );
}

/** Where a step was written, captured when the builder ran. */
export type Source = string | undefined;

/** A node of the step language. */
export type Step =
  | { readonly kind: "do"; readonly name: string; readonly fn: Effect; readonly src: Source }
  | {
    readonly kind: "when";
    readonly name: string;
    readonly guard: Pred;
    /** A guarded command's effect, run in the same transition as the guard. */
    readonly fn?: Effect;
    readonly src: Source;
  }
  | {
    readonly kind: "assert";
    readonly name: string;
    readonly pred: (ctx: Ctx) => boolean | string;
    readonly src: Source;
  }
  | {
    readonly kind: "if";
    readonly name: string;
    readonly cond: Pred;
    readonly then: readonly Step[];
    readonly else: readonly Step[];
    readonly src: Source;
  }
  | {
    readonly kind: "while";
    readonly name: string;
    readonly cond: Pred | undefined;
    readonly body: readonly Step[];
    readonly src: Source;
    /**
     * A counted loop's (`s.for`): the texts of its two transitions, the
     * test that enters the body and the exit, and the exit's effect (the
     * counter's reset), run in the exit's transition.
     */
    readonly counted?: {
      readonly test: string;
      readonly done: string;
      readonly reset: Effect;
    };
  }
  | {
    readonly kind: "choose";
    readonly name: string;
    readonly branches: readonly (readonly Step[])[];
    readonly src: Source;
  }
  | { readonly kind: "atomic"; readonly body: readonly Step[]; readonly src: Source }
  | { readonly kind: "region"; readonly name: string; readonly body: readonly Step[] }
  | {
    readonly kind: "label";
    readonly name: string;
    readonly end: boolean;
    readonly progress: boolean;
    readonly src: Source;
  }
  | { readonly kind: "goto"; readonly target: string; readonly src: Source }
  | { readonly kind: "break"; readonly src: Source }
  | { readonly kind: "op"; readonly name: string; readonly op: OpImpl; readonly src: Source };

const MODEL_DIR = new URL(".", import.meta.url).href;

/** Captures `file:line:col` of the spec code that called a builder. */
export function callerSource(): Source {
  const stack = new Error().stack;
  if (stack === undefined) return undefined;
  for (const line of stack.split("\n").slice(1)) {
    if (line.includes(MODEL_DIR) || /node:|ext:/.test(line)) continue;
    const m = /\(?((?:file:\/\/)?[^()\s]+:\d+:\d+)\)?\s*$/.exec(line);
    if (m?.[1] !== undefined) return shortenPath(m[1]);
  }
  return undefined;
}

function shortenPath(p: string): string {
  let s = p.replace(/^file:\/\//, "");
  try {
    const cwd = Deno.cwd() + "/";
    if (s.startsWith(cwd)) s = s.slice(cwd.length);
  } catch {
    // no read permission for the working directory: keep the full path
  }
  return s;
}

/** The expression of an arrow function with an expression body, for traces. */
export function exprText(fn: unknown): string {
  const src = String(fn);
  const m = /^[^=]*=>\s*([^{\s][\s\S]*)$/.exec(src);
  if (m === null) return "...";
  const text = m[1]!.replace(/\s+/g, " ").trim();
  return text.length > 60 ? text.slice(0, 57) + "..." : text;
}
