import { XetFormatError } from './errors';

/**
 * LZ4 in pure TypeScript: the block format (greedy compressor + decompressor) and the frame
 * format around it (https://github.com/lz4/lz4/blob/dev/doc/lz4_Frame_format.md), which is what
 * xorb chunks with compression scheme 1 (LZ4) and 2 (byte grouping 4 + LZ4) hold — xet-core
 * writes them with `lz4_flex::frame::FrameEncoder`.
 */

const PRIME32_1 = 0x9e3779b1;
const PRIME32_2 = 0x85ebca77;
const PRIME32_3 = 0xc2b2ae3d;
const PRIME32_4 = 0x27d4eb2f;
const PRIME32_5 = 0x165667b1;

function rotl32(x: number, r: number): number {
  return ((x << r) | (x >>> (32 - r))) >>> 0;
}

function read32le(b: Uint8Array, i: number): number {
  return (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
}

/** XXH32 (used by LZ4 frames for the header, block and content checksums). */
export function xxh32(data: Uint8Array, seed = 0): number {
  const len = data.length;
  let i = 0;
  let h: number;
  if (len >= 16) {
    let v1 = (seed + PRIME32_1 + PRIME32_2) >>> 0;
    let v2 = (seed + PRIME32_2) >>> 0;
    let v3 = seed >>> 0;
    let v4 = (seed - PRIME32_1) >>> 0;
    const limit = len - 16;
    while (i <= limit) {
      v1 = Math.imul(rotl32((v1 + Math.imul(read32le(data, i), PRIME32_2)) >>> 0, 13), PRIME32_1) >>> 0;
      v2 = Math.imul(rotl32((v2 + Math.imul(read32le(data, i + 4), PRIME32_2)) >>> 0, 13), PRIME32_1) >>> 0;
      v3 = Math.imul(rotl32((v3 + Math.imul(read32le(data, i + 8), PRIME32_2)) >>> 0, 13), PRIME32_1) >>> 0;
      v4 = Math.imul(rotl32((v4 + Math.imul(read32le(data, i + 12), PRIME32_2)) >>> 0, 13), PRIME32_1) >>> 0;
      i += 16;
    }
    h = (rotl32(v1, 1) + rotl32(v2, 7) + rotl32(v3, 12) + rotl32(v4, 18)) >>> 0;
  } else {
    h = (seed + PRIME32_5) >>> 0;
  }
  h = (h + len) >>> 0;
  while (i + 4 <= len) {
    h = (h + Math.imul(read32le(data, i), PRIME32_3)) >>> 0;
    h = Math.imul(rotl32(h, 17), PRIME32_4) >>> 0;
    i += 4;
  }
  while (i < len) {
    h = (h + Math.imul(data[i], PRIME32_5)) >>> 0;
    h = Math.imul(rotl32(h, 11), PRIME32_1) >>> 0;
    i++;
  }
  h ^= h >>> 15;
  h = Math.imul(h, PRIME32_2) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, PRIME32_3) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

function lz4Error(message: string): XetFormatError {
  return new XetFormatError('invalid_lz4', message);
}

// ---------------------------------------------------------------------------------------------
// Block format

/**
 * Decodes one LZ4 block `src[sStart, sEnd)` into `dst` at `dPos`, writing no further than `dEnd`.
 * Match offsets may reach back to `windowStart` (the frame start for linked blocks, the block
 * start for independent ones). Returns the new write position.
 */
export function lz4DecodeBlock(
  src: Uint8Array,
  sStart: number,
  sEnd: number,
  dst: Uint8Array,
  dPos: number,
  dEnd: number,
  windowStart = 0,
): number {
  let s = sStart;
  if (s >= sEnd) throw lz4Error('empty LZ4 block');
  for (;;) {
    if (s >= sEnd) throw lz4Error('LZ4 block ends inside a sequence');
    const token = src[s++];
    let litLen = token >>> 4;
    if (litLen === 15) {
      let b: number;
      do {
        if (s >= sEnd) throw lz4Error('LZ4 literal length runs past the block');
        b = src[s++];
        litLen += b;
      } while (b === 255);
    }
    if (litLen > 0) {
      if (s + litLen > sEnd) throw lz4Error('LZ4 literals run past the block');
      if (dPos + litLen > dEnd) throw lz4Error('LZ4 output exceeds the expected size');
      dst.set(src.subarray(s, s + litLen), dPos);
      s += litLen;
      dPos += litLen;
    }
    if (s === sEnd) return dPos; // the last sequence is literals only
    if (s + 2 > sEnd) throw lz4Error('LZ4 match offset runs past the block');
    const offset = src[s] | (src[s + 1] << 8);
    s += 2;
    if (offset === 0 || offset > dPos - windowStart) throw lz4Error(`LZ4 match offset ${offset} out of range`);
    let matchLen = token & 15;
    if (matchLen === 15) {
      let b: number;
      do {
        if (s >= sEnd) throw lz4Error('LZ4 match length runs past the block');
        b = src[s++];
        matchLen += b;
      } while (b === 255);
    }
    matchLen += 4;
    if (dPos + matchLen > dEnd) throw lz4Error('LZ4 output exceeds the expected size');
    let m = dPos - offset;
    if (offset >= matchLen) {
      dst.copyWithin(dPos, m, m + matchLen);
      dPos += matchLen;
    } else {
      // Overlapping copy (e.g. run-length): byte by byte.
      const end = dPos + matchLen;
      while (dPos < end) dst[dPos++] = dst[m++];
    }
  }
}

const MIN_MATCH = 4;
const LAST_LITERALS = 5;
const MF_LIMIT = 12;
const MAX_OFFSET = 65535;
const HASH_LOG = 16;

/** Hash of the 6 bytes at `i` (hashing more than the 4-byte minimum match finds longer matches). */
function hash6(b: Uint8Array, i: number): number {
  let v = Math.imul(read32le(b, i), PRIME32_1);
  v ^= Math.imul(b[i + 4], PRIME32_2);
  v ^= Math.imul(b[i + 5], PRIME32_3);
  return (Math.imul(v, PRIME32_4) >>> 0) >>> (32 - HASH_LOG);
}

/** Worst-case size of an LZ4 block holding `n` input bytes. */
export function lz4BlockBound(n: number): number {
  return n + Math.floor(n / 255) + 16;
}

function writeLength(dst: Uint8Array, o: number, n: number): number {
  while (n >= 255) {
    dst[o++] = 255;
    n -= 255;
  }
  dst[o++] = n;
  return o;
}

/**
 * Greedy single-pass LZ4 block compressor for `src[start, end)`, writing into `dst` at `o`
 * (which needs {@link lz4BlockBound} bytes free). Returns the new write position. Respects the
 * block rules: matches of >= 4 bytes, offsets <= 65535, the last match starts >= 12 bytes before
 * the end, and the last 5 bytes are literals. `table` is scratch space (reset here).
 */
export function lz4EncodeBlock(src: Uint8Array, start: number, end: number, dst: Uint8Array, o: number, table?: Int32Array): number {
  const len = end - start;
  let anchor = start;
  if (len >= MF_LIMIT + 1) {
    const ht = table ?? new Int32Array(1 << HASH_LOG);
    ht.fill(-1);
    const mfLimit = end - MF_LIMIT;
    const matchLimit = end - LAST_LITERALS;
    let s = start;
    let misses = 0;
    while (s <= mfLimit) {
      const h = hash6(src, s);
      const ref = ht[h];
      ht[h] = s;
      if (ref >= 0 && s - ref <= MAX_OFFSET && read32le(src, ref) === read32le(src, s)) {
        let mStart = s;
        let rStart = ref;
        // Extend backwards into pending literals.
        while (mStart > anchor && rStart > start && src[mStart - 1] === src[rStart - 1]) {
          mStart--;
          rStart--;
        }
        let mEnd = s + MIN_MATCH;
        let r = ref + MIN_MATCH;
        while (mEnd < matchLimit && src[mEnd] === src[r]) {
          mEnd++;
          r++;
        }
        const litLen = mStart - anchor;
        const mLen = mEnd - mStart - MIN_MATCH;
        const tokenPos = o++;
        let token = (litLen >= 15 ? 15 : litLen) << 4;
        if (litLen >= 15) o = writeLength(dst, o, litLen - 15);
        dst.set(src.subarray(anchor, mStart), o);
        o += litLen;
        const off = mStart - rStart;
        dst[o++] = off & 255;
        dst[o++] = off >>> 8;
        token |= mLen >= 15 ? 15 : mLen;
        if (mLen >= 15) o = writeLength(dst, o, mLen - 15);
        dst[tokenPos] = token;
        anchor = mEnd;
        s = mEnd;
        misses = 0;
        if (s - 2 > start && s - 2 <= mfLimit) ht[hash6(src, s - 2)] = s - 2;
      } else {
        // Skip faster through incompressible data.
        s += 1 + (misses++ >> 6);
      }
    }
  }
  const litLen = end - anchor;
  const tokenPos = o++;
  dst[tokenPos] = (litLen >= 15 ? 15 : litLen) << 4;
  if (litLen >= 15) o = writeLength(dst, o, litLen - 15);
  dst.set(src.subarray(anchor, end), o);
  return o + litLen;
}

/** Compresses `src` as one raw LZ4 block. */
export function lz4CompressBlock(src: Uint8Array): Uint8Array {
  const dst = new Uint8Array(lz4BlockBound(src.length));
  const n = lz4EncodeBlock(src, 0, src.length, dst, 0);
  return dst.slice(0, n);
}

/** Decompresses one raw LZ4 block whose decoded size is known. */
export function lz4DecompressBlock(src: Uint8Array, decodedSize: number): Uint8Array {
  const dst = new Uint8Array(decodedSize);
  const n = lz4DecodeBlock(src, 0, src.length, dst, 0, decodedSize);
  if (n !== decodedSize) throw new XetFormatError('length_mismatch', `LZ4 block decoded to ${n} bytes, expected ${decodedSize}`);
  return dst;
}

// ---------------------------------------------------------------------------------------------
// Frame format

export const LZ4_FRAME_MAGIC = 0x184d2204;
const SKIPPABLE_MAGIC_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
const BLOCK_MAX_SIZES: Record<number, number> = { 4: 64 * 1024, 5: 256 * 1024, 6: 1024 * 1024, 7: 4 * 1024 * 1024 };

export interface Lz4FrameOptions {
  /** Maximum block size: 64 KiB (default, as lz4_flex), 256 KiB, 1 MiB or 4 MiB. */
  blockSize?: 65536 | 262144 | 1048576 | 4194304;
  /** Append the XXH32 content checksum (off by default, as lz4_flex). */
  contentChecksum?: boolean;
  /** Append an XXH32 checksum after every block. */
  blockChecksum?: boolean;
  /** Record the content size in the frame header. */
  contentSize?: boolean;
}

/** Compresses `data` into a single LZ4 frame (independent blocks). */
export function lz4FrameCompress(data: Uint8Array, options: Lz4FrameOptions = {}): Uint8Array {
  const blockSize = options.blockSize ?? 65536;
  const code = Number(Object.keys(BLOCK_MAX_SIZES).find((k) => BLOCK_MAX_SIZES[Number(k)] === blockSize));
  if (!code) throw new XetFormatError('invalid_argument', `unsupported LZ4 block size ${blockSize}`);
  const nBlocks = Math.ceil(data.length / blockSize);
  const out = new Uint8Array(19 + nBlocks * (8 + lz4BlockBound(blockSize)) + 8);
  const view = new DataView(out.buffer);
  view.setUint32(0, LZ4_FRAME_MAGIC, true);
  let flg = 0x40 | 0x20; // version 01, block independence
  if (options.blockChecksum) flg |= 0x10;
  if (options.contentSize) flg |= 0x08;
  if (options.contentChecksum) flg |= 0x04;
  out[4] = flg;
  out[5] = code << 4;
  let o = 6;
  if (options.contentSize) {
    view.setUint32(o, data.length >>> 0, true);
    view.setUint32(o + 4, Math.floor(data.length / 2 ** 32), true);
    o += 8;
  }
  out[o] = (xxh32(out.subarray(4, o)) >>> 8) & 0xff;
  o++;
  const table = new Int32Array(1 << HASH_LOG);
  for (let start = 0; start < data.length; start += blockSize) {
    const end = Math.min(data.length, start + blockSize);
    const sizePos = o;
    o += 4;
    const n = lz4EncodeBlock(data, start, end, out, o, table) - o;
    let stored: Uint8Array;
    if (n >= end - start) {
      out.set(data.subarray(start, end), o);
      view.setUint32(sizePos, (end - start) | 0x80000000, true);
      stored = out.subarray(o, o + (end - start));
      o += end - start;
    } else {
      view.setUint32(sizePos, n, true);
      stored = out.subarray(o, o + n);
      o += n;
    }
    if (options.blockChecksum) {
      view.setUint32(o, xxh32(stored), true);
      o += 4;
    }
  }
  view.setUint32(o, 0, true); // EndMark
  o += 4;
  if (options.contentChecksum) {
    view.setUint32(o, xxh32(data), true);
    o += 4;
  }
  return out.slice(0, o);
}

export interface Lz4DecompressOptions {
  /** Exact decoded size, when known (xorb chunk headers carry it); output beyond it is an error. */
  expectedSize?: number;
  /** Upper bound on the decoded size when `expectedSize` is not given (default 64 MiB). */
  maxSize?: number;
  /** Verify block/content checksums when the frame has them (default true). */
  verifyChecksums?: boolean;
}

/**
 * Decompresses LZ4 frame data: one or more concatenated frames, skippable frames ignored,
 * linked or independent blocks, checksums verified when present. Dictionary ids are rejected.
 */
export function lz4FrameDecompress(src: Uint8Array, options: Lz4DecompressOptions = {}): Uint8Array {
  const verify = options.verifyChecksums ?? true;
  const exact = options.expectedSize;
  const limit = exact ?? options.maxSize ?? 64 * 1024 * 1024;
  let out = new Uint8Array(exact ?? Math.min(limit, Math.max(1024, src.length * 4)));
  let dPos = 0;
  const ensure = (need: number): void => {
    if (need > limit) throw lz4Error(`LZ4 output exceeds ${exact !== undefined ? 'the expected size' : 'the size limit'} (${limit})`);
    if (need <= out.length) return;
    const grown = new Uint8Array(Math.min(limit, Math.max(need, out.length * 2)));
    grown.set(out.subarray(0, dPos));
    out = grown;
  };
  let pos = 0;
  let frames = 0;
  while (pos < src.length) {
    if (pos + 4 > src.length) throw lz4Error('truncated LZ4 frame magic');
    const magic = read32le(src, pos);
    if ((magic & SKIPPABLE_MAGIC_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      if (pos + 8 > src.length) throw lz4Error('truncated skippable frame');
      pos += 8 + read32le(src, pos + 4);
      if (pos > src.length) throw lz4Error('truncated skippable frame');
      continue;
    }
    if (magic !== LZ4_FRAME_MAGIC) throw lz4Error(`bad LZ4 frame magic 0x${magic.toString(16)}`);
    frames++;
    pos += 4;
    if (pos + 3 > src.length) throw lz4Error('truncated LZ4 frame descriptor');
    const flg = src[pos];
    const bd = src[pos + 1];
    if (flg >>> 6 !== 1) throw lz4Error(`unsupported LZ4 frame version ${flg >>> 6}`);
    if (flg & 0x02) throw lz4Error('reserved LZ4 FLG bit set');
    if (flg & 0x01) throw lz4Error('LZ4 frames with a dictionary id are not supported');
    const independent = (flg & 0x20) !== 0;
    const hasBlockChecksum = (flg & 0x10) !== 0;
    const hasContentSize = (flg & 0x08) !== 0;
    const hasContentChecksum = (flg & 0x04) !== 0;
    if (bd & 0x8f) throw lz4Error('reserved LZ4 BD bits set');
    const blockMax = BLOCK_MAX_SIZES[(bd >>> 4) & 7];
    if (!blockMax) throw lz4Error(`bad LZ4 block max size code ${(bd >>> 4) & 7}`);
    const descLen = 2 + (hasContentSize ? 8 : 0);
    if (pos + descLen + 1 > src.length) throw lz4Error('truncated LZ4 frame descriptor');
    let contentSize = -1;
    if (hasContentSize) {
      const lo = read32le(src, pos + 2);
      const hi = read32le(src, pos + 6);
      contentSize = hi * 2 ** 32 + lo;
    }
    const hc = (xxh32(src.subarray(pos, pos + descLen)) >>> 8) & 0xff;
    if (hc !== src[pos + descLen]) throw lz4Error('LZ4 frame header checksum mismatch');
    pos += descLen + 1;
    const frameStart = dPos;
    for (;;) {
      if (pos + 4 > src.length) throw lz4Error('truncated LZ4 block size');
      const word = read32le(src, pos);
      pos += 4;
      if (word === 0) break;
      const raw = (word & 0x80000000) !== 0;
      const size = word & 0x7fffffff;
      if (size > blockMax) throw lz4Error(`LZ4 block of ${size} bytes exceeds the frame's ${blockMax}`);
      if (pos + size > src.length) throw lz4Error('truncated LZ4 block');
      if (raw) {
        ensure(dPos + size);
        out.set(src.subarray(pos, pos + size), dPos);
        dPos += size;
      } else {
        ensure(Math.min(limit, dPos + blockMax));
        const end = Math.min(out.length, dPos + blockMax);
        const before = dPos;
        dPos = lz4DecodeBlock(src, pos, pos + size, out, dPos, end, independent ? before : frameStart);
      }
      if (hasBlockChecksum) {
        if (pos + size + 4 > src.length) throw lz4Error('truncated LZ4 block checksum');
        if (verify && xxh32(src.subarray(pos, pos + size)) !== read32le(src, pos + size)) throw lz4Error('LZ4 block checksum mismatch');
        pos += 4;
      }
      pos += size;
    }
    if (hasContentChecksum) {
      if (pos + 4 > src.length) throw lz4Error('truncated LZ4 content checksum');
      if (verify && xxh32(out.subarray(frameStart, dPos)) !== read32le(src, pos)) throw lz4Error('LZ4 content checksum mismatch');
      pos += 4;
    }
    if (contentSize >= 0 && contentSize !== dPos - frameStart) throw lz4Error(`LZ4 frame content size ${contentSize} != decoded ${dPos - frameStart}`);
  }
  if (frames === 0) throw lz4Error('no LZ4 frame');
  if (exact !== undefined && dPos !== exact) throw new XetFormatError('length_mismatch', `LZ4 data decoded to ${dPos} bytes, expected ${exact}`);
  return dPos === out.length ? out : out.slice(0, dPos);
}
