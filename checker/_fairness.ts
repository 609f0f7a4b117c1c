// Private module: the graph algorithms of liveness checking (liveness.ts):
// strongly connected components, fairness groups and fair components, and
// the shortest paths and cycles that make a lasso.

import { pulse } from "./_pulse.ts";
import type { LivenessInfo } from "../model/model.ts";
import type { LivenessView } from "./_facets.ts";
import type { StateGraph } from "./_state_graph.ts";

/** The processes that move on an edge. */
export type EdgeMovers = (edge: number) => Int32Array;

/**
 * Which processes move on each edge: read through the edge's transition
 * (one array per transition, none per edge).
 */
export function moversOf(view: LivenessView, g: StateGraph): { edgeMovers: EdgeMovers } {
  const byTransition = new Map<number, Int32Array>();
  const via = g.via;
  const edgeMovers = (e: number): Int32Array => {
    const t = via[e]!;
    let m = byTransition.get(t);
    if (m === undefined) byTransition.set(t, m = Int32Array.from(view.movers(t)));
    return m;
  };
  return { edgeMovers };
}

/**
 * Strongly connected components of the subgraph on `inside` (iterative
 * Tarjan). Typed arrays only, no object per state or per component: the
 * call stack is two Int32Arrays (state, next edge), and each component is a
 * view of one array the components are written to one after another.
 */
export function* sccs(g: StateGraph, inside: Uint8Array, skip?: Uint8Array): Generator<Int32Array> {
  const n = g.states;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack = new Int32Array(n);
  const workV = new Int32Array(n), workE = new Int32Array(n);
  const out = new Int32Array(n);
  let sp = 0, wp = 0, op = 0, counter = 0;
  for (let root = 0; root < n; root++) {
    if (inside[root] !== 1 || index[root] !== -1) continue;
    workV[0] = root;
    workE[0] = g.start[root]!;
    wp = 1;
    index[root] = low[root] = counter++;
    stack[sp++] = root;
    onStack[root] = 1;
    while (wp > 0) {
      pulse();
      const v = workV[wp - 1]!;
      const e = workE[wp - 1]!;
      if (e < g.start[v + 1]!) {
        workE[wp - 1] = e + 1;
        if (skip?.[e] === 1) continue;
        const w = g.target[e]!;
        if (inside[w] !== 1) continue;
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack[sp++] = w;
          onStack[w] = 1;
          workV[wp] = w;
          workE[wp++] = g.start[w]!;
        } else if (onStack[w] === 1) {
          low[v] = Math.min(low[v]!, index[w]!);
        }
        continue;
      }
      wp--;
      if (wp > 0) {
        const u = workV[wp - 1]!;
        low[u] = Math.min(low[u]!, low[v]!);
      }
      if (low[v] === index[v]) {
        const from = op;
        let w: number;
        do {
          w = stack[--sp]!;
          onStack[w] = 0;
          out[op++] = w;
        } while (w !== v);
        yield out.subarray(from, op);
      }
    }
  }
}

/**
 * A fairness constraint over a set of transitions: weak (enabled
 * continuously from some point on implies taken again and again) or strong
 * (enabled again and again implies taken again and again).
 */
export interface FairGroup {
  readonly strong: boolean;
  /** Per state: some transition of the group is enabled. */
  readonly enabled: Uint8Array;
  /** Per edge: the edge is a transition of the group. */
  readonly edge: Uint8Array;
}

/** The fairness groups of a property: one per process, plus strong ones per (process, primitive). */
export function groupsOf(
  view: LivenessView,
  g: StateGraph,
  prop: LivenessInfo,
  edgeMovers: EdgeMovers,
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
  const n = view.processNames.length;
  if (prop.fairness !== "none") {
    for (let pid = 0; pid < n; pid++) {
      add(prop.fairness === "strong", (e) => edgeMovers(e).includes(pid));
    }
  }
  for (const prim of prop.strongOn ?? []) {
    for (let pid = 0; pid < n; pid++) {
      add(true, (e) => edgeMovers(e).includes(pid) && view.primitiveOf(g.via[e]!) === prim);
    }
  }
  return groups;
}

/** The fair components of the subgraph on `region` (each with at least one edge inside). */
export function fairComponents(
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
export function path(
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
export function cycleThrough(
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
