/**
 * Channels: bounded buffers and rendezvous (docs/semantics.md §8,
 * "Buffering").
 *
 * A channel of capacity N >= 1 is a FIFO of at most N integer messages: its
 * slots are the length followed by N message slots, kept shifted to the
 * front so that equal contents are equal states. `send` blocks while the
 * channel is full, `recv` while it is empty.
 *
 * A channel of capacity 0 is a rendezvous: it has no slots, and a send and
 * a receive by two different processes fire together as one joint
 * transition, so a send completes only together with its receive. Linux has
 * no zero-capacity primitive (it must be built from send + wait-for-ack);
 * this is the textbook model.
 *
 * @module
 */

import type { Ctx, IntoFn, PrimitiveImpl, Step, ValueFn } from "../_ast.ts";
import { opStep, requireInt, requireName } from "./_op.ts";
import { type MessageTap, messageTaps, tapPut, tapTake } from "../_tap.ts";

/** A channel declared with {@linkcode channel}. */
export interface Channel extends PrimitiveImpl {
  /** Discriminant. */
  readonly kind: "channel";
  /** 0 for a rendezvous, else the number of messages it holds. */
  readonly capacity: number;
  /** Smallest message value. */
  readonly min: number;
  /** Largest message value. */
  readonly max: number;
}

/** Options of {@linkcode channel}. */
export interface ChannelOptions {
  /** Smallest message value (default -2^31). Sending less is an error. */
  min?: number;
  /** Largest message value (default 2^31 - 1). Sending more is an error. */
  max?: number;
}

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
export function channel(name: string, capacity: number, options: ChannelOptions = {}): Channel {
  requireName("channel", name);
  requireInt(`channel '${name}': capacity`, capacity, 0, 1 << 20);
  const min = options.min ?? -2147483648;
  const max = options.max ?? 2147483647;
  if (min > max) throw new RangeError(`channel '${name}': min ${min} must be <= max ${max}`);
  const ch: Channel = {
    kind: "channel",
    name,
    capacity,
    min,
    max,
    slots: capacity === 0 ? 0 : capacity + 1,
    init(w, off) {
      for (let i = 0; i <= capacity && capacity > 0; i++) w[off + i] = 0;
    },
    format(w, off) {
      if (capacity === 0) return "(rendezvous)";
      const n = w[off]!;
      const items: number[] = [];
      for (let i = 0; i < n; i++) items.push(w[off + 1 + i]!);
      return `[${items.join(",")}]`;
    },
    value(w, off) {
      return capacity === 0 ? 0 : w[off]!;
    },
    // Messages only: no process numbers to rename (symmetry reduction).
    permute() {},
  };
  tapsOf(ch);
  return ch;
}

/** Templates mirror one FIFO; a rendezvous passes a message through it. */
function tapsOf(ch: Channel): MessageTap[] {
  return messageTaps(ch, () => ({ lanes: 1, capacity: Math.max(ch.capacity, 1) }));
}

function checkedValue(ch: Channel, fn: ValueFn, ctx: Ctx): number {
  const v = fn(ctx);
  if (typeof v !== "number" || !Number.isInteger(v) || v < ch.min || v > ch.max) {
    throw new RangeError(
      `cannot send ${String(v)} on '${ch.name}': expected an integer in [${ch.min}, ${ch.max}]`,
    );
  }
  return v;
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
export function sendStep(ch: Channel, value: ValueFn): Step {
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
export function recvStep(ch: Channel, into: IntoFn): Step {
  const cap = ch.capacity;
  const taps = tapsOf(ch);
  if (cap === 0) {
    return opStep({
      prim: ch,
      text: `recv(${ch.name})`,
      rendezvous: "recv",
      into,
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
      into(ctx, v);
      return undefined;
    },
  });
}
