import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { driverPool } from '../../core/database/driver-pool';
import { DataSource } from 'typeorm';
import type { RepoType } from '../../repos/repo.types';
import { repoHeld } from '../../repos/repositories.repository';

/** Which upstream repository, as seen with which credential ('' = the source's own token or none). */
export interface UpstreamRepoKey {
  sourceId: number;
  scope: string;
  repoType: RepoType;
  repoId: string;
}

export interface CachedRef {
  sha: string | null;
  ageMs: number;
}

export interface CachedMetadata {
  contentType: string;
  link: string | null;
  body: Buffer;
}

/** An upstream answer about a user or an organization (status 404: "not on this source"). */
export interface CachedProfile extends CachedMetadata {
  status: number;
  ageMs: number;
}

export interface ProfileKey {
  sourceId: number;
  kind: 'user' | 'org';
  name: string;
  requestKey: string;
}

export interface CachedContent {
  storageKey: string;
  size: number;
  /** Its LRU mark is due for an update (see touchContent). */
  markDue?: boolean;
}

/** What a warm file request asks in one statement (see warmFile). */
export interface WarmFileAsk {
  key: UpstreamRepoKey;
  namespace: string;
  name: string;
  rev: string;
  /** The metadata row of the file's tree entry. */
  requestKey: string;
  /** The commit this node last found the file at for this rev, and the content its entry names. */
  hint: { sha: string; contentKey: string } | null;
}

export interface WarmFileRow {
  /** A local repository (or a redirect) has the name: it wins, the read-through stays out. */
  held: boolean;
  ref: CachedRef | null;
  /** The entry's metadata at ref.sha; only looked up when the hint names another commit. */
  metadata: Buffer | null;
  /** The hinted content's row; only looked up when the hint names ref.sha. */
  content: CachedContent | null;
}

export interface CachedRepoRow {
  repoType: RepoType;
  repoId: string;
  files: number;
  bytes: number;
  pinned: boolean;
  lastAccessedAt: Date;
}

/** A content eviction may take: not pinned (through any repository it was served for), not being read. */
const EVICTABLE = `NOT EXISTS (SELECT 1 FROM fallback_content_repos cr JOIN fallback_pins p ON p.repo_type = cr.repo_type AND p.repo_id = cr.repo_id
                                WHERE cr.content_key = c.content_key)
   AND NOT EXISTS (SELECT 1 FROM fallback_content_reads r WHERE r.content_key = c.content_key AND r.heartbeat_at >= now() - make_interval(secs => $1 / 1000.0))`;

const TOUCH_EVERY_SECONDS = 60;

