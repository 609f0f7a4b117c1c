/**
 * Driving the model of one primitive call by call, as a test harness does
 * when it compares the model with the real kernel (the conformance suite).
 *
 * A {@linkcode Drive} compiles one process that makes a fixed sequence of
 * calls on one primitive, through the public `system()`/`spec()` path: each
 * call is a step built by the primitive's own operations (`writeNonblock`,
 * `msgrcv`, ...) whose outputs (`status`, `count`, `into`, ...) are
 * {@linkcode Outputs} targets recording what the call returned. For the
 * call at hand, {@linkcode Drive.outcomes} lists every outcome the model
 * allows in the current state as data (the values each output received),
 * {@linkcode Drive.apply} follows the chosen one, and
 * {@linkcode Drive.value} reads the primitive's contents summary (bytes in
 * a pipe, messages in a queue, a semaphore's value).
 *
 * A call that has no outcome would block ({@linkcode Drive.blocked}): a
 * harness that made the call without waiting (`IPC_NOWAIT`, `sem_trywait`)
 * withdraws it with {@linkcode Drive.withdraw}, which leaves the primitive
 * as it was.
 *
 * @module
 */

import type { Into, PrimitiveImpl, Step } from "./_ast.ts";
import type { Model } from "./model.ts";
import { spec, type System, system } from "./spec.ts";
import { choose } from "./steps.ts";

/**
 * Where a call's results go: `out.to("status")` is an {@linkcode Into}
 * recording, under that name, the last value set and the list of every
 * value set (the bytes of a read, in order).
 *
 * @example A read of an empty pipe: EAGAIN in `status`, nothing in `bytes`
 * ```ts
 * import { Drive, type Outputs } from "./drive.ts";
 * import { type Pipe, pipe, readNonblock } from "./primitives/pipe.ts";
 * import { Errno } from "./primitives/errno.ts";
 * import assert from "node:assert/strict";
 *
 * const read2 = (p: Pipe, out: Outputs) =>
 *   readNonblock(p, { bytes: 2, status: out.to("status"), into: out.to("bytes") });
 * const [o] = new Drive((sys) => pipe(sys, "fd"), [read2]).outcomes();
 * assert.equal(o!.values.status, Errno.EAGAIN);
 * assert.equal(o!.lists.bytes, undefined);
 * ```
 */
export interface Outputs {
  /** The target named `name`. */
  to(name: string): Into;
}

/**
 * One call of a driven sequence: builds the step from the primitive and
 * the output targets.
 *
 * @example
 * ```ts
 * import type { Call } from "./drive.ts";
 * import { type Pipe, writeNonblock } from "./primitives/pipe.ts";
 *
 * const write2: Call<Pipe> = (p, out) =>
 *   writeNonblock(p, { bytes: 2, value: 7, status: out.to("status"), written: out.to("ret") });
 * ```
 */
export type Call<P> = (prim: P, out: Outputs) => Step;

/**
 * One outcome the model allows for a call: what each output received.
 *
 * @example
 * ```ts
 * import type { Outcome } from "./drive.ts";
 * import assert from "node:assert/strict";
 *
 * const o: Outcome = { values: { status: 0, ret: 2 }, lists: { status: [0], ret: [2] }, choice: 0 };
 * assert.equal(o.values.ret, 2);
 * ```
 */
export interface Outcome {
  /** The last value each output received, by output name. */
  readonly values: Readonly<Record<string, number>>;
  /** Every value each output received, in order (the bytes of a read). */
  readonly lists: Readonly<Record<string, readonly number[]>>;
  /** Which of the call's outcomes this is (its place in {@linkcode Drive.outcomes}). */
  readonly choice: number;
  /**
   * Why the model cannot take this outcome: a property it violates (an
   * operation error, a model bound). Such an outcome cannot be applied.
   */
  readonly failure?: string;
}

/**
 * Options of {@linkcode Drive}.
 *
 * @example
 * ```ts
 * import type { DriveOptions } from "./drive.ts";
 *
 * const options: DriveOptions = { name: "pipe conformance" };
 * ```
 */
