/**
 * Shared-memory segments (docs/semantics.md §4, System V `shmget`/`shmat`/
 * `shmdt`/`shmctl(IPC_RMID)`).
 *
 * A spec's globals already are shared memory that every process sees. A
 * segment adds what §4 adds on top: memory that a process may touch only
 * while attached, attachment counting, and removal.
 *
 * - A segment of `size` words, zero-filled at creation.
 * - {@linkcode shmAttach} (`shmat`) and {@linkcode shmDetach} (`shmdt`)
 *   move the process's attachment count and `nattch`. `fork` inherits
 *   attachments: the `attached` option lists the processes attached at the
 *   start (as when the parent attached before forking). A process that
 *   finishes is detached from everything (exit detaches).
 * - {@linkcode shmLoad} and {@linkcode shmStore} read and write one word.
 *   Each is one transition and nothing orders them: `x = x + 1` written as
 *   a load and a store loses updates when two processes interleave. Access
 *   while not attached (after detach, or before attach) or past the size is
 *   an `invalid shm access` violation: SIGSEGV or SIGBUS on Linux.
 * - {@linkcode shmRemove} (`IPC_RMID`): with `nattch = 0` the segment is
 *   destroyed at once; otherwise it is marked (`SHM_DEST`) and destroyed
 *   when the last process detaches. Attached processes keep using it, and
 *   (Linux only) `shmat` of the marked segment still works. Once destroyed,
 *   every call gives `EINVAL`. Without `IPC_RMID` the segment and its data
 *   persist at `nattch = 0`.
 *
 * `v.value(seg)` in a property is `nattch`, or -1 once destroyed: a final
 * property `v.value(seg) === -1` is the leak check of §4.
 *
 * Errors of `shmat`/`shmdt`/`IPC_RMID` (`EINVAL`) go to the `status`
 * target when the call has one; without one they are `invalid shm access`
 * violations.
 *
 * **Departures from Linux, and why.**
 * - Words, not bytes or pages: the mapping's rounding up to pages is not
 *   modelled, so an access past `size` inside the last page (harmless on
 *   Linux) is reported too; it is a bug in the program all the same.
 * - A segment is one id: keys, `shmget`, `IPC_PRIVATE`, permissions and
 *   `IPC_STAT` are not modelled; nor are addresses (a process attached twice
 *   has one count of 2, and `shmdt` drops one attachment).
 * - Loads and stores are sequentially consistent; no weak memory model.
 * - POSIX `shm_open`/`mmap` (size set by `ftruncate`, `MAP_PRIVATE`) is not
 *   modelled; its `MAP_SHARED` use behaves as a segment.
 *
 * @module
 */

import {
  evalExpr,
  type Expr,
  type Footprint,
  type Into,
  type PrimitiveImpl,
  type Step,
} from "../_ast.ts";
import type { System } from "../system.ts";
import { Errno } from "./errno.ts";
import { checkInto, opStep, requireInt, requireName } from "./_op.ts";
import { maskOf, processTable, requireSystem } from "./_fork.ts";

// Slot layout: 0 flags, 1 nattch, 2.. the data (`size` words), then one
// attachment count per pid.
const FLAGS = 0, NATTCH = 1, DATA = 2;
const MARKED = 1, DESTROYED = 2;

/** A segment declared with {@linkcode segment}. */
export interface Segment extends PrimitiveImpl {
  /** Discriminant. */
  readonly kind: "shm";
  /** The number of words. */
  readonly size: number;
}

/**
 * Which processes are attached at the start: `"none"` (the default),
 * `"users"` (every process whose body uses the segment), `"all"`, or a list
 * of process kinds or instances (`"worker"`, `"worker#1"`).
 */
export type SegmentAttached = "none" | "users" | "all" | readonly string[];

/** Options of {@linkcode segment}. */
export interface SegmentOptions {
  /** The number of words (default 1). */
  size?: number;
  /** The initial contents: one value for every word, or one per word (default 0). */
  init?: number | readonly number[];
  /** Who is attached at the start (default `"none"`). */
  attached?: SegmentAttached;
}

interface Core {
  readonly sys: Pick<System<unknown>, "processes">;
  readonly attached: SegmentAttached;
  /** Footprints computed since the last compile. */
  readonly footprints: Map<string, Footprint>;
}

