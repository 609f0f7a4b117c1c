/**
 * The supervisor: runs a command's spec code in a sandboxed child process
 * and owns the terminal, the output, the exit code and the limits.
 *
 * The child (`cli/_child.ts`) is `deno run` with read access to the folders
 * of the specs named on the command line and to ipcspec itself, and nothing
 * else: no environment, no writes, no network, no subprocesses, no remote
 * imports, no downloads (`--no-remote --cached-only --frozen`), and a V8
 * heap no larger than the memory limit. The child sends its output, its
 * progress and, when the spec's code would not stop, where it was, as JSON
 * lines; the supervisor prints them and turns every way the child can end
 * into a result and an exit code: a spec that ends the process or crashes
 * it is an error naming the spec, never a passing exit code.
 *
 * @module
 */

import { natsHosts } from "./_distributed.ts";
import { parseArgs } from "node:util";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type CliIO, EXIT, writeFile } from "./_io.ts";
import { main } from "./main.ts";
import { OPTIONS } from "./_options.ts";
import type { LastProgress, Message, StopReason, Written } from "./_sandbox_messages.ts";
import { TAG } from "./_sandbox_messages.ts";

/** How long the child has to answer a stop before it is killed. */
const KILL_AFTER_MS = 1500;

/** The default step timeout, in seconds. */
export const DEFAULT_STEP_TIMEOUT = 10;

/**
 * The default memory limit: half the machine's memory, at most 16 GiB (4 GiB
 * when the machine's memory cannot be read).
 *
 * @returns Bytes.
 *
 * @example
 * ```ts
 * import { defaultMemoryLimit } from "./_sandbox.ts";
 * import assert from "node:assert/strict";
 *
 * assert.ok(defaultMemoryLimit() >= 2 ** 28);
 * ```
 */
export function defaultMemoryLimit(): number {
  try {
    const total = Deno.systemMemoryInfo().total;
    return Math.max(2 ** 28, Math.min(total / 2, 16 * 2 ** 30));
  } catch {
    return 4 * 2 ** 30;
  }
}

/**
 * Reads a memory size: bytes, or a number with K, M, G or T (powers of 1024).
 *
 * @param text E.g. `512M`, `4G`, `1.5G`, `1000000`.
 * @returns Bytes, or why the text is not a size.
 *
 * @example
 * ```ts
 * import { parseMemory } from "./_sandbox.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(parseMemory("512M"), 512 * 2 ** 20);
 * assert.equal(typeof parseMemory("lots"), "string");
 * ```
 */
export function parseMemory(text: string): number | string {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)i?B?\s*$/i.exec(text);
  const bad = `--max-memory must be a size such as 512M or 4G, got '${text}'`;
  if (m === null) return bad;
  const unit = { "": 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 }[m[2]!.toUpperCase()]!;
  const bytes = Math.floor(Number(m[1]) * unit);
  if (bytes < 64 * 2 ** 20) return `--max-memory must be at least 64M, got '${text}'`;
  return bytes;
}

function mib(bytes: number): string {
  return bytes >= 2 ** 30
    ? `${(bytes / 2 ** 30).toFixed(1)} GiB`
    : `${Math.round(bytes / 2 ** 20)} MiB`;
}

/**
 * What `Deno.exit` does while a spec's code may run: it throws, so the
 * spec's step fails with an error naming it.
 *
 * @param code The exit code the spec asked for.
 * @returns Never.
 *
 * @example
 * ```ts
 * import { refuseExit } from "./_sandbox.ts";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => refuseExit(0), /cannot end/);
 * ```
 */
export function refuseExit(code?: number): never {
  throw new Error(
    `the spec called Deno.exit(${code ?? ""}); a spec cannot end the checker's process`,
  );
}

/** The package's root folder, when it is on the local disk. */
function packageDir(): string | undefined {
  const url = new URL("..", import.meta.url);
  return url.protocol === "file:" ? fileURLToPath(url) : undefined;
}

function inside(dir: string, path: string): boolean {
  const r = relative(dir, path);
  return r === "" || (!r.startsWith("..") && !isAbsolute(r));
}

