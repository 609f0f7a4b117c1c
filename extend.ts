/**
 * The extension entry: the interfaces behind the spec language, for people
 * writing a new IPC primitive or a new search engine. A spec author never
 * needs it; everything a spec imports is in `mod.ts`.
 *
 * **For a new primitive** (see README, "Architecture"): a primitive is a
 * {@linkcode PrimitiveImpl} (its slots in the state vector, how they start
 * and print, what happens when a process exits, how they permute under
 * symmetry) and its operations are {@linkcode OpImpl}s (a blocking guard,
 * an effect, the slots read and written as a {@linkcode Footprint}, the
 * outcomes of a nondeterministic call), turned into steps of the language
 * with {@linkcode opStep}. Guards and effects receive a {@linkcode Ctx},
 * and read an operation's inputs with {@linkcode evalExpr}. A primitive
 * with asynchronous events (signals) gives {@linkcode AsyncEvents}. The
 * helpers other primitives build on are here too: {@linkcode sendStep} and
 * {@linkcode recvStep} (what `s.send` and `s.recv` make),
 * {@linkcode mutexOffset} (how a condition variable finds its mutex) and
 * {@linkcode resolvePids} (a pid list to numbers).
 *
 * **For a new engine**: an engine searches the {@linkcode Model} interface
 * (initial states, successors through a {@linkcode SuccessorSink},
 * properties, transition and liveness metadata, {@linkcode Symmetry}) and
 * returns a {@linkcode SearchOutcome}; `check()` turns outcomes into a
 * `CheckResult`. The bundled engines are here as functions and classes
 * (breadth-first {@linkcode bfs}, depth-first {@linkcode dfs}, the
 * fingerprint and bitstate stores of {@linkcode bfsCompact}), with the
 * liveness checker over an explicit state graph ({@linkcode stateGraph},
 * {@linkcode checkLiveness}), so a new engine can be compared with them.
 *
 * **Stability.** Less than `mod.ts`: these interfaces follow the compiler
 * and the engines, and may change in any minor version while the package
 * is 0.x (the changelog says so when they do). The semantics a primitive
 * must follow are in `docs/semantics.md`; its departures from Linux go in
 * that file's departures table.
 *
 * @example A one-shot latch primitive
 * ```ts
 * import { type OpImpl, opStep, type PrimitiveImpl } from "./extend.ts";
 * import { check, spec, system } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * // One slot: 0 closed, 1 open.
 * const latch: PrimitiveImpl = {
 *   kind: "latch",
 *   name: "go",
 *   slots: 1,
 *   init: (w, off) => { w[off] = 0; },
 *   format: (w, off) => (w[off] === 1 ? "open" : "closed"),
 *   value: (w, off) => w[off]!,
 * };
 * const open: OpImpl = {
 *   prim: latch,
 *   text: "open(go)",
 *   enabled: () => true,
 *   apply: (w, off) => { w[off] = 1; return undefined; },
 * };
 * const pass: OpImpl = {
 *   prim: latch,
 *   text: "pass(go)",
 *   enabled: (w, off) => w[off] === 1, // blocks while closed
 *   apply: () => undefined,
 * };
 *
 * const gate = spec({
 *   name: "gate",
 *   params: {},
 *   build: () => {
 *     const sys = system({ passed: 0 });
 *     sys.process("opener", {}, () => [opStep(open)]);
 *     sys.process("walker", {}, (s) => [opStep(pass), s.do("walk", ({ g }) => { g.passed = 1; })]);
 *     sys.atEnd("the walker passed", ({ g }) => g.passed === 1);
 *     return sys;
 *   },
 * });
 * assert.equal(check(gate).verdict, "ok");
 * ```
 *
 * @module
 */

// ----------------------------------------------------------------------------
// Writing primitives: the step tree's operations and their context.
export { evalExpr } from "./model/_ast.ts";
export type {
  AsyncEvents,
  BufferQueries,
  Ctx,
  Delivery,
  Effect,
  Footprint,
  IntoFn,
  OpImpl,
  Pred,
  PrimitiveImpl,
  ProcInfo,
  ProcSlot,
  SignalRaiser,
  Source,
  ValueFn,
} from "./model/_ast.ts";
export { opStep } from "./model/primitives/_op.ts";
export { recvStep, sendStep } from "./model/primitives/channel.ts";
export type { MessageInto, MessageValue } from "./model/primitives/channel.ts";
export { mutexOffset } from "./model/primitives/mutex.ts";
export { resolvePids } from "./model/primitives/direct.ts";

// ----------------------------------------------------------------------------
// Writing engines: the interface a compiled spec presents to the checker: a small core and
// optional facets (explanation, processes, liveness, coverage, reduction, symmetry, code).
export type {
  Coverage,
  Explanation,
  FireFailure,
  GeneratedCode,
  Liveness,
  LivenessInfo,
  Model,
  PartialOrderReduction,
  Processes,
  PropertyInfo,
  SuccessorSink,
  Symmetry,
  TransitionInfo,
} from "./model/model.ts";
export { enabled, fire } from "./checker/_fire.ts";

// ----------------------------------------------------------------------------
// The bundled engines, their stores and raw outcomes.
export type { Found, SearchOutcome } from "./checker/_search.ts";
export { bfs, BfsSearch } from "./checker/bfs.ts";
export type { BfsOptions } from "./checker/bfs.ts";
export { dfs, DfsSearch } from "./checker/dfs.ts";
export type { DfsOptions } from "./checker/dfs.ts";
export {
  bfsCompact,
  CompactBfsSearch,
  DEFAULT_BITSTATE_BITS,
  DEFAULT_BITSTATE_HASHES,
  unsupported,
} from "./checker/bfs_compact.ts";
export type {
  CompactBfsOptions,
  CompactOutcome,
  CompactStoreKind,
  StoreReport,
} from "./checker/bfs_compact.ts";
export { checkLiveness, stateGraph } from "./checker/liveness.ts";
export type { Lasso, StateGraph } from "./checker/liveness.ts";
