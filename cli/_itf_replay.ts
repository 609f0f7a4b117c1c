// Private to the CLI: replaying an ITF trace that ipcspec wrote (`--itf`,
// `--format itf`): the path its `#meta` records is replayed on the spec,
// and the states it gives must be the states the file holds — a trace of
// a spec that changed since is refused, not replayed differently.

import type { Model } from "../model/model.ts";
import type { Counterexample } from "../checker/result.ts";
import { explainTrace } from "../checker/explain.ts";
import { replay } from "../checker/replay.ts";
import { formatItf, type ItfReplay, itfTrace } from "../reporters/itf.ts";
import { traceStates } from "./_states.ts";

/** How replaying an ITF trace ended. */
export interface ItfReplayOutcome {
  /** As in the JSON `replay` document. */
  readonly outcome: "violation" | "cycle" | "ok" | "unreplayable";
  /** Why, in words. */
  readonly message: string;
  /** The path as a story, when it replays. */
  readonly story?: Counterexample;
}

/**
 * Replays `itf` on `model` (the spec it names, compiled with its
 * parameters) and checks that the states agree with the file's.
 */
export function replayItf(model: Model, itf: ItfReplay): ItfReplayOutcome {
  const explained = explainTrace(model, itf.trace);
  if (typeof explained === "string") {
    return { outcome: "unreplayable", message: `the trace does not replay: ${explained}` };
  }
  const states = replay(model, itf.trace).states;
  const last = states[states.length - 1]!.join();
  const loop = states.findIndex((st) => st.join() === last);
  const story: Counterexample = loop < states.length - 1
    ? { ...explained, loopStart: loop }
    : explained;
  const snaps = traceStates(model)(story);
  const again = snaps === undefined ? undefined : itfTrace(story, snaps, {
    spec: itf.origin.spec,
    file: itf.origin.file,
    params: itf.origin.params,
  });
  const want = JSON.stringify(itf.itf.states);
  if (again === undefined || JSON.stringify(JSON.parse(formatItf(again)).states) !== want) {
    return {
      outcome: "unreplayable",
      message: "the replayed states differ from the file's (the spec or ipcspec changed since " +
        "the file was written)",
    };
  }
  if (story.property !== "") {
    return {
      outcome: "violation",
      message: `violates '${story.property}' (${story.kind}): ${story.message}`,
      story,
    };
  }
  if (story.loopStart !== undefined) {
    return {
      outcome: "cycle",
      message:
        `the last ${states.length - 1 - loop} steps return to the state before step ${
          loop + 1
        }: the run can repeat them for ever (the cycle of a liveness counterexample); ` +
        "no safety property is violated",
      story,
    };
  }
  return { outcome: "ok", message: "the trace ends in a state that violates no property", story };
}
