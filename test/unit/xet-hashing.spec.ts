import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  aggregatedHash,
  chunkAndHash,
  computeChunkHash,
  computeFileHash,
  computeVerificationHash,
  computeXorbHash,
  FILE_HASH_KEY,
  hashesEqual,
  hashMod,
  hashToHex,
  hexToHash,
  hmacHash,
  INTERNAL_NODE_KEY,
  internalNodeHash,
  isGlobalDedupEligible,
  isHashHex,
  keyedHash,
  parseShard,
  parseXorb,
  type ParsedShard,
  sha256ToXetHash,
  type ShardXorbInfo,
  XetFormatError,
  xetHashToSha256Hex,
  xetHashingReady,
  zeroHash,
} from '../../src/xet/codec';
import { runUploadVectors, type UploadManifest } from '../support/xet-vectors';

/**
 * Xet hashes checked against the real hf_xet client: file ids from `hf_xet.hash_files` and from an
 * upload, xorb hashes from the upload URLs, chunk and verification hashes from the shards it sent
 * (test/support/xet-vectors.py captures them on a local CAS).
 */




const FILES = [
  { name: 'empty', gen: { kind: 'zeros', size: 0 } },
  { name: 'tiny', gen: { kind: 'random', size: 5, seed: 31 } },
  { name: 'one-chunk', gen: { kind: 'text', size: 40_000, seed: 32 } },
  { name: 'two-chunks', gen: { kind: 'random', size: 140_000, seed: 33 } },
  { name: 'zeros', gen: { kind: 'zeros', size: 1_000_000 } },
  { name: 'text', gen: { kind: 'text', size: 1_200_000, seed: 34 } },
  { name: 'floats', gen: { kind: 'floats', size: 800_000, seed: 35 } },
  // ~120 chunks: a merkle tree several levels deep.
  { name: 'random-8m', gen: { kind: 'random', size: 8_000_000, seed: 36 } },
];

let tmp: string;
let manifest: UploadManifest;
let shards: ParsedShard[];
const xorbsByHex = new Map<string, ShardXorbInfo>();

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'xet-hashing-'));
  manifest = runUploadVectors(tmp, [{ name: 'hashing', compression: 'auto', files: FILES }]);
  shards = manifest.runs.flatMap((r) => r.shards.map((s) => parseShard(readFileSync(s.path))));
  for (const s of shards) for (const x of s.xorbs) xorbsByHex.set(hashToHex(x.xorbHash), x);
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const uploaded = (name: string): UploadManifest['runs'][number]['files'][number] => {
  const f = manifest.runs[0].files.find((x) => x.name === name);
  if (!f) throw new Error(`no uploaded file ${name}`);
  return f;
};

describe('hash string form (MerkleHash::hex)', () => {
  it('reverses the bytes of each 8-byte word (the api.md example)', () => {
    // api.md: bytes [0..32) are reordered to this list before hex encoding. (The hex string printed
    // in api.md has a typo in its third word, "...1211 1f" for "...1211 10"; the list is right.)
    const h = Uint8Array.from({ length: 32 }, (_, i) => i);
    const reordered = [7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8, 23, 22, 21, 20, 19, 18, 17, 16, 31, 30, 29, 28, 27, 26, 25, 24];
    const expected = Buffer.from(reordered).toString('hex');
    expect(hashToHex(h)).toBe(expected);
    expect(Array.from(hexToHash(expected))).toEqual(Array.from(h));
  });

  it('round-trips, accepts upper case, rejects malformed strings', () => {
    for (let i = 0; i < 20; i++) {
      const h = new Uint8Array(randomBytes(32));
      expect(hexToHash(hashToHex(h))).toEqual(h);
      expect(hexToHash(hashToHex(h).toUpperCase())).toEqual(h);
    }
    for (const bad of ['', 'ab', 'g'.repeat(64), 'a'.repeat(63), 'a'.repeat(65), ` ${'a'.repeat(63)}`]) {
      expect(isHashHex(bad)).toBe(false);
      expect(() => hexToHash(bad)).toThrow(XetFormatError);
    }
    expect(() => hashToHex(new Uint8Array(31))).toThrow(XetFormatError);
  });
});

