// Private module: symmetry of the replicated processes declared
// `symmetric: true` (see docs/symmetry.md).
//
// Copies of a symmetric kind never learn their id or pid (the view's getters
// throw), and every primitive of the system can rename the processes it
// records (`PrimitiveImpl.permute`). Renaming the copies of a reachable state
// (moving their blocks of pc + locals, and renaming every pid the state
// records: the atomic block's owner, mutex owners, waiter masks) then gives
// a reachable state with the same properties, so a search may keep one
// representative per orbit. The representative sorts the copies' blocks;
// copies with identical blocks that the primitives tell apart are ordered by
// trying their renamings and keeping the smallest state.

import type { Ctx, PrimitiveImpl } from "./_ast.ts";
import type { Symmetry } from "./model.ts";
import type { StepInfo } from "./_types.ts";
import { SpecError } from "./spec_error.ts";

/** The most renamings of identical copies tried for one state. */
const MAX_TIE_RENAMINGS = 5040;

/**
 * The view of a copy of a symmetric kind: reading `id` or `pid` throws, so
 * code that tells the copies apart is an error naming the step.
 */
export function symmetricCtx(g: unknown, l: unknown, kind: string): Ctx {
  const refuse = (what: string): never => {
    throw new TypeError(
      `process '${kind}' is declared symmetric, so its code may not read its ${what} ` +
        `(the copies must be interchangeable); drop 'symmetric: true' or stop using ${what}`,
    );
  };
  return Object.freeze({
    g,
    l,
    get id(): number {
      return refuse("id");
    },
    get pid(): number {
      return refuse("pid");
    },
  });
}

/**
 * What a step property learns of a step: when the mover is a copy of a
 * symmetric kind, the fields that name it throw; when the operation's text
 * names one (the partner of a rendezvous, the waiter a signal wakes, by
 * pid), reading it throws.
 */
export function symmetricStepInfo(
  process: string,
  pid: number,
  operation: string,
  mover: string | undefined,
  partner: string | undefined,
): StepInfo {
  if (mover === undefined && partner === undefined) {
    return Object.freeze({ process, pid, operation });
  }
  const refuse = (kind: string, what: string): never => {
    throw new TypeError(
      what === "operation"
        ? `a step property may not read the operation of this step: it names a copy of ` +
          `process '${kind}', which is declared symmetric`
        : `a step property may not read the ${what} of a step of process '${kind}', ` +
          `which is declared symmetric (it would name one copy)`,
    );
  };
  return Object.freeze({
    get process(): string {
      return mover !== undefined ? refuse(mover, "process") : process;
    },
    get pid(): number {
      return mover !== undefined ? refuse(mover, "pid") : pid;
    },
    get operation(): string {
      return partner !== undefined ? refuse(partner, "operation") : operation;
    },
  });
}

/** A process instance as the symmetry sees it. */
export interface SymInst {
  /** Its kind. */
  readonly kind: string;
  /** Whether its kind is declared symmetric. */
  readonly symmetric: boolean;
  /** The slot of its pc; its locals follow. */
  readonly pcOff: number;
  /** 1 + the number of its local slots. */
  readonly size: number;
}

/** What {@linkcode buildSymmetry} needs of a compiled model. */
export interface SymParts {
  readonly spec: string;
  readonly width: number;
  /** Slot 0 holds the atomic block's owner (pid + 1, or 0). */
  readonly hasAtomic: boolean;
  /** Slots of the globals (they follow the atomic slot). */
  readonly globalSlots: number;
  readonly prims: readonly PrimitiveImpl[];
  readonly primOff: ReadonlyMap<PrimitiveImpl, number>;
  /** By pid. */
  readonly insts: readonly SymInst[];
}

interface Group {
  /** The first pid; the copies are base .. base + n - 1. */
  readonly base: number;
  readonly n: number;
  readonly size: number;
  /** pc slot of each copy. */
  readonly offs: Int32Array;
}

/**
 * The symmetry of a compiled model, or `undefined` when no kind with
 * several copies is declared symmetric. Throws a `SpecError` when one is
 * but the system cannot rename its copies.
 */
