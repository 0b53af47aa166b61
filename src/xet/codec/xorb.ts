import { MAX_CHUNK_SIZE } from './chunking';
import { XetFormatError } from './errors';
import {
  computeChunkHash,
  computeXorbHash,
  copyBytes,
  HASH_LENGTH,
  hashesEqual,
  hashToHex,
  hexToHash,
  readHash,
  type XetHash,
} from './hashing';
import { lz4FrameCompress, lz4FrameDecompress } from './lz4';

/**
 * Xorbs: serialized sequences of chunks (spec: hub-docs `docs/xet/xorb.md`; reference: xet-core
 * `xet_core_structures/src/xorb_object/{xorb_chunk_format.rs,xorb_object_format.rs,
 * compression_scheme.rs,byte_grouping/bg4.rs}`).
 *
 * Layout: `[8-byte chunk header][compressed chunk bytes]` repeated, optionally followed by the
 * `XorbObjectInfo` footer ("XETBLOB" ... + u32 info length). Clients upload xorbs *without* the
 * footer (`POST /v1/xorbs/default/{hash}`); xet-core's own stored xorbs may carry it.
 */

export enum CompressionScheme {
  None = 0,
  LZ4 = 1,
  ByteGrouping4LZ4 = 2,
}

/** What to do per chunk when building: a fixed scheme, or `auto` = the smallest of LZ4 and BG4+LZ4. */
export type CompressionPolicy = 'none' | 'lz4' | 'bg4-lz4' | 'auto';

export const XORB_CHUNK_HEADER_SIZE = 8;
export const XORB_CHUNK_HEADER_VERSION = 0;
/** Serialized xorbs larger than this are rejected by the CAS. */
export const MAX_XORB_BYTES = 64 * 1024 * 1024;
/** xet-core never puts more chunks than this in one xorb (not a wire limit). */
export const MAX_XORB_CHUNKS = 8 * 1024;
/** Largest allowed uncompressed chunk (as xet-core's header validation). */
export const MAX_CHUNK_UNCOMPRESSED_SIZE = MAX_CHUNK_SIZE;
/** Largest allowed compressed chunk payload (xet-core allows 2 x the max chunk size). */
export const MAX_CHUNK_COMPRESSED_SIZE = 2 * MAX_CHUNK_SIZE;

const XORB_IDENT = Uint8Array.from(Buffer.from('XETBLOB', 'latin1'));
const XORB_IDENT_HASHES = Uint8Array.from(Buffer.from('XBLBHSH', 'latin1'));
const XORB_IDENT_BOUNDARIES = Uint8Array.from(Buffer.from('XBLBBND', 'latin1'));
const XORB_FOOTER_VERSION_V0 = 0;
const XORB_FOOTER_VERSION = 1;
const XORB_FOOTER_HASHES_VERSION = 0;
const XORB_FOOTER_BOUNDARIES_VERSION = 1;
const XORB_FOOTER_BUFFER_LEN = 16;

function identAt(buf: Uint8Array, offset: number, ident: Uint8Array): boolean {
  if (offset + ident.length > buf.length) return false;
  for (let i = 0; i < ident.length; i++) if (buf[offset + i] !== ident[i]) return false;
  return true;
}

function u24(buf: Uint8Array, o: number): number {
  return buf[o] | (buf[o + 1] << 8) | (buf[o + 2] << 16);
}

function u32(buf: Uint8Array, o: number): number {
  return (buf[o] | (buf[o + 1] << 8) | (buf[o + 2] << 16) | (buf[o + 3] << 24)) >>> 0;
}

// ---------------------------------------------------------------------------------------------
// Byte grouping

/** BG4 split: byte i of every 4-byte group goes to group i; groups concatenated (0,1,2,3). */
export function bg4Split(data: Uint8Array): Uint8Array {
  const n = data.length;
  const split = n >>> 2;
  const rem = n & 3;
  const out = new Uint8Array(n);
  const s1 = split + (rem > 0 ? 1 : 0);
  const s2 = s1 + split + (rem > 1 ? 1 : 0);
  const s3 = s2 + split + (rem > 2 ? 1 : 0);
  for (let i = 0; i < split; i++) {
    const j = 4 * i;
    out[i] = data[j];
    out[s1 + i] = data[j + 1];
    out[s2 + i] = data[j + 2];
    out[s3 + i] = data[j + 3];
  }
  if (rem > 0) out[split] = data[4 * split];
  if (rem > 1) out[s1 + split] = data[4 * split + 1];
  if (rem > 2) out[s2 + split] = data[4 * split + 2];
  return out;
}

