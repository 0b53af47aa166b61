import { createHash, randomBytes, randomUUID, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream, fdatasync, type Dirent, type Stats, type WriteStream } from 'node:fs';
import { chmod, link, mkdir, open, readdir, readFile, rename, rm, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertValidKey, assertValidPrefix, encodeKeyForUrl, RESERVED_TOP_LEVEL } from './object-key';
import {
  ObjectNotFoundError,
  type ByteRange,
  type CompletedPart,
  type GetResult,
  type ObjectInfo,
  type ObjectStore,
  type PutOptions,
  type PutResult,
  type PartUrlOptions,
  type SignedUrlOptions,
} from './object-store';
import { ContentLengthMismatchError, InvalidPartError, NoSuchUploadError, RangeNotSatisfiableError } from './storage-errors';
import type { UrlSigner, SignedFields } from './url-signer';

/** What a verified storage URL allows beyond method and key. */
export interface VerifiedStorageRequest {
  filename?: string;
  uploadId?: string;
  partNumber?: number;
}

export interface FsObjectStoreOptions {
  /** Lifetime of signed URLs when the caller gives none. */
  defaultTtlSeconds?: number;
  /** Mode of the files the store creates (default 0600: the store holds private repositories). */
  fileMode?: number;
  /** Mode of the folders it creates, and of its root (default 0700). */
  dirMode?: number;
}

const UPLOAD_ID = /^[0-9a-f]{32}$/;
const MAX_PART_NUMBER = 10000; // S3's limit, kept so clients behave the same on both drivers.
const NOT_THERE = new Set(['ENOENT', 'ENOTDIR']);
/**
 * Bytes per read of a download. Node's default (64 KiB) makes a 10 MiB file 160 thread-pool reads
 * and socket writes; 1 MiB chunks served 1.4-1.9x the MiB/s at 16 connections here. The price is
 * memory: a slow client holds about two chunks (the stream's and the socket's buffer).
 */
const READ_CHUNK_BYTES = 1024 * 1024;
/**
 * Bytes a put may queue on its way to the file. The stream default (16 KiB) is below one socket
 * chunk (64 KiB): every chunk paused and resumed the source at each stage, and each chunk was
 * one thread-pool write; with room for 1 MiB the source keeps flowing while a write is under way
 * and the chunks queued meanwhile go to the file in one writev.
 */
const WRITE_QUEUE_BYTES = 1024 * 1024;
/** See EarlyWriteback. */
const SYNC_EVERY_BYTES = 32 * 1024 * 1024;

/**
 * Objects as plain files under `root`. Writes land in `<root>/.tmp` and are renamed into place,
 * so readers never see a partial object. Multipart uploads live in `<root>/.multipart/<id>/`.
 * Limitation shared with every path-based store: a key cannot be both an object and a
 * "directory" of others (`a` and `a/b`); Hangar's keys never are.
 */
export class FsObjectStore implements ObjectStore {
  readonly driver = 'fs' as const;
  private readonly tmpDir: string;
  private readonly multipartDir: string;
  private readonly baseUrl: string;
  private readonly defaultTtlSeconds: number;
  private ready?: Promise<void>;
  private readonly fileMode: number;
  private readonly dirMode: number;

  constructor(
    readonly root: string,
    private readonly signer: UrlSigner,
    baseUrl: string,
    options: FsObjectStoreOptions = {},
  ) {
    this.root = path.resolve(root);
    this.tmpDir = path.join(this.root, '.tmp');
    this.multipartDir = path.join(this.root, '.multipart');
    this.fileMode = options.fileMode ?? 0o600;
    this.dirMode = options.dirMode ?? 0o700;
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.defaultTtlSeconds = options.defaultTtlSeconds ?? 86400;
  }

  async put(key: string, body: Readable | Buffer, options: PutOptions = {}): Promise<PutResult> {
    assertValidKey(key);
    const { tmp, size } = await this.writeTemp(body, options.contentLength);
    const dest = this.pathFor(key);
    await this.moveIntoPlace(tmp, dest);
    return { size, etag: fileEtag(await stat(dest)) };
  }

