import { Module } from '@nestjs/common';
import { LfsModule } from '../lfs/lfs.module';
import { ReposModule } from '../repos/repos.module';
import { XetReconstructionController } from './reconstructions/reconstruction.controller';
import { XetReconstructionService } from './reconstructions/reconstruction.service';
import { XetStorageModule } from './storage/xet-storage.module';
import { XetTokenController } from './tokens/xet-token.controller';
import { XetCasGuard } from './tokens/xet-cas-auth';
import { XetTokensModule } from './tokens/xet-tokens.module';

/** Xet: CAS tokens, the CAS endpoints (xorbs, shards, reconstructions, dedup). */
@Module({
  imports: [ReposModule, LfsModule, XetStorageModule, XetTokensModule],
  controllers: [XetTokenController, XetReconstructionController],
  providers: [XetCasGuard, XetReconstructionService],
})
export class XetModule {}
