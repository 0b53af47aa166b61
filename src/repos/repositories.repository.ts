import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { driverPool } from '../core/database/driver-pool';
import { DataSource, EntityManager } from 'typeorm';
import type { RefHint } from '../git/engine/engine.types';
import type { RepoRecord, RepoType } from './repo.types';

export const REPO_COLUMNS = `
  r.id, r.type, r.namespace_id AS "namespaceId", n.name AS namespace, n.kind AS "namespaceKind", r.name, r.private, r.gated, r.discussions_disabled AS "discussionsDisabled",
  r.default_branch AS "defaultBranch", r.sdk, r.likes, r.downloads, r.downloads_all_time AS "downloadsAllTime", r.trending_score AS "trendingScore", r.created_by AS "createdBy", r.created_at AS "createdAt", r.last_modified AS "lastModified"`;
export const REPO_FROM = `repositories r JOIN namespaces n ON n.id = r.namespace_id`;

/**
 * SQL: a repository of this type and name exists, or redirects elsewhere (the name is taken
 * locally); the arguments are the statement's parameters (`$1`…) holding them.
 */
export function repoHeld(type: string, namespace: string, name: string): string {
  return `(EXISTS (SELECT 1 FROM ${REPO_FROM} WHERE r.type = ${type} AND lower(n.name) = lower(${namespace}) AND lower(r.name) = lower(${name}))
          OR EXISTS (SELECT 1 FROM repo_redirects WHERE type = ${type} AND namespace_lower = lower(${namespace}) AND name_lower = lower(${name})))`;
}

