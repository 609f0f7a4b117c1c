// Private module: the delivery-rules template on a channel, mailbox,
// message queue, pipe or socket (`System.delivery`), re-exported by
// templates.ts.
//
// The ghost state mirrors the messages in flight, lane by lane, with their
// senders, values, types, addressees and arrival order, plus the values
// each sender has had delivered (for no duplicate) and the first rule
// broken with its details.

import type { PrimitiveImpl, ProcInfo } from "./_ast.ts";
import { type MessageShape, type MessageTap, type MessageTaps, messageTapsOf } from "./_tap.ts";
import type { Template, TemplateCheck } from "./_types.ts";
import { type PidList, resolvePids } from "./primitives/direct.ts";
import { bit, maskText, popcount } from "./_ghost.ts";

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

const KNOWN_RULES = new Set([
  "noLoss",
  "noDuplicates",
  "exactlyOnce",
  "order",
  "receivers",
  "addressee",
  "policy",
]);

/** The rules, checked and normalised. */
interface DeliveryConfig {
  readonly where: string;
  readonly name: string;
  readonly noLoss: boolean;
  readonly noDup: boolean;
  /** no duplicate: values are `0 .. values-1`, kept in `words` words per sender. */
  readonly values: number;
  readonly words: number;
  readonly order: DeliveryOrder | undefined;
  readonly policy: "pair" | "round-robin" | undefined;
  readonly receivers: PidList | undefined;
  readonly addressee: boolean;
  readonly ruleNames: Readonly<Record<number, string>>;
}

/** The ghost layout, known once the system is bound, and where it lives. */
interface DeliveryGhost {
  shape: MessageShape;
  laneSize: number;
  dupBase: number;
  slots: number;
  nprocs: number;
  receiverList: number[];
  receiverMask: number;
  w: Int32Array | undefined;
  off: number;
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
  const cfg = deliveryConfig(where, target.name, rules);
  const g: DeliveryGhost = {
    shape: { lanes: 1, capacity: 1 },
    laneSize: 1 + ENTRY,
    dupBase: 0,
    slots: 0,
    nprocs: 0,
    receiverList: [],
    receiverMask: 0,
    w: undefined,
    off: 0,
  };
  const tap = new DeliveryTap(cfg, g);
  return {
    kind: "template",
    name: `${cfg.name}.delivery`,
    target,
    rules: "delivery rules",
    checks: deliveryChecks(cfg, g),
    get slots() {
      return g.slots;
    },
    bind(procs: readonly ProcInfo[]) {
      bindDelivery(cfg, g, procs, taps, tap);
    },
    attach(w, off) {
      g.w = w;
      g.off = off;
    },
    init(w, off) {
      w.fill(0, off, off + g.slots);
    },
    format(w, off, pidName) {
      return formatInFlight(g, w, off, pidName);
    },
    value(w, off) {
      let n = 0;
      for (let lane = 0; lane < g.shape.lanes; lane++) n += w[off + LANES + lane * g.laneSize]!;
      return n;
    },
  };
}

/** Checks `rules` and normalises them; throws on an unknown or inconsistent rule. */
function deliveryConfig(where: string, name: string, rules: DeliveryRules): DeliveryConfig {
  for (const k of Object.keys(rules)) {
    if (!KNOWN_RULES.has(k)) throw new TypeError(`${where}: unknown rule '${k}'`);
  }
  const noLoss = rules.noLoss === true || rules.exactlyOnce === true;
  const dupOpt = rules.noDuplicates ?? (rules.exactlyOnce === true ? true : false);
  const values = typeof dupOpt === "object" ? dupOpt.values : 32;
  if (!Number.isInteger(values) || values < 1 || values > 1024) {
    throw new RangeError(
      `${where}: noDuplicates values must be an integer in 1..1024, got ${values}`,
    );
  }
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
  return {
    where,
    name,
    noLoss,
    noDup: dupOpt !== false,
    values,
    words: Math.ceil(values / 32),
    order,
    policy,
    receivers: rules.receivers,
    addressee: rules.addressee === true,
    ruleNames: {
      [LOST]: `${name}: no loss`,
      [DUP]: `${name}: no duplicate`,
      [ORDER]: `${name}: ${ORDER_TEXT[order ?? "fifo"]}`,
      [RECEIVER]: `${name}: only receivers`,
      [ADDRESSEE]: `${name}: only the addressee`,
      [POLICY]: `${name}: ${policy ?? "pair"}`,
    },
  };
}

