import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  chunkAndHash,
  chunkBuffer,
  Chunker,
  computeChunkHash,
  hashToHex,
  MAX_CHUNK_SIZE,
  MIN_CHUNK_SIZE,
  parseShard,
  type ParsedShard,
  type ShardXorbInfo,
} from '../../src/xet/codec';
import { runUploadVectors, type UploadManifest } from '../support/xet-vectors';

/**
 * Content-defined chunking checked against the real hf_xet client: files are uploaded by
 * `hf_xet` (test/support/xet-vectors.py) to a capturing local CAS, and the chunk list of every
 * file — rebuilt from the captured shard's file terms and CAS chunk listings — must equal ours,
 * boundaries and chunk hashes alike.
 */




const FILES: Array<{ name: string; gen: Record<string, unknown> }> = [
  { name: 'one-byte', gen: { kind: 'random', size: 1, seed: 11 } },
  { name: 'below-min', gen: { kind: 'random', size: MIN_CHUNK_SIZE - 1, seed: 12 } },
  { name: 'exactly-min', gen: { kind: 'random', size: MIN_CHUNK_SIZE, seed: 13 } },
  { name: 'above-min', gen: { kind: 'random', size: MIN_CHUNK_SIZE + 1, seed: 14 } },
  { name: 'exactly-max', gen: { kind: 'random', size: MAX_CHUNK_SIZE, seed: 15 } },
  { name: 'above-max', gen: { kind: 'random', size: MAX_CHUNK_SIZE + 1, seed: 16 } },
  // No content boundary ever triggers in zeros: every cut is forced at MAX (and all dedup to one chunk).
  { name: 'zeros', gen: { kind: 'zeros', size: 3 * MAX_CHUNK_SIZE + 12345 } },
  { name: 'periodic', gen: { kind: 'repeat', size: 700_000, seed: 17, period: 1000 } },
  { name: 'text', gen: { kind: 'text', size: 1_500_000, seed: 18 } },
  { name: 'floats', gen: { kind: 'floats', size: 600_000, seed: 19 } },
  { name: 'random-big', gen: { kind: 'random', size: 5_000_000, seed: 20 } },
  // Same 1 MB prefix as random-edit-b, then different data: checks locality of boundaries too.
  { name: 'random-edit-a', gen: { kind: 'concat', parts: [{ kind: 'random', size: 1_000_000, seed: 21 }, { kind: 'random', size: 600_000, seed: 22 }] } },
  {
    name: 'random-edit-b',
    gen: {
      kind: 'concat',
      parts: [{ kind: 'random', size: 1_000_000, seed: 21 }, { kind: 'random', size: 100, seed: 23 }, { kind: 'random', size: 600_000, seed: 22 }],
    },
  },
];

let tmp: string;
let manifest: UploadManifest;
let shards: ParsedShard[];
const xorbsByHex = new Map<string, ShardXorbInfo>();

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'xet-chunking-'));
  manifest = runUploadVectors(tmp, [{ name: 'chunking', compression: 'none', files: FILES }]);
  shards = manifest.runs.flatMap((r) => r.shards.map((s) => parseShard(readFileSync(s.path))));
  for (const s of shards) for (const x of s.xorbs) xorbsByHex.set(hashToHex(x.xorbHash), x);
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** The (hash, size) chunk list of a file, as the client described it in its shard. */
function clientChunks(fileHashHex: string): Array<{ hash: string; size: number }> {
  for (const s of shards) {
    const f = s.files.find((fi) => hashToHex(fi.fileHash) === fileHashHex);
    if (!f) continue;
    return f.terms.flatMap((t) => {
      const x = xorbsByHex.get(hashToHex(t.xorbHash));
      if (!x) throw new Error(`xorb ${hashToHex(t.xorbHash)} not in any captured shard`);
      return x.chunks.slice(t.chunkIndexStart, t.chunkIndexEnd).map((c) => ({ hash: hashToHex(c.chunkHash), size: c.unpackedSegmentBytes }));
    });
  }
  throw new Error(`file ${fileHashHex} not in any captured shard`);
}

function input(name: string): Buffer {
  const rec = manifest.runs[0].files.find((f) => f.name === name);
  if (!rec) throw new Error(`no uploaded file ${name}`);
  return readFileSync(rec.path);
}

function fileHashHex(name: string): string {
  return manifest.runs[0].files.find((f) => f.name === name)!.hash;
}

