import { Module } from '@nestjs/common';
import { LfsModule } from '../../lfs/lfs.module';
import { ReposModule } from '../../repos/repos.module';
import { GitModule } from '../git.module';
import { GitCommitsRepository } from '../engine/git-commits.repository';
import { GitObjectsRepository } from '../engine/git-objects.repository';
import { GitRefsRepository } from '../engine/git-refs.repository';
import { ObjectDatabase } from '../engine/object-database';
import { PackPlanner } from '../engine/pack-planner';
import { PackStreamer } from '../engine/pack-streamer';
import { PushEngine } from '../engine/push';
import { GitHttpController } from './git-http.controller';
import { ReceivePackService } from './receive-pack.service';
import { UploadPackService } from './upload-pack.service';

/**
 * git over smart HTTP. The engine's stores are stateless query classes (GitModule exports only
 * the VersionEngine and RefHooks), so this module has its own instances of them for the pack walks.
 */
@Module({
  imports: [GitModule, ReposModule, LfsModule],
  controllers: [GitHttpController],
  providers: [GitObjectsRepository, GitRefsRepository, GitCommitsRepository, ObjectDatabase, PackPlanner, PackStreamer, PushEngine, UploadPackService, ReceivePackService],
})
export class GitHttpModule {}
