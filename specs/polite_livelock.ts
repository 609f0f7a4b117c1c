// Non-progress cycles (SPIN's -l; docs/semantics.md §8 "Liveness"): two
// processes that each back off politely when the other wants the resource
// can both back off for ever, a livelock in which nobody reaches the
// progress label. Letting only one of them back off (a tie-breaker) removes
// the cycle, provided the scheduler is strongly fair.
import { array, choose, label, loop, spec, system } from "../mod.ts";

function polite(name: string, bothBackOff: boolean) {
  return spec({
    name,
    description: bothBackOff
      ? "Both processes back off when the other wants in: a livelock"
      : "Only process 1 backs off: no livelock under strong fairness",
    params: {},
    expect: bothBackOff ? { violation: "progress" } : "ok",
    build: () => {
      const sys = system({ flag: array(2), inside: 0 });
      sys.process("p", { count: 2 }, (s) => [
        loop(
          s.do("want", ({ g, id }) => (g.flag[id] = 1)),
          choose(
            [
              s.when("other idle", ({ g, id }) => g.flag[1 - id] === 0),
              label("cs", { progress: true }),
              s.do("work", ({ g }) => g.inside++),
              s.do("release", ({ g, id }) => {
                g.inside--;
                g.flag[id] = 0;
              }),
            ],
            [
              s.when(
                "other wants",
                ({ g, id }) => g.flag[1 - id] === 1 && (bothBackOff || id === 1),
              ),
              s.do("back off", ({ g, id }) => (g.flag[id] = 0)),
            ],
          ),
        ),
      ]);
      sys.always("mutual exclusion", ({ g }) => g.inside <= 1);
      sys.progress({ fairness: "strong" });
      return sys;
    },
  });
}

/** Both back off: a non-progress cycle even under strong fairness. */
export const politeLivelock = polite("polite_livelock", true);

/** Only one backs off: every strongly fair run makes progress. */
export const politeTieBreak = polite("polite_tie_break", false);
