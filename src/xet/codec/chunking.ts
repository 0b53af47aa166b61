import { XetFormatError } from './errors';
import { GEAR_TABLE_HI, GEAR_TABLE_LO } from './gear-table';
import { computeChunkHash, copyBytes, type HashAndSize, type XetHash } from './hashing';

/**
 * Gearhash content-defined chunking, exactly as xet-core's `Chunker`
 * (`xet_data/src/deduplication/chunking.rs`; spec: hub-docs `docs/xet/chunking.md`).
 *
 * Per byte: `h = (h << 1) + TABLE[b]` (64-bit wrapping). A boundary is cut after the byte where
 * `h & MASK == 0` once the chunk holds at least MIN bytes, and is forced at MAX bytes. After a cut
 * `h` resets to 0 and the first `MIN - 64 - 1` bytes of the next chunk are skipped without
 * hashing (the hash only depends on the last 64 bytes, so this changes nothing but speed — and it
 * is what makes the output identical to xet-core even in the rare case where a stale hash state
 * would otherwise matter).
 */

export const TARGET_CHUNK_SIZE = 64 * 1024;
export const MIN_CHUNK_SIZE = TARGET_CHUNK_SIZE / 8;
export const MAX_CHUNK_SIZE = TARGET_CHUNK_SIZE * 2;
/** Bytes of history the gear hash depends on. */
export const GEAR_HASH_WINDOW = 64;

export interface ChunkerOptions {
  /** Power of two in (64, 2^31); MIN = target/8, MAX = target*2. Only change this in tests. */
  targetChunkSize?: number;
}

/** A chunk cut from the stream. `offset` is the position of its first byte in the whole stream. */
export interface Chunk {
  data: Uint8Array;
  offset: number;
}

/**
 * Streaming chunker: feed bytes with {@link Chunker.push}, get back every chunk whose end is
 * known, and call {@link Chunker.finish} at end of input for the last one. The boundaries do not
 * depend on how the input is split into pushes.
 *
 * Zero-copy: a chunk that lies entirely inside one pushed buffer is returned as a `subarray` view
 * of it (so don't modify a pushed buffer while its chunks are in use); bytes carried over from
 * earlier pushes are copied.
 */
export class Chunker {
  readonly minChunkSize: number;
  readonly maxChunkSize: number;
  readonly targetChunkSize: number;
  private readonly maskHi: number;
  private readonly maskLo: number;

  private hashHi = 0;
  private hashLo = 0;
  private pending: Uint8Array[] = [];
  private pendingLen = 0;
  private chunkStart = 0;

  constructor(options: ChunkerOptions = {}) {
    const target = options.targetChunkSize ?? TARGET_CHUNK_SIZE;
    if (!Number.isInteger(target) || target <= GEAR_HASH_WINDOW || target >= 2 ** 31 || (target & (target - 1)) !== 0) {
      throw new XetFormatError('invalid_argument', `target chunk size must be a power of two in (64, 2^31), got ${target}`);
    }
    this.targetChunkSize = target;
    this.minChunkSize = target / 8;
    this.maxChunkSize = target * 2;
    // mask = (target - 1) shifted all the way left: log2(target) one-bits at the top of 64.
    const bits = Math.log2(target);
    this.maskHi = bits >= 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0;
    this.maskLo = bits <= 32 ? 0 : (0xffffffff << (64 - bits)) >>> 0;
  }

  /** Bytes received that are not yet part of an emitted chunk. */
  get bufferedBytes(): number {
    return this.pendingLen;
  }

  /** Stream offset where the next chunk will start. */
  get position(): number {
    return this.chunkStart;
  }

  push(data: Uint8Array): Chunk[] {
    const out: Chunk[] = [];
    let pos = 0;
    while (pos < data.length) {
      const cut = this.nextBoundary(data, pos);
      if (cut < 0) {
        // Keep a private copy: the caller may reuse its buffer.
        this.pending.push(copyBytes(data.subarray(pos)));
        this.pendingLen += data.length - pos;
        break;
      }
      if (cut === 0 && this.pendingLen === 0) throw new Error('chunker made no progress');
      const piece = data.subarray(pos, pos + cut);
      out.push(this.emit(piece));
      pos += cut;
    }
    return out;
  }

