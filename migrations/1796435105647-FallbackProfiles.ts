import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * fallback_profiles: upstream answers about users and organizations Hangar does not have
 * (overview, members, followers, following, the avatar image), per source and request, kept for
 * the ref TTL and served stale when the upstream is down. status 404 rows remember "not on this
 * source" for the negative TTL (body empty).
 */
export class FallbackProfiles1796435105647 implements MigrationInterface {
  name = 'FallbackProfiles1796435105647';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE fallback_profiles (
        source_id integer NOT NULL REFERENCES fallback_sources (id) ON DELETE CASCADE,
        kind varchar(8) NOT NULL,
        name varchar(200) NOT NULL,
        request_key text NOT NULL,
        status smallint NOT NULL,
        content_type varchar(200) NOT NULL,
        link text NULL,
        body bytea NOT NULL,
        fetched_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (source_id, kind, name, request_key)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS fallback_profiles`);
  }
}
