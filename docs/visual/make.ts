/**
 * Writes the pictures of docs/visual.md: the sequence chart of each
 * acceptance trace (SVG), the HTML report and the Mermaid text of the
 * deadlock, a state graph, and the chart of the README tutorial's
 * counterexample; and docs/visual.md itself around them.
 *
 * ```sh
 * deno task visuals                 # rewrite docs/visual/ and docs/visual.md
 * deno task visuals --screenshot    # also docs/visual/explorer.png (needs chromium)
 * ```
 *
 * tests/reporters/visuals_test.ts checks that the committed files are what
 * this writes.
 *
 * @module
 */

import { check, type Checkable, graphPicture, traceChart, traceRecorder } from "../../mod.ts";
import {
  formatDot,
  formatDotSvg,
  formatHtml,
  formatMermaid,
  formatSvg,
} from "../../reporters/mod.ts";

const ROOT = new URL("../../", import.meta.url);

/** The bundled specs pictured, with their parameters. */
const SPECS = [
  { name: "pc_swapped_waits", file: "specs/pc_swapped_waits.ts", params: {}, what: "a deadlock" },
  {
    name: "mailbox_owner_exit",
    file: "specs/mailbox_owner_exit.ts",
    params: { capacity: 1 },
    what: "a message lost when the mailbox's owner exits",
  },
  {
    name: "sig_child_count_std",
    file: "specs/sig_child_count.ts",
    params: {},
    what: "a coalesced SIGCHLD",
  },
  {
    name: "starving_consumer_weak",
    file: "specs/starving_consumer.ts",
    params: {},
    what: "a lasso: a cycle that repeats for ever",
  },
] as const;

async function load(file: string | URL, name: string): Promise<Checkable> {
  const mod = await import(new URL(file, ROOT).href);
  const found = Object.values(mod).find((v) => (v as Checkable | undefined)?.name === name);
  if (found === undefined) throw new Error(`${file} exports no spec named ${name}`);
  return found as Checkable;
}

/** The README tutorial's `lost_update.ts`, written to a temporary file so it can be imported. */
async function tutorialSpec(): Promise<Checkable> {
  const readme = await Deno.readTextFile(new URL("README.md", ROOT));
  const at = readme.indexOf("Save the\nfollowing as `lost_update.ts`");
  const block = /```ts\n([\s\S]*?)```/.exec(readme.slice(at))?.[1];
  if (at < 0 || block === undefined) throw new Error("README.md: the tutorial's spec is missing");
  const source = block.replace(`from "./mod.ts"`, `from "${new URL("mod.ts", ROOT).href}"`);
  const file = await Deno.makeTempFile({ prefix: "ipcspec-lost-update-", suffix: ".ts" });
  await Deno.writeTextFile(file, source);
  try {
    return await load(new URL(`file://${file}`), "racy_counter");
  } finally {
    await Deno.remove(file);
  }
}

function chartFor(spec: Checkable, params: Record<string, number>, file: string) {
  const model = spec.compile(params);
  const result = check(model);
  const cx = result.violation!;
  const flags = Object.entries(params).map(([k, v]) => ` --param ${k}=${v}`).join("");
  return {
    model,
    cx,
    chart: traceChart(model, cx, {
      recorder: traceRecorder(spec, params),
      params: result.params,
      stats: [["states", String(result.stats.states)], ["depth", String(result.stats.depth)]],
      replay: `deno run -A cli.ts check ${file} --spec ${spec.name}${flags} --replay ${cx.init}:${
        cx.transitions.join(",")
      }`,
    }),
  };
}

/** Every file this writes, by path from the repository root, with its contents. */
export async function visuals(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const sections: string[] = [];
  for (const s of SPECS) {
    const spec = await load(s.file, s.name);
    const { chart } = chartFor(spec, s.params, s.file);
    out.set(`docs/visual/${s.name}.svg`, formatSvg(chart));
    sections.push(`### ${s.name}: ${s.what}\n\n![${s.name}](visual/${s.name}.svg)\n`);
    if (s.name === "pc_swapped_waits") {
      out.set(`docs/visual/${s.name}.html`, formatHtml(chart));
      out.set(`docs/visual/${s.name}.mmd`, formatMermaid(chart));
    }
  }
  const graphSpec = await load("specs/sig_child_count.ts", "sig_child_count_std");
  const gm = graphSpec.compile();
  const graph = graphPicture(gm, { path: check(gm).violation! });
  if ("refused" in graph) throw new Error(graph.refused);
  const dot = formatDot(graph);
  out.set("docs/visual/sig_child_count_std.dot", dot);
  out.set("docs/visual/sig_child_count_std_graph.svg", await formatDotSvg(dot));
  const tutorial = await tutorialSpec();
  const { chart: racy } = chartFor(tutorial, {}, "lost_update.ts");
  out.set("docs/visual/racy_counter.svg", formatSvg(racy));
  const mermaid = out.get("docs/visual/pc_swapped_waits.mmd")!;
  out.set("docs/visual.md", await formatMarkdown(page(sections, mermaid)));
  return out;
}

