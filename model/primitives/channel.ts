/**
 * Channels: bounded buffers and rendezvous (docs/semantics.md §8,
 * "Buffering").
 *
 * A channel of capacity N >= 1 is a FIFO of at most N integer messages: its
 * slots are the length followed by N message slots, kept shifted to the
 * front so that equal contents are equal states. `send` blocks while the
 * channel is full, `recv` while it is empty. A channel declared with a
 * `message` type carries records or tuples (model/message.ts), each stored
 * as its code in one slot and decoded for the receiver and for traces.
 *
 * A channel of capacity 0 is a rendezvous: it has no slots, and a send and
 * a receive by two different processes fire together as one joint
 * transition, so a send completes only together with its receive. Linux has
 * no zero-capacity primitive (it must be built from send + wait-for-ack);
 * this is the textbook model.
 *
 * @module
 */

import type { Ctx, PrimitiveImpl, Step } from "../_ast.ts";
import type { MessageType } from "../message.ts";
import { opStep, requireInt, requireName } from "./_op.ts";
import { Errno } from "./errno.ts";
import { type MessageTap, messageTaps, tapPut, tapTake } from "../_tap.ts";

/**
 * A channel declared with {@linkcode channel}.
 *
 * @typeParam M The messages' type: `number`, or the record or tuple of its
 * `message` type.
 */
export interface Channel<M = number> extends PrimitiveImpl {
  /** Discriminant. */
  readonly kind: "channel";
  /** 0 for a rendezvous, else the number of messages it holds. */
  readonly capacity: number;
  /** Smallest message value. */
  readonly min: number;
  /** Largest message value (the largest code, for a `message` type). */
  readonly max: number;
  /** The structured message type, when declared. */
  readonly message?: MessageType<M>;
  /** The capacity in bytes, when messages have sizes (else undefined). */
  readonly bytes?: number;
}

/**
 * Options of {@linkcode channel}.
 *
 * @typeParam M The messages' type.
 */
export interface ChannelOptions<M = number> {
  /** Smallest message value (default -2^31). Sending less is an error. */
  min?: number;
  /** Largest message value (default 2^31 - 1). Sending more is an error. */
  max?: number;
  /** Records or tuples instead of integers (not with `min`/`max`). */
  message?: MessageType<M>;
  /**
   * A capacity in bytes as well as in messages: a send blocks while the
   * messages held and its own would be more than `bytes` bytes, and a
   * message larger than `bytes` fails the property `message too large`.
   * Needs `size`, and a capacity >= 1.
   */
  bytes?: number;
  /** The size in bytes of every message, or of each (a function of the message). */
  size?: number | ((message: M) => number);
}

/** The property a send of a message larger than a channel's `bytes` fails. */
export const MESSAGE_TOO_LARGE = "message too large";

/** What a receive does with the message it takes, in the receiver's view. */
export type MessageInto = (ctx: Ctx, message: unknown) => void;

/** Computes the message a send puts. */
export type MessageValue = (ctx: Ctx) => unknown;

/**
 * Declares a channel of integer messages.
 *
 * @param name The unique name, used in traces.
 * @param capacity 0 for a rendezvous, N >= 1 for a bounded buffer.
 * @param options The range of message values.
 * @returns The channel, to use with the step builder's `send` and `recv`.
 *
 * @example A bounded buffer of two messages
 * ```ts
 * import { channel } from "./channel.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(channel("buf", 2).slots, 3);
 * assert.equal(channel("rv", 0).slots, 0);
 * ```
 */
