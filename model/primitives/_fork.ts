// Private module: the processes of a system by pid, for the primitives that
// `fork` shares between processes (pipe ends, shared-memory attachments).
// The compiler numbers processes in declaration order, then by id; these
// helpers follow that numbering.

import type { OpImpl, PrimitiveImpl, Step } from "../_ast.ts";
import type { System } from "../system.ts";

/** The processes of a system by pid. */
export interface ProcessTable {
  /** `kind#id` per pid. */
  readonly names: readonly string[];
  /** The kind per pid. */
  readonly kinds: readonly string[];
  /** Whether each pid's body uses the primitive asked about. */
  readonly users: readonly boolean[];
  /** The pids that start dormant (dynamic kinds): they hold nothing until forked. */
  readonly dormantMask: number;
}

/** The most processes a per-pid bitmask in one Int32 slot can name. */
export const MAX_PROCESSES = 31;

/** Whether `steps` contain an operation that `test` accepts, at any depth. */
function usesOp(steps: readonly Step[], test: (op: OpImpl) => boolean): boolean {
  for (const s of steps) {
    switch (s.kind) {
      case "op":
        if (test(s.op)) return true;
        break;
      case "if":
        if (usesOp(s.then, test) || usesOp(s.else, test)) return true;
        break;
      case "while":
      case "atomic":
      case "region":
        if (usesOp(s.body, test)) return true;
        break;
      case "choose":
        if (s.branches.some((b) => usesOp(b, test))) return true;
        break;
      default:
        break;
    }
  }
  return false;
}

/** The instances each process declaration stands for (a bad count: none; the compiler reports it). */
function instances(count: unknown): number {
  return Number.isInteger(count) && (count as number) > 0 ? count as number : 0;
}

/** The bitmask of the pids whose body has an operation that `test` accepts. */
export function usersMask(
  sys: Pick<System<unknown>, "processes">,
  test: (op: OpImpl) => boolean,
): number {
  let mask = 0, pid = 0;
  for (const decl of sys.processes) {
    const uses = usesOp(decl.body, test);
    for (let id = 0; id < instances(decl.count); id++, pid++) if (uses) mask |= 1 << pid;
  }
  return mask;
}

/** The system's processes by pid, and which of them use `prim`. */
export function processTable(
  sys: Pick<System<unknown>, "processes">,
  prim: PrimitiveImpl,
): ProcessTable {
  const names: string[] = [], kinds: string[] = [], users: boolean[] = [];
  let dormantMask = 0;
  for (const decl of sys.processes) {
    const used = usesOp(decl.body, (op) => op.prim === prim);
    for (let id = 0; id < instances(decl.count); id++) {
      if (decl.dynamic === true) dormantMask |= 1 << names.length;
      names.push(`${decl.name}#${id}`);
      kinds.push(decl.name);
      users.push(used);
    }
  }
  return { names, kinds, users, dormantMask };
}

/**
 * The bitmask of the pids named by `list` (kinds, or instances `kind#id`),
 * or an error message naming an unknown one.
 */
export function maskOf(
  table: ProcessTable,
  list: readonly string[],
  what: string,
): number | string {
  let mask = 0;
  for (const who of list) {
    let hit = false;
    table.names.forEach((n, pid) => {
      if (n === who || table.kinds[pid] === who) {
        mask |= 1 << pid;
        hit = true;
      }
    });
    if (!hit) {
      return `${what}: no process '${who}' (processes: ${table.names.join(", ") || "none"})`;
    }
  }
  return mask;
}

/** The number of set bits. */
export function popcount(x: number): number {
  let v = x >>> 0, n = 0;
  while (v !== 0) {
    v &= v - 1;
    n++;
  }
  return n;
}

/** The pids of a bitmask, printed as `{a#0,b#1}`. */
export function pidSet(mask: number, pidName: (pid: number) => string): string {
  const out: string[] = [];
  for (let pid = 0; pid < 32; pid++) if ((mask >>> pid) & 1) out.push(pidName(pid));
  return `{${out.join(",")}}`;
}

/**
 * Throws a TypeError unless `sys` is the system made by `system()` (the
 * processes `fork` shares a primitive between); `what` names the primitive,
 * e.g. `pipe 'p'`.
 */
export function requireSystem(
  what: string,
  sys: unknown,
): asserts sys is Pick<System<unknown>, "processes"> {
  if (
    sys === null || typeof sys !== "object" ||
    !Array.isArray((sys as { processes?: unknown }).processes)
  ) {
    throw new TypeError(`${what}: the first argument must be the system made by system()`);
  }
}
