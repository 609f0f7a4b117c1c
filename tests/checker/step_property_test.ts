// Step properties: rules over (state before, the step, state after),
// checked on every transition; a violation's trace ends with the step.
import assert from "node:assert/strict";
import { channel, check, explainTrace, spec, system } from "../../mod.ts";

Deno.test("sys.step(): a step that breaks the rule ends the shortest trace, and replays", () => {
  const jumpy = spec({
    name: "jumpy",
    params: {},
    build: () => {
      const sys = system({ x: 0 });
      sys.process("p", {}, (s) => [
        s.do("inc", ({ g }) => g.x++),
        s.do("jump", ({ g }) => (g.x += 5)),
      ]);
      sys.step(
        "x moves by at most one",
        (before, step, after) =>
          Math.abs(after.g.x - before.g.x) <= 1 ||
          `${step.process} ${step.operation} moved x from ${before.g.x} to ${after.g.x}`,
      );
      return sys;
    },
  });
  const r = check(jumpy);
  assert.equal(r.verdict, "violation");
  assert.equal(r.violation?.property, "x moves by at most one");
  assert.equal(r.violation?.kind, "step");
  assert.equal(r.violation?.transitions.length, 2);
  assert.match(r.violation!.message, /p#0 jump moved x from 1 to 6/);
  const again = explainTrace(jumpy.compile(), r.violation!);
  assert.ok(typeof again !== "string");
  assert.equal(again.property, "x moves by at most one");
});

Deno.test("sys.step(): FIFO as a step rule over a channel holds, and the check counts the same states", () => {
  const mk = (withRule: boolean) =>
    spec({
      name: "fifo",
      params: {},
      build: () => {
        const sys = system({ last: 0 });
        const ch = channel("ch", 2);
        sys.process("sender", { locals: { i: 1 } }, (s) => [
          s.while(({ l }) => l.i <= 3, [
            s.send(ch, ({ l }) => l.i),
            s.do("next", ({ l }) => l.i++),
          ]),
        ]);
        sys.process("receiver", { locals: { m: 0 } }, (s) => [
          s.while(({ g }) => g.last < 3, [
            s.recv(ch, "m"),
            s.do("note", ({ g, l }) => (g.last = l.m)),
          ]),
        ]);
        if (withRule) {
          sys.step(
            "messages arrive in order",
            (before, _step, after) =>
              after.g.last === before.g.last || after.g.last === before.g.last + 1,
          );
        }
        return sys;
      },
    });
  const ruled = check(mk(true));
  assert.equal(ruled.verdict, "ok");
  assert.equal(ruled.stats.states, check(mk(false)).stats.states);
});
