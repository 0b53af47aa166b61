import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Oid } from '../codec/object-types';
import type { CommitInfo } from './engine.types';

const COLUMNS = `oid, tree_oid AS "treeOid", parents, author_name AS "authorName", author_email AS "authorEmail",
  authored_at AS "authoredAt", committed_at AS "committedAt", title, message`;

/** The commit index: one row per commit object, derived when the commit is stored. */
@Injectable()
export class GitCommitsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async insert(m: EntityManager, repoId: number, c: CommitInfo): Promise<void> {
    await m.query(
      `INSERT INTO git_commits (repo_id, oid, tree_oid, parents, generation, author_name, author_email, authored_at, committed_at, title, message)
       VALUES ($1, $2, $3, $4::varchar(40)[],
               1 + COALESCE((SELECT max(generation) FROM git_commits WHERE repo_id = $1 AND oid = ANY($4::varchar(40)[])), 0),
               $5, $6, $7, $8, $9, $10)
       ON CONFLICT (repo_id, oid) DO NOTHING`,
      [repoId, c.oid, c.treeOid, c.parents, c.authorName, c.authorEmail, c.authoredAt, c.committedAt, c.title, c.message],
    );
  }

  async copyAll(m: EntityManager, fromRepoId: number, toRepoId: number): Promise<void> {
    await m.query(
      `INSERT INTO git_commits (repo_id, oid, tree_oid, parents, generation, author_name, author_email, authored_at, committed_at, title, message)
       SELECT $2, oid, tree_oid, parents, generation, author_name, author_email, authored_at, committed_at, title, message FROM git_commits WHERE repo_id = $1`,
      [fromRepoId, toRepoId],
    );
  }

  /** Drops the index rows of commits whose objects are gone (the GC job's garbage). */
  async deleteMany(m: EntityManager, repoId: number, oids: Oid[]): Promise<void> {
    if (oids.length) await m.query(`DELETE FROM git_commits WHERE repo_id = $1 AND oid = ANY($2::varchar(40)[])`, [repoId, oids]);
  }

  async find(repoId: number, oid: Oid, m: EntityManager = this.db.manager): Promise<CommitInfo | null> {
    const rows = await m.query(`SELECT ${COLUMNS} FROM git_commits WHERE repo_id = $1 AND oid = $2`, [repoId, oid]);
    return rows[0] ? normalise(rows[0]) : null;
  }

  /** Committer times, in seconds since the epoch (for `deepen-since`). */
  async committerTimes(repoId: number, oids: Oid[], m: EntityManager = this.db.manager): Promise<Map<Oid, number>> {
    if (oids.length === 0) return new Map();
    const rows: { oid: string; t: string }[] = await m.query(
      `SELECT oid, extract(epoch FROM committed_at)::bigint AS t FROM git_commits WHERE repo_id = $1 AND oid = ANY($2::varchar(40)[])`,
      [repoId, oids],
    );
    return new Map(rows.map((r) => [r.oid, Number(r.t)]));
  }

  /** Which of these commits are in the index. */
  async existing(repoId: number, oids: Oid[], m: EntityManager = this.db.manager): Promise<Set<Oid>> {
    if (oids.length === 0) return new Set();
    const rows: { oid: string }[] = await m.query(`SELECT oid FROM git_commits WHERE repo_id = $1 AND oid = ANY($2::varchar(40)[])`, [repoId, oids]);
    return new Set(rows.map((r) => r.oid));
  }

  /**
   * The commit graph below `heads` (themselves included): every indexed commit reachable from
   * them, with its tree and parents. One recursive query; git over HTTP walks it in memory.
   */
  async ancestry(repoId: number, heads: Oid[], m: EntityManager = this.db.manager): Promise<{ oid: Oid; treeOid: Oid; parents: Oid[]; generation: number }[]> {
    if (heads.length === 0) return [];
    const rows: { oid: string; treeOid: string; parents: string[] | string; generation: number }[] = await m.query(
      `WITH RECURSIVE walk(oid) AS (
         SELECT unnest($2::varchar(40)[])
         UNION
         SELECT unnest(c.parents)::varchar(40) FROM git_commits c JOIN walk w ON c.repo_id = $1 AND c.oid = w.oid
       )
       SELECT oid, tree_oid AS "treeOid", parents, generation FROM git_commits WHERE repo_id = $1 AND oid IN (SELECT oid FROM walk)`,
      [repoId, heads],
    );
    return rows.map((r) => ({ oid: r.oid, treeOid: r.treeOid, parents: Array.isArray(r.parents) ? r.parents : parsePgArray(r.parents), generation: Number(r.generation) }));
  }

  /** Commits whose id starts with `prefix` (at most 2: enough to tell unique from ambiguous). */
  async findByPrefix(repoId: number, prefix: string): Promise<Oid[]> {
    const rows: { oid: string }[] = await this.db.query(
      `SELECT oid FROM git_commits WHERE repo_id = $1 AND oid LIKE $2 ORDER BY oid LIMIT 2`,
      [repoId, `${prefix}%`],
    );
    return rows.map((r) => r.oid);
  }

  /**
   * History reachable from `head`, newest first (by generation, then commit time), paged. A recursive
   * walk over the parents array; histories here are the size of a model repo's, not the kernel's.
   */
  async history(repoId: number, head: Oid, offset: number, limit: number): Promise<{ commits: CommitInfo[]; total: number }> {
    const rows = await this.db.query(
      `WITH RECURSIVE walk(oid) AS (
         SELECT $2::varchar(40)
         UNION
         SELECT unnest(c.parents)::varchar(40) FROM git_commits c JOIN walk w ON c.repo_id = $1 AND c.oid = w.oid
       )
       SELECT ${COLUMNS}, count(*) OVER () AS total
         FROM git_commits WHERE repo_id = $1 AND oid IN (SELECT oid FROM walk)
         ORDER BY generation DESC, committed_at DESC, oid DESC OFFSET $3 LIMIT $4`,
      [repoId, head, offset, limit],
    );
    const total = rows.length ? Number(rows[0].total) : offset > 0 ? await this.count(repoId, head) : 0;
    return { commits: rows.map(normalise), total };
  }

  /**
   * The best common ancestor of two commits (the one of highest generation), or null when their
   * histories never meet. Two recursive walks, like `history`.
   */
  async mergeBase(repoId: number, a: Oid, b: Oid, m: EntityManager = this.db.manager): Promise<Oid | null> {
    const rows: { oid: string }[] = await m.query(
      `WITH RECURSIVE wa(oid) AS (
         SELECT $2::varchar(40) UNION SELECT unnest(c.parents)::varchar(40) FROM git_commits c JOIN wa ON c.repo_id = $1 AND c.oid = wa.oid
       ), wb(oid) AS (
         SELECT $3::varchar(40) UNION SELECT unnest(c.parents)::varchar(40) FROM git_commits c JOIN wb ON c.repo_id = $1 AND c.oid = wb.oid
       )
       SELECT oid FROM git_commits WHERE repo_id = $1 AND oid IN (SELECT oid FROM wa INTERSECT SELECT oid FROM wb)
       ORDER BY generation DESC, oid LIMIT 1`,
      [repoId, a, b],
    );
    return rows[0]?.oid ?? null;
  }

  /** Commits reachable from `tip` but from none of `exclude`, oldest first, at most `limit`. */
  async onlyIn(repoId: number, tip: Oid, exclude: Oid[], limit: number, m: EntityManager = this.db.manager): Promise<CommitInfo[]> {
    const rows = await m.query(
      `WITH RECURSIVE wt(oid) AS (
         SELECT $2::varchar(40) UNION SELECT unnest(c.parents)::varchar(40) FROM git_commits c JOIN wt ON c.repo_id = $1 AND c.oid = wt.oid
       ), wx(oid) AS (
         SELECT unnest($3::varchar(40)[]) UNION SELECT unnest(c.parents)::varchar(40) FROM git_commits c JOIN wx ON c.repo_id = $1 AND c.oid = wx.oid
       )
       SELECT ${COLUMNS} FROM git_commits WHERE repo_id = $1 AND oid IN (SELECT oid FROM wt EXCEPT SELECT oid FROM wx)
       ORDER BY generation, committed_at, oid LIMIT $4`,
      [repoId, tip, exclude, limit],
    );
    return rows.map(normalise);
  }

  private async count(repoId: number, head: Oid): Promise<number> {
    const [{ n }] = await this.db.query(
      `WITH RECURSIVE walk(oid) AS (
         SELECT $2::varchar(40) UNION SELECT unnest(c.parents)::varchar(40) FROM git_commits c JOIN walk w ON c.repo_id = $1 AND c.oid = w.oid
       ) SELECT count(*)::int AS n FROM git_commits WHERE repo_id = $1 AND oid IN (SELECT oid FROM walk)`,
      [repoId, head],
    );
    return n;
  }
}

function normalise(r: CommitInfo & { parents: string[] | string }): CommitInfo {
  const parents = Array.isArray(r.parents) ? r.parents : parsePgArray(r.parents);
  return { oid: r.oid, treeOid: r.treeOid, parents, authorName: r.authorName, authorEmail: r.authorEmail, authoredAt: r.authoredAt, committedAt: r.committedAt, title: r.title, message: r.message };
}

/** Arrays normally arrive parsed; this also accepts the text form `{a,b}`. */
function parsePgArray(text: string): string[] {
  const inner = text.replace(/^\{|\}$/g, '');
  return inner ? inner.split(',') : [];
}