describe('chunking against hf_xet', () => {
  it('uses the hf_xet version the vectors are meant for', () => {
    expect(manifest.hfXetVersion).toBe('1.8.0');
  });

  it.each(FILES.map((f) => f.name))('%s: same chunk boundaries and chunk hashes as the client', (name) => {
    const data = input(name);
    const ours = chunkAndHash(data).map((c) => ({ hash: hashToHex(c.hash), size: c.size }));
    const theirs = clientChunks(fileHashHex(name));
    expect(ours.map((c) => c.size)).toEqual(theirs.map((c) => c.size));
    expect(ours).toEqual(theirs);
    expect(ours.reduce((n, c) => n + c.size, 0)).toBe(data.length);
  });

  it('gives the same chunks however the input is split across push() calls', () => {
    const data = input('random-big');
    const expected = chunkBuffer(data).map((c) => [c.offset, c.data.length]);
    const clientSizes = clientChunks(fileHashHex('random-big')).map((c) => c.size);
    const splits = [1, 7, 64, 8127, 8128, MIN_CHUNK_SIZE, 65536, 100_003, MAX_CHUNK_SIZE, MAX_CHUNK_SIZE + 1, 1 << 20];
    for (const step of splits) {
      // Byte-sized pushes over a prefix only (to keep the test fast); its chunks are a prefix too.
      const part = step < 1000 ? data.subarray(0, 600_000) : data;
      const c = new Chunker();
      const got: number[] = [];
      for (let i = 0; i < part.length; i += step) {
        for (const ch of c.push(part.subarray(i, i + step))) got.push(ch.data.length);
      }
      for (const ch of c.finish()) got.push(ch.data.length);
      if (part === data) expect(got).toEqual(clientSizes);
      else expect(got).toEqual(chunkBuffer(part).map((ch) => ch.data.length));
    }
    // Irregular splits, including empty pushes.
    let seed = 12345;
    const rnd = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const c = new Chunker();
    const chunks = [];
    for (let i = 0; i < data.length; ) {
      const n = rnd(3) === 0 ? rnd(50) : rnd(200_000);
      chunks.push(...c.push(data.subarray(i, i + n)));
      i += n;
    }
    chunks.push(...c.finish());
    expect(chunks.map((ch) => [ch.offset, ch.data.length])).toEqual(expected);
    expect(Buffer.concat(chunks.map((ch) => ch.data)).equals(data)).toBe(true);
  });

  it('returns views of the pushed buffer when a chunk lies inside it, copies when it spans pushes', () => {
    const data = input('random-big');
    const c = new Chunker();
    const first = c.push(data);
    expect(first.length).toBeGreaterThan(10);
    for (const ch of first) expect(ch.data.buffer).toBe(data.buffer);
    const last = c.finish();
    expect(last).toHaveLength(1);

    const c2 = new Chunker();
    const a = Buffer.from(data.subarray(0, 10));
    expect(c2.push(a)).toEqual([]);
    a.fill(0); // the chunker keeps its own copy of carried-over bytes
    const rest = [...c2.push(data.subarray(10)), ...c2.finish()];
    expect(rest[0].data.buffer).not.toBe(data.buffer);
    expect(rest.map((ch) => [ch.offset, ch.data.length])).toEqual(chunkBuffer(data).map((ch) => [ch.offset, ch.data.length]));
    expect(computeChunkHash(rest[0].data)).toEqual(computeChunkHash(data.subarray(0, rest[0].data.length)));
  });

  it('respects the size limits and forces MAX-size cuts in data without triggers', () => {
    const sizes = chunkBuffer(input('random-big')).map((c) => c.data.length);
    expect(Math.min(...sizes.slice(0, -1))).toBeGreaterThanOrEqual(MIN_CHUNK_SIZE);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(MAX_CHUNK_SIZE);
    expect(chunkBuffer(input('zeros')).map((c) => c.data.length)).toEqual([MAX_CHUNK_SIZE, MAX_CHUNK_SIZE, MAX_CHUNK_SIZE, 12345]);
  });

  it('only disturbs boundaries near an edit', () => {
    const a = chunkAndHash(input('random-edit-a')).map((c) => hashToHex(c.hash));
    const b = chunkAndHash(input('random-edit-b')).map((c) => hashToHex(c.hash));
    const sharedPrefix = a.findIndex((h, i) => h !== b[i]);
    expect(sharedPrefix).toBeGreaterThan(5);
    const tail = (l: string[]): string[] => l.slice(-4);
    expect(tail(b)).toEqual(tail(a));
  });

  it('handles tiny and empty inputs', () => {
    expect(chunkBuffer(new Uint8Array(0))).toEqual([]);
    const c = new Chunker();
    expect(c.push(new Uint8Array(0))).toEqual([]);
    expect(c.finish()).toEqual([]);
    expect(chunkBuffer(Uint8Array.of(1, 2, 3)).map((x) => Array.from(x.data))).toEqual([[1, 2, 3]]);
  });

  it('rejects bad target sizes', () => {
    expect(() => new Chunker({ targetChunkSize: 1000 })).toThrow(/power of two/);
    expect(() => new Chunker({ targetChunkSize: 64 })).toThrow(/power of two/);
    const small = new Chunker({ targetChunkSize: 1024 });
    expect([small.minChunkSize, small.maxChunkSize]).toEqual([128, 2048]);
  });
});