export function channel<M = number>(
  name: string,
  capacity: number,
  options: ChannelOptions<M> = {},
): Channel<M> {
  requireName("channel", name);
  requireInt(`channel '${name}': capacity`, capacity, 0, 1 << 20);
  const type = options.message;
  if (type !== undefined && (options.min !== undefined || options.max !== undefined)) {
    throw new TypeError(`channel '${name}': give either a message type or min/max, not both`);
  }
  const min = type !== undefined ? 0 : options.min ?? -2147483648;
  const max = type !== undefined ? type.count - 1 : options.max ?? 2147483647;
  if (min > max) throw new RangeError(`channel '${name}': min ${min} must be <= max ${max}`);
  const show = type !== undefined ? (v: number) => type.format(v) : String;
  const sized = byteCapacity(name, capacity, options);
  const ch: Channel<M> = {
    kind: "channel",
    name,
    capacity,
    min,
    max,
    ...(type !== undefined ? { message: type } : {}),
    ...(sized !== undefined ? { bytes: sized.bytes } : {}),
    slots: capacity === 0 ? 0 : capacity + 1,
    init(w, off) {
      for (let i = 0; i <= capacity && capacity > 0; i++) w[off + i] = 0;
    },
    format(w, off) {
      if (capacity === 0) return "(rendezvous)";
      const n = w[off]!;
      const items: string[] = [];
      for (let i = 0; i < n; i++) items.push(show(w[off + 1 + i]!));
      return `[${items.join(",")}]`;
    },
    value(w, off) {
      return capacity === 0 ? 0 : w[off]!;
    },
    // A rendezvous holds nothing and has no room: it is empty and full.
    // With a byte capacity, full also when every byte is taken.
    bufferQueries: {
      length: (w, off) => capacity === 0 ? 0 : w[off]!,
      full: (w, off) =>
        capacity === 0 || w[off]! >= capacity ||
        (sized !== undefined && sized.held(w, off) >= sized.bytes),
    },
    // Messages only: no process numbers to rename (symmetry reduction).
    permute() {},
  };
  tapsOf(ch);
  if (sized !== undefined) SIZES.set(ch, sized);
  return ch;
}

/** A channel's byte capacity and message sizes. */
interface Sized {
  readonly bytes: number;
  /** The size of the message with this code. */
  sizeOf(code: number): number;
  /** The bytes the messages held take. */
  held(w: Int32Array, off: number): number;
}

const SIZES = new WeakMap<object, Sized>();

/** The byte capacity of a channel declared with `bytes` and `size`, checked. */
function byteCapacity<M>(
  name: string,
  capacity: number,
  options: ChannelOptions<M>,
): Sized | undefined {
  const { bytes, size } = options;
  if (bytes === undefined && size === undefined) return undefined;
  if (bytes === undefined || size === undefined || capacity === 0) {
    throw new TypeError(
      `channel '${name}': message sizes need both bytes and size, and a capacity >= 1`,
    );
  }
  requireInt(`channel '${name}': bytes`, bytes, 0);
  if (typeof size === "number") requireInt(`channel '${name}': size`, size, 0);
  const type = options.message;
  const sizeOf = (code: number): number => {
    if (typeof size === "number") return size;
    const m = (type !== undefined ? type.decode(code) : code) as M;
    return requireInt(`channel '${name}': the size of message ${JSON.stringify(m)}`, size(m), 0);
  };
  const held = (w: Int32Array, off: number): number => {
    let total = 0;
    for (let i = 0; i < w[off]!; i++) total += sizeOf(w[off + 1 + i]!);
    return total;
  };
  return { bytes, sizeOf, held };
}

/** Templates mirror one FIFO; a rendezvous passes a message through it. */
function tapsOf<M>(ch: Channel<M>): MessageTap[] {
  return messageTaps(ch, () => ({ lanes: 1, capacity: Math.max(ch.capacity, 1) }));
}

/** The code of the message `fn` computes: checked against the range or the message type. */
function checkedValue<M>(ch: Channel<M>, fn: MessageValue, ctx: Ctx): number {
  const v = fn(ctx);
  if (ch.message !== undefined) {
    try {
      return ch.message.encode(v as M);
    } catch (e) {
      const shown = v !== null && typeof v === "object" ? JSON.stringify(v) : String(v);
      throw new RangeError(`cannot send ${shown} on '${ch.name}': ${(e as Error).message}`);
    }
  }
  if (typeof v !== "number" || !Number.isInteger(v) || v < ch.min || v > ch.max) {
    throw new RangeError(
      `cannot send ${String(v)} on '${ch.name}': expected an integer in [${ch.min}, ${ch.max}]`,
    );
  }
  return v;
}

/** The message a code stands for: the code itself, or the decoded record or tuple. */
function decoded<M>(ch: Channel<M>, code: number): unknown {
  return ch.message !== undefined ? ch.message.decode(code) : code;
}

/**
 * The send operation; used by the step builder's `send`.
 *
 * @param ch The channel.
 * @param value Computes the message from the sender's view.
 * @returns The step.
 *
 * @example
 * ```ts
 * import { channel, sendStep } from "./channel.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(sendStep(channel("c", 1), () => 7).kind, "op");
 * ```
 */
