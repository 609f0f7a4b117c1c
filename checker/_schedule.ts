// Private module: schedules. A schedule is an array of naturals; step i
// fires `enabled[schedule[i] % enabled.length]` of the current state. This
// module walks a schedule through a model, counts context switches, holds
// the fast-check arbitrary whose shrinker works on the walked trace (fewer
// steps first, then fewer context switches), and runs random schedules for
// simulate.ts.

import fc from "npm:fast-check@4.10.2";
import type { Model } from "../model/model.ts";
import { errorMessage, initialStates } from "./_search.ts";
import { processOfTransitions, stepperOf } from "./_facets.ts";

/** How a walk ended. */
export type WalkEnd = "violation" | "end" | "exhausted" | "error";

/** A walk of a schedule through a model. */
export interface Walk {
  /** How it ended: a violated property, a valid end state, the schedule used up, or the spec's code threw. */
  readonly end: WalkEnd;
  /** The transitions fired; for a failing transition, the failing one is last. */
  readonly transitions: number[];
  /** The schedule that fires exactly these transitions: each entry an index into `enabled`. */
  readonly schedule: number[];
  /** The violated property, when `end` is `"violation"`. */
  readonly property: number;
  /** The error message, when `end` is `"error"`. */
  readonly error?: string;
}

/** What a chooser returns when the walk has no more steps to take. */
const EXHAUSTED = -1;
/** What a chooser returns when the step it must take is not enabled. */
const NOT_ENABLED = -2;

/**
 * The walk loop: from `state`, `choose` picks an index into the enabled
 * transitions at each step. The walk stops at the first violation (an
 * invariant false in a state, a transition whose firing fails, or, with
 * nothing enabled, a deadlock or a final property), at a valid end, or when
 * `choose` has no more steps. Returns `undefined` when `choose` demands a
 * transition that is not enabled. With `states`, every state entered is
 * pushed there, the start state first.
 */
function advance(
  model: Model,
  state: Int32Array,
  choose: (enabled: readonly number[], step: number) => number,
  states?: Int32Array[],
): Walk | undefined {
  const transitions: number[] = [];
  const schedule: number[] = [];
  const done = (end: WalkEnd, property = -1, error?: string): Walk => ({
    end,
    transitions,
    schedule,
    property,
    ...(error !== undefined ? { error } : {}),
  });
  const { enabled: enabledIn, fire } = stepperOf(model);
  states?.push(state);
  try {
    for (let i = 0;; i++) {
      const inv = model.check(state);
      if (inv >= 0) return done("violation", inv);
      const enabled = enabledIn(state);
      if (enabled.length === 0) {
        const p = model.stuck(state);
        return p >= 0 ? done("violation", p) : done("end");
      }
      const pick = choose(enabled, i);
      if (pick === EXHAUSTED) return done("exhausted");
      if (pick === NOT_ENABLED) return undefined;
      const t = enabled[pick]!;
      // Fired before it is recorded: a transition whose code throws is not
      // part of the trace, which ends in the state where the spec failed.
      const next = fire(state, t);
      transitions.push(t);
      schedule.push(pick);
      if (!(next instanceof Int32Array)) {
        return next.property >= 0
          ? done("violation", next.property)
          : done("error", -1, `step ${i + 1}: ${next.message}`);
      }
      state = next;
      states?.push(state);
    }
  } catch (e) {
    return done("error", -1, errorMessage(e));
  }
}

function walkFromState(
  model: Model,
  state: Int32Array,
  schedule: readonly number[],
  states?: Int32Array[],
): Walk {
  return advance(
    model,
    state,
    (enabled, i) => i < schedule.length ? schedule[i]! % enabled.length : EXHAUSTED,
    states,
  )!;
}

/** Fires `transitions` in order from `state`, stopping where a walk would; `undefined` when one is not enabled. */
function followFrom(
  model: Model,
  state: Int32Array,
  transitions: readonly number[],
): Walk | undefined {
  return advance(model, state, (enabled, i) => {
    if (i >= transitions.length) return EXHAUSTED;
    const pick = enabled.indexOf(transitions[i]!);
    return pick < 0 ? NOT_ENABLED : pick;
  });
}

