// A poller that never blocks on its channel: it asks the channel's length
// (a buffer query, Promela's `empty(q)`) and receives only when something
// is there, doing other work (bounded here) when nothing is. The sender
// sends only when there is room (`full(q)`), so neither ever blocks on the
// channel, and no hand-kept count shadows its length.
import { channel, choose, spec, system } from "../mod.ts";

export const channelPoller = spec({
  name: "channel_poller",
  description: "Non-blocking send and receive by buffer queries (len, empty, full)",
  params: { items: 3, slots: 2 },
  expect: "ok",
  build: (p) => {
    const sys = system({ got: 0, idle: 0 });
    const ch = channel("ch", p.slots, { min: 1, max: p.items });
    sys.process("sender", { locals: { i: 0 }, queries: [ch] }, (s) => [
      s.for("i", 0, p.items, [
        s.when("room", (v) => !v.full(ch)),
        s.send(ch, ({ l }) => l.i + 1),
      ]),
    ]);
    sys.process("poller", { locals: { m: 0 }, queries: [ch] }, (s) => [
      s.while(({ g }) => g.got < p.items, [
        choose(
          [
            s.when("something", (v) => !v.empty(ch)),
            s.recv(ch, (v, m) => {
              if (m === v.g.got + 1) v.g.got++;
            }),
          ],
          [s.when("nothing", (v) => v.empty(ch), ({ g }) => g.idle = Math.min(g.idle + 1, 2))],
        ),
      ]),
    ]);
    sys.always(
      "never over capacity",
      (v) => v.len(ch) <= p.slots && v.empty(ch) === (v.len(ch) === 0),
    );
    sys.atEnd("all received in order", ({ g }) => g.got === p.items);
    return sys;
  },
});