  async get(key: string, range?: ByteRange): Promise<GetResult> {
    assertValidKey(key);
    let fh;
    try {
      fh = await open(this.pathFor(key), 'r');
    } catch (err) {
      if (NOT_THERE.has(errCode(err))) throw new ObjectNotFoundError(key);
      throw err;
    }
    try {
      // Stat the open handle, not the path: a concurrent replace cannot mix two versions.
      const st = await fh.stat();
      if (!st.isFile()) throw new ObjectNotFoundError(key);
      const etag = fileEtag(st);
      if (!range) {
        return { body: fh.createReadStream({ highWaterMark: READ_CHUNK_BYTES }), contentLength: st.size, size: st.size, etag };
      }
      if (!Number.isSafeInteger(range.start) || range.start < 0 || range.end < range.start || range.start >= st.size) {
        throw new RangeNotSatisfiableError();
      }
      const end = Math.min(range.end, st.size - 1); // like S3: an end past the object means "to the end"
      const body = fh.createReadStream({ start: range.start, end, highWaterMark: READ_CHUNK_BYTES });
      return { body, contentLength: end - range.start + 1, size: st.size, etag };
    } catch (err) {
      await fh.close();
      throw err;
    }
  }

  async head(key: string): Promise<ObjectInfo | null> {
    assertValidKey(key);
    const st = await statOrNull(this.pathFor(key));
    return st?.isFile() ? toInfo(key, st) : null;
  }

  /** A hard link into a temp name, then the usual atomic rename: objects are immutable files. */
  async copy(sourceKey: string, destinationKey: string): Promise<void> {
    assertValidKey(sourceKey);
    assertValidKey(destinationKey);
    await this.ensureDirs();
    const tmp = path.join(this.tmpDir, randomUUID());
    try {
      await link(this.pathFor(sourceKey), tmp);
    } catch (err) {
      if (NOT_THERE.has(errCode(err))) throw new ObjectNotFoundError(sourceKey);
      throw err;
    }
    await this.moveIntoPlace(tmp, this.pathFor(destinationKey));
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    const file = this.pathFor(key);
    try {
      await unlink(file);
    } catch (err) {
      // Missing, or a "directory" of other keys: either way there is no object to remove.
      if (NOT_THERE.has(errCode(err)) || errCode(err) === 'EISDIR' || errCode(err) === 'EPERM') return;
      throw err;
    }
    // Prune now-empty parent directories so deleted trees do not accumulate.
    for (let dir = path.dirname(file); dir !== this.root && dir.startsWith(this.root); dir = path.dirname(dir)) {
      try {
        await rmdir(dir);
      } catch {
        break; // not empty (or already gone): stop climbing
      }
    }
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    assertValidPrefix(prefix);
    const slash = prefix.lastIndexOf('/');
    yield* this.walk(slash >= 0 ? prefix.slice(0, slash) : '', prefix);
  }

  async signedUrl(key: string, method: 'GET' | 'PUT', options: SignedUrlOptions = {}): Promise<string> {
    assertValidKey(key);
    const filename = method === 'GET' ? options.filename : undefined;
    return this.buildUrl({ method, key, expires: this.expiry(options.expiresInSeconds), filename }, options.baseUrl);
  }

  async createMultipartUpload(key: string): Promise<string> {
    assertValidKey(key);
    await this.ensureDirs();
    const uploadId = randomBytes(16).toString('hex');
    const dir = path.join(this.multipartDir, uploadId);
    await mkdir(dir, { mode: this.dirMode });
    // The key is recorded so a part or completion cannot be aimed at another key's upload.
    await writeFile(path.join(dir, 'key'), key, { mode: this.fileMode });
    return uploadId;
  }

  async signedPartUrl(key: string, uploadId: string, partNumber: number, options: PartUrlOptions = {}): Promise<string> {
    assertValidKey(key);
    if (!UPLOAD_ID.test(uploadId)) throw new NoSuchUploadError(uploadId);
    assertPartNumber(partNumber);
    return this.buildUrl({ method: 'PUT', key, uploadId, partNumber, expires: this.expiry(options.expiresInSeconds) }, options.baseUrl);
  }

