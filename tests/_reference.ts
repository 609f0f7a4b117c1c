// Test helper: a brute-force reference explorer for ipcspec systems.
//
// It interprets the step tree of a `System` directly, with its own code and
// its own state representation (plain objects, `JSON.stringify` keys, a
// `Map`, a plain BFS). It shares nothing with `model/_compile.ts` or
// `model/_views.ts`: positions are found by walking the tree with parent
// links, transitions are re-derived from the contract, guards and effects
// run against plain-object views (arrays are plain JS arrays; the state is
// copied before an effect runs).
//
// Semantics (the contract the packed compiler implements):
// - a position is a step that carries transitions (do, when, assert, an
//   operation, if, while with a condition, choose, an empty loop) or the end
//   of the process; labels, gotos, breaks, regions, atomic blocks and
//   non-empty loops resolve to the position of the next such step;
// - choose offers the first transitions of every branch; an empty branch, or
//   one whose entry resolves to the continuation, is one skip transition;
// - atomic: a transition from a position inside block B to a position inside
//   B makes the mover the owner, any other transition clears it; while an
//   owner is set only transitions it takes part in are considered, unless it
//   has none (atomicity lost). Rendezvous clears the owner.

import { type Ctx, type Step, timeoutGuard } from "../model/_ast.ts";
import type { StateView, System } from "../model/spec.ts";
import type { Channel, Mutex, Semaphore } from "../mod.ts";
import type { PrimitiveImpl } from "../extend.ts";

// ---------------------------------------------------------------------------
// Operations on primitives.

/** What an operation step does, as the reference interprets it. */
export type OpDesc =
  | { readonly op: "wait" | "post"; readonly sem: Semaphore }
  | { readonly op: "lock" | "unlock"; readonly mutex: Mutex }
  | { readonly op: "send"; readonly ch: Channel; readonly value: (ctx: Ctx) => number }
  | {
    readonly op: "recv";
    readonly ch: Channel;
    readonly into: string | ((ctx: Ctx, m: number) => void);
  };

const TRACKED = new WeakMap<object, OpDesc>();

/**
 * Registers what an operation step does. Channel operations must be
 * registered (their value and target are hidden inside the step); the
 * semaphore and mutex operations are recognised on their own.
 */
export function track(step: Step, desc: OpDesc): Step {
  TRACKED.set(step, desc);
  return step;
}

function opDesc(step: Extract<Step, { kind: "op" }>): OpDesc {
  const known = TRACKED.get(step);
  if (known !== undefined) return known;
  const prim = step.op.prim;
  const name = /^(\w+)\(/.exec(step.op.text)?.[1];
  if (prim.kind === "semaphore" && (name === "wait" || name === "post")) {
    return { op: name, sem: prim as Semaphore };
  }
  if (prim.kind === "mutex" && (name === "lock" || name === "unlock")) {
    return { op: name, mutex: prim as Mutex };
  }
  throw new Error(
    `reference: operation '${step.op.text}' is not tracked (register channel ops with track())`,
  );
}

// ---------------------------------------------------------------------------
// Variables.

type Val = number | boolean | number[];

interface VarSpec {
  readonly name: string;
  readonly type: "int" | "bool" | "array";
  readonly init: Val;
  readonly min: number;
  readonly max: number;
  readonly length: number;
}

const I32_MIN = -2147483648;
const I32_MAX = 2147483647;

function varSpecs(decls: Record<string, unknown>): VarSpec[] {
  return Object.entries(decls).map(([name, d]): VarSpec => {
    if (typeof d === "number") {
      return { name, type: "int", init: d, min: I32_MIN, max: I32_MAX, length: 1 };
    }
    if (typeof d === "boolean") {
      return { name, type: "bool", init: d, min: 0, max: 1, length: 1 };
    }
    const o = d as {
      type: string;
      init: number | boolean | readonly number[];
      min?: number;
      max?: number;
      length?: number;
    };
    if (o.type === "bool") {
      return { name, type: "bool", init: o.init as boolean, min: 0, max: 1, length: 1 };
    }
    if (o.type === "int") {
      return {
        name,
        type: "int",
        init: o.init as number,
        min: o.min ?? I32_MIN,
        max: o.max ?? I32_MAX,
        length: 1,
      };
    }
    const len = o.length!;
    const init = typeof o.init === "number"
      ? new Array<number>(len).fill(o.init)
      : [...(o.init as readonly number[])];
    return {
      name,
      type: "array",
      init,
      min: o.min ?? I32_MIN,
      max: o.max ?? I32_MAX,
      length: len,
    };
  });
}

function initVals(specs: readonly VarSpec[]): Record<string, Val> {
  const out: Record<string, Val> = {};
  for (const v of specs) out[v.name] = Array.isArray(v.init) ? [...v.init] : v.init;
  return out;
}

function validVals(specs: readonly VarSpec[], vals: Record<string, Val>): string | undefined {
  const okInt = (x: unknown, v: VarSpec) =>
    typeof x === "number" && Number.isInteger(x) && x >= v.min && x <= v.max;
  for (const v of specs) {
    const x = vals[v.name];
    if (v.type === "bool" && typeof x !== "boolean") return `${v.name} = ${String(x)}`;
    if (v.type === "int" && !okInt(x, v)) return `${v.name} = ${String(x)}`;
    if (v.type === "array") {
      if (!Array.isArray(x) || x.length !== v.length || !x.every((e) => okInt(e, v))) {
        return `${v.name} = ${JSON.stringify(x)}`;
      }
    }
  }
  if (Object.keys(vals).length !== specs.length) return "a variable was added";
  return undefined;
}

// ---------------------------------------------------------------------------
// Errors.

/** The system cannot be checked (the checker must report verdict `error`). */
export class RefSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RefSpecError";
  }
}

