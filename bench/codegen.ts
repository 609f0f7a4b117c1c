/**
 * The generated-code benchmark: specs with atomic blocks or a signal table,
 * checked with the interpreter (`interpret: true`, as `--interpret` does)
 * and with their generated successor code, alternating, twice each, each
 * run in its own process (in one process the spec's closures would carry
 * the type feedback of the other mode). Compares states/s on wall time and
 * on CPU time (user + sys), records the load average, and writes the
 * section "Generated code for atomic blocks and signals" of
 * `bench/RESULTS.md` (keeping the rest).
 *
 * ```sh
 * deno run --allow-read --allow-write=bench --allow-env --allow-sys --allow-run bench/codegen.ts
 * deno run --allow-read --allow-env --allow-sys --allow-run bench/codegen.ts --quick   # printed only
 * ```
 *
 * @module
 */

import process from "node:process";
import { parseArgs } from "node:util";
import { check, type CheckResult, type Spec } from "../mod.ts";

import { writeSection } from "./_sections.ts";

// Imported by a computed specifier, so that specs/ is type-checked under its
// own deno.json (as bench/bench.ts does).
const sigChild = await import(new URL("../specs/sig_child_count.ts", import.meta.url).href);
const sieveFile = await import(new URL("../specs/sieve.ts", import.meta.url).href);

// deno-lint-ignore no-explicit-any
type AnySpec = Spec<any>;
type Params = Record<string, number | boolean>;

const COMMAND =
  "deno run --allow-read --allow-write=bench --allow-env --allow-sys --allow-run bench/codegen.ts";

/** The cases: spec, parameters, and what the interpreter fallback used to cover. */
const FULL: readonly { spec: AnySpec; params: Params; what: string }[] = [
  {
    spec: sieveFile.sieveAtomic,
    params: { max: 50, stages: 15 },
    what: "atomic blocks, rendezvous",
  },
  { spec: sigChild.sigChildCountRt, params: { children: 6 }, what: "signal table, handlers" },
  { spec: sieveFile.sieve, params: { max: 50, stages: 15 }, what: "neither (generated before)" },
];
const QUICK: typeof FULL = [
  { spec: sieveFile.sieveAtomic, params: { max: 20, stages: 8 }, what: FULL[0]!.what },
  { spec: sigChild.sigChildCountRt, params: { children: 4 }, what: FULL[1]!.what },
];

/** One run: what its process reports. */
interface Run {
  readonly verdict: string;
  readonly states: number;
  readonly seconds: number;
  /** CPU seconds (user + sys) of the `check()` call. */
  readonly cpu: number;
}

/** Checks case `index` in this process (the child's side). */
function runHere(index: number, quick: boolean, interpret: boolean): Run {
  const { spec, params } = (quick ? QUICK : FULL)[index]!;
  const subject = interpret
    ? {
      name: spec.name,
      resolve: (p: Params | undefined) => spec.resolve(p),
      compile: (p: Params | undefined) => spec.compile(p ?? {}, { interpret: true }),
    }
    : spec;
  const before = process.cpuUsage();
  const result: CheckResult = check(subject, { params });
  const used = process.cpuUsage(before);
  const s = result.stats;
  return {
    verdict: result.verdict,
    states: s.states,
    seconds: s.seconds,
    cpu: (used.user + used.system) / 1e6,
  };
}

/** Checks case `index` in a child process, the same script with `--one`. */
async function runApart(index: number, quick: boolean, interpret: boolean): Promise<Run> {
  const args = ["run", "--allow-read", "--allow-env", "--allow-sys", import.meta.filename!];
  args.push("--one", String(index), ...(quick ? ["--quick"] : []));
  if (interpret) args.push("--interpret");
  const out = await new Deno.Command(Deno.execPath(), { args, stderr: "inherit" }).output();
  if (!out.success) throw new Error(`bench child for case ${index} failed`);
  return JSON.parse(new TextDecoder().decode(out.stdout)) as Run;
}

function fmtInt(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

function rate(states: number, s: number): string {
  return s > 0 ? fmtInt(states / s) : "-";
}

function row(spec: AnySpec, params: Params, code: string, r: Run, load: string): string {
  const ps = Object.entries(params).map(([k, v]) => `${k}=${v}`).join(" ");
  return `| ${spec.name} | ${ps} | ${code} | ${r.verdict} | ${fmtInt(r.states)} | ` +
    `${r.seconds.toFixed(2)} | ${r.cpu.toFixed(2)} | ${rate(r.states, r.seconds)} | ` +
    `${rate(r.states, r.cpu)} | ${load} |`;
}

/** The load average over the last minute, as text. */
function load(): string {
  return Deno.loadavg()[0]!.toFixed(2);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      quick: { type: "boolean" },
      one: { type: "string" },
      interpret: { type: "boolean" },
    },
  });
  const quick = values.quick === true;
  if (values.one !== undefined) {
    console.log(JSON.stringify(runHere(Number(values.one), quick, values.interpret === true)));
    return 0;
  }
  const rows: string[] = [];
  const ratios: string[] = [];
  const cases = quick ? QUICK : FULL;
  for (let index = 0; index < cases.length; index++) {
    const { spec, params, what } = cases[index]!;
    const cpu: Record<string, number> = { interpreter: 0, generated: 0 };
    for (let round = 0; round < 2; round++) {
      // Alternating: interpreter, generated, interpreter, generated.
      for (const interpret of [true, false]) {
        const l = load();
        const r = await runApart(index, quick, interpret);
        const code = interpret ? "interpreter" : "generated";
        cpu[code]! += r.cpu;
        rows.push(row(spec, params, code, r, l));
        console.error(`[bench] ${spec.name} ${code} run ${round + 1}: ${r.states}`);
      }
    }
    ratios.push(
      `- ${spec.name} (${what}): generated code ${
        (cpu.interpreter! / cpu.generated!).toFixed(2)
      }x the interpreter's states per CPU second (both runs summed)`,
    );
  }
  const text = [
    "## Generated code for atomic blocks and signals",
    "",
    `Date: ${new Date().toISOString().replace(/\.\d+Z$/, "Z")}`,
    "",
    `Command: \`${COMMAND}\`, from the repository root.`,
    "",
    "Each spec checked by `check()` (breadth-first, exact store) with the interpreter",
    "(`interpret: true`, the CLI's `--interpret`) and with its generated successor code,",
    "alternating, twice each, each run in its own process. *CPU s* is user + sys time of",
    "the process during the `check()` call; *load* is the one-minute load average when the",
    "run started (the machine has 2 cores: above 2, wall time mostly measures waiting). Until",
    "issue 17 item 3 a spec with an atomic block or a signal table always ran the",
    "interpreter; `sieve` (neither) is the control.",
    "",
    ...ratios,
    "",
    "| spec | params | code | verdict | states | s | CPU s | states/s | states/CPU s | load |",
    "| ---- | ------ | ---- | ------- | -----: | -: | ----: | -------: | -----------: | ---: |",
    ...rows,
    "",
  ].join("\n");
  if (!quick) writeSection("bench/RESULTS.md", "codegen", text);
  console.log(text);
  return 0;
}

if (import.meta.main) Deno.exit(await main());
