import { Inject, Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { NotFoundError } from '../../core/errors/domain-error';
import { MetricsService } from '../../core/metrics/metrics.service';
import { OBJECT_STORE, type ObjectStore } from '../../core/storage/object-store';
import { RepoListingService } from '../../repos/repo-listing.service';
import { buildShard, HASH_LENGTH, hexToHash, isGlobalDedupEligible, MAX_XORB_BYTES, readHash, XetFormatError } from '../codec';
import { XetRepository, xorbChunkHashHex, xorbStorageKey, type XorbRow } from '../storage/xet.repository';
import type { XetGrant } from '../tokens/xet-token.service';
import { readCasBody } from './cas-body';
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

/** Most xorbs in one global dedup answer (~64 KiB of shard per full xorb). */
const DEDUP_ANSWER_XORBS = 16;

/**
 * Xorb uploads and the global dedup lookup. A xorb is only ever recorded after its bytes were
 * decompressed and hashed to the hash it is uploaded under, and a repository holds a xorb only
 * if its bytes were uploaded with a write token of that repository: holding a xorb is what lets
 * a shard build files on it, so a hash alone must never be enough.
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
  ) {}

  /** Verifies and stores an uploaded xorb; false when it was already stored (this repository now holds it too). */
  async uploadXorb(grant: XetGrant, hashParam: string, body: Readable & { headers: Record<string, string | string[] | undefined> }): Promise<boolean> {
    const hash = pathHash(hashParam, 'xorb hash');
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
    // Same hash, same bytes: a xorb already stored is not written again.
    if (!(await this.xet.findXorbs([hash])).has(hash)) {
      await this.store.put(row.storageKey, Buffer.from(verified.bytes.buffer, verified.bytes.byteOffset, verified.bytes.length), {
        contentLength: row.size,
        contentType: 'application/octet-stream',
      });
    }
    return this.xet.transaction(async (m) => {
      const inserted = await this.xet.insertXorb(m, row);
      await this.xet.holdXorb(m, grant.repoId, hash);
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
    const readable = await this.xet.xorbsReadableBy(candidates, grant.repoId, await this.readableNamespaces(grant));
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
      { footer: { chunkHashHmacKey: new Uint8Array(HASH_LENGTH) }, sortByHash: true },
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

  /** Namespaces whose private repositories the grant's user may read (their own and their organizations'). */
  readableNamespaces(grant: XetGrant): Promise<number[]> {
    return this.listing.namespacesReadableBy(grant.userId);
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
