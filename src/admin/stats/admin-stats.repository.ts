import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

const num = (v: unknown): number => Number(v ?? 0);

/**
 * Counts for the admin dashboard. Storage figures come from the stored quota counters (kept by
 * triggers); the rest are aggregates over indexed columns, computed when an admin asks.
 */
@Injectable()
export class AdminStatsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async basic(): Promise<{ users: number; orgs: number; repos: number; privateRepos: number }> {
    const [r] = await this.db.query(`
      SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM organizations) AS orgs,
             (SELECT count(*) FROM repositories) AS repos, (SELECT count(*) FROM repositories WHERE private) AS "privateRepos"`);
    return { users: num(r.users), orgs: num(r.orgs), repos: num(r.repos), privateRepos: num(r.privateRepos) };
  }

  async users(): Promise<{ total: number; active: number; verified: number }> {
    const [r] = await this.db.query(`SELECT count(*) AS total, count(*) FILTER (WHERE is_active) AS active, count(*) FILTER (WHERE email_verified) AS verified FROM users`);
    return { total: num(r.total), active: num(r.active), verified: num(r.verified) };
  }

  async reposByType(): Promise<Record<string, number>> {
    const rows: { type: string; n: string }[] = await this.db.query(`SELECT type, count(*) AS n FROM repositories GROUP BY type`);
    return Object.fromEntries(rows.map((r) => [r.type, num(r.n)]));
  }

  async commits(topLimit: number): Promise<{ total: number; top: { username: string; count: number }[] }> {
    const [t] = await this.db.query(`SELECT count(*) AS n FROM git_commits`);
    // An author is the account with the commit's email, else the author name as written.
    const top: { username: string; n: string }[] = await this.db.query(
      `SELECT coalesce(n.name, c.author_name) AS username, count(*) AS n
         FROM git_commits c LEFT JOIN users u ON lower(u.email) = lower(c.author_email) LEFT JOIN namespaces n ON n.id = u.id
        GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT $1`,
      [topLimit],
    );
    return { total: num(t.n), top: top.map((r) => ({ username: r.username, count: num(r.n) })) };
  }

  async lfs(): Promise<{ objects: number; bytes: number }> {
    const [r] = await this.db.query(`SELECT count(*) AS n, coalesce(sum(size), 0) AS bytes FROM lfs_objects`);
    return { objects: num(r.n), bytes: num(r.bytes) };
  }

  /** What namespaces are charged, from the stored counters of users and organizations. */
  async storage(): Promise<{ privateUsed: number; publicUsed: number }> {
    const [r] = await this.db.query(`
      SELECT (SELECT coalesce(sum(private_used_bytes), 0) FROM users) + (SELECT coalesce(sum(private_used_bytes), 0) FROM organizations) AS private,
             (SELECT coalesce(sum(public_used_bytes), 0) FROM users) + (SELECT coalesce(sum(public_used_bytes), 0) FROM organizations) AS public`);
    return { privateUsed: num(r.private), publicUsed: num(r.public) };
  }

  /** Per UTC day of the last `days` days (today included): repositories created by type, commits, users. */
  async timeseries(days: number): Promise<{ repos: { day: string; type: string; n: number }[]; commits: { day: string; n: number }[]; users: { day: string; n: number }[] }> {
    const since = `(date_trunc('day', now() AT TIME ZONE 'UTC') - make_interval(days => $1 - 1)) AT TIME ZONE 'UTC'`;
    const day = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD')`;
    const repos = await this.db.query(`SELECT ${day('created_at')} AS day, type, count(*) AS n FROM repositories WHERE created_at >= ${since} GROUP BY 1, 2`, [days]);
    const commits = await this.db.query(`SELECT ${day('committed_at')} AS day, count(*) AS n FROM git_commits WHERE committed_at >= ${since} GROUP BY 1`, [days]);
    const users = await this.db.query(`SELECT ${day('created_at')} AS day, count(*) AS n FROM users WHERE created_at >= ${since} GROUP BY 1`, [days]);
    const norm = (rows: Record<string, unknown>[]) => rows.map((r) => ({ ...r, n: num(r.n) }));
    return { repos: norm(repos) as { day: string; type: string; n: number }[], commits: norm(commits) as { day: string; n: number }[], users: norm(users) as { day: string; n: number }[] };
  }

  async topRepos(by: 'commits' | 'size', limit: number): Promise<{ fullId: string; type: string; private: boolean; usedBytes: number; commits: number }[]> {
    const rows = await this.db.query(
      by === 'size'
        ? `SELECT r.id, r.type, n.name AS namespace, r.name, r.private, r.used_bytes AS used,
                  (SELECT count(*) FROM git_commits c WHERE c.repo_id = r.id) AS commits
             FROM repositories r JOIN namespaces n ON n.id = r.namespace_id ORDER BY r.used_bytes DESC, r.id LIMIT $1`
        : `SELECT r.id, r.type, n.name AS namespace, r.name, r.private, r.used_bytes AS used, c.commits
             FROM (SELECT repo_id, count(*) AS commits FROM git_commits GROUP BY repo_id ORDER BY 2 DESC, 1 LIMIT $1) c
             JOIN repositories r ON r.id = c.repo_id JOIN namespaces n ON n.id = r.namespace_id ORDER BY c.commits DESC, r.id`,
      [limit],
    );
    return rows.map((r: Record<string, unknown>) => ({
      fullId: `${r.namespace}/${r.name}`,
      type: String(r.type),
      private: Boolean(r.private),
      usedBytes: num(r.used),
      commits: num(r.commits),
    }));
  }
}
