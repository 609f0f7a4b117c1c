// The process table (model/primitives/process.ts, docs/processes.md): one
// test per rule of fork/spawn, exit, wait/waitpid, zombies, orphans and
// SIGCHLD, each failing when its rule is broken, and a fast-check
// model-based test of the table against a small reference written here.

import assert from "node:assert/strict";
import fc from "fast-check";
import { check, type CheckResult, Errno, label, type System, system } from "../../mod.ts";
import type { Ctx, Into, ProcInfo, ProcSlot, Step } from "../../model/_ast.ts";
import type { StepBuilder } from "../../model/steps.ts";

// deno-lint-ignore no-explicit-any
type StepBuilderOf = StepBuilder<any, any>;
import {
  exit,
  fork,
  type ProcessEntry,
  processes,
  type ProcTable,
  reapNow,
  spawn,
  waitChild,
  waitpid,
  WaitStatus,
} from "../../model/primitives/process.ts";
import { close, pipe } from "../../model/primitives/pipe.ts";
import { interruptible, kill, signals, sigprocmask } from "../../model/primitives/signals.ts";
import { segment, shmLoad } from "../../model/primitives/shared_memory.ts";
import { sockAccept, sockConnect, unixStream } from "../../model/primitives/unix_stream.ts";
import { explore, initial, mk } from "./_explore.ts";

/** Checks `build`'s spec with a final property over the process table's end state. */
// deno-lint-ignore no-explicit-any
function ends(name: string, build: () => System<any>): CheckResult {
  return check(mk(name, build));
}

/** Every state with no enabled transition, printed. */
// deno-lint-ignore no-explicit-any
function endStates(name: string, build: () => System<any>): string[] {
  return [...explore(mk(name, build).compile()).ends];
}

/** Asserts the spec is ok; the message is the violation's. */
function ok(r: CheckResult): void {
  assert.equal(r.verdict, "ok", r.violation?.message ?? r.error?.message);
}

