/**
 * Building a system: globals, processes in the step language, properties
 * and property templates, as a spec's `build` function returns it.
 *
 * @module
 */

import type { PrimitiveImpl, Step } from "./_ast.ts";
import type { Fairness } from "./model.ts";
import type {
  Disposition,
  LivenessDecl,
  LivePredicate,
  ProcessDecl,
  PropertyDecl,
  StatePredicate,
  StateView,
  StepPredicate,
  SystemOptions,
} from "./_types.ts";
import { StepBuilder } from "./steps.ts";
import type { SignalName } from "./primitives/signals.ts";
import type { Vals, VarDecls } from "./vars.ts";
import {
  boundsPredicate,
  type DeliveryRules,
  deliveryTemplate,
  type ExclusiveOptions,
  exclusiveTemplate,
  type Template,
} from "./templates.ts";

/** Options of the liveness declarations. */
export interface LivenessOptions {
  /** The fairness assumed for every process (default `weak`). */
  fairness?: Fairness;
  /**
   * Primitives whose operations are also strongly fair, per process
   * (docs/semantics.md §5: "strong fairness of the semaphores"): a process
   * whose operation on one of them is enabled again and again eventually
   * performs it.
   */
  strongOn?: readonly PrimitiveImpl[];
}

/** Options of {@linkcode System.process}. */
export interface ProcessOptions<LD extends VarDecls, G = unknown> {
  /** How many copies run (default 1); each knows its `id`. */
  count?: number;
  /**
   * The copies are interchangeable (default false): their code never reads
   * `id` or `pid` (doing so is an error naming the step), so `check()` with
   * `symmetry: true` may treat states that differ only by a renumbering of
   * the copies as one. See docs/symmetry.md.
   */
  symmetric?: boolean;
  /**
   * The copies are not running at the start (default false): `count` is the
   * number of slots of this kind, each dormant until a `fork` or `spawn`
   * (model/primitives/process.ts) starts it, and dormant again once its
   * exit has been reaped. See docs/processes.md.
   */
  dynamic?: boolean;
  /** The local variables, with their initial values. */
  locals?: LD;
  /**
   * Signal dispositions (docs/semantics.md §6), by name: `"default"`,
   * `"ignore"`, or a handler. A handler runs as one atomic step on the
   * process's view when the signal is delivered. Signals not listed take
   * their default action. SIGKILL and SIGSTOP cannot be caught or ignored.
   */
  signals?: Partial<Record<SignalName, Disposition<G, Vals<LD>>>>;
  /**
   * The buffers (channels, pipes, message queues, mailboxes) whose
   * `len`, `empty` or `full` the process's guards and effects query
   * (default none). Declared, so that partial-order reduction knows who may
   * observe an operation on them; querying a buffer not listed is an error
   * naming the step. Invariants need no declaration.
   */
  queries?: readonly PrimitiveImpl[];
}

/**
 * A system under construction: globals, processes and properties. Returned
 * by {@linkcode system} and given back from a spec's `build`.
 *
 * @typeParam G The globals' types.
 *
 * @example
 * ```ts
 * import { system } from "./spec.ts";
 * import assert from "node:assert/strict";
 *
 * const sys = system({ x: 0 });
 * sys.process("p", {}, (s) => [s.do("inc", ({ g }) => g.x++)]);
 * sys.always("x small", ({ g }) => g.x <= 1);
 * assert.equal(sys.processes.length, 1);
 * ```
 */
export class System<G> {
  /** The global variables' declarations. */
  readonly globals: VarDecls;
  /** The process kinds, in declaration order. */
  readonly processes: ProcessDecl[] = [];
  /** Invariants: must hold in every reachable state. */
  readonly invariants: PropertyDecl<G>[] = [];
  /** Final properties: must hold in every valid end state. */
  readonly finals: PropertyDecl<G>[] = [];
  /** Liveness properties, checked over the whole state graph. */
  readonly liveness: LivenessDecl<G>[] = [];
  /** Step properties: judge every transition. */
  readonly steps: { readonly name: string; readonly pred: StepPredicate<G> }[] = [];
  /** Property templates attached to primitives (see `templates.ts`). */
  readonly templates: Template[] = [];
  /** System options. */
  readonly options: Required<SystemOptions> = { deadlock: true };

