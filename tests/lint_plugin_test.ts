/**
 * The project's lint rule `ipcspec/max-function-lines` (tools/lint_plugin.ts):
 * it is enabled in deno.json, it flags a library function longer than
 * {@linkcode MAX_FUNCTION_LINES} lines (and only in the library), and the
 * repository has no finding of it.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import plugin, { MAX_FUNCTION_LINES } from "../tools/lint_plugin.ts";

const ROOT = new URL("../", import.meta.url);
const ROOT_PATH = fileURLToPath(ROOT);
const RULE = "ipcspec/max-function-lines";

/** A module with one function declaration, one arrow and one method, each `lines` lines long. */
function source(lines: number): string {
  const body = Array.from({ length: lines - 2 }, (_, i) => `  x += ${i};`).join("\n");
  return [
    `export function f(x: number): number {\n${body}\n}`,
    `export const g = (x: number): number => {\n${body}\n};`,
    `export class C {\n  m(x: number): number {\n${body}\n  }\n}`,
  ].join("\n");
}

function findings(path: string, text: string): Deno.lint.Diagnostic[] {
  return Deno.lint.runPlugin(plugin, `${ROOT_PATH}${path}`, text).filter((d) => d.id === RULE);
}

Deno.test("deno.json enables the project's lint plugin", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT)));
  assert.deepEqual(config.lint?.plugins, ["./tools/lint_plugin.ts"]);
});

Deno.test("max-function-lines flags each library function over the limit", () => {
  const over = findings("model/_example.ts", source(MAX_FUNCTION_LINES + 1));
  assert.equal(over.length, 3);
  for (const d of over) {
    assert.equal(
      d.message,
      `Function spans ${MAX_FUNCTION_LINES + 1} lines (at most ${MAX_FUNCTION_LINES})`,
    );
    assert.equal(d.hint, "Split it into named helpers, one job each");
  }
  assert.deepEqual(findings("model/_example.ts", source(MAX_FUNCTION_LINES)), []);
});

Deno.test("max-function-lines covers model/, primitives, checker/, reporters/, cli/, cli.ts only", () => {
  const long = source(MAX_FUNCTION_LINES + 1);
  for (
    const path of [
      "model/primitives/_example.ts",
      "checker/_example.ts",
      "reporters/_example.ts",
      "cli/_example.ts",
      "cli.ts",
    ]
  ) {
    assert.equal(findings(path, long).length, 3, path);
  }
  for (const path of ["tests/_example.ts", "specs/_example.ts", "bench/_example.ts", "mod.ts"]) {
    assert.deepEqual(findings(path, long), [], path);
  }
});

/** Runs `deno lint --compact` in `dir`: whether it passed, and its output. */
async function lint(dir: string): Promise<{ success: boolean; text: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["lint", "--compact"],
    cwd: dir,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  return { success: out.success, text };
}

Deno.test("deno lint, configured as in deno.json, reports a long library function", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT)));
  const dir = await Deno.makeTempDir({ prefix: "ipcspec_lint_" });
  try {
    await Deno.mkdir(`${dir}/tools`);
    await Deno.mkdir(`${dir}/model`);
    await Deno.copyFile(new URL("tools/lint_plugin.ts", ROOT), `${dir}/tools/lint_plugin.ts`);
    await Deno.writeTextFile(`${dir}/deno.json`, JSON.stringify({ lint: config.lint }));
    await Deno.writeTextFile(`${dir}/model/_long.ts`, source(MAX_FUNCTION_LINES + 1));
    await Deno.writeTextFile(`${dir}/model/_short.ts`, source(MAX_FUNCTION_LINES));
    const { success, text } = await lint(dir);
    assert.equal(success, false);
    const hits = text.split("\n").filter((line) => line.includes(RULE));
    assert.equal(hits.length, 3, text);
    assert.ok(hits.every((line) => line.includes("model/_long.ts")), text);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno lint over the repository has no max-function-lines finding", async () => {
  const { text } = await lint(ROOT_PATH);
  const hits = text.split("\n").filter((line) => line.includes(RULE));
  assert.deepEqual(hits, []);
  assert.match(text, /Checked \d+ files/);
});