const CORES = new WeakMap<Segment, Core>();

function initialCounts(seg: Segment, core: Core): number[] | string {
  const t = processTable(core.sys, seg);
  const a = core.attached;
  // A dormant process (a dynamic kind) is attached to nothing until it is forked.
  const live = (pid: number) => ((t.dormantMask >>> pid) & 1) === 0 ? 1 : 0;
  if (a === "none") return t.names.map(() => 0);
  if (a === "users" || a === "all") {
    return t.users.map((u, pid) => u || a === "all" ? live(pid) : 0);
  }
  const mask = maskOf(t, a, `segment '${seg.name}': attached`);
  if (typeof mask === "string") return mask;
  return t.names.map((_, pid) => (mask >>> pid) & live(pid));
}

/** fork: the child is attached as often as its parent (each attachment counts, ipc-semantics §4). */
function forkAttachments(
  w: Int32Array,
  off: number,
  counts: number,
  parent: number,
  child: number,
) {
  const c = w[counts + parent]!;
  w[counts + child] = c;
  w[off + NATTCH] = w[off + NATTCH]! + c;
}

/**
 * Declares a shared-memory segment (`shmget(IPC_CREAT)`). The system is
 * needed to know which processes are attached at the start and to give
 * each an attachment count.
 *
 * @param sys The system whose processes share the segment.
 * @param name The unique name, used in traces.
 * @param options Size, initial contents, and who is attached at the start.
 * @returns The segment, for {@linkcode shmLoad}, {@linkcode shmStore}, ...
 *
 * @example A one-word counter that every process using it inherits attached
 * ```ts
 * import { system } from "../spec.ts";
 * import { segment } from "./shared_memory.ts";
 * import assert from "node:assert/strict";
 *
 * const sys = system({});
 * const seg = segment(sys, "counter", { size: 1, attached: "users" });
 * assert.equal(seg.size, 1);
 * ```
 */
export function segment(
  sys: Pick<System<unknown>, "processes">,
  name: string,
  options: SegmentOptions = {},
): Segment {
  requireName("segment", name);
  requireSystem(`segment '${name}'`, sys);
  const size = requireInt(`segment '${name}': size`, options.size ?? 1, 1, 1 << 16);
  const initial = initialData(name, size, options.init ?? 0);
  const attached = options.attached ?? "none";
  if (
    attached !== "none" && attached !== "users" && attached !== "all" && !Array.isArray(attached)
  ) {
    throw new TypeError(
      `segment '${name}': attached must be "none", "users", "all" or a list of processes`,
    );
  }
  const seg: Segment = {
    kind: "shm",
    name,
    size,
    get slots(): number {
      return DATA + size + processTable(sys, seg).names.length;
    },
    validate() {
      coreOf(seg).footprints.clear();
      const c = initialCounts(seg, coreOf(seg));
      return typeof c === "string" ? c : undefined;
    },
    init(w, off) {
      const counts = initialCounts(seg, coreOf(seg));
      if (typeof counts === "string") throw new RangeError(counts);
      w[off + FLAGS] = 0;
      w[off + NATTCH] = counts.reduce((a, b) => a + b, 0);
      for (let i = 0; i < size; i++) w[off + DATA + i] = initial[i]!;
      counts.forEach((c, pid) => {
        w[off + DATA + size + pid] = c;
      });
    },
    format(w, off, pidName) {
      return formatSegment(w, off, pidName, seg);
    },
    value(w, off) {
      return w[off + FLAGS]! & DESTROYED ? -1 : w[off + NATTCH]!;
    },
    onFork(w, off, parent, child) {
      if ((w[off + FLAGS]! & DESTROYED) === 0) {
        forkAttachments(w, off, off + DATA + size, parent, child);
      }
    },
    onExit(w, off, pid) {
      const at = off + DATA + size + pid;
      const c = w[at]!;
      if (c === 0) return;
      w[at] = 0;
      w[off + NATTCH] = w[off + NATTCH]! - c;
      destroyIfDone(w, off, size);
    },
    // Symmetry reduction: the attachment counts move with their processes.
    // A list of attached processes may single out one copy, so it gets none.
    ...(Array.isArray(attached) ? {} : {
      permute(w: Int32Array, off: number, perm: Int32Array): void {
        const base = off + DATA + size;
        const counts = w.slice(base, off + seg.slots);
        for (let p = 0; p < counts.length; p++) w[base + perm[p]!] = counts[p]!;
      },
    }),
  };
  CORES.set(seg, { sys, attached, footprints: new Map() });
  return seg;
}