/** Walks `schedule` from initial state `init` (see {@linkcode advance} for where it stops). */
export function walk(model: Model, init: number, schedule: readonly number[]): Walk {
  const first = initialStates(model)[init];
  if (first === undefined) {
    return {
      end: "error",
      transitions: [],
      schedule: [],
      property: -1,
      error: `no initial state ${init}`,
    };
  }
  return walkFromState(model, first, schedule);
}

/** The process that moves in each transition, by transition number. */
export function processTable(model: Model): string[] {
  return processOfTransitions(model);
}

/** The number of consecutive steps taken by different processes. */
export function contextSwitches(movers: readonly string[], transitions: readonly number[]): number {
  let n = 0;
  for (let i = 1; i < transitions.length; i++) {
    if (movers[transitions[i]!] !== movers[transitions[i - 1]!]) n++;
  }
  return n;
}

/** Maximal runs of steps by one process: [start, end) indices into the trace. */
function blocksOf(movers: readonly string[], transitions: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  let start = 0;
  for (let i = 1; i <= transitions.length; i++) {
    if (i === transitions.length || movers[transitions[i]!] !== movers[transitions[i - 1]!]) {
      out.push([start, i]);
      start = i;
    }
  }
  return out;
}

/**
 * The loop iterations of each process in a trace: a process's anchor is the
 * first transition of its own that it fires again later; an iteration runs
 * from one firing of the anchor to the step before the next. Each iteration
 * is a list of indices into the trace.
 */
function iterationsOf(
  movers: readonly string[],
  transitions: readonly number[],
): Map<string, number[][]> {
  const steps = new Map<string, number[]>();
  transitions.forEach((t, i) => {
    const who = movers[t]!;
    const own = steps.get(who);
    if (own === undefined) steps.set(who, [i]);
    else own.push(i);
  });
  const out = new Map<string, number[][]>();
  for (const [who, own] of steps) {
    const anchor = own.findIndex((i, x) =>
      own.slice(x + 1).some((j) => transitions[j] === transitions[i])
    );
    if (anchor < 0) continue;
    const at = own.map((i, x) => [i, x] as const)
      .filter(([i, x]) => x >= anchor && transitions[i] === transitions[own[anchor]!])
      .map(([, x]) => x);
    const its: number[][] = [];
    for (let m = 0; m + 1 < at.length; m++) its.push(own.slice(at[m], at[m + 1]));
    out.set(who, its);
  }
  return out;
}

/** Walks made and the steps they took, counted by {@linkcode shrinkSchedule}. */
export interface Tally {
  count: number;
  steps: number;
}

/** A shrink candidate, and whether it has fewer steps than the schedule shrunk. */
export interface Candidate {
  readonly schedule: number[];
  readonly shorter: boolean;
}

function failed(w: Walk | undefined): w is Walk {
  return w !== undefined && (w.end === "violation" || w.end === "error");
}

/**
 * Shrink candidates for a failing schedule, lazily, biggest change first;
 * only candidates that fail too are yielded (each is walked here from the
 * cached state where it departs from the schedule):
 *
 * 1. the canonical form of the same run (its used prefix, each entry an
 *    index into `enabled`), alone when it differs;
 * 2. fewer steps: the schedule without a segment of whole blocks (maximal
 *    runs of one process's steps), the rest reinterpreted in the states it
 *    now meets; the trace without the k-th loop iteration of all processes,
 *    of all but one, of one; the trace without one block; without one step;
 * 3. fewer context switches: the trace regrouped greedily, moving blocks
 *    next to other blocks of their process while it still fails.
 */
