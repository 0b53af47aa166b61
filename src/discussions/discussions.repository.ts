import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import type { DiscussionEventRecord, DiscussionEventType, DiscussionRecord, DiscussionStatus, DiscussionUser } from './discussion.types';

const DISCUSSION_COLUMNS = `d.id, d.repo_id AS "repoId", d.num, d.is_pull_request AS "isPullRequest", d.title, d.status,
  d.author_id AS "authorId", an.name AS "authorName", au.fullname AS "authorFullname", d.target_branch AS "targetBranch",
  d.merge_commit_oid AS "mergeCommitOid", d.merge_base_oid AS "mergeBaseOid", d.created_at AS "createdAt"`;
const DISCUSSION_FROM = `discussions d LEFT JOIN namespaces an ON an.id = d.author_id LEFT JOIN users au ON au.id = d.author_id`;

const EVENT_COLUMNS = `e.id, e.discussion_id AS "discussionId", e.public_id AS "publicId", e.type, e.author_id AS "authorId",
  an.name AS "authorName", au.fullname AS "authorFullname", e.data, e.created_at AS "createdAt"`;
const EVENT_FROM = `discussion_events e LEFT JOIN namespaces an ON an.id = e.author_id LEFT JOIN users au ON au.id = e.author_id`;

/** Which statuses a listing's `status` filter takes in: open includes drafts, closed includes merged (as the Hub). */
const STATUS_FILTER: Record<string, DiscussionStatus[]> = { open: ['open', 'draft'], closed: ['closed', 'merged'] };

export interface DiscussionFilter {
  type?: 'discussion' | 'pull_request';
  status?: 'open' | 'closed';
  author?: string;
}

