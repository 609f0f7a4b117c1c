// The command line: exit codes, the story it prints, and one clear message
// (no stack trace) for bad input. Run in-process through `main(args, io)`
// and, for the real exit code and stderr, as a subprocess.

import assert from "node:assert/strict";
import { assertValidResult } from "./reporters/_schema.ts";
import { cli, deno, path, type Run } from "./_cli.ts";
import { compileFor, generatedSource } from "../cli/_compile.ts";
import { loadSpec } from "./_pins.ts";

function subprocess(...args: string[]): Promise<Run> {
  return deno(
    "run",
    "--allow-read",
    "--allow-env",
    "--allow-sys",
    "--allow-run",
    "cli.ts",
    ...args,
  );
}

/** No stack trace anywhere in the output. */
function assertNoStack(r: Run): void {
  const all = `${r.out}\n${r.err}`;
  const stack = all.split("\n").filter((l) => /^\s+at /.test(l));
  assert.deepEqual(stack, [], `stack trace in output:\n${all}`);
  assert.doesNotMatch(all, /Uncaught|Stack backtrace/);
}

/** The text mentions `needle` exactly once. */
function once(text: string, needle: string): void {
  assert.equal(text.split(needle).length - 1, 1, `'${needle}' once in:\n${text}`);
}

Deno.test("cli: an ok spec exits 0", async () => {
  const r = await cli("check", path("specs/pc_channel.ts"));
  assert.equal(r.code, 0, r.out + r.err);
  assert.match(
    r.out,
    /^pc_channel \(slots=2 producers=1 consumers=1 items=2\): ok, no violation$/m,
  );
  assert.match(r.out, /^states: \d[\d,]*, transitions: /m);
  assert.equal(r.err, "");
});

