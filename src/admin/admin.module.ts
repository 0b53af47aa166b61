import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { QuotaModule } from '../quota/quota.module';
import { AdminQuotaController } from './quota/admin-quota.controller';
import { AuditController } from './audit/audit.controller';
import { AuditRepository } from './audit/audit.repository';
import { AdminSetupController } from './setup/admin-setup.controller';
import { AdminUsersController } from './users/admin-users.controller';
import { AdminUsersService } from './users/admin-users.service';

@Module({
  imports: [AuthModule, QuotaModule],
  controllers: [AdminUsersController, AdminQuotaController, AuditController, AdminSetupController],
  providers: [AuditRepository, AdminUsersService],
})
export class AdminModule {}