Deno.test("a dynamic kind's slots are dormant at the start: no step, no pipe end", () => {
  const model = mk("dormant", () => {
    const sys = system({});
    const procs = processes();
    const fd = pipe(sys, "fd");
    sys.process("parent", {}, () => [close(fd, "read"), fork(procs, "child")]);
    sys.process("child", { dynamic: true, count: 2 }, () => [close(fd, "write")]);
    return sys;
  }).compile();
  const s = initial(model);
  const text = model.explanation!.format(s);
  assert.match(text, /fd=\[\] R\{parent#0\} W\{parent#0\}/);
  let movers = 0;
  model.expand(s, {
    push: (_next, t) => {
      assert.equal(model.explanation!.describe(t).process, "parent#0");
      movers++;
      return true;
    },
    fail: () => assert.fail("no failure"),
  });
  assert.equal(movers, 1);
});

Deno.test("fork: the child holds the pipe ends its parent holds, then runs its kind's body", () => {
  const states: string[] = [];
  explore(
    mk("inherit", () => {
      const sys = system({ got: 0 });
      const procs = processes();
      const fd = pipe(sys, "fd");
      sys.process("parent", {}, (s) => [
        close(fd, "read"),
        fork(procs, "child"),
        s.do("after", () => {}),
      ]);
      sys.process("child", { dynamic: true }, (s) => [
        close(fd, "write"),
        s.do("done", ({ g }) => {
          g.got = 1;
        }),
      ]);
      return sys;
    }).compile(),
    (st) => states.push(st),
  );
  // Right after the fork: the child holds the write end only, as the parent did.
  assert.ok(states.some((st) => /fd=\[\] R\{\} W\{parent#0,child#0\}/.test(st)), states.join("\n"));
  assert.ok(!states.some((st) => /R\{[^}]*child#0/.test(st)));
});

Deno.test("fork copies the parent's scalar locals of the same name; args set others; spawn copies none", () => {
  const run = (copy: boolean) =>
    endStates(`copy_${copy}`, () => {
      const sys = system({ seen: 0, arg: 0 });
      const procs = processes();
      sys.process("parent", { locals: { k: 5 } }, () => [
        (copy ? fork : spawn)(procs, "child", { args: { a: 9 } }),
      ]);
      sys.process("child", { dynamic: true, locals: { k: 0, a: 0 } }, (s) => [
        s.do("report", ({ g, l }) => {
          g.seen = l.k;
          g.arg = l.a;
        }),
      ]);
      return sys;
    });
  assert.match(run(true)[0]!, /seen=5 arg=9/);
  assert.match(run(false)[0]!, /seen=0 arg=9/);
});

Deno.test("fork with every slot in use: EAGAIN and pid -1, or a 'fork failed' violation", () => {
  const build = (withError: boolean) => () => {
    const sys = system({ second: 0, err: 0 });
    const procs = processes();
    sys.process("parent", { locals: { pid: 0 } }, (s) => [
      fork(procs, "child"),
      fork(procs, "child", {
        pid: s.into(({ g }, v) => {
          g.second = v;
        }),
        ...(withError ? { error: s.into(({ g }, v) => (g.err = v)) } : {}),
      }),
    ]);
    sys.process("child", { dynamic: true }, (s) => [s.when("never", () => false)]);
    sys.configure({ deadlock: false });
    return sys;
  };
  const [end] = endStates("eagain", build(true));
  assert.match(end!, /second=-1 err=11/);
  assert.equal(Errno.EAGAIN, 11);
  const r = ends("eagain_violation", build(false));
  assert.equal(r.violation?.property, "fork failed");
  assert.match(r.violation!.message, /EAGAIN, every slot of 'child' is in use/);
});

/** A parent that forks one child and reaps it with `wait`, recording what it returns. */
function parentReaps(
  child: (procs: ProcTable, s: StepBuilderOf) => Step[],
  watch?: (entries: readonly ProcessEntry[]) => void,
) {
  return () => {
    const sys = system({ pid: 0, status: 0, err: 0 });
    const procs = processes();
    sys.process("parent", {}, (s) => [
      fork(procs, "child"),
      waitChild(procs, {
        pid: s.into(({ g }, v) => (g.pid = v)),
        status: s.into(({ g }, v) => (g.status = v)),
        error: s.into(({ g }, v) => (g.err = v)),
      }),
    ]);
    sys.process("child", { dynamic: true }, (s) => child(procs, s));
    if (watch !== undefined) {
      sys.always("watch", (v) => {
        watch(v.read(procs));
        return true;
      });
    }
    return sys;
  };
}

Deno.test("exit(status): the child is a zombie holding its status until wait returns it", () => {
  const mid: (readonly ProcessEntry[])[] = [];
  ok(ends("exit_status_watch", parentReaps((procs) => [exit(procs, 3)], (t) => mid.push(t))));
  const r = explore(mk("exit_status", parentReaps((procs) => [exit(procs, 3)])).compile());
  assert.equal(r.ends.length, 1);
  assert.match(r.ends[0]!, new RegExp(`pid=1 status=${WaitStatus.ofExit(3)} err=0`));
  assert.ok(mid.some((t) => t[1]!.state === "zombie" && WaitStatus.code(t[1]!.status) === 3));
  // Reaped, the slot is dormant again (only the parent, reaped by init, is listed).
  assert.match(r.ends[0]!, /procs=\[parent#0\{reaped exit 0\}\]/);
});

Deno.test("running off the end of the body exits with status 0", () => {
  const [end] = endStates(
    "off_the_end",
    parentReaps((_procs, s) => [s.do("work", () => {})]),
  );
  assert.match(end!, /pid=1 status=0 err=0/);
});

Deno.test("a dynamic kind with an empty body is refused by name", () => {
  assert.throws(
    () => mk("empty_dynamic", parentReaps(() => [])).compile(),
    /process 'child'.*dynamic process kind needs a body/s,
  );
});

Deno.test("wait without children is ECHILD at once; waitpid for a non-child too", () => {
  const [end] = endStates("echild", () => {
    const sys = system({ a: 0, b: 0, e: 0 });
    const procs = processes();
    sys.process("lonely", {}, (s) => [
      waitChild(procs, { pid: s.into(({ g }, v) => (g.a = v)) }),
      waitpid(procs, 1, {
        pid: s.into(({ g }, v) => (g.b = v)),
        error: s.into(({ g }, v) => (g.e = v)),
      }),
    ]);
    sys.process("other", {}, (s) => [s.do("nothing", () => {})]);
    return sys;
  });
  assert.match(end!, new RegExp(`a=-1 b=-1 e=${Errno.ECHILD}`));
});

Deno.test("waitpid blocks while the child runs; WNOHANG returns 0 instead", () => {
  const build = (nohang: boolean) => () => {
    const sys = system({ r: 7 });
    const procs = processes();
    sys.process("parent", {}, (s) => [
      fork(procs, "child"),
      waitpid(procs, "any", { nohang, pid: s.into(({ g }, v) => (g.r = v)) }),
    ]);
    sys.process("child", { dynamic: true }, (s) => [
      label("serving", { end: true }),
      s.when("never", () => false),
    ]);
    return sys;
  };
  const blocking = ends("wait_blocks", build(false));
  assert.equal(blocking.violation?.property, "deadlock");
  assert.deepEqual(blocking.violation?.blocked?.map((b) => b.step), ["waitpid(any)"]);
  const [end] = endStates("wait_nohang", build(true));
  assert.match(end!, /r=0/);
});

Deno.test("several exited children: each choice of the one reaped is explored", () => {
  const firsts = new Set<string>();
  for (
    const end of endStates("choices", () => {
      const sys = system({ first: -1 });
      const procs = processes();
      sys.process("parent", {}, (s) => [
        fork(procs, "child"),
        fork(procs, "child"),
        s.when("both exited", (c) => c.g.first === -1),
        waitChild(procs, { pid: s.into(({ g }, v) => (g.first = v)) }),
        waitChild(procs),
      ]);
      sys.process("child", { dynamic: true, count: 2 }, (s) => [s.do("work", () => {})]);
      return sys;
    })
  ) firsts.add(/first=(\d+)/.exec(end)![1]!);
  assert.deepEqual([...firsts].sort(), ["1", "2"]);
});

Deno.test("an orphan is re-parented to init, which reaps it: no zombie is left", () => {
  const seen: ProcessEntry[][] = [];
  let table!: ProcTable;
  const build = () => {
    const sys = system({});
    const procs = processes();
    table = procs;
    sys.process("parent", {}, () => [fork(procs, "child")]);
    sys.process("child", { dynamic: true }, (s) => [s.do("outlive the parent", () => {})]);
    sys.always("watch", (v) => {
      seen.push([...v.read(table)]);
      return true;
    });
    return sys;
  };
  ok(ends("orphan_watch", build));
  const r = explore(mk("orphan", build).compile());
  assert.ok(seen.some((t) => t[1]!.state === "running" && t[1]!.parent === -1));
  for (const end of r.ends) assert.match(end, /procs=\[parent#0\{reaped exit 0\}\]/);
});

Deno.test("SIGCHLD: pending in the parent after a child's exit; coalescing; ignored means auto-reaped", () => {
  const build = (ignore: boolean) => () => {
    const sys = system({ caught: 0, r: 7 });
    const sig = signals();
    const procs = processes("procs", { signals: sig });
    sys.process("parent", {
      signals: {
        SIGCHLD: ignore ? "ignore" : ({ g }: { g: { caught: number } }) => {
          g.caught++;
        },
      },
    }, (s) => [
      fork(procs, "child"),
      s.when("child gone", (c) => c.g.r === 7),
      waitChild(procs, { pid: s.into(({ g }, v) => (g.r = v)) }),
    ]);
    sys.process("child", { dynamic: true }, (s) => [s.do("work", () => {})]);
    return sys;
  };
  const handled = endStates("sigchld", build(false));
  for (const end of handled) assert.match(end, /caught=1 r=1/);
  const ignored = endStates("sigchld_ign", build(true));
  assert.ok(ignored.some((end) => /caught=0 r=-1/.test(end)), ignored.join("\n"));
});

Deno.test("a child killed by a signal has a WIFSIGNALED status", () => {
  const [end] = endStates("killed", () => {
    const sys = system({ st: 0 });
    const sig = signals();
    const procs = processes("procs", { signals: sig });
    sys.process("parent", {}, (s) => [
      fork(procs, "child"),
      kill(sig, 1, "SIGTERM"),
      waitChild(procs, { status: s.into(({ g }, v) => (g.st = v)) }),
    ]);
    sys.process("child", { dynamic: true }, (s) => [s.when("never", () => false)]);
    return sys;
  });
  const st = Number(/st=(\d+)/.exec(end!)![1]);
  assert.ok(WaitStatus.signaled(st));
  assert.equal(WaitStatus.signal(st), 15);
});

Deno.test("fork: the child inherits the signal mask, not the pending signals", () => {
  const states: string[] = [];
  explore(
    mk("mask", () => {
      const sys = system({});
      const sig = signals();
      const procs = processes("procs", { signals: sig });
      sys.process("parent", {}, (s) => [
        sigprocmask(sig, "block", ["SIGUSR1"]),
        kill(sig, 0, "SIGUSR1"),
        fork(procs, "child"),
        s.when("never", () => false),
      ]);
      sys.process("child", { dynamic: true }, (s) => [s.when("never", () => false)]);
      sys.configure({ deadlock: false });
      return sys;
    }).compile(),
    (st) => states.push(st),
  );
  const after = states.find((st) => st.includes("child#0{running"));
  assert.ok(after !== undefined);
  assert.match(after, /parent#0\{blocked=USR1 pending=USR1\} child#0\{blocked=USR1\}/);
});

Deno.test("a reaped slot is dormant again and can be forked anew", () => {
  const [end] = endStates("reuse", () => {
    const sys = system({ forks: 0 });
    const procs = processes();
    sys.process("parent", {}, (s) => [
      fork(procs, "child"),
      waitChild(procs),
      fork(procs, "child"),
      waitChild(procs),
      s.do("count", ({ g }) => {
        g.forks = 2;
      }),
    ]);
    sys.process("child", { dynamic: true, count: 1 }, (s) => [s.do("work", () => {})]);
    return sys;
  });
  assert.match(end!, /forks=2/);
});

Deno.test("symmetry is refused by name; partial-order reduction is off, saying why", () => {
  const s = mk("sym", () => {
    const sys = system({});
    const procs = processes();
    sys.process("parent", {}, () => [fork(procs, "child")]);
    sys.process("child", { dynamic: true, count: 2, symmetric: true }, (s) => [
      s.do("work", () => {}),
    ]);
    return sys;
  });
  const sym = check(s, { symmetry: true });
  assert.equal(sym.verdict, "error");
  assert.match(sym.error!.message, /processes 'procs'.*cannot rename/s);
  const por = check(s, { reduction: "por" });
  assert.equal(por.verdict, "ok");
  assert.match(JSON.stringify(por), /dynamic processes/);
});

Deno.test("fork of a kind that is not dynamic, or not declared, is refused by name", () => {
  const build = (dynamic: boolean | undefined, kind: string) =>
    mk("bad_kind", () => {
      const sys = system({});
      const procs = processes();
      sys.process("parent", {}, () => [fork(procs, kind)]);
      sys.process("child", dynamic === undefined ? {} : { dynamic }, (s) => [s.do("x", () => {})]);
      return sys;
    });
  assert.throws(
    () => build(undefined, "child").compile(),
    /'child': the kind is not declared dynamic/,
  );
  assert.throws(() => build(true, "kid").compile(), /fork\/spawn names 'kid', no process kind/);
  const unstarted = mk("unstarted", () => {
    const sys = system({});
    sys.process("parent", {}, (s) => [s.do("x", () => {})]);
    sys.process("child", { dynamic: true }, (s) => [s.do("x", () => {})]);
    return sys;
  });
  assert.throws(() => unstarted.compile(), /process 'child'.*declared dynamic, but no fork/s);
});

Deno.test("reapNow reaps an exited child; 0 while children run, -1 without", () => {
  const all = endStates("reap_now", () => {
    const sys = system({});
    const procs = processes();
    sys.process("parent", { locals: { a: 0, b: 0, c: 0 } }, (s) => [
      s.do("none yet", (ctx) => {
        ctx.l.a = reapNow(procs, ctx).pid;
      }),
      fork(procs, "child"),
      s.do("running", (ctx) => {
        ctx.l.b = reapNow(procs, ctx).pid;
      }),
      s.if(({ l }) => l.b === 0, [waitChild(procs)]),
      s.do("gone", (ctx) => {
        ctx.l.c = reapNow(procs, ctx).pid;
      }),
    ]);
    sys.process("child", { dynamic: true }, (s) => [s.do("work", () => {})]);
    return sys;
  });
  // The child still ran at the second call, or had exited and was reaped by it.
  assert.deepEqual(
    all.map((e) => /\{a=(-?\d+),b=(-?\d+),c=(-?\d+)\}/.exec(e)!.slice(1).join()).sort(),
    [
      "-1,0,-1",
      "-1,1,-1",
    ],
  );
});

Deno.test("fork: a listening socket the parent holds is held by the child too", () => {
  const states: string[] = [];
  const r = explore(
    mk("listener", () => {
      const sys = system({});
      const procs = processes();
      const srv = unixStream(sys, "srv", {
        connections: 1,
        buffer: 1,
        listening: { backlog: 1, holders: ["server"] },
      });
      sys.process("server", {}, (s) => [fork(procs, "child"), s.when("never", () => false)]);
      sys.process("child", { dynamic: true, locals: { c: 0 } }, (s) => [
        sockAccept(srv, { conn: s.into("c") }),
      ]);
      sys.process("client", { locals: { c: 0 } }, (s) => [sockConnect(srv, { conn: s.into("c") })]);
      sys.configure({ deadlock: false });
      return sys;
    }).compile(),
    (st) => states.push(st),
  );
  assert.deepEqual(r.failures, []);
  assert.ok(states.some((st) => /listening\(1\)\{server#0,child#0\}/.test(st)), states.join("\n"));
  // Before the fork the server alone holds it.
  assert.match(states[0]!, /listening\(1\)\{server#0\}/);
});

Deno.test("fork: the child is attached to the shared memory its parent is attached to", () => {
  const build = (parentAttached: boolean) => () => {
    const sys = system({ seen: 0 });
    const procs = processes();
    const seg = segment(sys, "seg", {
      size: 1,
      init: [4],
      attached: parentAttached ? ["parent"] : "none",
    });
    sys.process("parent", {}, (s) => [fork(procs, "child"), s.when("never", () => false)]);
    sys.process("child", { dynamic: true }, (s) => [
      shmLoad(seg, { into: s.into(({ g }, v) => (g.seen = v)) }),
    ]);
    sys.configure({ deadlock: false });
    return sys;
  };
  const attached = explore(mk("shm_fork", build(true)).compile());
  assert.deepEqual(attached.failures, []);
  assert.match(attached.ends[0]!, /seen=4/);
  const detached = explore(mk("shm_fork_none", build(false)).compile());
  assert.equal(detached.failures.length, 1, "the child of a detached parent is not attached");
});

Deno.test("a blocking wait wrapped in interruptible() returns EINTR when a handler runs", () => {
  const all = endStates("wait_eintr", () => {
    const sys = system({ err: -1, r: 7 });
    const sig = signals();
    const procs = processes("procs", { signals: sig });
    sys.process("parent", { signals: { SIGUSR1: () => {} } }, (s) => [
      fork(procs, "child"),
      interruptible(
        waitChild(procs, { pid: s.into(({ g }, v) => (g.r = v)) }),
        s.into(({ g }, v) => (g.err = v)),
      ),
    ]);
    sys.process("child", { dynamic: true }, (s) => [
      kill(sig, 0, "SIGUSR1"),
      s.do("work", () => {}),
    ]);
    return sys;
  });
  const outcomes = new Set(all.map((e) => /err=(-?\d+) r=(-?\d+)/.exec(e)!.slice(1).join()));
  // Interrupted (EINTR, nothing reaped), or the child reaped after the handler ran.
  assert.ok(outcomes.has(`${Errno.EINTR},7`), [...outcomes].join(" "));
  assert.ok(outcomes.has(`${Errno.OK},1`), [...outcomes].join(" "));
});

// ---------------------------------------------------------------------------
// Model-based test: the table driven directly (fork, exit, waitpid nohang)
// against a reference of the rules, over random command sequences.

interface RefProc {
  state: "dormant" | "running" | "zombie" | "reaped";
  parent: number;
  status: number;
}

/** The reference: processes 0..1 declared, 2..5 dynamic slots of kind `k`. */
class Reference {
  procs: RefProc[] = [0, 1, 2, 3, 4, 5].map((pid) => ({
    state: pid < 2 ? "running" : "dormant",
    parent: -1,
    status: 0,
  }));
  fork(parent: number): number {
    const c = this.procs.findIndex((p, pid) => pid >= 2 && p.state === "dormant");
    if (c < 0) return -1;
    this.procs[c] = { state: "running", parent, status: 0 };
    return c;
  }
  exit(pid: number, code: number): void {
    const p = this.procs[pid]!;
    p.state = "zombie";
    p.status = (code & 0xff) << 8;
    this.procs.forEach((c, cpid) => {
      if (c.parent !== pid) return;
      c.parent = -1;
      if (c.state === "zombie") this.reap(cpid);
    });
    if (p.parent === -1) this.reap(pid);
  }
  reap(pid: number): void {
    const p = this.procs[pid]!;
    p.parent = -1;
    if (pid < 2) p.state = "reaped";
    else this.procs[pid] = { state: "dormant", parent: -1, status: 0 };
  }
  waitNohang(pid: number, target: number): { pid: number; status: number } {
    const mine = this.procs.map((p, c) => ({ p, c })).filter(({ p, c }) =>
      p.parent === pid && (target === -1 || c === target) &&
      (p.state === "running" || p.state === "zombie")
    );
    const z = mine.find(({ p }) => p.state === "zombie");
    if (z === undefined) return { pid: mine.length === 0 ? -1 : 0, status: 0 };
    const status = z.p.status;
    this.reap(z.c);
    return { pid: z.c, status };
  }
}

/** The real table, bound to six processes with fake pc and locals slots after it. */
function realTable(): { table: ProcTable; w: Int32Array; pcs: number } {
  const table = processes();
  // The ops name the dynamic kind, so the table checks it at bind.
  fork(table, "k");
  const infos: ProcInfo[] = [0, 1, 2, 3, 4, 5].map((pid) => ({
    pid,
    kind: pid < 2 ? "d" : "k",
    id: pid < 2 ? pid : pid - 2,
    name: pid < 2 ? `d#${pid}` : `k#${pid - 2}`,
    uses: true,
    signals: {},
    ...(pid >= 2 ? { dormant: true } : {}),
  }));
  table.bind!(infos);
  const pcs = table.slots;
  const w = new Int32Array(pcs + 12);
  const slots: ProcSlot[] = infos.map((p) => ({
    pid: p.pid,
    kind: p.kind,
    pcOff: pcs + 2 * p.pid,
    base: pcs + 2 * p.pid + 1,
    entry: 0,
    endPc: 1,
    resetLocals: (w) => (w[pcs + 2 * p.pid + 1] = 0),
    scalars: ["x"],
    localOff: (name) => (name === "x" ? 0 : -1),
  }));
  table.attach!(w, 0);
  table.attachProcesses!(slots, new Map([[table, 0]]));
  table.init(w, 0);
  return { table, w, pcs };
}

function intoCell(): { into: Into; value: () => number } {
  let v = NaN;
  return { into: { kind: "into", text: "cell", set: (_c, x) => (v = x) }, value: () => v };
}

function ctxOf(pid: number): Ctx {
  return { g: {}, l: {}, id: 0, pid };
}

function compare(m: Reference, r: ReturnType<typeof realTable>): void {
  const got = r.table.read(r.w, 0).map((e) => ({
    state: e.state,
    parent: e.parent,
    status: e.status,
  }));
  assert.deepEqual(got, m.procs);
}

type Cmd = fc.Command<Reference, ReturnType<typeof realTable>>;

class ForkCmd implements Cmd {
  constructor(readonly parent: number) {}
  check(m: Readonly<Reference>) {
    return m.procs[this.parent]!.state === "running";
  }
  run(m: Reference, r: ReturnType<typeof realTable>) {
    const cell = intoCell();
    const step = fork(r.table, "k", { pid: cell.into, error: intoCell().into });
    assert.equal(step.kind, "op");
    if (step.kind !== "op") return;
    step.op.apply(r.w, 0, this.parent, ctxOf(this.parent), String, 0);
    assert.equal(cell.value(), m.fork(this.parent));
    compare(m, r);
  }
  toString() {
    return `fork(${this.parent})`;
  }
}

class ExitCmd implements Cmd {
  constructor(readonly pid: number, readonly code: number) {}
  check(m: Readonly<Reference>) {
    return m.procs[this.pid]!.state === "running";
  }
  run(m: Reference, r: ReturnType<typeof realTable>) {
    const step = exit(r.table, this.code);
    if (step.kind !== "op") return;
    step.op.apply(r.w, 0, this.pid, ctxOf(this.pid), String, 0);
    r.w[r.pcs + 2 * this.pid] = 1; // the interpreter moves it to its end
    r.table.onExit!(r.w, 0, this.pid);
    m.exit(this.pid, this.code);
    compare(m, r);
  }
  toString() {
    return `exit(${this.pid}, ${this.code})`;
  }
}

class WaitCmd implements Cmd {
  constructor(readonly pid: number, readonly target: number) {}
  check(m: Readonly<Reference>) {
    return m.procs[this.pid]!.state === "running";
  }
  run(m: Reference, r: ReturnType<typeof realTable>) {
    const pid = intoCell(), status = intoCell();
    const step = waitpid(r.table, this.target === -1 ? "any" : this.target, {
      nohang: true,
      pid: pid.into,
      status: status.into,
    });
    if (step.kind !== "op") return;
    const ctx = ctxOf(this.pid);
    assert.ok(step.op.enabled(r.w, 0, this.pid, ctx), "waitpid(WNOHANG) never blocks");
    step.op.apply(r.w, 0, this.pid, ctx, String, 0);
    const want = m.waitNohang(this.pid, this.target);
    assert.equal(pid.value(), want.pid);
    if (want.pid > 0) assert.equal(status.value(), want.status);
    compare(m, r);
  }
  toString() {
    return `waitpid(${this.pid}, ${this.target}, WNOHANG)`;
  }
}

Deno.test("the process table follows a reference of fork, exit, waitpid and re-parenting (fast-check)", () => {
  const pid = fc.integer({ min: 0, max: 5 });
  const commands = fc.commands([
    pid.map((p) => new ForkCmd(p)),
    fc.tuple(pid, fc.integer({ min: 0, max: 300 })).map(([p, c]) => new ExitCmd(p, c)),
    fc.tuple(pid, fc.integer({ min: -1, max: 5 })).map(([p, t]) => new WaitCmd(p, t)),
  ], { maxCommands: 40 });
  fc.assert(
    fc.property(commands, (cmds) => {
      fc.modelRun(() => ({ model: new Reference(), real: realTable() }), cmds);
    }),
    { numRuns: 300 },
  );
});
