/**
 * Ready-made properties ("templates") attached to a primitive in one line:
 * the delivery rules of a channel, mailbox, message queue, pipe or socket,
 * mutual exclusion of a semaphore or mutex, and the bounds of a buffer.
 *
 * A template watches the primitive's operations: the primitive reports each
 * message put into it (by whom, with what value, type or priority, to whom),
 * each message taken (by whom) and each message destroyed, and each
 * acquisition and release of a lock. The template keeps what it needs to
 * judge them as ghost state: slots of its own in the same packed state (a
 * mirror of the messages in flight with their senders and arrival order,
 * the values delivered so far, the holders of a lock). A rule broken by a
 * step is recorded in the ghost state and reported as an invariant of that
 * state, so the breadth-first search finds the shortest trace, ending with
 * the offending step.
 *
 * Ghost state is part of the state: a spec with templates can have more
 * states than without (two buffers holding the same values from different
 * senders are now different states).
 *
 * Attach templates with `System.delivery`, `System.exclusive` and
 * `System.bounds` (see `spec.ts`). The rules are described in
 * docs/properties.md.
 *
 * @module
 */

import type { PrimitiveImpl, ProcInfo } from "./_ast.ts";
import {
  type LockTap,
  lockTapsOf,
  type MessageShape,
  type MessageTap,
  messageTapsOf,
} from "./_tap.ts";
import type { StatePredicate, StateView, Template, TemplateCheck } from "./_types.ts";

export type { Template, TemplateCheck } from "./_types.ts";
import { type PidList, resolvePids } from "./primitives/direct.ts";

/**
 * The order in which messages must be received.
 * - `"fifo"`: the oldest message in the primitive first.
 * - `"fifoPerSender"`: of one sender's messages, the oldest first.
 * - `"fifoPerType"`: of the messages of one type (System V `mtype`, a POSIX
 *   priority), the oldest first: what any System V selection keeps.
 * - `"priority"`: a message of the highest priority (type) present, the
 *   oldest of those first: POSIX message queues.
 */
export type DeliveryOrder = "fifo" | "fifoPerSender" | "fifoPerType" | "priority";

/**
 * The delivery rules a template checks; each one given is a property of its
 * own, named `<primitive>: <rule>`.
 */
export interface DeliveryRules {
  /**
   * `<name>: no loss` — no message is destroyed while in the primitive (a
   * removed queue, a mailbox that died with its owner, a socket closed with
   * unread data), and `<name>: no loss at end` — none is left unreceived in
   * a valid end state.
   */
  noLoss?: boolean;
  /**
   * `<name>: no duplicate` — no process receives the same value from the
   * same sender twice (a message is identified by its sender and value, so
   * a sender must not reuse values). Values must lie in `0 .. values-1`
   * (default 32; at most 1024).
   */
  noDuplicates?: boolean | { readonly values: number };
  /** Both `noLoss` and `noDuplicates`. */
  exactlyOnce?: boolean;
  /** `<name>: <order>` — the order rule (see {@linkcode DeliveryOrder}). */
  order?: DeliveryOrder;
  /** `<name>: only receivers` — only these processes receive (the members of a mailbox). */
  receivers?: PidList;
  /**
   * `<name>: only the addressee` — a message addressed to a process (direct
   * naming, a policy-(c) mailbox's pick) is received by that process only.
   */
  addressee?: boolean;
  /**
   * The several-receivers policy (docs/semantics.md §8):
   * - `"pair"`: `<name>: pair` — at most two processes use the link;
   * - `"round-robin"`: `<name>: round-robin` — the `receivers` receive in
   *   turn, in the order listed.
   */
  policy?: "pair" | "round-robin";
}

/**
 * Whether `prim` is a {@linkcode Template}.
 *
 * @param prim A primitive.
 * @returns `true` for a template.
 *
 * @example
 * ```ts
 * import { isTemplate } from "./templates.ts";
 * import { semaphore } from "./primitives/semaphore.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isTemplate(semaphore("s", 1)), false);
 * ```
 */
