// Private module: the program-counter automaton a process kind is lowered
// to (`_program.ts` builds it): its edge kinds, edges, pcs and the process
// kind itself. Types and constants only.

import type { Ctx, OpImpl, Pred, PrimitiveImpl, Source } from "./_ast.ts";
import type { VarSlot } from "./_views.ts";

// Edge kinds: numbers, as the interpreter's hot loop switches on them. The
// union `EdgeKind` is closed: the generator matches it exhaustively, the
// interpreter's switch ends in `assertNever`.
/** Runs an effect. */
export const DO = 0;
/** Waits for a guard. */
export const WHEN = 1;
/** The `then` branch of an `if`, or a loop's body: its condition holds. */
export const IF_TRUE = 2;
/**
 * The `else` branch of an `if`, or a loop's exit: its condition fails. A
 * counted loop's (`s.for`) exit also runs its effect, the counter's reset.
 */
export const IF_FALSE = 3;
/** Moves on without doing anything (an empty choice, an empty endless loop). */
export const SKIP = 4;
/** Checks an assertion. */
export const ASSERT = 5;
/** An operation on a primitive with one outcome. */
export const OP = 6;
/** The sender's half of a rendezvous (fired together with a receiver's). */
export const RENDEZVOUS_SEND = 7;
/** The receiver's half of a rendezvous. */
export const RENDEZVOUS_RECV = 8;
/** An operation with several outcomes (`maxChoices`), one transition each. */
export const OP_CHOICES = 9;
/** A guarded command: waits for a guard, then runs an effect, as one transition. */
export const GUARDED = 10;
/**
 * Waits for `timeout` (no other transition of the system enabled), then
 * runs its effect if it has one. Fired only in a second pass over the
 * processes, when the first found nothing.
 */
export const TIMEOUT = 11;

/** The kind of an edge. */
export type EdgeKind =
  | typeof DO
  | typeof WHEN
  | typeof IF_TRUE
  | typeof IF_FALSE
  | typeof SKIP
  | typeof ASSERT
  | typeof OP
  | typeof RENDEZVOUS_SEND
  | typeof RENDEZVOUS_RECV
  | typeof OP_CHOICES
  | typeof GUARDED
  | typeof TIMEOUT;

/** For the default of an exhaustive switch: a new kind fails to type-check. */
export function assertNever(x: never): never {
  throw new Error(`unexpected edge kind ${String(x)}`);
}

/** One way out of a pc. */
export interface Edge {
  kind: EdgeKind;
  to: number;
  name: string;
  text: string;
  src: Source;
  guard: Pred | undefined;
  fn: ((ctx: Ctx) => unknown) | undefined;
  op: OpImpl | undefined;
  /** The slot of the operation's primitive (set when the layout is known). */
  primOff: number;
  /** Property index for assertions and operation errors. */
  prop: number;
  /** The atomic block of the step that made this edge, or -1. */
  atomic: number;
  /** The target before jumps (labels, gotos, breaks, loop heads) were resolved. */
  origTo: number;
  /** Firing it keeps the process inside its atomic block (so it keeps the floor). */
  keepsAtomic: boolean;
}

/** A program counter value: a position in a process's body. */
export interface Pc {
  name: string;
  src: Source;
  edges: Edge[];
  atomic: number;
  names: Set<string>;
  /** Labels put on this pc with label(), for traces. */
  labels: string[];
  end: boolean;
  progress: boolean;
  alias: number;
}

/** A signal handler a process kind declares. */
export interface Handler {
  fn: (ctx: Ctx, info: { signo: number; value: number; sender: number }) => void;
  restart: boolean;
  resetHand: boolean;
}

/** A process kind, lowered. */
export interface ProcType {
  name: string;
  count: number;
  vars: VarSlot[];
  localSize: number;
  pcs: Pc[];
  entry: number;
  endPc: number;
  valid: Uint8Array;
  /** pcs marked by a progress label. */
  progressPcs: Uint8Array;
  /** For each pc: the index of its blocking point, or -1 (set when the model is built). */
  pointOf: Int32Array;
  /** pcs carrying each label/region name. */
  named: Map<string, Uint8Array>;
  /** Signal handlers by signal number. */
  handlers: Map<number, Handler>;
  /** Dispositions by signal name, as primitives see them. */
  dispositions: Record<string, "default" | "ignore" | "handler">;
  /** The primitives the body uses. */
  uses: Set<PrimitiveImpl>;
  /** The buffers its code may query (`len`, `empty`, `full`), as declared. */
  queries: Set<PrimitiveImpl>;
  /** Declared `symmetric: true`: the copies are interchangeable. */
  symmetric: boolean;
  /** Declared `dynamic: true`: the copies start dormant, at `endPc`. */
  dynamic: boolean;
}
