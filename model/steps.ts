/**
 * The step language: the structured statements a process is written in.
 *
 * Steps that carry code (guards, effects, messages) come from the typed
 * {@linkcode StepBuilder} a process body receives, so that `deno check`
 * rejects a misspelt variable or a wrong-typed value. Steps that carry no
 * code (choice, atomic blocks, labels, jumps, loops) are plain functions.
 *
 * Every step is one transition of the process, as in Promela: a `do` runs
 * its effect atomically, a `when` blocks until its guard holds, `if` and
 * `while` take one transition to test their condition.
 *
 * @module
 */

import {
  callerSource,
  type Ctx,
  type Expr,
  type Into,
  type PrimitiveImpl,
  type Step,
  timeoutGuard,
} from "./_ast.ts";
import { type ForOptions, forStep } from "./_for.ts";
import { type Channel, pollStep, recvStep, recvWhereStep, sendStep } from "./primitives/channel.ts";

export type { Step } from "./_ast.ts";
export type { ForOptions } from "./_for.ts";

/**
 * What a guard or effect of a process sees: the globals `g`, the process's
 * own locals `l`, its index `id` among the copies of its kind (0-based), and
 * its `pid`, unique across the whole system.
 */
export interface View<G, L> {
  /** The global (shared) variables. */
  g: G;
  /** This process's local variables. */
  l: L;
  /** This process's index among the copies of its kind, from 0. */
  readonly id: number;
  /** This process's index among all processes, from 0. */
  readonly pid: number;
  /**
   * The messages a buffer holds now (bytes, for a pipe): a channel, pipe,
   * message queue or mailbox listed in the process's `queries` option.
   */
  len(buffer: PrimitiveImpl): number;
  /** Whether a buffer (listed in `queries`) holds nothing. */
  empty(buffer: PrimitiveImpl): boolean;
  /** Whether a buffer (listed in `queries`) has no room for one more message (byte). */
  full(buffer: PrimitiveImpl): boolean;
}

/**
 * Builds the steps that carry code, typed by the globals `G` and the
 * process's locals `L`. A process body receives one.
 *
 * @typeParam G The globals' types.
 * @typeParam L The locals' types.
 *
 * @example A counter loop
 * ```ts
 * import { spec, system } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const counter = spec({
 *   name: "counter",
 *   params: { n: 3 },
 *   build: (p) => {
 *     const sys = system({ total: 0 });
 *     sys.process("adder", { locals: { i: 0 } }, (s) => [
 *       s.while(({ l }) => l.i < p.n, [
 *         s.do("add", ({ g, l }) => {
 *           g.total += 1;
 *           l.i++;
 *         }),
 *       ]),
 *     ]);
 *     return sys;
 *   },
 * });
 * assert.equal(counter.name, "counter");
 * ```
 */
export class StepBuilder<G, L> {
  /**
   * A deterministic step that runs `effect` atomically; always enabled.
   *
   * @param name The step's name, shown in traces and errors.
   * @param effect Changes the globals and locals.
   * @returns The step.
   *
   * @example
   * ```ts ignore
   * s.do("put", ({ g, l }) => { g.buf[g.in] = l.x; });
   * ```
   */
  do(name: string, effect: (v: View<G, L>) => unknown): Step {
    return { kind: "do", name, fn: effect as (ctx: Ctx) => unknown, src: callerSource() };
  }

  /**
   * A blocking guard (Promela's expression statement, `await`): the process
   * waits until `guard` holds, then moves on. With an `effect` it is a
   * guarded command (Promela's `atomic { guard -> effect }`, a DVE or
   * Murphi rule): enabled only when the guard holds, it then runs the
   * effect atomically, as ONE transition. The guard may be
   * {@linkcode timeout}: then the step is enabled exactly when no other
   * transition of the system is.
   *
   * @param name The step's name.
   * @param guard The condition, or `timeout`.
   * @param effect Run in the same transition when the guard holds (default: none).
   * @returns The step.
   *
   * @example
   * ```ts ignore
   * s.when("buffer not full", ({ g }) => g.count < p.slots);
   * s.when("room", ({ g }) => g.count < p.slots, ({ g }) => { g.count++; });
   * s.when("retransmit", timeout, ({ l }) => { l.tries++; });
   * ```
   */
  when(
    name: string,
    guard: (v: Readonly<View<G, L>>) => boolean,
    effect?: (v: View<G, L>) => unknown,
  ): Step {
    return {
      kind: "when",
      name,
      guard: guard as (ctx: Ctx) => boolean,
      ...(effect !== undefined ? { fn: effect as (ctx: Ctx) => unknown } : {}),
      src: callerSource(),
    };
  }

