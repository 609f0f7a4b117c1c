// Test helper: pinning the bundled specs. The specs_*_test.ts files list, per
// spec and parameter setting, the verdict (and for a violation the property
// and the trace length) and the exact number of states, so that a change in
// the semantics or the search shows up; this file loads the specs, registers
// one test per pin and replays every counterexample.

import assert from "node:assert/strict";
import {
  check,
  type CheckResult,
  explainTrace,
  meetsExpectation,
  Spec,
  verdictText,
} from "../mod.ts";

/** A bundled spec, whatever its parameters. */
// deno-lint-ignore no-explicit-any
export type AnySpec = Spec<any>;

/**
 * Loads the spec that `specs/<file>` exports as `name`, asserting that it is
 * one.
 *
 * The specs are imported through a computed specifier: a static import would
 * type-check specs/ under the root compilerOptions (noUncheckedIndexedAccess),
 * not under specs/deno.json, and fail.
 */
export async function loadSpec(file: string, name: string): Promise<AnySpec> {
  const mod = await import(new URL(`../specs/${file}`, import.meta.url).href);
  const s = mod[name];
  assert.ok(s instanceof Spec, `${file} exports ${name}`);
  return s;
}

/** A bundled spec, with the file under specs/ and the export it comes from. */
export interface Bundled {
  /** The spec. */
  readonly spec: AnySpec;
  /** Its file under specs/, e.g. `pc_channel.ts`. */
  readonly file: string;
  /** The module's URL (what a worker imports). */
  readonly module: string;
  /** The name of its export. */
  readonly export: string;
}

/**
 * Every spec the files of specs/ export (files not starting with `_`), in
 * file order, through computed specifiers as {@linkcode loadSpec} does.
 */
export async function bundledSpecs(): Promise<Bundled[]> {
  const dir = new URL("../specs/", import.meta.url);
  const files = [...Deno.readDirSync(dir)]
    .map((e) => e.name)
    .filter((n) => n.endsWith(".ts") && !n.startsWith("_"))
    .sort();
  const out: Bundled[] = [];
  for (const file of files) {
    const module = new URL(file, dir).href;
    const mod: Record<string, unknown> = await import(module);
    for (const [name, v] of Object.entries(mod)) {
      if (v instanceof Spec) out.push({ spec: v, file, module, export: name });
    }
  }
  return out;
}

/** A pinned run: a spec at a parameter setting and what checking it gives. */
export interface Pin {
  /** The spec. */
  spec: AnySpec;
  /** The parameters that differ from the spec's defaults (`{}`: the defaults). */
  params: Record<string, number | boolean>;
  /** The exact number of distinct states explored. */
  states: number;
  /**
   * `"ok"`, `"incomplete"`, or the violated property and the trace length
   * (its number of transitions).
   */
  verdict: "ok" | "incomplete" | { property: string; steps: number };
}

/** What {@linkcode pinSpecs} checks on top of verdict and state count. */
export interface PinOptions {
  /** Further checks on every pin's result, in its verdict-and-count test. */
  also?: (pin: Pin, r: CheckResult) => void;
}

/** The results of the pinned runs, shared by the tests that read them. */
export interface Pinned {
  /** The result of checking `pin` (checked once, then remembered). */
  run: (pin: Pin) => CheckResult;
  /**
   * The result at `spec`'s defaults: that of its pin with no parameters,
   * else a fresh check.
   */
  atDefaults: (spec: AnySpec) => CheckResult;
}

/** A pin's parameters as a test name shows them: `a=1 b=true`, or `defaults`. */
function setting(pin: Pin): string {
  return Object.entries(pin.params).map(([k, v]) => `${k}=${v}`).join(" ") || "defaults";
}

/**
 * Registers, for every pin, a test that its verdict (for a violation: the
 * property and the trace length) and its state count are the pinned ones,
 * and for every pin with a pinned violation a test that its counterexample
 * replays, through {@linkcode explainTrace}, to the same counterexample.
 *
 * @returns The results, for the spec-specific tests of the calling file.
 */
export function pinSpecs(pins: readonly Pin[], options: PinOptions = {}): Pinned {
  const results = new Map<Pin, CheckResult>();
  const run = (pin: Pin): CheckResult => {
    let r = results.get(pin);
    if (r === undefined) {
      r = check(pin.spec, { params: pin.params });
      results.set(pin, r);
    }
    return r;
  };
  const atDefaults = (spec: AnySpec): CheckResult => {
    const pin = pins.find((p) => p.spec === spec && Object.keys(p.params).length === 0);
    return pin === undefined ? check(spec) : run(pin);
  };

  for (const pin of pins) {
    const name = `${pin.spec.name} (${setting(pin)})`;
    Deno.test(`${name}: verdict and state count are pinned`, () => {
      const r = run(pin);
      if (pin.verdict === "ok" || pin.verdict === "incomplete") {
        assert.equal(r.verdict, pin.verdict, r.violation?.message ?? r.error?.message);
      } else {
        assert.equal(r.verdict, "violation", r.error?.message);
        assert.equal(r.violation?.property, pin.verdict.property);
        assert.equal(r.violation?.transitions.length, pin.verdict.steps);
      }
      assert.equal(r.stats.states, pin.states);
      options.also?.(pin, r);
    });
    if (typeof pin.verdict === "object") {
      Deno.test(`${name}: the counterexample replays to the same violation`, () => {
        const v = run(pin).violation;
        assert.ok(v !== undefined, `${name}: no counterexample`);
        const again = explainTrace(pin.spec.compile(pin.params), v);
        assert.ok(typeof again !== "string", `${pin.spec.name}: ${again}`);
        assert.deepEqual(again, v, pin.spec.name);
      });
    }
  }
  return { run, atDefaults };
}

/**
 * Asserts that every spec meets the verdict it declares (`expect`) at its
 * defaults, by {@linkcode meetsExpectation}.
 *
 * @param specs The specs.
 * @param resultOf The result of checking a spec at its defaults (by default
 *   a fresh check; {@linkcode Pinned.atDefaults} reuses the pinned run).
 */
export function assertDeclaredVerdicts(
  specs: Iterable<AnySpec>,
  resultOf: (spec: AnySpec) => CheckResult = (s) => check(s),
): void {
  for (const s of specs) {
    const r = resultOf(s);
    assert.ok(meetsExpectation(s.expect, r), `${s.name}: ${verdictText(r)}`);
    if (s.expect === "ok") assert.equal(r.verdict, "ok", s.name);
  }
}
