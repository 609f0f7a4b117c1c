// SIGPIPE raised by the primitives through the signal table (docs/semantics.md
// §1 and §6, issue 15 item 3): a write to a pipe with no read end, or a send
// on a stream socket after its shutdown, generates SIGPIPE for the writer as
// `kill` would; the writer's disposition decides. Without a signal table the
// primitives keep recording SIGPIPE themselves (`broken pipe`), as before.

import assert from "node:assert/strict";
import {
  check,
  close,
  pipe,
  sigaction,
  signals,
  type SignalTable,
  sigprocmask,
  sockAccept,
  sockConnect,
  sockSend,
  sockShutdown,
  spec,
  SpecError,
  status,
  system,
  unixStream,
  write,
} from "../../mod.ts";
import { explore } from "./_explore.ts";

type Disposition = "default" | "ignore" | "block" | "handler";

/** The step that sets up `d` for SIGPIPE (the table joins the system through it). */
function dispose(sig: SignalTable, d: Disposition) {
  return d === "block"
    ? sigprocmask(sig, "block", ["SIGPIPE"])
    : sigaction(sig, "SIGPIPE", d === "handler" ? "handler" : d);
}

/** A writer alone with a pipe whose read end nobody holds. */
function lonelyWriter(d: Disposition, withStatus: boolean) {
  return spec({
    name: `sigpipe_${d}`,
    params: {},
    build: () => {
      const sys = system({ after: false, handled: 0 });
      const sig = signals();
      const fd = pipe(sys, "fd", { holders: { read: [], write: ["w"] } });
      sys.process("w", {
        locals: { st: { ...status(), init: 99 } },
        signals: d === "handler" ? { SIGPIPE: ({ g }) => g.handled++ } : {},
      }, (s) => [
        dispose(sig, d),
        write(fd, { bytes: 1, ...(withStatus ? { status: s.into("st") } : {}) }),
        s.do("after", ({ g }) => (g.after = true)),
      ]);
      return sys;
    },
  });
}

/** Every printed state of `d`'s writer, and its end states. */
function run(d: Disposition, withStatus = true) {
  const states: string[] = [];
  const e = explore(lonelyWriter(d, withStatus).compile(), (s) => states.push(s));
  assert.deepEqual(e.failures, [], d);
  return { states, ends: e.ends };
}

