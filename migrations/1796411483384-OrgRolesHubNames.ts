import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Organization roles take the Hub's names: `member` becomes `write`, and `contributor` (creates
 * repositories, writes to the ones they created) joins read, admin and super-admin. Invitations
 * may offer any role (read and contributor included).
 */
export class OrgRolesHubNames1796411483384 implements MigrationInterface {
  name = 'OrgRolesHubNames1796411483384';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE memberships DROP CONSTRAINT memberships_role_check`);
    await q.query(`UPDATE memberships SET role = 'write' WHERE role = 'member'`);
    await q.query(`ALTER TABLE memberships ADD CONSTRAINT memberships_role_check CHECK (role IN ('read', 'contributor', 'write', 'admin', 'super-admin'))`);
    await q.query(`ALTER TABLE invitations DROP CONSTRAINT invitations_role_check`);
    await q.query(`UPDATE invitations SET role = 'write' WHERE role = 'member'`);
    await q.query(`ALTER TABLE invitations ADD CONSTRAINT invitations_role_check CHECK (role IN ('read', 'contributor', 'write', 'admin', 'super-admin'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Contributors had no older equivalent: they go back to read members (they kept read everywhere).
    await q.query(`ALTER TABLE memberships DROP CONSTRAINT memberships_role_check`);
    await q.query(`UPDATE memberships SET role = CASE role WHEN 'write' THEN 'member' WHEN 'contributor' THEN 'read' ELSE role END`);
    await q.query(`ALTER TABLE memberships ADD CONSTRAINT memberships_role_check CHECK (role IN ('read', 'member', 'admin', 'super-admin'))`);
    await q.query(`ALTER TABLE invitations DROP CONSTRAINT invitations_role_check`);
    await q.query(`DELETE FROM invitations WHERE role IN ('read', 'contributor')`);
    await q.query(`UPDATE invitations SET role = 'member' WHERE role = 'write'`);
    await q.query(`ALTER TABLE invitations ADD CONSTRAINT invitations_role_check CHECK (role IN ('member', 'admin', 'super-admin'))`);
  }
}
