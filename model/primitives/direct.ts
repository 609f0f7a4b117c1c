/**
 * Direct naming (docs/semantics.md §8, "Direct naming" and "Buffering"):
 * processes name each other by pid.
 *
 * - *Symmetric:* {@linkcode sendTo}`(net, P, m)` and
 *   {@linkcode receiveFrom}`(net, Q, into)`, each side naming its partner.
 * - *Asymmetric:* {@linkcode receiveAny}`(net, into, from)` accepts a message
 *   from anyone and stores the sender's pid into `from`.
 *
 * A {@linkcode direct} primitive holds every link of the system: exactly one
 * link per ordered pair of processes (P→Q), set up automatically, joining
 * exactly those two. A link is a FIFO buffer whose capacity is fixed by the
 * declaration: 0 (no buffering: the sender blocks until the receiver takes
 * the message), N (the sender blocks only while the link holds N messages),
 * or `"unbounded"` (the sender never blocks) explored up to a declared
 * `bound`: a send that would put more than `bound` messages on one link is
 * an exploration bound (`failureKind: "bound"`): the search cuts that
 * successor and the verdict becomes `incomplete`, never `ok`.
 *
 * Which sender's message {@linkcode receiveAny} takes when several links to
 * the receiver hold one is not fixed by §8: every choice is a transition of
 * its own. Messages on one link stay in order.
 *
 * **Templates** (`System.delivery`): one lane per link P→Q (lane
 * `P * n + Q`, named `link pid P → pid Q`), in the link's order, holding
 * one message for a capacity-0 link (the offer), each message addressed to
 * Q (`to` = Q) and taken by the receiver; {@linkcode receiveAny} takes the
 * head of the link it picked. Nothing destroys messages.
 *
 * **Departures and why.**
 * - *Capacity 0 is a hand-off in two steps*, not the channel's joint
 *   transition: the sender offers the message and blocks; the receiver
 *   takes it; the sender then returns. A send therefore completes only
 *   after its receive (never before), and one extra state is visible: the
 *   receiver has the message while the sender has not yet returned (a woken
 *   sender not yet scheduled). The joint rendezvous transition of
 *   `channel.ts` cannot be used: it matches any receiver of the primitive,
 *   so it cannot honour the named partner, and `receiveAny` needs the
 *   sender's pid, which it does not carry.
 * - *A partner computed from the view* (an `s.expr(...)`) is evaluated by
 *   the operation's blocking guard over the caller's view, so the call takes
 *   exactly the transitions it takes with a partner given as a number or a
 *   {@linkcode pidOf} reference. A capacity-0 send with a computed partner
 *   also keeps the partner it offered to in a per-process register until it
 *   returns, since the expression may give another value by then.
 * - *Misuse is a spec error*, not a status: naming a pid outside the system
 *   or oneself throws (verdict `error`), since a link joins exactly two
 *   processes.
 * - A link to a finished process stays: a send to it blocks once the link
 *   is full (and a capacity-0 send blocks for ever), which the checker
 *   reports as a deadlock; §8 leaves a vanished partner unspecified for
 *   direct naming.
 *
 * @module
 */

import {
  type Ctx,
  evalExpr,
  type Expr,
  type Footprint,
  type Into,
  type Match,
  type Step,
} from "../_ast.ts";
import type { PrimitiveImpl } from "../_ast.ts";
import { closeGap, opStep, requireInt, requireName } from "./_op.ts";
import { region } from "../steps.ts";
import { type MessageTap, messageTaps, tapPut, tapTake } from "../_tap.ts";

// --- pids -------------------------------------------------------------------

/**
 * What pids are computed from: a system's process kinds in declaration order
 * (a `System` made by `system()` is one). Pids number the copies of the
 * first kind from 0, then those of the next kind, and so on.
 */
export interface PidSource {
  /** The process kinds, in declaration order. */
  readonly processes: readonly { readonly name: string; readonly count: number }[];
}

/**
 * A pid named by process kind and copy, resolved when the check runs (so it
 * may name a kind declared later in `build`). Made by {@linkcode pidOf}.
 */
