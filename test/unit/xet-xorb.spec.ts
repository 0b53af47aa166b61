import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  bg4Regroup,
  bg4Split,
  buildXorb,
  chunkBuffer,
  CompressionScheme,
  decodeXorbChunks,
  encodeChunkHeader,
  hashToHex,
  lz4CompressBlock,
  lz4DecompressBlock,
  lz4FrameCompress,
  lz4FrameDecompress,
  MAX_CHUNK_SIZE,
  parseShard,
  parseXorb,
  type ParsedShard,
  scanXorb,
  type ShardXorbInfo,
  XetFormatError,
  type XetFormatErrorCode,
  XORB_CHUNK_HEADER_SIZE,
} from '../../src/xet/codec';
import { expectXetCode, runUploadVectors, type UploadManifest } from '../support/xet-vectors';

/**
 * Xorbs as the real hf_xet client serializes them (captured from uploads with every compression
 * policy by test/support/xet-vectors.py): parsed, decompressed (LZ4 frames written by lz4_flex,
 * byte grouping), re-hashed, and rebuilt by our builder.
 */




const FILES = [
  { name: 'text', gen: { kind: 'text', size: 700_000, seed: 41 } },
  { name: 'floats', gen: { kind: 'floats', size: 500_000, seed: 42 } },
  { name: 'random', gen: { kind: 'random', size: 300_000, seed: 43 } },
  { name: 'zeros', gen: { kind: 'zeros', size: 300_000 } },
  { name: 'tiny', gen: { kind: 'text', size: 17, seed: 44 } },
];
const POLICIES = ['none', 'lz4', 'bg4-lz4', 'auto'] as const;

let tmp: string;
let manifest: UploadManifest;

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'xet-xorb-'));
  manifest = runUploadVectors(
    tmp,
    POLICIES.map((p) => ({ name: p, compression: p, files: FILES })),
  );
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function run(policy: string): UploadManifest['runs'][number] {
  return manifest.runs.find((r) => r.name === policy)!;
}


