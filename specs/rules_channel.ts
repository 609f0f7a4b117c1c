// Delivery templates on a channel (docs/properties.md, "Templates").
//
// rules_channel: producers and consumers over a bounded channel, with the
// channel's delivery rules attached in one line: every item is received
// exactly once (no loss, no duplicate) and in the order sent (FIFO). Holds.
//
// rules_retransmit: a sender that does not trust the channel resends an
// item when its (modelled) timer fires before the acknowledgement comes
// back. The channel never loses anything, so the resend is a duplicate the
// receiver accepts: `data: no duplicate` fails, and the trace ends with the
// second receipt.
import { channel, choose, label, loop, spec, system } from "../mod.ts";

export const rulesChannel = spec({
  name: "rules_channel",
  description: "Bounded channel with exactly-once FIFO delivery rules attached",
  params: { slots: 2, producers: 2, consumers: 2, items: 2 },
  expect: "ok",
  build: (p) => {
    const total = p.producers * p.items;
    const sys = system({ taken: 0 });
    const buf = channel("buf", p.slots, { min: 1, max: total });
    sys.process("producer", { count: p.producers, locals: { i: 0 } }, (s) => [
      s.for("i", 0, p.items, [
        s.send(buf, ({ l, id }) => id * p.items + l.i + 1),
      ]),
    ]);
    sys.process("consumer", { count: p.consumers, locals: { item: 0 } }, (s) => [
      loop(
        label("idle", { end: true }),
        s.recv(buf, "item"),
        s.do("consume", ({ g, l }) => {
          g.taken++;
          l.item = 0;
        }),
      ),
    ]);
    sys.delivery(buf, { exactlyOnce: true, order: "fifo" });
    return sys;
  },
});

export const rulesRetransmit = spec({
  name: "rules_retransmit",
  description: "A sender resends on timeout over a channel that loses nothing: a duplicate",
  params: { messages: 1 },
  expect: { violation: "data: no duplicate" },
  build: (p) => {
    const sys = system({});
    const data = channel("data", 2), ack = channel("ack", 2);
    sys.process("sender", { locals: { i: 1, a: 0 } }, (s) => [
      s.for("i", 1, p.messages + 1, [
        s.send(data, ({ l }) => l.i),
        choose(
          [s.recv(ack, "a")],
          [
            s.do("timeout", () => {}), // the timer fires first
            s.send(data, ({ l }) => l.i), // resend
            s.recv(ack, "a"),
            s.recv(ack, "a"),
          ],
        ),
      ]),
    ]);
    sys.process("receiver", { locals: { m: 0 } }, (s) => [
      loop(
        label("idle", { end: true }),
        s.recv(data, "m"),
        s.send(ack, ({ l }) => l.m),
      ),
    ]);
    sys.delivery(data, { noDuplicates: true });
    return sys;
  },
});