/** Lays out the ghost slots for `procs`, resolves the receivers and attaches the tap. */
function bindDelivery(
  cfg: DeliveryConfig,
  g: DeliveryGhost,
  procs: readonly ProcInfo[],
  taps: MessageTaps,
  tap: MessageTap,
): void {
  g.nprocs = procs.length;
  g.shape = taps.shape();
  g.laneSize = 1 + g.shape.capacity * ENTRY;
  g.dupBase = LANES + g.shape.lanes * g.laneSize;
  g.slots = g.dupBase + (cfg.noDup ? g.nprocs * cfg.words : 0);
  if (cfg.receivers !== undefined) {
    g.receiverList = resolvePids(cfg.receivers);
    g.receiverMask = 0;
    for (const p of g.receiverList) {
      if (!Number.isInteger(p) || p < 0 || p >= g.nprocs) {
        throw new RangeError(`receiver pid ${p} is out of range 0..${g.nprocs - 1}`);
      }
      if (p > 31) throw new RangeError(`templates tell at most 32 processes apart`);
      g.receiverMask |= bit(p);
    }
    if (g.receiverList.length === 0) throw new RangeError(`the receivers list is empty`);
  }
  if (cfg.policy === "pair" && g.nprocs > 32) {
    throw new RangeError(`templates tell at most 32 processes apart`);
  }
  if (!taps.list.includes(tap)) taps.list.push(tap);
}

/**
 * The tap: mirrors each message put, taken or destroyed in the ghost slots
 * and records the first rule a step breaks.
 */
class DeliveryTap implements MessageTap {
  readonly #cfg: DeliveryConfig;
  readonly #g: DeliveryGhost;

  constructor(cfg: DeliveryConfig, g: DeliveryGhost) {
    this.#cfg = cfg;
    this.#g = g;
  }

  put(
    w: Int32Array,
    lane: number,
    pos: number,
    from: number,
    value: number,
    key: number,
    to: number,
  ): void {
    const g = this.#g;
    if (w !== g.w) return;
    const base = g.off + LANES + lane * g.laneSize;
    const n = w[base]!;
    if (n >= g.shape.capacity) {
      throw new RangeError(`${this.#cfg.where}: more than ${g.shape.capacity} messages in flight`);
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
    if (this.#cfg.policy === "pair" && from >= 0) {
      w[g.off + AUX] = w[g.off + AUX]! | bit(from);
      if (popcount(w[g.off + AUX]!) > 2) this.#fail(w, POLICY, from, value, from, w[g.off + AUX]!);
    }
  }

  take(w: Int32Array, lane: number, pos: number, by: number): void {
    const g = this.#g, cfg = this.#cfg;
    if (w !== g.w) return;
    const o = g.off;
    const base = o + LANES + lane * g.laneSize;
    const n = w[base]!;
    if (pos >= n) throw new RangeError(`${cfg.where}: no message at position ${pos}`);
    const e = base + 1 + pos * ENTRY;
    const from = w[e + FROM]!, value = w[e + VALUE]!, to = w[e + TO]!;
    const age = w[e + AGE]!;
    if (cfg.order !== undefined) this.#checkOrder(w, base, n, pos, by);
    if (cfg.receivers !== undefined && (by < 0 || (g.receiverMask & bit(by)) === 0)) {
      this.#fail(w, RECEIVER, from, value, by);
    }
    if (cfg.addressee && to >= 0 && to !== by) this.#fail(w, ADDRESSEE, from, value, by, to);
    if (cfg.policy === "round-robin") {
      const next = g.receiverList[w[o + AUX]!]!;
      if (by !== next) this.#fail(w, POLICY, from, value, by, next);
      else w[o + AUX] = (w[o + AUX]! + 1) % g.receiverList.length;
    }
    if (cfg.policy === "pair" && by >= 0) {
      w[o + AUX] = w[o + AUX]! | bit(by);
      if (popcount(w[o + AUX]!) > 2) this.#fail(w, POLICY, from, value, by, w[o + AUX]!);
    }
    if (cfg.noDup && from >= 0) {
      if (!Number.isInteger(value) || value < 0 || value >= cfg.values) {
        throw new RangeError(
          `${cfg.where}: no duplicate tells values 0..${cfg.values - 1} apart, got ${value}; ` +
            `declare noDuplicates: { values: ${Math.max(value + 1, 1)} } or more`,
        );
      }
      const slot = o + g.dupBase + from * cfg.words + (value >> 5);
      const m = 1 << (value & 31);
      if ((w[slot]! & m) !== 0) this.#fail(w, DUP, from, value, by);
      else w[slot] = w[slot]! | m;
    }
    removeAt(w, base, n, pos, age);
  }

  drop(w: Int32Array, lane: number, pos: number, count: number): void {
    const g = this.#g;
    if (w !== g.w) return;
    const base = g.off + LANES + lane * g.laneSize;
    for (let k = 0; k < count; k++) {
      const n = w[base]!;
      if (pos >= n) break;
      const e = base + 1 + pos * ENTRY;
      if (this.#cfg.noLoss) this.#fail(w, LOST, w[e + FROM]!, w[e + VALUE]!, lane);
      removeAt(w, base, n, pos, w[e + AGE]!);
    }
  }

  /** Records an order breach if an entry of the lane should leave before the one at `pos`. */
  #checkOrder(w: Int32Array, base: number, n: number, pos: number, by: number): void {
    const order = this.#cfg.order;
    const e = base + 1 + pos * ENTRY;
    const from = w[e + FROM]!, value = w[e + VALUE]!, key = w[e + KEY]!, age = w[e + AGE]!;
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
        this.#fail(w, ORDER, from, value, by, w[x + FROM]!, w[x + VALUE]!);
        break;
      }
    }
  }

  /** Records rule `code` with its details, unless a rule is already broken. */
  #fail(w: Int32Array, code: number, a: number, b: number, c: number, d = 0, e = 0): void {
    const o = this.#g.off;
    if (w[o + VIOL] !== 0) return;
    w[o + VIOL] = code;
    w[o + A] = a;
    w[o + B] = b;
    w[o + C] = c;
    w[o + D] = d;
    w[o + E] = e;
  }
}

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

