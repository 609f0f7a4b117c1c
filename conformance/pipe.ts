/**
 * Pipes against the kernel: non-blocking reads and writes below and above
 * `PIPE_BUF`, the capacity set with `F_SETPIPE_SZ`, closing either end
 * (EOF, `EPIPE` with SIGPIPE ignored), and `FIONREAD` against the model's
 * byte count after every step.
 *
 * **Known departure: page-granular capacity.** The model counts the
 * capacity in bytes; the kernel keeps a ring of `capacity / 4096` pages and
 * appends a write to the last page only if it fits there whole, so after a
 * partly read page a write the model allows (the bytes fit) may get
 * `EAGAIN` from the kernel. The oracle accepts that `EAGAIN` only when a
 * shadow of the kernel's pages predicts it and the model would have written
 * the bytes, and counts it under `page-granular capacity`. The same
 * shadow explains a large write that the kernel makes shorter than a model
 * filling every free byte would (the rule that such a write fills exactly
 * the free room): the kernel's pipe is then in a state the model cannot
 * reach, so the comparison of that sequence ends there, counted the same
 * way. Under the rule that such a write may write any part, the kernel's
 * count is one of the model's outcomes and nothing ends.
 *
 * @module
 */

import fc from "fast-check";
import { Errno } from "../model/primitives/errno.ts";
import { close, type Pipe, pipe, readNonblock, writeNonblock } from "../model/primitives/pipe.ts";
import type { Observed, Subject } from "./_harness.ts";
import * as libc from "./_libc.ts";

const PAGE = 4096;
/** `PIPE_BUF` on Linux. */
export const PIPE_BUF = 4096;

/** One operation on the pipe. */
export type PipeOp =
  | { readonly op: "write"; readonly n: number; readonly value: number }
  | { readonly op: "read"; readonly n: number }
  | { readonly op: "close"; readonly end: "read" | "write" };

/** A sequence's configuration: the capacity in pages. */
export interface PipeConfig {
  /** Pages asked for with `F_SETPIPE_SZ`. */
  readonly pages: number;
}

/** The kernel side: the descriptors and a shadow of the kernel's pages. */
interface Kernel {
  readonly r: number;
  readonly w: number;
  rOpen: boolean;
  wOpen: boolean;
  readonly capacity: number;
  /** The shadow: the pages in the ring, each `[offset, length]`. */
  readonly pages: [number, number][];
  /** What the shadow predicted for the last write (a count, or -1 for EAGAIN). */
  predicted: number;
}

const size = (cap: number) =>
  fc.oneof(
    fc.integer({ min: 0, max: 8 }),
    fc.constantFrom(PIPE_BUF - 1, PIPE_BUF, PIPE_BUF + 1),
    fc.integer({ min: 1, max: cap + 64 }),
  );

/** What the page shadow predicts for a write of `n` bytes: the count, or -1 for EAGAIN. */
function shadowWrite(k: Kernel, n: number, commit: boolean): number {
  const pages = commit ? k.pages : k.pages.map(([o, l]) => [o, l] as [number, number]);
  const slots = k.capacity / PAGE;
  let done = 0;
  const chars = n % PAGE;
  const last = pages[pages.length - 1];
  if (chars > 0 && last !== undefined && last[0] + last[1] + chars <= PAGE) {
    last[1] += chars;
    done = chars;
  }
  while (done < n && pages.length < slots) {
    const take = Math.min(PAGE, n - done);
    pages.push([0, take]);
    done += take;
  }
  return done > 0 || n === 0 ? done : -1;
}

function shadowRead(k: Kernel, n: number): void {
  let left = n;
  while (left > 0 && k.pages.length > 0) {
    const p = k.pages[0]!;
    const take = Math.min(left, p[1]);
    p[0] += take;
    p[1] -= take;
    left -= take;
    if (p[1] === 0) k.pages.shift();
  }
}

/**
 * The pipe subject.
 *
 * @example
 * ```ts ignore
 * check(pipeSubject, 200);
 * ```
 */
