import { Module } from '@nestjs/common';
import { LfsModule } from '../lfs/lfs.module';
import { ReposModule } from '../repos/repos.module';
import { XetReconstructionController } from './reconstructions/reconstruction.controller';
import { XetReconstructionService } from './reconstructions/reconstruction.service';
import { XetStorageModule } from './storage/xet-storage.module';
import { XetTokenController } from './tokens/xet-token.controller';
import { XetCasGuard } from './tokens/xet-cas-auth';
import { XetTokenService } from './tokens/xet-token.service';

/** Xet: CAS tokens, the CAS endpoints (xorbs, shards, reconstructions, dedup). */
@Module({
  imports: [ReposModule, LfsModule, XetStorageModule],
  controllers: [XetTokenController, XetReconstructionController],
  providers: [XetTokenService, XetCasGuard, XetReconstructionService],
  exports: [XetTokenService],
})
export class XetModule {}