export function buildSymmetry(parts: SymParts): Symmetry | undefined {
  const groups: Group[] = [];
  const kinds: { process: string; copies: number }[] = [];
  for (let pid = 0; pid < parts.insts.length;) {
    const first = parts.insts[pid]!;
    let n = 1;
    while (parts.insts[pid + n]?.kind === first.kind) n++;
    if (first.symmetric && n >= 2) {
      const offs = Int32Array.from({ length: n }, (_, i) => parts.insts[pid + i]!.pcOff);
      groups.push({ base: pid, n, size: first.size, offs });
      kinds.push({ process: first.kind, copies: n });
    }
    pid += n;
  }
  if (groups.length === 0) return undefined;
  const names = kinds.map((k) => `'${k.process}'`).join(", ");
  const who = `process ${names} ${kinds.length === 1 ? "is" : "are"} declared symmetric`;
  for (const prim of parts.prims) {
    if (prim.permute === undefined) {
      throw new SpecError(
        `symmetry reduction does not apply: ${who}, but ${prim.kind} '${prim.name}' ` +
          `cannot rename the processes it records (it supports no symmetry); ` +
          `check without symmetry, or drop 'symmetric: true'`,
        { spec: parts.spec },
      );
    }
  }
  // Every slot must be one symmetry knows how to rename.
  let slots = (parts.hasAtomic ? 1 : 0) + parts.globalSlots;
  for (const prim of parts.prims) slots += prim.slots;
  for (const inst of parts.insts) slots += inst.size;
  if (slots !== parts.width) {
    throw new SpecError(
      `symmetry reduction does not apply: the state has ${parts.width} slots, ` +
        `of which symmetry accounts for ${slots}`,
      { spec: parts.spec },
    );
  }
  return new Canonicalizer(parts, groups, kinds);
}

function factorial(n: number): number {
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return f;
}

/** Every permutation of 0 .. m-1 (m small). */
function permutationsOf(m: number): Int32Array[] {
  if (m <= 1) return [Int32Array.of(0)];
  const out: Int32Array[] = [];
  for (const p of permutationsOf(m - 1)) {
    for (let at = 0; at < m; at++) {
      const q = new Int32Array(m);
      for (let i = 0, j = 0; i < m; i++) q[i] = i === at ? m - 1 : p[j++]!;
      out.push(q);
    }
  }
  return out;
}

class Canonicalizer implements Symmetry {
  readonly kinds: readonly { readonly process: string; readonly copies: number }[];
  readonly processes: number;
  readonly #parts: SymParts;
  readonly #groups: readonly Group[];
  readonly #prims: { prim: PrimitiveImpl; off: number }[];
  /** |G|: the product of the groups' factorials. */
  readonly #groupOrder: number;
  readonly #perm: Int32Array;
  readonly #perm2: Int32Array;
  readonly #best: Int32Array;
  readonly #bestPerm: Int32Array;
  readonly #t: Int32Array;
  readonly #u: Int32Array;
  readonly #order: Int32Array;
  readonly #permsOf = new Map<number, Int32Array[]>();

  constructor(parts: SymParts, groups: Group[], kinds: { process: string; copies: number }[]) {
    this.#parts = parts;
    this.#groups = groups;
    this.kinds = kinds;
    this.processes = parts.insts.length;
    this.#prims = parts.prims.map((prim) => ({ prim, off: parts.primOff.get(prim)! }));
    this.#groupOrder = groups.reduce((f, g) => f * factorial(g.n), 1);
    const P = this.processes;
    this.#perm = new Int32Array(P);
    this.#perm2 = new Int32Array(P);
    this.#bestPerm = new Int32Array(P);
    this.#best = new Int32Array(parts.width);
    this.#t = new Int32Array(parts.width);
    this.#u = new Int32Array(parts.width);
    this.#order = new Int32Array(Math.max(...groups.map((g) => g.n)));
  }