/** Spec code failed while the reference ran it. */
export class RefRuntimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RefRuntimeError";
  }
}

// ---------------------------------------------------------------------------
// The step tree with parent links, and positions.

/** The end of a process (a position). */
export const END = -1;

interface Node {
  readonly id: number;
  readonly step: Step;
  /** The node whose child list holds this node; undefined at the top level. */
  readonly owner: Node | undefined;
  /** Which child list of the owner: "then", "else", "body", "b<i>", or "top". */
  readonly list: string;
  readonly index: number;
  /** The outermost atomic block around this node. */
  readonly atomic: Node | undefined;
  readonly regions: readonly string[];
  /** The innermost while/loop around this node. */
  readonly loop: Node | undefined;
  readonly kids: Map<string, Node[]>;
}

/** A transition of a position: `keeps` when firing it keeps the atomic floor. */
type STrans =
  & { readonly to: number; readonly keeps: boolean }
  & (
    | { readonly k: "do"; readonly fn: (ctx: Ctx) => unknown; readonly to: number }
    | {
      readonly k: "when";
      readonly guard: (ctx: Ctx) => boolean;
      /** A guarded command's effect, in the same transition. */
      readonly fn: ((ctx: Ctx) => unknown) | undefined;
      /** The guard is `timeout`: enabled when nothing else is. */
      readonly timeout: boolean;
      readonly to: number;
    }
    | {
      readonly k: "assert";
      readonly name: string;
      readonly pred: (ctx: Ctx) => boolean | string;
      readonly to: number;
    }
    | {
      readonly k: "cond";
      readonly guard: (ctx: Ctx) => boolean;
      readonly want: boolean;
      /** A counted loop's exit: the counter's reset. */
      readonly fn: ((ctx: Ctx) => unknown) | undefined;
      readonly to: number;
    }
    | { readonly k: "skip"; readonly to: number }
    | { readonly k: "op"; readonly desc: OpDesc; readonly to: number }
  );

/** One process kind, interpreted. */
class Kind {
  readonly name: string;
  readonly count: number;
  readonly locals: VarSpec[];
  readonly nodes: Node[] = [];
  readonly top: Node[];
  readonly entry: number;
  readonly #res = new Map<Node, number>();
  readonly #inProgress = new Set<Node>();
  readonly #labels = new Map<string, Node>();
  readonly #trans = new Map<number, STrans[]>();
  /** Positions that are valid ends (besides END). */
  readonly endLabels = new Set<number>();
  /** Unusual constructs met (to relate disagreements to their cause). */
  readonly notes = new Set<string>();
  /** Label names by the position they resolve to. */
  readonly labelNames = new Map<number, string[]>();

