// Private module: the workers of a parallel search (parallel.ts), each
// answering the coordinator's requests in order.

import type { FromWorker, ToWorker } from "./_parallel_shared.ts";
import type { SpecModule } from "./_parallel_options.ts";

/** A worker's reply to a phase. */
export type Done = Extract<FromWorker, { type: "done" }>;

/** Workers, each answering its requests in order. */
export class Pool {
  readonly size: number;
  readonly #workers: Worker[] = [];
  readonly #waiting: ((m: FromWorker) => void)[][] = [];
  readonly #dead: (string | undefined)[] = [];

  constructor(size: number) {
    this.size = size;
    const url = new URL("./_parallel_worker.ts", import.meta.url).href;
    for (let i = 0; i < size; i++) {
      const w = new Worker(url, { type: "module" });
      const waiting: ((m: FromWorker) => void)[] = [];
      w.onmessage = (e: MessageEvent<FromWorker>) => waiting.shift()?.(e.data);
      w.onerror = (e: ErrorEvent) => {
        // A worker that dies fails every request it was given, and every later one.
        e.preventDefault();
        this.#dead[i] = e.message;
        for (const r of waiting.splice(0)) r({ type: "failed", message: e.message });
      };
      this.#workers.push(w);
      this.#waiting.push(waiting);
    }
  }

  request(i: number, m: ToWorker): Promise<FromWorker> {
    const dead = this.#dead[i];
    if (dead !== undefined) return Promise.resolve({ type: "failed", message: dead });
    return new Promise((resolve) => {
      this.#waiting[i]!.push(resolve);
      this.#workers[i]!.postMessage(m);
    });
  }

  all(m: (i: number) => ToWorker): Promise<FromWorker[]> {
    return Promise.all(this.#workers.map((_, i) => this.request(i, m(i))));
  }

  /** Starts the workers; the message of the first that could not load the spec, if any. */
  async start(
    target: SpecModule,
    params: Readonly<Record<string, number | boolean | string>>,
    control: SharedArrayBuffer,
    table: SharedArrayBuffer,
  ): Promise<string | undefined> {
    const replies = await this.all((index) => ({
      type: "init",
      module: String(target.module),
      export: target.export,
      params,
      index,
      workers: this.size,
      control,
      table,
    }));
    const failed = replies.find((r) => r.type !== "ready");
    return failed === undefined
      ? undefined
      : failed.type === "failed"
      ? failed.message
      : `unexpected reply '${failed.type}'`;
  }

  /** The path from an initial state to state `id`, from the workers' parent links. */
  async path(id: number): Promise<{ init: number; transitions: number[] }> {
    const transitions: number[] = [];
    let cur = id;
    for (;;) {
      const r = await this.request(cur % this.size, { type: "link", id: cur });
      if (r.type !== "link") throw new WorkerFailure(r.type === "failed" ? r.message : r.type);
      if (r.parent < 0) return { init: r.via, transitions: transitions.reverse() };
      transitions.push(r.via);
      cur = r.parent;
    }
  }

  terminate(): void {
    for (const w of this.#workers) w.terminate();
  }
}

/** The failure of a worker that could not do what it was asked. */
export class WorkerFailure extends Error {}

/** The replies of a phase, each of which must be `done`. */
export function expectDone(replies: FromWorker[]): Done[] {
  return replies.map((r) => {
    if (r.type === "done") return r;
    throw new WorkerFailure(r.type === "failed" ? r.message : `unexpected reply '${r.type}'`);
  });
}
