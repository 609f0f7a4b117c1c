/**
 * System V message queues whose byte limit is _raised_ with `IPC_SET`:
 * each queue is created, its `msg_qbytes` lowered to 1 and then raised to
 * the configuration's limit, up to twice `msgmax` above the default
 * (`msgmnb`, which needs `CAP_SYS_RESOURCE`: without it, only limits up to
 * `msgmnb` are drawn). Sends of up to `msgmax` bytes then meet the raised
 * limit after a few messages, and receives with every `msgtyp` form drain
 * it. The operations and their kernel side are those of `sysv_msg.ts`;
 * `msgmax` and `msgmnb` are read from /proc at run time.
 *
 * The model has no `IPC_SET`: a queue's `qbytes` is fixed when it is
 * declared, so the limit is set before the first message, where the
 * declared limit is what the kernel holds.
 *
 * @module
 */

import fc from "fast-check";
import { Errno } from "../model/primitives/errno.ts";
import type { MsgQueue } from "../model/primitives/sysv_msg.ts";
import { msgQueue } from "../model/primitives/sysv_msg.ts";
import type { Subject } from "./_harness.ts";
import * as libc from "./_libc.ts";
import { type MsgConfig, msgmax, type MsgOp, sysvMsgSubject } from "./sysv_msg.ts";

/** The machine's `msgmnb`, the default `msg_qbytes` (/proc/sys/kernel/msgmnb). */
export const msgmnb = (): number => libc.procLimit("/proc/sys/kernel/msgmnb", 16384);

let privileged: boolean | undefined;

/** Whether `IPC_SET` may raise a queue's limit above `msgmnb` here (tried once). */
export function raisesAboveMsgmnb(): boolean {
  if (privileged !== undefined) return privileged;
  const id = libc.msgget();
  if (id.ret < 0) throw new Error(`msgget() failed: errno ${id.errno}`);
  try {
    privileged = libc.msgSetQbytes(id.ret, msgmnb() + 1).ret === 0;
  } finally {
    libc.msgRmid(id.ret);
  }
  return privileged;
}

/** The longest sequence: the model's bound on messages held. */
export const RAISED_OPS = 24;

const max = msgmax();

/** Message sizes around the interesting points: small, `msgmax`, half of it. */
const size = fc.oneof(
  fc.integer({ min: 0, max: 8 }),
  fc.integer({ min: max - 2, max }),
  fc.integer({ min: (max >> 1) - 2, max: (max >> 1) + 2 }),
  fc.integer({ min: 0, max }),
);

/**
 * The subject: `sysv_msg.ts`'s operations on a queue whose limit was
 * raised (no `IPC_RMID`: that subject covers it).
 *
 * @example
 * ```ts ignore
 * check(sysvMsgRaisedSubject, 100, RAISED_OPS);
 * ```
 */
export const sysvMsgRaisedSubject: Subject<
  MsgQueue,
  MsgOp,
  { id: number; removed: boolean },
  MsgConfig
> = {
  ...sysvMsgSubject,
  name: "sysv-msg-raised",
  get config() {
    const top = raisesAboveMsgmnb() ? msgmnb() + 2 * max : msgmnb();
    return fc.record({ qbytes: fc.integer({ min: max >> 1, max: top }) });
  },
  op: fc.oneof(
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant("send" as const),
        type: fc.integer({ min: 1, max: 4 }),
        size,
        value: fc.integer({ min: 1, max: 255 }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant("recv" as const),
        type: fc.oneof(
          fc.constant(0),
          fc.integer({ min: 1, max: 5 }),
          fc.integer({ min: -5, max: -1 }),
        ),
        msgsz: fc.oneof(fc.constant(max), size),
        noerror: fc.boolean(),
        except: fc.boolean(),
      }),
    },
  ),
  declare: (cfg) => () =>
    msgQueue("q", { qbytes: cfg.qbytes, msgmax: max, capacity: RAISED_OPS, waiters: 1 }),
  open(cfg) {
    const id = libc.msgget();
    if (id.ret < 0) throw new Error(`msgget() failed: errno ${id.errno}`);
    // Lowered first, so that the limit is raised whatever it is.
    for (const qbytes of [1, cfg.qbytes]) {
      const set = libc.msgSetQbytes(id.ret, qbytes);
      if (set.ret < 0) {
        libc.msgRmid(id.ret);
        throw new Error(`msgctl(IPC_SET, msg_qbytes = ${qbytes}) failed: errno ${set.errno}`);
      }
    }
    const got = libc.msgStat(id.ret).qbytes;
    if (got !== cfg.qbytes) {
      libc.msgRmid(id.ret);
      throw new Error(`msgctl(IPC_SET, msg_qbytes = ${cfg.qbytes}) left ${got}`);
    }
    return { id: id.ret, removed: false };
  },
  label(o, obs) {
    if (o.op !== "send") return "msgrcv IPC_NOWAIT";
    // The sends that met the raised limit, apart.
    return obs.status === Errno.EAGAIN ? "msgsnd IPC_NOWAIT, full: EAGAIN" : "msgsnd IPC_NOWAIT";
  },
};