  permute(state: Int32Array, perm: Int32Array, out: Int32Array): void {
    for (let i = 0; i < state.length; i++) out[i] = state[i]!;
    for (const g of this.#groups) {
      for (let i = 0; i < g.n; i++) {
        const to = perm[g.base + i]! - g.base;
        if (to === i) continue;
        const src = g.offs[i]!, dst = g.offs[to]!;
        for (let k = 0; k < g.size; k++) out[dst + k] = state[src + k]!;
      }
    }
    if (this.#parts.hasAtomic && state[0]! > 0) out[0] = perm[state[0]! - 1]! + 1;
    for (const { prim, off } of this.#prims) prim.permute!(out, off, perm);
  }

  canonicalize(state: Int32Array, permOut?: Int32Array): number {
    const perm = this.#perm;
    for (let p = 0; p < perm.length; p++) perm[p] = p;
    // Sort each group's blocks (stable insertion sort on indices), and
    // count the runs of identical blocks.
    let ties = 0;
    let tieProduct = 1;
    const order = this.#order;
    for (const g of this.#groups) {
      for (let i = 0; i < g.n; i++) {
        let j = i;
        while (j > 0 && this.#cmpBlocks(state, g, order[j - 1]!, i) > 0) {
          order[j] = order[j - 1]!;
          j--;
        }
        order[j] = i;
      }
      let run = 1;
      for (let j = 0; j < g.n; j++) {
        perm[g.base + order[j]!] = g.base + j;
        if (j > 0 && this.#cmpBlocks(state, g, order[j - 1]!, order[j]!) === 0) {
          run++;
        } else {
          if (run > 1) ties++;
          tieProduct *= factorial(run);
          run = 1;
        }
      }
      if (run > 1) ties++;
      tieProduct *= factorial(run);
    }
    const t = this.#t;
    this.permute(state, perm, t);
    if (ties === 0) {
      for (let i = 0; i < t.length; i++) state[i] = t[i]!;
      if (permOut !== undefined) permOut.set(perm);
      return this.#groupOrder;
    }
    // Identical copies: if swapping neighbours in every run leaves the
    // state alone, every renaming within the runs does, and t is canonical.
    if (this.#tiesInvisible(t)) {
      for (let i = 0; i < t.length; i++) state[i] = t[i]!;
      if (permOut !== undefined) permOut.set(perm);
      return this.#groupOrder / tieProduct;
    }
    if (tieProduct > MAX_TIE_RENAMINGS) {
      for (let i = 0; i < t.length; i++) state[i] = t[i]!;
      if (permOut !== undefined) permOut.set(perm);
      return -this.#groupOrder / tieProduct;
    }
    return this.#smallestRenaming(state, perm, permOut);
  }

  #cmpBlocks(w: Int32Array, g: Group, a: number, b: number): number {
    const oa = g.offs[a]!, ob = g.offs[b]!;
    for (let k = 0; k < g.size; k++) {
      const d = w[oa + k]! - w[ob + k]!;
      if (d !== 0) return d;
    }
    return 0;
  }

  /** The runs of identical blocks of `t` (sorted), as [group, start, length]. */
  #runs(t: Int32Array): [Group, number, number][] {
    const out: [Group, number, number][] = [];
    for (const g of this.#groups) {
      let start = 0;
      for (let j = 1; j <= g.n; j++) {
        if (j < g.n && this.#cmpBlocks(t, g, j - 1, j) === 0) continue;
        if (j - start > 1) out.push([g, start, j - start]);
        start = j;
      }
    }
    return out;
  }

  #tiesInvisible(t: Int32Array): boolean {
    const swap = this.#perm2;
    const u = this.#u;
    for (let p = 0; p < swap.length; p++) swap[p] = p;
    for (const g of this.#groups) {
      for (let j = 1; j < g.n; j++) {
        if (this.#cmpBlocks(t, g, j - 1, j) !== 0) continue;
        // Swapping neighbours in the runs generates every renaming within them.
        const a = g.base + j - 1, b = g.base + j;
        swap[a] = b;
        swap[b] = a;
        const changes = this.#renamingChanges(t, swap, u);
        swap[a] = a;
        swap[b] = b;
        if (changes) return false;
      }
    }
    return true;
  }

  /**
   * Whether renaming `t` by `perm`, which only swaps identical blocks,
   * changes it: only the atomic block's owner and the primitives can
   * change, so only they are renamed (in `u`) and compared.
   */
  #renamingChanges(t: Int32Array, perm: Int32Array, u: Int32Array): boolean {
    if (this.#parts.hasAtomic && t[0]! > 0 && perm[t[0]! - 1] !== t[0]! - 1) return true;
    for (const { prim, off } of this.#prims) {
      const end = off + prim.slots;
      for (let i = off; i < end; i++) u[i] = t[i]!;
      prim.permute!(u, off, perm);
      for (let i = off; i < end; i++) if (u[i] !== t[i]) return true;
    }
    return false;
  }

  /**
   * Tries every renaming within the runs of identical blocks of the sorted
   * state and keeps the smallest state; returns the orbit size.
   */
  #smallestRenaming(state: Int32Array, perm: Int32Array, permOut?: Int32Array): number {
    const t = this.#t;
    const runs = this.#runs(t);
    const lists = runs.map(([, , len]) => {
      let l = this.#permsOf.get(len);
      if (l === undefined) this.#permsOf.set(len, l = permutationsOf(len));
      return l;
    });
    const digits = new Int32Array(runs.length);
    const sigma = this.#perm2;
    const u = this.#u;
    const best = this.#best;
    let stabilizer = 0;
    let first = true;
    while (true) {
      for (let p = 0; p < sigma.length; p++) sigma[p] = p;
      runs.forEach(([g, start], r) => {
        const q = lists[r]![digits[r]!]!;
        for (let i = 0; i < q.length; i++) sigma[g.base + start + i] = g.base + start + q[i]!;
      });
      this.permute(t, sigma, u);
      let d = 0;
      if (!first) {
        for (let i = 0; i < u.length && d === 0; i++) d = u[i]! - best[i]!;
      }
      if (first || d < 0) {
        first = false;
        best.set(u);
        stabilizer = 1;
        // The renaming from the original state: perm, then sigma.
        for (let p = 0; p < perm.length; p++) this.#bestPerm[p] = sigma[perm[p]!]!;
      } else if (d === 0) {
        stabilizer++;
      }
      let r = 0;
      while (r < runs.length && ++digits[r]! === lists[r]!.length) digits[r++] = 0;
      if (r === runs.length) break;
    }
    state.set(best);
    if (permOut !== undefined) permOut.set(this.#bestPerm);
    return this.#groupOrder / stabilizer;
  }
}