describe('xorbs captured from hf_xet uploads', () => {
  it.each(POLICIES)('compression policy %s: every xorb parses, hashes to its upload hash, and has no footer', (policy) => {
    const r = run(policy);
    expect(r.xorbs.length).toBeGreaterThan(0);
    const schemes = new Set<number>();
    for (const x of r.xorbs) {
      const buf = readFileSync(x.path);
      const parsed = parseXorb(buf, { expectedHash: x.hash, footer: 'forbid' });
      expect(parsed.hashHex).toBe(x.hash);
      expect(parsed.footer).toBeNull();
      expect(parsed.contentLength).toBe(buf.length);
      for (const c of parsed.chunks) {
        schemes.add(c.scheme);
        expect(c.data!.length).toBe(c.uncompressedLength);
        if (c.scheme !== CompressionScheme.None) expect(c.compressedLength).toBeLessThan(c.uncompressedLength);
      }
    }
    const expected: Record<string, number[]> = {
      none: [CompressionScheme.None],
      lz4: [CompressionScheme.None, CompressionScheme.LZ4],
      'bg4-lz4': [CompressionScheme.None, CompressionScheme.ByteGrouping4LZ4],
      auto: [CompressionScheme.None, CompressionScheme.LZ4, CompressionScheme.ByteGrouping4LZ4],
    };
    expect([...schemes].sort()).toEqual(expected[policy]);
  });

  it.each(POLICIES)('compression policy %s: files reassembled from xorb chunks via the shard terms equal the inputs', (policy) => {
    const r = run(policy);
    const shards: ParsedShard[] = r.shards.map((s) => parseShard(readFileSync(s.path)));
    const listings = new Map<string, ShardXorbInfo>();
    for (const s of shards) for (const x of s.xorbs) listings.set(hashToHex(x.xorbHash), x);
    const chunkData = new Map<string, Uint8Array[]>();
    for (const x of r.xorbs) {
      const parsed = parseXorb(readFileSync(x.path));
      chunkData.set(x.hash, parsed.chunks.map((c) => c.data!));
      // The shard's CAS listing describes exactly this xorb.
      const listing = listings.get(x.hash)!;
      expect(listing.chunks.map((c) => [hashToHex(c.chunkHash), c.byteRangeStart, c.unpackedSegmentBytes])).toEqual(
        parsed.chunks.map((c) => [hashToHex(c.hash), c.unpackedOffset, c.uncompressedLength]),
      );
      expect(listing.numBytesInXorb).toBe(parsed.unpackedLength);
      // hf_xet 1.8.0 leaves num_bytes_on_disk at 0 in uploaded shards.
      expect([0, x.size]).toContain(listing.numBytesOnDisk);
    }
    for (const f of r.files) {
      const file = shards.flatMap((s) => s.files).find((fi) => hashToHex(fi.fileHash) === f.hash)!;
      const parts = file.terms.flatMap((t) => chunkData.get(hashToHex(t.xorbHash))!.slice(t.chunkIndexStart, t.chunkIndexEnd));
      expect(Buffer.concat(parts).equals(readFileSync(f.path))).toBe(true);
    }
  });

  it('policy none: our builder reproduces the captured xorb byte for byte', () => {
    for (const x of run('none').xorbs) {
      const buf = readFileSync(x.path);
      const parsed = parseXorb(buf);
      const rebuilt = buildXorb(
        parsed.chunks.map((c) => c.data!),
        { compression: 'none' },
      );
      expect(rebuilt.hashHex).toBe(x.hash);
      expect(Buffer.from(rebuilt.bytes).equals(buf)).toBe(true);
    }
  });

  it.each(['lz4', 'bg4-lz4', 'auto'] as const)('policy %s: our builder makes a xorb with the same hash and chunks that parses back', (policy) => {
    for (const x of run(policy).xorbs) {
      const theirs = parseXorb(readFileSync(x.path));
      const ours = buildXorb(
        theirs.chunks.map((c) => c.data!),
        { compression: policy },
      );
      expect(ours.hashHex).toBe(x.hash);
      const back = parseXorb(ours.bytes, { expectedHash: x.hash });
      expect(back.chunks.map((c) => c.uncompressedLength)).toEqual(theirs.chunks.map((c) => c.uncompressedLength));
      back.chunks.forEach((c, i) => expect(Buffer.from(c.data!).equals(theirs.chunks[i].data!)).toBe(true));
      // Our greedy LZ4 compresses about as well as lz4_flex.
      expect(ours.bytes.length).toBeLessThan(readFileSync(x.path).length * 1.05 + 64);
    }
  });

  it('decodes a byte range of whole chunks (what a ranged GET of a xorb returns)', () => {
    const x = run('auto').xorbs[0];
    const buf = readFileSync(x.path);
    const layout = scanXorb(buf);
    const parsed = parseXorb(buf);
    const [a, b] = [1, Math.min(5, layout.chunks.length)];
    const slice = buf.subarray(layout.chunks[a].offset, layout.chunks[b - 1].end);
    const chunks = decodeXorbChunks(slice);
    expect(chunks.map((c) => Buffer.from(c).toString('hex'))).toEqual(parsed.chunks.slice(a, b).map((c) => Buffer.from(c.data!).toString('hex')));
  });
});