  /**
   * Creates an empty system; prefer {@linkcode system}.
   *
   * @param globals The global variables.
   */
  constructor(globals: VarDecls) {
    this.globals = globals;
  }

  /**
   * Declares a process kind, replicated `count` times.
   *
   * @typeParam LD The locals' declarations.
   * @param name The process name (`name#id` in traces).
   * @param options The copies and the locals.
   * @param body Builds the steps, given a typed step builder.
   * @returns This system.
   *
   * @example
   * ```ts ignore
   * sys.process("producer", { count: 2, locals: { i: 0 } }, (s) => [ ... ]);
   * ```
   */
  process<LD extends VarDecls = Record<never, never>>(
    name: string,
    options: ProcessOptions<LD, G>,
    body: (s: StepBuilder<G, Vals<LD>>) => Step[],
  ): this {
    this.processes.push({
      name,
      count: options.count ?? 1,
      ...(options.symmetric === true ? { symmetric: true } : {}),
      ...(options.dynamic === true ? { dynamic: true } : {}),
      ...(options.queries !== undefined ? { queries: options.queries } : {}),
      locals: options.locals ?? {},
      body: body(new StepBuilder<G, Vals<LD>>()),
      signals: (options.signals ?? {}) as Record<string, Disposition<unknown, unknown>>,
    });
    return this;
  }

  /**
   * Declares an invariant, checked in every reachable state.
   *
   * @param name The property's name.
   * @param pred `true` when it holds; `false` or a reason when it fails.
   * @returns This system.
   *
   * @example
   * ```ts ignore
   * sys.always("count in range", ({ g }) => g.count >= 0 && g.count <= p.slots);
   * ```
   */
  always(name: string, pred: StatePredicate<G>): this {
    this.invariants.push({ name, pred });
    return this;
  }

  /**
   * Declares a final property, checked in every valid end state (every
   * process finished or at an end label, and nothing enabled).
   *
   * @param name The property's name.
   * @param pred `true` when it holds; `false` or a reason when it fails.
   * @returns This system.
   *
   * @example
   * ```ts ignore
   * sys.atEnd("all consumed", ({ g }) => g.consumed.every((c) => c === 1));
   * ```
   */
  atEnd(name: string, pred: StatePredicate<G>): this {
    this.finals.push({ name, pred });
    return this;
  }

  /**
   * A step property: `pred` judges every step (transition) from the state
   * before to the state after, for rules about what a step may do (a
   * receive takes the oldest message, only the owner changes a value...).
   * A violation's trace ends with the offending step.
   *
   * @param name The property's name.
   * @param pred The rule.
   * @returns This system.
   *
   * @example
   * ```ts ignore
   * sys.step("count moves by one", (before, step, after) =>
   *   Math.abs(after.g.count - before.g.count) <= 1 || `${step.process} ${step.operation}`);
   * ```
   */
  step(name: string, pred: StepPredicate<G>): this {
    this.steps.push({ name, pred });
    return this;
  }