  /** Stores one part (what a signed part URL's PUT does). ETag = quoted md5 hex, as on S3. */
  async putPart(
    key: string,
    uploadId: string,
    partNumber: number,
    body: Readable | Buffer,
    contentLength?: number,
  ): Promise<{ etag: string; size: number }> {
    assertValidKey(key);
    assertPartNumber(partNumber);
    const dir = await this.openUpload(key, uploadId);
    const md5 = createHash('md5');
    const { tmp, size } = await this.writeTemp(body, contentLength, md5);
    try {
      await rename(tmp, path.join(dir, String(partNumber)));
    } catch (err) {
      await rm(tmp, { force: true });
      if (NOT_THERE.has(errCode(err))) throw new NoSuchUploadError(uploadId); // aborted meanwhile
      throw err;
    }
    return { etag: `"${md5.digest('hex')}"`, size };
  }

  async completeMultipartUpload(key: string, uploadId: string, parts: CompletedPart[]): Promise<void> {
    assertValidKey(key);
    const dir = await this.openUpload(key, uploadId);
    if (parts.length === 0) throw new InvalidPartError('a multipart upload needs at least one part');
    for (let i = 1; i < parts.length; i++) {
      if (parts[i].partNumber <= parts[i - 1].partNumber) {
        throw new InvalidPartError('parts must be listed in ascending part number order', 'InvalidPartOrder');
      }
    }
    // One streaming pass: copy each part and check its md5 against the client's ETag on the way.
    // The result sits in .tmp until every part has matched, so a bad list publishes nothing.
    async function* concatenated(): AsyncGenerator<Buffer> {
      for (const part of parts) {
        const md5 = createHash('md5');
        try {
          for await (const chunk of createReadStream(path.join(dir, String(part.partNumber)))) {
            md5.update(chunk as Buffer);
            yield chunk as Buffer;
          }
        } catch (err) {
          if (NOT_THERE.has(errCode(err))) throw new InvalidPartError(`part ${part.partNumber} was not uploaded`);
          throw err;
        }
        if (md5.digest('hex') !== normalizeEtag(part.etag)) {
          throw new InvalidPartError(`part ${part.partNumber}: ETag does not match the uploaded data`);
        }
      }
    }
    const { tmp } = await this.writeTemp(Readable.from(concatenated(), { objectMode: false }));
    await this.moveIntoPlace(tmp, this.pathFor(key));
    await rm(dir, { recursive: true, force: true });
  }

  async abortMultipartUpload(key: string, uploadId: string): Promise<void> {
    assertValidKey(key);
    if (!UPLOAD_ID.test(uploadId)) return;
    const dir = path.join(this.multipartDir, uploadId);
    const owner = await readFile(path.join(dir, 'key'), 'utf8').catch(() => null);
    if (owner === null) return; // already gone: aborting is idempotent
    if (owner !== key) throw new NoSuchUploadError(uploadId);
    await rm(dir, { recursive: true, force: true });
  }

  async healthCheck(): Promise<void> {
    await this.ensureDirs();
    const probe = path.join(this.tmpDir, `health-${randomUUID()}`);
    const payload = randomBytes(16);
    try {
      await writeFile(probe, payload, { mode: this.fileMode });
      const back = await readFile(probe);
      if (!back.equals(payload)) throw new Error(`storage health probe read back different bytes (${this.root})`);
    } finally {
      await rm(probe, { force: true });
    }
  }

  /**
   * Checks a request to a URL made by `signedUrl`/`signedPartUrl`: the signature must cover
   * exactly this method, key and query, and must not have expired. Null when it does not hold.
   */
  verifySignedRequest(method: 'GET' | 'PUT', key: string, query: Record<string, unknown>): VerifiedStorageRequest | null {
    const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
    const sig = str(query.sig);
    const expires = str(query.expires);
    const uploadId = str(query.uploadId);
    const part = str(query.partNumber);
    const filename = str(query.filename);
    if (!sig || !expires || !/^\d{1,15}$/.test(expires)) return null;
    if ((uploadId === undefined) !== (part === undefined)) return null;
    if (part !== undefined && !/^\d{1,5}$/.test(part)) return null;
    const fields: SignedFields = {
      method,
      key,
      expires: Number(expires),
      uploadId,
      partNumber: part === undefined ? undefined : Number(part),
      filename,
    };
    if (!this.signer.verify(fields, sig)) return null;
    return { filename, uploadId, partNumber: fields.partNumber };
  }