export function* shrinkSchedule(
  model: Model,
  movers: readonly string[],
  init: number,
  schedule: readonly number[],
  tally: Tally = { count: 0, steps: 0 },
): Generator<Candidate> {
  const counted = <W extends Walk | undefined>(w: W): W => {
    tally.count++;
    tally.steps += w?.transitions.length ?? 0;
    return w;
  };
  const walkFrom = (state: Int32Array, s: readonly number[], states?: Int32Array[]) =>
    counted(walkFromState(model, state, s, states));
  const follow = (state: Int32Array, transitions: readonly number[]) =>
    counted(followFrom(model, state, transitions));
  const first = initialStates(model)[init];
  if (first === undefined) return;
  const states: Int32Array[] = [];
  const w = walkFrom(first, schedule, states);
  if (!failed(w)) return;
  const canonical = w.schedule;
  if (
    canonical.length !== schedule.length || canonical.some((v, i) => v !== schedule[i])
  ) {
    yield { schedule: canonical, shorter: canonical.length < schedule.length };
    return;
  }
  const trace = w.transitions;
  const seen = new Set<string>([canonical.join(",")]);
  /** The candidate that keeps the first `a` steps and continues with `rest`, if it fails and is new. */
  const candidate = (a: number, rest: Walk | undefined): Candidate | undefined => {
    if (!failed(rest)) return undefined;
    const s = [...canonical.slice(0, a), ...rest.schedule];
    const key = s.join(",");
    if (seen.has(key)) return undefined;
    seen.add(key);
    return { schedule: s, shorter: s.length < canonical.length };
  };
  const cx: Shrinking = {
    movers,
    first,
    states,
    canonical,
    trace,
    blocks: blocksOf(movers, trace),
    walkFrom,
    follow,
    candidate,
  };
  yield* withoutBlockSegments(cx);
  yield* withoutIterations(cx);
  yield* withoutBlocksOrSteps(cx);
  const regrouped = regroupedCandidate(cx);
  if (regrouped !== undefined && !seen.has(regrouped.join(","))) {
    yield { schedule: regrouped, shorter: regrouped.length < canonical.length };
  }
}

/** What the shrink steps of {@linkcode shrinkSchedule} share about one failing run. */
interface Shrinking {
  readonly movers: readonly string[];
  /** The initial state. */
  readonly first: Int32Array;
  /** The state before each step of the run. */
  readonly states: readonly Int32Array[];
  /** The run's schedule, canonical. */
  readonly canonical: number[];
  /** The run's transitions. */
  readonly trace: readonly number[];
  /** Maximal runs of one process's steps, as [first, end) step indices. */
  readonly blocks: readonly (readonly [number, number])[];
  /** Walks a schedule from a state (counted), recording the states before each step. */
  readonly walkFrom: (
    state: Int32Array,
    s: readonly number[],
    states?: Int32Array[],
  ) => Walk;
  /** Follows transitions from a state (counted). */
  readonly follow: (state: Int32Array, transitions: readonly number[]) => Walk | undefined;
  /** The candidate that keeps the first `a` steps and continues with `rest`, if it fails and is new. */
  readonly candidate: (a: number, rest: Walk | undefined) => Candidate | undefined;
}

/** Fewer steps: the schedule without blocks [i, i + n), n halving from all blocks but one. */
function* withoutBlockSegments(cx: Shrinking): Generator<Candidate> {
  const { blocks, states, canonical } = cx;
  for (let n = blocks.length - 1; n >= 1; n = n === 1 ? 0 : Math.ceil(n / 2)) {
    for (let i = 0; i + n <= blocks.length; i++) {
      const a = blocks[i]![0];
      const b = blocks[i + n - 1]![1];
      const c = cx.candidate(a, cx.walkFrom(states[a]!, canonical.slice(b)));
      if (c !== undefined) yield c;
    }
  }
}

/**
 * Fewer steps: the trace without the k-th loop iteration of every process
 * at once, of all processes but one, of one process.
 */
