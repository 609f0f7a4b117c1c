// Unix domain sockets (docs/semantics.md §7): one test (at least) per rule
// the two primitives implement, each of which fails if the rule is broken,
// and model-based tests against plain-object references of the same rules.
//
// Readers record what they read as decimal digits: `seq = seq * 10 + byte`.

import assert from "node:assert/strict";
import fc from "fast-check";
import {
  array,
  breakLoop,
  check,
  choose,
  Errno,
  errnoName,
  loop,
  status,
  type Step,
  type StepBuilder,
  type System,
  system,
} from "../../mod.ts";
import type { Model } from "../../extend.ts";
import {
  sockAccept,
  sockAcceptNonblock,
  sockClose,
  sockCloseListener,
  sockConnect,
  sockConnectNonblock,
  SOCKET_CONNECTIONS,
  sockListen,
  sockRecv,
  sockRecvNonblock,
  sockSend,
  sockSendNonblock,
  sockShutdown,
  type UnixStream,
  unixStream,
  type UnixStreamOptions,
} from "../../model/primitives/unix_stream.ts";
import { interruptible, kill, signals } from "../../model/primitives/signals.ts";
import {
  dgramBind,
  dgramClose,
  dgramRecv,
  dgramRecvNonblock,
  dgramSend,
  dgramSendNonblock,
  unixDgram,
} from "../../model/primitives/unix_dgram.ts";
import {
  enabledOps as opsOf,
  endValues,
  explore,
  fireOp,
  initial,
  mk,
  observed,
  ProcessAct,
  type Real,
} from "./_explore.ts";
import { enabled, fire } from "../../checker/_fire.ts";

// deno-lint-ignore no-explicit-any
type Sys = System<any>;
// deno-lint-ignore no-explicit-any
type SB = StepBuilder<any, any>;

function ends(build: () => Sys) {
  return explore(mk("ends", build).compile());
}

/** The distinct locals of process `who` (`client#0`) in the end states. */
function endLocals(e: { ends: readonly string[] }, who: string): string[] {
  const re = new RegExp(`${who}@[^{]*(\\{[^}]*\\})`);
  return [...new Set(e.ends.map((s) => re.exec(s)?.[1] ?? s))].sort();
}

/** The handle in local `c`. */
const h = (s: SB) => s.local("c");

/** Appends each byte read to `seq`. */
const digits = (s: SB) =>
  s.into(({ g }, b) => {
    g.seq = g.seq * 10 + b;
  });

/** A system with globals `seq`, `flag`, `flag2` and a socket listening from the start. */
function listening(backlog: number, extra: UnixStreamOptions = {}): { sys: Sys; srv: UnixStream } {
  const sys = system({ seq: 0, flag: 0, flag2: 0 });
  const srv = unixStream(sys, "srv", {
    connections: 3,
    buffer: 2,
    listening: { backlog },
    ...extra,
  });
  return { sys, srv };
}

/**
 * A connected pair: `client` connects and `server` accepts (handles in their
 * local `c`), then each runs its steps.
 */
function pair(
  opts: UnixStreamOptions,
  client: (s: SB, srv: UnixStream) => Step[],
  server: (s: SB, srv: UnixStream) => Step[],
  // deno-lint-ignore no-explicit-any
  locals: Record<string, any> = {},
): () => Sys {
  return () => {
    const { sys, srv } = listening(0, opts);
    sys.process("client", { locals: { c: -1, ...locals } }, (s) => [
      sockConnect(srv, { conn: s.into("c") }),
      ...client(s, srv),
    ]);
    sys.process("server", { locals: { c: -1, ...locals } }, (s) => [
      sockAccept(srv, { conn: s.into("c") }),
      ...server(s, srv),
    ]);
    return sys;
  };
}

/** A step that waits until global `flag` is at least `n`. */
const after = (s: SB, n: number) => s.when(`flag >= ${n}`, ({ g }) => g.flag >= n);
/** A step that sets global `flag` to `n`. */
const mark = (s: SB, n: number) => s.do(`flag = ${n}`, ({ g }) => (g.flag = n));

// --- declarations ------------------------------------------------------------------

Deno.test("unixStream: bad declarations and calls throw at once", () => {
  const sys = system({});
  assert.throws(() => unixStream(sys, "s", { connections: 0 }), /connections must be >= 1, got 0/);
  assert.throws(() => unixStream(sys, "s", { buffer: 0 }), /buffer must be >= 1, got 0/);
  assert.throws(
    () => unixStream(sys, "s", { type: "dgram" as "stream" }),
    /type must be "stream" or "seqpacket"/,
  );
  assert.throws(
    () => unixStream(sys, "s", { listening: { backlog: -1 } }),
    /listening.backlog must be >= 0, got -1/,
  );
  assert.throws(
    () => unixStream(sys, "s", { type: "seqpacket", shortReads: true }),
    /shortReads applies to type "stream" only/,
  );
  assert.throws(() => unixStream({} as Sys, "s"), /first argument must be the system/);
  assert.throws(() => unixStream(sys, ""), /socket name must be a non-empty identifier/);
  const s = unixStream(sys, "s", { buffer: 2 });
  assert.throws(
    () => sockSend(s, { conn: 0, bytes: 3 }),
    /a send of 3 bytes never fits the buffer of 2 bytes/,
  );
  assert.throws(() => sockSend(s, { conn: 4, bytes: 1 }), /conn must be <= 3, got 4/);
  assert.throws(() => sockRecv(s, { conn: 0, bytes: 0 }), /bytes must be >= 1, got 0/);
  const t = { kind: "into" as const, set: () => {}, text: "t" };
  assert.throws(
    () => sockRecv(s, { conn: 0, bytes: 1, truncated: t }),
    /truncated applies to seqpacket sockets only/,
  );
  assert.throws(() => sockListen(s, { backlog: -1 }), /backlog must be >= 0/);
  // deno-lint-ignore no-explicit-any
  const loose = (o: unknown) => o as any;
  assert.throws(
    () => sockSendNonblock(s, loose({ conn: 0, bytes: 1 })),
    /status target is required/,
  );
  assert.throws(
    () => sockRecvNonblock(s, loose({ conn: 0, bytes: 1 })),
    /status target is required/,
  );
  assert.throws(() => sockConnect(s, loose({})), /a conn target is required/);
  assert.throws(() => sockAccept(s, loose({})), /a conn target is required/);
  assert.throws(
    () => sockSend(s, loose({ conn: "x", bytes: 1 })),
    /conn must be a number or s.expr/,
  );
  // A seqpacket record may be longer than the buffer: the buffer counts records.
  const q = unixStream(sys, "q", { type: "seqpacket", buffer: 1 });
  assert.equal(sockSend(q, { conn: 0, bytes: 5 }).kind, "op");
});

