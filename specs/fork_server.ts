// docs/processes.md: a fork-per-request server. For each request the server
// forks a child that serves it and exits; the kernel sends the server
// SIGCHLD at each exit, and its handler reaps. SIGCHLD is a standard
// signal: two exits while one SIGCHLD is pending make one delivery. A
// handler that reaps one child per signal therefore leaves a zombie; the
// fix reaps with waitpid(-1, WNOHANG) until no exited child is left.
import { exit, fork, label, processes, reapNow, signals, spec, system } from "../mod.ts";

function forkServer(name: string, loop: boolean) {
  return spec({
    name,
    description: loop
      ? "The SIGCHLD handler reaps with waitpid(-1, WNOHANG) until none is left"
      : "The SIGCHLD handler reaps one child per signal: coalesced signals leave zombies",
    params: { requests: 2 },
    expect: loop ? "ok" : { violation: "every exited child is reaped" },
    build: (p) => {
      const sys = system({ served: 0 });
      const sig = signals();
      const procs = processes("procs", { signals: sig });
      const onChild = (ctx: { pid: number; l: { reaped: number } }) => {
        do {
          if (reapNow(procs, ctx).pid <= 0) return; // waitpid(-1, &st, WNOHANG)
          ctx.l.reaped++;
        } while (loop);
      };
      sys.process("server", {
        locals: { req: 0, reaped: 0 },
        signals: { SIGCHLD: onChild },
      }, (s) => [
        s.while(({ l }) => l.req < p.requests, [
          fork(procs, "child"), // accept a request, fork a child to serve it
          s.do("next request", ({ l }) => {
            l.req++;
          }),
        ]),
        label("idle", { end: true }), // waits for the next connection
        s.when("another request", () => false),
      ]);
      sys.process("child", { count: p.requests, dynamic: true }, (s) => [
        s.do("serve the request", ({ g }) => {
          g.served++;
        }),
        exit(procs, 0),
      ]);
      sys.atEnd("every exited child is reaped", (v) => {
        const zombies = v.read(procs).filter((e) => e.state === "zombie");
        return zombies.length === 0 || `zombie: ${zombies.map((e) => e.name).join(", ")}`;
      });
      return sys;
    },
  });
}

/** One reap per SIGCHLD: two exits under one pending signal leave a zombie. */
export const forkServerZombie = forkServer("fork_server_zombie", false);

/** The waitpid(-1, WNOHANG) loop in the handler: every child is reaped. */
export const forkServerReaped = forkServer("fork_server_reaped", true);
