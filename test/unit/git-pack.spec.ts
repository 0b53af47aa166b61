import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { deflateSync, inflateSync } from 'node:zlib';
import {
  applyDelta,
  decodeOfsOffset,
  deflateBody,
  DeltaError,
  demuxSideband,
  encodeCommit,
  encodeOfsOffset,
  encodePackEntryHeader,
  encodePackHeader,
  encodeTag,
  encodeTree,
  FLUSH,
  type GitObjectType,
  hashObject,
  type Oid,
  PACK_TYPE,
  PackError,
  type PackObject,
  type PackObjectInput,
  packReadable,
  type PackSummary,
  PackWriteError,
  PackWriter,
  pkt,
  readPack,
  type ReadPackOptions,
  readUntilFlush,
  type ResolvedObject,
  sidebandStream,
  type Signature,
  writePack,
} from '../../src/git/codec';
import { deterministicGitEnv, runGitSync } from '../support/git-sync';

/**
 * The pack codec against the git CLI: packs we write must pass `git index-pack --strict`, and packs
 * git writes (OFS_DELTA, REF_DELTA, thin) must parse into exactly the objects, offsets and delta
 * depths `git verify-pack -v` reports.
 */

let tmp: string;
let work: string;

function gitRaw(args: string[], input?: Buffer | string, cwd = work): Buffer {
  return runGitSync(args, { cwd, input, home: tmp });
}
const git = (args: string[], input?: Buffer | string, cwd = work): string => gitRaw(args, input, cwd).toString('utf8').trim();

const sha1 = (b: Buffer): Buffer => createHash('sha1').update(b).digest();
/** Header + entries + the SHA-1 trailer. */
const packOf = (entries: Buffer[], count = entries.length): Buffer => {
  const body = Buffer.concat([encodePackHeader(count), ...entries]);
  return Buffer.concat([body, sha1(body)]);
};
/** Recomputes the trailer after editing a pack, so the edit itself is what gets detected. */
const retrail = (pack: Buffer): Buffer => {
  const body = pack.subarray(0, pack.length - 20);
  return Buffer.concat([body, sha1(body)]);
};
const entry = (type: number, data: Buffer, prefix: Buffer = Buffer.alloc(0), size = data.length): Buffer =>
  Buffer.concat([encodePackEntryHeader(type, size), prefix, deflateSync(data)]);

function varint(n: number): Buffer {
  const out: number[] = [];
  do {
    let c = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) c |= 0x80;
    out.push(c);
  } while (n > 0);
  return Buffer.from(out);
}
const delta = (sourceSize: number, targetSize: number, ...ops: Buffer[]): Buffer => Buffer.concat([varint(sourceSize), varint(targetSize), ...ops]);
const insert = (data: string | Buffer): Buffer => {
  const b = Buffer.from(data);
  return Buffer.concat([Buffer.from([b.length]), b]);
};
/** A copy instruction with every offset and size byte present. */
const copy = (offset: number, size: number): Buffer =>
  Buffer.from([0xff, offset & 0xff, (offset >>> 8) & 0xff, (offset >>> 16) & 0xff, (offset >>> 24) & 0xff, size & 0xff, (size >>> 8) & 0xff, (size >>> 16) & 0xff]);

async function collect(source: Parameters<typeof readPack>[0], opts: Omit<ReadPackOptions, 'largeBlobs'> = {}): Promise<{ objects: PackObject[]; summary: PackSummary }> {
  const gen = readPack(source, opts);
  const objects: PackObject[] = [];
  for (;;) {
    const r = await gen.next();
    if (r.done) return { objects, summary: r.value };
    objects.push(r.value);
  }
}

async function packErrorCode(source: Parameters<typeof readPack>[0], opts: ReadPackOptions = {}): Promise<string> {
  try {
    await collect(source, opts);
  } catch (err) {
    if (!(err instanceof PackError)) throw err;
    return err.code;
  }
  return 'no error';
}

function* chunks(buf: Buffer, max: number, seed = 1): Generator<Buffer> {
  let s = seed;
  for (let pos = 0; pos < buf.length; ) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const n = 1 + (s % max);
    yield buf.subarray(pos, pos + n);
    pos += n;
  }
}

async function drain(gen: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of gen) parts.push(c);
  return Buffer.concat(parts);
}

