// Non-progress cycles: sys.progress() is `always eventually some process is
// at a progress label`, over the whole state graph.
import assert from "node:assert/strict";
import { check, label, loop, replay, spec, system } from "../../mod.ts";
import { loadSpec } from "../_pins.ts";

Deno.test("sys.progress(): the polite livelock is a non-progress cycle, the tie-break is not", async () => {
  const livelock = await loadSpec("polite_livelock.ts", "politeLivelock");
  const r = check(livelock);
  assert.equal(r.verdict, "violation");
  assert.equal(r.violation?.property, "progress");
  assert.equal(r.violation?.kind, "liveness");
  assert.equal(r.stats.states, 21);
  // The whole trace is the cycle: both want, both see the other, both back off.
  assert.equal(r.violation?.loopStart, 0);
  assert.deepEqual(r.violation?.steps.map((s) => s.operation.split(" ")[0]), [
    "want",
    "want",
    "when",
    "when",
    "back",
    "back",
  ]);
  const states = replay(livelock.compile(), r.violation!).states;
  assert.equal(states[0]!.join(), states[states.length - 1]!.join());
  const ok = check(await loadSpec("polite_livelock.ts", "politeTieBreak"));
  assert.equal(ok.verdict, "ok");
  assert.equal(ok.stats.states, 16);
});

Deno.test("sys.progress(): a process looping past a progress label makes progress; one that never reaches it does not", () => {
  const mk = (marked: boolean) =>
    spec({
      name: marked ? "marked" : "unmarked",
      params: {},
      build: () => {
        const sys = system({ n: 0 });
        sys.process("spinner", {}, (s) => [
          loop(
            label("top", { progress: marked }),
            s.do("tick", ({ g }) => (g.n = (g.n + 1) % 2)),
          ),
        ]);
        sys.progress({ fairness: "none" });
        return sys;
      },
    });
  assert.equal(check(mk(true)).verdict, "ok");
  const r = check(mk(false));
  assert.equal(r.verdict, "violation");
  assert.equal(r.violation?.property, "progress");
  assert.equal(r.violation?.steps.length, 2);
});
