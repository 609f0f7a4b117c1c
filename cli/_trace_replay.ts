// Private to the CLI: `check --replay TRACE`, a trace replayed and told as a story.

import { explainTrace } from "../checker/explain.ts";
import { parseTrace, replay } from "../checker/replay.ts";
import type { Counterexample } from "../checker/result.ts";
import type { Spec } from "../model/spec.ts";
import { formatTraceReplay } from "../reporters/mod.ts";
import { counterexampleJson } from "../reporters/result_json.ts";
import type { CheckSettings } from "./_check_settings.ts";
import { compileFor } from "./_compile.ts";
import { type CliIO, EXIT } from "./_io.ts";
import { UsageError } from "./_options.ts";
import { writeJson } from "./_reports.ts";
import { traceStates } from "./_states.ts";
import { type PictureOptions, showPictures, wantsPictures } from "./_pictures.ts";

/** Replays the trace `text` on `spec` with the settings' parameters; exits 1 when it ends in a violation. */
export async function replayTrace(
  file: string,
  spec: Spec,
  settings: CheckSettings,
  text: string,
  io: CliIO,
  pictures: PictureOptions = { format: "text" },
): Promise<number> {
  if (text.trim() === "") {
    throw new UsageError("--replay needs a trace such as '0:3,1,4' (the empty trace is '0:')");
  }
  const trace = parseTrace(text);
  if (typeof trace === "string") throw new UsageError(trace);
  const model = compileFor(spec, settings.params, settings);
  const json = (
    outcome: "violation" | "cycle" | "ok" | "unreplayable",
    message: string,
    story: Counterexample | undefined,
    code: number,
  ) =>
    writeJson(io, {
      command: "replay",
      replay: {
        spec: spec.name,
        file,
        params: { ...spec.resolve(settings.params) },
        source: "trace",
        outcome,
        message,
        ...(story !== undefined
          ? { counterexample: counterexampleJson(story, { states: traceStates(model) }) }
          : {}),
      },
    }, code);
  const explained = explainTrace(model, trace);
  if (typeof explained === "string") {
    const message = `the trace does not replay: ${explained}`;
    if (settings.format === "json") return json("unreplayable", message, undefined, EXIT.error);
    io.out(`${spec.name}: ${message}`);
    return EXIT.error;
  }
  // A liveness counterexample ends where its cycle began: show the cycle.
  const states = replay(model, trace).states;
  const last = states[states.length - 1]!.join();
  const loop = states.findIndex((st) => st.join() === last);
  const story = loop < states.length - 1 ? { ...explained, loopStart: loop } : explained;
  const code = story.property !== "" ? EXIT.violation : EXIT.ok;
  if (settings.format === "json") {
    const outcome = story.property !== "" ? "violation" : loop < states.length - 1 ? "cycle" : "ok";
    const text = formatTraceReplay(spec.name, story).split("\n");
    return json(outcome, text[text.length - 1]!, story, code);
  }
  if (settings.format === "text") io.out(formatTraceReplay(spec.name, story));
  if (wantsPictures(pictures)) await showPictures(spec, settings.params, story, pictures, io);
  return code;
}
