// The bounded buffer of pc_semaphore with identical producers and identical
// consumers: every producer puts the same item, every consumer takes the
// same share, and no copy reads its id. The kinds are declared
// `symmetric: true`, so `check({ symmetry: true })` (`--symmetry`) keeps
// one state per renaming of the copies (docs/symmetry.md). Without the
// mutex, two producers can fill the same slot and an item is lost.
import { array, lock, mutex, post, region, semaphore, spec, system, unlock, wait } from "../mod.ts";

const params = { slots: 2, producers: 2, consumers: 2, items: 1, mutex: true };

function build(p: { slots: number; producers: number; consumers: number; items: number; mutex: boolean }) {
  const total = p.producers * p.items;
  if (total % p.consumers !== 0) {
    throw new RangeError(`consumers (${p.consumers}) must divide producers x items (${total})`);
  }
  const share = total / p.consumers;
  const sys = system({ buf: array(p.slots), in: 0, out: 0, count: 0, consumed: 0 });
  const empty = semaphore("empty", p.slots), full = semaphore("full", 0), m = mutex("mutex");
  const locked = (...steps: ReturnType<typeof lock>[]) => (p.mutex ? [lock(m), ...steps, unlock(m)] : steps);

  sys.process("producer", { count: p.producers, symmetric: true, locals: { i: 0 } }, (s) => [
    s.for("i", 0, p.items, [
      wait(empty),
      ...locked(region(
        "cs",
        s.do("fill", ({ g }) => {
          g.buf[g.in] = 1;
        }),
        s.do("advance", ({ g }) => {
          g.in = (g.in + 1) % p.slots;
          g.count++;
        }),
      )),
      post(full),
    ]),
  ]);
  sys.process("consumer", { count: p.consumers, symmetric: true, locals: { j: 0, item: 0 } }, (s) => [
    s.for("j", 0, share, [
      wait(full),
      ...locked(region(
        "cs",
        s.do("take", ({ g, l }) => {
          l.item = g.buf[g.out];
          g.buf[g.out] = 0;
          g.out = (g.out + 1) % p.slots;
          g.count--;
        }),
      )),
      post(empty),
      s.assert("took an item", ({ l }) => l.item === 1 || "the slot was empty: an item was lost"),
      s.do("consume", ({ g, l }) => {
        g.consumed++;
        l.item = 0;
      }),
    ], { increment: "last" }),
  ]);

  sys.always("count within [0, slots]", ({ g }) => g.count >= 0 && g.count <= p.slots);
  if (p.mutex) sys.always("mutual exclusion", (v) => v.inside("cs") <= 1);
  sys.atEnd("every item consumed", ({ g }) => g.consumed === total || `${g.consumed} of ${total}`);
  return sys;
}

export const symmetricBuffer = spec({
  name: "symmetric_buffer",
  description: "Bounded buffer with identical producers and consumers (symmetric: true)",
  params,
  expect: "ok",
  build,
});

export const symmetricBufferNoMutex = spec({
  name: "symmetric_buffer_no_mutex",
  description: "The symmetric bounded buffer without its mutex: two producers fill one slot",
  params: { ...params, mutex: false },
  expect: { violation: "took an item" },
  build,
});