/** Rows of discussions, their events and the per-repository numbering. */
@Injectable()
export class DiscussionsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The repository's next discussion number; the counter row stays locked until the transaction ends. */
  async nextNumber(m: EntityManager, repoId: number): Promise<number> {
    const [{ num }] = await m.query(
      `INSERT INTO discussion_numbers (repo_id, last_num) VALUES ($1, 1)
       ON CONFLICT (repo_id) DO UPDATE SET last_num = discussion_numbers.last_num + 1 RETURNING last_num AS num`,
      [repoId],
    );
    return Number(num);
  }

  async insert(
    m: EntityManager,
    d: { repoId: number; num: number; isPullRequest: boolean; title: string; status: DiscussionStatus; authorId: number | null; targetBranch: string | null },
  ): Promise<number> {
    const [{ id }] = await m.query(
      `INSERT INTO discussions (repo_id, num, is_pull_request, title, status, author_id, target_branch) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [d.repoId, d.num, d.isPullRequest, d.title, d.status, d.authorId, d.targetBranch],
    );
    return Number(id);
  }

  /** The discussion; with `lock`, its row stays locked until the transaction ends. */
  async find(repoId: number, num: number, m: EntityManager = this.db.manager, lock = false): Promise<DiscussionRecord | null> {
    if (lock) await m.query(`SELECT 1 FROM discussions WHERE repo_id = $1 AND num = $2 FOR UPDATE`, [repoId, num]);
    const rows = await m.query(`SELECT ${DISCUSSION_COLUMNS} FROM ${DISCUSSION_FROM} WHERE d.repo_id = $1 AND d.num = $2`, [repoId, num]);
    return rows[0] ? toDiscussion(rows[0]) : null;
  }

  async page(repoId: number, filter: DiscussionFilter, offset: number, limit: number): Promise<{ discussions: (DiscussionRecord & { numComments: number })[]; count: number; numClosed: number }> {
    const where = ['d.repo_id = $1'];
    const params: unknown[] = [repoId];
    if (filter.type) where.push(`d.is_pull_request = ${filter.type === 'pull_request'}`);
    if (filter.status) {
      params.push(STATUS_FILTER[filter.status]);
      where.push(`d.status = ANY($${params.length}::varchar[])`);
    }
    if (filter.author) {
      params.push(filter.author);
      where.push(`lower(an.name) = lower($${params.length})`);
    }
    params.push(offset, limit);
    const rows = await this.db.query(
      `SELECT ${DISCUSSION_COLUMNS}, count(*) OVER () AS total,
              (SELECT count(*) FROM discussion_events e WHERE e.discussion_id = d.id AND e.type = 'comment')::int AS "numComments"
         FROM ${DISCUSSION_FROM} WHERE ${where.join(' AND ')}
         ORDER BY d.num DESC OFFSET $${params.length - 1} LIMIT $${params.length}`,
      params,
    );
    const [{ closed, total }] = await this.db.query(
      `SELECT count(*) FILTER (WHERE d.status IN ('closed', 'merged'))::int AS closed, count(*)::int AS total FROM ${DISCUSSION_FROM} WHERE ${where.join(' AND ')}`,
      params.slice(0, -2),
    );
    return { discussions: rows.map((r: Record<string, unknown>) => ({ ...toDiscussion(r), numComments: Number(r.numComments) })), count: Number(total), numClosed: Number(closed) };
  }

  async setTitle(m: EntityManager, id: number, title: string): Promise<void> {
    await m.query(`UPDATE discussions SET title = $2, updated_at = now() WHERE id = $1`, [id, title]);
  }

  async setStatus(m: EntityManager, id: number, status: DiscussionStatus, merge?: { commitOid: string; baseOid: string | null }): Promise<void> {
    await m.query(`UPDATE discussions SET status = $2, merge_commit_oid = COALESCE($3, merge_commit_oid), merge_base_oid = COALESCE($4, merge_base_oid), updated_at = now() WHERE id = $1`, [
      id,
      status,
      merge?.commitOid ?? null,
      merge?.baseOid ?? null,
    ]);
  }

  async addEvent(m: EntityManager, discussionId: number, type: DiscussionEventType, authorId: number | null, data: Record<string, unknown>): Promise<DiscussionEventRecord> {
    // A 24-hex id, like the Hub's (the clients send it back lower-cased in comment routes).
    const publicId = randomBytes(12).toString('hex');
    const [{ id }] = await m.query(`INSERT INTO discussion_events (discussion_id, public_id, type, author_id, data) VALUES ($1, $2, $3, $4, $5) RETURNING id`, [
      discussionId,
      publicId,
      type,
      authorId,
      data,
    ]);
    return (await this.event(m, Number(id)))!;
  }

  async updateEventData(m: EntityManager, id: number, data: Record<string, unknown>): Promise<DiscussionEventRecord> {
    await m.query(`UPDATE discussion_events SET data = $2 WHERE id = $1`, [id, data]);
    return (await this.event(m, id))!;
  }

  /** A comment of the discussion by its public id, its row locked until the transaction ends. */
  async lockComment(m: EntityManager, discussionId: number, publicId: string): Promise<DiscussionEventRecord | null> {
    const rows = await m.query(`SELECT id FROM discussion_events WHERE discussion_id = $1 AND public_id = $2 AND type = 'comment' FOR UPDATE`, [discussionId, publicId]);
    return rows[0] ? this.event(m, Number(rows[0].id)) : null;
  }

  async users(ids: number[]): Promise<Map<number, DiscussionUser>> {
    if (ids.length === 0) return new Map();
    const rows: { id: string; name: string; fullname: string }[] = await this.db.query(
      `SELECT n.id, n.name, u.fullname FROM namespaces n JOIN users u ON u.id = n.id WHERE n.id = ANY($1::bigint[])`,
      [ids],
    );
    return new Map(rows.map((r) => [Number(r.id), { id: Number(r.id), name: r.name, fullname: r.fullname }]));
  }

  async events(discussionId: number): Promise<DiscussionEventRecord[]> {
    const rows = await this.db.query(`SELECT ${EVENT_COLUMNS} FROM ${EVENT_FROM} WHERE e.discussion_id = $1 ORDER BY e.id`, [discussionId]);
    return rows.map(toEvent);
  }

  private async event(m: EntityManager, id: number): Promise<DiscussionEventRecord | null> {
    const rows = await m.query(`SELECT ${EVENT_COLUMNS} FROM ${EVENT_FROM} WHERE e.id = $1`, [id]);
    return rows[0] ? toEvent(rows[0]) : null;
  }
}

function toDiscussion(r: Record<string, unknown>): DiscussionRecord {
  return {
    id: Number(r.id),
    repoId: Number(r.repoId),
    num: Number(r.num),
    isPullRequest: r.isPullRequest as boolean,
    title: r.title as string,
    status: r.status as DiscussionStatus,
    author: r.authorId === null ? null : { id: Number(r.authorId), name: r.authorName as string, fullname: (r.authorFullname as string) ?? '' },
    targetBranch: (r.targetBranch as string) ?? null,
    mergeCommitOid: (r.mergeCommitOid as string) ?? null,
    mergeBaseOid: (r.mergeBaseOid as string) ?? null,
    createdAt: r.createdAt as Date,
  };
}

function toEvent(r: Record<string, unknown>): DiscussionEventRecord {
  return {
    id: Number(r.id),
    discussionId: Number(r.discussionId),
    publicId: r.publicId as string,
    type: r.type as DiscussionEventType,
    author: r.authorId === null ? null : { id: Number(r.authorId), name: r.authorName as string, fullname: (r.authorFullname as string) ?? '' },
    data: r.data as Record<string, unknown>,
    createdAt: r.createdAt as Date,
  };
}
