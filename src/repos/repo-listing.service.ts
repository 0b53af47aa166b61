import { Injectable } from '@nestjs/common';
import { OrgsService } from '../auth/orgs/orgs.service';
import type { Principal } from '../auth/principal';
import { BadRequestError } from '../core/errors/domain-error';
import type { ListReposQueryDto, RepoInfoDto } from './dto/repos.dto';
import { toRepoInfo } from './repo-info.presenter';
import { RepoListingRepository, type RepoListQuery } from './repo-listing.repository';
import type { RepoType } from './repo.types';
import { ANONYMOUS_VIEWER, type RepoViewer } from './access/repo-viewer';

const SORTS: Record<string, RepoListQuery['sort']> = {
  lastModified: 'lastModified',
  last_modified: 'lastModified',
  createdAt: 'createdAt',
  created_at: 'createdAt',
  likes: 'likes',
  downloads: 'downloads',
  trending_score: 'trendingScore',
  trendingScore: 'trendingScore',
  id: 'id',
};

/** Listing rules: what a caller may see, sorting, and the opaque cursor. */
@Injectable()
export class RepoListingService {
  constructor(
    private readonly listing: RepoListingRepository,
    private readonly orgs: OrgsService,
  ) {}

  async list(principal: Principal | null, type: RepoType, q: ListReposQueryDto): Promise<{ items: RepoInfoDto[]; nextCursor: string | null }> {
    const limit = q.limit ?? 100;
    const offset = q.cursor ? decodeCursor(q.cursor) : 0;
    const rows = await this.listing.list({
      type,
      search: q.search,
      author: q.author,
      // `library` and `language` are tags on the hub too (derived from the card).
      tags: [q.filter, q.library, q.language].flatMap(asList),
      pipelineTag: q.pipeline_tag,
      gated: q.gated,
      sort: SORTS[q.sort ?? 'lastModified'] ?? 'lastModified',
      direction: q.direction === '1' || q.direction === 'asc' ? 'asc' : 'desc',
      limit: limit + 1,
      offset,
      viewer: await this.viewer(principal),
    });
    const items = rows.slice(0, limit).map((r) =>
      toRepoInfo(r, { sha: r.headOid ?? undefined, tags: r.tags, cardData: r.cardData, withCardData: Boolean(q.full || q.cardData) }),
    );
    return { items, nextCursor: rows.length > limit ? encodeCursor(offset + limit) : null };
  }

  /** Whose private repositories the caller sees in listings: their namespaces' and those shared with them. */
  async viewer(principal: Principal | null): Promise<RepoViewer> {
    if (!principal) return ANONYMOUS_VIEWER;
    return { userId: principal.user.id, namespaceIds: await this.namespacesReadableBy(principal.user.id) };
  }

  visibleNamespaces(principal: Principal | null): Promise<number[]> {
    return this.namespacesReadableBy(principal?.user.id ?? null);
  }

  /** Namespaces whose private repositories the user may read: their own and their organizations'. */
  async namespacesReadableBy(userId: number | null): Promise<number[]> {
    if (userId === null) return [];
    return [userId, ...(await this.orgs.membershipsOf(userId)).map((m) => m.orgId)];
  }
}

function asList(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)];
}

export function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

export function decodeCursor(cursor: string): number {
  try {
    const o = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')).o;
    if (Number.isInteger(o) && o >= 0 && o <= 1e7) return o;
  } catch {
    /* fall through */
  }
  throw new BadRequestError('Invalid cursor', 'InvalidCursor');
}
