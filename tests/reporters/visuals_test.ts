import assert from "node:assert/strict";
import { visuals } from "../../docs/visual/make.ts";

Deno.test("docs/visual.md and its pictures are what `deno task visuals` writes", async () => {
  const root = new URL("../../", import.meta.url);
  for (const [path, text] of await visuals()) {
    let have: string;
    try {
      have = await Deno.readTextFile(new URL(path, root));
    } catch {
      assert.fail(`${path} is missing: run deno task visuals`);
    }
    assert.ok(have === text, `${path} is out of date: run deno task visuals`);
  }
});

Deno.test("the README tutorial shows its counterexample's chart", async () => {
  const readme = await Deno.readTextFile(new URL("../../README.md", import.meta.url));
  assert.match(readme, /!\[[^\]]*\]\(docs\/visual\/racy_counter\.svg\)/);
});
