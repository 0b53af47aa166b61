import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The fallback cache's limit (HANGAR_FALLBACK_CACHE_MAX_BYTES, LRU eviction) and its admin view:
 * - fallback_content_repos: which upstream repositories a cached content was served for (a
 *   content is shared by every repository holding the same bytes);
 * - fallback_pins: repositories whose contents eviction keeps;
 * - fallback_content_reads: downloads from the cache in progress (leases beaten while they last);
 *   eviction never removes a content someone is reading.
 */
export class FallbackCacheLru1796424268449 implements MigrationInterface {
  name = 'FallbackCacheLru1796424268449';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE fallback_content_repos (
        content_key varchar(80) NOT NULL REFERENCES fallback_content (content_key) ON DELETE CASCADE,
        repo_type varchar(8) NOT NULL,
        repo_id varchar(200) NOT NULL,
        PRIMARY KEY (content_key, repo_type, repo_id)
      )`);
    await q.query(`CREATE INDEX fallback_content_repos_repo_idx ON fallback_content_repos (repo_type, repo_id)`);
    await q.query(`
      CREATE TABLE fallback_pins (
        repo_type varchar(8) NOT NULL,
        repo_id varchar(200) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (repo_type, repo_id)
      )`);
    await q.query(`
      CREATE TABLE fallback_content_reads (
        id uuid PRIMARY KEY,
        content_key varchar(80) NOT NULL,
        heartbeat_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX fallback_content_reads_key_idx ON fallback_content_reads (content_key)`);
    await q.query(`ALTER TABLE fallback_content DROP COLUMN pinned`);
    await q.query(`CREATE INDEX fallback_content_lru_all_idx ON fallback_content (last_accessed_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS fallback_content_lru_all_idx`);
    await q.query(`ALTER TABLE fallback_content ADD COLUMN pinned boolean NOT NULL DEFAULT false`);
    await q.query(`DROP TABLE IF EXISTS fallback_content_reads`);
    await q.query(`DROP TABLE IF EXISTS fallback_pins`);
    await q.query(`DROP TABLE IF EXISTS fallback_content_repos`);
  }
}