export interface DriveOptions {
  /** The spec's name in messages (default `drive`). */
  name?: string;
  /**
   * Rewrites the outcomes the model allows for the call at `position`
   * before {@linkcode Drive.outcomes} returns them: a mutant rule, for
   * testing that a harness notices a wrong model. An outcome keeps its
   * `choice`, so applying it follows the model's own transition.
   */
  mutate?: (position: number, allowed: Outcome[]) => Outcome[];
}

interface Successor {
  readonly skip: boolean;
  readonly values: Record<string, number>;
  readonly lists: Record<string, number[]>;
  /** The successor, when kept (see `Adapter.successors`). */
  readonly next: Int32Array | undefined;
  readonly failure: string | undefined;
}

/**
 * The model of one primitive driven through a fixed sequence of calls.
 *
 * @example A non-blocking pipe write, then a read of what it wrote
 * ```ts
 * import { Drive } from "./drive.ts";
 * import { pipe, readNonblock, writeNonblock } from "./primitives/pipe.ts";
 * import assert from "node:assert/strict";
 *
 * const d = new Drive((sys) => pipe(sys, "fd", { capacity: 4 }), [
 *   (p, out) => writeNonblock(p, { bytes: 3, value: 9, status: out.to("status"), written: out.to("ret") }),
 *   (p, out) => readNonblock(p, { bytes: 2, status: out.to("status"), count: out.to("ret"), into: out.to("bytes") }),
 * ]);
 * assert.deepEqual(d.outcomes().map((o) => o.values.ret), [3]);
 * d.apply(d.outcomes()[0]!);
 * assert.equal(d.value(), 3);
 * const [read] = d.outcomes();
 * assert.deepEqual(read!.lists.bytes, [9, 9]);
 * d.apply(read!);
 * assert.equal(d.value(), 1);
 * assert.ok(d.done);
 * ```
 */
export class Drive<P extends PrimitiveImpl> {
  readonly #model: Adapter;
  readonly #calls: number;
  readonly #record: Recorder;
  readonly #mutate: DriveOptions["mutate"];
  #prim: P | undefined;
  #state: Int32Array;
  #position = 0;
  #successors: Successor[] | undefined;

  /**
   * Compiles the model of the primitive `declare` makes, driven through `calls`.
   *
   * @param declare Declares the primitive in the system (e.g. `(sys) => pipe(sys, "fd")`).
   * @param calls The calls, in order.
   * @param options The spec's name.
   */
  constructor(
    declare: (sys: System<unknown>) => P,
    calls: readonly Call<P>[],
    options: DriveOptions = {},
  ) {
    const record = new Recorder();
    this.#record = record;
    this.#mutate = options.mutate;
    this.#calls = calls.length;
    const built = spec({
      name: options.name ?? "drive",
      params: {},
      build: () => {
        const sys = system({}) as System<unknown>;
        const prim = declare(sys);
        this.#prim = prim;
        sys.process("caller", {}, (s) => {
          const out: Outputs = { to: (name) => record.into(name) };
          return [
            ...calls.map((call) =>
              choose([call(prim, out)], [s.do("withdraw", () => record.skip())])
            ),
            // The caller never exits: exit would close its descriptors.
            s.when("stay", () => false),
          ];
        });
        // The invariant is the model's only view of the primitive's contents.
        sys.always("contents", (v) => {
          record.value = v.value(prim);
          return true;
        });
        return sys;
      },
    });
    // Interpreted: a driven state is expanded once or twice, too few times
    // for generated successor code to repay its generation.
    this.#model = adapter(built.compile({}, { interpret: true }));
    this.#state = this.#model.initial();
  }

  /** The primitive the sequence drives. */
  get primitive(): P {
    return this.#prim!;
  }

  /** The index of the next call (`calls.length` once every call is made). */
  get position(): number {
    return this.#position;
  }

  /** Whether every call has been made. */
  get done(): boolean {
    return this.#position >= this.#calls;
  }

