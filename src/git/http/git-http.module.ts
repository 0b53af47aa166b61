import { Module } from '@nestjs/common';
import { LfsModule } from '../../lfs/lfs.module';
import { ReposModule } from '../../repos/repos.module';
import { GitModule } from '../git.module';
import { PackPlanner } from '../engine/pack-planner';
import { PackStreamer } from '../engine/pack-streamer';
import { PushEngine } from '../engine/push';
import { GitHttpController } from './git-http.controller';
import { ReceivePackService } from './receive-pack.service';
import { UploadPackService } from './upload-pack.service';

/** git over smart HTTP, on the engine's stores (GitModule's instances: one set of caches per node). */
@Module({
  imports: [GitModule, ReposModule, LfsModule],
  controllers: [GitHttpController],
  providers: [PackPlanner, PackStreamer, PushEngine, UploadPackService, ReceivePackService],
})
export class GitHttpModule {}
