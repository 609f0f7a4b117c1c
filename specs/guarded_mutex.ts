// Mutual exclusion by a test-and-set written as a guarded command: the
// test of the flag and its setting are one step, as a DVE or Murphi rule
// (or Promela's `atomic { !busy -> busy = true }`) makes them. The workers
// are identical and declared symmetric, so `--symmetry` applies. Written
// as a wait followed by a separate step (`splitMutex`), two workers pass
// the wait before either sets the flag: both are inside.
import { region, spec, system } from "../mod.ts";
import type { Step, StepBuilder } from "../mod.ts";

type G = { busy: boolean };

function build(p: { workers: number; rounds: number }, guarded: boolean) {
  const sys = system({ busy: false });
  const claim = (s: StepBuilder<G, { r: number }>): Step[] =>
    guarded
      ? [s.when("claim", ({ g }) => !g.busy, ({ g }) => g.busy = true)]
      : [s.when("free", ({ g }) => !g.busy), s.do("claim", ({ g }) => g.busy = true)];
  sys.process("worker", { count: p.workers, symmetric: true, locals: { r: 0 } }, (s) => [
    s.for("r", 0, p.rounds, [
      ...claim(s),
      region("cs", s.do("work", () => {})),
      s.do("release", ({ g }) => g.busy = false),
    ]),
  ]);
  sys.always("mutual exclusion", (v) => v.inside("cs") <= 1);
  return sys;
}

export const guardedMutex = spec({
  name: "guarded_mutex",
  description: "Test-and-set as one guarded command: mutual exclusion holds",
  params: { workers: 3, rounds: 2 },
  expect: "ok",
  build: (p) => build(p, true),
});

export const splitMutex = spec({
  name: "split_mutex",
  description: "Test and set as two steps: two workers in the critical section",
  params: { workers: 3, rounds: 2 },
  expect: { violation: ["mutual exclusion"] },
  build: (p) => build(p, false),
});
