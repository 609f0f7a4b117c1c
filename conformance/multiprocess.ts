/**
 * The multi-process scenarios: conformance/helper.c, compiled at test time
 * with the system's C compiler, forks the processes of a scenario and
 * prints what each observed; the coordinator here runs it many times and
 * checks every observed outcome is one the model of the same scenario
 * allows. The model's outcomes are the globals of its end states (every
 * process finished) and the violations it can reach (SIGPIPE killing a
 * writer is the `broken pipe` violation), found by exploring every
 * reachable state through the public `Model` interface. Where the kernel's
 * choice depends on timing (which blocked receiver or waiter wakes), any
 * choice the model allows is accepted and the frequencies are reported.
 *
 * Signals are exercised here, in the helper, and never in Deno's own
 * process: Deno is multi-threaded, so a mask set with `sigprocmask` covers
 * only the calling thread and a process-directed signal may land on
 * another.
 *
 * @module
 */

import { outcomes, type Scenario } from "./_scenario.ts";
import { BLOCKING_SCENARIOS } from "./blocking_scenarios.ts";
import { spec, system } from "../model/spec.ts";
import { Errno } from "../model/primitives/errno.ts";
import { close, pipe, read, write } from "../model/primitives/pipe.ts";
import { msgctlRmid, msgQueue, msgrcv, msgsnd } from "../model/primitives/sysv_msg.ts";
import { post, semaphore, wait } from "../model/primitives/semaphore.ts";
import {
  interruptible,
  kill,
  signals,
  sigprocmask,
  sigqueue,
} from "../model/primitives/signals.ts";
import { status } from "../model/primitives/errno.ts";
import { label } from "../model/steps.ts";

export type { Scenario };

const pipeEof: Scenario = {
  name: "pipe_eof",
  what: "two writers write 3 bytes each and exit; the reader reads to EOF",
  allowed() {
    const found = new Set<string>();
    const model = spec({
      name: "pipe_eof",
      params: {},
      build: () => {
        const sys = system({ seq: 0, eof: 0 });
        const fd = pipe(sys, "fd", { capacity: 8, pipeBuf: 4 });
        sys.process("w1", {}, () => [write(fd, { bytes: 3, value: 1 })]);
        sys.process("w2", {}, () => [write(fd, { bytes: 3, value: 2 })]);
        sys.process("reader", { locals: { n: -1 } }, (s) => [
          close(fd, "write"),
          s.while(({ l }) => l.n !== 0, [
            read(fd, {
              bytes: 1,
              count: s.into("n"),
              into: s.into(({ g }, b) => {
                g.seq = g.seq * 10 + b;
              }),
            }),
          ]),
          s.do("eof", ({ g }) => {
            g.eof = 1;
          }),
        ]);
        sys.always("outcome", (v) => {
          if (v.finished() === 3) found.add(`bytes=${v.g.seq} eof=${v.g.eof}`);
          return true;
        });
        return sys;
      },
    }).compile();
    return outcomes(model, found);
  },
  key: (f) => `bytes=${f.bytes} eof=${f.eof}`,
};

const sigpipe: Scenario = {
  name: "sigpipe",
  what: "a writer with no read end open is killed by SIGPIPE",
  allowed() {
    const model = spec({
      name: "sigpipe",
      params: {},
      build: () => {
        const sys = system({});
        const fd = pipe(sys, "fd", { holders: { read: [], write: ["writer"] } });
        sys.process("writer", {}, () => [write(fd, { bytes: 1 })]);
        return sys;
      },
    }).compile();
    return outcomes(model, new Set());
  },
  key: (f) => f.signal === "13" ? "violation: broken pipe" : `signal=${f.signal} exit=${f.exit}`,
};

