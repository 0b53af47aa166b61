import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { PassThrough, pipeline, type Readable } from 'node:stream';
import type { HangarConfig } from '../../core/config/config';
import { HANGAR_CONFIG } from '../../core/config/config.module';
import { DomainError } from '../../core/errors/domain-error';
import { parseRangeHeader } from '../../core/storage/http-range';
import { OBJECT_STORE, ObjectNotFoundError, type ByteRange, type ObjectStore } from '../../core/storage/object-store';
import { RangeNotSatisfiableError } from '../../core/storage/storage-errors';
import { contentDisposition, contentTypeFor, etagMatches } from '../../repos/browse/file-headers';
import { FallbackCacheRepository, type CachedContent } from './fallback-cache.repository';
import { serverErrorAsUnreachable, upstreamBadAnswer, upstreamUnavailable } from './fallback-errors';
import type { Located } from './fallback-read-through.service';
import { UpstreamUnreachable, upstreamRequest } from './upstream-client';
import { resolveUrl } from './upstream-urls';
import { pumpFill } from './fill-pump';
import { contentKeyOf, ContentMismatch, type ExpectedContent } from './content-verifier';

/** A file as the upstream's paths-info lists it. */
export interface FileEntry {
  type: 'file' | 'directory';
  path: string;
  oid: string;
  size: number;
  lfs?: { oid: string; size: number };
}

/** A fill whose node stopped beating this long ago is taken over (the node died mid-fill). */
const FILL_STALE_MS = 15_000;
const FILL_BEAT_MS = 3_000;
const WAIT_POLL_MS = 200;
/** A download from the cache beats its lease this often; eviction ignores leases older than READ_STALE_MS. */
const READ_BEAT_MS = 30_000;
export const READ_STALE_MS = 120_000;
const LINK_TRUST_MS = 10 * 60_000;
/** Cached contents up to this size are read whole before they are sent, without a read lease (see smallFromStore). */
const SMALL_CONTENT_BYTES = 1024 * 1024;
const LINKED_MAX = 10_000;
/** How far the store copy of a fill may fall behind the upstream before the upstream waits for it. */
const STORE_QUEUE_BYTES = 1024 * 1024;
/** The same for the client of a fill (its answer's own buffer is 16 KiB: see FillPumpParts.clientQueueBytes). */
const CLIENT_QUEUE_BYTES = 1024 * 1024;

/**
 * File contents of upstream repositories, cached in Hangar's object store by content hash and
 * verified before anyone may read them from there: a fill streams the upstream bytes to its client
 * while writing them to the store, and publishes the entry only after the bytes hashed to what the
 * upstream's tree said (LFS sha256, or git blob id). Across the cluster one node fills a given
 * content at a time (a fallback_fills row); the others wait for the published entry.
 */
@Injectable()
export class FallbackContentService {
  private readonly logger = new Logger('FallbackContent');
  /** content|repo → when this node last recorded that link. */
  private readonly linked = new Map<string, number>();

  constructor(
    private readonly cache: FallbackCacheRepository,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(HANGAR_CONFIG) private readonly config: HangarConfig,
  ) {}

