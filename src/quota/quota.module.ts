import { Module } from '@nestjs/common';
import { AuditRepository } from '../admin/audit/audit.repository';
import { MetricsModule } from '../core/metrics/metrics.module';
import { ReposModule } from '../repos/repos.module';
import { QuotaMetrics } from './quota-metrics';
import { QuotaController } from './quota.controller';
import { QuotaOverviewService } from './quota-overview.service';
import { QuotaRepository } from './quota.repository';
import { QuotaService } from './quota.service';

@Module({
  imports: [ReposModule, MetricsModule],
  controllers: [QuotaController],
  providers: [QuotaRepository, QuotaService, QuotaOverviewService, AuditRepository, QuotaMetrics],
  exports: [QuotaService, QuotaOverviewService],
})
export class QuotaModule {}
