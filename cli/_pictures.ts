// Private module: the pictures the check command writes on request:
// `--format mermaid` (the trace's sequence diagram on stdout), `--format
// dot` (the state graph on stdout), `--svg FILE` (the chart, or with
// `--format dot` the graph drawn by Graphviz), `--html FILE` (the report).

import {
  type Checkable,
  type CheckResult,
  type Counterexample,
  graphPicture,
  statsRows,
  type TraceChart,
  traceChart,
  traceRecorder,
} from "../mod.ts";
import {
  formatDot,
  formatDotSvg,
  formatHtml,
  formatMermaid,
  formatSvg,
  type ReportFormat,
} from "../reporters/mod.ts";
import type { CliIO } from "./_io.ts";
import { positiveInt, type Values } from "./_options.ts";

/** The picture options of a check. */
export interface PictureOptions {
  /** `mermaid` or `dot` to print that instead of the text report; anything else prints nothing here. */
  readonly format: string;
  /** Where to write the SVG. */
  readonly svg?: string | undefined;
  /** Where to write the HTML report. */
  readonly html?: string | undefined;
  /** The most states a state graph may have (default 200). */
  readonly graphLimit?: number | undefined;
}

/** What the pictures asked for gave. */
export interface Pictures {
  /** What to print on stdout (Mermaid or DOT text), if any. */
  readonly out?: string;
  /** Why a picture was not drawn (a state graph too large), to print on stderr. */
  readonly refused?: string;
  /** The files written. */
  readonly wrote: readonly string[];
}

/** The picture options of the command line: `--format`, `--svg`, `--html`, `--graph-limit`. */
export function pictureOptions(values: Values, format: ReportFormat): PictureOptions {
  return {
    format,
    svg: values.svg,
    html: values.html,
    graphLimit: positiveInt("graph-limit", values["graph-limit"]),
  };
}

/**
 * Draws the pictures asked for and says what it did: the Mermaid or DOT
 * text on stdout, a refusal and each file written on stderr.
 */
export async function showPictures(
  spec: Checkable,
  params: Readonly<Record<string, number | boolean | string>>,
  source: PictureSource,
  options: PictureOptions,
  io: CliIO,
  extras: { readonly replay?: (trace: string) => string; readonly coverage?: string } = {},
): Promise<void> {
  const p = await drawPictures(spec, params, source, options, extras);
  if (p.out !== undefined) io.out(p.out.replace(/\n$/, ""));
  if (p.refused !== undefined) io.err(p.refused);
  for (const f of p.wrote) io.err(`wrote ${f}`);
}

/** Whether any picture is asked for. */
export function wantsPictures(o: PictureOptions): boolean {
  return o.format === "mermaid" || o.format === "dot" || o.svg !== undefined ||
    o.html !== undefined;
}

/** What a picture is drawn from: a check's result, or a replayed trace's story. */
export type PictureSource = CheckResult | Counterexample;

function isResult(source: PictureSource): source is CheckResult {
  return "verdict" in source;
}

/** The trace of a source worth drawing: the counterexample, a bound's or an error's path. */
function traceOf(source: PictureSource): Counterexample | undefined {
  if (!isResult(source)) return source;
  return source.violation ?? source.incomplete?.trace ?? source.error?.trace;
}

/**
 * The chart of a check's result (an empty trace from the initial state when
 * it has none, so an `ok` verdict still gets its report).
 */
export function chartOfResult(
  spec: Checkable,
  params: Readonly<Record<string, number | boolean | string>>,
  result: PictureSource,
  extras: { readonly replay?: (trace: string) => string; readonly coverage?: string } = {},
): TraceChart {
  const model = spec.compile(params);
  const cx = traceOf(result);
  // A replayed trace that violates nothing is drawn as a plain path.
  const trace = cx === undefined || cx.property === "" && cx.loopStart === undefined
    ? { init: cx?.init ?? 0, transitions: cx?.transitions ?? [] }
    : cx;
  return traceChart(model, trace, {
    recorder: traceRecorder(spec, params),
    params: spec.resolve(params),
    ...(isResult(result) ? { verdict: result.verdict, stats: statsRows(result) } : {}),
    ...(cx !== undefined && extras.replay !== undefined
      ? { replay: extras.replay(`${cx.init}:${cx.transitions.join(",")}`) }
      : {}),
    ...(extras.coverage !== undefined ? { coverage: extras.coverage } : {}),
  });
}

/**
 * Draws what `options` asks for from a check's result or a replayed
 * trace: returns the text to print and writes the files.
 */
export async function drawPictures(
  spec: Checkable,
  params: Readonly<Record<string, number | boolean | string>>,
  result: PictureSource,
  options: PictureOptions,
  extras: { readonly replay?: (trace: string) => string; readonly coverage?: string } = {},
): Promise<Pictures> {
  const wrote: string[] = [];
  let out: string | undefined;
  let refused: string | undefined;
  if (options.format === "dot") {
    const model = spec.compile(params);
    const cx = traceOf(result);
    const g = graphPicture(model, {
      ...(options.graphLimit !== undefined ? { limit: options.graphLimit } : {}),
      ...(cx !== undefined ? { path: cx } : {}),
    });
    if ("refused" in g) {
      refused = g.refused;
    } else {
      const dot = formatDot(g);
      out = dot;
      if (options.svg !== undefined) {
        await Deno.writeTextFile(options.svg, await formatDotSvg(dot));
        wrote.push(options.svg);
      }
    }
  }
  const chartSvg = options.svg !== undefined && options.format !== "dot";
  if (options.format === "mermaid" || chartSvg || options.html !== undefined) {
    const chart = chartOfResult(spec, params, result, extras);
    if (options.format === "mermaid") out = formatMermaid(chart);
    if (chartSvg) {
      await Deno.writeTextFile(options.svg!, formatSvg(chart));
      wrote.push(options.svg!);
    }
    if (options.html !== undefined) {
      await Deno.writeTextFile(options.html, formatHtml(chart));
      wrote.push(options.html);
    }
  }
  return {
    ...(out !== undefined ? { out } : {}),
    ...(refused !== undefined ? { refused } : {}),
    wrote,
  };
}
