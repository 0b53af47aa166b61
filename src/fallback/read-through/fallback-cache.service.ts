import { Inject, Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import type { HangarConfig } from '../../core/config/config';
import { HANGAR_CONFIG } from '../../core/config/config.module';
import { ClusterLock } from '../../core/scheduling/cluster-lock';
import { OBJECT_STORE, type ObjectStore } from '../../core/storage/object-store';
import { sweepOldKeys } from '../../core/storage/sweep-old-keys';
import type { RepoType } from '../../repos/repo.types';
import { FallbackCacheRepository, type CachedRepoRow } from './fallback-cache.repository';
import { READ_STALE_MS } from './fallback-content.service';

const EVICTION_LOCK = 7012218;
const ORPHAN_SWEEP_LOCK = 7012219;
/** Where fills store contents (see storageKeyOf). */
const FALLBACK_STORE_PREFIX = 'fallback/';
const BATCH = 100;

export interface CacheFigures {
  entries: number;
  bytes: number;
  maxBytes: number | null;
  refTtlSeconds: number;
}

/**
 * The fallback cache as a whole: its limit (LRU eviction, once per cluster every minute), and
 * what the admin API shows and does (figures, cached repositories, pin, evict, clear). Eviction
 * never takes a pinned repository's content nor one being downloaded (see unpublish).
 */
@Injectable()
export class FallbackCacheService {
  private readonly logger = new Logger('FallbackCache');

  constructor(
    private readonly cache: FallbackCacheRepository,
    private readonly lock: ClusterLock,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(HANGAR_CONFIG) private readonly config: HangarConfig,
  ) {}

  async figures(): Promise<CacheFigures> {
    const t = await this.cache.totals();
    return { entries: t.entries, bytes: t.bytes, maxBytes: this.config.fallback.cacheMaxBytes, refTtlSeconds: this.config.fallback.refTtlSeconds };
  }

  @Cron(CronExpression.EVERY_MINUTE, { name: 'fallback-cache-eviction' })
  async scheduledEviction(): Promise<void> {
    const max = this.config.fallback.cacheMaxBytes;
    if (max === null) return;
    const { result } = await this.lock.runExclusive(EVICTION_LOCK, () => this.evictDownTo(max));
    if (result) this.logger.log({ evicted: result.entries, bytes: result.bytes }, 'fallback cache evicted down to its limit');
  }

  /**
   * Daily, once per cluster: removes stored fallback objects no published content names, past
   * the sweep grace period (HANGAR_SWEEP_GRACE_SECONDS, which no fill in progress outlives): what
   * a node that died between storing a verified file and publishing it left.
   */
  @Cron('40 4 * * *', { name: 'fallback-orphan-sweep', timeZone: 'UTC' })
  async sweepOrphans(now = new Date()): Promise<{ objects: number }> {
    const cutoff = now.getTime() - this.config.maintenance.sweepGraceSeconds * 1000;
    const { result } = await this.lock.runExclusive(ORPHAN_SWEEP_LOCK, () =>
      sweepOldKeys(this.store, FALLBACK_STORE_PREFIX, cutoff, async (keys) => {
        const published = await this.cache.publishedKeys(keys);
        return keys.filter((k) => !published.has(k));
      }),
    );
    if (result) this.logger.log({ objects: result }, 'unpublished fallback objects removed from the object store');
    return { objects: result ?? 0 };
  }

  /** Evicts least recently used contents until the cache holds at most `maxBytes` (or nothing more may go). */
  async evictDownTo(maxBytes: number): Promise<{ entries: number; bytes: number }> {
    let { bytes } = await this.cache.totals();
    const evicted = { entries: 0, bytes: 0 };
    while (bytes > maxBytes) {
      const candidates = await this.cache.evictionCandidates(BATCH, READ_STALE_MS);
      if (candidates.length === 0) break;
      let progress = false;
      for (const c of candidates) {
        if (bytes <= maxBytes) break;
        const gone = await this.evict(c.contentKey);
        if (gone === null) continue;
        progress = true;
        bytes -= gone;
        evicted.entries++;
        evicted.bytes += gone;
      }
      if (!progress) break;
    }
    return evicted;
  }

  listRepos(): Promise<CachedRepoRow[]> {
    return this.cache.cachedRepos();
  }

  pin(repoType: RepoType, repoId: string): Promise<void> {
    return this.cache.pin(repoType, repoId);
  }

  async unpin(repoType: RepoType, repoId: string): Promise<void> {
    await this.cache.unpin(repoType, repoId);
  }

  /** Forgets a repository's resolutions and metadata and evicts its contents (those not pinned or being read). */
  async evictRepo(repoType: RepoType, repoId: string): Promise<{ entries: number; bytes: number }> {
    await this.cache.forgetMetadata({ repoType, repoId });
    return this.evictAll(await this.cache.contentKeysOf(repoType, repoId));
  }

  /** Everything: resolutions, metadata, and every content not pinned or being read. */
  async clear(): Promise<{ entries: number; bytes: number }> {
    await this.cache.forgetMetadata();
    return this.evictAll(await this.cache.allContentKeys());
  }

  private async evictAll(keys: string[]): Promise<{ entries: number; bytes: number }> {
    const out = { entries: 0, bytes: 0 };
    for (const key of keys) {
      const gone = await this.evict(key);
      if (gone === null) continue;
      out.entries++;
      out.bytes += gone;
    }
    return out;
  }

  /** The row goes first (no reader can start on it after), then the bytes. */
  private async evict(contentKey: string): Promise<number | null> {
    const gone = await this.cache.unpublish(contentKey, READ_STALE_MS);
    if (!gone) return null;
    await this.store.delete(gone.storageKey).catch((err) => this.logger.warn({ err, key: gone.storageKey }, 'could not delete an evicted fallback object'));
    return gone.size;
  }
}
