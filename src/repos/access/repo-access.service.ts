import { Injectable } from '@nestjs/common';
import { OrgsService } from '../../auth/orgs/orgs.service';
import type { Principal } from '../../auth/principal';
import { DomainError, ForbiddenError, NotFoundError, UnauthorizedError } from '../../core/errors/domain-error';
import type { RepoRecord } from '../repo.types';

export type RepoPermission = 'read' | 'contribute' | 'write' | 'admin';

/**
 * The one decision of who may read, write or administer a repository.
 * - read: public repos, or the owner / any member of the owning organization;
 * - contribute (open a pull request: a commit that lands only on a new refs/pr/N): anyone who
 *   may read the repository, with a write credential, as on the Hub;
 * - write: the owner or any member of the owning organization, with a write credential;
 * - admin (settings, move, delete): the owner, or an org admin / super-admin.
 * A private repository the caller may not read does not exist for them: see repoNotFound.
 */
@Injectable()
export class RepoAccessService {
  constructor(private readonly orgs: OrgsService) {}

  async namespaceRole(principal: Principal | null, namespaceId: number): Promise<'owner' | 'admin' | 'member' | null> {
    if (!principal) return null;
    if (principal.user.id === namespaceId) return 'owner';
    const membership = (await this.orgs.membershipsOf(principal.user.id)).find((m) => m.orgId === namespaceId);
    if (!membership) return null;
    return membership.role === 'member' ? 'member' : 'admin';
  }

  async assert(principal: Principal | null, repo: RepoRecord, permission: RepoPermission, label: string): Promise<void> {
    const role = await this.namespaceRole(principal, repo.namespaceId);
    if (repo.private && !role) throw repoNotFound(principal);
    if (permission === 'read') return;
    if (!principal) throw new UnauthorizedError('Authentication required to change this repository');
    if (!principal.canWrite) throw new ForbiddenError('This token is read-only; a write token is required', 'ReadOnlyToken');
    if (permission === 'contribute') return;
    if (!role) throw new ForbiddenError(`You cannot write to ${label}`, 'Forbidden');
    if (permission === 'admin' && role === 'member') throw new ForbiddenError(`Only admins of ${repo.namespace} can administer ${label}`, 'Forbidden');
  }

  /** May the principal create repositories in this namespace? */
  async assertCanCreateIn(principal: Principal, namespaceId: number, namespace: string): Promise<void> {
    if (!principal.canWrite) throw new ForbiddenError('This token is read-only; a write token is required', 'ReadOnlyToken');
    if (!(await this.namespaceRole(principal, namespaceId))) {
      throw new ForbiddenError(`You cannot create repositories in "${namespace}"`, 'Forbidden');
    }
  }
}

/**
 * What a missing repository, or a private one the caller may not read, answers: 404
 * RepoNotFound to a signed-in caller, 401 RepoNotFound to an anonymous one (the hub's answer:
 * "maybe it exists and you must sign in"; the clients map both to RepositoryNotFoundError).
 * The text is the Hub's: huggingface_hub shows its own "Repository Not Found for url ..." and
 * appends the server's text only when it says something more, which this does not.
 */
export function repoNotFound(principal: Principal | null): DomainError {
  const message = 'Repository not found';
  return principal ? new NotFoundError(message, 'RepoNotFound') : new UnauthorizedError(message, 'RepoNotFound');
}
