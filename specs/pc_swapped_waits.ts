// (b) Classic bug 1 of docs/semantics.md §9: the consumer takes the mutex
// before waiting on `full`. With the buffer empty it sleeps holding the
// mutex, and the producer blocks on the mutex: deadlock.
import { array, lock, mutex, post, semaphore, spec, system, unlock, wait } from "../mod.ts";
import { itemOf, shareOf } from "./_items.ts";

export const pcSwappedWaits = spec({
  name: "pc_swapped_waits",
  description: "Consumer locks the mutex before wait(full): deadlock on an empty buffer",
  params: { slots: 1, producers: 1, consumers: 1, items: 2 },
  expect: { violation: "deadlock" },
  build: (p) => {
    const total = p.producers * p.items;
    const sys = system({ buf: array(p.slots), in: 0, out: 0 });
    const empty = semaphore("empty", p.slots), full = semaphore("full", 0), m = mutex("mutex");
    sys.process("producer", { count: p.producers, locals: { i: 0 } }, (s) => [
      s.for("i", 0, p.items, [
        wait(empty),
        lock(m),
        s.do("put", ({ g, l, id }) => {
          g.buf[g.in] = itemOf(id, l.i, p.items);
          g.in = (g.in + 1) % p.slots;
        }),
        unlock(m),
        post(full),
      ]),
    ]);
    sys.process("consumer", { count: p.consumers, locals: { j: 0, item: 0 } }, (s) => [
      s.for("j", 0, ({ id }) => shareOf(id, p.consumers, total), [
        lock(m), // the bug: the mutex is taken before waiting for an item
        wait(full),
        s.do("take", ({ g, l }) => {
          l.item = g.buf[g.out];
          g.buf[g.out] = 0;
          g.out = (g.out + 1) % p.slots;
        }),
        unlock(m),
        post(empty),
        s.do("consume", ({ l }) => {
          l.item = 0;
        }),
      ], { increment: "last" }),
    ]);
    return sys;
  },
});