Deno.test("pipe write with no reader: SIGPIPE's default action kills the writer", () => {
  for (const withStatus of [true, false]) {
    const { ends } = run("default", withStatus);
    assert.equal(ends.length, 1);
    assert.match(ends[0]!, /after=false .*signals=\[w#0\{killed by PIPE\}\]/);
  }
  // Checked: no 'broken pipe' violation, the writer simply dies.
  const r = check(lonelyWriter("default", false));
  assert.equal(r.verdict, "ok", r.violation?.message);
});

Deno.test("pipe write with no reader: ignored, blocked or handled SIGPIPE gives EPIPE and the writer goes on", () => {
  for (const d of ["ignore", "block", "handler"] as const) {
    const { ends } = run(d);
    assert.equal(ends.length, 1, d);
    assert.match(ends[0]!, /after=true .*w#0@end\{st=EPIPE\}/, d);
  }
  // Ignored: discarded at once. Blocked: pending while the writer goes on.
  // Handled: the handler runs before the writer's next step.
  assert.ok(!run("ignore").states.some((s) => /pending=PIPE/.test(s)));
  assert.ok(
    run("block").states.some((s) =>
      /signals=\[w#0\{blocked=PIPE pending=PIPE\}\] w#0@after\{st=EPIPE\}/.test(s)
    ),
  );
  assert.match(run("handler").ends[0]!, /handled=1/);
  // Without a status target the writer survives just as well.
  assert.match(run("ignore", false).ends[0]!, /after=true .*w#0@end\{st=99\}/);
});

Deno.test("pipe write with no reader and no signal table: still a 'broken pipe' violation", () => {
  const r = check(spec({
    name: "no_table",
    params: {},
    build: () => {
      const sys = system({});
      const fd = pipe(sys, "fd", { holders: { read: [], write: ["w"] } });
      sys.process("w", {}, () => [write(fd, { bytes: 1 })]);
      return sys;
    },
  }));
  assert.equal(r.violation?.property, "broken pipe");
});

Deno.test("a large write cut short by the reader's close returns its count and still raises SIGPIPE", () => {
  const e = explore(
    spec({
      name: "large",
      params: {},
      build: () => {
        const sys = system({ handled: 0, n: -2 });
        const sig = signals();
        const fd = pipe(sys, "fd", {
          capacity: 2,
          pipeBuf: 1,
          holders: { read: ["r"], write: ["w"] },
        });
        sys.process("w", {
          locals: { st: status() },
          signals: { SIGPIPE: ({ g }) => g.handled++ },
        }, (s) => [
          sigaction(sig, "SIGPIPE", "handler"),
          write(fd, { bytes: 3, status: s.into("st"), written: s.into((v, n) => (v.g.n = n)) }),
        ]);
        sys.process("r", {}, () => [close(fd, "read")]);
        return sys;
      },
    }).compile(),
  );
  // Closed before any byte: EPIPE (-1); after 1 or 2 bytes: that count.
  // SIGPIPE is raised every time, and handled.
  const outcomes = [
    ...new Set(e.ends.map((s) => /handled=(\d) n=(-?\d)/.exec(s)!.slice(1).join())),
  ];
  assert.deepEqual(outcomes.sort(), ["1,-1", "1,1", "1,2"]);
});

Deno.test("stream send after its own shutdown: SIGPIPE through the table kills, or EPIPE", () => {
  const ends = (d: Disposition) =>
    explore(
      spec({
        name: `sock_${d}`,
        params: {},
        build: () => {
          const sys = system({ after: false });
          const srv = unixStream(sys, "srv", {
            connections: 1,
            buffer: 2,
            listening: { backlog: 1 },
          });
          const sig = signals();
          sys.process("client", { locals: { c: -1, st: status() } }, (s) => [
            dispose(sig, d),
            sockConnect(srv, { conn: s.into("c") }),
            sockShutdown(srv, { conn: s.expr(({ l }) => l.c) }),
            sockSend(srv, { conn: s.expr(({ l }) => l.c), bytes: 1, status: s.into("st") }),
            s.do("after", ({ g }) => (g.after = true)),
          ]);
          sys.process("server", { locals: { c: -1 } }, (s) => [
            sockAccept(srv, { conn: s.into("c") }),
          ]);
          return sys;
        },
      }).compile(),
    ).ends;
  assert.ok(ends("default").length > 0 && ends("ignore").length > 0);
  assert.ok(ends("default").every((s) => /signals=\[client#0\{killed by PIPE\}\]/.test(s)));
  assert.ok(ends("ignore").every((s) => /after=true .*client#0@end\{c=0,st=EPIPE\}/.test(s)));
  // Through the table, the socket keeps no SIGPIPE of its own.
  assert.ok(ends("ignore").every((s) => !/SIGPIPE\{/.test(s)));
});

Deno.test("a SIGPIPE disposition without a signal table is refused, naming the process", () => {
  // It would have no effect: the write to a pipe nobody reads would stay a `broken pipe`.
  const s = spec({
    name: "no_table",
    params: {},
    build: () => {
      const sys = system({});
      const fd = pipe(sys, "fd", { holders: { read: ["reader"], write: ["writer"] } });
      sys.process("reader", {}, () => [close(fd, "read")]);
      sys.process(
        "writer",
        { signals: { SIGPIPE: "ignore" } },
        () => [write(fd, { bytes: 1, value: 1 })],
      );
      return sys;
    },
  });
  assert.throws(
    () => s.compile({}),
    (e: unknown) =>
      e instanceof SpecError && /process 'writer'/.test(e.message) &&
      /disposition for SIGPIPE, but no step uses a signal table/.test(e.message),
  );
});