  /**
   * An assertion: fails the check, with a trace, when `pred` does not hold.
   *
   * @param name The property's name, used in expected verdicts.
   * @param pred `true` when the condition holds; `false`, or a string saying
   * what is wrong, when it does not.
   * @returns The step.
   *
   * @example
   * ```ts ignore
   * s.assert("slot was full", ({ l }) => l.item !== 0);
   * ```
   */
  assert(name: string, pred: (v: Readonly<View<G, L>>) => boolean | string): Step {
    return {
      kind: "assert",
      name,
      pred: pred as (ctx: Ctx) => boolean | string,
      src: callerSource(),
    };
  }

  /**
   * `if (cond) then else otherwise`: one transition tests the condition.
   *
   * @param cond The condition.
   * @param then The steps when it holds.
   * @param otherwise The steps when it does not (default: none).
   * @returns The step.
   *
   * @example
   * ```ts ignore
   * s.if(({ l }) => l.x > 0, [s.do("dec", ({ l }) => l.x--)], [s.do("inc", ({ l }) => l.x++)]);
   * ```
   */
  if(
    cond: (v: Readonly<View<G, L>>) => boolean,
    then: readonly Step[],
    otherwise: readonly Step[] = [],
  ): Step {
    return {
      kind: "if",
      name: "if",
      cond: cond as (ctx: Ctx) => boolean,
      then,
      else: otherwise,
      src: callerSource(),
    };
  }

  /**
   * `while (cond) body`: one transition tests the condition each round.
   *
   * @param cond The loop condition.
   * @param body The loop body.
   * @returns The step.
   *
   * @example
   * ```ts ignore
   * s.while(({ l }) => l.i < p.items, [s.do("next", ({ l }) => l.i++)]);
   * ```
   */
  while(cond: (v: Readonly<View<G, L>>) => boolean, body: readonly Step[]): Step {
    return {
      kind: "while",
      name: "while",
      cond: cond as (ctx: Ctx) => boolean,
      body,
      src: callerSource(),
    };
  }

  /**
   * A counted loop (Promela's `for (i : from .. to-1)`): runs `body` with
   * the local `counter` at `from`, `from + 1`, ..., `to - 1`, then resets
   * it to `from` and moves on. It replaces the hand-counted `while` with an
   * `i` local and a `"next"` step, with the same transitions: each round
   * one transition tests the bound (`i < to`), the body runs, and one
   * transition `i++` counts; the exit is one transition (`i = to: done`)
   * that resets the counter, so the loop may run again. With
   * `{ increment: "last" }` the count is part of the body's last step (an
   * `s.do`), for a loop that counts inside its last step. Declare the local
   * with the initial value `from`. `breakLoop()` directly inside the body
   * is refused (it would leave the counter unreset); use `s.while` then.
   *
   * @param counter The number local that counts.
   * @param from Its value in the first round (and its declared initial value).
   * @param to The bound: a number, or a function of the view read each round.
   * @param body The loop body.
   * @param options Where the increment happens.
   * @returns The step.
   *
   * @example
   * ```ts ignore
   * s.for("i", 0, p.items, [s.send(buf, ({ l }) => l.i + 1)]);
   * s.for("j", 0, p.items, [s.recv(buf, "x"), s.do("consume", ({ g, l }) => g.sum += l.x)], {
   *   increment: "last",
   * });
   * ```
   */
  for(
    counter: NumberKeys<L>,
    from: number,
    to: number | ((v: Readonly<View<G, L>>) => number),
    body: readonly Step[],
    options: ForOptions = {},
  ): Step {
    return forStep(counter, from, to, body, options, callerSource());
  }

  /**
   * A typed target for a primitive operation's result: a number local by
   * name, or a function storing the value.
   *
   * @param target The local's name, or a function.
   * @returns The target.
   *
   * @example
   * ```ts ignore
   * mqReceive(q, { into: s.into("msg"), status: s.into("err") });
   * ```
   */
  into(target: NumberKeys<L> | ((v: View<G, L>, value: number) => void)): Into {
    if (typeof target === "string") {
      return {
        kind: "into",
        text: target,
        set: (ctx: Ctx, value: number) => {
          ctx.l[target] = value;
        },
      };
    }
    return { kind: "into", text: "(function)", set: target as (ctx: Ctx, value: number) => void };
  }

