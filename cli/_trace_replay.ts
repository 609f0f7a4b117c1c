// Private to the CLI: `check --replay TRACE`, a trace replayed and told as a story.

import { explainTrace } from "../checker/explain.ts";
import { parseTrace, replay } from "../checker/replay.ts";
import type { Checkable } from "../model/model.ts";
import type { ParamInput } from "../model/spec.ts";
import { formatTraceReplay } from "../reporters/mod.ts";
import { type CompileChoice, compileFor } from "./_compile.ts";
import { type CliIO, EXIT } from "./_io.ts";
import { UsageError } from "./_options.ts";
import { type PictureOptions, showPictures, wantsPictures } from "./_pictures.ts";

/**
 * Replays the trace `text` on `spec` with `params`, drawing the pictures
 * asked for; exits 1 when it ends in a violation.
 */
export async function replayTrace(
  spec: Checkable,
  params: ParamInput,
  choice: CompileChoice,
  text: string,
  io: CliIO,
  pictures: PictureOptions = { format: "text" },
): Promise<number> {
  if (text.trim() === "") {
    throw new UsageError("--replay needs a trace such as '0:3,1,4' (the empty trace is '0:')");
  }
  const trace = parseTrace(text);
  if (typeof trace === "string") throw new UsageError(trace);
  const model = compileFor(spec, params, choice);
  const explained = explainTrace(model, trace);
  if (typeof explained === "string") {
    io.out(`${spec.name}: the trace does not replay: ${explained}`);
    return EXIT.error;
  }
  // A liveness counterexample ends where its cycle began: show the cycle.
  const states = replay(model, trace).states;
  const last = states[states.length - 1]!.join();
  const loop = states.findIndex((st) => st.join() === last);
  const story = loop < states.length - 1 ? { ...explained, loopStart: loop } : explained;
  if (pictures.format === "text" || pictures.format === "json") {
    io.out(formatTraceReplay(spec.name, story));
  }
  if (wantsPictures(pictures)) await showPictures(spec, params, story, pictures, io);
  return story.property !== "" ? EXIT.violation : EXIT.ok;
}
