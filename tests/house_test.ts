/**
 * The shape of the house: one-way layering, no import cycles, short files.
 * Read from the real import graph (`deno info --json`) and the files on
 * disk, so a change that breaks the layout fails here.
 */
import assert from "node:assert/strict";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = new URL("../", import.meta.url);
const ROOT_PATH = fileURLToPath(ROOT);

interface Dependency {
  readonly code?: { readonly specifier: string };
  readonly type?: { readonly specifier: string };
}
interface ModuleInfo {
  readonly specifier: string;
  readonly dependencies?: readonly Dependency[];
}

/** The local import graph reachable from the package's entry points, type-only imports included. */
async function importGraph(): Promise<Map<string, string[]>> {
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT)));
  const entries = Object.values(config.exports as Record<string, string>);
  const graph = new Map<string, string[]>();
  for (const entry of entries) {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", entry],
      cwd: ROOT_PATH,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    const info = JSON.parse(new TextDecoder().decode(out.stdout));
    for (const m of info.modules as ModuleInfo[]) {
      const from = local(m.specifier);
      if (from === undefined) continue;
      const to = new Set(graph.get(from) ?? []);
      for (const d of m.dependencies ?? []) {
        for (const target of [d.code?.specifier, d.type?.specifier]) {
          const t = target === undefined ? undefined : local(target);
          if (t !== undefined) to.add(t);
        }
      }
      graph.set(from, [...to].sort());
    }
  }
  return graph;
}

/** A module's path relative to the root, or undefined when it is not one of ours. */
function local(specifier: string): string | undefined {
  const root = pathToFileURL(ROOT_PATH).href;
  return specifier.startsWith(root) ? specifier.slice(root.length) : undefined;
}

/** Every cycle's members (strongly connected components of more than one module, or a self-import). */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

const graph = await importGraph();

Deno.test("the package has no import cycle, type-only imports included", () => {
  assert.ok(graph.size > 50, `the graph looks too small (${graph.size} modules)`);
  assert.deepEqual(cycles(graph), []);
});

Deno.test("cycles() finds a cycle through type-only imports", () => {
  const g = new Map([["a.ts", ["b.ts"]], ["b.ts", ["c.ts"]], ["c.ts", ["a.ts"]], ["d.ts", []]]);
  assert.deepEqual(cycles(g), [["a.ts", "b.ts", "c.ts"]]);
});

/** The imports of every module under `folder` that land in `target`. */
function importsInto(folder: string, target: string): string[] {
  const out: string[] = [];
  for (const [from, tos] of graph) {
    if (!from.startsWith(folder)) continue;
    for (const to of tos) if (to.startsWith(target)) out.push(`${from} -> ${to}`);
  }
  return out;
}

Deno.test("checker/ imports from model/ only the Model and types modules", () => {
  const allowed = new Set(["model/model.ts", "model/types.ts"]);
  const stray = importsInto("checker/", "model/").filter((e) => !allowed.has(e.split(" -> ")[1]!));
  assert.deepEqual(stray, []);
  assert.ok(
    importsInto("checker/", "model/").length > 0,
    "checker/ should import the Model module",
  );
});

Deno.test("imports flow one way: cli/ -> reporters/ -> checker/ -> model/", () => {
  assert.deepEqual(importsInto("model/", "checker/"), []);
  assert.deepEqual(importsInto("model/", "reporters/"), []);
  assert.deepEqual(importsInto("model/", "cli/"), []);
  assert.deepEqual(importsInto("checker/", "reporters/"), []);
  assert.deepEqual(importsInto("checker/", "cli/"), []);
  assert.deepEqual(importsInto("reporters/", "cli/"), []);
});

/** Line counts of the `.ts` files directly in `folder`. */
async function lineCounts(folder: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for await (const e of Deno.readDir(new URL(folder, ROOT))) {
    if (!e.isFile || !e.name.endsWith(".ts")) continue;
    const text = await Deno.readTextFile(new URL(`${folder}${e.name}`, ROOT));
    counts.set(`${folder}${e.name}`, text.split("\n").length - (text.endsWith("\n") ? 1 : 0));
  }
  return counts;
}

// checker/ has its own, with the engines: tests/checker/house_test.ts.
Deno.test("no file in model/ (outside primitives/), reporters/ or cli/ is over 600 lines", async () => {
  const long: string[] = [];
  for (const folder of ["model/", "reporters/", "cli/"]) {
    for (const [file, n] of await lineCounts(folder)) if (n > 600) long.push(`${file}: ${n}`);
  }
  assert.deepEqual(long, []);
});
