/**
 * Liveness over the whole state graph: `eventually p`, `p leadsTo q` and
 * `always eventually p`, under no, weak or strong fairness per process, with
 * lasso counterexamples (a path and a cycle) that replay.
 *
 * The algorithm is sound on cycles (unlike checking "eventually" path by
 * path): the graph is explored once with its edges; for a property with goal
 * q, the states where q fails form a region; a violation is a reachable
 * **fair** strongly connected component of that region (or, for `eventually`
 * and `leadsTo`, a state of it where the run ends). Fairness is decided per
 * component: under weak fairness a component is fair when every process
 * either moves inside it or is disabled somewhere in it; under strong
 * fairness a process enabled somewhere in it but never moving inside it
 * cannot run there, so the states enabling it are removed and the rest
 * split again (the Emerson–Lei / Streett emptiness check).
 *
 * @module
 */

import type { Liveness, LivenessInfo, Model, Processes, SuccessorSink } from "../model/model.ts";
import { ExactStore } from "./_store.ts";
import { initialStates, type SearchLimits } from "./_search.ts";

/** The state graph with its edges, in compressed form. */
export interface StateGraph {
  /** Number of states. */
  readonly states: number;
  /** Edges of state i: `start[i] .. start[i+1]`. */
  readonly start: Int32Array;
  /** Edge targets. */
  readonly target: Int32Array;
  /** Edge transitions. */
  readonly via: Int32Array;
  /** The initial states' indices. */
  readonly inits: readonly number[];
  /** Copies state `index` into `out`. */
  readonly read: (index: number, out: Int32Array) => void;
}

/** A liveness violation: a path to where a cycle starts, and the cycle (or a run that ends). */
export interface Lasso {
  /** The property. */
  readonly property: LivenessInfo;
  /** Index of the initial state. */
  readonly init: number;
  /** Transitions of the path from the initial state to the cycle. */
  readonly prefix: readonly number[];
  /** Transitions of the cycle; empty when the run ends instead. */
  readonly cycle: readonly number[];
  /** What goes wrong, in words. */
  readonly message: string;
}

class GrowInt32 {
  data = new Int32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  done(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

/**
 * Explores every reachable state and records every edge. Returns undefined
 * when the state limit is reached first.
 *
 * @param model The model.
 * @param limits `maxStates` bounds the exploration.
 * @returns The graph, or undefined when it does not fit.
 *
 * @example
 * ```ts
 * import { stateGraph } from "./liveness.ts";
 * import { spec, system } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const s = spec({
 *   name: "two",
 *   params: {},
 *   build: () => {
 *     const sys = system({ x: 0 });
 *     sys.process("p", {}, (b) => [b.do("inc", ({ g }) => g.x++)]);
 *     return sys;
 *   },
 * });
 * assert.equal(stateGraph(s.compile())?.states, 2);
 * ```
 */
export function stateGraph(model: Model, limits: SearchLimits = {}): StateGraph | undefined {
  const store = new ExactStore(model.width);
  const max = limits.maxStates ?? Number.POSITIVE_INFINITY;
  const inits: number[] = [];
  for (const s of initialStates(model)) {
    const i = store.insert(s, -1, -1);
    inits.push(i >= 0 ? i : store.indexOf(s));
  }
  const start = new GrowInt32(), target = new GrowInt32(), via = new GrowInt32();
  let parent = 0;
  let full = false;
  const sink: SuccessorSink = {
    push(next, t) {
      let i = store.indexOf(next);
      if (i < 0) {
        if (store.count >= max) {
          full = true;
          return false;
        }
        i = store.insert(next, parent, t);
      }
      target.push(i);
      via.push(t);
      return true;
    },
    fail() {},
  };
  const cur = new Int32Array(model.width);
  for (let i = 0; i < store.count; i++) {
    start.push(target.length);
    store.read(i, cur);
    parent = i;
    model.expand(cur, sink);
    if (full) return undefined;
  }
  start.push(target.length);
  return {
    states: store.count,
    start: start.done(),
    target: target.done(),
    via: via.done(),
    inits,
    read: (index, out) => store.read(index, out),
  };
}

/** Which processes move on each edge. */
function moversOf(model: Model, g: StateGraph): { edgeMovers: Int32Array[] } {
  const edgeMovers: Int32Array[] = [];
  const cache = new Map<number, Int32Array>();
  for (let e = 0; e < g.via.length; e++) {
    const t = g.via[e]!;
    let m = cache.get(t);
    if (m === undefined) cache.set(t, m = Int32Array.from(processesOf(model).movers(t)));
    edgeMovers.push(m);
  }
  return { edgeMovers };
}

/** Strongly connected components of the subgraph on `inside` (iterative Tarjan). */
function sccs(g: StateGraph, inside: Uint8Array, skip?: Uint8Array): number[][] {
  const index = new Int32Array(g.states).fill(-1);
  const low = new Int32Array(g.states);
  const onStack = new Uint8Array(g.states);
  const stack: number[] = [];
  const out: number[][] = [];
  let counter = 0;
  for (let root = 0; root < g.states; root++) {
    if (inside[root] !== 1 || index[root] !== -1) continue;
    const work: [number, number][] = [[root, g.start[root]!]];
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      const v = top[0];
      if (top[1] < g.start[v + 1]!) {
        const e = top[1]++;
        if (skip?.[e] === 1) continue;
        const w = g.target[e]!;
        if (inside[w] !== 1) continue;
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          work.push([w, g.start[w]!]);
        } else if (onStack[w] === 1) {
          low[v] = Math.min(low[v]!, index[w]!);
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const u = work[work.length - 1]![0];
        low[u] = Math.min(low[u]!, low[v]!);
      }
      if (low[v] === index[v]) {
        const comp: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          comp.push(w);
        } while (w !== v);
        out.push(comp);
      }
    }
  }
  return out;
}

