// Files (model/primitives/file.ts): one test (at least) per rule, each of
// which would fail if the rule were broken, and a model-based test against
// a plain-object reference.

import assert from "node:assert/strict";
import fc from "fast-check";
import {
  breakLoop,
  check,
  choose,
  Errno,
  errnoName,
  loop,
  status,
  type System,
  system,
} from "../../mod.ts";
import type { Model } from "../../extend.ts";
import { file, fileRead, fileSize, fileTruncate, fileWrite } from "../../model/primitives/file.ts";
import { endValues, explore, initial, mk, observed, ProcessAct, type Real } from "./_explore.ts";
import { fire } from "../../checker/_fire.ts";

/** The printed end states of a one-process system running `steps`. */
// deno-lint-ignore no-explicit-any
function run(build: (sys: System<any>) => void): string[] {
  return explore(
    mk("run", () => {
      const sys = system({});
      build(sys);
      return sys;
    }).compile(),
  ).ends as string[];
}

Deno.test("file: bad declarations throw at once", () => {
  assert.throws(() => file("f", { maxSize: 0 }), /maxSize must be >= 1, got 0/);
  assert.throws(() => file("f", { maxSize: 1, init: [1, 2] }), /at most 1 bytes/);
  const f = file("f");
  assert.throws(() => fileWrite(f, { bytes: 1 }), /give either at or append: true/);
  assert.throws(() => fileWrite(f, { at: 0, append: true, bytes: 1 }), /give either at or append/);
  assert.throws(() => fileWrite(f, { at: 0, bytes: -1 }), /bytes must be >= 0, got -1/);
});

Deno.test("pwrite past the end leaves a hole that reads as zeros", () => {
  const ends = run((sys) => {
    const f = file("f", { maxSize: 4 });
    sys.process("p", { locals: { n: 0, seq: 0 } }, (s) => [
      fileWrite(f, { at: 2, bytes: 1, value: 5 }),
      fileRead(f, {
        at: 0,
        bytes: 9,
        count: s.into("n"),
        into: s.into(({ l }, b) => (l.seq = l.seq * 10 + b)),
      }),
    ]);
  });
  assert.deepEqual(ends, ["f=[0,0,5] p#0@end{n=3,seq=5}"]);
});

Deno.test("pwrite overwrites; the size grows only past the old end", () => {
  const ends = run((sys) => {
    const f = file("f", { maxSize: 4, init: [1, 1, 1] });
    sys.process("p", { locals: { size: 0 } }, (s) => [
      fileWrite(f, { at: 1, bytes: 1, value: 2 }),
      fileSize(f, s.into("size")),
    ]);
  });
  assert.deepEqual(ends, ["f=[1,2,1] p#0@end{size=3}"]);
});

Deno.test("a write crossing the size limit writes what fits; one starting at it gets EFBIG", () => {
  const ends = run((sys) => {
    const f = file("f", { maxSize: 3 });
    sys.process("p", { locals: { a: status(), na: 0, b: status(), nb: 0 } }, (s) => [
      fileWrite(f, { at: 1, bytes: 5, value: 4, status: s.into("a"), written: s.into("na") }),
      fileWrite(f, { append: true, bytes: 1, status: s.into("b"), written: s.into("nb") }),
    ]);
  });
  assert.deepEqual(ends, ["f=[0,4,4] p#0@end{a=OK,na=2,b=EFBIG,nb=-1}"]);
  const r = check(mk("sigxfsz", () => {
    const sys = system({});
    const f = file("f", { maxSize: 1 });
    sys.process("p", {}, () => [fileWrite(f, { at: 1, bytes: 1 })]);
    return sys;
  }));
  assert.equal(r.violation?.property, "file size limit");
  assert.match(
    r.violation!.message,
    /^p#0 writes to file 'f' at offset 1, at its size limit 1: SIGXFSZ/,
  );
});

Deno.test("a write of 0 bytes returns 0, even at the size limit", () => {
  const ends = run((sys) => {
    const f = file("f", { maxSize: 1, init: [3] });
    sys.process("p", { locals: { n: -1 } }, (s) => [
      fileWrite(f, { append: true, bytes: 0, written: s.into("n") }),
    ]);
  });
  assert.deepEqual(ends, ["f=[3] p#0@end{n=0}"]);
});

