import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  buildShard,
  chunkAndHash,
  computeFileHash,
  computeVerificationHash,
  FILE_FLAG_WITH_METADATA_EXT,
  FILE_FLAG_WITH_VERIFICATION,
  hashToHex,
  hexToHash,
  MDB_SHARD_FOOTER_SIZE,
  MDB_SHARD_HEADER_SIZE,
  parseShard,
  parseXorb,
  type ParsedShard,
  type ParsedXorb,
  shardFileSize,
  type ShardFileInput,
  type ShardXorbInput,
  validateUploadShard,
  XetFormatError,
  type XetFormatErrorCode,
  zeroHash,
} from '../../src/xet/codec';
import { expectXetCode, runUploadVectors, type UploadManifest } from '../support/xet-vectors';

/**
 * MDB shards as the real hf_xet client uploads them (captured by test/support/xet-vectors.py):
 * parsed, validated, and rebuilt byte for byte from our own hashes and xorb parsing.
 */




const BASE = { kind: 'random', size: 900_000, seed: 51 };
const FILES = [
  { name: 'base', gen: BASE },
  // Shares most chunks with `base` (and may dedup against it within the commit).
  { name: 'base-plus', gen: { kind: 'concat', parts: [BASE, { kind: 'text', size: 300_000, seed: 52 }] } },
  { name: 'zeros', gen: { kind: 'zeros', size: 700_000 } },
  { name: 'text', gen: { kind: 'text', size: 400_000, seed: 53 } },
  { name: 'tiny', gen: { kind: 'random', size: 3, seed: 54 } },
  { name: 'empty', gen: { kind: 'zeros', size: 0 } },
];

let tmp: string;
let manifest: UploadManifest;
let captured: Array<{ bytes: Buffer; shard: ParsedShard }>;
const xorbs = new Map<string, { size: number; parsed: ParsedXorb }>();

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'xet-shard-'));
  manifest = runUploadVectors(tmp, [
    { name: 'one', compression: 'auto', files: FILES },
    { name: 'two', compression: 'lz4', files: [FILES[2], FILES[3]] },
  ]);
  captured = manifest.runs.flatMap((r) =>
    r.shards.map((s) => {
      const bytes = readFileSync(s.path);
      return { bytes, shard: parseShard(bytes, { footer: 'forbid' }) };
    }),
  );
  for (const r of manifest.runs) for (const x of r.xorbs) xorbs.set(x.hash, { size: x.size, parsed: parseXorb(readFileSync(x.path), { expectedHash: x.hash }) });
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});


function asInput(shard: ParsedShard): { files: ShardFileInput[]; xorbs: ShardXorbInput[] } {
  return {
    files: shard.files.map((f) => ({ fileHash: f.fileHash, terms: f.terms, verificationHashes: f.verificationHashes, sha256Stored: f.sha256, extraFlags: f.flags })),
    xorbs: shard.xorbs.map((x) => ({ xorbHash: x.xorbHash, xorbFlags: x.xorbFlags, numBytesOnDisk: x.numBytesOnDisk, numBytesInXorb: x.numBytesInXorb, chunks: x.chunks })),
  };
}