describe('hashes against hf_xet', () => {
  it.each(FILES.map((f) => f.name))('%s: file hash equals hf_xet.hash_files and the uploaded file id', (name) => {
    const f = uploaded(name);
    const data = readFileSync(f.path);
    const ours = hashToHex(computeFileHash(chunkAndHash(data)));
    const hashed = manifest.inputs.find((i) => i.name === name)!;
    expect(ours).toBe(hashed.hashFilesHash);
    expect(ours).toBe(f.hash);
    expect(hashed.hashFilesSize).toBe(data.length);
  });

  it('hashes the empty file to the zero hash', () => {
    expect(uploaded('empty').hash).toBe('0'.repeat(64));
    expect(computeFileHash([])).toEqual(zeroHash());
    expect(computeXorbHash([])).toEqual(zeroHash());
  });

  it('xorb hashes: upload URL = CAS listing = merkle root of the listed chunks = recomputed from the xorb bytes', () => {
    const run = manifest.runs[0];
    expect(run.xorbs.length).toBeGreaterThan(0);
    for (const x of run.xorbs) {
      expect(x.prefix).toBe('default');
      const listed = xorbsByHex.get(x.hash);
      expect(listed).toBeDefined();
      const fromListing = computeXorbHash(listed!.chunks.map((c) => ({ hash: c.chunkHash, size: c.unpackedSegmentBytes })));
      expect(hashToHex(fromListing)).toBe(x.hash);
      const parsed = parseXorb(readFileSync(x.path), { expectedHash: x.hash });
      expect(parsed.hashHex).toBe(x.hash);
      expect(parsed.chunks.map((c) => hashToHex(c.hash))).toEqual(listed!.chunks.map((c) => hashToHex(c.chunkHash)));
    }
  });

  it('chunk hashes of every file match the chunk hashes the client listed', () => {
    for (const s of shards) {
      for (const file of s.files) {
        const name = manifest.runs[0].files.find((f) => f.hash === hashToHex(file.fileHash))!.name;
        const data = readFileSync(uploaded(name).path);
        const listed = file.terms.flatMap((t) => xorbsByHex.get(hashToHex(t.xorbHash))!.chunks.slice(t.chunkIndexStart, t.chunkIndexEnd));
        const ours = chunkAndHash(data);
        expect(ours.map((c) => hashToHex(c.hash))).toEqual(listed.map((c) => hashToHex(c.chunkHash)));
      }
    }
  });

  it('term verification hashes in the uploaded shard equal ours', () => {
    let checked = 0;
    for (const s of shards) {
      for (const file of s.files) {
        expect(file.verificationHashes).not.toBeNull();
        file.terms.forEach((t, i) => {
          const chunks = xorbsByHex.get(hashToHex(t.xorbHash))!.chunks.slice(t.chunkIndexStart, t.chunkIndexEnd);
          expect(hashToHex(computeVerificationHash(chunks.map((c) => c.chunkHash)))).toBe(hashToHex(file.verificationHashes![i]));
          checked++;
        });
      }
    }
    expect(checked).toBeGreaterThanOrEqual(FILES.length - 1);
  });

  it('the shard sha256 extension holds the SHA-256 so that its Xet hex is the usual hex digest', () => {
    for (const s of shards) {
      for (const file of s.files) {
        const up = manifest.runs[0].files.find((f) => f.hash === hashToHex(file.fileHash))!;
        if (up.size === 0) {
          // hf_xet quirk: for an empty file it reports, and stores, an all-zero SHA-256.
          expect(up.sha256).toBe('0'.repeat(64));
          expect(file.sha256Hex).toBe('0'.repeat(64));
          expect(file.terms).toEqual([]);
          continue;
        }
        const sha = createHash('sha256').update(readFileSync(up.path)).digest();
        expect(file.sha256Hex).toBe(sha.toString('hex'));
        expect(file.sha256Hex).toBe(up.sha256);
        expect(sha256ToXetHash(sha)).toEqual(file.sha256);
        expect(sha256ToXetHash(sha.toString('hex'))).toEqual(file.sha256);
        expect(xetHashToSha256Hex(file.sha256!)).toBe(up.sha256);
      }
    }
  });

  it('the client authenticates with the bearer token it was given', () => {
    for (const r of manifest.runs[0].requests) expect(r.authorization).toBe('Bearer xet-test-token');
  });
});

describe('merkle construction details', () => {
  it('internal nodes hash the "{hex} : {size}\\n" lines with INTERNAL_NODE_KEY', () => {
    const a = { hash: computeChunkHash(Buffer.from('a')), size: 1 };
    const b = { hash: computeChunkHash(Buffer.from('bb')), size: 2 };
    const text = `${hashToHex(a.hash)} : 1\n${hashToHex(b.hash)} : 2\n`;
    const node = internalNodeHash([a, b]);
    expect(node.size).toBe(3);
    expect(node.hash).toEqual(keyedHash(INTERNAL_NODE_KEY, Buffer.from(text)));
    // One leaf is its own root; sizes are part of the hash.
    expect(aggregatedHash([a])).toEqual(a.hash);
    expect(aggregatedHash([a, b])).toEqual(node.hash);
    expect(aggregatedHash([a, { ...b, size: 3 }])).not.toEqual(node.hash);
  });

  it('file hash = merkle root keyed with the zero key', () => {
    const leaves = chunkAndHash(readFileSync(uploaded('text').path));
    expect(computeFileHash(leaves)).toEqual(hmacHash(computeXorbHash(leaves), FILE_HASH_KEY));
    expect(computeFileHash(leaves, new Uint8Array(32).fill(7))).not.toEqual(computeFileHash(leaves));
  });

  it('hash % n uses the last little-endian u64 word', () => {
    for (let i = 0; i < 200; i++) {
      const h = new Uint8Array(randomBytes(32));
      const word = Buffer.from(h).readBigUInt64LE(24);
      for (const n of [4, 1024, 3, 1_000_003, 2 ** 40]) expect(hashMod(h, n)).toBe(Number(word % BigInt(n)));
      expect(isGlobalDedupEligible(h)).toBe(word % 1024n === 0n);
    }
  });

  it('hashesEqual compares bytes', () => {
    const h = new Uint8Array(randomBytes(32));
    expect(hashesEqual(h, Uint8Array.from(h))).toBe(true);
    const g = Uint8Array.from(h);
    g[31] ^= 1;
    expect(hashesEqual(h, g)).toBe(false);
  });
});

describe('BLAKE3 backends', () => {
  it('gives the same chunk, node and verification hashes before and after the wasm hashers are ready', async () => {
    const data = new Uint8Array(200_000).map((_, i) => (i * 31 + 7) & 0xff);
    const before = [computeChunkHash(data), computeVerificationHash([computeChunkHash(data.subarray(0, 10))]), keyedHash(new Uint8Array(32).fill(9), data)];
    await xetHashingReady([new Uint8Array(32).fill(9)]);
    const after = [computeChunkHash(data), computeVerificationHash([computeChunkHash(data.subarray(0, 10))]), keyedHash(new Uint8Array(32).fill(9), data)];
    expect(after.map(hashToHex)).toEqual(before.map(hashToHex));
  });
});
