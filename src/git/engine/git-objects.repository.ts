import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { PACK_TYPE, TYPE_BY_PACK, type GitObjectType, type Oid } from '../codec/object-types';

export interface StoredObjectRow {
  oid: Oid;
  type: GitObjectType;
  size: number;
  /** Deflated body, when stored inline. */
  body: Buffer | null;
  /** Object-store key of the deflated body, when stored outside the database. */
  storageKey: string | null;
}

/** Rows of `git_objects`: every query is scoped to one repository. */
@Injectable()
export class GitObjectsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async insertMany(m: EntityManager, repoId: number, rows: StoredObjectRow[]): Promise<void> {
    // Batches keep each statement's parameter count well under PostgreSQL's limit.
    for (let i = 0; i < rows.length; i += 500) {
      const batch = rows.slice(i, i + 500);
      const values: unknown[] = [];
      const tuples = batch.map((r, j) => {
        values.push(repoId, r.oid, PACK_TYPE[r.type], r.size, r.body, r.storageKey);
        const b = j * 6;
        return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6})`;
      });
      await m.query(
        `INSERT INTO git_objects (repo_id, oid, type, size, body, storage_key) VALUES ${tuples.join(', ')} ON CONFLICT (repo_id, oid) DO NOTHING`,
        values,
      );
    }
  }

  async find(repoId: number, oid: Oid, m: EntityManager = this.db.manager): Promise<StoredObjectRow | null> {
    const rows = await m.query(
      `SELECT oid, type, size, body, storage_key AS "storageKey" FROM git_objects WHERE repo_id = $1 AND oid = $2`,
      [repoId, oid],
    );
    return rows[0] ? toRow(rows[0]) : null;
  }

  /** Types and sizes of many objects at once (tree listings). */
  async sizes(repoId: number, oids: Oid[]): Promise<Map<Oid, number>> {
    if (oids.length === 0) return new Map();
    const rows: { oid: string; size: number }[] = await this.db.query(
      `SELECT oid, size FROM git_objects WHERE repo_id = $1 AND oid = ANY($2::varchar(40)[])`,
      [repoId, oids],
    );
    return new Map(rows.map((r) => [r.oid, Number(r.size)]));
  }

  /** The rows (bodies included) of many objects; missing ones are simply absent. */
  async findMany(repoId: number, oids: Oid[], m: EntityManager = this.db.manager): Promise<StoredObjectRow[]> {
    if (oids.length === 0) return [];
    const rows = await m.query(
      `SELECT oid, type, size, body, storage_key AS "storageKey" FROM git_objects WHERE repo_id = $1 AND oid = ANY($2::varchar(40)[])`,
      [repoId, oids],
    );
    return rows.map(toRow);
  }

  /** How many bytes each object's stored body takes in its row (0 when it lives in the object store); missing ones are absent. */
  async storedLengths(repoId: number, oids: Oid[]): Promise<Map<Oid, number>> {
    if (oids.length === 0) return new Map();
    // octet_length reads the TOAST header only: the bodies themselves are not fetched.
    const rows: { oid: string; n: string | number | null }[] = await this.db.query(
      `SELECT oid, octet_length(body) AS n FROM git_objects WHERE repo_id = $1 AND oid = ANY($2::varchar(40)[])`,
      [repoId, oids],
    );
    return new Map(rows.map((r) => [r.oid, Number(r.n ?? 0)]));
  }

  /** Types and sizes of many objects, without their bodies; missing ones are absent. */
  async typesOf(repoId: number, oids: Oid[], m: EntityManager = this.db.manager): Promise<Map<Oid, { type: GitObjectType; size: number }>> {
    if (oids.length === 0) return new Map();
    const rows: { oid: string; type: number; size: string | number }[] = await m.query(
      `SELECT oid, type, size FROM git_objects WHERE repo_id = $1 AND oid = ANY($2::varchar(40)[])`,
      [repoId, oids],
    );
    return new Map(rows.map((r) => [r.oid, { type: TYPE_BY_PACK[r.type], size: Number(r.size) }]));
  }

  async existing(repoId: number, oids: Oid[], m: EntityManager = this.db.manager): Promise<Set<Oid>> {
    if (oids.length === 0) return new Set();
    const rows: { oid: string }[] = await m.query(`SELECT oid FROM git_objects WHERE repo_id = $1 AND oid = ANY($2::varchar(40)[])`, [repoId, oids]);
    return new Set(rows.map((r) => r.oid));
  }
}

function toRow(r: { oid: string; type: number; size: string | number; body: Buffer | null; storageKey: string | null }): StoredObjectRow {
  return { oid: r.oid, type: TYPE_BY_PACK[r.type], size: Number(r.size), body: r.body, storageKey: r.storageKey };
}
