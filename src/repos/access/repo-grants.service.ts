import { Injectable } from '@nestjs/common';
import { UsersService } from '../../auth/accounts/users.service';
import { NotFoundError } from '../../core/errors/domain-error';
import { repoId, type RepoRecord, type RepoType } from '../repo.types';
import { RepositoriesRepository } from '../repositories.repository';
import { RepoGrantsRepository, type GrantRecord, type GrantRole } from './repo-grants.repository';

/**
 * Per-repository grants: one user gets read, write or admin on one repository. The caller's
 * right to manage them (repository admin, or the admin API) is checked before; RepoAccess reads
 * the grants on every request, so a change holds from the next request on.
 */
@Injectable()
export class RepoGrantsService {
  constructor(
    private readonly grants: RepoGrantsRepository,
    private readonly users: UsersService,
    private readonly repos: RepositoriesRepository,
  ) {}

  /** The repository an admin-API call names (no access decision: the admin API may act on any). */
  async findForAdminApi(type: RepoType, namespace: string, name: string): Promise<RepoRecord> {
    const repo = await this.repos.find(type, namespace, name);
    if (!repo) throw new NotFoundError(`Repository ${namespace}/${name} not found`, 'RepoNotFound');
    return repo;
  }

  list(repo: RepoRecord): Promise<GrantRecord[]> {
    return this.grants.list(repo.id);
  }

  async grant(repo: RepoRecord, username: string, role: GrantRole): Promise<void> {
    const user = await this.users.getByName(username);
    await this.grants.upsert(repo.id, user.id, role);
  }

  async revoke(repo: RepoRecord, username: string): Promise<void> {
    const user = await this.users.getByName(username);
    if (!(await this.grants.delete(repo.id, user.id))) {
      throw new NotFoundError(`"${user.name}" has no grant on ${repoId(repo)}`, 'GrantNotFound');
    }
  }
}