Deno.test("cli: a violation exits 1 with the story", async () => {
  const r = await cli("check", path("specs/pc_swapped_waits.ts"));
  assert.equal(r.code, 1, r.out + r.err);
  assert.match(r.out, /pc_swapped_waits \(.*\): VIOLATION of 'deadlock' \(deadlock\)/);
  assert.match(r.out, /deadlock: 2 processes blocked/);
  assert.match(r.out, /trace \(4 steps, replay with --replay 0:[\d,]+\):/);
  assert.match(r.out, /^\s+4\. consumer#0 lock\(mutex\): mutex free -> held by consumer#0$/m);
  assert.match(r.out, /^blocked:$/m);
  assert.match(r.out, /producer#0 waits on lock\(mutex\) \(held by consumer#0\)/);
  assert.match(r.out, /consumer#0 waits on wait\(full\) \(full = 0\), holding mutex/);
  assert.match(
    r.out,
    /^replay: deno run --allow-read --allow-run \/\S+\/cli\.ts check \/\S*pc_swapped_waits\.ts --spec pc_swapped_waits --replay 0:/m,
  );
});

Deno.test("cli: --max-states 10 exits 2 INCOMPLETE", async () => {
  const r = await cli("check", path("specs/pc_semaphore.ts"), "--max-states", "10");
  assert.equal(r.code, 2, r.out + r.err);
  assert.match(r.out, /INCOMPLETE, the state limit \(--max-states 10\) was reached/);
  assert.match(r.out, /no violation in what was covered/);
  assert.match(r.out, /^states: 10, /m);
});

Deno.test("cli: --max-depth exits 2; bad limit values exit 3", async () => {
  const d = await cli("check", path("specs/pc_semaphore.ts"), "--max-depth", "3");
  assert.equal(d.code, 2);
  assert.match(d.out, /the depth limit \(--max-depth 3\) was reached/);
  const bad = await cli("check", path("specs/pc_semaphore.ts"), "--max-states", "ten");
  assert.equal(bad.code, 3);
  assert.match(bad.err, /--max-states must be a positive integer, got 'ten'/);
  const badTime = await cli("check", path("specs/pc_semaphore.ts"), "--time", "0");
  assert.equal(badTime.code, 3);
  assert.match(badTime.err, /--time must be a positive number of seconds, got '0'/);
});

Deno.test("cli: a guard that throws exits 3 with one message naming spec, process, step", async () => {
  const r = await cli("check", path("tests/fixtures/bad_guard.ts"));
  assert.equal(r.code, 3, r.out + r.err);
  const all = r.out + r.err;
  assert.match(
    all,
    /Cannot check 'bad_guard': process 'worker#0', step 'explodes' \(.*tests\/fixtures\/bad_guard\.ts:14:\d+\): kaboom/,
  );
  once(all, "Cannot check");
  once(all, "kaboom");
  assertNoStack(r);
});

Deno.test("cli: a goto to an unknown label exits 3 naming the label", async () => {
  const r = await cli("check", path("tests/fixtures/bad_goto.ts"));
  assert.equal(r.code, 3, r.out + r.err);
  const all = r.out + r.err;
  assert.match(
    all,
    /Cannot check 'bad_goto': process 'looper', step 'goto restart' \(.*bad_goto\.ts:12:\d+\): goto to unknown label 'restart' \(labels: start\)/,
  );
  once(all, "Cannot check");
  assertNoStack(r);
});

Deno.test("cli: --param of the wrong type exits 3 naming the parameter", async () => {
  const r = await cli("check", path("specs/pc_channel.ts"), "--param", "slots=abc");
  assert.equal(r.code, 3, r.out + r.err);
  const all = r.out + r.err;
  assert.match(all, /Cannot check 'pc_channel': parameter 'slots' must be an integer, got 'abc'/);
  once(all, "Cannot check");
  const unknown = await cli("check", path("specs/pc_channel.ts"), "--param", "nope=1");
  assert.equal(unknown.code, 3);
  assert.match(
    unknown.out + unknown.err,
    /unknown parameter 'nope' \(parameters: slots, producers/,
  );
  const malformed = await cli("check", path("specs/pc_channel.ts"), "--param", "slots");
  assert.equal(malformed.code, 3);
  assert.match(malformed.err, /--param must look like name=value, got 'slots'/);
});

Deno.test("cli: --param overrides reach the spec", async () => {
  const r = await cli("check", path("specs/pc_channel.ts"), "--param", "slots=1");
  assert.equal(r.code, 0);
  assert.match(r.out, /pc_channel \(slots=1 producers=1 consumers=1 items=2\): ok/);
});

Deno.test("cli: an unknown flag exits 3 with one message", async () => {
  const r = await cli("check", path("specs/pc_channel.ts"), "--bogus");
  assert.equal(r.code, 3);
  assert.match(r.err, /^error: Unknown option '--bogus'/);
  once(r.err, "error:");
  assert.equal(r.out, "");
});

Deno.test("cli: a spec file that does not exist exits 3", async () => {
  const r = await cli("check", "tests/fixtures/does_not_exist.ts");
  assert.equal(r.code, 3);
  assert.equal(
    r.err,
    "error: Cannot load spec file 'tests/fixtures/does_not_exist.ts': no such file or directory",
  );
  const none = await cli("check", path("tests/fixtures/no_spec.ts"));
  assert.equal(none.code, 3);
  assert.match(none.err, /it exports no spec/);
});

Deno.test("cli: missing command or spec file exits 3 with the usage", async () => {
  const r = await cli();
  assert.equal(r.code, 3);
  assert.match(r.err, /no command given/);
  assert.match(r.err, /usage: ipcspec check/);
  const noFile = await cli("check");
  assert.equal(noFile.code, 3);
  assert.match(noFile.err, /no spec file given/);
  const help = await cli("--help");
  assert.equal(help.code, 0);
  assert.match(help.out, /exit codes: 0 ok, 1 violation/);
});

Deno.test("cli: --spec picks one spec, and an unknown name exits 3", async () => {
  const r = await cli("check", path("specs/"), "--spec", "pc_channel");
  assert.equal(r.code, 0);
  once(r.out, "pc_channel (");
  assert.doesNotMatch(r.out, /pc_semaphore/);
  const bad = await cli("check", path("specs/"), "--spec", "nope");
  assert.equal(bad.code, 3);
  assert.match(bad.err, /no spec named 'nope' \(specs: .*pc_channel, pc_no_mutex/);
});

Deno.test("cli: --format json parses as JSON", async () => {
  const one = await cli("check", path("specs/pc_swapped_waits.ts"), "--format", "json");
  assert.equal(one.code, 1);
  const doc = JSON.parse(one.out);
  assertValidResult(doc);
  assert.equal(doc.schemaVersion, 1);
  assert.equal(doc.exitCode, 1);
  const r = doc.results[0];
  assert.equal(r.spec, "pc_swapped_waits");
  assert.equal(r.verdict, "violation");
  assert.equal(r.violation.property, "deadlock");
  assert.equal(r.violation.transitions.length, 4);
  assert.equal(typeof r.stats.states, "number");
  const all = await cli("check", path("specs/"), "--format", "json");
  const allDoc = JSON.parse(all.out);
  assertValidResult(allDoc);
  const names = allDoc.results.map((x: { spec: string }) => x.spec);
  for (const name of ["pc_channel", "pc_no_mutex", "pc_rendezvous", "pc_semaphore"]) {
    assert.ok(names.includes(name), name);
  }
  const bad = await cli("check", path("specs/"), "--format", "xml");
  assert.equal(bad.code, 3);
  assert.match(bad.err, /--format must be text, json, itf, mermaid or dot, got 'xml'/);
});

Deno.test("cli: --expect over specs/ exits 0", async () => {
  const r = await cli("check", path("specs/"), "--expect");
  assert.equal(r.code, 0, r.out + r.err);
  // Every bundled spec (their number grows as specs are added) meets its verdict.
  const m = /^(\d+) of (\d+) specs met their expected verdict$/m.exec(r.out);
  assert.ok(m !== null && m[1] === m[2] && Number(m[1]) >= 5, r.out);
  assert.equal(r.out.match(/^PASS /gm)?.length, Number(m[1]));
  assert.doesNotMatch(r.out, /^FAIL /m);
});

Deno.test("cli: --expect fails (exit 1) when a verdict differs from the declared one", async () => {
  // pc_no_mutex expects a violation; with one producer there is none.
  const r = await cli("check", path("specs/pc_no_mutex.ts"), "--expect", "--param", "producers=1");
  assert.equal(r.code, 1);
  assert.match(
    r.out,
    /^FAIL pc_no_mutex: expected violation of 'no duplicate' or 'exactly once', got ok$/m,
  );
  assert.match(r.out, /0 of 1 specs met their expected verdict/);
});

Deno.test("cli: --replay of a printed trace reproduces the violation (exit 1)", async () => {
  for (const file of ["specs/pc_swapped_waits.ts", "specs/pc_no_mutex.ts"]) {
    const first = await cli("check", path(file));
    assert.equal(first.code, 1);
    const trace = /replay with --replay (\d+:[\d,]*)\)/.exec(first.out)?.[1];
    assert.ok(trace, first.out);
    const property = /VIOLATION of '([^']+)'/.exec(first.out)?.[1];
    const r = await cli("check", path(file), "--replay", trace);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, new RegExp(`replayed ${trace.split(":")[1]!.split(",").length} steps`));
    assert.match(r.out, new RegExp(`violates '${property}'`));
  }
});

Deno.test("cli: the printed replay command carries the --param overrides", async () => {
  const args = ["--param", "producers=2", "--param", "consumers=2"];
  const first = await cli("check", path("specs/pc_swapped_waits.ts"), ...args);
  assert.equal(first.code, 1);
  assert.match(first.out, /deadlock: 4 processes blocked/);
  const hint =
    /^replay: deno run --allow-read --allow-run \S+ check \S+ --spec pc_swapped_waits (.*) --replay (\S+)$/m
      .exec(
        first.out,
      );
  assert.ok(hint, first.out);
  assert.equal(hint[1], args.join(" "));
  const r = await cli("check", path("specs/pc_swapped_waits.ts"), ...args, "--replay", hint[2]!);
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /violates 'deadlock' \(deadlock\): deadlock: 4 processes blocked/);
});

