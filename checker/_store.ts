// Private module: the exact state store. States live in fixed-size chunks
// of one arena (no per-state object), found again through an open-addressing
// hash table of state indices. Each state keeps its parent index and the
// transition that reached it, so any trace can be rebuilt and replayed.

const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK - 1;

/**
 * 32-bit hash of `w[0..n)`: per pair of slots one multiply by the golden
 * ratio and a rotation (so high bits reach the low ones the table indexes
 * by), then MurmurHash3's finaliser. A quarter of the work of MurmurHash3's
 * per-slot mixing, with the same table behaviour on packed states
 * (measured: the same probe counts within 1% on pc_semaphore and
 * pc_channel).
 */
function hashState(w: Int32Array, n: number): number {
  let h = 0x9747b28c ^ n;
  let i = 0;
  // Two slots per round: (a ^ rotl(b, 16)) is one-to-one on slot values
  // below 2^16, which most are.
  for (; i + 1 < n; i += 2) {
    const b = w[i + 1]!;
    h = Math.imul(h ^ w[i]! ^ ((b << 16) | (b >>> 16)), 0x9e3779b1);
    h = (h << 15) | (h >>> 17);
  }
  if (i < n) {
    h = Math.imul(h ^ w[i]!, 0x9e3779b1);
    h = (h << 15) | (h >>> 17);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A set of packed states with parent links, indexed in insertion order.
 *
 * The hash table holds (hash, index + 1) pairs side by side, so a probe
 * touches one cache line of the table and, only on a hash match, the state
 * itself. Per state the store keeps its slots, its parent index and the
 * transition that reached it.
 */
export class ExactStore {
  readonly width: number;
  /**
   * The states, in chunks of 65536. Narrow (16 bits a slot) while every
   * slot value stored fits, which halves the memory the states take and
   * the bytes a comparison touches; widened to 32 bits, once and for all,
   * by the first state that does not fit.
   */
  #data: (Int16Array | Int32Array)[] = [];
  #narrow = true;
  /** Per state: parent index, transition. */
  #meta: Int32Array[] = [];
  /** Pairs: hash, index + 1 (0 = empty). */
  #table: Int32Array;
  #mask: number;
  #count = 0;

  constructor(width: number, initialCapacity = 1 << 12) {
    this.width = width;
    let cap = 1 << 10;
    while (cap < initialCapacity * 2) cap <<= 1;
    this.#table = new Int32Array(cap * 2);
    this.#mask = cap - 1;
  }

  /** The number of stored states. */
  get count(): number {
    return this.#count;
  }

  #find(s: Int32Array, h: number): number {
    const width = this.width;
    const table = this.#table;
    const mask = this.#mask;
    let slot = h & mask;
    for (;;) {
      const e = table[2 * slot + 1]!;
      if (e === 0) return -(slot + 1);
      if (table[2 * slot] === h) {
        const idx = e - 1;
        const data = this.#data[idx >>> CHUNK_BITS]!;
        const base = (idx & CHUNK_MASK) * width;
        let i = 0;
        while (i < width && data[base + i] === s[i]) i++;
        if (i === width) return idx;
      }
      slot = (slot + 1) & mask;
    }
  }

  /** Whether `s` is stored. */
  has(s: Int32Array): boolean {
    return this.#find(s, hashState(s, this.width) | 0) >= 0;
  }

  /** The index of `s`, or -1 when it is not stored. */
  indexOf(s: Int32Array): number {
    const i = this.#find(s, hashState(s, this.width) | 0);
    return i >= 0 ? i : -1;
  }

  /**
   * Adds `s` unless present. Returns the new index, or -1 when the state was
   * already stored.
   */
  insert(s: Int32Array, parent: number, via: number): number {
    const width = this.width;
    const h = hashState(s, width) | 0;
    const found = this.#find(s, h);
    if (found >= 0) return -1;
    const slot = -found - 1;
    const idx = this.#count;
    const c = idx >>> CHUNK_BITS;
    if (this.#narrow) {
      for (let i = 0; i < width; i++) {
        const v = s[i]!;
        if (v !== (v << 16) >> 16) {
          this.#widen();
          break;
        }
      }
    }
    if (c === this.#data.length) {
      this.#data.push(this.#narrow ? new Int16Array(CHUNK * width) : new Int32Array(CHUNK * width));
      this.#meta.push(new Int32Array(CHUNK * 2));
    }
    const base = (idx & CHUNK_MASK) * width;
    const data = this.#data[c]!;
    for (let i = 0; i < width; i++) data[base + i] = s[i]!;
    const meta = this.#meta[c]!;
    const mo = (idx & CHUNK_MASK) * 2;
    meta[mo] = parent;
    meta[mo + 1] = via;
    this.#table[2 * slot] = h;
    this.#table[2 * slot + 1] = idx + 1;
    this.#count = idx + 1;
    if (this.#count * 4 > (this.#mask + 1) * 3) this.#grow();
    return idx;
  }

  /** Converts every chunk to 32 bits a slot. */
  #widen(): void {
    this.#narrow = false;
    this.#data = this.#data.map((d) => Int32Array.from(d));
  }

  #grow(): void {
    const old = this.#table;
    const cap = (this.#mask + 1) * 2;
    const table = new Int32Array(cap * 2);
    const mask = cap - 1;
    for (let i = 0; i < old.length; i += 2) {
      const e = old[i + 1]!;
      if (e === 0) continue;
      const h = old[i]!;
      let slot = h & mask;
      while (table[2 * slot + 1] !== 0) slot = (slot + 1) & mask;
      table[2 * slot] = h;
      table[2 * slot + 1] = e;
    }
    this.#table = table;
    this.#mask = mask;
  }

  /** Copies state `idx` into `out`. */
  read(idx: number, out: Int32Array): void {
    const data = this.#data[idx >>> CHUNK_BITS]!;
    const base = (idx & CHUNK_MASK) * this.width;
    for (let i = 0; i < this.width; i++) out[i] = data[base + i]!;
  }

  /** The parent of state `idx` (-1 for an initial state). */
  parent(idx: number): number {
    return this.#meta[idx >>> CHUNK_BITS]![(idx & CHUNK_MASK) * 2]!;
  }

  /** The transition that first reached state `idx` (-1 for an initial state). */
  via(idx: number): number {
    return this.#meta[idx >>> CHUNK_BITS]![(idx & CHUNK_MASK) * 2 + 1]!;
  }

  /** The path of transitions from an initial state to `idx`, and that initial state's index. */
  path(idx: number): { init: number; transitions: number[] } {
    const transitions: number[] = [];
    let cur = idx;
    while (this.parent(cur) >= 0) {
      transitions.push(this.via(cur));
      cur = this.parent(cur);
    }
    return { init: cur, transitions: transitions.reverse() };
  }

  /**
   * Bytes the store uses: each state's slots (2 or 4 bytes each), parent
   * link and transition, plus the hash table. (Chunks are allocated 65536 states at a time, so a
   * tiny run holds more than it uses.)
   */
  get bytes(): number {
    const slot = this.#narrow ? 2 : 4;
    return this.#count * (this.width * slot + 8) + this.#table.length * 4;
  }
}
