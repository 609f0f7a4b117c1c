/**
 * Defining a spec: parameters, globals (shared memory), processes written
 * in the step language, properties, and the verdict the spec expects.
 *
 * @module
 */

import type { CompileOptions, Model } from "./model.ts";
import type { Expectation, ParamInput } from "./types.ts";
import { SpecError } from "./spec_error.ts";
import { compileSystem } from "./_compile.ts";
import { System } from "./system.ts";

export { type LivenessOptions, type ProcessOptions, System, system } from "./system.ts";

export type { Expectation, ParamInput } from "./types.ts";
export type {
  Disposition,
  LivenessDecl,
  LivePredicate,
  ProcessDecl,
  PropertyDecl,
  SigInfo,
  SignalHandler,
  StatePredicate,
  StateView,
  StepInfo,
  StepPredicate,
  SystemOptions,
} from "./_types.ts";

/** A parameter: its default value, or the default with a range and a description. */
export type ParamDecl =
  | number
  | boolean
  | {
    readonly default: number;
    readonly min?: number;
    readonly max?: number;
    readonly doc?: string;
  };

/** The parameters of a spec, by name. */
export type ParamDecls = Record<string, ParamDecl>;

/** The values of a spec's parameters, as its `build` function receives them. */
export type ParamValues<P> = { readonly [K in keyof P]: P[K] extends boolean ? boolean : number };

/** What {@linkcode spec} takes. */
export interface SpecDefinition<P extends ParamDecls> {
  /** The spec's name, used in messages and results. */
  name: string;
  /** One paragraph on what the spec models. */
  description?: string;
  /** The parameters with their defaults. */
  params: P;
  /** The verdict the spec expects (default `"ok"`). */
  expect?: Expectation;
  /** Builds the system for given parameter values. */
  // deno-lint-ignore no-explicit-any
  build: (p: ParamValues<P>) => System<any>;
}

/**
 * A spec: a parameterised system with its expected verdict. `compile()`
 * turns it into a {@linkcode Model} for given parameters.
 *
 * @typeParam P The parameters' declarations.
 *
 * @example
 * ```ts
 * import { spec, system } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const s = spec({
 *   name: "one",
 *   params: { n: 2 },
 *   build: (p) => {
 *     const sys = system({ x: 0 });
 *     sys.process("p", {}, (b) => [b.do("set", ({ g }) => { g.x = p.n; })]);
 *     return sys;
 *   },
 * });
 * assert.deepEqual(s.resolve({ n: "3" }), { n: 3 });
 * ```
 */
export class Spec<P extends ParamDecls = ParamDecls> {
  /** The spec's name. */
  readonly name: string;
  /** What it models. */
  readonly description: string;
  /** The parameters' declarations. */
  readonly params: P;
  /** The verdict it expects. */
  readonly expect: Expectation;
  readonly #build: (p: ParamValues<P>) => System<unknown>;

  /**
   * Creates a spec; prefer {@linkcode spec}.
   *
   * @param def The definition.
   */
  constructor(def: SpecDefinition<P>) {
    if (typeof def.name !== "string" || def.name.trim() === "") {
      throw new TypeError("Cannot define a spec: its name is empty");
    }
    this.name = def.name;
    this.description = def.description ?? "";
    this.params = def.params;
    this.expect = def.expect ?? "ok";
    this.#build = def.build;
  }

  /**
   * The parameter values: defaults, overridden by `input` (numbers, booleans
   * or their text, as from the command line).
   *
   * @param input Overrides by parameter name.
   * @returns The values.
   * @throws {SpecError} For an unknown parameter or a wrong-typed value.
   */
  resolve(input: ParamInput = {}): ParamValues<P> {
    const out: Record<string, number | boolean> = {};
    for (const [k, decl] of Object.entries(this.params)) {
      out[k] = typeof decl === "object" ? this.#parse(k, decl, decl.default) : decl;
    }
    for (const [k, raw] of Object.entries(input)) {
      const decl = Object.hasOwn(this.params, k) ? this.params[k] : undefined;
      if (decl === undefined) {
        const known = Object.keys(this.params);
        throw new SpecError(
          `unknown parameter '${k}' (${
            known.length === 0 ? "the spec has none" : `parameters: ${known.join(", ")}`
          })`,
          { spec: this.name },
        );
      }
      out[k] = this.#parse(k, decl, raw);
    }
    return out as ParamValues<P>;
  }

  #parse(k: string, decl: ParamDecl, raw: number | boolean | string): number | boolean {
    if (typeof decl === "boolean") {
      if (typeof raw === "boolean") return raw;
      if (raw === "true") return true;
      if (raw === "false") return false;
      throw new SpecError(`parameter '${k}' must be true or false, got '${raw}'`, {
        spec: this.name,
      });
    }
    const v = typeof raw === "string" && /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw;
    if (typeof v !== "number" || !Number.isInteger(v)) {
      throw new SpecError(`parameter '${k}' must be an integer, got '${raw}'`, {
        spec: this.name,
      });
    }
    if (v < -(2 ** 31) || v >= 2 ** 31) {
      throw new SpecError(
        `parameter '${k}' must be a 32-bit integer (-2147483648 to 2147483647), got ${v}`,
        { spec: this.name },
      );
    }
    if (typeof decl === "object") {
      if (decl.min !== undefined && v < decl.min) {
        throw new SpecError(`parameter '${k}' must be >= ${decl.min}, got ${v}`, {
          spec: this.name,
        });
      }
      if (decl.max !== undefined && v > decl.max) {
        throw new SpecError(`parameter '${k}' must be <= ${decl.max}, got ${v}`, {
          spec: this.name,
        });
      }
    }
    return v;
  }

  /**
   * Builds and compiles the system for the given parameters.
   *
   * @param input Parameter overrides.
   * @param options How to compile (e.g. `{ interpret: true }` for no generated code).
   * @returns The model to check.
   * @throws {SpecError} For bad parameters or a malformed system.
   */
  compile(input: ParamInput = {}, options: CompileOptions = {}): Model {
    const values = this.resolve(input);
    let sys: System<unknown>;
    try {
      sys = this.#build(values);
    } catch (e) {
      if (e instanceof SpecError) throw e;
      throw new SpecError(e instanceof Error ? e.message : String(e), {
        spec: this.name,
        cause: e,
      });
    }
    if (!(sys instanceof System)) {
      throw new SpecError("build() must return the system made by system()", { spec: this.name });
    }
    return compileSystem(this.name, sys, values, options);
  }
}

/**
 * Defines a spec.
 *
 * @typeParam P The parameters' declarations.
 * @param def Name, parameters, expected verdict and the `build` function.
 * @returns The spec.
 *
 * @example
 * ```ts
 * import { check, spec, system } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const flip = spec({
 *   name: "flip",
 *   params: {},
 *   build: () => {
 *     const sys = system({ on: false });
 *     sys.process("p", {}, (s) => [s.do("flip", ({ g }) => { g.on = !g.on; })]);
 *     return sys;
 *   },
 * });
 * assert.equal(check(flip).verdict, "ok");
 * ```
 */
export function spec<P extends ParamDecls>(def: SpecDefinition<P>): Spec<P> {
  return new Spec(def);
}
