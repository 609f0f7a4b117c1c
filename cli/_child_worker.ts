/**
 * The sandbox's worker: runs the CLI's {@linkcode main} on the arguments the
 * child hands it, with every output, progress report and compiled model sent
 * to the child's main thread, and the running transition published in the
 * shared slots the child watches (see `model/_running.ts`).
 *
 * The spec's code runs here, never on the child's main thread, so the
 * child stays responsive when it hangs.
 *
 * @module
 */

/// <reference lib="deno.worker" />

import { main } from "./main.ts";
import { watchRunning } from "../model/_running.ts";
import { refuseExit } from "./_sandbox.ts";
import type { Message, Running, Written } from "./_sandbox_messages.ts";

/** What the child's main thread sends. */
type Command =
  | { readonly k: "start"; readonly args: string[]; readonly slots: SharedArrayBuffer }
  | Written;

/** Files asked to be written, by id, waiting for the supervisor's answer. */
const writing = new Map<number, (w: Written) => void>();
let nextWrite = 1;

function post(m: Message): void {
  self.postMessage(m);
}

/** A spec that ends its process or its worker gets an error instead (naming its step). */
function sealExits(): void {
  Object.defineProperty(Deno, "exit", { value: refuseExit });
  Object.defineProperty(self, "close", {
    value: () => {
      throw new Error("the spec called close(); a spec cannot end the checker's process");
    },
  });
}

self.onmessage = async (e: MessageEvent<Command>) => {
  const m = e.data;
  if (m.k === "written") {
    writing.get(m.id)?.(m);
    writing.delete(m.id);
    return;
  }
  const slots = new Int32Array(m.slots);
  // Slot 3 is the heartbeat: it moves while this thread's event loop runs;
  // slot 4 is set by the child's main thread to ask the run to stop.
  setInterval(() => {
    slots[3] = (slots[3]! + 1) | 0;
  }, 50);
  watchRunning(slots, (id, model) => {
    const steps: Running[] = [];
    for (let t = 0; t < model.transitionCount; t++) {
      const d = model.explanation?.describe(t);
      steps.push({
        process: d?.process ?? "",
        step: d?.step ?? `transition ${t}`,
        ...(d?.source !== undefined ? { source: d.source } : {}),
      });
    }
    post({ k: "model", id, name: model.name, steps });
  });
  sealExits();
  const code = await main(m.args, {
    out: (text) => post({ k: "out", text }),
    err: (text) => post({ k: "err", text }),
    // Asked by the engines between pieces of work: also a sign of life for
    // the watchdog while a long phase (a liveness graph) keeps the event loop busy.
    stopRequested: () => {
      Atomics.add(slots, 3, 1);
      return Atomics.load(slots, 4) !== 0;
    },
    writeFile: (path, temp, text) =>
      new Promise<string>((resolve, reject) => {
        const id = nextWrite++;
        writing.set(id, (w) => w.path !== undefined ? resolve(w.path) : reject(new Error(w.error)));
        post({ k: "write", id, path, temp, text });
      }),
    onSpec: (name, file) => post({ k: "spec", name, file }),
    onRow: (text) => post({ k: "row", text }),
    writing: (on) => Atomics.store(slots, 5, on ? 1 : 0),
    onProgress: (spec, p) =>
      post({
        k: "progress",
        spec,
        p: {
          states: p.states,
          frontier: p.frontier,
          depth: p.depth,
          seconds: p.seconds,
          memoryBytes: p.memoryBytes,
        },
      }),
  });
  post({ k: "done", code });
};
