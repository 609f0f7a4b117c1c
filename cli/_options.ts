// Private to the CLI: the one option parser every command shares
// (`node:util`'s `parseArgs`), and the checks of option values.

import { parseArgs } from "node:util";
import type { ReportFormat } from "../reporters/mod.ts";

/** Options only `sweep` and `simulate` take (see the usage). */
export const SIMULATION_OPTIONS = {
  seed: { type: "string" },
  path: { type: "string" },
  runs: { type: "string" },
  "max-steps": { type: "string" },
  out: { type: "string" },
  mode: { type: "string" },
  all: { type: "boolean" },
  "grid-limit": { type: "string" },
} as const;

/** Options the sandbox's supervisor reads (see `_sandbox.ts`); every command takes them. */
export const SANDBOX_OPTIONS = {
  "allow-spec-io": { type: "boolean" },
  "max-memory": { type: "string" },
  "step-timeout": { type: "string" },
} as const;

/** Options only `explore` takes (see the usage). */
export const EXPLORE_OPTIONS = {
  port: { type: "string" },
  load: { type: "string" },
  open: { type: "boolean" },
  "no-check": { type: "boolean" },
} as const;

/** Every option of every command; each command rejects those it does not take. */
export const OPTIONS = {
  param: { type: "string", multiple: true },
  spec: { type: "string" },
  "max-states": { type: "string" },
  "max-depth": { type: "string" },
  strategy: { type: "string" },
  store: { type: "string" },
  "bitstate-bits": { type: "string" },
  symmetry: { type: "boolean" },
  por: { type: "boolean" },
  workers: { type: "string" },
  time: { type: "string" },
  format: { type: "string" },
  expect: { type: "boolean" },
  replay: { type: "string" },
  progress: { type: "boolean" },
  coverage: { type: "boolean" },
  "require-coverage": { type: "boolean" },
  interpret: { type: "boolean" },
  "dump-code": { type: "string" },
  junit: { type: "string" },
  itf: { type: "string" },
  "progress-every": { type: "string" },
  "command-name": { type: "string" },
  version: { type: "boolean" },
  distributed: { type: "string" },
  nats: { type: "string" },
  jobs: { type: "string" },
  "worker-timeout": { type: "string" },
  "job-seconds": { type: "string" },
  "check-purity": { type: "boolean" },
  checkpoint: { type: "string" },
  "checkpoint-every": { type: "string" },
  resume: { type: "string" },
  svg: { type: "string" },
  html: { type: "string" },
  "graph-limit": { type: "string" },
  help: { type: "boolean", short: "h" },
  ...SIMULATION_OPTIONS,
  ...EXPLORE_OPTIONS,
  ...SANDBOX_OPTIONS,
} as const;

/** Bad input on the command line: printed as one `error:` line, exit code 3. */
export class UsageError extends Error {
  /** @param message What is wrong, e.g. "--runs must be a positive integer, got '0'". */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Splits the arguments into options and positionals (throws `ERR_PARSE_ARGS_*` errors). */
export function parseOptions(args: string[]) {
  return parseArgs({ args, allowPositionals: true, strict: true, options: OPTIONS });
}

/** The parsed options. */
export type Values = ReturnType<typeof parseOptions>["values"];

/** An option's name. */
export type OptionName = keyof typeof OPTIONS;

/** `--name` as a positive integer, or undefined when not given. */
export function positiveInt(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < 1) {
    throw new UsageError(`--${name} must be a positive integer, got '${v}'`);
  }
  return Number(v);
}

/** `--name` as a positive number of seconds, or undefined when not given. */
export function positiveNumber(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n) || n <= 0) {
    throw new UsageError(`--${name} must be a positive number of seconds, got '${v}'`);
  }
  return n;
}

/** `--name` as an integer (a fast-check seed), or undefined when not given. */
export function integer(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v.trim())) throw new UsageError(`--${name} must be an integer, got '${v}'`);
  return Number(v);
}

/** The `--param name=value` overrides. */
export function parseParams(list: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list) {
    const eq = item.indexOf("=");
    if (eq <= 0) throw new UsageError(`--param must look like name=value, got '${item}'`);
    const name = item.slice(0, eq);
    if (Object.hasOwn(out, name)) {
      throw new UsageError(
        `--param ${name} is given twice ('${out[name]}' and '${item.slice(eq + 1)}')`,
      );
    }
    out[name] = item.slice(eq + 1);
  }
  return out;
}

/** `--format`: text (the default), json, mermaid or dot. */
export function reportFormat(values: Values): ReportFormat {
  const format = values.format ?? "text";
  if (format !== "text" && format !== "json" && format !== "mermaid" && format !== "dot") {
    throw new UsageError(`--format must be text, json, mermaid or dot, got '${format}'`);
  }
  return format;
}

/**
 * `--format` of `check`: those of {@linkcode reportFormat}, or itf (the
 * counterexample as an ITF trace).
 */
export function checkFormat(values: Values): ReportFormat | "itf" {
  if (values.format === "itf") return "itf";
  const format = values.format ?? "text";
  if (format !== "text" && format !== "json" && format !== "mermaid" && format !== "dot") {
    throw new UsageError(`--format must be text, json, itf, mermaid or dot, got '${format}'`);
  }
  return format;
}

/** `--progress-every S` as a positive number of seconds, or undefined when not given. */
export function progressEvery(values: Values): number | undefined {
  return positiveNumber("progress-every", values["progress-every"]);
}

/** Throws when one of `names` was given to `command`. */
export function rejectOptions(
  command: string,
  values: Values,
  names: readonly OptionName[],
): void {
  for (const name of names) {
    if (values[name] !== undefined) throw new UsageError(`${command} does not take --${name}`);
  }
}

/**
 * The checks every command of the simulation family (sweep, simulate,
 * replay) makes first: no search options, a known format, no `--max-depth`,
 * `--replay` or `--expect`.
 */
export function simulationFormat(
  command: "sweep" | "simulate" | "replay",
  values: Values,
): ReportFormat {
  for (const name of ["store", "bitstate-bits", "symmetry", "workers", "por"] as const) {
    if (name === "symmetry" && command === "sweep") continue; // each point is a check
    if (values[name] !== undefined) throw new UsageError(`${command} does not take --${name}`);
  }
  const format = reportFormat(values);
  rejectOptions(command, values, ["max-depth", "replay", "itf", "progress-every"]);
  if (command !== "sweep") rejectOptions(command, values, ["junit"]);
  if (command !== "replay") {
    if (format === "mermaid" || format === "dot") {
      throw new UsageError(`${command} does not take --format ${format} (check and replay do)`);
    }
    rejectOptions(command, values, ["svg", "html", "graph-limit"]);
  }
  if (values.expect === true) throw new UsageError(`${command} does not take --expect`);
  return format;
}

/** `--interpret` and `--dump-code` together: the interpreter generates no code. */
export function codeOptions(values: Values): { interpret: boolean; dumpCode?: string } {
  const interpret = values.interpret === true;
  const dumpCode = values["dump-code"];
  if (interpret && dumpCode !== undefined) {
    throw new UsageError("--dump-code writes the generated code, which --interpret does not use");
  }
  return dumpCode === undefined ? { interpret } : { interpret, dumpCode };
}
