import { Module } from '@nestjs/common';
import { AuditRepository } from '../admin/audit/audit.repository';
import { ReposModule } from '../repos/repos.module';
import { QuotaController } from './quota.controller';
import { QuotaOverviewService } from './quota-overview.service';
import { QuotaRepository } from './quota.repository';
import { QuotaService } from './quota.service';

@Module({
  imports: [ReposModule],
  controllers: [QuotaController],
  providers: [QuotaRepository, QuotaService, QuotaOverviewService, AuditRepository],
  exports: [QuotaService, QuotaOverviewService],
})
export class QuotaModule {}