/** The folders the child may read for `command`'s paths, or an error in words. */
async function readable(command: string, paths: string[]): Promise<string[] | string> {
  if (command !== "replay") {
    const out: string[] = [];
    for (const p of paths) {
      const abs = resolve(p);
      try {
        out.push((await Deno.stat(abs)).isDirectory ? abs : dirname(abs));
      } catch {
        out.push(abs); // the child reports that it does not exist
      }
    }
    return out;
  }
  // A schedule file names its spec: the spec must lie in the working
  // directory's tree or the schedule file's, and only its folder is readable.
  const schedule = paths[0];
  if (schedule === undefined) return [];
  const abs = resolve(schedule);
  // `replay FILE SPEC_FILE`: the user points at the spec file themselves.
  if (paths[1] !== undefined) return [abs, dirname(resolve(paths[1]))];
  let named: unknown;
  try {
    named = JSON.parse(await Deno.readTextFile(abs)).specFile;
  } catch {
    return [abs]; // the child reports what is wrong with it
  }
  if (typeof named !== "string") return [abs];
  const candidates = [resolve(named), resolve(dirname(abs), named)];
  for (const c of candidates) {
    try {
      await Deno.stat(c);
    } catch {
      continue;
    }
    if (!inside(Deno.cwd(), c) && !inside(dirname(abs), c)) {
      return `Cannot replay '${schedule}': it names the spec file '${named}', outside both the working directory and the schedule file's folder`;
    }
    return [abs, dirname(c)];
  }
  return [abs];
}

/** What the supervisor saw of the child. */
interface Seen {
  spec?: { name: string; file: string };
  progress?: LastProgress;
  stopped?: Extract<Message, { k: "stopped" }>;
  limit?: Extract<Message, { k: "limit" }>;
  code?: number;
  interrupted: boolean;
  outOfMemory: boolean;
  /** The rows the command finished (sweep's points) for the current spec. */
  rows: string[];
  /** The child writes a checkpoint: do not kill it for being slow to stop. */
  onWriting: () => void;
}

/**
 * Runs the CLI with the spec's code in the sandbox (see the module doc), or
 * in this process under `--allow-spec-io`.
 *
 * @param args The arguments, without the program name.
 * @param io Where to write.
 * @returns The exit code.
 *
 * @example
 * ```ts ignore
 * import { supervise } from "./_sandbox.ts";
 *
 * Deno.exit(await supervise(Deno.args, { out: console.log, err: console.error }));
 * ```
 */
export async function supervise(args: string[], io: CliIO): Promise<number> {
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args,
      strict: false,
      allowPositionals: true,
      options: OPTIONS,
    }));
  } catch {
    return await main(args, io); // main reports the usage error
  }
  const [command, ...paths] = positionals;
  const known = ["check", "list", "sweep", "simulate", "replay", "explore", "swarm"];
  if (values.help === true || command === undefined || !known.includes(command)) {
    return await main(args, io); // no spec is loaded
  }
  if (values["allow-spec-io"] === true) return await unsandboxed(args, io);
  const last = (name: string) => {
    const v = values[name];
    return typeof v === "string" ? v : undefined;
  };
  const limits = limitsOf(command, last);
  if (typeof limits === "string") {
    io.err(`error: ${limits}`);
    return EXIT.error;
  }
  const flags = await permissionsOf(command, paths, last);
  if (typeof flags === "string") {
    io.err(`error: ${flags}`);
    return EXIT.error;
  }
  const format = last("format") === "json" ? "json" : "text";
  return await runChild([...flags, ...childArgs(limits), ...args], format, limits.memory, io);
}

/** `--allow-spec-io`: the CLI in this process, said so; still, a spec cannot end the process. */
async function unsandboxed(args: string[], io: CliIO): Promise<number> {
  io.err(
    "note: --allow-spec-io: the spec's code runs unsandboxed, with this process's permissions",
  );
  const exit = Object.getOwnPropertyDescriptor(Deno, "exit")!;
  Object.defineProperty(Deno, "exit", { ...exit, value: refuseExit });
  try {
    return await main(args, io);
  } finally {
    Object.defineProperty(Deno, "exit", exit);
  }
}