  constructor(
    decl: { name: string; count: number; locals: Record<string, unknown>; body: readonly Step[] },
  ) {
    this.name = decl.name;
    this.count = decl.count;
    this.locals = varSpecs(decl.locals);
    if (!Array.isArray(decl.body)) throw new RefSpecError(`${decl.name}: body is not a list`);
    this.top = this.#build(decl.body, undefined, "top", undefined, [], undefined);
    // Static checks, for every node (reachable or not).
    for (const n of this.nodes) {
      const s = n.step;
      if (s.kind === "label") {
        if (this.#labels.has(s.name)) throw new RefSpecError(`duplicate label ${s.name}`);
        this.#labels.set(s.name, n);
      }
      if (s.kind === "break" && n.loop === undefined) throw new RefSpecError("break outside loop");
      if (s.kind === "choose" && s.branches.length === 0) throw new RefSpecError("empty choose");
      if (typeof s !== "object" || s === null) throw new RefSpecError("not a step");
    }
    for (const n of this.nodes) {
      if (n.step.kind === "goto" && !this.#labels.has(n.step.target)) {
        throw new RefSpecError(`unknown label ${n.step.target}`);
      }
    }
    this.entry = this.#seqEntry(this.top, 0, undefined);
    // Resolve everything the semantics needs: every position's transitions
    // and every label (cycles are errors wherever they are).
    for (const n of this.nodes) if (this.#isPosition(n)) this.transitions(n.id);
    for (const [name, n] of this.#labels) {
      const pos = this.#after(n);
      const list = this.labelNames.get(pos) ?? [];
      list.push(name);
      this.labelNames.set(pos, list);
      if (n.step.kind === "label" && n.step.end) this.endLabels.add(pos);
    }
  }

  #build(
    steps: readonly Step[],
    owner: Node | undefined,
    list: string,
    atomic: Node | undefined,
    regions: readonly string[],
    loop: Node | undefined,
  ): Node[] {
    if (!Array.isArray(steps)) throw new RefSpecError("expected a list of steps");
    return steps.map((step, index) => {
      if (typeof step !== "object" || step === null) throw new RefSpecError("not a step");
      const node: Node = {
        id: this.nodes.length,
        step,
        owner,
        list,
        index,
        atomic,
        regions,
        loop,
        kids: new Map(),
      };
      this.nodes.push(node);
      const inner = (
        s: readonly Step[],
        key: string,
        opts: { atomic?: Node; region?: string; loop?: Node } = {},
      ) =>
        node.kids.set(
          key,
          this.#build(
            s,
            node,
            key,
            opts.atomic ?? atomic,
            opts.region !== undefined ? [...regions, opts.region] : regions,
            opts.loop ?? loop,
          ),
        );
      switch (step.kind) {
        case "if":
          inner(step.then, "then");
          inner(step.else, "else");
          break;
        case "while":
          inner(step.body, "body", { loop: node });
          break;
        case "choose":
          step.branches.forEach((b: readonly Step[], i: number) => inner(b, `b${i}`));
          break;
        case "atomic":
          inner(step.body, "body", { atomic: atomic ?? node });
          break;
        case "region":
          inner(step.body, "body", { region: step.name });
          break;
        default:
          break;
      }
      return node;
    });
  }

