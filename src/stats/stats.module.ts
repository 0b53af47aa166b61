import { Module } from '@nestjs/common';
import { ReposModule } from '../repos/repos.module';
import { RepoLikesController, UserLikesController } from './likes/likes.controller';
import { LikesRepository } from './likes/likes.repository';
import { LikesService } from './likes/likes.service';
import { RollupRepository } from './rollup/rollup.repository';
import { StatsRollupJob } from './rollup/stats-rollup.job';
import { RepoStatsController, TrendingController } from './stats.controller';
import { StatsService } from './stats.service';

/** Likes, statistics and trending, read from what DownloadsModule records and the rollup keeps. */
@Module({
  imports: [ReposModule],
  controllers: [RepoLikesController, UserLikesController, RepoStatsController, TrendingController],
  providers: [LikesRepository, LikesService, RollupRepository, StatsRollupJob, StatsService],
  exports: [StatsRollupJob],
})
export class StatsModule {}
