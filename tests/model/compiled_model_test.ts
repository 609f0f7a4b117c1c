// A compiled model's facets, its generated code (named by a sourceURL, valid
// JavaScript) and the `interpret` compile option (the interpreter reaches
// the same states as the generated code).

import assert from "node:assert/strict";
import { atomic, check, type Checkable, spec, system } from "../../mod.ts";
import { type AnySpec, loadSpec } from "../_pins.ts";

const pcSemaphore = await loadSpec("pc_semaphore.ts", "pcSemaphore");
const pcChannel = await loadSpec("pc_channel.ts", "pcChannel");
const pcRendezvous = await loadSpec("pc_rendezvous.ts", "pcRendezvous");
const readersWriters = await loadSpec("readers_writers.ts", "readersWriters");

/** The spec, compiled without generated code. */
function interpreted(s: AnySpec): Checkable {
  return {
    name: s.name,
    resolve: (params) => s.resolve(params),
    compile: (params) => s.compile(params, { interpret: true }),
  };
}

const counter = (name: string) =>
  spec({
    name,
    params: {},
    build: () => {
      const sys = system({ x: 0 });
      sys.process("p", { count: 2 }, (s) => [s.do("inc", ({ g }) => g.x++)]);
      sys.always("x small", ({ g }) => g.x <= 2);
      return sys;
    },
  });

Deno.test("generated code: the source names itself ipcspec-generated/<spec>.js and is valid JavaScript", () => {
  const model = counter("two_counters").compile();
  const source = model.code?.source;
  assert.ok(source !== undefined);
  assert.ok(source.trimEnd().endsWith("//# sourceURL=ipcspec-generated/two_counters.js"));
  // It parses as a function body (the form the compiler evaluates it in).
  assert.doesNotThrow(() => new Function("work", "env", "sync", source));
  // One expander per process, named by pid, commented with its process and steps.
  assert.match(source, /\/\/ p#0\nfunction expand_pid_0\(state, sink, owner\)/);
  assert.match(source, /\/\/ inc\n/);
  assert.match(source, /function expand_pid_1\(state, sink, owner\)/);
});

Deno.test("generated code: a spec name that is not a file name is sanitised in the sourceURL", () => {
  const source = counter("a b/../c:d").compile().code?.source ?? "";
  const url = /\/\/# sourceURL=(\S+)$/m.exec(source)?.[1];
  assert.equal(url, "ipcspec-generated/a_b_.._c_d.js");
});

Deno.test("interpret: true compiles without generated code; atomic blocks get generated code", () => {
  assert.equal(counter("c").compile({}, { interpret: true }).code, undefined);
  const withAtomic = spec({
    name: "atomic",
    params: {},
    build: () => {
      const sys = system({ x: 0 });
      sys.process("p", {}, (s) => [
        atomic(s.do("a", ({ g }) => g.x++), s.do("b", ({ g }) => g.x++)),
      ]);
      return sys;
    },
  });
  const source = withAtomic.compile().code?.source ?? "";
  // The first step takes the floor (pid 0 + 1), the last one gives it back.
  assert.match(source, /work\[0\] = 1;/);
  assert.match(source, /work\[0\] = 0;/);
  assert.equal(withAtomic.compile({}, { interpret: true }).code, undefined);
});

Deno.test("interpret: true reaches the same states, transitions and verdicts as the generated code", () => {
  for (const s of [pcSemaphore, pcChannel, pcRendezvous, readersWriters]) {
    const generated = check(s);
    const byInterpreter = check(interpreted(s));
    assert.equal(byInterpreter.verdict, generated.verdict, s.name);
    assert.equal(byInterpreter.stats.states, generated.stats.states, s.name);
    assert.equal(byInterpreter.stats.transitions, generated.stats.transitions, s.name);
    assert.deepEqual(
      byInterpreter.violation?.transitions,
      generated.violation?.transitions,
      s.name,
    );
  }
});

Deno.test("a compiled model has every facet, each a separate object", () => {
  const model = pcSemaphore.compile();
  const { explanation, processes, liveness, coverage, reduction, symmetry, code } = model;
  for (const facet of [explanation, processes, liveness, coverage, reduction, code]) {
    assert.equal(typeof facet, "object");
    assert.notEqual(facet, model);
  }
  assert.equal(typeof symmetry, "function");
  assert.deepEqual(processes?.names.slice(0, 1), ["producer#0"]);
  assert.ok((coverage?.points.length ?? 0) > 0);
  assert.equal(reduction?.off, undefined);
  assert.equal(reduction?.epoch, 0);
  let first = new Int32Array(0);
  model.init((s) => first = s.slice());
  assert.match(explanation?.format(first) ?? "", /producer#0@/);
  assert.equal(explanation?.describe(0).process, "producer#0");
  // The facets work detached from the model (wrappers forward them as they are).
  const describe = explanation!.describe.bind(explanation);
  assert.equal(describe(0).process, "producer#0");
  assert.equal(symmetry!(), undefined);
});

Deno.test("a liveness spec's facet lists its properties and evaluates them", () => {
  const model = readersWriters.compile();
  const properties = model.liveness?.properties ?? [];
  assert.ok(properties.length > 0);
  let first = new Int32Array(0);
  model.init((s) => first = s.slice());
  assert.equal(typeof model.liveness?.live(0, "p", first), "boolean");
});
