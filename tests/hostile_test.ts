// The sandbox against hostile specs (tests/fixtures/hostile/): every attempt
// to reach outside is refused, hangs and slow steps stop within the limits
// with a partial result naming the running step, and a spec cannot end the
// process with a passing exit code.

import assert from "node:assert/strict";
import { deno, ROOT, type Run } from "./_cli.ts";

const HOSTILE = "tests/fixtures/hostile";
const ATTEMPTS = [
  "read_passwd",
  "read_env",
  "write_file",
  "run_program",
  "connect_socket",
  "import_remote",
];
/** The permissions `deno task check` gives the CLI. */
const TASK = ["--allow-read", "--allow-env", "--allow-sys", "--allow-run"];
/**
 * Time to start the CLI and its sandbox (two deno processes) on a loaded
 * machine, on top of the limits under test.
 */
const STARTUP = 3;

async function timed(args: string[]): Promise<Run & { seconds: number }> {
  const start = performance.now();
  const r = await deno(...args);
  return { ...r, seconds: (performance.now() - start) / 1000 };
}

for (const [label, flags] of [["-A", ["-A"]], ["the task's permissions", TASK]] as const) {
  Deno.test(`hostile: every attempt to reach outside the sandbox fails, under ${label}`, async () => {
    await Deno.remove("/tmp/ipcspec-hostile-write.txt").catch(() => {});
    const r = await deno(
      "run",
      ...flags,
      "cli.ts",
      "check",
      ...ATTEMPTS.map((a) => `${HOSTILE}/${a}.ts`),
    );
    assert.equal(r.code, 0, r.out + r.err);
    for (const a of ATTEMPTS) assert.match(r.out, new RegExp(`^${a}: ok, no violation$`, "m"));
    await assert.rejects(Deno.stat("/tmp/ipcspec-hostile-write.txt"));
  });
}

