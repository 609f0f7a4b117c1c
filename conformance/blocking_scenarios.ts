/**
 * The multi-process scenarios of blocking calls that wake in an order the
 * kernel picks: several senders blocked on a full System V queue, several
 * writers blocked on a full pipe, several senders blocked on a full Unix
 * datagram queue. Each is run by conformance/helper.c and compared with
 * its model like the scenarios of `multiprocess.ts`; the order the blocked
 * callers get through in depends on timing, so any order the model allows
 * is accepted and the frequencies are reported.
 *
 * @module
 */

import { spec, system } from "../model/spec.ts";
import { pipe, read, write } from "../model/primitives/pipe.ts";
import { msgQueue, msgrcv, msgsnd } from "../model/primitives/sysv_msg.ts";
import { dgramRecv, dgramSend, unixDgram } from "../model/primitives/unix_dgram.ts";
import type { Step } from "../model/_ast.ts";
import { outcomes, type Scenario } from "./_scenario.ts";
import { dgramQueue } from "./unix_dgram.ts";

/** The globals every scenario here uses: what the reader saw, and the hand-shakes. */
type G = { order: number; last: number; filled: number; ready: number };

/**
 * The allowed outcomes of one shape: `parent` fills the object and sets
 * `filled`, waits for both `senders` to be `ready`, then drains it,
 * recording `order`; each sender waits for `filled`, says it is ready and
 * makes its blocking call.
 */
function drained(
  name: string,
  declare: (sys: ReturnType<typeof system<G>>) => {
    fill: Step[];
    drain: (s: Parameters<Parameters<ReturnType<typeof system<G>>["process"]>[2]>[0]) => Step[];
    send: (id: number) => Step;
  },
  key: (order: number) => string,
): Set<string> {
  const found = new Set<string>();
  const model = spec({
    name,
    params: {},
    build: () => {
      const sys = system<G>({ order: 0, last: 0, filled: 0, ready: 0 });
      const parts = declare(sys);
      sys.process("parent", {}, (s) => [
        ...parts.fill,
        s.do("filled", ({ g }) => {
          g.filled = 1;
        }),
        s.when("both ready", ({ g }) => g.ready === 2),
        ...parts.drain(s),
      ]);
      for (const id of [1, 2]) {
        sys.process(`sender${id}`, {}, (s) => [
          s.when("filled", ({ g }) => g.filled === 1),
          s.do("ready", ({ g }) => {
            g.ready++;
          }),
          parts.send(id),
        ]);
      }
      sys.always("outcome", (v) => {
        if (v.finished() === 3) found.add(key(v.g.order));
        return true;
      });
      return sys;
    },
  }).compile();
  return outcomes(model, found);
}

const msgsndFull: Scenario = {
  name: "msgsnd_full",
  what: "two senders blocked in msgsnd on a full queue (qbytes 8, two 4-byte messages), " +
    "four receives",
  allowed: () =>
    drained("msgsnd_full", () => {
      const q = msgQueue("q", { qbytes: 8, capacity: 2, waiters: 3 });
      return {
        fill: [1, 2].map((v) => msgsnd(q, { type: 1, value: v, size: 4 })),
        drain: (s) =>
          [1, 2, 3, 4].map(() =>
            msgrcv(q, {
              type: 0,
              msgsz: 4,
              into: s.into(({ g }, v) => {
                g.order = g.order * 10 + v;
              }),
            })
          ),
        send: (id) => msgsnd(q, { type: 1, value: 2 + id, size: 4 }),
      };
    }, (order) => `order=${order}`),
  key: (f) => `order=${f.order}`,
};

/** The pipe of `pipe_write_two`: one page, as `F_SETPIPE_SZ` makes it. */
const PAGE = 4096, CHUNK = 100;

const pipeWriteTwo: Scenario = {
  name: "pipe_write_two",
  what: "two writers blocked writing 100 bytes each to a full one-page pipe; " +
    "the reader reads the page, then 100 bytes twice",
  allowed: () =>
    drained("pipe_write_two", (sys) => {
      const fd = pipe(sys, "fd", { capacity: PAGE, pipeBuf: PAGE });
      return {
        fill: [write(fd, { bytes: PAGE, value: 0 })],
        drain: (s) => [
          read(fd, { bytes: PAGE }),
          ...[1, 2].flatMap(() => [
            read(fd, {
              bytes: CHUNK,
              into: s.into(({ g }, b) => {
                g.last = b;
              }),
            }),
            s.do("record", ({ g }) => {
              g.order = g.order * 10 + g.last;
            }),
          ]),
        ],
        send: (id) => write(fd, { bytes: CHUNK, value: id }),
      };
    }, (order) => `order=${order}`),
  key: (f) => `order=${f.order}`,
};

const dgramSendFull: Scenario = {
  name: "dgram_send_full",
  what: "two senders blocked in sendto on a full datagram queue (max_dgram_qlen + 1 " +
    "datagrams), the receiver drains it",
  allowed() {
    const queue = dgramQueue();
    return drained("dgram_send_full", (sys) => {
      const port = unixDgram(sys, "port", { queue, maxMessage: 1, holders: ["parent"] });
      return {
        fill: Array.from({ length: queue }, () => dgramSend(port, { bytes: 1, value: 0 })),
        drain: (s) =>
          Array.from({ length: queue + 2 }, () =>
            dgramRecv(port, {
              bytes: 1,
              into: s.into(({ g }, v) => {
                if (v !== 0) g.order = g.order * 10 + v;
              }),
            })),
        send: (id) => dgramSend(port, { bytes: 1, value: id }),
      };
    }, (order) => `filled=${queue} order=${order}`);
  },
  key: (f) => `filled=${f.filled} order=${f.order}`,
};

/** The scenarios of this module. */
export const BLOCKING_SCENARIOS: readonly Scenario[] = [msgsndFull, pipeWriteTwo, dgramSendFull];
