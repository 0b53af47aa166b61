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

@Module({
  imports: [AuthModule, QuotaModule, ReposModule, StatsModule],
  controllers: [AdminUsersController, AdminQuotaController, AuditController, AdminSetupController, AdminRepoAccessController, AdminProfilesController],
  providers: [AuditRepository, AdminUsersService],
})
export class AdminModule {}
