// Pipes (docs/semantics.md §1): one test (at least) per rule the primitive
// implements, each of which would fail if the rule were broken, and a
// model-based test against a plain-object reference of the same rules.
//
// Readers record what they read as decimal digits: `seq = seq * 10 + byte`.

import assert from "node:assert/strict";
import fc from "fast-check";
import {
  breakLoop,
  check,
  type CheckResult,
  choose,
  Errno,
  errnoName,
  loop,
  status,
  type Step,
  type System,
  system,
} from "../../mod.ts";
import {
  close,
  pipe,
  type PipeOptions,
  read,
  readAll,
  readNonblock,
  write,
  writeAll,
  writeNonblock,
} from "../../model/primitives/pipe.ts";
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
import { fire } from "../../checker/_fire.ts";

function ops(r: CheckResult): string[] {
  assert.ok(r.violation, `expected a violation, got ${r.verdict} ${r.error?.message ?? ""}`);
  return r.violation.steps.map((s) => `${s.process} ${s.operation}`);
}

// deno-lint-ignore no-explicit-any
function outcomes(build: () => System<any>, global = "seq"): string[] {
  return endValues(explore(mk("outcomes", build).compile()), global);
}

/** A reader that reads `bytes` at a time until EOF, appending to `seq`. */
// deno-lint-ignore no-explicit-any
function drain(sys: System<any>, fd: ReturnType<typeof pipe>, bytes = 1, name = "reader") {
  sys.process(name, { locals: { n: -1 } }, (s) => [
    close(fd, "write"),
    s.while(({ l }) => l.n !== 0, [
      read(fd, {
        bytes,
        count: s.into("n"),
        into: s.into(({ g }, b) => {
          g.seq = g.seq * 10 + b;
        }),
      }),
    ]),
  ]);
}

// --- declaration -------------------------------------------------------------

Deno.test("pipe: bad declarations throw at once", () => {
  const sys = system({});
  assert.throws(() => pipe(sys, "p", { capacity: 0 }), /capacity must be >= 1, got 0/);
  assert.throws(() => pipe(sys, "p", { capacity: 2, pipeBuf: 3 }), /pipeBuf must be <= 2, got 3/);
  assert.throws(() => pipe(sys, "p", { pipeBuf: 0 }), /pipeBuf must be >= 1/);
  assert.throws(() => pipe(sys, ""), /pipe name must be a non-empty identifier/);
  assert.throws(() => pipe({} as System<unknown>, "p"), /first argument must be the system/);
  assert.throws(
    () => pipe(sys, "p", { holders: "some" as "all" }),
    /holders must be "users", "all", a list of processes, or \{ read, write \}/,
  );
  const p = pipe(sys, "p");
  assert.throws(() => write(p, { bytes: -1 }), /bytes must be >= 0, got -1/);
  assert.throws(() => read(p, { bytes: 0 }), /bytes must be >= 1, got 0/);
  assert.throws(() => writeAll(p, { bytes: 3, fragment: 5 }), /fragment must be <= 4, got 5/);
  assert.throws(() => readAll(p, {}), /give either bytes or header: true/);
  assert.throws(() => close(p, "both" as "read"), /end must be "read" or "write"/);
  assert.equal(pipe(sys, "q", { capacity: 3 }).pipeBuf, 3, "pipeBuf defaults to the capacity");
});

