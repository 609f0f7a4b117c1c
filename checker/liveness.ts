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

import { pulse } from "./_pulse.ts";
import type { LivenessInfo, Model } from "../model/model.ts";
import { livenessOf, type LivenessView } from "./_facets.ts";
import { type StateGraph, stateGraph } from "./_state_graph.ts";
import {
  cycleThrough,
  type EdgeMovers,
  fairComponents,
  type FairGroup,
  groupsOf,
  moversOf,
  path,
} from "./_fairness.ts";

export { type StateGraph, stateGraph };

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
  const view = livenessOf(model);
  const prop = view.properties[index]!;
  const { edgeMovers } = moversOf(view, g);
  const groups = groupsOf(view, g, prop, edgeMovers);
  if (prop.kind === "starvation" || prop.kind === "wakeup") {
    return starvation(view, model.width, g, prop, { groups, edgeMovers });
  }
  const buf = new Int32Array(model.width);
  const labels = g.labels;
  const holds = labels !== undefined
    ? (part: "p" | "q", s: number) => labels.holds(index, part, s)
    : (part: "p" | "q", s: number) => {
      g.read(s, buf);
      return view.holds(index, part, buf);
    };
  const goalPart = prop.kind === "leadsTo" ? "q" : "p";
  const region = new Uint8Array(g.states);
  for (let s = 0; s < g.states; s++) {
    pulse();
    region[s] = holds(goalPart, s) ? 0 : 1;
  }
  const fair = fairComponents(g, region, groups);
  const inFair = union(g, fair);
  const terminal = (s: number) => g.start[s] === g.start[s + 1];
  const bad = (s: number) => inFair[s] === 1 || (prop.kind !== "alwaysEventually" && terminal(s));
  const lead = leadIn(prop, g, { region, inFair, bad, trigger: (s) => holds("p", s) });
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

/** Per state: whether it belongs to one of `components`. */
function union(g: StateGraph, components: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(g.states);
  for (const c of components) for (let s = 0; s < g.states; s++) if (c[s] === 1) out[s] = 1;
  return out;
}

/** Where a property's goal region was entered, and how it was reached. */
interface Lead {
  readonly init: number;
  readonly transitions: number[];
  readonly at: number;
}

/** The region where the goal fails, its fair part and its bad states, and the trigger `p`. */
interface Region {
  readonly region: Uint8Array;
  readonly inFair: Uint8Array;
  readonly bad: (s: number) => boolean;
  readonly trigger: (s: number) => boolean;
}

/**
 * The path to where the run must start staying in the region: from an
 * initial state (eventually), through a reachable p-and-not-q state
 * (leadsTo), anywhere reachable (alwaysEventually).
 */
function leadIn(prop: LivenessInfo, g: StateGraph, r: Region): Lead | undefined {
  const inRegion = (s: number) => r.region[s] === 1;
  const all = () => true;
  const lead = (p: { start: number; transitions: number[]; end: number } | undefined) =>
    p === undefined
      ? undefined
      : { init: g.inits.indexOf(p.start), transitions: p.transitions, at: p.end };
  if (prop.kind === "eventually") return lead(path(g, g.inits, inRegion, r.bad));
  if (prop.kind === "alwaysEventually") {
    return lead(path(g, g.inits, all, (s) => r.inFair[s] === 1));
  }
  const canFail = reachesBad(g, inRegion, r.bad);
  const toTrigger = path(g, g.inits, all, (s) => canFail[s] === 1 && r.trigger(s));
  if (toTrigger === undefined) return undefined;
  const rest = path(g, [toTrigger.end], inRegion, r.bad)!;
  return {
    init: g.inits.indexOf(toTrigger.start),
    transitions: [...toTrigger.transitions, ...rest.transitions],
    at: rest.end,
  };
}

/** The states of the region from which a bad state can be reached inside the region. */
function reachesBad(
  g: StateGraph,
  inRegion: (s: number) => boolean,
  bad: (s: number) => boolean,
): Uint8Array {
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
  return canFail;
}

/**
 * Starvation: a process of the kind that, on some fair infinite run, is
 * never finished and never moves again. Each copy is checked: its region is
 * the states where it has not finished, and its own moves are left out of
 * the graph; a reachable fair component there is a run that starves it.
 */
function starvation(
  view: LivenessView,
  width: number,
  g: StateGraph,
  prop: LivenessInfo,
  { groups, edgeMovers }: { groups: readonly FairGroup[]; edgeMovers: EdgeMovers },
): Lasso | undefined {
  for (let pid = 0; pid < view.processNames.length; pid++) {
    const name = view.processNames[pid]!;
    if (name.slice(0, name.lastIndexOf("#")) !== prop.process) continue;
    const buf = new Int32Array(width);
    const region = new Uint8Array(g.states);
    for (let s = 0; s < g.states; s++) {
      if (g.labels !== undefined) region[s] = g.labels.finished(s, pid) ? 0 : 1;
      else {
        g.read(s, buf);
        region[s] = view.finished(buf, pid) ? 0 : 1;
      }
    }
    const skip = new Uint8Array(g.via.length);
    for (let e = 0; e < g.via.length; e++) if (edgeMovers(e).includes(pid)) skip[e] = 1;
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
    const inFair = union(g, fair);
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