Deno.test("unixStream: an unknown listening holder is an error verdict naming the processes", () => {
  const r = check(mk("bad_holder", () => {
    const sys = system({});
    const srv = unixStream(sys, "srv", { listening: { backlog: 0, holders: ["nobody"] } });
    sys.process("p", { locals: { c: -1 } }, (s) => [sockConnect(srv, { conn: s.into("c") })]);
    return sys;
  }));
  assert.equal(r.verdict, "error");
  assert.match(r.error!.message, /listening.holders: no process 'nobody' \(processes: p#0\)/);
});

Deno.test("unixStream: by default the listener is held by the processes that accept or close it", () => {
  const model = mk("holders", () => {
    const { sys, srv } = listening(0);
    sys.process("client", { locals: { c: -1 } }, (s) => [sockConnect(srv, { conn: s.into("c") })]);
    sys.process("server", { count: 2, locals: { c: -1 } }, (s) => [
      sockAccept(srv, { conn: s.into("c") }),
    ]);
    sys.process("closer", {}, () => [sockCloseListener(srv)]);
    return sys;
  }).compile();
  assert.match(
    model.explanation!.format(initial(model)),
    /srv=listening\(0\)\{server#0,server#1,closer#0\} accept\[\] /,
  );
});

// --- connection setup --------------------------------------------------------------

/**
 * A client making `tries` non-blocking connects with nobody accepting,
 * recording each status; the server keeps the listener open meanwhile.
 */
function nonblockConnects(backlog: number, tries: number): string[] {
  const e = ends(() => {
    const sys = system({ sts: array(tries, 0, { min: 0, max: 255 }), done: false });
    const srv = unixStream(sys, "srv", { connections: tries, listening: { backlog } });
    sys.process("server", {}, (s) => [
      s.when("client done", ({ g }) => g.done),
      sockCloseListener(srv),
    ]);
    sys.process("client", { locals: { i: 0, c: -1, st: status() } }, (s) => [
      s.while(({ l }) => l.i < tries, [
        sockConnectNonblock(srv, { conn: s.into("c"), status: s.into("st") }),
        s.do("record", ({ g, l }) => {
          g.sts[l.i++] = l.st;
        }),
      ]),
      s.do("done", ({ g }) => (g.done = true)),
    ]);
    return sys;
  });
  return endValues(e, "sts");
}

Deno.test("listen(backlog): backlog + 1 connections wait un-accepted, the next connectNonblock gets EAGAIN", () => {
  const ok = Errno.OK, again = Errno.EAGAIN;
  assert.deepEqual(nonblockConnects(0, 2), [`[${ok},${again}]`]);
  assert.deepEqual(nonblockConnects(1, 3), [`[${ok},${ok},${again}]`]);
  assert.deepEqual(nonblockConnects(2, 4), [`[${ok},${ok},${ok},${again}]`]);
});

Deno.test("a blocking connect waits while the accept queue is full, until accept makes room", () => {
  // Backlog 0: one connection waits; the second client blocks in connect
  // while the server does not accept: a deadlock naming connect.
  const blocked = check(mk("connect_blocks", () => {
    const { sys, srv } = listening(0);
    sys.process("server", {}, (s) => [s.when("never", () => false), sockCloseListener(srv)]);
    sys.process("client", { count: 2, locals: { c: -1 } }, (s) => [
      sockConnect(srv, { conn: s.into("c") }),
      s.when("never", () => false),
    ]);
    return sys;
  }));
  assert.equal(blocked.violation?.property, "deadlock");
  const waiting = blocked.violation!.blocked!.filter((b) => b.step === "connect(srv)");
  assert.equal(waiting.length, 1, "exactly one client is blocked in connect");
  assert.match(
    waiting[0]!.waitsOn[0]!,
    /^connect\(srv\) \(srv = listening\(0\)\{server#0\} accept\[#0\]/,
  );
  // With a server accepting twice, both connect: ok.
  const served = check(mk("connect_waits", () => {
    const { sys, srv } = listening(0);
    sys.process("server", { locals: { c: -1, k: 0 } }, (s) => [
      s.while(({ l }) => l.k < 2, [
        sockAccept(srv, { conn: s.into("c") }),
        s.do("k++", ({ l }) => l.k++),
      ]),
    ]);
    sys.process("client", { count: 2, locals: { c: -1 } }, (s) => [
      sockConnect(srv, { conn: s.into("c") }),
    ]);
    sys.always("pending <= backlog + 1", (v) => v.value(srv) <= 1);
    return sys;
  }));
  assert.equal(served.verdict, "ok", served.violation?.message);
});

Deno.test("connect: ENOENT before the socket file exists, ECONNREFUSED once the listener closed", () => {
  const e = ends(() => {
    const sys = system({});
    const srv = unixStream(sys, "srv");
    sys.process("server", { locals: { st: status() } }, (s) => [
      sockListen(srv, { backlog: 0, status: s.into("st") }),
      sockCloseListener(srv),
    ]);
    sys.process("client", { locals: { c: -1, st: status() } }, (s) => [
      sockConnectNonblock(srv, { conn: s.into("c"), status: s.into("st") }),
    ]);
    return sys;
  });
  assert.deepEqual(endLocals(e, "client#0"), [
    "{c=-1,st=ECONNREFUSED}",
    "{c=-1,st=ENOENT}",
    "{c=0,st=OK}",
  ]);
  // A blocked connect wakes with ECONNREFUSED when the listener closes.
  const woken = ends(() => {
    const { sys, srv } = listening(0);
    sys.process("first", { locals: { c: -1 } }, (s) => [
      sockConnect(srv, { conn: s.into("c") }),
      mark(s, 1),
      after(s, 3),
    ]);
    sys.process("second", { locals: { c: -1, st: status() } }, (s) => [
      after(s, 1),
      mark(s, 2),
      sockConnect(srv, { conn: s.into("c"), status: s.into("st") }),
      mark(s, 3),
    ]);
    sys.process("server", {}, (s) => [after(s, 2), sockCloseListener(srv)]);
    return sys;
  });
  assert.deepEqual(endLocals(woken, "second#0"), ["{c=-1,st=ECONNREFUSED}"]);
  // Without a status target the error is a 'socket error' violation.
  const r = check(mk("refused", () => {
    const sys = system({});
    const srv = unixStream(sys, "srv");
    sys.process("client", { locals: { c: -1 } }, (s) => [sockConnect(srv, { conn: s.into("c") })]);
    return sys;
  }));
  assert.equal(r.violation?.property, "socket error");
  assert.equal(
    r.violation?.message,
    "client#0 connects to 'srv': ENOENT (no socket file) with no status target",
  );
});

Deno.test("connected once connect returns: data sent before accept is kept for the server", () => {
  // The client connects, sends 2 bytes and exits before the server accepts;
  // the server then reads the 2 bytes, and EOF.
  const e = ends(() => {
    const { sys, srv } = listening(0);
    sys.process("client", { locals: { c: -1 } }, (s) => [
      sockConnect(srv, { conn: s.into("c") }),
      sockSend(srv, { conn: h(s), bytes: 2, value: 7 }),
      mark(s, 1), // the last step: the client exits with it
    ]);
    sys.process("server", { locals: { c: -1, a: 0, b: -1 } }, (s) => [
      after(s, 1),
      sockAccept(srv, { conn: s.into("c") }),
      sockRecv(srv, { conn: h(s), bytes: 2, count: s.into("a"), into: digits(s) }),
      sockRecv(srv, { conn: h(s), bytes: 2, count: s.into("b") }),
    ]);
    return sys;
  });
  assert.deepEqual(endValues(e, "seq"), ["77"]);
  assert.deepEqual(endLocals(e, "server#0"), ["{c=1,a=2,b=0}"]);
});

Deno.test("accept blocks while nothing is pending; acceptNonblock gets EAGAIN and handle -1", () => {
  const r = check(mk("accept_blocks", () => {
    const { sys, srv } = listening(0);
    sys.process("server", { locals: { c: -1 } }, (s) => [sockAccept(srv, { conn: s.into("c") })]);
    return sys;
  }));
  assert.equal(r.violation?.property, "deadlock");
  assert.deepEqual(r.violation?.blocked?.[0]?.waitsOn, [
    "accept(srv) (srv = listening(0){server#0} accept[])",
  ]);
  const e = ends(() => {
    const { sys, srv } = listening(0);
    sys.process("server", { locals: { c: 5, st: status() } }, (s) => [
      sockAcceptNonblock(srv, { conn: s.into("c"), status: s.into("st") }),
    ]);
    return sys;
  });
  assert.deepEqual(endLocals(e, "server#0"), ["{c=-1,st=EAGAIN}"]);
});

Deno.test("accept takes the oldest pending connection first", () => {
  // a connects before b (forced); each sends its value; once both are
  // pending the server accepts twice, reading one byte from each.
  const e = ends(() => {
    const { sys, srv } = listening(1);
    for (const [who, v] of [["a", 1], ["b", 2]] as const) {
      sys.process(who, { locals: { c: -1 } }, (s) => [
        after(s, v - 1),
        sockConnect(srv, { conn: s.into("c") }),
        sockSend(srv, { conn: h(s), bytes: 1, value: v }),
        mark(s, v),
        s.when("served", ({ g }) => g.flag2 === 2),
      ]);
    }
    sys.process("server", { locals: { c: -1, k: 0 } }, (s) => [
      after(s, 2),
      s.while(({ l }) => l.k < 2, [
        sockAccept(srv, { conn: s.into("c") }),
        sockRecv(srv, { conn: h(s), bytes: 1, into: digits(s) }),
        s.do("k++", ({ g, l }) => {
          l.k++;
          g.flag2++;
        }),
      ]),
    ]);
    return sys;
  });
  assert.deepEqual(endValues(e, "seq"), ["12"]);
});

Deno.test("blocked connectors: either one may take the place an accept frees", () => {
  // Backlog 0 and a first client pending: a and b block in connect. Each
  // accept frees one place, and either blocked client may take it.
  const e = ends(() => {
    const { sys, srv } = listening(0);
    sys.process("first", { locals: { c: -1 } }, (s) => [
      sockConnect(srv, { conn: s.into("c") }),
      mark(s, 1),
    ]);
    for (const [who, v] of [["a", 1], ["b", 2]] as const) {
      sys.process(who, { locals: { c: -1 } }, (s) => [
        after(s, 1),
        sockConnect(srv, { conn: s.into("c") }),
        s.do("record", ({ g }) => {
          g.seq = g.seq * 10 + v;
        }),
      ]);
    }
    sys.process("server", { locals: { c: -1, k: 0 } }, (s) => [
      after(s, 1),
      s.while(({ l }) => l.k < 3, [
        sockAccept(srv, { conn: s.into("c") }),
        s.do("k++", ({ l }) => l.k++),
      ]),
    ]);
    return sys;
  });
  assert.deepEqual(endValues(e, "seq"), ["12", "21"]);
});

Deno.test("listen: the caller holds the listener; another process gets EADDRINUSE, also after close", () => {
  const e = ends(() => {
    const sys = system({});
    const srv = unixStream(sys, "srv");
    sys.process("a", { locals: { st: status(), again: status() } }, (s) => [
      sockListen(srv, { backlog: 0, status: s.into("st") }),
      sockListen(srv, { backlog: 2, status: s.into("again") }),
    ]);
    sys.process("b", { locals: { st: status() } }, (s) => [
      sockListen(srv, { backlog: 1, status: s.into("st") }),
    ]);
    return sys;
  });
  // Whoever binds first holds it; the other gets EADDRINUSE. a's second
  // call re-listens while a holds it, else gets EADDRINUSE.
  assert.deepEqual(endLocals(e, "a#0"), [
    "{st=EADDRINUSE,again=EADDRINUSE}",
    "{st=OK,again=OK}",
  ]);
  assert.deepEqual(endLocals(e, "b#0"), ["{st=EADDRINUSE}", "{st=OK}"]);
  const model = mk("relisten", () => {
    const sys = system({});
    const srv = unixStream(sys, "srv");
    sys.process("a", {}, () => [sockListen(srv, { backlog: 0 }), sockListen(srv, { backlog: 2 })]);
    return sys;
  }).compile();
  let s = initial(model);
  s = fireOp(model, s, "a#0 listen(srv, 0)");
  assert.match(model.explanation!.format(s), /^srv=listening\(0\)\{a#0\} accept\[\]/);
  s = fireOp(model, s, "a#0 listen(srv, 2)");
  // The new backlog is gone with the listener when a exited: the file remains.
  assert.match(model.explanation!.format(s), /^srv=closed a#0@end/);
  assert.equal(
    check(mk("relisten_bl", () => {
      const sys = system({});
      const srv = unixStream(sys, "srv");
      sys.process("a", {}, (s) => [
        sockListen(srv, { backlog: 0 }),
        sockListen(srv, { backlog: 2 }),
        s.when("never", () => false),
      ]);
      return sys;
    })).violation?.state.includes("listening(2){a#0}"),
    true,
  );
});

// --- data --------------------------------------------------------------------------

Deno.test("stream: no boundaries: two sends come back as one read", () => {
  const e = ends(pair(
    {},
    (s, srv) => [
      sockSend(srv, { conn: h(s), bytes: 1, value: 1 }),
      sockSend(srv, { conn: h(s), bytes: 1, value: 2 }),
      mark(s, 1),
    ],
    (s, srv) => [
      after(s, 1),
      sockRecv(srv, { conn: h(s), bytes: 2, into: digits(s), count: s.into("n") }),
    ],
    { n: 0 },
  ));
  assert.deepEqual(endValues(e, "seq"), ["12"]);
  assert.deepEqual(endLocals(e, "server#0"), ["{c=1,n=2}"]);
});

Deno.test("stream: a read returns min(n, queued) at once; shortReads explores every size", () => {
  for (const shortReads of [false, true]) {
    const model = mk(
      "reads",
      pair(
        { shortReads, buffer: 3 },
        (s, srv) => [sockSend(srv, { conn: 0, bytes: 3, value: 4 }), mark(s, 1)],
        (s, srv) => [after(s, 1), sockRecv(srv, { conn: 1, bytes: 2 })],
      ),
    ).compile();
    let s = initial(model);
    s = fireOp(model, s, "client#0 connect(srv)");
    s = fireOp(model, s, "server#0 accept(srv)");
    s = fireOp(model, s, "client#0 send(srv, 0, 3)");
    s = fireOp(model, s, "client#0 flag = 1");
    s = fireOp(model, s, "server#0 when flag >= 1");
    assert.deepEqual(
      opsOf(model, s),
      shortReads
        ? ["server#0 recv(srv, 1, 2) [1 byte]", "server#0 recv(srv, 1, 2) [2 bytes]"]
        : ["server#0 recv(srv, 1, 2)"],
    );
  }
});

Deno.test("send waits for room for the whole send, and never splits it", () => {
  // Buffer 2 holding 1 byte: a 2-byte send blocks (nothing of it is queued)
  // until the server reads; then both bytes go in at once.
  const model = mk(
    "room",
    pair(
      {},
      (_s, srv) => [
        sockSend(srv, { conn: 0, bytes: 1, value: 1 }),
        sockSend(srv, { conn: 0, bytes: 2, value: 2 }),
      ],
      (s, srv) => [sockRecv(srv, { conn: 1, bytes: 1, into: digits(s) }), after(s, 9)],
    ),
  ).compile();
  let s = initial(model);
  s = fireOp(model, s, "client#0 connect(srv)");
  s = fireOp(model, s, "server#0 accept(srv)");
  s = fireOp(model, s, "client#0 send(srv, 0, 1)");
  assert.deepEqual(opsOf(model, s), ["server#0 recv(srv, 1, 1)"], "the client is blocked");
  assert.match(model.explanation!.format(s), /#0\{client#0 \[\] \| server#0 \[1\]\}/);
  s = fireOp(model, s, "server#0 recv(srv, 1, 1)");
  s = fireOp(model, s, "client#0 send(srv, 0, 2)");
  assert.match(model.explanation!.format(s), /#0\{closed \[\] \| server#0 \[2,2\]\} client#0@end/);
  // With nobody reading, a sender blocks once the buffer is full: deadlock.
  const r = check(mk(
    "full",
    pair(
      {},
      (_s, srv) => [
        sockSend(srv, { conn: 0, bytes: 2, value: 1 }),
        sockSend(srv, { conn: 0, bytes: 1, value: 2 }),
      ],
      (s) => [s.when("never", () => false)],
    ),
  ));
  assert.equal(r.violation?.property, "deadlock");
  assert.deepEqual(
    r.violation?.blocked?.find((b) => b.process === "client#0")?.waitsOn,
    ["send(srv, 0, 1) (srv = listening(0){server#0} accept[] #0{client#0 [] | server#0 [1,1]})"],
  );
});

Deno.test("sendNonblock: EAGAIN with nothing sent when the send does not fit", () => {
  const e = ends(pair(
    {},
    (s, srv) => [
      sockSend(srv, { conn: 0, bytes: 1, value: 1 }),
      sockSendNonblock(srv, {
        conn: h(s),
        bytes: 2,
        value: 2,
        status: s.into("st"),
        count: s.into("n"),
      }),
      mark(s, 1),
    ],
    (s, srv) => [
      after(s, 1),
      sockRecv(srv, { conn: 1, bytes: 2, into: digits(s), count: s.into("n") }),
    ],
    { st: status(), n: 0 },
  ));
  assert.deepEqual(endLocals(e, "client#0"), ["{c=0,st=EAGAIN,n=-1}"]);
  assert.deepEqual(endValues(e, "seq"), ["1"]);
});

Deno.test("recvNonblock: EAGAIN (count -1) on an empty queue while the peer may send, 0 at EOF", () => {
  const e = ends(pair(
    {},
    (s, srv) => [after(s, 1), sockShutdown(srv, { conn: 0 }), mark(s, 2)],
    (s, srv) => [
      sockRecvNonblock(srv, { conn: 1, bytes: 1, status: s.into("a"), count: s.into("na") }),
      mark(s, 1),
      after(s, 2),
      sockRecvNonblock(srv, { conn: 1, bytes: 1, status: s.into("b"), count: s.into("nb") }),
    ],
    { a: status(), na: 0, b: status(), nb: 0 },
  ));
  assert.deepEqual(endLocals(e, "server#0"), ["{c=1,a=EAGAIN,na=-1,b=OK,nb=0}"]);
});

// --- shutdown and close --------------------------------------------------------------

Deno.test("shutdown(SHUT_WR): the peer reads the rest then 0, both can still read, the closer's sends get EPIPE", () => {
  // The client sends 1, shuts down, then sends again (EPIPE + SIGPIPE) and
  // reads the server's reply. The server reads 1, then EOF twice, and
  // replies (the peer can still send).
  const e = ends(pair(
    {},
    (s, srv) => [
      sockSend(srv, { conn: 0, bytes: 1, value: 1 }),
      sockShutdown(srv, { conn: h(s) }),
      sockSend(srv, { conn: 0, bytes: 1, value: 9, status: s.into("st"), count: s.into("n") }),
      sockRecv(srv, { conn: 0, bytes: 2, into: digits(s), count: s.into("r") }),
    ],
    (s, srv) => [
      sockRecv(srv, { conn: 1, bytes: 2, into: digits(s), count: s.into("n") }),
      sockRecv(srv, { conn: 1, bytes: 2, count: s.into("r") }),
      sockRecv(srv, { conn: 1, bytes: 2, count: s.into("r") }),
      sockSend(srv, { conn: 1, bytes: 1, value: 5, status: s.into("st") }),
    ],
    { st: status(), n: 0, r: -1 },
  ));
  assert.deepEqual(endValues(e, "seq"), ["15"]);
  assert.deepEqual(endLocals(e, "client#0"), ["{c=0,st=EPIPE,n=-1,r=1}"]);
  assert.deepEqual(endLocals(e, "server#0"), ["{c=1,st=OK,n=1,r=0}"]);
  for (const s of e.ends) assert.match(s, /SIGPIPE\{client#0\}/);
});

Deno.test("a send that raises SIGPIPE with no status target is a 'broken pipe' violation", () => {
  const r = check(mk(
    "sigpipe",
    pair(
      {},
      (_s, srv) => [sockShutdown(srv, { conn: 0 }), sockSend(srv, { conn: 0, bytes: 1 })],
      () => [],
    ),
  ));
  assert.equal(r.violation?.property, "broken pipe");
  assert.match(
    r.violation!.message,
    /^client#0 sends on 'srv' connection #0 after its own shutdown: SIGPIPE kills it/,
  );
});

Deno.test("peer closed: reads return the buffered data then 0, again 0; sends get EPIPE", () => {
  const e = ends(pair(
    {},
    (s, srv) => [
      after(s, 1),
      sockRecv(srv, { conn: 0, bytes: 1, into: digits(s), count: s.into("a") }),
      sockRecv(srv, { conn: 0, bytes: 1, into: digits(s), count: s.into("b") }),
      sockRecv(srv, { conn: 0, bytes: 1, count: s.into("n") }),
      sockRecv(srv, { conn: 0, bytes: 1, count: s.into("m") }),
      sockSend(srv, { conn: 0, bytes: 1, status: s.into("st") }),
    ],
    (
      s,
      srv,
    ) => [sockSend(srv, { conn: 1, bytes: 2, value: 3 }), sockClose(srv, { conn: 1 }), mark(s, 1)],
    { a: 0, b: 0, n: -1, m: -1, st: status() },
  ));
  assert.deepEqual(endValues(e, "seq"), ["33"]);
  assert.deepEqual(endLocals(e, "client#0"), ["{c=0,a=1,b=1,n=0,m=0,st=EPIPE}"]);
});

Deno.test("a sender blocked on a full buffer wakes with EPIPE when the peer closes", () => {
  const model2 = mk(
    "wake_epipe2",
    pair(
      {},
      (s, srv) => [
        sockSend(srv, { conn: 0, bytes: 2 }),
        sockSend(srv, { conn: 0, bytes: 1, status: s.into("st") }),
        s.do("after", () => {}),
      ],
      (_s, srv) => [sockClose(srv, { conn: 1 })],
      { st: status() },
    ),
  ).compile();
  let t = initial(model2);
  t = fireOp(model2, t, "client#0 connect(srv)");
  t = fireOp(model2, t, "server#0 accept(srv)");
  t = fireOp(model2, t, "client#0 send(srv, 0, 2)");
  assert.deepEqual(opsOf(model2, t), ["server#0 close(srv, 1)"], "the client is blocked");
  t = fireOp(model2, t, "server#0 close(srv, 1)");
  t = fireOp(model2, t, "client#0 send(srv, 0, 1)");
  assert.match(
    model2.explanation!.format(t),
    /SIGPIPE\{client#0\} .*client#0@after\{c=0,st=EPIPE\}/,
  );
});

Deno.test("close with unread data: the survivor reads what was queued to it, then ECONNRESET once, then 0", () => {
  // The client sends 1 byte the server never reads; the server sends 2
  // bytes and closes. The client reads 2 bytes, then ECONNRESET, then 0.
  const e = ends(pair(
    {},
    (s, srv) => [
      sockSend(srv, { conn: 0, bytes: 1, value: 9 }),
      mark(s, 1),
      after(s, 2),
      sockRecv(srv, { conn: 0, bytes: 1, into: digits(s) }),
      sockRecv(srv, { conn: 0, bytes: 1, into: digits(s) }),
      sockRecv(srv, { conn: 0, bytes: 1, count: s.into("a"), status: s.into("sa") }),
      sockRecv(srv, { conn: 0, bytes: 1, count: s.into("b"), status: s.into("sb") }),
    ],
    (s, srv) => [
      after(s, 1),
      sockSend(srv, { conn: 1, bytes: 2, value: 5 }),
      sockClose(srv, { conn: 1 }),
      mark(s, 2),
    ],
    { a: 0, sa: status(), b: -1, sb: status() },
  ));
  assert.deepEqual(endValues(e, "seq"), ["55"]);
  assert.deepEqual(endLocals(e, "client#0"), ["{c=0,a=-1,sa=ECONNRESET,b=0,sb=OK}"]);
  // Without unread data, the same close gives a plain EOF.
  const clean = ends(pair(
    {},
    (s, srv) => [
      after(s, 2),
      sockRecv(srv, { conn: 0, bytes: 2, into: digits(s) }),
      sockRecv(srv, { conn: 0, bytes: 1, count: s.into("a"), status: s.into("sa") }),
    ],
    (s, srv) => [
      sockSend(srv, { conn: 1, bytes: 2, value: 5 }),
      sockClose(srv, { conn: 1 }),
      mark(s, 2),
    ],
    { a: -1, sa: status() },
  ));
  assert.deepEqual(endLocals(clean, "client#0"), ["{c=0,a=0,sa=OK}"]);
  // Without a status target ECONNRESET is a 'socket error' violation.
  const r = check(mk(
    "reset",
    pair(
      {},
      (s, srv) => [
        sockSend(srv, { conn: 0, bytes: 1 }),
        mark(s, 1),
        sockRecv(srv, { conn: 0, bytes: 1 }),
      ],
      (s, srv) => [after(s, 1), sockClose(srv, { conn: 1 })],
    ),
  ));
  assert.equal(r.violation?.property, "socket error");
  assert.match(r.violation!.message, /^client#0 reads from 'srv' connection #0: ECONNRESET/);
});

Deno.test("the listener closing resets un-accepted connections: ECONNRESET then 0 on read, EPIPE on write", () => {
  // The client connects, sends 1 byte (discarded with the connection),
  // then the server closes the listener without accepting. Later connects
  // are refused.
  const e = ends(() => {
    const { sys, srv } = listening(0);
    sys.process("client", {
      locals: { c: -1, a: 0, sa: status(), b: -1, sw: status(), st: status(), d: -1 },
    }, (s) => [
      sockConnect(srv, { conn: s.into("c") }),
      sockSend(srv, { conn: h(s), bytes: 1, value: 4 }),
      mark(s, 1),
      after(s, 2),
      sockRecv(srv, { conn: h(s), bytes: 1, count: s.into("a"), status: s.into("sa") }),
      sockRecv(srv, { conn: h(s), bytes: 1, count: s.into("b") }),
      sockSendNonblock(srv, { conn: h(s), bytes: 1, status: s.into("sw") }),
      sockConnectNonblock(srv, { conn: s.into("d"), status: s.into("st") }),
    ]);
    sys.process("server", {}, (s) => [after(s, 1), sockCloseListener(srv), mark(s, 2)]);
    return sys;
  });
  assert.deepEqual(endLocals(e, "client#0"), [
    "{c=0,a=-1,sa=ECONNRESET,b=0,sw=EPIPE,st=ECONNREFUSED,d=-1}",
  ]);
});

Deno.test("exit closes every end and the listener: EOF for the peer, resets for pending connections", () => {
  // The server accepts one client, replies and exits without closing; a
  // second client is still pending when the server exits.
  const e = ends(() => {
    const { sys, srv } = listening(1);
    sys.process("client", { count: 2, locals: { c: -1, n: 0, m: -1, st: status() } }, (s) => [
      s.when("turn", ({ g, id }) => g.flag === id),
      sockConnect(srv, { conn: s.into("c") }),
      s.do("connected", ({ g, id }) => (g.flag = id + 1)),
      after(s, 3), // the server is gone
      sockRecv(srv, { conn: h(s), bytes: 2, count: s.into("n"), status: s.into("st") }),
      sockRecv(srv, { conn: h(s), bytes: 2, count: s.into("m") }),
    ]);
    sys.process("server", { locals: { c: -1 } }, (s) => [
      after(s, 1),
      sockAccept(srv, { conn: s.into("c") }),
      sockSend(srv, { conn: h(s), bytes: 2, value: 1 }),
      after(s, 2),
      mark(s, 3), // the last step: the server exits with it
    ]);
    return sys;
  });
  assert.deepEqual(endLocals(e, "client#0"), ["{c=0,n=2,m=0,st=OK}"]);
  assert.deepEqual(endLocals(e, "client#1"), ["{c=2,n=-1,m=0,st=ECONNRESET}"]);
  for (const s of e.ends) assert.match(s, /^seq=0 flag=3 flag2=0 srv=closed client/);
});

Deno.test("exit with unread data resets the peer, as close does", () => {
  const e = ends(pair(
    {},
    (s, srv) => [
      sockSend(srv, { conn: 0, bytes: 1 }),
      mark(s, 1),
      after(s, 2), // the server is gone
      sockRecv(srv, { conn: 0, bytes: 1, count: s.into("n"), status: s.into("st") }),
    ],
    (s) => [after(s, 1), mark(s, 2)], // exits with the byte unread
    { n: 0, st: status() },
  ));
  assert.deepEqual(endLocals(e, "client#0"), ["{c=0,n=-1,st=ECONNRESET}"]);
});

Deno.test("handles: using an end the process does not hold is an error of the spec (EBADF)", () => {
  const closed = check(mk(
    "after_close",
    pair(
      {},
      (s, srv) => [sockClose(srv, { conn: h(s) }), sockRecv(srv, { conn: h(s), bytes: 1 })],
      () => [],
    ),
  ));
  assert.equal(closed.verdict, "error");
  assert.match(
    closed.error!.message,
    /client#0 calls recv on socket 'srv' with handle 0, an end it does not hold \(EBADF\)/,
  );
  const others = check(mk(
    "others",
    pair(
      {},
      (_s, srv) => [sockSend(srv, { conn: 1, bytes: 1 })],
      () => [],
    ),
  ));
  assert.match(others.error!.message, /client#0 calls send on socket 'srv' with handle 1/);
  const noListener = check(mk("no_listener", () => {
    const sys = system({});
    const srv = unixStream(sys, "srv", { listening: { backlog: 0, holders: [] } });
    sys.process("p", { locals: { c: -1 } }, (s) => [sockAccept(srv, { conn: s.into("c") })]);
    return sys;
  }));
  assert.match(
    noListener.error!.message,
    /p#0 accepts on 'srv' without holding its listening socket/,
  );
  const twice = check(mk("twice", () => {
    const { sys, srv } = listening(0);
    sys.process("p", {}, () => [sockCloseListener(srv), sockCloseListener(srv)]);
    return sys;
  }));
  assert.match(twice.error!.message, /closes the listening socket 'srv', which it does not hold/);
});

Deno.test("the pool of connection slots is an exploration bound: verdict incomplete", () => {
  const r = check(mk("pool", () => {
    const { sys, srv } = listening(1, { connections: 1 });
    sys.process("client", { count: 2, locals: { c: -1, st: status() } }, (s) => [
      sockConnect(srv, { conn: s.into("c"), status: s.into("st") }),
    ]);
    sys.process("server", { locals: { c: -1 } }, (s) => [sockAccept(srv, { conn: s.into("c") })]);
    return sys;
  }));
  assert.equal(r.verdict, "incomplete", r.violation?.message);
  // Without a status target connect is a choice of the connect and the
  // bound, which is cut the same way.
  const model = mk("pool2", () => {
    const { sys, srv } = listening(1, { connections: 1 });
    sys.process("client", { count: 2, locals: { c: -1 } }, (s) => [
      sockConnect(srv, { conn: s.into("c") }),
    ]);
    sys.process("server", {}, (s) => [s.when("never", () => false), sockCloseListener(srv)]);
    return sys;
  }).compile();
  const s0 = fireOp(model, initial(model), "client#0 connect(srv)");
  assert.deepEqual(opsOf(model, s0), ["client#1 connect(srv): every connection slot in use"]);
  const t = enabled(model, s0)[0]!;
  const cut = fire(model, s0, t);
  assert.ok(!(cut instanceof Int32Array));
  assert.equal(model.properties[cut.property]?.name, SOCKET_CONNECTIONS);
  assert.equal(model.properties[cut.property]?.kind, "bound");
  // A slot is freed once both ends are closed, and reused: ok.
  const reuse = check(mk("reuse", () => {
    const { sys, srv } = listening(1, { connections: 1 });
    // client#id connects at flag 2id and closes (flag 2id + 1); the server
    // accepts, closes, waits for the client's close, and lets the next in.
    sys.process("client", { count: 2, locals: { c: -1 } }, (s) => [
      s.when("turn", ({ g, id }) => g.flag === 2 * id),
      sockConnect(srv, { conn: s.into("c") }),
      sockClose(srv, { conn: h(s) }),
      s.do("closed", ({ g }) => g.flag++),
    ]);
    sys.process("server", { locals: { c: -1, k: 0 } }, (s) => [
      s.while(({ l }) => l.k < 2, [
        sockAccept(srv, { conn: s.into("c") }),
        sockClose(srv, { conn: h(s) }),
        s.when("client closed", ({ g, l }) => g.flag === 2 * l.k + 1),
        s.do("k++", ({ g, l }) => {
          l.k++;
          g.flag++;
        }),
      ]),
    ]);
    return sys;
  }));
  assert.equal(reuse.verdict, "ok", reuse.violation?.message);
});

Deno.test("a blocking call reads an expression handle and size in its guard: one transition", () => {
  const model = mk(
    "guard",
    pair(
      {},
      (s, srv) => [
        sockSend(srv, { conn: h(s), bytes: 2, value: 1 }),
        sockSend(srv, { conn: h(s), bytes: s.expr(({ l }) => l.c + 1), value: 3 }),
      ],
      () => [],
    ),
  ).compile();
  let s = initial(model);
  s = fireOp(model, s, "client#0 connect(srv)");
  s = fireOp(model, s, "client#0 send(srv, conn, 2)");
  // The buffer is full: the second send (1 byte: the handle 0 + 1) blocks,
  // which its guard knows from the caller's locals.
  assert.deepEqual(opsOf(model, s), ["server#0 accept(srv)"]);
  assert.match(model.explanation!.format(s), /#0\{client#0 \[\] \| pending \[1,1\]\}/);
});

Deno.test("interruptible(): a signal handler interrupts a blocked receive with EINTR", () => {
  const e = ends(() => {
    const { sys, srv } = listening(0);
    const t = signals("sig");
    sys.process("client", {
      locals: { c: -1, st: { ...status(), init: 99 } },
      signals: { SIGUSR1: ({ g }) => g.flag2++ },
    }, (s) => [
      sockConnect(srv, { conn: s.into("c") }),
      mark(s, 1),
      interruptible(sockRecv(srv, { conn: h(s), bytes: 1 }), s.into("st")),
    ]);
    sys.process("server", { locals: { c: -1 } }, (s) => [
      sockAccept(srv, { conn: s.into("c") }),
      s.when("never", () => false),
    ]);
    sys.process("killer", {}, (s) => [after(s, 1), kill(t, 0, "SIGUSR1")]);
    return sys;
  });
  // Interrupted while blocked (EINTR), or handled just before the call,
  // which then blocks for ever (no data, no EOF).
  assert.deepEqual(endLocals(e, "client#0"), ["{c=0,st=99}", "{c=0,st=EINTR}"]);
});

Deno.test("unixStream: footprints name the slots of the connection a static handle uses", () => {
  const sys = system({});
  const srv = unixStream(sys, "srv", { connections: 2, buffer: 1 });
  const steps = [
    sockSend(srv, { conn: 3, bytes: 1 }),
    sockRecv(srv, { conn: 0, bytes: 1 }),
    sockClose(srv, { conn: 2 }),
  ];
  sys.process("p", {}, () => steps);
  const [send, recv, close] = steps.map((s) => (s as Extract<Step, { kind: "op" }>).op.footprint!);
  // 5 listener slots + 2 accept-queue slots; a connection is 1 + 2 x (3 + 1) = 9 slots.
  assert.equal(srv.slots, 5 + 2 + 2 * 9);
  const conn1 = Array.from({ length: 9 }, (_, k) => 16 + k);
  const conn0 = Array.from({ length: 9 }, (_, k) => 7 + k);
  assert.deepEqual(send, { reads: conn1, writes: [3, ...conn1] });
  assert.deepEqual(recv, { reads: conn0, writes: conn0 });
  assert.deepEqual(close, { reads: conn1, writes: conn1 });
});

Deno.test("a deadlock report names the socket as held by the processes that keep the peer from EOF", () => {
  const r = check(mk(
    "held",
    pair(
      {},
      (_s, srv) => [sockRecv(srv, { conn: 0, bytes: 1 })],
      (_s, srv) => [sockRecv(srv, { conn: 1, bytes: 1 })],
    ),
  ));
  assert.equal(r.violation?.property, "deadlock");
  assert.deepEqual(r.violation?.blocked?.map((b) => [b.process, b.holds]), [
    ["client#0", ["srv"]],
    ["server#0", ["srv"]],
  ]);
});

// --- seqpacket ---------------------------------------------------------------------

Deno.test("seqpacket: records keep boundaries; a short buffer truncates with the flag and drops the rest", () => {
  const e = ends(pair(
    { type: "seqpacket", buffer: 3 },
    (s, srv) => [
      sockSend(srv, { conn: 0, bytes: 3, value: 1 }),
      sockSend(srv, { conn: 0, bytes: 1, value: 2 }),
      mark(s, 1),
    ],
    (s, srv) => [
      after(s, 1),
      sockRecv(srv, {
        conn: 1,
        bytes: 2,
        into: digits(s),
        count: s.into("a"),
        truncated: s.into("ta"),
      }),
      sockRecv(srv, {
        conn: 1,
        bytes: 2,
        into: digits(s),
        count: s.into("b"),
        truncated: s.into("tb"),
      }),
    ],
    { a: 0, ta: 0, b: 0, tb: 0 },
  ));
  assert.deepEqual(endValues(e, "seq"), ["12"]);
  assert.deepEqual(endLocals(e, "server#0"), ["{c=1,a=2,ta=1,b=1,tb=0}"]);
});

Deno.test("seqpacket: a zero-length record reads as 0, like EOF; after the peer closes EOF, then EPIPE", () => {
  const e = ends(pair(
    { type: "seqpacket" },
    (s, srv) => [
      sockSend(srv, { conn: 0, bytes: 0, value: 6 }),
      sockClose(srv, { conn: 0 }),
      mark(s, 1),
    ],
    (s, srv) => [
      after(s, 1),
      sockRecv(srv, { conn: 1, bytes: 2, into: s.into("v"), count: s.into("a") }),
      sockRecv(srv, { conn: 1, bytes: 2, count: s.into("b") }),
      sockSend(srv, { conn: 1, bytes: 1, status: s.into("st") }),
    ],
    { v: 0, a: -1, b: -1, st: status() },
  ));
  assert.deepEqual(endLocals(e, "server#0"), ["{c=1,v=6,a=0,b=0,st=EPIPE}"]);
});

Deno.test("seqpacket: the buffer counts records, whatever their length", () => {
  const r = check(mk(
    "records",
    pair(
      { type: "seqpacket", buffer: 2 },
      (_s, srv) => [
        sockSend(srv, { conn: 0, bytes: 5 }),
        sockSend(srv, { conn: 0, bytes: 0 }),
        sockSend(srv, { conn: 0, bytes: 1 }),
      ],
      (s) => [s.when("never", () => false)],
    ),
  ));
  assert.equal(r.violation?.property, "deadlock");
  assert.match(
    r.violation!.blocked!.find((b) => b.process === "client#0")!.waitsOn[0]!,
    /send\(srv, 0, 1\) .*#0\{client#0 \[\] \| server#0 \[1:5,1:0\]\}/,
  );
});

// --- datagrams ---------------------------------------------------------------------

Deno.test("unixDgram: bad declarations and calls throw at once", () => {
  const sys = system({});
  assert.throws(() => unixDgram(sys, "d", { queue: 0 }), /queue must be >= 1, got 0/);
  assert.throws(() => unixDgram(sys, "d", { maxMessage: -1 }), /maxMessage must be >= 0/);
  assert.throws(
    () => unixDgram(sys, "d", { bound: false, holders: ["p"] }),
    /holders apply to a socket bound at the start/,
  );
  assert.throws(() => unixDgram({} as Sys, "d"), /first argument must be the system/);
  const d = unixDgram(sys, "d");
  assert.throws(() => dgramSend(d, { bytes: -1 }), /bytes must be >= 0, got -1/);
  // deno-lint-ignore no-explicit-any
  const loose = (o: unknown) => o as any;
  assert.throws(() => dgramSendNonblock(d, loose({ bytes: 1 })), /status target is required/);
  assert.throws(() => dgramRecvNonblock(d, loose({ bytes: 1 })), /status target is required/);
});

/** A port held by `receiver`, and a sender. */
function dgram(
  opts: Parameters<typeof unixDgram>[2],
  sender: (s: SB, port: ReturnType<typeof unixDgram>) => Step[],
  receiver: (s: SB, port: ReturnType<typeof unixDgram>) => Step[],
  // deno-lint-ignore no-explicit-any
  locals: Record<string, any> = {},
): () => Sys {
  return () => {
    const sys = system({ seq: 0, flag: 0 });
    const port = unixDgram(sys, "port", opts);
    sys.process("sender", { locals }, (s) => sender(s, port));
    sys.process("receiver", { locals }, (s) => receiver(s, port));
    return sys;
  };
}

Deno.test("dgram: boundaries kept, zero-length datagrams delivered, in order", () => {
  const e = ends(dgram(
    { queue: 3 },
    (s, port) => [
      dgramSend(port, { bytes: 2, value: 1 }),
      dgramSend(port, { bytes: 0, value: 2 }),
      dgramSend(port, { bytes: 1, value: 3 }),
      mark(s, 1),
    ],
    (s, port) => [
      after(s, 1),
      ...[1, 2, 3].map((_k) =>
        dgramRecv(port, {
          bytes: 4,
          into: digits(s),
          count: s.into(({ l }, n) => {
            l.lens = l.lens * 10 + n;
          }),
          from: s.into("from"),
        })
      ),
    ],
    { lens: 0, from: -1 },
  ));
  assert.deepEqual(endValues(e, "seq"), ["123"]);
  assert.deepEqual(endLocals(e, "receiver#0"), ["{lens=201,from=0}"]);
});

Deno.test("dgram: a short buffer truncates with the flag and discards the rest; trunc returns the real length", () => {
  const e = ends(dgram(
    {},
    (_s, port) => [
      dgramSend(port, { bytes: 3, value: 1 }),
      dgramSend(port, { bytes: 3, value: 2 }),
    ],
    (s, port) => [
      dgramRecv(port, { bytes: 2, into: digits(s), count: s.into("a"), truncated: s.into("ta") }),
      dgramRecv(port, {
        bytes: 2,
        into: digits(s),
        count: s.into("b"),
        truncated: s.into("tb"),
        trunc: true,
      }),
    ],
    { a: 0, ta: 0, b: 0, tb: 0 },
  ));
  assert.deepEqual(endValues(e, "seq"), ["12"]);
  assert.deepEqual(endLocals(e, "receiver#0"), ["{a=2,ta=1,b=3,tb=1}"]);
});

Deno.test("dgram: the queue holds `queue` datagrams; a blocking sender sleeps, a non-blocking one gets EAGAIN", () => {
  const r = check(mk(
    "dgram_full",
    dgram(
      { queue: 2, holders: ["receiver"] },
      (_s, port) => [
        dgramSend(port, { bytes: 1, value: 1 }),
        dgramSend(port, { bytes: 1, value: 2 }),
        dgramSend(port, { bytes: 1, value: 3 }),
      ],
      (s) => [s.when("never", () => false)],
    ),
  ));
  assert.equal(r.violation?.property, "deadlock");
  assert.deepEqual(
    r.violation?.blocked?.find((b) => b.process === "sender#0")?.waitsOn,
    ["sendto(port, 1) (port = [1:1,2:1] {receiver#0})"],
  );
  const e = ends(dgram(
    { queue: 2, holders: ["receiver"] },
    (s, port) => [
      dgramSendNonblock(port, { bytes: 1, status: s.into("a") }),
      dgramSendNonblock(port, { bytes: 1, status: s.into("b") }),
      dgramSendNonblock(port, { bytes: 1, status: s.into("c"), count: s.into("n") }),
      mark(s, 1),
    ],
    (s) => [after(s, 1)],
    { a: status(), b: status(), c: status(), n: 0 },
  ));
  assert.deepEqual(endLocals(e, "sender#0"), ["{a=OK,b=OK,c=EAGAIN,n=-1}"]);
});

Deno.test("dgram: a blocked sender wakes when the receiver reads; several may go next", () => {
  const e = ends(() => {
    const sys = system({ seq: 0, flag: 0 });
    const port = unixDgram(sys, "port", { queue: 1 });
    sys.process("first", {}, (s) => [dgramSend(port, { bytes: 1, value: 9 }), mark(s, 1)]);
    for (const [who, v] of [["a", 1], ["b", 2]] as const) {
      sys.process(who, {}, (s) => [after(s, 1), dgramSend(port, { bytes: 1, value: v })]);
    }
    sys.process("receiver", {}, (s) => [
      after(s, 1),
      ...[0, 1, 2].map(() => dgramRecv(port, { bytes: 1, into: digits(s) })),
    ]);
    return sys;
  });
  assert.deepEqual(endValues(e, "seq"), ["912", "921"]);
});

Deno.test("dgram: ECONNREFUSED once closed (a blocked sender too), ENOENT before bind, EMSGSIZE when too long", () => {
  const refused = ends(dgram(
    { queue: 1 },
    (s, port) => [
      dgramSend(port, { bytes: 1 }),
      mark(s, 1),
      dgramSend(port, { bytes: 1, status: s.into("st"), count: s.into("n") }),
    ],
    (s, port) => [after(s, 1), dgramClose(port)],
    { st: status(), n: 0 },
  ));
  assert.deepEqual(endLocals(refused, "sender#0"), ["{st=ECONNREFUSED,n=-1}"]);
  for (const s of refused.ends) assert.match(s, /port=closed/, "queued datagrams are discarded");
  const e = ends(() => {
    const sys = system({ flag: 0 });
    const port = unixDgram(sys, "port", { bound: false, maxMessage: 2 });
    sys.process("sender", { locals: { a: status(), b: status() } }, (s) => [
      dgramSendNonblock(port, { bytes: 1, status: s.into("a") }),
      dgramSendNonblock(port, { bytes: 3, status: s.into("b") }),
      mark(s, 1),
    ]);
    sys.process("receiver", { locals: { st: status() } }, (s) => [
      dgramBind(port, { status: s.into("st") }),
      choose([after(s, 1)], [dgramClose(port)]),
    ]);
    return sys;
  });
  assert.deepEqual(endLocals(e, "sender#0"), [
    "{a=ECONNREFUSED,b=EMSGSIZE}",
    "{a=ENOENT,b=EMSGSIZE}",
    "{a=OK,b=EMSGSIZE}",
  ]);
  const r = check(
    mk(
      "dgram_refused",
      dgram({}, (_s, port) => [dgramSend(port, { bytes: 1 })], (_s, port) => [dgramClose(port)]),
    ),
  );
  assert.equal(r.violation?.property, "socket error");
  assert.equal(
    r.violation?.message,
    "sender#0 sends to 'port': ECONNREFUSED (the socket is closed) with no status target",
  );
});

Deno.test("dgram: no EOF: a receiver whose senders are gone blocks for ever (non-blocking: EAGAIN)", () => {
  const r = check(mk(
    "no_eof",
    dgram(
      {},
      (_s, port) => [dgramSend(port, { bytes: 1, value: 1 })],
      (s, port) => [
        dgramRecv(port, { bytes: 1, count: s.into("n") }),
        dgramRecv(port, { bytes: 1, count: s.into("n") }),
      ],
      { n: -1 },
    ),
  ));
  assert.equal(r.violation?.property, "deadlock");
  assert.match(r.violation!.state, /sender#0@end/);
  const e = ends(dgram(
    {},
    () => [],
    (s, port) => [dgramRecvNonblock(port, { bytes: 1, status: s.into("st"), count: s.into("n") })],
    { st: status(), n: 0 },
  ));
  assert.deepEqual(endLocals(e, "receiver#0"), ["{st=EAGAIN,n=-1}"]);
});

Deno.test("dgram: exit closes the receiver's socket: later sends are refused", () => {
  const e = ends(dgram(
    {},
    (s, port) => [
      after(s, 1), // the receiver is gone
      dgramSendNonblock(port, { bytes: 1, status: s.into("st") }),
    ],
    (s, port) => [dgramRecvNonblock(port, { bytes: 1, status: s.into("st") }), mark(s, 1)],
    { st: status() },
  ));
  assert.deepEqual(endLocals(e, "sender#0"), ["{st=ECONNREFUSED}"]);
});

Deno.test("dgram: bind makes the caller the holder; EADDRINUSE when the path is taken; receiving unheld is EBADF", () => {
  const e = ends(() => {
    const sys = system({});
    const port = unixDgram(sys, "port", { bound: false });
    sys.process("p", { count: 2, locals: { st: status() } }, (s) => [
      dgramBind(port, { status: s.into("st") }),
    ]);
    return sys;
  });
  assert.deepEqual(e.ends.map((s) => s.replace(/^port=\S+ /, "")).sort(), [
    "p#0@end{st=EADDRINUSE} p#1@end{st=OK}",
    "p#0@end{st=OK} p#1@end{st=EADDRINUSE}",
  ]);
  const r = check(mk("unheld", () => {
    const sys = system({});
    const port = unixDgram(sys, "port", { holders: ["q"] });
    sys.process("p", {}, () => [dgramRecv(port, { bytes: 1 })]);
    sys.process("q", {}, (s) => [s.do("idle", () => {})]);
    return sys;
  }));
  assert.equal(r.verdict, "error");
  assert.match(
    r.error!.message,
    /p#0 calls recvfrom on socket 'port', which it does not hold \(EBADF\)/,
  );
});

// --- model-based test: stream and seqpacket ------------------------------------------

/** The menu every driver process offers, by name. */
const MENU = [
  "LI",
  "CO",
  "CN",
  "AC",
  "AN",
  "CL",
  "S1",
  "S2",
  "N1",
  "R1",
  "R2",
  "Q2",
  "SH",
  "CC",
  "EXIT",
] as const;
type Item = typeof MENU[number];

interface RefEnd {
  own: number;
  shut: boolean;
  closed: boolean;
  reset: boolean;
  /** Bytes (stream) or [value, length] records (seqpacket). */
  q: number[][];
}

interface RefConn {
  pending: boolean;
  ends: [RefEnd, RefEnd];
}

interface RefProc {
  at: string;
  c: number;
  lis: boolean;
  st: number;
  n: number;
  sum: number;
  last: number;
}

const newEnd = (own: number): RefEnd => ({ own, shut: false, closed: false, reset: false, q: [] });

/** The rules of §7 for connections, written again over plain objects. */
class RefStream {
  lst: "absent" | "listening" | "closed" = "absent";
  lhold = new Set<number>();
  backlog = 0;
  sig = new Set<number>();
  aq: number[] = [];
  conns: (RefConn | null)[];
  procs: RefProc[];
  constructor(
    readonly k: number,
    readonly slots: number,
    readonly buffer: number,
    readonly seq: boolean,
  ) {
    this.conns = Array.from({ length: slots }, () => null);
    this.procs = Array.from({ length: k }, () => ({
      at: "menu",
      c: -1,
      lis: false,
      st: 0,
      n: 0,
      sum: 0,
      last: 0,
    }));
  }
  #conn(h: number): RefConn {
    return this.conns[h >> 1]!;
  }
  #me(h: number): RefEnd {
    return this.#conn(h).ends[h & 1]!;
  }
  #peer(h: number): RefEnd {
    return this.#conn(h).ends[1 - (h & 1)]!;
  }
  #canSend(h: number): boolean {
    return !this.#me(h).shut && !this.#peer(h).closed;
  }
  #fits(h: number, n: number): boolean {
    return this.#peer(h).q.length + (this.seq ? 1 : n) <= this.buffer;
  }
  #readable(h: number): boolean {
    return this.#me(h).q.length > 0 || this.#peer(h).shut;
  }
  #free(): number {
    return this.conns.findIndex((c) => c === null);
  }
  #queueFull(): boolean {
    return this.aq.length >= this.backlog + 1;
  }
  /** The operations process `pid` can take now, as the model prints them. */
  enabled(pid: number): string[] {
    const p = this.procs[pid]!;
    const h = p.c;
    switch (p.at) {
      case "end":
        return [];
      case "menu":
        return MENU.filter((m) => {
          if (m === "LI" || m === "EXIT") return true;
          if (m === "CO" || m === "CN") return h < 0;
          if (m === "AC" || m === "AN") return p.lis && h < 0;
          if (m === "CL") return p.lis;
          return h >= 0;
        }).map((m) => `when ${m}`);
      case "LI":
        return ["listen(s, 1)"];
      case "li done":
      case "cl done":
      case "cc done":
        return [p.at];
      case "CO":
      case "CN": {
        const what = p.at === "CO" ? "connect(s)" : "connectNonblock(s)";
        if (this.lst !== "listening") return [what];
        // With a status target, connect is one operation; with every slot in
        // use it fires and is cut as the pool's bound.
        return this.#queueFull() && p.at === "CO" ? [] : [what];
      }
      case "AC":
        return this.aq.length > 0 ? ["accept(s)"] : [];
      case "AN":
        return ["acceptNonblock(s)"];
      case "CL":
        return ["closeListener(s)"];
      case "S1":
      case "S2": {
        const n = Number(p.at[1]);
        return !this.#canSend(h) || this.#fits(h, n) ? [`send(s, conn, ${n})`] : [];
      }
      case "N1":
        return ["sendNonblock(s, conn, 1)"];
      case "R1":
      case "R2":
        return this.#readable(h) ? [`recv(s, conn, ${p.at[1]})`] : [];
      case "Q2":
        return ["recvNonblock(s, conn, 2)"];
      case "SH":
        return ["shutdown(s, conn)"];
      case "CC":
        return ["close(s, conn)"];
    }
    throw new Error(`reference: no position ${p.at}`);
  }
  #closeEnd(i: number, e: number): void {
    const conn = this.conns[i]!;
    const me = conn.ends[e]!, peer = conn.ends[1 - e]!;
    // Seqpacket: a lone zero-length record left unread is no reset.
    const unread = me.q.length > 1 || (me.q.length === 1 && (!this.seq || me.q[0]![1]! > 0));
    if (unread && !peer.closed) peer.reset = true;
    conn.ends[e] = { own: -1, shut: true, closed: true, reset: false, q: [] };
    if (!conn.pending && conn.ends[0].closed && conn.ends[1].closed) this.conns[i] = null;
  }
  #listenerGone(): void {
    for (const i of this.aq) {
      const conn = this.conns[i]!;
      conn.pending = false;
      conn.ends[1] = { own: -1, shut: true, closed: true, reset: false, q: [] };
      if (!conn.ends[0].closed) conn.ends[0].reset = true;
      if (conn.ends[0].closed) this.conns[i] = null;
    }
    this.aq = [];
    this.lst = "closed";
    this.lhold.clear();
  }
  #exit(pid: number): void {
    this.conns.forEach((conn, i) => {
      for (const e of [0, 1]) {
        if (this.conns[i] !== null && conn!.ends[e]!.own === pid) this.#closeEnd(i, e);
      }
    });
    if (this.lhold.delete(pid) && this.lhold.size === 0 && this.lst === "listening") {
      this.#listenerGone();
    }
  }
  #recv(pid: number, n: number, nonblock: boolean): void {
    const p = this.procs[pid]!;
    const me = this.#me(p.c);
    // Seqpacket: a pending reset comes before the queued records.
    if (me.q.length > 0 && !(this.seq && me.reset)) {
      if (this.seq) {
        const [v, len] = me.q.shift()!;
        p.sum += v!;
        p.last = v!;
        p.n = Math.min(n, len!);
      } else {
        const k = Math.min(n, me.q.length);
        for (const [b] of me.q.splice(0, k)) {
          p.sum += b!;
          p.last = b!;
        }
        p.n = k;
      }
      p.st = Errno.OK;
    } else if (me.reset) {
      me.reset = false;
      p.st = Errno.ECONNRESET;
      p.n = -1;
    } else if (this.#peer(p.c).shut) {
      p.st = Errno.OK;
      p.n = 0;
    } else if (nonblock) {
      p.st = Errno.EAGAIN;
      p.n = -1;
    } else throw new Error("reference: a blocked recv fired");
  }
  #send(pid: number, n: number): void {
    const p = this.procs[pid]!;
    const me = this.#me(p.c);
    if (this.seq && me.reset) {
      // Seqpacket: a send takes a pending reset first.
      me.reset = false;
      p.st = Errno.ECONNRESET;
      p.n = -1;
    } else if (!this.#canSend(p.c)) {
      this.sig.add(pid);
      p.st = Errno.EPIPE;
      p.n = -1;
    } else if (!this.#fits(p.c, n)) {
      p.st = Errno.EAGAIN;
      p.n = -1;
    } else {
      const q = this.#peer(p.c).q;
      if (this.seq) q.push([pid + 1, n]);
      else for (let j = 0; j < n; j++) q.push([pid + 1]);
      p.st = Errno.OK;
      p.n = n;
    }
  }
  #connect(pid: number, nonblock: boolean): void {
    const p = this.procs[pid]!;
    if (this.lst !== "listening") {
      p.c = -1;
      p.st = this.lst === "absent" ? Errno.ENOENT : Errno.ECONNREFUSED;
    } else if (this.#queueFull()) {
      if (!nonblock) throw new Error("reference: a blocked connect fired");
      p.c = -1;
      p.st = Errno.EAGAIN;
    } else {
      const i = this.#free();
      this.conns[i] = { pending: true, ends: [newEnd(pid), newEnd(-1)] };
      this.aq.push(i);
      p.c = 2 * i;
      p.st = Errno.OK;
    }
  }
  /** Fires `op` of `pid`; returns false when it is the pool's exploration bound. */
  fire(pid: number, op: string): boolean {
    const p = this.procs[pid]!;
    const when = /^when (\w+)$/.exec(op);
    if (when !== null) {
      const item = when[1] as Item;
      if (item === "EXIT") {
        p.at = "end";
        this.#exit(pid);
      } else p.at = item;
      return true;
    }
    const at = p.at;
    const exhausted = this.lst === "listening" && !this.#queueFull() && this.#free() < 0;
    if ((at === "CO" || at === "CN") && exhausted) return false;
    p.at = "menu";
    switch (at) {
      case "LI":
        if (this.lst === "listening" && this.lhold.has(pid)) this.backlog = 1;
        else if (this.lst !== "absent") {
          p.st = Errno.EADDRINUSE;
          p.at = "li done";
          return true;
        } else {
          this.lst = "listening";
          this.lhold = new Set([pid]);
          this.backlog = 1;
        }
        p.st = Errno.OK;
        p.at = "li done";
        return true;
      case "li done":
        p.lis = p.st === Errno.OK;
        return true;
      case "CO":
      case "CN":
        this.#connect(pid, at === "CN");
        return true;
      case "AC":
      case "AN": {
        if (this.aq.length === 0) {
          p.c = -1;
          p.st = Errno.EAGAIN;
          return true;
        }
        const i = this.aq.shift()!;
        this.conns[i]!.pending = false;
        this.conns[i]!.ends[1].own = pid;
        p.c = 2 * i + 1;
        p.st = Errno.OK;
        return true;
      }
      case "CL":
        this.lhold.delete(pid);
        if (this.lhold.size === 0) this.#listenerGone();
        p.at = "cl done";
        return true;
      case "cl done":
        p.lis = false;
        return true;
      case "S1":
      case "S2":
        this.#send(pid, Number(at[1]));
        return true;
      case "N1":
        this.#send(pid, 1);
        return true;
      case "R1":
      case "R2":
        this.#recv(pid, Number(at[1]), false);
        return true;
      case "Q2":
        this.#recv(pid, 2, true);
        return true;
      case "SH":
        this.#me(p.c).shut = true;
        return true;
      case "CC":
        this.#closeEnd(p.c >> 1, p.c & 1);
        p.at = "cc done";
        return true;
      case "cc done":
        p.c = -1;
        return true;
    }
    throw new Error(`reference: no operation ${op} at ${at}`);
  }
  /** The socket and the locals, printed as the model prints them. */
  format(): string {
    const set = (s: Iterable<number>) =>
      `{${[...s].sort((a, b) => a - b).map((pid) => `p#${pid}`).join(",")}}`;
    const parts: string[] = [];
    if (this.lst === "absent") parts.push("no-listener");
    else if (this.lst === "closed") parts.push("closed");
    else {
      parts.push(
        `listening(${this.backlog})${set(this.lhold)} accept[${
          this.aq.map((i) => `#${i}`).join(",")
        }]`,
      );
    }
    if (this.sig.size > 0) parts.push(`SIGPIPE${set(this.sig)}`);
    this.conns.forEach((conn, i) => {
      if (conn === null) return;
      const ends = conn.ends.map((end, e) => {
        let who = end.own >= 0
          ? `p#${end.own}`
          : end.closed
          ? "closed"
          : e === 1 && conn.pending
          ? "pending"
          : "none";
        if (end.shut && !end.closed) who += " shut";
        if (end.reset) who += " reset";
        const q = end.q.map((x) => this.seq ? `${x[0]}:${x[1]}` : `${x[0]}`);
        return `${who} [${q.join(",")}]`;
      });
      parts.push(`#${i}{${ends.join(" | ")}}`);
    });
    return `s=${parts.join(" ")}` +
      this.procs.map((p) =>
        `{c=${p.c},lis=${p.lis},st=${errnoName(p.st)},n=${p.n},sum=${p.sum},last=${p.last}}`
      ).join("");
  }
}

