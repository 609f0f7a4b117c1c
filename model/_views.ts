// Private module: typed views of globals and locals over the model's one
// work buffer. Views are built once at compile time; guards and effects run
// against whatever state is in the work buffer, so firing a transition
// allocates nothing.

import { errnoName } from "./primitives/errno.ts";
import {
  type ArrayDecl,
  type BoolDecl,
  type IntDecl,
  normalizeDecl,
  type VarDecls,
} from "./vars.ts";

/** Shared switch that makes views writable only while an effect runs. */
export interface ViewEnv {
  writable: boolean;
  /** Where the running code is, for messages ("producer#0 step 'put'"). */
  where: string;
}

/** One variable placed in the state. */
export interface VarSlot {
  readonly name: string;
  readonly decl: IntDecl | BoolDecl | ArrayDecl;
  /** Offset relative to the owner's base (0 for globals). */
  readonly off: number;
  readonly size: number;
}

/** Places a record of declarations at consecutive offsets starting at 0. */
export function layoutVars(decls: VarDecls): { vars: VarSlot[]; size: number } {
  const vars: VarSlot[] = [];
  let off = 0;
  for (const [name, raw] of Object.entries(decls)) {
    const decl = normalizeDecl(raw);
    const size = decl.type === "array" ? decl.length : 1;
    vars.push({ name, decl, off, size });
    off += size;
  }
  return { vars, size: off };
}

/** Checks a declaration; returns an error message or undefined. */
export function validateDecl(name: string, raw: unknown): string | undefined {
  if (typeof raw === "number") {
    return Number.isInteger(raw) && (raw | 0) === raw
      ? undefined
      : `variable '${name}' must be a 32-bit integer, got ${raw}`;
  }
  if (typeof raw === "boolean") return undefined;
  if (typeof raw !== "object" || raw === null || !("type" in raw)) {
    return `variable '${name}' must be a number, a boolean, int(), bool() or array(), got ${
      String(raw)
    }`;
  }
  const decl = raw as IntDecl | BoolDecl | ArrayDecl;
  if (decl.type === "bool") return undefined;
  if (decl.min > decl.max) return `variable '${name}' has min ${decl.min} > max ${decl.max}`;
  if (!inRange(decl.min, INT32) || !inRange(decl.max, INT32)) {
    return `variable '${name}' has range [${decl.min}, ${decl.max}], wider than 32-bit integers`;
  }
  if (decl.type === "int") {
    return inRange(decl.init, decl)
      ? undefined
      : `variable '${name}' starts at ${decl.init}, outside [${decl.min}, ${decl.max}]`;
  }
  if (!Number.isInteger(decl.length) || decl.length < 1) {
    return `array '${name}' must have length >= 1, got ${decl.length}`;
  }
  const inits = typeof decl.init === "number" ? [decl.init] : decl.init;
  if (typeof decl.init !== "number" && decl.init.length !== decl.length) {
    return `array '${name}' has length ${decl.length} but ${decl.init.length} initial values`;
  }
  for (const v of inits) {
    if (!inRange(v, decl)) {
      return `array '${name}' starts with ${v}, outside [${decl.min}, ${decl.max}]`;
    }
  }
  return undefined;
}

const INT32 = { min: -2147483648, max: 2147483647 };

function inRange(v: number, d: { min: number; max: number }): boolean {
  return Number.isInteger(v) && v >= d.min && v <= d.max;
}

/** Writes the initial values of `vars` at `base`. */
export function initVars(w: Int32Array, base: number, vars: readonly VarSlot[]): void {
  for (const v of vars) {
    const d = v.decl;
    if (d.type === "array") {
      for (let i = 0; i < d.length; i++) {
        w[base + v.off + i] = typeof d.init === "number" ? d.init : d.init[i]!;
      }
    } else if (d.type === "bool") {
      w[base + v.off] = d.init ? 1 : 0;
    } else {
      w[base + v.off] = d.init;
    }
  }
}

/** Prints one variable's value. */
export function formatVar(w: Int32Array, base: number, v: VarSlot): string {
  const d = v.decl;
  if (d.type === "array") {
    const parts: number[] = [];
    for (let i = 0; i < d.length; i++) parts.push(w[base + v.off + i]!);
    return `[${parts.join(",")}]`;
  }
  if (d.type === "bool") return w[base + v.off] !== 0 ? "true" : "false";
  if (d.format === "errno") return errnoName(w[base + v.off]!);
  return String(w[base + v.off]);
}

