// Private test helper for the message-queue tests: fires chosen transitions
// of a compiled spec one at a time, by process and operation text, and
// reads back primitives and locals from the printed state.

import assert from "node:assert/strict";
import type { Spec } from "../../mod.ts";
import type { FireFailure, Model } from "../../extend.ts";
import { enabled, fire } from "../../checker/_fire.ts";

/** Drives one run of a model by hand. */
export class Driver {
  readonly model: Model;
  state: Int32Array;

  // deno-lint-ignore no-explicit-any
  constructor(s: Spec<any> | Model) {
    this.model = "compile" in s ? s.compile() : s;
    let init: Int32Array | undefined;
    this.model.init((st) => init ??= st.slice());
    this.state = init!;
  }

  /** The enabled transitions as `process operation`. */
  enabled(): string[] {
    return enabled(this.model, this.state).map((t) => {
      const d = this.model.explanation!.describe(t);
      return `${d.process} ${d.operation}`;
    });
  }

  /** The operations process `proc` can fire now. */
  ops(proc: string): string[] {
    return enabled(this.model, this.state)
      .map((t) => this.model.explanation!.describe(t))
      .filter((d) => d.process === proc)
      .map((d) => d.operation);
  }

  /** Whether `proc` can fire `op` now. */
  can(proc: string, op: string): boolean {
    return this.ops(proc).includes(op);
  }

  #find(proc: string, op: string): number {
    const ts = enabled(this.model, this.state).filter((t) => {
      const d = this.model.explanation!.describe(t);
      return d.process === proc && d.operation === op;
    });
    assert.equal(
      ts.length,
      1,
      `${proc} '${op}' is not enabled exactly once; enabled: ${this.enabled().join(" | ")}`,
    );
    return ts[0]!;
  }

  /** Fires `proc`'s operation `op`, which must be enabled and succeed. */
  fire(proc: string, op: string): this {
    const r = fire(this.model, this.state, this.#find(proc, op));
    assert.ok(r instanceof Int32Array, `${proc} '${op}' failed: ${(r as FireFailure).message}`);
    this.state = r;
    return this;
  }

  /** Fires `proc`'s operation `op`, which must fail; returns the failure. */
  fail(proc: string, op: string): FireFailure & { name: string } {
    const r = fire(this.model, this.state, this.#find(proc, op));
    assert.ok(!(r instanceof Int32Array), `${proc} '${op}' did not fail`);
    return { ...r, name: this.model.properties[r.property]?.name ?? "" };
  }

  /** The printed state. */
  text(): string {
    return this.model.explanation!.format(this.state);
  }

  /** The printed contents of primitive (or scalar global) `name`. */
  show(name: string): string {
    const s = this.text();
    const m = new RegExp(`(?:^| )${name}=(.*?)(?= \\S+=| \\S+#\\d+@|$)`).exec(s);
    assert.ok(m, `no '${name}' in ${s}`);
    return m[1]!;
  }

  /** The locals of process `proc` (printed values, by name). */
  locals(proc: string): Record<string, string> {
    const s = this.text();
    const m = new RegExp(`(?:^| )${proc.replace(/[#]/g, "\\#")}@[^{]*\\{([^}]*)\\}`).exec(s);
    assert.ok(m, `no locals of ${proc} in ${s}`);
    return Object.fromEntries(m[1]!.split(",").map((kv) => kv.split("=") as [string, string]));
  }

  /** One printed local of `proc`. */
  local(proc: string, name: string): string {
    const v = this.locals(proc)[name];
    assert.ok(v !== undefined, `${proc} has no local '${name}'`);
    return v;
  }
}
