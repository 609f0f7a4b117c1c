import assert from "node:assert/strict";
import { kill, signals, sigprocmask, sigqueue, spec, system, traceRecorder } from "../../mod.ts";
import type { Model } from "../../model/model.ts";
import { enabled, fire } from "../../checker/_fire.ts";

/** The path taking the first enabled transition `n` times. */
function firstPath(model: Model, n: number): number[] {
  let state: Int32Array | undefined;
  model.init((s) => (state = s.slice()));
  const path: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = enabled(model, state!)[0];
    if (t === undefined) break;
    path.push(t);
    state = fire(model, state!, t) as Int32Array;
  }
  return path;
}

Deno.test("signal taps report each generation's outcome and each delivery", () => {
  const s = spec({
    name: "signal outcomes",
    params: {},
    build: () => {
      const sys = system({ got: 0 });
      const t = signals("sig", { rtQueue: 1 });
      sys.process("target", { signals: { SIGUSR1: ({ g }) => g.got++ } }, (b) => [
        sigprocmask(t, "block", ["SIGUSR1", "SIGRTMIN"]),
        b.when("sent", ({ g }) => g.got === 0),
        b.when("never", () => false),
      ]);
      sys.process("sender", {}, () => [
        kill(t, 0, "SIGUSR1"),
        kill(t, 0, "SIGUSR1"),
        sigqueue(t, 0, "SIGRTMIN", 7),
        sigqueue(t, 0, "SIGRTMIN", 8),
        kill(t, 0, "SIGWINCH"), // default action: ignore
        kill(t, 9, "SIGUSR1"),
        sigprocmask(t, "unblock", []),
      ]);
      return sys;
    },
  });
  const model = s.compile();
  const path = firstPath(model, 9);
  const rec = traceRecorder(s);
  const events = rec.events(0, path).flat().filter((e) => e.kind === "signal");
  assert.deepEqual(events.map((e) => e.kind === "signal" && `${e.signal} ${e.to} ${e.outcome}`), [
    "USR1 target#0 pending",
    "USR1 target#0 coalesced",
    "RTMIN target#0 queued",
    "RTMIN target#0 queue full",
    "WINCH target#0 discarded",
    "USR1 pid 9 no such process",
  ]);
});

Deno.test("a delivered signal is reported with its action", () => {
  const s = spec({
    name: "deliver",
    params: {},
    build: () => {
      const sys = system({ got: 0 });
      const t = signals("sig");
      sys.process("target", { signals: { SIGUSR1: ({ g }) => g.got++ } }, (b) => [
        b.when("handled", ({ g }) => g.got === 1),
      ]);
      sys.process("sender", {}, () => [kill(t, 0, "SIGUSR1")]);
      return sys;
    },
  });
  const model = s.compile();
  const path = firstPath(model, 3);
  const events = traceRecorder(s).events(0, path).flat();
  assert.deepEqual(events.filter((e) => e.kind === "deliver"), [
    { kind: "deliver", process: "target#0", signal: "USR1", action: "handler", primitive: "sig" },
  ]);
  assert.deepEqual(events.filter((e) => e.kind === "signal"), [
    {
      kind: "signal",
      from: "sender#0",
      to: "target#0",
      signal: "USR1",
      outcome: "pending",
      primitive: "sig",
    },
  ]);
});

Deno.test("a path that does not fire is refused", () => {
  const s = spec({
    name: "one",
    params: {},
    build: () => {
      const sys = system({ x: 0 });
      sys.process("p", {}, (b) => [b.do("inc", ({ g }) => g.x++)]);
      return sys;
    },
  });
  assert.throws(
    () => traceRecorder(s).events(0, [0, 0]),
    /Cannot record 'one': transition 0 \(step 2\) is not enabled/,
  );
  assert.throws(() => traceRecorder(s).events(3, []), /no initial state 3/);
});

Deno.test("a receive from a blocked sender is a hand-off; blocking and wake-ups are reported", async () => {
  const { mailboxOwnerExit } = await import("../../specs/mailbox_owner_exit.ts");
  const model = mailboxOwnerExit.compile(); // capacity 0: a send waits for its receive
  let state: Int32Array | undefined;
  model.init((s) => (state = s.slice()));
  const path: number[] = [];
  for (let i = 0; i < 4; i++) {
    const en = enabled(model, state!);
    const t = en[en.length - 1]!; // the owner first, then the sender
    path.push(t);
    state = fire(model, state!, t) as Int32Array;
  }
  const events = traceRecorder(mailboxOwnerExit).events(0, path);
  assert.deepEqual(events[2], [
    {
      kind: "block",
      process: "sender#0",
      waitsOn: ["send(A) returns (A = offer 1, owner owner#0)"],
    },
    { kind: "wake", process: "owner#0", by: "sender#0", primitive: "A" },
  ]);
  assert.deepEqual(events[3], [
    { kind: "handoff", from: "sender#0", to: "owner#0", primitive: "A", value: 1 },
  ]);
});
