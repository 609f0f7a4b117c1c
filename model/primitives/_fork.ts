// Private module: the processes of a system by pid, for the primitives that
// `fork` shares between processes (pipe ends, shared-memory attachments).
// The compiler numbers processes in declaration order, then by id; these
// helpers follow that numbering.

import type { PrimitiveImpl, Step } from "../_ast.ts";
import type { System } from "../spec.ts";

/** The processes of a system by pid. */
export interface ProcessTable {
  /** `kind#id` per pid. */
  readonly names: readonly string[];
  /** The kind per pid. */
  readonly kinds: readonly string[];
  /** Whether each pid's body uses the primitive asked about. */
  readonly users: readonly boolean[];
}

/** The most processes a per-pid bitmask in one Int32 slot can name. */
export const MAX_PROCESSES = 31;

/** Whether `steps` use `prim` in any operation. */
function usesPrim(steps: readonly Step[], prim: PrimitiveImpl): boolean {
  for (const s of steps) {
    switch (s.kind) {
      case "op":
        if (s.op.prim === prim) return true;
        break;
      case "if":
        if (usesPrim(s.then, prim) || usesPrim(s.else, prim)) return true;
        break;
      case "while":
      case "atomic":
      case "region":
        if (usesPrim(s.body, prim)) return true;
        break;
      case "choose":
        if (s.branches.some((b) => usesPrim(b, prim))) return true;
        break;
      default:
        break;
    }
  }
  return false;
}

/** The system's processes by pid, and which of them use `prim`. */
export function processTable(
  sys: Pick<System<unknown>, "processes">,
  prim: PrimitiveImpl,
): ProcessTable {
  const names: string[] = [], kinds: string[] = [], users: boolean[] = [];
  for (const decl of sys.processes) {
    const used = usesPrim(decl.body, prim);
    const count = Number.isInteger(decl.count) && decl.count > 0 ? decl.count : 0;
    for (let id = 0; id < count; id++) {
      names.push(`${decl.name}#${id}`);
      kinds.push(decl.name);
      users.push(used);
    }
  }
  return { names, kinds, users };
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

/** Whether `sys` looks like the system made by `system()`. */
export function isSystem(sys: unknown): sys is Pick<System<unknown>, "processes"> {
  return sys !== null && typeof sys === "object" &&
    Array.isArray((sys as { processes?: unknown }).processes);
}
