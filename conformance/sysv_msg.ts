/**
 * System V message queues against the kernel: `IPC_NOWAIT` sends and
 * receives with every `msgtyp` form (0, > 0, < 0) and `MSG_EXCEPT` /
 * `MSG_NOERROR`, the byte limit set with `IPC_SET` (`msg_qbytes`, which
 * also bounds the message count), invalid types and sizes, and
 * `IPC_RMID`, with `msg_qnum` (`IPC_STAT`) against the model's count after
 * every step. The machine's `msgmax` is read from /proc at run time.
 *
 * A message's bytes all hold its payload (1..255), so a receive shows the
 * payload, the type and the length it got.
 *
 * @module
 */

import fc from "fast-check";
import { Errno } from "../model/primitives/errno.ts";
import {
  msgctlRmid,
  type MsgQueue,
  msgQueue,
  msgrcv,
  msgsnd,
} from "../model/primitives/sysv_msg.ts";
import type { Observed, Subject } from "./_harness.ts";
import * as libc from "./_libc.ts";

/** One operation on the queue. */
export type MsgOp =
  | { readonly op: "send"; readonly type: number; readonly size: number; readonly value: number }
  | {
    readonly op: "recv";
    readonly type: number;
    readonly msgsz: number;
    readonly noerror: boolean;
    readonly except: boolean;
  }
  | { readonly op: "rmid" };

/** A sequence's configuration: the byte limit set with `IPC_SET`. */
export interface MsgConfig {
  /** `msg_qbytes`. */
  readonly qbytes: number;
}

const MAX_QBYTES = 24;

interface Kernel {
  readonly id: number;
  removed: boolean;
}

/** The machine's `msgmax` (/proc/sys/kernel/msgmax). */
export const msgmax = (): number => libc.procLimit("/proc/sys/kernel/msgmax", 8192);

/**
 * The System V queue subject.
 *
 * @example
 * ```ts ignore
 * check(sysvMsgSubject, 200);
 * ```
 */
export const sysvMsgSubject: Subject<MsgQueue, MsgOp, Kernel, MsgConfig> = {
  name: "sysv-msg",
  config: fc.record({ qbytes: fc.integer({ min: 1, max: MAX_QBYTES }) }),
  op: fc.oneof(
    {
      weight: 5,
      arbitrary: fc.record({
        op: fc.constant("send" as const),
        type: fc.integer({ min: -1, max: 4 }),
        size: fc.oneof(
          { weight: 8, arbitrary: fc.integer({ min: 0, max: MAX_QBYTES + 2 }) },
          { weight: 1, arbitrary: fc.constantFrom(-1, msgmax(), msgmax() + 1) },
        ),
        value: fc.integer({ min: 1, max: 255 }),
      }),
    },
    {
      weight: 5,
      arbitrary: fc.record({
        op: fc.constant("recv" as const),
        // Each form of msgtyp about as often: 0, > 0 and < 0.
        type: fc.oneof(
          fc.constant(0),
          fc.integer({ min: 1, max: 5 }),
          fc.integer({ min: -5, max: -1 }),
        ),
        msgsz: fc.oneof(
          { weight: 8, arbitrary: fc.integer({ min: 0, max: 8 }) },
          { weight: 1, arbitrary: fc.constantFrom(-1, msgmax()) },
        ),
        noerror: fc.boolean(),
        except: fc.boolean(),
      }),
    },
    { weight: 1, arbitrary: fc.constant({ op: "rmid" as const }) },
  ),
  declare: (cfg) => () =>
    msgQueue("q", { qbytes: cfg.qbytes, msgmax: msgmax(), capacity: cfg.qbytes, waiters: 1 }),
  call(_cfg, o) {
    switch (o.op) {
      case "send":
        return (q, out) =>
          msgsnd(q, {
            type: o.type,
            value: o.value,
            size: o.size,
            nowait: true,
            status: out.to("status"),
          });
      case "recv":
        return (q, out) =>
          msgrcv(q, {
            type: o.type,
            msgsz: o.msgsz,
            nowait: true,
            noerror: o.noerror,
            except: o.except,
            into: out.to("value"),
            mtype: out.to("mtype"),
            len: out.to("len"),
            status: out.to("status"),
          });
      case "rmid":
        return (q, out) => msgctlRmid(q, { status: out.to("status") });
    }
  },
  open(cfg) {
    const id = libc.msgget();
    if (id.ret < 0) throw new Error(`msgget() failed: errno ${id.errno}`);
    const set = libc.msgSetQbytes(id.ret, cfg.qbytes);
    if (set.ret < 0) {
      libc.msgRmid(id.ret);
      throw new Error(`msgctl(IPC_SET, msg_qbytes = ${cfg.qbytes}) failed: errno ${set.errno}`);
    }
    return { id: id.ret, removed: false };
  },
  close(k) {
    if (!k.removed) libc.msgRmid(k.id);
  },
  run(k, o): Observed {
    switch (o.op) {
      case "send": {
        if (o.size < 0) {
          // msgsz is a size_t: -1 is huge, > msgmax, so EINVAL; send a 0-byte buffer.
          const s = libc.msgsnd(k.id, BigInt(o.type), new Uint8Array(0), libc.IPC_NOWAIT, -1);
          return { status: s.errno };
        }
        const s = libc.msgsnd(
          k.id,
          BigInt(o.type),
          new Uint8Array(o.size).fill(o.value),
          libc.IPC_NOWAIT,
        );
        return { status: s.errno };
      }
      case "recv": {
        const flags = libc.IPC_NOWAIT | (o.noerror ? libc.MSG_NOERROR : 0) |
          (o.except ? libc.MSG_EXCEPT : 0);
        const s = libc.msgrcv(k.id, o.msgsz, BigInt(o.type), flags);
        if (s.ret < 0) return { status: s.errno };
        const got: Record<string, number> = {
          status: Errno.OK,
          len: s.ret,
          mtype: Number(s.mtype),
        };
        // A message of 0 bytes (or truncated to 0) shows no payload.
        if (s.ret > 0) got.value = s.data[0]!;
        return got;
      }
      case "rmid": {
        const s = libc.msgRmid(k.id);
        if (s.ret === 0) k.removed = true;
        return { status: s.errno };
      }
    }
  },
  label(o) {
    if (o.op !== "recv") return o.op === "send" ? "msgsnd IPC_NOWAIT" : "msgctl IPC_RMID";
    const sel = o.type === 0 ? "msgtyp = 0" : o.type > 0 ? "msgtyp > 0" : "msgtyp < 0";
    return `msgrcv IPC_NOWAIT ${sel}`;
  },
  contents(k) {
    return k.removed ? undefined : libc.msgStat(k.id).qnum;
  },
  wouldBlock: () => false,
};
