import { Injectable } from '@nestjs/common';

/**
 * What a namespace owns, asked before a user is deleted. The repos module plugs its answer in
 * at start (auth cannot depend on repos, which depends on auth); until then a namespace owns
 * nothing.
 */
export interface OwnedRepositories {
  /** `"<type>:<namespace>/<name>"` for every repository in the namespace. */
  list(namespaceId: number): Promise<string[]>;
  /** Deletes them all (used by a forced user delete). */
  deleteAll(namespaceId: number): Promise<void>;
}

@Injectable()
export class OwnedRepositoriesPort implements OwnedRepositories {
  private impl: OwnedRepositories = { list: async () => [], deleteAll: async () => undefined };

  use(impl: OwnedRepositories): void {
    this.impl = impl;
  }

  list(namespaceId: number): Promise<string[]> {
    return this.impl.list(namespaceId);
  }

  deleteAll(namespaceId: number): Promise<void> {
    return this.impl.deleteAll(namespaceId);
  }
}
