import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { PACK_TYPE, type Oid } from '../codec/object-types';

/** Rows of `git_refs`. Moving a ref happens under a row lock inside the commit transaction. */
@Injectable()
export class GitRefsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async get(repoId: number, name: string, m: EntityManager = this.db.manager): Promise<Oid | null> {
    const rows = await m.query(`SELECT oid FROM git_refs WHERE repo_id = $1 AND name = $2`, [repoId, name]);
    return rows[0]?.oid ?? null;
  }

  /** Reads the ref and locks its row until the transaction ends (null: no such ref, nothing locked). */
  async lock(m: EntityManager, repoId: number, name: string): Promise<Oid | null> {
    const rows = await m.query(`SELECT oid FROM git_refs WHERE repo_id = $1 AND name = $2 FOR UPDATE`, [repoId, name]);
    return rows[0]?.oid ?? null;
  }

  list(repoId: number, m: EntityManager = this.db.manager): Promise<{ name: string; oid: Oid }[]> {
    return m.query(`SELECT name, oid FROM git_refs WHERE repo_id = $1 ORDER BY name`, [repoId]);
  }

  /**
   * The refs, each with whether it names a tag object (to be peeled): one statement for what
   * would otherwise be one type lookup per ref that moved since the node last looked.
   */
  listTagged(repoId: number): Promise<{ name: string; oid: Oid; tag: boolean }[]> {
    return this.db.query(
      `SELECT r.name, r.oid, EXISTS (SELECT 1 FROM git_objects o WHERE o.repo_id = r.repo_id AND o.oid = r.oid AND o.type = ${PACK_TYPE.tag}) AS tag
         FROM git_refs r WHERE r.repo_id = $1 ORDER BY r.name`,
      [repoId],
    );
  }

  async copyBranchesAndTags(m: EntityManager, fromRepoId: number, toRepoId: number): Promise<void> {
    await m.query(
      `INSERT INTO git_refs (repo_id, name, oid) SELECT $2, name, oid FROM git_refs WHERE repo_id = $1 AND (name LIKE 'refs/heads/%' OR name LIKE 'refs/tags/%')`,
      [fromRepoId, toRepoId],
    );
  }

  /** Creates the ref; false when it already exists. */
  async create(m: EntityManager, repoId: number, name: string, oid: Oid): Promise<boolean> {
    const rows = await m.query(
      `INSERT INTO git_refs (repo_id, name, oid) VALUES ($1, $2, $3) ON CONFLICT (repo_id, name) DO NOTHING RETURNING name`,
      [repoId, name, oid],
    );
    return rows.length > 0;
  }

  /** Compare-and-swap: moves the ref only if it still points at `expected`. */
  async compareAndSwap(m: EntityManager, repoId: number, name: string, expected: Oid, next: Oid): Promise<boolean> {
    const [, count] = await m.query(
      `UPDATE git_refs SET oid = $4, updated_at = now() WHERE repo_id = $1 AND name = $2 AND oid = $3`,
      [repoId, name, expected, next],
    );
    return count === 1;
  }

  async delete(m: EntityManager, repoId: number, name: string): Promise<boolean> {
    const [, count] = await m.query(`DELETE FROM git_refs WHERE repo_id = $1 AND name = $2`, [repoId, name]);
    return count === 1;
  }

  /** The next free pull-request number of a repository. */
  async nextPrNumber(m: EntityManager, repoId: number): Promise<number> {
    const [{ n }] = await m.query(
      `SELECT COALESCE(max(substring(name FROM '^refs/pr/([0-9]+)$')::int), 0) + 1 AS n FROM git_refs WHERE repo_id = $1 AND name LIKE 'refs/pr/%'`,
      [repoId],
    );
    return Number(n);
  }
}