  /**
   * Removes temp files and multipart uploads older than `maxAgeMs` (left by crashes or
   * abandoned uploads). Meant for a periodic job; safe to run while the store is in use.
   */
  async sweep(maxAgeMs: number): Promise<number> {
    const cutoff = Date.now() - maxAgeMs;
    let removed = 0;
    for (const dir of [this.tmpDir, this.multipartDir]) {
      const names = await readdir(dir).catch(() => [] as string[]);
      for (const name of names) {
        const st = await statOrNull(path.join(dir, name));
        if (st && st.mtimeMs < cutoff) {
          await rm(path.join(dir, name), { recursive: true, force: true });
          removed++;
        }
      }
    }
    return removed;
  }

  // --- internals -------------------------------------------------------------------------

  private pathFor(key: string): string {
    return path.join(this.root, ...key.split('/'));
  }

  private ensureDirs(): Promise<void> {
    this.ready ??= (async () => {
      // Folders above the root (the data dir) keep the default mode: the embedded PostgreSQL,
      // running as its own user, must still reach its own folder beside the store.
      await mkdir(path.dirname(this.root), { recursive: true });
      await mkdir(this.root, { recursive: true, mode: this.dirMode });
      // A store created before modes were set (0755) is closed at its root: files inside keep
      // their mode but are out of reach. Not ours to change (another owner): leave it.
      await chmod(this.root, this.dirMode).catch((err) => {
        if (errCode(err) !== 'EPERM') throw err;
      });
      await mkdir(this.tmpDir, { recursive: true, mode: this.dirMode });
      await mkdir(this.multipartDir, { recursive: true, mode: this.dirMode });
    })().catch((err) => {
      this.ready = undefined; // retry next time (e.g. a volume mounted late)
      throw err;
    });
    return this.ready;
  }

  /** Streams `body` into a fresh temp file, counting (and optionally hashing) the bytes. */
  private async writeTemp(body: Readable | Buffer, expected?: number, hash?: Hash): Promise<{ tmp: string; size: number }> {
    await this.ensureDirs();
    const tmp = path.join(this.tmpDir, randomUUID());
    let size = 0;
    const file = createWriteStream(tmp, { flags: 'wx', flush: true, mode: this.fileMode, highWaterMark: WRITE_QUEUE_BYTES });
    const syncing = new EarlyWriteback(file);
    const counter = new Transform({
      highWaterMark: WRITE_QUEUE_BYTES,
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        // Fail as soon as the stream overshoots, rather than writing the excess to disk.
        if (expected !== undefined && size > expected) return done(new ContentLengthMismatchError(expected, size));
        hash?.update(chunk);
        syncing.wrote(size);
        done(null, chunk);
      },
      // The file's own flush (fsync) and close come after this: no early sync may still be running then.
      flush(done) {
        syncing.settled().then(() => done(), done);
      },
    });
    const source = Buffer.isBuffer(body) ? Readable.from([body]) : body;
    try {
      await pipeline(source, counter, file);
      if (expected !== undefined && size !== expected) throw new ContentLengthMismatchError(expected, size);
      return { tmp, size };
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  private async moveIntoPlace(tmp: string, dest: string): Promise<void> {
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          await mkdir(path.dirname(dest), { recursive: true, mode: this.dirMode });
          await rename(tmp, dest);
          return;
        } catch (err) {
          // A concurrent delete prunes empty parent directories: between this mkdir and the
          // rename, or inside the mkdir itself (between creating a parent and its child).
          if (errCode(err) !== 'ENOENT' || attempt >= 10) throw err;
        }
      }
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  /** Resolves the directory of an upload that exists and belongs to `key`. */
  private async openUpload(key: string, uploadId: string): Promise<string> {
    if (!UPLOAD_ID.test(uploadId)) throw new NoSuchUploadError(uploadId);
    const dir = path.join(this.multipartDir, uploadId);
    const owner = await readFile(path.join(dir, 'key'), 'utf8').catch(() => null);
    if (owner !== key) throw new NoSuchUploadError(uploadId);
    return dir;
  }

  private expiry(expiresInSeconds = this.defaultTtlSeconds): number {
    if (!Number.isSafeInteger(expiresInSeconds) || expiresInSeconds <= 0) {
      throw new RangeError(`expiresInSeconds must be a positive integer (got ${expiresInSeconds})`);
    }
    return Math.floor(Date.now() / 1000) + expiresInSeconds;
  }