Deno.test("hostile: the attempts get through with --allow-spec-io, which the output names", async () => {
  const r = await deno(
    "run",
    "-A",
    "cli.ts",
    "check",
    `${HOSTILE}/read_passwd.ts`,
    `${HOSTILE}/read_env.ts`,
    "--allow-spec-io",
  );
  assert.equal(r.code, 1);
  assert.match(r.err, /--allow-spec-io: the spec's code runs unsandboxed/);
  assert.match(r.out, /read_passwd: VIOLATION of 'sandboxed'/);
  assert.match(r.out, /read_env: VIOLATION of 'sandboxed'/);
});

/**
 * A stopped run's JSON: the search's own result when it stopped by itself
 * between two expansions, or the watchdog's, naming the step that was
 * running, when the spec's code did not return in time. Either way
 * `incomplete`, for `reason`.
 */
function assertStopped(
  printed: Record<string, unknown>,
  reason: string,
  spec: string,
  step: string,
): void {
  // The search's own result comes as the versioned document (docs/json.md).
  const result = Array.isArray(printed.results)
    ? printed.results[0] as Record<string, unknown>
    : printed;
  assert.equal(result.verdict, "incomplete");
  if ("running" in result) {
    assert.equal(result.reason, reason);
    assert.equal(result.spec, spec);
    assert.equal((result.running as { step: string }).step, step);
  } else {
    assert.equal((result.incomplete as { reason: string }).reason, reason);
    assert.equal(result.spec, spec);
    assert.ok((result.stats as { states: number }).states > 0);
  }
}

Deno.test("hostile: an effect that never returns stops within 2 s of --time 1, naming its step", async () => {
  const r = await timed([
    "run",
    "-A",
    "cli.ts",
    "check",
    `${HOSTILE}/loop_forever.ts`,
    "--time",
    "1",
  ]);
  assert.equal(r.code, 2, r.out + r.err);
  assert.match(r.out, /incomplete: the time limit of 1 s .* step 'spin' of p#0/);
  assert.ok(r.seconds < 1 + 2 + STARTUP, `took ${r.seconds} s`);
});

Deno.test("hostile: 200 ms steps stop within 2 s of --time 1, with the states covered", async () => {
  const r = await timed([
    "run",
    "-A",
    "cli.ts",
    "check",
    `${HOSTILE}/slow_step.ts`,
    "--time",
    "1",
    "--format",
    "json",
  ]);
  assert.equal(r.code, 2, r.out + r.err);
  assertStopped(JSON.parse(r.out), "time", "slow_step", "nap");
  assert.ok(r.seconds < 1 + 2 + STARTUP, `took ${r.seconds} s`);
});

for (
  const [signal, fixture, step] of [
    ["SIGTERM", "loop_forever", "spin"],
    ["SIGINT", "slow_step", "nap"],
    ["SIGTERM", "slow_step", "nap"],
  ] as const
) {
  Deno.test(`hostile: ${signal} stops ${fixture} within 2 s with its partial result`, async () => {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "cli.ts", "check", `${HOSTILE}/${fixture}.ts`, "--format", "json"],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const sent = performance.now();
    child.kill(signal);
    const r = await child.output();
    const seconds = (performance.now() - sent) / 1000;
    assert.ok(seconds < 2, `took ${seconds} s`);
    assert.equal(r.code, 2);
    assertStopped(JSON.parse(new TextDecoder().decode(r.stdout)), "interrupted", fixture, step);
  });
}

Deno.test("hostile: a step that never returns is an error after --step-timeout", async () => {
  const r = await timed([
    "run",
    "-A",
    "cli.ts",
    "check",
    `${HOSTILE}/loop_forever.ts`,
    "--step-timeout",
    "1",
  ]);
  assert.equal(r.code, 3);
  assert.match(
    r.out,
    /loop_forever \(tests\/fixtures\/hostile\/loop_forever.ts\): error: step 'spin' of p#0 \(tests\/fixtures\/hostile\/loop_forever.ts:\d+:\d+\) did not return within 1 s/,
  );
  assert.ok(r.seconds < 1 + 2 + STARTUP, `took ${r.seconds} s`);
});

for (const unsandboxed of [false, true]) {
  Deno.test(`hostile: Deno.exit(0) in an effect fails check --expect${unsandboxed ? " (--allow-spec-io)" : ""}`, async () => {
    const r = await deno(
      "run",
      "-A",
      "cli.ts",
      "check",
      "--expect",
      `${HOSTILE}/exit_zero.ts`,
      ...(unsandboxed ? ["--allow-spec-io"] : []),
    );
    assert.notEqual(r.code, 0);
    assert.match(
      r.out,
      /step 'leave' .*the spec called Deno.exit\(0\); a spec cannot end the checker's process/,
    );
    assert.match(r.out, /0 of 1 specs met their expected verdict/);
  });
}

Deno.test("hostile: a state space larger than --max-memory ends incomplete, with advice", async () => {
  const r = await deno(
    "run",
    "-A",
    "cli.ts",
    "check",
    "specs/pc_semaphore.ts",
    "--param",
    "items=6",
    "--param",
    "producers=2",
    "--param",
    "consumers=2",
    "--max-memory",
    "200M",
  );
  assert.equal(r.code, 2, r.out + r.err);
  assert.match(r.out + r.err, /memory limit of 200 MiB \(--max-memory\); .*--store fingerprint/);
});

Deno.test("hostile: a random effect is reported as impure on every run, naming its step", async () => {
  for (let run = 0; run < 3; run++) {
    const r = await deno("run", "-A", "cli.ts", "check", `${HOSTILE}/random_effect.ts`);
    assert.equal(r.code, 3);
    assert.match(
      r.out,
      /impure spec: step 'roll' of p#0 \(tests\/fixtures\/hostile\/random_effect.ts:\d+:\d+\)/,
    );
  }
});

Deno.test("hostile: an async effect is refused when the spec is built", async () => {
  const r = await deno("run", "-A", "cli.ts", "check", `${HOSTILE}/async_effect.ts`);
  assert.equal(r.code, 3);
  assert.match(
    r.out,
    /process 'p', step 'later' \(tests\/fixtures\/hostile\/async_effect.ts:\d+:\d+\): the effect is an async function/,
  );
});

Deno.test("hostile: an effect that changes a captured variable is reported as impure", async () => {
  const r = await deno("run", "-A", "cli.ts", "check", `${HOSTILE}/mutate_captured.ts`);
  assert.equal(r.code, 3);
  assert.match(r.out, /impure spec: step 'spend' of p#\d/);
});

Deno.test("hostile: a schedule file cannot make replay run a module outside its folder and the working directory", async () => {
  const a = await Deno.makeTempDir({ prefix: "ipcspec-schedule-" });
  const b = await Deno.makeTempDir({ prefix: "ipcspec-elsewhere-" });
  await Deno.writeTextFile(`${b}/evil.ts`, "export const x = 1;\n");
  await Deno.writeTextFile(
    `${a}/run.schedule.json`,
    JSON.stringify({ spec: "evil", specFile: `${b}/evil.ts`, params: {}, schedule: [] }),
  );
  const r = await deno("run", "-A", "cli.ts", "replay", `${a}/run.schedule.json`);
  assert.equal(r.code, 3);
  assert.match(
    r.err,
    /names the spec file '.*evil.ts', outside both the working directory and the schedule file's folder/,
  );
  await Deno.remove(a, { recursive: true });
  await Deno.remove(b, { recursive: true });
});