  /** `known`: the content's row as the caller already read it (the warm path), used for a small content only. */
  async serve(req: Request, res: Response, at: Located, entry: FileEntry, withBody: boolean, known: CachedContent | null = null): Promise<void> {
    const expected = expectedContentOf(entry);
    const size = expected.size;
    const etag = `"${expected.hex}"`;
    // Answered as for a local file: no Xet headers, no redirect (hf_xet falls back to plain HTTP).
    res.setHeader('X-Repo-Commit', at.sha);
    res.setHeader('ETag', etag);
    if (entry.lfs) {
      res.setHeader('X-Linked-Etag', etag);
      res.setHeader('X-Linked-Size', String(size));
    }
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('Access-Control-Expose-Headers', 'X-Repo-Commit, X-Linked-Etag, X-Linked-Size, ETag, Content-Length, Content-Range, Accept-Ranges, Content-Disposition, X-Error-Code, X-Error-Message, Warning');
    if (etagMatches(req.get('if-none-match'), etag)) {
      res.status(304).end();
      return;
    }
    let range = parseRangeHeader(req.get('range'), size);
    if (range !== undefined && req.get('if-range') !== undefined && !etagMatches(req.get('if-range'), etag)) range = undefined;
    if (range === 'unsatisfiable' && size === 0) range = undefined;
    if (range === 'unsatisfiable') {
      res.setHeader('Content-Range', `bytes */${size}`);
      throw new RangeNotSatisfiableError(`Range ${String(req.get('range')).slice(0, 100)} is outside the file (${size} bytes)`);
    }
    if (!withBody) {
      fileHeaders(res, entry, size);
      res.status(200).end();
      return;
    }
    const key = contentKeyOf(expected);
    for (;;) {
      // A large content is read under a lease, taken first: eviction then either sees it, or has
      // removed the row already (a miss). A small one is read whole before anything is sent and
      // needs none (see smallFromStore).
      const lease = size <= SMALL_CONTENT_BYTES ? null : await this.cache.beginRead(key);
      const cached = lease === null && known ? await this.markedUsed(key, known) : await this.cache.touchContent(key);
      known = null;
      if (cached) {
        await this.linkOnce(key, at);
        const served = lease === null ? await this.smallFromStore(res, entry, cached.storageKey, range) : await this.fromStore(res, entry, cached.storageKey, range, lease);
        if (served) return;
        await this.cache.dropContent(key, cached.storageKey);
        continue;
      }
      if (lease !== null) await this.cache.endRead(lease);
      if (range !== undefined) {
        // A range of a file not cached yet does not wait for the whole file (a resumed download
        // of a large file would stall for minutes): the range is fetched from the upstream for
        // this client alone, not cached, while the fill of the whole file goes on without it
        // (started here when no node runs one).
        if (await this.cache.claimFill(key, FILL_STALE_MS)) {
          this.fill(at, entry, expected, null).catch((err) => this.logger.warn({ err, key, path: entry.path }, 'background fallback fill failed'));
        }
        return this.forwardRange(res, at, entry, range);
      }
      // A whole-file GET streams while filling; another one waits for the fill in progress.
      if (await this.cache.claimFill(key, FILL_STALE_MS)) return this.fill(at, entry, expected, res);
      await this.waitForFill(key, req);
    }
  }

  /** A content row read by the caller, its LRU mark written when due (as touchContent does). */
  private async markedUsed(key: string, known: CachedContent): Promise<CachedContent> {
    if (known.markDue) await this.cache.markUsed(key);
    return known;
  }

