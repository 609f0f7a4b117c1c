/**
 * Networks: datagram endpoints on hosts, joined by a network that may lose,
 * duplicate and reorder what it carries (docs/primitives/network.md;
 * docs/semantics.md §10, the departures table).
 *
 * A {@linkcode network} declares hosts, each with its ports; an endpoint is
 * a (host, port) pair, and its address ({@linkcode endpoint}) is a small
 * integer. {@linkcode udpSend} sends one datagram (an integer) from an
 * endpoint to an address, {@linkcode udpRecv} receives at an endpoint and
 * can say who sent it, so a server can answer whoever asked.
 *
 * **Faults, explored exhaustively and bounded.** Each fault is a choice of
 * the sender's transition, so the checker explores every outcome:
 * - `loss`: the datagram may vanish (`true`: any number of times, `k`: at
 *   most k losses per run, counted in the state);
 * - `duplicate`: the datagram may arrive twice (two copies in flight);
 * - `reorder`: the datagrams in flight to an endpoint are a multiset and a
 *   receive takes any one of them (each distinct one is an outcome);
 *   without it they arrive in the order they were sent;
 * - `crashes`: {@linkcode crashHost} takes a host down (the datagrams in
 *   flight to it are lost, so are those sent to it while it is down, and
 *   its endpoints receive nothing) until {@linkcode restartHost}. What the
 *   host's processes forget is the spec's to write (a crash step resets
 *   their locals).
 *
 * **In flight** at most `capacity` datagrams per endpoint: a datagram sent
 * to a full endpoint is dropped, as a full socket receive buffer drops
 * UDP datagrams, so the state space stays finite without blocking senders.
 * A send never blocks.
 *
 * **Templates** (`System.delivery`): one lane per endpoint, in the
 * network's own order (oldest first without `reorder`, by value with it);
 * a loss, an overflow and a crash destroy a datagram (`no loss`), a
 * duplicate puts two copies (`no duplicate` flags the second receive), a
 * receive that overtakes an older datagram breaks `FIFO`.
 *
 * **Not modelled**: TCP, congestion, timing, fragmentation, datagram
 * sizes, checksums (a corrupted datagram is one that is lost), routing,
 * `connect`/`bind` and ephemeral ports. Symmetry reduction is refused
 * (addresses are fixed per process, so renaming processes would have to
 * rename endpoints, which the network cannot know).
 *
 * @module
 */

import type { Ctx, Expr, Footprint, Into, OpImpl, PrimitiveImpl, Step } from "../_ast.ts";
import { callerSource, evalExpr } from "../_ast.ts";
import { checkInto, closeGap, opStep, requireInt, requireName } from "./_op.ts";
import { type MessageTap, messageTaps, tapDrop, tapPut, tapTake } from "../_tap.ts";

// Slot layout, from the network's first slot:
//   0 LOST     losses so far (counted when `loss` is a bound)
//   1 DUPED    duplications so far (counted when `duplicate` is a bound)
//   2 CRASHED  host crashes so far
//   3 ..       one slot per host, 1 while it is down
//   then per endpoint (its lane): the count in flight, then `capacity`
//   entries of (value, source address, sender pid)
const LOST = 0, DUPED = 1, CRASHED = 2, HOSTS = 3;
const VALUE = 0, SRC = 1, PID = 2, ENTRY = 3;

/** An endpoint: a port on a host. Its address is its index in {@linkcode Network.endpoints}. */
export interface Endpoint {
  /** The host's name. */
  readonly host: string;
  /** The port. */
  readonly port: number;
}

/** A network declared with {@linkcode network}. */
export interface Network extends PrimitiveImpl {
  /** Discriminant. */
  readonly kind: "network";
  /** The hosts, in declaration order. */
  readonly hosts: readonly string[];
  /** Every endpoint, in declaration order: endpoint `a` has address `a`. */
  readonly endpoints: readonly Endpoint[];
  /** The most datagrams in flight to one endpoint. */
  readonly capacity: number;
  /** The most losses per run (`Infinity`: unbounded, 0: none). */
  readonly loss: number;
  /** The most duplications per run (`Infinity`: unbounded, 0: none). */
  readonly duplicate: number;
  /** Whether datagrams to an endpoint may arrive in any order. */
  readonly reorder: boolean;
  /** The most host crashes per run. */
  readonly crashes: number;
  /** Smallest datagram value. */
  readonly min: number;
  /** Largest datagram value. */
  readonly max: number;
}

