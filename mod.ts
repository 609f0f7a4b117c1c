/**
 * ipcspec: a model checker for inter-process communication protocols.
 *
 * Write a spec in TypeScript: globals (shared memory), IPC primitives
 * (semaphores, mutexes, channels), and processes in a small step language.
 * `check()` explores every interleaving and returns the verdict, with the
 * shortest counterexample when a property fails.
 *
 * @example A bounded buffer over a channel
 * ```ts
 * import { channel, check, spec, system } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const pc = spec({
 *   name: "pc",
 *   params: { items: 3 },
 *   build: (p) => {
 *     const sys = system({ sum: 0 });
 *     const buf = channel("buf", 1);
 *     sys.process("producer", { locals: { i: 0 } }, (s) => [
 *       s.while(({ l }) => l.i < p.items, [s.send(buf, ({ l }) => l.i + 1), s.do("next", ({ l }) => l.i++)]),
 *     ]);
 *     sys.process("consumer", { locals: { j: 0, x: 0 } }, (s) => [
 *       s.while(({ l }) => l.j < p.items, [
 *         s.recv(buf, "x"),
 *         s.do("consume", ({ g, l }) => { g.sum += l.x; l.j++; }),
 *       ]),
 *     ]);
 *     sys.atEnd("all received", ({ g }) => g.sum === 6);
 *     return sys;
 *   },
 * });
 * assert.equal(check(pc).verdict, "ok");
 * ```
 *
 * @module
 */

export * from "./model/mod.ts";
export * from "./checker/mod.ts";
export * from "./reporters/mod.ts";