export function isTemplate(prim: PrimitiveImpl): prim is Template {
  return (prim as Partial<Template>).checks !== undefined &&
    (prim as Partial<Template>).target !== undefined;
}

// Ghost layout of a delivery template.
const VIOL = 0; // code of the first rule broken, 0 for none
const A = 1, B = 2, C = 3, D = 4, E = 5; // its details
const AUX = 6; // round-robin: next receiver's index; pair: users (mask)
const LANES = 7; // per lane: count, then entries
const FROM = 0, VALUE = 1, KEY = 2, TO = 3, AGE = 4, ENTRY = 5;

const LOST = 1, DUP = 2, ORDER = 3, RECEIVER = 4, ADDRESSEE = 5, POLICY = 6;

const ORDER_TEXT: Record<DeliveryOrder, string> = {
  fifo: "FIFO",
  fifoPerSender: "FIFO per sender",
  fifoPerType: "FIFO per type",
  priority: "priority order",
};

function bit(pid: number): number {
  return 1 << (pid & 31);
}

/**
 * Builds the ghost primitive that checks `rules` on `target`. Used by
 * `System.delivery`; throws a TypeError when the target reports no
 * messages or the rules are inconsistent.
 *
 * @param target The channel, mailbox, queue, pipe or socket.
 * @param rules The rules.
 * @returns The template, to add to the system.
 *
 * @example
 * ```ts
 * import { deliveryTemplate } from "./templates.ts";
 * import { channel } from "./primitives/channel.ts";
 * import assert from "node:assert/strict";
 *
 * const t = deliveryTemplate(channel("c", 2), { exactlyOnce: true, order: "fifo" });
 * assert.deepEqual(t.checks.map((c) => c.name), [
 *   "c: no loss", "c: no loss at end", "c: no duplicate", "c: FIFO",
 * ]);
 * ```
 */
