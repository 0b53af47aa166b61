import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { PassThrough, pipeline, Readable, Transform } from 'node:stream';
import { constants as zlibConstants, createDeflate, createInflate } from 'node:zlib';
import type { EntityManager } from 'typeorm';
import type { HangarConfig } from '../../core/config/config';
import { InjectConfig } from '../../core/config/config.module';
import { OBJECT_STORE, type ObjectStore } from '../../core/storage/object-store';
import { decodeTree, encodeTree, type TreeEntry } from '../codec/tree';
import { deflateBody, hashObject, inflateBody } from '../codec/hash';
import type { GitObjectType, Oid } from '../codec/object-types';
import type { LargeBlobWriter } from '../codec/pack-reader';
import { GitObjectsRepository, type ObjectRowView, type ObjectType, type StoredObjectRow } from './git-objects.repository';
import { ByteBudgetLru, LruCache } from './lru-cache';

/** Deflated bodies up to this size live in the database row; larger ones in the object store. */
const INLINE_MAX_BYTES = 256 * 1024;

/**
 * Output chunk of streamed inflation. zlib's default (16 KiB) makes a 10 MiB download 640
 * stream pushes; 64 KiB measured about 1.5× faster, and larger chunks gained nothing more.
 */
const INFLATE_CHUNK_BYTES = 64 * 1024;

/** Blobs up to this size are kept inflated per node (by id, so never stale), within a quarter of HANGAR_GIT_CACHE_MB. */
const SMALL_BLOB_MAX_BYTES = 256 * 1024;

/**
 * Decoded trees are kept per node within three quarters of HANGAR_GIT_CACHE_MB, by an estimate
 * of their heap size rather than by count: a count bound let a few thousand wide trees (a
 * directory of thousands of files, rewritten by every commit) hold hundreds of MiB
 * (bench/soak.sh measured it). Heap of one decoded entry beyond what its encoded form already
 * counts: the object, the id as a 40-character string, the mode. (A 100k-entry tree then weighs
 * ~18 MiB, under the quarter of the default budget that one value may take: it stays cached.)
 */
const TREE_ENTRY_OVERHEAD_BYTES = 120;

/**
 * A large blob that deflates to at least this share of its size is stored as it is (a raw key,
 * see `rawKey`): a download then streams it straight from the store (about twice the rate of
 * inflating it on the fly, and Range reads seek), at almost no cost on disk. A clone sends it in
 * zlib stored blocks made on the fly, which is as small as its deflated form within this share.
 * Compressible blobs keep their deflated form.
 */
const RAW_MIN_DEFLATED_SHARE = 0.9;

export class MissingObjectError extends Error {
  constructor(readonly oid: Oid) {
    super(`git object ${oid} not found`);
  }
}

/**
 * Git objects of a repository: prepared (hashed, deflated, large bodies put in the object store
 * under a content-addressed key) outside any transaction, then recorded in the caller's
 * transaction. Reads are scoped to the repository; trees are cached (immutable by their id).
 */
@Injectable()
export class ObjectDatabase {
  private readonly trees: ByteBudgetLru<{ entries: TreeEntry[]; bytes: number }>;
  // Room for a whole 100k-file listing and then some: an LRU smaller than what one listing
  // walks in order evicts every entry before it is asked for again.
  private readonly sizeCache = new LruCache<string, number>(250_000);
  private readonly pointerVerdicts = new LruCache<string, boolean>(250_000);
  private readonly smallBlobs: ByteBudgetLru<{ body: Buffer; bytes: number }>;

  constructor(
    private readonly objects: GitObjectsRepository,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @InjectConfig() private readonly config: HangarConfig,
  ) {
    this.trees = new ByteBudgetLru(Math.floor((config.git.cacheBytes * 3) / 4));
    this.smallBlobs = new ByteBudgetLru(Math.floor(config.git.cacheBytes / 4));
  }