function describeValue(v: unknown): string {
  return typeof v === "string" ? `'${v}'` : String(v);
}

/**
 * One array variable's plain JS array, synced with the state lazily: the
 * first access in a user call copies the slots in; after the call
 * {@linkcode ArraySync.flush} validates and copies them back (effects) or
 * checks they are unchanged (guards). A write out of range throws (see
 * {@linkcode ArraySync.makeArray}). A read out of range yields `undefined`,
 * as in JavaScript: storing or sending it is an error, but a comparison
 * with it is simply false. (A Proxy per array would catch reads too, at
 * ~150 ns per element instead of a few.)
 */
export interface ArraySlot {
  readonly arr: number[];
  readonly abs: number;
  readonly n: number;
  readonly min: number;
  readonly max: number;
  readonly label: string;
  touched: boolean;
}

/**
 * The prototype of every array view: a Proxy over an empty object that
 * inherits `Array.prototype` (so array methods work), whose `set` trap
 * throws. A write to an element the array has is an ordinary write to its
 * own property and never reaches it; a write anywhere else (an index past
 * the end, a negative or fractional index, `undefined`) looks for a setter
 * up the prototype chain and lands here. Reads out of range still give
 * `undefined` (no `get` trap): they cost nothing to let through.
 */
const OUT_OF_RANGE: object = new Proxy(Object.create(Array.prototype), {
  set(_target, key): never {
    const k = String(key);
    throw new TypeError(
      /^(-?[\d.e+]+|NaN|-?Infinity)$/.test(k)
        ? `index ${k} is out of range: arrays have a fixed length`
        : `there is no element '${k}': arrays have a fixed length`,
    );
  },
});

/** The arrays touched during the current user call. */
export class ArraySync {
  readonly w: Int32Array;
  readonly env: ViewEnv;
  readonly list: ArraySlot[] = [];
  count = 0;

  constructor(w: Int32Array, env: ViewEnv) {
    this.w = w;
    this.env = env;
  }

  /**
   * Makes the array that views an array variable of length `n`: a plain
   * array (V8's fast elements, which a non-extensible array loses: element
   * access on one is several times slower) whose length cannot change and
   * whose prototype throws on a write anywhere but its elements, so a write
   * at an index out of range (or negative, or fractional), `push` and `pop`
   * throw at once.
   */
  makeArray(n: number): number[] {
    const arr = Array.from({ length: n }, () => 0);
    Object.defineProperty(arr, "length", { writable: false });
    Object.setPrototypeOf(arr, OUT_OF_RANGE);
    return arr;
  }

  touch(a: ArraySlot): number[] {
    if (!a.touched) {
      a.touched = true;
      const w = this.w, arr = a.arr, abs = a.abs;
      for (let j = 0; j < a.n; j++) arr[j] = w[abs + j]!;
      this.list[this.count++] = a;
    }
    return a.arr;
  }

  /** After a user call: write back (effects) or verify unchanged (guards). */
  flush(writable: boolean): void {
    const w = this.w;
    for (let i = 0; i < this.count; i++) {
      const a = this.list[i]!;
      a.touched = false;
      const arr = a.arr, abs = a.abs;
      for (let j = 0; j < a.n; j++) {
        const v = arr[j];
        if (v === w[abs + j]) continue;
        if (!writable) {
          this.reset();
          throw new TypeError(
            `${this.env.where}: cannot assign to '${a.label}[${j}]' in a guard or predicate`,
          );
        }
        if (typeof v !== "number" || !Number.isInteger(v) || v < a.min || v > a.max) {
          this.reset();
          throw new RangeError(
            `${this.env.where}: cannot assign ${describeValue(v)} to '${a.label}[${j}]': ` +
              `expected an integer in [${a.min}, ${a.max}]`,
          );
        }
        w[abs + j] = v;
      }
    }
    this.count = 0;
  }

  /** Forgets the touched arrays (after an exception). */
  reset(): void {
    for (let i = 0; i < this.count; i++) this.list[i]!.touched = false;
    this.count = 0;
  }
}

/**
 * Counts accesses through a view (partial-order reduction: a guard or effect
 * that made none through the globals' view touched only its own locals).
 */
