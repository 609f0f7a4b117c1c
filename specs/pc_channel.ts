// (d) The bounded-buffer protocol over a channel of capacity `slots`: the
// channel is the buffer, its blocking send and receive replace the
// semaphores and the mutex.
import { array, channel, spec, system } from "../mod.ts";
import { itemOf, noLoss, notYetConsumed, shareOf } from "./_items.ts";

export const pcChannel = spec({
  name: "pc_channel",
  description: "Producers and consumers over a bounded channel",
  params: { slots: 2, producers: 1, consumers: 1, items: 2 },
  expect: "ok",
  build: (p) => {
    const total = p.producers * p.items;
    const sys = system({ consumed: array(total + 1) });
    const buf = channel("buf", p.slots, { min: 1, max: total });
    sys.process("producer", { count: p.producers, locals: { i: 0 } }, (s) => [
      s.while(({ l }) => l.i < p.items, [
        s.send(buf, ({ l, id }) => itemOf(id, l.i, p.items)),
        s.do("next", ({ l }) => l.i++),
      ]),
    ]);
    sys.process("consumer", { count: p.consumers, locals: { j: 0, item: 0 } }, (s) => [
      s.while(({ l, id }) => l.j < shareOf(id, p.consumers, total), [
        s.recv(buf, "item"),
        s.assert("no duplicate", notYetConsumed),
        s.do("consume", ({ g, l }) => {
          g.consumed[l.item]++;
          l.item = 0;
          l.j++;
        }),
      ]),
    ]);
    sys.always("length within [0, slots]", (v) => v.value(buf) <= p.slots);
    sys.atEnd("exactly once", noLoss);
    return sys;
  },
});
