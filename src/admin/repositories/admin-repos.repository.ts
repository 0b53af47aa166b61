import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { likePattern } from '../../core/database/like-pattern';

/** A repository with its owner and the quota figures the admin list shows. */
export interface AdminRepoRow {
  id: number;
  type: string;
  namespace: string;
  namespaceId: number;
  namespaceKind: 'user' | 'org';
  name: string;
  private: boolean;
  createdAt: Date;
  quotaBytes: number | null;
  usedBytes: number;
  /** The namespace's quota for the repository's bucket (private or public); null: unlimited. */
  namespaceQuotaBytes: number | null;
}

export const REPO_SORTS = {
  id: 'r.id',
  created_at: 'r.created_at',
  used_bytes: 'r.used_bytes',
  name: 'lower(r.name)',
} as const;
export type RepoSort = keyof typeof REPO_SORTS;

export interface RepoFilter {
  search?: string;
  type?: string;
  namespace?: string;
  sort?: RepoSort;
  order?: 'asc' | 'desc';
  limit: number;
  offset: number;
}

// The owner's quota for the repository's bucket comes from the user or the organization row.
const SELECT = `
  SELECT r.id, r.type, n.name AS namespace, r.namespace_id AS "namespaceId", n.kind AS "namespaceKind", r.name, r.private,
         r.created_at AS "createdAt", r.quota_bytes AS "quotaBytes", r.used_bytes AS "usedBytes",
         CASE WHEN r.private THEN coalesce(u.private_quota_bytes, o.private_quota_bytes)
              ELSE coalesce(u.public_quota_bytes, o.public_quota_bytes) END AS "namespaceQuotaBytes"
    FROM repositories r
    JOIN namespaces n ON n.id = r.namespace_id
    LEFT JOIN users u ON u.id = n.id
    LEFT JOIN organizations o ON o.id = n.id`;

/** The admin API's queries over repositories: one statement per answer, no per-row lookups. */
@Injectable()
export class AdminReposRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async list(f: RepoFilter): Promise<{ rows: AdminRepoRow[]; total: number }> {
    const params: unknown[] = [f.type ?? null, f.namespace ?? null, f.search ? likePattern(f.search) : null];
    // type and namespace use repositories_type_* and repositories_namespace_idx; the substring
    // search is a filter over what those leave (an admin tool, not a hot path).
    const where = `WHERE ($1::text IS NULL OR r.type = $1)
                     AND ($2::text IS NULL OR r.namespace_id = (SELECT id FROM namespaces WHERE lower(name) = lower($2)))
                     AND ($3::text IS NULL OR r.name ILIKE $3 OR (n.name || '/' || r.name) ILIKE $3)`;
    const order = `${REPO_SORTS[f.sort ?? 'id']} ${f.order === 'desc' ? 'DESC' : 'ASC'}, r.id`;
    const rows = await this.db.query(
      `${SELECT.replace('SELECT r.id,', 'SELECT count(*) OVER () AS total, r.id,')} ${where} ORDER BY ${order} LIMIT ${f.limit} OFFSET ${f.offset}`,
      params,
    );
    let total = rows.length ? Number(rows[0].total) : 0;
    if (!rows.length && f.offset > 0) {
      const [c] = await this.db.query(`SELECT count(*)::int AS n FROM repositories r JOIN namespaces n ON n.id = r.namespace_id ${where}`, params);
      total = c.n;
    }
    return { rows: rows.map(toRow), total };
  }

  async byId(id: number): Promise<AdminRepoRow | null> {
    const rows = await this.db.query(`${SELECT} WHERE r.id = $1`, [id]);
    return rows[0] ? toRow(rows[0]) : null;
  }

  /** Commits stored for the repository (every branch, tag and PR ref). */
  async commitCount(repoId: number): Promise<number> {
    const [r] = await this.db.query(`SELECT count(*)::int AS n FROM git_commits WHERE repo_id = $1`, [repoId]);
    return r.n;
  }

  /** Every LFS object the repository holds (all versions), and how many of those bytes other repositories share. */
  async lfsHoldings(repoId: number): Promise<{ objects: number; bytes: number; sharedBytes: number }> {
    const [r] = await this.db.query(
      `SELECT count(*)::int AS objects, coalesce(sum(l.size), 0)::bigint AS bytes,
              coalesce(sum(l.size) FILTER (WHERE EXISTS (SELECT 1 FROM repo_lfs_objects o WHERE o.oid = rl.oid AND o.repo_id <> rl.repo_id)), 0)::bigint AS shared
         FROM repo_lfs_objects rl JOIN lfs_objects l ON l.oid = rl.oid
        WHERE rl.repo_id = $1 AND rl.committed`,
      [repoId],
    );
    return { objects: r.objects, bytes: Number(r.bytes), sharedBytes: Number(r.shared) };
  }
}

function toRow(r: Record<string, unknown>): AdminRepoRow {
  return {
    id: Number(r.id),
    type: String(r.type),
    namespace: String(r.namespace),
    namespaceId: Number(r.namespaceId),
    namespaceKind: r.namespaceKind === 'org' ? 'org' : 'user',
    name: String(r.name),
    private: Boolean(r.private),
    createdAt: r.createdAt as Date,
    quotaBytes: r.quotaBytes === null ? null : Number(r.quotaBytes),
    usedBytes: Number(r.usedBytes),
    namespaceQuotaBytes: r.namespaceQuotaBytes === null ? null : Number(r.namespaceQuotaBytes),
  };
}
