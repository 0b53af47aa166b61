import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { QuotaModule } from '../quota/quota.module';
import { AdminQuotaController } from './quota/admin-quota.controller';
import { ReposModule } from '../repos/repos.module';
import { AdminRepoAccessController } from './repositories/admin-repo-access.controller';
import { AuditController } from './audit/audit.controller';
import { AuditRepository } from './audit/audit.repository';
import { AdminSetupController } from './setup/admin-setup.controller';
import { AdminUsersController } from './users/admin-users.controller';
import { AdminUsersService } from './users/admin-users.service';
import { GitModule } from '../git/git.module';
import { EventPruneJob } from './events/event-prune.job';
import { EventSessions } from './events/event-sessions.service';
import { EventStream } from './events/event-stream.service';
import { EventsController } from './events/events.controller';
import { RefEventsSubscriber } from './events/ref-events.subscriber';

@Module({
  imports: [AuthModule, QuotaModule, ReposModule, GitModule],
  controllers: [AdminUsersController, AdminQuotaController, AuditController, AdminSetupController, AdminRepoAccessController, EventsController],
  providers: [AuditRepository, AdminUsersService, EventStream, EventSessions, EventPruneJob, RefEventsSubscriber],
})
export class AdminModule {}