/** `git cat-file --batch-check` for these oids: oid → type. */
function typesOf(oids: string[]): Map<string, string> {
  const out = git(['cat-file', '--batch-check'], `${oids.join('\n')}\n`);
  return new Map(out.split('\n').map((l) => l.split(' ') as [string, string]));
}

/** The objects git packs for these revisions, as sorted "oid type" lines. */
function expectedObjects(revs: string[]): string[] {
  const oids = git(['rev-list', '--objects', ...revs]).split('\n').map((l) => l.slice(0, 40));
  const types = typesOf(oids);
  return oids.map((o) => `${o} ${types.get(o)}`).sort();
}

const described = (objects: PackObject[]): string[] => objects.map((o) => `${o.oid} ${o.type}`).sort();

interface VerifyLine {
  oid: string;
  type: string;
  size: number;
  offset: number;
  depth: number;
}

/** Indexes `pack` with git and parses `git verify-pack -v`. */
function verifyPack(pack: Buffer, name: string): { lines: VerifyLine[]; output: string } {
  const dir = path.join(tmp, 'verify');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.pack`);
  writeFileSync(file, pack);
  git(['index-pack', '--strict', '-o', path.join(dir, `${name}.idx`), file]);
  const output = git(['verify-pack', '-v', path.join(dir, `${name}.idx`)]);
  const lines = output
    .split('\n')
    .filter((l) => /^[0-9a-f]{40} /.test(l))
    .map((l) => {
      const f = l.split(/\s+/);
      return { oid: f[0], type: f[1], size: Number(f[2]), offset: Number(f[4]), depth: f[5] ? Number(f[5]) : 0 };
    });
  return { lines, output };
}

/** An external-base resolver reading from the work repository, recording what it was asked. */
function repoResolver(calls: string[]): (oid: Oid) => Promise<ResolvedObject | null> {
  return async (oid) => {
    calls.push(oid);
    const r = spawnSync('git', ['cat-file', '-t', oid], { cwd: work, env: deterministicGitEnv(tmp) });
    if (r.status !== 0) return null;
    const type = r.stdout.toString().trim() as GitObjectType;
    return { type, body: gitRaw(['cat-file', type, oid]) };
  };
}

let fullPack: Buffer;
let refPack: Buffer;
let thinPack: Buffer;
let head: string;
let old: string;

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'hangar-pack-'));
  work = path.join(tmp, 'work');
  gitRaw(['init', '-q', '-b', 'main', work], undefined, tmp);
  mkdirSync(path.join(work, 'src'));
  mkdirSync(path.join(work, 'data'));
  // Similar content across commits, so git deltifies blobs and trees.
  const lines = Array.from({ length: 3000 }, (_, i) => `line ${i}: the quick brown fox jumps over the lazy dog ${i * 7919}`);
  const binary = randomBytes(20_000);
  for (let c = 0; c < 6; c++) {
    for (let k = 0; k < 5; k++) lines[(c * 613 + k * 97) % lines.length] = `changed in commit ${c} (${k})`;
    writeFileSync(path.join(work, 'big.txt'), `${lines.join('\n')}\n`);
    writeFileSync(path.join(work, 'README.md'), `# Model card\n\nrevision ${c}\n${'Some description.\n'.repeat(40)}`);
    writeFileSync(path.join(work, 'src', 'model.py'), `${'def layer(x):\n    return x * 2\n\n'.repeat(30 + c)}`);
    binary[c * 100] ^= 0xff;
    writeFileSync(path.join(work, 'data', 'weights.bin'), binary);
    if (c % 2 === 0) writeFileSync(path.join(work, 'src', `extra${c}.py`), `print(${c})\n`);
    git(['add', '-A']);
    git(['commit', '-q', '-m', `commit ${c}`]);
  }
  git(['tag', '-a', 'v1', '-m', 'release v1']);
  head = git(['rev-parse', 'HEAD']);
  old = git(['rev-parse', 'HEAD~2']);
  fullPack = gitRaw(['pack-objects', '--revs', '--stdout', '-q', '--delta-base-offset'], 'HEAD\n');
  refPack = gitRaw(['pack-objects', '--revs', '--stdout', '-q', '--no-delta-base-offset'], 'HEAD\n');
  thinPack = gitRaw(['pack-objects', '--revs', '--thin', '--stdout', '-q'], `${head}\n^${old}\n`);
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('delta', () => {
  it('applies insert and copy instructions', () => {
    const base = Buffer.from('hello world');
    expect(applyDelta(base, delta(11, 5, insert('howdy'))).toString()).toBe('howdy');
    // 0x91: one offset byte, one size byte.
    expect(applyDelta(base, delta(11, 12, Buffer.from([0x91, 6, 5]), insert(', '), Buffer.from([0x90, 5]))).toString()).toBe('world, hello');
    expect(applyDelta(base, delta(11, 11, copy(0, 11))).equals(base)).toBe(true);
    expect(applyDelta(Buffer.alloc(0), delta(0, 0)).length).toBe(0);
  });

  it('reads a copy size of 0 as 0x10000', () => {
    const base = randomBytes(0x10000 + 5);
    expect(applyDelta(base, delta(base.length, 0x10000, Buffer.from([0x80]))).equals(base.subarray(0, 0x10000))).toBe(true);
    expect(applyDelta(base, delta(base.length, 0x10000, Buffer.from([0x81, 5]))).equals(base.subarray(5))).toBe(true);
  });

  it('refuses malformed deltas with a DeltaError', () => {
    const base = Buffer.from('hello world');
    const code = (d: Buffer, b = base, max?: number) => {
      try {
        applyDelta(b, d, max);
      } catch (err) {
        expect(err).toBeInstanceOf(DeltaError);
        return (err as DeltaError).code;
      }
      return 'no error';
    };
    expect(code(delta(11, 1, Buffer.from([0])))).toBe('bad-opcode');
    expect(code(delta(10, 5, insert('howdy')))).toBe('source-size');
    expect(code(delta(11, 6, insert('howdy')))).toBe('target-size');
    expect(code(delta(11, 4, insert('howdy')))).toBe('target-size');
    expect(code(delta(11, 5, copy(7, 5)))).toBe('out-of-bounds');
    // A 4th offset byte ≥ 0x80 must not turn the offset negative.
    expect(code(delta(11, 1, Buffer.from([0x98, 0x80, 1])))).toBe('out-of-bounds');
    expect(code(delta(11, 5, Buffer.from([5]), Buffer.from('how')))).toBe('truncated');
    expect(code(delta(11, 5, Buffer.from([0x91, 6])))).toBe('truncated');
    expect(code(Buffer.from([0x8b]))).toBe('truncated');
    expect(code(delta(11, 100, copy(0, 11)), base, 50)).toBe('too-large');
  });

  it('encodes OFS_DELTA distances as git does', () => {
    const vectors: [number, number[]][] = [
      [0, [0x00]],
      [1, [0x01]],
      [127, [0x7f]],
      [128, [0x80, 0x00]],
      [129, [0x80, 0x01]],
      [16511, [0xff, 0x7f]],
      [16512, [0x80, 0x80, 0x00]],
    ];
    for (const [n, bytes] of vectors) {
      expect([...encodeOfsOffset(n)]).toEqual(bytes);
      expect(decodeOfsOffset(Buffer.from([0xaa, ...bytes, 0x55]), 1)).toEqual({ distance: n, length: bytes.length });
    }
    for (const n of [255, 256, 1000, 65535, 2 ** 20 + 3, 2 ** 31, 2 ** 40 + 17]) {
      const e = encodeOfsOffset(n);
      expect(decodeOfsOffset(e)).toEqual({ distance: n, length: e.length });
    }
    expect(() => decodeOfsOffset(Buffer.from([0x80]))).toThrow(DeltaError);
    expect(() => encodeOfsOffset(-1)).toThrow(RangeError);
  });
});