/**
 * A fairness constraint over a set of transitions: weak (enabled
 * continuously from some point on implies taken again and again) or strong
 * (enabled again and again implies taken again and again).
 */
interface FairGroup {
  readonly strong: boolean;
  /** Per state: some transition of the group is enabled. */
  readonly enabled: Uint8Array;
  /** Per edge: the edge is a transition of the group. */
  readonly edge: Uint8Array;
}

/** The fairness groups of a property: one per process, plus strong ones per (process, primitive). */
function groupsOf(
  model: Model,
  g: StateGraph,
  prop: LivenessInfo,
  edgeMovers: Int32Array[],
): FairGroup[] {
  const groups: FairGroup[] = [];
  const add = (strong: boolean, inGroup: (e: number) => boolean) => {
    const edge = new Uint8Array(g.via.length);
    const enabled = new Uint8Array(g.states);
    for (let s = 0; s < g.states; s++) {
      for (let e = g.start[s]!; e < g.start[s + 1]!; e++) {
        if (!inGroup(e)) continue;
        edge[e] = 1;
        enabled[s] = 1;
      }
    }
    groups.push({ strong, enabled, edge });
  };
  const n = processesOf(model).names.length;
  if (prop.fairness !== "none") {
    for (let pid = 0; pid < n; pid++) {
      add(prop.fairness === "strong", (e) => edgeMovers[e]!.includes(pid));
    }
  }
  for (const prim of prop.strongOn ?? []) {
    for (let pid = 0; pid < n; pid++) {
      add(
        true,
        (e) => edgeMovers[e]!.includes(pid) && processesOf(model).primitiveOf(g.via[e]!) === prim,
      );
    }
  }
  return groups;
}