describe('xorb building and validation', () => {
  const chunks = (): Uint8Array[] =>
    chunkBuffer(Buffer.concat([readFileSync(run('auto').files[0].path), randomBytes(200_000)])).map((c) => c.data);

  it('writes and checks the XorbObjectInfo footer', () => {
    const built = buildXorb(chunks(), { compression: 'auto', footer: true, nonce: Uint8Array.of(1, 2, 3, 4) });
    const parsed = parseXorb(built.bytes, { footer: 'require', expectedHash: built.hash });
    expect(parsed.footer).not.toBeNull();
    expect(parsed.footer!.start).toBe(built.contentLength);
    expect(Array.from(parsed.footer!.buffer.subarray(0, 4))).toEqual([1, 2, 3, 4]);
    expect(parsed.footer!.chunkBoundaryOffsets).toEqual(built.chunks.map((c) => c.end));
    expect(parsed.footer!.unpackedChunkOffsets).toEqual(built.chunks.map((c) => c.unpackedOffset + c.uncompressedLength));
    expect(scanXorb(built.bytes).footerStart).toBe(built.contentLength);
    expectXetCode(() => parseXorb(built.bytes, { footer: 'forbid' }), 'invalid_footer');
    expectXetCode(() => parseXorb(buildXorb(chunks()).bytes, { footer: 'require' }), 'invalid_footer');

    const badHash = Uint8Array.from(built.bytes);
    badHash[built.contentLength + 8] ^= 1; // first byte of the footer's xorb hash
    expectXetCode(() => parseXorb(badHash), 'hash_mismatch');
    const badLen = Uint8Array.from(built.bytes);
    badLen[badLen.length - 4] ^= 1;
    expectXetCode(() => parseXorb(badLen), 'invalid_footer');
    const badBoundary = Uint8Array.from(built.bytes);
    // first chunk boundary offset: after ident+version+hash, hash section (7+1+4+32n), ident+version+count
    const n = built.chunks.length;
    badBoundary[built.contentLength + 40 + 12 + 32 * n + 12] ^= 1;
    expectXetCode(() => parseXorb(badBoundary), 'invalid_footer');
  });

  it('rejects malformed xorbs with typed errors', () => {
    const built = buildXorb(chunks(), { compression: 'lz4' });
    const b = built.bytes;
    expectXetCode(() => parseXorb(new Uint8Array(0)), 'empty_xorb');
    expectXetCode(() => parseXorb(b.subarray(0, b.length - 1)), 'truncated');
    expectXetCode(() => parseXorb(b.subarray(0, 5)), 'truncated');
    expectXetCode(() => parseXorb(b, { expectedHash: '00'.repeat(32) }), 'hash_mismatch');
    expectXetCode(() => parseXorb(b, { maxBytes: b.length - 1 }), 'too_large');
    const version = Uint8Array.from(b);
    version[0] = 1;
    expectXetCode(() => parseXorb(version), 'unsupported_version');
    const scheme = Uint8Array.from(b);
    scheme[4] = 7;
    expectXetCode(() => parseXorb(scheme), 'unsupported_compression');
    const huge = Uint8Array.from(b);
    huge.set(encodeChunkHeader({ compressedLength: b[1] | (b[2] << 8) | (b[3] << 16), scheme: b[4], uncompressedLength: MAX_CHUNK_SIZE + 1 }), 0);
    expectXetCode(() => parseXorb(huge), 'invalid_chunk_header');
    const lying = Uint8Array.from(b);
    lying[5] ^= 1; // uncompressed length off by one
    expect(() => parseXorb(lying)).toThrow(XetFormatError);
    // Flipping bytes inside an LZ4 frame either breaks it or changes the data (hence the hash).
    for (const at of [XORB_CHUNK_HEADER_SIZE + 7, XORB_CHUNK_HEADER_SIZE + 11, XORB_CHUNK_HEADER_SIZE + 40, built.chunks[0].end - 6]) {
      const corrupt = Uint8Array.from(b);
      corrupt[at] ^= 0xff;
      expect(() => parseXorb(corrupt, { expectedHash: built.hash })).toThrow(XetFormatError);
    }
    expectXetCode(() => buildXorb([]), 'empty_xorb');
    expectXetCode(() => buildXorb([new Uint8Array(MAX_CHUNK_SIZE + 1)]), 'invalid_argument');
    expectXetCode(() => buildXorb([new Uint8Array(0)]), 'invalid_argument');
  });

  it('falls back to no compression when compression does not help', () => {
    const built = buildXorb([new Uint8Array(randomBytes(50_000)), new Uint8Array(60_000)], { compression: 'lz4' });
    expect(built.chunks.map((c) => c.scheme)).toEqual([CompressionScheme.None, CompressionScheme.LZ4]);
    expect(built.chunks[1].compressedLength).toBeLessThan(1000);
  });
});

describe('byte grouping', () => {
  it('groups byte i of every 4 into group i, leftovers going to the first groups', () => {
    const data = Uint8Array.from([0xa1, 0xa2, 0xa3, 0xa4, 0xb1, 0xb2, 0xb3, 0xb4, 0xc1, 0xc2, 0xc3, 0xc4]);
    expect(Array.from(bg4Split(data))).toEqual([0xa1, 0xb1, 0xc1, 0xa2, 0xb2, 0xc2, 0xa3, 0xb3, 0xc3, 0xa4, 0xb4, 0xc4]);
    expect(Array.from(bg4Split(Uint8Array.from([1, 2, 3, 4, 5, 6, 7])))).toEqual([1, 5, 2, 6, 3, 7, 4]);
    for (let n = 0; n < 40; n++) {
      const d = new Uint8Array(randomBytes(n));
      expect(bg4Regroup(bg4Split(d))).toEqual(d);
    }
  });
});

