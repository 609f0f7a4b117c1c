// docs/semantics.md §4 "No synchronization" and §9 bug 5 (the textbook's
// counter++ race): the parent creates a one-word segment, attaches it and
// forks `workers` children, which inherit the attachment. It marks the
// segment for removal (IPC_RMID: destroyed once everyone has detached) and
// waits for the children. Each child adds 1 to the counter `rounds` times,
// as the machine does it: load into a register, add, store. Two children
// that load the same value store the same value: one update is lost.
import { segment, shmLoad, shmRemove, shmStore, spec, system } from "../mod.ts";

export const counterRace = spec({
  name: "counter_race",
  description: "A counter in shared memory incremented without a lock loses an update",
  params: { workers: 2, rounds: 1 },
  expect: { violation: "no lost update" },
  build: (p) => {
    const sys = system({ exited: 0 });
    const counter = segment(sys, "counter", { size: 1, attached: "users" });

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
        shmLoad(counter, { into: s.into("r") }), // r = counter
        shmStore(counter, { value: s.expr(({ l }) => l.r + 1) }), // counter = r + 1
      ]),
      s.do("exit", ({ g }) => g.exited++),
    ]);

    sys.atEnd("segment destroyed", (v) => v.value(counter) === -1 || `nattch ${v.value(counter)}`);
    return sys;
  },
});
