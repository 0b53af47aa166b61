import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Account roles: admin (may use the admin API with their own credentials), user, viewer (reads
 * what they may, changes nothing). Existing accounts are users. And the organization role
 * `read` (private repositories readable, nothing writable) below `member` (write).
 */
export class AccountRoles1796404358827 implements MigrationInterface {
  name = 'AccountRoles1796404358827';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN role varchar(8) NOT NULL DEFAULT 'user' CHECK (role IN ('admin', 'user', 'viewer'))`);
    await q.query(`CREATE INDEX users_admin_role_idx ON users (role) WHERE role = 'admin'`);
    // Organization members who read private repositories but change nothing.
    await q.query(`ALTER TABLE memberships DROP CONSTRAINT memberships_role_check`);
    await q.query(`ALTER TABLE memberships ADD CONSTRAINT memberships_role_check CHECK (role IN ('read', 'member', 'admin', 'super-admin'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM memberships WHERE role = 'read'`);
    await q.query(`ALTER TABLE memberships DROP CONSTRAINT memberships_role_check`);
    await q.query(`ALTER TABLE memberships ADD CONSTRAINT memberships_role_check CHECK (role IN ('member', 'admin', 'super-admin'))`);
    await q.query(`ALTER TABLE users DROP COLUMN role`);
  }
}