/** Inverse of {@link bg4Split}. */
export function bg4Regroup(g: Uint8Array): Uint8Array {
  const n = g.length;
  const split = n >>> 2;
  const rem = n & 3;
  const out = new Uint8Array(n);
  const s1 = split + (rem > 0 ? 1 : 0);
  const s2 = s1 + split + (rem > 1 ? 1 : 0);
  const s3 = s2 + split + (rem > 2 ? 1 : 0);
  for (let i = 0; i < split; i++) {
    const j = 4 * i;
    out[j] = g[i];
    out[j + 1] = g[s1 + i];
    out[j + 2] = g[s2 + i];
    out[j + 3] = g[s3 + i];
  }
  if (rem > 0) out[4 * split] = g[split];
  if (rem > 1) out[4 * split + 1] = g[s1 + split];
  if (rem > 2) out[4 * split + 2] = g[s2 + split];
  return out;
}

// ---------------------------------------------------------------------------------------------
// Chunk compression

export function compressChunkData(data: Uint8Array, scheme: CompressionScheme): Uint8Array {
  switch (scheme) {
    case CompressionScheme.None:
      return data;
    case CompressionScheme.LZ4:
      return lz4FrameCompress(data);
    case CompressionScheme.ByteGrouping4LZ4:
      return lz4FrameCompress(bg4Split(data));
    default:
      throw new XetFormatError('unsupported_compression', `unknown compression scheme ${String(scheme)}`);
  }
}

export function decompressChunkData(payload: Uint8Array, scheme: number, uncompressedLength: number): Uint8Array {
  let out: Uint8Array;
  switch (scheme) {
    case CompressionScheme.None:
      out = payload;
      break;
    case CompressionScheme.LZ4:
      out = lz4FrameDecompress(payload, { expectedSize: uncompressedLength });
      break;
    case CompressionScheme.ByteGrouping4LZ4:
      out = bg4Regroup(lz4FrameDecompress(payload, { expectedSize: uncompressedLength }));
      break;
    default:
      throw new XetFormatError('unsupported_compression', `unknown chunk compression scheme ${scheme}`);
  }
  if (out.length !== uncompressedLength) {
    throw new XetFormatError('length_mismatch', `chunk decompressed to ${out.length} bytes, header says ${uncompressedLength}`);
  }
  return out;
}

function resolveScheme(policy: CompressionPolicy | CompressionScheme): CompressionScheme | 'auto' {
  if (typeof policy === 'number') {
    if (!(policy in CompressionScheme)) throw new XetFormatError('unsupported_compression', `unknown compression scheme ${policy}`);
    return policy;
  }
  switch (policy) {
    case 'none':
      return CompressionScheme.None;
    case 'lz4':
      return CompressionScheme.LZ4;
    case 'bg4-lz4':
      return CompressionScheme.ByteGrouping4LZ4;
    case 'auto':
      return 'auto';
    default:
      throw new XetFormatError('invalid_argument', `unknown compression policy ${String(policy)}`);
  }
}

/**
 * Compresses one chunk as xet-core's `serialize_chunk` would store it: with the requested scheme
 * (`auto`: the smaller of LZ4 and BG4+LZ4), falling back to `None` when that is not smaller.
 */
export function encodeChunkPayload(
  data: Uint8Array,
  policy: CompressionPolicy | CompressionScheme = 'lz4',
): { scheme: CompressionScheme; payload: Uint8Array } {
  const resolved = resolveScheme(policy);
  let scheme: CompressionScheme;
  let payload: Uint8Array;
  if (resolved === 'auto') {
    const a = compressChunkData(data, CompressionScheme.LZ4);
    const b = compressChunkData(data, CompressionScheme.ByteGrouping4LZ4);
    [scheme, payload] = b.length < a.length ? [CompressionScheme.ByteGrouping4LZ4, b] : [CompressionScheme.LZ4, a];
  } else {
    scheme = resolved;
    payload = compressChunkData(data, scheme);
  }
  if (scheme !== CompressionScheme.None && payload.length >= data.length) {
    return { scheme: CompressionScheme.None, payload: data };
  }
  return { scheme, payload };
}