  private buildUrl(fields: SignedFields, baseUrl = this.baseUrl): string {
    const query = new URLSearchParams({ expires: String(fields.expires) });
    if (fields.uploadId !== undefined) query.set('uploadId', fields.uploadId);
    if (fields.partNumber !== undefined) query.set('partNumber', String(fields.partNumber));
    if (fields.filename !== undefined) query.set('filename', fields.filename);
    query.set('sig', this.signer.sign(fields));
    return `${baseUrl.replace(/\/+$/, '')}/storage/fs/${encodeKeyForUrl(fields.key)}?${query}`;
  }

  /** Depth-first walk that yields keys in byte order (a directory sorts as "name/"). */
  private async *walk(dirKey: string, prefix: string): AsyncGenerator<ObjectInfo> {
    let entries: Dirent[];
    try {
      entries = await readdir(dirKey ? this.pathFor(dirKey) : this.root, { withFileTypes: true });
    } catch (err) {
      if (NOT_THERE.has(errCode(err))) return;
      throw err;
    }
    const items = entries
      .filter((e) => (e.isFile() || e.isDirectory()) && !(dirKey === '' && RESERVED_TOP_LEVEL.has(e.name)))
      .map((e) => ({ name: e.name, isDir: e.isDirectory(), sortKey: Buffer.from(e.isDirectory() ? `${e.name}/` : e.name) }))
      .sort((a, b) => Buffer.compare(a.sortKey, b.sortKey));
    for (const item of items) {
      const key = dirKey ? `${dirKey}/${item.name}` : item.name;
      if (item.isDir) {
        const asDir = `${key}/`;
        if (asDir.startsWith(prefix) || prefix.startsWith(asDir)) yield* this.walk(key, prefix);
      } else if (key.startsWith(prefix)) {
        const st = await statOrNull(this.pathFor(key)); // may vanish mid-walk
        if (st?.isFile()) yield toInfo(key, st);
      }
    }
  }
}

function assertPartNumber(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > MAX_PART_NUMBER) {
    throw new InvalidPartError(`part number must be an integer from 1 to ${MAX_PART_NUMBER}`, 'InvalidArgument');
  }
}

/** Cheap validator (no hashing at rest): changes whenever size or mtime does, like nginx's. */
function fileEtag(st: Stats): string {
  return `"${st.size.toString(16)}-${Math.floor(st.mtimeMs * 1000).toString(16)}"`;
}

function toInfo(key: string, st: Stats): ObjectInfo {
  // A Date from this realm (st.mtime comes from Node internals; matters to instanceof under jest).
  return { key, size: st.size, lastModified: new Date(st.mtimeMs), etag: fileEtag(st) };
}

function normalizeEtag(etag: string): string {
  return etag.trim().replace(/^W\//, '').replace(/^"|"$/g, '').toLowerCase();
}

async function statOrNull(file: string): Promise<Stats | null> {
  try {
    return await stat(file);
  } catch (err) {
    if (NOT_THERE.has(errCode(err))) return null;
    throw err;
  }
}

function errCode(err: unknown): string {
  return (err as NodeJS.ErrnoException)?.code ?? '';
}

/**
 * Writes a large put's bytes to disk while it streams, not all at its end: every SYNC_EVERY_BYTES
 * handed to the file, one fdatasync (never two at once) runs beside the writes. The put's final
 * fsync (it must come before the rename: a crash must not leave a published name on a short file)
 * then has little left to write; without this, a 1 GiB put waited about half a second on it here,
 * at the very end, where the client of a fallback fill is waiting for its last bytes.
 */
class EarlyWriteback {
  private syncedUpTo = 0;
  private running: Promise<void> | null = null;
  private fd: number | null = null;

  constructor(file: WriteStream) {
    file.once('open', (fd: number) => (this.fd = fd));
  }

  wrote(total: number): void {
    const fd = this.fd;
    if (this.running || fd === null || total - this.syncedUpTo < SYNC_EVERY_BYTES) return;
    this.syncedUpTo = total;
    this.running = new Promise<void>((resolve) => fdatasync(fd, () => resolve())).finally(() => (this.running = null));
  }

  /**
   * Once no early sync runs (its errors are the final fsync's to report). A put that fails is not
   * waited for: its file is closed at once, and a sync still running gets EBADF, which is ignored.
   */
  settled(): Promise<void> {
    return this.running ?? Promise.resolve();
  }
}
