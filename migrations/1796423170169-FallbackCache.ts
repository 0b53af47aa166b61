import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The read-through cache of upstream hubs (issue 18).
 * - fallback_refs: a branch/tag of an upstream repository → the commit it named when asked
 *   (sha NULL: the upstream has no such repository; both expire by TTL, and a stale resolution
 *   is still served when the upstream can't be reached).
 * - fallback_metadata: answers about one upstream commit (info, tree pages, paths-info, commit
 *   lists, file entries). A commit never changes, so these never expire.
 * - fallback_content: verified file contents in the object store, by content hash (sha256 for
 *   LFS files, git blob id for the others); a row exists only once the bytes were verified.
 * - fallback_fills: the one fill of a content key in progress across the cluster.
 * `scope` is '' for what the source's own token (or none) fetched, or the user whose token did.
 */
export class FallbackCache1796423170169 implements MigrationInterface {
  name = 'FallbackCache1796423170169';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE fallback_refs (
        source_id integer NOT NULL REFERENCES fallback_sources (id) ON DELETE CASCADE,
        scope varchar(32) NOT NULL DEFAULT '',
        repo_type varchar(8) NOT NULL,
        repo_id varchar(200) NOT NULL,
        rev varchar(512) NOT NULL,
        sha char(40) NULL,
        fetched_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (source_id, scope, repo_type, repo_id, rev)
      )`);
    await q.query(`
      CREATE TABLE fallback_metadata (
        source_id integer NOT NULL REFERENCES fallback_sources (id) ON DELETE CASCADE,
        scope varchar(32) NOT NULL DEFAULT '',
        repo_type varchar(8) NOT NULL,
        repo_id varchar(200) NOT NULL,
        sha char(40) NOT NULL,
        request_key text NOT NULL,
        content_type varchar(200) NOT NULL,
        link text NULL,
        body bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (source_id, scope, repo_type, repo_id, sha, request_key)
      )`);
    await q.query(`
      CREATE TABLE fallback_content (
        content_key varchar(80) PRIMARY KEY,
        storage_key varchar(200) NOT NULL,
        size bigint NOT NULL,
        pinned boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_accessed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX fallback_content_lru_idx ON fallback_content (last_accessed_at) WHERE NOT pinned`);
    await q.query(`
      CREATE TABLE fallback_fills (
        content_key varchar(80) PRIMARY KEY,
        heartbeat_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS fallback_fills`);
    await q.query(`DROP TABLE IF EXISTS fallback_content`);
    await q.query(`DROP TABLE IF EXISTS fallback_metadata`);
    await q.query(`DROP TABLE IF EXISTS fallback_refs`);
  }
}
