// The differential harness: a sequence of operations on one primitive runs
// on the kernel (through FFI) and on the model (through model/drive.ts),
// step by step. The oracle is inclusion: what the kernel returned must be
// one of the outcomes the model allows in that state; the model then
// follows that outcome. fast-check generates the sequences and shrinks a
// disagreement to the shortest one, printed as both sides' results step by
// step.

import fc from "fast-check";
import { type Call, Drive, type Outcome } from "../model/drive.ts";
import type { PrimitiveImpl } from "../model/_ast.ts";
import type { System } from "../model/spec.ts";
import { errnoName } from "../model/primitives/errno.ts";

/**
 * What the kernel returned for one operation: the values to compare with
 * the model's outputs of the same names (a number, or a list such as the
 * bytes read).
 */
export type Observed = Readonly<Record<string, number | readonly number[]>>;

/** What a subject's `check` concludes about one step. */
export type Verdict =
  | { readonly kind: "agree"; readonly outcome: Outcome }
  | { readonly kind: "blocks" }
  | { readonly kind: "departure"; readonly departure: string }
  | { readonly kind: "disagree" };

/** A primitive under test: how to build both sides and run one operation on each. */
export interface Subject<P extends PrimitiveImpl, Op, K, Cfg> {
  /** The primitive, for reports (`pipe`, `sysv-msg`, ...). */
  readonly name: string;
  /** The configurations (sizes, limits) and operations fast-check draws. */
  readonly config: fc.Arbitrary<Cfg>;
  /** The operations (drawn independently of the configuration, so both shrink). */
  readonly op: fc.Arbitrary<Op>;
  /**
   * Drops the operations a sequence cannot make (on a closed end, ...), or
   * adds the ones its configuration starts with.
   */
  normalize?(cfg: Cfg, ops: readonly Op[]): Op[];
  /** Declares the model of the primitive. */
  declare(cfg: Cfg): (sys: System<unknown>) => P;
  /**
   * Model-only calls made before the sequence, each with one outcome (the
   * model's way to the kernel's starting point, e.g. connecting the two
   * ends the kernel gets from `socketpair`).
   */
  setup?(cfg: Cfg): Call<P>[];
  /** The model's call for `op`. */
  call(cfg: Cfg, op: Op): Call<P>;
  /** Creates the kernel object (try/finally around the run closes it). */
  open(cfg: Cfg): K;
  /** Destroys the kernel object. */
  close(k: K): void;
  /** Runs `op` on the kernel. */
  run(k: K, op: Op): Observed;
  /** The operation's name in the counts (e.g. `write > PIPE_BUF`). */
  label(op: Op, obs: Observed): string;
  /** The kernel's contents summary (the model's `value()`), or undefined when not comparable. */
  contents(k: K): number | undefined;
  /**
   * A known departure the kernel result shows, with its reason, or
   * undefined: the model's call is then withdrawn (the kernel changed
   * nothing), and the departure is counted.
   */
  departure?(k: K, op: Op, obs: Observed, allowed: readonly Outcome[]): string | undefined;
  /**
   * A known departure after which the kernel's object is in a state the
   * model cannot reach (the kernel made the call, differently), with its
   * reason, or undefined: the comparison of the sequence ends there, and
   * the departure is counted.
   */
  diverges?(k: K, op: Op, obs: Observed, allowed: readonly Outcome[]): string | undefined;
  /** Whether a result means "would block" (the model's call then has no outcome). */
  wouldBlock(obs: Observed): boolean;
}

/** Per operation: how many times it ran, how many agreed, and departures by reason. */
export interface Counts {
  /** Runs of the operation. */
  runs: number;
  /** Runs whose kernel result the model allowed. */
  agreed: number;
  /** Runs accepted as a known departure, by reason. */
  departures: Record<string, number>;
}

/** Every count, per subject and operation label. */
export type Tally = Record<string, Record<string, Counts>>;

/** The counts of every run so far (the conformance task writes them). */
export const tally: Tally = {};

function count(subject: string, label: string): Counts {
  const s = (tally[subject] ??= {});
  return (s[label] ??= { runs: 0, agreed: 0, departures: {} });
}

/** Whether an outcome gives every observed value. */
export function matches(obs: Observed, o: Outcome): boolean {
  for (const [k, v] of Object.entries(obs)) {
    if (typeof v === "number") {
      if (o.values[k] !== v) return false;
    } else {
      const l = o.lists[k] ?? [];
      if (l.length !== v.length) return false;
      for (let i = 0; i < l.length; i++) if (l[i] !== v[i]) return false;
    }
  }
  return true;
}

function show(obs: Readonly<Record<string, number | readonly number[]>>): string {
  return Object.entries(obs).map(([k, v]) => {
    if (typeof v !== "number") {
      const head = v.slice(0, 6).join(",");
      return `${k}=[${head}${v.length > 6 ? `,…(${v.length})` : ""}]`;
    }
    return k === "status" ? `${k}=${errnoName(v)}` : `${k}=${v}`;
  }).join(" ");
}

function showOutcome(o: Outcome): string {
  const vals: Record<string, number | readonly number[]> = {};
  for (const [k, l] of Object.entries(o.lists)) vals[k] = l.length === 1 ? l[0]! : l;
  return show(vals) + (o.failure === undefined ? "" : ` (fails: ${o.failure})`);
}

