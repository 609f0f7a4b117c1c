/**
 * File-based communication: one process writes a regular file, another
 * reads it (docs/semantics.md §0 conventions; POSIX `pread`/`pwrite`,
 * `O_APPEND`, `fstat`, `ftruncate`).
 *
 * The file is a bounded array of bytes (small integers, as in a pipe) and
 * its current size. Reads and writes give their offset explicitly
 * (`pread`/`pwrite`), or write at the end (`O_APPEND`).
 *
 * - {@linkcode fileWrite} writes `n` copies of a value at an offset as one
 *   transition (POSIX makes `write` atomic with respect to `read` on regular
 *   files), extending the size; writing past the end leaves a hole that
 *   reads as zeros. The size is limited to `maxSize` (the file-size limit,
 *   `RLIMIT_FSIZE`): a write that crosses it writes what fits and returns
 *   the count; a write that starts at it fails with `EFBIG` and raises
 *   SIGXFSZ (see the `status` option).
 * - {@linkcode fileRead} never blocks: it returns what is there, min(n,
 *   size - offset) bytes, and 0 at or past the end. **There is no EOF
 *   notification**: 0 means "nothing more *yet*", and a reader that reads
 *   while the writer is still writing sees a partial file. Completion must
 *   be signalled some other way (a semaphore, a rename, a length header).
 * - {@linkcode fileSize} (`fstat`) and {@linkcode fileTruncate}
 *   (`ftruncate`).
 *
 * `v.value(f)` in a property is the file's size.
 *
 * **Departures from Linux, and why.**
 * - Each write is one transition (POSIX's atomicity of `read`/`write` on
 *   regular files). Linux does not promise it: a reader can see part of a
 *   large write that spans pages. Split a write into several calls to model
 *   that; the partial reads it shows are the same kind.
 * - No descriptors or implicit offsets: every call names its offset, as
 *   `pread`/`pwrite` do, and the file is always open for every process.
 * - SIGXFSZ without a `status` target is a `file size limit` violation (its
 *   default action terminates the writer); SIGXFSZ is not sent through the
 *   signal table (`signals.ts`).
 * - No directories, names, `rename`, `unlink`, locks, or page cache.
 *
 * @module
 */

import {
  type Ctx,
  evalExpr,
  type Expr,
  type Into,
  type PrimitiveImpl,
  type Step,
} from "../_ast.ts";
import { Errno } from "./errno.ts";
import { checkInto, opStep, requireInt, requireName } from "./_op.ts";

// Slot layout: 0 size, 1.. the bytes (`maxSize` slots; past the size they are 0).
const SIZE = 0, DATA = 1;

/** A file declared with {@linkcode file}. */
export interface RegularFile extends PrimitiveImpl {
  /** Discriminant. */
  readonly kind: "file";
  /** The largest size in bytes (the file-size limit). */
  readonly maxSize: number;
}

/** Options of {@linkcode file}. */
export interface FileOptions {
  /** The largest size in bytes (default 4). */
  maxSize?: number;
  /** The initial contents (default: empty). */
  init?: readonly number[];
}

/**
 * Declares a regular file, initially empty (or holding `init`).
 *
 * @param name The unique name, used in traces.
 * @param options The size limit and initial contents.
 * @returns The file, for {@linkcode fileWrite}, {@linkcode fileRead}, ...
 *
 * @example A file of at most 4 bytes
 * ```ts
 * import { file } from "./file.ts";
 * import assert from "node:assert/strict";
 *
 * const f = file("data", { maxSize: 4 });
 * assert.equal(f.slots, 5);
 * ```
 */
export function file(name: string, options: FileOptions = {}): RegularFile {
  requireName("file", name);
  const maxSize = requireInt(`file '${name}': maxSize`, options.maxSize ?? 4, 1, 1 << 16);
  const init = options.init ?? [];
  if (!Array.isArray(init) || init.length > maxSize) {
    throw new RangeError(`file '${name}': init must be a list of at most ${maxSize} bytes`);
  }
  init.forEach((b, i) => requireInt(`file '${name}': init[${i}]`, b, -2147483648));
  return {
    kind: "file",
    name,
    maxSize,
    slots: 1 + maxSize,
    init(w, off) {
      w[off + SIZE] = init.length;
      for (let i = 0; i < maxSize; i++) w[off + DATA + i] = init[i] ?? 0;
    },
    format(w, off) {
      const n = w[off + SIZE]!;
      const bytes: number[] = [];
      for (let i = 0; i < n; i++) bytes.push(w[off + DATA + i]!);
      return `[${bytes.join(",")}]`;
    },
    value(w, off) {
      return w[off + SIZE]!;
    },
    // Bytes only: no process numbers to rename (symmetry reduction).
    permute() {},
  };
}

