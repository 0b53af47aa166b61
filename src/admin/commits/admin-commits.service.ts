import { Injectable } from '@nestjs/common';
import { BadRequestError } from '../../core/errors/domain-error';
import { UsersService } from '../../auth/accounts/users.service';
import { AdminCommitRow, AdminCommitsRepository, CommitFilter } from './admin-commits.repository';

export interface CommitQuery {
  repoFullId?: string;
  repoType?: string;
  username?: string;
  text?: string;
  sort?: 'created_at' | 'id';
  order?: 'asc' | 'desc';
  limit: number;
  offset: number;
}

/** Commits across repositories: who made what where. */
@Injectable()
export class AdminCommitsService {
  constructor(
    private readonly commits: AdminCommitsRepository,
    private readonly users: UsersService,
  ) {}

  async list(q: CommitQuery): Promise<AdminCommitRow[]> {
    const filter: CommitFilter = { sort: q.sort ?? 'id', order: q.order ?? 'desc', limit: q.limit, offset: q.offset, text: q.text };
    if (q.repoFullId !== undefined) {
      const [namespace, name, ...rest] = q.repoFullId.split('/');
      if (!namespace || !name || rest.length) throw new BadRequestError('repo_full_id must be "namespace/name"', 'InvalidRepoId');
      filter.repo = { namespace, name, type: q.repoType };
    }
    if (q.username !== undefined) {
      // An account's commits carry its name or its email; a name that is no account still matches authors.
      const ns = await this.users.findNamespace(q.username);
      const user = ns?.kind === 'user' ? await this.users.getByName(ns.name) : null;
      filter.author = { name: q.username, email: user?.email ?? null };
    }
    return this.commits.list(filter);
  }
}
