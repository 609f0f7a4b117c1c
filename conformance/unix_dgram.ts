/**
 * Unix datagram sockets against the kernel: a `SOCK_DGRAM` socket bound to
 * a path (the model's port) and an unbound socket sending to that path
 * with `sendto(MSG_DONTWAIT)`, in one process that also receives. Covered:
 * message boundaries, zero-length datagrams, truncation (`MSG_TRUNC` in
 * `msg_flags`, and the real length with `recvmsg(MSG_TRUNC)`), the
 * receive queue's limit (`max_dgram_qlen + 1` datagrams, read from
 * /proc/sys/net/unix/max_dgram_qlen: then `EAGAIN`), `EMSGSIZE` above the
 * sender's `SO_SNDBUF - 32` (read with `getsockopt`), `ENOENT` before the
 * path is bound, `bind` on a path in use (`EADDRINUSE`), and the socket
 * closed: its datagrams discarded and later sends refused
 * (`ECONNREFUSED`, the file remaining).
 *
 * **Not compared.** The model holds a datagram as a value and a length, so
 * each datagram's bytes all hold one value (1..255) and a receive shows its
 * first byte. The number of datagrams queued has no kernel counter
 * (`SIOCINQ` gives the next one's length), so it is seen only through the
 * receives. A `socketpair(AF_UNIX, SOCK_DGRAM)` is not modelled: its ends
 * are each other's peers, exempt from the queue limit, and a send after the
 * peer closed gets `ECONNREFUSED` once and then `ENOTCONN`.
 *
 * @module
 */

import fc from "fast-check";
import { Errno } from "../model/primitives/errno.ts";
import {
  dgramBind,
  dgramClose,
  dgramRecvNonblock,
  dgramSendNonblock,
  type UnixDgram,
  unixDgram,
} from "../model/primitives/unix_dgram.ts";
import type { Observed, Subject } from "./_harness.ts";
import * as libc from "./_libc.ts";

/** One operation: a send to the path, a receive, binding the path, closing the bound socket. */
export type DgramOp =
  | { readonly op: "send"; readonly n: number; readonly value: number }
  | { readonly op: "recv"; readonly n: number; readonly trunc: boolean }
  | { readonly op: "bind" }
  | { readonly op: "close" };

/** A sequence's configuration: whether the path is bound when it starts, and the mix of calls. */
export interface DgramConfig {
  /** Bound at the start (else a `bind` creates it; sends before get `ENOENT`). */
  readonly bound: boolean;
  /**
   * The sequence starts by filling the receive queue (one-byte sends, as
   * many as it holds), so that sends meet its limit.
   */
  readonly flood: boolean;
}

interface Kernel {
  readonly path: string;
  /** The unbound socket that sends to the path. */
  readonly sender: number;
  /** The socket bound to the path, while open. */
  bound: number | undefined;
  /** Whether the path's file exists. */
  file: boolean;
}

/** The most datagrams a receive queue holds: `max_dgram_qlen + 1`. */
export const dgramQueue = (): number => libc.procLimit("/proc/sys/net/unix/max_dgram_qlen", 10) + 1;

/** The longest sequence. */
export const DGRAM_OPS = 32;
const MAX_SEND = 12;

let dir: string | undefined;
let serial = 0;

/** A fresh path in a directory of this process (removed when it ends). */
function freshPath(): string {
  if (dir === undefined) {
    const made = Deno.makeTempDirSync({ dir: "/tmp", prefix: "ipcspec-dgram-" });
    dir = made;
    globalThis.addEventListener("unload", () => Deno.removeSync(made, { recursive: true }));
  }
  return `${dir}/s${serial++}`;
}

let maxMessage: number | undefined;

/** The longest datagram the sender may send: its `SO_SNDBUF` less 32 (read once). */
function sendLimit(): number {
  if (maxMessage !== undefined) return maxMessage;
  const s = libc.socket(libc.SOCK_DGRAM);
  if (s.ret < 0) throw new Error(`socket(AF_UNIX, SOCK_DGRAM) failed: errno ${s.errno}`);
  try {
    maxMessage = libc.sndbuf(s.ret) - 32;
  } finally {
    libc.close(s.ret);
  }
  return maxMessage;
}

function boundSocket(path: string): libc.Sys {
  const s = libc.socket(libc.SOCK_DGRAM);
  if (s.ret < 0) throw new Error(`socket(AF_UNIX, SOCK_DGRAM) failed: errno ${s.errno}`);
  libc.setNonblock(s.ret);
  const b = libc.bind(s.ret, path);
  if (b.ret < 0) {
    libc.close(s.ret);
    return b;
  }
  return s;
}

/**
 * The datagram subject.
 *
 * @example
 * ```ts ignore
 * check(unixDgramSubject, 200, DGRAM_OPS);
 * ```
 */
