// docs/semantics.md §9 bug 5: one condition variable for both "not full" and
// "not empty", woken with signal. The predicates are re-tested in `while`
// loops, yet a signal meant for the producer can wake a consumer. That
// consumer finds the buffer empty and waits again, and the wakeup is lost:
// the producer and the other consumer wait for ever. Waking with broadcast
// wakes the right waiter too, and the exchange completes.
import { condBroadcast, condSignal, condvar, condWait, lock, mutex, spec, system, unlock } from "../mod.ts";

function oneCondvar(name: string, broadcast: boolean) {
  return spec({
    name,
    description: `Bounded buffer with a single condition variable, woken with ${broadcast ? "broadcast" : "signal"}`,
    params: { slots: 1, consumers: 2, items: 1 },
    expect: broadcast ? "ok" : { violation: "deadlock" },
    build: (p) => {
      const total = p.consumers * p.items; // each consumer takes `items`
      const sys = system({ count: 0 });
      const m = mutex("m");
      const changed = condvar("changed", m); // "not full" and "not empty" alike
      const wake = broadcast ? condBroadcast : condSignal;

      sys.process("producer", { locals: { i: 0 } }, (s) => [
        s.for("i", 0, total, [
          lock(m),
          s.while(({ g }) => g.count === p.slots, [condWait(changed)]),
          s.do("put", ({ g }) => {
            g.count++;
          }),
          wake(changed),
          unlock(m),
        ], { increment: { in: "put" } }),
      ]);
      sys.process("consumer", { count: p.consumers, locals: { j: 0 } }, (s) => [
        s.for("j", 0, p.items, [
          lock(m),
          s.while(({ g }) => g.count === 0, [condWait(changed)]),
          s.do("take", ({ g }) => {
            g.count--;
          }),
          wake(changed),
          unlock(m),
        ], { increment: { in: "take" } }),
      ]);
      sys.always("count within [0, slots]", ({ g }) => (g.count >= 0 && g.count <= p.slots) || `count = ${g.count}`);
      return sys;
    },
  });
}

export const condvarOneCv = oneCondvar("condvar_one_cv", false);
export const condvarOneCvBroadcast = oneCondvar("condvar_one_cv_broadcast", true);