// ---------------------------------------------------------------------------------------------
// Chunk headers

export interface XorbChunkHeader {
  version: number;
  compressedLength: number;
  scheme: CompressionScheme;
  uncompressedLength: number;
}

/** Parses and validates the 8-byte chunk header at `offset` (as xet-core `parse_chunk_header`). */
export function parseChunkHeader(buf: Uint8Array, offset: number): XorbChunkHeader {
  if (offset + XORB_CHUNK_HEADER_SIZE > buf.length) {
    throw new XetFormatError('truncated', `chunk header at ${offset} runs past the end of the xorb (${buf.length} bytes)`);
  }
  if (identAt(buf, offset, XORB_IDENT)) {
    throw new XetFormatError('invalid_chunk_header', `footer ident where a chunk header was expected at ${offset}`);
  }
  const version = buf[offset];
  const compressedLength = u24(buf, offset + 1);
  const scheme = buf[offset + 4];
  const uncompressedLength = u24(buf, offset + 5);
  if (version > XORB_CHUNK_HEADER_VERSION) {
    throw new XetFormatError('unsupported_version', `chunk header version ${version} at ${offset} (supported: ${XORB_CHUNK_HEADER_VERSION})`);
  }
  if (scheme !== CompressionScheme.None && scheme !== CompressionScheme.LZ4 && scheme !== CompressionScheme.ByteGrouping4LZ4) {
    throw new XetFormatError('unsupported_compression', `chunk at ${offset} has unknown compression scheme ${scheme}`);
  }
  if (compressedLength > MAX_CHUNK_COMPRESSED_SIZE) {
    throw new XetFormatError('invalid_chunk_header', `chunk at ${offset}: compressed length ${compressedLength} > ${MAX_CHUNK_COMPRESSED_SIZE}`);
  }
  if (uncompressedLength > MAX_CHUNK_UNCOMPRESSED_SIZE) {
    throw new XetFormatError('invalid_chunk_header', `chunk at ${offset}: uncompressed length ${uncompressedLength} > ${MAX_CHUNK_UNCOMPRESSED_SIZE}`);
  }
  if (scheme === CompressionScheme.None && compressedLength !== uncompressedLength) {
    throw new XetFormatError('length_mismatch', `uncompressed chunk at ${offset} has lengths ${compressedLength} != ${uncompressedLength}`);
  }
  return { version, compressedLength, scheme, uncompressedLength };
}

