import { Injectable } from '@nestjs/common';
import { UsersService } from '../../auth/accounts/users.service';
import { AdminCommitsRepository } from '../commits/admin-commits.repository';
import { toAdminCommit } from '../commits/admin-commits.dto';
import { AdminReposRepository } from '../repositories/admin-repos.repository';
import type { AdminSearchDto, SearchType } from './admin-search.dto';

/** One text across accounts, repositories and commits, each searched by the query its own listing uses. */
@Injectable()
export class AdminSearchService {
  constructor(
    private readonly users: UsersService,
    private readonly repos: AdminReposRepository,
    private readonly commits: AdminCommitsRepository,
  ) {}

  async search(text: string, types: Set<SearchType>, limit: number): Promise<AdminSearchDto> {
    const out: AdminSearchDto = { query: text, results: {}, result_counts: {} };
    const [users, repos, commits] = await Promise.all([
      types.has('users') ? this.users.search({ search: text, limit, offset: 0 }) : null,
      types.has('repos') ? this.repos.list({ search: text, limit, offset: 0 }) : null,
      types.has('commits') ? this.commits.list({ text, sort: 'id', order: 'desc', limit, offset: 0 }) : null,
    ]);
    if (users) {
      out.results.users = users.users.map((u) => ({ id: u.id, username: u.name, email: u.email, email_verified: u.emailVerified, is_active: u.isActive }));
      out.result_counts.users = out.results.users.length;
    }
    if (repos) {
      out.results.repositories = repos.rows.map((r) => ({
        id: r.id,
        full_id: `${r.namespace}/${r.name}`,
        repo_type: r.type,
        namespace: r.namespace,
        name: r.name,
        private: r.private,
        owner_username: r.namespace,
      }));
      out.result_counts.repositories = out.results.repositories.length;
    }
    if (commits) {
      out.results.commits = commits.map(toAdminCommit).map((c) => ({
        id: c.id,
        commit_id: c.commit_id,
        message: c.message,
        username: c.username,
        repo_full_id: c.repo_full_id,
        repo_type: c.repo_type,
        branch: c.branch,
        created_at: c.created_at,
      }));
      out.result_counts.commits = out.results.commits.length;
    }
    return out;
  }
}
