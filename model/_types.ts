// Private module: the types the compiler reads from the spec layer. It
// imports only types and calls nothing, so the compiler depends on it and not
// on `spec.ts` (which calls the compiler). `spec.ts` re-exports them.

import type { BufferPart, PrimitiveImpl, Step } from "./_ast.ts";
import type { Fairness } from "./model.ts";
import type { View } from "./steps.ts";
import type { VarDecls } from "./vars.ts";

/** What a state invariant sees: globals, primitives, and where processes are. */
export interface StateView<G> {
  /** The globals, read-only. */
  readonly g: Readonly<G>;
  /** The number of processes inside the region `name` (see `region()`). */
  inside(name: string): number;
  /** The number of processes at the label or step named `name`. */
  at(name: string): number;
  /** The value of a primitive: a semaphore's count, a channel's length, a mutex owner's pid (-1 when free). */
  value(prim: PrimitiveImpl): number;
  /** The messages a buffer holds (bytes, for a pipe): channels, pipes, message queues, mailboxes. */
  len(buffer: PrimitiveImpl, part?: BufferPart): number;
  /** Whether a buffer holds nothing. */
  empty(buffer: PrimitiveImpl, part?: BufferPart): boolean;
  /** Whether a buffer has no room for one more message (byte). */
  full(buffer: PrimitiveImpl, part?: BufferPart): boolean;
  /** The number of processes at a progress label (`label(name, { progress: true })`). */
  progress(): number;
  /** The number of finished processes, of one kind or of all. */
  finished(process?: string): number;
  /**
   * A structured reading of a primitive that offers one (the process table:
   * each process's state, parent and exit status).
   */
  read<T>(prim: PrimitiveImpl & { read(w: Int32Array, off: number): T }): T;
}

/**
 * A state predicate: `true` when it holds; `false`, or a string saying what
 * is wrong, when it fails.
 */
export type StatePredicate<G> = (v: StateView<G>) => boolean | string;

/** What a step property learns about the step it judges. */
export interface StepInfo {
  /** The process that moved (the sender, for a rendezvous), as `name#id`. */
  readonly process: string;
  /** Its pid. */
  readonly pid: number;
  /** The operation, as traces print it (e.g. `wait(empty)`, `put`). */
  readonly operation: string;
}

/**
 * A step property: judges one step from the state before it to the state
 * after it. `true` when the step is allowed; `false`, or a reason, when not.
 */
export type StepPredicate<G> = (
  before: StateView<G>,
  step: StepInfo,
  after: StateView<G>,
) => boolean | string;

/** A state predicate for liveness: `true` when it holds. */
export type LivePredicate<G> = (v: StateView<G>) => boolean;

/** A liveness property as declared. */
export interface LivenessDecl<G> {
  /** The name. */
  readonly name: string;
  /** The temporal form. */
  readonly kind: "eventually" | "leadsTo" | "alwaysEventually" | "starvation" | "wakeup";
  /** For `starvation` and `wakeup`: the process kind. */
  readonly process?: string;
  /** The trigger (for `eventually` and `alwaysEventually`, the goal). */
  readonly p: LivePredicate<G>;
  /** The response (for `leadsTo`). */
  readonly q: LivePredicate<G>;
  /** The fairness assumed. */
  readonly fairness: Fairness;
  /** Primitives whose operations are strongly fair. */
  readonly strongOn?: readonly PrimitiveImpl[];
}

/** What a signal handler learns about the signal (`siginfo_t`). */
export interface SigInfo {
  /** The signal number. */
  readonly signo: number;
  /** The value sent with `sigqueue`, else 0. */
  readonly value: number;
  /** The sender's pid, or -1 when unknown. */
  readonly sender: number;
}

/** A signal handler: runs atomically on the process's view. */
export type SignalHandler<G, L> = (v: View<G, L>, info: SigInfo) => void;

/**
 * A signal disposition: default action, ignore, or a handler (with
 * `restart` for `SA_RESTART`, `resetHand` for `SA_RESETHAND`).
 */
export type Disposition<G, L> =
  | "default"
  | "ignore"
  | SignalHandler<G, L>
  | {
    readonly handler: SignalHandler<G, L>;
    readonly restart?: boolean;
    readonly resetHand?: boolean;
  };

/** A process kind as declared. */
export interface ProcessDecl {
  /** The name. */
  readonly name: string;
  /** The number of copies. */
  readonly count: number;
  /** Whether the copies are declared interchangeable. */
  readonly symmetric?: boolean;
  /** Whether the copies are dormant slots that `fork`/`spawn` bring to life. */
  readonly dynamic?: boolean;
  /** The buffers whose length its code queries. */
  readonly queries?: readonly PrimitiveImpl[];
  /** The local variables. */
  readonly locals: VarDecls;
  /** The body. */
  readonly body: readonly Step[];
  /** The signal dispositions, by name. */
  // deno-lint-ignore no-explicit-any
  readonly signals: Readonly<Record<string, Disposition<any, any>>>;
}

/** A named state property as declared. */
export interface PropertyDecl<G> {
  /** The name. */
  readonly name: string;
  /** The predicate. */
  readonly pred: StatePredicate<G>;
}

/** Options of the whole system. */
export interface SystemOptions {
  /** Report deadlocks (default true). */
  deadlock?: boolean;
}

/** What the compiler reads of a system built by a spec (`System` has these). */
export interface SystemParts<G = unknown> {
  /** The global variables' declarations. */
  readonly globals: VarDecls;
  /** The process kinds, in declaration order. */
  readonly processes: readonly ProcessDecl[];
  /** Invariants. */
  readonly invariants: readonly PropertyDecl<G>[];
  /** Final properties. */
  readonly finals: readonly PropertyDecl<G>[];
  /** Liveness properties. */
  readonly liveness: readonly LivenessDecl<G>[];
  /** Step properties. */
  readonly steps: readonly { readonly name: string; readonly pred: StepPredicate<G> }[];
  /** Property templates attached to primitives. */
  readonly templates: readonly Template[];
  /** System options. */
  readonly options: Required<SystemOptions>;
}

/** One property a template contributes, checked by the compiled model. */
export interface TemplateCheck {
  /** The property's name. */
  readonly name: string;
  /** `invariant`: every state; `final`: every valid end state. */
  readonly kind: "invariant" | "final";
  /** Why it fails in the state at `off` (`w` holds the whole state), or undefined. */
  check(w: Int32Array, off: number, pidName: (pid: number) => string): string | undefined;
}

/** A primitive that holds ghost state for properties; see the module doc. */
export interface Template extends PrimitiveImpl {
  /** The primitive it watches. */
  readonly target: PrimitiveImpl;
  /** What it checks, in words (`delivery rules`, `mutual exclusion`). */
  readonly rules: string;
  /** The properties it contributes. */
  readonly checks: readonly TemplateCheck[];
  /** Called when the model is built: its working state and this template's offset. */
  attach(w: Int32Array, off: number): void;
}
