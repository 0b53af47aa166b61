import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  applyDelta,
  deflateBody,
  deltaCopies,
  encodeDelta,
  encodeOfsOffset,
  encodePackEntryHeader,
  encodePackHeader,
  encodeTree,
  hashObject,
  OBJ_OFS_DELTA,
  OBJ_REF_DELTA,
  PACK_TYPE,
  readPack,
  type TreeEntry,
} from '../../src/git/codec';
import { runGitSync } from '../support/git-sync';

/**
 * The delta encoder, byte for byte: exact instruction bytes on small cases, round trips through
 * `applyDelta` on many shapes, and packs of OFS_DELTA/REF_DELTA entries it wrote checked by
 * `git index-pack --strict` and `git verify-pack`.
 */

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'hangar-delta-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const git = (args: string[], input?: Buffer, cwd = tmp): string => runGitSync(args, { cwd, home: tmp, input }).toString('utf8').trim();

function roundTrip(source: Buffer, target: Buffer): Buffer {
  const delta = encodeDelta(source, target)!;
  expect(delta).not.toBeNull();
  const rebuilt = applyDelta(source, delta);
  expect(rebuilt.length).toBe(target.length);
  expect(rebuilt.equals(target)).toBe(true);
  return delta;
}

/** The blob of entry `i`: its content depends on `version` for the entries in `changed`. */
const blobOf = (i: number, version: number, changed: Set<number>): Buffer => Buffer.from(changed.has(i) ? `${i}@${version}\n` : `${i}\n`);

/** A tree of `n` such blobs. */
function tree(n: number, version: number, changed: Set<number>): Buffer {
  const entries: TreeEntry[] = [];
  for (let i = 0; i < n; i++) entries.push({ mode: '100644', name: `f-${String(i).padStart(5, '0')}.bin`, oid: hashObject('blob', blobOf(i, version, changed)) });
  return encodeTree(entries);
}

