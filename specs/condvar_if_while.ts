// docs/semantics.md §9 bug 3: `if` instead of `while` around a condition
// wait. A bounded buffer under mutex m with condition variables notFull and
// notEmpty; consumers test "buffer empty" before waiting on notEmpty. With
// `if`, a woken consumer does not re-test. A broadcast (or a spurious
// wakeup, or a consumer that barges in before the woken one re-acquires the
// mutex) lets a consumer take from an empty buffer: count goes to -1. With
// `while` every wakeup re-tests, and the buffer is never under- or
// overrun.
import { condBroadcast, condSignal, condvar, condWait, lock, mutex, spec, system, unlock } from "../mod.ts";

function boundedBuffer(name: string, retest: "if" | "while") {
  return spec({
    name,
    description: `Bounded buffer with condition variables, re-testing with '${retest}'`,
    params: { slots: 1, consumers: 2, broadcast: true, spurious: false },
    expect: retest === "if" ? { violation: "count within [0, slots]" } : "ok",
    build: (p) => {
      const items = p.consumers; // one item per consumer
      const sys = system({ count: 0 });
      const m = mutex("m");
      const notFull = condvar("notFull", m, { spurious: p.spurious });
      const notEmpty = condvar("notEmpty", m, { spurious: p.spurious });
      const wake = p.broadcast ? condBroadcast : condSignal;

      sys.process("producer", { locals: { i: 0 } }, (s) => [
        s.for("i", 0, items, [
          lock(m),
          s.while(({ g }) => g.count === p.slots, [condWait(notFull)]),
          s.do("put", ({ g }) => {
            g.count++;
          }),
          wake(notEmpty),
          unlock(m),
        ], { increment: { in: "put" } }),
      ]);
      const empty = ({ g }: { g: { count: number } }) => g.count === 0;
      sys.process("consumer", { count: p.consumers }, (s) => [
        lock(m),
        retest === "if"
          ? s.if(empty, [condWait(notEmpty)]) // BUG: not re-tested after waking
          : s.while(empty, [condWait(notEmpty)]),
        s.do("take", ({ g }) => {
          g.count--;
        }),
        condSignal(notFull),
        unlock(m),
      ]);
      sys.always("count within [0, slots]", ({ g }) => (g.count >= 0 && g.count <= p.slots) || `count = ${g.count}`);
      return sys;
    },
  });
}

export const condvarIf = boundedBuffer("condvar_if", "if");
export const condvarWhile = boundedBuffer("condvar_while", "while");