const AUTHOR: Signature = { name: 'A U Thor', email: 'author@example.com', timestamp: 1700000000, timezone: '+0100' };

/** Blobs, trees, a commit and a tag made with the codec, as the store keeps them. */
function codecObjects(): { oid: Oid; type: GitObjectType; body: Buffer; input: PackObjectInput }[] {
  const raw: { type: GitObjectType; body: Buffer }[] = [];
  const add = (type: GitObjectType, body: Buffer) => {
    raw.push({ type, body });
    return hashObject(type, body);
  };
  const empty = add('blob', Buffer.alloc(0));
  const hello = add('blob', Buffer.from('hello\n'));
  const random = add('blob', randomBytes(100_000));
  const text = add('blob', Buffer.from('a line of text\n'.repeat(10_000)));
  const sub = add('tree', encodeTree([{ mode: '100644', name: 'inner.txt', oid: hello }]));
  const root = add(
    'tree',
    encodeTree([
      { mode: '100644', name: 'empty', oid: empty },
      { mode: '100755', name: 'run.sh', oid: hello },
      { mode: '100644', name: 'weights.bin', oid: random },
      { mode: '100644', name: 'a.txt', oid: text },
      { mode: '40000', name: 'sub', oid: sub },
    ]),
  );
  const commit = add('commit', encodeCommit({ tree: root, parents: [], author: AUTHOR, committer: AUTHOR, message: 'initial\n' }));
  add('tag', encodeTag({ object: commit, type: 'commit', tag: 'v1', tagger: AUTHOR, message: 'release\n' }));
  return raw.map(({ type, body }) => ({ oid: hashObject(type, body), type, body, input: { type, size: body.length, deflated: deflateBody(body) } }));
}

