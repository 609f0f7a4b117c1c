/**
 * Comparing a result with the verdict a spec declares, as `deno task check`
 * does for every bundled spec.
 *
 * @module
 */

import { match, P } from "ts-pattern";
import type { Expectation } from "../model/types.ts";
import type { CheckResult } from "./result.ts";

function names(v: string | readonly string[]): readonly string[] {
  return typeof v === "string" ? [v] : v;
}

/**
 * The expected verdict in words.
 *
 * @param e The expectation.
 * @returns E.g. `violation of 'deadlock'`.
 *
 * @example
 * ```ts
 * import { expectationText } from "./expectation.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(expectationText({ violation: ["a", "b"] }), "violation of 'a' or 'b'");
 * ```
 */
export function expectationText(e: Expectation): string {
  return match(e)
    .with("ok", () => "ok")
    .with(
      { violation: P.any },
      (v) => `violation of ${names(v.violation).map((n) => `'${n}'`).join(" or ")}`,
    )
    .with({ incomplete: P.any }, (v) => `incomplete (${v.incomplete})`)
    .exhaustive();
}

/**
 * The verdict a result has, in the same words as {@linkcode expectationText}.
 *
 * @param r The result.
 * @returns E.g. `violation of 'deadlock'`.
 *
 * @example
 * ```ts
 * import { verdictText } from "./expectation.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(verdictText({ verdict: "ok" } as never), "ok");
 * ```
 */
export function verdictText(r: CheckResult): string {
  return match(r.verdict)
    .with("violation", () => `violation of '${r.violation?.property ?? "?"}'`)
    .with("incomplete", () => `incomplete (${r.incomplete?.reason ?? "?"})`)
    .with("ok", "error", (v) => v)
    .exhaustive();
}

/**
 * Whether a result has the declared verdict: the same class, and for a
 * violation one of the named properties, for `incomplete` the same reason.
 *
 * @param e The expectation.
 * @param r The result.
 * @returns `true` when they agree.
 *
 * @example
 * ```ts
 * import { meetsExpectation } from "./expectation.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(meetsExpectation("ok", { verdict: "ok" } as never), true);
 * ```
 */
export function meetsExpectation(e: Expectation, r: CheckResult): boolean {
  return match(e)
    .with("ok", () => r.verdict === "ok")
    .with(
      { violation: P.any },
      (v) => r.verdict === "violation" && names(v.violation).includes(r.violation!.property),
    )
    .with(
      { incomplete: P.any },
      (v) => r.verdict === "incomplete" && r.incomplete?.reason === v.incomplete,
    )
    .exhaustive();
}