function* withoutIterations(cx: Shrinking): Generator<Candidate> {
  const { trace, states } = cx;
  const drop = (removed: ReadonlySet<number>) => {
    if (removed.size === 0) return undefined;
    const from = Math.min(...removed);
    const rest = trace.filter((_, i) => i >= from && !removed.has(i));
    return cx.candidate(from, cx.follow(states[from]!, rest));
  };
  const loops = iterationsOf(cx.movers, trace);
  const most = Math.max(0, ...[...loops.values()].map((its) => its.length));
  for (let k = 0; k < most; k++) {
    const having = [...loops.entries()].filter(([, its]) => its.length > k);
    const groups = having.length < 2 ? [] : [
      having,
      ...(having.length < 3 ? [] : having.map((_, skip) => having.filter((_, i) => i !== skip))),
    ];
    for (const group of groups) {
      const c = drop(new Set(group.flatMap(([, its]) => its[k]!)));
      if (c !== undefined) yield c;
    }
  }
  for (const its of loops.values()) {
    for (const it of its) {
      const c = drop(new Set(it));
      if (c !== undefined) yield c;
    }
  }
}

/** Fewer steps: the trace without a block, then without a single step. */
function* withoutBlocksOrSteps(cx: Shrinking): Generator<Candidate> {
  const { trace, states } = cx;
  const dropped = (a: number, b: number) => cx.candidate(a, cx.follow(states[a]!, trace.slice(b)));
  for (const [a, b] of cx.blocks) {
    const c = dropped(a, b);
    if (c !== undefined) yield c;
  }
  for (let k = 0; k < trace.length; k++) {
    const c = dropped(k, k + 1);
    if (c !== undefined) yield c;
  }
}

/**
 * Fewer context switches, in one candidate: the schedule regrouped greedily
 * while it still fails (one fast-check shrink step instead of one per move,
 * so the candidates above are not retried after every move); `undefined`
 * when no move keeps it failing.
 */
function regroupedCandidate(cx: Shrinking): number[] | undefined {
  let cur = { trace: cx.trace, states: cx.states, schedule: cx.canonical };
  let regrouped = false;
  search: for (;;) {
    for (const { from, trace: t } of regroupings(cx.movers, cur.trace)) {
      const rest = cx.follow(cur.states[from]!, t.slice(from));
      if (!failed(rest)) continue;
      const next: Int32Array[] = [];
      const schedule = [...cur.schedule.slice(0, from), ...rest.schedule];
      cur = { trace: cx.walkFrom(cx.first, schedule, next).transitions, states: next, schedule };
      regrouped = true;
      continue search;
    }
    break;
  }
  return regrouped ? cur.schedule : undefined;
}

/**
 * Traces with fewer context switches than `trace`: a block (a maximal run
 * of one process's steps) moved back to join the previous block of its
 * process, or forward to join the next one; each with the index where it
 * departs from `trace`.
 */
function* regroupings(
  movers: readonly string[],
  trace: readonly number[],
): Generator<{ from: number; trace: number[] }> {
  const blocks = blocksOf(movers, trace);
  const switches = contextSwitches(movers, trace);
  for (let k = 0; k < blocks.length; k++) {
    const [a, b] = blocks[k]!;
    const who = movers[trace[a]!];
    const moved = trace.slice(a, b);
    for (let m = k - 2; m >= 0; m--) {
      const [, mb] = blocks[m]!;
      if (movers[trace[mb - 1]!] !== who) continue;
      const t = [...trace.slice(0, mb), ...moved, ...trace.slice(mb, a), ...trace.slice(b)];
      if (contextSwitches(movers, t) < switches) yield { from: mb, trace: t };
      break;
    }
    for (let m = k + 2; m < blocks.length; m++) {
      const [ma] = blocks[m]!;
      if (movers[trace[ma]!] !== who) continue;
      const t = [...trace.slice(0, a), ...trace.slice(b, ma), ...moved, ...trace.slice(ma)];
      if (contextSwitches(movers, t) < switches) yield { from: a, trace: t };
      break;
    }
  }
}

