// The CLI for tools and CI: one valid JSON document on stdout for every
// command (errors included), what a spec prints kept on stderr, --junit,
// --itf and --format itf (read back by replay), --version, progress lines
// for logs, and init.

import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { cli, deno, path, ROOT } from "./_cli.ts";
import { assertValidResult } from "./reporters/_schema.ts";
import { junitErrors } from "./reporters/_junit_xsd.ts";
import { itfViolations } from "./reporters/_itf_rules.ts";

/** The one JSON document of a run, validated against the shipped schema. */
function doc(out: string) {
  const d = JSON.parse(out);
  assertValidResult(d);
  return d;
}

Deno.test("cli json: every command writes one valid document, errors included", async () => {
  const swapped = path("specs/pc_swapped_waits.ts");
  const cases: [string[], number, string][] = [
    [["check", swapped], 1, "check"],
    [["check", path("specs/"), "--expect"], 0, "check"],
    [["check", swapped, "--coverage"], 1, "check"],
    [["list", path("specs/")], 0, "list"],
    [["check", swapped, "--replay", "0:0,7,8,15"], 1, "replay"],
    [["check", swapped, "--replay", "0:0,0"], 3, "replay"],
    [["sweep", swapped, "--param", "items=1..2"], 1, "sweep"],
    [
      ["simulate", swapped, "--seed", "1", "--out", "/tmp/ipcspec-tools.schedule.json"],
      1,
      "simulate",
    ],
    [["--version"], 0, "version"],
    [[], 3, "error"],
    [["check", "--bogus"], 3, "error"],
    [["check", path("specs/nope.ts")], 3, "error"],
    [["check", path("tests/fixtures/no_spec.ts")], 3, "error"],
    [["check", swapped, "--max-states", "ten"], 3, "error"],
  ];
  for (const [args, code, command] of cases) {
    const r = await cli(...args, "--format", "json");
    assert.equal(r.code, code, `${args.join(" ")}: ${r.out}${r.err}`);
    const d = doc(r.out);
    assert.equal(d.command, command, args.join(" "));
    assert.equal(d.exitCode, code);
  }
  await Deno.remove("/tmp/ipcspec-tools.schedule.json");
  const expect = doc((await cli("check", path("specs/"), "--expect", "--format", "json")).out);
  assert.equal(expect.expect.met, expect.expect.total);
  assert.ok(expect.results.every((r: { expected: { met: boolean } }) => r.expected.met));
  const cov = doc((await cli("check", swapped, "--coverage", "--format", "json")).out);
  assert.equal(typeof cov.results[0].coverage.unreached, "number");
  const err = doc((await cli("check", path("specs/nope.ts"), "--format", "json")).out);
  assert.match(err.error.message, /Cannot load spec file .*nope\.ts/);
});

