// Private module: the coordinator's inbox in a distributed search. Every
// worker message arrives on one subject; the inbox files the replies of a
// phase by key (`settled:3`, `link:1234`, ...) and worker, hands them over
// once every worker has answered, and notes when each worker was last
// heard from (any message counts as a heartbeat). A failure (a worker
// lost, a limit reached, an interruption) rejects every wait, present and
// future.

import type { FromPartition } from "./_distributed_protocol.ts";

/** A worker that stopped answering: the run cannot be complete. */
export class LostWorker extends Error {
  /** @param message What was lost, and when. */
  constructor(message: string) {
    super(message);
    this.name = "LostWorker";
  }
}

interface Wait {
  readonly replies: (FromPartition | undefined)[];
  missing: number;
  waiting: boolean;
  resolve: (replies: FromPartition[]) => void;
  reject: (e: Error) => void;
}

/** The key a reply is filed under. */
function keyOf(m: FromPartition): string | undefined {
  switch (m.t) {
    case "hb":
      return undefined;
    case "joined":
      return "joined";
    case "ready":
    case "failed":
      return "ready";
    case "expanded":
    case "settled":
      return `${m.t}:${m.depth}`;
    case "link":
      return `link:${m.id}`;
  }
}

/** The replies of the workers of one run. */
export class Inbox {
  readonly workers: number;
  /** When each worker was last heard from (performance.now()); NaN before it joined. */
  readonly lastSeen: number[];
  readonly #waits = new Map<string, Wait>();
  #failure: Error | undefined;

  constructor(workers: number) {
    this.workers = workers;
    this.lastSeen = new Array(workers).fill(Number.NaN);
  }

  /** The failure that ended the run, if any. */
  get failure(): Error | undefined {
    return this.#failure;
  }

  #wait(key: string, count: number): Wait {
    let w = this.#waits.get(key);
    if (w === undefined) {
      w = {
        replies: new Array(count).fill(undefined),
        missing: count,
        waiting: false,
        resolve: () => {},
        reject: () => {},
      };
      this.#waits.set(key, w);
    }
    return w;
  }

  /** Files a message from a worker. */
  deliver(m: FromPartition): void {
    if (!(m.i >= 0 && m.i < this.workers)) return;
    this.lastSeen[m.i] = performance.now();
    const key = keyOf(m);
    if (key === undefined) return;
    const count = key.startsWith("link:") ? 1 : this.workers;
    const w = this.#wait(key, count);
    const slot = count === 1 ? 0 : m.i;
    if (w.replies[slot] !== undefined) return;
    w.replies[slot] = m;
    if (--w.missing === 0 && w.waiting) {
      this.#waits.delete(key);
      w.resolve(w.replies as FromPartition[]);
    }
  }

  /** The replies filed under `key`, one per worker (one in all for a link), once all came. */
  wait<T extends FromPartition>(key: string): Promise<T[]> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    const count = key.startsWith("link:") ? 1 : this.workers;
    const w = this.#wait(key, count);
    if (w.missing === 0) {
      this.#waits.delete(key);
      return Promise.resolve(w.replies as T[]);
    }
    w.waiting = true;
    return new Promise<T[]>((resolve, reject) => {
      w.resolve = (r) => resolve(r as T[]);
      w.reject = reject;
    });
  }

  /** Ends every wait with `e` (the first failure stays). */
  fail(e: Error): void {
    this.#failure ??= e;
    for (const w of this.#waits.values()) if (w.waiting) w.reject(this.#failure);
    this.#waits.clear();
  }
}