/** The template's properties, one per rule given, in a fixed order. */
function deliveryChecks(cfg: DeliveryConfig, g: DeliveryGhost): TemplateCheck[] {
  const checks: TemplateCheck[] = [];
  const viol = (code: number): TemplateCheck => ({
    name: cfg.ruleNames[code]!,
    kind: "invariant",
    check: (w, off, pidName) => violationText(cfg, g, code, w, off, pidName),
  });
  if (cfg.noLoss) {
    checks.push(viol(LOST));
    checks.push({
      name: `${cfg.name}: no loss at end`,
      kind: "final",
      check: (w, off, pidName) => leftText(g, w, off, pidName),
    });
  }
  if (cfg.noDup) checks.push(viol(DUP));
  if (cfg.order !== undefined) checks.push(viol(ORDER));
  if (cfg.receivers !== undefined) checks.push(viol(RECEIVER));
  if (cfg.addressee) checks.push(viol(ADDRESSEE));
  if (cfg.policy !== undefined) checks.push(viol(POLICY));
  return checks;
}

/** Why rule `code` is broken in this state, or `undefined` when it is not. */
function violationText(
  cfg: DeliveryConfig,
  g: DeliveryGhost,
  code: number,
  w: Int32Array,
  off: number,
  pidName: (pid: number) => string,
): string | undefined {
  if (w[off + VIOL] !== code) return undefined;
  const from = w[off + A]!, value = w[off + B]!, c = w[off + C]!, d = w[off + D]!;
  const who = (pid: number) => (pid < 0 ? "an unknown sender" : pidName(pid));
  const msg = `message ${value} from ${who(from)}`;
  switch (code) {
    case LOST:
      return `${msg} was destroyed before anyone received it${laneText(g, c)}`;
    case DUP:
      return `${pidName(c)} received ${msg} a second time`;
    case ORDER:
      return `${pidName(c)} received ${msg} while message ${w[off + E]} from ${
        who(d)
      } should come first (${ORDER_TEXT[cfg.order!]})`;
    case RECEIVER:
      return `${pidName(c)} received ${msg} but is not one of its receivers`;
    case ADDRESSEE:
      return `${pidName(c)} received ${msg}, which was addressed to ${pidName(d)}`;
    default:
      return cfg.policy === "round-robin"
        ? `${pidName(c)} received ${msg} out of turn: it was ${pidName(d)}'s turn`
        : `${pidName(c)} is the third process on the link (users ${maskText(d, pidName)})`;
  }
}

/** The messages left unreceived in a valid end state, or `undefined` when none are. */
function leftText(
  g: DeliveryGhost,
  w: Int32Array,
  off: number,
  pidName: (pid: number) => string,
): string | undefined {
  const left: string[] = [];
  for (let lane = 0; lane < g.shape.lanes; lane++) {
    const base = off + LANES + lane * g.laneSize;
    for (let i = 0; i < w[base]!; i++) {
      const e = base + 1 + i * ENTRY;
      const from = w[e + FROM]!;
      left.push(
        `${w[e + VALUE]} from ${from < 0 ? "an unknown sender" : pidName(from)}${
          laneText(g, lane)
        }`,
      );
    }
  }
  return left.length === 0
    ? undefined
    : `never received: message${left.length === 1 ? "" : "s"} ${left.join(", ")}`;
}

function laneText(g: DeliveryGhost, lane: number): string {
  return g.shape.lanes > 1 ? ` (${g.shape.laneName?.(lane) ?? `lane ${lane}`})` : "";
}

/** The messages in flight, lane by lane, as `[value@sender,...]`. */
function formatInFlight(
  g: DeliveryGhost,
  w: Int32Array,
  off: number,
  pidName: (pid: number) => string,
): string {
  const parts: string[] = [];
  for (let lane = 0; lane < g.shape.lanes; lane++) {
    const base = off + LANES + lane * g.laneSize;
    const items: string[] = [];
    for (let i = 0; i < w[base]!; i++) {
      const e = base + 1 + i * ENTRY;
      const from = w[e + FROM]!;
      items.push(`${w[e + VALUE]}@${from < 0 ? "?" : pidName(from)}`);
    }
    parts.push(`[${items.join(",")}]`);
  }
  return `in flight ${parts.join(" ")}`;
}