  #isPosition(n: Node): boolean {
    const s = n.step;
    switch (s.kind) {
      case "do":
      case "when":
      case "assert":
      case "op":
      case "if":
      case "choose":
        return true;
      case "while":
        return s.cond !== undefined || s.body.length === 0;
      default:
        return false;
    }
  }

  /**
   * The position reached when control arrives at `n`. With `path`, records
   * every step list control runs off the end of on the way (by its owner),
   * bypassing the cache.
   */
  #resolve(n: Node, path?: Node[]): number {
    if (this.#isPosition(n)) return n.id;
    const known = path === undefined ? this.#res.get(n) : undefined;
    if (known !== undefined) return known;
    if (this.#inProgress.has(n)) {
      throw new RefSpecError(`${this.name}: a goto or loop jumps in a circle without any step`);
    }
    this.#inProgress.add(n);
    let r: number;
    const s = n.step;
    try {
      switch (s.kind) {
        case "while": // an endless loop with a body: its head is the body's entry
          r = this.#seqEntry(n.kids.get("body")!, 0, n, path);
          break;
        case "label":
          r = this.#after(n, path);
          break;
        case "goto": {
          // A goto leaves every block around it that does not also hold its
          // label (an atomic block among them ends there).
          const label = this.#labels.get(s.target)!;
          for (let up = n.owner; up !== undefined && !isInside(label, up); up = up.owner) {
            path?.push(up);
          }
          r = this.#resolve(label, path);
          break;
        }
        case "break":
          // A break leaves every block between it and its loop (an atomic
          // block among them ends there, even if the loop leads back in).
          for (let up = n.owner; up !== undefined && up !== n.loop; up = up.owner) path?.push(up);
          r = this.#after(n.loop!, path);
          break;
        case "atomic":
        case "region":
          r = this.#seqEntry(n.kids.get("body")!, 0, n, path);
          break;
        default:
          throw new Error(`reference: unexpected step ${s.kind}`);
      }
    } finally {
      this.#inProgress.delete(n);
    }
    if (path === undefined) this.#res.set(n, r);
    return r;
  }

  /** Control enters `list` at index `i` (past its end: where the list continues). */
  #seqEntry(list: readonly Node[], i: number, owner: Node | undefined, path?: Node[]): number {
    if (i < list.length) return this.#resolve(list[i]!, path);
    if (owner === undefined) return END;
    path?.push(owner); // leaving the owner's list
    const s = owner.step;
    if (s.kind === "while") {
      // The body runs back to the loop's head.
      return s.cond !== undefined ? owner.id : this.#resolve(owner, path);
    }
    return this.#after(owner, path);
  }

  /** The position after step `n` (its continuation). */
  #after(n: Node, path?: Node[]): number {
    const list = n.owner === undefined ? this.top : n.owner.kids.get(n.list)!;
    return this.#seqEntry(list, n.index + 1, n.owner, path);
  }

  /**
   * A transition made by step `src`, going where `go` leads. It keeps its
   * process inside an atomic block when `src` is a step of the block, the
   * target is another step of it, and control does not pass the block's end
   * on the way (a loop around the block passes the end each round).
   */
  #edge(src: Node, go: (path: Node[]) => number): { to: number; keeps: boolean } {
    const ranOff: Node[] = [];
    const to = go(ranOff);
    const b = src.atomic;
    const keeps = b !== undefined && to !== END && isInside(this.nodes[to]!, b) &&
      !ranOff.includes(b);
    if (keeps && to === this.#after(b)) {
      this.notes.add("a jump inside an atomic block to where the block continues");
    }
    return { to, keeps };
  }

  /** The transitions of a position. */
  transitions(pos: number): readonly STrans[] {
    if (pos === END) return [];
    let t = this.#trans.get(pos);
    if (t === undefined) {
      t = this.#computeTrans(this.nodes[pos]!, []);
      this.#trans.set(pos, t);
    }
    return t;
  }

  #computeTrans(n: Node, chooseStack: Node[]): STrans[] {
    const s = n.step;
    const next = () => this.#edge(n, (p) => this.#after(n, p));
    const into = (key: string) => this.#edge(n, (p) => this.#seqEntry(n.kids.get(key)!, 0, n, p));
    switch (s.kind) {
      case "do":
        return [{ k: "do", fn: s.fn, ...next() }];
      case "when":
        return [{
          k: "when",
          guard: s.guard,
          fn: s.fn,
          timeout: s.guard === timeoutGuard,
          ...next(),
        }];
      case "assert":
        return [{ k: "assert", name: s.name, pred: s.pred, ...next() }];
      case "op":
        return [{ k: "op", desc: opDesc(s), ...next() }];
      case "if":
        return [
          { k: "cond", guard: s.cond, want: true, fn: undefined, ...into("then") },
          { k: "cond", guard: s.cond, want: false, fn: undefined, ...into("else") },
        ];
      case "while":
        if (s.cond === undefined) {
          return [{ k: "skip", ...this.#edge(n, (p) => this.#resolve(n, p)) }];
        }
        return [
          { k: "cond", guard: s.cond, want: true, fn: undefined, ...into("body") },
          { k: "cond", guard: s.cond, want: false, fn: s.counted?.reset, ...next() },
        ];
      case "choose": {
        const out: STrans[] = [];
        const cont = this.#after(n);
        const stack = [...chooseStack, n];
        s.branches.forEach((_, i) => {
          const list = n.kids.get(`b${i}`)!;
          if (list.length === 0) {
            out.push({ k: "skip", ...next() });
            return;
          }
          const e = this.#seqEntry(list, 0, n);
          if (e === cont || e === END) {
            if (e === cont) this.notes.add("choose branch resolves to the continuation");
            out.push({ k: "skip", ...into(`b${i}`) });
            return;
          }
          // The branch's first transitions are those of the position it
          // enters (another choice's, when it starts with one).
          const target = this.nodes[e]!;
          if (stack.includes(target)) {
            throw new RefSpecError(`${this.name}: a choice reaches itself without any step`);
          }
          out.push(...this.#computeTrans(target, stack));
        });
        return out;
      }
      default:
        throw new Error(`reference: ${s.kind} is not a position`);
    }
  }

  /**
   * The names a position carries, for `inside()` and `at()`: its regions,
   * the labels resolving to it, and its step's name.
   */
  names(pos: number): readonly string[] {
    const labels = this.labelNames.get(pos) ?? [];
    if (pos === END) return labels;
    const n = this.nodes[pos]!;
    const s = n.step;
    const own = s.kind === "assert" ? `assert ${s.name}` : "name" in s ? s.name : undefined;
    return [...n.regions, ...labels, ...(own !== undefined ? [own] : [])];
  }

  validEnd(pos: number): boolean {
    return pos === END || this.endLabels.has(pos);
  }
}

function isInside(n: Node, ancestor: Node): boolean {
  for (let cur = n.owner; cur !== undefined; cur = cur.owner) if (cur === ancestor) return true;
  return false;
}

// ---------------------------------------------------------------------------
// States.

/** A state of the reference: plain data, keyed by `JSON.stringify`. */
export interface RState {
  /** The pid of the atomic owner, or -1. */
  readonly owner: number;
  readonly g: Record<string, Val>;
  /** Semaphore value, mutex owner pid (-1 free), channel contents; by primitive name. */
  readonly prims: Record<string, number | number[]>;
  readonly procs: readonly { readonly pos: number; readonly l: Record<string, Val> }[];
}

interface MutState {
  owner: number;
  g: Record<string, Val>;
  prims: Record<string, number | number[]>;
  procs: { pos: number; l: Record<string, Val> }[];
}

function cloneVals(v: Record<string, Val>): Record<string, Val> {
  const out: Record<string, Val> = {};
  for (const k of Object.keys(v)) {
    const x = v[k]!;
    out[k] = Array.isArray(x) ? [...x] : x;
  }
  return out;
}

function cloneState(s: RState): MutState {
  const prims: Record<string, number | number[]> = {};
  for (const k of Object.keys(s.prims)) {
    const x = s.prims[k]!;
    prims[k] = Array.isArray(x) ? [...x] : x;
  }
  return {
    owner: s.owner,
    g: cloneVals(s.g),
    prims,
    procs: s.procs.map((p) => ({ pos: p.pos, l: cloneVals(p.l) })),
  };
}

function deepFreeze<T>(x: T): T {
  if (typeof x === "object" && x !== null && !Object.isFrozen(x)) {
    Object.freeze(x);
    for (const v of Object.values(x)) deepFreeze(v);
  }
  return x;
}

function sealVals(v: Record<string, Val>): Record<string, Val> {
  for (const x of Object.values(v)) if (Array.isArray(x)) Object.seal(x);
  return Object.seal(v);
}

/** A successor move: the pids that move, and the successor or the failure. */
export interface Move {
  readonly actors: readonly number[];
  readonly next?: RState;
  readonly fail?: { readonly property: string; readonly kind: "assertion" | "primitive" };
}

interface Inst {
  readonly kind: Kind;
  readonly id: number;
  readonly pid: number;
  readonly name: string;
}

/** The reference's interpretation of a System. */
export class RefModel {
  readonly sys: System<unknown>;
  readonly kinds: Kind[];
  readonly insts: Inst[] = [];
  readonly globals: VarSpec[];
  /** The primitives used by any process, in order of first use. */
  readonly prims: PrimitiveImpl[] = [];
  readonly deadlock: boolean;
  /** What the exploration met: joint (rendezvous) moves, states with an atomic owner. */
  readonly seen = { joint: 0, owned: 0 };

  /** @throws {RefSpecError} When the checker must refuse the system. */
  constructor(sys: System<unknown>) {
    this.sys = sys;
    this.deadlock = sys.options.deadlock;
    this.globals = varSpecs(sys.globals);
    if (sys.processes.length === 0) throw new RefSpecError("no process");
    const names = new Set<string>();
    for (const p of sys.processes) {
      if (names.has(p.name)) throw new RefSpecError(`two kinds named ${p.name}`);
      names.add(p.name);
    }
    this.kinds = sys.processes.map((p) => new Kind(p));
    for (const k of this.kinds) {
      for (let id = 0; id < k.count; id++) {
        this.insts.push({ kind: k, id, pid: this.insts.length, name: `${k.name}#${id}` });
      }
    }
    if (this.insts.length === 0) throw new RefSpecError("no process instance");
    // Primitives and property kinds.
    const kinds = new Map<string, string>();
    const prop = (name: string, kind: string) => {
      const have = kinds.get(name);
      if (have !== undefined && have !== kind) {
        throw new RefSpecError(`property ${name} is both ${have} and ${kind}`);
      }
      kinds.set(name, kind);
    };
    if (this.deadlock) prop("deadlock", "deadlock");
    for (const d of sys.invariants) prop(d.name, "invariant");
    for (const d of sys.finals) prop(d.name, "final");
    for (const k of this.kinds) {
      for (const n of k.nodes) {
        const s = n.step;
        if (s.kind === "assert") prop(s.name, "assertion");
        if (s.kind === "op") {
          const d = opDesc(s);
          const prim = s.op.prim;
          if (!this.prims.includes(prim)) {
            if (this.prims.some((p) => p.name === prim.name)) {
              throw new RefSpecError(`two primitives named ${prim.name}`);
            }
            this.prims.push(prim);
          }
          if (d.op === "post") prop("semaphore overflow", "primitive");
          if (d.op === "unlock") prop("unlock by non-owner", "primitive");
        }
      }
    }
  }

  /** Unusual constructs the system contains (see `Kind.notes`). */
  get notes(): Set<string> {
    return new Set([...this.kinds.flatMap((k) => [...k.notes]), ...this.#notes]);
  }
  readonly #notes = new Set<string>();

  initial(): RState {
    const prims: Record<string, number | number[]> = {};
    for (const p of this.prims) {
      if (p.kind === "semaphore") prims[p.name] = (p as Semaphore).initial;
      else if (p.kind === "mutex") prims[p.name] = -1;
      else prims[p.name] = [];
    }
    return deepFreeze({
      owner: -1,
      g: initVals(this.globals),
      prims,
      procs: this.insts.map((i) => ({ pos: i.kind.entry, l: initVals(i.kind.locals) })),
    });
  }

  key(s: RState): string {
    return JSON.stringify(s);
  }

  #ctx(s: RState | MutState, pid: number): Ctx {
    const inst = this.insts[pid]!;
    return { g: s.g, l: s.procs[pid]!.l, id: inst.id, pid };
  }

  /** `s` after process `pid`'s guarded command's effect (or unchanged, for a wait). */
  #effect(
    s: RState,
    pid: number,
    where: string,
    fn: ((ctx: Ctx) => unknown) | undefined,
  ): MutState {
    if (fn === undefined) return cloneState(s);
    return this.#mutate(s, where, (m) => {
      fn(this.#ctx(m, pid));
    });
  }

  /** Runs `fn` on a copy of `s` (sealed views) and validates the result. */
  #mutate(s: RState, what: string, fn: (m: MutState) => void): MutState {
    const m = cloneState(s);
    sealVals(m.g);
    for (const p of m.procs) sealVals(p.l);
    fn(m);
    const bad = validVals(this.globals, m.g) ??
      m.procs.map((p, i) => validVals(this.insts[i]!.kind.locals, p.l)).find((x) =>
        x !== undefined
      );
    if (bad !== undefined) throw new RefRuntimeError(`${what}: bad value ${bad}`);
    return m;
  }

  #finish(m: MutState, pid: number, t: STrans): RState {
    m.procs[pid]!.pos = t.to;
    m.owner = t.keeps ? pid : -1;
    return deepFreeze(m);
  }

  /** Every move from `s`: successors and failing transitions, with the atomic rule applied. */
  moves(s: RState): Move[] {
    const all: Move[] = [];
    // `timeout` steps: enabled only when nothing else is (ownership aside).
    const timeouts: (() => void)[] = [];
    for (const inst of this.insts) {
      const pid = inst.pid;
      const pos = s.procs[pid]!.pos;
      for (const t of inst.kind.transitions(pos)) {
        const where = `${inst.name} at ${pos}`;
        const single = (m: MutState): Move => ({
          actors: [pid],
          next: this.#finish(m, pid, t),
        });
        switch (t.k) {
          case "do":
            all.push(single(this.#mutate(s, where, (m) => {
              t.fn(this.#ctx(m, pid));
            })));
            break;
          case "when":
            if (t.timeout) {
              timeouts.push(() => all.push(single(this.#effect(s, pid, where, t.fn))));
            } else if (t.guard(this.#ctx(s, pid)) === true) {
              all.push(single(this.#effect(s, pid, where, t.fn)));
            }
            break;
          case "cond": {
            const v = t.guard(this.#ctx(s, pid));
            if (v === t.want) {
              all.push(single(this.#effect(s, pid, where, t.fn)));
            }
            break;
          }
          case "skip":
            all.push(single(cloneState(s)));
            break;
          case "assert":
            if (t.pred(this.#ctx(s, pid)) !== true) {
              all.push({ actors: [pid], fail: { property: t.name, kind: "assertion" } });
            } else all.push(single(cloneState(s)));
            break;
          case "op":
            this.#op(s, inst, t, t.desc, all);
            break;
        }
      }
    }
    if (all.length === 0) {
      // Nothing else can move (so an atomic block has lost the floor).
      for (const fire of timeouts) fire();
      return all;
    }
    if (s.owner >= 0) {
      this.seen.owned++;
      const mine = all.filter((m) => m.actors.includes(s.owner));
      if (mine.length > 0) {
        if (mine.some((m) => m.actors[0] !== s.owner)) {
          this.#notes.add("the atomic owner can receive on a rendezvous");
        }
        return mine;
      }
    }
    return all;
  }

  #op(s: RState, inst: Inst, t: STrans, d: OpDesc, out: Move[]): void {
    const pid = inst.pid;
    const done = (m: MutState) => out.push({ actors: [pid], next: this.#finish(m, pid, t) });
    switch (d.op) {
      case "wait": {
        const v = s.prims[d.sem.name] as number;
        if (v > 0) {
          const m = cloneState(s);
          m.prims[d.sem.name] = v - 1;
          done(m);
        }
        return;
      }
      case "post": {
        const v = s.prims[d.sem.name] as number;
        if (v >= d.sem.max) {
          out.push({ actors: [pid], fail: { property: "semaphore overflow", kind: "primitive" } });
        } else {
          const m = cloneState(s);
          m.prims[d.sem.name] = v + 1;
          done(m);
        }
        return;
      }
      case "lock": {
        if (s.prims[d.mutex.name] === -1) {
          const m = cloneState(s);
          m.prims[d.mutex.name] = pid;
          done(m);
        }
        return;
      }
      case "unlock": {
        if (s.prims[d.mutex.name] !== pid) {
          out.push({ actors: [pid], fail: { property: "unlock by non-owner", kind: "primitive" } });
        } else {
          const m = cloneState(s);
          m.prims[d.mutex.name] = -1;
          done(m);
        }
        return;
      }
      case "send": {
        const ch = d.ch;
        if (ch.capacity > 0) {
          const q = s.prims[ch.name] as number[];
          if (q.length < ch.capacity) {
            const v = this.#message(ch, d.value(this.#ctx(s, pid)));
            const m = cloneState(s);
            (m.prims[ch.name] as number[]).push(v);
            done(m);
          }
          return;
        }
        // Rendezvous: jointly with every other instance offering a receive.
        for (const other of this.insts) {
          if (other === inst) continue;
          const opos = s.procs[other.pid]!.pos;
          for (const u of other.kind.transitions(opos)) {
            if (u.k !== "op" || u.desc.op !== "recv" || u.desc.ch !== ch) continue;
            const into = u.desc.into;
            const v = this.#message(ch, d.value(this.#ctx(s, pid)));
            const m = this.#mutate(
              s,
              `${other.name} recv`,
              (m) => storeInto(this.#ctx(m, other.pid), into, v),
            );
            m.procs[pid]!.pos = t.to;
            m.procs[other.pid]!.pos = u.to;
            m.owner = -1;
            this.seen.joint++;
            out.push({ actors: [pid, other.pid], next: deepFreeze(m) });
          }
        }
        return;
      }
      case "recv": {
        const ch = d.ch;
        if (ch.capacity === 0) return; // fires jointly, from the sender's side
        const q = s.prims[ch.name] as number[];
        if (q.length > 0) {
          const m = this.#mutate(s, `${inst.name} recv`, (m) => {
            const head = (m.prims[ch.name] as number[]).shift()!;
            storeInto(this.#ctx(m, pid), d.into, head);
          });
          done(m);
        }
        return;
      }
    }
  }

  #message(ch: Channel, v: unknown): number {
    if (typeof v !== "number" || !Number.isInteger(v) || v < ch.min || v > ch.max) {
      throw new RefRuntimeError(`bad message ${String(v)} on ${ch.name}`);
    }
    return v;
  }

  #view(s: RState): StateView<unknown> {
    const insts = this.insts;
    const prims = this.prims;
    const inside = (name: string) =>
      insts.filter((i) => i.kind.names(s.procs[i.pid]!.pos).includes(name)).length;
    return {
      g: s.g,
      inside,
      at: inside,
      value(prim: PrimitiveImpl): number {
        if (!prims.includes(prim)) throw new RefRuntimeError(`primitive ${prim.name} is not used`);
        const x = s.prims[prim.name]!;
        return Array.isArray(x) ? x.length : x;
      },
      progress(): number {
        throw new RefRuntimeError("the reference does not model progress labels");
      },
      len(): number {
        throw new RefRuntimeError("the reference does not model buffer queries");
      },
      empty(): boolean {
        throw new RefRuntimeError("the reference does not model buffer queries");
      },
      full(): boolean {
        throw new RefRuntimeError("the reference does not model buffer queries");
      },
      read(): never {
        throw new RefRuntimeError("the reference does not model structured readings");
      },
      finished(process?: string): number {
        return insts.filter((i) =>
          (process === undefined || i.kind.name === process) && s.procs[i.pid]!.pos === END
        ).length;
      },
    };
  }

  #evalProps(
    list: readonly { name: string; pred: (v: StateView<unknown>) => boolean | string }[],
    s: RState,
  ): string[] {
    const out: string[] = [];
    const view = this.#view(s);
    for (const d of list) {
      const r = d.pred(view);
      if (typeof r !== "boolean" && typeof r !== "string") {
        throw new RefRuntimeError(`property ${d.name} returned ${String(r)}`);
      }
      if (r !== true) out.push(d.name);
    }
    return out;
  }

  /** The invariants violated in `s`. */
  invariantFailures(s: RState): string[] {
    return this.#evalProps(this.sys.invariants, s);
  }

  /** For a state with no move: the violated properties (deadlock or finals). */
  stuckFailures(s: RState): string[] {
    const allValid = this.insts.every((i) => i.kind.validEnd(s.procs[i.pid]!.pos));
    if (!allValid) return this.deadlock ? ["deadlock"] : [];
    return this.#evalProps(this.sys.finals, s);
  }
}

function storeInto(ctx: Ctx, into: string | ((ctx: Ctx, m: number) => void), v: number): void {
  if (typeof into === "string") ctx.l[into] = v;
  else into(ctx, v);
}

// ---------------------------------------------------------------------------
// Exploration.

/** What a full reference exploration found. */
export interface Exploration {
  /** False when the state budget was exhausted. */
  readonly complete: boolean;
  /** Reachable states. */
  readonly states: number;
  /** Successors generated (one per enabled, non-failing transition of every state). */
  readonly transitions: number;
  /** The largest BFS distance of a reachable state. */
  readonly depth: number;
  /**
   * The length of the shortest trace to a violation: an invariant false in
   * a state at distance d (length d), a deadlock or failed final property
   * in a state at distance d (length d), a failing transition from a state
   * at distance d (length d + 1). Undefined when nothing is violated.
   */
  readonly shortest: number | undefined;
  /** The properties violated by traces of length `shortest`. */
  readonly atShortest: readonly string[];
  /** For every violated property, its shortest trace length. */
  readonly byProperty: ReadonlyMap<string, number>;
}

/** Explores every reachable state by plain BFS (up to `maxStates`). */
export function explore(model: RefModel, maxStates = 5000): Exploration {
  const init = model.initial();
  const dist = new Map<string, number>([[model.key(init), 0]]);
  const queue: RState[] = [init];
  let transitions = 0;
  let depth = 0;
  const byProperty = new Map<string, number>();
  const note = (p: string, d: number) => {
    const have = byProperty.get(p);
    if (have === undefined || d < have) byProperty.set(p, d);
  };
  for (let head = 0; head < queue.length; head++) {
    const s = queue[head]!;
    const d = dist.get(model.key(s))!;
    if (d > depth) depth = d;
    for (const p of model.invariantFailures(s)) note(p, d);
    const moves = model.moves(s);
    if (moves.length === 0) { for (const p of model.stuckFailures(s)) note(p, d); }
    for (const m of moves) {
      if (m.fail !== undefined) {
        note(m.fail.property, d + 1);
        continue;
      }
      transitions++;
      const k = model.key(m.next!);
      if (!dist.has(k)) {
        if (dist.size >= maxStates) {
          return {
            complete: false,
            states: dist.size,
            transitions,
            depth,
            shortest: undefined,
            atShortest: [],
            byProperty,
          };
        }
        dist.set(k, d + 1);
        queue.push(m.next!);
      }
    }
  }
  let shortest: number | undefined;
  for (const d of byProperty.values()) if (shortest === undefined || d < shortest) shortest = d;
  const atShortest = [...byProperty].filter(([, d]) => d === shortest).map(([p]) => p);
  return {
    complete: true,
    states: dist.size,
    transitions,
    depth,
    shortest,
    atShortest,
    byProperty,
  };
}

/**
 * Whether some path of at most `maxLen` transitions ends in a violation,
 * by depth-first search over paths (a state is re-entered only on a
 * strictly shorter path, which keeps the search exhaustive over paths).
 * Independent of the BFS above.
 */
export function violationWithin(model: RefModel, maxLen: number): string | undefined {
  const best = new Map<string, number>();
  const dfs = (s: RState, len: number): string | undefined => {
    const k = model.key(s);
    const seen = best.get(k);
    if (seen !== undefined && seen <= len) return undefined;
    best.set(k, len);
    const inv = model.invariantFailures(s);
    if (inv.length > 0) return inv[0];
    const moves = model.moves(s);
    if (moves.length === 0) return model.stuckFailures(s)[0];
    for (const m of moves) {
      if (m.fail !== undefined) {
        if (len + 1 <= maxLen) return m.fail.property;
        continue;
      }
      if (len + 1 <= maxLen) {
        const r = dfs(m.next!, len + 1);
        if (r !== undefined) return r;
      }
    }
    return undefined;
  };
  return dfs(model.initial(), 0);
}

/**
 * Whether the reference can follow a path on which the named instances move
 * in turn (for a rendezvous, the sender names the move) and which ends in a
 * violation of `property`: the last move fails with it, or the last state
 * violates it (an invariant; a deadlock or final property when stuck).
 */
export function followMovers(
  model: RefModel,
  movers: readonly string[],
  property: string,
): boolean {
  const init = model.initial();
  let cur = new Map<string, RState>([[model.key(init), init]]);
  for (let i = 0; i < movers.length; i++) {
    const pid = model.insts.findIndex((x) => x.name === movers[i]);
    if (pid < 0) return false;
    const next = new Map<string, RState>();
    for (const s of cur.values()) {
      for (const m of model.moves(s)) {
        if (m.actors[0] !== pid) continue;
        if (m.fail !== undefined) {
          if (i === movers.length - 1 && m.fail.property === property) return true;
          continue;
        }
        next.set(model.key(m.next!), m.next!);
      }
    }
    cur = next;
  }
  for (const s of cur.values()) {
    if (model.invariantFailures(s).includes(property)) return true;
    if (model.moves(s).length === 0 && model.stuckFailures(s).includes(property)) return true;
  }
  return false;
}
