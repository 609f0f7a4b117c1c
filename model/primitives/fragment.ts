/**
 * Message size (Silberschatz, *OSC* ch. 3 "message passing"; docs/semantics.md
 * §1 "Several writers", §8): messages of fixed or variable size sent over a
 * byte stream, fragmented when larger than the largest message the link
 * carries in one piece, and reassembled by the reader.
 *
 * A pipe keeps no message boundaries, and only writes of at most
 * `PIPE_BUF` bytes are atomic. So a message is sent as fragments of at most
 * `maxMessage <= pipeBuf` bytes, each one `write()` call (atomic), and the
 * reader reads until it has the whole message:
 *
 * - **fixed size**: both sides know the size; the reader reads that many
 *   bytes;
 * - **variable size**: a one-byte header carrying the length goes first (in
 *   the first fragment); the reader reads it, then the body.
 *
 * The fragments of one message are separate `write()` calls, so the
 * fragments of two unsynchronised writers interleave in the pipe and a
 * reader reassembles a message from pieces of both (or, with headers,
 * reads a body byte as a length). Messages that fit in one fragment never
 * mix. Serialise the writers (a mutex around {@linkcode sendMessage}) or
 * keep messages within `pipeBuf`.
 *
 * Built on {@linkcode writeAll} and {@linkcode readAll} of `pipe.ts`; the
 * departures from Linux are the pipe's.
 *
 * @module
 */

import type { Expr, Into, Step } from "../_ast.ts";
import { type Pipe, readAll, writeAll } from "./pipe.ts";
import { requireInt } from "./_op.ts";

/** Options of {@linkcode sendMessage}. */
export interface SendMessageOptions {
  /** The message size in bytes (>= 1). */
  size: number | Expr;
  /** The largest fragment, one atomic `write()` (at most the pipe's `pipeBuf`). */
  maxMessage: number;
  /** Send a length header first (variable-size messages; default false). */
  variable?: boolean;
  /** The value of every byte of the message (default 1). */
  value?: number | Expr;
  /** Receives `OK`, or `EPIPE` (no reader). See {@linkcode writeAll}. */
  status?: Into;
  /** Receives the message bytes written, or -1 on error. */
  written?: Into;
}

/**
 * Sends one message: a single atomic `write()` when it fits in
 * `maxMessage` bytes (with its header), else fragments of `maxMessage`
 * bytes, each its own `write()`, which other writers' fragments may come
 * between.
 *
 * @param p The pipe.
 * @param options Size, largest fragment, framing, value and results.
 * @returns The step.
 *
 * @example A 3-byte message over a pipe whose atomic writes hold 2 bytes
 * ```ts
 * import { system } from "../spec.ts";
 * import { pipe } from "./pipe.ts";
 * import { sendMessage } from "./fragment.ts";
 * import assert from "node:assert/strict";
 *
 * const p = pipe(system({}), "p", { capacity: 4, pipeBuf: 2 });
 * assert.equal(sendMessage(p, { size: 3, maxMessage: 2 }).kind, "region");
 * ```
 */
export function sendMessage(p: Pipe, options: SendMessageOptions): Step {
  const max = requireInt(`sendMessage(${p.name}): maxMessage`, options.maxMessage, 1, p.pipeBuf);
  const variable = options.variable ?? false;
  if (variable) requireInt(`sendMessage(${p.name}): maxMessage`, max, 2, p.pipeBuf);
  if (typeof options.size === "number") {
    requireInt(`sendMessage(${p.name}): size`, options.size, 1);
  }
  return writeAll(p, {
    bytes: options.size,
    fragment: max,
    header: variable,
    ...(options.value !== undefined ? { value: options.value } : {}),
    ...(options.status !== undefined ? { status: options.status } : {}),
    ...(options.written !== undefined ? { written: options.written } : {}),
  });
}

/** Options of {@linkcode recvMessage}. */
export interface RecvMessageOptions {
  /** The size of a fixed-size message; omit it for variable-size messages (length header). */
  size?: number | Expr;
  /** Receives each byte of the message, in order. */
  into?: Into;
  /** Receives the message's length as read: short if EOF came first, 0 at EOF. */
  count?: Into;
}

/**
 * Receives one message: reads until it has `size` bytes, or, without
 * `size`, reads the length header and then the body. Each `read()` is one
 * transition returning what is there.
 *
 * @param p The pipe.
 * @param options The fixed size (or none, for a header), and targets.
 * @returns The step.
 *
 * @example
 * ```ts ignore
 * recvMessage(p, { size: 3, into: s.into((v, b) => { v.l.sum += b; }), count: s.into("len") });
 * ```
 *
 * @example The step it makes
 * ```ts
 * import { system } from "../spec.ts";
 * import { pipe } from "./pipe.ts";
 * import { recvMessage } from "./fragment.ts";
 * import assert from "node:assert/strict";
 *
 * const p = pipe(system({}), "p");
 * assert.equal(recvMessage(p, {}).kind, "region");
 * ```
 */
export function recvMessage(p: Pipe, options: RecvMessageOptions): Step {
  const targets = {
    ...(options.into !== undefined ? { into: options.into } : {}),
    ...(options.count !== undefined ? { count: options.count } : {}),
  };
  if (options.size === undefined) return readAll(p, { header: true, ...targets });
  if (typeof options.size === "number") {
    requireInt(`recvMessage(${p.name}): size`, options.size, 1);
  }
  return readAll(p, { bytes: options.size, ...targets });
}
