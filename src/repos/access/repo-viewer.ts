/**
 * Who asks for a list of repositories: the namespaces whose private repositories they read
 * (their own, their organizations') and, through `userId`, the private repositories shared
 * with them by a grant. Listings filter with visibleRepoSql, RepoAccess decides single repos:
 * both follow the same rule (namespace level or grant).
 */
export interface RepoViewer {
  userId: number | null;
  namespaceIds: number[];
}

export const ANONYMOUS_VIEWER: RepoViewer = { userId: null, namespaceIds: [] };

/**
 * SQL condition: repository `alias` is visible to the viewer whose user id is bound at
 * `userParam` and namespace ids at `namespacesParam`. The grant test is one index scan of
 * repo_grants by user (repo_grants_user_idx), hashed, not a lookup per row.
 */
export function visibleRepoSql(alias: string, userParam: string, namespacesParam: string): string {
  return `(NOT ${alias}.private OR ${alias}.namespace_id = ANY(${namespacesParam}::bigint[])
    OR ${alias}.id IN (SELECT repo_id FROM repo_grants WHERE user_id = ${userParam}::bigint))`;
}
