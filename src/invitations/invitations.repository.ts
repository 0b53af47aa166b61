import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { OrgRole } from '../auth/accounts/account.types';
import type { InvitationAction, InvitationRecord } from './invitation.types';

export interface NewInvitation {
  hash: Buffer;
  prefix: string;
  action: InvitationAction;
  orgId: number | null;
  role: OrgRole | null;
  email: string | null;
  createdById: number | null;
  createdByLabel: string;
  expiresAt: Date;
  maxUsage: number | null;
}

const COLUMNS = `
  i.id::int AS id, i.token_prefix AS "tokenPrefix", i.action, i.org_id::int AS "orgId", o_ns.name AS "orgName", i.role, i.email,
  i.created_by::int AS "createdById", COALESCE(c_ns.name, i.created_by_label) AS "createdByLabel", i.created_at AS "createdAt",
  i.expires_at AS "expiresAt", i.max_usage AS "maxUsage", i.usage_count AS "usageCount", i.used_at AS "usedAt",
  i.used_by::int AS "usedById", u_ns.name AS "usedByName", i.deleted_at AS "deletedAt"`;
const FROM = `
  invitations i
  LEFT JOIN namespaces o_ns ON o_ns.id = i.org_id
  LEFT JOIN namespaces c_ns ON c_ns.id = i.created_by
  LEFT JOIN namespaces u_ns ON u_ns.id = i.used_by`;

@Injectable()
export class InvitationsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async insert(n: NewInvitation, m: EntityManager = this.db.manager): Promise<number> {
    const [row] = await m.query(
      `INSERT INTO invitations (token_hash, token_prefix, action, org_id, role, email, created_by, created_by_label, expires_at, max_usage)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id::int AS id`,
      [n.hash, n.prefix, n.action, n.orgId, n.role, n.email, n.createdById, n.createdByLabel, n.expiresAt, n.maxUsage],
    );
    return row.id;
  }

  async findByHash(hash: Buffer, m: EntityManager = this.db.manager): Promise<InvitationRecord | null> {
    const rows = await m.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE i.token_hash = $1`, [hash]);
    return rows[0] ?? null;
  }

  async findById(id: number, m: EntityManager = this.db.manager): Promise<InvitationRecord | null> {
    const rows = await m.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE i.id = $1`, [id]);
    return rows[0] ?? null;
  }

  /**
   * Counts one use when the invitation is still usable, as one statement: concurrent uses queue
   * on the row lock and each re-checks the condition, so a one-use invitation admits exactly one.
   */
  async claimUse(id: number, userId: number, m: EntityManager): Promise<boolean> {
    const [rows] = await m.query(
      `UPDATE invitations SET usage_count = usage_count + 1, used_at = now(), used_by = $2
        WHERE id = $1 AND deleted_at IS NULL AND expires_at > now()
          AND (max_usage = -1 OR usage_count < COALESCE(max_usage, 1))
        RETURNING id`,
      [id, userId],
    );
    return rows.length === 1;
  }

  /** Marks it deleted; false when it already was. */
  async markDeleted(id: number, m: EntityManager): Promise<boolean> {
    const [rows] = await m.query(`UPDATE invitations SET deleted_at = now() WHERE id = $1 AND deleted_at IS NULL RETURNING id`, [id]);
    return rows.length === 1;
  }

  listForOrg(orgId: number): Promise<InvitationRecord[]> {
    return this.db.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE i.org_id = $1 AND i.action = 'join_org' AND i.deleted_at IS NULL ORDER BY i.created_at DESC, i.id DESC`, [orgId]);
  }

  list(action: InvitationAction | undefined, limit: number, offset: number): Promise<InvitationRecord[]> {
    return this.db.query(
      `SELECT ${COLUMNS} FROM ${FROM} WHERE i.deleted_at IS NULL AND ($1::text IS NULL OR i.action = $1)
        ORDER BY i.created_at DESC, i.id DESC LIMIT $2 OFFSET $3`,
      [action ?? null, limit, offset],
    );
  }

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }
}