/** The watchdog's limits: memory, step timeout, time (0: none). */
interface Limits {
  readonly memory: number;
  readonly stepSeconds: number;
  readonly time: number;
}

/** The limits the options set, or what is wrong with them. */
function limitsOf(command: string, last: (name: string) => string | undefined): Limits | string {
  let memory = defaultMemoryLimit();
  const memText = last("max-memory");
  if (memText !== undefined) {
    const m = parseMemory(memText);
    if (typeof m === "string") return m;
    memory = m;
  }
  let stepSeconds = DEFAULT_STEP_TIMEOUT;
  const stepText = last("step-timeout");
  if (stepText !== undefined) {
    stepSeconds = Number(stepText);
    if (stepText.trim() === "" || !Number.isFinite(stepSeconds) || stepSeconds <= 0) {
      return `--step-timeout must be a positive number of seconds, got '${stepText}'`;
    }
  }
  const timeText = last("time");
  // sweep's --time is each point's budget, which the search keeps itself.
  const time = command !== "sweep" && timeText !== undefined && Number(timeText) > 0
    ? Number(timeText)
    : 0;
  return { memory, stepSeconds, time };
}

/** The child's `deno run` flags up to its script, or why there is no sandbox to run. */
async function permissionsOf(
  command: string,
  paths: string[],
  last: (name: string) => string | undefined,
): Promise<string[] | string> {
  const pkg = packageDir();
  const run = Deno.permissions.querySync({ name: "run", command: Deno.execPath() });
  if (pkg === undefined || run.state !== "granted") {
    return `the sandbox that runs the spec's code needs ${
      pkg === undefined ? "ipcspec on the local disk" : "permission to run deno (--allow-run)"
    }; give it, or run the spec unsandboxed with --allow-spec-io`;
  }
  const dirs = await readable(command, paths);
  if (typeof dirs === "string") return dirs;
  const dump = last("dump-code");
  // --dump-code checks that the file's folder exists (the supervisor writes it).
  const allowRead = [pkg, ...dirs, ...(dump !== undefined ? [dirname(resolve(dump))] : [])];
  // The files the user names for the child to write (--checkpoint FILE and
  // its temporary sibling, --svg, --html), nothing else; and to read.
  const checkpoint = last("checkpoint");
  const outputs = [
    ...(checkpoint !== undefined ? [resolve(checkpoint), `${resolve(checkpoint)}.tmp`] : []),
    ...["svg", "html", "junit", "itf"].flatMap((o) =>
      last(o) !== undefined ? [resolve(last(o)!)] : []
    ),
  ];
  // The reports' folders are made here, so the child needs no write access to them.
  for (const o of ["junit", "itf"]) {
    const file = last(o);
    if (file === undefined) continue;
    try {
      await Deno.mkdir(dirname(resolve(file)), { recursive: true });
    } catch {
      // the child reports that it cannot write the report, naming it
    }
  }
  allowRead.push(...outputs, ...outputs.map((o) => dirname(o)));
  for (const input of ["resume", "load"]) {
    if (last(input) !== undefined) allowRead.push(resolve(last(input)!));
  }
  if ([...allowRead, ...outputs].some((d) => d.includes(","))) {
    return "the sandbox cannot give access to a path with a comma in it";
  }
  return [
    "run",
    ...(outputs.length === 0 ? [] : [`--allow-write=${outputs.join(",")}`]),
    // explore serves its page on the loopback interface.
    ...(command === "explore" ? ["--allow-net=127.0.0.1"] : []),
    // check --distributed and swarm talk to the NATS servers they name, and nothing else.
    ...(command === "check" && last("distributed") !== undefined
      ? [`--allow-net=${natsHosts(last("distributed")!).join(",")}`]
      : command === "swarm" && last("nats") !== undefined
      ? [`--allow-net=${natsHosts(last("nats")!).join(",")}`]
      : []),
    "--no-remote",
    "--cached-only",
    "--frozen",
    "--no-prompt",
    `--config=${resolve(pkg, "deno.json")}`,
    `--allow-read=${allowRead.join(",")}`,
    resolve(pkg, "cli", "_child.ts"),
  ];
}

