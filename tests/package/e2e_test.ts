// End to end, as a new user in CI would: install the `ipcspec` command with
// `deno install -g` (the README's line, into a temporary root), scaffold a
// project in an empty temp folder with `ipcspec init`, add a spec of its
// own that imports ipcspec the way the scaffold does, and check it with the
// installed command: verdicts, exit codes, the JUnit file and the JSON.

import assert from "node:assert/strict";
import { join } from "node:path";
import { ROOT } from "../_cli.ts";
import { assertValidResult } from "../reporters/_schema.ts";
import { junitErrors } from "../reporters/_junit_xsd.ts";

/** The README's example blocks for CI users, by name (`<!-- ci-example: name -->`). */
async function readmeExamples(): Promise<Map<string, string>> {
  const text = await Deno.readTextFile(join(ROOT, "README.md"));
  const out = new Map<string, string>();
  for (const m of text.matchAll(/<!-- ci-example: (\w+) -->\s*```\w*\n([\s\S]*?)```/g)) {
    out.set(m[1]!, m[2]!);
  }
  return out;
}

/** Timings and memory, which differ from run to run, replaced by placeholders. */
function steady(text: string): string {
  return text
    .replace(
      /time: [\d.]+ s \([\d,]+ states\/s\), memory: [\d.]+ MiB peak, [\d.]+ B\/state/g,
      "time: T",
    )
    .replace(/time="[\d.]+"/g, 'time="T"');
}

/** A JSON result without the fields that differ from run to run. */
function steadyJson(text: string): unknown {
  return JSON.parse(
    text,
    (k, v) =>
      ["seconds", "statesPerSecond", "peakMemoryBytes", "bytesPerState"].includes(k) ? 0 : v,
  );
}

const PROGRESS_LINE =
  /^\[\w+\] (Starting: spec '\w+' \(\S+\), parameters .*, engine \w+, store \w+|Progress: [\d,]+ states \([\d,]+ states\/s\), frontier [\d,]+, depth \d+, memory [\d,]+ MiB, elapsed \w+)$/;

const LOST_UPDATE = (importLine: string) =>
  `${importLine}

export const lostUpdate = spec({
  name: "lost_update",
  description: "two workers increment a counter without a lock",
  params: { workers: 2 },
  expect: { violation: "no lost update" },
  build: (p) => {
    const sys = system({ n: 0 });
    sys.process("worker", { count: p.workers, locals: { t: 0 } }, (s) => [
      s.do("read", ({ g, l }) => {
        l.t = g.n;
      }),
      s.do("write", ({ g, l }) => {
        g.n = l.t + 1;
      }),
    ]);
    sys.atEnd("no lost update", ({ g }) => g.n === p.workers);
    return sys;
  },
});
`;

Deno.test("e2e: install, init, check with the installed command, JUnit and JSON valid", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "ipcspec-e2e-" });
  try {
    const root = join(tmp, "deno-root");
    const env = {
      NO_COLOR: "1",
      PATH: `${join(root, "bin")}:${Deno.env.get("PATH") ?? ""}`,
    };
    const run = async (cmd: string, args: string[], cwd: string) => {
      const r = await new Deno.Command(cmd, { args, cwd, env, stdout: "piped", stderr: "piped" })
        .output();
      const dec = new TextDecoder();
      return { code: r.code, out: dec.decode(r.stdout), err: dec.decode(r.stderr) };
    };
    // The install line of the README, with --root for a throwaway install.
    const installed = await run(Deno.execPath(), [
      "install",
      "--global",
      "--root",
      root,
      "--name",
      "ipcspec",
      "--allow-read",
      "--allow-write",
      "--allow-run",
      join(ROOT, "cli.ts"),
      "--",
      "--command-name",
      "ipcspec",
    ], tmp);
    assert.equal(installed.code, 0, installed.err);
    const version = await run("ipcspec", ["--version"], tmp);
    assert.equal(version.code, 0, version.err);
    assert.match(version.out, /^ipcspec \d+\.\d+\.\d+/);
    const readme = await readmeExamples();
    assert.deepEqual([...readme.keys()], ["version", "check", "junit", "json", "progress"]);
    assert.equal(readme.get("version"), `$ ipcspec --version\n${version.out}`);
    for (const line of readme.get("progress")!.trim().split("\n")) {
      assert.match(line, PROGRESS_LINE);
    }

    const init = await run("ipcspec", ["init", "proto"], tmp);
    assert.equal(init.code, 0, init.out + init.err);
    const proj = join(tmp, "proto");
    const first = await Deno.readTextFile(join(proj, "specs", "ping_pong.ts"));
    const importLine = first.split("\n").find((l) => l.startsWith("import "))!;
    assert.match(importLine, /from "[^"]*mod\.ts"/);
    // The README's outputs, from the fresh project, up to timings and memory.
    const fresh = await run(Deno.execPath(), ["task", "check"], proj);
    assert.equal(fresh.code, 0, fresh.out + fresh.err);
    assert.equal(steady(readme.get("check")!), steady(`$ deno task check\n${fresh.out}`));
    const freshXml = await Deno.readTextFile(join(proj, "reports", "ipcspec-junit.xml"));
    assert.equal(steady(readme.get("junit")!), steady(freshXml));
    const freshJson = await run(
      "ipcspec",
      ["check", "--format", "json", "specs/ping_pong.ts"],
      proj,
    );
    const [command, ...shown] = readme.get("json")!.split("\n");
    assert.equal(command, "$ ipcspec check --format json specs/ping_pong.ts");
    assert.deepEqual(steadyJson(shown.join("\n")), steadyJson(freshJson.out));

    await Deno.writeTextFile(
      join(proj, "specs", "lost_update.ts"),
      LOST_UPDATE(importLine.replace("channel, ", "")),
    );

    // deno task check: every spec meets its declared verdict, JUnit written.
    const task = await run(Deno.execPath(), ["task", "check"], proj);
    assert.equal(task.code, 0, task.out + task.err);
    assert.match(task.out, /2 of 2 specs met their expected verdict/);
    const xml = await Deno.readTextFile(join(proj, "reports", "ipcspec-junit.xml"));
    assert.deepEqual(await junitErrors(xml), []);
    assert.equal((xml.match(/<testcase /g) ?? []).length, 2);
    assert.match(xml, /failures="0" errors="0"/);

    // Without --expect the lost update is a violation: exit code 1.
    const plain = await run("ipcspec", ["check", "specs/"], proj);
    assert.equal(plain.code, 1, plain.out + plain.err);
    assert.match(plain.out, /lost_update \(workers=2\): VIOLATION of 'no lost update'/);
    assert.match(plain.out, /replay: ipcspec check /);

    const json = await run("ipcspec", ["check", "--format", "json", "specs/"], proj);
    assert.equal(json.code, 1, json.err);
    const doc = JSON.parse(json.out);
    assertValidResult(doc);
    assert.deepEqual(doc.results.map((r: { verdict: string }) => r.verdict), [
      "violation",
      "ok",
    ]);
    assert.ok(doc.results[0].violation.states.length > 0);

    // The project's own test task.
    const test = await run(Deno.execPath(), ["task", "test"], proj);
    assert.equal(test.code, 0, test.out + test.err);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