function checkedInt(f: RegularFile, what: string, e: number | Expr, min: number, ctx: Ctx): number {
  const v = evalExpr(e, ctx);
  if (!Number.isInteger(v) || v < min || v > 2147483647) {
    throw new RangeError(
      `file '${f.name}': ${what} must be an integer >= ${min}, got ${String(v)}`,
    );
  }
  return v;
}

function text(e: number | Expr): string {
  return typeof e === "number" ? String(e) : "n";
}

const ALL = { reads: "all", writes: "all" } as const;

/** Options of {@linkcode fileWrite}. */
export interface FileWriteOptions {
  /** The offset (`pwrite`); omit it with `append: true`. */
  at?: number | Expr;
  /** Write at the current end of the file (`O_APPEND`), atomically. */
  append?: boolean;
  /** How many bytes. */
  bytes: number | Expr;
  /** The value of every byte (default 1). */
  value?: number | Expr;
  /** Receives what `write()` returns: the bytes written, or -1 on error. */
  written?: Into;
  /**
   * Receives `OK` or `EFBIG`. Without it, a write that starts at the size
   * limit is a `file size limit` violation (SIGXFSZ kills the writer).
   */
  status?: Into;
}

/**
 * `pwrite()` (or `write()` with `O_APPEND`): writes `bytes` copies of
 * `value` at the offset as one transition, extending the size; a hole
 * between the old end and the offset reads as zeros. Crossing `maxSize`
 * writes what fits; starting at or past it fails with `EFBIG` (SIGXFSZ).
 * Never blocks.
 *
 * @param f The file.
 * @param options Offset (or append), size, value, and result targets.
 * @returns The step.
 *
 * @example The writer appends two bytes of value 7
 * ```ts
 * import { file, fileWrite } from "./file.ts";
 * import assert from "node:assert/strict";
 *
 * const f = file("data");
 * assert.equal(fileWrite(f, { append: true, bytes: 2, value: 7 }).kind, "op");
 * ```
 */
export function fileWrite(f: RegularFile, options: FileWriteOptions): Step {
  const append = options.append ?? false;
  if (append === (options.at !== undefined)) {
    throw new TypeError(`fileWrite(${f.name}): give either at or append: true`);
  }
  if (typeof options.bytes === "number") {
    requireInt(`fileWrite(${f.name}): bytes`, options.bytes, 0);
  }
  checkInto(`fileWrite(${f.name}): written`, options.written);
  checkInto(`fileWrite(${f.name}): status`, options.status);
  const { written, status } = options;
  const value = options.value ?? 1;
  const where = append ? "append" : `at ${text(options.at!)}`;
  return opStep({
    prim: f,
    text: `write(${f.name}, ${text(options.bytes)} ${where})`,
    footprint: ALL,
    ...(status === undefined ? { failure: "file size limit" } : {}),
    enabled: () => true,
    apply(w, off, pid, ctx, pidName) {
      const size = w[off + SIZE]!;
      const at = append ? size : checkedInt(f, "the offset", options.at!, 0, ctx);
      const n = checkedInt(f, "the size", options.bytes, 0, ctx);
      if (n === 0) {
        status?.set(ctx, Errno.OK);
        written?.set(ctx, 0);
        return undefined;
      }
      if (at >= f.maxSize) {
        if (status === undefined) {
          return `${pidName(pid)} writes to file '${f.name}' at offset ${at}, at its size limit ` +
            `${f.maxSize}: SIGXFSZ kills it (give the write a status target to get EFBIG)`;
        }
        status.set(ctx, Errno.EFBIG);
        written?.set(ctx, -1);
        return undefined;
      }
      const v = checkedInt(f, "a byte", value, -2147483648, ctx);
      const k = Math.min(n, f.maxSize - at);
      for (let i = 0; i < k; i++) w[off + DATA + at + i] = v;
      w[off + SIZE] = Math.max(size, at + k);
      status?.set(ctx, Errno.OK);
      written?.set(ctx, k);
      return undefined;
    },
  });
}

/** Options of {@linkcode fileRead}. */
export interface FileReadOptions {
  /** The offset (`pread`). */
  at: number | Expr;
  /** The most bytes to read. */
  bytes: number | Expr;
  /** Receives each byte read, in order. */
  into?: Into;
  /** Receives what `read()` returns: the bytes read; 0 at or past the end. */
  count?: Into;
}