export interface AccessCounter {
  n: number;
}

/**
 * Builds a view class for one record of variables: instances read and write
 * `w[base + off]`. All instances of one class share one hidden class, so the
 * guards of replicated processes stay monomorphic. With `counter`, every
 * read and write through an instance (an array's element access counts once,
 * when the array is taken) adds one to `counter.n`.
 */
export function makeViewClass(
  w: Int32Array,
  vars: readonly VarSlot[],
  env: ViewEnv,
  owner: string,
  sync: ArraySync,
  counter?: AccessCounter,
): new (base: number, label: string) => object {
  class View implements ViewSlots {
    readonly _b: number;
    readonly _arrays: ArraySlot[];
    constructor(base: number, label: string) {
      this._b = base;
      this._arrays = [];
      for (const v of vars) {
        const d = v.decl;
        if (d.type === "array") {
          this._arrays.push({
            arr: sync.makeArray(d.length),
            abs: base + v.off,
            n: d.length,
            min: d.min,
            max: d.max,
            label: label + v.name,
            touched: false,
          });
        }
      }
      Object.preventExtensions(this);
    }
  }
  let arrayIndex = 0;
  for (const v of vars) {
    const at: VarAt = { w, off: v.off, label: owner + v.name, env, counter };
    const d = v.decl;
    Object.defineProperty(
      View.prototype,
      v.name,
      d.type === "array"
        ? arrayProperty(at, sync, arrayIndex++)
        : d.type === "bool"
        ? boolProperty(at)
        : intProperty(at, d.min, d.max),
    );
  }
  return View;
}

/** What every view instance holds: its base slot and its arrays. */
interface ViewSlots {
  readonly _b: number;
  readonly _arrays: ArraySlot[];
}

/** Where a variable of a view lies, and what its accessors report to. */
interface VarAt {
  readonly w: Int32Array;
  readonly off: number;
  readonly label: string;
  readonly env: ViewEnv;
  readonly counter: AccessCounter | undefined;
}

/** The accessors of the `k`-th array of a view: the array itself, never assigned whole. */
function arrayProperty(at: VarAt, sync: ArraySync, k: number): PropertyDescriptor {
  const { counter, env, label } = at;
  return {
    get: counter === undefined
      ? function (this: ViewSlots) {
        return sync.touch(this._arrays[k]!);
      }
      : function (this: ViewSlots) {
        counter.n++;
        return sync.touch(this._arrays[k]!);
      },
    set() {
      throw new TypeError(`${env.where}: cannot assign a whole array to '${label}'`);
    },
    enumerable: true,
  };
}

/** The accessors of a boolean variable (stored as 0 or 1). */
function boolProperty(at: VarAt): PropertyDescriptor {
  const { w, off, counter, env, label } = at;
  return {
    get: counter === undefined
      ? function (this: ViewSlots) {
        return w[this._b + off] !== 0;
      }
      : function (this: ViewSlots) {
        counter.n++;
        return w[this._b + off] !== 0;
      },
    set(this: ViewSlots, value: unknown) {
      if (counter !== undefined) counter.n++;
      if (!env.writable) {
        throw new TypeError(`${env.where}: cannot assign to '${label}' in a guard or predicate`);
      }
      if (typeof value !== "boolean") {
        throw new TypeError(
          `${env.where}: cannot assign ${describeValue(value)} to boolean '${label}'`,
        );
      }
      w[this._b + off] = value ? 1 : 0;
    },
    enumerable: true,
  };
}

/** The accessors of an integer variable in `[min, max]`. */
function intProperty(at: VarAt, min: number, max: number): PropertyDescriptor {
  const { w, off, counter, env, label } = at;
  return {
    get: counter === undefined
      ? function (this: ViewSlots) {
        return w[this._b + off];
      }
      : function (this: ViewSlots) {
        counter.n++;
        return w[this._b + off];
      },
    set(this: ViewSlots, value: unknown) {
      if (counter !== undefined) counter.n++;
      if (!env.writable) {
        throw new TypeError(`${env.where}: cannot assign to '${label}' in a guard or predicate`);
      }
      if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
        throw new RangeError(
          `${env.where}: cannot assign ${describeValue(value)} to '${label}': ` +
            `expected an integer in [${min}, ${max}]`,
        );
      }
      w[this._b + off] = value;
    },
    enumerable: true,
  };
}
