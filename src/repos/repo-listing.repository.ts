import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { cardString } from './card-data';
import type { RepoRecord, RepoType } from './repo.types';
import { normalise, REPO_COLUMNS, REPO_FROM } from './repositories.repository';
import { visibleRepoSql, type RepoViewer } from './access/repo-viewer';

export interface RepoListQuery {
  type: RepoType;
  search?: string;
  author?: string;
  /** Every tag must be present. */
  tags: string[];
  /** The card's `pipeline_tag`. */
  pipelineTag?: string;
  /** Gated (true) or not (false) repositories only. */
  gated?: boolean;
  sort: 'lastModified' | 'createdAt' | 'likes' | 'downloads' | 'trendingScore' | 'id';
  direction: 'asc' | 'desc';
  limit: number;
  offset: number;
  /** Whose private repositories the caller may see. */
  viewer: RepoViewer;
}

const SORT_COLUMNS: Record<RepoListQuery['sort'], string> = {
  lastModified: 'r.last_modified',
  createdAt: 'r.created_at',
  likes: 'r.likes',
  downloads: 'r.downloads',
  trendingScore: 'r.trending_score',
  id: "lower(n.name || '/' || r.name)",
};

/** Search and listing of repositories, with what each caller may see. */
@Injectable()
export class RepoListingRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async list(q: RepoListQuery): Promise<(RepoRecord & { tags: string[]; cardData: Record<string, unknown> | null; headOid: string | null })[]> {
    const params: unknown[] = [q.type, q.viewer.namespaceIds, q.viewer.userId];
    const where = ['r.type = $1', visibleRepoSql('r', '$3', '$2')];
    if (q.search) {
      params.push(`%${q.search.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c)}%`);
      where.push(`lower(n.name || '/' || r.name) LIKE $${params.length}`);
    }
    if (q.author) {
      params.push(q.author);
      where.push(`lower(n.name) = lower($${params.length})`);
    }
    if (q.tags.length) {
      params.push(q.tags);
      where.push(`r.tags @> $${params.length}::text[]`);
    }
    if (q.pipelineTag) {
      params.push(q.pipelineTag);
      where.push(`r.pipeline_tag = $${params.length}`);
    }
    if (q.gated !== undefined) where.push(q.gated ? 'r.gated IS NOT NULL' : 'r.gated IS NULL');
    const dir = q.direction === 'asc' ? 'ASC' : 'DESC';
    const rows = await this.db.query(
      `SELECT ${REPO_COLUMNS}, r.tags, r.card_data AS "cardData", r.head_oid AS "headOid" FROM ${REPO_FROM}
        WHERE ${where.join(' AND ')} ORDER BY ${SORT_COLUMNS[q.sort]} ${dir}, r.id ${dir} LIMIT ${q.limit} OFFSET ${q.offset}`,
      params,
    );
    return rows.map((r: RepoRecord & { tags: string[]; cardData: Record<string, unknown> | null; headOid: string | null }) => ({ ...normalise(r), tags: r.tags, cardData: r.cardData, headOid: r.headOid }));
  }

  /**
   * The default branch moved to `headOid`: records it and the time, and returns the blob id of
   * the README.md the card data was last read from (null: none). Undefined when `ref` no longer
   * points at `headOid` (a later change moved it; its own refresh writes the row, so an older
   * refresh finishing late never overwrites a newer one).
   */
  async moveHead(repoId: number, ref: string, headOid: string): Promise<{ readmeOid: string | null } | undefined> {
    // An UPDATE answers [rows, count] through TypeORM.
    const [rows]: [{ readmeOid: string | null }[], number] = await this.db.query(
      `UPDATE repositories SET head_oid = $3, last_modified = now()
        WHERE id = $1 AND EXISTS (SELECT 1 FROM git_refs WHERE repo_id = $1 AND name = $2 AND oid = $3)
        RETURNING card_readme_oid AS "readmeOid"`,
      [repoId, ref, headOid],
    );
    return rows[0];
  }

  /** Card data derived from the README.md blob `readmeOid` (null: no README) of the default branch's head `headOid`, unless `ref` moved on since. */
  async updateCard(repoId: number, ref: string, headOid: string, readmeOid: string | null, cardData: Record<string, unknown> | null, tags: string[]): Promise<void> {
    await this.db.query(
      `UPDATE repositories SET card_readme_oid = $4, card_data = $5, tags = $6, pipeline_tag = $7
        WHERE id = $1 AND EXISTS (SELECT 1 FROM git_refs WHERE repo_id = $1 AND name = $2 AND oid = $3)`,
      [repoId, ref, headOid, readmeOid, cardData === null ? null : JSON.stringify(cardData), tags, cardString(cardData, 'pipeline_tag')],
    );
  }
}
