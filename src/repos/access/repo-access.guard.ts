import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AuthenticatedRequest } from '../../auth/auth.decorators';
import { RepoRedirect } from '../../core/errors/redirect';
import { queryBoolean } from '../../core/http/query-transforms';
import { RepositoriesRepository } from '../repositories.repository';
import type { RepoRecord, RepoType } from '../repo.types';
import type { RefHint } from '../../git/engine/engine.types';
import { DomainError, UnauthorizedError } from '../../core/errors/domain-error';
import { REPO_CHALLENGE, REPO_PERMISSION, REPO_PR_QUERY, type AuthChallenge } from './repo-access.decorator';
import { RepoAccessService, repoNotFound, type RepoPermission } from './repo-access.service';

/** Loads the repository a route names and lets the request in only with the needed permission. */
@Injectable()
export class RepoAccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly repos: RepositoriesRepository,
    private readonly access: RepoAccessService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuthenticatedRequest & { repo?: RepoRecord; refHint?: RefHint }>();
    const declared = this.reflector.get<RepoPermission>(REPO_PERMISSION, ctx.getHandler()) ?? 'read';
    const forPullRequest = this.reflector.get<boolean>(REPO_PR_QUERY, ctx.getHandler()) && (queryBoolean(req.query?.create_pr) === true || namesPullRequestRef(req.params));
    const permission = forPullRequest && declared === 'write' ? 'contribute' : declared;
    const challenge = this.reflector.get<AuthChallenge | null>(REPO_CHALLENGE, ctx.getHandler()) ?? null;
    try {
      return await this.check(req, permission);
    } catch (err) {
      // An anonymous git/git-lfs client is asked for credentials (it retries with them only
      // after a 401 carrying a challenge header); the error code stays (RepoNotFound included).
      if (challenge && !req.principal && err instanceof DomainError && [401, 403, 404].includes(err.status)) {
        throw authChallenge(challenge, err);
      }
      throw err;
    }
  }

  private async check(req: AuthenticatedRequest & { repo?: RepoRecord; refHint?: RefHint }, permission: RepoPermission): Promise<boolean> {
    const type = repoTypeOf(req);
    const { namespace, repo: name } = req.params as { namespace: string; repo: string };
    const label = `${namespace}/${name}`;
    // Read routes that name a revision get its ref in the same statement (see PrefetchedRef).
    const rev = permission === 'read' || permission === 'files' ? (req.params as { rev?: string }).rev : undefined;
    const found = rev === undefined ? null : await this.repos.findWithRef(type, namespace, name, rev);
    let repo = rev === undefined ? await this.repos.find(type, namespace, name) : (found?.repo ?? null);
    if (!repo) {
      const moved = await this.repos.findRedirect(type, namespace, name);
      if (moved) {
        await this.access.assert(req.principal ?? null, moved, 'read', label);
        throw new RepoRedirect(redirectLocation(req.originalUrl, namespace, name, moved));
      }
      throw repoNotFound(req.principal ?? null);
    }
    await this.access.assert(req.principal ?? null, repo, permission, label);
    req.repo = repo;
    if (found) req.refHint = found.hint;
    return true;
  }
}

/**
 * The route's revision is a pull request's ref: its author may commit there too, which the
 * commit service decides once it knows the pull request (contribute lets the request in).
 */
function namesPullRequestRef(params: unknown): boolean {
  const rev = (params as { revision?: string | string[] } | undefined)?.revision;
  return /^refs\/pr\/[1-9][0-9]*$/.test(Array.isArray(rev) ? rev.join('/') : (rev ?? ''));
}

function authChallenge(kind: AuthChallenge, cause: DomainError): UnauthorizedError {
  const header = kind === 'lfs' ? 'LFS-Authenticate' : 'WWW-Authenticate';
  const code = cause.status === 401 ? cause.code : 'Unauthorized';
  return new UnauthorizedError('Authentication required', code, { ...cause.headers, [header]: 'Basic realm="Hangar"' });
}

/** The type a route serves, from its URL prefix: `/api/datasets/…`, `/datasets/…` → dataset. */
export function repoTypeOf(req: { path: string }): RepoType {
  const first = req.path.split('/')[req.path.startsWith('/api/') ? 2 : 1];
  return first === 'datasets' ? 'dataset' : first === 'spaces' ? 'space' : 'model';
}

function redirectLocation(url: string, namespace: string, name: string, moved: RepoRecord): string {
  const from = `/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
  const at = url.indexOf(from);
  const to = `/${moved.namespace}/${moved.name}`;
  return at < 0 ? url : url.slice(0, at) + to + url.slice(at + from.length);
}