/** A disagreement between the kernel and the model, printed step by step. */
export class Disagreement extends Error {
  constructor(subject: string, cfg: unknown, lines: readonly string[]) {
    super(
      `${subject}: the kernel did something the model does not allow\n` +
        `  configuration: ${JSON.stringify(cfg)}\n` + lines.join("\n"),
    );
    this.name = "Disagreement";
  }
}

/** Options of {@linkcode runSequence}. */
export interface RunOptions {
  /** Transforms the outcomes the model allows (a mutant rule, in the mutant tests). */
  mutate?: (position: number, allowed: Outcome[]) => Outcome[];
  /** Whether to count the run in {@linkcode tally} (default true). */
  count?: boolean;
}

/**
 * Runs `ops` on both sides; throws a {@linkcode Disagreement} at the first
 * kernel result the model does not allow.
 */
export function runSequence<P extends PrimitiveImpl, Op, K, Cfg>(
  subject: Subject<P, Op, K, Cfg>,
  cfg: Cfg,
  ops: readonly Op[],
  options: RunOptions = {},
): { departures: string[] } {
  const departures: string[] = [];
  const setup = subject.setup?.(cfg) ?? [];
  const calls = [...setup, ...ops.map((op) => subject.call(cfg, op))];
  const drive = new Drive(subject.declare(cfg), calls, {
    name: `${subject.name} conformance`,
    ...(options.mutate === undefined ? {} : { mutate: options.mutate }),
  });
  const k = subject.open(cfg);
  const lines: string[] = [];
  const counting = options.count ?? true;
  for (let i = 0; i < setup.length; i++) {
    const [only, ...more] = drive.outcomes();
    if (only === undefined || more.length > 0 || only.failure !== undefined) {
      subject.close(k);
      throw new Error(`${subject.name}: setup call ${i + 1} must have exactly one outcome`);
    }
    drive.apply(only);
  }
  try {
    for (const [i, op] of ops.entries()) {
      const obs = subject.run(k, op);
      const allowed = drive.outcomes();
      const label = subject.label(op, obs);
      const c = counting ? count(subject.name, label) : undefined;
      if (c !== undefined) c.runs++;
      const line = `  ${i + 1}. ${JSON.stringify(op)}\n     kernel: ${show(obs)}\n     model:  ${
        allowed.length === 0 ? "blocks" : allowed.slice(0, 8).map(showOutcome).join(" | ") +
          (allowed.length > 8 ? ` | … (${allowed.length} outcomes)` : "")
      }`;
      lines.push(line);
      if (allowed.length === 0) {
        if (!subject.wouldBlock(obs)) throw new Disagreement(subject.name, cfg, lines);
        drive.withdraw();
        if (c !== undefined) c.agreed++;
      } else {
        const hit = allowed.find((o) => o.failure === undefined && matches(obs, o));
        if (hit !== undefined) {
          drive.apply(hit);
          if (c !== undefined) c.agreed++;
        } else {
          const why = subject.departure?.(k, op, obs, allowed);
          const ends = why === undefined ? subject.diverges?.(k, op, obs, allowed) : undefined;
          const known = why ?? ends;
          if (known === undefined) throw new Disagreement(subject.name, cfg, lines);
          lines.push(`     known departure: ${known}${ends === undefined ? "" : " (ends here)"}`);
          departures.push(known);
          if (c !== undefined) c.departures[known] = (c.departures[known] ?? 0) + 1;
          // The kernel made the call in a way the model cannot follow.
          if (ends !== undefined) break;
          drive.withdraw();
        }
      }
      const kc = subject.contents(k);
      if (kc !== undefined) {
        const mc = drive.value();
        if (kc !== mc) {
          lines.push(`     contents: kernel ${kc}, model ${mc}`);
          throw new Disagreement(subject.name, cfg, lines);
        }
      }
    }
  } finally {
    subject.close(k);
  }
  return { departures };
}

/**
 * The fast-check property of a subject: random configurations and
 * sequences of up to `maxOps` operations, each run with {@linkcode runSequence}.
 */
export function property<P extends PrimitiveImpl, Op, K, Cfg>(
  subject: Subject<P, Op, K, Cfg>,
  maxOps: number,
  options: RunOptions = {},
): fc.IPropertyWithHooks<[{ cfg: Cfg; ops: Op[] }]> {
  return fc.property(sequences(subject, maxOps), ({ cfg, ops }) => {
    runSequence(subject, cfg, subject.normalize?.(cfg, ops) ?? ops, options);
  });
}

/** A configuration and up to `maxOps` operations. */
export function sequences<P extends PrimitiveImpl, Op, K, Cfg>(
  subject: Subject<P, Op, K, Cfg>,
  maxOps: number,
): fc.Arbitrary<{ cfg: Cfg; ops: Op[] }> {
  return fc.record({
    cfg: subject.config,
    ops: fc.array(subject.op, { minLength: 1, maxLength: maxOps, size: "max" }),
  });
}

/** Runs the property `runs` times; on failure, throws with the shrunk sequence. */
export function check<P extends PrimitiveImpl, Op, K, Cfg>(
  subject: Subject<P, Op, K, Cfg>,
  runs: number,
  maxOps = 16,
  options: RunOptions & { seed?: number } = {},
): void {
  fc.assert(property(subject, maxOps, options), {
    numRuns: runs,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  });
}