Deno.test("O_APPEND writes at the end atomically; pwrite at a stale offset overwrites", () => {
  // Two appenders never lose a byte; two writers that each first read the
  // size and then pwrite there can write the same place.
  const appended = explore(
    mk("append", () => {
      const sys = system({});
      const f = file("f", { maxSize: 2 });
      sys.process("w", { count: 2 }, (s) => [
        fileWrite(f, { append: true, bytes: 1, value: s.expr(({ id }) => id + 1) }),
      ]);
      return sys;
    }).compile(),
  );
  assert.deepEqual(appended.ends.map((e) => /f=(\S+)/.exec(e)![1]).sort(), ["[1,2]", "[2,1]"]);
  const stale = explore(
    mk("stale", () => {
      const sys = system({});
      const f = file("f", { maxSize: 2 });
      sys.process("w", { count: 2, locals: { end: 0 } }, (s) => [
        fileSize(f, s.into("end")),
        fileWrite(f, { at: s.local("end"), bytes: 1, value: s.expr(({ id }) => id + 1) }),
      ]);
      return sys;
    }).compile(),
  );
  const files = [...new Set(stale.ends.map((e) => /f=(\S+)/.exec(e)![1]))].sort();
  assert.deepEqual(files, ["[1,2]", "[1]", "[2,1]", "[2]"]);
});

Deno.test("pread returns min(n, size - offset) at once, 0 at or past the end, never blocks", () => {
  const ends = run((sys) => {
    const f = file("f", { maxSize: 4, init: [1, 2, 3] });
    sys.process("p", { locals: { a: -1, b: -1, c: -1, d: -1 } }, (s) => [
      fileRead(f, { at: 1, bytes: 1, count: s.into("a") }),
      fileRead(f, { at: 1, bytes: 9, count: s.into("b") }),
      fileRead(f, { at: 3, bytes: 9, count: s.into("c") }),
      fileRead(f, { at: 7, bytes: 9, count: s.into("d") }),
    ]);
  });
  assert.deepEqual(ends, ["f=[1,2,3] p#0@end{a=1,b=2,c=0,d=0}"]);
});

Deno.test("no EOF notification: a reader sees every prefix of what the writer wrote", () => {
  const e = explore(
    mk("prefixes", () => {
      const sys = system({ got: -1 });
      const f = file("f", { maxSize: 2 });
      sys.process("w", {}, () => [
        fileWrite(f, { append: true, bytes: 1, value: 1 }),
        fileWrite(f, { append: true, bytes: 1, value: 2 }),
      ]);
      sys.process("r", {}, (s) => [
        fileRead(f, { at: 0, bytes: 2, count: s.into(({ g }, n) => (g.got = n)) }),
      ]);
      return sys;
    }).compile(),
  );
  assert.deepEqual(endValues(e, "got"), ["0", "1", "2"]);
});

Deno.test("ftruncate shrinks (dropping bytes), grows with zeros, EFBIG past the limit", () => {
  const ends = run((sys) => {
    const f = file("f", { maxSize: 3, init: [5, 6, 7] });
    sys.process("p", { locals: { st: status(), seq: 0, n: 0 } }, (s) => [
      fileTruncate(f, { length: 1 }),
      fileTruncate(f, { length: 3 }),
      fileTruncate(f, { length: 4, status: s.into("st") }),
      fileRead(f, {
        at: 0,
        bytes: 3,
        count: s.into("n"),
        into: s.into(({ l }, b) => (l.seq = l.seq * 10 + b)),
      }),
    ]);
  });
  assert.deepEqual(ends, ["f=[5,0,0] p#0@end{st=EFBIG,seq=500,n=3}"]);
});

// --- model-based test -------------------------------------------------------------

const MAX = 3;
const MENU = [
  "write(f, 2 at 0)",
  "write(f, 2 at 2)",
  "write(f, 1 append)",
  "read(f, 3 at 0)",
  "read(f, 2 at 1)",
  "fstat(f)",
  "ftruncate(f, 1)",
  "ftruncate(f, 4)",
  "when exit",
] as const;

interface RefProc {
  st: number;
  n: number;
  seq: number;
  ended: boolean;
}

