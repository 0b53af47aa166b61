import { Module } from '@nestjs/common';
import { MetricsModule } from '../core/metrics/metrics.module';
import { LfsModule } from '../lfs/lfs.module';
import { ReposModule } from '../repos/repos.module';
import { XetCasController } from './cas/xet-cas.controller';
import { XetShardsService } from './cas/xet-shards.service';
import { XetXorbsService } from './cas/xet-xorbs.service';
import { XorbVerifier } from './cas/xorb-verifier';
import { XetStorageModule } from './storage/xet-storage.module';
import { XetTokenController } from './tokens/xet-token.controller';
import { XetCasGuard } from './tokens/xet-cas-auth';
import { XetTokenService } from './tokens/xet-token.service';

/** Xet: CAS tokens, the CAS endpoints (xorbs, shards, reconstructions, dedup). */
@Module({
  imports: [ReposModule, LfsModule, XetStorageModule, MetricsModule],
  controllers: [XetTokenController, XetCasController],
  providers: [XetTokenService, XetCasGuard, XorbVerifier, XetXorbsService, XetShardsService],
  exports: [XetTokenService],
})
export class XetModule {}