describe('shards captured from hf_xet uploads', () => {
  it('are upload-form shards: header v2, footer size 0, no footer, every file with verification and sha256', () => {
    expect(captured.length).toBeGreaterThanOrEqual(2);
    for (const { shard } of captured) {
      expect(shard.headerVersion).toBe(2);
      expect(shard.footerSize).toBe(0);
      expect(shard.footer).toBeNull();
      expect(shard.fileInfoOffset).toBe(MDB_SHARD_HEADER_SIZE);
      for (const f of shard.files) {
        expect(f.flags & FILE_FLAG_WITH_VERIFICATION).not.toBe(0);
        expect(f.flags & FILE_FLAG_WITH_METADATA_EXT).not.toBe(0);
      }
    }
    const files = captured.flatMap((c) => c.shard.files);
    for (const r of manifest.runs) for (const f of r.files) expect(files.some((fi) => hashToHex(fi.fileHash) === f.hash)).toBe(true);
  });

  it('pass upload validation (xorb listings consistent, terms in range and sized right, verification hashes right)', () => {
    for (const { shard } of captured) expect(validateUploadShard(shard)).toEqual([]);
  });

  it('describe every file: terms add up to the file size', () => {
    for (const r of manifest.runs) {
      for (const f of r.files) {
        const fi = captured.flatMap((c) => c.shard.files).find((x) => hashToHex(x.fileHash) === f.hash)!;
        expect(shardFileSize(fi)).toBe(f.size);
      }
    }
  });

  it('round-trip byte for byte through buildShard', () => {
    for (const { bytes, shard } of captured) {
      expect(Buffer.from(buildShard(asInput(shard))).equals(bytes)).toBe(true);
    }
  });

  it('are reproduced byte for byte from our own hashes, given the client’s term layout', () => {
    for (const [ri, r] of manifest.runs.entries()) {
      expect(r.shards).toHaveLength(1); // so captured[ri] is this run's shard
      const { bytes, shard } = captured[ri];
      const files: ShardFileInput[] = r.files.map((f) => {
        const data = readFileSync(f.path);
        const leaves = chunkAndHash(data);
        const fileHash = computeFileHash(leaves);
        // Term boundaries (which xorb, which chunk range) are the client's dedup decisions.
        const theirs = shard.files.find((x) => hashToHex(x.fileHash) === hashToHex(fileHash))!;
        let at = 0;
        const terms = theirs.terms.map((t) => {
          const n = t.chunkIndexEnd - t.chunkIndexStart;
          const size = leaves.slice(at, at + n).reduce((s, c) => s + c.size, 0);
          at += n;
          return { xorbHash: hexToHash(hashToHex(t.xorbHash)), chunkIndexStart: t.chunkIndexStart, chunkIndexEnd: t.chunkIndexEnd, unpackedSegmentBytes: size };
        });
        expect(at).toBe(leaves.length);
        const verificationHashes = terms.map((t) =>
          computeVerificationHash(xorbs.get(hashToHex(t.xorbHash))!.parsed.chunks.slice(t.chunkIndexStart, t.chunkIndexEnd).map((c) => c.hash)),
        );
        // hf_xet stores an all-zero SHA-256 for the empty file.
        const sha256 = data.length === 0 ? zeroHash() : createHash('sha256').update(data).digest();
        return data.length === 0
          ? { fileHash, terms, verificationHashes, sha256Stored: sha256 }
          : { fileHash, terms, verificationHashes, sha256 };
      });
      const listed = new Set(shard.xorbs.map((x) => hashToHex(x.xorbHash)));
      const xorbInputs: ShardXorbInput[] = r.xorbs
        .filter((x) => listed.has(x.hash))
        .map((x) => ({
          xorbHash: xorbs.get(x.hash)!.parsed.hash,
          numBytesOnDisk: 0, // what hf_xet 1.8.0 sends
          chunks: xorbs.get(x.hash)!.parsed.chunks.map((c) => ({ chunkHash: c.hash, unpackedSegmentBytes: c.uncompressedLength })),
        }));
      const ours = buildShard({ files, xorbs: xorbInputs }, { sortByHash: true });
      expect(Buffer.from(ours).equals(bytes)).toBe(true);
    }
  });
});

describe('shards with a footer (stored form)', () => {
  it('writes lookup tables and a footer that parse back to the same content', () => {
    const { shard } = captured[0];
    const built = buildShard(asInput(shard), { footer: { shardCreationTimestamp: 1_700_000_000n } });
    const back = parseShard(built, { footer: 'require' });
    expect(back.footerSize).toBe(MDB_SHARD_FOOTER_SIZE);
    const strip = (s: ParsedShard): unknown => ({ files: s.files, xorbs: s.xorbs });
    expect(strip(back)).toEqual(strip(shard));
    const f = back.footer!;
    expect(f.shardCreationTimestamp).toBe(1_700_000_000n);
    expect(f.shardKeyExpiry).toBe(0xffffffffffffffffn);
    expect(f.footerOffset).toBe(built.length - MDB_SHARD_FOOTER_SIZE);
    expect(f.fileLookupNumEntry).toBe(shard.files.length);
    expect(f.xorbLookupNumEntry).toBe(shard.xorbs.length);
    expect(f.chunkLookupNumEntry).toBe(shard.xorbs.reduce((n, x) => n + x.chunks.length, 0));
    expect(f.storedBytes).toBe(shard.xorbs.reduce((n, x) => n + x.numBytesInXorb, 0));
    expect(f.materializedBytes).toBe(shard.files.reduce((n, x) => n + shardFileSize(x), 0));
    // The file lookup table is sorted by the first u64 of each hash and points at the file headers.
    const view = Buffer.from(built);
    let prev = -1n;
    for (let i = 0; i < f.fileLookupNumEntry; i++) {
      const key = view.readBigUInt64LE(f.fileLookupOffset + 12 * i);
      const index = view.readUInt32LE(f.fileLookupOffset + 12 * i + 8);
      expect(key >= prev).toBe(true);
      prev = key;
      expect(view.readBigUInt64LE(f.fileInfoOffset + 48 * index)).toBe(key);
    }
    // The upload form of the same content is what the client sent.
    expect(Buffer.from(buildShard(asInput(back))).equals(captured[0].bytes)).toBe(true);
  });

  it('keeps the HMAC key of dedup-response shards', () => {
    const key = new Uint8Array(32).fill(5);
    const back = parseShard(buildShard({ files: [], xorbs: asInput(captured[0].shard).xorbs }, { footer: { chunkHashHmacKey: key } }));
    expect(back.files).toEqual([]);
    expect(back.footer!.chunkHashHmacKey).toEqual(key);
  });
});