export function sendStep<M>(ch: Channel<M>, value: MessageValue): Step {
  const cap = ch.capacity;
  const taps = tapsOf(ch);
  if (cap === 0) {
    return opStep({
      prim: ch,
      text: `send(${ch.name})`,
      rendezvous: "send",
      value: (ctx) => checkedValue(ch, value, ctx),
      enabled: () => true,
      apply: () => undefined,
      onJoint(w, sender, receiver, v) {
        if (taps.length === 0) return;
        tapPut(taps, w, 0, 0, sender, v, 0, -1);
        tapTake(taps, w, 0, 0, receiver);
      },
    });
  }
  const sized = SIZES.get(ch);
  if (sized !== undefined) return sizedSendStep(ch, sized, value);
  return opStep({
    prim: ch,
    text: `send(${ch.name})`,
    footprint: { reads: "all", writes: "all" },
    enabled: (w, off) => w[off]! < cap,
    apply(w, off, pid, ctx) {
      const v = checkedValue(ch, value, ctx);
      const n = w[off]!;
      w[off + 1 + n] = v;
      w[off] = n + 1;
      if (taps.length > 0) tapPut(taps, w, 0, n, pid, v, 0, -1);
      return undefined;
    },
  });
}

/**
 * A send on a channel with a byte capacity: blocks while the message does
 * not fit in the bytes left (or the message slots are full); a message
 * larger than the whole capacity fails `message too large`, as System V
 * and POSIX queues refuse a message over their limit rather than wait.
 */
function sizedSendStep<M>(ch: Channel<M>, sized: Sized, value: MessageValue): Step {
  const taps = tapsOf(ch);
  const fits = (w: Int32Array, off: number, ctx: Ctx): boolean => {
    if (w[off]! >= ch.capacity) return false;
    const n = sized.sizeOf(checkedValue(ch, value, ctx));
    return n > sized.bytes || sized.held(w, off) + n <= sized.bytes;
  };
  return opStep({
    prim: ch,
    text: `send(${ch.name})`,
    footprint: { reads: "all", writes: "all" },
    failure: MESSAGE_TOO_LARGE,
    enabled: (w, off, _pid, ctx) => fits(w, off, ctx),
    apply(w, off, pid, ctx) {
      const v = checkedValue(ch, value, ctx);
      const size = sized.sizeOf(v);
      if (size > sized.bytes) {
        return `a message of ${size} bytes on '${ch.name}', which holds ${sized.bytes} bytes`;
      }
      const n = w[off]!;
      w[off + 1 + n] = v;
      w[off] = n + 1;
      if (taps.length > 0) tapPut(taps, w, 0, n, pid, v, 0, -1);
      return undefined;
    },
  });
}

/**
 * The receive operation; used by the step builder's `recv`.
 *
 * @param ch The channel.
 * @param into Stores the message into the receiver's view.
 * @returns The step.
 *
 * @example
 * ```ts
 * import { channel, recvStep } from "./channel.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(recvStep(channel("c", 1), () => {}).kind, "op");
 * ```
 */
export function recvStep<M>(ch: Channel<M>, into: MessageInto): Step {
  const cap = ch.capacity;
  const taps = tapsOf(ch);
  if (cap === 0) {
    return opStep({
      prim: ch,
      text: `recv(${ch.name})`,
      rendezvous: "recv",
      into: (ctx, v) => into(ctx, decoded(ch, v)),
      enabled: () => true,
      apply: () => undefined,
    });
  }
  return opStep({
    prim: ch,
    text: `recv(${ch.name})`,
    footprint: { reads: "all", writes: "all" },
    enabled: (w, off) => w[off]! > 0,
    apply(w, off, pid, ctx) {
      const n = w[off]!;
      const v = w[off + 1]!;
      if (taps.length > 0) tapTake(taps, w, 0, 0, pid);
      for (let i = 1; i < n; i++) w[off + i] = w[off + 1 + i]!;
      w[off + n] = 0;
      w[off] = n - 1;
      into(ctx, decoded(ch, v));
      return undefined;
    },
  });
}

/** Removes the message at index `i` of a bounded channel, keeping the rest in order. */
function takeAt(
  taps: readonly MessageTap[],
  w: Int32Array,
  off: number,
  i: number,
  pid: number,
) {
  const n = w[off]!;
  const v = w[off + 1 + i]!;
  if (taps.length > 0) tapTake(taps, w, 0, i, pid);
  for (let k = i + 1; k < n; k++) w[off + k] = w[off + 1 + k]!;
  w[off + n] = 0;
  w[off] = n - 1;
  return v;
}

/** Refuses an operation a rendezvous channel does not offer. */
function requireBuffered<M>(ch: Channel<M>, what: string): void {
  if (ch.capacity === 0) {
    throw new TypeError(
      `cannot ${what} on rendezvous channel '${ch.name}': it holds no message ` +
        "(use choose() with a recv and another branch)",
    );
  }
}