Deno.test("cli: --replay of a trace that is not a path exits 3", async () => {
  const r = await cli("check", path("specs/pc_swapped_waits.ts"), "--replay", "0:0,0");
  assert.equal(r.code, 3);
  assert.match(r.out, /the trace does not replay: step 2: transition 0 .* is not enabled/);
  const garbage = await cli("check", path("specs/pc_swapped_waits.ts"), "--replay", "zero");
  assert.equal(garbage.code, 3);
  assert.match(garbage.err, /a trace must look like '0:3,1,4', got 'zero'/);
  const prefix = await cli("check", path("specs/pc_swapped_waits.ts"), "--replay", "0:0");
  assert.equal(prefix.code, 0);
  assert.match(prefix.out, /the trace ends in a state that violates no property/);
});

Deno.test("cli: list prints every spec with its parameters and expectation", async () => {
  const r = await cli("list", path("specs/"));
  assert.equal(r.code, 0);
  assert.match(
    r.out,
    /^pc_swapped_waits .*\[slots=1 producers=1 consumers=1 items=2\] {2}expects violation of 'deadlock'$/m,
  );
  assert.equal(r.out.match(/^pc_/gm)?.length, 5);
});

// --- as a subprocess: the real exit codes and stderr ------------------------

Deno.test("cli (subprocess): exit codes 0, 1 and 2", async () => {
  const [ok, bad, cut] = await Promise.all([
    subprocess("check", "specs/pc_channel.ts"),
    subprocess("check", "specs/pc_swapped_waits.ts"),
    subprocess("check", "specs/pc_semaphore.ts", "--max-states", "10"),
  ]);
  assert.equal(ok.code, 0, ok.err);
  assert.match(ok.out, /pc_channel .*: ok, no violation/);
  assert.equal(bad.code, 1, bad.err);
  assert.match(bad.out, /VIOLATION of 'deadlock'/);
  assert.equal(cut.code, 2, cut.err);
  assert.match(cut.out, /INCOMPLETE/);
  for (const r of [ok, bad, cut]) assertNoStack(r);
});