export interface PidRef {
  /** Brand. */
  readonly kind: "pid";
  /** `kind#id`, for traces. */
  readonly text: string;
  /** The pid; throws when the kind or copy does not exist. */
  resolve(): number;
}

/**
 * The pids of one process kind, resolved when asked. Made by
 * {@linkcode pidsOf}.
 */
export interface PidRange {
  /** Brand. */
  readonly kind: "pids";
  /** The process kind. */
  readonly name: string;
  /** The pid of copy 0. */
  first(): number;
  /** The number of copies. */
  count(): number;
  /** All the kind's pids, in order. */
  pids(): number[];
  /** A reference to copy `id`. */
  at(id: number): PidRef;
}

/** A list of pids: numbers and references, or a whole kind's range. */
export type PidList = readonly (number | PidRef)[] | PidRange;

function kindStart(sys: PidSource, kind: string): { first: number; count: number } {
  let first = 0;
  for (const p of sys.processes) {
    if (p.name === kind) return { first, count: p.count };
    first += p.count;
  }
  const known = sys.processes.map((p) => p.name);
  throw new Error(
    `no process kind '${kind}' (${
      known.length === 0 ? "none declared yet" : `kinds: ${known.join(", ")}`
    })`,
  );
}

/**
 * A reference to the pid of copy `id` of process kind `kind`, resolved when
 * the check runs.
 *
 * @param sys The system (or anything listing its process kinds).
 * @param kind The process kind.
 * @param id The copy, from 0.
 * @returns The reference, to pass as a partner or receiver.
 *
 * @example The server declared after its clients
 * ```ts
 * import { pidOf } from "./direct.ts";
 * import assert from "node:assert/strict";
 *
 * const sys = { processes: [{ name: "client", count: 2 }, { name: "server", count: 1 }] };
 * assert.equal(pidOf(sys, "server").resolve(), 2);
 * assert.equal(pidOf(sys, "client", 1).text, "client#1");
 * ```
 */
export function pidOf(sys: PidSource, kind: string, id = 0): PidRef {
  requireInt(`pidOf('${kind}'): id`, id, 0);
  return {
    kind: "pid",
    text: `${kind}#${id}`,
    resolve() {
      const r = kindStart(sys, kind);
      if (id >= r.count) {
        throw new Error(`process kind '${kind}' has ${r.count} copies: there is no ${kind}#${id}`);
      }
      return r.first + id;
    },
  };
}

/**
 * The pids of process kind `kind`, resolved when asked.
 *
 * @param sys The system (or anything listing its process kinds).
 * @param kind The process kind.
 * @returns The range.
 *
 * @example
 * ```ts
 * import { pidsOf } from "./direct.ts";
 * import assert from "node:assert/strict";
 *
 * const sys = { processes: [{ name: "sender", count: 1 }, { name: "receiver", count: 3 }] };
 * const r = pidsOf(sys, "receiver");
 * assert.deepEqual(r.pids(), [1, 2, 3]);
 * assert.equal(r.at(2).resolve(), 3);
 * ```
 */
export function pidsOf(sys: PidSource, kind: string): PidRange {
  return {
    kind: "pids",
    name: kind,
    first: () => kindStart(sys, kind).first,
    count: () => kindStart(sys, kind).count,
    pids() {
      const r = kindStart(sys, kind);
      return Array.from({ length: r.count }, (_, i) => r.first + i);
    },
    at: (id) => pidOf(sys, kind, id),
  };
}

/**
 * The number of processes of a system (all copies of all kinds), the pids
 * being `0 .. n-1`.
 *
 * @param sys The system.
 * @returns The count.
 *
 * @example
 * ```ts
 * import { processCount } from "./direct.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(processCount({ processes: [{ name: "a", count: 2 }, { name: "b", count: 1 }] }), 3);
 * ```
 */
export function processCount(sys: PidSource): number {
  return sys.processes.reduce((n, p) => n + p.count, 0);
}

/**
 * Resolves a pid list to numbers.
 *
 * @param list The list.
 * @returns The pids, in the list's order.
 *
 * @example
 * ```ts
 * import { pidOf, resolvePids } from "./direct.ts";
 * import assert from "node:assert/strict";
 *
 * const sys = { processes: [{ name: "a", count: 2 }] };
 * assert.deepEqual(resolvePids([pidOf(sys, "a", 1), 0]), [1, 0]);
 * ```
 */
