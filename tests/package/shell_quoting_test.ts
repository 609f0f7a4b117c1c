// The printed replay line of a spec with a space and a `;` in its name, in
// a folder with a space: pasted into `sh` from another directory, it
// replays that trace and runs nothing else.

import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT } from "../_cli.ts";

const MOD = pathToFileURL(join(ROOT, "mod.ts")).href;

const SPEC = `import { spec, system } from "${MOD}";

export const racy = spec({
  name: "lost; touch PWNED",
  params: {},
  build: () => {
    const sys = system({ n: 0 });
    sys.process("w", { count: 2, locals: { t: 0 } }, (s) => [
      s.do("read", ({ g, l }) => { l.t = g.n; }),
      s.do("write", ({ g, l }) => { g.n = l.t + 1; }),
    ]);
    sys.atEnd("no lost update", ({ g }) => g.n === 2);
    return sys;
  },
});
`;

async function run(cmd: string, args: string[], cwd: string) {
  const r = await new Deno.Command(cmd, {
    args,
    cwd,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const dec = new TextDecoder();
  return { code: r.code, out: dec.decode(r.stdout), err: dec.decode(r.stderr) };
}

Deno.test("the replay line survives a space and a ';' and runs from anywhere", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "ipcspec-quoting-" });
  try {
    const dir = join(tmp, "my specs; here");
    const elsewhere = join(tmp, "elsewhere");
    await Deno.mkdir(dir);
    await Deno.mkdir(elsewhere);
    const file = join(dir, "racy spec.ts");
    await Deno.writeTextFile(file, SPEC);
    const checked = await run(Deno.execPath(), [
      "run",
      "--allow-read",
      "--allow-run",
      join(ROOT, "cli.ts"),
      "check",
      "racy spec.ts",
    ], dir);
    assert.equal(checked.code, 1, checked.out + checked.err);
    const line = checked.out.split("\n").find((l) => l.startsWith("replay: "))?.slice(8);
    assert.ok(line !== undefined, checked.out);
    assert.match(line, /^deno run --allow-read --allow-run /);
    const replayed = await run("sh", ["-c", line], elsewhere);
    assert.equal(replayed.code, 1, replayed.out + replayed.err);
    assert.match(replayed.out, /^lost; touch PWNED: replayed 4 steps/);
    assert.match(replayed.out, /violates 'no lost update' \(final\)/);
    for (const d of [tmp, dir, elsewhere]) {
      await assert.rejects(() => Deno.stat(join(d, "PWNED")), Deno.errors.NotFound);
    }
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