/** The fair components of the subgraph on `region` (each with at least one edge inside). */
function fairComponents(
  g: StateGraph,
  region: Uint8Array,
  groups: readonly FairGroup[],
  skip?: Uint8Array,
): Uint8Array[] {
  const result: Uint8Array[] = [];
  const pending: Uint8Array[] = [region];
  // Component ids, shared by all components (no array per component until
  // one has an edge inside: most are single states without a self-loop).
  const compOf = new Int32Array(g.states).fill(-1);
  let nextId = 0;
  while (pending.length > 0) {
    const inside = pending.pop()!;
    for (const comp of sccs(g, inside, skip)) {
      const id = nextId++;
      for (const s of comp) compOf[s] = id;
      let hasEdge = false;
      for (const s of comp) {
        for (let e = g.start[s]!; e < g.start[s + 1]! && !hasEdge; e++) {
          if (compOf[g.target[e]!] === id && skip?.[e] !== 1) hasEdge = true;
        }
        if (hasEdge) break;
      }
      if (!hasEdge) continue;
      const member = new Uint8Array(g.states);
      for (const s of comp) member[s] = 1;
      const moves = new Uint8Array(groups.length);
      for (const s of comp) {
        for (let e = g.start[s]!; e < g.start[s + 1]!; e++) {
          if (member[g.target[e]!] !== 1 || skip?.[e] === 1) continue;
          for (let k = 0; k < groups.length; k++) if (groups[k]!.edge[e] === 1) moves[k] = 1;
        }
      }
      let fair = true;
      let prune = false;
      const drop = new Uint8Array(g.states);
      groups.forEach((grp, k) => {
        if (moves[k] === 1) return;
        const en = grp.enabled;
        if (!grp.strong) {
          if (comp.every((s) => en[s] === 1)) fair = false;
        } else if (comp.some((s) => en[s] === 1)) {
          // Enabled here and there but never taken inside: a strongly fair
          // run cannot stay in this component while visiting those states.
          fair = false;
          prune = true;
          for (const s of comp) if (en[s] === 1) drop[s] = 1;
        }
      });
      if (fair) {
        result.push(member);
      } else if (prune) {
        const rest = new Uint8Array(g.states);
        let any = false;
        for (const s of comp) {
          if (drop[s] !== 1) {
            rest[s] = 1;
            any = true;
          }
        }
        if (any) pending.push(rest);
      }
    }
  }
  return result;
}

/** Shortest path of transitions inside `allowed` from any of `from` to a state satisfying `goal`. */
function path(
  g: StateGraph,
  from: readonly number[],
  allowed: (s: number) => boolean,
  goal: (s: number) => boolean,
  skip?: Uint8Array,
): { end: number; transitions: number[]; start: number } | undefined {
  const prevEdge = new Int32Array(g.states).fill(-2);
  const prevState = new Int32Array(g.states).fill(-1);
  const queue: number[] = [];
  for (const s of from) {
    if (!allowed(s) || prevEdge[s] !== -2) continue;
    prevEdge[s] = -1;
    queue.push(s);
  }
  for (let h = 0; h < queue.length; h++) {
    const s = queue[h]!;
    if (goal(s)) {
      const ts: number[] = [];
      let cur = s;
      while (prevEdge[cur]! >= 0) {
        ts.push(g.via[prevEdge[cur]!]!);
        cur = prevState[cur]!;
      }
      return { end: s, transitions: ts.reverse(), start: cur };
    }
    for (let e = g.start[s]!; e < g.start[s + 1]!; e++) {
      if (skip?.[e] === 1) continue;
      const w = g.target[e]!;
      if (prevEdge[w] !== -2 || !allowed(w)) continue;
      prevEdge[w] = e;
      prevState[w] = s;
      queue.push(w);
    }
  }
  return undefined;
}

/** A cycle through `s0` inside `member` meeting every fairness group (taking or avoiding it). */
function cycleThrough(
  g: StateGraph,
  s0: number,
  member: Uint8Array,
  groups: readonly FairGroup[],
  skip?: Uint8Array,
): number[] {
  const inC = (s: number) => member[s] === 1;
  const usable = (e: number) => inC(g.target[e]!) && skip?.[e] !== 1;
  const out: number[] = [];
  let cur = s0;
  const goTo = (goal: (s: number) => boolean) => {
    const p = path(g, [cur], inC, goal, skip)!;
    out.push(...p.transitions);
    cur = p.end;
  };
  const takeEdge = (ok: (e: number) => boolean) => {
    const hasEdge = (s: number) => {
      for (let e = g.start[s]!; e < g.start[s + 1]!; e++) {
        if (usable(e) && ok(e)) return true;
      }
      return false;
    };
    goTo(hasEdge);
    for (let e = g.start[cur]!; e < g.start[cur + 1]!; e++) {
      if (usable(e) && ok(e)) {
        out.push(g.via[e]!);
        cur = g.target[e]!;
        return;
      }
    }
  };
  for (const grp of groups) {
    let moves = false, disabledSomewhere = false, enabledSomewhere = false;
    for (let s = 0; s < g.states; s++) {
      if (!inC(s)) continue;
      if (grp.enabled[s] !== 1) disabledSomewhere = true;
      else enabledSomewhere = true;
      for (let e = g.start[s]!; e < g.start[s + 1]! && !moves; e++) {
        if (usable(e) && grp.edge[e] === 1) moves = true;
      }
    }
    if (moves && enabledSomewhere) takeEdge((e) => grp.edge[e] === 1);
    else if (!grp.strong && disabledSomewhere) goTo((s) => grp.enabled[s] !== 1);
  }
  // Close the cycle (with at least one step).
  if (out.length === 0) takeEdge(() => true);
  if (cur !== s0) goTo((s) => s === s0);
  return out;
}

