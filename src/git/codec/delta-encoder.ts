/**
 * A git delta encoder (the format `applyDelta` in ./delta.ts reads): a simplified version of git's
 * diff-delta. The source is indexed by a hash of each aligned 16-byte block; the target is
 * scanned byte by byte, and wherever its next 16 bytes hash to an indexed block the match is
 * checked, extended forwards (and backwards over the pending literal bytes) and emitted as a copy.
 * Everything else is inserted literally.
 *
 * It is meant for objects that are mostly the same as their base (successive versions of a
 * tree). Costs are linear: O(source) to index, about 16 operations per unmatched target byte and
 * one comparison per matched byte, with a bounded number of candidates per position.
 */

/** Bytes per indexed source block (and the shortest match worth a copy instruction). */
const BLOCK = 16;
/** Candidates checked per target position: the hash bucket chain is cut there. */
const MAX_CANDIDATES = 16;
/** The longest copy one instruction carries here (git's limit too: older readers expect it). */
const MAX_COPY = 0x10000;
/** The longest literal run one insert instruction carries. */
const MAX_INSERT = 0x7f;

export interface EncodeDeltaOptions {
  /** Give up (return null) as soon as the delta would be longer than this. Default: no limit. */
  maxDeltaBytes?: number;
}

/** A multiplicative hash of the 16 bytes at `pos`, taken as four little-endian 32-bit words (assembled by hand: faster than readInt32LE). */
function blockHash(b: Buffer, p: number): number {
  let h = Math.imul(b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24), 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 15) ^ (b[p + 4] | (b[p + 5] << 8) | (b[p + 6] << 16) | (b[p + 7] << 24)), 0x85ebca77);
  h = Math.imul(h ^ (h >>> 13) ^ (b[p + 8] | (b[p + 9] << 8) | (b[p + 10] << 16) | (b[p + 11] << 24)), 0xc2b2ae3d);
  h = Math.imul(h ^ (h >>> 16) ^ (b[p + 12] | (b[p + 13] << 8) | (b[p + 14] << 16) | (b[p + 15] << 24)), 0x27d4eb2f);
  return (h ^ (h >>> 15)) >>> 0;
}

/** Bytes compared natively at once once a match is established (a native call beats a JS loop past a few dozen bytes). */
const SPAN = 256;

/** How many bytes from `source[s]` and `target[t]` on are equal, at most `limit`. */
function matchLength(source: Buffer, s: number, target: Buffer, t: number, limit: number): number {
  let n = 0;
  // Most candidates fail within their first block: check that much byte by byte.
  const first = Math.min(limit, 2 * BLOCK);
  while (n < first && source[s + n] === target[t + n]) n++;
  if (n < first) return n;
  while (n + SPAN <= limit && source.compare(target, t + n, t + n + SPAN, s + n, s + n + SPAN) === 0) n += SPAN;
  while (n < limit && source[s + n] === target[t + n]) n++;
  return n;
}

/** A growable output buffer that refuses to pass `limit` bytes. */
class DeltaOutput {
  buf: Buffer;
  length = 0;

  constructor(
    initial: number,
    readonly limit: number,
  ) {
    this.buf = Buffer.allocUnsafe(Math.max(64, initial));
  }