export function deliveryTemplate(target: PrimitiveImpl, rules: DeliveryRules): Template {
  const where = `delivery rules on ${target.kind} '${target.name}'`;
  const taps = messageTapsOf(target);
  if (taps === undefined) {
    throw new TypeError(`${where}: a ${target.kind} reports no messages to templates`);
  }
  const known = new Set([
    "noLoss",
    "noDuplicates",
    "exactlyOnce",
    "order",
    "receivers",
    "addressee",
    "policy",
  ]);
  for (const k of Object.keys(rules)) {
    if (!known.has(k)) throw new TypeError(`${where}: unknown rule '${k}'`);
  }
  const noLoss = rules.noLoss === true || rules.exactlyOnce === true;
  const dupOpt = rules.noDuplicates ?? (rules.exactlyOnce === true ? true : false);
  const noDup = dupOpt !== false;
  const values = typeof dupOpt === "object" ? dupOpt.values : 32;
  if (!Number.isInteger(values) || values < 1 || values > 1024) {
    throw new RangeError(
      `${where}: noDuplicates values must be an integer in 1..1024, got ${values}`,
    );
  }
  const words = Math.ceil(values / 32);
  const order = rules.order;
  if (order !== undefined && !(order in ORDER_TEXT)) {
    throw new TypeError(`${where}: unknown order '${String(order)}'`);
  }
  const policy = rules.policy;
  if (policy !== undefined && policy !== "pair" && policy !== "round-robin") {
    throw new TypeError(`${where}: unknown policy '${String(policy)}'`);
  }
  if (policy === "round-robin" && rules.receivers === undefined) {
    throw new TypeError(`${where}: the round-robin rule needs the receivers, in turn order`);
  }
  const name = target.name;
  const ruleNames: Record<number, string> = {
    [LOST]: `${name}: no loss`,
    [DUP]: `${name}: no duplicate`,
    [ORDER]: `${name}: ${ORDER_TEXT[order ?? "fifo"]}`,
    [RECEIVER]: `${name}: only receivers`,
    [ADDRESSEE]: `${name}: only the addressee`,
    [POLICY]: `${name}: ${policy ?? "pair"}`,
  };

  let shape: MessageShape = { lanes: 1, capacity: 1 };
  let laneSize = 1 + ENTRY;
  let dupBase = 0;
  let slots = 0;
  let nprocs = 0;
  let receiverList: number[] = [];
  let receiverMask = 0;
  let myW: Int32Array | undefined;
  let myOff = 0;

  const laneText = (lane: number): string =>
    shape.lanes > 1 ? ` (${shape.laneName?.(lane) ?? `lane ${lane}`})` : "";
  const fail = (
    w: Int32Array,
    code: number,
    a: number,
    b: number,
    c: number,
    d = 0,
    e = 0,
  ): void => {
    const o = myOff;
    if (w[o + VIOL] !== 0) return;
    w[o + VIOL] = code;
    w[o + A] = a;
    w[o + B] = b;
    w[o + C] = c;
    w[o + D] = d;
    w[o + E] = e;
  };

  const tap: MessageTap = {
    put(w, lane, pos, from, value, key, to) {
      if (w !== myW) return;
      const base = myOff + LANES + lane * laneSize;
      const n = w[base]!;
      if (n >= shape.capacity) {
        throw new RangeError(`${where}: more than ${shape.capacity} messages in flight`);
      }
      for (let i = n; i > pos; i--) {
        w.copyWithin(base + 1 + i * ENTRY, base + 1 + (i - 1) * ENTRY, base + 1 + i * ENTRY);
      }
      const e = base + 1 + pos * ENTRY;
      w[e + FROM] = from;
      w[e + VALUE] = value;
      w[e + KEY] = key;
      w[e + TO] = to;
      w[e + AGE] = n;
      w[base] = n + 1;
      if (policy === "pair" && from >= 0) {
        w[myOff + AUX] = w[myOff + AUX]! | bit(from);
        if (popcount(w[myOff + AUX]!) > 2) fail(w, POLICY, from, value, from, w[myOff + AUX]!);
      }
    },
    take(w, lane, pos, by) {
      if (w !== myW) return;
      const o = myOff;
      const base = o + LANES + lane * laneSize;
      const n = w[base]!;
      if (pos >= n) throw new RangeError(`${where}: no message at position ${pos}`);
      const e = base + 1 + pos * ENTRY;
      const from = w[e + FROM]!, value = w[e + VALUE]!, key = w[e + KEY]!, to = w[e + TO]!;
      const age = w[e + AGE]!;
      if (order !== undefined) {
        for (let i = 0; i < n; i++) {
          if (i === pos) continue;
          const x = base + 1 + i * ENTRY;
          const older = w[x + AGE]! < age;
          const bad = order === "fifo"
            ? older
            : order === "fifoPerSender"
            ? older && w[x + FROM] === from
            : order === "fifoPerType"
            ? older && w[x + KEY] === key
            : w[x + KEY]! > key || (w[x + KEY] === key && older);
          if (bad) {
            fail(w, ORDER, from, value, by, w[x + FROM]!, w[x + VALUE]!);
            break;
          }
        }
      }
      if (rules.receivers !== undefined && (by < 0 || (receiverMask & bit(by)) === 0)) {
        fail(w, RECEIVER, from, value, by);
      }
      if (rules.addressee === true && to >= 0 && to !== by) fail(w, ADDRESSEE, from, value, by, to);
      if (policy === "round-robin") {
        const next = receiverList[w[o + AUX]!]!;
        if (by !== next) fail(w, POLICY, from, value, by, next);
        else w[o + AUX] = (w[o + AUX]! + 1) % receiverList.length;
      }
      if (policy === "pair" && by >= 0) {
        w[o + AUX] = w[o + AUX]! | bit(by);
        if (popcount(w[o + AUX]!) > 2) fail(w, POLICY, from, value, by, w[o + AUX]!);
      }
      if (noDup && from >= 0) {
        if (!Number.isInteger(value) || value < 0 || value >= values) {
          throw new RangeError(
            `${where}: no duplicate tells values 0..${values - 1} apart, got ${value}; ` +
              `declare noDuplicates: { values: ${Math.max(value + 1, 1)} } or more`,
          );
        }
        const slot = o + dupBase + from * words + (value >> 5);
        const m = 1 << (value & 31);
        if ((w[slot]! & m) !== 0) fail(w, DUP, from, value, by);
        else w[slot] = w[slot]! | m;
      }
      removeAt(w, base, n, pos, age);
    },
    drop(w, lane, pos, count) {
      if (w !== myW) return;
      const base = myOff + LANES + lane * laneSize;
      for (let k = 0; k < count; k++) {
        const n = w[base]!;
        if (pos >= n) break;
        const e = base + 1 + pos * ENTRY;
        if (noLoss) fail(w, LOST, w[e + FROM]!, w[e + VALUE]!, lane);
        removeAt(w, base, n, pos, w[e + AGE]!);
      }
    },
  };

  const checks: TemplateCheck[] = [];
  const viol = (code: number): TemplateCheck => ({
    name: ruleNames[code]!,
    kind: "invariant",
    check(w, off, pidName) {
      if (w[off + VIOL] !== code) return undefined;
      const from = w[off + A]!, value = w[off + B]!, c = w[off + C]!, d = w[off + D]!;
      const who = (pid: number) => (pid < 0 ? "an unknown sender" : pidName(pid));
      const msg = `message ${value} from ${who(from)}`;
      switch (code) {
        case LOST:
          return `${msg} was destroyed before anyone received it${laneText(c)}`;
        case DUP:
          return `${pidName(c)} received ${msg} a second time`;
        case ORDER:
          return `${pidName(c)} received ${msg} while message ${w[off + E]} from ${
            who(d)
          } should come first (${ORDER_TEXT[order!]})`;
        case RECEIVER:
          return `${pidName(c)} received ${msg} but is not one of its receivers`;
        case ADDRESSEE:
          return `${pidName(c)} received ${msg}, which was addressed to ${pidName(d)}`;
        default:
          return policy === "round-robin"
            ? `${pidName(c)} received ${msg} out of turn: it was ${pidName(d)}'s turn`
            : `${pidName(c)} is the third process on the link (users ${maskText(d, pidName)})`;
      }
    },
  });
  if (noLoss) {
    checks.push(viol(LOST));
    checks.push({
      name: `${name}: no loss at end`,
      kind: "final",
      check(w, off, pidName) {
        const left: string[] = [];
        for (let lane = 0; lane < shape.lanes; lane++) {
          const base = off + LANES + lane * laneSize;
          for (let i = 0; i < w[base]!; i++) {
            const e = base + 1 + i * ENTRY;
            const from = w[e + FROM]!;
            left.push(
              `${w[e + VALUE]} from ${from < 0 ? "an unknown sender" : pidName(from)}${
                laneText(lane)
              }`,
            );
          }
        }
        return left.length === 0
          ? undefined
          : `never received: message${left.length === 1 ? "" : "s"} ${left.join(", ")}`;
      },
    });
  }
  if (noDup) checks.push(viol(DUP));
  if (order !== undefined) checks.push(viol(ORDER));
  if (rules.receivers !== undefined) checks.push(viol(RECEIVER));
  if (rules.addressee === true) checks.push(viol(ADDRESSEE));
  if (policy !== undefined) checks.push(viol(POLICY));

  return {
    kind: "template",
    name: `${name}.delivery`,
    target,
    rules: "delivery rules",
    checks,
    get slots() {
      return slots;
    },
    bind(procs: readonly ProcInfo[]) {
      nprocs = procs.length;
      shape = taps.shape();
      laneSize = 1 + shape.capacity * ENTRY;
      dupBase = LANES + shape.lanes * laneSize;
      slots = dupBase + (noDup ? nprocs * words : 0);
      if (rules.receivers !== undefined) {
        receiverList = resolvePids(rules.receivers);
        receiverMask = 0;
        for (const p of receiverList) {
          if (!Number.isInteger(p) || p < 0 || p >= nprocs) {
            throw new RangeError(`receiver pid ${p} is out of range 0..${nprocs - 1}`);
          }
          if (p > 31) throw new RangeError(`templates tell at most 32 processes apart`);
          receiverMask |= bit(p);
        }
        if (receiverList.length === 0) throw new RangeError(`the receivers list is empty`);
      }
      if (policy === "pair" && nprocs > 32) {
        throw new RangeError(`templates tell at most 32 processes apart`);
      }
      if (!taps.list.includes(tap)) taps.list.push(tap);
    },
    attach(w, off) {
      myW = w;
      myOff = off;
    },
    init(w, off) {
      w.fill(0, off, off + slots);
    },
    format(w, off, pidName) {
      const parts: string[] = [];
      for (let lane = 0; lane < shape.lanes; lane++) {
        const base = off + LANES + lane * laneSize;
        const items: string[] = [];
        for (let i = 0; i < w[base]!; i++) {
          const e = base + 1 + i * ENTRY;
          const from = w[e + FROM]!;
          items.push(`${w[e + VALUE]}@${from < 0 ? "?" : pidName(from)}`);
        }
        parts.push(`[${items.join(",")}]`);
      }
      return `in flight ${parts.join(" ")}`;
    },
    value(w, off) {
      let n = 0;
      for (let lane = 0; lane < shape.lanes; lane++) n += w[off + LANES + lane * laneSize]!;
      return n;
    },
  };

  /** Removes the entry at `pos`, closing the gap and the arrival order. */
  function removeAt(w: Int32Array, base: number, n: number, pos: number, age: number): void {
    const first = base + 1;
    w.copyWithin(first + pos * ENTRY, first + (pos + 1) * ENTRY, first + n * ENTRY);
    w.fill(0, first + (n - 1) * ENTRY, first + n * ENTRY);
    for (let i = 0; i < n - 1; i++) {
      const x = first + i * ENTRY + AGE;
      if (w[x]! > age) w[x] = w[x]! - 1;
    }
    w[base] = n - 1;
  }
}