/** The segment's initial words: `init` for each, or the list, checked against the size. */
function initialData(name: string, size: number, init: number | readonly number[]): number[] {
  if (typeof init !== "number" && init.length !== size) {
    throw new RangeError(`segment '${name}': init has ${init.length} values, size is ${size}`);
  }
  const initial: number[] = [];
  for (let i = 0; i < size; i++) {
    const v = typeof init === "number" ? init : init[i];
    initial.push(requireInt(`segment '${name}': init[${i}]`, v, -2147483648));
  }
  return initial;
}

/** The segment in a trace: its words, the attachments by process, a pending IPC_RMID. */
function formatSegment(
  w: Int32Array,
  off: number,
  pidName: (pid: number) => string,
  seg: Segment,
): string {
  const flags = w[off + FLAGS]!;
  if (flags & DESTROYED) return "destroyed";
  const size = seg.size;
  const data: number[] = [];
  for (let i = 0; i < size; i++) data.push(w[off + DATA + i]!);
  const who: string[] = [];
  const pids = seg.slots - DATA - size;
  for (let pid = 0; pid < pids; pid++) {
    const c = w[off + DATA + size + pid]!;
    if (c > 0) who.push(c === 1 ? pidName(pid) : `${pidName(pid)}x${c}`);
  }
  return `[${data.join(",")}] nattch=${w[off + NATTCH]}{${who.join(",")}}` +
    (flags & MARKED ? " IPC_RMID" : "");
}

function coreOf(seg: Segment): Core {
  const c = CORES.get(seg);
  if (c === undefined) {
    throw new TypeError(`'${String(seg?.name)}' is not a segment made by segment()`);
  }
  return c;
}

/** Marked and nobody attached: destroy (data zeroed, so equal states are equal). */
function destroyIfDone(w: Int32Array, off: number, size: number): void {
  if ((w[off + FLAGS]! & MARKED) === 0 || w[off + NATTCH] !== 0) return;
  w[off + FLAGS] = DESTROYED;
  for (let i = 0; i < size; i++) w[off + DATA + i] = 0;
}

function attachedCount(w: Int32Array, off: number, seg: Segment, pid: number): number {
  return w[off + DATA + seg.size + pid]!;
}

const ALL = { reads: "all", writes: "all" } as const;

/** Options of the calls that can fail with `EINVAL`. */
export interface ShmCallOptions {
  /** Receives `OK` or `EINVAL`; without it an error is an `invalid shm access` violation. */
  status?: Into;
}

/**
 * `shmat()`: attaches the calling process (its count and `nattch` go up).
 * `EINVAL` once the segment is destroyed; a segment marked by `IPC_RMID`
 * but still attached somewhere can be attached (Linux).
 *
 * @param seg The segment.
 * @param options The status target.
 * @returns The step.
 *
 * @example
 * ```ts
 * import { system } from "../spec.ts";
 * import { segment, shmAttach } from "./shared_memory.ts";
 * import assert from "node:assert/strict";
 *
 * const seg = segment(system({}), "seg");
 * assert.equal(shmAttach(seg).kind, "op");
 * ```
 */
export function shmAttach(seg: Segment, options: ShmCallOptions = {}): Step {
  return segmentCall(
    seg,
    "shmAttach",
    `shmat(${seg.name})`,
    options,
    (w, off) =>
      w[off + FLAGS]! & DESTROYED
        ? `attaches segment '${seg.name}', which is destroyed`
        : undefined,
    (w, off, pid) => {
      w[off + DATA + seg.size + pid] = attachedCount(w, off, seg, pid) + 1;
      w[off + NATTCH] = w[off + NATTCH]! + 1;
    },
  );
}

/**
 * One of the calls on the segment itself (attach, detach, remove): `fails`
 * says why the caller gets `EINVAL` (undefined: it does not), `effect` does
 * the call. Without a status target, `EINVAL` is an `invalid shm access`
 * violation worded from `fails`.
 */
