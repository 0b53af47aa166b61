/**
 * What a namespace owns, asked before a user is deleted. The repos module provides the real
 * answer once repositories exist (it binds OWNED_REPOSITORIES); until then a namespace owns
 * nothing, which is the truth while Hangar has no repositories table.
 */
export interface OwnedRepositories {
  /** `"<type>:<namespace>/<name>"` for every repository in the namespace. */
  list(namespaceId: number): Promise<string[]>;
  /** Deletes them all (used by a forced user delete). */
  deleteAll(namespaceId: number): Promise<void>;
}

export const OWNED_REPOSITORIES = Symbol('OWNED_REPOSITORIES');

export const NO_REPOSITORIES: OwnedRepositories = {
  list: async () => [],
  deleteAll: async () => undefined,
};