export function resolvePids(list: PidList): number[] {
  if (!Array.isArray(list)) return (list as PidRange).pids();
  return (list as readonly (number | PidRef)[]).map((p) => typeof p === "number" ? p : p.resolve());
}

// --- the links ----------------------------------------------------------------

/** Options of {@linkcode direct}. */
export interface DirectOptions {
  /**
   * The processes the links join: their number (pids `0 .. n-1`), or the
   * system, counted when the check runs.
   */
  processes: number | PidSource;
  /** Messages a link holds: 0 (no buffering), N, or `"unbounded"` (with `bound`). */
  capacity: number | "unbounded";
  /**
   * For an unbounded link: the most messages one link may hold in the
   * exploration; reaching it is an exploration bound (verdict `incomplete`).
   */
  bound?: number;
}

/** The links of a system, declared with {@linkcode direct}. */
export interface Direct extends PrimitiveImpl {
  /** Discriminant. */
  readonly kind: "direct";
  /** Messages a link holds. */
  readonly capacity: number | "unbounded";
  /** For an unbounded link, its exploration bound; else 0. */
  readonly bound: number;
  /** The number of processes (pids `0 .. processes-1`), counted when the check runs. */
  readonly processes: number;
  /** The name of the exploration-bound property (unbounded links only). */
  readonly boundProperty: string;
}

/**
 * The most processes a {@linkcode direct} primitive joins.
 *
 * @example
 * ```ts
 * import { DIRECT_MAX_PROCESSES } from "./direct.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(DIRECT_MAX_PROCESSES, 64);
 * ```
 */
export const DIRECT_MAX_PROCESSES = 64;

/** Slot layout, once the number of processes is known. */
interface Layout {
  /** The number of processes. */
  n: number;
  /** Slots per link. */
  block: number;
}

const LAYOUTS = new WeakMap<Direct, () => Layout>();
const TAPS = new WeakMap<Direct, MessageTap[]>();

function layoutOf(net: Direct): Layout {
  return LAYOUTS.get(net)!();
}

/** Offset of link from→to. */
function linkOff(l: Layout, from: number, to: number): number {
  return l.n + (from * l.n + to) * l.block;
}

/**
 * Declares the direct-naming links of a system: one FIFO link per ordered
 * pair of processes.
 *
 * Slots: one register per process (the partner a capacity-0 send with a
 * computed partner offered to, +1; 0 when idle), then per ordered pair P→Q
 * either `[offered, message]` (capacity 0) or `[length, m1 .. mC]`
 * (capacity or bound C, messages kept shifted to the front so that equal
 * contents are equal states).
 *
 * @param name The unique name, used in traces.
 * @param options The processes, the capacity, and the bound of an unbounded link.
 * @returns The links, to use with {@linkcode sendTo}, {@linkcode receiveFrom}
 * and {@linkcode receiveAny}.
 *
 * @example A rendezvous network of three processes, and one of unbounded links
 * ```ts
 * import { direct } from "./direct.ts";
 * import assert from "node:assert/strict";
 *
 * const net = direct("net", { processes: 3, capacity: 0 });
 * assert.equal(net.slots, 3 + 9 * 2);
 * const lazy = direct("lazy", { processes: 2, capacity: "unbounded", bound: 2 });
 * assert.equal(lazy.boundProperty, "lazy bound 2");
 * ```
 */
