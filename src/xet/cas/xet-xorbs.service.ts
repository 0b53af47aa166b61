import { QuotaService } from '../../quota/quota.service';
import { Inject, Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { NotFoundError } from '../../core/errors/domain-error';
import { MetricsService } from '../../core/metrics/metrics.service';
import { OBJECT_STORE, type ObjectStore } from '../../core/storage/object-store';
import { RepoListingService } from '../../repos/repo-listing.service';
import { buildShard, HASH_LENGTH, hexToHash, isGlobalDedupEligible, MAX_XORB_BYTES, readHash, XetFormatError } from '../codec';
import { XetRepository, xorbChunkHashHex, xorbStorageKey, type XorbReader, type XorbRow } from '../storage/xet.repository';
import type { XetGrant } from '../tokens/xet-token.service';
import { readCasBody } from './cas-body';
import { DEDUP_ANSWER_VALID_SECONDS } from './dedup-answer';
import { IntakeLimiter } from './intake-limiter';
import { pathHash, xorbRejected } from './cas-errors';
import { XorbVerifier } from './xorb-verifier';

/**
 * Largest accepted xorb body. The client caps a xorb's chunk data at 64 MiB; chunk headers and
 * incompressible chunks add a little on top.
 */
export const XORB_BODY_LIMIT = MAX_XORB_BYTES + 1024 * 1024;

/** Xorbs read and verified at the same time (each is held whole in memory meanwhile). */
const XORBS_IN_FLIGHT = 2;


const dedupAnswerExpiry = () => BigInt(Math.floor(Date.now() / 1000) + DEDUP_ANSWER_VALID_SECONDS);

/** Most xorbs in one global dedup answer (~64 KiB of shard per full xorb). */
const DEDUP_ANSWER_XORBS = 16;

/**
 * Xorb uploads and the global dedup lookup. A xorb is only ever recorded after its bytes were
 * decompressed and hashed to the hash it is uploaded under, and a repository holds a xorb only
 * if its bytes were uploaded with a write token of that repository: holding a xorb is what lets
 * a shard build files on it, so a hash alone must never be enough.
 *
 * What the client remembers, and the rule that follows (xet-core, `shard_interface`): after a
 * shard upload succeeds, hf_xet moves that shard into its cache (`HF_HOME/xet/.../shard-cache`)
 * with an expiry of three weeks (`MDB_SHARD_LOCAL_CACHE_EXPIRATION`, env
 * `HF_XET_MDB_SHARD_LOCAL_CACHE_EXPIRATION`), and the global dedup answers it receives with the
 * expiry this server writes in their footer. Until then every process using that HF_HOME
 * dedups against those shards without asking, treats their xorbs as "already uploaded" and
 * names them in new shards for any repository, never sending the bytes again; an expired shard
 * is no longer used for dedup. Hence:
 * - A stored, verified xorb stays usable by the user who uploaded it (`xet_xorb_uploaders`),
 *   whatever happened to the repositories that held it, until garbage collection removes it.
 *   Other users reach it only through a repository they may read: a hash alone grants nothing.
 * - Garbage collection (XetGcJob) deletes a xorb only when no stored file uses it (a file
 *   goes once no LFS object names it, i.e. no ref of any repository reaches it), its last upload
 *   by anyone (`last_uploaded_at`) is older than the client's three weeks plus a margin
 *   (HANGAR_XET_GC_GRACE_SECONDS), and it was first taken out of `xet_dedup_chunks` at least
 *   {@link DEDUP_ANSWER_VALID_SECONDS} before (so no unexpired dedup answer names it).
 *   Otherwise a client would keep naming a deleted xorb and every shard it sends would answer
 *   `UnknownXorb` until its cache expires: stuck. (A user who raised the client's expiry by
 *   environment accepts that risk.)
 */
@Injectable()
export class XetXorbsService {
  private readonly intake = new IntakeLimiter(XORBS_IN_FLIGHT);

  constructor(
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    private readonly xet: XetRepository,
    private readonly verifier: XorbVerifier,
    private readonly listing: RepoListingService,
    private readonly metrics: MetricsService,
    private readonly quota: QuotaService,
  ) {}

  /** Verifies and stores an uploaded xorb; false when it was already stored (this repository now holds it too). */
  async uploadXorb(grant: XetGrant, hashParam: string, body: Readable & { headers: Record<string, string | string[] | undefined> }): Promise<boolean> {
    const hash = pathHash(hashParam, 'xorb hash');
    // The early quota check, on the declared length, before the body is read.
    const declared = Number(body.headers['content-length']);
    if (Number.isSafeInteger(declared)) await this.quota.assertFits({ id: grant.repoId }, declared);
    return this.intake.run(() => this.receive(grant, hash, body));
  }

  private async receive(grant: XetGrant, hash: string, body: Readable & { headers: Record<string, string | string[] | undefined> }): Promise<boolean> {
    const bytes = await readCasBody(body, XORB_BODY_LIMIT, (n) => this.metrics.countXetXorbBytes(n));
    const verified = await this.verifier.verify(bytes, hash, XORB_BODY_LIMIT).catch((err: unknown) => {
      throw err instanceof XetFormatError ? xorbRejected(err) : err;
    });
    const row: XorbRow = {
      hash,
      size: verified.bytes.length,
      unpackedSize: verified.unpackedLength,
      chunkHashes: verified.chunkHashes,
      chunkSizes: verified.chunkSizes,
      chunkEnds: verified.chunkEnds,
      storageKey: xorbStorageKey(hash),
    };
    const put = () =>
      this.store.put(row.storageKey, Buffer.from(verified.bytes.buffer, verified.bytes.byteOffset, verified.bytes.length), {
        contentLength: row.size,
        contentType: 'application/octet-stream',
      });
    // Same hash, same bytes: a xorb already stored is not written again.
    const known = (await this.xet.findXorbs([hash])).has(hash);
    if (!known) await put();
    return this.xet.transaction(async (m) => {
      // Garbage collection may have deleted it (bytes included) since it was found: write it again.
      if (known && !(await this.xet.lockXorbs(m, [hash])).has(hash)) await put();
      const inserted = await this.xet.insertXorb(m, row);
      await this.xet.holdXorb(m, grant.repoId, hash);
      if (grant.userId !== null) await this.xet.recordUploader(m, hash, grant.userId);
      await this.xet.indexDedupChunks(m, hash, dedupChunksOfXorb(row));
      return inserted;
    });
  }

  /**
   * The global dedup answer for a chunk: a shard (with footer, no files) listing the chunks of
   * the xorb that holds it and of the xorbs that follow it in the files using it (xet-core
   * answers with the whole shard the chunk was registered in, so that one hit at the start of a
   * file dedups all of it; dedup queries are rare: file starts and 1 chunk in 1024). Only xorbs
   * the caller may read are listed; none readable is a 404, as for an unknown chunk, so the
   * answer says nothing about data the caller may not read. The footer's HMAC key is zero: the
   * chunk hashes are plain, which only reveals what a reader can compute anyway.
   */
  async dedupShard(grant: XetGrant, chunkParam: string): Promise<Buffer> {
    const chunk = pathHash(chunkParam, 'chunk hash');
    const xorbHash = await this.xet.xorbForDedupChunk(chunk);
    const candidates = xorbHash ? await this.dedupCandidates(xorbHash) : [];
    const readable = await this.xet.xorbsReadableBy(candidates, await this.readerOf(grant));
    if (!xorbHash || !readable.has(xorbHash)) throw new NotFoundError('This chunk is not known to global deduplication', 'ChunkNotFound');
    const rows = await this.xet.findXorbs(candidates.filter((h) => readable.has(h)));
    const shard = buildShard(
      {
        files: [],
        xorbs: [...rows.values()].map((x) => ({
          xorbHash: hexToHash(x.hash),
          numBytesOnDisk: x.size,
          chunks: x.chunkSizes.map((size, i) => ({ chunkHash: readHash(x.chunkHashes, i * HASH_LENGTH), unpackedSegmentBytes: size })),
        })),
      },
      { footer: { chunkHashHmacKey: new Uint8Array(HASH_LENGTH), shardKeyExpiry: dedupAnswerExpiry() }, sortByHash: true },
    );
    return Buffer.from(shard.buffer, shard.byteOffset, shard.length);
  }

  /** `xorbHash`, then the xorbs that follow it in the files using it, at most {@link DEDUP_ANSWER_XORBS}. */
  private async dedupCandidates(xorbHash: string): Promise<string[]> {
    const out = new Set<string>([xorbHash]);
    for (const sequence of await this.xet.xorbSequencesOfFilesUsing(xorbHash, 4)) {
      for (const h of sequence.slice(sequence.indexOf(xorbHash))) {
        if (out.size >= DEDUP_ANSWER_XORBS) return [...out];
        out.add(h);
      }
    }
    return [...out];
  }

  /** Who the grant reads xorbs as: its repository, its user, and the namespaces whose private repositories that user may read. */
  async readerOf(grant: XetGrant): Promise<XorbReader> {
    return { repoId: grant.repoId, userId: grant.userId, readableNamespaceIds: await this.listing.namespacesReadableBy(grant.userId) };
  }
}

/**
 * Chunks of a new xorb that go into the global dedup index: those whose hash makes them
 * eligible (hash % 1024 == 0, what clients query), and the first one, which is usually where a
 * file starts (xet-core's server indexes file starts too; shards add the exact ones).
 */
function dedupChunksOfXorb(x: XorbRow): string[] {
  const out = new Set<string>([xorbChunkHashHex(x, 0)]);
  for (let i = 0; i < x.chunkSizes.length; i++) {
    if (isGlobalDedupEligible(readHash(x.chunkHashes, i * HASH_LENGTH))) out.add(xorbChunkHashHex(x, i));
  }
  return [...out];
}
