// The public surface: mod.ts exports what a spec author uses and nothing of
// the machinery; the machinery is in the extension entry, extend.ts.

import assert from "node:assert/strict";
import * as pub from "../mod.ts";
import * as ext from "../extend.ts";
import * as model from "../model/mod.ts";
import * as checker from "../checker/mod.ts";
import * as reporters from "../reporters/mod.ts";
import * as testing from "../testing.ts";
import * as distributed from "../distributed.ts";

// Type-only internals cannot be seen at run time; these imports fail to
// type-check (and the directive with them) the day one becomes public.
// @ts-expect-error Ctx is in extend.ts only
import type { Ctx as _Ctx } from "../mod.ts";
// @ts-expect-error OpImpl is in extend.ts only
import type { OpImpl as _OpImpl } from "../mod.ts";
// @ts-expect-error PrimitiveImpl is in extend.ts only
import type { PrimitiveImpl as _PrimitiveImpl } from "../mod.ts";
// @ts-expect-error Footprint is in extend.ts only
import type { Footprint as _Footprint } from "../mod.ts";
// @ts-expect-error AsyncEvents is in extend.ts only
import type { AsyncEvents as _AsyncEvents } from "../mod.ts";
// @ts-expect-error Delivery is in extend.ts only
import type { Delivery as _Delivery } from "../mod.ts";
// @ts-expect-error Model is in extend.ts only
import type { Model as _Model } from "../mod.ts";
// @ts-expect-error SuccessorSink is in extend.ts only
import type { SuccessorSink as _SuccessorSink } from "../mod.ts";
// @ts-expect-error SearchOutcome is in extend.ts only
import type { SearchOutcome as _SearchOutcome } from "../mod.ts";
// @ts-expect-error StoreReport is in extend.ts only
import type { StoreReport as _StoreReport } from "../mod.ts";
// The extension entry has them all.
import type {
  AsyncEvents,
  Ctx,
  Delivery,
  Footprint,
  Model,
  OpImpl,
  PrimitiveImpl,
  SearchOutcome,
  StoreReport,
  SuccessorSink,
} from "../extend.ts";

/** The run-time internals: functions, classes and constants for primitive and engine authors. */
const INTERNAL = [
  "evalExpr",
  "opStep",
  "sendStep",
  "recvStep",
  "mutexOffset",
  "resolvePids",
  "bfs",
  "BfsSearch",
  "dfs",
  "DfsSearch",
  "bfsCompact",
  "CompactBfsSearch",
  "unsupported",
  "DEFAULT_BITSTATE_BITS",
  "DEFAULT_BITSTATE_HASHES",
  "stateGraph",
  "checkLiveness",
  "enabled",
  "fire",
] as const;

Deno.test("mod.ts exports none of the internals, at run time", () => {
  const leaked = INTERNAL.filter((name) => name in pub);
  assert.deepEqual(leaked, []);
});

Deno.test("extend.ts exports every internal, as a function, class or number", () => {
  for (const name of INTERNAL) {
    const value: unknown = ext[name];
    assert.ok(
      typeof value === "function" || typeof value === "number",
      `extend.ts: ${name} is ${typeof value}`,
    );
  }
  assert.deepEqual(Object.keys(ext).sort(), [...INTERNAL].sort());
});

Deno.test("extend.ts and mod.ts share no name", () => {
  assert.deepEqual(Object.keys(ext).filter((name) => name in pub), []);
});

Deno.test("mod.ts exports exactly what model/mod.ts, checker/mod.ts and reporters/mod.ts do, at run time", () => {
  const folders = new Set([
    ...Object.keys(model),
    ...Object.keys(checker),
    ...Object.keys(reporters),
  ]);
  assert.deepEqual(Object.keys(pub).sort(), [...folders].sort());
});

