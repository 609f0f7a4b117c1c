/**
 * Where a compiled model publishes what it is running, for a watchdog on
 * another thread (the sandbox's, see `cli/_child.ts`).
 *
 * Slot 0 holds the transition being fired (its guard, effect or operation),
 * or -1 while the invariants are evaluated; slot 1 the id of the model that
 * fires it; slot 2 counts the model's calls (expansions, invariant and
 * liveness evaluations), so a watcher sees whether anything moves. By default the slots are a private array nobody reads; a
 * sandbox worker calls {@linkcode watchRunning} before compiling a spec so
 * that the slots live in a `SharedArrayBuffer` its parent thread reads even
 * while the spec's code never returns. Writing two integers per transition
 * costs nothing measurable.
 *
 * @module
 */

import type { Model } from "./model.ts";

/** Called once per compiled model while watching: its id and the model. */
export type OnModel = (id: number, model: Model) => void;

let slots: Int32Array<ArrayBufferLike> = new Int32Array(3);
let onModel: OnModel | undefined;
let nextId = 1;

/**
 * Publishes into `shared` from now on (models compiled later write there)
 * and calls `announce` for every model compiled later, so the watcher can
 * name the steps of the transitions it reads.
 *
 * @param shared At least three `Int32` slots, usually over a `SharedArrayBuffer`.
 * @param announce Receives every model compiled from now on.
 *
 * @example
 * ```ts
 * import { runningSlots, watchRunning } from "./_running.ts";
 * import assert from "node:assert/strict";
 *
 * const shared = new Int32Array(new SharedArrayBuffer(12));
 * watchRunning(shared, () => {});
 * assert.equal(runningSlots(), shared);
 * ```
 */
export function watchRunning(shared: Int32Array<ArrayBufferLike>, announce: OnModel): void {
  slots = shared;
  onModel = announce;
}

/**
 * The slots a model compiled now publishes into.
 *
 * @returns Slot 0: the transition being fired or -1; slot 1: the model's id;
 *   slot 2: a count of the model's calls.
 *
 * @example
 * ```ts
 * import { runningSlots } from "./_running.ts";
 * import assert from "node:assert/strict";
 *
 * assert.ok(runningSlots().length >= 3);
 * ```
 */
export function runningSlots(): Int32Array<ArrayBufferLike> {
  return slots;
}

/**
 * Gives a newly compiled model its id and announces it to the watcher.
 *
 * @param model The model, fully constructed.
 * @returns Its id, to write into slot 1 when it starts running.
 *
 * @example
 * ```ts
 * import { modelCompiled } from "./_running.ts";
 * import { spec, system } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const s = spec({
 *   name: "s",
 *   params: {},
 *   build: () => system({}).process("p", {}, (b) => [b.do("nothing", () => {})]),
 * });
 * assert.ok(modelCompiled(s.compile()) > 0);
 * ```
 */
export function modelCompiled(model: Model): number {
  const id = nextId++;
  onModel?.(id, model);
  return id;
}
