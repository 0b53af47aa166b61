import { XetFormatError } from './errors';
import {
  bookendHash,
  computeVerificationHash,
  HASH_LENGTH,
  hashesEqual,
  hashToHex,
  isBookendHash,
  readHash,
  sha256ToXetHash,
  type XetHash,
} from './hashing';

/**
 * MDB shards (spec: hub-docs `docs/xet/shard.md`; reference: xet-core
 * `xet_core_structures/src/metadata_shard/{shard_format.rs,file_structs.rs,xorb_structs.rs}`).
 *
 * Layout: 48-byte header, file info section (+ bookend), CAS (xorb) info section (+ bookend),
 * then — only in stored shards, never in uploads — lookup tables and a 200-byte footer.
 * All integers are little-endian; every record is 48 bytes.
 */

export const MDB_SHARD_HEADER_TAG: Uint8Array = Uint8Array.from([
  72, 70, 82, 101, 112, 111, 77, 101, 116, 97, 68, 97, 116, 97, 0, 85, 105, 103, 69, 106, 123, 129, 87, 131, 165, 189, 217,
  92, 205, 209, 74, 169,
]); // "HFRepoMetaData\0" + magic bytes
export const MDB_SHARD_HEADER_VERSION = 2;
export const MDB_SHARD_FOOTER_VERSION = 1;
export const MDB_SHARD_HEADER_SIZE = 48;
export const MDB_SHARD_ENTRY_SIZE = 48;
export const MDB_SHARD_FOOTER_SIZE = 200;
/** Uploaded shards larger than this must be split (upload-protocol.md). */
export const MAX_SHARD_BYTES = 64 * 1024 * 1024;

export const FILE_FLAG_WITH_VERIFICATION = 0x80000000;
export const FILE_FLAG_WITH_METADATA_EXT = 0x40000000;
/** `XorbChunkSequenceEntry.flags` bit marking a chunk for the global dedup table. */
export const CHUNK_FLAG_GLOBAL_DEDUP = 0x80000000;

/** A file reconstruction term: chunks `[chunkIndexStart, chunkIndexEnd)` of a xorb. */
export interface ShardFileTerm {
  xorbHash: XetHash;
  /** `cas_flags`, reserved (0). */
  xorbFlags: number;
  /** Uncompressed bytes the term contributes. */
  unpackedSegmentBytes: number;
  chunkIndexStart: number;
  chunkIndexEnd: number;
}

export interface ShardFileInfo {
  fileHash: XetHash;
  /** Raw `file_flags` (verification / metadata-ext bits, others preserved). */
  flags: number;
  terms: ShardFileTerm[];
  /** One range hash per term when the verification flag is set, else null. */
  verificationHashes: XetHash[] | null;
  /**
   * `FileMetadataExt.sha256` as stored (so that `hashToHex(sha256)` is the usual SHA-256 hex,
   * also given as `sha256Hex`), or null without the metadata-ext flag.
   */
  sha256: XetHash | null;
  sha256Hex: string | null;
  /** Offset of this file's header record in the shard. */
  offset: number;
}

export interface ShardXorbChunk {
  chunkHash: XetHash;
  /** Offset of the chunk in the xorb's concatenated *uncompressed* data. */
  byteRangeStart: number;
  unpackedSegmentBytes: number;
  flags: number;
}

export interface ShardXorbInfo {
  xorbHash: XetHash;
  /** `cas_flags`, reserved (0). */
  xorbFlags: number;
  /** Sum of the chunks' uncompressed sizes. */
  numBytesInXorb: number;
  /** Serialized size of the xorb as uploaded. */
  numBytesOnDisk: number;
  chunks: ShardXorbChunk[];
  offset: number;
}

export interface ShardFooter {
  version: number;
  fileInfoOffset: number;
  xorbInfoOffset: number;
  fileLookupOffset: number;
  fileLookupNumEntry: number;
  xorbLookupOffset: number;
  xorbLookupNumEntry: number;
  chunkLookupOffset: number;
  chunkLookupNumEntry: number;
  /** Non-zero in global-dedup responses: CAS chunk hashes are then HMAC(chunk hash, key). */
  chunkHashHmacKey: XetHash;
  shardCreationTimestamp: bigint;
  shardKeyExpiry: bigint;
  storedBytesOnDisk: number;
  materializedBytes: number;
  storedBytes: number;
  footerOffset: number;
}

