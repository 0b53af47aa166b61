import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { RepoType } from '../../repos/repo.types';

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

export interface CachedContent {
  storageKey: string;
  size: number;
}

/** The read-through's rows: ref resolutions, per-commit metadata, verified contents, fills in progress. */
@Injectable()
export class FallbackCacheRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

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

  /** A verified content, marked as just used (the LRU order). */
  async touchContent(contentKey: string): Promise<CachedContent | null> {
    const [rows] = await this.db.query(
      `UPDATE fallback_content SET last_accessed_at = now() WHERE content_key = $1 RETURNING storage_key AS "storageKey", size`,
      [contentKey],
    );
    const row = rows[0];
    return row ? { storageKey: row.storageKey, size: Number(row.size) } : null;
  }

  /** Publishes a verified content: from now on every node serves it from the store. */
  async publishContent(contentKey: string, storageKey: string, size: number): Promise<void> {
    await this.db.query(
      `INSERT INTO fallback_content (content_key, storage_key, size) VALUES ($1, $2, $3)
       ON CONFLICT (content_key) DO UPDATE SET last_accessed_at = now()`,
      [contentKey, storageKey, size],
    );
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