  /**
   * Whether a large object's key must be written. A key that exists is reused, unless it is
   * older than half the sweep's grace period: the sweep (StoreSweepJob) removes keys that no
   * recorded object references once they are older than the grace period, so a key this write
   * relies on is rewritten (its time renewed) rather than reused when the sweep could soon take it.
   */
  private async mustWrite(key: string): Promise<boolean> {
    const info = await this.store.head(key);
    return !info || Date.now() - info.lastModified.getTime() > (this.config.maintenance.sweepGraceSeconds * 1000) / 2;
  }

  /** Hashes and deflates a body; a large one is written to the object store now (idempotent). */
  async prepare(type: GitObjectType, body: Buffer): Promise<StoredObjectRow> {
    return this.prepareDeflated(hashObject(type, body), type, body.length, deflateBody(body), body);
  }

  /**
   * A row for an object whose zlib stream is already at hand (a pack entry from a push, or from
   * `prepare`): a small one inline, a large one in the object store (idempotent), as it is or, for
   * an incompressible blob whose `body` is given, raw (see RAW_MIN_DEFLATED_SHARE).
   */
  async prepareDeflated(oid: Oid, type: GitObjectType, size: number, deflated: Buffer, body?: Buffer): Promise<StoredObjectRow> {
    if (deflated.length <= INLINE_MAX_BYTES) return { oid, type, size, body: deflated, storageKey: null };
    const raw = type === 'blob' && body !== undefined && deflated.length >= body.length * RAW_MIN_DEFLATED_SHARE;
    const storageKey = raw ? rawKey(oid) : contentKey(oid);
    const bytes = raw ? body : deflated;
    if (await this.mustWrite(storageKey)) await this.store.put(storageKey, bytes, { contentLength: bytes.length });
    return { oid, type, size, body: null, storageKey };
  }

  /**
   * A writer for one large object's zlib stream whose id is known only at its end (a pushed
   * blob read piece by piece): the bytes stream to a temporary key, `finish(oid)` files them
   * under the object's content key (a server-side copy; nothing if already there) and returns
   * that key, `abort()` drops them.
   */
  openLargeObjectWriter(): LargeBlobWriter {
    const tempKey = `${INCOMING_PREFIX}${randomUUID()}`;
    const pipe = new PassThrough({ highWaterMark: 1024 * 1024 });
    const stored = this.store.put(tempKey, pipe);
    // Observed by write/finish/abort; never an unhandled rejection in between.
    stored.catch(() => undefined);
    const storeFailed = stored.then(() => {
      throw new Error('the object store stopped reading early');
    });
    storeFailed.catch(() => undefined);
    return {
      write: async (chunk) => {
        if (!pipe.write(chunk)) await Promise.race([once(pipe, 'drain'), storeFailed]);
      },
      finish: async (oid) => {
        pipe.end();
        await stored;
        const key = contentKey(oid);
        if (await this.mustWrite(key)) await this.store.copy(tempKey, key);
        await this.store.delete(tempKey);
        return key;
      },
      abort: async () => {
        pipe.destroy();
        await stored.catch(() => undefined);
        await this.store.delete(tempKey).catch(() => undefined);
      },
    };
  }

  /** A stored row's zlib stream: the inline bytes, or a stream from the object store (a raw blob in stored blocks made as it goes). */
  async deflatedBody(row: StoredObjectRow): Promise<Buffer | Readable> {
    if (row.body) return row.body;
    const { body } = await this.store.get(row.storageKey!);
    if (!isRawKey(row.storageKey!)) return body;
    return pipeline(body, createDeflate({ level: zlibConstants.Z_NO_COMPRESSION, chunkSize: INFLATE_CHUNK_BYTES }), () => undefined);
  }

  /** The inflated bodies of the repository's blobs of at most `maxBytes` (the GC looks for LFS pointers among them). */
  async smallBlobBodies(repoId: number, maxBytes: number, m: EntityManager): Promise<Buffer[]> {
    return (await this.objects.smallBlobBodies(m, repoId, maxBytes)).map(inflateBody);
  }

