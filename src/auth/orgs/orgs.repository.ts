import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { MembershipRecord, OrgRecord, OrgRole } from '../accounts/account.types';

const MEMBERSHIP_COLUMNS = `
  m.org_id AS "orgId", o_ns.name AS "orgName", o.description AS "orgDescription", o.fullname AS "orgFullname",
  m.user_id AS "userId", u_ns.name AS "userName", m.role, m.created_at AS "createdAt"`;
const MEMBERSHIP_FROM = `
  memberships m
  JOIN organizations o ON o.id = m.org_id JOIN namespaces o_ns ON o_ns.id = m.org_id
  JOIN namespaces u_ns ON u_ns.id = m.user_id`;

const ORG_SELECT = `
  SELECT o.id, n.name, o.description, o.fullname, o.default_repo_private AS "defaultRepoPrivate", o.created_at AS "createdAt",
         (SELECT count(*)::int FROM memberships WHERE org_id = o.id) AS "memberCount"
    FROM organizations o JOIN namespaces n ON n.id = o.id`;

@Injectable()
export class OrgsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async insertOrg(
    m: EntityManager,
    name: string,
    description: string | null,
    fullname: string | null,
    quota: { privateBytes: number | null; publicBytes: number | null },
  ): Promise<number> {
    const [ns] = await m.query(`INSERT INTO namespaces (name, kind) VALUES ($1, 'org') RETURNING id`, [name]);
    await m.query(`INSERT INTO organizations (id, description, fullname, private_quota_bytes, public_quota_bytes) VALUES ($1, $2, $3, $4, $5)`, [
      ns.id,
      description,
      fullname,
      quota.privateBytes,
      quota.publicBytes,
    ]);
    return Number(ns.id);
  }

  async findByName(name: string, m: EntityManager = this.db.manager): Promise<OrgRecord | null> {
    const rows = await m.query(`${ORG_SELECT} WHERE lower(n.name) = lower($1)`, [name]);
    return rows[0] ?? null;
  }

  async findById(id: number, m: EntityManager = this.db.manager): Promise<OrgRecord | null> {
    const rows = await m.query(`${ORG_SELECT} WHERE o.id = $1`, [id]);
    return rows[0] ?? null;
  }

  async updateSettings(orgId: number, s: { fullname?: string | null; defaultRepoPrivate?: boolean }): Promise<void> {
    await this.db.query(
      `UPDATE organizations SET fullname = CASE WHEN $2 THEN $3 ELSE fullname END, default_repo_private = COALESCE($4, default_repo_private) WHERE id = $1`,
      [orgId, s.fullname !== undefined, s.fullname ?? null, s.defaultRepoPrivate ?? null],
    );
  }

  /** Whether new repositories in this namespace are private by default (false for users). */
  async defaultRepoPrivate(namespaceId: number): Promise<boolean> {
    const rows = await this.db.query(`SELECT default_repo_private AS "p" FROM organizations WHERE id = $1`, [namespaceId]);
    return rows[0]?.p === true;
  }

  listMembers(orgId: number): Promise<MembershipRecord[]> {
    return this.db.query(`SELECT ${MEMBERSHIP_COLUMNS} FROM ${MEMBERSHIP_FROM} WHERE m.org_id = $1 ORDER BY u_ns.name`, [orgId]);
  }

  listForUser(userId: number): Promise<MembershipRecord[]> {
    return this.db.query(`SELECT ${MEMBERSHIP_COLUMNS} FROM ${MEMBERSHIP_FROM} WHERE m.user_id = $1 ORDER BY o_ns.name`, [userId]);
  }

  /** Memberships of many users at once (admin listing with include_orgs). */
  listForUsers(userIds: number[]): Promise<MembershipRecord[]> {
    if (userIds.length === 0) return Promise.resolve([]);
    return this.db.query(`SELECT ${MEMBERSHIP_COLUMNS} FROM ${MEMBERSHIP_FROM} WHERE m.user_id = ANY($1) ORDER BY o_ns.name`, [userIds]);
  }

  async findRole(orgId: number, userId: number, m: EntityManager = this.db.manager): Promise<OrgRole | null> {
    const rows = await m.query(`SELECT role FROM memberships WHERE org_id = $1 AND user_id = $2`, [orgId, userId]);
    return rows[0]?.role ?? null;
  }

  /** Locks the org's membership rows, so that "is this the last super-admin?" holds until commit. */
  async lockMemberships(orgId: number, m: EntityManager): Promise<void> {
    await m.query(`SELECT 1 FROM organizations WHERE id = $1 FOR UPDATE`, [orgId]);
  }

  async countRole(orgId: number, role: OrgRole, m: EntityManager): Promise<number> {
    const [{ count }] = await m.query(`SELECT count(*)::int AS count FROM memberships WHERE org_id = $1 AND role = $2`, [orgId, role]);
    return count;
  }

  async insertMembership(orgId: number, userId: number, role: OrgRole, m: EntityManager = this.db.manager): Promise<void> {
    await m.query(`INSERT INTO memberships (org_id, user_id, role) VALUES ($1, $2, $3)`, [orgId, userId, role]);
  }

  async updateRole(orgId: number, userId: number, role: OrgRole, m: EntityManager): Promise<void> {
    await m.query(`UPDATE memberships SET role = $3 WHERE org_id = $1 AND user_id = $2`, [orgId, userId, role]);
  }

  async deleteMembership(orgId: number, userId: number, m: EntityManager): Promise<void> {
    await m.query(`DELETE FROM memberships WHERE org_id = $1 AND user_id = $2`, [orgId, userId]);
  }

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }
}
