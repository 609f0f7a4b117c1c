// SPIN's anchor models of issue 17 (bench/spin/anchor_chan.pml and
// anchor_rendezvous.pml): the bounded-buffer exchange of pc_channel.ts and
// pc_rendezvous.ts with each consumer's receive, its check and its count in
// one atomic block, as SPIN's twins write it. Over the rendezvous channel
// the hand-off ends the block (docs/language.md, "Atomic blocks").
import { array, channel, spec, system } from "../mod.ts";
import { consumerBody, itemOf, noLoss } from "./_items.ts";

/** The system: `slots` 0 is a rendezvous channel. */
function build(p: { slots: number; producers: number; consumers: number; items: number }) {
  const total = p.producers * p.items;
  const sys = system({ consumed: array(total + 1) });
  const buf = channel("buf", p.slots, { min: 1, max: total });
  sys.process("producer", { count: p.producers, locals: { i: 0 } }, (s) => [
    s.while(({ l }) => l.i < p.items, [
      s.send(buf, ({ l, id }) => itemOf(id, l.i, p.items)),
      s.do("next", ({ l }) => l.i++),
    ]),
  ]);
  sys.process(
    "consumer",
    { count: p.consumers, locals: { j: 0, item: 0 } },
    (s) => consumerBody(s, buf, p.consumers, total),
  );
  sys.atEnd("exactly once", noLoss);
  return sys;
}

export const anchorChannel = spec({
  name: "anchor_channel",
  description: "Producers and consumers over a bounded channel, each receive atomic with its check",
  params: { slots: 2, producers: 1, consumers: 1, items: 2 },
  expect: "ok",
  build,
});

export const anchorRendezvous = spec({
  name: "anchor_rendezvous",
  description: "Producers and consumers over a rendezvous channel, each receive atomic with its check",
  params: { producers: 2, consumers: 2, items: 1 },
  expect: "ok",
  build: (p) => build({ ...p, slots: 0 }),
});