function segmentCall(
  seg: Segment,
  call: string,
  text: string,
  options: ShmCallOptions,
  fails: (w: Int32Array, off: number, pid: number) => string | undefined,
  effect: (w: Int32Array, off: number, pid: number) => void,
): Step {
  coreOf(seg);
  checkInto(`${call}(${seg.name}): status`, options.status);
  const status = options.status;
  return opStep({
    prim: seg,
    text,
    footprint: ALL,
    failure: "invalid shm access",
    enabled: () => true,
    apply(w, off, pid, ctx, pidName) {
      const why = fails(w, off, pid);
      if (why !== undefined) {
        if (status === undefined) return `${pidName(pid)} ${why} (EINVAL)`;
        status.set(ctx, Errno.EINVAL);
        return undefined;
      }
      effect(w, off, pid);
      status?.set(ctx, Errno.OK);
      return undefined;
    },
  });
}

/**
 * `shmdt()`: detaches one attachment of the calling process; a marked
 * segment is destroyed when `nattch` reaches 0. `EINVAL` when the process
 * is not attached.
 *
 * @param seg The segment.
 * @param options The status target.
 * @returns The step.
 *
 * @example
 * ```ts
 * import { system } from "../spec.ts";
 * import { segment, shmDetach } from "./shared_memory.ts";
 * import assert from "node:assert/strict";
 *
 * const seg = segment(system({}), "seg");
 * assert.equal(shmDetach(seg).kind, "op");
 * ```
 */
export function shmDetach(seg: Segment, options: ShmCallOptions = {}): Step {
  return segmentCall(
    seg,
    "shmDetach",
    `shmdt(${seg.name})`,
    options,
    (w, off, pid) =>
      attachedCount(w, off, seg, pid) === 0
        ? `detaches segment '${seg.name}', which it has not attached`
        : undefined,
    (w, off, pid) => {
      w[off + DATA + seg.size + pid] = attachedCount(w, off, seg, pid) - 1;
      w[off + NATTCH] = w[off + NATTCH]! - 1;
      destroyIfDone(w, off, seg.size);
    },
  );
}

/**
 * `shmctl(IPC_RMID)`: destroys the segment at once when nobody is attached,
 * otherwise marks it to be destroyed at the last detach. `EINVAL` once
 * destroyed.
 *
 * @param seg The segment.
 * @param options The status target.
 * @returns The step.
 *
 * @example
 * ```ts
 * import { system } from "../spec.ts";
 * import { segment, shmRemove } from "./shared_memory.ts";
 * import assert from "node:assert/strict";
 *
 * const seg = segment(system({}), "seg");
 * assert.equal(shmRemove(seg).kind, "op");
 * ```
 */
export function shmRemove(seg: Segment, options: ShmCallOptions = {}): Step {
  return segmentCall(
    seg,
    "shmRemove",
    `shmctl(${seg.name}, IPC_RMID)`,
    options,
    (w, off) =>
      w[off + FLAGS]! & DESTROYED ? `removes segment '${seg.name}', which is destroyed` : undefined,
    (w, off) => {
      w[off + FLAGS] = w[off + FLAGS]! | MARKED;
      destroyIfDone(w, off, seg.size);
    },
  );
}

/** Why the calling process may not touch word `at`, or undefined. */
function badAccess(
  seg: Segment,
  w: Int32Array,
  off: number,
  pid: number,
  at: number,
  verb: string,
  pidName: (pid: number) => string,
): string | undefined {
  if (attachedCount(w, off, seg, pid) === 0) {
    const why = w[off + FLAGS]! & DESTROYED ? "which is destroyed" : "while not attached";
    return `${pidName(pid)} ${verb} segment '${seg.name}'[${at}] ${why} (SIGSEGV)`;
  }
  if (!Number.isInteger(at) || at < 0 || at >= seg.size) {
    return `${
      pidName(pid)
    } ${verb} segment '${seg.name}'[${at}], past its ${seg.size} words (SIGBUS)`;
  }
  return undefined;
}

/** A load or store of word `at` (when static) reads the flags, the word and the attachment counts. */
function wordFootprint(seg: Segment, at: number | undefined, store: boolean): Footprint {
  if (at === undefined || !Number.isInteger(at) || at < 0 || at >= seg.size) return ALL;
  const cache = coreOf(seg).footprints, key = `${at}|${store}`;
  const have = cache.get(key);
  if (have !== undefined) return have;
  const counts: number[] = [];
  for (let i = DATA + seg.size; i < seg.slots; i++) counts.push(i);
  const fp = { reads: [FLAGS, DATA + at, ...counts], writes: store ? [DATA + at] : [] };
  cache.set(key, fp);
  return fp;
}