  /** End of input: returns the final (possibly short) chunk, if any, and resets the chunker. */
  finish(): Chunk[] {
    this.hashHi = 0;
    this.hashLo = 0;
    if (this.pendingLen === 0) return [];
    return [this.emit(new Uint8Array(0))];
  }

  private emit(piece: Uint8Array): Chunk {
    let data: Uint8Array;
    if (this.pendingLen === 0) {
      data = piece;
    } else {
      data = new Uint8Array(this.pendingLen + piece.length);
      let o = 0;
      for (const p of this.pending) {
        data.set(p, o);
        o += p.length;
      }
      data.set(piece, o);
      this.pending = [];
      this.pendingLen = 0;
    }
    const chunk = { data, offset: this.chunkStart };
    this.chunkStart += data.length;
    return chunk;
  }

  /**
   * Port of `Chunker::next_boundary`: how many bytes of `data[start..]` complete the current
   * chunk (whose first `pendingLen` bytes were seen earlier), or -1 if no boundary yet.
   */
  private nextBoundary(data: Uint8Array, start: number): number {
    const n = data.length - start;
    if (n === 0) return -1;
    const prev = this.pendingLen;
    const min = this.minChunkSize;
    const max = this.maxChunkSize;
    let cur = 0;
    if (prev + GEAR_HASH_WINDOW < min) cur += Math.min(min - prev - GEAR_HASH_WINDOW - 1, n);
    const readEnd = Math.min(n, cur + max - prev);
    let create = false;
    for (;;) {
      const m = this.scan(data, start + cur, start + readEnd);
      if (m >= 0) {
        cur = m - start;
        // A trigger before MIN bytes may come from hash state of before this chunk; ignore it.
        if (cur + prev < min) continue;
        create = true;
      } else {
        cur = readEnd;
      }
      break;
    }
    if (cur + prev >= max) {
      cur = max - prev;
      create = true;
    }
    if (!create) return -1;
    this.hashHi = 0;
    this.hashLo = 0;
    return cur;
  }

  /** Hash bytes `[from, to)`; returns the index just past the first matching byte, or -1. */
  private scan(data: Uint8Array, from: number, to: number): number {
    let hi = this.hashHi;
    let lo = this.hashLo;
    const maskHi = this.maskHi;
    const maskLo = this.maskLo;
    const THI = GEAR_TABLE_HI;
    const TLO = GEAR_TABLE_LO;
    let found = -1;
    for (let i = from; i < to; i++) {
      const b = data[i];
      const nlo = ((lo << 1) >>> 0) + TLO[b];
      hi = (((hi << 1) | (lo >>> 31)) + THI[b] + (nlo > 0xffffffff ? 1 : 0)) >>> 0;
      lo = nlo >>> 0;
      if ((hi & maskHi) === 0 && (lo & maskLo) === 0) {
        found = i + 1;
        break;
      }
    }
    this.hashHi = hi;
    this.hashLo = lo;
    return found;
  }
}

/** Chunks a whole buffer (chunks are views into `data`). */
export function chunkBuffer(data: Uint8Array, options?: ChunkerOptions): Chunk[] {
  const c = new Chunker(options);
  return [...c.push(data), ...c.finish()];
}

/** Chunk lengths of a whole buffer. */
export function chunkLengths(data: Uint8Array, options?: ChunkerOptions): number[] {
  return chunkBuffer(data, options).map((c) => c.data.length);
}

/** Chunks a whole buffer and hashes every chunk: the leaves of its file/xorb hash. */
export function chunkAndHash(data: Uint8Array, options?: ChunkerOptions): Array<HashAndSize & { offset: number; data: Uint8Array }> {
  return chunkBuffer(data, options).map((c) => ({ hash: computeChunkHash(c.data) as XetHash, size: c.data.length, offset: c.offset, data: c.data }));
}