export function encodeChunkHeader(h: { compressedLength: number; scheme: CompressionScheme; uncompressedLength: number }): Uint8Array {
  const out = new Uint8Array(XORB_CHUNK_HEADER_SIZE);
  for (const [v, what] of [
    [h.compressedLength, 'compressed'],
    [h.uncompressedLength, 'uncompressed'],
  ] as const) {
    if (!Number.isInteger(v) || v < 0 || v >= 1 << 24) throw new XetFormatError('invalid_argument', `${what} length ${v} does not fit in 24 bits`);
  }
  out[0] = XORB_CHUNK_HEADER_VERSION;
  out[1] = h.compressedLength & 255;
  out[2] = (h.compressedLength >>> 8) & 255;
  out[3] = (h.compressedLength >>> 16) & 255;
  out[4] = h.scheme;
  out[5] = h.uncompressedLength & 255;
  out[6] = (h.uncompressedLength >>> 8) & 255;
  out[7] = (h.uncompressedLength >>> 16) & 255;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Footer (XorbObjectInfo)

export interface XorbFooter {
  /** 0 (legacy, no unpacked offsets) or 1. */
  version: number;
  hash: XetHash;
  chunkHashes: XetHash[];
  /** End offset of every chunk (header included) in the serialized xorb. */
  chunkBoundaryOffsets: number[];
  /** End offset of every chunk in the concatenated uncompressed data (empty for version 0). */
  unpackedChunkOffsets: number[];
  /** The 16-byte trailing buffer (its first 4 bytes may be a per-upload nonce). */
  buffer: Uint8Array;
  /** Offset of the footer ("XETBLOB") in the xorb. */
  start: number;
  /** Footer length as recorded by the trailing u32 (which it does not include). */
  infoLength: number;
}

/** Parses the footer that starts at `start` and must end exactly at the end of `buf`. */
export function parseXorbFooter(buf: Uint8Array, start: number): XorbFooter {
  const bad = (m: string): XetFormatError => new XetFormatError('invalid_footer', m);
  if (buf.length - start < 8 + 4) throw new XetFormatError('truncated', 'xorb footer truncated');
  const infoLength = u32(buf, buf.length - 4);
  if (start + infoLength + 4 !== buf.length) {
    throw bad(`xorb footer at ${start} is ${buf.length - 4 - start} bytes but its length field says ${infoLength}`);
  }
  const end = buf.length - 4;
  let o = start;
  const need = (n: number): void => {
    if (o + n > end) throw new XetFormatError('truncated', 'xorb footer truncated');
  };
  if (!identAt(buf, o, XORB_IDENT)) throw bad('xorb footer ident is not XETBLOB');
  o += 7;
  const version = buf[o++];
  if (version !== XORB_FOOTER_VERSION && version !== XORB_FOOTER_VERSION_V0) throw new XetFormatError('unsupported_version', `xorb footer version ${version}`);
  need(HASH_LENGTH + 4);
  const hash = readHash(buf, o);
  o += HASH_LENGTH;
  const chunkHashes: XetHash[] = [];
  const chunkBoundaryOffsets: number[] = [];
  const unpackedChunkOffsets: number[] = [];
  if (version === XORB_FOOTER_VERSION_V0) {
    const n = u32(buf, o);
    o += 4;
    need(n * (4 + HASH_LENGTH) + XORB_FOOTER_BUFFER_LEN);
    for (let i = 0; i < n; i++, o += 4) chunkBoundaryOffsets.push(u32(buf, o));
    for (let i = 0; i < n; i++, o += HASH_LENGTH) chunkHashes.push(readHash(buf, o));
  } else {
    const hashSectionStart = o;
    need(8 + 4);
    if (!identAt(buf, o, XORB_IDENT_HASHES)) throw bad('xorb footer hash section ident is not XBLBHSH');
    o += 7;
    if (buf[o++] !== XORB_FOOTER_HASHES_VERSION) throw new XetFormatError('unsupported_version', 'xorb footer hash section version');
    const n2 = u32(buf, o);
    o += 4;
    need(n2 * HASH_LENGTH);
    for (let i = 0; i < n2; i++, o += HASH_LENGTH) chunkHashes.push(readHash(buf, o));
    const boundarySectionStart = o;
    need(8 + 4);
    if (!identAt(buf, o, XORB_IDENT_BOUNDARIES)) throw bad('xorb footer boundary section ident is not XBLBBND');
    o += 7;
    if (buf[o++] !== XORB_FOOTER_BOUNDARIES_VERSION) throw new XetFormatError('unsupported_version', 'xorb footer boundary section version');
    const n3 = u32(buf, o);
    o += 4;
    if (n3 !== n2) throw bad('xorb footer sections disagree on the number of chunks');
    need(n3 * 8 + 12 + XORB_FOOTER_BUFFER_LEN);
    for (let i = 0; i < n3; i++, o += 4) chunkBoundaryOffsets.push(u32(buf, o));
    for (let i = 0; i < n3; i++, o += 4) unpackedChunkOffsets.push(u32(buf, o));
    const n = u32(buf, o);
    const hashesFromEnd = u32(buf, o + 4);
    const boundariesFromEnd = u32(buf, o + 8);
    o += 12;
    if (n !== n2) throw bad('xorb footer num_chunks disagrees with its sections');
    const footerEnd = o + XORB_FOOTER_BUFFER_LEN;
    if (footerEnd - hashSectionStart !== hashesFromEnd) throw bad('xorb footer hashes_section_offset_from_end is wrong');
    if (footerEnd - boundarySectionStart !== boundariesFromEnd) throw bad('xorb footer boundary_section_offset_from_end is wrong');
  }
  const buffer = copyBytes(buf.subarray(o, o + XORB_FOOTER_BUFFER_LEN));
  o += XORB_FOOTER_BUFFER_LEN;
  if (o !== end) throw bad(`xorb footer has ${end - o} unexpected trailing bytes`);
  return { version, hash, chunkHashes, chunkBoundaryOffsets, unpackedChunkOffsets, buffer, start, infoLength };
}

/** Serializes a version-1 footer (including the trailing u32 info length). */
export function encodeXorbFooter(args: {
  hash: XetHash;
  chunkHashes: readonly XetHash[];
  chunkBoundaryOffsets: readonly number[];
  unpackedChunkOffsets: readonly number[];
  nonce?: Uint8Array;
}): Uint8Array {
  const n = args.chunkHashes.length;
  if (args.chunkBoundaryOffsets.length !== n || args.unpackedChunkOffsets.length !== n) {
    throw new XetFormatError('invalid_argument', 'footer arrays must all have one entry per chunk');
  }
  const boundaryLen = 8 + 4 + 8 * n + 12 + XORB_FOOTER_BUFFER_LEN;
  const hashesLen = 8 + 4 + HASH_LENGTH * n + boundaryLen;
  const infoLength = 8 + HASH_LENGTH + hashesLen;
  const out = new Uint8Array(infoLength + 4);
  const view = new DataView(out.buffer);
  let o = 0;
  out.set(XORB_IDENT, o);
  o += 7;
  out[o++] = XORB_FOOTER_VERSION;
  out.set(args.hash, o);
  o += HASH_LENGTH;
  out.set(XORB_IDENT_HASHES, o);
  o += 7;
  out[o++] = XORB_FOOTER_HASHES_VERSION;
  view.setUint32(o, n, true);
  o += 4;
  for (const h of args.chunkHashes) {
    out.set(h, o);
    o += HASH_LENGTH;
  }
  out.set(XORB_IDENT_BOUNDARIES, o);
  o += 7;
  out[o++] = XORB_FOOTER_BOUNDARIES_VERSION;
  view.setUint32(o, n, true);
  o += 4;
  for (const v of args.chunkBoundaryOffsets) {
    view.setUint32(o, v, true);
    o += 4;
  }
  for (const v of args.unpackedChunkOffsets) {
    view.setUint32(o, v, true);
    o += 4;
  }
  view.setUint32(o, n, true);
  view.setUint32(o + 4, hashesLen, true);
  view.setUint32(o + 8, boundaryLen, true);
  o += 12;
  if (args.nonce) out.set(args.nonce.subarray(0, 4), o);
  o += XORB_FOOTER_BUFFER_LEN;
  view.setUint32(o, infoLength, true);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Whole xorbs

export interface XorbChunkLayout {
  index: number;
  /** Offset of the chunk header in the serialized xorb. */
  offset: number;
  /** Offset just past the chunk's payload. */
  end: number;
  compressedLength: number;
  uncompressedLength: number;
  scheme: CompressionScheme;
  /** Offset of this chunk in the concatenated uncompressed data of the xorb. */
  unpackedOffset: number;
}

export interface XorbLayout {
  chunks: XorbChunkLayout[];
  /** Bytes taken by the chunks (= offset of the footer when there is one). */
  contentLength: number;
  /** Sum of the uncompressed chunk lengths. */
  unpackedLength: number;
  footerStart: number | null;
}

export interface ParseXorbOptions {
  /** Reject when the recomputed xorb hash differs (raw bytes or Xet hex string). */
  expectedHash?: XetHash | string;
  /** Largest accepted serialized size (default {@link MAX_XORB_BYTES}). */
  maxBytes?: number;
  /** `allow` (default), `require` or `forbid` the XorbObjectInfo footer. */
  footer?: 'allow' | 'require' | 'forbid';
  /** Keep every chunk's uncompressed bytes in the result (default true). */
  keepData?: boolean;
}

/**
 * Walks the chunk headers without decompressing anything: chunk byte offsets and lengths (what
 * a reconstruction needs to turn chunk ranges into byte ranges). Validates headers and bounds.
 */
export function scanXorb(buf: Uint8Array, options: Pick<ParseXorbOptions, 'maxBytes' | 'footer'> = {}): XorbLayout {
  const maxBytes = options.maxBytes ?? MAX_XORB_BYTES;
  if (buf.length > maxBytes) throw new XetFormatError('too_large', `xorb of ${buf.length} bytes exceeds the ${maxBytes}-byte limit`);
  const chunks: XorbChunkLayout[] = [];
  let o = 0;
  let unpacked = 0;
  let footerStart: number | null = null;
  while (o < buf.length) {
    if (identAt(buf, o, XORB_IDENT)) {
      footerStart = o;
      break;
    }
    const h = parseChunkHeader(buf, o);
    const end = o + XORB_CHUNK_HEADER_SIZE + h.compressedLength;
    if (end > buf.length) throw new XetFormatError('truncated', `chunk ${chunks.length} at ${o} runs past the end of the xorb`);
    chunks.push({
      index: chunks.length,
      offset: o,
      end,
      compressedLength: h.compressedLength,
      uncompressedLength: h.uncompressedLength,
      scheme: h.scheme,
      unpackedOffset: unpacked,
    });
    unpacked += h.uncompressedLength;
    o = end;
  }
  if (chunks.length === 0) throw new XetFormatError('empty_xorb', 'xorb has no chunks');
  const footerMode = options.footer ?? 'allow';
  if (footerMode === 'require' && footerStart === null) throw new XetFormatError('invalid_footer', 'xorb has no footer');
  if (footerMode === 'forbid' && footerStart !== null) throw new XetFormatError('invalid_footer', 'xorb must not have a footer');
  return { chunks, contentLength: footerStart ?? buf.length, unpackedLength: unpacked, footerStart };
}

export interface ParsedXorbChunk extends XorbChunkLayout {
  hash: XetHash;
  /** Uncompressed bytes (absent with `keepData: false`). */
  data?: Uint8Array;
}

export interface ParsedXorb {
  /** Xorb hash recomputed from the chunks. */
  hash: XetHash;
  hashHex: string;
  chunks: ParsedXorbChunk[];
  contentLength: number;
  unpackedLength: number;
  footer: XorbFooter | null;
}

/**
 * Parses a serialized xorb: decompresses every chunk, recomputes chunk hashes and the xorb hash,
 * checks the footer (if any) against them and, if given, the expected hash.
 */
export function parseXorb(buf: Uint8Array, options: ParseXorbOptions = {}): ParsedXorb {
  const layout = scanXorb(buf, options);
  const keep = options.keepData ?? true;
  const chunks: ParsedXorbChunk[] = layout.chunks.map((c) => {
    const payload = buf.subarray(c.offset + XORB_CHUNK_HEADER_SIZE, c.end);
    const data = decompressChunkData(payload, c.scheme, c.uncompressedLength);
    const hash = computeChunkHash(data);
    return keep ? { ...c, hash, data } : { ...c, hash };
  });
  const hash = computeXorbHash(chunks.map((c) => ({ hash: c.hash, size: c.uncompressedLength })));
  let footer: XorbFooter | null = null;
  if (layout.footerStart !== null) {
    footer = parseXorbFooter(buf, layout.footerStart);
    const bad = (m: string): XetFormatError => new XetFormatError('invalid_footer', m);
    if (footer.chunkHashes.length !== chunks.length) throw bad(`footer lists ${footer.chunkHashes.length} chunks, xorb has ${chunks.length}`);
    if (!hashesEqual(footer.hash, hash)) throw new XetFormatError('hash_mismatch', `footer xorb hash ${hashToHex(footer.hash)} != computed ${hashToHex(hash)}`);
    chunks.forEach((c, i) => {
      if (!hashesEqual(footer!.chunkHashes[i], c.hash)) throw new XetFormatError('hash_mismatch', `footer hash of chunk ${i} does not match its data`);
      if (footer!.chunkBoundaryOffsets[i] !== c.end) throw bad(`footer boundary of chunk ${i} is ${footer!.chunkBoundaryOffsets[i]}, chunk ends at ${c.end}`);
      if (footer!.version >= 1 && footer!.unpackedChunkOffsets[i] !== c.unpackedOffset + c.uncompressedLength) {
        throw bad(`footer unpacked offset of chunk ${i} is wrong`);
      }
    });
  }
  if (options.expectedHash !== undefined) {
    const expected = typeof options.expectedHash === 'string' ? hexToHash(options.expectedHash) : options.expectedHash;
    if (!hashesEqual(expected, hash)) {
      throw new XetFormatError('hash_mismatch', `xorb hash is ${hashToHex(hash)}, expected ${hashToHex(expected)}`);
    }
  }
  return { hash, hashHex: hashToHex(hash), chunks, contentLength: layout.contentLength, unpackedLength: layout.unpackedLength, footer };
}

/**
 * Decodes consecutive whole chunks from a slice of a xorb (e.g. the body of a ranged GET for a
 * chunk range), stopping at the end of the buffer or at a footer.
 */
export function decodeXorbChunks(buf: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let o = 0;
  while (o < buf.length && !identAt(buf, o, XORB_IDENT)) {
    const h = parseChunkHeader(buf, o);
    const end = o + XORB_CHUNK_HEADER_SIZE + h.compressedLength;
    if (end > buf.length) throw new XetFormatError('truncated', `chunk at ${o} runs past the end of the data`);
    out.push(decompressChunkData(buf.subarray(o + XORB_CHUNK_HEADER_SIZE, end), h.scheme, h.uncompressedLength));
    o = end;
  }
  return out;
}

export interface BuildXorbOptions {
  /** Per-chunk compression (default `lz4`). */
  compression?: CompressionPolicy | CompressionScheme;
  /** Append the XorbObjectInfo footer (default false: the upload wire format has none). */
  footer?: boolean;
  /** 4-byte uniqueness nonce stored in the footer buffer. */
  nonce?: Uint8Array;
  maxBytes?: number;
}

export interface BuiltXorb {
  bytes: Uint8Array;
  hash: XetHash;
  hashHex: string;
  chunks: Array<XorbChunkLayout & { hash: XetHash }>;
  /** Bytes taken by the chunks (excludes any footer). */
  contentLength: number;
  unpackedLength: number;
}

/** Serializes chunks (uncompressed, each 1..128 KiB) into a xorb. */
export function buildXorb(chunkData: readonly Uint8Array[], options: BuildXorbOptions = {}): BuiltXorb {
  if (chunkData.length === 0) throw new XetFormatError('empty_xorb', 'a xorb needs at least one chunk');
  const parts: Uint8Array[] = [];
  const chunks: BuiltXorb['chunks'] = [];
  let o = 0;
  let unpacked = 0;
  chunkData.forEach((data, index) => {
    if (data.length === 0 || data.length > MAX_CHUNK_UNCOMPRESSED_SIZE) {
      throw new XetFormatError('invalid_argument', `chunk ${index} is ${data.length} bytes; chunks must be 1..${MAX_CHUNK_UNCOMPRESSED_SIZE}`);
    }
    const { scheme, payload } = encodeChunkPayload(data, options.compression ?? 'lz4');
    const header = encodeChunkHeader({ compressedLength: payload.length, scheme, uncompressedLength: data.length });
    parts.push(header, payload);
    const end = o + XORB_CHUNK_HEADER_SIZE + payload.length;
    chunks.push({
      index,
      offset: o,
      end,
      compressedLength: payload.length,
      uncompressedLength: data.length,
      scheme,
      unpackedOffset: unpacked,
      hash: computeChunkHash(data),
    });
    o = end;
    unpacked += data.length;
  });
  const hash = computeXorbHash(chunks.map((c) => ({ hash: c.hash, size: c.uncompressedLength })));
  if (options.footer) {
    parts.push(
      encodeXorbFooter({
        hash,
        chunkHashes: chunks.map((c) => c.hash),
        chunkBoundaryOffsets: chunks.map((c) => c.end),
        unpackedChunkOffsets: chunks.map((c) => c.unpackedOffset + c.uncompressedLength),
        nonce: options.nonce,
      }),
    );
  }
  const bytes = Buffer.concat(parts);
  const maxBytes = options.maxBytes ?? MAX_XORB_BYTES;
  if (bytes.length > maxBytes) throw new XetFormatError('too_large', `xorb of ${bytes.length} bytes exceeds the ${maxBytes}-byte limit`);
  return {
    bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length),
    hash,
    hashHex: hashToHex(hash),
    chunks,
    contentLength: o,
    unpackedLength: unpacked,
  };
}
