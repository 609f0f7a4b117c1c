/**
 * The sandbox's child process: started by the supervisor
 * (`cli/_sandbox.ts`) with read access to the spec's folder and ipcspec
 * only, it runs the CLI in a worker (`cli/_child_worker.ts`) and watches it.
 *
 * Its main thread never runs the spec's code, so it answers even when the
 * spec hangs: it forwards the worker's output as JSON lines, asks the worker
 * to stop on the supervisor's `stop` (a line on standard input), at the end
 * of `--time` or at the memory limit, and when the worker does not stop
 * within a grace period, or a single call of the spec's code runs longer
 * than the step timeout, it reports where the spec was and ends the process
 * (which ends the worker however stuck it is).
 *
 * Arguments: `<time ms or 0> <step timeout ms> <memory limit bytes> -- <CLI arguments...>`.
 *
 * @module
 */

import type { LastProgress, Message, Running, StopReason, Written } from "./_sandbox_messages.ts";
import { TAG } from "./_sandbox_messages.ts";

/** How long the worker has to stop by itself once asked. */
const GRACE_MS = 800;
/** How long past `--time` the worker may run before it is asked to stop. */
const TIME_SLACK_MS = 1000;

const [timeArg, stepArg, memoryArg, dashes, ...cliArgs] = Deno.args;
const timeMs = Number(timeArg);
const stepMs = Number(stepArg);
const memoryLimit = Number(memoryArg);
if (dashes !== "--" || !(stepMs > 0) || !(memoryLimit > 0) || !(timeMs >= 0)) {
  throw new TypeError("usage: _child.ts <time ms> <step timeout ms> <memory bytes> -- <args...>");
}

const encoder = new TextEncoder();
function send(m: Message): void {
  const bytes = encoder.encode(`${JSON.stringify({ [TAG]: 1, ...m })}\n`);
  let off = 0;
  while (off < bytes.length) off += Deno.stdout.writeSync(bytes.subarray(off));
}

// The supervisor decides what Ctrl-C and SIGTERM do (it receives them too).
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  try {
    Deno.addSignalListener(sig, () => {});
  } catch {
    // no signals here: the supervisor still ends the process
  }
}

/**
 * 0-2: published by the model (`model/_running.ts`); 3: the worker's
 * heartbeat; 4: stop; 5: a checkpoint is being written.
 */
const slots = new Int32Array(new SharedArrayBuffer(32));
const models = new Map<number, readonly Running[]>();
let spec: { name: string; file: string } | undefined;
let specStart = performance.now();
let progress: LastProgress | undefined;
let stopping: { reason: StopReason; at: number } | undefined;

const worker = new Worker(new URL("./_child_worker.ts", import.meta.url), { type: "module" });
worker.onmessage = (e: MessageEvent<Message>) => {
  const m = e.data;
  switch (m.k) {
    case "model":
      models.set(m.id, m.steps);
      return;
    case "spec":
      spec = { name: m.name, file: m.file };
      specStart = performance.now();
      progress = undefined;
      send(m);
      return;
    case "progress":
      progress = m.p;
      send(m);
      return;
    case "done":
      send(m);
      Deno.exit(0);
      return;
    default:
      send(m);
  }
};
worker.onerror = (e) => {
  e.preventDefault();
  send({ k: "err", text: `error: ${e.message}` });
  send({ k: "done", code: 3 });
  Deno.exit(0);
};
worker.postMessage({ k: "start", args: cliArgs, slots: slots.buffer });

/** Where the spec is now, from the shared slots. */
function running(): Running | undefined {
  const steps = models.get(slots[1]!);
  if (steps === undefined) return undefined;
  const t = slots[0]!;
  if (t < 0) return { process: "", step: "invariants" };
  return steps[t];
}

function limitOf(reason: StopReason): number {
  return reason === "time"
    ? timeMs / 1000
    : reason === "step-timeout"
    ? stepMs / 1000
    : reason === "memory"
    ? memoryLimit
    : 0;
}

function where(reason: StopReason): Omit<Extract<Message, { k: "stopped" }>, "k"> {
  return {
    reason,
    spec: spec?.name,
    file: spec?.file,
    progress,
    running: running(),
    limit: limitOf(reason),
  };
}

/** Ends the process with what is known: the worker did not stop by itself. */
function stopped(reason: StopReason): never {
  send({ k: "stopped", ...where(reason) });
  Deno.exit(0);
}

function requestStop(reason: StopReason): void {
  if (stopping !== undefined) return;
  stopping = { reason, at: performance.now() };
  if (reason !== "interrupted") send({ k: "limit", reason, limit: limitOf(reason) });
  Atomics.store(slots, 4, 1);
}

let last = [slots[0], slots[1], slots[2], slots[3]].join();
let lastMove = performance.now();
let toldWriting = false;
setInterval(() => {
  const now = performance.now();
  if (Atomics.load(slots, 5) !== 0) {
    // Writing a checkpoint: neither a hang nor a reason to cut the run short.
    lastMove = now;
    if (stopping !== undefined) stopping.at = now;
    if (!toldWriting) send({ k: "writing" });
    toldWriting = true;
    return;
  }
  const seen = [slots[0], slots[1], slots[2], slots[3]].join();
  if (seen !== last) {
    last = seen;
    lastMove = now;
  }
  if (stopping !== undefined) {
    if (now - stopping.at > GRACE_MS) stopped(stopping.reason);
    return;
  }
  if (now - lastMove > stepMs) stopped("step-timeout");
  if (timeMs > 0 && now - specStart > timeMs + TIME_SLACK_MS) requestStop("time");
  if (Deno.memoryUsage().rss > memoryLimit) requestStop("memory");
}, 100);

// A line `stop` asks for the partial result; the supervisor closing the pipe ends the run.
(async () => {
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const chunk of Deno.stdin.readable) {
    buffered += decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (line === "stop") requestStop("interrupted");
      else if (line.startsWith("{")) worker.postMessage(JSON.parse(line) as Written);
    }
  }
  Deno.exit(0);
})();