/** Options of {@linkcode network}. */
export interface NetworkOptions {
  /** Each host's name with its ports, e.g. `{ client: [1], server: [53] }`. */
  readonly hosts: Readonly<Record<string, readonly number[]>>;
  /** Datagrams in flight to one endpoint (default 2); one more is dropped. */
  readonly capacity?: number;
  /** Whether a datagram may be lost: `true`, or the most losses per run (default false). */
  readonly loss?: boolean | number;
  /** Whether a datagram may arrive twice: `true`, or the most per run (default false). */
  readonly duplicate?: boolean | number;
  /** Whether datagrams to an endpoint may arrive in any order (default false: as sent). */
  readonly reorder?: boolean;
  /** The most host crashes per run (default 0: hosts never crash). */
  readonly crashes?: number;
  /** Smallest datagram value (default 0). */
  readonly min?: number;
  /** Largest datagram value (default 2^31 - 1). */
  readonly max?: number;
}

interface Core {
  readonly net: Network;
  readonly hostOf: readonly number[];
  readonly taps: MessageTap[];
  readonly laneSize: number;
}

const CORES = new WeakMap<Network, Core>();

function coreOf(net: Network): Core {
  const c = CORES.get(net);
  if (c === undefined) throw new TypeError(`'${String(net?.name)}' is not made by network()`);
  return c;
}

/** A fault option as a bound: false → 0, true → Infinity, k → k. */
function faultBound(what: string, v: boolean | number | undefined): number {
  if (v === undefined || v === false) return 0;
  if (v === true) return Infinity;
  return requireInt(what, v, 0, 1 << 20);
}

function endpointsOf(name: string, hosts: NetworkOptions["hosts"]): Endpoint[] {
  if (hosts === null || typeof hosts !== "object" || Object.keys(hosts).length === 0) {
    throw new TypeError(`network '${name}': hosts must name at least one host with its ports`);
  }
  const out: Endpoint[] = [];
  for (const [host, ports] of Object.entries(hosts)) {
    requireName(`network '${name}': host`, host);
    if (!Array.isArray(ports) || ports.length === 0) {
      throw new TypeError(`network '${name}': host '${host}' must list at least one port`);
    }
    for (const port of ports) {
      requireInt(`network '${name}': host '${host}': port`, port, 0, 65535);
      if (out.some((e) => e.host === host && e.port === port)) {
        throw new RangeError(`network '${name}': port ${port} of host '${host}' is listed twice`);
      }
      out.push({ host, port });
    }
  }
  return out;
}

/**
 * Declares a network of hosts with datagram endpoints, and the faults it
 * may commit.
 *
 * @param name The unique name, used in traces.
 * @param options The hosts and their ports, the in-flight bound, the faults.
 * @returns The network, for {@linkcode endpoint}, {@linkcode udpSend}, {@linkcode udpRecv}.
 *
 * @example A lossy network between two hosts
 * ```ts
 * import { endpoint, network } from "./network.ts";
 * import assert from "node:assert/strict";
 *
 * const net = network("net", { hosts: { a: [1], b: [1, 2] }, loss: 1 });
 * assert.equal(endpoint(net, "b", 2), 2);
 * assert.equal(net.loss, 1);
 * ```
 */
export function network(name: string, options: NetworkOptions): Network {
  requireName("network", name);
  const endpoints = endpointsOf(name, options?.hosts);
  const hosts = [...new Set(endpoints.map((e) => e.host))];
  const capacity = requireInt(`network '${name}': capacity`, options.capacity ?? 2, 1, 1 << 10);
  const reorder = options.reorder ?? false;
  if (typeof reorder !== "boolean") {
    throw new TypeError(`network '${name}': reorder must be a boolean`);
  }
  const min = options.min ?? 0, max = options.max ?? 2147483647;
  requireInt(`network '${name}': min`, min, -2147483648);
  requireInt(`network '${name}': max`, max, min);
  const laneSize = 1 + capacity * ENTRY;
  const header = HOSTS + hosts.length;
  const net: Network = {
    kind: "network",
    name,
    hosts,
    endpoints,
    capacity,
    loss: faultBound(`network '${name}': loss`, options.loss),
    duplicate: faultBound(`network '${name}': duplicate`, options.duplicate),
    reorder,
    crashes: requireInt(`network '${name}': crashes`, options.crashes ?? 0, 0, 1 << 20),
    min,
    max,
    slots: header + endpoints.length * laneSize,
    init(w, off) {
      w.fill(0, off, off + net.slots);
    },
    format(w, off) {
      return formatNetwork(coreOf(net), w, off);
    },
    value(w, off) {
      let n = 0;
      for (let a = 0; a < endpoints.length; a++) n += w[off + header + a * laneSize]!;
      return n;
    },
  };
  const taps = messageTaps(net, () => ({
    lanes: endpoints.length,
    capacity: capacity + 1,
    laneName: (a: number) => `to ${addressText(net, a)}`,
  }));
  const hostOf = endpoints.map((e) => hosts.indexOf(e.host));
  CORES.set(net, { net, hostOf, taps, laneSize });
  return net;
}

