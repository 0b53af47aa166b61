import { createHash, randomBytes } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import {
  deflateBody,
  encodeDelta,
  encodeOfsOffset,
  encodePackEntryHeader,
  encodePackHeader,
  hashObject,
  type LargeBlobWriter,
  OBJ_OFS_DELTA,
  PACK_TYPE,
  PackError,
  type PackObject,
  type PackSummary,
  readPack,
  type ReadPackOptions,
  type StreamedBlob,
} from '../../src/git/codec';

/**
 * `readPack` with `largeBlobs`: a large whole blob is inflated piece by piece (hashed, never held)
 * and its zlib stream handed to the writer byte for byte, whatever the input chunking; deltas
 * against it reload it; bad entries abort the writer.
 */

/** A pack of these entries (header + body buffers each). */
function pack(entries: Buffer[][]): Buffer {
  const body = Buffer.concat([encodePackHeader(entries.length), ...entries.flat()]);
  return Buffer.concat([body, createHash('sha1').update(body).digest()]);
}

const whole = (type: 'blob' | 'tree', body: Buffer, deflated = deflateBody(body)): Buffer[] => [encodePackEntryHeader(PACK_TYPE[type], body.length), deflated];

function* chunks(buf: Buffer, size: number): Generator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

/** A writer that keeps what it is given, and records how it ended. */
function memoryWriter() {
  const log: { chunks: Buffer[]; finished: string | null; aborted: boolean; largestChunk: number }[] = [];
  const open = async (): Promise<LargeBlobWriter> => {
    const entry = { chunks: [] as Buffer[], finished: null as string | null, aborted: false, largestChunk: 0 };
    log.push(entry);
    return {
      write: async (c) => {
        entry.chunks.push(Buffer.from(c));
        entry.largestChunk = Math.max(entry.largestChunk, c.length);
      },
      finish: async (oid) => {
        entry.finished = oid;
        return `mem/${oid}`;
      },
      abort: async () => {
        entry.aborted = true;
      },
    };
  };
  return { log, open };
}

async function readAll(source: Iterable<Buffer>, opts: ReadPackOptions): Promise<{ objects: (PackObject | StreamedBlob)[]; summary: PackSummary }> {
  const gen = readPack(source, opts);
  const objects: (PackObject | StreamedBlob)[] = [];
  for (;;) {
    const r = await gen.next();
    if (r.done) return { objects, summary: r.value };
    objects.push(r.value);
  }
}

async function errorCode(source: Iterable<Buffer>, opts: ReadPackOptions): Promise<string> {
  try {
    await readAll(source, opts);
  } catch (err) {
    if (err instanceof PackError) return err.code;
    throw err;
  }
  return 'no error';
}