function popcount(x: number): number {
  let n = 0;
  for (let v = x; v !== 0; v &= v - 1) n++;
  return n;
}

function maskText(mask: number, pidName: (pid: number) => string): string {
  const out: string[] = [];
  for (let p = 0; p < 32; p++) if ((mask & (1 << p)) !== 0) out.push(pidName(p));
  return `{${out.join(", ")}}`;
}

// Ghost layout of a lock template.
// Then one slot per process: how many times it holds the lock now.
const L_VIOL = 0, L_WHO = 1, L_HOLDERS = 2, L_COUNT = 3, L_PER = 4;
const EXCLUSION = 1, OWNER = 2;

/** Options of {@linkcode exclusiveTemplate}. */
export interface ExclusiveOptions {
  /**
   * How many processes may hold the lock at once (default: a semaphore's
   * initial value, 1 for a mutex).
   */
  holders?: number;
}

/**
 * Builds the ghost primitive that checks a semaphore or mutex used as a
 * lock: `<name>: mutual exclusion` (no more holders than allowed: a
 * holder is a process that acquired it and has not released it) and
 * `<name>: release by holder` (only a holder releases it). Used by
 * `System.exclusive`.
 *
 * @param lock The semaphore or mutex.
 * @param options How many may hold it.
 * @returns The template, to add to the system.
 *
 * @example
 * ```ts
 * import { exclusiveTemplate } from "./templates.ts";
 * import { semaphore } from "./primitives/semaphore.ts";
 * import assert from "node:assert/strict";
 *
 * const t = exclusiveTemplate(semaphore("s", 1));
 * assert.deepEqual(t.checks.map((c) => c.name), ["s: mutual exclusion", "s: release by holder"]);
 * ```
 */