/**
 * Checks one liveness property on an explored graph.
 *
 * @param model The model.
 * @param g The state graph.
 * @param index The property's index in `model.liveness`.
 * @returns A lasso when the property fails, else undefined.
 *
 * @example
 * ```ts
 * import { checkLiveness, stateGraph } from "./liveness.ts";
 * import { spec, system } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const spin = spec({
 *   name: "spin",
 *   params: {},
 *   build: () => {
 *     const sys = system({ done: false });
 *     sys.process("idler", {}, (b) => [b.while(() => true, [b.do("idle", () => {})])]);
 *     sys.eventually("done", ({ g }) => g.done, { fairness: "none" });
 *     return sys;
 *   },
 * });
 * const model = spin.compile();
 * assert.equal(checkLiveness(model, stateGraph(model)!, 0)?.property.name, "done");
 * ```
 */
export function checkLiveness(model: Model, g: StateGraph, index: number): Lasso | undefined {
  const prop = livenessOf(model).properties[index]!;
  const { edgeMovers } = moversOf(model, g);
  const groups = groupsOf(model, g, prop, edgeMovers);
  if (prop.kind === "starvation" || prop.kind === "wakeup") {
    return starvation(model, g, prop, groups, edgeMovers);
  }
  const buf = new Int32Array(model.width);
  const holds = (part: "p" | "q", s: number) => {
    g.read(s, buf);
    return livenessOf(model).live(index, part, buf);
  };
  const goalPart = prop.kind === "leadsTo" ? "q" : "p";
  const region = new Uint8Array(g.states);
  for (let s = 0; s < g.states; s++) region[s] = holds(goalPart, s) ? 0 : 1;
  const inRegion = (s: number) => region[s] === 1;
  const fair = fairComponents(g, region, groups);
  const inFair = new Uint8Array(g.states);
  for (const c of fair) for (let s = 0; s < g.states; s++) if (c[s] === 1) inFair[s] = 1;
  const terminal = (s: number) => g.start[s] === g.start[s + 1];
  const bad = (s: number) => inFair[s] === 1 || (prop.kind !== "alwaysEventually" && terminal(s));
  const all = () => true;
  // Where the run must start staying in the region: inits (eventually), any
  // reachable p-and-not-q state (leadsTo), anywhere reachable (alwaysEventually).
  let lead: { init: number; transitions: number[]; at: number } | undefined;
  if (prop.kind === "eventually") {
    const p = path(g, g.inits, inRegion, bad);
    if (p !== undefined) {
      lead = { init: g.inits.indexOf(p.start), transitions: p.transitions, at: p.end };
    }
  } else if (prop.kind === "alwaysEventually") {
    const p = path(g, g.inits, all, (s) => inFair[s] === 1);
    if (p !== undefined) {
      lead = { init: g.inits.indexOf(p.start), transitions: p.transitions, at: p.end };
    }
  } else {
    // Trigger states from which the region's bad part can be reached inside the region.
    const canFail = new Uint8Array(g.states);
    // Reverse edges in compressed form (no array per state).
    const predStart = new Int32Array(g.states + 1);
    for (let e = 0; e < g.target.length; e++) predStart[g.target[e]! + 1]!++;
    for (let i = 0; i < g.states; i++) predStart[i + 1] = predStart[i + 1]! + predStart[i]!;
    const pred = new Int32Array(g.target.length);
    const fill = predStart.slice(0, g.states);
    for (let s = 0; s < g.states; s++) {
      for (let e = g.start[s]!; e < g.start[s + 1]!; e++) pred[fill[g.target[e]!]!++] = s;
    }
    const queue = new Int32Array(g.states);
    let tail = 0;
    for (let s = 0; s < g.states; s++) {
      if (inRegion(s) && bad(s)) {
        canFail[s] = 1;
        queue[tail++] = s;
      }
    }
    for (let h = 0; h < tail; h++) {
      const v = queue[h]!;
      for (let k = predStart[v]!; k < predStart[v + 1]!; k++) {
        const u = pred[k]!;
        if (canFail[u] === 1 || !inRegion(u)) continue;
        canFail[u] = 1;
        queue[tail++] = u;
      }
    }
    const toTrigger = path(g, g.inits, all, (s) => canFail[s] === 1 && holds("p", s));
    if (toTrigger !== undefined) {
      const rest = path(g, [toTrigger.end], inRegion, bad)!;
      lead = {
        init: g.inits.indexOf(toTrigger.start),
        transitions: [...toTrigger.transitions, ...rest.transitions],
        at: rest.end,
      };
    }
  }
  if (lead === undefined) return undefined;
  const s0 = lead.at;
  if (inFair[s0] !== 1) {
    return {
      property: prop,
      init: lead.init,
      prefix: lead.transitions,
      cycle: [],
      message: `'${prop.name}' fails: the run ends without reaching its goal`,
    };
  }
  const member = fair.find((c) => c[s0] === 1)!;
  const cycle = cycleThrough(g, s0, member, groups);
  const fairText = prop.fairness === "none" ? "" : ` (${prop.fairness}ly fair)`;
  return {
    property: prop,
    init: lead.init,
    prefix: lead.transitions,
    cycle,
    message: `'${prop.name}' fails: a cycle of ${cycle.length} step${
      cycle.length === 1 ? "" : "s"
    }${fairText} repeats for ever without reaching its goal`,
  };
}

