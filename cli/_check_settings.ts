// Private to the CLI: the options of `check` (and `list`, which validates
// the same ones), checked and gathered.

import type { ReportFormat } from "../reporters/mod.ts";
import {
  checkFormat,
  codeOptions,
  parseParams,
  positiveInt,
  positiveNumber,
  progressEvery,
  UsageError,
  type Values,
} from "./_options.ts";

/** What `check` was asked to do. */
export interface CheckSettings {
  readonly format: ReportFormat | "itf";
  /** `--progress-every`: seconds between progress lines, when given. */
  readonly progressEvery: number | undefined;
  /** `--command-name`: the command printed replay lines start with, when given. */
  readonly commandName: string | undefined;
  readonly strategy: "bfs" | "dfs";
  readonly store: "exact" | "fingerprint" | "bitstate";
  readonly bitstateBits: number | undefined;
  readonly workers: number;
  readonly symmetry: boolean;
  readonly por: boolean;
  readonly limits: {
    readonly maxStates: number | undefined;
    readonly maxDepth: number | undefined;
    readonly timeSeconds: number | undefined;
  };
  readonly params: Record<string, string>;
  readonly interpret: boolean;
  readonly dumpCode: string | undefined;
  /** `--check-purity`: double-check one expansion in 16. */
  readonly checkPurity: boolean;
  /** `--checkpoint FILE` every `everyMinutes`, and `--resume FILE`. */
  readonly checkpoint: {
    readonly file: string | undefined;
    readonly everyMinutes: number;
    readonly resume: string | undefined;
  };
}

/** The most workers `--workers` starts (each is a thread with its own copy of the model). */
const MAX_WORKERS = 256;

/** The search options: strategy, store and its bit array, workers and the reductions. */
function searchSettings(values: Values) {
  const strategy = values.strategy ?? "bfs";
  if (strategy !== "bfs" && strategy !== "dfs") {
    throw new UsageError(`--strategy must be bfs or dfs, got '${strategy}'`);
  }
  const store = values.store ?? "exact";
  if (store !== "exact" && store !== "fingerprint" && store !== "bitstate") {
    throw new UsageError(`--store must be exact, fingerprint or bitstate, got '${store}'`);
  }
  if (store !== "exact" && strategy !== "bfs") {
    throw new UsageError(`--store ${store} searches breadth-first only (--strategy bfs)`);
  }
  const bitstateBits = positiveInt("bitstate-bits", values["bitstate-bits"]);
  if (bitstateBits !== undefined && store !== "bitstate") {
    throw new UsageError("--bitstate-bits is an option of --store bitstate");
  }
  if (bitstateBits !== undefined && (bitstateBits < 5 || bitstateBits > 37)) {
    throw new UsageError(`--bitstate-bits must be 5 to 37, got ${bitstateBits}`);
  }
  const workers = positiveInt("workers", values.workers) ?? 1;
  if (workers > MAX_WORKERS) {
    throw new UsageError(`--workers must be at most ${MAX_WORKERS}, got ${workers}`);
  }
  if (workers > 1) {
    if (strategy !== "bfs") throw new UsageError("--workers searches breadth-first only");
    if (store !== "exact" && store !== "fingerprint") {
      throw new UsageError("--workers searches over the fingerprint store (not --store bitstate)");
    }
    if (values.symmetry === true) throw new UsageError("--workers does not take --symmetry");
    if (values.por === true) throw new UsageError("--workers does not take --por");
  }
  if (values.por === true && values.symmetry === true) {
    throw new UsageError("--por does not combine with --symmetry");
  }
  return {
    strategy,
    store,
    bitstateBits,
    workers,
    symmetry: values.symmetry === true,
    por: values.por === true,
  } as const;
}

/** `--checkpoint`, `--checkpoint-every` and `--resume`: the exact breadth-first search only. */
function checkpointSettings(
  values: Values,
  search: ReturnType<typeof searchSettings>,
): CheckSettings["checkpoint"] {
  const file = values.checkpoint;
  const resume = values.resume;
  const every = positiveNumber("checkpoint-every", values["checkpoint-every"]);
  if (every !== undefined && file === undefined) {
    throw new UsageError("--checkpoint-every is an option of --checkpoint FILE");
  }
  if (file !== undefined || resume !== undefined) {
    const option = file !== undefined ? "--checkpoint" : "--resume";
    if (
      search.strategy !== "bfs" || search.store === "bitstate" || search.workers > 1 ||
      search.symmetry || search.por
    ) {
      throw new UsageError(
        `${option} works with the breadth-first search over the exact or fingerprint store (not --strategy dfs, --store bitstate, --workers, --symmetry or --por)`,
      );
    }
  }
  return { file, everyMinutes: every ?? 10, resume };
}

/** Checks the options of `check` and gathers them. */
export function checkSettings(values: Values): CheckSettings {
  const format = checkFormat(values);
  const search = searchSettings(values);
  const code = codeOptions(values);
  if (search.workers > 1 && code.interpret) {
    throw new UsageError("--workers does not take --interpret (each worker compiles the spec)");
  }
  return {
    format,
    progressEvery: progressEvery(values),
    commandName: values["command-name"],
    ...search,
    limits: {
      maxStates: positiveInt("max-states", values["max-states"]),
      maxDepth: positiveInt("max-depth", values["max-depth"]),
      timeSeconds: positiveNumber("time", values.time),
    },
    params: parseParams(values.param ?? []),
    interpret: code.interpret,
    dumpCode: code.dumpCode,
    checkPurity: values["check-purity"] === true,
    checkpoint: checkpointSettings(values, search),
  };
}
