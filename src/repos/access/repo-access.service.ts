import { Injectable } from '@nestjs/common';
import type { OrgRole } from '../../auth/accounts/account.types';
import { OrgsService } from '../../auth/orgs/orgs.service';
import { assertCanWrite, type Principal } from '../../auth/principal';
import { DomainError, ForbiddenError, NotFoundError, UnauthorizedError } from '../../core/errors/domain-error';
import { repoId, type RepoRecord } from '../repo.types';
import { RepoGrantsRepository, type GrantRole } from './repo-grants.repository';

/**
 * - read: metadata (info, tree listing, refs, settings that anyone who sees the repo sees);
 * - files: file contents (resolve, raw, git fetch, LFS download, Xet read tokens): read, and
 *   past the gate of a gated repository;
 * - contribute, write, admin: see RepoAccessService.
 */
export type RepoPermission = 'read' | 'files' | 'contribute' | 'write' | 'admin';

const LEVEL: Record<GrantRole, number> = { read: 1, write: 2, admin: 3 };

/** What an org role gives on the org's repositories (a contributor's own ones aside: see namespaceLevel). */
const ORG_LEVEL: Record<OrgRole, GrantRole> = { read: 'read', contributor: 'read', write: 'write', admin: 'admin', 'super-admin': 'admin' };

/** The org roles that create repositories in the org (the Hub's contributor and up). */
const CREATES_IN_ORG: ReadonlySet<OrgRole> = new Set(['contributor', 'write', 'admin', 'super-admin']);

/** What a caller is on a repository, from their namespace role and any grant; null: nothing. */
export interface RepoStanding {
  level: GrantRole | null;
  /** May fetch file contents of a gated repository (a level, or an accepted access request). */
  pastGate: boolean;
}

/**
 * The one decision of who may read, write or administer a repository.
 * - a caller's level is the best of their namespace role (owner, org admin: admin; org write
 *   member: write; org contributor: write on the repositories they created, else read; org read
 *   member: read) and their per-repository grant (read, write or admin);
 * - read: public repos, or any level;
 * - files: read, and for a gated repository a level or an accepted access request
 *   (403 GatedRepo otherwise, 401 to anonymous callers, as the Hub answers);
 * - contribute (open a pull request: a commit that lands only on a new refs/pr/N): anyone who
 *   may read the repository, with a write credential, as on the Hub;
 * - write: level write or admin, with a write credential;
 * - admin (settings, grants, access requests, move, delete): level admin.
 * A private repository the caller may not read does not exist for them: see repoNotFound.
 */
@Injectable()
export class RepoAccessService {
  constructor(
    private readonly orgs: OrgsService,
    private readonly grants: RepoGrantsRepository,
  ) {}

  /**
   * The level a namespace gives (on `repo`, when one is asked about): its owner and org admins
   * admin, org write members write, contributors write on the repositories they created and
   * read on the others, org read members read.
   */
  async namespaceLevel(principal: Principal | null, namespaceId: number, repo?: Pick<RepoRecord, 'createdBy'>): Promise<GrantRole | null> {
    const role = await this.namespaceRoleOf(principal, namespaceId);
    if (!role) return null;
    if (role === 'owner') return 'admin';
    if (role === 'contributor' && repo && repo.createdBy === principal!.user.id) return 'write';
    return ORG_LEVEL[role];
  }

  private namespaceRoleOf(principal: Principal | null, namespaceId: number): Promise<OrgRole | 'owner' | null> {
    return principal ? this.userRoleIn(principal.user.id, namespaceId) : Promise.resolve(null);
  }

  private async userRoleIn(userId: number, namespaceId: number): Promise<OrgRole | 'owner' | null> {
    if (userId === namespaceId) return 'owner';
    return (await this.orgs.membershipsOf(userId)).find((m) => m.orgId === namespaceId)?.role ?? null;
  }

  /** Alias kept for callers that ask only "does the caller belong to this namespace?" (quota, merged from main). */
  namespaceRole(principal: Principal | null, namespaceId: number): Promise<GrantRole | null> {
    return this.namespaceLevel(principal, namespaceId);
  }

