// Private module: a charted trace as the rows of a sequence chart (arrows
// between lifelines, notes over them, the start and end of a lasso's
// cycle). The Mermaid and SVG reporters draw the same rows.

import type { ChartStep, TraceChart, TraceEvent } from "../checker/chart.ts";

/** How an arrow is drawn. */
export type ArrowStyle = "solid" | "dashed" | "lost";

/** A row of a sequence chart. */
export type Row =
  | {
    readonly kind: "arrow";
    readonly from: string;
    readonly to: string;
    readonly label: string;
    readonly style: ArrowStyle;
    /** The step (from 0) the row belongs to. */
    readonly step: number;
  }
  | {
    readonly kind: "note";
    /** The lifelines it spans (one or two: the first and the last). */
    readonly over: readonly string[];
    readonly label: string;
    readonly tone: "plain" | "bad" | "blocked";
    /** The step (from 0), or -1 for the end. */
    readonly step: number;
  }
  | { readonly kind: "loop"; readonly label: string }
  | { readonly kind: "end" };

/** The rows of a chart, in drawing order. */
export function chartRows(chart: TraceChart): Row[] {
  const rows: Row[] = [];
  const lines = new Set(chart.lifelines.map((l) => l.name));
  const n = chart.steps.length;
  const stuck = new Set(chart.blocked.map((b) => b.process));
  chart.steps.forEach((step, i) => {
    // The last step's new waiters are the blocked processes listed at the end.
    const s = i < n - 1 || stuck.size === 0 ? step : {
      ...step,
      events: step.events.filter((e) => e.kind !== "block" || !stuck.has(e.process)),
    };
    if (chart.loopStart === i) {
      rows.push({
        kind: "loop",
        label: `cycle: steps ${i + 1}..${n} repeat for ever`,
      });
    }
    stepRows(s, i, lines, rows);
  });
  if (chart.loopStart !== undefined) rows.push({ kind: "end" });
  const procs = chart.lifelines.filter((l) => l.kind === "process").map((l) => l.name);
  for (const b of chart.blocked) {
    const holds = b.holds.length > 0 ? `, holding ${b.holds.join(", ")}` : "";
    rows.push({
      kind: "note",
      over: [b.process],
      label: `blocked at ${b.step}: waits on ${b.waitsOn.join(" or ")}${holds}`,
      tone: "blocked",
      step: -1,
    });
  }
  if (chart.property !== undefined) {
    const all = chart.lifelines.map((l) => l.name);
    rows.push({
      kind: "note",
      over: all.length > 1 ? [all[0]!, all[all.length - 1]!] : all.length === 1 ? all : procs,
      label: `VIOLATION of '${chart.property}': ${chart.message ?? ""}`,
      tone: "bad",
      step: -1,
    });
  }
  return rows;
}

/** The words of a step, numbered from 1. */
export function stepLabel(s: ChartStep, i: number): string {
  return `${i + 1}. ${s.operation}`;
}

function changesText(s: ChartStep): string {
  if (s.changes.length === 0) return "";
  const shown = s.changes.slice(0, 2).map((c) => `${c.name} ${c.before} → ${c.after}`);
  return `: ${shown.join(", ")}${s.changes.length > 2 ? ", …" : ""}`;
}

/** Whether an event is the mover's own action on a primitive (drawn as the step's arrow). */
function mainOf(s: ChartStep, lines: Set<string>): number {
  return s.events.findIndex((e) =>
    (e.kind === "put" || e.kind === "acquire" || e.kind === "release") &&
      e.process === s.process && lines.has(e.primitive) ||
    e.kind === "signal" && e.from === s.process && lines.has(e.primitive)
  );
}

function stepRows(s: ChartStep, i: number, lines: Set<string>, rows: Row[]): void {
  const label = stepLabel(s, i);
  let carrier = mainOf(s, lines);
  if (carrier < 0) {
    // A receive, a hand-off or a delivery speaks for the step.
    carrier = s.events.findIndex((e) =>
      e.kind === "take" || e.kind === "handoff" || e.kind === "rendezvous" ||
      e.kind === "deliver"
    );
  }
  if (carrier >= 0) {
    rows.push(eventRow(s.events[carrier]!, i, label, s) ?? note(s.process, label, i));
    rows.push(...lossNotes(s.events[carrier]!, i));
  } else if (s.primitive !== undefined && lines.has(s.primitive)) {
    rows.push({ kind: "arrow", from: s.process, to: s.primitive, label, style: "solid", step: i });
  } else {
    rows.push(note(s.process, label + changesText(s), i));
  }
  s.events.forEach((e, k) => {
    if (k !== carrier) pushEvent(e, i, s, rows);
  });
  if (s.failed !== undefined) rows.push(failNote(s, i));
}

function failNote(s: ChartStep, i: number): Row {
  return { kind: "note", over: [s.process], label: `fails: ${s.failed}`, tone: "bad", step: i };
}

function note(over: string, label: string, step: number): Row {
  return { kind: "note", over: [over], label, tone: "plain", step };
}

function pushEvent(e: TraceEvent, i: number, s: ChartStep, rows: Row[]): void {
  const r = eventRow(e, i, undefined, s);
  if (r !== undefined) rows.push(r);
  rows.push(...lossNotes(e, i));
}

