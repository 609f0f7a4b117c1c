/**
 * The distributed search's benchmark: one NATS server and 1, 2, 3 worker
 * processes on this machine against the single-process sequential search,
 * on one workload (by default the bench's main case, pc_semaphore at about
 * 17 million states); the bytes sent per state; a raw NATS throughput
 * figure for the scaling model of docs/distributed.md. Writes the section
 * "Distributed search" of bench/RESULTS.md.
 *
 * ```sh
 * deno run --allow-read --allow-write=bench,/tmp --allow-env --allow-sys --allow-run \
 *   --allow-net=127.0.0.1 bench/distributed.ts [--params slots=2,producers=3,consumers=2,items=3]
 *   [--spec pcSemaphore] [--workers 1,2,3] [--out FILE]
 * ```
 *
 * Each row starts fresh worker processes and warms them up with a short
 * run (each imports the spec once); *s* is the search, from every worker
 * having loaded the spec to the verdict. *CPU s* adds the CPU time of the coordinator (this process),
 * the workers and nats-server during the run (/proc), so it is the work the
 * machine did for the verdict.
 *
 * @module
 */

import { parseArgs } from "node:util";
import process from "node:process";
import { check } from "../checker/check.ts";
import { checkDistributed, type DistributedResult } from "../checker/distributed.ts";
import type { CheckResult } from "../checker/result.ts";
import { connect } from "@nats-io/transport-node";
import { Cluster, natsServerPath } from "../tests/distributed/_cluster.ts";
import { writeSection } from "./_sections.ts";

const COMMAND = "deno run --allow-read --allow-write=bench,/tmp --allow-env --allow-sys " +
  "--allow-run --allow-net=127.0.0.1 bench/distributed.ts";

/**
 * CPU seconds (user + system) a process has used, from /proc (read by `cat`:
 * Deno reads another process's /proc files only with --allow-all).
 */