/** The file rules, written again over plain objects. */
class RefFile {
  bytes: number[] = [];
  procs: RefProc[];
  constructor(readonly k: number) {
    this.procs = Array.from({ length: k }, () => ({ st: 0, n: 0, seq: 0, ended: false }));
  }
  #write(p: RefProc, at: number, n: number, v: number): void {
    if (at >= MAX) {
      p.st = Errno.EFBIG;
      p.n = -1;
      return;
    }
    const k = Math.min(n, MAX - at);
    while (this.bytes.length < at) this.bytes.push(0);
    for (let i = 0; i < k; i++) this.bytes[at + i] = v;
    p.st = Errno.OK;
    p.n = k;
  }
  #read(p: RefProc, at: number, n: number): void {
    const got = this.bytes.slice(at, at + n);
    for (const b of got) p.seq = (p.seq * 10 + b) % 100000;
    p.n = got.length;
  }
  fire(pid: number, op: string): void {
    const p = this.procs[pid]!;
    const v = pid + 1;
    switch (op) {
      case "write(f, 2 at 0)":
        return this.#write(p, 0, 2, v);
      case "write(f, 2 at 2)":
        return this.#write(p, 2, 2, v);
      case "write(f, 1 append)":
        return this.#write(p, this.bytes.length, 1, v);
      case "read(f, 3 at 0)":
        return this.#read(p, 0, 3);
      case "read(f, 2 at 1)":
        return this.#read(p, 1, 2);
      case "fstat(f)":
        p.n = this.bytes.length;
        return;
      case "ftruncate(f, 1)":
      case "ftruncate(f, 4)": {
        const len = Number(op[13]);
        if (len > MAX) {
          p.st = Errno.EFBIG;
          return;
        }
        this.bytes = this.bytes.slice(0, len);
        while (this.bytes.length < len) this.bytes.push(0);
        p.st = Errno.OK;
        return;
      }
      case "when exit":
        p.ended = true;
        return;
    }
    throw new Error(`reference: no operation ${op}`);
  }
  format(): string {
    return `f=[${this.bytes.join(",")}]` +
      this.procs.map((p) => `{st=${errnoName(p.st)},n=${p.n},seq=${p.seq}}`).join("");
  }
}

function driver(k: number): Model {
  return mk("file_driver", () => {
    const sys = system({});
    const f = file("f", { maxSize: MAX });
    sys.process("p", { count: k, locals: { st: status(), n: 0, seq: 0 } }, (s) => {
      const out = { status: s.into("st"), written: s.into("n") };
      const value = s.expr(({ id }) => id + 1);
      const into = s.into(({ l }, b) => (l.seq = (l.seq * 10 + b) % 100000));
      return [
        loop(choose(
          [fileWrite(f, { at: 0, bytes: 2, value, ...out })],
          [fileWrite(f, { at: 2, bytes: 2, value, ...out })],
          [fileWrite(f, { append: true, bytes: 1, value, ...out })],
          [fileRead(f, { at: 0, bytes: 3, into, count: s.into("n") })],
          [fileRead(f, { at: 1, bytes: 2, into, count: s.into("n") })],
          [fileSize(f, s.into("n"))],
          [fileTruncate(f, { length: 1, status: s.into("st") })],
          [fileTruncate(f, { length: 4, status: s.into("st") })],
          [s.when("exit", () => true), breakLoop()],
        )),
      ];
    });
    return sys;
  }).compile();
}

class Act extends ProcessAct<RefFile> {
  override run(m: RefFile, r: Real): void {
    const taken = this.take(r, m.procs[this.pid]!.ended ? [] : [...MENU].sort());
    if (taken === undefined) return;
    const { t, op } = taken;
    const next = fire(r.model, r.state, t);
    assert.ok(next instanceof Int32Array, `${op}: ${JSON.stringify(next)}`);
    r.state = next;
    m.fire(this.pid, op);
    assert.equal(observed(r.model, r.state), m.format(), `after p#${this.pid} ${op}`);
  }
}

Deno.test("file: model-based test against a plain-object reference", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 3 }),
      fc.commands(
        [fc.tuple(fc.nat(2), fc.nat(20)).map(([pid, pick]) => new Act(pid, pick))],
        { maxCommands: 50 },
      ),
      (k, cs) => {
        const model = driver(k);
        const real: Real = { model, state: initial(model) };
        fc.modelRun(() => ({ model: new RefFile(k), real }), cs);
      },
    ),
    { numRuns: 150 },
  );
});
