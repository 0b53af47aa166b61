import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export type GrantRole = 'read' | 'write' | 'admin';
export const GRANT_ROLES: readonly GrantRole[] = ['read', 'write', 'admin'];

export interface GrantRecord {
  username: string;
  role: GrantRole;
  createdAt: Date;
}

/** What one user holds on one repository besides their namespace role: a grant, an accepted gate request. */
export interface UserRepoStanding {
  grant: GrantRole | null;
  gateAccepted: boolean;
}

/** Queries over `repo_grants`. */
@Injectable()
export class RepoGrantsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The grant and the gate state in one round trip (RepoAccess asks this on every request of a signed-in stranger). */
  async standing(repoId: number, userId: number): Promise<UserRepoStanding> {
    const rows = await this.db.query(
      `SELECT (SELECT role FROM repo_grants WHERE repo_id = $1 AND user_id = $2) AS grant,
              EXISTS (SELECT 1 FROM repo_access_requests WHERE repo_id = $1 AND user_id = $2 AND status = 'accepted') AS "gateAccepted"`,
      [repoId, userId],
    );
    return { grant: rows[0]?.grant ?? null, gateAccepted: rows[0]?.gateAccepted === true };
  }

  async list(repoId: number): Promise<GrantRecord[]> {
    return this.db.query(
      `SELECT n.name AS username, g.role, g.created_at AS "createdAt"
         FROM repo_grants g JOIN namespaces n ON n.id = g.user_id WHERE g.repo_id = $1 ORDER BY lower(n.name)`,
      [repoId],
    );
  }

  async upsert(repoId: number, userId: number, role: GrantRole): Promise<void> {
    await this.db.query(
      `INSERT INTO repo_grants (repo_id, user_id, role) VALUES ($1, $2, $3)
       ON CONFLICT (repo_id, user_id) DO UPDATE SET role = EXCLUDED.role`,
      [repoId, userId, role],
    );
  }

  /** True when a grant was there to delete. */
  async delete(repoId: number, userId: number): Promise<boolean> {
    const rows = await this.db.query(
      `WITH gone AS (DELETE FROM repo_grants WHERE repo_id = $1 AND user_id = $2 RETURNING 1) SELECT count(*)::int AS n FROM gone`,
      [repoId, userId],
    );
    return rows[0].n > 0;
  }
}