  /**
   * A typed input for a primitive operation, computed from the view.
   *
   * @param fn Computes the value.
   * @returns The expression.
   *
   * @example
   * ```ts ignore
   * mqSend(q, { type: s.expr(({ id }) => id + 1), value: 7 });
   * ```
   */
  expr(fn: (v: Readonly<View<G, L>>) => number): Expr {
    return { kind: "expr", get: fn as (ctx: Ctx) => number };
  }

  /**
   * A typed input read from a number local by name: `s.local("c")` is
   * `s.expr(({ l }) => l.c)`, the way {@linkcode StepBuilder.into} names a
   * local for a result. Handles (a socket connection, a queue or pipe end
   * kept in a local), partners and values read this way.
   *
   * @param name The local's name.
   * @returns The expression.
   *
   * @example
   * ```ts ignore
   * sockRecv(srv, { conn: s.local("c"), bytes: 1, into: s.into("who") });
   * ```
   */
  local(name: NumberKeys<L>): Expr {
    return { kind: "expr", get: (ctx: Ctx) => ctx.l[name] };
  }

  /**
   * Sends a message on a channel: blocks while a bounded channel is full;
   * on a rendezvous channel fires together with a receive.
   *
   * @param ch The channel.
   * @param value The message, or a function of the sender's view.
   * @returns The step.
   *
   * @example
   * ```ts ignore
   * s.send(buf, ({ id, l }) => id * 10 + l.i);
   * ```
   */
  send(ch: Channel, value: number | ((v: Readonly<View<G, L>>) => number)): Step {
    const fn = typeof value === "number" ? () => value : value as (ctx: Ctx) => number;
    return sendStep(ch, fn);
  }

  /**
   * Receives a message from a channel into a local variable (by name) or
   * through a function; blocks while the channel is empty (or, for a
   * rendezvous, until a sender is ready).
   *
   * @param ch The channel.
   * @param into The local to store into, or a function storing the value.
   * @returns The step.
   *
   * @example
   * ```ts ignore
   * s.recv(buf, "item");
   * s.recv(buf, ({ g }, m) => { g.last = m; });
   * ```
   */
  recv(
    ch: Channel,
    into: NumberKeys<L> | ((v: View<G, L>, message: number) => void),
  ): Step {
    return recvStep(ch, intoFn(into));
  }

  /**
   * Receives without blocking (Promela's `nempty(ch) -> ch?x`, `O_NONBLOCK`):
   * takes the oldest message into `into` and `Errno.OK` into `status`, or,
   * when the channel is empty, `Errno.EAGAIN` into `status`. One transition,
   * always enabled. Not for rendezvous channels.
   *
   * @param ch The channel (capacity >= 1).
   * @param into The local for the message, or a function storing it.
   * @param status The local for the status.
   * @returns The step.
   *
   * @example
   * ```ts ignore
   * s.poll(inbox, "msg", "err");
   * ```
   */
  poll(
    ch: Channel,
    into: NumberKeys<L> | ((v: View<G, L>, message: number) => void),
    status: NumberKeys<L>,
  ): Step {
    return pollStep(ch, intoFn(into), (ctx: Ctx, code: number) => {
      ctx.l[status] = code;
    });
  }

  /**
   * Selective receive (Promela's `ch??`, Erlang's `receive` with a pattern):
   * blocks until a message satisfies `pred`, then takes the first such
   * message in queue order and leaves the others where they are. Not for
   * rendezvous channels.
   *
   * @param ch The channel (capacity >= 1).
   * @param pred Whether to take a message; may read the receiver's view.
   * @param into The local for the message, or a function storing it.
   * @returns The step.
   *
   * @example
   * ```ts ignore
   * s.recvWhere(replies, (m, { l }) => m % 10 === l.request, "reply");
   * ```
   */
  recvWhere(
    ch: Channel,
    pred: (message: number, v: Readonly<View<G, L>>) => boolean,
    into: NumberKeys<L> | ((v: View<G, L>, message: number) => void),
  ): Step {
    return recvWhereStep(ch, pred as (m: number, ctx: Ctx) => boolean, intoFn(into));
  }
}

/** A local's name or a storing function, as the function primitives call. */
function intoFn<G, L>(
  into: NumberKeys<L> | ((v: View<G, L>, message: number) => void),
): (ctx: Ctx, m: number) => void {
  return typeof into === "string"
    ? (ctx: Ctx, m: number) => {
      ctx.l[into] = m;
    }
    : into as (ctx: Ctx, m: number) => void;
}