export interface ParsedShard {
  headerVersion: number;
  /** Footer size recorded in the header: 0 (upload form) or 200. */
  footerSize: number;
  files: ShardFileInfo[];
  xorbs: ShardXorbInfo[];
  footer: ShardFooter | null;
  fileInfoOffset: number;
  xorbInfoOffset: number;
  /** Offset just past the CAS section's bookend. */
  xorbInfoEnd: number;
}

export interface ParseShardOptions {
  /** Largest accepted shard (default {@link MAX_SHARD_BYTES}). */
  maxBytes?: number;
  /** `allow` (default), `require` or `forbid` the footer. Uploads must not have one. */
  footer?: 'allow' | 'require' | 'forbid';
}

function invalid(message: string): XetFormatError {
  return new XetFormatError('invalid_shard', message);
}

class Reader {
  constructor(
    readonly buf: Uint8Array,
    public pos: number,
    readonly end: number,
  ) {}

  need(n: number, what: string): void {
    if (this.pos + n > this.end) throw new XetFormatError('truncated', `shard truncated in ${what} at offset ${this.pos}`);
  }

  u32(): number {
    const b = this.buf;
    const p = this.pos;
    this.pos += 4;
    return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
  }

  u64big(): bigint {
    const lo = BigInt(this.u32());
    const hi = BigInt(this.u32());
    return (hi << 32n) | lo;
  }

  u64(what: string): number {
    const v = this.u64big();
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw invalid(`${what} ${v} is out of range`);
    return Number(v);
  }

  hash(): XetHash {
    const h = readHash(this.buf, this.pos);
    this.pos += HASH_LENGTH;
    return h;
  }

  skip(n: number): void {
    this.pos += n;
  }
}

function tagMatches(buf: Uint8Array): boolean {
  for (let i = 0; i < 32; i++) if (buf[i] !== MDB_SHARD_HEADER_TAG[i]) return false;
  return true;
}

