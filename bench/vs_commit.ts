/**
 * This checkout against an earlier commit on the same search: the bounded
 * buffer (`pc_semaphore`, slots=2 producers=3 consumers=2 items=3, about
 * 17 M states, exact store) checked through the CLI of each, alternating
 * base and head, `--runs` times each (default 2). Compares CPU time
 * (user + sys, read with bash's `times`) as well as wall time and states/s,
 * since these machines are shared and wall time alone swings with the
 * load. Writes the section "Against an earlier commit" of bench/RESULTS.md
 * and keeps the rest.
 *
 * ```sh
 * deno run --allow-read --allow-write=bench,/tmp --allow-env --allow-sys --allow-run bench/vs_commit.ts --base 1e6a0fb
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import { writeSection } from "./_sections.ts";

const { values } = parseArgs({
  options: {
    base: { type: "string", default: "1e6a0fb" },
    runs: { type: "string", default: "2" },
  },
});
const root = new URL("../", import.meta.url).pathname;
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  throw new RangeError(`Cannot compare: --runs must be an integer >= 1, got '${values.runs}'`);
}

async function git(...args: string[]): Promise<string> {
  const out = await new Deno.Command("git", { args, cwd: root, stdout: "piped", stderr: "piped" })
    .output();
  if (!out.success) {
    throw new Error(`git ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  }
  return new TextDecoder().decode(out.stdout).trim();
}

const baseSha = await git("rev-parse", "--short=12", values.base!);
const headSha = await git("rev-parse", "--short=12", "HEAD");
const baseDir = `/tmp/ipcspec-base-${baseSha}`;
try {
  await Deno.stat(`${baseDir}/cli.ts`);
} catch {
  await git("worktree", "add", "--detach", "--force", baseDir, baseSha);
}

const PARAMS = ["slots=2", "producers=3", "consumers=2", "items=3"];

interface Run {
  readonly states: number;
  readonly statesPerSecond: number;
  readonly wall: number;
  readonly cpu: number;
}

/** One check through the CLI of the tree at `dir`, with its CPU time from bash's `times`. */
async function once(dir: string): Promise<Run> {
  const params = PARAMS.map((p) => `--param ${p}`).join(" ");
  const script = `cd '${dir}' && deno run -A cli.ts check specs/pc_semaphore.ts ${params} ` +
    `--format json > /tmp/ipcspec-vs-commit.json; times`;
  const t0 = performance.now();
  const out = await new Deno.Command("bash", { args: ["-c", script], stdout: "piped" }).output();
  const wall = (performance.now() - t0) / 1000;
  // `times` prints the shell's own times, then its children's: "0m14.66s 0m1.28s".
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
  const child = lines[lines.length - 1]!.match(/(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s/);
  if (child === null) throw new Error(`Cannot read the CPU time from '${lines.join(" / ")}'`);
  const cpu = Number(child[1]) * 60 + Number(child[2]) + Number(child[3]) * 60 + Number(child[4]);
  const json = JSON.parse(await Deno.readTextFile("/tmp/ipcspec-vs-commit.json"));
  const result = Array.isArray(json) ? json[0] : json;
  const stats = result.stats;
  const num = (v: unknown) => typeof v === "number" ? v : Number(String(v).replaceAll(",", ""));
  return {
    states: num(stats.states),
    statesPerSecond: num(stats.statesPerSecond),
    wall,
    cpu,
  };
}

const load = () => Deno.loadavg().map((l) => l.toFixed(2)).join(" ");
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const rows: string[] = [];
const totals = { base: 0, head: 0 };
for (let i = 1; i <= runs; i++) {
  for (const [name, dir, sha] of [["base", baseDir, baseSha], ["head", root, headSha]] as const) {
    const r = await once(dir);
    totals[name] += r.cpu;
    rows.push(
      `| ${i} | ${name} (${sha}) | ${fmt(r.states)} | ${fmt(r.statesPerSecond)} | ${
        r.wall.toFixed(2)
      } | ${r.cpu.toFixed(2)} | ${load()} |`,
    );
    console.log(rows[rows.length - 1]);
  }
}
const body = `## Against an earlier commit

Date: ${new Date().toISOString()}. ${runs} run(s) each of the bounded buffer (${
  PARAMS.join(" ")
}, exact store) through each tree's CLI, alternating base and head.
Command: \`deno run --allow-read --allow-write=bench,/tmp --allow-env --allow-sys --allow-run bench/vs_commit.ts --base ${values.base} --runs ${runs}\`.
CPU time is user + sys of the whole \`deno run\` (compile, search, report); load is the 1/5/15-minute
load average after the run. **CPU time ratio head/base: ${(totals.head / totals.base).toFixed(3)}.**

| run | tree | states | states/s | wall s | CPU s | load |
| ---: | --- | ---: | ---: | ---: | ---: | --- |
${rows.join("\n")}`;
writeSection(new URL("RESULTS.md", import.meta.url).pathname, "vs-commit", body);
console.log(`CPU time ratio head/base: ${(totals.head / totals.base).toFixed(3)}`);
