// Private module: typed views of globals and locals over the model's one
// work buffer. Views are built once at compile time; guards and effects run
// against whatever state is in the work buffer, so firing a transition
// allocates nothing.

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
  return String(w[base + v.off]);
}

function describeValue(v: unknown): string {
  return typeof v === "string" ? `'${v}'` : String(v);
}

const ARRAY_READERS = new Set([
  "at",
  "every",
  "filter",
  "find",
  "findIndex",
  "forEach",
  "includes",
  "indexOf",
  "join",
  "map",
  "reduce",
  "slice",
  "some",
]);

function arrayProxy(
  w: Int32Array,
  abs: number,
  v: VarSlot,
  env: ViewEnv,
  label: string,
): object {
  const d = v.decl as ArrayDecl;
  const n = d.length;
  const snapshot = () => Array.from(w.subarray(abs, abs + n));
  return new Proxy({}, {
    get(_t, key) {
      if (typeof key === "string") {
        const i = Number(key);
        if (key !== "" && Number.isInteger(i)) {
          if (i >= 0 && i < n) return w[abs + i];
          throw new RangeError(
            `${env.where}: index ${key} is out of range for array '${label}' of length ${n}`,
          );
        }
        if (key === "length") return n;
        if (ARRAY_READERS.has(key)) {
          return (...args: unknown[]) =>
            // deno-lint-ignore no-explicit-any
            (Array.prototype as any)[key].apply(snapshot(), args);
        }
        if (key === "toString" || key === "toJSON") return () => `[${snapshot().join(",")}]`;
      }
      if (key === Symbol.iterator) return () => snapshot()[Symbol.iterator]();
      throw new TypeError(`${env.where}: array '${label}' has no property '${String(key)}'`);
    },
    set(_t, key, value) {
      if (!env.writable) {
        throw new TypeError(
          `${env.where}: cannot assign to '${label}[${String(key)}]' in a guard or predicate`,
        );
      }
      const i = typeof key === "string" ? Number(key) : NaN;
      if (typeof key !== "string" || key === "" || !Number.isInteger(i) || i < 0 || i >= n) {
        throw new RangeError(
          `${env.where}: index ${String(key)} is out of range for array '${label}' of length ${n}`,
        );
      }
      if (typeof value !== "number" || !Number.isInteger(value) || value < d.min || value > d.max) {
        throw new RangeError(
          `${env.where}: cannot assign ${describeValue(value)} to '${label}[${i}]': ` +
            `expected an integer in [${d.min}, ${d.max}]`,
        );
      }
      w[abs + i] = value;
      return true;
    },
    has(_t, key) {
      const i = Number(key);
      return key === "length" || (Number.isInteger(i) && i >= 0 && i < n);
    },
    ownKeys() {
      return Array.from({ length: n }, (_, i) => String(i));
    },
    getOwnPropertyDescriptor(_t, key) {
      const i = Number(key);
      if (typeof key === "string" && Number.isInteger(i) && i >= 0 && i < n) {
        return { value: w[abs + i], writable: true, enumerable: true, configurable: true };
      }
      return undefined;
    },
  });
}

/**
 * Builds a view class for one record of variables: instances read and write
 * `w[base + off]`. All instances of one class share one hidden class, so the
 * guards of replicated processes stay monomorphic.
 */
export function makeViewClass(
  w: Int32Array,
  vars: readonly VarSlot[],
  env: ViewEnv,
  owner: string,
): new (base: number, label: string) => object {
  class View {
    readonly _b: number;
    readonly _arrays: object[];
    constructor(base: number, label: string) {
      this._b = base;
      this._arrays = [];
      for (const v of vars) {
        if (v.decl.type === "array") {
          this._arrays.push(arrayProxy(w, base + v.off, v, env, label + v.name));
        }
      }
      Object.preventExtensions(this);
    }
  }
  let arrayIndex = 0;
  for (const v of vars) {
    const off = v.off;
    const d = v.decl;
    const label = owner + v.name;
    if (d.type === "array") {
      const k = arrayIndex++;
      Object.defineProperty(View.prototype, v.name, {
        get(this: View) {
          return this._arrays[k];
        },
        set() {
          throw new TypeError(`${env.where}: cannot assign a whole array to '${label}'`);
        },
        enumerable: true,
      });
    } else if (d.type === "bool") {
      Object.defineProperty(View.prototype, v.name, {
        get(this: View) {
          return w[this._b + off] !== 0;
        },
        set(this: View, value: unknown) {
          if (!env.writable) {
            throw new TypeError(
              `${env.where}: cannot assign to '${label}' in a guard or predicate`,
            );
          }
          if (typeof value !== "boolean") {
            throw new TypeError(
              `${env.where}: cannot assign ${describeValue(value)} to boolean '${label}'`,
            );
          }
          w[this._b + off] = value ? 1 : 0;
        },
        enumerable: true,
      });
    } else {
      const min = d.min, max = d.max;
      Object.defineProperty(View.prototype, v.name, {
        get(this: View) {
          return w[this._b + off];
        },
        set(this: View, value: unknown) {
          if (!env.writable) {
            throw new TypeError(
              `${env.where}: cannot assign to '${label}' in a guard or predicate`,
            );
          }
          if (
            typeof value !== "number" || !Number.isInteger(value) || value < min || value > max
          ) {
            throw new RangeError(
              `${env.where}: cannot assign ${describeValue(value)} to '${label}': ` +
                `expected an integer in [${min}, ${max}]`,
            );
          }
          w[this._b + off] = value;
        },
        enumerable: true,
      });
    }
  }
  return View;
}
