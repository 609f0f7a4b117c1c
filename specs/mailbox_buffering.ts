// docs/semantics.md §8, buffering: the same exchange (a producer sends
// 1..items, a consumer receives them in order) over a mailbox with zero
// capacity (the send returns only after its receive), bounded capacity n
// (at most n messages wait) and unbounded capacity (the sender never
// blocks), explored up to a declared bound. In the last spec the producer
// runs ahead of the consumer past the bound: the verdict is `incomplete`,
// never `ok`.
import { mailbox, mbReceive, mbSend, spec, system } from "../mod.ts";

type Sizes = { items: number; capacity?: number; bound?: number };

function exchange(
  name: string,
  description: string,
  kind: "zero" | "bounded" | "unbounded",
  params: Sizes,
  expectBound = false,
) {
  return spec({
    name,
    description,
    params,
    expect: expectBound ? { incomplete: "bound" } : "ok",
    build: (values) => {
      const p = values as Readonly<Sizes>;
      // sent: sends that returned; received: counted by the receive itself.
      const sys = system({ sent: 0, received: 0 });
      const A = kind === "unbounded"
        ? mailbox("A", { capacity: "unbounded", bound: p.bound ?? 1 })
        : mailbox("A", { capacity: p.capacity ?? 0 });
      const waiting = p.bound ?? p.capacity ?? 0; // the most messages that may wait

      sys.process("producer", { locals: { i: 0 } }, (s) => [
        s.for("i", 0, p.items, [
          mbSend(A, s.expr(({ l }) => l.i + 1)),
          s.do("sent", ({ g }) => {
            g.sent++;
          }),
        ], { increment: "last" }),
      ]);
      sys.process("consumer", { locals: { j: 0, m: 0 } }, (s) => [
        s.for("j", 0, p.items, [
          mbReceive(
            A,
            s.into(({ g, l }, m) => {
              l.m = m;
              g.received++;
            }),
          ),
          s.assert("in order", ({ l }) => l.m === l.j + 1 || `got ${l.m}`),
        ]),
      ]);
      sys.always(
        kind === "zero" ? "a send returns only after its receive" : "at most capacity waiting",
        ({ g }) => g.sent - g.received <= waiting || `${g.sent - g.received} waiting`,
      );
      sys.always("queue within capacity", (v) => v.value(A) <= waiting);
      return sys;
    },
  });
}

export const bufferingZero = exchange(
  "buffering_zero",
  "The exchange with no buffering: each send returns only after its receive",
  "zero",
  { items: 3 },
);
export const bufferingBounded = exchange(
  "buffering_bounded",
  "The exchange over a bounded mailbox: the producer blocks when it is full",
  "bounded",
  { items: 3, capacity: 2 },
);
export const bufferingUnbounded = exchange(
  "buffering_unbounded",
  "The exchange over an unbounded mailbox explored up to a bound no path reaches",
  "unbounded",
  { items: 3, bound: 3 },
);
export const bufferingUnboundedFast = exchange(
  "buffering_unbounded_fast",
  "A producer faster than the consumer reaches the unbounded mailbox's declared bound",
  "unbounded",
  { items: 4, bound: 2 },
  true,
);