/** Parses and structurally validates a shard (with or without footer). */
export function parseShard(buf: Uint8Array, options: ParseShardOptions = {}): ParsedShard {
  const maxBytes = options.maxBytes ?? MAX_SHARD_BYTES;
  if (buf.length > maxBytes) throw new XetFormatError('too_large', `shard of ${buf.length} bytes exceeds the ${maxBytes}-byte limit`);
  if (buf.length < MDB_SHARD_HEADER_SIZE) throw new XetFormatError('truncated', 'shard shorter than its header');
  if (!tagMatches(buf)) throw invalid('not a shard (wrong header tag)');
  const r = new Reader(buf, 32, buf.length);
  const headerVersion = r.u64('header version');
  if (headerVersion !== MDB_SHARD_HEADER_VERSION) throw new XetFormatError('unsupported_version', `shard header version ${headerVersion}`);
  const footerSize = r.u64('footer size');
  if (footerSize !== 0 && footerSize !== MDB_SHARD_FOOTER_SIZE) throw invalid(`shard footer size ${footerSize} (expected 0 or ${MDB_SHARD_FOOTER_SIZE})`);
  const footerMode = options.footer ?? 'allow';
  if (footerMode === 'require' && footerSize === 0) throw invalid('shard has no footer');
  if (footerMode === 'forbid' && footerSize !== 0) throw invalid('shard must not have a footer');
  if (footerSize > 0 && buf.length < MDB_SHARD_HEADER_SIZE + 2 * MDB_SHARD_ENTRY_SIZE + footerSize) {
    throw new XetFormatError('truncated', 'shard too short for its footer');
  }
  const sectionsEnd = buf.length - footerSize;
  const sr = new Reader(buf, MDB_SHARD_HEADER_SIZE, sectionsEnd);

  // File info section.
  const fileInfoOffset = sr.pos;
  const files: ShardFileInfo[] = [];
  for (;;) {
    sr.need(MDB_SHARD_ENTRY_SIZE, 'file info section');
    const offset = sr.pos;
    const fileHash = sr.hash();
    const flags = sr.u32();
    const numEntries = sr.u32();
    sr.skip(8);
    if (isBookendHash(fileHash)) break;
    const hasVerification = (flags & FILE_FLAG_WITH_VERIFICATION) !== 0;
    const hasExt = (flags & FILE_FLAG_WITH_METADATA_EXT) !== 0;
    const records = numEntries * (hasVerification ? 2 : 1) + (hasExt ? 1 : 0);
    sr.need(records * MDB_SHARD_ENTRY_SIZE, `file info of ${hashToHex(fileHash)}`);
    // (An empty file is a file info with zero terms: hf_xet uploads it that way, with the zero hash.)
    const terms: ShardFileTerm[] = [];
    for (let i = 0; i < numEntries; i++) {
      const xorbHash = sr.hash();
      const xorbFlags = sr.u32();
      const unpackedSegmentBytes = sr.u32();
      const chunkIndexStart = sr.u32();
      const chunkIndexEnd = sr.u32();
      if (chunkIndexEnd <= chunkIndexStart) {
        throw invalid(`file ${hashToHex(fileHash)} term ${i} has empty chunk range [${chunkIndexStart}, ${chunkIndexEnd})`);
      }
      terms.push({ xorbHash, xorbFlags, unpackedSegmentBytes, chunkIndexStart, chunkIndexEnd });
    }
    let verificationHashes: XetHash[] | null = null;
    if (hasVerification) {
      verificationHashes = [];
      for (let i = 0; i < numEntries; i++) {
        verificationHashes.push(sr.hash());
        sr.skip(16);
      }
    }
    let sha256: XetHash | null = null;
    if (hasExt) {
      sha256 = sr.hash();
      sr.skip(16);
    }
    files.push({ fileHash, flags, terms, verificationHashes, sha256, sha256Hex: sha256 ? hashToHex(sha256) : null, offset });
  }

  // CAS info section.
  const xorbInfoOffset = sr.pos;
  const xorbs: ShardXorbInfo[] = [];
  for (;;) {
    sr.need(MDB_SHARD_ENTRY_SIZE, 'CAS info section');
    const offset = sr.pos;
    const xorbHash = sr.hash();
    const xorbFlags = sr.u32();
    const numEntries = sr.u32();
    const numBytesInXorb = sr.u32();
    const numBytesOnDisk = sr.u32();
    if (isBookendHash(xorbHash)) break;
    sr.need(numEntries * MDB_SHARD_ENTRY_SIZE, `CAS info of ${hashToHex(xorbHash)}`);
    const chunks: ShardXorbChunk[] = [];
    for (let i = 0; i < numEntries; i++) {
      const chunkHash = sr.hash();
      const byteRangeStart = sr.u32();
      const unpackedSegmentBytes = sr.u32();
      const flags = sr.u32();
      sr.skip(4);
      chunks.push({ chunkHash, byteRangeStart, unpackedSegmentBytes, flags });
    }
    xorbs.push({ xorbHash, xorbFlags, numBytesInXorb, numBytesOnDisk, chunks, offset });
  }
  const xorbInfoEnd = sr.pos;

  let footer: ShardFooter | null = null;
  if (footerSize === 0) {
    if (xorbInfoEnd !== buf.length) throw invalid(`${buf.length - xorbInfoEnd} unexpected bytes after the CAS info section`);
  } else {
    const fr = new Reader(buf, sectionsEnd, buf.length);
    const version = fr.u64('footer version');
    if (version !== MDB_SHARD_FOOTER_VERSION) throw new XetFormatError('unsupported_version', `shard footer version ${version}`);
    const f: ShardFooter = {
      version,
      fileInfoOffset: fr.u64('file_info_offset'),
      xorbInfoOffset: fr.u64('cas_info_offset'),
      fileLookupOffset: fr.u64('file_lookup_offset'),
      fileLookupNumEntry: fr.u64('file_lookup_num_entry'),
      xorbLookupOffset: fr.u64('cas_lookup_offset'),
      xorbLookupNumEntry: fr.u64('cas_lookup_num_entry'),
      chunkLookupOffset: fr.u64('chunk_lookup_offset'),
      chunkLookupNumEntry: fr.u64('chunk_lookup_num_entry'),
      chunkHashHmacKey: fr.hash(),
      shardCreationTimestamp: fr.u64big(),
      shardKeyExpiry: fr.u64big(),
      storedBytesOnDisk: 0,
      materializedBytes: 0,
      storedBytes: 0,
      footerOffset: 0,
    };
    fr.skip(48);
    f.storedBytesOnDisk = fr.u64('stored_bytes_on_disk');
    f.materializedBytes = fr.u64('materialized_bytes');
    f.storedBytes = fr.u64('stored_bytes');
    f.footerOffset = fr.u64('footer_offset');
    if (f.footerOffset !== sectionsEnd) throw invalid(`footer_offset ${f.footerOffset} != ${sectionsEnd}`);
    if (f.fileInfoOffset !== fileInfoOffset) throw invalid(`file_info_offset ${f.fileInfoOffset} != ${fileInfoOffset}`);
    if (f.xorbInfoOffset !== xorbInfoOffset) throw invalid(`cas_info_offset ${f.xorbInfoOffset} != ${xorbInfoOffset}`);
    const tables: Array<[string, number, number, number]> = [
      ['file lookup', f.fileLookupOffset, f.fileLookupNumEntry, 12],
      ['CAS lookup', f.xorbLookupOffset, f.xorbLookupNumEntry, 12],
      ['chunk lookup', f.chunkLookupOffset, f.chunkLookupNumEntry, 16],
    ];
    for (const [what, off, n, size] of tables) {
      if (n === 0) continue;
      if (off < xorbInfoEnd || off + n * size > sectionsEnd) throw invalid(`${what} table [${off}, +${n * size}) lies outside the lookup area`);
    }
    footer = f;
  }
  return { headerVersion, footerSize, files, xorbs, footer, fileInfoOffset, xorbInfoOffset, xorbInfoEnd };
}

