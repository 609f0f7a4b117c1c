// Private module: what every search engine shares: limits, the clock,
// progress, and turning a found path into a replayed counterexample.

import type { Model } from "../model/model.ts";
import type { IncompleteReason } from "./result.ts";

/** Limits of a search; a search that hits one ends `incomplete`. */
export interface SearchLimits {
  /** Stop before storing more than this many states. */
  maxStates?: number;
  /** Do not expand states at this depth or deeper. */
  maxDepth?: number;
  /** Stop after this many seconds. */
  timeSeconds?: number;
}

/** The parent links a store keeps per state. */
export interface ParentLinks {
  /** The parent of state `idx` (-1 for an initial state). */
  parent(idx: number): number;
  /** The transition that first reached state `idx`. */
  via(idx: number): number;
}

/** The path of transitions from an initial state to `idx`, and that initial state's index. */
export function pathTo(links: ParentLinks, idx: number): { init: number; transitions: number[] } {
  const transitions: number[] = [];
  let cur = idx;
  while (links.parent(cur) >= 0) {
    transitions.push(links.via(cur));
    cur = links.parent(cur);
  }
  return { init: cur, transitions: transitions.reverse() };
}

/** A progress report, sent about once a second to `onProgress`. */
export interface Progress {
  /** States stored so far. */
  readonly states: number;
  /** States stored but not yet expanded. */
  readonly frontier: number;
  /** The current depth. */
  readonly depth: number;
  /** Seconds since the start. */
  readonly seconds: number;
  /** States per second so far. */
  readonly statesPerSecond: number;
  /** Resident memory, in bytes. */
  readonly memoryBytes: number;
}

/** Callbacks a caller gives a search. */
export interface SearchHooks {
  /** Polled during the search; `true` stops it as `interrupted`. */
  shouldStop?: () => boolean;
  /** Receives a progress report about once a second. */
  onProgress?: (p: Progress) => void;
}

/** What a search found, in terms of the store (before any replay). */
export interface Found {
  /** Property index. */
  readonly property: number;
  /** Path from an initial state. */
  readonly init: number;
  /** The transitions; for a firing failure, the failing one is last. */
  readonly transitions: number[];
  /** The failure message when known at search time (firing failures). */
  readonly message?: string;
}

/** The raw outcome of a search engine. */
export interface SearchOutcome {
  /** How it ended. */
  readonly status: "ok" | "violation" | "incomplete" | "error";
  /** The violation, when status is `violation`. */
  readonly found?: Found;
  /** The error and the path to the state being expanded, when status is `error`. */
  readonly error?: {
    readonly cause: unknown;
    readonly init: number;
    readonly transitions: number[];
  };
  /** Which limit ended it, when status is `incomplete`. */
  readonly incomplete?: {
    readonly reason: IncompleteReason;
    readonly message: string;
    /** For a `bound`: the path to where it was first reached. */
    readonly found?: Found;
  };
  /** Distinct states. */
  readonly states: number;
  /** Transitions fired. */
  readonly transitions: number;
  /** Deepest level reached. */
  readonly depth: number;
  /** Seconds spent. */
  readonly seconds: number;
  /** Bytes held by the store. */
  readonly storeBytes: number;
  /** Peak resident memory seen. */
  readonly peakMemoryBytes: number;
  /** With partial-order reduction: states expanded through an ample set, and fully. */
  readonly reduction?: { readonly ample: number; readonly full: number };
}

/** The message of a thrown value. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The initial states of a model, copied. */
export function initialStates(model: Model): Int32Array[] {
  const out: Int32Array[] = [];
  model.init((s) => out.push(s.slice()));
  return out;
}

/** Resident memory in bytes, or 0 where the runtime cannot tell. */
export function residentMemory(): number {
  try {
    return Deno.memoryUsage().rss;
  } catch {
    return 0;
  }
}

/** Describes which limit was hit. */
export function limitMessage(reason: IncompleteReason, limits: SearchLimits): string {
  switch (reason) {
    case "max-states":
      return `the state limit (--max-states ${limits.maxStates}) was reached`;
    case "max-depth":
      return `the depth limit (--max-depth ${limits.maxDepth}) was reached`;
    case "time":
      return `the time limit (--time ${limits.timeSeconds}) was reached`;
    case "interrupted":
      return "the run was interrupted";
    case "bound":
      return "an exploration bound was reached (see the trace)";
  }
}

/**
 * A violation or bound met while expanding: a new state violating an
 * invariant (`transition` -1), or a failing transition of the state at `at`.
 */
export interface Finding<L> {
  /** The property. */
  readonly property: number;
  /** The violating state, or the state whose transition failed. */
  readonly at: L;
  /** The failing transition, or -1 for an invariant. */
  readonly transition: number;
  /** The failure message, for a failing transition. */
  readonly message?: string | undefined;
}

/** How a search ended, as the engine saw it. */
export interface EngineEnd<L> {
  readonly status: SearchOutcome["status"];
  readonly reason?: IncompleteReason | undefined;
  /** A state with nothing enabled that violates a property (deadlock, final). */
  readonly stuck?: { readonly property: number; readonly at: L } | undefined;
  /** What the spec's code threw, and the state being expanded (none: an initial state). */
  readonly error?: { readonly cause: unknown; readonly at: L | undefined } | undefined;
  readonly depth: number;
}