function streamDriver(k: number, slots: number, buffer: number, seq: boolean): Model {
  return mk("driver", () => {
    const sys = system({});
    const sock = unixStream(sys, "s", {
      type: seq ? "seqpacket" : "stream",
      connections: slots,
      buffer,
    });
    const locals = { c: -1, lis: false, st: status(), n: 0, sum: 0, last: 0 };
    sys.process("p", { count: k, locals }, (s) => {
      const conn = s.local("c");
      const value = s.expr(({ pid }) => pid + 1);
      const out = { conn, value, status: s.into("st"), count: s.into("n") };
      const into = s.into(({ l }, b) => {
        l.sum += b;
        l.last = b;
      });
      const rd = { conn, into, status: s.into("st"), count: s.into("n") };
      const item = (name: Item, ok: (l: typeof locals) => boolean, ...body: Step[]) => [
        s.when(name, ({ l }) => ok(l as unknown as typeof locals)),
        ...body,
      ];
      const has = (l: typeof locals) => l.c >= 0, none = (l: typeof locals) => l.c < 0;
      return [
        loop(choose(
          item(
            "LI",
            () => true,
            sockListen(sock, { backlog: 1, status: s.into("st") }),
            s.do("li done", ({ l }) => (l.lis = l.st === Errno.OK)),
          ),
          item("CO", none, sockConnect(sock, { conn: s.into("c"), status: s.into("st") })),
          item("CN", none, sockConnectNonblock(sock, { conn: s.into("c"), status: s.into("st") })),
          item(
            "AC",
            (l) => l.lis && l.c < 0,
            sockAccept(sock, { conn: s.into("c"), status: s.into("st") }),
          ),
          item(
            "AN",
            (l) => l.lis && l.c < 0,
            sockAcceptNonblock(sock, { conn: s.into("c"), status: s.into("st") }),
          ),
          item(
            "CL",
            (l) => l.lis,
            sockCloseListener(sock),
            s.do("cl done", ({ l }) => (l.lis = false)),
          ),
          item("S1", has, sockSend(sock, { ...out, bytes: 1 })),
          item("S2", has, sockSend(sock, { ...out, bytes: 2 })),
          item("N1", has, sockSendNonblock(sock, { ...out, bytes: 1 })),
          item("R1", has, sockRecv(sock, { ...rd, bytes: 1 })),
          item("R2", has, sockRecv(sock, { ...rd, bytes: 2 })),
          item("Q2", has, sockRecvNonblock(sock, { ...rd, bytes: 2 })),
          item("SH", has, sockShutdown(sock, { conn })),
          item("CC", has, sockClose(sock, { conn }), s.do("cc done", ({ l }) => (l.c = -1))),
          item("EXIT", () => true, breakLoop()),
        )),
      ];
    });
    return sys;
  }).compile();
}