export function exclusiveTemplate(lock: PrimitiveImpl, options: ExclusiveOptions = {}): Template {
  const where = `mutual exclusion on ${lock.kind} '${lock.name}'`;
  const taps = lockTapsOf(lock);
  if (taps === undefined) {
    throw new TypeError(`${where}: a ${lock.kind} is not a lock (use a semaphore or a mutex)`);
  }
  const initial = (lock as { initial?: number }).initial;
  const limit = options.holders ?? (lock.kind === "semaphore" ? initial ?? 1 : 1);
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`${where}: holders must be an integer >= 1, got ${limit}`);
  }
  let myW: Int32Array | undefined;
  let myOff = 0;
  let nprocs = 0;
  const fail = (w: Int32Array, code: number, pid: number): void => {
    if (w[myOff + L_VIOL] !== 0) return;
    w[myOff + L_VIOL] = code;
    w[myOff + L_WHO] = pid;
  };
  const tap: LockTap = {
    acquire(w, pid) {
      if (w !== myW) return;
      const o = myOff;
      w[o + L_HOLDERS] = w[o + L_HOLDERS]! | bit(pid);
      w[o + L_COUNT] = w[o + L_COUNT]! + 1;
      w[o + L_PER + pid] = w[o + L_PER + pid]! + 1;
      if (w[o + L_COUNT]! > limit) fail(w, EXCLUSION, pid);
    },
    release(w, pid) {
      if (w !== myW) return;
      const o = myOff;
      if ((w[o + L_HOLDERS]! & bit(pid)) === 0) {
        fail(w, OWNER, pid);
        return;
      }
      w[o + L_COUNT] = w[o + L_COUNT]! - 1;
      w[o + L_PER + pid] = w[o + L_PER + pid]! - 1;
      // A counting lock may be held twice by one process: it stays a holder
      // until it has released every hold.
      if (w[o + L_PER + pid] === 0) w[o + L_HOLDERS] = w[o + L_HOLDERS]! & ~bit(pid);
    },
  };
  const holdersText = (w: Int32Array, off: number, pidName: (pid: number) => string) =>
    maskText(w[off + L_HOLDERS]!, pidName);
  return {
    kind: "template",
    name: `${lock.name}.exclusive`,
    target: lock,
    rules: "mutual exclusion",
    get slots() {
      return L_PER + nprocs;
    },
    checks: [
      {
        name: `${lock.name}: mutual exclusion`,
        kind: "invariant",
        check(w, off, pidName) {
          if (w[off + L_VIOL] !== EXCLUSION) return undefined;
          return `${pidName(w[off + L_WHO]!)} acquired '${lock.name}' while ${
            limit === 1 ? "another process held it" : `${limit} holders had it`
          } (holders ${holdersText(w, off, pidName)})`;
        },
      },
      {
        name: `${lock.name}: release by holder`,
        kind: "invariant",
        check(w, off, pidName) {
          if (w[off + L_VIOL] !== OWNER) return undefined;
          return `${pidName(w[off + L_WHO]!)} released '${lock.name}' without holding it (holders ${
            holdersText(w, off, pidName)
          })`;
        },
      },
    ],
    bind(procs) {
      if (procs.length > 32) throw new RangeError(`templates tell at most 32 processes apart`);
      nprocs = procs.length;
      if (!taps.includes(tap)) taps.push(tap);
    },
    attach(w, off) {
      myW = w;
      myOff = off;
    },
    init(w, off) {
      w.fill(0, off, off + L_PER + nprocs);
    },
    format(w, off, pidName) {
      return `holders ${holdersText(w, off, pidName)}`;
    },
    value(w, off) {
      return w[off + L_COUNT]!;
    },
  };
}

/**
 * The invariant `<name>: 0 <= count <= capacity` over a count the spec
 * keeps (a shared buffer's fill level), as `System.bounds` declares it.
 *
 * @param count Computes the count from the state.
 * @param capacity The buffer's capacity.
 * @returns The predicate.
 *
 * @example
 * ```ts
 * import { boundsPredicate } from "./templates.ts";
 * import assert from "node:assert/strict";
 *
 * const p = boundsPredicate<{ count: number }>(({ g }) => g.count, 2);
 * // deno-lint-ignore no-explicit-any
 * assert.equal(p({ g: { count: 3 } } as any), "count is 3, outside [0, 2]");
 * ```
 */
export function boundsPredicate<G>(
  count: (v: StateView<G>) => number,
  capacity: number,
): StatePredicate<G> {
  return (v) => {
    const c = count(v);
    return (Number.isInteger(c) && c >= 0 && c <= capacity) ||
      `count is ${String(c)}, outside [0, ${capacity}]`;
  };
}