function addressText(net: Network, a: number): string {
  const e = net.endpoints[a]!;
  return `${e.host}:${e.port}`;
}

function formatNetwork(core: Core, w: Int32Array, off: number): string {
  const { net } = core;
  const parts: string[] = [];
  net.hosts.forEach((h, i) => {
    if (w[off + HOSTS + i] === 1) parts.push(`${h} down`);
  });
  net.endpoints.forEach((_, a) => {
    const b = off + laneOf(core, a);
    const items: string[] = [];
    for (let i = 0; i < w[b]!; i++) {
      const e = b + 1 + i * ENTRY;
      items.push(`${w[e + VALUE]}@${addressText(net, w[e + SRC]!)}`);
    }
    if (items.length > 0) parts.push(`${addressText(net, a)}[${items.join(",")}]`);
  });
  const used = [
    net.loss > 0 && net.loss < Infinity ? `lost ${w[off + LOST]}` : "",
    net.duplicate > 0 && net.duplicate < Infinity ? `duplicated ${w[off + DUPED]}` : "",
    net.crashes > 0 ? `crashed ${w[off + CRASHED]}` : "",
  ].filter((s) => s !== "");
  return `{${[...parts, ...used].join(" ")}}`;
}

/** The offset of endpoint `a`'s lane from the network's first slot. */
function laneOf(core: Core, a: number): number {
  return HOSTS + core.net.hosts.length + a * core.laneSize;
}

/** The slots of endpoint `a`'s lane. */
function laneSlots(core: Core, a: number): number[] {
  const b = laneOf(core, a);
  return Array.from({ length: core.laneSize }, (_, i) => b + i);
}

/**
 * The address of a port on a host, for {@linkcode udpSend}'s `from` and
 * `to` and {@linkcode udpRecv}'s `at`.
 *
 * @param net The network.
 * @param host The host's name.
 * @param port The port.
 * @returns The address (the endpoint's index).
 *
 * @example
 * ```ts
 * import { endpoint, network } from "./network.ts";
 * import assert from "node:assert/strict";
 *
 * const net = network("net", { hosts: { a: [7], b: [7] } });
 * assert.equal(endpoint(net, "b", 7), 1);
 * ```
 */
export function endpoint(net: Network, host: string, port: number): number {
  const a = coreOf(net).net.endpoints.findIndex((e) => e.host === host && e.port === port);
  if (a < 0) throw new RangeError(`network '${net.name}' has no endpoint ${host}:${port}`);
  return a;
}

function requireAddress(net: Network, what: string, a: unknown): number {
  return requireInt(`network '${net.name}': ${what}`, a, 0, net.endpoints.length - 1);
}

/** Whether `a`'s host is up and its lane has room for `k` more. */
function room(core: Core, w: Int32Array, off: number, a: number, k: number): boolean {
  return w[off + HOSTS + core.hostOf[a]!] === 0 &&
    w[off + laneOf(core, a)]! + k <= core.net.capacity;
}

/** Compares entry `e` with (value, src, pid): negative when the entry sorts first. */
function compare(w: Int32Array, e: number, v: number, src: number, pid: number): number {
  return w[e + VALUE]! - v || w[e + SRC]! - src || w[e + PID]! - pid;
}

/** Puts a datagram in `a`'s lane (which has room) and tells the taps; returns nothing. */
function insert(core: Core, w: Int32Array, off: number, a: number, d: Datagram): void {
  const b = off + laneOf(core, a);
  const n = w[b]!;
  let pos = n;
  if (core.net.reorder) {
    pos = 0;
    while (pos < n && compare(w, b + 1 + pos * ENTRY, d.value, d.src, d.pid) <= 0) pos++;
  }
  const e = b + 1 + pos * ENTRY;
  w.copyWithin(e + ENTRY, e, b + 1 + n * ENTRY);
  w[e + VALUE] = d.value;
  w[e + SRC] = d.src;
  w[e + PID] = d.pid;
  w[b] = n + 1;
  if (core.taps.length > 0) tapPut(core.taps, w, a, pos, d.pid, d.value, 0, -1);
}