/** The markdown as `deno fmt` leaves it (so `deno fmt --check` passes on the written file). */
async function formatMarkdown(text: string): Promise<string> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--ext", "md", "-"],
    cwd: new URL(".", ROOT).pathname,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(text));
  await writer.close();
  const out = await child.output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout);
}

function page(sections: string[], mermaid: string): string {
  return `<!-- Written by \`deno task visuals\` (docs/visual/make.ts); edit that, not this. -->

# Pictures of a trace

Every trace \`ipcspec\` finds can be looked at as well as read. The pictures come from the
primitives' own reports of what moved (a message put into a buffer, taken out of it, handed to a
blocked receiver or destroyed; a lock acquired or released; a signal generated, merged into one
already pending, or delivered), recorded by re-running the trace on a separate instance of the spec,
so the search itself is never slowed or changed.

| Output | Command | What it is |
| --- | --- | --- |
| Mermaid | \`check SPEC --format mermaid\` | a \`sequenceDiagram\`, rendered by GitHub and Markdown viewers |
| SVG | \`check SPEC --svg FILE\` | a standalone message sequence chart drawn by ipcspec itself |
| HTML | \`check SPEC --html FILE\` | one self-contained page: verdict, chart, steps, states |
| DOT | \`check SPEC --format dot\` | the state graph of a small spec (\`--svg\` with it draws it through Graphviz in WebAssembly) |
| Explorer | \`explore SPEC\` | a local web page to walk the state space by hand |

In a chart, each process and each primitive the trace touches has a lifeline. Solid arrows are a
process acting on a primitive (a send, a wait, a \`kill\`), dashed arrows are what comes back (a
message received, a signal delivered, a process woken), red crossed arrows and red notes are losses
(a message destroyed, a signal coalesced), grey notes are the processes blocked at the end, and a
green frame is a lasso's cycle. Numbers are the step numbers of the text trace. Drawing is quick:
\`deno run --allow-read bench/charts.ts\` charts a 500-step trace and draws its Mermaid text, SVG and
HTML report in a few tens of milliseconds.

## Sequence charts of four bundled specs

${sections.join("\n")}
## Mermaid

The deadlock of \`pc_swapped_waits\` as \`--format mermaid\` writes it (GitHub renders it):

\`\`\`mermaid
${mermaid}\`\`\`

## The HTML report

[\`visual/pc_swapped_waits.html\`](visual/pc_swapped_waits.html) is the report of the same deadlock:
the verdict, the chart, buttons to step through the trace with the state after each step, the step
table (each step expands into the whole state), the blocked processes and their wait-for graph, and
the replay command. It needs no network: open it from the disk.

## A state graph

The 27 states of \`sig_child_count_std\` (\`--format dot\`, drawn with \`--svg\`): each state is
labelled with what changed, each transition with process/step, the states where a property fails
are red, and the counterexample's path is blue. Larger graphs are refused: a picture of thousands of
states helps nobody.

![state graph](visual/sig_child_count_std_graph.svg)

## The explorer

\`explore SPEC\` serves a page on 127.0.0.1 (the port is printed; other hosts and origins are
refused): the enabled transitions with what each would change, the state, the primitives' contents
per process, the trace so far and its chart. Take a step, go back, load a trace or a schedule file,
check from where you stand and jump to the counterexample found.

![explorer](visual/explorer.png)
`;
}

if (import.meta.main) {
  for (const [path, text] of await visuals()) {
    await Deno.writeTextFile(new URL(path, ROOT), text);
    console.log(`wrote ${path}`);
  }
  if (Deno.args.includes("--screenshot")) {
    const { screenshotExplorer } = await import("./_screenshot.ts");
    await screenshotExplorer(new URL("docs/visual/explorer.png", ROOT).pathname);
    console.log("wrote docs/visual/explorer.png");
  }
}
