// The lost wakeup of docs/semantics.md §6.6 and §9 bug 4: the waiter tests a
// flag, then calls pause(); if the signal arrives between the test and the
// pause, the handler sets the flag too late and pause() sleeps for ever.
// The fix blocks the signal, tests, then waits with sigsuspend(), which
// unblocks and sleeps in one step.
import { kill, pause, signals, sigprocmask, sigsuspend, spec, system } from "../mod.ts";

export const sigPauseRace = spec({
  name: "sig_pause_race",
  description: "Test a flag, then pause(): the wakeup can come in between and is lost",
  params: {},
  expect: { violation: "deadlock" },
  build: () => {
    const sys = system({ ready: false });
    const sig = signals();
    sys.process("waiter", { signals: { SIGUSR1: ({ g }) => (g.ready = true) } }, (s) => [
      s.while(({ g }) => !g.ready, [pause(sig)]),
    ]);
    sys.process("notifier", {}, () => [kill(sig, 0, "SIGUSR1")]);
    return sys;
  },
});

export const sigSuspendOk = spec({
  name: "sig_suspend_ok",
  description: "Block the signal, test the flag, then sigsuspend(): no lost wakeup",
  params: {},
  expect: "ok",
  build: () => {
    const sys = system({ ready: false });
    const sig = signals();
    sys.process("waiter", { signals: { SIGUSR1: ({ g }) => (g.ready = true) } }, (s) => [
      sigprocmask(sig, "block", ["SIGUSR1"]),
      s.while(({ g }) => !g.ready, [sigsuspend(sig, [])]),
      sigprocmask(sig, "unblock", ["SIGUSR1"]),
    ]);
    sys.process("notifier", {}, () => [kill(sig, 0, "SIGUSR1")]);
    return sys;
  },
});