/** Tells the taps a datagram to `a` was destroyed as it was sent. */
function destroyed(core: Core, w: Int32Array, off: number, a: number, d: Datagram): void {
  if (core.taps.length === 0) return;
  const n = w[off + laneOf(core, a)]!;
  tapPut(core.taps, w, a, n, d.pid, d.value, 0, -1);
  tapDrop(core.taps, w, a, n, 1);
}

interface Datagram {
  readonly value: number;
  readonly src: number;
  readonly pid: number;
}

/** Options of {@linkcode udpSend}. */
export interface UdpSendOptions {
  /** The sending endpoint's address (what the receiver's `from` gets). */
  readonly from: number;
  /** The destination's address, or an expression computing it (a reply to a sender). */
  readonly to: number | Expr;
  /** The datagram. */
  readonly value: number | Expr;
}

interface SendParts {
  readonly core: Core;
  readonly from: number;
  readonly target: (ctx: Ctx) => number;
  readonly datagram: (ctx: Ctx, pid: number) => Datagram;
  readonly text: string;
  /** The destination's slots, or undefined when `to` is computed. */
  readonly slots: number[] | undefined;
}

function sendParts(net: Network, options: UdpSendOptions): SendParts {
  const core = coreOf(net);
  const where = `udpSend(${net.name})`;
  if (options === null || typeof options !== "object") {
    throw new TypeError(`${where}: options { from, to, value } are required`);
  }
  const from = requireAddress(net, `${where}: from`, options.from);
  const to = options.to;
  const fixed = typeof to === "number";
  if (fixed) requireAddress(net, `${where}: to`, to);
  else if (to === null || typeof to !== "object" || to.kind !== "expr") {
    throw new TypeError(`${where}: to must be an address or s.expr(...)`);
  }
  const target = (ctx: Ctx) => requireAddress(net, `${where}: to`, evalExpr(to, ctx));
  const datagram = (ctx: Ctx, pid: number): Datagram => {
    const v = evalExpr(options.value, ctx);
    if (!Number.isInteger(v) || v < net.min || v > net.max) {
      throw new RangeError(
        `cannot send ${
          String(v)
        } on network '${net.name}': expected an integer in [${net.min}, ${net.max}]`,
      );
    }
    return { value: v, src: from, pid };
  };
  const text = `send(${net.name}) ${addressText(net, from)} → ${
    fixed ? addressText(net, to) : "computed address"
  }`;
  const slots = fixed ? [HOSTS + core.hostOf[to]!, ...laneSlots(core, to)] : undefined;
  return { core, from, target, datagram, text, slots };
}

/** The footprint of a send touching `counter` (if counted) and the destination. */
function sendFootprint(p: SendParts, counter: number | undefined, lane: boolean): Footprint {
  if (p.slots === undefined) return { reads: "all", writes: "all" };
  const c = counter === undefined ? [] : [counter];
  const dest = lane ? p.slots : [];
  return { reads: [...c, ...dest], writes: [...c, ...dest.slice(1)] };
}

function deliverOp(p: SendParts): OpImpl {
  const { core } = p;
  return {
    prim: core.net,
    text: p.text,
    footprint: sendFootprint(p, undefined, true),
    enabled: () => true,
    apply(w, off, pid, ctx) {
      const a = p.target(ctx);
      const d = p.datagram(ctx, pid);
      // A full endpoint, or a host that is down, drops the datagram.
      if (room(core, w, off, a, 1)) insert(core, w, off, a, d);
      else destroyed(core, w, off, a, d);
      return undefined;
    },
  };
}

function loseOp(p: SendParts): OpImpl {
  const { core } = p;
  const bound = core.net.loss;
  const counted = bound < Infinity;
  return {
    prim: core.net,
    text: `${p.text}: lost`,
    // The lane is read only to tell templates where the datagram was
    // (a tapped operation is never reduced away).
    footprint: counted ? { reads: [LOST], writes: [LOST] } : { reads: [], writes: [] },
    enabled: (w, off) => !counted || w[off + LOST]! < bound,
    apply(w, off, pid, ctx) {
      const a = p.target(ctx);
      if (counted) w[off + LOST] = w[off + LOST]! + 1;
      destroyed(core, w, off, a, p.datagram(ctx, pid));
      return undefined;
    },
  };
}

