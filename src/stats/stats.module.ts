import { Module } from '@nestjs/common';
import { ReposModule } from '../repos/repos.module';
import { RepoLikesController, UserLikesController } from './likes/likes.controller';
import { LikesRepository } from './likes/likes.repository';
import { LikesService } from './likes/likes.service';
import { NameCheckController } from './names/name-check.controller';
import { NameCheckRepository } from './names/name-check.repository';
import { NameCheckService } from './names/name-check.service';
import { ProfilesController } from './profiles/profiles.controller';
import { ProfilesRepository } from './profiles/profiles.repository';
import { ProfilesService } from './profiles/profiles.service';
import { RollupRepository } from './rollup/rollup.repository';
import { StatsRollupJob } from './rollup/stats-rollup.job';
import { RepoStatsController, TrendingController } from './stats.controller';
import { SshKeysController } from './ssh-keys/ssh-keys.controller';
import { SshKeysRepository } from './ssh-keys/ssh-keys.repository';
import { SshKeysService } from './ssh-keys/ssh-keys.service';
import { StatsService } from './stats.service';

/** Likes, statistics, trending, public profiles, the name check and SSH keys; read from what DownloadsModule records and the rollup keeps. */
@Module({
  imports: [ReposModule],
  controllers: [RepoLikesController, UserLikesController, RepoStatsController, TrendingController, ProfilesController, NameCheckController, SshKeysController],
  providers: [LikesRepository, LikesService, RollupRepository, StatsRollupJob, StatsService, ProfilesRepository, ProfilesService, NameCheckRepository, NameCheckService, SshKeysRepository, SshKeysService],
  exports: [StatsRollupJob],
})
export class StatsModule {}