/** Sum of a file's term sizes. */
export function shardFileSize(file: Pick<ShardFileInfo, 'terms'>): number {
  return file.terms.reduce((n, t) => n + t.unpackedSegmentBytes, 0);
}

// ---------------------------------------------------------------------------------------------
// Building

export interface ShardFileInput {
  fileHash: XetHash;
  terms: ReadonlyArray<Omit<ShardFileTerm, 'xorbFlags'> & { xorbFlags?: number }>;
  /** One verification hash per term; sets the verification flag. */
  verificationHashes?: readonly XetHash[] | null;
  /** SHA-256 of the file (digest bytes, hex, or already in stored form via `sha256Stored`). */
  sha256?: Uint8Array | string | null;
  /** `FileMetadataExt.sha256` exactly as stored (wins over `sha256`). */
  sha256Stored?: XetHash | null;
  /** Extra flag bits to keep (the verification/metadata bits are derived). */
  extraFlags?: number;
}

export interface ShardXorbInput {
  xorbHash: XetHash;
  xorbFlags?: number;
  numBytesOnDisk: number;
  /** Defaults to the sum of the chunk sizes. */
  numBytesInXorb?: number;
  /** Chunks in xorb order; `byteRangeStart` defaults to the running sum of sizes. */
  chunks: ReadonlyArray<{ chunkHash: XetHash; unpackedSegmentBytes: number; byteRangeStart?: number; flags?: number }>;
}

export interface BuildShardOptions {
  /**
   * Write lookup tables and the 200-byte footer (stored form). Default false: the upload form
   * (`POST /v1/shards`), whose header says footer size 0.
   */
  footer?:
    | boolean
    | {
        chunkHashHmacKey?: XetHash;
        shardCreationTimestamp?: bigint;
        /** Default u64::MAX (never expires), as xet-core. */
        shardKeyExpiry?: bigint;
      };
  /**
   * Order files and xorbs by hash the way xet-core does (its in-memory shard is a BTreeMap keyed
   * by hash, compared as four little-endian u64 words), reproducing its bytes exactly.
   */
  sortByHash?: boolean;
}

