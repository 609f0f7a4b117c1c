// (c) Classic bug 2 of docs/semantics.md §9: no mutex around the ring buffer.
// Two producers race on `in`: both write the same slot, one item is
// overwritten (lost) and a consumer later takes an empty slot.
import { array, post, semaphore, spec, system, wait } from "../mod.ts";
import { itemOf, noLoss, notYetConsumed, shareOf } from "./_items.ts";

export const pcNoMutex = spec({
  name: "pc_no_mutex",
  description: "Ring buffer with semaphores but no mutex, two producers: items lost or duplicated",
  params: { slots: 2, producers: 2, consumers: 1, items: 1 },
  expect: { violation: ["no duplicate", "exactly once"] },
  build: (p) => {
    const total = p.producers * p.items;
    const sys = system({ buf: array(p.slots), in: 0, out: 0, consumed: array(total + 1) });
    const empty = semaphore("empty", p.slots), full = semaphore("full", 0);
    sys.process("producer", { count: p.producers, locals: { i: 0 } }, (s) => [
      s.for("i", 0, p.items, [
        wait(empty),
        s.do("put", ({ g, l, id }) => {
          g.buf[g.in] = itemOf(id, l.i, p.items);
        }),
        s.do("advance", ({ g }) => {
          g.in = (g.in + 1) % p.slots;
        }),
        post(full),
      ]),
    ]);
    sys.process("consumer", { count: p.consumers, locals: { j: 0, item: 0 } }, (s) => [
      s.for("j", 0, ({ id }) => shareOf(id, p.consumers, total), [
        wait(full),
        s.do("take", ({ g, l }) => {
          l.item = g.buf[g.out];
          g.buf[g.out] = 0;
        }),
        s.do("advance", ({ g }) => {
          g.out = (g.out + 1) % p.slots;
        }),
        post(empty),
        s.assert("no duplicate", notYetConsumed),
        s.do("consume", ({ g, l }) => {
          g.consumed[l.item]++;
          l.item = 0;
        }),
      ], { increment: "last" }),
    ]);
    sys.atEnd("exactly once", noLoss);
    return sys;
  },
});