/** What follows the child's script: its V8 heap flag goes before; here its limits and `--`. */
function childArgs(limits: Limits): string[] {
  return [
    String(Math.round(limits.time * 1000)),
    String(Math.round(limits.stepSeconds * 1000)),
    String(limits.memory),
    "--",
  ];
}

/** Runs the child with `args` (after `deno`), relays it, and gives the exit code. */
async function runChild(
  args: string[],
  format: "text" | "json",
  memory: number,
  io: CliIO,
): Promise<number> {
  const heap = `--v8-flags=--max-old-space-size=${Math.max(64, Math.floor(memory / 2 ** 20))}`;
  const child = new Deno.Command(Deno.execPath(), {
    args: [args[0]!, heap, ...args.slice(1)],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stdin = child.stdin.getWriter();
  const encoder = new TextEncoder();
  const send = (text: string) => void stdin.write(encoder.encode(text)).catch(() => {});
  const seen: Seen = { interrupted: false, outOfMemory: false, rows: [], onWriting: () => {} };
  const signals = stopOnSignals(child, seen, () => send("stop\n"));
  try {
    await Promise.all([
      lines(child.stdout, (line) => onLine(line, seen, io, (w) => send(`${JSON.stringify(w)}\n`))),
      lines(child.stderr, (line) => {
        if (/Fatal (JavaScript|process) out of memory|Reached heap limit/.test(line)) {
          seen.outOfMemory = true;
        }
        if (!seen.outOfMemory) io.err(line);
      }),
    ]);
    const status = await child.status;
    await stdin.close().catch(() => {});
    if (seen.code !== undefined) {
      if (seen.limit !== undefined) io.err(limitNote(seen.limit.reason, seen.limit.limit));
      return seen.code;
    }
    return report(seen, status, format, memory, io);
  } finally {
    signals();
  }
}

/**
 * Ctrl-C and SIGTERM ask the child to stop (`stop`) and kill it if it does
 * not end within {@linkcode KILL_AFTER_MS} (unless it is writing a
 * checkpoint); a second one kills it at once. Returns the undo.
 */
function stopOnSignals(child: Deno.ChildProcess, seen: Seen, stop: () => void): () => void {
  let killTimer: ReturnType<typeof setTimeout> | undefined;
  const kill = () => {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  };
  seen.onWriting = () => {
    if (killTimer !== undefined) clearTimeout(killTimer);
    killTimer = undefined;
  };
  const onSignal = () => {
    if (seen.interrupted) return kill();
    seen.interrupted = true;
    stop();
    killTimer = setTimeout(kill, KILL_AFTER_MS);
  };
  const signals: Deno.Signal[] = [];
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    try {
      Deno.addSignalListener(sig, onSignal);
      signals.push(sig);
    } catch {
      // no signals on this platform
    }
  }
  return () => {
    if (killTimer !== undefined) clearTimeout(killTimer);
    for (const sig of signals) Deno.removeSignalListener(sig, onSignal);
  };
}

async function lines(stream: ReadableStream<Uint8Array>, each: (line: string) => void) {
  let buffered = "";
  const decoder = new TextDecoder();
  for await (const bytes of stream) {
    buffered += decoder.decode(bytes, { stream: true });
    let nl: number;
    while ((nl = buffered.indexOf("\n")) >= 0) {
      each(buffered.slice(0, nl));
      buffered = buffered.slice(nl + 1);
    }
  }
  if (buffered !== "") each(buffered);
}

function onLine(line: string, seen: Seen, io: CliIO, answer: (w: Written) => void): void {
  let m: Message | undefined;
  if (line.startsWith(`{"${TAG}":1,`)) {
    try {
      m = JSON.parse(line) as Message;
    } catch {
      m = undefined;
    }
  }
  if (m === undefined) {
    io.err(line); // the spec's own output
    return;
  }
  switch (m.k) {
    case "out":
      io.out(m.text);
      return;
    case "err":
      io.err(m.text);
      return;
    case "spec":
      seen.spec = { name: m.name, file: m.file };
      delete seen.progress;
      seen.rows = [];
      return;
    case "row":
      seen.rows.push(m.text);
      return;
    case "progress":
      seen.progress = m.p;
      return;
    case "limit":
      seen.limit = m;
      return;
    case "stopped":
      seen.stopped = m;
      return;
    case "done":
      seen.code = m.code;
      return;
    case "model":
      return;
    case "writing":
      seen.onWriting();
      return;
    case "write": {
      const { id, path, temp, text } = m;
      (io.writeFile ?? writeFile)(path, temp, text).then(
        (written) => answer({ k: "written", id, path: written }),
        (e) => answer({ k: "written", id, error: e instanceof Error ? e.message : String(e) }),
      );
      return;
    }
  }
}

const ADVICE = "to go further in the same memory, use --store fingerprint (16 bytes a state), " +
  "--por or --symmetry, or --store bitstate";

function limitNote(reason: StopReason, limit: number): string {
  return reason === "memory"
    ? `stopped: the run reached the memory limit of ${mib(limit)} (--max-memory); ${ADVICE}`
    : reason === "time"
    ? `stopped: the time limit of ${limit} s (--time) was reached inside the spec's code`
    : `stopped: ${reason}`;
}

/** The result of a run the child did not finish itself. */
function report(
  seen: Seen,
  status: Deno.CommandStatus,
  format: "text" | "json",
  memory: number,
  io: CliIO,
): number {
  const s = seen.stopped;
  const spec = s?.spec ?? seen.spec?.name;
  const file = s?.file ?? seen.spec?.file;
  const progress = s?.progress ?? seen.progress;
  const running = s?.running;
  const step = running === undefined
    ? undefined
    : running.step === "invariants"
    ? "the invariants"
    : `step '${running.step}' of ${running.process}${
      running.source !== undefined ? ` (${running.source})` : ""
    }`;
  const verb = running?.step === "invariants" ? "were" : "was";
  let reason: StopReason | "crashed";
  let message: string;
  if (s !== undefined) {
    reason = s.reason;
    message = s.reason === "step-timeout"
      ? `${step ?? "the spec's code"} did not return within ${s.limit} s (--step-timeout)`
      : s.reason === "time"
      ? `the time limit of ${s.limit} s (--time) was reached while ${
        step ?? "the spec's code"
      } ${verb} running`
      : s.reason === "memory"
      ? `the run reached the memory limit of ${mib(s.limit)} (--max-memory); ${ADVICE}`
      : `interrupted while ${step ?? "the spec's code"} ${verb} running`;
  } else if (seen.outOfMemory) {
    reason = "memory";
    message = `the run reached the memory limit of ${mib(memory)} (--max-memory); ${ADVICE}`;
  } else if (seen.interrupted) {
    reason = "interrupted";
    message = "interrupted; the sandbox did not answer and was killed";
  } else {
    reason = "crashed";
    message = `the sandbox running the spec ended without a result (${
      status.signal !== null ? `signal ${status.signal}` : `exit code ${status.code}`
    })`;
  }
  const verdict = reason === "time" || reason === "interrupted" || reason === "memory"
    ? "incomplete"
    : "error";
  if (format === "json") {
    io.out(JSON.stringify(
      {
        ...(spec !== undefined ? { spec } : {}),
        ...(file !== undefined ? { file } : {}),
        verdict,
        reason,
        message,
        ...(running !== undefined ? { running } : {}),
        ...(progress !== undefined ? { progress } : {}),
        ...(seen.rows.length > 0 ? { rows: seen.rows.map((r) => r.trim()) } : {}),
      },
      null,
      2,
    ));
  } else {
    const who = spec !== undefined ? `${spec}${file !== undefined ? ` (${file})` : ""}` : "the run";
    const lines = [`${who}: ${verdict}: ${message}`];
    if (progress !== undefined) {
      lines.push(
        `states: ${progress.states.toLocaleString("en-US")}, frontier: ${
          progress.frontier.toLocaleString("en-US")
        }, depth: ${progress.depth}, time: ${
          progress.seconds.toFixed(2)
        } s (the last progress report)`,
      );
    }
    if (seen.rows.length > 0) lines.push("finished before the stop:", ...seen.rows);
    io.out(lines.join("\n"));
  }
  return verdict === "incomplete" ? EXIT.incomplete : EXIT.error;
}