export function direct(name: string, options: DirectOptions): Direct {
  requireName("direct", name);
  const { capacity } = options;
  const bound = linkBound(name, options);
  if (typeof options.processes === "number") {
    requireInt(`direct '${name}': processes`, options.processes, 1, DIRECT_MAX_PROCESSES);
  }
  const room = capacity === "unbounded" ? bound : capacity === 0 ? 1 : capacity;
  const block = capacity === 0 ? 2 : 1 + room;
  let cached: Layout | undefined;
  const layout = (): Layout => {
    // A system is counted each time (cheaply): kinds may still be added
    // while `build` runs; the layout object is reused while the count holds.
    const n = typeof options.processes === "number"
      ? options.processes
      : processCount(options.processes);
    if (cached !== undefined && cached.n === n) return cached;
    requireInt(`direct '${name}': processes`, n, 1, DIRECT_MAX_PROCESSES);
    return cached = { n, block };
  };
  const net: Direct = {
    kind: "direct",
    name,
    capacity,
    bound,
    boundProperty: `${name} bound ${bound}`,
    get processes() {
      return layout().n;
    },
    get slots() {
      const l = layout();
      return l.n + l.n * l.n * l.block;
    },
    init(w, off) {
      const l = layout();
      w.fill(0, off, off + l.n + l.n * l.n * l.block);
    },
    format(w, off, pidName) {
      return formatLinks(w, off, pidName, layout(), capacity === 0);
    },
    value(w, off) {
      const l = layout();
      let total = 0;
      for (let i = 0; i < l.n * l.n; i++) total += w[off + l.n + i * l.block]!;
      return total;
    },
    // Per link: a capacity-0 link holds its offer (len 1) and is always
    // full; an unbounded one is never full (its bound is the exploration's).
    bufferQueries: {
      part: "a link [from, to] (pids)",
      length: (w, off, part) => w[off + linkOff(layout(), ...linkOf(name, layout(), part))]!,
      full: (w, off, part) => {
        const at = off + linkOff(layout(), ...linkOf(name, layout(), part));
        return capacity === 0 || (capacity !== "unbounded" && w[at]! >= capacity);
      },
    },
    validate() {
      try {
        layout();
      } catch (e) {
        return e instanceof Error ? e.message : String(e);
      }
      return undefined;
    },
  };
  LAYOUTS.set(net, layout);
  // Templates: one lane per link P→Q (lane P * n + Q), in the link's order.
  TAPS.set(
    net,
    messageTaps(net, () => {
      const n = layout().n;
      return { lanes: n * n, capacity: room, laneName: (lane) => linkName(n, lane) };
    }),
  );
  return net;
}

/** The link a query names, as `[from, to]` pids of the system. */
function linkOf(name: string, l: Layout, part: unknown): [number, number] {
  const ok = (p: unknown) => typeof p === "number" && Number.isInteger(p) && p >= 0 && p < l.n;
  if (!Array.isArray(part) || part.length !== 2 || !ok(part[0]) || !ok(part[1])) {
    throw new RangeError(
      `direct '${name}': a query names a link as [from, to], two pids in 0..${l.n - 1}, got ${
        JSON.stringify(part)
      }`,
    );
  }
  return [part[0], part[1]];
}

/** The bound of an unbounded network (0 for a bounded one), with the capacity checked. */
function linkBound(name: string, options: DirectOptions): number {
  const { capacity } = options;
  if (capacity === "unbounded") {
    if (options.bound === undefined) {
      throw new TypeError(`direct '${name}': an unbounded link needs a bound`);
    }
    return requireInt(`direct '${name}': bound`, options.bound, 1, 1 << 16);
  }
  requireInt(`direct '${name}': capacity`, capacity, 0, 1 << 16);
  if (options.bound !== undefined) {
    throw new TypeError(`direct '${name}': only an unbounded link has a bound`);
  }
  return 0;
}

/** The non-empty links in a trace: `P→Q offers m` or `P→Q [m1,m2]`. */
function formatLinks(
  w: Int32Array,
  off: number,
  pidName: (pid: number) => string,
  l: Layout,
  rendezvous: boolean,
): string {
  const parts: string[] = [];
  for (let from = 0; from < l.n; from++) {
    for (let to = 0; to < l.n; to++) {
      const b = off + linkOff(l, from, to);
      const len = w[b]!;
      if (len === 0) continue;
      const arrow = `${pidName(from)}→${pidName(to)}`;
      if (rendezvous) parts.push(`${arrow} offers ${w[b + 1]}`);
      else parts.push(`${arrow} [${Array.from(w.subarray(b + 1, b + 1 + len)).join(",")}]`);
    }
  }
  return parts.length === 0 ? "empty" : parts.join(" ");
}

function linkName(n: number, lane: number): string {
  return `link pid ${Math.floor(lane / n)} → pid ${lane % n}`;
}