/** xet-core's `MerkleHash` ordering: compare the four little-endian u64 words in order. */
export function compareHashes(a: Uint8Array, b: Uint8Array): number {
  for (let w = 0; w < 4; w++) {
    for (let i = 7; i >= 0; i--) {
      const d = a[w * 8 + i] - b[w * 8 + i];
      if (d !== 0) return d < 0 ? -1 : 1;
    }
  }
  return 0;
}

class Writer {
  buf: Uint8Array;
  view: DataView;
  pos = 0;

  constructor(size: number) {
    this.buf = new Uint8Array(size);
    this.view = new DataView(this.buf.buffer);
  }

  u32(v: number, what: string): void {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new XetFormatError('invalid_argument', `${what} ${v} does not fit in a u32`);
    this.view.setUint32(this.pos, v, true);
    this.pos += 4;
  }

  u64(v: number | bigint): void {
    this.view.setBigUint64(this.pos, BigInt(v), true);
    this.pos += 8;
  }

  hash(h: Uint8Array, what: string): void {
    if (!(h instanceof Uint8Array) || h.length !== HASH_LENGTH) throw new XetFormatError('invalid_argument', `${what} must be ${HASH_LENGTH} bytes`);
    this.buf.set(h, this.pos);
    this.pos += HASH_LENGTH;
  }

  zeros(n: number): void {
    this.pos += n;
  }
}

function truncatedKey(h: Uint8Array): bigint {
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(h[i]);
  return v;
}

