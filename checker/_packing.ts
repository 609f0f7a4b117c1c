// Private module: how the exact store packs a state into 32-bit words.
//
// Every slot gets a lane of 8, 16 or 32 bits, the narrowest its values have
// needed so far; lanes are laid out in slot order, a word holding as many as
// fit (four 8-bit lanes, two 16-bit ones, ...). A state of 31 slots whose
// values fit in a byte takes 8 words instead of 31 slots, so hashing,
// comparing and copying a state touch a quarter of the data, and the store
// needs a quarter of the memory. The store widens a lane (and repacks what
// it holds) the first time a value does not fit.
//
// For a given layout, packing (with the hash and the fit check), comparing
// and unpacking are written out as JavaScript without loops and evaluated
// once, as the successor code is (model/_codegen.ts); very wide states get
// the same functions as loops over the layout's tables.

/** The lane widths a slot can have, narrowest first. */
const LANES: readonly number[] = [8, 16, 32];

/** States wider than this many slots get loops instead of unrolled code. */
const UNROLL_LIMIT = 256;

/** The hash's seed, per-word multiplier and rotation (as `hashState` had). */
const SEED = 0x9747b28c;
const MUL = 0x9e3779b1;

/** A layout of slots in words, with its packing functions. */
export interface Layout {
  /** Slots per state. */
  readonly width: number;
  /** Lane bits per slot: 8, 16 or 32. */
  readonly bits: Uint8Array;
  /** Words per packed state. */
  readonly words: number;
  /**
   * Packs `s[0..width)` into `q[qo..qo + words)` and returns the packed
   * words' 32-bit hash. When a value does not fit its lane, sets `misfit[0]`
   * to 1 (and what was written to `q` is meaningless).
   */
  readonly pack: (s: Int32Array, q: Int32Array, qo: number) => number;
  /** Whether the packed states at `a[ao..]` and `b[bo..]` are equal. */
  readonly equals: (a: Int32Array, ao: number, b: Int32Array, bo: number) => boolean;
  /** Unpacks the packed state at `d[o..]` into `out[0..width)`. */
  readonly unpack: (d: Int32Array, o: number, out: Int32Array) => void;
  /** Set to 1 by `pack` when a value does not fit (the caller clears it). */
  readonly misfit: Int32Array;
}

/** Whether `v` fits a signed lane of `b` bits. */
export function fits(v: number, b: number): boolean {
  return b >= 32 || ((v << (32 - b)) >> (32 - b)) === v;
}

/** The narrowest layout: every slot in 8 bits. */
export function narrowest(width: number): Layout {
  return layoutOf(new Uint8Array(width).fill(LANES[0]!));
}

/** `layout` with every lane that `s` does not fit widened until it does. */
export function widened(layout: Layout, s: Int32Array): Layout {
  const bits = Uint8Array.from(layout.bits);
  for (let i = 0; i < bits.length; i++) {
    let k = LANES.indexOf(bits[i]!);
    while (!fits(s[i]!, LANES[k]!)) k++;
    bits[i] = LANES[k]!;
  }
  return layoutOf(bits);
}

/** Where each slot goes: its lane's bits, its word and the lane's shift within it. */
interface Placement {
  readonly bits: Uint8Array;
  readonly word: Int32Array;
  readonly shift: Int32Array;
  readonly words: number;
}

function place(bits: Uint8Array): Placement {
  const word = new Int32Array(bits.length);
  const shift = new Int32Array(bits.length);
  let w = 0, used = 0;
  for (let i = 0; i < bits.length; i++) {
    const b = bits[i]!;
    if (used + b > 32) {
      w++;
      used = 0;
    }
    word[i] = w;
    shift[i] = used;
    used += b;
  }
  return { bits, word, shift, words: bits.length === 0 ? 0 : w + 1 };
}

function mask(b: number): number {
  return b >= 32 ? -1 : (1 << b) - 1;
}

/**
 * Builds the layout of `bits`, with its functions: unrolled up to 256
 * slots, loops beyond (or as `unroll` says, for tests).
 */
