// The sieve of Eratosthenes as a pipeline of processes over rendezvous
// channels (Hoare's CSP, and SPIN's classic example): a generator sends 2 ..
// max and then 0 (end of stream) down the pipe; each filter stage keeps
// the first number it receives (a prime) and passes on the numbers it
// does not divide, then the end marker. With one stage per prime the
// stages hold exactly the primes. With too few stages (`stages: 3` for
// max 10) the last stage has a prime (7) to pass on and nobody to take it:
// a deadlock.
import { array, atomic, breakLoop, channel, choose, loop, spec, type Step, system } from "../mod.ts";

/** The primes up to `max`. */
function primesUpTo(max: number): number[] {
  const out: number[] = [];
  for (let x = 2; x <= max; x++) if (out.every((q) => x % q !== 0)) out.push(x);
  return out;
}

/**
 * The pipeline with `stages` filters; with `atomic`, each stage's receive
 * and decision form one atomic block (as Promela's sieve writes it).
 */
function sievePipeline(p: { max: number; stages: number }, atomicStage: boolean) {
  const stage = (...steps: Step[]): Step[] => atomicStage ? [atomic(...steps)] : steps;
  const primes = primesUpTo(p.max);
  const sys = system({ found: array(p.stages, 0, { min: 0, max: p.max }) });
  // Channel k feeds stage k; the last one has no reader.
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
        ...stage(
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
}

export const sieve = spec({
  name: "sieve",
  description: "A prime sieve pipeline over rendezvous channels",
  params: { max: 10, stages: 4 },
  expect: "ok",
  build: (p) => sievePipeline(p, false),
});

/** The same sieve with each stage's receive and decision in one atomic block. */
export const sieveAtomic = spec({
  name: "sieve_atomic",
  description: "The prime sieve, each stage's receive and decision in one atomic block",
  params: { max: 10, stages: 4 },
  expect: "ok",
  build: (p) => sievePipeline(p, true),
});
