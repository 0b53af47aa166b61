import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Accounts, organizations, tokens, sessions, email verification and the admin audit log.
 * Users and organizations share one name space (`namespaces`), so a name is unique across
 * both, case-insensitively.
 */
export class Foundation1763900000000 implements MigrationInterface {
  name = 'Foundation1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE namespaces (
        id bigserial PRIMARY KEY,
        name varchar(96) NOT NULL,
        kind varchar(8) NOT NULL CHECK (kind IN ('user', 'org')),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX namespaces_name_lower_key ON namespaces (lower(name))`);

    await q.query(`
      CREATE TABLE users (
        id bigint PRIMARY KEY REFERENCES namespaces (id) ON DELETE CASCADE,
        email varchar(254) NOT NULL,
        fullname varchar(128) NOT NULL DEFAULT '',
        password_hash text NOT NULL,
        email_verified boolean NOT NULL DEFAULT false,
        is_active boolean NOT NULL DEFAULT true,
        private_quota_bytes bigint NULL,
        public_quota_bytes bigint NULL,
        private_used_bytes bigint NOT NULL DEFAULT 0,
        public_used_bytes bigint NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email))`);

    await q.query(`
      CREATE TABLE organizations (
        id bigint PRIMARY KEY REFERENCES namespaces (id) ON DELETE CASCADE,
        description text NULL,
        private_quota_bytes bigint NULL,
        public_quota_bytes bigint NULL,
        private_used_bytes bigint NOT NULL DEFAULT 0,
        public_used_bytes bigint NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE memberships (
        org_id bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        role varchar(16) NOT NULL CHECK (role IN ('member', 'admin', 'super-admin')),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (org_id, user_id)
      )`);
    await q.query(`CREATE INDEX memberships_user_id_idx ON memberships (user_id)`);

    await q.query(`
      CREATE TABLE api_tokens (
        id bigserial PRIMARY KEY,
        user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        name varchar(100) NOT NULL,
        role varchar(8) NOT NULL CHECK (role IN ('read', 'write')),
        token_hash bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NULL,
        last_used_at timestamptz NULL
      )`);
    await q.query(`CREATE UNIQUE INDEX api_tokens_token_hash_key ON api_tokens (token_hash)`);
    await q.query(`CREATE INDEX api_tokens_user_id_idx ON api_tokens (user_id)`);

    await q.query(`
      CREATE TABLE sessions (
        id bigserial PRIMARY KEY,
        user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        token_hash bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE UNIQUE INDEX sessions_token_hash_key ON sessions (token_hash)`);
    await q.query(`CREATE INDEX sessions_user_id_idx ON sessions (user_id)`);
    await q.query(`CREATE INDEX sessions_expires_at_idx ON sessions (expires_at)`);

    await q.query(`
      CREATE TABLE email_verifications (
        token_hash bytea PRIMARY KEY,
        user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX email_verifications_user_id_idx ON email_verifications (user_id)`);

    await q.query(`
      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        actor varchar(64) NOT NULL,
        action varchar(64) NOT NULL,
        target varchar(256) NULL,
        params jsonb NOT NULL DEFAULT '{}'::jsonb,
        result varchar(16) NOT NULL CHECK (result IN ('success', 'failure')),
        status integer NOT NULL,
        request_id varchar(64) NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX audit_log_created_at_idx ON audit_log (created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX audit_log_action_idx ON audit_log (action, created_at DESC)`);
    await q.query(`CREATE INDEX audit_log_target_idx ON audit_log (target, created_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['audit_log', 'email_verifications', 'sessions', 'api_tokens', 'memberships', 'organizations', 'users', 'namespaces']) {
      await q.query(`DROP TABLE IF EXISTS ${t}`);
    }
  }
}
