// A consumer that starves under weak fairness but not under strong
// (docs/semantics.md §5 "Liveness": a waiter is woken if the value is
// positive infinitely often only under strong fairness; nobody promises
// FIFO). One slot, one producer, two consumers: consumer#1 is enabled only
// while the slot is full, and consumer#0 can take every item first.
import { loop, post, semaphore, spec, system, wait } from "../mod.ts";
import type { Fairness } from "../mod.ts";

function starving(name: string, fairness: Fairness, expectOk: boolean, fairSemaphore = false) {
  return spec({
    name,
    description: `Two consumers compete for one slot, ${fairness} fairness${
      fairSemaphore ? ", strongly fair semaphore waiters" : ""
    }`,
    params: {},
    expect: expectOk ? "ok" : { violation: "consumer#1 takes again and again" },
    build: () => {
      const sys = system({ last: -1 });
      const empty = semaphore("empty", 1), full = semaphore("full", 0);
      sys.process("producer", {}, () => [loop(wait(empty), post(full))]);
      sys.process("consumer", { count: 2 }, (s) => [
        loop(wait(full), s.do("take", ({ g, id }) => (g.last = id)), post(empty)),
      ]);
      sys.alwaysEventually("consumer#1 takes again and again", ({ g }) => g.last === 1, {
        fairness,
        ...(fairSemaphore ? { strongOn: [full] } : {}),
      });
      return sys;
    },
  });
}

/** Under weak fairness consumer#1 can starve: it is disabled whenever the slot is empty. */
export const starvingConsumerWeak = starving("starving_consumer_weak", "weak", false);

/** Under strong fairness it cannot: it is enabled again and again, so it must move. */
export const starvingConsumerStrong = starving("starving_consumer_strong", "strong", true);

/**
 * Weak fairness for the processes, strong fairness for the waiters of
 * `full` only (docs/semantics.md §5): enough to keep consumer#1 from starving.
 */
export const starvingConsumerFairSem = starving("starving_consumer_fair_sem", "weak", true, true);