describe('pack writer', () => {
  it('writes entry headers per gitformat-pack', () => {
    expect([...encodePackEntryHeader(3, 15)]).toEqual([0x3f]);
    expect([...encodePackEntryHeader(3, 16)]).toEqual([0xb0, 0x01]);
    expect([...encodePackEntryHeader(1, 0)]).toEqual([0x10]);
    expect([...encodePackEntryHeader(2, 100_000)]).toEqual([0xa0, 0xea, 0x30]);
    expect([...encodePackHeader(3)]).toEqual([0x50, 0x41, 0x43, 0x4b, 0, 0, 0, 2, 0, 0, 0, 3]);
    expect(() => encodePackEntryHeader(5, 1)).toThrow(RangeError);
  });

  it('matches the entry headers of a pack git wrote', () => {
    const { lines } = verifyPack(fullPack, 'headers');
    for (const l of lines.filter((x) => x.depth === 0)) {
      const h = encodePackEntryHeader(PACK_TYPE[l.type as GitObjectType], l.size);
      expect(fullPack.subarray(l.offset, l.offset + h.length).equals(h)).toBe(true);
    }
  });

  it('writes a pack git index-pack --strict accepts, with every object intact', async () => {
    const objs = codecObjects();
    const pack = await drain(writePack(objs.length, objs.map((o) => o.input)));
    const bare = path.join(tmp, 'written.git');
    git(['init', '-q', '--bare', bare], undefined, tmp);
    const indexed = git(['index-pack', '--stdin', '--strict'], pack, bare);
    expect(indexed).toBe(`pack\t${pack.subarray(-20).toString('hex')}`);
    for (const o of objs) {
      expect(git(['cat-file', '-t', o.oid], undefined, bare)).toBe(o.type);
      expect(gitRaw(['cat-file', o.type, o.oid], undefined, bare).equals(o.body)).toBe(true);
    }
    expect(git(['cat-file', '-p', objs[6].oid], undefined, bare)).toContain(`tree ${objs[5].oid}`);
    const idx = readdirSync(path.join(bare, 'objects', 'pack')).find((f) => f.endsWith('.idx'))!;
    const verify = git(['verify-pack', '-v', path.join(bare, 'objects', 'pack', idx)], undefined, bare);
    expect(verify).toContain(`non delta: ${objs.length} objects`);
    git(['fsck', '--strict', '--no-dangling'], undefined, bare);

    // Our reader gives back the same objects, in order, with the stored zlib streams byte for byte.
    const { objects, summary } = await collect([pack]);
    expect(objects.map((o) => o.oid)).toEqual(objs.map((o) => o.oid));
    objects.forEach((o, i) => expect(o.deflated!.equals(objs[i].input.deflated)).toBe(true));
    expect(summary).toMatchObject({ count: objs.length, ofsDeltas: 0, refDeltas: 0, checksum: pack.subarray(-20).toString('hex'), bytes: pack.length });
  });

  it('writes the empty pack', async () => {
    const pack = await drain(writePack(0, []));
    expect(pack.length).toBe(32);
    const bare = path.join(tmp, 'empty.git');
    git(['init', '-q', '--bare', bare], undefined, tmp);
    git(['index-pack', '--stdin', '--strict'], pack, bare);
    expect(pack.equals(gitRaw(['pack-objects', '--stdout', '-q'], ''))).toBe(true);
  });

  it('throws when the objects do not match the declared count, or a body is not stored deflated', async () => {
    const [a, b] = codecObjects().map((o) => o.input);
    await expect(drain(writePack(2, [a]))).rejects.toThrow(PackWriteError);
    await expect(drain(writePack(1, [a, b]))).rejects.toThrow(PackWriteError);
    await expect(drain(writePack(1, [{ type: 'blob', size: 5, deflated: Buffer.from('hello') }]))).rejects.toThrow(PackWriteError);
    const w = new PackWriter(1);
    expect(() => w.entry(a)).toThrow(PackWriteError);
    w.header();
    expect(() => w.finish()).toThrow(PackWriteError);
    w.entry(a);
    expect(w.finish().length).toBe(20);
    expect(() => w.entry(b)).toThrow(PackWriteError);
  });

  it('streams with backpressure: objects are pulled only as the consumer reads', async () => {
    const body = randomBytes(64 * 1024);
    const stored = deflateBody(body);
    let pulled = 0;
    function* objects(): Generator<PackObjectInput> {
      for (let i = 0; i < 100; i++) {
        pulled++;
        yield { type: 'blob', size: body.length, deflated: stored };
      }
    }
    const readable = packReadable(100, objects());
    const it = readable[Symbol.asyncIterator]();
    const first = (await it.next()).value as Buffer;
    await new Promise((r) => setImmediate(r));
    expect(pulled).toBeLessThan(10);

    // The rest, through side-band-64k into a slow writer, comes out as a valid pack.
    const framed: Buffer[] = [];
    await pipeline(
      Readable.from((async function* () {
        for (let r = await it.next(); !r.done; r = await it.next()) yield r.value as Buffer;
      })()),
      sidebandStream(1),
      new Writable({
        highWaterMark: 1024,
        write(chunk: Buffer, _e, cb) {
          framed.push(chunk);
          setImmediate(cb);
        },
      }),
    );
    expect(pulled).toBe(100);
    const pack = Buffer.concat([first, demuxSideband(Buffer.concat([...framed, FLUSH])).data]);
    expect(pack.length).toBe(12 + 100 * (3 + stored.length) + 20);
    expect(sha1(pack.subarray(0, -20)).equals(pack.subarray(-20))).toBe(true);
  });

  it('reads what it wrote through a side-band round trip', async () => {
    const objs = codecObjects();
    const out: Buffer[] = [];
    await pipeline(
      packReadable(objs.length, objs.map((o) => o.input)),
      sidebandStream(1),
      new Writable({
        write(chunk: Buffer, _e, cb) {
          out.push(chunk);
          cb();
        },
      }),
    );
    const pack = demuxSideband(Buffer.concat([...out, FLUSH])).data;
    const { objects } = await collect(chunks(pack, 5000));
    expect(objects.map((o) => o.oid)).toEqual(objs.map((o) => o.oid));
  });
});

