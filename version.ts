/**
 * The version of ipcspec, as in `deno.json` (a test keeps the two equal).
 *
 * @example
 * ```ts
 * import { VERSION } from "./version.ts";
 * import assert from "node:assert/strict";
 *
 * assert.match(VERSION, /^\d+\.\d+\.\d+/);
 * ```
 *
 * @module
 */

/** The version of ipcspec. */
export const VERSION = "0.1.0";