/** Options of {@linkcode shmLoad}. */
export interface ShmLoadOptions {
  /** The word's index (default 0). */
  at?: number | Expr;
  /** Receives the word. */
  into: Into;
}

/**
 * Loads one word into the process's view: one transition, unsynchronised.
 * Not attached, or past the size: an `invalid shm access` violation.
 *
 * @param seg The segment.
 * @param options The index and the target.
 * @returns The step.
 *
 * @example
 * ```ts ignore
 * shmLoad(seg, { at: 0, into: s.into("r") });
 * ```
 *
 * @example The step it makes
 * ```ts
 * import { system } from "../spec.ts";
 * import { StepBuilder } from "../steps.ts";
 * import { segment, shmLoad } from "./shared_memory.ts";
 * import assert from "node:assert/strict";
 *
 * const s = new StepBuilder<unknown, { r: number }>();
 * const seg = segment(system({}), "seg");
 * assert.equal(shmLoad(seg, { into: s.into("r") }).kind, "op");
 * ```
 */
export function shmLoad(seg: Segment, options: ShmLoadOptions): Step {
  coreOf(seg);
  checkInto(`shmLoad(${seg.name}): into`, options.into);
  if (options.into === undefined) throw new TypeError(`shmLoad(${seg.name}): into is required`);
  const at = options.at ?? 0;
  const into = options.into;
  const fixed = typeof at === "number" ? at : undefined;
  return opStep({
    prim: seg,
    text: `load ${seg.name}[${fixed ?? "i"}]`,
    get footprint() {
      return wordFootprint(seg, fixed, false);
    },
    failure: "invalid shm access",
    enabled: () => true,
    apply(w, off, pid, ctx, pidName) {
      const i = evalExpr(at, ctx);
      const bad = badAccess(seg, w, off, pid, i, "reads", pidName);
      if (bad !== undefined) return bad;
      into.set(ctx, w[off + DATA + i]!);
      return undefined;
    },
  });
}

/** Options of {@linkcode shmStore}. */
export interface ShmStoreOptions {
  /** The word's index (default 0). */
  at?: number | Expr;
  /** The value to store. */
  value: number | Expr;
}

/**
 * Stores one word: one transition, unsynchronised. Not attached, or past
 * the size: an `invalid shm access` violation.
 *
 * @param seg The segment.
 * @param options The index and the value.
 * @returns The step.
 *
 * @example
 * ```ts ignore
 * shmStore(seg, { at: 0, value: s.expr(({ l }) => l.r + 1) });
 * ```
 *
 * @example The step it makes
 * ```ts
 * import { system } from "../spec.ts";
 * import { segment, shmStore } from "./shared_memory.ts";
 * import assert from "node:assert/strict";
 *
 * const seg = segment(system({}), "seg", { size: 2 });
 * assert.equal(shmStore(seg, { at: 1, value: 7 }).kind, "op");
 * ```
 */
export function shmStore(seg: Segment, options: ShmStoreOptions): Step {
  coreOf(seg);
  const at = options.at ?? 0;
  const value = options.value;
  if (typeof value !== "number" && (value === null || typeof value !== "object")) {
    throw new TypeError(`shmStore(${seg.name}): value must be a number or s.expr(...)`);
  }
  const fixed = typeof at === "number" ? at : undefined;
  return opStep({
    prim: seg,
    text: `store ${seg.name}[${fixed ?? "i"}]`,
    get footprint() {
      return wordFootprint(seg, fixed, true);
    },
    failure: "invalid shm access",
    enabled: () => true,
    apply(w, off, pid, ctx, pidName) {
      const i = evalExpr(at, ctx);
      const bad = badAccess(seg, w, off, pid, i, "writes", pidName);
      if (bad !== undefined) return bad;
      const v = evalExpr(value, ctx);
      if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) {
        throw new RangeError(
          `cannot store ${String(v)} in segment '${seg.name}': words are 32-bit`,
        );
      }
      w[off + DATA + i] = v;
      return undefined;
    },
  });
}
