// (e) The same exchange over a rendezvous (capacity 0) channel: each send
// completes only together with its receive, as one joint transition.
import { array, channel, spec, system } from "../mod.ts";
import { itemOf, noLoss, notYetConsumed, shareOf } from "./_items.ts";

export const pcRendezvous = spec({
  name: "pc_rendezvous",
  description: "Producers and consumers over a zero-capacity (rendezvous) channel",
  params: { producers: 2, consumers: 2, items: 2 },
  expect: "ok",
  build: (p) => {
    const total = p.producers * p.items;
    const sys = system({ consumed: array(total + 1) });
    const buf = channel("buf", 0, { min: 1, max: total });
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
    sys.atEnd("exactly once", noLoss);
    return sys;
  },
});