describe('LZ4', () => {
  const samples = (): Array<[string, Uint8Array]> => [
    ['empty', new Uint8Array(0)],
    ...[1, 4, 5, 12, 13, 15, 16, 19, 20, 64, 255, 270].map((n): [string, Uint8Array] => [`random-${n}`, new Uint8Array(randomBytes(n))]),
    ...[13, 20, 300, 70_000].map((n): [string, Uint8Array] => [`zeros-${n}`, new Uint8Array(n)]),
    ['text', new Uint8Array(readFileSync(run('auto').files[0].path).subarray(0, 300_000))],
    ['random-200k', new Uint8Array(randomBytes(200_000))],
    ['pattern', Uint8Array.from({ length: 100_000 }, (_, i) => (i * 7) % 251)],
    ['runs', Uint8Array.from({ length: 66_000 }, (_, i) => (i >> 9) & 3)],
  ];

  /** Walks an LZ4 block checking the format's end-of-block rules. */
  function checkBlockRules(block: Uint8Array, decodedSize: number): void {
    let s = 0;
    let d = 0;
    let lastMatchStart = -1;
    let lastMatchEnd = -1;
    while (s < block.length) {
      const token = block[s++];
      let lit = token >> 4;
      if (lit === 15) for (let b = 255; b === 255; ) lit += b = block[s++];
      s += lit;
      d += lit;
      if (s === block.length) break;
      s += 2;
      let m = token & 15;
      if (m === 15) for (let b = 255; b === 255; ) m += b = block[s++];
      lastMatchStart = d;
      d += m + 4;
      lastMatchEnd = d;
    }
    expect(d).toBe(decodedSize);
    if (lastMatchStart >= 0) {
      expect(lastMatchStart).toBeLessThanOrEqual(decodedSize - 12);
      expect(lastMatchEnd).toBeLessThanOrEqual(decodedSize - 5);
    }
  }

  it('round-trips blocks and frames and obeys the block end rules', () => {
    for (const [name, d] of samples()) {
      const block = lz4CompressBlock(d);
      checkBlockRules(block, d.length);
      expect([name, Buffer.from(lz4DecompressBlock(block, d.length)).equals(d)]).toEqual([name, true]);
      for (const opts of [{}, { contentChecksum: true, blockChecksum: true, contentSize: true }, { blockSize: 262144 as const }]) {
        const frame = lz4FrameCompress(d, opts);
        expect([name, Buffer.from(lz4FrameDecompress(frame)).equals(d)]).toEqual([name, true]);
        expect(Buffer.from(lz4FrameDecompress(frame, { expectedSize: d.length })).equals(d)).toBe(true);
      }
    }
  });

  it('compresses redundant data well', () => {
    expect(lz4FrameCompress(new Uint8Array(131072)).length).toBeLessThan(1200);
    const text = readFileSync(run('auto').files[0].path).subarray(0, 131072);
    expect(lz4FrameCompress(text).length).toBeLessThan(text.length * 0.6);
  });

  it('decodes concatenated and skippable frames', () => {
    const a = new Uint8Array(randomBytes(1000));
    const b = new Uint8Array(5000).fill(9);
    const skippable = Uint8Array.from([0x5a, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 1, 2, 3]);
    const joined = Buffer.concat([lz4FrameCompress(a), skippable, lz4FrameCompress(b)]);
    expect(Buffer.from(lz4FrameDecompress(joined)).equals(Buffer.concat([a, b]))).toBe(true);
  });

  it('rejects corrupt frames', () => {
    const d = new Uint8Array(readFileSync(run('auto').files[0].path).subarray(0, 100_000));
    const frame = lz4FrameCompress(d, { contentChecksum: true });
    const bad = (mutate: (f: Uint8Array) => Uint8Array, opts = {}): void =>
      expectXetCode(() => lz4FrameDecompress(mutate(Uint8Array.from(frame)), opts), 'invalid_lz4');
    bad((f) => ((f[0] ^= 1), f)); // magic
    bad((f) => ((f[6] ^= 1), f)); // header checksum
    bad((f) => ((f[4] = 0x80 | (f[4] & 0x3f)), f)); // version
    bad((f) => f.subarray(0, f.length - 10)); // truncated
    bad((f) => ((f[f.length - 1] ^= 1), f)); // content checksum
    bad((f) => f, { expectedSize: d.length - 1 });
    expectXetCode(() => lz4FrameDecompress(frame, { expectedSize: d.length + 1 }), 'length_mismatch');
    expectXetCode(() => lz4FrameDecompress(new Uint8Array(0)), 'invalid_lz4');
    // A match reaching before the start of the output.
    expectXetCode(() => lz4DecompressBlock(Uint8Array.from([0x10, 0x41, 0x05, 0x00]), 10), 'invalid_lz4');
  });
});
