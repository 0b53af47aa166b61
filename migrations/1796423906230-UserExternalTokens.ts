import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A user's own tokens for upstream hubs (issue 18, "External Token API"): by hub URL, encrypted
 * (AES-256-GCM, core/crypto/at-rest.ts), used for that user's read-through requests only.
 */
export class UserExternalTokens1796423906230 implements MigrationInterface {
  name = 'UserExternalTokens1796423906230';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE user_external_tokens (
        user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        url varchar(2048) NOT NULL,
        token_encrypted text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, url)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS user_external_tokens`);
  }
}
