/**
 * Mailslots: the one-way broadcast channel of Windows mailslots, an
 * indirect-naming primitive like the mailbox (docs/semantics.md §8,
 * "Windows mailslots").
 *
 * - {@linkcode slotWrite} copies a message to every live reader's queue and
 *   never blocks; the sender is not notified;
 * - {@linkcode slotRead} takes from the caller's own queue;
 * - a copy to a full queue is dropped;
 * - with `lossy: true`, any copy may be lost (every choice explored), which
 *   is the best-effort delivery between machines;
 * - a reader's queue dies with the reader;
 * - a read by a process that is not a reader is a `mailbox misuse`
 *   violation ({@linkcode MAILBOX_MISUSE}, shared with the mailbox);
 * - at most 31 readers (pids 0 .. {@linkcode MAILBOX_MAX_PID}, bits of one
 *   slot).
 *
 * @module
 */

import {
  evalExpr,
  type Expr,
  type Into,
  type OpImpl,
  type PrimitiveImpl,
  type Step,
} from "../_ast.ts";
import { type PidList, resolvePids } from "./direct.ts";
import { MAILBOX_MAX_PID, MAILBOX_MISUSE } from "./mailbox.ts";
import { closeGap, opStep, requireInt, requireName } from "./_op.ts";
import { checkMessage, withChoices } from "./_mailbox_common.ts";

/** Options of {@linkcode mailslot}. */
export interface MailslotOptions {
  /** The readers, each with a queue of its own. */
  readers: PidList;
  /** Messages each reader's queue holds: N >= 1, or `"unbounded"` (with `bound`). */
  capacity: number | "unbounded";
  /** For `"unbounded"`: the most messages explored per queue. */
  bound?: number;
  /** Best effort: any copy may be lost (every choice explored). Default false. */
  lossy?: boolean;
}

/** A broadcast mailslot declared with {@linkcode mailslot}. */
export interface Mailslot extends PrimitiveImpl {
  /** Discriminant. */
  readonly kind: "mailslot";
  /** Messages each reader's queue holds. */
  readonly capacity: number | "unbounded";
  /** For an unbounded mailslot, its exploration bound; else 0. */
  readonly bound: number;
  /** Whether copies may be lost. */
  readonly lossy: boolean;
  /** The name of its exploration-bound property (unbounded only). */
  readonly boundProperty: string;
}

const SLOT_INTERNALS = new WeakMap<Mailslot, { room: number; readers(): number[] }>();

/**
 * Declares a one-way broadcast mailslot (§8, "Windows mailslots").
 *
 * Slots: the readers that exited (a mask), then per reader `[length, m1 ..
 * mN]`.
 *
 * @param name The unique name.
 * @param options The readers, the capacity of each reader's queue, loss.
 * @returns The mailslot, to use with {@linkcode slotWrite} and {@linkcode slotRead}.
 *
 * @example Two readers with queues of 2
 * ```ts
 * import { mailslot } from "./mailslot.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(mailslot("news", { readers: [1, 2], capacity: 2 }).slots, 1 + 2 * 3);
 * ```
 */
export function mailslot(name: string, options: MailslotOptions): Mailslot {
  requireName("mailslot", name);
  const where = `mailslot '${name}'`;
  const { capacity } = options;
  let bound = 0;
  if (capacity === "unbounded") {
    if (options.bound === undefined) {
      throw new TypeError(`${where}: an unbounded mailslot needs a bound`);
    }
    bound = requireInt(`${where}: bound`, options.bound, 1, 1 << 16);
  } else {
    requireInt(`${where}: capacity`, capacity, 1, 1 << 16);
    if (options.bound !== undefined) {
      throw new TypeError(`${where}: only an unbounded mailslot has a bound`);
    }
  }
  const room = capacity === "unbounded" ? bound : capacity;
  let cache: number[] | undefined;
  const readers = (): number[] => {
    if (cache !== undefined) return cache;
    const list = resolvePids(options.readers);
    if (list.length === 0) throw new RangeError(`${where}: the readers list is empty`);
    for (const p of list) {
      if (!Number.isInteger(p) || p < 0 || p > MAILBOX_MAX_PID) {
        throw new RangeError(`${where}: reader pid ${p} is out of range 0..${MAILBOX_MAX_PID}`);
      }
    }
    if (new Set(list).size !== list.length) {
      throw new RangeError(`${where}: a reader is listed twice`);
    }
    return cache = list;
  };
  const size = () => 1 + readers().length * (1 + room);
  const ms: Mailslot = {
    kind: "mailslot",
    name,
    capacity,
    bound,
    lossy: options.lossy ?? false,
    boundProperty: `${name} bound ${bound}`,
    get slots() {
      return size();
    },
    init(w, off) {
      w.fill(0, off, off + size());
    },
    format(w, off, pidName) {
      const parts = readers().map((r, i) => {
        const b = off + 1 + i * (1 + room);
        if ((w[off]! & (1 << r)) !== 0) return `${pidName(r)} gone`;
        return `${pidName(r)} [${Array.from(w.subarray(b + 1, b + 1 + w[b]!)).join(",")}]`;
      });
      return parts.join(" ");
    },
    value(w, off) {
      let n = 0;
      for (let i = 0; i < readers().length; i++) n += w[off + 1 + i * (1 + room)]!;
      return n;
    },
    validate() {
      try {
        readers();
      } catch (e) {
        return e instanceof Error ? e.message : String(e);
      }
      return undefined;
    },
    onExit(w, off, pid) {
      const i = readers().indexOf(pid);
      if (i < 0) return;
      w[off] = w[off]! | (1 << pid);
      const b = off + 1 + i * (1 + room);
      w.fill(0, b, b + 1 + room);
    },
  };
  SLOT_INTERNALS.set(ms, { room, readers });
  return ms;
}

