// Private module: how primitives report what happens to their messages and
// locks to the property templates attached to them (templates.ts).
//
// A primitive that supports templates declares its shape once
// (`messageTaps`: how many independent FIFOs, "lanes", it has and how many
// messages each holds) and calls the taps from its operations: a message put
// at a position of a lane, the message at a position taken by a process, or
// messages destroyed. Positions are the primitive's own order (0 = the next
// to leave), so a template can mirror the buffer exactly. Locks report
// acquire and release. The taps write ghost state into the template's own
// slots of the same state, in the same transition.

/** What a buffered primitive reports to the templates attached to it. */
export interface MessageTap {
  /**
   * A message entered lane `lane` at position `pos` (0 = the next to
   * leave), sent by `from` with value `value`, type or priority `key` (0
   * when the primitive has none), addressed to `to` (-1: to any receiver).
   */
  put(
    w: Int32Array,
    lane: number,
    pos: number,
    from: number,
    value: number,
    key: number,
    to: number,
  ): void;
  /** The message at position `pos` of lane `lane` was received by process `by`. */
  take(w: Int32Array, lane: number, pos: number, by: number): void;
  /**
   * `count` messages from position `pos` of lane `lane` were destroyed
   * (the queue was removed, its owner exited, the reader closed...). The
   * trace's last step says how.
   */
  drop(w: Int32Array, lane: number, pos: number, count: number): void;
}

/** What a lock (semaphore, mutex) reports to the templates attached to it. */
export interface LockTap {
  /** Process `pid` acquired the lock (a successful wait or lock). */
  acquire(w: Int32Array, pid: number): void;
  /** Process `pid` released the lock (a post or unlock). */
  release(w: Int32Array, pid: number): void;
}

/** The shape of a buffered primitive, as templates mirror it. */
export interface MessageShape {
  /** Independent FIFOs (one per direction of a connection, per link, ...). */
  readonly lanes: number;
  /** The most messages one lane holds at a time. */
  readonly capacity: number;
  /** Lane names for messages, e.g. `conn 0 → server`; default none. */
  laneName?(lane: number): string;
}

/** The taps of one primitive, with its shape. */
export interface MessageTaps {
  /** The shape (may be computed when the system is compiled). */
  readonly shape: () => MessageShape;
  /** The attached taps; primitives call them all. */
  readonly list: MessageTap[];
}

const MESSAGE_TAPS = new WeakMap<object, MessageTaps>();
const LOCK_TAPS = new WeakMap<object, LockTap[]>();

/**
 * Declares that `prim` reports its messages, with the given shape, and
 * returns the (initially empty) list of taps its operations call.
 */
export function messageTaps(prim: object, shape: () => MessageShape): MessageTap[] {
  let t = MESSAGE_TAPS.get(prim);
  if (t === undefined) {
    t = { shape, list: [] };
    MESSAGE_TAPS.set(prim, t);
  }
  return t.list;
}

/** The message taps of `prim`, or undefined when it reports no messages. */
export function messageTapsOf(prim: object): MessageTaps | undefined {
  return MESSAGE_TAPS.get(prim);
}

/** Declares that `prim` reports acquire and release; returns its tap list. */
export function lockTaps(prim: object): LockTap[] {
  let t = LOCK_TAPS.get(prim);
  if (t === undefined) {
    t = [];
    LOCK_TAPS.set(prim, t);
  }
  return t;
}

/** The lock taps of `prim`, or undefined when it reports no acquisitions. */
export function lockTapsOf(prim: object): LockTap[] | undefined {
  return LOCK_TAPS.get(prim);
}

/** Calls every tap's `put`. */
export function tapPut(
  taps: readonly MessageTap[],
  w: Int32Array,
  lane: number,
  pos: number,
  from: number,
  value: number,
  key: number,
  to: number,
): void {
  for (let i = 0; i < taps.length; i++) taps[i]!.put(w, lane, pos, from, value, key, to);
}

/** Calls every tap's `take`. */
export function tapTake(
  taps: readonly MessageTap[],
  w: Int32Array,
  lane: number,
  pos: number,
  by: number,
): void {
  for (let i = 0; i < taps.length; i++) taps[i]!.take(w, lane, pos, by);
}

/** Calls every tap's `drop`. */
export function tapDrop(
  taps: readonly MessageTap[],
  w: Int32Array,
  lane: number,
  pos: number,
  count: number,
): void {
  if (count <= 0) return;
  for (let i = 0; i < taps.length; i++) taps[i]!.drop(w, lane, pos, count);
}

/** What happened to a signal when it was generated. */
export type SignalOutcome =
  | "pending"
  | "coalesced"
  | "queued"
  | "discarded"
  | "no such process"
  | "queue full";

/** What a signal table reports to whoever watches it (trace recorders). */
export interface SignalTap {
  /**
   * Process `sender` generated signal `signo` for process `target`; the
   * outcome says whether it became pending, was merged into an instance
   * already pending (a standard signal coalesces), was queued (real-time),
   * discarded (ignored and unblocked), or failed.
   */
  generate(
    w: Int32Array,
    sender: number,
    target: number,
    signo: number,
    outcome: SignalOutcome,
  ): void;
  /** Signal `signo` (sent by `sender`, -1 when unknown) was delivered to `pid` with `action`. */
  deliver(w: Int32Array, pid: number, signo: number, sender: number, action: string): void;
}

const SIGNAL_TAPS = new WeakMap<object, SignalTap[]>();

/** Declares that `prim` reports signals; returns its (initially empty) tap list. */
export function signalTaps(prim: object): SignalTap[] {
  let t = SIGNAL_TAPS.get(prim);
  if (t === undefined) {
    t = [];
    SIGNAL_TAPS.set(prim, t);
  }
  return t;
}

/** The signal taps of `prim`, or undefined when it reports no signals. */
export function signalTapsOf(prim: object): SignalTap[] | undefined {
  return SIGNAL_TAPS.get(prim);
}
