// Private module: the mutual-exclusion template on a semaphore or mutex
// (`System.exclusive`), re-exported by templates.ts.

import type { PrimitiveImpl } from "./_ast.ts";
import { type LockTap, lockTapsOf } from "./_tap.ts";
import type { Template, TemplateCheck } from "./_types.ts";
import { bit, maskText } from "./_ghost.ts";

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

/** Where a lock template's ghost slots are, once the model is built. */
interface LockGhost {
  w: Int32Array | undefined;
  off: number;
  nprocs: number;
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
  const g: LockGhost = { w: undefined, off: 0, nprocs: 0 };
  const tap = lockTap(g, limit);
  return {
    kind: "template",
    name: `${lock.name}.exclusive`,
    target: lock,
    rules: "mutual exclusion",
    get slots() {
      return L_PER + g.nprocs;
    },
    checks: lockChecks(lock.name, limit),
    bind(procs) {
      if (procs.length > 32) throw new RangeError(`templates tell at most 32 processes apart`);
      g.nprocs = procs.length;
      if (!taps.includes(tap)) taps.push(tap);
    },
    attach(w, off) {
      g.w = w;
      g.off = off;
    },
    init(w, off) {
      w.fill(0, off, off + L_PER + g.nprocs);
    },
    format(w, off, pidName) {
      return `holders ${holdersText(w, off, pidName)}`;
    },
    value(w, off) {
      return w[off + L_COUNT]!;
    },
  };
}

/** The tap that records holders in the ghost slots, and the first rule broken. */
function lockTap(g: LockGhost, limit: number): LockTap {
  const fail = (w: Int32Array, code: number, pid: number): void => {
    if (w[g.off + L_VIOL] !== 0) return;
    w[g.off + L_VIOL] = code;
    w[g.off + L_WHO] = pid;
  };
  return {
    acquire(w, pid) {
      if (w !== g.w) return;
      const o = g.off;
      w[o + L_HOLDERS] = w[o + L_HOLDERS]! | bit(pid);
      w[o + L_COUNT] = w[o + L_COUNT]! + 1;
      w[o + L_PER + pid] = w[o + L_PER + pid]! + 1;
      if (w[o + L_COUNT]! > limit) fail(w, EXCLUSION, pid);
    },
    release(w, pid) {
      if (w !== g.w) return;
      const o = g.off;
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
}

/** The two properties of a lock template, reading the first rule broken. */
function lockChecks(name: string, limit: number): TemplateCheck[] {
  return [
    {
      name: `${name}: mutual exclusion`,
      kind: "invariant",
      check(w, off, pidName) {
        if (w[off + L_VIOL] !== EXCLUSION) return undefined;
        return `${pidName(w[off + L_WHO]!)} acquired '${name}' while ${
          limit === 1 ? "another process held it" : `${limit} holders had it`
        } (holders ${holdersText(w, off, pidName)})`;
      },
    },
    {
      name: `${name}: release by holder`,
      kind: "invariant",
      check(w, off, pidName) {
        if (w[off + L_VIOL] !== OWNER) return undefined;
        return `${pidName(w[off + L_WHO]!)} released '${name}' without holding it (holders ${
          holdersText(w, off, pidName)
        })`;
      },
    },
  ];
}

function holdersText(w: Int32Array, off: number, pidName: (pid: number) => string): string {
  return maskText(w[off + L_HOLDERS]!, pidName);
}
