import { QuotaModule } from '../quota/quota.module';
import { Module } from '@nestjs/common';
import { MetricsModule } from '../core/metrics/metrics.module';
import { LfsModule } from '../lfs/lfs.module';
import { ReposModule } from '../repos/repos.module';
import { XetCasController } from './cas/xet-cas.controller';
import { XetShardsService } from './cas/xet-shards.service';
import { XetXorbsService } from './cas/xet-xorbs.service';
import { XorbVerifier } from './cas/xorb-verifier';
import { XetReconstructionController } from './reconstructions/reconstruction.controller';
import { XetReconstructionService } from './reconstructions/reconstruction.service';
import { XetStorageModule } from './storage/xet-storage.module';
import { XetTokenController } from './tokens/xet-token.controller';
import { XetCasGuard } from './tokens/xet-cas-auth';
import { XetGrantCheck } from './tokens/xet-grant-check';
import { XetTokensModule } from './tokens/xet-tokens.module';

/** Xet: CAS tokens, the CAS endpoints (xorbs, shards, reconstructions, dedup). */
@Module({
  imports: [ReposModule, LfsModule, QuotaModule, XetStorageModule, XetTokensModule, MetricsModule],
  controllers: [XetTokenController, XetCasController, XetReconstructionController],
  providers: [XetCasGuard, XetGrantCheck, XorbVerifier, XetXorbsService, XetShardsService, XetReconstructionService],
})
export class XetModule {}
