// A server receiving requests with msgrcv() while a timer's SIGALRM handler
// runs (docs/semantics.md §2 and §6.4). msgrcv() is interrupted when the
// signal comes while it is blocked, and SA_RESTART never restarts it: it
// returns EINTR. The correct server retries; the buggy one treats the
// return as a message, so it serves the previous request twice and stops
// with a real request left unread.
import { Errno, interruptible, kill, msgQueue, msgrcv, msgsnd, pidOf, signals, spec, status, system } from "../mod.ts";

function msgrcvServer(name: string, retry: boolean) {
  return spec({
    name,
    description: retry
      ? "A server retries msgrcv() on EINTR: every request is served once"
      : "A server takes msgrcv()'s EINTR for a message: a request is served twice, another never",
    params: { requests: 2 },
    expect: retry ? "ok" : { violation: "every request served once" },
    build: (p) => {
      const sys = system({ served: 0, sum: 0, ticks: 0 });
      const sig = signals();
      const q = msgQueue("requests", { qbytes: 8 });
      sys.process("server", {
        locals: { st: status(), v: 0 },
        signals: { SIGALRM: ({ g }) => g.ticks++ },
      }, (s) => {
        const serve = s.do("serve", ({ g, l }) => {
          g.served++;
          g.sum += l.v;
        });
        return [
          s.while(({ g }) => g.served < p.requests, [
            interruptible(
              msgrcv(q, { into: s.into("v"), status: s.into("st") }),
              s.into("st"),
              { restartable: false },
            ),
            retry ? s.if(({ l }) => l.st === Errno.OK, [serve]) : serve,
          ]),
        ];
      });
      sys.process(
        "client",
        {},
        () => Array.from({ length: p.requests }, (_, i) => msgsnd(q, { type: 1, value: i + 1 })),
      );
      sys.process("timer", {}, () => [kill(sig, pidOf(sys, "server"), "SIGALRM")]);
      sys.atEnd(
        "every request served once",
        ({ g }) =>
          g.sum === (p.requests * (p.requests + 1)) / 2 ||
          `served ${g.served} requests summing to ${g.sum}`,
      );
      return sys;
    },
  });
}

export const sigMsgrcvRetry = msgrcvServer("sig_msgrcv_retry", true);
export const sigMsgrcvEintr = msgrcvServer("sig_msgrcv_eintr", false);
