// Private module: the structured states of a counterexample's path, for
// the JSON result and ITF traces. The one place the CLI reaches for the
// model's state layout (model/_snapshot.ts).

import type { Model } from "../model/model.ts";
import type { StateData } from "../checker/result.ts";
import { snapshotState } from "../model/_snapshot.ts";
import type { Counterexample } from "../checker/result.ts";
import { replay } from "../checker/replay.ts";

/**
 * A function giving every state of a counterexample's path (the initial
 * state first) as data, or undefined when the path does not replay or the
 * model is not a compiled spec.
 */
export function traceStates(model: Model): (cx: Counterexample) => StateData[] | undefined {
  return (cx) => {
    try {
      const r = replay(model, { init: cx.init, transitions: cx.transitions });
      if (r.error !== undefined) return undefined;
      const out: StateData[] = [];
      for (const s of r.states) {
        const snap = snapshotState(model, s);
        if (snap === undefined) return undefined;
        out.push(snap);
      }
      return out;
    } catch {
      return undefined; // the spec's own code throws on this path: no states to show
    }
  };
}
