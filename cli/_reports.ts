// Private to the CLI: the reports for tools — the JSON document on stdout,
// the JUnit file, ITF traces — built from the results of a run, and the
// printed commands that replay a trace.

import { dirname, join } from "node:path";
import type { CheckResult, Counterexample } from "../checker/result.ts";
import type { CoverageReport } from "../checker/coverage.ts";
import type { Model } from "../model/model.ts";
import { expectationText, meetsExpectation } from "../checker/expectation.ts";
import type { Spec } from "../model/spec.ts";
import {
  type CheckResultJson,
  checkResultJson,
  type DocumentBody,
  formatJsonDocument,
  jsonDocument,
} from "../reporters/result_json.ts";
import { formatJunit, junitCase, type JunitSuite } from "../reporters/junit.ts";
import { formatItf, type ItfTrace, itfTrace } from "../reporters/itf.ts";
import { absolute, commandLine, paramArgs } from "./_command_line.ts";
import { traceStates } from "./_states.ts";

/** Where the CLI writes (the same shape as the CLI's io). */
interface Out {
  out(text: string): void;
  err(text: string): void;
}

/** Writes one JSON document (the body and the exit code) to stdout; returns the exit code. */
export function writeJson(io: Out, body: DocumentBody, exitCode: number): number {
  io.out(formatJsonDocument(jsonDocument(body, exitCode)));
  return exitCode;
}

/**
 * The command that replays a trace of `spec` in `file`, with `{trace}`
 * where the trace goes (what the text report fills in).
 */
export function replayHint(
  prefix: readonly string[],
  file: string,
  spec: string,
  params: Readonly<Record<string, unknown>>,
): string {
  return commandLine(prefix, [
    "check",
    absolute(file),
    "--spec",
    spec,
    ...paramArgs(params),
    "--replay",
    "TRACE",
  ]).replace(/TRACE$/, "{trace}");
}

/** One spec checked: what the reports for tools need. */
export interface Checked {
  /** The spec file, as named on the command line. */
  readonly file: string;
  /** The spec. */
  readonly spec: Spec;
  /** The parameter overrides given. */
  readonly params: Readonly<Record<string, string>>;
  /** The result. */
  readonly result: CheckResult;
  /** The model, for the structured states of a counterexample (compiled on demand). */
  readonly model: () => Model | undefined;
  /** With `--expect`. */
  readonly expect: boolean;
  /** With `--coverage`. */
  readonly coverage?: CoverageReport;
}

/** A result's counterexample (a violation, or the path to an error or a bound). */
export function counterexampleOf(r: CheckResult): Counterexample | undefined {
  return r.violation ?? r.error?.trace ?? r.incomplete?.trace;
}

/** A checked spec as JSON: structured states and the replay command included. */
export function checkedJson(c: Checked, prefix: readonly string[]): CheckResultJson {
  const model = counterexampleOf(c.result) !== undefined ? c.model() : undefined;
  const hint = replayHint(prefix, c.file, c.spec.name, c.params);
  return checkResultJson(c.result, {
    file: c.file,
    ...(model !== undefined ? { states: traceStates(model) } : {}),
    replay: (t) => hint.replace("{trace}", t),
    ...(c.expect
      ? {
        expected: {
          verdict: expectationText(c.spec.expect),
          met: meetsExpectation(c.spec.expect, c.result),
        },
      }
      : {}),
    ...(c.coverage !== undefined ? { coverage: c.coverage } : {}),
  });
}

/** The JUnit suites of a `check` run: one per spec file, one case per spec. */
export function checkSuites(checked: readonly Checked[], prefix: readonly string[]): JunitSuite[] {
  const byFile = new Map<string, ReturnType<typeof junitCase>[]>();
  for (const c of checked) {
    const kase = junitCase(c.result, {
      file: c.file,
      replay: replayHint(prefix, c.file, c.spec.name, c.params),
      ...(c.expect
        ? {
          expected: {
            verdict: expectationText(c.spec.expect),
            met: meetsExpectation(c.spec.expect, c.result),
          },
        }
        : {}),
    });
    byFile.set(c.file, [...(byFile.get(c.file) ?? []), kase]);
  }
  return [...byFile].map(([name, cases]) => ({ name, cases }));
}

/** Writes a JUnit file (creating its folder); returns an error message, or undefined. */
export async function writeJunit(
  path: string,
  suites: readonly JunitSuite[],
): Promise<string | undefined> {
  return await writeText(path, formatJunit(suites), "JUnit file");
}

async function writeText(path: string, text: string, what: string): Promise<string | undefined> {
  try {
    await makeFolder(dirname(path));
    await Deno.writeTextFile(path, text);
    return undefined;
  } catch (e) {
    return `Cannot write the ${what} '${path}': ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** The ITF trace of a checked spec's counterexample; for a spec without one, a trace with no states. */
export function checkedItf(c: Checked): ItfTrace {
  const cx = counterexampleOf(c.result);
  const origin = { spec: c.spec.name, file: absolute(c.file), params: c.result.params };
  if (cx === undefined) {
    return itfTrace(
      {
        property: "",
        kind: "invariant",
        message: `no counterexample: the verdict is ${c.result.verdict}`,
        init: 0,
        transitions: [],
        steps: [],
        state: "",
      },
      [],
      origin,
    );
  }
  const model = c.model();
  const states = model !== undefined ? traceStates(model)(cx) : undefined;
  return itfTrace(cx, states ?? [], origin);
}

/**
 * Writes the ITF traces of a run: to `path` itself for one spec; for
 * several, into the folder `path`, one `<spec>.itf.json` per spec with a
 * counterexample. Returns an error message, or undefined.
 */
export async function writeItf(
  path: string,
  checked: readonly Checked[],
): Promise<string | undefined> {
  if (checked.length === 1) {
    return await writeText(path, formatItf(checkedItf(checked[0]!)), "ITF file");
  }
  for (const c of checked) {
    if (counterexampleOf(c.result) === undefined) continue;
    const name = `${c.spec.name.replace(/[^\w.-]+/g, "_")}.itf.json`;
    const err = await writeText(join(path, name), formatItf(checkedItf(c)), "ITF file");
    if (err !== undefined) return err;
  }
  return undefined;
}

/** Makes `folder` unless it is there (in the sandbox the supervisor made it, and the child may not write it). */
async function makeFolder(folder: string): Promise<void> {
  try {
    if ((await Deno.stat(folder)).isDirectory) return;
  } catch {
    // not there (or not readable): make it
  }
  await Deno.mkdir(folder, { recursive: true });
}