Deno.test("the spec author's API is in mod.ts, by family", () => {
  // One name per family of the module docs.
  for (
    const name of [
      "spec",
      "system",
      "SpecError",
      "StepBuilder",
      "label",
      "int",
      "semaphore",
      "channel",
      "pipe",
      "segment",
      "mailbox",
      "mailslot",
      "msgQueue",
      "posixMq",
      "signals",
      "unixStream",
      "unixDgram",
      "deliveryTemplate",
      "check",
      "checkAsync",
      "checkParallel",
      "replay",
      "replaySchedule",
      "formatText",
      "simulate",
      "sweep",
    ]
  ) {
    assert.equal(typeof (pub as Record<string, unknown>)[name], "function", name);
  }
  assert.equal(pub.Errno.EAGAIN, 11);
});

Deno.test("testing.ts exports the property-test helpers and no internal", () => {
  assert.equal(typeof testing.assertAllConfigs, "function");
  assert.deepEqual(INTERNAL.filter((name) => name in testing), []);
});

Deno.test("distributed.ts exports the distributed search, the swarm and the worker, and nothing of mod.ts at run time", () => {
  assert.deepEqual(Object.keys(distributed).sort(), ["checkDistributed", "runWorker", "swarm"]);
  assert.deepEqual(INTERNAL.filter((name) => name in distributed), []);
  // mod.ts does not import the NATS client: none of these is in it.
  assert.deepEqual(Object.keys(distributed).filter((name) => name in pub), []);
});

Deno.test("a primitive written against extend.ts checks like a bundled one", () => {
  // A one-shot latch: `open` sets its slot, `pass` blocks until it is set.
  const latch: PrimitiveImpl = {
    kind: "latch",
    name: "go",
    slots: 1,
    init: (w, off) => {
      w[off] = 0;
    },
    format: (w, off) => (w[off] === 1 ? "open" : "closed"),
    value: (w, off) => w[off]!,
  };
  const footprint: Footprint = { reads: [0], writes: [0] };
  const open: OpImpl = {
    prim: latch,
    text: "open(go)",
    footprint,
    enabled: () => true,
    apply: (w, off) => {
      w[off] = 1;
      return undefined;
    },
  };
  const pass: OpImpl = {
    prim: latch,
    text: "pass(go)",
    footprint,
    enabled: (w: Int32Array, off: number, _pid: number, _ctx: Ctx) => w[off] === 1,
    apply: () => undefined,
  };
  const gate = (opens: boolean) =>
    pub.spec({
      name: "gate",
      params: {},
      build: () => {
        const sys = pub.system({ passed: 0 });
        sys.process("opener", {}, (s) => [opens ? ext.opStep(open) : s.do("idle", () => {})]);
        sys.process("walker", {}, (s) => [
          ext.opStep(pass),
          s.do("walk", ({ g }) => {
            g.passed = 1;
          }),
        ]);
        sys.atEnd("the walker passed", ({ g }) => g.passed === 1);
        return sys;
      },
    });
  assert.equal(pub.check(gate(true)).verdict, "ok");
  const stuck = pub.check(gate(false));
  assert.equal(stuck.verdict, "violation");
  assert.equal(stuck.violation?.kind, "deadlock");
  const m: Model = gate(true).compile();
  const o: SearchOutcome = ext.bfs(m);
  assert.equal(o.status, "ok");
  assert.equal(o.states, pub.check(gate(true)).stats.states);
});

// The remaining imported types are the extension's own vocabulary; naming
// them here keeps the imports honest.
type _Vocabulary = [AsyncEvents, Delivery, StoreReport, SuccessorSink];

Deno.test("every bundled spec imports from the package root (../mod.ts) or a private helper of specs/, and keeps deno fmt's layout", async () => {
  const dir = new URL("../specs/", import.meta.url);
  const offenders: string[] = [];
  let files = 0;
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.isFile || !entry.name.endsWith(".ts")) continue;
    files++;
    const text = await Deno.readTextFile(new URL(entry.name, dir));
    for (const m of text.matchAll(/from\s+"([^"]+)"/g)) {
      const from = m[1]!;
      if (from !== "../mod.ts" && !/^\.\/_[a-z_]+\.ts$/.test(from)) {
        offenders.push(`${entry.name}: imports ${from}`);
      }
    }
    if (text.includes("deno-fmt-ignore")) offenders.push(`${entry.name}: deno-fmt-ignore`);
  }
  assert.ok(files > 40, `only ${files} spec files found`);
  assert.deepEqual(offenders, []);
});
