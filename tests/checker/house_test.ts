// The shape of the checker (issue 11): every engine is a short file over
// the shared helpers (_loop.ts, _sink.ts, _outcome.ts), and no file of
// checker/ grows past 600 lines.

import assert from "node:assert/strict";

const checkerDir = new URL("../../checker/", import.meta.url);

/** The engines, each a short file of its own. */
const ENGINES = [
  "bfs.ts",
  "dfs.ts",
  "bfs_compact.ts",
  "parallel.ts",
  "_parallel_coordinator.ts",
  "_parallel_worker.ts",
  "liveness.ts",
  "simulate.ts",
];

async function lineCounts(): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for await (const e of Deno.readDir(checkerDir)) {
    if (!e.isFile || !e.name.endsWith(".ts")) continue;
    const text = await Deno.readTextFile(new URL(e.name, checkerDir));
    out.set(e.name, text.split("\n").length - (text.endsWith("\n") ? 1 : 0));
  }
  return out;
}

Deno.test("checker/: every engine file is under 300 lines", async () => {
  const counts = await lineCounts();
  for (const name of ENGINES) {
    const n = counts.get(name);
    assert.ok(n !== undefined, `checker/${name} is missing`);
    assert.ok(n < 300, `checker/${name} has ${n} lines (at most 299)`);
  }
});

Deno.test("checker/: no file is over 600 lines", async () => {
  const counts = await lineCounts();
  assert.ok(counts.size >= ENGINES.length);
  const long = [...counts].filter(([, n]) => n > 600).map(([f, n]) => `${f} (${n})`);
  assert.deepEqual(long, []);
});

Deno.test("checker/: engines share the loop, the sink and the outcome builder", async () => {
  const read = (f: string) => Deno.readTextFile(new URL(f, checkerDir));
  for (const name of ["bfs.ts", "dfs.ts", "bfs_compact.ts"]) {
    const text = await read(name);
    assert.match(text, /extends SlicedSearch</, `${name} runs in the shared loop`);
    assert.match(text, /from "\.\/_outcome\.ts"/, `${name} builds its outcome with _outcome.ts`);
  }
  assert.match(await read("_parallel_worker.ts"), /extends FindingSink</);
  assert.match(await read("_parallel_coordinator.ts"), /buildOutcome\(/);
});