/**
 * Starvation: a process of the kind that, on some fair infinite run, is
 * never finished and never moves again. Each copy is checked: its region is
 * the states where it has not finished, and its own moves are left out of
 * the graph; a reachable fair component there is a run that starves it.
 */
function starvation(
  model: Model,
  g: StateGraph,
  prop: LivenessInfo,
  groups: readonly FairGroup[],
  edgeMovers: Int32Array[],
): Lasso | undefined {
  for (let pid = 0; pid < processesOf(model).names.length; pid++) {
    const name = processesOf(model).names[pid]!;
    if (name.slice(0, name.lastIndexOf("#")) !== prop.process) continue;
    const buf = new Int32Array(model.width);
    const region = new Uint8Array(g.states);
    for (let s = 0; s < g.states; s++) {
      g.read(s, buf);
      region[s] = processesOf(model).finished(buf, pid) ? 0 : 1;
    }
    const skip = new Uint8Array(g.via.length);
    for (let e = 0; e < g.via.length; e++) if (edgeMovers[e]!.includes(pid)) skip[e] = 1;
    let fair = fairComponents(g, region, groups, skip);
    if (prop.kind === "wakeup") {
      // Only cycles on which the process could move somewhere (its guard
      // holds there) and still never does: a wakeup that never comes.
      fair = fair.filter((c) => {
        for (let s = 0; s < g.states; s++) {
          if (c[s] !== 1) continue;
          for (let e = g.start[s]!; e < g.start[s + 1]!; e++) if (skip[e] === 1) return true;
        }
        return false;
      });
    }
    if (fair.length === 0) continue;
    const inFair = new Uint8Array(g.states);
    for (const c of fair) for (let s = 0; s < g.states; s++) if (c[s] === 1) inFair[s] = 1;
    const p = path(g, g.inits, () => true, (s) => inFair[s] === 1);
    if (p === undefined) continue;
    const member = fair.find((c) => c[p.end] === 1)!;
    const cycle = cycleThrough(g, p.end, member, groups, skip);
    return {
      property: prop,
      init: g.inits.indexOf(p.start),
      prefix: p.transitions,
      cycle,
      message: `'${prop.name}' fails: ${name} never moves again on a cycle of ${cycle.length} step${
        cycle.length === 1 ? "" : "s"
      }${prop.fairness === "none" ? "" : ` (${prop.fairness}ly fair)`}${
        prop.kind === "wakeup" ? ", although it could move in some of its states" : ""
      }`,
    };
  }
  return undefined;
}

/** The model's processes facet, which fairness needs. */
function processesOf(model: Model): Processes {
  const p = model.processes;
  if (p === undefined) {
    throw new TypeError(`Cannot check liveness of '${model.name}': the model has no processes`);
  }
  return p;
}

/** The model's liveness facet. */
function livenessOf(model: Model): Liveness {
  const l = model.liveness;
  if (l === undefined) {
    throw new TypeError(`Cannot check liveness of '${model.name}': the model has no liveness`);
  }
  return l;
}
