import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Upstream hubs Hangar may read through to (issue 18): global (namespace '') or for one
 * namespace, highest priority first, with allow/deny repository patterns. The token is stored
 * encrypted (AES-256-GCM, core/crypto/at-rest.ts), never in plain text.
 */
export class FallbackSources1796411195153 implements MigrationInterface {
  name = 'FallbackSources1796411195153';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE fallback_sources (
        id serial PRIMARY KEY,
        namespace varchar(96) NOT NULL DEFAULT '',
        url varchar(2048) NOT NULL,
        token_encrypted text NULL,
        priority integer NOT NULL DEFAULT 100,
        name varchar(128) NOT NULL,
        source_type varchar(16) NOT NULL CHECK (source_type IN ('huggingface', 'hangar', 'kohakuhub')),
        enabled boolean NOT NULL DEFAULT true,
        allow_patterns text[] NOT NULL DEFAULT '{}',
        deny_patterns text[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX fallback_sources_lookup_idx ON fallback_sources (namespace, enabled, priority DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS fallback_sources`);
  }
}
