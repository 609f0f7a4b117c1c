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
  type BufferPart,
  callerSource,
  type Ctx,
  type Expr,
  type Into,
  type Match,
  type PrimitiveImpl,
  type Step,
  timeoutGuard,
} from "./_ast.ts";
import { type ForOptions, forStep } from "./_for.ts";
import {
  type Channel,
  peekStep,
  pollStep,
  recvStep,
  recvWhereStep,
  sendStep,
} from "./primitives/channel.ts";
import { messageInto, messagePredicate } from "./_receive.ts";
import type { MessageType } from "./message.ts";

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
  len(buffer: PrimitiveImpl, part?: BufferPart): number;
  /** Whether a buffer (listed in `queries`) holds nothing. */
  empty(buffer: PrimitiveImpl, part?: BufferPart): boolean;
  /** Whether a buffer (listed in `queries`) has no room for one more message (byte). */
  full(buffer: PrimitiveImpl, part?: BufferPart): boolean;
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
   * A structured message as an input of a primitive that takes numbers
   * (mailboxes, direct links, message queues): the message's code under
   * `type`, computed from the view (or a constant).
   *
   * @param type The message type.
   * @param value The message, or a function of the sender's view.
   * @returns The expression.
   *
   * @example
   * ```ts ignore
   * mbSend(mb, s.encode(frame, ({ l }) => ({ seq: l.bit, data: l.i })));
   * ```
   */
  encode<M>(
    type: MessageType<M>,
    value: NoInfer<M> | ((v: Readonly<View<G, L>>) => NoInfer<M>),
  ): Expr {
    const fn = typeof value === "function" ? value as (ctx: Ctx) => M : () => value;
    return { kind: "expr", get: (ctx: Ctx) => type.encode(fn(ctx)) };
  }

  /**
   * A target that decodes a structured message a primitive returns as a
   * number (mailboxes, direct links, message queues): into one local per
   * field, or through a function given the record or tuple.
   *
   * @param type The message type.
   * @param target The locals per field, or a function.
   * @returns The target.
   *
   * @example
   * ```ts ignore
   * mbReceive(mb, s.decode(frame, { seq: "bit", data: "item" }));
   * ```
   */
  decode<M>(type: MessageType<M>, target: MessageTarget<G, L, NoInfer<M>>): Into {
    const set = messageInto(target);
    const text = typeof target === "function" ? "(function)" : JSON.stringify(target);
    return { kind: "into", text, set: (ctx: Ctx, code: number) => set(ctx, type.decode(code)) };
  }

  /**
   * Which messages a selective receive or a peek of a primitive that takes
   * numbers (a mailbox) takes: an integer message or a predicate; or, with
   * a message type first, some fields' values or a predicate over records.
   *
   * @param typeOrMatch The message type, or the match over integer messages.
   * @param match The match over messages of the type.
   * @returns The match.
   *
   * @example
   * ```ts ignore
   * mbReceive(inbox, s.decode(reply, { data: "answer" }), {
   *   where: s.match(reply, (m, { l }) => m.id === l.request),
   * });
   * ```
   */
  match<M = number>(
    typeOrMatch: MessageType<M> | MessageMatch<G, L, number>,
    match?: MessageMatch<G, L, NoInfer<M>>,
  ): Match {
    const typed = typeof typeOrMatch === "object" && typeOrMatch !== null &&
      (typeOrMatch as { kind?: unknown }).kind === "message";
    const test = messagePredicate(typed ? match : typeOrMatch);
    const type = typeOrMatch as MessageType<M>;
    return {
      kind: "match",
      test: typed ? (code, ctx) => test(type.decode(code), ctx) : (code, ctx) => test(code, ctx),
    };
  }

  /**
   * Sends a message on a channel: blocks while a bounded channel is full;
   * on a rendezvous channel fires together with a receive. On a channel of
   * a `message` type, the message is a record or tuple of that type.
   *
   * @param ch The channel.
   * @param value The message, or a function of the sender's view.
   * @returns The step.
   *
   * @example
   * ```ts ignore
   * s.send(buf, ({ id, l }) => id * 10 + l.i);
   * s.send(frames, ({ l }) => ({ seq: l.bit, data: l.i }));
   * ```
   */
  send<M>(ch: Channel<M>, value: NoInfer<M> | ((v: Readonly<View<G, L>>) => NoInfer<M>)): Step {
    const fn = typeof value === "function" ? value as (ctx: Ctx) => unknown : () => value;
    return sendStep(ch, fn);
  }

  /**
   * Receives a message from a channel into a local (by name), into one
   * local per field (`{ seq: "bit" }`, for a `message` type), or through a
   * function; blocks while the channel is empty (or, for a rendezvous,
   * until a sender is ready).
   *
   * @param ch The channel.
   * @param into Where the message goes.
   * @returns The step.
   *
   * @example
   * ```ts ignore
   * s.recv(buf, "item");
   * s.recv(buf, ({ g }, m) => { g.last = m; });
   * s.recv(frames, { seq: "bit", data: "item" });
   * ```
   */
  recv<M>(ch: Channel<M>, into: MessageTarget<G, L, NoInfer<M>>): Step {
    return recvStep(ch, messageInto(into));
  }

  /**
   * Receives without blocking (Promela's `nempty(ch) -> ch?x`, `O_NONBLOCK`):
   * takes the oldest message into `into` and `Errno.OK` into `status`, or,
   * when the channel is empty, `Errno.EAGAIN` into `status`. One transition,
   * always enabled. Not for rendezvous channels.
   *
   * @param ch The channel (capacity >= 1).
   * @param into Where the message goes (as for `recv`).
   * @param status The local for the status.
   * @returns The step.
   *
   * @example
   * ```ts ignore
   * s.poll(inbox, "msg", "err");
   * ```
   */
  poll<M>(ch: Channel<M>, into: MessageTarget<G, L, NoInfer<M>>, status: NumberKeys<L>): Step {
    return pollStep(ch, messageInto(into), (ctx: Ctx, code: number) => {
      ctx.l[status] = code;
    });
  }

  /**
   * Selective receive (Promela's `ch??`, Erlang's `receive` with a pattern):
   * blocks until a message matches, then takes the first match in queue
   * order and leaves the others where they are. The match is a message
   * (`3`), some fields of a `message` type (`{ seq: 1 }`), or a predicate
   * that may read the receiver's view. Not for rendezvous channels.
   *
   * @param ch The channel (capacity >= 1).
   * @param match Which messages to take.
   * @param into Where the message goes (as for `recv`).
   * @returns The step.
   *
   * @example
   * ```ts ignore
   * s.recvWhere(replies, (m, { l }) => m % 10 === l.request, "reply");
   * s.recvWhere(frames, { seq: 1 }, { data: "item" });
   * ```
   */
  recvWhere<M>(
    ch: Channel<M>,
    match: MessageMatch<G, L, NoInfer<M>>,
    into: MessageTarget<G, L, NoInfer<M>>,
  ): Step {
    return recvWhereStep(ch, messagePredicate(match), messageInto(into));
  }

  /**
   * Peek (Promela's `ch?<x>`, `MSG_PEEK`): blocks until a message matches
   * (any message, by default), then copies the first match in queue order
   * into `into` and leaves the channel unchanged. Not for rendezvous
   * channels.
   *
   * @param ch The channel (capacity >= 1).
   * @param into Where the copy goes (as for `recv`).
   * @param match Which messages to look at (as for `recvWhere`; default: any).
   * @returns The step.
   *
   * @example
   * ```ts ignore
   * s.peek(inbox, "next");
   * s.peek(frames, { data: "item" }, { seq: 1 });
   * ```
   */
  peek<M>(
    ch: Channel<M>,
    into: MessageTarget<G, L, NoInfer<M>>,
    match: MessageMatch<G, L, NoInfer<M>> = () => true,
  ): Step {
    return peekStep(ch, messagePredicate(match), messageInto(into));
  }
}

/**
 * Where a received message goes: for integer messages, a number local's
 * name; for a `message` type, a local's name per field (`{ seq: "bit" }`,
 * or a list for a tuple); or a function given the view and the message.
 */
export type MessageTarget<G, L, M> =
  | ([M] extends [number] ? NumberKeys<L> : { readonly [K in keyof M]?: NumberKeys<L> })
  | ((v: View<G, L>, message: M) => void);

/**
 * Which messages a selective receive or peek takes: an integer message, the
 * values of some fields of a `message` type, or a predicate over the
 * message and the receiver's view.
 */
export type MessageMatch<G, L, M> =
  | ([M] extends [number] ? number : Partial<M>)
  | ((message: M, v: Readonly<View<G, L>>) => boolean);

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

export {
  atomic,
  breakLoop,
  choose,
  goto,
  label,
  type LabelOptions,
  loop,
  region,
} from "./control.ts";
