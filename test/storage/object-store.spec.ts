import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { ObjectNotFoundError } from '../../src/core/storage/object-store';
import { ContentLengthMismatchError, InvalidPartError } from '../../src/core/storage/storage-errors';
import { collect, fsHarness, randomStream, readAll, s3Harness, sha256Of, type StoreHarness } from './harness';

const MiB = 1024 * 1024;
// Compare digests, not Buffers: jest's toEqual walks a Buffer element by element (slow).
const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/**
 * The behaviour every ObjectStore driver must share, run against each. Signed URLs are
 * exercised over real HTTP: fs through Hangar's own StorageController, s3 against moto.
 */
const DRIVERS = [
  { name: 'fs', make: fsHarness, verifiesSignatures: true },
  // moto (5.x) accepts any presigned URL, tampered or expired; real S3 and MinIO refuse them.
  // The s3 refusal therefore cannot be tested here; the URL's shape is checked instead below.
  { name: 's3', make: s3Harness, verifiesSignatures: false },
] as const;

describe.each(DRIVERS)('ObjectStore contract: $name driver', ({ make, verifiesSignatures }) => {
  let h: StoreHarness;
  // Unique per run, so keys never collide with a previous run's leftovers.
  const p = `t-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    h = await make();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('puts and gets a Buffer', async () => {
    const data = Buffer.from('hello, hangar\n');
    const put = await h.store.put(`${p}/small.txt`, data, { contentType: 'text/plain' });
    expect(put.size).toBe(data.length);

    const got = await h.store.get(`${p}/small.txt`);
    expect(got.size).toBe(data.length);
    expect(got.contentLength).toBe(data.length);
    expect((await readAll(got.body)).toString()).toBe(data.toString());
  });

  it('puts an empty object', async () => {
    await h.store.put(`${p}/empty`, Buffer.alloc(0), { contentLength: 0 });
    expect((await h.store.head(`${p}/empty`))?.size).toBe(0);
    expect(await readAll((await h.store.get(`${p}/empty`)).body)).toHaveLength(0);
  });

  it('streams an object bigger than 8 MiB through put and get', async () => {
    const size = 8 * MiB + 12345;
    const source = randomStream(size);
    const put = await h.store.put(`${p}/big.bin`, source.stream, { contentLength: size });
    expect(put.size).toBe(size);

    const got = await h.store.get(`${p}/big.bin`);
    expect(got.size).toBe(size);
    expect(await sha256Of(got.body)).toBe(source.sha256());
    expect(await h.leftovers()).toBe(0);
  });

  it('gets inclusive byte ranges', async () => {
    const data = Buffer.from('0123456789abcdefghij');
    await h.store.put(`${p}/range.txt`, data);

    const middle = await h.store.get(`${p}/range.txt`, { start: 5, end: 9 });
    expect(middle.contentLength).toBe(5);
    expect(middle.size).toBe(data.length);
    expect((await readAll(middle.body)).toString()).toBe('56789');

    const last = await h.store.get(`${p}/range.txt`, { start: 19, end: 19 });
    expect(last.contentLength).toBe(1);
    expect((await readAll(last.body)).toString()).toBe('j');
  });

  it('throws ObjectNotFoundError for a missing object', async () => {
    await expect(h.store.get(`${p}/missing`)).rejects.toBeInstanceOf(ObjectNotFoundError);
  });

  it('heads an object, and answers null for a missing one', async () => {
    await h.store.put(`${p}/head.bin`, Buffer.alloc(1234, 7));
    const info = await h.store.head(`${p}/head.bin`);
    expect(info).toMatchObject({ key: `${p}/head.bin`, size: 1234 });
    expect(info?.lastModified).toBeInstanceOf(Date);
    expect(await h.store.head(`${p}/nope`)).toBeNull();
  });

  it('deletes, and deleting a missing object is fine', async () => {
    await h.store.put(`${p}/del/me`, Buffer.from('x'));
    await h.store.delete(`${p}/del/me`);
    expect(await h.store.head(`${p}/del/me`)).toBeNull();
    await expect(h.store.delete(`${p}/del/me`)).resolves.toBeUndefined();
    await expect(h.store.delete(`${p}/never/existed`)).resolves.toBeUndefined();
  });

  it('copies an object to another key; the copy survives deleting the source', async () => {
    const bytes = Buffer.from('copy me, please');
    await h.store.put(`${p}/copy/src`, bytes);
    await h.store.copy(`${p}/copy/src`, `${p}/copy/dst/x`);
    await h.store.delete(`${p}/copy/src`);
    const got = await h.store.get(`${p}/copy/dst/x`);
    const chunks: Buffer[] = [];
    for await (const c of got.body) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks)).toEqual(bytes);
    await expect(h.store.copy(`${p}/copy/missing`, `${p}/copy/y`)).rejects.toBeInstanceOf(ObjectNotFoundError);
    expect(await h.store.head(`${p}/copy/y`)).toBeNull();
  });

  it('lists by prefix in lexicographic (byte) order', async () => {
    const keys = [`${p}/ls/b`, `${p}/ls/a/2`, `${p}/ls/a/1`, `${p}/ls/a-x`, `${p}/ls/c/d/e`, `${p}/lsx`];
    for (const key of keys) await h.store.put(key, Buffer.from(key));

    const all = await collect(h.store.list(`${p}/ls/`));
    // "a-x" sorts before "a/1" because "-" (0x2d) < "/" (0x2f): key order, not tree order.
    expect(all.map((o) => o.key)).toEqual([`${p}/ls/a-x`, `${p}/ls/a/1`, `${p}/ls/a/2`, `${p}/ls/b`, `${p}/ls/c/d/e`]);
    expect(all[0].size).toBe(Buffer.byteLength(`${p}/ls/a-x`));

    const partial = await collect(h.store.list(`${p}/ls/a`));
    expect(partial.map((o) => o.key)).toEqual([`${p}/ls/a-x`, `${p}/ls/a/1`, `${p}/ls/a/2`]);

    expect((await collect(h.store.list(`${p}/ls`))).map((o) => o.key)).toContain(`${p}/lsx`);
    expect(await collect(h.store.list(`${p}/nothing-here/`))).toEqual([]);
  });

  describe('contentLength mismatch fails and leaves nothing visible', () => {
    it('rejects a stream longer than declared', async () => {
      await expect(h.store.put(`${p}/cl/long`, Readable.from([Buffer.alloc(100)]), { contentLength: 99 })).rejects.toBeInstanceOf(
        ContentLengthMismatchError,
      );
      expect(await h.store.head(`${p}/cl/long`)).toBeNull();
    });

    it('rejects a stream shorter than declared', async () => {
      await expect(h.store.put(`${p}/cl/short`, Readable.from([Buffer.alloc(100)]), { contentLength: 101 })).rejects.toBeInstanceOf(
        ContentLengthMismatchError,
      );
      expect(await h.store.head(`${p}/cl/short`)).toBeNull();
    });

    it('rejects a Buffer of the wrong length', async () => {
      await expect(h.store.put(`${p}/cl/buf`, Buffer.alloc(10), { contentLength: 11 })).rejects.toBeInstanceOf(
        ContentLengthMismatchError,
      );
      expect(await h.store.head(`${p}/cl/buf`)).toBeNull();
    });

    it('rejects a short multi-part-sized stream without leaving parts behind', async () => {
      const size = 9 * MiB; // above the S3 driver's 8 MiB part size: exercises the multipart path
      await expect(h.store.put(`${p}/cl/big`, randomStream(size).stream, { contentLength: size + 1 })).rejects.toBeInstanceOf(
        ContentLengthMismatchError,
      );
      expect(await h.store.head(`${p}/cl/big`)).toBeNull();
      expect(await h.leftovers()).toBe(0);
    });
  });

  describe('signed URLs over HTTP', () => {
    it('GET downloads the object', async () => {
      const data = randomBytes(4096);
      await h.store.put(`${p}/signed/get.bin`, data);
      const url = await h.store.signedUrl(`${p}/signed/get.bin`, 'GET', { expiresInSeconds: 300 });
      expect(url).toMatch(/^http:\/\//);
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(sha256(Buffer.from(await res.arrayBuffer()))).toBe(sha256(data));
    });

    it('GET honours Range', async () => {
      await h.store.put(`${p}/signed/range.txt`, Buffer.from('0123456789'));
      const url = await h.store.signedUrl(`${p}/signed/range.txt`, 'GET');
      const res = await fetch(url, { headers: { Range: 'bytes=2-4' } });
      expect(res.status).toBe(206);
      expect(res.headers.get('content-range')).toBe('bytes 2-4/10');
      expect(await res.text()).toBe('234');
    });

    it('GET with a filename answers as an attachment', async () => {
      await h.store.put(`${p}/signed/named`, Buffer.from('abc'));
      const url = await h.store.signedUrl(`${p}/signed/named`, 'GET', { filename: 'model weights é.bin' });
      const res = await fetch(url);
      expect(res.status).toBe(200);
      const disposition = res.headers.get('content-disposition') ?? '';
      expect(disposition).toMatch(/^attachment;/);
      expect(disposition).toContain(`filename*=UTF-8''model%20weights%20%C3%A9.bin`);
      await res.arrayBuffer();
    });

    it('PUT uploads the object', async () => {
      const data = randomBytes(70_000);
      const url = await h.store.signedUrl(`${p}/signed/put.bin`, 'PUT');
      const res = await fetch(url, { method: 'PUT', body: data, headers: { 'Content-Type': 'application/octet-stream' } });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
      expect(await sha256Of((await h.store.get(`${p}/signed/put.bin`)).body)).toBe(sha256(data));
    });

    (verifiesSignatures ? it : it.skip)('refuses a tampered signature with 403', async () => {
      await h.store.put(`${p}/signed/guarded`, Buffer.from('secret'));
      const url = new URL(await h.store.signedUrl(`${p}/signed/guarded`, 'GET'));
      const sig = url.searchParams.get('sig') ?? '';
      url.searchParams.set('sig', (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1));
      const res = await fetch(url);
      expect(res.status).toBe(403);
      expect(res.headers.get('x-error-code')).toBe('InvalidSignature');
      await res.arrayBuffer();
    });

    (verifiesSignatures ? it : it.skip)('refuses an expired signature with 403', async () => {
      await h.store.put(`${p}/signed/old`, Buffer.from('stale'));
      // Sign "two hours ago" for one minute: a genuine signature that has expired.
      const now = Date.now();
      const spy = jest.spyOn(Date, 'now').mockReturnValue(now - 2 * 3600_000);
      const url = await h.store.signedUrl(`${p}/signed/old`, 'GET', { expiresInSeconds: 60 }).finally(() => spy.mockRestore());
      const res = await fetch(url);
      expect(res.status).toBe(403);
      expect(res.headers.get('x-error-code')).toBe('InvalidSignature');
      await res.arrayBuffer();
    });
  });

  describe('multipart upload', () => {
    it('uploads parts through signed part URLs and completes', async () => {
      const key = `${p}/mp/whole.bin`;
      const uploadId = await h.store.createMultipartUpload(key);
      const whole = createHash('sha256');
      const parts = [];
      const sizes = [5 * MiB + 1, 5 * MiB, 1234]; // S3 wants ≥ 5 MiB for every part but the last
      for (const [i, size] of sizes.entries()) {
        const body = randomBytes(size);
        whole.update(body);
        const url = await h.store.signedPartUrl(key, uploadId, i + 1);
        const res = await fetch(url, { method: 'PUT', body });
        expect(res.status).toBe(200);
        await res.arrayBuffer();
        const etag = res.headers.get('etag');
        expect(etag).toBe(`"${createHash('md5').update(body).digest('hex')}"`);
        parts.push({ partNumber: i + 1, etag: etag! });
      }
      expect(await h.store.head(key)).toBeNull(); // nothing visible before completion

      await h.store.completeMultipartUpload(key, uploadId, parts);
      const got = await h.store.get(key);
      expect(got.size).toBe(sizes.reduce((a, b) => a + b));
      expect(await sha256Of(got.body)).toBe(whole.digest('hex'));
      expect(await h.leftovers()).toBe(0);
    });

    it('refuses to complete with a wrong ETag', async () => {
      const key = `${p}/mp/bad-etag.bin`;
      const uploadId = await h.store.createMultipartUpload(key);
      const res = await fetch(await h.store.signedPartUrl(key, uploadId, 1), { method: 'PUT', body: randomBytes(1000) });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
      await expect(
        h.store.completeMultipartUpload(key, uploadId, [{ partNumber: 1, etag: '"00000000000000000000000000000000"' }]),
      ).rejects.toBeInstanceOf(InvalidPartError);
      expect(await h.store.head(key)).toBeNull();
      await h.store.abortMultipartUpload(key, uploadId);
    });

    it('abort leaves nothing behind, and is idempotent', async () => {
      const key = `${p}/mp/aborted.bin`;
      const uploadId = await h.store.createMultipartUpload(key);
      const res = await fetch(await h.store.signedPartUrl(key, uploadId, 1), { method: 'PUT', body: randomBytes(2048) });
      expect(res.status).toBe(200);
      await res.arrayBuffer();

      await h.store.abortMultipartUpload(key, uploadId);
      expect(await h.store.head(key)).toBeNull();
      expect(await h.leftovers()).toBe(0);
      await expect(h.store.abortMultipartUpload(key, uploadId)).resolves.toBeUndefined();
    });
  });

  it('passes its health check', async () => {
    await expect(h.store.healthCheck()).resolves.toBeUndefined();
  });
});