  /** Every outcome the model allows for the next call, in the model's order. */
  outcomes(): Outcome[] {
    const allowed: Outcome[] = this.#current().filter((x) => !x.skip).map((x, choice) => ({
      values: x.values,
      lists: x.lists,
      choice,
      ...(x.failure === undefined ? {} : { failure: x.failure }),
    }));
    return this.#mutate === undefined ? allowed : this.#mutate(this.#position, allowed);
  }

  /** Whether the next call would block: the model allows no outcome for it now. */
  blocked(): boolean {
    return this.#current().every((x) => x.skip);
  }

  /**
   * Follows `outcome` (one of {@linkcode Drive.outcomes}, by its `choice`)
   * and moves to the next call.
   */
  apply(outcome: Outcome): void {
    const all = this.#current();
    const real = all.map((x, i) => ({ x, i })).filter(({ x }) => !x.skip)[outcome.choice];
    if (real === undefined) {
      throw new RangeError(`Cannot apply outcome ${outcome.choice}: the call has no such outcome`);
    }
    if (real.x.failure !== undefined) {
      throw new Error(`Cannot apply outcome ${outcome.choice}: ${real.x.failure}`);
    }
    this.#move(this.#next(real.i));
  }

  /**
   * Withdraws the next call without making it (a call the caller did not
   * wait for): the primitive stays as it is.
   */
  withdraw(): void {
    const i = this.#current().findIndex((x) => x.skip);
    if (i < 0) throw new Error("Cannot withdraw: every call is made");
    this.#move(this.#next(i));
  }

  /** The successor at index `i` of the current state's expansion. */
  #next(i: number): Int32Array {
    const kept = this.#current()[i]!.next;
    return kept ?? this.#model.successors(this.#state, this.#record, i)[i]!.next!;
  }

  /**
   * The primitive's contents summary in the current state (its
   * `value()`: bytes in a pipe, messages in a queue, a semaphore's value).
   */
  value(): number {
    this.#record.value = Number.NaN;
    this.#model.observe(this.#state);
    return this.#record.value;
  }

  #move(next: Int32Array): void {
    this.#state = next;
    this.#position++;
    this.#successors = undefined;
  }

  #current(): Successor[] {
    if (this.#successors !== undefined) return this.#successors;
    if (this.done) return (this.#successors = []);
    this.#successors = this.#model.successors(this.#state, this.#record);
    return this.#successors;
  }
}

/** Collects what the outputs receive while one transition fires. */
class Recorder {
  values: Record<string, number> = {};
  lists: Record<string, number[]> = {};
  skipped = false;
  value = Number.NaN;

  reset(): void {
    this.values = {};
    this.lists = {};
    this.skipped = false;
  }

  into(name: string): Into {
    return {
      kind: "into",
      text: name,
      set: (_ctx, v) => {
        this.values[name] = v;
        (this.lists[name] ??= []).push(v);
      },
    };
  }

  skip(): void {
    this.skipped = true;
  }
}

/** What a driven sequence needs of the compiled model. */
interface Adapter {
  /** The first initial state. */
  initial(): Int32Array;
  /**
   * Every successor of `state` (one expansion), with what the outputs
   * received while it fired; the successor states themselves only when
   * there are few, or only the one at index `want`.
   */
  successors(state: Int32Array, record: Recorder, want?: number): Successor[];
  /** Evaluates the state's invariants (which record the primitive's value). */
  observe(state: Int32Array): void;
}

/** Outcomes whose successor states are kept at once; more are expanded again on apply. */
const KEEP = 64;

/**
 * The adapter between a driven sequence and the compiled model: the only
 * place that calls the {@linkcode Model} interface.
 */
function adapter(model: Model): Adapter {
  return {
    initial() {
      let first: Int32Array | undefined;
      model.init((s) => (first ??= s.slice()));
      return first!;
    },
    successors(state, record, want) {
      const out: Successor[] = [];
      const add = (next: Int32Array | undefined, failure: string | undefined) => {
        const keep = want === undefined ? out.length < KEEP : out.length === want;
        out.push({
          skip: record.skipped,
          values: record.values,
          lists: record.lists,
          next: next !== undefined && keep ? next.slice() : undefined,
          failure,
        });
        record.reset();
      };
      record.reset();
      model.expand(state, {
        push: (next) => {
          add(next, undefined);
          // Expanded again for one successor: stop once it is kept.
          return want === undefined || out.length <= want;
        },
        fail: (property, _t, message) => {
          add(undefined, `${model.properties[property]?.name ?? "error"}: ${message}`);
        },
      });
      return out;
    },
    observe(state) {
      model.check(state);
    },
  };
}
