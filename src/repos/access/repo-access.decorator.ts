import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiParam, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { HfErrorDto } from '../../core/errors/hf-error.dto';
import type { RepoRecord } from '../repo.types';
import type { RefHint } from '../../git/engine/engine.types';
import type { RepoPermission } from './repo-access.service';
import { RepoAccessGuard } from './repo-access.guard';

export const REPO_PERMISSION = 'hangar:repo-permission';
export const REPO_CHALLENGE = 'hangar:repo-challenge';
export const REPO_PR_QUERY = 'hangar:repo-pr-query';

/**
 * git and git-lfs ask for credentials only after a 401 carrying a challenge header, so their
 * routes add one (`WWW-Authenticate`, `LFS-Authenticate`) to every 401 an anonymous caller gets.
 */
export type AuthChallenge = 'git' | 'lfs';

/**
 * The route acts on the repository named by its `:namespace` and `:repo` params (type from the
 * URL prefix); RepoAccessGuard loads it and checks the permission. `pullRequest`: with a true
 * `create_pr` query the route only prepares or makes a pull request, which needs `contribute`;
 * the same when its revision is `refs/pr/N` (the handler then admits only the pull request's
 * author besides writers).
 */
export function RepoAccess(permission: RepoPermission, options: { challenge?: AuthChallenge; pullRequest?: boolean } = {}) {
  return applyDecorators(
    SetMetadata(REPO_PERMISSION, permission),
    SetMetadata(REPO_CHALLENGE, options.challenge ?? null),
    SetMetadata(REPO_PR_QUERY, options.pullRequest ?? false),
    UseGuards(RepoAccessGuard),
    ApiBearerAuth('bearer'),
    ApiParam({ name: 'namespace', example: 'alice' }),
    ApiParam({ name: 'repo', example: 'my-model' }),
    ApiNotFoundResponse({ description: 'RepoNotFound (also for private repositories you may not read)', type: HfErrorDto }),
    ApiUnauthorizedResponse({ description: 'Anonymous caller: RepoNotFound for a missing or private repository (git and git-lfs routes add a challenge header)', type: HfErrorDto }),
  );
}

/** The repository RepoAccessGuard loaded for this request. */
export const CurrentRepo = createParamDecorator((_: unknown, ctx: ExecutionContext): RepoRecord => {
  const repo = ctx.switchToHttp().getRequest<{ repo?: RepoRecord }>().repo;
  if (!repo) throw new Error('CurrentRepo used on a route without @RepoAccess');
  return repo;
});

/**
 * The ref of the route's `:rev`, read by RepoAccessGuard with the repository (read routes only),
 * or null. Pass it to VersionEngine.resolveRevision to save a query; it lives for this request only.
 */
export const PrefetchedRef = createParamDecorator((_: unknown, ctx: ExecutionContext): RefHint | null => {
  return ctx.switchToHttp().getRequest<{ refHint?: RefHint }>().refHint ?? null;
});