  #live(
    name: string,
    kind: LivenessDecl<G>["kind"],
    p: LivePredicate<G>,
    q: LivePredicate<G>,
    options: LivenessOptions,
    process: string | undefined,
  ): void {
    this.liveness.push({
      name,
      kind,
      ...(process !== undefined ? { process } : {}),
      p,
      q,
      fairness: options.fairness ?? "weak",
      ...(options.strongOn !== undefined ? { strongOn: options.strongOn } : {}),
    });
  }

  /**
   * Every run reaches a state where `p` holds (under the fairness given).
   * Violated by a run that never does: a lasso (a path and a cycle) or a
   * run that ends.
   *
   * @param name The property's name.
   * @param p The state predicate.
   * @param options The fairness assumed (default weak).
   * @returns This system.
   *
   * @example
   * ```ts ignore
   * sys.eventually("all consumed", ({ g }) => g.taken === p.items, { fairness: "strong" });
   * ```
   */
  eventually(name: string, p: LivePredicate<G>, options: LivenessOptions = {}): this {
    this.#live(name, "eventually", p, p, options, undefined);
    return this;
  }

  /**
   * Whenever `p` holds, `q` holds then or later (`p ~> q`).
   *
   * @param name The property's name.
   * @param p The trigger.
   * @param q The response.
   * @param options The fairness assumed (default weak).
   * @returns This system.
   *
   * @example
   * ```ts ignore
   * sys.leadsTo("a waiting writer writes", (v) => v.at("want") > 0, (v) => v.at("write") > 0);
   * ```
   */
  leadsTo(
    name: string,
    p: LivePredicate<G>,
    q: LivePredicate<G>,
    options: LivenessOptions = {},
  ): this {
    this.#live(name, "leadsTo", p, q, options, undefined);
    return this;
  }

  /**
   * `p` holds again and again on every infinite run (`[]<> p`); a run that
   * ends is not a violation. Progress labels and starvation are of this form.
   *
   * @param name The property's name.
   * @param p The state predicate.
   * @param options The fairness assumed (default weak).
   * @returns This system.
   *
   * @example
   * ```ts ignore
   * sys.alwaysEventually("progress", (v) => v.at("progress") > 0);
   * ```
   */
  alwaysEventually(name: string, p: LivePredicate<G>, options: LivenessOptions = {}): this {
    this.#live(name, "alwaysEventually", p, p, options, undefined);
    return this;
  }

  /**
   * No process of kind `process` starves: on no fair infinite run does one
   * of them stay unfinished without ever moving again (blocked for ever, or
   * passed over while it is enabled only now and then). Named
   * `no starvation of <process>`.
   *
   * @param process The process kind.
   * @param options The fairness assumed (default weak).
   * @returns This system.
   *
   * @example
   * ```ts ignore
   * sys.noStarvation("writer", { fairness: "strong" });
   * ```
   */
  noStarvation(process: string, options: LivenessOptions = {}): this {
    const always = () => true;
    this.#live(`no starvation of ${process}`, "starvation", always, always, options, process);
    return this;
  }

  /**
   * Blocking semantics: a blocked process of kind `process` is woken once
   * its guard holds, under the fairness given. Fails on a fair cycle where
   * the process stays put although it could move in some of its states (a
   * wakeup that never comes); a process blocked for ever because its guard
   * never holds is `noStarvation`'s business, not this one's. Named
   * `blocked <process> is woken`. (Being blocked exactly while the guard is
   * false holds by construction: an operation is a transition enabled
   * exactly when its guard holds.)
   *
   * @param process The process kind.
   * @param options The fairness assumed (default weak).
   * @returns This system.
   *
   * @example
   * ```ts ignore
   * sys.wakeups("consumer", { fairness: "strong" });
   * ```
   */
  wakeups(process: string, options: LivenessOptions = {}): this {
    const always = () => true;
    this.#live(`blocked ${process} is woken`, "wakeup", always, always, options, process);
    return this;
  }

  /**
   * No non-progress cycles (SPIN's `-l`): every infinite run passes a
   * progress label (`label(name, { progress: true })`) again and again. A
   * violation is a cycle on which no process is at a progress label. The
   * property is named `progress`.
   *
   * @param options The fairness assumed (default weak).
   * @returns This system.
   *
   * @example
   * ```ts ignore
   * sys.progress({ fairness: "strong" });
   * ```
   */
  progress(options: LivenessOptions = {}): this {
    return this.alwaysEventually("progress", (v) => v.progress() > 0, options);
  }

  /**
   * Attaches delivery rules to a channel, mailbox, message queue, pipe or
   * socket, in one line: no loss, no duplicate (or both: exactly once), an
   * order rule (FIFO, FIFO per sender, FIFO per type, priority), only the
   * listed receivers or the addressee receive, the several-receivers policy
   * (pair, round-robin). Each rule is a property named
   * `<primitive>: <rule>` (see {@linkcode DeliveryRules}); a broken rule's
   * trace ends with the offending step.
   *
   * @param prim The primitive; a process must use it.
   * @param rules The rules.
   * @returns This system.
   *
   * @example
   * ```ts
   * import { channel, spec, system } from "../mod.ts";
   * import { check } from "../checker/mod.ts";
   * import assert from "node:assert/strict";
   *
   * const s = spec({
   *   name: "relay",
   *   params: {},
   *   build: () => {
   *     const sys = system({});
   *     const c = channel("c", 2);
   *     sys.process("p", {}, (s) => [s.send(c, () => 1), s.send(c, () => 2)]);
   *     sys.process("q", { locals: { x: 0 } }, (s) => [s.recv(c, "x"), s.recv(c, "x")]);
   *     return sys.delivery(c, { exactlyOnce: true, order: "fifoPerSender" });
   *   },
   * });
   * assert.equal(check(s).verdict, "ok");
   * ```
   */
  delivery(prim: PrimitiveImpl, rules: DeliveryRules): this {
    this.templates.push(deliveryTemplate(prim, rules));
    return this;
  }

  /**
   * Checks that a semaphore or mutex used as a lock is held by at most
   * `holders` processes at once (default: a semaphore's initial value, 1
   * for a mutex) — `<name>: mutual exclusion` — and released only by a
   * process that holds it — `<name>: release by holder`.
   *
   * @param lock The semaphore or mutex.
   * @param options How many may hold it.
   * @returns This system.
   *
   * @example
   * ```ts ignore
   * sys.exclusive(mutexSem); // wait() acquires it, post() releases it
   * ```
   */
  exclusive(lock: PrimitiveImpl, options: ExclusiveOptions = {}): this {
    this.templates.push(exclusiveTemplate(lock, options));
    return this;
  }

  /**
   * The invariant `<name>: 0 <= count <= capacity` over the fill level of a
   * buffer the spec keeps itself (e.g. in shared memory).
   *
   * @param name The buffer's name.
   * @param count Computes the count from the state.
   * @param capacity The capacity.
   * @returns This system.
   *
   * @example
   * ```ts ignore
   * sys.bounds("buf", ({ g }) => g.count, p.slots);
   * ```
   */
  bounds(name: string, count: (v: StateView<G>) => number, capacity: number): this {
    if (!Number.isInteger(capacity) || capacity < 0) {
      throw new RangeError(`bounds '${name}': capacity must be an integer >= 0, got ${capacity}`);
    }
    return this.always(`${name}: 0 <= count <= ${capacity}`, boundsPredicate<G>(count, capacity));
  }

  /**
   * Turns deadlock detection off (for specs that are meant to stop).
   *
   * @param options The options to set.
   * @returns This system.
   *
   * @example
   * ```ts ignore
   * sys.configure({ deadlock: false });
   * ```
   */
  configure(options: SystemOptions): this {
    if (options.deadlock !== undefined) this.options.deadlock = options.deadlock;
    return this;
  }
}

/**
 * Starts a system with its global (shared) variables.
 *
 * @typeParam D The globals' declarations.
 * @param globals The variables: plain numbers and booleans, `int()`,
 * `bool()` or `array()`.
 * @returns The system.
 *
 * @example
 * ```ts
 * import { array, system } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const sys = system({ buf: array(2), in: 0, out: 0 });
 * assert.deepEqual(Object.keys(sys.globals), ["buf", "in", "out"]);
 * ```
 */
export function system<D extends VarDecls>(globals: D): System<Vals<D>> {
  return new System<Vals<D>>(globals);
}
