// Private module: a sign of life from long phases of the checker that call
// no spec code (the liveness analysis over a state graph of millions of
// states). The phase calls `pulse()` now and then; whoever runs the phase
// sets what a pulse does with `withPulse`: ask whether to stop (Ctrl-C, the
// sandbox's limits), which is also the sandbox watchdog's sign of life, and
// end the phase by throwing `PhaseStopped` when the answer is yes.

/** Thrown by {@linkcode pulse} when the run was asked to stop. */
export class PhaseStopped extends Error {
  constructor() {
    super("the run was asked to stop");
    this.name = "PhaseStopped";
  }
}

let current: (() => boolean) | undefined;
let count = 0;

/**
 * Called in the inner loops of long phases: every 65,536 calls asks the
 * running phase's `stop` (if any), and throws {@linkcode PhaseStopped} when
 * it says yes.
 */
export function pulse(): void {
  if ((++count & 0xffff) !== 0 || current === undefined) return;
  if (current()) throw new PhaseStopped();
}

/**
 * Runs `body` with `stop` as what {@linkcode pulse} asks.
 *
 * @param stop Whether the run was asked to stop.
 * @param body The phase.
 * @returns What `body` returns.
 */
export function withPulse<T>(stop: () => boolean, body: () => T): T {
  const outer = current;
  current = stop;
  try {
    return body();
  } finally {
    current = outer;
  }
}
