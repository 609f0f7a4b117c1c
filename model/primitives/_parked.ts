// Private module: the table of parked callers the message queues share
// (System V and POSIX). Each entry is E slots: pid + 1 (0: free), role,
// and four fields whose meaning the role gives. Entries are kept packed at
// the front, in a canonical order (by role, then blocking order or pid), so
// that equal tables are equal states.

import { closeGap } from "./_op.ts";

/** Slots per entry. */
export const E = 6;
/** Roles: a blocked receiver, a blocked sender, a woken caller with its result. */
export const RECV = 1, SEND = 2, DONE = 3;

/** The table operations, for a queue whose roles in `fifoRoles` keep blocking order. */
export interface ParkedTable {
  /** Index of the entry of `pid` (any role), or -1. */
  findEntry(w: Int32Array, base: number, cap: number, pid: number): number;
  /** Index of the entry of `pid` with `role`, or -1. */
  findRole(w: Int32Array, base: number, cap: number, pid: number, role: number): number;
  /** Index of the first entry with `role`, or -1. */
  firstOf(w: Int32Array, base: number, cap: number, role: number): number;
  /** Removes entry `i`, closing the gap. */
  removeEntry(w: Int32Array, base: number, cap: number, i: number): void;
  /**
   * Inserts an entry at its canonical place: after every entry of its role
   * for a blocking-order role, else in pid order within its role. Returns
   * false when the table is full.
   */
  insertEntry(
    w: Int32Array,
    base: number,
    cap: number,
    pid: number,
    role: number,
    f1: number,
    f2: number,
    f3: number,
    f4: number,
  ): boolean;
  /** Turns entry `i` into a woken entry with a result (never grows the table). */
  wake(
    w: Int32Array,
    base: number,
    cap: number,
    i: number,
    f1: number,
    f2: number,
    f3: number,
    f4: number,
  ): void;
}

/** The table operations of a queue whose `fifoRoles` keep blocking order. */
export function parkedTable(fifoRoles: readonly number[]): ParkedTable {
  const fifo = new Uint8Array(8);
  for (const r of fifoRoles) fifo[r] = 1;
  const findRole = (w: Int32Array, base: number, cap: number, pid: number, role: number) => {
    for (let i = 0; i < cap; i++) {
      const tag = w[base + E * i]!;
      if (tag === 0) return -1;
      if (tag === pid + 1 && (role === 0 || w[base + E * i + 1] === role)) return i;
    }
    return -1;
  };
  const removeEntry = (w: Int32Array, base: number, cap: number, i: number) =>
    closeGap(w, base, cap, i, E);
  const insertEntry = (
    w: Int32Array,
    base: number,
    cap: number,
    pid: number,
    role: number,
    f1: number,
    f2: number,
    f3: number,
    f4: number,
  ) => {
    let n = 0;
    while (n < cap && w[base + E * n] !== 0) n++;
    if (n === cap) return false;
    const inOrder = fifo[role] === 1;
    let pos = 0;
    while (pos < n) {
      const r = w[base + E * pos + 1]!;
      if (r > role || (r === role && !inOrder && w[base + E * pos]! > pid + 1)) break;
      pos++;
    }
    for (let j = n; j > pos; j--) {
      const d = base + E * j;
      for (let k = 0; k < E; k++) w[d + k] = w[d - E + k]!;
    }
    const e = base + E * pos;
    w[e] = pid + 1;
    w[e + 1] = role;
    w[e + 2] = f1;
    w[e + 3] = f2;
    w[e + 4] = f3;
    w[e + 5] = f4;
    return true;
  };
  return {
    findEntry: (w, base, cap, pid) => findRole(w, base, cap, pid, 0),
    findRole,
    firstOf(w, base, cap, role) {
      for (let i = 0; i < cap; i++) {
        const e = base + E * i;
        if (w[e] === 0) return -1;
        if (w[e + 1] === role) return i;
      }
      return -1;
    },
    removeEntry,
    insertEntry,
    wake(w, base, cap, i, f1, f2, f3, f4) {
      const pid = w[base + E * i]! - 1;
      removeEntry(w, base, cap, i);
      insertEntry(w, base, cap, pid, DONE, f1, f2, f3, f4);
    },
  };
}

/** Whether the caller whose entry is `i` (-1: it has none) may return: it never parked, or was woken. */
export function mayReturn(w: Int32Array, base: number, i: number): boolean {
  return i < 0 || w[base + E * i + 1] === DONE;
}

/** The headings of the table's text, by role; any other role is a notification. */
const GROUPS = ["receivers", "senders", "woken", "notified"];

/**
 * The table in words, `receivers ...; senders ...; woken ...; notified ...`,
 * each entry as `text` words it from its role, its caller's name and its
 * four fields (roles other than RECV, SEND and DONE are notifications).
 */
export function formatParked(
  w: Int32Array,
  base: number,
  cap: number,
  pidName: (pid: number) => string,
  text: (role: number, who: string, f1: number, f2: number, f3: number, f4: number) => string,
): string {
  const groups: string[][] = GROUPS.map(() => []);
  for (let i = 0; i < cap; i++) {
    const e = base + E * i;
    const tag = w[e]!;
    if (tag === 0) break;
    const role = w[e + 1]!;
    const g = role === RECV ? 0 : role === SEND ? 1 : role === DONE ? 2 : 3;
    groups[g]!.push(text(role, pidName(tag - 1), w[e + 2]!, w[e + 3]!, w[e + 4]!, w[e + 5]!));
  }
  return GROUPS.flatMap((name, g) =>
    groups[g]!.length > 0 ? [`${name} ${groups[g]!.join(", ")}`] : []
  )
    .join("; ");
}