/** Reports a message put at the end of link from→to to the templates. */
function tapSend(net: Direct, w: Int32Array, b: number, from: number, to: number, v: number): void {
  const taps = TAPS.get(net)!;
  if (taps.length === 0) return;
  const n = layoutOf(net).n;
  tapPut(taps, w, from * n + to, net.capacity === 0 ? 0 : w[b]! - 1, from, v, 0, to);
}

// --- operations -------------------------------------------------------------

/** A partner: a pid, a reference resolved at check time, or an expression of the view. */
export type Partner = number | PidRef | Expr;

function isExpr(p: Partner): p is Expr {
  return typeof p === "object" && p.kind === "expr";
}

function partnerText(p: Partner): string {
  if (typeof p === "number") return `pid ${p}`;
  return p.kind === "pid" ? p.text : "…";
}

/** Resolves a static partner once (a reference resolves when the check runs). */
function staticPartner(p: number | PidRef): () => number {
  if (typeof p === "number") return () => p;
  let v: number | undefined;
  return () => (v ??= p.resolve());
}

function checkPartner(net: Direct, who: number, self: number, what: string): number {
  const n = net.processes;
  if (typeof who !== "number" || !Number.isInteger(who) || who < 0 || who >= n) {
    throw new RangeError(`${what} on '${net.name}': no process with pid ${String(who)}`);
  }
  if (who === self) {
    throw new RangeError(`${what} on '${net.name}': a process cannot be its own partner`);
  }
  return who;
}

function checkMessage(net: Direct, v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < -2147483648 || v > 2147483647) {
    throw new RangeError(`cannot send ${String(v)} on '${net.name}': expected a 32-bit integer`);
  }
  return v;
}

/** Slots of the links into `to` (a column), or out of `from` (a row). */
function linkSlots(net: Direct, fixed: number, column: boolean): number[] {
  const l = layoutOf(net);
  const out: number[] = [];
  for (let other = 0; other < l.n; other++) {
    const b = column ? linkOff(l, other, fixed) : linkOff(l, fixed, other);
    for (let i = 0; i < l.block; i++) out.push(b + i);
  }
  return out;
}

/** Appends a message to link `b` (the caller checked there is room). */
function push(w: Int32Array, b: number, v: number): void {
  const len = w[b]!;
  w[b + 1 + len] = v;
  w[b] = len + 1;
}

/** Removes and returns the oldest message of non-empty link `b`. */
function shift(w: Int32Array, b: number): number {
  const len = w[b]!;
  const v = w[b + 1]!;
  closeGap(w, b + 1, len, 0, 1);
  w[b] = len - 1;
  return v;
}

/**
 * `send(P, m)`: sends message `m` to process `P` on the link from the caller
 * to `P`.
 *
 * - Capacity N: blocks while the link holds N messages.
 * - Capacity 0: offers the message and blocks until `P` takes it (two
 *   transitions: the offer, then the return once it was taken).
 * - Unbounded: never blocks; a send that would exceed the declared bound is
 *   an exploration bound (`incomplete`).
 *
 * Naming oneself or a pid outside the system is a spec error.
 *
 * @param net The links.
 * @param to The partner: a pid, a {@linkcode pidOf} reference, or `s.expr(...)`
 * (evaluated over the caller's view when the send starts).
 * @param message The message: a number or `s.expr(...)`.
 * @returns The step.
 *
 * @example A client sends its id + 1 to the server
 * ```ts
 * import { direct, pidOf, sendTo } from "./direct.ts";
 * import { system } from "../spec.ts";
 * import assert from "node:assert/strict";
 *
 * const sys = system({});
 * const net = direct("net", { processes: sys, capacity: 1 });
 * sys.process("client", {}, (s) => [sendTo(net, pidOf(sys, "server"), s.expr(({ id }) => id + 1))]);
 * sys.process("server", {}, () => []);
 * assert.equal(sys.processes[0]!.body[0]!.kind, "op");
 * ```
 */
