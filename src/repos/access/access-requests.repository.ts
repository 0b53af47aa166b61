import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export type AccessRequestStatus = 'pending' | 'accepted' | 'rejected';
export const ACCESS_REQUEST_STATUSES: readonly AccessRequestStatus[] = ['pending', 'accepted', 'rejected'];

export interface AccessRequestRecord {
  id: number;
  userId: number;
  username: string;
  fullname: string;
  email: string;
  status: AccessRequestStatus;
  fields: Record<string, unknown> | null;
  rejectionReason: string | null;
  /** Who granted access directly (no request by the user); null for requests. */
  grantedBy: string | null;
  createdAt: Date;
}

const COLUMNS = `a.id::int AS id, a.user_id::int AS "userId", n.name AS username, u.fullname, u.email, a.status, a.fields,
  a.rejection_reason AS "rejectionReason", a.granted_by AS "grantedBy", a.created_at AS "createdAt"`;
const FROM = `repo_access_requests a JOIN namespaces n ON n.id = a.user_id JOIN users u ON u.id = a.user_id`;

/** Queries over `repo_access_requests`: at most one per user and repository. */
@Injectable()
export class AccessRequestsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async list(repoId: number, status: AccessRequestStatus): Promise<AccessRequestRecord[]> {
    return this.db.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE a.repo_id = $1 AND a.status = $2 ORDER BY a.created_at, a.id`, [repoId, status]);
  }

  async findByUser(repoId: number, userId: number): Promise<AccessRequestRecord | null> {
    const rows = await this.db.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE a.repo_id = $1 AND a.user_id = $2`, [repoId, userId]);
    return rows[0] ?? null;
  }

  async findById(repoId: number, id: number): Promise<AccessRequestRecord | null> {
    const rows = await this.db.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE a.repo_id = $1 AND a.id = $2`, [repoId, id]);
    return rows[0] ?? null;
  }

  /** A new request; an existing one keeps its status (asking again changes nothing). */
  async insertIfAbsent(repoId: number, userId: number, status: AccessRequestStatus, fields: Record<string, unknown> | null): Promise<void> {
    await this.db.query(
      `INSERT INTO repo_access_requests (repo_id, user_id, status, fields) VALUES ($1, $2, $3, $4)
       ON CONFLICT (repo_id, user_id) DO NOTHING`,
      [repoId, userId, status, fields === null ? null : JSON.stringify(fields)],
    );
  }

  async setStatus(id: number, status: AccessRequestStatus, rejectionReason: string | null): Promise<void> {
    await this.db.query(`UPDATE repo_access_requests SET status = $2, rejection_reason = $3, updated_at = now() WHERE id = $1`, [id, status, rejectionReason]);
  }

  /** Access given by a repository admin: accepted, whatever the user asked before. */
  async grant(repoId: number, userId: number, grantedBy: string): Promise<void> {
    await this.db.query(
      `INSERT INTO repo_access_requests (repo_id, user_id, status, granted_by) VALUES ($1, $2, 'accepted', $3)
       ON CONFLICT (repo_id, user_id) DO UPDATE SET status = 'accepted', rejection_reason = NULL, granted_by = $3, updated_at = now()`,
      [repoId, userId, grantedBy],
    );
  }
}
