// Private module: the prime sieve of specs/sieve.ts written the way SPIN's
// classic model writes it, each stage receiving a number and deciding what to
// do with it in one atomic block. The bundled specs have no atomic block, so
// the codegen benchmark (bench/codegen.ts) and the generated-code agreement
// test (tests/model/codegen_test.ts) use this one.

import { array, atomic, breakLoop, channel, choose, loop, spec, system } from "../mod.ts";

/** The primes up to `max`. */
function primesUpTo(max: number): number[] {
  const out: number[] = [];
  for (let x = 2; x <= max; x++) if (out.every((q) => x % q !== 0)) out.push(x);
  return out;
}

/**
 * The sieve pipeline over rendezvous channels, receive-and-decide atomic:
 * a generator sends 2 .. max, then 0; stage k keeps the first number it
 * receives and passes on those its prime does not divide. `stages` defaults
 * to one per prime (then every stage holds its prime).
 *
 * @example
 * ```ts
 * import { check } from "../mod.ts";
 * import { sieveAtomic } from "./_atomic_sieve.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(check(sieveAtomic, { params: { max: 7, stages: 4 } }).verdict, "ok");
 * ```
 */
export const sieveAtomic = spec({
  name: "sieve_atomic",
  description: "The prime sieve, each stage's receive and decision in one atomic block",
  params: { max: 10, stages: 4 },
  expect: "ok",
  build: (p) => {
    const primes = primesUpTo(p.max);
    const sys = system({ found: array(p.stages, 0, { min: 0, max: p.max }) });
    const pipe = Array.from(
      { length: p.stages + 1 },
      (_, k) => channel(`c${k}`, 0, { min: 0, max: p.max }),
    );
    sys.process("generator", { locals: { i: 2 } }, (s) => [
      s.for("i", 2, p.max + 1, [s.send(pipe[0]!, ({ l }) => l.i)]),
      s.send(pipe[0]!, 0),
    ]);
    for (let k = 0; k < p.stages; k++) {
      const last = k === p.stages - 1;
      sys.process(`stage${k}`, { locals: { prime: 0, x: 0 } }, (s) => [
        s.recv(pipe[k]!, (v, m) => {
          v.l.prime = m;
          v.g.found[k] = m;
        }),
        loop(
          atomic(
            s.recv(pipe[k]!, "x"),
            choose(
              [
                s.when("end", ({ l }) => l.x === 0),
                ...(last ? [] : [s.send(pipe[k + 1]!, 0)]),
                breakLoop(),
              ],
              [s.when("multiple", ({ l }) => l.x !== 0 && l.x % l.prime === 0)],
              [
                s.when("pass", ({ l }) => l.x !== 0 && l.x % l.prime !== 0),
                s.send(pipe[k + 1]!, ({ l }) => l.x),
              ],
            ),
          ),
        ),
      ]);
    }
    sys.atEnd(
      "the stages hold the primes",
      ({ g }) =>
        primes.every((q, k) => k >= p.stages || g.found[k] === q) ||
        `found ${Array.from({ length: p.stages }, (_, k) => g.found[k]).join(",")}`,
    );
    return sys;
  },
});