const msgrcvTwo: Scenario = {
  name: "msgrcv_two",
  what: "two receivers blocked in msgrcv, one send, then IPC_RMID",
  allowed() {
    const found = new Set<string>();
    const model = spec({
      name: "msgrcv_two",
      params: {},
      build: () => {
        const sys = system({ a: 0, b: 0, ready: 0 });
        const q = msgQueue("q", { qbytes: 16, capacity: 2, waiters: 2 });
        for (const who of ["a", "b"] as const) {
          sys.process(who, {}, (s) => [
            s.do("ready", ({ g }) => {
              g.ready++;
            }),
            msgrcv(q, {
              type: 0,
              msgsz: 4,
              into: s.into(({ g }, v) => {
                g[who] = v;
              }),
              status: s.into(({ g }, e) => {
                if (e !== Errno.OK) g[who] = -e;
              }),
            }),
          ]);
        }
        sys.process("sender", {}, (s) => [
          s.when("both ready", ({ g }) => g.ready === 2),
          msgsnd(q, { type: 1, value: 7, size: 4 }),
          msgctlRmid(q),
        ]);
        sys.always("outcome", (v) => {
          if (v.finished() === 3) found.add(`a=${v.g.a} b=${v.g.b}`);
          return true;
        });
        return sys;
      },
    }).compile();
    return outcomes(model, found);
  },
  key: (f) => `a=${f.a} b=${f.b}`,
};

const semTwo: Scenario = {
  name: "sem_two",
  what: "two waiters blocked on a semaphore, two posts",
  allowed() {
    const found = new Set<string>();
    const model = spec({
      name: "sem_two",
      params: {},
      build: () => {
        const sys = system({ order: 0, ready: 0 });
        const sem = semaphore("s", 0);
        for (const id of [1, 2]) {
          sys.process(`w${id}`, {}, (s) => [
            s.do("ready", ({ g }) => {
              g.ready++;
            }),
            wait(sem),
            s.do("woke", ({ g }) => {
              g.order = g.order * 10 + id;
            }),
          ]);
        }
        sys.process("poster", {}, (s) => [
          s.when("both ready", ({ g }) => g.ready === 2),
          post(sem),
          post(sem),
        ]);
        sys.always("outcome", (v) => {
          if (v.finished() === 3) found.add(`order=${v.g.order}`);
          return true;
        });
        return sys;
      },
    }).compile();
    return outcomes(model, found);
  },
  key: (f) => `order=${f.order}`,
};

const eintrRead: Scenario = {
  name: "eintr_read",
  what: "a read blocked on an empty pipe gets a handled signal (no SA_RESTART)",
  allowed() {
    const found = new Set<string>();
    const model = spec({
      name: "eintr_read",
      params: {},
      build: () => {
        const sys = system({ n: -2, st: 0, ready: 0, handled: 0 });
        const t = signals("sig");
        const fd = pipe(sys, "fd", { holders: { read: ["child"], write: ["parent"] } });
        sys.process("child", {
          locals: { n: -1, st: status() },
          signals: {
            SIGUSR1: {
              handler: ({ g }) => {
                g.handled++;
              },
              restart: false,
            },
          },
        }, (s) => [
          s.do("ready", ({ g }) => {
            g.ready = 1;
          }),
          interruptible(read(fd, { bytes: 1, count: s.into("n") }), s.into("st")),
          s.do("record", ({ g, l }) => {
            g.n = l.n;
            g.st = l.st;
          }),
        ]);
        sys.process("parent", {}, (s) => [
          s.when("child ready", ({ g }) => g.ready === 1),
          kill(t, 0, "SIGUSR1"),
          close(fd, "write"),
        ]);
        sys.always("outcome", (v) => {
          if (v.finished() === 2) found.add(`read=${v.g.n} errno=${v.g.st}`);
          return true;
        });
        return sys;
      },
    }).compile();
    return outcomes(model, found);
  },
  key: (f) => `read=${f.read} errno=${f.errno}`,
};

