import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-repository grants (one user, one repository, read/write/admin) and access requests to
 * gated repositories (HF semantics: pending, accepted, rejected). Both go with the repository
 * and with the user (a deleted user loses their grants and requests).
 */
export class RepoGrantsAndAccessRequests1796404022308 implements MigrationInterface {
  name = 'RepoGrantsAndAccessRequests1796404022308';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE repo_grants (
        repo_id bigint NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
        user_id bigint NOT NULL REFERENCES namespaces(id) ON DELETE CASCADE,
        role varchar(8) NOT NULL CHECK (role IN ('read', 'write', 'admin')),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (repo_id, user_id)
      )`);
    await q.query(`CREATE INDEX repo_grants_user_idx ON repo_grants (user_id)`);
    await q.query(`
      CREATE TABLE repo_access_requests (
        id bigserial PRIMARY KEY,
        repo_id bigint NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
        user_id bigint NOT NULL REFERENCES namespaces(id) ON DELETE CASCADE,
        status varchar(8) NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected')),
        fields jsonb NULL,
        rejection_reason text NULL,
        granted_by varchar(64) NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (repo_id, user_id)
      )`);
    await q.query(`CREATE INDEX repo_access_requests_status_idx ON repo_access_requests (repo_id, status, created_at)`);
    await q.query(`CREATE INDEX repo_access_requests_user_idx ON repo_access_requests (user_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS repo_access_requests`);
    await q.query(`DROP TABLE IF EXISTS repo_grants`);
  }
}
