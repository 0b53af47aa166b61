import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { GitModule } from '../git/git.module';
import { RepoAccessGuard } from './access/repo-access.guard';
import { RepoAccessService } from './access/repo-access.service';
import { AccessRequestsRepository } from './access/access-requests.repository';
import { GatedAccessService } from './access/gated-access.service';
import { RepoGrantsRepository } from './access/repo-grants.repository';
import { RepoGrantsService } from './access/repo-grants.service';
import { GatedAccessController } from './controllers/gated-access.controller';
import { RepoGrantsController } from './controllers/repo-grants.controller';
import { ReposController } from './controllers/repos.controller';
import { UserReposController } from './controllers/user-repos.controller';
import { ValidateYamlController } from './controllers/validate-yaml.controller';
import { RepoListingRepository } from './repo-listing.repository';
import { RepoListingService } from './repo-listing.service';
import { RepoOwnershipAdapter } from './repo-ownership.adapter';
import { ReposService } from './repos.service';
import { RepoEventsEmitter } from './repo-events.emitter';
import { RepositoriesRepository } from './repositories.repository';

@Module({
  imports: [AuthModule, GitModule],
  controllers: [ReposController, UserReposController, ValidateYamlController, RepoGrantsController, GatedAccessController],
  providers: [
    RepositoriesRepository,
    RepoListingRepository,
    RepoAccessService,
    RepoGrantsRepository,
    RepoGrantsService,
    AccessRequestsRepository,
    GatedAccessService,
    RepoAccessGuard,
    ReposService,
    RepoListingService,
    RepoOwnershipAdapter,
    RepoEventsEmitter,
  ],
  exports: [ReposService, RepoEventsEmitter, RepoAccessService, RepoGrantsService, RepoAccessGuard, RepositoriesRepository, RepoListingService, AuthModule, GitModule],
})
export class ReposModule {}
