import { Inject, Injectable } from '@nestjs/common';
import type { HangarConfig } from '../../core/config/config';
import { HANGAR_CONFIG } from '../../core/config/config.module';
import type { ReadableSource } from '../fallback-sources.service';
import { FallbackCacheRepository, type CachedRef, type UpstreamRepoKey } from './fallback-cache.repository';
import { revisionNotFound, serverErrorAsUnreachable } from './fallback-errors';
import { UpstreamUnreachable, upstreamRequest } from './upstream-client';
import { apiUrl, revisionSuffix } from './upstream-urls';

const SHA = /^[0-9a-f]{40}$/;
/** The ref row of "the default branch" (the info route without a revision). */
const DEFAULT_REV = '@default';

export type Resolution = { found: true; sha: string; stale: boolean } | { found: false };

/**
 * Branch/tag → commit, per source. Everything after uses the commit, so one snapshot never mixes
 * revisions. A resolution is trusted for HANGAR_FALLBACK_REF_TTL_SECONDS and served stale when
 * the upstream can't be reached; a commit id is final once the upstream confirmed it; "no such
 * repository" is remembered for HANGAR_FALLBACK_NEGATIVE_TTL_SECONDS.
 */
@Injectable()
export class RefResolver {
  constructor(
    private readonly cache: FallbackCacheRepository,
    @Inject(HANGAR_CONFIG) private readonly config: HangarConfig,
  ) {}

  /**
   * What a cached resolution answers without asking the upstream, or null when it must be asked:
   * a commit id once confirmed, a branch or tag within HANGAR_FALLBACK_REF_TTL_SECONDS, "no such
   * repository" within HANGAR_FALLBACK_NEGATIVE_TTL_SECONDS.
   */
  trusted(cached: CachedRef | null, rev: string | null): Resolution | null {
    if (!cached) return null;
    const isSha = rev !== null && SHA.test(rev);
    const ttl = (cached.sha === null ? this.config.fallback.negativeTtlSeconds : this.config.fallback.refTtlSeconds) * 1000;
    if (!isSha && cached.ageMs >= ttl) return null;
    return cached.sha ? { found: true, sha: cached.sha, stale: false } : { found: false };
  }

  /** Throws UpstreamUnreachable when the upstream can't answer and nothing cached can. */
  async resolve(source: ReadableSource, key: UpstreamRepoKey, rev: string | null, token: string | null): Promise<Resolution> {
    const revKey = rev ?? DEFAULT_REV;
    const cached = await this.cache.ref(key, revKey);
    const trusted = this.trusted(cached, rev);
    if (trusted) return trusted;
    let answer;
    try {
      answer = await upstreamRequest(apiUrl(source.url, key.repoType, key.repoId, rev === null ? '' : revisionSuffix(rev)), {
        token,
        timeoutMs: this.config.fallback.timeoutSeconds * 1000,
      });
    } catch (err) {
      if (err instanceof UpstreamUnreachable && cached?.sha) return { found: true, sha: cached.sha, stale: true };
      throw err;
    }
    if (answer.status === 200) {
      const sha = String(((await answer.bytes().then((b) => JSON.parse(b.toString('utf8')))) as { sha?: unknown }).sha ?? '');
      if (!SHA.test(sha)) throw new UpstreamUnreachable(answer.url, false, new Error('the upstream repository info has no commit sha'));
      await this.cache.saveRef(key, revKey, sha);
      if (revKey !== sha) await this.cache.saveRef(key, sha, sha);
      return { found: true, sha, stale: false };
    }
    answer.discard();
    const code = answer.headers.get('x-error-code');
    if (code === 'RevisionNotFound') throw revisionNotFound(rev ?? 'main', key.repoId);
    if (answer.status === 401 || answer.status === 403 || answer.status === 404) {
      await this.cache.saveRef(key, revKey, null);
      return { found: false };
    }
    // 5xx and the like: as good as unreachable (a stale answer beats none).
    if (cached?.sha) return { found: true, sha: cached.sha, stale: true };
    throw serverErrorAsUnreachable(answer.url, answer.status);
  }
}