export function sendTo(net: Direct, to: Partner, message: number | Expr): Step {
  const text = `send(${net.name}, ${partnerText(to)})`;
  const cap = net.capacity;
  const unbounded = cap === "unbounded";
  const limit = unbounded ? net.bound : cap;
  const boundFail = (
    w: Int32Array,
    b: number,
    pid: number,
    dest: number,
    names: (p: number) => string,
  ) =>
    unbounded && w[b]! >= limit
      ? `${names(pid)} sends on '${net.name}' to ${
        names(dest)
      }: the link already holds ${limit} messages, its declared exploration bound`
      : undefined;
  const failure = unbounded ? { failure: net.boundProperty, failureKind: "bound" as const } : {};
  const shape: SendShape = { text, unbounded, limit, boundFail, failure };
  return isExpr(to)
    ? sendToComputed(net, to, message, shape)
    : sendToStatic(net, staticPartner(to), message, shape);
}

/** What the operations of one `send(P, m)` share. */
interface SendShape {
  readonly text: string;
  readonly unbounded: boolean;
  /** The most messages a link holds (the bound of an unbounded one). */
  readonly limit: number;
  /** The bound violation when an unbounded link is full, else undefined. */
  readonly boundFail: (
    w: Int32Array,
    b: number,
    pid: number,
    dest: number,
    names: (p: number) => string,
  ) => string | undefined;
  readonly failure: { failure?: string; failureKind?: "bound" };
}

/** `send(P, m)` to a partner known when the system is built. */
function sendToStatic(
  net: Direct,
  dest: () => number,
  message: number | Expr,
  { text, unbounded, limit, boundFail, failure }: SendShape,
): Step {
  const cap = net.capacity;
  const column = (): Footprint => {
    const s = linkSlots(net, dest(), true);
    return { reads: s, writes: s };
  };
  if (cap === 0) {
    const offer = opStep({
      prim: net,
      text,
      get footprint() {
        return column();
      },
      enabled: () => true,
      apply(w, off, pid, ctx) {
        const d = checkPartner(net, dest(), pid, "send");
        const b = off + linkOff(layoutOf(net), pid, d);
        w[b] = 1;
        w[b + 1] = checkMessage(net, evalExpr(message, ctx));
        tapSend(net, w, b, pid, d, w[b + 1]!);
        return undefined;
      },
    });
    const done = opStep({
      prim: net,
      text: `${text} returns`,
      get footprint() {
        return column();
      },
      enabled: (w, off, pid) => w[off + linkOff(layoutOf(net), pid, dest())] === 0,
      apply: () => undefined,
    });
    return region(text, offer, done);
  }
  return opStep({
    prim: net,
    text,
    get footprint() {
      return column();
    },
    ...failure,
    enabled: (w, off, pid) =>
      unbounded ||
      w[off + linkOff(layoutOf(net), pid, checkPartner(net, dest(), pid, "send"))]! < limit,
    apply(w, off, pid, ctx, names) {
      const d = checkPartner(net, dest(), pid, "send");
      const b = off + linkOff(layoutOf(net), pid, d);
      const over = boundFail(w, b, pid, d, names);
      if (over !== undefined) return over;
      const v = checkMessage(net, evalExpr(message, ctx));
      push(w, b, v);
      tapSend(net, w, b, pid, d, v);
      return undefined;
    },
  });
}

/** `send(P, m)` to a partner computed by the guard over the caller's view. */
function sendToComputed(
  net: Direct,
  to: Expr,
  message: number | Expr,
  { text, unbounded, limit, boundFail, failure }: SendShape,
): Step {
  const cap = net.capacity;
  const all: Footprint = { reads: "all", writes: "all" };
  const destOf = (pid: number, ctx: Ctx) => checkPartner(net, evalExpr(to, ctx), pid, "send");
  if (cap === 0) {
    // The return waits for the offer on the link named at the offer, which
    // the register keeps (the expression may give another value by then).
    const offer = opStep({
      prim: net,
      text,
      footprint: all,
      enabled: () => true,
      apply(w, off, pid, ctx) {
        const d = destOf(pid, ctx);
        const b = off + linkOff(layoutOf(net), pid, d);
        w[b] = 1;
        w[b + 1] = checkMessage(net, evalExpr(message, ctx));
        tapSend(net, w, b, pid, d, w[b + 1]!);
        w[off + pid] = d + 1;
        return undefined;
      },
    });
    const done = opStep({
      prim: net,
      text: `${text} returns`,
      footprint: all,
      enabled: (w, off, pid) => w[off + linkOff(layoutOf(net), pid, w[off + pid]! - 1)] === 0,
      apply(w, off, pid) {
        w[off + pid] = 0;
        return undefined;
      },
    });
    return region(text, offer, done);
  }
  return opStep({
    prim: net,
    text,
    footprint: all,
    ...failure,
    enabled: (w, off, pid, ctx) =>
      unbounded || w[off + linkOff(layoutOf(net), pid, destOf(pid, ctx))]! < limit,
    apply(w, off, pid, ctx, names) {
      const d = destOf(pid, ctx);
      const b = off + linkOff(layoutOf(net), pid, d);
      const over = boundFail(w, b, pid, d, names);
      if (over !== undefined) return over;
      const v = checkMessage(net, evalExpr(message, ctx));
      push(w, b, v);
      tapSend(net, w, b, pid, d, v);
      return undefined;
    },
  });
}

