/**
 * Typed variable declarations for globals (shared memory) and process
 * locals. A plain number declares an `int`, a plain boolean a `bool`;
 * {@linkcode int}, {@linkcode bool} and {@linkcode array} add ranges and
 * sizes. Every variable is stored in one or more `Int32` slots of the state.
 *
 * @module
 */

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** A declared integer variable. */
export interface IntDecl {
  /** Discriminant. */
  readonly type: "int";
  /** Initial value. */
  readonly init: number;
  /** Smallest value the variable may hold (assigning less is an error). */
  readonly min: number;
  /** Largest value the variable may hold (assigning more is an error). */
  readonly max: number;
  /** How traces print it: a number (default) or an errno name. */
  readonly format?: "errno";
}

/** A declared boolean variable. */
export interface BoolDecl {
  /** Discriminant. */
  readonly type: "bool";
  /** Initial value. */
  readonly init: boolean;
}

/** A declared fixed-length integer array. */
export interface ArrayDecl {
  /** Discriminant. */
  readonly type: "array";
  /** Number of elements. */
  readonly length: number;
  /** Initial value of every element, or one value per element. */
  readonly init: number | readonly number[];
  /** Smallest value an element may hold. */
  readonly min: number;
  /** Largest value an element may hold. */
  readonly max: number;
}

/** Any declaration, or the shorthand of a plain number or boolean. */
export type VarDecl = IntDecl | BoolDecl | ArrayDecl | number | boolean;

/** A record of declarations, as given to `system()` or a process's `locals`. */
export type VarDecls = Record<string, VarDecl>;

/**
 * The fixed-length integer array a variable of {@linkcode array} type reads
 * as. Writing an index out of range (or a value that is not an integer in
 * the declared range) is an error naming the step. Reading an index out of
 * range gives `undefined`, as in JavaScript: storing or sending it is an
 * error, but comparing with it is simply false.
 */
export interface IntArray {
  /** Element `index`. */
  [index: number]: number;
  /** The number of elements. */
  readonly length: number;
}

/** The type of the value a declaration reads as inside guards and effects. */
export type ValueOf<D> = D extends ArrayDecl ? IntArray
  : D extends BoolDecl | boolean ? boolean
  : number;

/** The typed view of a record of declarations. */
export type Vals<D> = { -readonly [K in keyof D]: ValueOf<D[K]> };

/** Options of {@linkcode int} and {@linkcode array}. */
export interface RangeOptions {
  /** Smallest allowed value (default: -2^31). */
  min?: number;
  /** Largest allowed value (default: 2^31 - 1). */
  max?: number;
}

/**
 * Declares an integer variable with an optional range. Assigning a value
 * outside the range is reported as an error naming the step.
 *
 * @param init The initial value.
 * @param options The allowed range.
 * @returns The declaration.
 *
 * @example A byte-sized counter
 * ```ts
 * import { int } from "./vars.ts";
 * import assert from "node:assert/strict";
 *
 * const count = int(0, { min: 0, max: 255 });
 * assert.equal(count.max, 255);
 * ```
 */
export function int(init: number, options: RangeOptions = {}): IntDecl {
  return { type: "int", init, min: options.min ?? INT32_MIN, max: options.max ?? INT32_MAX };
}

/**
 * Declares a boolean variable.
 *
 * @param init The initial value.
 * @returns The declaration.
 *
 * @example
 * ```ts
 * import { bool } from "./vars.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(bool(true).init, true);
 * ```
 */
export function bool(init: boolean): BoolDecl {
  return { type: "bool", init };
}

/**
 * Declares a fixed-length integer array, e.g. the slots of a shared ring
 * buffer. Writing an index out of range is reported as an error; reading one
 * gives `undefined` (see {@linkcode IntArray}).
 *
 * @param length The number of elements.
 * @param init The initial value of every element, or one per element.
 * @param options The allowed range of every element.
 * @returns The declaration.
 *
 * @example A buffer of three empty slots
 * ```ts
 * import { array } from "./vars.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(array(3).length, 3);
 * ```
 */
export function array(
  length: number,
  init: number | readonly number[] = 0,
  options: RangeOptions = {},
): ArrayDecl {
  return {
    type: "array",
    length,
    init,
    min: options.min ?? INT32_MIN,
    max: options.max ?? INT32_MAX,
  };
}

/** Normalises the shorthand forms into full declarations. */
export function normalizeDecl(decl: VarDecl): IntDecl | BoolDecl | ArrayDecl {
  if (typeof decl === "number") return int(decl);
  if (typeof decl === "boolean") return bool(decl);
  return decl;
}
