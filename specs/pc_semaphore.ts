// (a) The bounded buffer of docs/semantics.md §9: a shared ring buffer,
// counting semaphores `empty` and `full`, and a mutex around the buffer.
import { array, lock, mutex, post, region, semaphore, spec, system, unlock, wait } from "../mod.ts";
import { itemOf, noLoss, notYetConsumed, shareOf } from "./_items.ts";

export const pcSemaphore = spec({
  name: "pc_semaphore",
  description: "Bounded buffer over shared memory with semaphores empty/full and a mutex",
  params: { slots: 2, producers: 1, consumers: 1, items: 2 },
  expect: "ok",
  build: (p) => {
    const total = p.producers * p.items;
    const sys = system({ buf: array(p.slots), in: 0, out: 0, count: 0, consumed: array(total + 1) });
    const empty = semaphore("empty", p.slots), full = semaphore("full", 0), m = mutex("mutex");

    sys.process("producer", { count: p.producers, locals: { i: 0 } }, (s) => [
      s.for("i", 0, p.items, [
        wait(empty),
        lock(m),
        region(
          "cs",
          s.do("put", ({ g, l, id }) => {
            g.buf[g.in] = itemOf(id, l.i, p.items);
            g.in = (g.in + 1) % p.slots;
            g.count++;
          }),
        ),
        unlock(m),
        post(full),
      ]),
    ]);
    sys.process("consumer", { count: p.consumers, locals: { j: 0, item: 0 } }, (s) => [
      s.for("j", 0, ({ id }) => shareOf(id, p.consumers, total), [
        wait(full),
        lock(m),
        region(
          "cs",
          s.do("take", ({ g, l }) => {
            l.item = g.buf[g.out];
            g.buf[g.out] = 0;
            g.out = (g.out + 1) % p.slots;
            g.count--;
          }),
        ),
        unlock(m),
        post(empty),
        s.assert("no duplicate", notYetConsumed),
        s.do("consume", ({ g, l }) => {
          g.consumed[l.item]++;
          l.item = 0;
        }),
      ], { increment: "last" }),
    ]);

    sys.always("count within [0, slots]", ({ g }) => g.count >= 0 && g.count <= p.slots);
    sys.always("mutual exclusion", (v) => v.inside("cs") <= 1);
    sys.atEnd("exactly once", noLoss);
    return sys;
  },
});