function cpuOf(pid: number): number {
  try {
    const out = new Deno.Command("cat", { args: [`/proc/${pid}/stat`] }).outputSync();
    const stat = new TextDecoder().decode(out.stdout);
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

function selfCpu(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function sum(xs: readonly number[]): number {
  return xs.reduce((n, x) => n + x, 0);
}

function load(): string {
  return Deno.loadavg()[0]!.toFixed(2);
}

interface Row {
  readonly label: string;
  readonly result: CheckResult | DistributedResult;
  readonly cpu: number;
  /** The busiest worker's CPU seconds during the run (distributed rows). */
  readonly workerCpu?: number;
  readonly loads: string;
}

/** Measures NATS throughput: 100 KiB messages from one connection to another, for 3 s. */
async function natsThroughput(url: string): Promise<number> {
  const a = await connect({ servers: url });
  const b = await connect({ servers: url });
  let bytes = 0;
  b.subscribe("bench.tp", {
    callback: (_e, m) => {
      bytes += m.data.byteLength;
    },
  });
  await b.flush();
  const payload = new Uint8Array(100 * 1024);
  const end = performance.now() + 3000;
  const start = performance.now();
  while (performance.now() < end) {
    for (let i = 0; i < 64; i++) a.publish("bench.tp", payload);
    await a.flush();
  }
  await b.flush();
  const rate = bytes / ((performance.now() - start) / 1000);
  await a.close();
  await b.close();
  return rate;
}

async function distributedRow(
  nats: string,
  target: { module: string; export: string },
  params: Record<string, string>,
  workers: number,
  batch: number | undefined,
): Promise<Row> {
  const cluster = await Cluster.start(nats);
  try {
    const procs = cluster.startWorkers(workers);
    // Warm up: every worker imports and compiles the spec once (not timed).
    await checkDistributed(target, { servers: cluster.url, workers, params, maxStates: 1000 });
    const before = load();
    const pids = procs.map((p) => p.pid);
    const workers0 = pids.map(cpuOf);
    const cpu0 = selfCpu() + sum(workers0) + cpuOf(cluster.serverPid);
    console.error(`[distributed] ${workers} worker(s) ...`);
    const result = await checkDistributed(target, {
      servers: cluster.url,
      workers,
      params,
      ...(batch !== undefined ? { batch } : {}),
    });
    const workerCpu = pids.map((p, k) => cpuOf(p) - workers0[k]!);
    const cpu1 = selfCpu() + sum(workers0) + sum(workerCpu) + cpuOf(cluster.serverPid);
    const split = result.traffic.partition;
    console.error(
      `[distributed] CPU s during the run: all ${(cpu1 - cpu0).toFixed(1)}, workers ${
        workerCpu.map((c) => c.toFixed(1)).join(" ")
      }; states per worker ${split.states.join(" ")} (balance over levels ${
        split.levelBalance.toFixed(3)
      }); lanes ${split.lanes?.join(",") ?? "all"} (sample of ${split.sampled}: balance ${
        split.sampleBalance.toFixed(3)
      }, remote ${split.sampleRemote.toFixed(3)}); ${
        result.traffic.bytesPerState.toFixed(1)
      } B/state`,
    );
    return {
      label: `${workers} worker process${workers === 1 ? "" : "es"}`,
      result,
      cpu: cpu1 - cpu0,
      workerCpu: Math.max(...workerCpu),
      loads: `${before} / ${load()}`,
    };
  } finally {
    await cluster.stop();
  }
}

function rowText(r: Row, base: number): string {
  const s = r.result.stats;
  const t = "traffic" in r.result ? r.result.traffic : undefined;
  return `| ${r.label.padEnd(26)} | ${r.result.verdict.padEnd(7)} | ${
    s.states.toLocaleString("en-US").padStart(10)
  } | ${s.transitions.toLocaleString("en-US").padStart(11)} | ${String(s.depth).padStart(5)} | ${
    s.seconds.toFixed(2).padStart(6)
  } | ${Math.round(s.statesPerSecond).toLocaleString("en-US").padStart(9)} | ${
    (Number.isNaN(base) ? "-" : (s.statesPerSecond / base).toFixed(2)).padStart(6)
  } | ${r.cpu.toFixed(1).padStart(5)} | ${
    r.workerCpu === undefined ? "    -" : r.workerCpu.toFixed(1).padStart(5)
  } | ${t === undefined ? "    -" : t.partition.levelBalance.toFixed(3)} | ${
    Math.round(s.states / Math.max(r.cpu, 1e-9)).toLocaleString("en-US").padStart(9)
  } | ${t !== undefined ? t.bytesPerState.toFixed(1).padStart(7) : "      -"} | ${
    t !== undefined ? (t.bytes / 2 ** 20).toFixed(0).padStart(7) : "      -"
  } | ${r.loads} |`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      params: { type: "string", default: "slots=2,producers=3,consumers=2,items=3" },
      spec: { type: "string", default: "pcSemaphore" },
      file: { type: "string", default: "specs/pc_semaphore.ts" },
      workers: { type: "string", default: "1,2,3" },
      out: { type: "string", default: "bench/RESULTS.md" },
      heading: { type: "string", default: "Distributed search" },
      section: { type: "string", default: "distributed" },
      batch: { type: "string" },
    },
  });
  const nats = natsServerPath();
  if (nats === undefined) {
    throw new Error("nats-server is not installed (apt-get install nats-server)");
  }
  const params = Object.fromEntries(
    values.params.split(",").map((kv) => kv.split("=") as [string, string]),
  );
  const module = new URL(`../${values.file}`, import.meta.url).href;
  const target = { module, export: values.spec };
  const spec = (await import(module))[values.spec];
  const rows: Row[] = [];
  {
    const before = load();
    const cpu0 = selfCpu();
    console.error("[distributed] sequential check() ...");
    const result = check(spec, { params, store: "fingerprint" });
    rows.push({
      label: "check() (one process)",
      result,
      cpu: selfCpu() - cpu0,
      loads: `${before} / ${load()}`,
    });
  }
  for (const w of values.workers.split(",").map(Number)) {
    const batch = values.batch === undefined ? undefined : Number(values.batch);
    rows.push(await distributedRow(nats, target, params, w, batch));
  }
  const cluster = await Cluster.start(nats);
  const throughput = await natsThroughput(cluster.url).finally(() => cluster.stop());
  // "vs 1": against one worker process, when that row was run.
  const one = rows.find((r) => r.label === "1 worker process");
  const base = one?.result.stats.statesPerSecond ?? Number.NaN;
  const same = rows.every((r) =>
    r.result.verdict === rows[0]!.result.verdict &&
    r.result.stats.states === rows[0]!.result.stats.states
  );
  const commit = new TextDecoder().decode(
    (await new Deno.Command("git", { args: ["rev-parse", "--short=12", "HEAD"] }).output()).stdout,
  ).trim();
  const text = [
    `## ${values.heading}`,
    "",
    `Date: ${new Date().toISOString().slice(0, 19)}Z, commit ${commit}.`,
    `Command: \`${COMMAND} --spec ${values.spec} --file ${values.file} --params ${values.params} --workers ${values.workers}\`.`,
    "",
    `\`${values.spec}\` (${values.params}): the sequential fingerprint search in one process, then`,
    "`checkDistributed()` with one local nats-server and 1, 2, 3 fresh worker processes, warmed",
    "up by a 1,000-state run (*s*: the search, from every worker having loaded the spec to",
    "the verdict). *CPU s* is the CPU",
    "time of the coordinator, the workers and nats-server together; *states/CPU s* the work",
    "per CPU second; *worker CPU s* the busiest worker's CPU during the search, *balance* the",
    "search's balance over the levels (the most states one worker stored at each level, summed,",
    "over the mean; the states are split by the partition function of docs/distributed.md).",
    "*B/state* is the bytes of batches the workers sent each other per state",
    "stored, *MiB sent* their total. *vs 1* compares states/s with one worker process.",
    `Same verdict and states in every row: **${same ? "yes" : "NO"}**.`,
    "",
    "| search                     | verdict |     states | transitions | depth |      s |  states/s |  vs 1 | CPU s | worker CPU s | balance | st./CPU s | B/state | MiB sent | load 1 min before / after |",
    "| -------------------------- | ------- | ---------: | ----------: | ----: | -----: | --------: | ----: | ----: | -----------: | ------: | --------: | ------: | -------: | ------------------------- |",
    ...rows.map((r) => rowText(r, base)),
    "",
    `NATS throughput on this machine (100 KiB messages, one publisher, one subscriber, through the`,
    `server): **${(throughput / 2 ** 20).toFixed(0)} MiB/s**.`,
  ].join("\n");
  console.log(text);
  writeSection(values.out, values.section, text);
}

if (import.meta.main) await main();
