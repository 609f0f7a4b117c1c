/**
 * Structured messages: typed records and tuples as the values a channel
 * carries, declared with {@linkcode message} and {@linkcode range}.
 *
 * A message type with fields `f1 .. fn`, each an integer range, has
 * `|f1| * ... * |fn|` distinct messages. Each is stored as ONE state slot,
 * its number in mixed radix (the first field is the most significant
 * digit), so a channel of structured messages takes exactly the slots, and
 * gives exactly the state counts, of the same channel with the messages
 * packed into integers by hand. Traces and state dumps print the fields by
 * name (`{seq:1,data:2}`), or by position for a tuple (`(1,2)`).
 *
 * @module
 */

/** The type of one field of a message: an integer in `[min, max]`. */
export interface FieldType {
  /** Discriminant. */
  readonly kind: "field";
  /** Smallest value. */
  readonly min: number;
  /** Largest value. */
  readonly max: number;
}

/** The fields of a message: named (a record) or positional (a tuple). */
export type FieldTypes = Readonly<Record<string, FieldType>> | readonly FieldType[];

/** The TypeScript type of the messages of fields `F`: a record or a tuple of numbers. */
export type MessageOf<F> = { -readonly [K in keyof F]: number };

/**
 * A message type made by {@linkcode message}: the fields, and the coding of
 * a message as the one integer the state stores.
 *
 * @typeParam M The messages' TypeScript type.
 */
export interface MessageType<M> {
  /** Discriminant. */
  readonly kind: "message";
  /** The field names in order (`"0"`, `"1"`, ... for a tuple). */
  readonly fields: readonly string[];
  /** Whether the messages are tuples. */
  readonly tuple: boolean;
  /** The number of distinct messages; codes are `0 .. count - 1`. */
  readonly count: number;
  /** The code of a message; a RangeError names the field that is out of range. */
  encode(message: M): number;
  /** The message of a code, as a frozen record or tuple. */
  decode(code: number): M;
  /** The message of a code as traces print it: `{seq:1,data:2}` or `(1,2)`. */
  format(code: number): string;
}

/**
 * An integer field of a message, from `min` to `max` inclusive.
 *
 * @param min The smallest value.
 * @param max The largest value.
 * @returns The field type.
 *
 * @example
 * ```ts
 * import { range } from "./message.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(range(0, 3), { kind: "field", min: 0, max: 3 });
 * ```
 */
export function range(min: number, max: number): FieldType {
  for (const [what, v] of [["min", min], ["max", max]] as const) {
    if (!Number.isSafeInteger(v) || v < -2147483648 || v > 2147483647) {
      throw new RangeError(`range(${min}, ${max}): ${what} must be a 32-bit integer, got ${v}`);
    }
  }
  if (min > max) throw new RangeError(`range(${min}, ${max}): min must be <= max`);
  return Object.freeze({ kind: "field", min, max });
}

/**
 * Declares a message type: a record (`message({ seq: range(0, 1), data:
 * range(0, 3) })`) or a tuple (`message([range(0, 1), range(0, 3)])`) of
 * integer fields. Give it to a channel (`channel("data", 2, { message })`):
 * sends then take, and receives give, values of the type, which `deno
 * check` checks.
 *
 * @param fields The fields, each made by {@linkcode range}.
 * @returns The message type.
 *
 * @example A record and its coding
 * ```ts
 * import { message, range } from "./message.ts";
 * import assert from "node:assert/strict";
 *
 * const frame = message({ seq: range(0, 1), data: range(0, 3) });
 * assert.equal(frame.count, 8);
 * const code = frame.encode({ seq: 1, data: 2 });
 * assert.equal(code, 6);
 * assert.deepEqual(frame.decode(code), { seq: 1, data: 2 });
 * assert.equal(frame.format(code), "{seq:1,data:2}");
 * assert.throws(() => frame.encode({ seq: 2, data: 0 }), /field seq must be an integer in \[0, 1\], got 2/);
 * ```
 */
export function message<const F extends FieldTypes>(fields: F): MessageType<MessageOf<F>> {
  const tuple = Array.isArray(fields);
  const names = Object.keys(fields);
  const types = names.map((k) => (fields as Record<string, FieldType>)[k]!);
  if (names.length === 0) throw new TypeError("message(): a message needs at least one field");
  types.forEach((t, i) => {
    if (
      t === null || typeof t !== "object" || t.kind !== "field" ||
      !Number.isSafeInteger(t.min) || !Number.isSafeInteger(t.max) || t.min > t.max
    ) {
      throw new TypeError(`message(): field ${names[i]} must be made by range(min, max)`);
    }
  });
  const radix = types.map((t) => t.max - t.min + 1);
  const count = radix.reduce((a, b) => a * b, 1);
  if (count > 2147483648) {
    throw new RangeError(
      `message(): the fields have ${count} combinations, more than one state slot holds (2^31)`,
    );
  }
  // weight[i]: the value of one unit of field i (the last field counts ones).
  const weight = radix.map((_, i) => radix.slice(i + 1).reduce((a, b) => a * b, 1));
  return Object.freeze({
    kind: "message" as const,
    fields: Object.freeze(names),
    tuple,
    count,
    encode(m: MessageOf<F>): number {
      if (m === null || typeof m !== "object") {
        throw new TypeError(`expected a ${tuple ? "tuple" : "record"} message, got ${String(m)}`);
      }
      let code = 0;
      for (let i = 0; i < names.length; i++) {
        const v = (m as Record<string, unknown>)[names[i]!];
        const t = types[i]!;
        if (typeof v !== "number" || !Number.isInteger(v) || v < t.min || v > t.max) {
          throw new RangeError(
            `field ${names[i]} must be an integer in [${t.min}, ${t.max}], got ${String(v)}`,
          );
        }
        code += (v - t.min) * weight[i]!;
      }
      return code;
    },
    decode(code: number): MessageOf<F> {
      const values = types.map((t, i) => t.min + Math.floor(code / weight[i]!) % radix[i]!);
      if (tuple) return Object.freeze(values) as unknown as MessageOf<F>;
      const rec: Record<string, number> = {};
      names.forEach((k, i) => rec[k] = values[i]!);
      return Object.freeze(rec) as MessageOf<F>;
    },
    format(code: number): string {
      const values = types.map((t, i) => t.min + Math.floor(code / weight[i]!) % radix[i]!);
      return tuple
        ? `(${values.join(",")})`
        : `{${names.map((k, i) => `${k}:${values[i]}`).join(",")}}`;
    },
  });
}
