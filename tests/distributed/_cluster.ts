// Test helper: a local NATS server (with JetStream) on a free loopback
// port, and worker processes (`cli.ts worker`) connected to it. When
// nats-server is not installed (and cannot be), `natsServerPath()` says so
// and the tests that need it are skipped loudly.

import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CLI = `${ROOT}cli.ts`;

/** The permissions a worker and a coordinator process need. */
const PROCESS_FLAGS = [
  "run",
  "--allow-read",
  "--allow-env",
  "--allow-sys",
  "--allow-run",
  "--allow-net=127.0.0.1",
];

/** The path of nats-server, or undefined (with the line saying how to install it). */
export function natsServerPath(): string | undefined {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":").concat(["/usr/sbin", "/usr/bin"])) {
    const p = `${dir}/nats-server`;
    try {
      if (Deno.statSync(p).isFile) return p;
    } catch {
      // not there
    }
  }
  return undefined;
}

/** Says loudly that the NATS tests were skipped. */
export function skippedNotice(): string {
  return "SKIPPED: nats-server is not installed, so the distributed and swarm tests did not run. " +
    "Install it with `apt-get install -y nats-server` (Debian/Ubuntu) or from " +
    "https://github.com/nats-io/nats-server/releases, then run the tests again.";
}

/**
 * Reads nats-server's log until it says where it listens (it picks a free
 * port itself: `-p -1`), then keeps draining it in the background.
 */
async function listeningPort(stderr: ReadableStream<Uint8Array>, millis: number): Promise<number> {
  const reader = stderr.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const timer = setTimeout(() => reader.cancel(), millis);
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`nats-server did not start:\n${text}`);
      text += decoder.decode(value, { stream: true });
      const m = /Listening for client connections on 127\.0\.0\.1:(\d+)/.exec(text);
      if (m !== null) {
        (async () => {
          while (!(await reader.read().catch(() => ({ done: true }))).done) { /* drain */ }
        })();
        return Number(m[1]);
      }
    }
  } finally {
    clearTimeout(timer);
  }
}

/** A running NATS server, and the workers started against it. */
export class Cluster {
  readonly url: string;
  readonly #server: Deno.ChildProcess;
  readonly #dir: string;
  readonly workers: Deno.ChildProcess[] = [];

  private constructor(url: string, server: Deno.ChildProcess, dir: string) {
    this.url = url;
    this.#server = server;
    this.#dir = dir;
  }

  /** Starts nats-server (JetStream on, 127.0.0.1 only) on a free port. */
  static async start(path: string): Promise<Cluster> {
    const dir = await Deno.makeTempDir({ prefix: "ipcspec-nats-" });
    const server = new Deno.Command(path, {
      args: ["-a", "127.0.0.1", "-p", "-1", "-js", "-sd", dir],
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const port = await listeningPort(server.stderr, 10_000);
    return new Cluster(`nats://127.0.0.1:${port}`, server, dir);
  }

  /** The server's process id. */
  get serverPid(): number {
    return this.#server.pid;
  }

  /** Starts `n` worker processes (with `logs`, their stderr is piped, for {@linkcode logLine}). */
  startWorkers(n: number, logs = false): Deno.ChildProcess[] {
    const started: Deno.ChildProcess[] = [];
    for (let i = 0; i < n; i++) {
      const w = new Deno.Command(Deno.execPath(), {
        args: [...PROCESS_FLAGS, CLI, "worker", "--nats", this.url],
        stdout: "null",
        stderr: logs ? "piped" : "null",
      }).spawn();
      started.push(w);
      this.workers.push(w);
    }
    return started;
  }

  /** The CLI with `args` as a child process, stdout and stderr piped. */
  spawn(args: string[]): Deno.ChildProcess {
    return new Deno.Command(Deno.execPath(), {
      args: [...PROCESS_FLAGS, CLI, ...args],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  }

  async cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [...PROCESS_FLAGS, CLI, ...args],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const dec = new TextDecoder();
    return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
  }

  /** Stops the workers and the server, and removes the server's store. */
  async stop(): Promise<void> {
    for (const w of this.workers) {
      try {
        w.kill("SIGKILL");
      } catch {
        // already gone
      }
      await w.status;
    }
    this.#server.kill("SIGTERM");
    await this.#server.status;
    await Deno.remove(this.#dir, { recursive: true });
  }
}

/** Reads a worker's piped stderr until a line matches `pattern`, then drains the rest. */
export async function logLine(worker: Deno.ChildProcess, pattern: RegExp): Promise<string> {
  const reader = worker.stderr.getReader();
  const decoder = new TextDecoder();
  let text = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the worker ended before logging ${pattern}:\n${text}`);
    text += decoder.decode(value, { stream: true });
    const line = text.split("\n").find((l) => pattern.test(l));
    if (line !== undefined) {
      (async () => {
        while (!(await reader.read().catch(() => ({ done: true }))).done) { /* drain */ }
      })();
      return line;
    }
  }
}
