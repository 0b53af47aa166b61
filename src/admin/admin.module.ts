import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { QuotaModule } from '../quota/quota.module';
import { AdminQuotaController } from './quota/admin-quota.controller';
import { ReposModule } from '../repos/repos.module';
import { StatsModule } from '../stats/stats.module';
import { AdminProfilesController } from './profiles/admin-profiles.controller';
import { AdminRepoAccessController } from './repositories/admin-repo-access.controller';
import { AuditController } from './audit/audit.controller';
import { AuditRepository } from './audit/audit.repository';
import { AdminSetupController } from './setup/admin-setup.controller';
import { AdminUsersController } from './users/admin-users.controller';
import { AdminUsersService } from './users/admin-users.service';
import { BrowseModule } from '../repos/browse/browse.module';
import { AdminReposController } from './repositories/admin-repos.controller';
import { AdminReposRepository } from './repositories/admin-repos.repository';
import { AdminReposService } from './repositories/admin-repos.service';
import { AdminCommitsController } from './commits/admin-commits.controller';
import { AdminCommitsRepository } from './commits/admin-commits.repository';
import { AdminCommitsService } from './commits/admin-commits.service';
import { AdminStorageController } from './storage/admin-storage.controller';
import { AdminStorageService } from './storage/admin-storage.service';
import { DeleteTokensRepository } from './storage/delete-tokens.repository';
import { StorageReferencesRepository } from './storage/storage-references.repository';
import { ConsoleRole } from './database/console-role';
import { DatabaseConsoleController } from './database/database-console.controller';
import { DatabaseConsoleService } from './database/database-console.service';
import { AdminStatsController } from './stats/admin-stats.controller';
import { AdminStatsRepository } from './stats/admin-stats.repository';
import { AdminStatsService } from './stats/admin-stats.service';
import { AdminSearchController } from './search/admin-search.controller';
import { AdminSearchService } from './search/admin-search.service';
import { RepoEventsSubscriber } from './events/repo-events.subscriber';
import { GitModule } from '../git/git.module';
import { EventPruneJob } from './events/event-prune.job';
import { EventSessions } from './events/event-sessions.service';
import { EventStream } from './events/event-stream.service';
import { EventsController } from './events/events.controller';
import { RefEventsSubscriber } from './events/ref-events.subscriber';

@Module({
  imports: [
    AuthModule,
    QuotaModule,
    ReposModule,
    BrowseModule,
    GitModule,
    StatsModule,
  ],
  controllers: [
    AdminUsersController,
    AdminQuotaController,
    AuditController,
    AdminSetupController,
    AdminRepoAccessController,
    AdminProfilesController,
    AdminReposController,
    AdminCommitsController,
    AdminStorageController,
    DatabaseConsoleController,
    AdminStatsController,
    AdminSearchController,
    EventsController,
  ],
  providers: [
    AuditRepository,
    AdminUsersService,
    AdminReposRepository,
    AdminReposService,
    AdminCommitsRepository,
    AdminCommitsService,
    AdminStorageService,
    DeleteTokensRepository,
    StorageReferencesRepository,
    ConsoleRole,
    DatabaseConsoleService,
    AdminStatsRepository,
    AdminStatsService,
    AdminSearchService,
    EventStream,
    EventSessions,
    EventPruneJob,
    RefEventsSubscriber,
    RepoEventsSubscriber,
  ],
})
export class AdminModule {}