Deno.test("cli (subprocess): bad input exits 3 with one message and no stack trace", async () => {
  const runs = await Promise.all([
    subprocess("check", "tests/fixtures/bad_guard.ts"),
    subprocess("check", "tests/fixtures/bad_goto.ts"),
    subprocess("check", "specs/pc_channel.ts", "--param", "slots=abc"),
    subprocess("check", "specs/pc_channel.ts", "--bogus"),
    subprocess("check", "tests/fixtures/does_not_exist.ts"),
  ]);
  const expected = [
    /Cannot check 'bad_guard': process 'worker#0', step 'explodes' \(tests\/fixtures\/bad_guard\.ts:14:\d+\): kaboom/,
    /Cannot check 'bad_goto': process 'looper', step 'goto restart' .*: goto to unknown label 'restart'/,
    /Cannot check 'pc_channel': parameter 'slots' must be an integer, got 'abc'/,
    /error: Unknown option '--bogus'/,
    /error: Cannot load spec file 'tests\/fixtures\/does_not_exist\.ts': no such file or directory/,
  ];
  runs.forEach((r, i) => {
    assert.equal(r.code, 3, `case ${i}: ${r.out}${r.err}`);
    assert.match(r.out + r.err, expected[i]!);
    assertNoStack(r);
  });
  once(runs[0]!.out + runs[0]!.err, "kaboom");
});

Deno.test("cli (subprocess): --expect over specs/ exits 0", async () => {
  const r = await subprocess("check", "specs/", "--expect");
  assert.equal(r.code, 0, r.out + r.err);
  const m = /(\d+) of (\d+) specs met their expected verdict/.exec(r.out);
  assert.ok(m !== null && m[1] === m[2], r.out);
  assertNoStack(r);
});