/** Serializes a shard (upload form by default). */
export function buildShard(input: { files: readonly ShardFileInput[]; xorbs: readonly ShardXorbInput[] }, options: BuildShardOptions = {}): Uint8Array {
  const files = options.sortByHash ? [...input.files].sort((a, b) => compareHashes(a.fileHash, b.fileHash)) : input.files;
  const xorbs = options.sortByHash ? [...input.xorbs].sort((a, b) => compareHashes(a.xorbHash, b.xorbHash)) : input.xorbs;
  const withFooter = options.footer !== undefined && options.footer !== false;
  const footerOpts = typeof options.footer === 'object' ? options.footer : {};

  let entries = 2; // bookends
  let chunkCount = 0;
  for (const f of files) {
    entries += 1 + f.terms.length * (f.verificationHashes ? 2 : 1) + (f.sha256 || f.sha256Stored ? 1 : 0);
  }
  for (const x of xorbs) {
    entries += 1 + x.chunks.length;
    chunkCount += x.chunks.length;
  }
  const lookupBytes = withFooter ? files.length * 12 + xorbs.length * 12 + chunkCount * 16 : 0;
  const total = MDB_SHARD_HEADER_SIZE + entries * MDB_SHARD_ENTRY_SIZE + lookupBytes + (withFooter ? MDB_SHARD_FOOTER_SIZE : 0);
  const w = new Writer(total);

  w.buf.set(MDB_SHARD_HEADER_TAG, 0);
  w.pos = 32;
  w.u64(MDB_SHARD_HEADER_VERSION);
  w.u64(withFooter ? MDB_SHARD_FOOTER_SIZE : 0);

  const fileInfoOffset = w.pos;
  const fileLookup: Array<[bigint, number]> = [];
  let materializedBytes = 0;
  for (const f of files) {
    if (f.verificationHashes && f.verificationHashes.length !== f.terms.length) {
      throw new XetFormatError('invalid_argument', 'verificationHashes must have one hash per term');
    }
    const sha256Stored = f.sha256Stored ?? (f.sha256 ? sha256ToXetHash(f.sha256) : null);
    let flags = (f.extraFlags ?? 0) & ~(FILE_FLAG_WITH_VERIFICATION | FILE_FLAG_WITH_METADATA_EXT);
    if (f.verificationHashes) flags |= FILE_FLAG_WITH_VERIFICATION;
    if (sha256Stored) flags |= FILE_FLAG_WITH_METADATA_EXT;
    fileLookup.push([truncatedKey(f.fileHash), (w.pos - fileInfoOffset) / MDB_SHARD_ENTRY_SIZE]);
    w.hash(f.fileHash, 'fileHash');
    w.u32(flags >>> 0, 'file flags');
    w.u32(f.terms.length, 'num entries');
    w.zeros(8);
    for (const t of f.terms) {
      if (t.chunkIndexEnd <= t.chunkIndexStart) throw new XetFormatError('invalid_argument', 'term chunk range must be non-empty');
      w.hash(t.xorbHash, 'term xorbHash');
      w.u32(t.xorbFlags ?? 0, 'xorb flags');
      w.u32(t.unpackedSegmentBytes, 'unpacked segment bytes');
      w.u32(t.chunkIndexStart, 'chunk index start');
      w.u32(t.chunkIndexEnd, 'chunk index end');
      materializedBytes += t.unpackedSegmentBytes;
    }
    if (f.verificationHashes) {
      for (const v of f.verificationHashes) {
        w.hash(v, 'verification hash');
        w.zeros(16);
      }
    }
    if (sha256Stored) {
      w.hash(sha256Stored, 'sha256');
      w.zeros(16);
    }
  }
  w.hash(bookendHash(), 'bookend');
  w.zeros(16);

  const xorbInfoOffset = w.pos;
  const xorbLookup: Array<[bigint, number]> = [];
  const chunkLookup: Array<[bigint, number, number]> = [];
  let storedBytesOnDisk = 0;
  let storedBytes = 0;
  for (const x of xorbs) {
    const entryIndex = (w.pos - xorbInfoOffset) / MDB_SHARD_ENTRY_SIZE;
    xorbLookup.push([truncatedKey(x.xorbHash), entryIndex]);
    const inXorb = x.numBytesInXorb ?? x.chunks.reduce((n, c) => n + c.unpackedSegmentBytes, 0);
    w.hash(x.xorbHash, 'xorbHash');
    w.u32(x.xorbFlags ?? 0, 'xorb flags');
    w.u32(x.chunks.length, 'num entries');
    w.u32(inXorb, 'num bytes in xorb');
    w.u32(x.numBytesOnDisk, 'num bytes on disk');
    storedBytesOnDisk += x.numBytesOnDisk;
    storedBytes += inXorb;
    let pos = 0;
    x.chunks.forEach((c, i) => {
      chunkLookup.push([truncatedKey(c.chunkHash), entryIndex, i]);
      w.hash(c.chunkHash, 'chunk hash');
      w.u32(c.byteRangeStart ?? pos, 'chunk byte range start');
      w.u32(c.unpackedSegmentBytes, 'chunk size');
      w.u32((c.flags ?? 0) >>> 0, 'chunk flags');
      w.zeros(4);
      pos += c.unpackedSegmentBytes;
    });
  }
  w.hash(bookendHash(), 'bookend');
  w.zeros(16);

  if (withFooter) {
    const byKey = <T extends [bigint, ...number[]]>(a: T, b: T): number => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
    const fileLookupOffset = w.pos;
    for (const [k, v] of fileLookup.sort(byKey)) {
      w.u64(k);
      w.u32(v, 'file lookup index');
    }
    const xorbLookupOffset = w.pos;
    for (const [k, v] of xorbLookup.sort(byKey)) {
      w.u64(k);
      w.u32(v, 'CAS lookup index');
    }
    const chunkLookupOffset = w.pos;
    for (const [k, a, b] of chunkLookup.sort(byKey)) {
      w.u64(k);
      w.u32(a, 'chunk lookup xorb index');
      w.u32(b, 'chunk lookup chunk index');
    }
    const footerOffset = w.pos;
    w.u64(MDB_SHARD_FOOTER_VERSION);
    w.u64(fileInfoOffset);
    w.u64(xorbInfoOffset);
    w.u64(fileLookupOffset);
    w.u64(fileLookup.length);
    w.u64(xorbLookupOffset);
    w.u64(xorbLookup.length);
    w.u64(chunkLookupOffset);
    w.u64(chunkLookup.length);
    w.hash(footerOpts.chunkHashHmacKey ?? new Uint8Array(HASH_LENGTH), 'chunkHashHmacKey');
    w.u64(footerOpts.shardCreationTimestamp ?? BigInt(Math.floor(Date.now() / 1000)));
    w.u64(footerOpts.shardKeyExpiry ?? 0xffffffffffffffffn);
    w.zeros(48);
    w.u64(storedBytesOnDisk);
    w.u64(materializedBytes);
    w.u64(storedBytes);
    w.u64(footerOffset);
  }
  if (w.pos !== total) throw new Error(`shard size mismatch: wrote ${w.pos}, expected ${total}`);
  return w.buf;
}