/** A reference of either kind of socket. */
interface Ref {
  readonly k: number;
  /** The operations process `pid` can take now, as the model prints them. */
  enabled(pid: number): string[];
  /** Fires `op` of `pid`; returns false when the model must cut it as the pool's bound. */
  fire(pid: number, op: string): boolean;
  /** The socket and the locals, printed as the model prints them. */
  format(): string;
}

/** One step of process `p#pid`: its `pick`-th enabled transition, compared with the reference. */
class Act<M extends Ref> extends ProcessAct<M> {
  run(m: M, r: Real): void {
    const chosen = this.take(r, m.enabled(this.pid).sort());
    if (chosen === undefined) return;
    const next = fire(r.model, r.state, chosen.t);
    if (!m.fire(this.pid, chosen.op)) {
      assert.ok(!(next instanceof Int32Array), `${chosen.op} must be cut as a bound`);
      assert.equal(r.model.properties[next.property]?.name, SOCKET_CONNECTIONS);
      return;
    }
    assert.ok(next instanceof Int32Array, `firing ${chosen.op}: ${JSON.stringify(next)}`);
    r.state = next;
    assert.equal(observed(r.model, r.state), m.format(), `after p#${this.pid} ${chosen.op}`);
  }
}

Deno.test("unixStream: model-based test against a plain-object reference of §7", () => {
  const setup = fc.record({
    k: fc.integer({ min: 1, max: 3 }),
    slots: fc.integer({ min: 1, max: 3 }),
    buffer: fc.integer({ min: 2, max: 3 }),
    seq: fc.boolean(),
  });
  const cmds = fc.commands(
    [
      fc.tuple(fc.nat(2), fc.nat(30)).map(([pid, pick]) => new Act<RefStream>(pid, pick)),
    ],
    { maxCommands: 100, size: "max" },
  );
  fc.assert(
    fc.property(setup, cmds, ({ k, slots, buffer, seq }, cs) => {
      const model = streamDriver(k, slots, buffer, seq);
      const ref = new RefStream(k, slots, buffer, seq);
      const real: Real = { model, state: initial(model) };
      assert.equal(observed(model, real.state), ref.format());
      fc.modelRun(() => ({ model: ref, real }), cs);
    }),
    { numRuns: 300 },
  );
});

