import { Injectable } from '@nestjs/common';
import { REPO_TYPES } from '../../repos/repo.types';
import { AdminStatsRepository } from './admin-stats.repository';

const TOP_CONTRIBUTORS = 10;
const DAY_MS = 86_400_000;

@Injectable()
export class AdminStatsService {
  constructor(private readonly stats: AdminStatsRepository) {}

  async basic() {
    const b = await this.stats.basic();
    return { users: b.users, organizations: b.orgs, repositories: { total: b.repos, private: b.privateRepos, public: b.repos - b.privateRepos } };
  }

  async detailed() {
    const [b, users, byType, commits, lfs, storage] = await Promise.all([
      this.stats.basic(),
      this.stats.users(),
      this.stats.reposByType(),
      this.stats.commits(TOP_CONTRIBUTORS),
      this.stats.lfs(),
      this.stats.storage(),
    ]);
    return {
      users: { total: users.total, active: users.active, verified: users.verified, inactive: users.total - users.active },
      organizations: { total: b.orgs },
      repositories: {
        total: b.repos,
        private: b.privateRepos,
        public: b.repos - b.privateRepos,
        by_type: Object.fromEntries(REPO_TYPES.map((t) => [t, byType[t] ?? 0])),
      },
      commits: { total: commits.total, top_contributors: commits.top.map((c) => ({ username: c.username, commit_count: c.count })) },
      lfs: { total_objects: lfs.objects, total_size: lfs.bytes },
      storage: { private_used: storage.privateUsed, public_used: storage.publicUsed, total_used: storage.privateUsed + storage.publicUsed },
    };
  }

  /** Every day of the window is present (zeros included), oldest first; days are UTC. */
  async timeseries(days: number, now = new Date()) {
    const { repos, commits, users } = await this.stats.timeseries(days);
    const keys = Array.from({ length: days }, (_, i) => new Date(now.getTime() - (days - 1 - i) * DAY_MS).toISOString().slice(0, 10));
    const repositories_by_day: Record<string, Record<string, number>> = {};
    const commits_by_day: Record<string, number> = {};
    const users_by_day: Record<string, number> = {};
    for (const k of keys) {
      repositories_by_day[k] = Object.fromEntries(REPO_TYPES.map((t) => [t, 0]));
      commits_by_day[k] = 0;
      users_by_day[k] = 0;
    }
    for (const r of repos) if (repositories_by_day[r.day]) repositories_by_day[r.day][r.type] = r.n;
    for (const c of commits) if (c.day in commits_by_day) commits_by_day[c.day] = c.n;
    for (const u of users) if (u.day in users_by_day) users_by_day[u.day] = u.n;
    return { repositories_by_day, commits_by_day, users_by_day };
  }

  async topRepos(by: 'commits' | 'size', limit: number) {
    const rows = await this.stats.topRepos(by, limit);
    return {
      top_repositories: rows.map((r) => ({ repo_full_id: r.fullId, repo_type: r.type, commit_count: r.commits, used_bytes: r.usedBytes, private: r.private })),
      sorted_by: by,
    };
  }
}