  /** Room for `n` more bytes; false once the limit would be passed. */
  reserve(n: number): boolean {
    if (this.length + n > this.limit) return false;
    if (this.length + n > this.buf.length) {
      const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + n));
      this.buf.copy(next, 0, 0, this.length);
      this.buf = next;
    }
    return true;
  }

  byte(b: number): void {
    this.buf[this.length++] = b;
  }

  /** A delta size varint: 7 bits per byte, little-endian, high bit = more. */
  varint(n: number): boolean {
    if (!this.reserve(10)) return false;
    while (n >= 0x80) {
      this.byte((n % 0x80) | 0x80);
      n = Math.floor(n / 0x80);
    }
    this.byte(n);
    return true;
  }

  /** Insert instructions for `data[from, to)`, 127 bytes at most each. */
  insert(data: Buffer, from: number, to: number): boolean {
    for (let p = from; p < to; p += MAX_INSERT) {
      const n = Math.min(MAX_INSERT, to - p);
      if (!this.reserve(n + 1)) return false;
      this.byte(n);
      data.copy(this.buf, this.length, p, p + n);
      this.length += n;
    }
    return true;
  }

  /** Copy instructions for `size` bytes of the source at `offset`: only the non-zero offset and size bytes are written. */
  copy(offset: number, size: number): boolean {
    while (size > 0) {
      const n = Math.min(MAX_COPY, size);
      if (!this.reserve(8)) return false;
      const opAt = this.length++;
      let op = 0x80;
      for (let k = 0; k < 4; k++) {
        const b = Math.floor(offset / 2 ** (8 * k)) & 0xff;
        if (b) {
          op |= 1 << k;
          this.byte(b);
        }
      }
      // 0x10000 is written with no size byte at all: a size of 0 means 0x10000.
      if (n !== MAX_COPY) {
        for (let k = 0; k < 3; k++) {
          const b = (n >> (8 * k)) & 0xff;
          if (b) {
            op |= 0x10 << k;
            this.byte(b);
          }
        }
      }
      this.buf[opAt] = op;
      offset += n;
      size -= n;
    }
    return true;
  }
}

/**
 * The delta that turns `source` into `target`, or null when it would be longer than
 * `maxDeltaBytes`. Sources over 4 GiB are refused (copy offsets have 32 bits).
 */
export function encodeDelta(source: Buffer, target: Buffer, opts: EncodeDeltaOptions = {}): Buffer | null {
  if (source.length > 0xffffffff) throw new RangeError('delta source larger than 4 GiB');
  const out = new DeltaOutput(Math.min(target.length + 64, 1 << 20), opts.maxDeltaBytes ?? Number.MAX_SAFE_INTEGER);
  if (!out.varint(source.length) || !out.varint(target.length)) return null;

  // Index: hash of each aligned source block → its offsets, as chains through `next` (lowest offset first).
  const blocks = Math.floor(source.length / BLOCK);
  let bits = 4;
  while (1 << bits < blocks) bits++;
  const mask = (1 << bits) - 1;
  const head = new Int32Array(1 << bits).fill(-1);
  const next = new Int32Array(Math.max(blocks, 1));
  for (let b = blocks - 1; b >= 0; b--) {
    const slot = blockHash(source, b * BLOCK) & mask;
    next[b] = head[slot];
    head[slot] = b;
  }

  let literalFrom = 0;
  let pos = 0;
  while (pos + BLOCK <= target.length) {
    let bestLength = 0;
    let bestOffset = 0;
    if (blocks > 0) {
      let candidate = head[blockHash(target, pos) & mask];
      for (let tries = 0; candidate >= 0 && tries < MAX_CANDIDATES; tries++, candidate = next[candidate]) {
        const s = candidate * BLOCK;
        const n = matchLength(source, s, target, pos, Math.min(source.length - s, target.length - pos));
        if (n > bestLength) {
          bestLength = n;
          bestOffset = s;
        }
      }
    }
    if (bestLength < BLOCK) {
      pos++;
      continue;
    }
    // Grow the match backwards over literal bytes not emitted yet.
    while (pos > literalFrom && bestOffset > 0 && source[bestOffset - 1] === target[pos - 1]) {
      pos--;
      bestOffset--;
      bestLength++;
    }
    if (!out.insert(target, literalFrom, pos) || !out.copy(bestOffset, bestLength)) return null;
    pos += bestLength;
    literalFrom = pos;
  }
  if (!out.insert(target, literalFrom, target.length)) return null;
  return Buffer.from(out.buf.subarray(0, out.length));
}
