import { Module } from '@nestjs/common';
import { ReposModule } from '../repos/repos.module';
import { RepoLikesController, UserLikesController } from './likes/likes.controller';
import { LikesRepository } from './likes/likes.repository';
import { LikesService } from './likes/likes.service';
import { ProfilesController } from './profiles/profiles.controller';
import { ProfilesRepository } from './profiles/profiles.repository';
import { ProfilesService } from './profiles/profiles.service';
import { RollupRepository } from './rollup/rollup.repository';
import { StatsRollupJob } from './rollup/stats-rollup.job';
import { RepoStatsController, TrendingController } from './stats.controller';
import { StatsService } from './stats.service';

/** Likes, statistics, trending and public profiles; read from what DownloadsModule records and the rollup keeps. */
@Module({
  imports: [ReposModule],
  controllers: [RepoLikesController, UserLikesController, RepoStatsController, TrendingController, ProfilesController],
  providers: [LikesRepository, LikesService, RollupRepository, StatsRollupJob, StatsService, ProfilesRepository, ProfilesService],
  exports: [StatsRollupJob],
})
export class StatsModule {}