// --- model-based test: datagrams ---------------------------------------------------

const DMENU = ["B", "S0", "S2", "N1", "R1", "R3", "Q1", "CL", "EXIT"] as const;
type DItem = typeof DMENU[number];

/** The rules of §7 for datagrams, over plain objects. */
class RefDgram {
  st: "absent" | "bound" | "closed" = "absent";
  hold = new Set<number>();
  q: { v: number; len: number; from: number }[] = [];
  procs: { at: string; h: boolean; st: number; n: number; v: number; t: number; from: number }[];
  constructor(readonly k: number, readonly cap: number, readonly maxMessage: number) {
    this.procs = Array.from(
      { length: k },
      () => ({ at: "menu", h: false, st: 0, n: 0, v: 0, t: 0, from: -1 }),
    );
  }
  enabled(pid: number): string[] {
    const p = this.procs[pid]!;
    const holds = p.h;
    switch (p.at) {
      case "end":
        return [];
      case "menu":
        return DMENU.filter((m) => !["R1", "R3", "Q1", "CL"].includes(m) || holds).map((m) =>
          `when ${m}`
        );
      case "B":
        return ["bind(port)"];
      case "b done":
      case "cl done":
        return [p.at];
      case "S0":
      case "S2":
        return this.st !== "bound" || this.q.length < this.cap ? [`sendto(port, ${p.at[1]})`] : [];
      case "N1":
        return ["sendtoNonblock(port, 1)"];
      case "R1":
      case "R3":
        return this.q.length > 0 ? [`recvfrom(port, ${p.at[1]})`] : [];
      case "Q1":
        return ["recvfromNonblock(port, 1)"];
      case "CL":
        return ["close(port)"];
    }
    throw new Error(`reference: no position ${p.at}`);
  }
  #drop(pid: number): void {
    if (!this.hold.delete(pid) || this.hold.size > 0) return;
    this.q = [];
    this.st = "closed";
  }
  #send(pid: number, n: number, nonblock: boolean): void {
    const p = this.procs[pid]!;
    p.st = n > this.maxMessage
      ? Errno.EMSGSIZE
      : this.st === "absent"
      ? Errno.ENOENT
      : this.st === "closed"
      ? Errno.ECONNREFUSED
      : this.q.length >= this.cap
      ? Errno.EAGAIN
      : Errno.OK;
    if (p.st === Errno.EAGAIN && !nonblock) throw new Error("reference: a blocked send fired");
    if (p.st !== Errno.OK) {
      p.n = -1;
      return;
    }
    this.q.push({ v: pid + 1, len: n, from: pid });
    p.n = n;
  }
  #recv(pid: number, n: number, nonblock: boolean): void {
    const p = this.procs[pid]!;
    const d = this.q.shift();
    if (d === undefined) {
      if (!nonblock) throw new Error("reference: a blocked receive fired");
      p.st = Errno.EAGAIN;
      p.n = -1;
      return;
    }
    if (nonblock) p.st = Errno.OK;
    p.v = d.v;
    p.n = Math.min(n, d.len);
    p.t = d.len > n ? 1 : 0;
    p.from = d.from;
  }
  fire(pid: number, op: string): boolean {
    const p = this.procs[pid]!;
    const when = /^when (\w+)$/.exec(op);
    if (when !== null) {
      const item = when[1] as DItem;
      if (item === "EXIT") {
        p.at = "end";
        this.#drop(pid);
      } else p.at = item;
      return true;
    }
    const at = p.at;
    p.at = "menu";
    switch (at) {
      case "B":
        if (this.st !== "absent") p.st = Errno.EADDRINUSE;
        else {
          this.st = "bound";
          this.hold.add(pid);
          p.st = Errno.OK;
        }
        p.at = "b done";
        return true;
      case "b done":
        p.h = p.h || p.st === Errno.OK;
        return true;
      case "S0":
      case "S2":
        this.#send(pid, Number(at[1]), false);
        return true;
      case "N1":
        this.#send(pid, 1, true);
        return true;
      case "R1":
      case "R3":
        this.#recv(pid, Number(at[1]), false);
        return true;
      case "Q1":
        this.#recv(pid, 1, true);
        return true;
      case "CL":
        this.#drop(pid);
        p.at = "cl done";
        return true;
      case "cl done":
        p.h = false;
        return true;
    }
    throw new Error(`reference: no operation ${op} at ${at}`);
  }
  format(): string {
    const sock = this.st === "absent"
      ? "no-socket"
      : this.st === "closed"
      ? "closed"
      : `[${this.q.map((d) => `${d.v}:${d.len}`).join(",")}] {${
        [...this.hold].sort().map((pid) => `p#${pid}`).join(",")
      }}`;
    return `port=${sock}` +
      this.procs.map((p) =>
        `{h=${p.h},st=${errnoName(p.st)},n=${p.n},v=${p.v},t=${p.t},from=${p.from}}`
      ).join("");
  }
}

function dgramDriver(k: number, cap: number, maxMessage: number): Model {
  return mk("ddriver", () => {
    const sys = system({});
    const port = unixDgram(sys, "port", { queue: cap, maxMessage, bound: false });
    const locals = { h: false, st: status(), n: 0, v: 0, t: 0, from: -1 };
    sys.process("p", { count: k, locals }, (s) => {
      const value = s.expr(({ pid }) => pid + 1);
      const st = s.into("st"), n = s.into("n");
      const rd = { into: s.into("v"), count: n, truncated: s.into("t"), from: s.into("from") };
      const item = (name: DItem, ok: (h: boolean) => boolean, ...body: Step[]) => [
        s.when(name, ({ l }) => ok(l.h)),
        ...body,
      ];
      const any = () => true, held = (h: boolean) => h;
      return [
        loop(choose(
          item(
            "B",
            any,
            dgramBind(port, { status: st }),
            s.do("b done", ({ l }) => (l.h = l.h || l.st === Errno.OK)),
          ),
          item("S0", any, dgramSend(port, { bytes: 0, value, status: st, count: n })),
          item("S2", any, dgramSend(port, { bytes: 2, value, status: st, count: n })),
          item("N1", any, dgramSendNonblock(port, { bytes: 1, value, status: st, count: n })),
          item("R1", held, dgramRecv(port, { ...rd, bytes: 1 })),
          item("R3", held, dgramRecv(port, { ...rd, bytes: 3 })),
          item("Q1", held, dgramRecvNonblock(port, { ...rd, bytes: 1, status: st })),
          item("CL", held, dgramClose(port), s.do("cl done", ({ l }) => (l.h = false))),
          item("EXIT", any, breakLoop()),
        )),
      ];
    });
    return sys;
  }).compile();
}

Deno.test("unixDgram: model-based test against a plain-object reference of §7", () => {
  const setup = fc.record({
    k: fc.integer({ min: 1, max: 3 }),
    cap: fc.integer({ min: 1, max: 3 }),
    maxMessage: fc.integer({ min: 1, max: 2 }),
  });
  const cmds = fc.commands(
    [
      fc.tuple(fc.nat(2), fc.nat(20)).map(([pid, pick]) => new Act<RefDgram>(pid, pick)),
    ],
    { maxCommands: 60, size: "max" },
  );
  fc.assert(
    fc.property(setup, cmds, ({ k, cap, maxMessage }, cs) => {
      const model = dgramDriver(k, cap, maxMessage);
      const ref = new RefDgram(k, cap, maxMessage);
      const real: Real = { model, state: initial(model) };
      assert.equal(observed(model, real.state), ref.format());
      fc.modelRun(() => ({ model: ref, real }), cs);
    }),
    { numRuns: 150 },
  );
});

// --- helpers ------------------------------------------------------------------------