export const pipeSubject: Subject<Pipe, PipeOp, Kernel, PipeConfig> = {
  name: "pipe",
  // One page twice as often as two: a large write on two pages has four
  // times the outcomes to list (each `k` of them) on a state twice as wide.
  config: fc.record({
    pages: fc.oneof({ weight: 2, arbitrary: fc.constant(1) }, fc.constant(2)),
  }),
  op: fc.oneof(
    {
      weight: 5,
      arbitrary: fc.record({
        op: fc.constant("write" as const),
        n: size(2 * PAGE),
        value: fc.integer({ min: 1, max: 255 }),
      }),
    },
    {
      weight: 5,
      arbitrary: fc.record({
        op: fc.constant("read" as const),
        n: size(2 * PAGE).map((n) => Math.max(1, n)),
      }),
    },
    {
      weight: 4,
      arbitrary: fc.record({
        op: fc.constant("close" as const),
        end: fc.constantFrom("read" as const, "write" as const),
      }),
    },
  ),
  normalize(_cfg, ops) {
    let r = true, w = true;
    return ops.filter((o) => {
      if (o.op === "close") {
        const open = o.end === "read" ? r : w;
        if (o.end === "read") r = false;
        else w = false;
        return open;
      }
      return o.op === "read" ? r : w;
    });
  },
  declare: (cfg) => (sys) => pipe(sys, "fd", { capacity: cfg.pages * PAGE, pipeBuf: PIPE_BUF }),
  call(_cfg, o) {
    switch (o.op) {
      case "write":
        return (p, out) =>
          writeNonblock(p, {
            bytes: o.n,
            value: o.value,
            status: out.to("status"),
            written: out.to("ret"),
          });
      case "read":
        return (p, out) =>
          readNonblock(p, {
            bytes: o.n,
            status: out.to("status"),
            count: out.to("ret"),
            into: out.to("bytes"),
          });
      case "close":
        return (p) => close(p, o.end);
    }
  },
  open(cfg) {
    libc.ignoreSigpipe();
    const { r, w } = libc.pipe();
    libc.setNonblock(r);
    libc.setNonblock(w);
    libc.fcntl(w, libc.F_SETPIPE_SZ, cfg.pages * PAGE);
    const capacity = libc.fcntl(w, libc.F_GETPIPE_SZ).ret;
    if (capacity !== cfg.pages * PAGE) {
      libc.close(r);
      libc.close(w);
      throw new Error(`F_SETPIPE_SZ(${cfg.pages * PAGE}) gave a capacity of ${capacity}`);
    }
    return { r, w, rOpen: true, wOpen: true, capacity, pages: [], predicted: 0 };
  },
  close(k) {
    if (k.rOpen) libc.close(k.r);
    if (k.wOpen) libc.close(k.w);
  },
  run(k, o): Observed {
    switch (o.op) {
      case "write": {
        k.predicted = shadowWrite(k, o.n, false);
        const s = libc.write(k.w, new Uint8Array(o.n).fill(o.value));
        if (s.ret >= 0) shadowWrite(k, o.n, true);
        return { ret: s.ret, status: s.errno };
      }
      case "read": {
        const s = libc.read(k.r, o.n);
        if (s.ret > 0) shadowRead(k, s.ret);
        return s.ret >= 0
          ? { ret: s.ret, status: Errno.OK, bytes: [...s.data] }
          : { ret: s.ret, status: s.errno };
      }
      case "close": {
        libc.close(o.end === "read" ? k.r : k.w);
        if (o.end === "read") k.rOpen = false;
        else k.wOpen = false;
        // Both ends closed: the pipe is freed.
        if (!k.rOpen && !k.wOpen) k.pages.length = 0;
        return {};
      }
    }
  },
  label(o) {
    if (o.op === "close") return `close(${o.end})`;
    return `${o.op}${o.n > PIPE_BUF ? " > PIPE_BUF" : " <= PIPE_BUF"}`;
  },
  contents(k) {
    if (!k.rOpen) return undefined;
    return libc.fionread(k.r).bytes;
  },
  departure(k, o, obs, allowed) {
    if (o.op !== "write" || obs.status !== Errno.EAGAIN || !k.rOpen) return undefined;
    if (k.predicted !== -1) return undefined;
    const writes = allowed.some((x) => x.values.status === Errno.OK && (x.values.ret ?? 0) > 0);
    return writes ? "page-granular capacity" : undefined;
  },
  diverges(k, o, obs, allowed) {
    // A large write the model makes fill all the free bytes (rather than
    // any part of them): the kernel wrote fewer, as its pages predict.
    if (o.op !== "write" || obs.status !== Errno.OK || !k.rOpen) return undefined;
    const ret = obs.ret as number;
    if (ret <= 0 || ret !== k.predicted) return undefined;
    const more = allowed.some((x) => x.values.status === Errno.OK && (x.values.ret ?? 0) > ret);
    return more ? "page-granular capacity" : undefined;
  },
  wouldBlock: () => false,
};
