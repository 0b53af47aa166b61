import { Injectable, OnModuleInit } from '@nestjs/common';
import { OwnedRepositoriesPort, type OwnedRepositories } from '../auth/accounts/owned-repositories';
import { ReposService } from './repos.service';
import { RepositoriesRepository } from './repositories.repository';

/** Tells the auth module which repositories a namespace owns, so user deletion can check. */
@Injectable()
export class RepoOwnershipAdapter implements OwnedRepositories, OnModuleInit {
  constructor(
    private readonly port: OwnedRepositoriesPort,
    private readonly repos: RepositoriesRepository,
    private readonly service: ReposService,
  ) {}

  onModuleInit(): void {
    this.port.use(this);
  }

  async list(namespaceId: number): Promise<string[]> {
    return (await this.repos.listIdsInNamespace(namespaceId)).map((r) => r.label);
  }

  async deleteAll(namespaceId: number): Promise<void> {
    for (const r of await this.repos.listIdsInNamespace(namespaceId)) {
      const repo = await this.repos.findById(r.id);
      if (repo) await this.service.remove(repo);
    }
  }
}
