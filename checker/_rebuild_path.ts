// Private module: the bitstate store keeps no parent links, so the compact
// BFS (bfs_compact.ts) rebuilds the path to a state it met by a second
// breadth-first search, over a fingerprint store, down to that state's depth.

import type { Model, SuccessorSink } from "../model/model.ts";
import { initialStates } from "./_search.ts";
import type { EngineClock } from "./_loop.ts";
import { FingerprintStore } from "./_fingerprint_store.ts";
import { StateQueue } from "./_compact_store.ts";

/**
 * The shortest path from an initial state to `target`, by a breadth-first
 * search over a fingerprint store that expands levels 0 to `depth` - 1
 * (`target` was met at depth `depth`), or why there is none.
 */
export function rebuildPath(
  model: Model,
  target: Int32Array,
  depth: number,
  clock: EngineClock,
): { init: number; transitions: number[] } | string {
  const width = model.width;
  const same = (s: Int32Array) => {
    for (let i = 0; i < width; i++) if (s[i] !== target[i]) return false;
    return true;
  };
  const store = new FingerprintStore(width, model.transitionCount);
  const queue = new StateQueue(width);
  for (const s of initialStates(model)) {
    const idx = store.insert(s, -1, -1);
    if (idx < 0) continue;
    if (same(s)) return store.path(idx);
    queue.push(s);
  }
  let hit = -1;
  let parent = -1;
  const sink: SuccessorSink = {
    push(next, transition) {
      const idx = store.insert(next, parent, transition);
      if (idx < 0) return true;
      if (same(next)) {
        hit = idx;
        return false;
      }
      queue.push(next);
      return true;
    },
    fail() {},
  };
  const cur = new Int32Array(width);
  let head = 0;
  let levelEnd = store.count;
  let level = 0;
  try {
    while (head < store.count && queue.length > 0) {
      if (head === levelEnd) {
        level++;
        levelEnd = store.count;
      }
      if (level >= depth) break;
      queue.shift(cur);
      parent = head++;
      model.expand(cur, sink);
      if (hit >= 0) return store.path(hit);
      if ((head & 1023) === 0 && (clock.stopRequested() || performance.now() >= clock.deadline)) {
        return "the search that rebuilds its trace was stopped (time limit or interruption)";
      }
    }
  } catch (e) {
    return `the search that rebuilds its trace failed: ${
      e instanceof Error ? e.message : String(e)
    }`;
  }
  return `the search that rebuilds its trace did not meet the state within ${depth} steps`;
}