export function layoutOf(bits: Uint8Array, unroll = bits.length <= UNROLL_LIMIT): Layout {
  const placement = place(bits);
  const misfit = new Int32Array(1);
  const fns = unroll ? unrolled(placement, misfit) : looped(placement, misfit);
  return { width: bits.length, bits, words: placement.words, misfit, ...fns };
}

type Fns = Pick<Layout, "pack" | "equals" | "unpack">;

const FINISH = "h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b); h ^= h >>> 13; " +
  "h = Math.imul(h, 0xc2b2ae35); h ^= h >>> 16; return h | 0;";

/** The functions as straight-line code, one statement per slot. */
function unrolled({ bits, word, shift, words }: Placement, misfit: Int32Array): Fns {
  const pack: string[] = [`let h = ${SEED ^ words}, bad = 0, v = 0, x = 0;`];
  const unpack: string[] = ["let x = 0;"];
  for (let j = 0; j < words; j++) {
    pack.push("x = 0;");
    unpack.push(`x = d[o + ${j}];`);
    for (let i = 0; i < bits.length; i++) {
      if (word[i] !== j) continue;
      const b = bits[i]!, sh = shift[i]!;
      if (b >= 32) {
        pack.push(`x = s[${i}];`);
        unpack.push(`out[${i}] = x;`);
        continue;
      }
      pack.push(
        `v = s[${i}]; bad |= ((v << ${32 - b}) >> ${32 - b}) ^ v; x |= (v & ${mask(b)}) << ${sh};`,
      );
      unpack.push(`out[${i}] = (x << ${32 - sh - b}) >> ${32 - b};`);
    }
    pack.push(`q[qo + ${j}] = x; h = Math.imul(h ^ x, ${MUL | 0}); h = (h << 15) | (h >>> 17);`);
  }
  pack.push(`if (bad !== 0) misfit[0] = 1;`, FINISH);
  const eq = words === 0
    ? "return true;"
    : `return ${
      Array.from({ length: words }, (_, j) => `a[ao + ${j}] === b[bo + ${j}]`).join(" && ")
    };`;
  const make = new Function(
    "misfit",
    `"use strict"; return [
function pack(s, q, qo) { ${pack.join("\n")} },
function equals(a, ao, b, bo) { ${eq} },
function unpack(d, o, out) { ${unpack.join("\n")} }];`,
  ) as (m: Int32Array) => [Fns["pack"], Fns["equals"], Fns["unpack"]];
  const [p, e, u] = make(misfit);
  return { pack: p, equals: e, unpack: u };
}

/** The same functions as loops over the layout (for very wide states). */
function looped({ bits, word, shift, words }: Placement, misfit: Int32Array): Fns {
  const width = bits.length;
  const masks = Int32Array.from(bits, mask);
  return {
    pack(s, q, qo) {
      let h = SEED ^ words, bad = 0, x = 0, j = 0;
      for (let i = 0; i < width; i++) {
        if (word[i] !== j) {
          q[qo + j] = x;
          h = Math.imul(h ^ x, MUL);
          h = (h << 15) | (h >>> 17);
          x = 0;
          j++;
        }
        const v = s[i]!, b = bits[i]!;
        if (b >= 32) x = v;
        else {
          bad |= ((v << (32 - b)) >> (32 - b)) ^ v;
          x |= (v & masks[i]!) << shift[i]!;
        }
      }
      if (width > 0) {
        q[qo + j] = x;
        h = Math.imul(h ^ x, MUL);
        h = (h << 15) | (h >>> 17);
      }
      if (bad !== 0) misfit[0] = 1;
      h ^= h >>> 16;
      h = Math.imul(h, 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      h ^= h >>> 16;
      return h | 0;
    },
    equals(a, ao, b, bo) {
      for (let j = 0; j < words; j++) if (a[ao + j] !== b[bo + j]) return false;
      return true;
    },
    unpack(d, o, out) {
      for (let i = 0; i < width; i++) {
        const x = d[o + word[i]!]!, b = bits[i]!;
        out[i] = b >= 32 ? x : (x << (32 - shift[i]! - b)) >> (32 - b);
      }
    },
  };
}