describe('pack reader on packs git wrote', () => {
  it('parses an OFS_DELTA pack into the objects, offsets and delta depths git reports', async () => {
    const { lines, output } = verifyPack(fullPack, 'full');
    expect(lines.some((l) => l.depth > 0)).toBe(true);
    expect(output).toMatch(/chain length = 1: \d+ objects?/);

    const { objects, summary } = await collect([fullPack]);
    expect(described(objects)).toEqual(expectedObjects([head]));
    expect(summary.ofsDeltas).toBeGreaterThan(0);
    expect(summary.refDeltas).toBe(0);
    expect(summary.count).toBe(objects.length);
    expect(summary.checksum).toBe(fullPack.subarray(-20).toString('hex'));
    const byOid = new Map(objects.map((o) => [o.oid, o]));
    for (const l of lines) {
      const o = byOid.get(l.oid)!;
      // verify-pack's size column is the object's size for whole objects, the delta's for deltas.
      expect({ oid: o.oid, type: o.type, offset: o.offset, depth: o.depth }).toEqual({ oid: l.oid, type: l.type, offset: l.offset, depth: l.depth });
      if (l.depth === 0) expect(o.body.length).toBe(l.size);
      if (o.depth === 0) expect(inflateSync(o.deflated!).equals(o.body)).toBe(true);
      else expect(o.deflated).toBeUndefined();
    }
    // Objects come out in pack order: every OFS base precedes its delta.
    const offsets = objects.map((o) => o.offset);
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
  });

  it('gives the same result for any chunking of the input', async () => {
    const whole = described((await collect([fullPack])).objects);
    for (const [max, seed] of [
      [1, 1],
      [7, 2],
      [300, 3],
      [70_000, 4],
    ]) {
      expect(described((await collect(Readable.from(chunks(fullPack, max, seed)))).objects)).toEqual(whole);
    }
  });

  it('parses a REF_DELTA pack (--no-delta-base-offset)', async () => {
    const { lines } = verifyPack(refPack, 'ref');
    const { objects, summary } = await collect(chunks(refPack, 4096));
    expect(described(objects)).toEqual(expectedObjects([head]));
    expect(summary.refDeltas).toBeGreaterThan(0);
    expect(summary.ofsDeltas).toBe(0);
    const depth = new Map(objects.map((o) => [o.oid, o.depth]));
    for (const l of lines) expect(depth.get(l.oid)).toBe(l.depth);
  });

  it('resolves a thin pack through resolveExternalBase, only at the end and only for bases outside the pack', async () => {
    const calls: string[] = [];
    let sourceDone = false;
    async function* source() {
      yield* chunks(thinPack, 1000);
      sourceDone = true;
    }
    const resolver = repoResolver(calls);
    const { objects, summary } = await collect(source(), {
      resolveExternalBase: async (oid) => {
        expect(sourceDone).toBe(true);
        return resolver(oid);
      },
    });
    expect(described(objects)).toEqual(expectedObjects([head, `^${old}`]));
    expect(summary.refDeltas).toBeGreaterThan(0);
    expect(summary.externalBases).toBe(calls.length);
    expect(calls.length).toBeGreaterThan(0);
    const inPack = new Set(objects.map((o) => o.oid));
    const reachableFromOld = new Set(git(['rev-list', '--objects', old]).split('\n').map((l) => l.slice(0, 40)));
    for (const c of calls) {
      expect(inPack.has(c)).toBe(false);
      expect(reachableFromOld.has(c)).toBe(true);
    }
    expect(new Set(calls).size).toBe(calls.length);
  });

  it('refuses a thin pack whose bases cannot be found', async () => {
    expect(await packErrorCode([thinPack])).toBe('delta-base-missing');
    expect(await packErrorCode([thinPack], { resolveExternalBase: async () => null })).toBe('delta-base-missing');
    // A resolver answering with the wrong content is caught by hashing.
    expect(await packErrorCode([thinPack], { resolveExternalBase: async () => ({ type: 'blob', body: Buffer.from('nope') }) })).toBe('delta-base-missing');
  });

  it('parses a thin pack fed one byte at a time', async () => {
    const calls: string[] = [];
    const { objects } = await collect(chunks(thinPack, 1), { resolveExternalBase: repoResolver(calls) });
    expect(described(objects)).toEqual(expectedObjects([head, `^${old}`]));
  });

  it('parses git empty pack', async () => {
    const empty = gitRaw(['pack-objects', '--stdout', '-q'], '');
    const { objects, summary } = await collect([empty]);
    expect(objects).toEqual([]);
    expect(summary).toMatchObject({ count: 0, bytes: 32 });
  });

  it('reloads evicted delta bases from the caller, or fails with base-evicted', async () => {
    const yielded = new Map<string, ResolvedObject>();
    const gen = readPack([fullPack], {
      baseCacheBytes: 0,
      reloadObject: async (oid) => yielded.get(oid) ?? null,
    });
    const objects: PackObject[] = [];
    let summary: PackSummary | undefined;
    for (;;) {
      const r = await gen.next();
      if (r.done) {
        summary = r.value;
        break;
      }
      yielded.set(r.value.oid, r.value);
      objects.push(r.value);
    }
    expect(described(objects)).toEqual(expectedObjects([head]));
    expect(summary.reloadedBases).toBeGreaterThan(0);
    expect(await packErrorCode([fullPack], { baseCacheBytes: 0 })).toBe('base-evicted');
    // A reloaded body that does not hash to the base's id is not used.
    expect(await packErrorCode([fullPack], { baseCacheBytes: 0, reloadObject: async () => ({ type: 'blob', body: Buffer.from('wrong') }) })).toBe('base-evicted');
  });

  it('reads the pack after the commands of a receive-pack body', async () => {
    const body = Buffer.concat([pkt(`${old} ${head} refs/heads/main\0report-status side-band-64k quiet object-format=sha1 agent=git/2.39.5`), FLUSH, thinPack]);
    const { packets, rest } = await readUntilFlush(chunks(body, 512));
    expect(packets).toHaveLength(1);
    const { objects } = await collect(rest, { resolveExternalBase: repoResolver([]) });
    expect(described(objects)).toEqual(expectedObjects([head, `^${old}`]));
  });
});

