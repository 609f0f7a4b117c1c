// Private module: the partition function of a distributed search (see
// distributed.ts). A state's owner is a hash of a few of its slots (its
// "lanes"), not of all of them: a transition that changes none of those
// lanes leaves its successor with the worker that expanded the state, so
// it is stored there at once and never crosses the network. The coordinator
// chooses the lanes before the search from a sample of the state space:
//
// 1. a beam search: breadth-first, but each level cut to a random
//    `perLevel` of its new states, until `maxStates` states are expanded
//    (levels of every depth are sampled, not only the first ones);
// 2. the lanes are ranked by how often the sample's transitions change
//    them (lanes no transition changes are left out: they never split);
// 3. for each prefix of that ranking (the k lanes changed least), the
//    sample gives the balance (the largest partition over the mean) and
//    the fraction of transitions whose successor changes owner, (N − 1)/N
//    of those that change a chosen lane; the prefix with the lowest
//    balance × (1 + remote) is chosen: the slowest worker's work, counting
//    a remote successor as about one more successor's work (measured: the
//    traffic of one costs about as much CPU as generating one).
//
// Every worker gets the lanes with the job, so all agree on every state's
// owner; any choice gives the same states, transitions and depths (only
// the split of the work changes).

import type { Model } from "../model/model.ts";
import { FingerprintStore, hash64 } from "./_fingerprint_store.ts";

/** The lanes a distributed search partitions by, and what the sample said of them. */
export interface PartitionPlan {
  /** The slots whose hash gives a state's owner, in hashing order (all slots: null). */
  readonly lanes: readonly number[] | null;
  /** States of the sample. */
  readonly sampled: number;
  /** The sample's largest partition over the mean partition (1 is even). */
  readonly balance: number;
  /** The sample's fraction of successors whose owner is not their parent's owner. */
  readonly remote: number;
}

/** Sampling options. */
export interface SampleOptions {
  /** New states kept per level (default 500). */
  readonly perLevel?: number;
  /** States expanded in all (default 50,000). */
  readonly maxStates?: number;
  /** The seed of the level cuts (default 1). */
  readonly seed?: number;
}

/** One more word into the lane hash (a multiply and a shift: the finish mixes the rest). */
function step(h: number, x: number): number {
  h = Math.imul(h ^ x, 0x9e3779b1);
  return h ^ (h >>> 15);
}

/** MurmurHash3's finalizer. */
function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** The seed of the lane hash (not the fingerprint's: partitions fill their tables evenly). */
const SEED = 0x7f4a7c15;

/** The owner (0 .. workers − 1) of a 32-bit hash. */
function scaled(h: number, workers: number): number {
  return Math.floor((h >>> 0) * workers * 2.3283064365386963e-10);
}

/**
 * The worker that owns state `s` under `lanes` (null: a hash of every
 * slot, by the fingerprint's low word; `fp` is scratch for it).
 */
export function ownerOfState(
  s: Int32Array,
  lanes: Int32Array | null,
  workers: number,
  fp: Int32Array,
): number {
  if (lanes === null) {
    hash64(s, s.length, fp);
    return scaled(fp[0]!, workers);
  }
  let h = SEED;
  for (let i = 0; i < lanes.length; i++) {
    // step(), inlined: this runs for every successor.
    h = Math.imul(h ^ s[lanes[i]!]!, 0x9e3779b1);
    h ^= h >>> 15;
  }
  return scaled(finish(h), workers);
}

/** The sample: its states, how often each lane changed, and which lanes each transition changed. */
interface Sample {
  readonly states: Int32Array[];
  /** Where each level starts in `states`. */
  readonly levels: number[];
  readonly changes: Int32Array;
  /** Per transition of the sample: its changed lanes, as a list in `lanes` from `starts[t]`. */
  readonly starts: number[];
  readonly lanes: number[];
}

/** A beam search of the model (see the module comment). */
function beamSample(model: Model, o: SampleOptions): Sample {
  const width = model.width;
  const perLevel = o.perLevel ?? 500, max = o.maxStates ?? 50_000;
  let seed = (o.seed ?? 1) >>> 0;
  const random = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 4294967296;
  };
  const seen = new FingerprintStore(width, model.transitionCount);
  const fresh = (s: Int32Array) => seen.insert(s, -1, 0) >= 0;
  const changes = new Int32Array(width);
  const sample: Sample = { states: [], levels: [], changes, starts: [], lanes: [] };
  let level: Int32Array[] = [];
  model.init((s) => {
    if (fresh(s)) level.push(s.slice());
  });
  while (level.length > 0 && sample.states.length < max) {
    const next: Int32Array[] = [];
    sample.levels.push(sample.states.length);
    for (const cur of level) {
      if (sample.states.length >= max) break;
      sample.states.push(cur);
      model.expand(cur, {
        push(s) {
          sample.starts.push(sample.lanes.length);
          for (let j = 0; j < width; j++) {
            if (s[j] !== cur[j]) {
              changes[j]!++;
              sample.lanes.push(j);
            }
          }
          if (fresh(s)) next.push(s.slice());
          return true;
        },
        fail() {},
      });
    }
    for (let i = next.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [next[i], next[j]] = [next[j]!, next[i]!];
    }
    level = next.slice(0, perLevel);
  }
  sample.starts.push(sample.lanes.length);
  return sample;
}