/**
 * Takes message `i` (default the oldest) of link from→to (capacity 0: the
 * offer), for `to`; the later ones move up.
 */
function take(net: Direct, w: Int32Array, off: number, from: number, to: number, i = 0): number {
  const l = layoutOf(net);
  const b = off + linkOff(l, from, to);
  const taps = TAPS.get(net)!;
  if (taps.length > 0) tapTake(taps, w, from * l.n + to, i, to);
  if (net.capacity === 0) {
    w[b] = 0;
    const v = w[b + 1]!;
    w[b + 1] = 0;
    return v;
  }
  if (i === 0) return shift(w, b);
  const len = w[b]!;
  const v = w[b + 1 + i]!;
  closeGap(w, b + 1, len, i, 1);
  w[b] = len - 1;
  return v;
}

/** Options of {@linkcode receiveFrom}. */
export interface ReceiveFromOptions {
  /**
   * Selective receive: only messages that match (made by `s.match`); takes
   * the first match in the link's order, leaves the others, and blocks while
   * none is there.
   */
  where?: Match;
  /**
   * Peek: copy the message (the first match, with `where`) and leave it on
   * the link; a capacity-0 offer stays with its sender, who keeps waiting.
   */
  peek?: boolean;
}

/** The index on link `b` of the first message `where` takes (any, without it), or -1. */
function firstOn(
  w: Int32Array,
  b: number,
  where: Match | undefined,
  ctx: Ctx,
): number {
  // Capacity 0: [offered, message], so the offer is message 0 as well.
  const n = w[b]!;
  for (let i = 0; i < n; i++) {
    if (where === undefined) return i;
    const r = where.test(w[b + 1 + i]!, ctx);
    if (r === true) return i;
    if (r !== false) throw new TypeError(`the match must return a boolean, got ${String(r)}`);
  }
  return -1;
}

/**
 * Symmetric `receive(Q)`: blocks until the link from `Q` to the caller holds
 * a message, then takes the oldest one into `into`. On a capacity-0 link
 * this is what lets `Q`'s send return.
 *
 * @param net The links.
 * @param from The partner: a pid, a {@linkcode pidOf} reference, or
 * `s.expr(...)` (evaluated over the caller's view).
 * @param into Where the message goes (`s.into("local")`).
 * @returns The step.
 *
 * @example The server receives from client 0
 * ```ts
 * import { direct, receiveFrom } from "./direct.ts";
 * import { system } from "../spec.ts";
 * import assert from "node:assert/strict";
 *
 * const sys = system({});
 * const net = direct("net", { processes: 2, capacity: 0 });
 * sys.process("client", {}, () => []);
 * sys.process("server", { locals: { req: 0 } }, (s) => [receiveFrom(net, 0, s.into("req"))]);
 * assert.equal(sys.processes[1]!.body[0]!.kind, "op");
 * ```
 */