describe('pack reader on broken or hostile packs', () => {
  const blobA = Buffer.from('base content here\n'.repeat(10));
  const blobB = randomBytes(100);
  const small = packOf([entry(3, blobA), entry(3, blobB), entry(1, Buffer.from('not really a commit\n'))]);

  it('accepts the well-formed hand-made pack', async () => {
    const { objects } = await collect([small]);
    expect(objects.map((o) => o.oid)).toEqual([hashObject('blob', blobA), hashObject('blob', blobB), hashObject('commit', Buffer.from('not really a commit\n'))]);
  });

  it('checks the signature, version and trailer', async () => {
    const bad = Buffer.from(small);
    bad.write('PACX', 0, 'latin1');
    expect(await packErrorCode([retrail(bad)])).toBe('bad-signature');
    const v4 = Buffer.from(small);
    v4.writeUInt32BE(4, 4);
    expect(await packErrorCode([retrail(v4)])).toBe('bad-version');
    for (const p of [small, fullPack]) {
      const flipped = Buffer.from(p);
      flipped[flipped.length - 1] ^= 1;
      expect(await packErrorCode([flipped])).toBe('bad-trailer');
    }
    // A changed byte in an entry: the zlib checksum or the trailer catches it.
    const inner = Buffer.from(fullPack);
    inner[200] ^= 0x10;
    await expect(collect([inner])).rejects.toBeInstanceOf(PackError);
  });

  it('reports truncation at every cut point', async () => {
    for (let cut = 0; cut < small.length; cut++) {
      expect([cut, await packErrorCode([small.subarray(0, cut)])]).toEqual([cut, 'truncated']);
    }
    expect(await packErrorCode(chunks(fullPack.subarray(0, fullPack.length - 30), 1000))).toBe('truncated');
    expect(await packErrorCode([thinPack.subarray(0, thinPack.length / 2)], { resolveExternalBase: repoResolver([]) })).toBe('truncated');
  });

  it('refuses data after the trailer and a wrong object count', async () => {
    expect(await packErrorCode([small, Buffer.from('x')])).toBe('trailing-data');
    const fewer = Buffer.from(small);
    fewer.writeUInt32BE(2, 8);
    expect(await packErrorCode([retrail(fewer)])).toBe('trailing-data');
    const more = Buffer.from(small);
    more.writeUInt32BE(4, 8);
    await expect(collect([retrail(more)])).rejects.toBeInstanceOf(PackError);
  });

  it('refuses an entry whose declared size is not its inflated size', async () => {
    expect(await packErrorCode([packOf([entry(3, blobA, undefined, blobA.length + 1)])])).toBe('size-mismatch');
    expect(await packErrorCode([packOf([entry(3, blobA, undefined, blobA.length - 1)])])).toBe('size-mismatch');
    expect(await packErrorCode([packOf([entry(3, blobA, undefined, 0)])])).toBe('size-mismatch');
    // Through the writer, as a caller with a wrong stored size would produce.
    const lying = await drain(writePack(1, [{ type: 'blob', size: 3, deflated: deflateBody(Buffer.from('four')) }]));
    expect(await packErrorCode([lying])).toBe('size-mismatch');
  });

  it('refuses bad entry types and broken zlib streams', async () => {
    for (const type of [0, 5]) {
      const e = entry(3, blobA);
      e[0] = (e[0] & 0x8f) | (type << 4);
      expect(await packErrorCode([packOf([e])])).toBe('bad-entry');
    }
    expect(await packErrorCode([packOf([Buffer.concat([encodePackEntryHeader(3, 5), Buffer.from('not zlib at all')])])])).toBe('bad-zlib');
  });

  it('enforces maxObjects and maxObjectBytes', async () => {
    expect(await packErrorCode([small], { maxObjects: 2 })).toBe('too-many-objects');
    expect(await packErrorCode([small], { maxObjectBytes: 150 })).toBe('too-large');
    expect((await collect([small], { maxObjects: 3, maxObjectBytes: 180 })).objects).toHaveLength(3);
    // A small delta building a larger object.
    const fanOut = Buffer.from([0x90, 0x10]); // copy 16 bytes
    const d = delta(blobA.length, 16 * 50, ...Array.from({ length: 50 }, () => fanOut));
    const offset2 = 12 + entry(3, blobA).length;
    const amplifying = packOf([entry(3, blobA), entry(6, d, encodeOfsOffset(offset2 - 12))]);
    expect((await collect([amplifying])).objects[1].body.length).toBe(800);
    expect(await packErrorCode([amplifying], { maxObjectBytes: 500 })).toBe('too-large');
  });

  it('resolves a REF_DELTA whose base comes later in the pack, and an OFS_DELTA on top of it', async () => {
    const d1 = delta(blobA.length, blobA.length + 6, copy(0, blobA.length), insert('extra\n'));
    const target1 = Buffer.concat([blobA, Buffer.from('extra\n')]);
    const e0 = entry(7, d1, Buffer.from(hashObject('blob', blobA), 'hex'));
    const d2 = delta(target1.length, 10, Buffer.from([0x90, 10]));
    const e1 = entry(6, d2, encodeOfsOffset(e0.length));
    const e2 = entry(3, blobA);
    const pack = packOf([e0, e1, e2]);
    const { objects, summary } = await collect(chunks(pack, 3));
    expect(objects.map((o) => [o.oid, o.offset, o.depth])).toEqual([
      [hashObject('blob', blobA), 12 + e0.length + e1.length, 0],
      [hashObject('blob', target1), 12, 1],
      [hashObject('blob', blobA.subarray(0, 10)), 12 + e0.length, 2],
    ]);
    expect(summary).toMatchObject({ count: 3, refDeltas: 1, ofsDeltas: 1, externalBases: 0 });
    // git agrees on the ids.
    expect(git(['hash-object', '--stdin'], target1)).toBe(objects[1].oid);
  });

  it('uses resolveExternalBase for a REF_DELTA against an unknown base, and refuses it without', async () => {
    const base = Buffer.from('an object the server already has\n');
    const baseOid = hashObject('blob', base);
    const pack = packOf([entry(7, delta(base.length, 9, copy(3, 6), insert('!!!')), Buffer.from(baseOid, 'hex'))]);
    expect(await packErrorCode([pack])).toBe('delta-base-missing');
    const { objects, summary } = await collect([pack], { resolveExternalBase: async (oid) => (oid === baseOid ? { type: 'blob', body: base } : null) });
    expect(objects.map((o) => o.body.toString())).toEqual(['object!!!']);
    expect(summary.externalBases).toBe(1);
    // Two REF_DELTAs naming each other's (unknowable) results: neither base exists.
    const fake1 = randomBytes(20);
    const fake2 = randomBytes(20);
    const cyc = packOf([entry(7, delta(5, 5, copy(0, 5)), fake1), entry(7, delta(5, 5, copy(0, 5)), fake2)]);
    expect(await packErrorCode([cyc], { resolveExternalBase: async () => null })).toBe('delta-base-missing');
  });

  it('refuses bad OFS_DELTA offsets and bad deltas', async () => {
    const e0 = entry(3, blobA);
    const ok = delta(blobA.length, 5, copy(0, 5));
    expect(await packErrorCode([packOf([e0, entry(6, ok, encodeOfsOffset(0))])])).toBe('delta-cycle');
    expect(await packErrorCode([packOf([e0, entry(6, ok, encodeOfsOffset(e0.length - 2))])])).toBe('bad-delta');
    expect(await packErrorCode([packOf([e0, entry(6, ok, encodeOfsOffset(e0.length + 50))])])).toBe('bad-delta');
    expect(await packErrorCode([packOf([e0, entry(6, delta(blobA.length, 1, Buffer.from([0])), encodeOfsOffset(e0.length))])])).toBe('bad-delta');
    expect(await packErrorCode([packOf([e0, entry(6, delta(blobA.length + 1, 5, copy(0, 5)), encodeOfsOffset(e0.length))])])).toBe('bad-delta');
    expect(await packErrorCode([packOf([e0, entry(6, Buffer.from([0x80]), encodeOfsOffset(e0.length))])])).toBe('bad-delta');
    expect((await collect([packOf([e0, entry(6, ok, encodeOfsOffset(e0.length))])])).objects[1].body.toString()).toBe('base ');
  });

  it('bounds the memory held by deltas waiting for a base', async () => {
    const big = randomBytes(5000);
    const pack = packOf([entry(7, delta(5, big.length, ...Array.from({ length: 50 }, (_, i) => insert(big.subarray(i * 100, i * 100 + 100)))), randomBytes(20))]);
    expect(await packErrorCode([pack], { maxPendingDeltaBytes: 1000 })).toBe('too-large');
  });
});
