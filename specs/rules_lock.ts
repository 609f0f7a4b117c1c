// Lock and buffer templates (docs/properties.md, "Templates").
//
// rules_lock: workers increment a shared counter inside wait(lock) ..
// post(lock); `sys.exclusive(lock)` checks that at most one holds it and
// that only a holder posts it. Holds.
// rules_lock_stray_post: a cleanup process posts the lock it never took
// ("just in case"): `lock: release by holder` fails.
// rules_lock_two: the lock semaphore is initialised to 2 by mistake, so two
// workers are inside at once: `lock: mutual exclusion` fails.
// rules_bounds / rules_bounds_race: a ring buffer that keeps its fill level
// in `count`; `sys.bounds` checks 0 <= count <= slots. The race variant
// updates count with a load and a store outside the mutex, so an update is
// lost and count leaves its range.
import { array, lock, mutex, post, semaphore, spec, system, unlock, wait } from "../mod.ts";

function counterLock(name: string, description: string, initial: number, stray: boolean, violation?: string) {
  return spec({
    name,
    description,
    params: { workers: 2, rounds: 1 },
    expect: violation === undefined ? "ok" : { violation },
    build: (p) => {
      const sys = system({ counter: 0 });
      const l = semaphore("lock", initial);
      sys.process("worker", { count: p.workers, locals: { i: 0, r: 0 } }, (s) => [
        s.for("i", 0, p.rounds, [
          wait(l),
          s.do("load", ({ g, l }) => {
            l.r = g.counter;
          }),
          s.do("store", ({ g, l }) => {
            g.counter = l.r + 1;
          }),
          post(l),
        ]),
      ]);
      if (stray) sys.process("cleanup", {}, () => [post(l)]);
      sys.exclusive(l, { holders: 1 });
      return sys;
    },
  });
}

export const rulesLock = counterLock(
  "rules_lock",
  "A semaphore used as a lock around a shared counter",
  1,
  false,
);
export const rulesLockStrayPost = counterLock(
  "rules_lock_stray_post",
  "A process posts the lock semaphore it never acquired",
  1,
  true,
  "lock: release by holder",
);
export const rulesLockTwo = counterLock(
  "rules_lock_two",
  "The lock semaphore starts at 2: two workers inside at once",
  2,
  false,
  "lock: mutual exclusion",
);

function ringCount(name: string, description: string, race: boolean) {
  return spec({
    name,
    description,
    params: { slots: 2, producers: 2, consumers: 1, items: 1 },
    expect: race ? { violation: "buf: 0 <= count <= 2" } : "ok",
    build: (p) => {
      const sys = system({ buf: array(p.slots), in: 0, out: 0, count: 0 });
      const empty = semaphore("empty", p.slots), full = semaphore("full", 0), m = mutex("m");
      const total = p.producers * p.items;
      sys.process("producer", { count: p.producers, locals: { i: 0, c: 0 } }, (s) => [
        s.for("i", 0, p.items, [
          wait(empty),
          lock(m),
          s.do("put", ({ g, l, id }) => {
            g.buf[g.in] = id * p.items + l.i + 1;
            g.in = (g.in + 1) % p.slots;
          }),
          ...(race
            ? [
              unlock(m),
              s.do("load count", ({ g, l }) => {
                l.c = g.count;
              }),
              s.do("store count", ({ g, l }) => {
                g.count = l.c + 1;
              }),
            ]
            : [
              s.do("count++", ({ g }) => {
                g.count++;
              }),
              unlock(m),
            ]),
          post(full),
        ]),
      ]);
      sys.process("consumer", { count: p.consumers, locals: { j: 0, c: 0 } }, (s) => [
        s.for("j", 0, ({ id }) => Math.floor(total / p.consumers) + (id < total % p.consumers ? 1 : 0), [
          wait(full),
          lock(m),
          s.do("take", ({ g }) => {
            g.buf[g.out] = 0;
            g.out = (g.out + 1) % p.slots;
          }),
          ...(race
            ? [
              unlock(m),
              s.do("load count", ({ g, l }) => {
                l.c = g.count;
              }),
              s.do("store count", ({ g, l }) => {
                g.count = l.c - 1;
              }),
            ]
            : [
              s.do("count--", ({ g }) => {
                g.count--;
              }),
              unlock(m),
            ]),
          post(empty),
        ]),
      ]);
      sys.bounds("buf", ({ g }) => g.count, p.slots);
      return sys;
    },
  });
}

export const rulesBounds = ringCount(
  "rules_bounds",
  "A ring buffer's fill level, updated under the mutex, stays in [0, slots]",
  false,
);
export const rulesBoundsRace = ringCount(
  "rules_bounds_race",
  "The fill level updated by load and store outside the mutex leaves [0, slots]",
  true,
);