  async standing(principal: Principal | null, repo: RepoRecord): Promise<RepoStanding> {
    if (!principal) return { level: null, pastGate: false };
    const fromNamespace = await this.namespaceLevel(principal, repo.namespaceId, repo);
    // Namespace write or admin is the most a grant could add; a read member may hold a better grant.
    if (fromNamespace && fromNamespace !== 'read') return { level: fromNamespace, pastGate: true };
    const s = await this.grants.standing(repo.id, principal.user.id);
    const level = best(fromNamespace, s.grant);
    return { level, pastGate: level !== null || s.gateAccepted };
  }

  async assert(principal: Principal | null, repo: RepoRecord, permission: RepoPermission, label: string): Promise<RepoStanding> {
    const standing = await this.standing(principal, repo);
    const level = standing.level ? LEVEL[standing.level] : 0;
    if (repo.private && !level) throw repoNotFound(principal);
    if (permission === 'read') return standing;
    if (permission === 'files') {
      if (repo.gated && !standing.pastGate) throw gatedRepo(principal, repo, label);
      return standing;
    }
    if (!principal) throw new UnauthorizedError('Authentication required to change this repository');
    assertCanWrite(principal);
    if (permission === 'contribute') return standing;
    if (level < LEVEL.write) throw new ForbiddenError(`You cannot write to ${label}`, 'Forbidden');
    if (permission === 'admin' && level < LEVEL.admin) throw new ForbiddenError(`Only admins of ${label} can administer it`, 'Forbidden');
    return standing;
  }

  /** Whether the caller may see the repository at all (a private one needs a level): what lists hide by. */
  async mayRead(principal: Principal | null, repo: RepoRecord): Promise<boolean> {
    return !repo.private || (await this.standing(principal, repo)).level !== null;
  }

  /** Whether the caller may write to the repository (a writer), for rules that let others in for less (a pull request's author). */
  async mayWrite(principal: Principal | null, repo: RepoRecord): Promise<boolean> {
    try {
      await this.assert(principal, repo, 'write', repoId(repo));
      return true;
    } catch (err) {
      if (err instanceof ForbiddenError) return false;
      throw err;
    }
  }

  /**
   * Whether what a namespace owns on its own (a webhook) may see the repository: a public one,
   * one of its own, and for a user whatever their level or grant lets them read. Outside any
   * request, so no credential limits apply; an organization reads only its own private repositories.
   */
  async namespaceMayRead(owner: { id: number; kind: 'user' | 'org' }, repo: RepoRecord): Promise<boolean> {
    if (!repo.private || repo.namespaceId === owner.id) return true;
    if (owner.kind === 'org') return false;
    if (await this.userRoleIn(owner.id, repo.namespaceId)) return true; // every org role reads
    return (await this.grants.standing(repo.id, owner.id)).grant !== null;
  }

  /** May the principal create repositories in this namespace? Their own; an org's from contributor up. */
  async assertCanCreateIn(principal: Principal, namespaceId: number, namespace: string): Promise<void> {
    assertCanWrite(principal);
    const role = await this.namespaceRoleOf(principal, namespaceId);
    if (!role || (role !== 'owner' && !CREATES_IN_ORG.has(role))) {
      throw new ForbiddenError(`You cannot create repositories in "${namespace}"`, 'Forbidden');
    }
  }
}

function best(a: GrantRole | null, b: GrantRole | null): GrantRole | null {
  if (!a || !b) return a ?? b;
  return LEVEL[a] >= LEVEL[b] ? a : b;
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

/** The Hub's answer for a gated repository's files: huggingface_hub raises GatedRepoError on the code, whatever the status. */
function gatedRepo(principal: Principal | null, repo: RepoRecord, label: string): DomainError {
  const what = `Access to ${repo.type} ${label} is restricted`;
  return principal
    ? new ForbiddenError(`${what} and you are not in the authorized list. Ask for access on the repository's page.`, 'GatedRepo')
    : new UnauthorizedError(`${what}. You must have access to it and be authenticated to access it.`, 'GatedRepo');
}
