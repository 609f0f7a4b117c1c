// The reader-preference readers-writers lock (first readers-writers
// problem): readers share the data, a writer needs it alone. While readers
// keep overlapping, `wrt` is never free again and a waiting writer starves,
// even under strong fairness (it is never enabled).
import { label, lock, loop, mutex, post, semaphore, spec, system, unlock, wait } from "../mod.ts";

export const readersWriters = spec({
  name: "readers_writers",
  description: "Reader-preference readers-writers lock: a waiting writer can starve",
  params: { readers: 2 },
  expect: { violation: ["a waiting writer writes", "no starvation of writer"] },
  build: (p) => {
    const sys = system({ readcount: 0, writing: false, reading: 0 });
    const m = mutex("m"), wrt = semaphore("wrt", 1);
    sys.process("reader", { count: p.readers }, (s) => [
      loop(
        lock(m),
        s.do("enter", ({ g }) => g.readcount++),
        s.if(({ g }) => g.readcount === 1, [wait(wrt)]),
        unlock(m),
        s.do("read", ({ g }) => g.reading++),
        s.do("done", ({ g }) => g.reading--),
        lock(m),
        s.do("leave", ({ g }) => g.readcount--),
        s.if(({ g }) => g.readcount === 0, [post(wrt)]),
        unlock(m),
      ),
    ]);
    sys.process("writer", {}, (s) => [
      loop(
        label("want"),
        wait(wrt),
        s.do("write", ({ g }) => (g.writing = true)),
        s.do("finish", ({ g }) => (g.writing = false)),
        post(wrt),
      ),
    ]);
    sys.always("no reading while writing", ({ g }) => !g.writing || g.reading === 0);
    sys.leadsTo(
      "a waiting writer writes",
      (v) => v.at("want") > 0,
      ({ g }) => g.writing,
      { fairness: "strong" },
    );
    sys.noStarvation("writer", { fairness: "strong" });
    return sys;
  },
});
