// Private module: the wire format of a batch of successors in a
// distributed search (see distributed.ts). A worker collects the records
// for one owner as Int32 words (parent id, transition, state slots); when
// the batch is full it is packed: the header, then the parents and the
// transitions as Int32 arrays, then every slot in the narrowest lane that
// holds all the batch's values (1, 2 or 4 bytes). States of small values
// (the common case: counters, program counters, small buffers) travel in
// a quarter of their width.
//
// Layout, little-endian: Int32 [depth, sender, count, lane], then
// Int32 parents[count], Int32 transitions[count], then slots[count × width]
// as Int8, Int16 or Int32 (lane 1, 2, 4).

/** Words of the header. */
const HEADER = 4;

/** The smallest lane (bytes) that holds every value of `words[from, to)`. */
function laneOf(words: Int32Array, from: number, to: number): 1 | 2 | 4 {
  let lo = 0, hi = 0;
  for (let i = from; i < to; i++) {
    const v = words[i]!;
    if (v < lo) lo = v;
    else if (v > hi) hi = v;
  }
  return lo >= -128 && hi <= 127 ? 1 : lo >= -32768 && hi <= 32767 ? 2 : 4;
}

/**
 * Packs `count` records of `recs` (each [parent, transition, slots...],
 * `width` slots) into a message.
 */
export function packBatch(
  recs: Int32Array,
  count: number,
  width: number,
  depth: number,
  sender: number,
): Uint8Array {
  const rec = width + 2;
  // The lane of the slots only (parents and transitions are Int32 arrays).
  let lane: 1 | 2 | 4 = 1;
  for (let r = 0; r < count && lane < 4; r++) {
    const l = laneOf(recs, r * rec + 2, (r + 1) * rec);
    if (l > lane) lane = l;
  }
  const slotsAt = (HEADER + 2 * count) * 4;
  const bytes = new Uint8Array(slotsAt + count * width * lane);
  const head = new Int32Array(bytes.buffer, 0, HEADER + 2 * count);
  head[0] = depth;
  head[1] = sender;
  head[2] = count;
  head[3] = lane;
  const slots = lane === 1
    ? new Int8Array(bytes.buffer, slotsAt)
    : lane === 2
    ? new Int16Array(bytes.buffer, slotsAt)
    : new Int32Array(bytes.buffer, slotsAt);
  for (let r = 0; r < count; r++) {
    const base = r * rec;
    head[HEADER + r] = recs[base]!;
    head[HEADER + count + r] = recs[base + 1]!;
    const out = r * width;
    for (let i = 0; i < width; i++) slots[out + i] = recs[base + 2 + i]!;
  }
  return bytes;
}

/** A received batch, read record by record. */
export class BatchReader {
  readonly depth: number;
  readonly sender: number;
  readonly count: number;
  readonly #head: Int32Array;
  readonly #slots: Int8Array | Int16Array | Int32Array;
  readonly #width: number;

  /** @param data The message (copied when not 4-byte aligned). */
  constructor(data: Uint8Array, width: number) {
    let bytes = data;
    if (data.byteOffset % 4 !== 0) {
      // A copy: the client gives Node Buffers, whose slice() shares memory.
      bytes = new Uint8Array(data.byteLength);
      bytes.set(data);
    }
    const at = bytes.byteOffset;
    const first = new Int32Array(bytes.buffer, at, HEADER);
    this.depth = first[0]!;
    this.sender = first[1]!;
    this.count = first[2]!;
    const lane = first[3]!;
    const n = this.count;
    this.#width = width;
    this.#head = new Int32Array(bytes.buffer, at, HEADER + 2 * n);
    const slotsAt = at + (HEADER + 2 * n) * 4;
    const len = n * width;
    this.#slots = lane === 1
      ? new Int8Array(bytes.buffer, slotsAt, len)
      : lane === 2
      ? new Int16Array(bytes.buffer, slotsAt, len)
      : new Int32Array(bytes.buffer, slotsAt, len);
  }

  /** The parent id of record `r`. */
  parent(r: number): number {
    return this.#head[HEADER + r]!;
  }

  /** The transition of record `r`. */
  transition(r: number): number {
    return this.#head[HEADER + this.count + r]!;
  }

  /** Copies the state of record `r` into `s`. */
  state(r: number, s: Int32Array): void {
    const slots = this.#slots;
    const base = r * this.#width;
    for (let i = 0; i < this.#width; i++) s[i] = slots[base + i]!;
  }
}