  /**
   * A small cached content (or range of one), read whole from the store before anything is sent:
   * no read lease is needed, since eviction can no longer cut an answer whose bytes are all in
   * memory (a warm small-file GET costs two statements fewer). False when the object is missing
   * from the store (the caller fills it again).
   */
  private async smallFromStore(res: Response, entry: FileEntry, storageKey: string, range: ByteRange | undefined): Promise<boolean> {
    let got;
    let bytes: Buffer;
    try {
      got = await this.store.get(storageKey, range);
      const chunks: Buffer[] = [];
      for await (const chunk of got.body) chunks.push(chunk as Buffer);
      bytes = Buffer.concat(chunks);
    } catch (err) {
      if (!(err instanceof ObjectNotFoundError) && (err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      this.logger.warn({ storageKey }, 'a cached fallback object is missing from the store: fetching it again');
      return false;
    }
    startFileAnswer(res, entry, bytes.length, range, got.size);
    res.end(bytes);
    return true;
  }

  /** Streams a cached content; false when its object is missing from the store (the caller fills it again). */
  private async fromStore(res: Response, entry: FileEntry, storageKey: string, range: ByteRange | undefined, lease: string): Promise<boolean> {
    const beat = setInterval(() => void this.cache.beatRead(lease).catch(() => undefined), READ_BEAT_MS);
    const end = () => {
      clearInterval(beat);
      void this.cache.endRead(lease).catch((err) => this.logger.warn({ err, lease }, 'could not end a cache read lease'));
    };
    let got;
    try {
      got = await this.store.get(storageKey, range);
    } catch (err) {
      end();
      if (err instanceof ObjectNotFoundError) {
        this.logger.warn({ storageKey }, 'a cached fallback object is missing from the store: fetching it again');
        return false;
      }
      throw err;
    }
    startFileAnswer(res, entry, got.contentLength, range, got.size);
    pipeline(got.body, res, (err) => {
      end();
      if (err && (err as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') this.logger.warn({ err, storageKey }, 'cached download stream failed');
    });
    return true;
  }

  /**
   * Downloads the file from the upstream into the store (and to `client`, when given), verifies
   * it, and publishes it; the fill claim is held (beaten) meanwhile and released at the end.
   */
  private async fill(at: Located, entry: FileEntry, expected: ExpectedContent, client: Response | null): Promise<void> {
    const key = contentKeyOf(expected);
    const beat = setInterval(() => void this.cache.beatFill(key).catch(() => undefined), FILL_BEAT_MS);
    const done = () => {
      clearInterval(beat);
      void this.cache.releaseFill(key).catch((err) => this.logger.warn({ err, key }, 'could not release a fill'));
    };
    let upstream: Readable;
    try {
      const answer = await upstreamRequest(resolveUrl(at.source.url, at.key.repoType, at.key.repoId, at.sha, entry.path), {
        token: at.token,
        timeoutMs: this.config.fallback.timeoutSeconds * 1000,
      });
      if (answer.status >= 500) {
        answer.discard();
        throw serverErrorAsUnreachable(answer.url, answer.status);
      }
      if (answer.status === 401 || answer.status === 403 || answer.status === 404) {
        // A gated file, or a token that lost access: the upstream's own answer (GatedRepo, …).
        const code = answer.headers.get('x-error-code') ?? (answer.status === 403 ? 'Forbidden' : 'EntryNotFound');
        answer.discard();
        throw new DomainError(answer.status, code, answer.headers.get('x-error-message') ?? `The upstream hub refused ${entry.path} (${answer.status})`);
      }
      if (answer.status !== 200) {
        answer.discard();
        throw upstreamBadAnswer(`The upstream hub answered ${answer.status} for ${entry.path} at ${at.sha}`);
      }
      upstream = answer.stream();
    } catch (err) {
      done();
      throw err instanceof UpstreamUnreachable ? upstreamUnavailable(err, `File ${entry.path}`, at.source) : err;
    }
    const storageKey = storageKeyOf(key);
    // The store's put makes the object appear whole or not at all, and its input ends only once
    // the bytes verified: a wrong or partial download never appears in the store.
    const toStore = new PassThrough({ highWaterMark: STORE_QUEUE_BYTES });
    const stored = this.store.put(storageKey, toStore, { contentLength: expected.size });
    stored.catch((err: Error) => toStore.destroy(err));
    if (client) {
      fileHeaders(client, entry, expected.size);
      client.status(200);
    }
    try {
      await pumpFill({
        upstream,
        expected,
        store: toStore,
        client,
        clientStallMs: this.config.fallback.timeoutSeconds * 1000,
        clientQueueBytes: CLIENT_QUEUE_BYTES,
        onVerified: async () => {
          try {
            await stored;
            await this.cache.publishContent(key, storageKey, expected.size);
            await this.cache.linkContent(key, at.key.repoType, at.key.repoId);
          } catch (err) {
            // The bytes are right: the client gets them; only the cache entry is missing (the next request fills again).
            this.logger.warn({ err, key }, 'a verified fallback file could not be cached');
          }
        },
      });
    } catch (err) {
      if (err instanceof ContentMismatch) this.logger.warn({ key, path: entry.path, source: at.source.name, reason: err.message }, 'upstream file failed verification: refused, not cached');
      else this.logger.warn({ err, key }, 'fallback fill failed');
      // With a client the answer has started: it was cut short (the client sees an incomplete body).
      if (client) return;
      throw err instanceof ContentMismatch ? upstreamBadAnswer(`The upstream hub's bytes of ${entry.path} do not match its tree (${err.message})`) : err instanceof UpstreamUnreachable ? upstreamUnavailable(err, `File ${entry.path}`, at.source) : err;
    } finally {
      done();
    }
  }

  /** A range of the file at the commit, streamed from the upstream as it answers it (206 only: an upstream that ignores Range is a bad answer here). */
  private async forwardRange(res: Response, at: Located, entry: FileEntry, range: ByteRange): Promise<void> {
    let answer;
    try {
      answer = await upstreamRequest(resolveUrl(at.source.url, at.key.repoType, at.key.repoId, at.sha, entry.path), {
        token: at.token,
        range: `bytes=${range.start}-${range.end}`,
        timeoutMs: this.config.fallback.timeoutSeconds * 1000,
      });
    } catch (err) {
      throw err instanceof UpstreamUnreachable ? upstreamUnavailable(err, `File ${entry.path}`, at.source) : err;
    }
    const length = range.end - range.start + 1;
    if (answer.status !== 206 || answer.headers.get('content-range')?.split('/')[0] !== `bytes ${range.start}-${range.end}`) {
      answer.discard();
      if (answer.status >= 500) throw upstreamUnavailable(serverErrorAsUnreachable(answer.url, answer.status), `File ${entry.path}`, at.source);
      throw upstreamBadAnswer(`The upstream hub answered ${answer.status} to a range of ${entry.path} at ${at.sha}`);
    }
    startFileAnswer(res, entry, length, range, entry.lfs?.size ?? entry.size);
    pipeline(answer.stream(), res, (err) => {
      if (err && (err as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') this.logger.warn({ err, path: entry.path }, 'forwarded range stream failed');
    });
  }

  /**
   * Records (once in a while per node) that a cached content was served for this repository: the
   * link rarely changes, and writing it on every warm download would cost each a write. An entry
   * is trusted for LINK_TRUST_MS (an eviction that dropped the link is repaired after that).
   */
  private async linkOnce(key: string, at: Located): Promise<void> {
    const id = `${key}|${at.key.repoType}|${at.key.repoId.toLowerCase()}`;
    const linkedAt = this.linked.get(id);
    if (linkedAt !== undefined && Date.now() - linkedAt < LINK_TRUST_MS) return;
    await this.cache.linkContent(key, at.key.repoType, at.key.repoId);
    if (this.linked.size >= LINKED_MAX) this.linked.clear();
    this.linked.set(id, Date.now());
  }

  /** Until the fill in progress (maybe on another node) published the content, or stopped. */
  private async waitForFill(key: string, req: Request): Promise<void> {
    while (!req.destroyed) {
      await new Promise((r) => setTimeout(r, WAIT_POLL_MS));
      if (!(await this.cache.fillInProgress(key, FILL_STALE_MS))) return;
    }
    throw new Error('client went away');
  }

}

/** What a file's bytes must hash to, from its tree entry. */
export function expectedContentOf(entry: FileEntry): ExpectedContent {
  return entry.lfs ? { kind: 'sha256', hex: entry.lfs.oid, size: entry.lfs.size } : { kind: 'blob', hex: entry.oid, size: entry.size };
}

/** The headers of a file answer's body (set only once a body follows: an error answer is JSON). */
function fileHeaders(res: Response, entry: FileEntry, length: number): void {
  res.setHeader('Content-Length', String(length));
  res.setHeader('Content-Type', contentTypeFor(entry.path));
  res.setHeader('Content-Disposition', contentDisposition(entry.path, 'inline'));
}

/** One object per fill: an eviction deletes only the object it unpublished, never a later fill's. */
function storageKeyOf(contentKey: string): string {
  const [kind, hex] = contentKey.split('/');
  return `fallback/${kind}/${hex.slice(0, 2)}/${hex.slice(2, 4)}/${hex}/${randomUUID()}`;
}

/** Status and headers of a file's answer (from the cache or a forwarded range): the whole file, or the range of it asked for. */
function startFileAnswer(res: Response, entry: FileEntry, length: number, range: ByteRange | undefined, size: number): void {
  fileHeaders(res, entry, length);
  res.status(range ? 206 : 200);
  if (range) res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${size}`);
}
