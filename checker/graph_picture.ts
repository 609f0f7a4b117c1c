/**
 * The whole state graph of a small spec, as data for a picture: every
 * reachable state (labelled with what changed from the state it was first
 * reached from), every transition (labelled process/step), the states where
 * a property fails, and a counterexample's path marked. Above a size limit
 * the graph is refused politely: a picture of thousands of states helps
 * nobody.
 *
 * @module
 */

import type { Explanation, Model } from "../model/model.ts";
import type { Trace } from "./replay.ts";
import { enabled, fire } from "./_fire.ts";
import { replay } from "./replay.ts";
import { initialStates } from "./_search.ts";

/** A state of a {@linkcode GraphPicture}. */
export interface GraphNode {
  /** Its number, in breadth-first order from 0. */
  readonly id: number;
  /**
   * What changed from the state it was first reached from (`p#0 moved` when
   * only a process's location did), or the whole state for an initial one.
   */
  readonly label: string;
  /** Whether it is an initial state. */
  readonly initial: boolean;
  /** The property that fails in it (an invariant, a deadlock, a final property), if any. */
  readonly violates?: string;
  /** Whether it lies on the marked path. */
  readonly onPath: boolean;
}

/** A transition of a {@linkcode GraphPicture}. */
export interface GraphEdge {
  /** The source state. */
  readonly from: number;
  /** The target state. */
  readonly to: number;
  /** `process/step`. */
  readonly label: string;
  /** Whether it lies on the marked path. */
  readonly onPath: boolean;
}

/** A spec's state graph. */
export interface GraphPicture {
  /** The spec's name. */
  readonly spec: string;
  /** The states. */
  readonly nodes: readonly GraphNode[];
  /** The transitions. */
  readonly edges: readonly GraphEdge[];
}

/** Why no graph was drawn. */
export interface GraphRefusal {
  /** The reason, in words. */
  readonly refused: string;
}

/** Options of {@linkcode graphPicture}. */
export interface GraphPictureOptions {
  /** The most states drawn (default 200). */
  readonly limit?: number;
  /** A path to mark (a counterexample). */
  readonly path?: Trace;
}

/**
 * Explores the whole state graph of `model`, or refuses when it has more
 * than `limit` states.
 *
 * @param model The model.
 * @param options The limit and the path to mark.
 * @returns The graph, or why not.
 *
 * @example
 * ```ts
 * import { spec, graphPicture, system } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const s = spec({
 *   name: "two steps",
 *   params: {},
 *   build: () => {
 *     const sys = system({ x: 0 });
 *     sys.process("p", {}, (b) => [b.do("a", ({ g }) => g.x++), b.do("b", ({ g }) => g.x++)]);
 *     return sys;
 *   },
 * });
 * const g = graphPicture(s.compile());
 * assert.ok(!("refused" in g));
 * assert.equal(g.nodes.length, 3);
 * assert.deepEqual(g.edges.map((e) => e.label), ["p#0/a", "p#0/b"]);
 * assert.equal(g.nodes[1]!.label, "x: 0 → 1");
 * assert.ok("refused" in graphPicture(s.compile(), { limit: 2 }));
 * ```
 */
export function graphPicture(
  model: Model,
  options: GraphPictureOptions = {},
): GraphPicture | GraphRefusal {
  const words = model.explanation;
  if (words === undefined) {
    throw new TypeError(
      `Cannot draw the state graph of '${model.name}': the model has no explanation`,
    );
  }
  const limit = options.limit ?? 200;
  const g = explore(model, words, limit);
  if (g === undefined) {
    return {
      refused: `Cannot draw the state graph of '${model.name}': it has more than ${limit} states ` +
        `(a picture of that many helps nobody; raise the limit or pick smaller parameters)`,
    };
  }
  const path = options.path !== undefined
    ? markPath(model, g.ids, options.path)
    : { nodes: new Set<number>(), edges: new Set<string>() };
  return {
    spec: model.name,
    nodes: g.states.map((s, id) => {
      const v = violation(model, s);
      return {
        id,
        label: g.labels[id]!,
        initial: id < g.initials,
        ...(v !== undefined ? { violates: v } : {}),
        onPath: path.nodes.has(id),
      };
    }),
    edges: g.edges.map((e) => {
      const d = words.describe(e.t);
      return {
        from: e.from,
        to: e.to,
        label: `${d.process}/${d.step}`,
        onPath: path.edges.has(`${e.from},${e.to},${e.t}`),
      };
    }),
  };
}

/** The explored graph: states by key, their labels, the transitions between them. */
interface Explored {
  readonly ids: Map<string, number>;
  readonly states: Int32Array[];
  readonly labels: string[];
  readonly edges: { from: number; to: number; t: number }[];
  /** How many initial states there are (they come first). */
  readonly initials: number;
}

/** A state's key in {@linkcode Explored.ids}. */
function key(s: Int32Array): string {
  return s.join(",");
}

/**
 * Explores every reachable state breadth-first, labelling each with what
 * changed from the state it was first reached from; `undefined` when there
 * are more than `limit` states.
 */
function explore(model: Model, words: Explanation, limit: number): Explored | undefined {
  const g: Explored = { ids: new Map(), states: [], labels: [], edges: [], initials: 0 };
  const add = (s: Int32Array, label: string): number | undefined => {
    const k = key(s);
    const have = g.ids.get(k);
    if (have !== undefined) return have;
    if (g.states.length >= limit) return undefined;
    g.ids.set(k, g.states.length);
    g.states.push(s.slice());
    g.labels.push(label);
    return g.states.length - 1;
  };
  const inits = initialStates(model);
  for (const s of inits) {
    if (add(s, wrap(words.format(s), 60)) === undefined) return undefined;
  }
  for (let i = 0; i < g.states.length; i++) {
    const s = g.states[i]!;
    for (const t of enabled(model, s)) {
      const next = fire(model, s, t);
      if (!(next instanceof Int32Array)) continue;
      const label = words.diff(s, next).map((c) => `${c.name}: ${c.before} → ${c.after}`).join(
        "\n",
      );
      const to = add(next, label === "" ? `${words.describe(t).process} moved` : label);
      if (to === undefined) return undefined;
      g.edges.push({ from: i, to, t });
    }
  }
  return { ...g, initials: inits.length };
}

/** The states and transitions (`from,to,t`) a path passes through. */
function markPath(
  model: Model,
  ids: ReadonlyMap<string, number>,
  path: Trace,
): { nodes: Set<number>; edges: Set<string> } {
  const nodes = new Set<number>();
  const edges = new Set<string>();
  const r = replay(model, path);
  const on = r.states.map((s) => ids.get(key(s)));
  on.forEach((id) => id !== undefined && nodes.add(id));
  path.transitions.forEach((t, i) => {
    const a = on[i], b = on[i + 1];
    if (a !== undefined && b !== undefined) edges.add(`${a},${b},${t}`);
  });
  return { nodes, edges };
}

/** The property that fails in `s` (an invariant, or a deadlock or final property), if any. */
function violation(model: Model, s: Int32Array): string | undefined {
  const inv = model.check(s);
  if (inv >= 0) return model.properties[inv]!.name;
  if (enabled(model, s).length > 0) return undefined;
  const p = model.stuck(s);
  return p >= 0 ? model.properties[p]!.name : undefined;
}

/** Breaks `text` into lines of about `width` characters at spaces. */
function wrap(text: string, width: number): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  if (line !== "") lines.push(line);
  return lines.join("\n");
}
