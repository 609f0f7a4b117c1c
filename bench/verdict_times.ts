/**
 * Time to verdict for every bundled spec at its default (small) scale,
 * end to end as a user sees it: one `deno run cli.ts check <file> --spec
 * <name>` process per spec (Deno's start-up, loading and compiling the
 * spec, the search, the report). Against SPIN's time to verdict at the
 * same scale for the specs with a Promela twin (bench/spin/), and SPIN's
 * floor: the fastest `spin -a` + `gcc` + `./pan` of any twin, which no SPIN
 * verdict on this machine can beat, since every one needs those three
 * steps. Writes the section "Time to verdict" of bench/RESULTS.md and keeps
 * the rest of the file.
 *
 * ```sh
 * deno run --allow-read --allow-write=bench,/tmp --allow-env --allow-sys --allow-run bench/verdict_times.ts
 * ```
 *
 * SPIN is optional: without `spin` or `gcc` on the PATH the section says
 * so and lists ipcspec's times alone. The bench installs nothing.
 *
 * @module
 */

import { Spec } from "../mod.ts";
import { writeSection } from "./_sections.ts";
import { runSpin, spinTools, TWINS } from "./vs_spin.ts";

const COMMAND =
  "deno run --allow-read --allow-write=bench,/tmp --allow-env --allow-sys --allow-run bench/verdict_times.ts";

interface SpecTime {
  file: string;
  name: string;
  verdict: string;
  states: number;
  seconds: number;
}

function fmtS(s: number): string {
  return s.toFixed(s < 1 ? 3 : 2);
}

async function cliTime(file: string, name: string): Promise<SpecTime> {
  const t0 = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-env",
      "--allow-sys",
      "cli.ts",
      "check",
      `specs/${file}`,
      "--spec",
      name,
      "--format",
      "json",
    ],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const seconds = (performance.now() - t0) / 1000;
  const text = new TextDecoder().decode(out.stdout);
  let verdict = `exit ${out.code}`, states = 0;
  try {
    const r = JSON.parse(text);
    const one = Array.isArray(r) ? r[0] : r.results?.[0] ?? r;
    verdict = one.verdict ?? verdict;
    states = one.stats?.states ?? 0;
  } catch {
    // not JSON: keep the exit code
  }
  return { file, name, verdict, states, seconds };
}

async function bundled(): Promise<{ file: string; name: string }[]> {
  const out: { file: string; name: string }[] = [];
  const dir = new URL("../specs/", import.meta.url);
  const files = [...Deno.readDirSync(dir)].map((e) => e.name)
    .filter((f) => f.endsWith(".ts") && !f.startsWith("_")).sort();
  for (const file of files) {
    const mod = await import(new URL(file, dir).href);
    for (const v of Object.values(mod)) {
      if (v instanceof Spec) out.push({ file, name: v.name });
    }
  }
  return out;
}

async function main(): Promise<void> {
  const specs = await bundled();
  const times: SpecTime[] = [];
  for (const s of specs) {
    const t = await cliTime(s.file, s.name);
    times.push(t);
    console.log(`[verdict] ${s.name}: ${t.verdict}, ${t.states} states, ${fmtS(t.seconds)} s`);
  }
  const why = await spinTools();
  const spin: { name: string; wall: number; spinA: number; gcc: number; pan: number }[] = [];
  if (why === undefined) {
    for (const twin of TWINS) {
      // A computed specifier: specs/ is type-checked under its own deno.json.
      const url = new URL(`../specs/${twin.file}.ts`, import.meta.url).href;
      const mod = await import(url);
      // deno-lint-ignore no-explicit-any
      const spec = mod[twin.name] as Spec<any>;
      const params = spec.resolve({});
      const r = await runSpin(twin, params, false, 1000);
      spin.push({
        name: spec.name,
        wall: r.spinA + r.gcc + r.pan,
        spinA: r.spinA,
        gcc: r.gcc,
        pan: r.pan,
      });
      console.log(`[verdict] SPIN ${spec.name}: ${fmtS(r.spinA + r.gcc + r.pan)} s`);
    }
  }
  const floor = spin.length > 0 ? Math.min(...spin.map((s) => s.wall)) : undefined;
  const sorted = [...times].sort((a, b) => b.seconds - a.seconds);
  const slowest = sorted[0]!;
  const total = times.reduce((n, t) => n + t.seconds, 0);
  const lines: string[] = [
    "## Time to verdict (every bundled spec, default scale)",
    "",
    `Command: \`${COMMAND}\``,
    "",
    `One \`deno run cli.ts check <file> --spec <name>\` process per spec, wall time from start to exit (Deno's start-up, loading the spec, the search, the report): ${times.length} specs, ${
      fmtS(total)
    } s in all, slowest ${slowest.name} at ${fmtS(slowest.seconds)} s, median ${
      fmtS(sorted[Math.floor(sorted.length / 2)]!.seconds)
    } s.`,
    "",
  ];
  if (floor === undefined) {
    lines.push(`SPIN not run: ${why}.`, "");
  } else {
    const beat = times.filter((t) => t.seconds < floor).length;
    lines.push(
      `SPIN's floor on this machine: ${
        fmtS(floor)
      } s, the fastest \`spin -a\` + \`gcc -O2\` + \`./pan\` of the twins at their default scale (every SPIN verdict needs all three). ipcspec's time to verdict is below it for ${beat} of ${times.length} bundled specs; the slowest spec takes ${
        (slowest.seconds / floor).toFixed(2)
      }× SPIN's floor.`,
      "",
      "| spec (default scale) | ipcspec, s | SPIN spin -a + gcc + pan, s | ratio |",
      "| --- | ---: | ---: | ---: |",
      ...spin.map((s) => {
        const t = times.find((x) => x.name === s.name)!;
        return `| ${s.name} | ${fmtS(t.seconds)} | ${fmtS(s.wall)} (${fmtS(s.spinA)} + ${
          fmtS(s.gcc)
        } + ${fmtS(s.pan)}) | ${(t.seconds / s.wall).toFixed(2)} |`;
      }),
      "",
    );
  }
  lines.push(
    "<details><summary>every spec</summary>",
    "",
    "| spec | verdict | states | seconds |",
    "| --- | --- | ---: | ---: |",
    ...times.map((t) =>
      `| ${t.name} | ${t.verdict} | ${t.states.toLocaleString("en-US")} | ${fmtS(t.seconds)} |`
    ),
    "",
    "</details>",
  );
  writeSection(
    new URL("./RESULTS.md", import.meta.url).pathname,
    "verdict-times",
    lines.join("\n"),
  );
  console.log(lines.slice(0, 8).join("\n"));
}

if (import.meta.main) await main();