/**
 * `pread()`: returns min(n, size - offset) bytes at once, 0 at or past the
 * end. Never blocks, and never tells whether the writer is done.
 *
 * @param f The file.
 * @param options Offset, size, and targets for the bytes and the count.
 * @returns The step.
 *
 * @example
 * ```ts ignore
 * fileRead(f, { at: 0, bytes: 4, count: s.into("got") });
 * ```
 *
 * @example The step it makes
 * ```ts
 * import { file, fileRead } from "./file.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(fileRead(file("data"), { at: 0, bytes: 4 }).kind, "op");
 * ```
 */
export function fileRead(f: RegularFile, options: FileReadOptions): Step {
  if (options.at === undefined || options.bytes === undefined) {
    throw new TypeError(`fileRead(${f.name}): at and bytes are required`);
  }
  checkInto(`fileRead(${f.name}): into`, options.into);
  checkInto(`fileRead(${f.name}): count`, options.count);
  const { into, count } = options;
  return opStep({
    prim: f,
    text: `read(${f.name}, ${text(options.bytes)} at ${text(options.at)})`,
    footprint: { reads: "all", writes: [] },
    enabled: () => true,
    apply(w, off, _pid, ctx) {
      const at = checkedInt(f, "the offset", options.at, 0, ctx);
      const n = checkedInt(f, "the size", options.bytes, 0, ctx);
      const k = Math.max(0, Math.min(n, w[off + SIZE]! - at));
      for (let i = 0; i < k; i++) into?.set(ctx, w[off + DATA + at + i]!);
      count?.set(ctx, k);
      return undefined;
    },
  });
}

/**
 * `fstat()`: the file's current size.
 *
 * @param f The file.
 * @param into Receives the size.
 * @returns The step.
 *
 * @example
 * ```ts ignore
 * fileSize(f, s.into("size"));
 * ```
 *
 * @example The step it makes
 * ```ts
 * import { StepBuilder } from "../steps.ts";
 * import { file, fileSize } from "./file.ts";
 * import assert from "node:assert/strict";
 *
 * const s = new StepBuilder<unknown, { size: number }>();
 * assert.equal(fileSize(file("data"), s.into("size")).kind, "op");
 * ```
 */
export function fileSize(f: RegularFile, into: Into): Step {
  if (into === undefined) throw new TypeError(`fileSize(${f.name}): a target is required`);
  checkInto(`fileSize(${f.name}): into`, into);
  return opStep({
    prim: f,
    text: `fstat(${f.name})`,
    footprint: { reads: [SIZE], writes: [] },
    enabled: () => true,
    apply(w, off, _pid, ctx) {
      into.set(ctx, w[off + SIZE]!);
      return undefined;
    },
  });
}

/** Options of {@linkcode fileTruncate}. */
export interface FileTruncateOptions {
  /** The new size. */
  length: number | Expr;
  /**
   * Receives `OK` or `EFBIG` (past the size limit). Without it, `EFBIG` is
   * a `file size limit` violation.
   */
  status?: Into;
}

/**
 * `ftruncate()`: sets the size; bytes past a smaller size are dropped, a
 * larger size adds zeros.
 *
 * @param f The file.
 * @param options The new length and the status target.
 * @returns The step.
 *
 * @example The writer empties the file
 * ```ts
 * import { file, fileTruncate } from "./file.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(fileTruncate(file("data"), { length: 0 }).kind, "op");
 * ```
 */
export function fileTruncate(f: RegularFile, options: FileTruncateOptions): Step {
  checkInto(`fileTruncate(${f.name}): status`, options.status);
  const status = options.status;
  return opStep({
    prim: f,
    text: `ftruncate(${f.name}, ${text(options.length)})`,
    footprint: ALL,
    ...(status === undefined ? { failure: "file size limit" } : {}),
    enabled: () => true,
    apply(w, off, pid, ctx, pidName) {
      const n = checkedInt(f, "the length", options.length, 0, ctx);
      if (n > f.maxSize) {
        if (status === undefined) {
          return `${pidName(pid)} truncates file '${f.name}' to ${n}, past its size limit ` +
            `${f.maxSize} (EFBIG)`;
        }
        status.set(ctx, Errno.EFBIG);
        return undefined;
      }
      for (let i = n; i < f.maxSize; i++) w[off + DATA + i] = 0;
      w[off + SIZE] = n;
      status?.set(ctx, Errno.OK);
      return undefined;
    },
  });
}