/**
 * Schedules of `length` naturals (`fc.array(fc.nat())`), shrunk by
 * {@linkcode shrinkSchedule} on the trace they fire.
 */
export class ScheduleArbitrary extends fc.Arbitrary<number[]> {
  readonly #model: Model;
  readonly #movers: string[];
  readonly #init: number;
  readonly #gen: fc.Arbitrary<number[]>;
  /** The walks the shrinker made (the property's own walks are not counted here). */
  readonly tally: Tally = { count: 0, steps: 0 };

  constructor(model: Model, init: number, length: number) {
    super();
    this.#model = model;
    this.#movers = processTable(model);
    this.#init = init;
    this.#gen = fc.array(fc.nat(), { minLength: length, maxLength: length });
  }

  generate(mrng: fc.Random, biasFactor: number | undefined): fc.Value<number[]> {
    return new fc.Value(this.#gen.generate(mrng, biasFactor).value, undefined);
  }

  canShrinkWithoutContext(value: unknown): value is number[] {
    return Array.isArray(value) && value.every((v) => Number.isInteger(v) && v >= 0);
  }

  shrink(value: number[], _context: unknown): fc.Stream<fc.Value<number[]>> {
    return new fc.Stream(shrinkSchedule(this.#model, this.#movers, this.#init, value, this.tally))
      .map((c) => new fc.Value(c.schedule, undefined));
  }
}

/** What fast-check's random runs gave, with the walks they took. */
export interface RandomRuns {
  readonly details: fc.RunDetails<[number[]]>;
  readonly walks: { count: number; steps: number };
  readonly firstLength: number | undefined;
  /** Runs that used up their schedule before an end state. */
  readonly cut: number;
  readonly maxSteps: number;
  /** The caller asked to stop: the runs after that were skipped. */
  readonly stopped: boolean;
}

/** Generates random schedules (and shrinks the first that fails) with fast-check. */
export function randomRuns(
  model: Model,
  options: {
    runs?: number;
    seed: number;
    maxSteps: number;
    path?: string;
    timeSeconds?: number;
    shouldStop?: () => boolean;
  },
): RandomRuns {
  const { seed, maxSteps } = options;
  const walks = { count: 0, steps: 0 };
  let firstLength: number | undefined;
  let cut = 0;
  const schedules = new ScheduleArbitrary(model, 0, maxSteps);
  let stopped = false;
  const property = fc.property(schedules, (schedule) => {
    if (stopped || options.shouldStop?.() === true) {
      stopped = true;
      return true;
    }
    const w = walk(model, 0, schedule);
    walks.count++;
    walks.steps += w.transitions.length;
    const bad = w.end === "violation" || w.end === "error";
    if (bad && firstLength === undefined) firstLength = w.transitions.length;
    if (w.end === "exhausted") cut++;
    return !bad;
  });
  const details = fc.check(property, {
    seed,
    numRuns: options.runs ?? 1000,
    ...(options.path !== undefined ? { path: options.path } : {}),
    ...(options.timeSeconds !== undefined
      ? { interruptAfterTimeLimit: options.timeSeconds * 1000 }
      : {}),
  });
  walks.count += schedules.tally.count;
  walks.steps += schedules.tally.steps;
  return { details, walks, firstLength, cut, maxSteps, stopped };
}

/** Why a simulation found nothing (which proves nothing). */
export function nothingFound(run: RandomRuns): { message: string } {
  const { details, cut, maxSteps } = run;
  const why = run.stopped
    ? `interrupted after ${run.walks.count} run${run.walks.count === 1 ? "" : "s"}; `
    : details.interrupted
    ? "the time limit was reached; "
    : "";
  return {
    message: `${why}no violation in ${details.numRuns} random run${
      details.numRuns === 1 ? "" : "s"
    } of at most ${maxSteps} steps (a simulation is not exhaustive)${
      cut === 0
        ? ""
        : `; ${cut} of them reached ${maxSteps} steps before an end state (raise the step limit)`
    }`,
  };
}