describe('shard validation', () => {
  const sample = (): Uint8Array => Uint8Array.from(captured[0].bytes);

  it('rejects malformed shards with typed errors', () => {
    const b = sample();
    expectXetCode(() => parseShard(b.subarray(0, 20)), 'truncated');
    const tag = sample();
    tag[3] ^= 1;
    expectXetCode(() => parseShard(tag), 'invalid_shard');
    const version = sample();
    version[32] = 3;
    expectXetCode(() => parseShard(version), 'unsupported_version');
    const footerSize = sample();
    footerSize[40] = 7;
    expectXetCode(() => parseShard(footerSize), 'invalid_shard');
    expectXetCode(() => parseShard(b.subarray(0, b.length - 48)), 'truncated'); // CAS bookend missing
    expectXetCode(() => parseShard(b.subarray(0, 48 + 60)), 'truncated');
    expectXetCode(() => parseShard(Buffer.concat([b, new Uint8Array(48)])), 'invalid_shard'); // trailing bytes
    expectXetCode(() => parseShard(b, { maxBytes: 100 }), 'too_large');
    const withFooter = buildShard(asInput(captured[0].shard), { footer: true });
    expectXetCode(() => parseShard(withFooter, { footer: 'forbid' }), 'invalid_shard');
    expectXetCode(() => parseShard(b, { footer: 'require' }), 'invalid_shard');
    const badOffset = Uint8Array.from(withFooter);
    badOffset[withFooter.length - MDB_SHARD_FOOTER_SIZE + 8] ^= 1; // file_info_offset
    expectXetCode(() => parseShard(badOffset), 'invalid_shard');
    // A term whose chunk range is empty.
    const emptyRange = sample();
    const firstTerm = captured[0].shard.files.find((f) => f.terms.length > 0)!.offset + 48;
    const view = new DataView(emptyRange.buffer, emptyRange.byteOffset);
    view.setUint32(firstTerm + 44, view.getUint32(firstTerm + 40, true), true);
    expectXetCode(() => parseShard(emptyRange), 'invalid_shard');
  });

  it('finds content problems in uploaded shards', () => {
    const good = asInput(captured[0].shard);
    const codes = (input: { files: ShardFileInput[]; xorbs: ShardXorbInput[] }, lookup?: Parameters<typeof validateUploadShard>[1]): string[] =>
      validateUploadShard(parseShard(buildShard(input)), lookup).map((i) => i.code);
    const file = good.files.find((f) => f.terms.length > 0)!;
    const others = good.files.filter((f) => f !== file);

    expect(codes({ ...good, files: [...others, { ...file, verificationHashes: null }] })).toEqual(['missing_verification']);
    const wrongVerification = file.verificationHashes!.map((h, i) => (i === 0 ? Uint8Array.from(h).fill(1) : h));
    expect(codes({ ...good, files: [...others, { ...file, verificationHashes: wrongVerification }] })).toEqual(['verification_hash']);
    const t0 = file.terms[0];
    expect(codes({ ...good, files: [...others, { ...file, terms: [{ ...t0, unpackedSegmentBytes: t0.unpackedSegmentBytes + 1 }, ...file.terms.slice(1)] }] })).toEqual([
      'term_size',
    ]);
    const xorb = good.xorbs.find((x) => hashToHex(x.xorbHash) === hashToHex(t0.xorbHash))!;
    expect(
      codes({ ...good, files: [...others, { ...file, terms: [{ ...t0, chunkIndexEnd: xorb.chunks.length + 1 }, ...file.terms.slice(1)] }] }),
    ).toEqual(['chunk_range']);

    // Terms may refer to xorbs the server already has (dedup), supplied by the lookup.
    const withoutListing = { ...good, xorbs: good.xorbs.filter((x) => x !== xorb) };
    expect(codes(withoutListing).filter((c) => c === 'unknown_xorb').length).toBeGreaterThan(0);
    expect(codes(withoutListing, (h) => (hashToHex(h) === hashToHex(xorb.xorbHash) ? { chunks: xorb.chunks } : undefined))).toEqual([]);

    const badListing = { ...good, xorbs: good.xorbs.map((x) => (x === xorb ? { ...x, numBytesInXorb: (x.numBytesInXorb ?? 0) + 1 } : x)) };
    expect(codes(badListing)).toEqual(['xorb_listing']);
  });
});
