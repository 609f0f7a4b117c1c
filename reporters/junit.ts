/**
 * JUnit XML: one `testcase` per spec checked (and per parameter point of a
 * sweep), the form CI systems read to show which checks failed. A failure
 * carries the property, the trace story and the command that replays it.
 * The output follows the JUnit schema Jenkins reads (junit-4.xsd; the
 * tests validate it against that schema).
 *
 * @module
 */

import type { CheckResult } from "../checker/result.ts";
import type { SweepResult } from "../checker/sweep.ts";
import { formatText } from "./text.ts";
import { xmlTag, xmlText } from "./_xml.ts";

/** One test case: a spec at one parameter setting. */
export interface JunitCase {
  /** The case's name: the spec and its parameters. */
  readonly name: string;
  /** The class name CI systems group cases by: the spec file. */
  readonly classname: string;
  /** Seconds it took. */
  readonly seconds: number;
  /** How it ended. */
  readonly outcome: "passed" | "failure" | "error";
  /** For a failure or an error: its type (the property's kind), one-line message and details. */
  readonly problem?: { readonly type: string; readonly message: string; readonly details: string };
  /** The text report, as `system-out`. */
  readonly output?: string;
}

/** A suite: the cases of one spec file (or one sweep). */
export interface JunitSuite {
  /** The suite's name. */
  readonly name: string;
  /** Its cases. */
  readonly cases: readonly JunitCase[];
}

function paramText(params: Readonly<Record<string, unknown>>): string {
  const list = Object.entries(params).map(([k, v]) => `${k}=${v}`).join(" ");
  return list === "" ? "" : ` (${list})`;
}

/**
 * The test case of one check.
 *
 * @param r The result.
 * @param options The spec file, the replay command (with `{trace}` where the
 *   trace goes), and with `--expect` the declared verdict and whether it is met.
 * @returns The case.
 *
 * @example
 * ```ts
 * import { junitCase } from "./junit.ts";
 * import { check, spec, system } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const s = spec({
 *   name: "two steps",
 *   params: {},
 *   build: () => {
 *     const sys = system({ x: 0 });
 *     sys.process("p", {}, (b) => [b.do("a", ({ g }) => g.x++), b.do("b", ({ g }) => g.x++)]);
 *     sys.atEnd("x stays small", ({ g }) => g.x < 2);
 *     return sys;
 *   },
 * });
 * const c = junitCase(check(s), { file: "s.ts", replay: "ipcspec check s.ts --replay {trace}" });
 * assert.equal(c.outcome, "failure");
 * assert.equal(c.problem?.type, "final");
 * assert.match(c.problem!.details, /replay: ipcspec check s\.ts --replay 0:1,0/);
 * ```
 */
export function junitCase(
  r: CheckResult,
  options: {
    readonly file: string;
    readonly replay?: string;
    readonly expected?: { readonly verdict: string; readonly met: boolean };
  },
): JunitCase {
  const text = formatText(r, options.replay);
  const base = {
    name: `${r.spec}${paramText(r.params)}`,
    classname: options.file,
    seconds: r.stats.seconds,
    output: text,
  };
  const got = r.verdict === "violation" ? `violation of '${r.violation!.property}'` : r.verdict;
  if (options.expected !== undefined) {
    if (options.expected.met) return { ...base, outcome: "passed" };
    return {
      ...base,
      outcome: r.verdict === "error" ? "error" : "failure",
      problem: {
        type: "expectation",
        message: `expected ${options.expected.verdict}, got ${got}`,
        details: text,
      },
    };
  }
  switch (r.verdict) {
    case "ok":
      return { ...base, outcome: "passed" };
    case "violation":
      return {
        ...base,
        outcome: "failure",
        problem: {
          type: r.violation!.kind,
          message: `violation of '${r.violation!.property}': ${r.violation!.message}`,
          details: text,
        },
      };
    case "incomplete":
      return {
        ...base,
        outcome: "failure",
        problem: {
          type: "incomplete",
          message: r.incomplete?.message ?? "the search did not finish",
          details: text,
        },
      };
    case "error":
      return {
        ...base,
        outcome: "error",
        problem: { type: "error", message: r.error?.message ?? "error", details: text },
      };
  }
}