function duplicateOp(p: SendParts): OpImpl {
  const { core } = p;
  const bound = core.net.duplicate;
  const counted = bound < Infinity;
  return {
    prim: core.net,
    text: `${p.text}: duplicated`,
    footprint: sendFootprint(p, counted ? DUPED : undefined, true),
    enabled: (w, off, _pid, ctx) =>
      (!counted || w[off + DUPED]! < bound) && room(core, w, off, p.target(ctx), 2),
    apply(w, off, pid, ctx) {
      const a = p.target(ctx);
      const d = p.datagram(ctx, pid);
      if (counted) w[off + DUPED] = w[off + DUPED]! + 1;
      insert(core, w, off, a, d);
      insert(core, w, off, a, d);
      return undefined;
    },
  };
}

/**
 * `sendto()` of one datagram: never blocks. On a faulty network it is a
 * choice of outcomes, one transition each: delivered (put in flight, or
 * dropped when the destination is full or down), `lost` while the loss
 * bound allows, `duplicated` (two copies in flight) while the duplication
 * bound allows and the destination has room for both.
 *
 * @param net The network.
 * @param options The sending endpoint, the destination and the datagram.
 * @returns The step.
 *
 * @example
 * ```ts
 * import { endpoint, network, udpSend } from "./network.ts";
 * import assert from "node:assert/strict";
 *
 * const net = network("net", { hosts: { a: [1], b: [1] }, loss: true });
 * const step = udpSend(net, { from: endpoint(net, "a", 1), to: endpoint(net, "b", 1), value: 5 });
 * assert.equal(step.kind, "choose");
 * ```
 */
export function udpSend(net: Network, options: UdpSendOptions): Step {
  const p = sendParts(net, options);
  const branches: Step[][] = [[opStep(deliverOp(p))]];
  if (net.loss > 0) branches.push([opStep(loseOp(p))]);
  if (net.duplicate > 0) branches.push([opStep(duplicateOp(p))]);
  if (branches.length === 1) return branches[0]![0]!;
  return { kind: "choose", name: "choose", branches, src: callerSource() };
}

/** Options of {@linkcode udpRecv}. */
export interface UdpRecvOptions {
  /** The receiving endpoint's address. */
  readonly at: number;
  /** Receives the datagram. */
  readonly into: Into;
  /** Receives the sender's address. */
  readonly from?: Into;
}

/** The index of the `k`-th distinct entry of the lane at `b` (entries are sorted). */
function nthDistinct(w: Int32Array, b: number, k: number): number {
  const n = w[b]!;
  let seen = -1;
  for (let i = 0; i < n; i++) {
    const e = b + 1 + i * ENTRY;
    if (i === 0 || compare(w, e - ENTRY, w[e]!, w[e + SRC]!, w[e + PID]!) !== 0) seen++;
    if (seen === k) return i;
  }
  return -1;
}

function distinct(w: Int32Array, b: number): number {
  const n = w[b]!;
  let k = 0;
  for (let i = 0; i < n; i++) {
    const e = b + 1 + i * ENTRY;
    if (i === 0 || compare(w, e - ENTRY, w[e]!, w[e + SRC]!, w[e + PID]!) !== 0) k++;
  }
  return k;
}

/**
 * `recvfrom()` at an endpoint: blocks until a datagram is in flight to it
 * (and its host is up), then takes one: the oldest, or with `reorder` any
 * of them, each distinct datagram an outcome of its own.
 *
 * @param net The network.
 * @param options The receiving endpoint, where the datagram and its sender go.
 * @returns The step.
 *
 * @example
 * ```ts
 * import { endpoint, network, udpRecv } from "./network.ts";
 * import { StepBuilder } from "../steps.ts";
 * import assert from "node:assert/strict";
 *
 * const s = new StepBuilder<Record<string, number>, { v: number }>();
 * const net = network("net", { hosts: { a: [1] } });
 * assert.equal(udpRecv(net, { at: endpoint(net, "a", 1), into: s.into("v") }).kind, "op");
 * ```
 */