export function receiveFrom(
  net: Direct,
  from: Partner,
  into: Into,
  options: ReceiveFromOptions = {},
): Step {
  const { where } = options;
  const peek = options.peek === true;
  if (where !== undefined && where?.kind !== "match") {
    throw new TypeError(`receive(${net.name}): where must be made by s.match(...)`);
  }
  const text = `${peek ? "peek" : "receive"}(${net.name}, ${partnerText(from)}) into ${into.text}${
    where !== undefined ? " where ..." : ""
  }`;
  const at = (w: Int32Array, off: number, q: number, pid: number, ctx: Ctx) =>
    firstOn(w, off + linkOff(layoutOf(net), q, pid), where, ctx);
  const get = (w: Int32Array, off: number, q: number, pid: number, ctx: Ctx) => {
    const i = at(w, off, q, pid, ctx);
    into.set(
      ctx,
      peek ? w[off + linkOff(layoutOf(net), q, pid) + 1 + i]! : take(net, w, off, q, pid, i),
    );
    return undefined;
  };
  if (!isExpr(from)) {
    const src = staticPartner(from);
    const srcOf = (pid: number) => checkPartner(net, src(), pid, "receive");
    return opStep({
      prim: net,
      text,
      get footprint() {
        const s = linkSlots(net, src(), false);
        return { reads: s, writes: peek ? [] : s };
      },
      enabled: (w, off, pid, ctx) => at(w, off, srcOf(pid), pid, ctx) >= 0,
      apply: (w, off, pid, ctx) => get(w, off, srcOf(pid), pid, ctx),
    });
  }
  // A computed partner, evaluated by the guard over the caller's view.
  const srcOf = (pid: number, ctx: Ctx) => checkPartner(net, evalExpr(from, ctx), pid, "receive");
  return opStep({
    prim: net,
    text,
    footprint: { reads: "all", writes: peek ? [] : "all" },
    enabled: (w, off, pid, ctx) => at(w, off, srcOf(pid, ctx), pid, ctx) >= 0,
    apply: (w, off, pid, ctx) => get(w, off, srcOf(pid, ctx), pid, ctx),
  });
}

/** The pids whose link to `pid` holds a message, in pid order. */
function senders(net: Direct, w: Int32Array, off: number, pid: number): number[] {
  const l = layoutOf(net);
  const out: number[] = [];
  for (let q = 0; q < l.n; q++) {
    if (q !== pid && w[off + linkOff(l, q, pid)]! > 0) out.push(q);
  }
  return out;
}

/**
 * Asymmetric `receive(id, m)`: blocks until some link to the caller holds a
 * message, then takes the oldest message of one such link into `into` and
 * the sender's pid into `from`. When several links hold messages, each is a
 * separate outcome, so the checker explores every order.
 *
 * @param net The links.
 * @param into Where the message goes.
 * @param from Where the sender's pid goes (omit to ignore it).
 * @returns The step.
 *
 * @example An echo server learns who sent
 * ```ts
 * import { direct, receiveAny } from "./direct.ts";
 * import { system } from "../spec.ts";
 * import assert from "node:assert/strict";
 *
 * const sys = system({});
 * const net = direct("net", { processes: 3, capacity: 1 });
 * sys.process("server", { locals: { req: 0, who: 0 } }, (s) => [
 *   receiveAny(net, s.into("req"), s.into("who")),
 * ]);
 * assert.equal(sys.processes[0]!.body[0]!.kind, "op");
 * ```
 */
export function receiveAny(net: Direct, into: Into, from?: Into): Step {
  const text = `receive(${net.name}, any) into ${into.text}${
    from === undefined ? "" : `, sender into ${from.text}`
  }`;
  return opStep({
    prim: net,
    text,
    footprint: { reads: "all", writes: "all" },
    get maxChoices() {
      return net.processes;
    },
    choices: (w, off, pid) => senders(net, w, off, pid).length,
    choiceText: (c) => `the ${ordinal(c + 1)} sender with a message, by pid`,
    enabled: (w, off, pid) => senders(net, w, off, pid).length > 0,
    apply(w, off, pid, ctx: Ctx, _names, choice) {
      const q = senders(net, w, off, pid)[choice]!;
      into.set(ctx, take(net, w, off, q, pid));
      from?.set(ctx, q);
      return undefined;
    },
  });
}

function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? "th" : ["th", "st", "nd", "rd"][n % 10] ?? "th";
  return `${n}${s}`;
}