/** The read-through's rows: ref resolutions, per-commit metadata, verified contents, fills in progress. */
@Injectable()
export class FallbackCacheRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Everything a warm file download needs, in one round trip: whether the name is local, the
   * rev's cached resolution, and then either the file's tree entry at that commit or (when this
   * node already knows the entry there: the hint) the published content it names.
   */
  async warmFile(q: WarmFileAsk): Promise<WarmFileRow> {
    const { rows } = await driverPool(this.db).query({
      name: 'hangar_fallback_warm_file',
      text: `SELECT ${repoHeld('$1', '$2', '$3')} AS held,
                    f.sha, f.age_ms AS "ageMs", m.body, c.storage_key AS "storageKey", c.size, c.mark_due AS "markDue"
               FROM (SELECT 1) one
               LEFT JOIN LATERAL (SELECT sha, (extract(epoch FROM now() - fetched_at) * 1000)::bigint AS age_ms FROM fallback_refs
                                   WHERE source_id = $4 AND scope = $5 AND repo_type = $1 AND repo_id = lower($6) AND rev = $7) f ON true
               LEFT JOIN LATERAL (SELECT body FROM fallback_metadata
                                   WHERE source_id = $4 AND scope = $5 AND repo_type = $1 AND repo_id = lower($6) AND sha = f.sha AND request_key = $8
                                     AND f.sha IS DISTINCT FROM $9::varchar) m ON true
               LEFT JOIN LATERAL (SELECT storage_key, size, last_accessed_at < now() - make_interval(secs => $11) AS mark_due FROM fallback_content
                                   WHERE content_key = $10 AND f.sha = $9::varchar) c ON true`,
      values: [q.key.repoType, q.namespace, q.name, q.key.sourceId, q.key.scope, q.key.repoId, q.rev, q.requestKey, q.hint?.sha ?? null, q.hint?.contentKey ?? null, TOUCH_EVERY_SECONDS],
    });
    const row = rows[0];
    return {
      held: row.held === true,
      ref: row.ageMs === null ? null : { sha: row.sha, ageMs: Number(row.ageMs) },
      metadata: row.body ?? null,
      content: row.storageKey === null ? null : { storageKey: row.storageKey, size: Number(row.size), markDue: row.markDue === true },
    };
  }

  async ref(k: UpstreamRepoKey, rev: string): Promise<CachedRef | null> {
    const [row] = await this.db.query(
      `SELECT sha, (extract(epoch FROM now() - fetched_at) * 1000)::bigint AS "ageMs" FROM fallback_refs
        WHERE source_id = $1 AND scope = $2 AND repo_type = $3 AND repo_id = lower($4) AND rev = $5`,
      [k.sourceId, k.scope, k.repoType, k.repoId, rev],
    );
    return row ? { sha: row.sha, ageMs: Number(row.ageMs) } : null;
  }

  async saveRef(k: UpstreamRepoKey, rev: string, sha: string | null): Promise<void> {
    await this.db.query(
      `INSERT INTO fallback_refs (source_id, scope, repo_type, repo_id, rev, sha) VALUES ($1, $2, $3, lower($4), $5, $6)
       ON CONFLICT (source_id, scope, repo_type, repo_id, rev) DO UPDATE SET sha = EXCLUDED.sha, fetched_at = now()`,
      [k.sourceId, k.scope, k.repoType, k.repoId, rev, sha],
    );
  }

  async metadata(k: UpstreamRepoKey, sha: string, requestKey: string): Promise<CachedMetadata | null> {
    const [row] = await this.db.query(
      `SELECT content_type AS "contentType", link, body FROM fallback_metadata
        WHERE source_id = $1 AND scope = $2 AND repo_type = $3 AND repo_id = lower($4) AND sha = $5 AND request_key = $6`,
      [k.sourceId, k.scope, k.repoType, k.repoId, sha, requestKey],
    );
    return row ?? null;
  }

  /** `replace`: the answer is a moving one (refs) and the newest wins; else the first stays (a commit's answer never changes). */
  async saveMetadata(k: UpstreamRepoKey, sha: string, requestKey: string, m: CachedMetadata, replace = false): Promise<void> {
    await this.db.query(
      `INSERT INTO fallback_metadata (source_id, scope, repo_type, repo_id, sha, request_key, content_type, link, body)
       VALUES ($1, $2, $3, lower($4), $5, $6, $7, $8, $9) ON CONFLICT (source_id, scope, repo_type, repo_id, sha, request_key) DO ${
         replace ? 'UPDATE SET content_type = EXCLUDED.content_type, link = EXCLUDED.link, body = EXCLUDED.body, created_at = now()' : 'NOTHING'
       }`,
      [k.sourceId, k.scope, k.repoType, k.repoId, sha, requestKey, m.contentType, m.link, m.body],
    );
  }

  async profile(k: ProfileKey): Promise<CachedProfile | null> {
    const [row] = await this.db.query(
      `SELECT status, content_type AS "contentType", link, body, (extract(epoch FROM now() - fetched_at) * 1000)::bigint AS "ageMs" FROM fallback_profiles
        WHERE source_id = $1 AND kind = $2 AND name = lower($3) AND request_key = $4`,
      [k.sourceId, k.kind, k.name, k.requestKey],
    );
    return row ? { ...row, status: Number(row.status), ageMs: Number(row.ageMs) } : null;
  }

  async saveProfile(k: ProfileKey, status: number, m: CachedMetadata): Promise<void> {
    await this.db.query(
      `INSERT INTO fallback_profiles (source_id, kind, name, request_key, status, content_type, link, body) VALUES ($1, $2, lower($3), $4, $5, $6, $7, $8)
       ON CONFLICT (source_id, kind, name, request_key) DO UPDATE
         SET status = EXCLUDED.status, content_type = EXCLUDED.content_type, link = EXCLUDED.link, body = EXCLUDED.body, fetched_at = now()`,
      [k.sourceId, k.kind, k.name, k.requestKey, status, m.contentType, m.link, m.body],
    );
  }

  /** A user or an organization of this name is local (it wins over any upstream's). */
  async localNamespace(name: string): Promise<boolean> {
    const rows = await this.db.query(`SELECT 1 FROM namespaces WHERE lower(name) = lower($1)`, [name]);
    return rows.length > 0;
  }

  /**
   * A verified content, marked as just used (the LRU order). The mark is written at most once a
   * minute per content: a warm download then costs a read, not a write (and its WAL flush), and
   * eviction's order is still right to the minute.
   */
  async touchContent(contentKey: string): Promise<CachedContent | null> {
    const [row] = await this.db.query(
      `SELECT storage_key AS "storageKey", size, last_accessed_at < now() - make_interval(secs => $2) AS "markDue" FROM fallback_content WHERE content_key = $1`,
      [contentKey, TOUCH_EVERY_SECONDS],
    );
    if (!row) return null;
    if (row.markDue) await this.markUsed(contentKey);
    return { storageKey: row.storageKey, size: Number(row.size) };
  }

  /** The LRU mark of a content (see touchContent). */
  async markUsed(contentKey: string): Promise<void> {
    await this.db.query(`UPDATE fallback_content SET last_accessed_at = now() WHERE content_key = $1`, [contentKey]);
  }

  /** Publishes a verified content: from now on every node serves it from the store. */
  async publishContent(contentKey: string, storageKey: string, size: number): Promise<void> {
    await this.db.query(
      `INSERT INTO fallback_content (content_key, storage_key, size) VALUES ($1, $2, $3)
       ON CONFLICT (content_key) DO UPDATE SET last_accessed_at = now()`,
      [contentKey, storageKey, size],
    );
  }

  /** Forgets a published content whose object is gone from the store (removed by hand, a lost bucket): the next request fills it again. */
  async dropContent(contentKey: string, storageKey: string): Promise<void> {
    await this.db.query(`DELETE FROM fallback_content WHERE content_key = $1 AND storage_key = $2`, [contentKey, storageKey]);
  }

  /** Records that a content was served for a repository (the admin view, and pins). */
  async linkContent(contentKey: string, repoType: RepoType, repoId: string): Promise<void> {
    await this.db.query(
      `INSERT INTO fallback_content_repos (content_key, repo_type, repo_id) SELECT $1::varchar, $2::varchar, lower($3)
        WHERE EXISTS (SELECT 1 FROM fallback_content WHERE content_key = $1) ON CONFLICT DO NOTHING`,
      [contentKey, repoType, repoId],
    );
  }

  /** A download from the cache starts: eviction leaves this content alone until endRead (or the lease goes stale). */
  async beginRead(contentKey: string): Promise<string> {
    const id = randomUUID();
    await this.db.query(`INSERT INTO fallback_content_reads (id, content_key) VALUES ($1, $2)`, [id, contentKey]);
    return id;
  }

  async beatRead(id: string): Promise<void> {
    await this.db.query(`UPDATE fallback_content_reads SET heartbeat_at = now() WHERE id = $1`, [id]);
  }

  async endRead(id: string): Promise<void> {
    await this.db.query(`DELETE FROM fallback_content_reads WHERE id = $1`, [id]);
  }

  /** Which of these store keys a published content names. */
  async publishedKeys(keys: string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const rows: { key: string }[] = await this.db.query(`SELECT storage_key AS key FROM fallback_content WHERE storage_key = ANY($1)`, [keys]);
    return new Set(rows.map((r) => r.key));
  }

  async totals(): Promise<{ entries: number; bytes: number }> {
    const [row] = await this.db.query(`SELECT count(*)::bigint AS entries, coalesce(sum(size), 0)::bigint AS bytes FROM fallback_content`);
    return { entries: Number(row.entries), bytes: Number(row.bytes) };
  }

  /** The least recently used contents eviction may take, oldest first. */
  async evictionCandidates(limit: number, staleReadMs: number): Promise<{ contentKey: string; size: number }[]> {
    const rows = await this.db.query(
      `SELECT content_key AS "contentKey", size FROM fallback_content c WHERE ${EVICTABLE} ORDER BY last_accessed_at, content_key LIMIT $2`,
      [staleReadMs, limit],
    );
    return rows.map((r: { contentKey: string; size: string }) => ({ contentKey: r.contentKey, size: Number(r.size) }));
  }

  /**
   * Unpublishes a content unless it became pinned or read meanwhile (checked in the same
   * statement); returns its storage key for the caller to delete, or null when it stays. A read
   * starting after this finds no row and fills again.
   */
  async unpublish(contentKey: string, staleReadMs: number): Promise<{ storageKey: string; size: number } | null> {
    const [rows] = await this.db.query(
      `DELETE FROM fallback_content c WHERE content_key = $2 AND ${EVICTABLE} RETURNING storage_key AS "storageKey", size`,
      [staleReadMs, contentKey],
    );
    return rows[0] ? { storageKey: rows[0].storageKey, size: Number(rows[0].size) } : null;
  }

  /** The contents served for a repository (to evict it). */
  async contentKeysOf(repoType: RepoType, repoId: string): Promise<string[]> {
    const rows = await this.db.query(`SELECT content_key AS "contentKey" FROM fallback_content_repos WHERE repo_type = $1 AND repo_id = lower($2)`, [repoType, repoId]);
    return rows.map((r: { contentKey: string }) => r.contentKey);
  }

  async allContentKeys(): Promise<string[]> {
    return (await this.db.query(`SELECT content_key AS "contentKey" FROM fallback_content`)).map((r: { contentKey: string }) => r.contentKey);
  }

  /** Forgets resolutions and metadata (of one repository, or all, user and organization lookups included): the next request asks the upstream again. */
  async forgetMetadata(repo?: { repoType: RepoType; repoId: string }): Promise<void> {
    const where = repo ? `WHERE repo_type = $1 AND repo_id = lower($2)` : '';
    const params = repo ? [repo.repoType, repo.repoId] : [];
    await this.db.query(`DELETE FROM fallback_refs ${where}`, params);
    await this.db.query(`DELETE FROM fallback_metadata ${where}`, params);
    if (!repo) await this.db.query(`DELETE FROM fallback_profiles`);
  }

  async cachedRepos(): Promise<CachedRepoRow[]> {
    const rows = await this.db.query(
      `SELECT cr.repo_type AS "repoType", cr.repo_id AS "repoId", count(*)::int AS files, coalesce(sum(c.size), 0)::bigint AS bytes,
              max(c.last_accessed_at) AS "lastAccessedAt", bool_or(p.repo_id IS NOT NULL) AS pinned
         FROM fallback_content_repos cr JOIN fallback_content c ON c.content_key = cr.content_key
         LEFT JOIN fallback_pins p ON p.repo_type = cr.repo_type AND p.repo_id = cr.repo_id
        GROUP BY cr.repo_type, cr.repo_id ORDER BY max(c.last_accessed_at) DESC`,
    );
    return rows.map((r: CachedRepoRow & { bytes: string }) => ({ ...r, bytes: Number(r.bytes) }));
  }

  async pin(repoType: RepoType, repoId: string): Promise<void> {
    await this.db.query(`INSERT INTO fallback_pins (repo_type, repo_id) VALUES ($1, lower($2)) ON CONFLICT DO NOTHING`, [repoType, repoId]);
  }

  async unpin(repoType: RepoType, repoId: string): Promise<boolean> {
    const [, count] = await this.db.query(`DELETE FROM fallback_pins WHERE repo_type = $1 AND repo_id = lower($2)`, [repoType, repoId]);
    return count > 0;
  }

  /**
   * Claims the fill of a content key for this caller: true when nobody is filling it or the one
   * who was stopped beating (a crashed node); the claim is then held by beating it.
   */
  async claimFill(contentKey: string, staleAfterMs: number): Promise<boolean> {
    const rows = await this.db.query(
      `INSERT INTO fallback_fills (content_key) VALUES ($1)
       ON CONFLICT (content_key) DO UPDATE SET heartbeat_at = now()
         WHERE fallback_fills.heartbeat_at < now() - make_interval(secs => $2 / 1000.0)
       RETURNING content_key`,
      [contentKey, staleAfterMs],
    );
    return rows.length > 0;
  }

  async beatFill(contentKey: string): Promise<void> {
    await this.db.query(`UPDATE fallback_fills SET heartbeat_at = now() WHERE content_key = $1`, [contentKey]);
  }

  async releaseFill(contentKey: string): Promise<void> {
    await this.db.query(`DELETE FROM fallback_fills WHERE content_key = $1`, [contentKey]);
  }

  async fillInProgress(contentKey: string, staleAfterMs: number): Promise<boolean> {
    const [row] = await this.db.query(
      `SELECT 1 AS one FROM fallback_fills WHERE content_key = $1 AND heartbeat_at >= now() - make_interval(secs => $2 / 1000.0)`,
      [contentKey, staleAfterMs],
    );
    return !!row;
  }
}
