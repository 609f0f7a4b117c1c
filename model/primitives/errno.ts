/**
 * Status codes that non-blocking and failing operations return into a
 * local: 0 for success, else the Linux `errno` value of the same name.
 * Declare the local with {@linkcode status} so traces print the name.
 *
 * @module
 */

import { int, type IntDecl } from "../vars.ts";

/**
 * The status codes, by name (Linux x86_64 values); `OK` is 0.
 *
 * @example
 * ```ts
 * import { Errno, errnoName } from "./errno.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(Errno.OK, 0);
 * assert.equal(errnoName(Errno.EIDRM), "EIDRM");
 * ```
 */
export const Errno = {
  OK: 0,
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EINTR: 4,
  ENXIO: 6,
  E2BIG: 7,
  EBADF: 9,
  ECHILD: 10,
  EAGAIN: 11,
  EBUSY: 16,
  EEXIST: 17,
  EINVAL: 22,
  EFBIG: 27,
  EPIPE: 32,
  ERANGE: 34,
  EDEADLK: 35,
  ENOMSG: 42,
  EIDRM: 43,
  EOVERFLOW: 75,
  EMSGSIZE: 90,
  EPROTOTYPE: 91,
  EADDRINUSE: 98,
  ECONNRESET: 104,
  ENOTCONN: 107,
  ETIMEDOUT: 110,
  ECONNREFUSED: 111,
  EOWNERDEAD: 130,
} as const;

/** A status code's name. */
export type ErrnoName = keyof typeof Errno;

const NAMES = new Map<number, string>(Object.entries(Errno).map(([k, v]) => [v, k]));

/**
 * The name of a status code (`EAGAIN`), or the number when unknown.
 *
 * @param code The code.
 * @returns Its name.
 *
 * @example
 * ```ts
 * import { Errno, errnoName } from "./errno.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(errnoName(Errno.EAGAIN), "EAGAIN");
 * ```
 */
export function errnoName(code: number): string {
  return NAMES.get(code) ?? String(code);
}

/**
 * Declares a local (or global) holding a status code, printed by name in
 * traces; it starts at `OK` (0).
 *
 * @returns The declaration.
 *
 * @example
 * ```ts
 * import { status } from "./errno.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(status().init, 0);
 * ```
 */
export function status(): IntDecl {
  return { ...int(0, { min: 0, max: 255 }), format: "errno" };
}
