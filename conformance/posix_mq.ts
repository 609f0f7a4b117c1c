/**
 * POSIX message queues against the kernel: non-blocking `mq_send` and
 * `mq_receive` (the queue opened with `O_NONBLOCK`) with priorities,
 * `maxmsg` and `msgsize`, invalid priorities and lengths, and `mq_getattr`'s
 * `mq_curmsgs` against the model's count after every step. The machine's
 * `msg_max` and `msgsize_max` are read from /proc at run time. Every queue
 * is unlinked right after it is opened (the descriptor keeps it alive), and
 * closed when the sequence ends.
 *
 * @module
 */

import fc from "fast-check";
import { Errno } from "../model/primitives/errno.ts";
import {
  MQ_PRIO_MAX,
  mqReceive,
  mqSend,
  type PosixMq,
  posixMq,
} from "../model/primitives/posix_mq.ts";
import type { Observed, Subject } from "./_harness.ts";
import * as libc from "./_libc.ts";

/** One operation on the queue. */
export type MqOp =
  | { readonly op: "send"; readonly prio: number; readonly len: number; readonly value: number }
  | {
    readonly op: "receive";
    /** The buffer's length; in generated sequences, relative to msgsize until normalized. */
    readonly buflen: number;
  };

/** A sequence's configuration: the queue's attributes. */
export interface MqConfig {
  /** `mq_maxmsg`. */
  readonly maxmsg: number;
  /** `mq_msgsize`. */
  readonly msgsize: number;
}

interface Kernel {
  readonly mqd: number;
}

let serial = 0;
const MAX_MSGSIZE = 16;

/**
 * The POSIX queue subject.
 *
 * @example
 * ```ts ignore
 * check(posixMqSubject, 200);
 * ```
 */
export const posixMqSubject: Subject<PosixMq, MqOp, Kernel, MqConfig> = {
  name: "posix-mq",
  config: fc.record({
    maxmsg: fc.integer({
      min: 1,
      max: Math.max(1, Math.min(8, libc.procLimit("/proc/sys/fs/mqueue/msg_max", 10))),
    }),
    msgsize: fc.integer({
      min: 1,
      max: Math.max(
        1,
        Math.min(MAX_MSGSIZE, libc.procLimit("/proc/sys/fs/mqueue/msgsize_max", 8192)),
      ),
    }),
  }),
  op: fc.oneof(
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant("send" as const),
        prio: fc.oneof(
          { weight: 12, arbitrary: fc.integer({ min: 0, max: 3 }) },
          { weight: 1, arbitrary: fc.constantFrom(MQ_PRIO_MAX - 1, MQ_PRIO_MAX) },
        ),
        len: fc.integer({ min: 0, max: MAX_MSGSIZE + 1 }),
        value: fc.integer({ min: 1, max: 255 }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant("receive" as const),
        // Relative to msgsize: 0 is the queue's msgsize.
        buflen: fc.oneof(
          { weight: 6, arbitrary: fc.constant(0) },
          { weight: 1, arbitrary: fc.constantFrom(-1, 1) },
        ),
      }),
    },
  ),
  declare: (cfg) => () => posixMq("q", { maxmsg: cfg.maxmsg, msgsize: cfg.msgsize, waiters: 1 }),
  normalize: (cfg, ops) =>
    ops.map((o) => o.op === "send" ? o : { ...o, buflen: cfg.msgsize + o.buflen }),
  call(_cfg, o) {
    if (o.op === "send") {
      return (q, out) =>
        mqSend(q, {
          value: o.value,
          prio: o.prio,
          len: o.len,
          nonblock: true,
          status: out.to("status"),
        });
    }
    return (q, out) =>
      mqReceive(q, {
        buflen: o.buflen,
        nonblock: true,
        into: out.to("value"),
        prio: out.to("prio"),
        len: out.to("len"),
        status: out.to("status"),
      });
  },
  open(cfg) {
    const name = `/ipcspec-conformance-${Deno.pid}-${serial++}`;
    const s = libc.mqOpen(name, cfg.maxmsg, cfg.msgsize, libc.O_NONBLOCK);
    if (s.ret < 0) throw new Error(`mq_open(${name}) failed: errno ${s.errno}`);
    libc.mqUnlink(name);
    return { mqd: s.ret };
  },
  close(k) {
    libc.mqClose(k.mqd);
  },
  run(k, o): Observed {
    if (o.op === "send") {
      const s = libc.mqSend(k.mqd, new Uint8Array(Math.max(0, o.len)).fill(o.value), o.prio);
      return { status: s.errno };
    }
    const s = libc.mqReceive(k.mqd, o.buflen);
    if (s.ret < 0) return { status: s.errno };
    const got: Record<string, number> = { status: Errno.OK, len: s.ret, prio: s.prio };
    if (s.ret > 0) got.value = s.data[0]!;
    return got;
  },
  label: (o) => o.op === "send" ? "mq_send O_NONBLOCK" : "mq_receive O_NONBLOCK",
  contents(k) {
    return libc.mqGetattr(k.mqd).curmsgs;
  },
  wouldBlock: () => false,
};