// ---------------------------------------------------------------------------------------------
// Validation of uploaded shards

/** What a server knows about a xorb a shard refers to: its chunks, in order. */
export interface KnownXorb {
  chunks: ReadonlyArray<{ chunkHash: XetHash; unpackedSegmentBytes: number }>;
}

export interface ShardUploadIssue {
  code: 'missing_verification' | 'unknown_xorb' | 'chunk_range' | 'term_size' | 'verification_hash' | 'xorb_listing';
  message: string;
}

/**
 * Checks the rules an uploaded shard must follow beyond its structure (shard.md / upload-protocol):
 * every file has verification entries; every CAS listing is self-consistent (chunk
 * offsets are the running sum, `num_bytes_in_cas` their total); every term's xorb is known (listed
 * in the shard or returned by `lookupXorb`), its chunk range exists, its size matches, and its
 * verification hash is right. Returns the problems (empty = valid).
 */
export function validateUploadShard(shard: ParsedShard, lookupXorb: (xorbHash: XetHash) => KnownXorb | undefined = () => undefined): ShardUploadIssue[] {
  const issues: ShardUploadIssue[] = [];
  const listed = new Map<string, KnownXorb>();
  for (const x of shard.xorbs) {
    const hex = hashToHex(x.xorbHash);
    let pos = 0;
    for (const [i, c] of x.chunks.entries()) {
      if (c.byteRangeStart !== pos) {
        issues.push({ code: 'xorb_listing', message: `xorb ${hex} chunk ${i} starts at ${c.byteRangeStart}, expected ${pos}` });
        break;
      }
      pos += c.unpackedSegmentBytes;
    }
    if (pos !== x.numBytesInXorb) {
      issues.push({ code: 'xorb_listing', message: `xorb ${hex} lists ${pos} bytes of chunks but num_bytes_in_cas ${x.numBytesInXorb}` });
    }
    if (x.chunks.length === 0) issues.push({ code: 'xorb_listing', message: `xorb ${hex} lists no chunks` });
    listed.set(hex, x);
  }
  for (const f of shard.files) {
    const fhex = hashToHex(f.fileHash);
    if (!f.verificationHashes) {
      issues.push({ code: 'missing_verification', message: `file ${fhex} has no verification entries` });
    }
    f.terms.forEach((t, i) => {
      const xhex = hashToHex(t.xorbHash);
      const xorb = listed.get(xhex) ?? lookupXorb(t.xorbHash);
      if (!xorb) {
        issues.push({ code: 'unknown_xorb', message: `file ${fhex} term ${i} refers to unknown xorb ${xhex}` });
        return;
      }
      if (t.chunkIndexEnd > xorb.chunks.length) {
        issues.push({
          code: 'chunk_range',
          message: `file ${fhex} term ${i} chunk range [${t.chunkIndexStart}, ${t.chunkIndexEnd}) exceeds xorb ${xhex} (${xorb.chunks.length} chunks)`,
        });
        return;
      }
      const range = xorb.chunks.slice(t.chunkIndexStart, t.chunkIndexEnd);
      const size = range.reduce((n, c) => n + c.unpackedSegmentBytes, 0);
      if (size !== t.unpackedSegmentBytes) {
        issues.push({ code: 'term_size', message: `file ${fhex} term ${i} says ${t.unpackedSegmentBytes} bytes, its chunks hold ${size}` });
      }
      if (f.verificationHashes) {
        const expected = computeVerificationHash(range.map((c) => c.chunkHash));
        if (!hashesEqual(expected, f.verificationHashes[i])) {
          issues.push({ code: 'verification_hash', message: `file ${fhex} term ${i} has a wrong verification hash` });
        }
      }
    });
  }
  return issues;
}