/**
 * The balance of each prefix of `order` over the sample (index k − 1: k
 * lanes): the sum over the levels of the largest partition of the level,
 * over the mean. Levels, not the whole sample: the search waits for its
 * slowest worker at the end of every level.
 */
function balances(sample: Sample, order: readonly number[], workers: number): number[] {
  const { states, levels } = sample;
  const counts = order.map(() => new Float64Array(workers));
  const slowest = new Float64Array(order.length);
  for (let l = 0; l < levels.length; l++) {
    const end = l + 1 < levels.length ? levels[l + 1]! : states.length;
    for (const c of counts) c.fill(0);
    for (let i = levels[l]!; i < end; i++) {
      const s = states[i]!;
      let h = SEED;
      for (let k = 0; k < order.length; k++) {
        h = step(h, s[order[k]!]!);
        counts[k]![scaled(finish(h), workers)]!++;
      }
    }
    counts.forEach((c, k) => slowest[k]! += Math.max(...c));
  }
  const mean = states.length / workers;
  return [...slowest].map((m) => m / mean);
}

/** The fraction of the sample's transitions that change a lane among the first k, for each k. */
function changedWithin(sample: Sample, order: readonly number[]): number[] {
  const rank = new Int32Array(sample.changes.length).fill(order.length);
  order.forEach((lane, r) => rank[lane] = r);
  const byFirst = new Float64Array(order.length + 1);
  const transitions = sample.starts.length - 1;
  for (let t = 0; t < transitions; t++) {
    let first = order.length;
    for (let i = sample.starts[t]!; i < sample.starts[t + 1]!; i++) {
      first = Math.min(first, rank[sample.lanes[i]!]!);
    }
    byFirst[first]!++;
  }
  const out: number[] = [];
  let sum = 0;
  for (let k = 0; k < order.length; k++) out.push((sum += byFirst[k]!) / Math.max(1, transitions));
  return out;
}

/**
 * Chooses the lanes a search over `workers` workers partitions by, from a
 * sample of the model's state space (see the module comment).
 */
export function planPartition(
  model: Model,
  workers: number,
  options: SampleOptions = {},
): PartitionPlan {
  if (workers === 1) return { lanes: null, sampled: 0, balance: 1, remote: 0 };
  const sample = beamSample(model, options);
  const order = [...sample.changes.keys()]
    .filter((j) => sample.changes[j]! > 0)
    .sort((a, b) => sample.changes[a]! - sample.changes[b]! || a - b);
  if (order.length === 0) {
    return { lanes: null, sampled: sample.states.length, balance: 1, remote: 0 };
  }
  const balance = balances(sample, order, workers);
  const changed = changedWithin(sample, order);
  const share = (workers - 1) / workers;
  let best = order.length - 1;
  for (let k = order.length - 1; k >= 0; k--) {
    const cost = balance[k]! * (1 + share * changed[k]!);
    if (cost < balance[best]! * (1 + share * changed[best]!)) best = k;
  }
  return {
    lanes: order.slice(0, best + 1),
    sampled: sample.states.length,
    balance: balance[best]!,
    remote: share * changed[best]!,
  };
}