export const unixDgramSubject: Subject<UnixDgram, DgramOp, Kernel, DgramConfig> = {
  name: "unix-dgram",
  config: fc.record({
    bound: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, fc.constant(false)),
    flood: fc.boolean(),
  }),
  get op() {
    return fc.oneof(
      {
        weight: 6,
        arbitrary: fc.record({
          op: fc.constant("send" as const),
          n: fc.oneof(
            { weight: 12, arbitrary: fc.integer({ min: 0, max: MAX_SEND }) },
            { weight: 1, arbitrary: fc.constant(sendLimit() + 1) },
          ),
          value: fc.integer({ min: 1, max: 255 }),
        }),
      },
      {
        weight: 4,
        arbitrary: fc.record({
          op: fc.constant("recv" as const),
          n: fc.integer({ min: 0, max: MAX_SEND + 1 }),
          trunc: fc.boolean(),
        }),
      },
      { weight: 1, arbitrary: fc.constant({ op: "bind" as const }) },
      { weight: 1, arbitrary: fc.constant({ op: "close" as const }) },
    );
  },
  normalize(cfg, ops) {
    // Receiving on or closing a socket the caller does not hold is an
    // error of the spec (EBADF): such calls are dropped.
    let state = cfg.bound ? "held" : "absent";
    const fill: DgramOp[] = cfg.flood
      ? Array.from({ length: dgramQueue() }, (_, i) => ({ op: "send", n: 1, value: 1 + i }))
      : [];
    return [...fill, ...ops].filter((o) => {
      if (o.op === "bind" && state === "absent") state = "held";
      else if (o.op === "recv") return state === "held";
      else if (o.op === "close") {
        if (state !== "held") return false;
        state = "closed";
      }
      return true;
    });
  },
  declare: (cfg) => (sys) =>
    unixDgram(sys, "path", {
      queue: dgramQueue(),
      maxMessage: sendLimit(),
      bound: cfg.bound,
      ...(cfg.bound ? { holders: ["caller"] } : {}),
    }),
  call(_cfg, o) {
    switch (o.op) {
      case "send":
        return (s, out) =>
          dgramSendNonblock(s, {
            bytes: o.n,
            value: o.value,
            status: out.to("status"),
            count: out.to("count"),
          });
      case "recv":
        return (s, out) =>
          dgramRecvNonblock(s, {
            bytes: o.n,
            trunc: o.trunc,
            status: out.to("status"),
            count: out.to("count"),
            into: out.to("value"),
            truncated: out.to("truncated"),
          });
      case "bind":
        return (s, out) => dgramBind(s, { status: out.to("status") });
      case "close":
        return (s) => dgramClose(s);
    }
  },
  open(cfg) {
    const path = freshPath();
    const sender = libc.socket(libc.SOCK_DGRAM);
    if (sender.ret < 0) {
      throw new Error(`socket(AF_UNIX, SOCK_DGRAM) failed: errno ${sender.errno}`);
    }
    const k: Kernel = { path, sender: sender.ret, bound: undefined, file: false };
    if (cfg.bound) {
      const b = boundSocket(path);
      if (b.ret < 0) {
        libc.close(sender.ret);
        throw new Error(`bind(${path}) failed: errno ${b.errno}`);
      }
      k.bound = b.ret;
      k.file = true;
    }
    return k;
  },
  close(k) {
    libc.close(k.sender);
    if (k.bound !== undefined) libc.close(k.bound);
    if (k.file) libc.unlink(k.path);
  },
  run(k, o): Observed {
    switch (o.op) {
      case "send": {
        const data = new Uint8Array(o.n).fill(o.value);
        const s = libc.sendto(k.sender, data, libc.MSG_DONTWAIT, k.path);
        return { status: s.errno, count: s.ret };
      }
      case "recv": {
        const flags = libc.MSG_DONTWAIT | (o.trunc ? libc.MSG_TRUNC : 0);
        const s = libc.recvmsg(k.bound!, o.n, flags);
        if (s.ret < 0) return { status: s.errno, count: s.ret };
        const got: Record<string, number> = {
          status: Errno.OK,
          count: s.ret,
          truncated: (s.msgFlags & libc.MSG_TRUNC) !== 0 ? 1 : 0,
        };
        // A datagram of 0 bytes, or a buffer of 0, shows no value.
        if (s.data.length > 0) got.value = s.data[0]!;
        return got;
      }
      case "bind": {
        const b = boundSocket(k.path);
        if (b.ret < 0) return { status: b.errno };
        k.bound = b.ret;
        k.file = true;
        return { status: Errno.OK };
      }
      case "close": {
        libc.close(k.bound!);
        k.bound = undefined;
        return {};
      }
    }
  },
  label(o, obs) {
    switch (o.op) {
      case "send":
        return obs.status === Errno.EAGAIN
          ? "sendto MSG_DONTWAIT, queue full: EAGAIN"
          : "sendto MSG_DONTWAIT";
      case "recv":
        return o.trunc ? "recvmsg MSG_DONTWAIT|MSG_TRUNC" : "recvmsg MSG_DONTWAIT";
      case "bind":
        return "bind";
      case "close":
        return "close";
    }
  },
  contents: () => undefined,
  wouldBlock: () => false,
};