export function udpRecv(net: Network, options: UdpRecvOptions): Step {
  const core = coreOf(net);
  const where = `udpRecv(${net.name})`;
  const at = requireAddress(net, `${where}: at`, options?.at);
  checkInto(where, options.into, "into");
  checkInto(where, options.from, "from");
  const h = HOSTS + core.hostOf[at]!;
  const lane = laneOf(core, at);
  const slots = laneSlots(core, at);
  const op: OpImpl = {
    prim: net,
    text: `recv(${net.name}) at ${addressText(net, at)}`,
    footprint: { reads: [h, ...slots], writes: slots },
    enabled: (w, off) => w[off + h] === 0 && w[off + lane]! > 0,
    apply(w, off, pid, ctx, _pidName, choice) {
      const b = off + lane;
      const i = net.reorder ? nthDistinct(w, b, choice) : 0;
      const e = b + 1 + i * ENTRY;
      const v = w[e + VALUE]!, src = w[e + SRC]!;
      if (core.taps.length > 0) tapTake(core.taps, w, at, i, pid);
      closeGap(w, b + 1, w[b]!, i, ENTRY);
      w[b] = w[b]! - 1;
      options.into.set(ctx, v);
      options.from?.set(ctx, src);
      return undefined;
    },
  };
  if (!net.reorder || net.capacity === 1) return opStep(op);
  return opStep({
    ...op,
    maxChoices: net.capacity,
    choices: (w, off) => (w[off + h] === 0 ? distinct(w, off + lane) : 0),
    choiceText: (c) => `the ${c + 1}${c === 0 ? "st" : c === 1 ? "nd" : "th"} datagram by value`,
  });
}

function hostIndex(net: Network, what: string, host: string): number {
  const i = net.hosts.indexOf(host);
  if (i < 0) throw new RangeError(`${what}: network '${net.name}' has no host '${host}'`);
  return i;
}

/**
 * A host crashes: enabled while the host is up and the network's crash
 * bound allows; the datagrams in flight to its endpoints are lost, and
 * until {@linkcode restartHost} its endpoints receive nothing and what is
 * sent to them is lost.
 *
 * @param net The network (declared with `crashes` >= 1).
 * @param host The host.
 * @returns The step.
 *
 * @example
 * ```ts
 * import { crashHost, network } from "./network.ts";
 * import assert from "node:assert/strict";
 *
 * const net = network("net", { hosts: { a: [1] }, crashes: 1 });
 * assert.equal(crashHost(net, "a").kind, "op");
 * ```
 */
export function crashHost(net: Network, host: string): Step {
  const core = coreOf(net);
  const where = `crashHost(${net.name}, ${host})`;
  const i = hostIndex(net, where, host);
  if (net.crashes === 0) {
    throw new TypeError(
      `${where}: network '${net.name}' allows no crash (declare crashes: 1 or more)`,
    );
  }
  const mine = net.endpoints.flatMap((_, a) => (core.hostOf[a] === i ? [a] : []));
  const slots = [CRASHED, HOSTS + i, ...mine.flatMap((a) => laneSlots(core, a))];
  return opStep({
    prim: net,
    text: `crash(${net.name}, ${host})`,
    footprint: { reads: slots, writes: slots },
    enabled: (w, off) => w[off + HOSTS + i] === 0 && w[off + CRASHED]! < net.crashes,
    apply(w, off) {
      w[off + CRASHED] = w[off + CRASHED]! + 1;
      w[off + HOSTS + i] = 1;
      for (const a of mine) {
        const b = off + laneOf(core, a);
        tapDrop(core.taps, w, a, 0, w[b]!);
        w.fill(0, b, b + core.laneSize);
      }
      return undefined;
    },
  });
}

/**
 * A host that crashed comes back: enabled while it is down; its endpoints
 * receive again (nothing sent while it was down is kept).
 *
 * @param net The network.
 * @param host The host.
 * @returns The step.
 *
 * @example
 * ```ts
 * import { network, restartHost } from "./network.ts";
 * import assert from "node:assert/strict";
 *
 * const net = network("net", { hosts: { a: [1] }, crashes: 1 });
 * assert.equal(restartHost(net, "a").kind, "op");
 * ```
 */
export function restartHost(net: Network, host: string): Step {
  coreOf(net);
  const where = `restartHost(${net.name}, ${host})`;
  const i = hostIndex(net, where, host);
  if (net.crashes === 0) {
    throw new TypeError(
      `${where}: network '${net.name}' allows no crash (declare crashes: 1 or more)`,
    );
  }
  return opStep({
    prim: net,
    text: `restart(${net.name}, ${host})`,
    footprint: { reads: [HOSTS + i], writes: [HOSTS + i] },
    enabled: (w, off) => w[off + HOSTS + i] === 1,
    apply(w, off) {
      w[off + HOSTS + i] = 0;
      return undefined;
    },
  });
}
