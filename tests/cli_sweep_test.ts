// The sweep, simulate and replay commands: exit codes, what they print, and
// that every printed reproduction command, run as printed, gives the same
// failure back.

import assert from "node:assert/strict";
import { cli, path, ROOT, type Run } from "./_cli.ts";
import { assertValidResult } from "./reporters/_schema.ts";

/** How every printed command starts: `deno run`, the fewest permissions, this copy's cli.ts. */
const RUN = `deno run --allow-read(?: --allow-write)? --allow-run ${
  ROOT.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
}cli\\.ts`;

/** The command printed after `label`, e.g. `reproduce: deno run --allow-read .../cli.ts ...`. */
function printed(text: string, label: string): string {
  const m = new RegExp(`^${label}: (${RUN} .*)$`, "m").exec(text);
  assert.ok(m, `no '${label}:' line in:\n${text}`);
  return m[1]!;
}

/** Runs a printed command in-process (its words need no shell quoting here). */
function rerun(command: string): Promise<Run> {
  const words = command.split(" ");
  const at = words.findIndex((w) => w.endsWith("/cli.ts"));
  assert.deepEqual(words.slice(0, 3), ["deno", "run", "--allow-read"]);
  assert.ok(words.every((w) => !/['"\\]/.test(w)), command);
  return cli(...words.slice(at + 1));
}

/** Runs a printed command with `sh`, exactly as printed, from another directory. */
async function shell(command: string): Promise<Run> {
  const r = await new Deno.Command("sh", {
    args: ["-c", command],
    cwd: Deno.env.get("TMPDIR") ?? "/tmp",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const dec = new TextDecoder();
  return { code: r.code, out: dec.decode(r.stdout), err: dec.decode(r.stderr) };
}

/** The story lines of the counterexample. */
function story(text: string): string[] {
  return text.split("\n").filter((l) => /^\s+\d+\. /.test(l));
}

Deno.test("cli sweep: the missing mutex's smallest failing configuration, and commands that reproduce it", async () => {
  const r = await cli(
    "sweep",
    path("specs/pc_no_mutex.ts"),
    "--param",
    "slots=1..4",
    "--param",
    "producers=1..3",
    "--param",
    "items=1..3",
  );
  assert.equal(r.code, 1, r.out + r.err);
  assert.match(
    r.out,
    /^sweep pc_no_mutex over slots=1,2,3,4 producers=1,2,3 items=1,2,3 \(grid of 36 points/m,
  );
  assert.match(
    r.out,
    /^pc_no_mutex: smallest failing configuration: slots=2 producers=2 items=1$/m,
  );
  assert.match(r.out, /^trace \(29 steps, replay with --replay 0:[\d,]+\):$/m);
  assert.equal(story(r.out).length, 29);

  const check = printed(r.out, "reproduce the trace");
  assert.equal(
    check,
    `deno run --allow-read --allow-run ${ROOT}cli.ts check ${
      path("specs/pc_no_mutex.ts")
    } --spec pc_no_mutex ` +
      "--param slots=2 --param producers=2 --param items=1 --max-states 100000",
  );
  const c = await rerun(check);
  assert.equal(c.code, 1);
  assert.deepEqual(story(c.out), story(r.out));

  const again = await rerun(printed(r.out, "reproduce the sweep"));
  assert.equal(again.code, 1);
  assert.match(again.out, /smallest failing configuration: slots=2 producers=2 items=1$/m);

  const replay = await rerun(printed(r.out, "replay"));
  assert.equal(replay.code, 1);
  assert.match(replay.out, /violates 'exactly once'/);
});

Deno.test("cli sweep: the swapped waits, sampled by fast-check, with the seed and path to rerun it", async () => {
  const r = await cli(
    "sweep",
    path("specs/pc_swapped_waits.ts"),
    "--param",
    "slots=1..4",
    "--param",
    "producers=1..3",
    "--param",
    "consumers=1..3",
    "--param",
    "items=1..3",
    "--mode",
    "random",
    "--seed",
    "9",
  );
  assert.equal(r.code, 1, r.out + r.err);
  assert.match(
    r.out,
    /^pc_swapped_waits: smallest failing configuration: slots=1 producers=1 consumers=1 items=1$/m,
  );
  assert.match(r.out, /^seed: 9, path: "[\d:]+"$/m);
  const command = printed(r.out, "reproduce the sweep");
  assert.match(command, / --mode random --seed 9 --path [\d:]+$/);
  const again = await rerun(command);
  assert.match(
    again.out,
    /smallest failing configuration: slots=1 producers=1 consumers=1 items=1$/m,
  );
  assert.deepEqual(story(again.out), story(r.out));
});

Deno.test("cli sweep: fixed parameters, an ok grid (exit 0), a grid over budget (exit 2)", async () => {
  const ok = await cli(
    "sweep",
    path("specs/pc_no_mutex.ts"),
    "--param",
    "producers=1",
    "--param",
    "slots=1..3",
  );
  assert.equal(ok.code, 0, ok.out + ok.err);
  assert.match(ok.out, /over slots=1,2,3 with producers=1 \(grid of 3 points/);
  assert.match(ok.out, /^pc_no_mutex: ok at all 3 points$/m);
  const over = await cli(
    "sweep",
    path("specs/pc_semaphore.ts"),
    "--param",
    "slots=1..2",
    "--param",
    "producers=1..2",
    "--max-states",
    "100",
  );
  assert.equal(over.code, 2, over.out + over.err);
  assert.match(over.out, /INCOMPLETE, no failing point among the 4 checked; \d points? exceeded/);
});

Deno.test("cli simulate: finds the missing mutex with three producers, writes a schedule file, and both commands reproduce it", async () => {
  const file = await Deno.makeTempFile({ prefix: "ipcspec-test-", suffix: ".schedule.json" });
  try {
    const r = await cli(
      "simulate",
      path("specs/pc_no_mutex.ts"),
      "--param",
      "producers=3",
      "--seed",
      "42",
      "--out",
      file,
    );
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(
      r.out,
      /^pc_no_mutex \(slots=2 producers=3 consumers=1 items=1\): VIOLATION of '[^']+' \(\w+\), found by simulation$/m,
    );
    assert.match(r.out, /^schedule: \d+ steps, \d+ context switch(es)? \(first failing run/m);
    assert.match(r.out, /^seed: 42, path: "[\d:]+"$/m);
    const simulate = printed(r.out, "reproduce");
    assert.match(
      simulate,
      /^deno run --allow-read --allow-write --allow-run \S+cli\.ts simulate \S+pc_no_mutex\.ts --spec pc_no_mutex --param producers=3 --max-steps 1000 --seed 42 --path [\d:]+$/,
    );
    const again = await rerun(simulate);
    assert.equal(again.code, 1);
    assert.deepEqual(story(again.out), story(r.out));

    const saved = JSON.parse(await Deno.readTextFile(file));
    assert.equal(saved.spec, "pc_no_mutex");
    assert.equal(saved.seed, 42);
    assert.equal(saved.schedule.length, story(r.out).length);
    const printedReplay =
      `deno run --allow-read --allow-run ${ROOT}cli.ts replay ${file} ${ROOT}specs/pc_no_mutex.ts`;
    const replay = await rerun(printedReplay);
    assert.ok(r.out.includes(`\nreproduce: ${printedReplay}\n`));
    assert.equal(replay.code, 1, replay.out + replay.err);
    assert.match(
      replay.out,
      /^pc_no_mutex \(slots=2 producers=3 consumers=1 items=1\): replaying \d+ scheduled steps/m,
    );
    assert.deepEqual(story(replay.out), story(r.out));
    assert.match(replay.out, /^violates '[^']+' \(\w+\): /m);
  } finally {
    await Deno.remove(file);
  }
});

Deno.test("cli simulate and replay: the printed commands work as printed, from a shell", async () => {
  const file = await Deno.makeTempFile({ prefix: "ipcspec-test-", suffix: ".schedule.json" });
  try {
    const r = await shell(
      `deno run --allow-read --allow-write --allow-run ${ROOT}cli.ts simulate ${ROOT}specs/pc_swapped_waits.ts --seed 3 --out ${file}`,
    );
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /VIOLATION of 'deadlock' \(deadlock\), found by simulation/);
    assert.equal(story(r.out).length, 4);
    const [simulate, replay] = [...r.out.matchAll(/^reproduce: (.*)$/gm)].map((m) => m[1]!);
    assert.ok(
      simulate?.startsWith(
        `deno run --allow-read --allow-write --allow-run ${ROOT}cli.ts simulate ${ROOT}specs/pc_swapped_waits.ts`,
      ),
      simulate,
    );
    assert.equal(
      replay,
      `deno run --allow-read --allow-run ${ROOT}cli.ts replay ${file} ${ROOT}specs/pc_swapped_waits.ts`,
    );
    const again = await shell(simulate!);
    assert.equal(again.code, 1);
    assert.deepEqual(story(again.out), story(r.out));
    const replayed = await shell(replay!);
    assert.equal(replayed.code, 1, replayed.err);
    assert.deepEqual(story(replayed.out), story(r.out));
  } finally {
    await Deno.remove(file);
  }
});

Deno.test("cli simulate: no violation found is incomplete (exit 2), never ok", async () => {
  const r = await cli("simulate", path("specs/pc_semaphore.ts"), "--runs", "20", "--seed", "1");
  assert.equal(r.code, 2, r.out + r.err);
  assert.match(
    r.out,
    /^pc_semaphore \(.*\): INCOMPLETE, no violation in 20 random runs of at most 1000 steps/m,
  );
  assert.doesNotMatch(r.out, /reproduce:/);
});

Deno.test("cli replay: a missing file, a malformed one, and a schedule that no longer fits its spec", async () => {
  const missing = await cli("replay", "/tmp/ipcspec-no-such.schedule.json");
  assert.equal(missing.code, 3);
  assert.match(
    missing.err,
    /Cannot read schedule file '\/tmp\/ipcspec-no-such\.schedule\.json': no such file/,
  );

  const file = await Deno.makeTempFile({ prefix: "ipcspec-test-", suffix: ".schedule.json" });
  try {
    await Deno.writeTextFile(file, "{}");
    const bad = await cli("replay", file);
    assert.equal(bad.code, 3);
    assert.match(bad.err, /is not a schedule file: no 'ipcspec'/);

    const r = await cli(
      "simulate",
      path("specs/pc_swapped_waits.ts"),
      "--seed",
      "1",
      "--out",
      file,
    );
    assert.equal(r.code, 1);
    const saved = JSON.parse(await Deno.readTextFile(file));
    await Deno.writeTextFile(file, JSON.stringify({ ...saved, transitions: [0, 0, 0, 0] }));
    const changed = await cli("replay", file);
    assert.equal(changed.code, 3);
    assert.match(changed.err, /differs from the file at step \d+.*\(the spec or ipcspec changed/);

    await Deno.writeTextFile(file, JSON.stringify({ ...saved, specFile: "nowhere/x.ts" }));
    const lost = await cli("replay", file);
    assert.equal(lost.code, 3);
    assert.match(lost.err, /Cannot load spec file 'nowhere\/x\.ts'/);
  } finally {
    await Deno.remove(file);
  }
});

Deno.test("cli: options of one command are refused by the others, with a clear message", async () => {
  const seedOnCheck = await cli("check", path("specs/pc_channel.ts"), "--seed", "1");
  assert.equal(seedOnCheck.code, 3);
  assert.match(seedOnCheck.err, /--seed is an option of sweep and simulate, not of check/);
  const maxStatesOnSimulate = await cli(
    "simulate",
    path("specs/pc_channel.ts"),
    "--max-states",
    "5",
  );
  assert.equal(maxStatesOnSimulate.code, 3);
  assert.match(maxStatesOnSimulate.err, /simulate does not take --max-states/);
  const badRange = await cli("sweep", path("specs/pc_channel.ts"), "--param", "slots=3..1");
  assert.equal(badRange.code, 3);
  assert.match(badRange.err, /--param slots: a range must go up, got '3\.\.1'/);
  const unknown = await cli("sweep", path("specs/pc_channel.ts"), "--param", "nope=1..2");
  assert.equal(unknown.code, 3);
  assert.match(unknown.out, /unknown parameter 'nope'/);
  const pathWithoutSeed = await cli("simulate", path("specs/pc_channel.ts"), "--path", "0:1");
  assert.equal(pathWithoutSeed.code, 3);
  assert.match(pathWithoutSeed.err, /--path needs the --seed/);
  const twoFiles = await cli("simulate", path("specs/pc_channel.ts"), path("specs/pc_no_mutex.ts"));
  assert.equal(twoFiles.code, 3);
  assert.match(twoFiles.err, /simulate takes exactly one spec file/);
  const help = await cli("--help");
  assert.match(help.out, /ipcspec sweep <spec file> --param name=1\.\.4/);
  assert.match(help.out, /ipcspec replay <schedule file or ITF trace>/);
});

Deno.test("cli sweep and simulate --format json: the result as data", async () => {
  const s = await cli(
    "sweep",
    path("specs/pc_no_mutex.ts"),
    "--param",
    "slots=1..2",
    "--param",
    "producers=1..2",
    "--format",
    "json",
  );
  assert.equal(s.code, 1);
  const doc = JSON.parse(s.out);
  assertValidResult(doc);
  assert.equal(doc.command, "sweep");
  const sweep = doc.sweep;
  assert.deepEqual(sweep.smallest.params, { slots: 2, producers: 2 });
  assert.equal(sweep.smallest.result.violation.transitions.length, 29);
  const m = await cli(
    "simulate",
    path("specs/pc_swapped_waits.ts"),
    "--seed",
    "1",
    "--format",
    "json",
    "--out",
    "/tmp/ipcspec-cli-json.schedule.json",
  );
  assert.equal(m.code, 1);
  const mdoc = JSON.parse(m.out);
  assertValidResult(mdoc);
  const sim = mdoc.simulation;
  assert.ok(sim.violation.states.length > 0);
  assert.equal(sim.violation.property, "deadlock");
  assert.equal(sim.scheduleFile, "/tmp/ipcspec-cli-json.schedule.json");
  await Deno.remove(sim.scheduleFile);
});