/**
 * Writes a message to a mailslot: a copy goes to every reader that has not
 * exited. It never blocks, and the sender is not told anything. A copy to a
 * full queue is dropped. On a lossy mailslot every subset of the copies may
 * be lost, and each subset is an outcome of its own. On an unbounded
 * mailslot, a copy to a queue at the bound is an exploration bound.
 *
 * @param ms The mailslot.
 * @param message The message: a number or `s.expr(...)`.
 * @returns The step.
 *
 * @example
 * ```ts
 * import { mailslot, slotWrite } from "./mailslot.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(slotWrite(mailslot("news", { readers: [1], capacity: 1 }), 3).kind, "op");
 * ```
 */
export function slotWrite(ms: Mailslot, message: number | Expr): Step {
  const { room, readers } = SLOT_INTERNALS.get(ms)!;
  const unbounded = ms.capacity === "unbounded";
  const live = (w: Int32Array, off: number) =>
    readers().map((r, i) => ({ r, b: off + 1 + i * (1 + room) })).filter(({ r }) =>
      (w[off]! & (1 << r)) === 0
    );
  const op: OpImpl = {
    prim: ms,
    text: `write(${ms.name})`,
    footprint: { reads: "all", writes: "all" },
    ...(unbounded ? { failure: ms.boundProperty, failureKind: "bound" as const } : {}),
    enabled: () => true,
    apply(w, off, pid, ctx, pidName, choice) {
      const v = checkMessage(ms, evalExpr(message, ctx));
      const targets = live(w, off);
      for (let i = 0; i < targets.length; i++) {
        if ((choice & (1 << i)) !== 0) continue; // lost
        const { r, b } = targets[i]!;
        const len = w[b]!;
        if (len >= room) {
          if (unbounded) {
            return `${pidName(pid)} writes to '${ms.name}': the queue of ${
              pidName(r)
            } already holds ${room} messages, its declared exploration bound`;
          }
          continue; // full: the copy is dropped
        }
        w[b + 1 + len] = v;
        w[b] = len + 1;
      }
      return undefined;
    },
  };
  if (!ms.lossy) return opStep(op);
  return opStep(withChoices(
    op,
    () => 2 ** readers().length,
    (w, off) => 2 ** live(w, off).length,
    (c) =>
      c === 0
        ? "every copy delivered"
        : `copies lost: live readers ${
          Array.from({ length: 31 }, (_, i) => i).filter((i) => (c & (1 << i)) !== 0).map((i) =>
            i + 1
          ).join(", ")
        }`,
  ));
}

/**
 * Reads the oldest message of the caller's own queue of a mailslot into
 * `into`, blocking while it is empty. A read by a process that is not one of
 * the readers is a `mailbox misuse` violation.
 *
 * @param ms The mailslot.
 * @param into Where the message goes.
 * @returns The step.
 *
 * @example
 * ```ts
 * import { mailslot, slotRead } from "./mailslot.ts";
 * import assert from "node:assert/strict";
 *
 * const into = { kind: "into", text: "x", set: () => {} } as const;
 * assert.equal(slotRead(mailslot("news", { readers: [1], capacity: 1 }), into).kind, "op");
 * ```
 */
export function slotRead(ms: Mailslot, into: Into): Step {
  const { room, readers } = SLOT_INTERNALS.get(ms)!;
  return opStep({
    prim: ms,
    text: `read(${ms.name}) into ${into.text}`,
    footprint: { reads: "all", writes: "all" },
    failure: MAILBOX_MISUSE,
    enabled(w, off, pid) {
      const i = readers().indexOf(pid);
      return i < 0 || w[off + 1 + i * (1 + room)]! > 0;
    },
    apply(w, off, pid, ctx, pidName) {
      const i = readers().indexOf(pid);
      if (i < 0) return `${pidName(pid)} reads '${ms.name}' but is not one of its readers`;
      const b = off + 1 + i * (1 + room);
      const len = w[b]!;
      into.set(ctx, w[b + 1]!);
      closeGap(w, b + 1, len, 0, 1);
      w[b] = len - 1;
      return undefined;
    },
  });
}