Deno.test("cli: a liveness violation prints its cycle, and --replay shows the cycle closing", async () => {
  const r = await cli(
    "check",
    path("specs/starving_consumer.ts"),
    "--spec",
    "starving_consumer_weak",
  );
  assert.equal(r.code, 1);
  assert.match(r.out, /VIOLATION of 'consumer#1 takes again and again' \(liveness\)/);
  assert.match(r.out, /-- the cycle: steps \d+\.\.\d+ repeat for ever --/);
  const trace = /--replay (\S+)\):/.exec(r.out)![1]!;
  const again = await cli(
    "check",
    path("specs/starving_consumer.ts"),
    "--spec",
    "starving_consumer_weak",
    "--replay",
    trace,
  );
  assert.equal(again.code, 0);
  assert.match(again.out, /return to the state before step \d+: the run can repeat them for ever/);
  const strong = await cli(
    "check",
    path("specs/starving_consumer.ts"),
    "--spec",
    "starving_consumer_strong",
  );
  assert.equal(strong.code, 0);
});

Deno.test("cli: --coverage reports blocking steps; --require-coverage fails a run that never fills its buffer", async () => {
  // With one slot the mutex is never contended (empty/full already serialise
  // the processes); with two slots and two of each, every step can block.
  const roomy = await cli(
    "check",
    path("specs/pc_semaphore.ts"),
    "--param",
    "items=1",
    "--coverage",
  );
  assert.equal(roomy.code, 0);
  assert.match(roomy.out, /NOT REACHED {2}producer: wait\(empty\)/);
  const required = await cli(
    "check",
    path("specs/pc_semaphore.ts"),
    "--param",
    "items=1",
    "--require-coverage",
  );
  assert.equal(required.code, 1);
  assert.match(
    required.out,
    /FAIL coverage of pc_semaphore: \d+ blocking steps? or triggers? never reached/,
  );
  const full = await cli(
    "check",
    path("specs/pc_semaphore.ts"),
    "--param",
    "items=3",
    "--param",
    "slots=2",
    "--param",
    "producers=2",
    "--param",
    "consumers=2",
    "--require-coverage",
  );
  assert.equal(full.code, 0, full.out);
});

/** The verdict lines and the state counts (not the time or memory) of a run's output. */
function verdictOf(out: string): string {
  return out.replace(/, time: .*$/gm, "");
}

Deno.test("cli --dump-code and --interpret: bad use exits 3 with one clear message", async () => {
  const spec = path("specs/pc_channel.ts");
  const noValue = await cli("check", spec, "--dump-code");
  assert.equal(noValue.code, 3);
  assert.match(noValue.err, /^error: Option '--dump-code <value>' argument missing\n\nusage: /);
  assert.equal(noValue.out, "");
  const withValue = await cli("check", spec, "--interpret=yes");
  assert.equal(withValue.code, 3);
  assert.match(withValue.err, /^error: Option '--interpret' does not take an argument/);
  const missing = `${await Deno.makeTempDir({ prefix: "ipcspec-dump-" })}/no_such_dir`;
  const noDir = await cli("check", spec, "--dump-code", `${missing}/model.js`);
  assert.equal(noDir.code, 3);
  assert.equal(
    noDir.err,
    `error: Cannot write the generated code to '${missing}/model.js': no such directory '${missing}'`,
  );
  assert.equal(noDir.out, "", "nothing is checked when the dump cannot be written");
  const both = await cli("check", spec, "--interpret", "--dump-code", "/tmp/model.js");
  assert.equal(both.code, 3);
  assert.equal(
    both.err,
    "error: --dump-code writes the generated code, which --interpret does not use",
  );
  const several = await cli("check", path("specs/"), "--dump-code", "/tmp/model.js");
  assert.equal(several.code, 3);
  assert.equal(several.err, "error: --dump-code needs exactly one spec (use --spec name)");
  const workers = await cli("check", spec, "--workers", "2", "--interpret");
  assert.equal(workers.code, 3);
  assert.match(workers.err, /^error: --workers does not take --interpret/);
  const sweep = await cli("sweep", spec, "--param", "items=1..2", "--dump-code", "/tmp/m.js");
  assert.equal(sweep.code, 3);
  assert.equal(sweep.err, "error: sweep does not take --dump-code");
  const list = await cli("list", spec, "--interpret");
  assert.equal(list.code, 3);
  assert.equal(list.err, "error: list does not take --interpret");
});