/**
 * The guard `timeout` (Promela's): true exactly when no other transition of
 * the system is enabled, the usual way to model a timer in an untimed
 * checker. Use it as the whole guard of a `when` (alone, in a `choose`
 * branch, or with an effect as a guarded command); it cannot be combined
 * with other conditions inside one guard function (write the condition as
 * a following `when` or `if`).
 *
 * @example
 * ```ts ignore
 * choose(
 *   [s.recv(ack, "bit")],
 *   [s.when("retransmit", timeout), s.send(data, ({ l }) => l.bit)],
 * );
 * ```
 */
export const timeout: () => boolean = timeoutGuard;

/** The keys of `L` whose values are numbers. */
export type NumberKeys<L> = { [K in keyof L]: L[K] extends number ? K : never }[keyof L] & string;

/**
 * Nondeterministic choice among branches (Promela's `if :: ... fi`): any
 * branch whose first step is enabled may be taken; the checker explores
 * every one. A branch may start with a `when` guard.
 *
 * @param branches The alternatives, each a list of steps.
 * @returns The step.
 *
 * @example
 * ```ts ignore
 * choose([s.do("left", ({ g }) => g.x--)], [s.do("right", ({ g }) => g.x++)]);
 * ```
 */
export function choose(...branches: (readonly Step[])[]): Step {
  return { kind: "choose", name: "choose", branches, src: callerSource() };
}

/**
 * An atomic block (Promela's `atomic`): once its first step has fired, no
 * other process moves until the block ends, unless a step inside it blocks,
 * in which case atomicity is lost until the process moves again.
 *
 * @param body The steps.
 * @returns The step.
 *
 * @example
 * ```ts ignore
 * atomic(s.when("free", ({ g }) => !g.busy), s.do("take", ({ g }) => { g.busy = true; }));
 * ```
 */
export function atomic(...body: Step[]): Step {
  return { kind: "atomic", body, src: callerSource() };
}

/**
 * An endless loop; leave it with {@linkcode breakLoop} or {@linkcode goto}.
 *
 * @param body The loop body.
 * @returns The step.
 *
 * @example
 * ```ts ignore
 * loop(wait(full), s.do("take", ...), post(empty));
 * ```
 */
export function loop(...body: Step[]): Step {
  return { kind: "while", name: "loop", cond: undefined, body, src: callerSource() };
}

/**
 * Leaves the innermost `while` or `loop` (Promela's `break`); not a
 * transition of its own.
 *
 * @returns The step.
 *
 * @example
 * ```ts ignore
 * loop(choose([s.when("done", ({ l }) => l.i === 3), breakLoop()], [s.do("inc", ...)]));
 * ```
 */
export function breakLoop(): Step {
  return { kind: "break", src: callerSource() };
}

/** Options of {@linkcode label}. */
export interface LabelOptions {
  /**
   * An end label: a process stopped here is at a valid end state, so it is
   * not reported as deadlocked (a server waiting for requests).
   */
  end?: boolean;
  /** A progress label, for non-progress cycle detection. */
  progress?: boolean;
}

/**
 * Names the position before the next step, as a target for
 * {@linkcode goto}, a name in traces, and optionally an end label.
 *
 * @param name The label, unique within the process.
 * @param options End or progress label.
 * @returns The step (not a transition of its own).
 *
 * @example
 * ```ts ignore
 * label("idle", { end: true }), s.recv(requests, "req"),
 * ```
 */
export function label(name: string, options: LabelOptions = {}): Step {
  return {
    kind: "label",
    name,
    end: options.end ?? false,
    progress: options.progress ?? false,
    src: callerSource(),
  };
}

/**
 * Jumps to a label of the same process; not a transition of its own.
 *
 * @param target The label.
 * @returns The step.
 *
 * @example
 * ```ts ignore
 * goto("retry");
 * ```
 */
export function goto(target: string): Step {
  return { kind: "goto", target, src: callerSource() };
}

/**
 * Names a block of steps, so that invariants can count the processes inside
 * it with `v.inside(name)` (e.g. a critical section).
 *
 * @param name The region's name.
 * @param body The steps.
 * @returns The step (not a transition of its own).
 *
 * @example
 * ```ts ignore
 * region("cs", s.do("put", ...)),
 * ```
 */
export function region(name: string, ...body: Step[]): Step {
  return { kind: "region", name, body };
}
