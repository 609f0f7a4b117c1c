// Private module: the state graph liveness works on, built over 64-bit
// fingerprints instead of the states themselves (`--store fingerprint`).
//
// Liveness (liveness.ts, _fairness.ts) needs of a state only its edges and
// a few predicates: part p and q of each property, and for starvation
// whether each process has finished. This graph evaluates those once per
// state while it explores and keeps them as label bits, so no state is
// kept: per state a fingerprint-to-index slot (12 bytes: the fingerprint's
// two words and the index), its label bytes and its edge start; per edge
// its target and transition (8 bytes). States are numbered in the order the
// exact graph (_state_graph.ts) numbers them (breadth-first, successors in
// transition order), so as long as no two states share a fingerprint the
// graph, the components and the lassos are the exact graph's. Like the
// fingerprint store it may take two states for one; `omission` says how
// likely that is (TLC's optimistic estimate, as the search reports).

import type { Model, SuccessorSink } from "../model/model.ts";
import { livenessOf, type LivenessView } from "./_facets.ts";
import { hash64 } from "./_fingerprint_store.ts";
import { StateQueue } from "./_compact_store.ts";
import { initialStates, type SearchLimits } from "./_search.ts";
import { GrowInt32, type StateGraph, type StateLabels } from "./_state_graph.ts";

/** A fingerprint-to-index table: (low, high, index + 1) triples, linear probing, doubling at 3/4. */
class FingerprintIndex {
  #table = new Int32Array(3 << 12);
  #mask = (1 << 12) - 1;
  count = 0;

  /** The index of the fingerprint (lo, hi), or -1. */
  find(lo: number, hi: number): number {
    const table = this.#table, mask = this.#mask;
    for (let slot = hi & mask;; slot = (slot + 1) & mask) {
      const e = table[3 * slot + 2]!;
      if (e === 0) return -1;
      if (table[3 * slot] === lo && table[3 * slot + 1] === hi) return e - 1;
    }
  }

  /** The index of the fingerprint (lo, hi), or, when new, -(its new index + 1). */
  indexOf(lo: number, hi: number): number {
    const table = this.#table, mask = this.#mask;
    let slot = hi & mask;
    for (;;) {
      const e = table[3 * slot + 2]!;
      if (e === 0) break;
      if (table[3 * slot] === lo && table[3 * slot + 1] === hi) return e - 1;
      slot = (slot + 1) & mask;
    }
    table[3 * slot] = lo;
    table[3 * slot + 1] = hi;
    table[3 * slot + 2] = ++this.count;
    if (this.count * 4 > (mask + 1) * 3) this.#grow();
    return -this.count;
  }

  #grow(): void {
    const old = this.#table;
    const cap = (this.#mask + 1) * 2, mask = cap - 1;
    const table = new Int32Array(cap * 3);
    for (let i = 0; i < old.length; i += 3) {
      if (old[i + 2] === 0) continue;
      let slot = old[i + 1]! & mask;
      while (table[3 * slot + 2] !== 0) slot = (slot + 1) & mask;
      table.set(old.subarray(i, i + 3), 3 * slot);
    }
    this.#table = table;
    this.#mask = mask;
  }

  get bytes(): number {
    return this.#table.length * 4;
  }
}

/**
 * Explores every reachable state over fingerprints and records every edge
 * and each state's label bits. Returns undefined when the state limit is
 * reached first.
 */
