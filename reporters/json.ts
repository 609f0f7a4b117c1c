/**
 * The JSON reporter: the whole result, for tools.
 *
 * @module
 */

import type { CheckResult } from "../checker/result.ts";

/**
 * A whole result as JSON (indented by two spaces).
 *
 * @param r The result, or several (the CLI prints one array for several specs).
 * @returns The JSON text.
 *
 * @example
 * ```ts
 * import { check, formatJson, spec, system } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const s = spec({
 *   name: "s",
 *   params: {},
 *   build: () => {
 *     const sys = system({ x: 0 });
 *     sys.process("p", {}, (b) => [b.do("inc", ({ g }) => g.x++)]);
 *     return sys;
 *   },
 * });
 * assert.equal(JSON.parse(formatJson(check(s))).verdict, "ok");
 * ```
 */
export function formatJson(r: CheckResult | readonly CheckResult[]): string {
  return JSON.stringify(r, null, 2);
}