Deno.test("pipe: an unknown holder is an error verdict naming the processes", () => {
  const r = check(mk("bad_holder", () => {
    const sys = system({});
    const fd = pipe(sys, "fd", { holders: ["nobody"] });
    sys.process("p", {}, () => [close(fd, "read")]);
    return sys;
  }));
  assert.equal(r.verdict, "error");
  assert.match(r.error!.message, /pipe 'fd': holders: no process 'nobody' \(processes: p#0\)/);
});

// --- write: blocking and atomicity -----------------------------------------------

Deno.test("write blocks on a full pipe (capacity counted in bytes)", () => {
  // Capacity 2, one writer of three 1-byte writes and no reader: the third
  // write blocks for ever. It does not block earlier (the shortest deadlock
  // is 2 writes + the loop tests).
  const r = check(mk("full", () => {
    const sys = system({});
    const fd = pipe(sys, "fd", { capacity: 2 });
    sys.process("w", { locals: { i: 0 } }, (s) => [
      s.while(({ l }) => l.i < 3, [
        write(fd, { bytes: 1, value: 5 }),
        s.do("i++", ({ l }) => l.i++),
      ]),
    ]);
    return sys;
  }));
  assert.equal(r.violation?.property, "deadlock");
  assert.equal(ops(r).filter((o) => o.startsWith("w#0 write")).length, 2);
  assert.deepEqual(r.violation?.blocked?.[0]?.waitsOn, [
    "write(fd, 1) (fd = [5,5] R{w#0} W{w#0})",
  ]);
});

Deno.test("write ≤ pipeBuf waits for n free bytes and is never split", () => {
  // Capacity 3, pipeBuf 2: writers A (2 x '1') and B (2 x '2'); the reader
  // takes single bytes. An atomic write never interleaves: only 1122 and
  // 2211 are possible, although a byte of room appears in between.
  const seqs = outcomes(() => {
    const sys = system({ seq: 0 });
    const fd = pipe(sys, "fd", { capacity: 3, pipeBuf: 2 });
    sys.process("a", {}, () => [write(fd, { bytes: 2, value: 1 })]);
    sys.process("b", {}, () => [write(fd, { bytes: 2, value: 2 })]);
    drain(sys, fd);
    return sys;
  });
  assert.deepEqual(seqs, ["1122", "2211"]);
});

Deno.test("write > pipeBuf may interleave with another writer at every split point", () => {
  // Same, with pipeBuf 1: every interleaving of the two 2-byte writes.
  const seqs = outcomes(() => {
    const sys = system({ seq: 0 });
    const fd = pipe(sys, "fd", { capacity: 4, pipeBuf: 1 });
    sys.process("a", {}, () => [write(fd, { bytes: 2, value: 1 })]);
    sys.process("b", {}, () => [write(fd, { bytes: 2, value: 2 })]);
    drain(sys, fd);
    return sys;
  });
  assert.deepEqual(seqs, ["1122", "1212", "1221", "2112", "2121", "2211"]);
});

Deno.test("write > pipeBuf: the pieces are every k in 1..min(rest - 1, room), or the rest", () => {
  // Capacity 4 holding one byte (room 3), a 4-byte write with pipeBuf 1:
  // pieces of 1 or 2 bytes, or all the rest (3 bytes fit? no: rest is 4,
  // room 3, so it cannot complete now); then from 3 written, only the last.
  const model = mk("pieces", () => {
    const sys = system({});
    const fd = pipe(sys, "fd", { capacity: 4, pipeBuf: 1 });
    sys.process("w", {}, () => [write(fd, { bytes: 1, value: 9 }), write(fd, { bytes: 4 })]);
    return sys;
  }).compile();
  let s = initial(model);
  s = fireOp(model, s, "w#0 write(fd, 1)");
  assert.deepEqual(opsOf(model, s), [
    "w#0 write(fd, 4) writes part [1 byte]",
    "w#0 write(fd, 4) writes part [2 bytes]",
    "w#0 write(fd, 4) writes part [3 bytes]",
  ]);
  s = fireOp(model, s, "w#0 write(fd, 4) writes part [2 bytes]");
  assert.match(model.explanation!.format(s), /fd=\[9,1,1\] R\{w#0\} W\{w#0\} calls\{w#0:2\}/);
  assert.deepEqual(opsOf(model, s), ["w#0 write(fd, 4) writes part [1 byte]"]);
});

Deno.test("write > pipeBuf completes with the rest when it fits, and counts all n", () => {
  const model = mk("complete", () => {
    const sys = system({});
    const fd = pipe(sys, "fd", { capacity: 3, pipeBuf: 1 });
    sys.process("w", { locals: { st: status(), n: 0 } }, (s) => [
      write(fd, { bytes: 3, value: 4, status: s.into("st"), written: s.into("n") }),
      s.do("after", () => {}),
    ]);
    return sys;
  }).compile();
  const s = initial(model);
  assert.deepEqual(opsOf(model, s), [
    "w#0 write(fd, 3) completes",
    "w#0 write(fd, 3) writes part [1 byte]",
    "w#0 write(fd, 3) writes part [2 bytes]",
  ]);
  const done = fireOp(model, s, "w#0 write(fd, 3) completes");
  assert.match(model.explanation!.format(done), /fd=\[4,4,4\] .* w#0@after\{st=OK,n=3\}/);
});

Deno.test("write of 0 bytes returns 0 at once, even with no reader", () => {
  const r = check(mk("zero", () => {
    const sys = system({});
    const fd = pipe(sys, "fd", { holders: { read: [], write: ["w"] } });
    sys.process("w", { locals: { n: -1 } }, (s) => [
      write(fd, { bytes: 0, written: s.into("n") }),
      s.assert("returned 0", ({ l }) => l.n === 0),
    ]);
    return sys;
  }));
  assert.equal(r.verdict, "ok", r.violation?.message);
});

// --- write: no reader ----------------------------------------------------------

Deno.test("write with no read end: EPIPE, -1, and SIGPIPE pending for the writer", () => {
  const model = mk("epipe", () => {
    const sys = system({});
    const fd = pipe(sys, "fd", { holders: { read: [], write: ["w"] } });
    sys.process("w", { locals: { st: status(), n: 0 } }, (s) => [
      write(fd, { bytes: 1, status: s.into("st"), written: s.into("n") }),
    ]);
    return sys;
  }).compile();
  const e = explore(model);
  assert.deepEqual(e.ends, ["fd=[] R{} W{} SIGPIPE{w#0} w#0@end{st=EPIPE,n=-1}"]);
});

Deno.test("write with no read end and no status target: a 'broken pipe' violation", () => {
  const r = check(mk("sigpipe", () => {
    const sys = system({});
    const fd = pipe(sys, "fd");
    sys.process("w", {}, () => [close(fd, "read"), write(fd, { bytes: 1 })]);
    return sys;
  }));
  assert.equal(r.violation?.property, "broken pipe");
  assert.equal(r.violation?.kind, "primitive");
  assert.match(
    r.violation!.message,
    /^w#0 writes to pipe 'fd' with no read end open: SIGPIPE kills it/,
  );
  assert.deepEqual(ops(r), ["w#0 close(fd, read)", "w#0 write(fd, 1)"]);
});

Deno.test("a writer blocked on a full pipe wakes with EPIPE when the last reader closes", () => {
  // Capacity 1 holding a byte: w blocks; r closes its read end without
  // reading; w's write fails. Without the wake-up this would deadlock.
  const r = check(mk("wake_epipe", () => {
    const sys = system({ closed: false });
    const fd = pipe(sys, "fd", { capacity: 1, holders: { read: ["r"], write: ["w"] } });
    sys.process("w", { locals: { a: status(), b: status() } }, (s) => [
      write(fd, { bytes: 1, status: s.into("a") }),
      write(fd, { bytes: 1, status: s.into("b") }),
      s.assert("second write failed", ({ g, l }) => g.closed && l.b === Errno.EPIPE),
    ]);
    sys.process("r", {}, (s) => [
      s.do("mark", ({ g }) => {
        g.closed = true;
      }),
      close(fd, "read"),
    ]);
    return sys;
  }));
  // Whatever the order, w ends: the second write never blocks for ever.
  assert.equal(r.verdict, "ok", r.violation?.message);
  // ... and in the interleaving where w blocks first, it is woken by close:
  const model = mk("wake_epipe2", () => {
    const sys = system({});
    const fd = pipe(sys, "fd", { capacity: 1, holders: { read: ["r"], write: ["w"] } });
    sys.process("w", { locals: { st: status() } }, (s) => [
      write(fd, { bytes: 1 }),
      write(fd, { bytes: 1, status: s.into("st") }),
      s.do("after", () => {}),
    ]);
    sys.process("r", {}, () => [close(fd, "read")]);
    return sys;
  }).compile();
  let s = fireOp(model, initial(model), "w#0 write(fd, 1)");
  assert.deepEqual(opsOf(model, s), ["r#0 close(fd, read)"], "w is blocked on the full pipe");
  s = fireOp(model, s, "r#0 close(fd, read)");
  s = fireOp(model, s, "w#0 write(fd, 1)");
  assert.match(model.explanation!.format(s), /SIGPIPE\{w#0\} w#0@after\{st=EPIPE\}/);
});

Deno.test("a large write cut short by the last reader closing returns the bytes written, with SIGPIPE", () => {
  // Capacity 2, pipeBuf 1, a 3-byte write: 2 bytes go in, the pipe is full,
  // the reader closes: write returns 2 (OK), SIGPIPE pending.
  const model = mk("partial_epipe", () => {
    const sys = system({});
    const fd = pipe(sys, "fd", { capacity: 2, pipeBuf: 1, holders: { read: ["r"], write: ["w"] } });
    sys.process("w", { locals: { st: status(), n: 0 } }, (s) => [
      write(fd, { bytes: 3, status: s.into("st"), written: s.into("n") }),
    ]);
    sys.process("r", {}, () => [close(fd, "read")]);
    return sys;
  }).compile();
  let s = initial(model);
  s = fireOp(model, s, "w#0 write(fd, 3) writes part [2 bytes]");
  s = fireOp(model, s, "r#0 close(fd, read)");
  s = fireOp(model, s, "w#0 write(fd, 3) completes");
  // R = W = 0 once w has exited: the pipe is freed and its bytes discarded.
  assert.equal(
    model.explanation!.format(s),
    "fd=[] R{} W{} SIGPIPE{w#0} w#0@end{st=OK,n=2} r#0@end",
  );
  // Without any byte written, the same gives EPIPE.
  let t = initial(model);
  t = fireOp(model, t, "r#0 close(fd, read)");
  t = fireOp(model, t, "w#0 write(fd, 3) completes");
  assert.match(model.explanation!.format(t), /w#0@end\{st=EPIPE,n=-1\}/);
});

// --- non-blocking writes --------------------------------------------------------

Deno.test("writeNonblock: an atomic write that does not fit gives EAGAIN with nothing written", () => {
  const model = mk("eagain", () => {
    const sys = system({});
    const fd = pipe(sys, "fd", { capacity: 3, pipeBuf: 2 });
    sys.process("w", { locals: { st: status(), n: 0 } }, (s) => [
      write(fd, { bytes: 2, value: 1 }),
      writeNonblock(fd, { bytes: 2, value: 2, status: s.into("st"), written: s.into("n") }),
      s.do("after", () => {}),
    ]);
    return sys;
  }).compile();
  let s = initial(model);
  s = fireOp(model, s, "w#0 write(fd, 2)");
  s = fireOp(model, s, "w#0 writeNonblock(fd, 2)");
  assert.equal(model.explanation!.format(s), "fd=[1,1] R{w#0} W{w#0} w#0@after{st=EAGAIN,n=-1}");
});

Deno.test("writeNonblock > pipeBuf: EAGAIN on a full pipe, else k bytes for every k <= room", () => {
  const model = mk("nb_large", () => {
    const sys = system({});
    const fd = pipe(sys, "fd", { capacity: 3, pipeBuf: 1 });
    sys.process("w", { locals: { st: status(), n: 0 } }, (s) => [
      write(fd, { bytes: 1, value: 1 }),
      writeNonblock(fd, { bytes: 3, value: 2, status: s.into("st"), written: s.into("n") }),
      writeNonblock(fd, { bytes: 3, value: 3, status: s.into("st"), written: s.into("n") }),
    ]);
    return sys;
  }).compile();
  let s = initial(model);
  s = fireOp(model, s, "w#0 write(fd, 1)");
  assert.deepEqual(opsOf(model, s), [
    "w#0 writeNonblock(fd, 3) writes part [1 byte]",
    "w#0 writeNonblock(fd, 3) writes part [2 bytes]",
  ]);
  s = fireOp(model, s, "w#0 writeNonblock(fd, 3) writes part [2 bytes]");
  assert.match(model.explanation!.format(s), /fd=\[1,2,2\] .*\{st=OK,n=2\}/);
  assert.deepEqual(opsOf(model, s), ["w#0 writeNonblock(fd, 3)"]);
  s = fireOp(model, s, "w#0 writeNonblock(fd, 3)");
  assert.match(model.explanation!.format(s), /\{st=EAGAIN,n=-1\}/);
});

Deno.test("writeNonblock with no read end: EPIPE and SIGPIPE, never blocks", () => {
  const e = explore(
    mk("nb_epipe", () => {
      const sys = system({});
      const fd = pipe(sys, "fd", { capacity: 1, holders: { read: [], write: ["w"] } });
      sys.process("w", { locals: { st: status() } }, (s) => [
        writeNonblock(fd, { bytes: 3, status: s.into("st") }),
      ]);
      return sys;
    }).compile(),
  );
  assert.deepEqual(e.ends, ["fd=[] R{} W{} SIGPIPE{w#0} w#0@end{st=EPIPE}"]);
});

// --- read ------------------------------------------------------------------------

Deno.test("read returns min(n, |buf|) at once: writes of 2 and 1 come back as one 3-byte read", () => {
  const r = check(mk("min", () => {
    const sys = system({});
    const fd = pipe(sys, "fd", { capacity: 4 });
    sys.process("p", { locals: { n: 0, last: 0 } }, (s) => [
      write(fd, { bytes: 2, value: 1 }),
      write(fd, { bytes: 1, value: 2 }),
      read(fd, { bytes: 8, count: s.into("n"), into: s.into("last") }),
      s.assert("3 bytes, the last a 2", ({ l }) => l.n === 3 && l.last === 2),
      read(fd, { bytes: 8, count: s.into("n") }),
    ]);
    return sys;
  }));
  // After draining, p itself holds the write end: the last read blocks.
  assert.equal(r.violation?.property, "deadlock");
  assert.equal(r.violation?.blocked?.[0]?.step, "read(fd, 8)");
});

Deno.test("read blocks on an empty pipe while a write end is open", () => {
  const r = check(mk("read_blocks", () => {
    const sys = system({});
    const fd = pipe(sys, "fd", { holders: { read: ["r"], write: ["w"] } });
    sys.process("r", {}, () => [read(fd, { bytes: 1 })]);
    sys.process("w", {}, (s) => [s.when("never", () => false), close(fd, "write")]);
    return sys;
  }));
  assert.equal(r.violation?.property, "deadlock");
  assert.deepEqual(r.violation?.transitions, []);
  assert.deepEqual(r.violation?.blocked?.[0]?.waitsOn, ["read(fd, 1) (fd = [] R{r#0} W{w#0})"]);
});

Deno.test("EOF only once every write end is closed and the buffer drained", () => {
  // Two writers each write one byte and close (one explicitly, one by
  // exiting); the reader reads single bytes until EOF, then once more. In
  // every reachable state where the reader has seen EOF, no write end is
  // open and the buffer is empty, and it has both bytes. An EOF while a
  // write end is open, or before the buffer is empty, breaks this.
  const model = mk("eof", () => {
    const sys = system({ seq: 0 });
    const fd = pipe(sys, "fd");
    sys.process("w", { count: 2 }, (s) => [
      close(fd, "read"),
      write(fd, { bytes: 1, value: s.expr(({ id }) => id + 1) }),
      choose([close(fd, "write"), s.do("then exits", () => {})], [s.do("exits", () => {})]),
    ]);
    sys.process("r", { locals: { n: -1, again: -1 } }, (s) => [
      close(fd, "write"),
      s.while(({ l }) => l.n !== 0, [
        read(fd, {
          bytes: 1,
          count: s.into("n"),
          into: s.into(({ g }, b) => {
            g.seq = g.seq * 10 + b;
          }),
        }),
      ]),
      read(fd, { bytes: 1, count: s.into("again") }),
    ]);
    return sys;
  }).compile();
  let eofs = 0;
  const e = explore(model, (state) => {
    if (!/r#0@\S*\{n=0,/.test(state)) return;
    eofs++;
    assert.match(state, /^seq=(12|21) fd=\[\] R\{[^}]*\} W\{\} /, state);
  });
  assert.ok(eofs > 0);
  assert.deepEqual(endValues(e, "seq"), ["12", "21"]);
  for (const end of e.ends) assert.match(end, /r#0@end\{n=0,again=0\}/, "EOF again");
});

Deno.test("readNonblock: EAGAIN (count -1) on an empty pipe with a writer, 0 at EOF", () => {
  const e = explore(
    mk("nb_read", () => {
      const sys = system({ wDone: false });
      const fd = pipe(sys, "fd", { holders: { read: ["r"], write: ["r", "w"] } });
      sys.process("r", { locals: { a: status(), na: 0, b: status(), nb: 0 } }, (s) => [
        close(fd, "write"),
        readNonblock(fd, { bytes: 1, status: s.into("a"), count: s.into("na") }),
        s.when("w gone", ({ g }) => g.wDone),
        readNonblock(fd, { bytes: 1, status: s.into("b"), count: s.into("nb") }),
      ]);
      sys.process("w", {}, (s) => [s.do("exit", ({ g }) => (g.wDone = true))]);
      return sys;
    }).compile(),
  );
  // The first read may run while w still holds its end (EAGAIN) or after
  // (EOF); the second always sees EOF.
  assert.deepEqual(e.ends.map((s) => /r#0@end(\S+)/.exec(s)![1]).sort(), [
    "{a=EAGAIN,na=-1,b=OK,nb=0}",
    "{a=OK,na=0,b=OK,nb=0}",
  ]);
});

Deno.test("several readers: each byte goes to exactly one of them, either may get it", () => {
  // w writes bytes 1 and 2 (one write each); two readers read single bytes
  // until EOF, each recording its own digits. Every split of {1,2} between
  // them occurs, and never a byte twice or lost.
  const e = explore(
    mk("readers", () => {
      const sys = system({ a: 0, b: 0 });
      const fd = pipe(sys, "fd");
      sys.process("w", {}, () => [
        close(fd, "read"),
        write(fd, { bytes: 1, value: 1 }),
        write(fd, { bytes: 1, value: 2 }),
      ]);
      for (const who of ["a", "b"] as const) {
        sys.process(who, { locals: { n: -1 } }, (s) => [
          close(fd, "write"),
          s.while(({ l }) => l.n !== 0, [
            read(fd, {
              bytes: 1,
              count: s.into("n"),
              into: s.into(({ g }, v) => {
                g[who] = g[who] * 10 + v;
              }),
            }),
          ]),
        ]);
      }
      return sys;
    }).compile(),
  );
  const splits = [...new Set(e.ends.map((s) => /a=(\d+) b=(\d+)/.exec(s)!.slice(1).join("/")))];
  assert.deepEqual(splits.sort(), ["0/12", "1/2", "12/0", "2/1"]);
});

// --- ends, fork, exit -------------------------------------------------------------

Deno.test("fork: by default every process using the pipe holds both ends, others none", () => {
  const model = mk("users", () => {
    const sys = system({});
    const fd = pipe(sys, "fd");
    sys.process("parent", {}, () => [close(fd, "read")]);
    sys.process("bystander", {}, (s) => [s.do("idle", () => {})]);
    sys.process("child", { count: 2 }, () => [close(fd, "write")]);
    return sys;
  }).compile();
  assert.match(
    model.explanation!.format(initial(model)),
    /^fd=\[\] R\{parent#0,child#0,child#1\} W\{parent#0,child#0,child#1\} /,
  );
});

Deno.test("holders: 'all', a list, or { read, write } set who holds which end", () => {
  const fmt = (o: PipeOptions) => {
    const model = mk("holders", () => {
      const sys = system({});
      const fd = pipe(sys, "fd", o);
      sys.process("a", {}, () => [close(fd, "read")]);
      sys.process("b", { count: 2 }, (s) => [s.do("idle", () => {})]);
      return sys;
    }).compile();
    return /^fd=(\S+ \S+ \S+)/.exec(model.explanation!.format(initial(model)))![1];
  };
  assert.equal(fmt({ holders: "all" }), "[] R{a#0,b#0,b#1} W{a#0,b#0,b#1}");
  assert.equal(fmt({ holders: ["a", "b#1"] }), "[] R{a#0,b#1} W{a#0,b#1}");
  assert.equal(fmt({ holders: { read: ["a"], write: ["b"] } }), "[] R{a#0} W{b#0,b#1}");
});

Deno.test("an end held by a process that never closes it keeps readers from EOF until it exits", () => {
  // With holders 'all', a bystander that does not use the pipe holds a write
  // end: the reader sees EOF only after the bystander exits.
  const r = check(mk("bystander", () => {
    const sys = system({ seq: 0, bystanderDone: false });
    const fd = pipe(sys, "fd", { holders: "all" });
    sys.process("w", {}, () => [close(fd, "read"), write(fd, { bytes: 1, value: 7 })]);
    sys.process("bystander", {}, (s) => [s.do("work", ({ g }) => (g.bystanderDone = true))]);
    sys.process("r", { locals: { n: -1 } }, (s) => [
      close(fd, "write"),
      s.while(({ l }) => l.n !== 0, [read(fd, { bytes: 1, count: s.into("n") })]),
      s.assert("bystander exited first", ({ g }) => g.bystanderDone),
    ]);
    return sys;
  }));
  assert.equal(r.verdict, "ok", r.violation?.message);
});

Deno.test("exit closes both ends: a writer that exits without close() still gives EOF", () => {
  const r = check(mk("exit_closes", () => {
    const sys = system({ seq: 0 });
    const fd = pipe(sys, "fd");
    sys.process("w", {}, () => [write(fd, { bytes: 1, value: 3 })]);
    drain(sys, fd);
    sys.atEnd("got the byte", ({ g }) => g.seq === 3);
    return sys;
  }));
  assert.equal(r.verdict, "ok", r.violation?.message);
});

Deno.test("closing the last ends frees the pipe and discards unread bytes", () => {
  const model = mk("free", () => {
    const sys = system({});
    const fd = pipe(sys, "fd");
    sys.process("p", {}, () => [
      write(fd, { bytes: 2, value: 6 }),
      close(fd, "read"),
      close(fd, "write"),
    ]);
    return sys;
  }).compile();
  let s = initial(model);
  s = fireOp(model, s, "p#0 write(fd, 2)");
  s = fireOp(model, s, "p#0 close(fd, read)");
  assert.match(
    model.explanation!.format(s),
    /^fd=\[6,6\] R\{\} W\{p#0\}/,
    "kept while a write end is open",
  );
  s = fireOp(model, s, "p#0 close(fd, write)");
  assert.match(model.explanation!.format(s), /^fd=\[\] R\{\} W\{\}/);
});

Deno.test("a process holding both ends reads back its own write", () => {
  const r = check(mk("own", () => {
    const sys = system({});
    const fd = pipe(sys, "fd");
    sys.process("p", { locals: { b: 0 } }, (s) => [
      write(fd, { bytes: 1, value: 4 }),
      read(fd, { bytes: 1, into: s.into("b") }),
      s.assert("own byte", ({ l }) => l.b === 4),
    ]);
    return sys;
  }));
  assert.equal(r.verdict, "ok");
});

Deno.test("using an end the process does not hold is an error naming it (EBADF)", () => {
  const afterClose = check(mk("ebadf", () => {
    const sys = system({});
    const fd = pipe(sys, "fd");
    sys.process("p", {}, () => [close(fd, "read"), read(fd, { bytes: 1 })]);
    return sys;
  }));
  assert.equal(afterClose.verdict, "error");
  assert.match(
    afterClose.error!.message,
    /p#0 reads from pipe 'fd' without holding its read end \(EBADF\)/,
  );
  assert.deepEqual(afterClose.error?.trace?.steps.map((s) => s.operation), ["close(fd, read)"]);
  const twice = check(mk("close2", () => {
    const sys = system({});
    const fd = pipe(sys, "fd");
    sys.process("p", {}, () => [close(fd, "write"), close(fd, "write")]);
    return sys;
  }));
  assert.match(twice.error!.message, /closes the write end of pipe 'fd', which it does not hold/);
  const never = check(mk("never", () => {
    const sys = system({});
    const fd = pipe(sys, "fd", { holders: { read: ["p"], write: [] } });
    sys.process("p", {}, () => [write(fd, { bytes: 1 })]);
    return sys;
  }));
  assert.match(never.error!.message, /p#0 writes to pipe 'fd' without holding its write end/);
});

Deno.test("a blocked write by a non-holder fails at once rather than blocking", () => {
  const r = check(mk("nonholder_full", () => {
    const sys = system({});
    const fd = pipe(sys, "fd", { capacity: 1, holders: { read: ["p"], write: [] } });
    sys.process("p", {}, () => [write(fd, { bytes: 2 })]);
    return sys;
  }));
  assert.equal(r.verdict, "error");
});

Deno.test("expressions as sizes: read when the call starts, with no extra transition", () => {
  const model = mk("expr_size", () => {
    const sys = system({});
    const fd = pipe(sys, "fd", { capacity: 4, pipeBuf: 4 });
    sys.process("p", { locals: { k: 2, n: 0 } }, (s) => [
      write(fd, { bytes: s.local("k"), value: 5 }),
      read(fd, { bytes: s.expr(({ l }) => l.k + 1), count: s.into("n") }),
    ]);
    return sys;
  }).compile();
  let s = initial(model);
  // The guards read the size: the write is at once the one transition a
  // write of 2 bytes is (it used to be "p#0 enter write(fd, n)" first).
  assert.deepEqual(opsOf(model, s), ["p#0 write(fd, n) completes"]);
  s = fireOp(model, s, "p#0 write(fd, n) completes");
  s = fireOp(model, s, "p#0 read(fd, n)");
  assert.match(model.explanation!.format(s), /p#0@end\{k=2,n=2\}/);
  // The same for readAll and a large non-blocking write.
  const more = explore(
    mk("expr_more", () => {
      const sys = system({});
      const fd = pipe(sys, "fd", { capacity: 4, pipeBuf: 1 });
      sys.process("p", { locals: { k: 3, st: status(), n: 0, got: 0 } }, (s) => [
        writeNonblock(fd, {
          bytes: s.local("k"),
          value: 2,
          status: s.into("st"),
          written: s.into("n"),
        }),
        readAll(fd, { bytes: s.local("n"), count: s.into("got") }),
      ]);
      return sys;
    }).compile(),
  );
  assert.deepEqual(endValuesOf(more.ends, /p#0@end(\S+)/), [
    "{k=3,st=OK,n=1,got=1}",
    "{k=3,st=OK,n=2,got=2}",
    "{k=3,st=OK,n=3,got=3}",
  ]);
  // A negative size is an error of the spec.
  const bad = check(mk("neg", () => {
    const sys = system({});
    const fd = pipe(sys, "fd");
    sys.process("p", {}, (s) => [write(fd, { bytes: s.expr(() => -1) })]);
    return sys;
  }));
  assert.match(bad.error!.message, /size must be an integer >= 0, got -1/);
});

// --- writeAll / readAll ---------------------------------------------------------

Deno.test("writeAll: fragments of at most `fragment` bytes, each atomic, in order", () => {
  // Two 3-byte messages in fragments of 2 (pipeBuf 2): fragments interleave
  // but never split. The streams are the merges of 11|1 with 22|2 that keep
  // each writer's order (11 2 2 1 1 ... is impossible: 22 is one write).
  const seqs = outcomes(() => {
    const sys = system({ seq: 0 });
    const fd = pipe(sys, "fd", { capacity: 6, pipeBuf: 2 });
    sys.process("a", {}, () => [writeAll(fd, { bytes: 3, value: 1, fragment: 2 })]);
    sys.process("b", {}, () => [writeAll(fd, { bytes: 3, value: 2, fragment: 2 })]);
    drain(sys, fd, 6);
    return sys;
  });
  assert.deepEqual(seqs, ["111222", "112212", "112221", "221112", "221121", "222111"]);
});

Deno.test("readAll: reads until it has n bytes, short at EOF", () => {
  const e = explore(
    mk("readall", () => {
      const sys = system({});
      const fd = pipe(sys, "fd", { capacity: 2 });
      sys.process("w", {}, () => [
        close(fd, "read"),
        write(fd, { bytes: 2, value: 1 }),
        write(fd, { bytes: 1, value: 2 }),
      ]);
      sys.process("r", { locals: { n: 0, m: 0, sum: 0 } }, (s) => [
        close(fd, "write"),
        readAll(fd, {
          bytes: 2,
          count: s.into("n"),
          into: s.into(({ l }, b) => {
            l.sum = l.sum * 10 + b;
          }),
        }),
        readAll(fd, { bytes: 2, count: s.into("m") }),
      ]);
      return sys;
    }).compile(),
  );
  assert.deepEqual(endValuesOf(e.ends, /r#0@end(\S+)/), ["{n=2,m=1,sum=11}"]);
});

Deno.test("writeAll + readAll with a length header carry variable-size messages", () => {
  const e = explore(
    mk("header", () => {
      const sys = system({});
      const fd = pipe(sys, "fd", { capacity: 3, pipeBuf: 2 });
      sys.process("w", {}, () => [
        close(fd, "read"),
        writeAll(fd, { bytes: 3, value: 7, fragment: 2, header: true }),
        writeAll(fd, { bytes: 1, value: 8, fragment: 2, header: true }),
      ]);
      sys.process("r", { locals: { a: 0, b: 0, c: 0, last: 0 } }, (s) => [
        close(fd, "write"),
        readAll(fd, { header: true, count: s.into("a"), into: s.into("last") }),
        readAll(fd, { header: true, count: s.into("b") }),
        readAll(fd, { header: true, count: s.into("c") }),
      ]);
      return sys;
    }).compile(),
  );
  assert.deepEqual(endValuesOf(e.ends, /r#0@end(\S+)/), ["{a=3,b=1,c=0,last=7}"]);
});

Deno.test("pipe: footprints name slots of the pipe; reads and writes touch the buffer, close the ends", () => {
  const sys = system({});
  const fd = pipe(sys, "fd", { capacity: 2, pipeBuf: 1 });
  const steps = [
    write(fd, { bytes: 1 }),
    read(fd, { bytes: 1 }),
    close(fd, "read"),
    write(fd, { bytes: 3 }),
  ];
  sys.process("p", {}, () => steps);
  sys.process("q", {}, () => [close(fd, "write")]);
  const [w1, r1, c1] = steps.slice(0, 3).map((s) =>
    (s as Extract<Step, { kind: "op" }>).op.footprint!
  );
  // 4 header slots, 2 buffer slots, 2 call slots per process (write of 3 > pipeBuf).
  assert.equal(fd.slots, 4 + 2 + 2 * 2);
  assert.deepEqual(w1, { reads: [0, 1, 3, 4, 5], writes: [2, 3, 4, 5] });
  assert.deepEqual(r1, { reads: [0, 1, 3, 4, 5], writes: [3, 4, 5] });
  assert.deepEqual(c1, { reads: [0, 1, 3, 4, 5], writes: [0, 1, 3, 4, 5] });
});

// --- model-based test -------------------------------------------------------------

/** The menu every driver process offers, by name. */
const MENU = ["W1", "W2", "W3", "N1", "N3", "R1", "R2", "Q2", "CR", "CW", "EXIT"] as const;
type Item = typeof MENU[number];

interface RefProc {
  at: Item | "menu" | "end" | "crdone" | "cwdone";
  hasR: boolean;
  hasW: boolean;
  st: number;
  written: number;
  count: number;
  sum: number;
  last: number;
  /** Bytes done in a large blocking write. */
  done: number;
}

/** The rules of §1, written again over plain objects. */
class RefPipe {
  buf: number[] = [];
  r = new Set<number>();
  w = new Set<number>();
  sig = new Set<number>();
  procs: RefProc[];
  constructor(readonly k: number, readonly cap: number, readonly pipeBuf: number) {
    this.procs = Array.from({ length: k }, (_, pid) => {
      this.r.add(pid);
      this.w.add(pid);
      return {
        at: "menu",
        hasR: true,
        hasW: true,
        st: 0,
        written: 0,
        count: 0,
        sum: 0,
        last: 0,
        done: 0,
      } as RefProc;
    });
  }
  get room(): number {
    return this.cap - this.buf.length;
  }
  /** The operations process `pid` can take now, as the model prints them. */
  enabled(pid: number): string[] {
    const p = this.procs[pid]!;
    const out: string[] = [];
    const R = this.r.size, W = this.w.size, len = this.buf.length;
    switch (p.at) {
      case "end":
        return [];
      case "menu":
        for (const m of MENU) {
          const ok = m === "EXIT" || (/^[WN]|CW/.test(m) ? p.hasW : p.hasR);
          if (ok) out.push(`when ${m}`);
        }
        return out;
      case "crdone":
        return ["cr done"];
      case "cwdone":
        return ["cw done"];
      case "W1":
      case "W2":
      case "W3": {
        const n = Number(p.at[1]);
        if (n <= this.pipeBuf) return R === 0 || this.room >= n ? [`write(fd, ${n})`] : [];
        const rest = n - p.done;
        if (R > 0) {
          for (let k = 1; k <= Math.min(rest - 1, this.room); k++) {
            out.push(`write(fd, ${n}) writes part [${k === 1 ? "1 byte" : `${k} bytes`}]`);
          }
        }
        if (R === 0 || this.room >= rest) out.push(`write(fd, ${n}) completes`);
        return out;
      }
      case "N1":
      case "N3": {
        const n = Number(p.at[1]);
        if (n <= this.pipeBuf || R === 0 || this.room === 0) return [`writeNonblock(fd, ${n})`];
        for (let k = 1; k <= Math.min(n, this.room); k++) {
          out.push(`writeNonblock(fd, ${n}) writes part [${k === 1 ? "1 byte" : `${k} bytes`}]`);
        }
        return out;
      }
      case "R1":
      case "R2":
        return len > 0 || W === 0 ? [`read(fd, ${p.at[1]})`] : [];
      case "Q2":
        return ["readNonblock(fd, 2)"];
      case "CR":
        return ["close(fd, read)"];
      case "CW":
        return ["close(fd, write)"];
      case "EXIT":
        return [];
    }
  }
  #exit(pid: number): void {
    this.r.delete(pid);
    this.w.delete(pid);
    this.#free();
  }
  #free(): void {
    if (this.r.size === 0 && this.w.size === 0) this.buf = [];
  }
  #read(p: RefProc, n: number): void {
    const k = Math.min(n, this.buf.length);
    for (const b of this.buf.splice(0, k)) {
      p.sum += b;
      p.last = b;
    }
    p.count = k;
  }
  fire(pid: number, op: string): void {
    const p = this.procs[pid]!;
    const v = pid + 1;
    const when = /^when (\w+)$/.exec(op);
    if (when !== null) {
      const item = when[1] as Item;
      if (item === "EXIT") {
        p.at = "end";
        this.#exit(pid);
      } else p.at = item;
      return;
    }
    if (op === "cr done" || op === "cw done") {
      if (op === "cr done") p.hasR = false;
      else p.hasW = false;
      p.at = "menu";
      return;
    }
    if (op.startsWith("close(")) {
      (op.includes("read") ? this.r : this.w).delete(pid);
      this.#free();
      p.at = op.includes("read") ? "crdone" : "cwdone";
      return;
    }
    const part = /writes part \[(\d+)/.exec(op);
    if (p.at === "W1" || p.at === "W2" || p.at === "W3") {
      const n = Number(p.at[1]);
      if (part !== null) {
        const k = Number(part[1]);
        this.buf.push(...Array(k).fill(v));
        p.done += k;
        return;
      }
      if (this.r.size === 0) {
        this.sig.add(pid);
        p.st = p.done > 0 ? Errno.OK : Errno.EPIPE;
        p.written = p.done > 0 ? p.done : -1;
      } else {
        this.buf.push(...Array(n - p.done).fill(v));
        p.st = Errno.OK;
        p.written = n;
      }
      p.done = 0;
    } else if (p.at === "N1" || p.at === "N3") {
      const n = Number(p.at[1]);
      if (part !== null) {
        const k = Number(part[1]);
        this.buf.push(...Array(k).fill(v));
        p.st = Errno.OK;
        p.written = k;
      } else if (this.r.size === 0) {
        this.sig.add(pid);
        p.st = Errno.EPIPE;
        p.written = -1;
      } else if (this.room >= n) {
        this.buf.push(...Array(n).fill(v));
        p.st = Errno.OK;
        p.written = n;
      } else {
        p.st = Errno.EAGAIN;
        p.written = -1;
      }
    } else if (p.at === "R1" || p.at === "R2") {
      this.#read(p, Number(p.at[1]));
    } else if (p.at === "Q2") {
      if (this.buf.length === 0 && this.w.size > 0) {
        p.st = Errno.EAGAIN;
        p.count = -1;
      } else {
        p.st = Errno.OK;
        this.#read(p, 2);
      }
    } else throw new Error(`reference: no operation ${op} at ${p.at}`);
    p.at = "menu";
  }
  /** The pipe and the locals, printed as the model prints them. */
  format(): string {
    const set = (s: Set<number>) => `{${[...s].sort().map((pid) => `p#${pid}`).join(",")}}`;
    let out = `fd=[${this.buf.join(",")}] R${set(this.r)} W${set(this.w)}`;
    if (this.sig.size > 0) out += ` SIGPIPE${set(this.sig)}`;
    const calls = this.procs.flatMap((p, pid) => p.done > 0 ? [`p#${pid}:${p.done}`] : []);
    if (calls.length > 0) out += ` calls{${calls.join(",")}}`;
    return out +
      this.procs.map((p) =>
        `{hasR=${p.hasR},hasW=${p.hasW},st=${errnoName(p.st)},written=${p.written},` +
        `count=${p.count},sum=${p.sum},last=${p.last}}`
      ).join("");
  }
}

function driver(k: number, cap: number, pipeBuf: number) {
  return mk("driver", () => {
    const sys = system({});
    const fd = pipe(sys, "fd", { capacity: cap, pipeBuf });
    const locals = {
      hasR: true,
      hasW: true,
      st: status(),
      written: 0,
      count: 0,
      sum: 0,
      last: 0,
    };
    sys.process("p", { count: k, locals }, (s) => {
      const into = s.into(({ l }, b) => {
        l.sum += b;
        l.last = b;
      });
      const out = { status: s.into("st"), written: s.into("written") };
      const value = s.expr(({ id }) => id + 1);
      const item = (name: Item, ok: (l: typeof locals) => boolean, ...body: Step[]) => [
        s.when(name, ({ l }) => ok(l as unknown as typeof locals)),
        ...body,
      ];
      const hasW = (l: typeof locals) => l.hasW, hasR = (l: typeof locals) => l.hasR;
      return [
        loop(choose(
          item("W1", hasW, write(fd, { bytes: 1, value, ...out })),
          item("W2", hasW, write(fd, { bytes: 2, value, ...out })),
          item("W3", hasW, write(fd, { bytes: 3, value, ...out })),
          item("N1", hasW, writeNonblock(fd, { bytes: 1, value, ...out })),
          item("N3", hasW, writeNonblock(fd, { bytes: 3, value, ...out })),
          item("R1", hasR, read(fd, { bytes: 1, into, count: s.into("count") })),
          item("R2", hasR, read(fd, { bytes: 2, into, count: s.into("count") })),
          item(
            "Q2",
            hasR,
            readNonblock(fd, { bytes: 2, into, count: s.into("count"), status: s.into("st") }),
          ),
          item("CR", hasR, close(fd, "read"), s.do("cr done", ({ l }) => (l.hasR = false))),
          item("CW", hasW, close(fd, "write"), s.do("cw done", ({ l }) => (l.hasW = false))),
          item("EXIT", () => true, breakLoop()),
        )),
      ];
    });
    return sys;
  }).compile();
}

class Act extends ProcessAct<RefPipe> {
  override run(m: RefPipe, r: Real): void {
    const mine = this.mine(r).sort((a, b) => a.op < b.op ? -1 : a.op > b.op ? 1 : 0);
    assert.deepEqual(mine.map((x) => x.op), m.enabled(this.pid).sort(), "enabled operations");
    if (mine.length === 0) return;
    const chosen = mine[this.pick % mine.length]!;
    const next = fire(r.model, r.state, chosen.t);
    assert.ok(next instanceof Int32Array, `firing ${chosen.op}: ${JSON.stringify(next)}`);
    r.state = next;
    m.fire(this.pid, chosen.op);
    assert.equal(observed(r.model, r.state), m.format(), `after p#${this.pid} ${chosen.op}`);
  }
}

Deno.test("pipe: model-based test against a plain-object reference of §1", () => {
  const setup = fc.record({
    k: fc.integer({ min: 1, max: 3 }),
    cap: fc.integer({ min: 1, max: 4 }),
    pb: fc.integer({ min: 1, max: 4 }),
  }).map(({ k, cap, pb }) => ({ k, cap, pipeBuf: Math.min(pb, cap) }));
  const cmds = fc.commands(
    [fc.tuple(fc.nat(2), fc.nat(20)).map(([pid, pick]) => new Act(pid, pick))],
    { maxCommands: 60 },
  );
  fc.assert(
    fc.property(setup, cmds, ({ k, cap, pipeBuf }, cs) => {
      const model = driver(k, cap, pipeBuf);
      const ref = new RefPipe(k, cap, pipeBuf);
      const real: Real = { model, state: initial(model) };
      assert.equal(observed(model, real.state), ref.format());
      fc.modelRun(() => ({ model: ref, real }), cs);
    }),
    { numRuns: 150 },
  );
});

// --- helpers ------------------------------------------------------------------------

function endValuesOf(ends: readonly string[], re: RegExp): string[] {
  return [...new Set(ends.map((s) => re.exec(s)?.[1] ?? s))].sort();
}
