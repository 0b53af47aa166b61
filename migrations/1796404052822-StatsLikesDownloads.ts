import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Likes, download sessions (one row per client, repository and 15-minute bucket), the daily
 * rollup kept per repository, and the days the rollup has finished. `repositories.downloads`
 * (last 30 days) and `likes` existed already; all-time downloads and the trending score join them.
 */
export class StatsLikesDownloads1796404052822 implements MigrationInterface {
  name = 'StatsLikesDownloads1796404052822';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE repo_likes (
        repo_id bigint NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
        user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (repo_id, user_id)
      )`);
    await q.query(`CREATE INDEX repo_likes_user_idx ON repo_likes (user_id, created_at DESC)`);
    await q.query(`CREATE INDEX repo_likes_repo_created_idx ON repo_likes (repo_id, created_at DESC)`);

    await q.query(`
      CREATE TABLE download_sessions (
        repo_id bigint NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
        bucket timestamptz NOT NULL,
        -- 'u:<user id>' or 'a:<hash of address and user agent>'
        client_key varchar(64) NOT NULL,
        authenticated boolean NOT NULL,
        files integer NOT NULL DEFAULT 1,
        PRIMARY KEY (repo_id, bucket, client_key)
      )`);
    await q.query(`CREATE INDEX download_sessions_bucket_idx ON download_sessions (bucket)`);

    await q.query(`
      CREATE TABLE repo_daily_stats (
        repo_id bigint NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
        day date NOT NULL,
        authenticated integer NOT NULL DEFAULT 0,
        anonymous integer NOT NULL DEFAULT 0,
        files bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (repo_id, day)
      )`);
    await q.query(`CREATE INDEX repo_daily_stats_day_idx ON repo_daily_stats (day)`);

    await q.query(`
      CREATE TABLE stats_rollup_days (
        day date PRIMARY KEY,
        rolled_up_at timestamptz NOT NULL DEFAULT now(),
        -- once true, the day's raw sessions are gone and its totals are final
        pruned boolean NOT NULL DEFAULT false
      )`);

    await q.query(`ALTER TABLE repositories ADD COLUMN downloads_all_time bigint NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE repositories ADD COLUMN trending_score double precision NOT NULL DEFAULT 0`);
    await q.query(`CREATE INDEX repositories_downloads_idx ON repositories (type, downloads DESC)`);
    await q.query(`CREATE INDEX repositories_likes_idx ON repositories (type, likes DESC)`);
    await q.query(`CREATE INDEX repositories_trending_idx ON repositories (type, trending_score DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS repositories_trending_idx`);
    await q.query(`DROP INDEX IF EXISTS repositories_likes_idx`);
    await q.query(`DROP INDEX IF EXISTS repositories_downloads_idx`);
    await q.query(`ALTER TABLE repositories DROP COLUMN IF EXISTS trending_score`);
    await q.query(`ALTER TABLE repositories DROP COLUMN IF EXISTS downloads_all_time`);
    await q.query(`DROP TABLE IF EXISTS stats_rollup_days`);
    await q.query(`DROP TABLE IF EXISTS repo_daily_stats`);
    await q.query(`DROP TABLE IF EXISTS download_sessions`);
    await q.query(`DROP TABLE IF EXISTS repo_likes`);
  }
}
