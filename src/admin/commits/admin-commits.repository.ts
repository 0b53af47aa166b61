import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { likePattern } from '../../core/database/like-pattern';

export interface AdminCommitRow {
  id: number;
  oid: string;
  repoType: string;
  namespace: string;
  repoName: string;
  private: boolean;
  branch: string | null;
  authorName: string;
  authorEmail: string;
  userId: number | null;
  username: string | null;
  title: string;
  message: string;
  committedAt: Date;
}

export interface CommitFilter {
  repo?: { namespace: string; name: string; type?: string };
  author?: { name: string; email: string | null };
  /** Substring of the message, or a commit id prefix. */
  text?: string;
  order: 'asc' | 'desc';
  sort: 'created_at' | 'id';
  limit: number;
  offset: number;
}

// The author is matched to an account by email (as git hosts do); `branch` is the branch whose
// head the commit is, when one is (commits do not record the branch they were made on).
const SELECT = `
  SELECT c.id, c.oid, r.type AS "repoType", n.name AS namespace, r.name AS "repoName", r.private,
         (SELECT substr(g.name, 12) FROM git_refs g WHERE g.repo_id = c.repo_id AND g.oid = c.oid AND g.name LIKE 'refs/heads/%' ORDER BY g.name LIMIT 1) AS branch,
         c.author_name AS "authorName", c.author_email AS "authorEmail", u.id AS "userId", un.name AS username,
         c.title, c.message, c.committed_at AS "committedAt"
    FROM git_commits c
    JOIN repositories r ON r.id = c.repo_id
    JOIN namespaces n ON n.id = r.namespace_id
    LEFT JOIN users u ON lower(u.email) = lower(c.author_email)
    LEFT JOIN namespaces un ON un.id = u.id`;

/** Commits across every repository, for the admin API. */
@Injectable()
export class AdminCommitsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async list(f: CommitFilter): Promise<AdminCommitRow[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    const add = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (f.repo) {
      where.push(`r.namespace_id = (SELECT id FROM namespaces WHERE lower(name) = lower(${add(f.repo.namespace)})) AND lower(r.name) = lower(${add(f.repo.name)})`);
      if (f.repo.type) where.push(`r.type = ${add(f.repo.type)}`);
    }
    if (f.author) {
      const byName = `lower(c.author_name) = lower(${add(f.author.name)})`;
      where.push(f.author.email ? `(${byName} OR lower(c.author_email) = lower(${add(f.author.email)}))` : byName);
    }
    if (f.text) {
      const byMessage = `c.message ILIKE ${add(likePattern(f.text))}`;
      where.push(/^[0-9a-f]{4,40}$/i.test(f.text) ? `(${byMessage} OR c.oid LIKE ${add(`${f.text.toLowerCase()}%`)})` : byMessage);
    }
    const dir = f.order === 'asc' ? 'ASC' : 'DESC';
    const order = f.sort === 'created_at' ? `c.committed_at ${dir}, c.id ${dir}` : `c.id ${dir}`;
    const rows = await this.db.query(
      `${SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order} LIMIT ${f.limit} OFFSET ${f.offset}`,
      params,
    );
    return rows.map((r: Record<string, unknown>) => ({ ...r, id: Number(r.id), userId: r.userId === null ? null : Number(r.userId) }) as AdminCommitRow);
  }
}