Deno.test("cli --interpret: the same verdicts, state counts and traces as the generated code", async () => {
  for (
    const args of [["check", path("specs/pc_channel.ts")], [
      "check",
      path("specs/pc_swapped_waits.ts"),
    ]]
  ) {
    const compiled = await cli(...args);
    const interpreted = await cli(...args, "--interpret");
    assert.equal(interpreted.code, compiled.code);
    assert.equal(verdictOf(interpreted.out), verdictOf(compiled.out));
  }
  const schedule = `${await Deno.makeTempDir({ prefix: "ipcspec-interpret-" })}/s.json`;
  const sim = [
    "simulate",
    path("specs/pc_swapped_waits.ts"),
    "--seed",
    "3",
    "--out",
    schedule,
  ];
  const compiled = await cli(...sim);
  const interpreted = await cli(...sim, "--interpret");
  assert.equal(interpreted.code, 1);
  assert.equal(verdictOf(interpreted.out), verdictOf(compiled.out));
  const replayed = await cli("replay", schedule, "--interpret");
  assert.equal(replayed.code, 1, replayed.out + replayed.err);
  assert.match(replayed.out, /^violates 'deadlock' \(deadlock\)/m);
});

const pcChannel = await loadSpec("pc_channel.ts", "pcChannel");

Deno.test({
  name: "cli --dump-code: writes the model's generated successor code",
  fn: async () => {
    assert.equal(generatedSource(compileFor(pcChannel, {}, { interpret: true })), undefined);
    const dir = await Deno.makeTempDir({ prefix: "ipcspec-dump-" });
    const plain = await cli("check", path("specs/pc_channel.ts"));
    const r = await cli("check", path("specs/pc_channel.ts"), "--dump-code", `${dir}/check.js`);
    assert.equal(r.code, 0);
    assert.equal(verdictOf(r.out), verdictOf(plain.out));
    assert.equal(r.err, `pc_channel: generated code written to ${dir}/check.js`);
    const source = await Deno.readTextFile(`${dir}/check.js`);
    assert.equal(source, generatedSource(compileFor(pcChannel, {}, { interpret: false })));
    const sim = await cli(
      "simulate",
      path("specs/pc_channel.ts"),
      "--runs",
      "5",
      "--param",
      "items=1",
      "--dump-code",
      `${dir}/simulate.js`,
    );
    assert.equal(sim.code, 2);
    assert.equal(
      await Deno.readTextFile(`${dir}/simulate.js`),
      generatedSource(compileFor(pcChannel, { items: 1 }, { interpret: false })),
    );
  },
});

/** The modules a folder's files import (relative specifiers, resolved from the repository root). */
async function importsOf(folder: string): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for await (const entry of Deno.readDir(path(folder))) {
    if (!entry.isFile || !entry.name.endsWith(".ts")) continue;
    const text = await Deno.readTextFile(path(`${folder}/${entry.name}`));
    const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*"(\.[^"]+)"/g)].map((m) =>
      new URL(m[1]!, `file:///${folder}/${entry.name}`).pathname.slice(1)
    );
    out.set(`${folder}/${entry.name}`, specifiers);
  }
  return out;
}

Deno.test("layers: checker/ imports neither reporters/ nor the CLI; reporters/ import no CLI", async () => {
  const checker = await importsOf("checker");
  assert.ok(checker.get("checker/check.ts")?.includes("model/model.ts"), "imports are read");
  for (const [file, specifiers] of checker) {
    const wrong = specifiers.filter((s) => /^(reporters|cli)\/|^cli\.ts$/.test(s));
    assert.deepEqual(wrong, [], `${file} imports ${wrong.join(", ")}`);
  }
  const reporters = await importsOf("reporters");
  assert.ok(reporters.size >= 8, "reporters/ holds the reporters");
  for (const [file, specifiers] of reporters) {
    const wrong = specifiers.filter((s) => /^cli\/|^cli\.ts$|^model\//.test(s));
    assert.deepEqual(wrong, [], `${file} imports ${wrong.join(", ")}`);
  }
});
