// Shared by the language tests: generated code against the interpreter, and
// the reductions (partial-order, symmetry) against the unreduced search.

import assert from "node:assert/strict";
import { check, type CompileOptions } from "../../mod.ts";
import type { Model } from "../../extend.ts";
import type { AnySpec } from "../_pins.ts";

/**
 * Every successor each reachable state has, as text, under `options`
 * (breadth-first over the interpreter's states): what the generated code
 * must reproduce exactly.
 */
export function expansions(s: AnySpec, options: CompileOptions): string[] {
  const model: Model = s.compile({}, options);
  const out: string[] = [];
  const seen = new Set<string>();
  const queue: Int32Array[] = [];
  model.init((st) => {
    seen.add(st.join());
    queue.push(st.slice());
  });
  while (queue.length > 0) {
    const st = queue.shift()!;
    const n = model.expand(st, {
      push(next, t) {
        out.push(`${st.join()} -${t}-> ${next.join()}`);
        if (!seen.has(next.join())) {
          seen.add(next.join());
          queue.push(next.slice());
        }
        return true;
      },
      fail(p, t, msg) {
        out.push(`${st.join()} -${t}-> fail ${p} ${msg}`);
      },
    });
    out.push(`${st.join()} n=${n}`);
  }
  return out;
}

/** Generated code and interpreter agree; reductions keep the verdict. */
export function assertAgreement(s: AnySpec): void {
  assert.deepEqual(expansions(s, {}), expansions(s, { interpret: true }), `${s.name}: codegen`);
  const full = check(s);
  const por = check(s, { reduction: "por" });
  assert.equal(por.verdict, full.verdict, `${s.name}: por verdict`);
  assert.equal(por.violation?.property, full.violation?.property, `${s.name}: por property`);
  assert.ok(por.stats.states <= full.stats.states, `${s.name}: por states`);
  const sym = check(s, { symmetry: true });
  assert.equal(sym.verdict, full.verdict, `${s.name}: symmetry verdict`);
  assert.equal(sym.violation?.property, full.violation?.property, `${s.name}: symmetry property`);
}
