import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The first-admin setup of an install without HANGAR_ADMIN_TOKEN: one row holding the hash of
 * the one-time setup token printed at startup, then (once used) the hash of the admin token it
 * was exchanged for. Only hashes are stored.
 */
export class AdminSetup1796400469339 implements MigrationInterface {
  name = 'AdminSetup1796400469339';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE admin_setup (
        id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        setup_token_hash bytea,
        admin_token_hash bytea,
        admin_token_fingerprint varchar(64),
        issued_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz,
        CHECK ((completed_at IS NULL) = (admin_token_hash IS NULL))
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS admin_setup`);
  }
}