describe('delta encoder', () => {
  it('writes the instructions git would read, byte for byte', () => {
    const s = Buffer.from('abcdefghijklmnopqrstuvwxyz012345');
    // Identical: sizes 32 and 32, then one copy of 32 bytes at offset 0 (no offset byte, one size byte).
    expect([...encodeDelta(s, s)!]).toEqual([32, 32, 0x90, 32]);
    // A prefix inserted: insert 3 bytes, then the copy.
    expect([...encodeDelta(s, Buffer.concat([Buffer.from('XYZ'), s]))!]).toEqual([32, 35, 3, 0x58, 0x59, 0x5a, 0x90, 32]);
    // Copy at offset 16 (one offset byte), 16 bytes.
    expect([...encodeDelta(s, s.subarray(16))!]).toEqual([32, 16, 0x91, 16, 16]);
    // Nothing in common: literal inserts only, 127 bytes at most each.
    const t = Buffer.alloc(200, 0x41);
    const d = encodeDelta(Buffer.alloc(0), t)!;
    expect([...d.subarray(0, 5)]).toEqual([0, 0xc8, 0x01, 127, 0x41]);
    expect(d[3 + 1 + 127]).toBe(73);
    expect(d.length).toBe(3 + 1 + 127 + 1 + 73);
    // Empty target.
    expect([...encodeDelta(s, Buffer.alloc(0))!]).toEqual([32, 0]);
  });

  it('splits long copies in pieces of 0x10000 and writes 4-byte offsets', () => {
    const big = randomBytes(0x1000000 + 0x30000);
    const target = big.subarray(0x1000000);
    const delta = roundTrip(big, target);
    // 0x30000 bytes at 0x1000000: three copies of 0x10000 (no size byte), offsets 0x1000000, 0x1010000, 0x1020000
    // (only their non-zero bytes: byte 3, then bytes 2 and 3).
    expect([...delta.subarray(delta.length - 8)]).toEqual([0x88, 0x01, 0x8c, 0x01, 0x01, 0x8c, 0x02, 0x01]);
    expect(delta.length).toBe(4 + 3 + 8);
    expect(deltaCopies(delta)).toEqual([{ targetOffset: 0, sourceOffset: 0x1000000, length: 0x30000 }]);
  });

  it('round-trips edits of every kind', () => {
    const base = randomBytes(50_000);
    const cases: Buffer[] = [
      base,
      Buffer.alloc(0),
      base.subarray(0, 10),
      Buffer.concat([base.subarray(0, 20_000), randomBytes(300), base.subarray(20_000)]), // insertion
      Buffer.concat([base.subarray(0, 20_000), base.subarray(21_000)]), // deletion
      Buffer.concat([base.subarray(30_000), base.subarray(0, 30_000)]), // moved blocks
      Buffer.concat([base.subarray(0, 7), randomBytes(5), base.subarray(12, 49_993), randomBytes(3)]), // unaligned edits near both ends
      randomBytes(40_000), // unrelated
      Buffer.concat([base, base, base]), // repeated
      Buffer.alloc(100_000, 0), // runs
    ];
    for (const target of cases) roundTrip(base, target);
    roundTrip(Buffer.alloc(0), base);
    roundTrip(Buffer.alloc(70_000, 7), Buffer.alloc(200_000, 7));
    roundTrip(Buffer.from('short'), Buffer.from('shorter'));
  });

  it('is small for a tree with a few changed entries, and reports its copies', () => {
    const newer = tree(1000, 2, new Set([3, 500, 999]));
    const older = tree(1000, 1, new Set([3, 500, 999]));
    const delta = roundTrip(newer, older);
    expect(delta.length).toBeLessThan(200);
    const copies = deltaCopies(delta);
    const copied = copies.reduce((n, c) => n + c.length, 0);
    expect(copied).toBeGreaterThan(older.length - 3 * 40);
    for (const c of copies) expect(older.subarray(c.targetOffset, c.targetOffset + c.length).equals(newer.subarray(c.sourceOffset, c.sourceOffset + c.length))).toBe(true);
  });

  it('gives up past maxDeltaBytes', () => {
    const a = randomBytes(10_000);
    expect(encodeDelta(a, randomBytes(10_000), { maxDeltaBytes: 5000 })).toBeNull();
    expect(encodeDelta(a, a, { maxDeltaBytes: 5000 })).not.toBeNull();
    expect(encodeDelta(a, a, { maxDeltaBytes: 3 })).toBeNull();
  });

  it('writes OFS_DELTA and REF_DELTA packs that git index-pack --strict and verify-pack accept', async () => {
    // A chain of tree versions, newest first: the newest whole, each older one a delta against the one before it.
    const changedIn = (v: number) => new Set([v, v * 7, v * 31]);
    const versions = [5, 4, 3, 2, 1].map((v) => tree(300, v, changedIn(v)));
    // The blobs they name, whole, after the trees (so that --strict finds every link).
    const blobs = new Map<string, Buffer>();
    for (const v of [5, 4, 3, 2, 1]) for (let i = 0; i < 300; i++) blobs.set(hashObject('blob', blobOf(i, v, changedIn(v))), blobOf(i, v, changedIn(v)));
    for (const kind of ['ofs', 'ref'] as const) {
      const parts: Buffer[] = [encodePackHeader(versions.length + blobs.size)];
      let offset = 12;
      const offsets: number[] = [];
      versions.forEach((body, i) => {
        offsets.push(offset);
        let entry: Buffer;
        if (i === 0) entry = Buffer.concat([encodePackEntryHeader(PACK_TYPE.tree, body.length), deflateBody(body)]);
        else {
          const delta = encodeDelta(versions[i - 1], body)!;
          const baseRef = kind === 'ofs' ? encodeOfsOffset(offset - offsets[i - 1]) : Buffer.from(hashObject('tree', versions[i - 1]), 'hex');
          entry = Buffer.concat([encodePackEntryHeader(kind === 'ofs' ? OBJ_OFS_DELTA : OBJ_REF_DELTA, delta.length), baseRef, deflateBody(delta)]);
        }
        parts.push(entry);
        offset += entry.length;
      });
      for (const b of blobs.values()) parts.push(encodePackEntryHeader(PACK_TYPE.blob, b.length), deflateBody(b));
      const body = Buffer.concat(parts);
      const pack = Buffer.concat([body, createHash('sha1').update(body).digest()]);
      const dir = path.join(tmp, kind);
      mkdirSync(dir);
      writeFileSync(path.join(dir, 'p.pack'), pack);
      git(['index-pack', '--strict', '-o', path.join(dir, 'p.idx'), path.join(dir, 'p.pack')]);
      const verify = git(['verify-pack', '-v', path.join(dir, 'p.idx')]);
      for (const v of versions) expect(verify).toContain(hashObject('tree', v));
      expect(verify).toMatch(/chain length = 4: 1 object/);
      // And our own reader agrees.
      const seen: string[] = [];
      for await (const o of readPack([pack])) if (o.type === 'tree') seen.push(o.oid);
      expect(seen.sort()).toEqual(versions.map((v) => hashObject('tree', v)).sort());
    }
  });
});
