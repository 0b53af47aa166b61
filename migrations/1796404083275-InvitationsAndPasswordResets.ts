import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Invitations (to join an organization, or to register an account and maybe join one) and
 * password reset tokens. Tokens are stored as sha256 only; `token_prefix` is the short, public
 * part shown in lists. A deleted invitation keeps its row (deleted_at) so that its link answers
 * "deleted" instead of "unknown"; usage is counted by one conditional UPDATE.
 */
export class InvitationsAndPasswordResets1796404083275 implements MigrationInterface {
  name = 'InvitationsAndPasswordResets1796404083275';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE invitations (
        id bigserial PRIMARY KEY,
        token_hash bytea NOT NULL,
        token_prefix varchar(16) NOT NULL,
        action varchar(16) NOT NULL CHECK (action IN ('join_org', 'register_account')),
        org_id bigint NULL REFERENCES organizations (id) ON DELETE CASCADE,
        role varchar(16) NULL CHECK (role IN ('member', 'admin', 'super-admin')),
        email varchar(254) NULL,
        created_by bigint NULL REFERENCES users (id) ON DELETE SET NULL,
        created_by_label varchar(64) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        max_usage integer NULL CHECK (max_usage IS NULL OR max_usage = -1 OR max_usage > 0),
        usage_count integer NOT NULL DEFAULT 0,
        used_at timestamptz NULL,
        used_by bigint NULL REFERENCES users (id) ON DELETE SET NULL,
        deleted_at timestamptz NULL,
        CHECK (action = 'register_account' OR (org_id IS NOT NULL AND role IS NOT NULL)),
        CHECK ((org_id IS NULL) = (role IS NULL))
      )`);
    await q.query(`CREATE UNIQUE INDEX invitations_token_hash_key ON invitations (token_hash)`);
    await q.query(`CREATE INDEX invitations_org_id_idx ON invitations (org_id, created_at DESC) WHERE deleted_at IS NULL`);
    await q.query(`CREATE INDEX invitations_action_idx ON invitations (action, created_at DESC) WHERE deleted_at IS NULL`);

    await q.query(`
      CREATE TABLE password_resets (
        token_hash bytea PRIMARY KEY,
        user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX password_resets_user_id_idx ON password_resets (user_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS password_resets`);
    await q.query(`DROP TABLE IF EXISTS invitations`);
  }
}