/** The notes that call out a loss: a destroyed message, a coalesced signal. */
function lossNotes(e: TraceEvent, i: number): Row[] {
  const rows: Row[] = [];
  if (e.kind === "drop") {
    const what = e.values.map((v, k) => `${v}${e.senders[k] ? ` from ${e.senders[k]}` : ""}`);
    rows.push({
      kind: "note",
      over: [e.primitive],
      label: `LOST ${e.values.length === 1 ? "message" : "messages"} ${what.join(", ")}: ${e.why}`,
      tone: "bad",
      step: i,
    });
  }
  if (e.kind === "signal" && e.outcome === "coalesced") {
    rows.push({
      kind: "note",
      over: [e.primitive],
      label: `${e.signal} already pending for ${e.to}: coalesced, one ${e.signal} lost`,
      tone: "bad",
      step: i,
    });
  }
  return rows;
}

/** The arrow of one event; `main` is the step's own label when it carries it. */
function eventRow(
  e: TraceEvent,
  step: number,
  main: string | undefined,
  s: ChartStep,
): Row | undefined {
  const lead = (detail: string) =>
    main === undefined ? detail : `${main}${detail ? ` ${detail}` : ""}`;
  switch (e.kind) {
    case "put":
    case "take":
    case "handoff":
    case "rendezvous":
      return messageRow(e, step, lead);
    case "drop":
      return main === undefined ? undefined : note(s.process, main + changesText(s), step);
    case "acquire":
    case "release":
      return {
        kind: "arrow",
        from: e.process,
        to: e.primitive,
        label: main ?? e.kind,
        style: "solid",
        step,
      };
    case "signal":
    case "deliver":
      return signalRow(e, step, lead, main !== undefined ? changesText(s) : "");
    case "block":
      return {
        kind: "note",
        over: [e.process],
        label: `${e.process} waits on ${e.waitsOn.join(" or ")}`,
        tone: "blocked",
        step,
      };
    case "wake":
      return {
        kind: "arrow",
        from: e.by,
        to: e.process,
        label: `wakes ${e.process}${e.primitive !== undefined ? ` (${e.primitive})` : ""}`,
        style: "dashed",
        step,
      };
  }
}

/** The arrow of a message put, taken or handed over; `lead` prefixes the step's label. */
function messageRow(
  e: TraceEvent & { kind: "put" | "take" | "handoff" | "rendezvous" },
  step: number,
  lead: (detail: string) => string,
): Row {
  switch (e.kind) {
    case "put":
      return {
        kind: "arrow",
        from: e.process,
        to: e.primitive,
        label: lead(`put ${e.value}${e.to !== undefined ? ` for ${e.to}` : ""}`),
        style: "solid",
        step,
      };
    case "take":
      return {
        kind: "arrow",
        from: e.primitive,
        to: e.process,
        label: lead(`got ${e.value}${e.from !== undefined ? ` from ${e.from}` : ""}`),
        style: "dashed",
        step,
      };
    case "handoff":
    case "rendezvous":
      return {
        kind: "arrow",
        from: e.from,
        to: e.to,
        label: lead(
          `${e.value} via ${e.primitive} (${e.kind === "handoff" ? "hand-off" : "rendezvous"})`,
        ),
        style: "solid",
        step,
      };
  }
}

/**
 * The arrow of a signal generated or delivered; `changes` ends a delivery
 * that carries the step's label.
 */
function signalRow(
  e: TraceEvent & { kind: "signal" | "deliver" },
  step: number,
  lead: (detail: string) => string,
  changes: string,
): Row {
  if (e.kind === "signal") {
    return {
      kind: "arrow",
      from: e.from,
      to: e.primitive,
      label: lead(`${e.signal} for ${e.to}: ${e.outcome}`),
      style: e.outcome === "pending" || e.outcome === "queued" ? "solid" : "lost",
      step,
    };
  }
  return {
    kind: "arrow",
    from: e.primitive,
    to: e.process,
    label: lead(`${e.signal} delivered (${e.action})${changes}`),
    style: "dashed",
    step,
  };
}

/** One event in words, for tables. */
export function eventText(e: TraceEvent): string {
  switch (e.kind) {
    case "put":
      return `${e.process} → ${e.primitive}: put ${e.value}${
        e.to !== undefined ? ` for ${e.to}` : ""
      }${e.lane !== undefined ? ` (${e.lane})` : ""}`;
    case "take":
      return `${e.primitive} → ${e.process}: got ${e.value}${
        e.from !== undefined ? ` from ${e.from}` : ""
      }`;
    case "handoff":
      return `${e.from} → ${e.to}: ${e.value} handed over through ${e.primitive}`;
    case "rendezvous":
      return `${e.from} → ${e.to}: ${e.value} in a rendezvous on ${e.primitive}`;
    case "drop":
      return `LOST in ${e.primitive}: ${
        e.values.map((v, k) => `${v}${e.senders[k] ? ` from ${e.senders[k]}` : ""}`).join(", ")
      } (${e.why})`;
    case "acquire":
      return `${e.process} acquires ${e.primitive}`;
    case "release":
      return `${e.process} releases ${e.primitive}`;
    case "signal":
      return e.outcome === "coalesced"
        ? `${e.from} → ${e.to}: ${e.signal} COALESCED (already pending: lost)`
        : `${e.from} → ${e.to}: ${e.signal} ${e.outcome}`;
    case "deliver":
      return `${e.signal} delivered to ${e.process} (${e.action})`;
    case "block":
      return `${e.process} now waits on ${e.waitsOn.join(" or ")}`;
    case "wake":
      return `${e.by} wakes ${e.process}${e.primitive !== undefined ? ` (${e.primitive})` : ""}`;
  }
}