Deno.test("cli json: what a spec prints goes to stderr, stdout stays one document", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ipcspec-noisy-" });
  try {
    const file = join(dir, "noisy.ts");
    await Deno.writeTextFile(
      file,
      `import { spec, system } from "${pathToFileURL(join(ROOT, "mod.ts")).href}";
console.log("loading the noisy spec");
export const noisy = spec({
  name: "noisy",
  params: {},
  build: () => {
    console.log("building");
    const sys = system({ x: 0 });
    sys.process("p", {}, (s) => [s.do("inc", ({ g }) => g.x++)]);
    return sys;
  },
});
`,
    );
    const r = await deno(
      "run",
      "--allow-read",
      "--allow-run",
      "cli.ts",
      "check",
      file,
      "--format",
      "json",
    );
    assert.equal(r.code, 0, r.err);
    assert.equal(doc(r.out).results[0].verdict, "ok");
    assert.match(r.err, /loading the noisy spec/);
    assert.match(r.err, /building/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli --junit: one testcase per spec, or per sweep point, valid against junit-4.xsd", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ipcspec-junit-" });
  try {
    const file = join(dir, "reports", "junit.xml");
    const r = await cli("check", path("specs/"), "--expect", "--junit", file);
    assert.equal(r.code, 0, r.out + r.err);
    const xml = await Deno.readTextFile(file);
    assert.deepEqual(await junitErrors(xml), []);
    const n = Number(/^(\d+) of \d+ specs met/m.exec(r.out)![1]);
    assert.equal((xml.match(/<testcase /g) ?? []).length, n);
    const plain = await cli("check", path("specs/pc_swapped_waits.ts"), "--junit", file);
    assert.equal(plain.code, 1);
    const failed = await Deno.readTextFile(file);
    assert.deepEqual(await junitErrors(failed), []);
    assert.match(failed, /<failure type="deadlock" message="violation of &apos;deadlock&apos;/);
    assert.match(failed, /replay: deno run --allow-read --allow-run /);
    const sweep = await cli(
      "sweep",
      path("specs/pc_swapped_waits.ts"),
      "--param",
      "items=1..3",
      "--all",
      "--junit",
      file,
    );
    assert.equal(sweep.code, 1);
    const sx = await Deno.readTextFile(file);
    assert.deepEqual(await junitErrors(sx), []);
    assert.equal((sx.match(/<testcase /g) ?? []).length, 3);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli itf: --itf and --format itf write ADR-015 traces that replay reads back", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ipcspec-itf-" });
  try {
    for (const spec of ["pc_swapped_waits", "polite_livelock"]) {
      const file = join(dir, `${spec}.itf.json`);
      const one = ["--spec", spec];
      const checked = await cli("check", path(`specs/${spec}.ts`), ...one, "--itf", file);
      assert.equal(checked.code, 1);
      const trace = JSON.parse(await Deno.readTextFile(file));
      assert.deepEqual(itfViolations(trace), []);
      if (spec === "polite_livelock") assert.equal(typeof trace.loop, "number");
      const stdout = await cli("check", path(`specs/${spec}.ts`), ...one, "--format", "itf");
      assert.deepEqual(JSON.parse(stdout.out).states, trace.states);
      // Replayed from another directory: the file names the spec's absolute path.
      const replayed = await deno("run", "--allow-read", "--allow-run", "cli.ts", "replay", file);
      assert.equal(replayed.code, spec === "polite_livelock" ? 0 : 1, replayed.out + replayed.err);
      const storyOf = (t: string) => t.split("\n").filter((l) => /^\s+\d+\. /.test(l));
      assert.deepEqual(storyOf(replayed.out), storyOf(checked.out));
      const json = doc((await cli("replay", file, "--format", "json")).out);
      assert.equal(json.replay.source, "itf");
      assert.equal(json.replay.outcome, spec === "polite_livelock" ? "cycle" : "violation");
    }
    const several = join(dir, "several");
    const r = await cli("check", path("specs/"), "--itf", several);
    assert.equal(r.code, 1);
    const written = [...Deno.readDirSync(several)].map((e) => e.name);
    assert.ok(written.includes("pc_swapped_waits.itf.json"), written.join(" "));
    const multi = await cli("check", path("specs/"), "--format", "itf");
    assert.equal(multi.code, 3);
    assert.match(multi.err, /--format itf writes one trace/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli: --version, and init scaffolds a project once", async () => {
  const v = await cli("--version");
  assert.equal(v.code, 0);
  assert.match(v.out, /^ipcspec \d+\.\d+\.\d+$/);
  const dir = await Deno.makeTempDir({ prefix: "ipcspec-init-" });
  try {
    const r = await cli("init", dir, "--command-name", "ipcspec");
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /deno\.json/);
    const cfg = JSON.parse(await Deno.readTextFile(join(dir, "deno.json")));
    assert.equal(
      cfg.tasks.check,
      "ipcspec check --expect --junit reports/ipcspec-junit.xml specs/",
    );
    const again = await cli("init", dir);
    assert.equal(again.code, 3);
    assert.match(again.err, /already exists/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli: progress for logs, a start line and TLC-style lines every N seconds", async () => {
  const r = await cli(
    "check",
    path("specs/pc_semaphore.ts"),
    "--param",
    "producers=3",
    "--param",
    "consumers=3",
    "--param",
    "items=4",
    "--time",
    "2.5",
    "--progress-every",
    "1",
  );
  const lines = r.err.split("\n").filter((l) => l !== "");
  assert.match(
    lines[0]!,
    /^\[pc_semaphore\] Starting: spec 'pc_semaphore' \(\S+pc_semaphore\.ts\), parameters producers=3 consumers=3 items=4, engine bfs, store exact$/,
  );
  if (r.code === 2) {
    // The run lasted its 2.5 s: at least one progress line.
    assert.ok(lines.length >= 2, r.err);
    assert.match(
      lines[1]!,
      /^\[pc_semaphore\] Progress: [\d,]+ states \([\d,]+ states\/s\), frontier [\d,]+, depth \d+, memory \d+ MiB, elapsed \ds$/,
    );
  }
});
