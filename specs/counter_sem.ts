// counter_race with the fix: a semaphore initialised to 1 (in the same
// shared memory, pshared) makes load-add-store a critical section, so no
// update is lost.
import { post, region, segment, semaphore, shmLoad, shmRemove, shmStore, spec, system, wait } from "../mod.ts";

export const counterSem = spec({
  name: "counter_sem",
  description: "The shared counter with a semaphore around load-add-store: no update lost",
  params: { workers: 2, rounds: 1 },
  expect: "ok",
  build: (p) => {
    const sys = system({ exited: 0 });
    const counter = segment(sys, "counter", { size: 1, attached: "users" });
    const mutex = semaphore("mutex", 1);

    sys.process("parent", { locals: { total: 0 } }, (s) => [
      shmRemove(counter), // shmctl(IPC_RMID)
      s.when("all children exited", ({ g }) => g.exited === p.workers), // waitpid
      shmLoad(counter, { into: s.into("total") }),
      s.assert(
        "no lost update",
        ({ l }) => l.total === p.workers * p.rounds || `counter is ${l.total}, expected ${p.workers * p.rounds}`,
      ),
    ]);
    sys.process("worker", { count: p.workers, locals: { i: 0, r: 0 } }, (s) => [
      s.for("i", 0, p.rounds, [
        wait(mutex),
        region(
          "cs",
          shmLoad(counter, { into: s.into("r") }), // r = counter
          shmStore(counter, { value: s.expr(({ l }) => l.r + 1) }), // counter = r + 1
        ),
        post(mutex),
      ]),
      s.do("exit", ({ g }) => g.exited++),
    ]);

    sys.always("mutual exclusion", (v) => v.inside("cs") <= 1);
    sys.atEnd("segment destroyed", (v) => v.value(counter) === -1 || `nattch ${v.value(counter)}`);
    return sys;
  },
});