/** Queries over `repositories` and `repo_redirects`; names match case-insensitively. */
@Injectable()
export class RepositoriesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async find(type: RepoType, namespace: string, name: string, m: EntityManager = this.db.manager): Promise<RepoRecord | null> {
    const rows = await m.query(
      `SELECT ${REPO_COLUMNS} FROM ${REPO_FROM} WHERE r.type = $1 AND lower(n.name) = lower($2) AND lower(r.name) = lower($3)`,
      [type, namespace, name],
    );
    return rows[0] ? normalise(rows[0]) : null;
  }

  /**
   * `find` plus the branch or tag `revision` names (the default branch for `HEAD`), in one
   * named prepared statement: the read routes' whole database round trip for a warm public
   * repository. Straight on the pool: no TypeORM query runner per call.
   */
  async findWithRef(type: RepoType, namespace: string, name: string, revision: string): Promise<{ repo: RepoRecord; hint: RefHint } | null> {
    const { rows } = await driverPool(this.db).query({
      name: 'hangar_repo_with_ref',
      text: `SELECT ${REPO_COLUMNS}, g.name AS "refName", g.oid AS "refOid" FROM ${REPO_FROM}
        LEFT JOIN LATERAL (
          SELECT name, oid FROM git_refs
           WHERE repo_id = r.id AND name = ANY(CASE WHEN $4 = 'HEAD' THEN ARRAY['refs/heads/' || r.default_branch]
                                                  WHEN $4 LIKE 'refs/%' THEN ARRAY[$4::text]
                                                  ELSE ARRAY['refs/heads/' || $4, 'refs/tags/' || $4] END)
           ORDER BY name LIMIT 1) g ON true
        WHERE r.type = $1 AND lower(n.name) = lower($2) AND lower(r.name) = lower($3)`,
      values: [type, namespace, name, revision],
    });
    if (!rows[0]) return null;
    const { refName, refOid, ...repo } = rows[0] as RepoRecord & { refName: string | null; refOid: string | null };
    return { repo: normalise(repo), hint: { revision, ref: refName, oid: refOid } };
  }

  async findById(id: number, m: EntityManager = this.db.manager): Promise<RepoRecord | null> {
    const rows = await m.query(`SELECT ${REPO_COLUMNS} FROM ${REPO_FROM} WHERE r.id = $1`, [id]);
    return rows[0] ? normalise(rows[0]) : null;
  }

  /**
   * Whether this id names a repository here, or an old id one moved away from: one statement,
   * for the fallback read-through's "is it local?" before every request it could answer (a
   * redirect's row goes with its repository, ON DELETE CASCADE).
   */
  async holds(type: RepoType, namespace: string, name: string): Promise<boolean> {
    const { rows } = await driverPool(this.db).query({
      name: 'hangar_repo_held',
      text: `SELECT ${repoHeld('$1', '$2', '$3')} AS held`,
      values: [type, namespace, name],
    });
    return rows[0].held === true;
  }

  /** The repository an old id was moved away from, if the name has not been reused since. */
  async findRedirect(type: RepoType, namespace: string, name: string): Promise<RepoRecord | null> {
    const rows = await this.db.query(
      `SELECT repo_id AS id FROM repo_redirects WHERE type = $1 AND namespace_lower = lower($2) AND name_lower = lower($3)`,
      [type, namespace, name],
    );
    return rows[0] ? this.findById(Number(rows[0].id)) : null;
  }

  async insert(
    m: EntityManager,
    r: { type: RepoType; namespaceId: number; name: string; private: boolean; sdk: string | null; createdBy: number; defaultBranch?: string },
  ): Promise<number> {
    const [row] = await m.query(
      `INSERT INTO repositories (type, namespace_id, name, private, sdk, created_by, default_branch) VALUES ($1, $2, $3, $4, $5, $6, COALESCE($7, 'main')) RETURNING id`,
      [r.type, r.namespaceId, r.name, r.private, r.sdk, r.createdBy, r.defaultBranch ?? null],
    );
    // A new repository takes its name back from any redirect that pointed elsewhere.
    await m.query(`DELETE FROM repo_redirects WHERE type = $1 AND namespace_lower = (SELECT lower(name) FROM namespaces WHERE id = $2) AND name_lower = lower($3)`, [
      r.type,
      r.namespaceId,
      r.name,
    ]);
    return Number(row.id);
  }

  async delete(m: EntityManager, id: number): Promise<void> {
    await m.query(`DELETE FROM repositories WHERE id = $1`, [id]);
  }

  async touch(m: EntityManager, id: number): Promise<void> {
    await m.query(`UPDATE repositories SET last_modified = now() WHERE id = $1`, [id]);
  }

  async lfsSettings(id: number): Promise<{ thresholdBytes: number | null; suffixRules: string[] | null; keepVersions: number | null }> {
    const [r] = await this.db.query(
      `SELECT lfs_threshold_bytes AS "thresholdBytes", lfs_suffixes AS "suffixRules", lfs_keep_versions AS "keepVersions" FROM repositories WHERE id = $1`,
      [id],
    );
    return { thresholdBytes: r.thresholdBytes === null ? null : Number(r.thresholdBytes), suffixRules: r.suffixRules, keepVersions: r.keepVersions };
  }

  /** Sets the LFS settings given (undefined: unchanged; null: back to the server default). */
  async updateLfsSettings(m: EntityManager, id: number, s: { thresholdBytes?: number | null; suffixRules?: string[] | null; keepVersions?: number | null }): Promise<void> {
    const sets: string[] = [];
    const params: unknown[] = [id];
    const set = (column: string, value: unknown) => {
      params.push(value);
      sets.push(`${column} = $${params.length}`);
    };
    if (s.thresholdBytes !== undefined) set('lfs_threshold_bytes', s.thresholdBytes);
    if (s.suffixRules !== undefined) set('lfs_suffixes', s.suffixRules);
    if (s.keepVersions !== undefined) set('lfs_keep_versions', s.keepVersions);
    if (sets.length) await m.query(`UPDATE repositories SET ${sets.join(', ')} WHERE id = $1`, params);
  }

  async updateSettings(m: EntityManager, id: number, s: { private?: boolean; gated?: 'auto' | 'manual' | null; discussionsDisabled?: boolean }): Promise<void> {
    await m.query(
      `UPDATE repositories SET private = COALESCE($2, private), gated = CASE WHEN $3::boolean THEN $4 ELSE gated END,
         discussions_disabled = COALESCE($5, discussions_disabled) WHERE id = $1`,
      [id, s.private ?? null, s.gated !== undefined, s.gated ?? null, s.discussionsDisabled ?? null],
    );
  }

  /**
   * Renames (and re-homes) a repository and leaves a redirect from its old id. Only while it
   * still has the id it was found under: of concurrent moves one wins, the others get false.
   */
  async move(m: EntityManager, repo: RepoRecord, namespaceId: number, name: string): Promise<boolean> {
    const [, moved] = await m.query(
      `UPDATE repositories SET namespace_id = $2, name = $3, last_modified = now() WHERE id = $1 AND namespace_id = $4 AND name = $5`,
      [repo.id, namespaceId, name, repo.namespaceId, repo.name],
    );
    if (moved === 0) return false;
    await m.query(
      `INSERT INTO repo_redirects (type, namespace_lower, name_lower, repo_id) VALUES ($1, lower($2), lower($3), $4)
       ON CONFLICT (type, namespace_lower, name_lower) DO UPDATE SET repo_id = EXCLUDED.repo_id, created_at = now()`,
      [repo.type, repo.namespace, repo.name, repo.id],
    );
    await m.query(`DELETE FROM repo_redirects WHERE type = $1 AND namespace_lower = (SELECT lower(name) FROM namespaces WHERE id = $2) AND name_lower = lower($3)`, [
      repo.type,
      namespaceId,
      name,
    ]);
    return true;
  }

  /** `"<type>:<ns>/<name>"` of every repository in a namespace. */
  async listIdsInNamespace(namespaceId: number): Promise<{ id: number; label: string }[]> {
    const rows: { id: string; type: string; ns: string; name: string }[] = await this.db.query(
      `SELECT r.id, r.type, n.name AS ns, r.name FROM ${REPO_FROM} WHERE r.namespace_id = $1 ORDER BY r.type, r.name`,
      [namespaceId],
    );
    return rows.map((r) => ({ id: Number(r.id), label: `${r.type}:${r.ns}/${r.name}` }));
  }

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }
}

export function normalise(r: RepoRecord): RepoRecord {
  return { ...r, id: Number(r.id), namespaceId: Number(r.namespaceId), likes: Number(r.likes), downloads: Number(r.downloads), downloadsAllTime: Number(r.downloadsAllTime ?? 0), trendingScore: Number(r.trendingScore ?? 0), createdBy: r.createdBy == null ? null : Number(r.createdBy) };
}