/**
 * The test cases of a sweep: one per point checked; the smallest failing
 * point carries its trace.
 *
 * @param r The sweep.
 * @param options The spec file, and the command that checks the smallest failing point.
 * @returns The suite.
 *
 * @example
 * ```ts
 * import { junitSweep } from "./junit.ts";
 * import { spec, sweep, system } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const s = spec({
 *   name: "s",
 *   params: { n: 1 },
 *   build: (p) => {
 *     const sys = system({ x: 0 });
 *     sys.process("p", {}, (b) => [b.do("inc", ({ g }) => g.x += p.n)]);
 *     sys.atEnd("x small", ({ g }) => g.x < 3);
 *     return sys;
 *   },
 * });
 * const suite = junitSweep(sweep(s, { n: "1..4" }, { all: true }), { file: "s.ts" });
 * assert.deepEqual(suite.cases.map((c) => c.outcome), ["passed", "passed", "failure", "failure"]);
 * ```
 */
export function junitSweep(
  r: SweepResult,
  options: { readonly file: string; readonly check?: string },
): JunitSuite {
  const smallest = r.smallest !== undefined ? JSON.stringify(r.smallest.params) : undefined;
  const cases = r.points.map((p): JunitCase => {
    const name = `${r.spec}${paramText(p.params)}`;
    const base = { name, classname: options.file, seconds: p.seconds };
    if (p.verdict === "ok") return { ...base, outcome: "passed" };
    const isSmallest = smallest === JSON.stringify(p.params) && r.smallest !== undefined;
    const details = isSmallest
      ? formatText(r.smallest!.result) +
        (options.check !== undefined ? `\ncheck: ${options.check}` : "")
      : `${p.verdict}${
        p.property !== undefined ? ` of '${p.property}'` : ""
      } after ${p.states} states`;
    const message = p.verdict === "violation"
      ? `violation of '${p.property ?? "?"}'${
        p.length !== undefined ? ` (shortest trace: ${p.length} steps)` : ""
      }`
      : p.verdict === "incomplete"
      ? `incomplete: the state budget of ${r.maxStates} was reached`
      : "error";
    return {
      ...base,
      outcome: p.verdict === "error" ? "error" : "failure",
      problem: { type: p.verdict === "violation" ? "violation" : p.verdict, message, details },
    };
  });
  return { name: `sweep ${r.spec}`, cases };
}

function caseXml(c: JunitCase): string {
  const head = xmlTag("testcase", {
    name: c.name,
    classname: c.classname,
    time: c.seconds.toFixed(3),
  });
  const lines = [`    ${head}`];
  if (c.problem !== undefined) {
    const tag = c.outcome === "error" ? "error" : "failure";
    lines.push(
      `      ${xmlTag(tag, { type: c.problem.type, message: c.problem.message })}${
        xmlText(c.problem.details)
      }</${tag}>`,
    );
  }
  if (c.output !== undefined) lines.push(`      <system-out>${xmlText(c.output)}</system-out>`);
  lines.push("    </testcase>");
  return lines.join("\n");
}

/**
 * The suites as one JUnit XML document.
 *
 * @param suites The suites.
 * @param name The name of the whole run.
 * @returns The XML text.
 *
 * @example
 * ```ts
 * import { formatJunit } from "./junit.ts";
 * import assert from "node:assert/strict";
 *
 * const xml = formatJunit([{
 *   name: "specs/a.ts",
 *   cases: [{ name: "a", classname: "specs/a.ts", seconds: 0.01, outcome: "passed" }],
 * }]);
 * assert.match(xml, /<testsuites name="ipcspec" tests="1" failures="0" errors="0"/);
 * ```
 */
export function formatJunit(suites: readonly JunitSuite[], name = "ipcspec"): string {
  const count = (cases: readonly JunitCase[], o: JunitCase["outcome"]) =>
    cases.filter((c) => c.outcome === o).length;
  const time = (cases: readonly JunitCase[]) => cases.reduce((t, c) => t + c.seconds, 0).toFixed(3);
  const all = suites.flatMap((s) => s.cases);
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    xmlTag("testsuites", {
      name,
      tests: all.length,
      failures: count(all, "failure"),
      errors: count(all, "error"),
      time: time(all),
    }),
  ];
  suites.forEach((s, i) => {
    out.push(
      `  ${
        xmlTag("testsuite", {
          name: s.name,
          tests: s.cases.length,
          failures: count(s.cases, "failure"),
          errors: count(s.cases, "error"),
          skipped: 0,
          time: time(s.cases),
          id: i,
        })
      }`,
      ...s.cases.map(caseXml),
      "  </testsuite>",
    );
  });
  out.push("</testsuites>", "");
  return out.join("\n");
}
