/**
 * Unix stream and seqpacket socket pairs against the kernel: `MSG_DONTWAIT`
 * sends and receives in both directions (byte streams without boundaries,
 * records with truncation), `shutdown(SHUT_WR)` of either end, and closing
 * either end (EOF, `EPIPE` with SIGPIPE ignored, `ECONNRESET` when the
 * closer left unread data). The kernel's pair comes from `socketpair()`;
 * the model's from a connect and an accept on a listening socket (its
 * setup calls), handle 0 being `sv[0]` and handle 1 `sv[1]`.
 *
 * **Not compared: a full send buffer.** The model counts the buffer in
 * bytes (records for seqpacket) and waits for room for the whole send; the
 * kernel counts `sk_wmem_alloc` with per-buffer overhead (ipc-semantics.md
 * §7). The sequences stay far below both limits (the model's buffer is
 * larger than all the bytes a sequence sends), so `EAGAIN` on send never
 * comes up; this is a documented departure (docs/conformance.md), not a
 * disagreement the oracle hides.
 *
 * @module
 */

import fc from "fast-check";
import { Errno } from "../model/primitives/errno.ts";
import {
  sockAccept,
  sockClose,
  sockConnect,
  sockRecvNonblock,
  sockSendNonblock,
  sockShutdown,
  type UnixStream,
  unixStream,
} from "../model/primitives/unix_stream.ts";
import type { Observed, Subject } from "./_harness.ts";
import * as libc from "./_libc.ts";

/** One operation on an end of the pair. */
export type SockOp =
  | { readonly op: "send"; readonly end: 0 | 1; readonly n: number; readonly value: number }
  | { readonly op: "recv"; readonly end: 0 | 1; readonly n: number }
  | { readonly op: "shutdown"; readonly end: 0 | 1 }
  | { readonly op: "close"; readonly end: 0 | 1 };

/** A sequence's configuration: the socket type. */
export interface SockConfig {
  /** `SOCK_STREAM` or `SOCK_SEQPACKET`. */
  readonly type: "stream" | "seqpacket";
}

interface Kernel {
  readonly fds: [number, number];
  readonly open: [boolean, boolean];
  readonly seq: boolean;
}

const MAX_OPS = 24, MAX_SEND = 8;
const end = fc.constantFrom(0 as const, 1 as const);

/**
 * The socket-pair subject.
 *
 * @example
 * ```ts ignore
 * check(unixStreamSubject, 200);
 * ```
 */
export const unixStreamSubject: Subject<UnixStream, SockOp, Kernel, SockConfig> = {
  name: "unix-socketpair",
  config: fc.record({ type: fc.constantFrom("stream" as const, "seqpacket" as const) }),
  op: fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({
        op: fc.constant("send" as const),
        end,
        n: fc.integer({ min: 0, max: MAX_SEND }),
        value: fc.integer({ min: 1, max: 255 }),
      }),
    },
    {
      weight: 6,
      arbitrary: fc.record({
        op: fc.constant("recv" as const),
        end,
        n: fc.integer({ min: 1, max: 10 }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ op: fc.constant("shutdown" as const), end }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant("close" as const), end }) },
  ),
  normalize(_cfg, ops) {
    const open = [true, true];
    return ops.filter((o) => {
      if (!open[o.end]) return false;
      if (o.op === "close") open[o.end] = false;
      return true;
    });
  },
  declare: (cfg) => (sys) =>
    unixStream(sys, "sock", {
      type: cfg.type,
      connections: 1,
      buffer: MAX_OPS * MAX_SEND,
      listening: { backlog: 0 },
    }),
  setup: () => [
    (s, out) => sockConnect(s, { conn: out.to("conn"), status: out.to("status") }),
    (s, out) => sockAccept(s, { conn: out.to("conn"), status: out.to("status") }),
  ],
  call(cfg, o) {
    switch (o.op) {
      case "send":
        return (s, out) =>
          sockSendNonblock(s, {
            conn: o.end,
            bytes: o.n,
            value: o.value,
            status: out.to("status"),
            count: out.to("ret"),
          });
      case "recv":
        return (s, out) =>
          sockRecvNonblock(s, {
            conn: o.end,
            bytes: o.n,
            status: out.to("status"),
            count: out.to("ret"),
            into: out.to("bytes"),
            ...(cfg.type === "seqpacket" ? { truncated: out.to("truncated") } : {}),
          });
      case "shutdown":
        return (s) => sockShutdown(s, { conn: o.end });
      case "close":
        return (s) => sockClose(s, { conn: o.end });
    }
  },
  open(cfg) {
    libc.ignoreSigpipe();
    const seq = cfg.type === "seqpacket";
    const fds = libc.socketpair(seq ? libc.SOCK_SEQPACKET : libc.SOCK_STREAM);
    return { fds, open: [true, true], seq };
  },
  close(k) {
    for (const e of [0, 1] as const) if (k.open[e]) libc.close(k.fds[e]);
  },
  run(k, o): Observed {
    const fd = k.fds[o.end];
    switch (o.op) {
      case "send": {
        const s = libc.send(fd, new Uint8Array(o.n).fill(o.value), libc.MSG_DONTWAIT);
        return { ret: s.ret, status: s.errno };
      }
      case "recv": {
        // MSG_TRUNC: a record's whole length, to see whether it was cut.
        const flags = libc.MSG_DONTWAIT | (k.seq ? libc.MSG_TRUNC : 0);
        const s = libc.recv(fd, o.n, flags);
        if (s.ret < 0) return { ret: -1, status: s.errno };
        const got = Math.min(s.ret, o.n);
        if (!k.seq) return { ret: got, status: Errno.OK, bytes: [...s.data] };
        // A record shows its value (when it has bytes), its count and whether it was cut.
        // A zero-length record and EOF both read as 0.
        if (got === 0) return { ret: 0, status: Errno.OK };
        return { ret: got, status: Errno.OK, truncated: s.ret > o.n ? 1 : 0, bytes: [s.data[0]!] };
      }
      case "shutdown":
        libc.shutdown(fd, libc.SHUT_WR);
        return {};
      case "close":
        libc.close(fd);
        k.open[o.end] = false;
        return {};
    }
  },
  label: (o) =>
    o.op === "send" || o.op === "recv"
      ? `${o.op} MSG_DONTWAIT`
      : o.op === "shutdown"
      ? "shutdown(SHUT_WR)"
      : "close",
  contents: () => undefined,
  wouldBlock: () => false,
};