  /** An inflated body from a row already loaded (see `findMany`). */
  async inflateRow(row: StoredObjectRow): Promise<Buffer> {
    if (row.body) return inflateBody(row.body);
    const chunks: Buffer[] = [];
    for await (const chunk of await this.openStored(row.storageKey!)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  /** The inflated bytes of an object in the object store, or the inclusive range of them (a raw one is read from the store as it is). */
  private async openStored(key: string, range?: { start: number; end: number }): Promise<Readable> {
    if (isRawKey(key)) return (await this.store.get(key, range)).body;
    const { body } = await this.store.get(key);
    const inflated = pipeline(body, createInflate({ chunkSize: INFLATE_CHUNK_BYTES }), () => undefined);
    return range ? pipeline(inflated, sliceBytes(range.start, range.end), () => undefined) : inflated;
  }

  findMany(repoId: number, oids: Oid[], m?: EntityManager): Promise<StoredObjectRow[]> {
    return this.objects.findMany(repoId, oids, m);
  }

  /** `findMany` for bulk reads outside a transaction, faster for many bodies (binary COPY). */
  readMany(repoId: number, oids: Oid[]): Promise<StoredObjectRow[]> {
    return this.objects.readMany(repoId, oids);
  }

  /** Many rows as the database reads them, each shown to `visit` (see GitObjectsRepository.streamMany); returns the ids not found. */
  streamMany<T>(repoId: number, wanted: Set<Oid>, batchBytes: number, visit: (o: ObjectRowView) => T | undefined): AsyncGenerator<T[], Set<Oid>, undefined> {
    return this.objects.streamMany(repoId, wanted, batchBytes, visit);
  }

  typesOf(repoId: number, oids: Oid[], m?: EntityManager): Promise<Map<Oid, ObjectType>> {
    return this.objects.typesOf(repoId, oids, m);
  }

  record(m: EntityManager, repoId: number, rows: StoredObjectRow[]): Promise<void> {
    return this.objects.insertMany(m, repoId, rows);
  }

  /** Every object of one repository recorded for another too (rows only: bodies and stored bytes are shared). */
  copyAll(m: EntityManager, fromRepoId: number, toRepoId: number): Promise<void> {
    return this.objects.copyAll(m, fromRepoId, toRepoId);
  }

  existing(repoId: number, oids: Oid[], m?: EntityManager): Promise<Set<Oid>> {
    return this.objects.existing(repoId, oids, m);
  }

  /** Sizes are immutable by object id; only the ones not cached are asked for. */
  async sizes(repoId: number, oids: Oid[]): Promise<Map<Oid, number>> {
    const out = new Map<Oid, number>();
    const missing: Oid[] = [];
    for (const oid of oids) {
      const size = this.sizeCache.get(`${repoId}:${oid}`);
      if (size === undefined) missing.push(oid);
      else out.set(oid, size);
    }
    for (const [oid, size] of await this.objects.sizes(repoId, missing)) {
      this.sizeCache.set(`${repoId}:${oid}`, size);
      out.set(oid, size);
    }
    return out;
  }

  async info(repoId: number, oid: Oid, m?: EntityManager): Promise<{ type: GitObjectType; size: number } | null> {
    const row = await this.objects.find(repoId, oid, m);
    return row ? { type: row.type, size: row.size } : null;
  }

  /** The whole inflated body (trees, commits, tags and small blobs). */
  async read(repoId: number, oid: Oid, m?: EntityManager): Promise<{ type: GitObjectType; body: Buffer }> {
    const tree = this.cachedTreeBody(repoId, oid);
    if (tree) return { type: 'tree', body: tree };
    const row = await this.objects.find(repoId, oid, m);
    if (!row) throw new MissingObjectError(oid);
    return { type: row.type, body: await this.inflateRow(row) };
  }

  /**
   * A cached tree's body, encoded again from its entries, when that gives exactly the stored
   * object back (its id checks; a non-canonical stored tree does not): e.g. the base of the
   * tree deltas of a thin pack, which is usually the tree the previous push or commit cached.
   */
  private cachedTreeBody(repoId: number, oid: Oid): Buffer | null {
    const cached = this.trees.get(`${repoId}:${oid}`);
    if (!cached) return null;
    try {
      const body = encodeTree(cached.entries);
      return hashObject('tree', body) === oid ? body : null;
    } catch {
      return null; // entries no valid tree encodes (a duplicate name): read the stored one
    }
  }

  async readTree(repoId: number, oid: Oid, m?: EntityManager): Promise<TreeEntry[]> {
    const key = `${repoId}:${oid}`;
    const cached = this.trees.get(key);
    if (cached) return cached.entries;
    const { type, body } = await this.read(repoId, oid, m);
    if (type !== 'tree') throw new MissingObjectError(oid);
    return this.rememberTree(repoId, oid, body);
  }

  /**
   * Caches a tree as reading it would. Also for a tree this node just stored, once the transaction
   * that stored it committed (never before: a rolled back tree must not be found), so the read
   * that follows a commit (the card refresh, a listing) needs no statement.
   */
  rememberTree(repoId: number, oid: Oid, body: Buffer): TreeEntry[] {
    const entries = decodeTree(body);
    // The encoded body stands for the names (and the raw bytes a non-UTF-8 name keeps).
    this.trees.set(`${repoId}:${oid}`, { entries, bytes: entries.length * TREE_ENTRY_OVERHEAD_BYTES + body.length });
    return entries;
  }

  /** Streams a blob, or the inclusive byte range of it, inflating as it goes (small ones from memory when seen before). */
  async openBlob(repoId: number, oid: Oid, range?: { start: number; end: number }): Promise<{ stream: Readable; size: number }> {
    const key = `${repoId}:${oid}`;
    let small = this.smallBlobs.get(key)?.body;
    if (!small) {
      const row = await this.objects.find(repoId, oid);
      if (!row || row.type !== 'blob') throw new MissingObjectError(oid);
      if (!row.body) return { stream: await this.openStored(row.storageKey!, range), size: row.size };
      if (row.size > SMALL_BLOB_MAX_BYTES) {
        const inflated = Readable.from([row.body]).pipe(createInflate({ chunkSize: INFLATE_CHUNK_BYTES }));
        return { stream: range ? inflated.pipe(sliceBytes(range.start, range.end)) : inflated, size: row.size };
      }
      small = inflateBody(row.body);
      this.smallBlobs.set(key, { body: small, bytes: small.length });
    }
    return { stream: Readable.from([range ? small.subarray(range.start, range.end + 1) : small]), size: small.length };
  }

  /** Whether the blob could be a git-lfs pointer (small and starting like one); cached per node, the answer never changes. */
  async mayBeLfsPointers(repoId: number, oids: Oid[], maxBytes: number, looksLikePointer: (body: Buffer) => boolean): Promise<Set<Oid>> {
    const out = new Set<Oid>();
    const unknown: Oid[] = [];
    for (const oid of oids) {
      const known = this.pointerVerdicts.get(`${repoId}:${oid}`);
      if (known === undefined) unknown.push(oid);
      else if (known) out.add(oid);
    }
    if (unknown.length > 0) {
      for (const row of await this.objects.findMany(repoId, unknown)) {
        const verdict = row.type === 'blob' && row.size <= maxBytes && row.body !== null && looksLikePointer(inflateBody(row.body));
        this.pointerVerdicts.set(`${repoId}:${row.oid}`, verdict);
        if (verdict) out.add(row.oid);
      }
    }
    return out;
  }
}

/** Where large objects' zlib streams live in the object store (by content), and pushed ones while they arrive. */
export const OBJECTS_PREFIX = 'git/objects/';
export const INCOMING_PREFIX = 'git/incoming/';
const contentKey = (oid: Oid): string => `${OBJECTS_PREFIX}${oid.slice(0, 2)}/${oid}`;
/** Where a blob stored as it is (not deflated) lives: beside its deflated form's key, so the sweep treats both alike. */
const rawKey = (oid: Oid): string => `${contentKey(oid)}${RAW_SUFFIX}`;
const RAW_SUFFIX = '.raw';
export const isRawKey = (key: string): boolean => key.endsWith(RAW_SUFFIX);

/** Passes through bytes [start, end] (inclusive) of a stream and drops the rest. */
function sliceBytes(start: number, end: number): Transform {
  let offset = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      const from = Math.max(start - offset, 0);
      const to = Math.min(end + 1 - offset, chunk.length);
      offset += chunk.length;
      if (to > from) this.push(chunk.subarray(from, to));
      done();
    },
  });
}
