// Loading and naming errors of the CLI: a syntax error keeps its
// file:line:col, a broken file in a folder does not stop the others, an
// empty folder, two specs with one name, a repeated --param and an empty
// --replay are errors.

import assert from "node:assert/strict";
import { cli, ROOT } from "./_cli.ts";

const MOD = `${ROOT}mod.ts`;

function specText(name: string): string {
  return `import { spec, system } from "${MOD}";
export const s = spec({
  name: "${name}",
  params: {},
  build: () => {
    const sys = system({ x: 0 });
    sys.process("p", {}, (b) => [b.do("inc", ({ g }) => { g.x = 1; })]);
    return sys;
  },
});
`;
}

async function folder(files: Record<string, string>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "ipcspec-load-" });
  for (const [name, text] of Object.entries(files)) {
    await Deno.writeTextFile(`${dir}/${name}`, text);
  }
  return dir;
}

Deno.test("load: a syntax error keeps its file:line:col", async () => {
  const dir = await folder({
    "broken.ts": `import { spec } from "${MOD}";\nexport const x = spec({\n`,
  });
  const r = await cli("check", `${dir}/broken.ts`);
  assert.equal(r.code, 3);
  assert.match(
    r.err,
    new RegExp(
      `Cannot load spec file '${dir}/broken.ts': SyntaxError: .*\\(${dir}/broken.ts:\\d+:\\d+\\)`,
    ),
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("load: a broken file in a folder is reported, the others still checked, the run fails", async () => {
  const dir = await folder({
    "a_good.ts": specText("good"),
    "b_broken.ts": `export const x = (;\n`,
  });
  const r = await cli("check", "--expect", dir);
  assert.equal(r.code, 3);
  assert.match(r.out, /PASS good: expected ok, got ok/);
  assert.match(r.err, /Cannot load spec file '.*b_broken.ts': SyntaxError/);
  assert.match(r.err, /1 spec file could not be loaded/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("load: an empty folder is an error, also under --expect", async () => {
  const dir = await folder({});
  for (const args of [["check", dir], ["check", "--expect", dir]]) {
    const r = await cli(...args);
    assert.equal(r.code, 3);
    assert.match(r.err, /no spec file in/);
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("load: two specs with one name are refused", async () => {
  const dir = await folder({ "a.ts": specText("twin"), "b.ts": specText("twin") });
  const r = await cli("check", dir);
  assert.equal(r.code, 3);
  assert.match(r.err, /two specs are named 'twin' \(in .*a.ts and .*b.ts\)/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("options: a repeated --param is an error", async () => {
  const r = await cli(
    "check",
    "specs/counter_race.ts",
    "--param",
    "workers=2",
    "--param",
    "workers=3",
  );
  assert.equal(r.code, 3);
  assert.match(r.err, /--param workers is given twice \('2' and '3'\)/);
});

Deno.test("options: an empty --replay is an error, not the empty trace", async () => {
  const r = await cli("check", "specs/counter_race.ts", "--replay", "");
  assert.equal(r.code, 3);
  assert.match(r.err, /--replay needs a trace/);
});

Deno.test("options: --workers has an upper bound", async () => {
  const r = await cli("check", "specs/counter_race.ts", "--workers", "100000");
  assert.equal(r.code, 3);
  assert.match(r.err, /--workers must be at most 256, got 100000/);
});