const signalsMasked: Scenario = {
  name: "signals",
  what: "SIGUSR1 and SIGRTMIN blocked and sent 3 times each: pending in the masked state, " +
    "then the standard one delivered once and the real-time one 3 times in order",
  allowed() {
    const found = new Set<string>();
    const masked = new Set<string>();
    const model = spec({
      name: "signals",
      params: {},
      build: () => {
        const sys = system({ usr1: 0, rt: 0 });
        const t = signals("sig", { rtQueue: 3 });
        sys.process("p", {
          signals: {
            SIGUSR1: ({ g }) => {
              g.usr1++;
            },
            SIGRTMIN: ({ g }, info) => {
              g.rt = g.rt * 10 + info.value;
            },
          },
        }, (s) => [
          sigprocmask(t, "block", ["SIGUSR1", "SIGRTMIN"]),
          ...[1, 2, 3].flatMap((i) => [kill(t, 0, "SIGUSR1"), sigqueue(t, 0, "SIGRTMIN", i)]),
          label("masked"),
          sigprocmask(t, "unblock", ["SIGUSR1", "SIGRTMIN"]),
          s.do("done", () => {}),
        ]);
        sys.always("outcome", (v) => {
          // In the masked state: what is queued, and nothing delivered yet.
          if (v.at("masked") === 1) masked.add(`queued=${v.value(t)} before=${v.g.usr1 + v.g.rt}`);
          if (v.finished() === 1) found.add(`usr1=${v.g.usr1} rt=${v.g.rt}`);
          return true;
        });
        return sys;
      },
    }).compile();
    outcomes(model, found);
    const out = new Set<string>();
    for (const m of masked) for (const f of found) out.add(`${m} ${f}`);
    return out;
  },
  key: (f) =>
    f.pending_usr1 === "1" && f.pending_rt === "1"
      ? `queued=${f.queued} before=${f.before} usr1=${f.usr1} rt=${f.rt}`
      : `not pending: usr1 ${f.pending_usr1}, rt ${f.pending_rt}`,
};

/** Every scenario. */
export const SCENARIOS: readonly Scenario[] = [
  pipeEof,
  sigpipe,
  msgrcvTwo,
  semTwo,
  eintrRead,
  signalsMasked,
  ...BLOCKING_SCENARIOS,
];

/** The helper binary, built once per process, or why it cannot be. */
let built: { path: string } | { why: string } | undefined;

/**
 * Compiles conformance/helper.c with `cc` (or `gcc`) into a temporary
 * directory under /tmp (removed when the process ends), once. Returns the
 * binary's path, or why not.
 */
export async function buildHelper(): Promise<{ path: string } | { why: string }> {
  if (built !== undefined) return built;
  const source = new URL("./helper.c", import.meta.url).pathname;
  const dir = await Deno.makeTempDir({ dir: "/tmp", prefix: "ipcspec-conformance-" });
  const path = `${dir}/helper`;
  globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
  for (const cc of ["cc", "gcc"]) {
    try {
      const r = await new Deno.Command(cc, { args: ["-O1", "-o", path, source], stderr: "piped" })
        .output();
      if (r.success) return (built = { path });
      return (built = { why: `${cc} failed: ${new TextDecoder().decode(r.stderr).trim()}` });
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
  return (built = {
    why: "no C compiler (cc or gcc) on PATH: install gcc (apt-get install gcc) to run them",
  });
}

/** One run of a scenario: the helper's output line as fields. */
export async function runScenario(helper: string, name: string): Promise<Record<string, string>> {
  const r = await new Deno.Command(helper, { args: [name], stdout: "piped", stderr: "piped" })
    .output();
  const out = new TextDecoder().decode(r.stdout).trim();
  if (!r.success) {
    throw new Error(
      `helper ${name} failed (${r.code}): ${out} ${new TextDecoder().decode(r.stderr).trim()}`,
    );
  }
  const fields: Record<string, string> = {};
  for (const part of out.split(/\s+/)) {
    const eq = part.indexOf("=");
    if (eq > 0) fields[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return fields;
}

/** What running a scenario `times` times found. */
export interface ScenarioReport {
  /** The scenario. */
  readonly name: string;
  /** The outcomes the model allows. */
  readonly allowed: readonly string[];
  /** How often the kernel showed each outcome. */
  readonly seen: Readonly<Record<string, number>>;
  /** Outcomes the model does not allow (must be empty). */
  readonly disallowed: readonly string[];
}

/** Runs `scenario` `times` times and compares every outcome with the model's. */
export async function checkScenario(
  helper: string,
  scenario: Scenario,
  times: number,
): Promise<ScenarioReport> {
  const allowed = scenario.allowed();
  const seen: Record<string, number> = {};
  const disallowed: string[] = [];
  for (let i = 0; i < times; i++) {
    const k = scenario.key(await runScenario(helper, scenario.name));
    seen[k] = (seen[k] ?? 0) + 1;
    if (!allowed.has(k) && !disallowed.includes(k)) disallowed.push(k);
  }
  return { name: scenario.name, allowed: [...allowed].sort(), seen, disallowed };
}
