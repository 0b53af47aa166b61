import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface LfsLockRow {
  /** bigserial, as a decimal string (git-lfs treats lock ids as opaque strings). */
  id: string;
  path: string;
  refName: string | null;
  ownerId: number;
  ownerName: string;
  lockedAt: Date;
}

export interface LockPageFilter {
  path?: string;
  id?: string;
  /** Only locks with an id at most this one (ids only grow, so newest first is id order). */
  cursor?: string;
  /** Only locks of this owner (true) or of everyone else (false). */
  ownedBy?: { userId: number; mine: boolean };
}

const COLUMNS = `l.id::text AS id, l.path, l.ref_name AS "refName", l.owner_id AS "ownerId", n.name AS "ownerName", l.locked_at AS "lockedAt"`;

const toRow = (r: LfsLockRow): LfsLockRow => ({ ...r, ownerId: Number(r.ownerId) });

/** Queries over lfs_locks: one lock per (repository, path). */
@Injectable()
export class LfsLocksRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Creates the lock; null when the path is already locked in this repository. */
  async insert(repoId: number, path: string, refName: string | null, ownerId: number): Promise<LfsLockRow | null> {
    const rows: LfsLockRow[] = await this.db.query(
      `WITH l AS (
         INSERT INTO lfs_locks (repo_id, path, ref_name, owner_id) VALUES ($1, $2, $3, $4)
         ON CONFLICT (repo_id, path) DO NOTHING RETURNING *
       )
       SELECT ${COLUMNS} FROM l JOIN namespaces n ON n.id = l.owner_id`,
      [repoId, path, refName, ownerId],
    );
    return rows[0] ? toRow(rows[0]) : null;
  }

  async findByPath(repoId: number, path: string): Promise<LfsLockRow | null> {
    const rows: LfsLockRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM lfs_locks l JOIN namespaces n ON n.id = l.owner_id WHERE l.repo_id = $1 AND l.path = $2`,
      [repoId, path],
    );
    return rows[0] ? toRow(rows[0]) : null;
  }

  /** `id` must be a decimal string. */
  async findById(repoId: number, id: string): Promise<LfsLockRow | null> {
    const rows: LfsLockRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM lfs_locks l JOIN namespaces n ON n.id = l.owner_id WHERE l.repo_id = $1 AND l.id = $2::bigint`,
      [repoId, id],
    );
    return rows[0] ? toRow(rows[0]) : null;
  }

  /** Newest first; `limit` rows at most. */
  async page(repoId: number, filter: LockPageFilter, limit: number): Promise<LfsLockRow[]> {
    const where = ['l.repo_id = $1'];
    const params: unknown[] = [repoId];
    const add = (sql: (p: string) => string, value: unknown) => {
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    if (filter.path !== undefined) add((p) => `l.path = ${p}`, filter.path);
    if (filter.id !== undefined) add((p) => `l.id = ${p}::bigint`, filter.id);
    if (filter.cursor !== undefined) add((p) => `l.id <= ${p}::bigint`, filter.cursor);
    if (filter.ownedBy) add((p) => (filter.ownedBy!.mine ? `l.owner_id = ${p}` : `l.owner_id <> ${p}`), filter.ownedBy.userId);
    params.push(limit);
    const rows: LfsLockRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM lfs_locks l JOIN namespaces n ON n.id = l.owner_id
        WHERE ${where.join(' AND ')} ORDER BY l.id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(toRow);
  }

  /** Deletes the lock if it is still the one the caller looked at; false when it was gone. */
  async delete(repoId: number, id: string): Promise<boolean> {
    // (a bare DELETE answers [rows, count] through TypeORM; the CTE keeps the plain rows shape)
    const rows = await this.db.query(`WITH d AS (DELETE FROM lfs_locks WHERE repo_id = $1 AND id = $2::bigint RETURNING id) SELECT id FROM d`, [repoId, id]);
    return rows.length > 0;
  }
}