/**
 * The non-blocking receive; used by the step builder's `poll`: never
 * blocks; takes the oldest message and stores `OK` in `status`, or, when
 * the channel is empty, stores `EAGAIN` and leaves `into` alone.
 *
 * @param ch The channel (capacity >= 1).
 * @param into Stores the message into the receiver's view.
 * @param status Stores `Errno.OK` or `Errno.EAGAIN`.
 * @returns The step.
 *
 * @example
 * ```ts
 * import { channel, pollStep } from "./channel.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(pollStep(channel("c", 1), () => {}, () => {}).kind, "op");
 * ```
 */
export function pollStep<M>(
  ch: Channel<M>,
  into: MessageInto,
  status: (ctx: Ctx, code: number) => void,
): Step {
  requireBuffered(ch, "poll");
  const taps = tapsOf(ch);
  return opStep({
    prim: ch,
    text: `poll(${ch.name})`,
    footprint: { reads: "all", writes: "all" },
    enabled: () => true,
    apply(w, off, pid, ctx) {
      if (w[off]! === 0) {
        status(ctx, Errno.EAGAIN);
        return undefined;
      }
      into(ctx, decoded(ch, takeAt(taps, w, off, 0, pid)));
      status(ctx, Errno.OK);
      return undefined;
    },
  });
}

/** The index of the first message (queue order) `pred` takes, or -1. */
function firstMatch<M>(
  ch: Channel<M>,
  pred: (message: unknown, ctx: Ctx) => boolean,
  w: Int32Array,
  off: number,
  ctx: Ctx,
): number {
  const n = w[off]!;
  for (let i = 0; i < n; i++) {
    const r = pred(decoded(ch, w[off + 1 + i]!), ctx);
    if (r === true) return i;
    if (r !== false) throw new TypeError(`the predicate must return a boolean, got ${String(r)}`);
  }
  return -1;
}

/**
 * The selective receive; used by the step builder's `recvWhere`: blocks
 * until some message satisfies `pred`, then takes the first such message in
 * queue order and leaves the others in place (Promela's `ch??msg`, Erlang's
 * selective receive).
 *
 * @param ch The channel (capacity >= 1).
 * @param pred Whether the receiver takes a message (it may read the view).
 * @param into Stores the message into the receiver's view.
 * @returns The step.
 *
 * @example
 * ```ts
 * import { channel, recvWhereStep } from "./channel.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(recvWhereStep(channel("c", 2), (m) => m !== 0, () => {}).kind, "op");
 * ```
 */
export function recvWhereStep<M>(
  ch: Channel<M>,
  pred: (message: unknown, ctx: Ctx) => boolean,
  into: MessageInto,
): Step {
  requireBuffered(ch, "receive selectively");
  const taps = tapsOf(ch);
  return opStep({
    prim: ch,
    text: `recv(${ch.name}) where ...`,
    footprint: { reads: "all", writes: "all" },
    enabled: (w, off, _pid, ctx) => firstMatch(ch, pred, w, off, ctx) >= 0,
    apply(w, off, pid, ctx) {
      const at = firstMatch(ch, pred, w, off, ctx);
      into(ctx, decoded(ch, takeAt(taps, w, off, at, pid)));
      return undefined;
    },
  });
}

/**
 * Peek; used by the step builder's `peek`: blocks until some message
 * satisfies `pred` (any message, by default), then copies the first such
 * message in queue order into the receiver's view and leaves the channel as
 * it was (Promela's `ch?<x>` and `ch??<x>`, `MSG_PEEK`). It reads the
 * channel and writes none of its slots.
 *
 * @param ch The channel (capacity >= 1).
 * @param pred Which message to copy (it may read the view).
 * @param into Stores the copy into the receiver's view.
 * @returns The step.
 *
 * @example
 * ```ts
 * import { channel, peekStep } from "./channel.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(peekStep(channel("c", 2), () => true, () => {}).kind, "op");
 * ```
 */
export function peekStep<M>(
  ch: Channel<M>,
  pred: (message: unknown, ctx: Ctx) => boolean,
  into: MessageInto,
): Step {
  requireBuffered(ch, "peek");
  return opStep({
    prim: ch,
    text: `peek(${ch.name})`,
    footprint: { reads: "all", writes: [] },
    enabled: (w, off, _pid, ctx) => firstMatch(ch, pred, w, off, ctx) >= 0,
    apply(w, off, _pid, ctx) {
      const at = firstMatch(ch, pred, w, off, ctx);
      into(ctx, decoded(ch, w[off + 1 + at]!));
      return undefined;
    },
  });
}