describe('pack reader: large blobs streamed to a writer', () => {
  const big = Buffer.concat([randomBytes(1_500_000), Buffer.from('some text '.repeat(100_000))]);
  const small = Buffer.from('small blob\n');

  it.each([1 << 16, 1000, 7777, 1 << 22])('hands over the exact zlib stream and the right id (input chunks of %d bytes)', async (chunkSize) => {
    const deflated = deflateSync(big, { level: 6 });
    const p = pack([whole('blob', small), whole('blob', big, deflated), whole('blob', small.subarray(1))]);
    const w = memoryWriter();
    const { objects, summary } = await readAll(chunks(p, chunkSize), { largeBlobs: { minBytes: 1024 * 1024, open: w.open } });
    expect(objects.map((o) => o.oid)).toEqual([hashObject('blob', small), hashObject('blob', big), hashObject('blob', small.subarray(1))]);
    const streamed = objects[1] as StreamedBlob;
    expect(streamed).toMatchObject({ body: null, size: big.length, storedAs: `mem/${hashObject('blob', big)}`, depth: 0 });
    expect(objects[0].body).not.toBeNull();
    expect(w.log).toHaveLength(1);
    expect(w.log[0]).toMatchObject({ finished: hashObject('blob', big), aborted: false });
    const got = Buffer.concat(w.log[0].chunks);
    expect(createHash('sha256').update(got).digest('hex')).toBe(createHash('sha256').update(deflated).digest('hex'));
    expect(w.log[0].largestChunk).toBeLessThanOrEqual(Math.max(chunkSize, 1 << 16) + 1);
    expect(summary.count).toBe(3);
  });

  it('finds the end of the stream when it falls exactly on a chunk boundary, or one byte at a time', async () => {
    const blob = randomBytes(5000);
    const deflated = deflateBody(blob);
    const head = encodePackHeader(2);
    const entryHead = encodePackEntryHeader(PACK_TYPE.blob, blob.length);
    const p = pack([whole('blob', blob, deflated), whole('blob', small)]);
    const boundary = head.length + entryHead.length + deflated.length;
    const cuts = [p.subarray(0, boundary), p.subarray(boundary)];
    for (const source of [cuts, chunks(p, 1)]) {
      const w = memoryWriter();
      const { objects } = await readAll(source, { largeBlobs: { minBytes: 4096, open: w.open } });
      expect(objects.map((o) => o.oid)).toEqual([hashObject('blob', blob), hashObject('blob', small)]);
      expect(Buffer.concat(w.log[0].chunks).equals(deflated)).toBe(true);
    }
  });

  it('resolves a delta against a streamed blob by reloading it', async () => {
    const base = randomBytes(200_000);
    const target = Buffer.concat([base.subarray(0, 100_000), Buffer.from('changed'), base.subarray(100_000)]);
    const delta = encodeDelta(base, target)!;
    const baseEntry = whole('blob', base);
    const offset = 12 + baseEntry[0].length + baseEntry[1].length;
    const p = pack([baseEntry, [encodePackEntryHeader(OBJ_OFS_DELTA, delta.length), encodeOfsOffset(offset - 12), deflateBody(delta)]]);
    const w = memoryWriter();
    const reloaded: string[] = [];
    const { objects, summary } = await readAll([p], {
      largeBlobs: { minBytes: 100_000, open: w.open },
      reloadObject: async (oid) => {
        reloaded.push(oid);
        return { type: 'blob', body: inflateSync(Buffer.concat(w.log[0].chunks)) };
      },
    });
    expect(reloaded).toEqual([hashObject('blob', base)]);
    expect(objects.map((o) => o.oid)).toEqual([hashObject('blob', base), hashObject('blob', target)]);
    expect((objects[1] as PackObject).body.equals(target)).toBe(true);
    expect(summary.reloadedBases).toBe(1);
  });

  it('aborts the writer on a truncated, corrupt or lying entry', async () => {
    const blob = randomBytes(300_000);
    const deflated = deflateBody(blob);
    const opts = (w: ReturnType<typeof memoryWriter>): ReadPackOptions => ({ largeBlobs: { minBytes: 100_000, open: w.open } });
    const cases: [string, Buffer][] = [
      ['truncated', pack([whole('blob', blob, deflated)]).subarray(0, 12 + 4 + 150_000)],
      ['bad-zlib', pack([[encodePackEntryHeader(PACK_TYPE.blob, blob.length), Buffer.concat([deflated.subarray(0, 1000), Buffer.alloc(64, 0xff), deflated.subarray(1064)])]])],
      ['size-mismatch', pack([[encodePackEntryHeader(PACK_TYPE.blob, blob.length + 1), deflated]])],
      ['size-mismatch', pack([[encodePackEntryHeader(PACK_TYPE.blob, blob.length - 1), deflated]])],
    ];
    for (const [code, p] of cases) {
      const w = memoryWriter();
      expect(await errorCode(chunks(p, 8192), opts(w))).toBe(code);
      expect(w.log).toHaveLength(1);
      expect(w.log[0]).toMatchObject({ finished: null, aborted: true });
    }
    // A bad trailer is found after the entry: the blob itself was intact and stays filed.
    const good = pack([whole('blob', blob, deflated)]);
    const badTrailer = Buffer.from(good);
    badTrailer[badTrailer.length - 1] ^= 1;
    const w = memoryWriter();
    expect(await errorCode([badTrailer], opts(w))).toBe('bad-trailer');
    expect(w.log[0].finished).toBe(hashObject('blob', blob));
  });

  it('leaves trees, small blobs and deltas in memory', async () => {
    const tree = Buffer.alloc(2_000_000, 1);
    const w = memoryWriter();
    const { objects } = await readAll([pack([whole('tree', tree), whole('blob', small)])], { largeBlobs: { minBytes: 1, open: w.open } });
    expect(objects[0].body).not.toBeNull();
    expect(objects[1].body).toBeNull();
    expect(w.log).toHaveLength(1);
  });

  describe('inflate limits (a push of zeros costs no more than its bytes allow)', () => {
    const zeros = (n: number, mark: number) => {
      const b = Buffer.alloc(n);
      b[0] = mark; // distinct objects
      return b;
    };
    // 20 blobs of 8 MiB of zeros: about 160 KiB of pack for 160 MiB of content.
    const bomb = pack(Array.from({ length: 20 }, (_, i) => whole('blob', zeros(8 * 1024 * 1024, i))));

    it('refuses a pack past the ratio while streaming the blob that crosses it, before filing it', async () => {
      const w = memoryWriter();
      const opts: ReadPackOptions = { largeBlobs: { minBytes: 1024 * 1024, open: w.open }, maxInflateRatio: { ratio: 200, afterBytes: 16 * 1024 * 1024 } };
      expect(await errorCode(chunks(bomb, 64 * 1024), opts)).toBe('inflate-limit');
      // Two blobs fit under afterBytes; the third crosses it and is dropped, the rest never start.
      expect(w.log.map((e) => (e.finished ? 'filed' : e.aborted ? 'aborted' : 'open'))).toEqual(['filed', 'filed', 'aborted']);
    });

    it('refuses a pack past the total before inflating the entry that would cross it', async () => {
      const w = memoryWriter();
      const opts: ReadPackOptions = { largeBlobs: { minBytes: 1024 * 1024, open: w.open }, maxInflatedBytes: 20 * 1024 * 1024 };
      expect(await errorCode(chunks(bomb, 64 * 1024), opts)).toBe('inflate-limit');
      expect(w.log).toHaveLength(2);
    });

    it('counts objects built from deltas toward the total (not the ratio)', async () => {
      const base = randomBytes(1024 * 1024);
      const baseEntry = whole('blob', base);
      const entries: Buffer[][] = [baseEntry];
      let offset = 12 + baseEntry[0].length + baseEntry[1].length;
      // 30 deltas against the base, each a whole copy of it plus one byte: 30 MiB built from ~1 KiB.
      for (let i = 0; i < 30; i++) {
        const delta = encodeDelta(base, Buffer.concat([base, Buffer.from([i])]))!;
        const e = [encodePackEntryHeader(OBJ_OFS_DELTA, delta.length), encodeOfsOffset(offset - 12), deflateBody(delta)];
        entries.push(e);
        offset += e.reduce((n, b) => n + b.length, 0);
      }
      const p = pack(entries);
      expect(await errorCode([p], { maxInflatedBytes: 20 * 1024 * 1024 })).toBe('inflate-limit');
      expect(await errorCode([p], { maxInflateRatio: { ratio: 2, afterBytes: 0 } })).toBe('no error');
    });

    it('counts objects held in memory too', async () => {
      const blobs = pack(Array.from({ length: 40 }, (_, i) => whole('blob', zeros(512 * 1024, i))));
      expect(await errorCode([blobs], { maxInflateRatio: { ratio: 100, afterBytes: 4 * 1024 * 1024 } })).toBe('inflate-limit');
      expect(await errorCode([blobs], { maxInflatedBytes: 10 * 1024 * 1024 })).toBe('inflate-limit');
    });

    it('lets ordinary packs through with the defaults Hangar uses', async () => {
      const text = Buffer.from(Array.from({ length: 200_000 }, (_, i) => `line ${i} of a file with some words\n`).join(''));
      const p = pack([whole('blob', text), whole('blob', randomBytes(3 * 1024 * 1024))]);
      const { objects } = await readAll([p], { maxInflatedBytes: 16 * 1024 ** 3, maxInflateRatio: { ratio: 200, afterBytes: 64 * 1024 * 1024 } });
      expect(objects).toHaveLength(2);
    });
  });
});
