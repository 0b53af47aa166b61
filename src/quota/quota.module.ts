import { Module } from '@nestjs/common';
import { ReposModule } from '../repos/repos.module';
import { QuotaController } from './quota.controller';
import { QuotaOverviewService } from './quota-overview.service';
import { QuotaRepository } from './quota.repository';
import { QuotaService } from './quota.service';

@Module({
  imports: [ReposModule],
  controllers: [QuotaController],
  providers: [QuotaRepository, QuotaService, QuotaOverviewService],
  exports: [QuotaService, QuotaOverviewService],
})
export class QuotaModule {}
