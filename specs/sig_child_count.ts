// Counting child exits with signals (docs/semantics.md §6.2, §6.6): each
// child sends its parent a signal as it exits; the parent's handler counts
// them. Standard signals coalesce (a second SIGCHLD pending while the first
// is undelivered is lost), so the count can come up short; real-time
// signals queue, so every exit is counted.
import { kill, signals, spec, system } from "../mod.ts";
import type { SignalName } from "../mod.ts";

function childCount(name: string, signal: SignalName, expectOk: boolean) {
  return spec({
    name,
    description: `Children report their exit to the parent with ${signal}`,
    params: { children: 2 },
    expect: expectOk ? "ok" : { violation: "every exit counted" },
    build: (p) => {
      const sys = system({ exited: 0, counted: 0 });
      const sig = signals("signals", { rtQueue: p.children });
      const count = (v: { g: { counted: number } }) => {
        v.g.counted++;
      };
      sys.process("parent", { signals: { [signal]: count } }, (s) => [
        s.when("all children exited", ({ g }) => g.exited === p.children),
      ]);
      sys.process("child", { count: p.children }, (s) => [
        kill(sig, 0, signal), // the parent is pid 0
        s.do("exit", ({ g }) => g.exited++),
      ]);
      sys.atEnd(
        "every exit counted",
        ({ g }) => g.counted === p.children || `${p.children} children exited, ${g.counted} counted`,
      );
      return sys;
    },
  });
}

/** SIGCHLD counted by a handler: exits are lost when signals coalesce. */
export const sigChildCountStd = childCount("sig_child_count_std", "SIGCHLD", false);

/** The same with a real-time signal: every exit is queued and counted. */
export const sigChildCountRt = childCount("sig_child_count_rt", "SIGRTMIN", true);