export function compactStateGraph(
  model: Model,
  limits?: SearchLimits,
): CompactStateGraph | undefined;
/** With `stop`, asked now and then: `"stopped"` when it said yes. */
export function compactStateGraph(
  model: Model,
  limits: SearchLimits,
  stop: () => boolean,
): CompactStateGraph | undefined | "stopped";
export function compactStateGraph(
  model: Model,
  limits: SearchLimits = {},
  stop?: () => boolean,
): CompactStateGraph | undefined | "stopped" {
  const labels = new Labeller(model);
  const index = new FingerprintIndex();
  const queue = new StateQueue(model.width);
  const fp = new Int32Array(2);
  const max = limits.maxStates ?? Number.POSITIVE_INFINITY;
  const key = (s: Int32Array): number => {
    hash64(s, model.width, fp);
    return index.indexOf(fp[0]!, fp[1]!);
  };
  /** Labels a new state `i` and queues it. */
  const added = (s: Int32Array, i: number) => {
    labels.label(s, i);
    queue.push(s);
  };
  const inits: number[] = [];
  let generated = 0;
  for (const s of initialStates(model)) {
    generated++;
    const i = key(s);
    if (i < 0) added(s, -i - 1);
    inits.push(i < 0 ? -i - 1 : i);
  }
  const start = new GrowInt32(), target = new GrowInt32(), via = new GrowInt32();
  let full = false;
  const sink: SuccessorSink = {
    push(next, t) {
      generated++;
      if (index.count >= max) {
        // Only a new state would exceed the limit.
        hash64(next, model.width, fp);
        const i = index.find(fp[0]!, fp[1]!);
        if (i < 0) {
          full = true;
          return false;
        }
        target.push(i);
        via.push(t);
        return true;
      }
      let i = key(next);
      if (i < 0) added(next, i = -i - 1);
      target.push(i);
      via.push(t);
      return true;
    },
    fail() {},
  };
  const cur = new Int32Array(model.width);
  for (let i = 0; i < index.count; i++) {
    if ((i & 4095) === 4095 && stop?.() === true) return "stopped";
    start.push(target.length);
    queue.shift(cur);
    model.expand(cur, sink);
    if (full) return undefined;
  }
  start.push(target.length);
  const states = index.count;
  return {
    states,
    start: start.view(),
    target: target.view(),
    via: via.view(),
    inits,
    read: () => {
      throw new Error("the fingerprint state graph keeps no states");
    },
    labels: labels.done(),
    bytes: index.bytes + labels.bytes + (start.data.length + 2 * target.data.length) * 4 +
      queue.peakBytes,
    omission: Math.min(1, (states * Math.max(0, generated - states)) / 2 ** 64),
  };
}

/** A state graph over fingerprints: labels instead of states, its bytes and omission estimate. */
export interface CompactStateGraph extends StateGraph {
  readonly labels: StateLabels;
  /** Bytes of the table, labels, edges and the peak frontier. */
  readonly bytes: number;
  /** TLC's optimistic estimate that two states shared a fingerprint. */
  readonly omission: number;
}

/** Each state's label bits: p and q of each property, then (for starvation) each process finished. */
class Labeller {
  readonly #view: LivenessView;
  readonly #pids: number;
  readonly #per: number;
  #data: Uint8Array;

  constructor(model: Model) {
    const view = this.#view = livenessOf(model);
    const props = view.properties;
    const starving = props.some((p) => p.kind === "starvation" || p.kind === "wakeup");
    this.#pids = starving ? view.processNames.length : 0;
    this.#per = Math.max(1, Math.ceil((2 * props.length + this.#pids) / 8));
    this.#data = new Uint8Array(this.#per * 1024);
  }

  /** Evaluates and records the labels of state `i`, which is `s`. */
  label(s: Int32Array, i: number): void {
    const per = this.#per, view = this.#view, props = view.properties;
    if ((i + 1) * per > this.#data.length) {
      const next = new Uint8Array(this.#data.length * 2);
      next.set(this.#data);
      this.#data = next;
    }
    const data = this.#data;
    let b = 0;
    const set = (on: boolean) => {
      if (on) data[i * per + (b >> 3)]! |= 1 << (b & 7);
      b++;
    };
    for (let k = 0; k < props.length; k++) {
      const kind = props[k]!.kind;
      set(kind !== "starvation" && kind !== "wakeup" && view.holds(k, "p", s));
      set(kind === "leadsTo" && view.holds(k, "q", s));
    }
    for (let pid = 0; pid < this.#pids; pid++) set(view.finished(s, pid));
  }

  get bytes(): number {
    return this.#data.length;
  }

  /** The labels, read by state index. */
  done(): StateLabels {
    const data = this.#data, per = this.#per, props = this.#view.properties.length;
    const bit = (s: number, b: number) => (data[s * per + (b >> 3)]! >> (b & 7) & 1) === 1;
    return {
      holds: (index, part, s) => bit(s, 2 * index + (part === "q" ? 1 : 0)),
      finished: (s, pid) => bit(s, 2 * props + pid),
    };
  }
}
