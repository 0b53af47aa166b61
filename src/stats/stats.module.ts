import { Module } from '@nestjs/common';
import { ReposModule } from '../repos/repos.module';
import { AvatarSweepJob } from './avatars/avatar-sweep.job';
import { AvatarsController } from './avatars/avatars.controller';
import { AvatarsRepository } from './avatars/avatars.repository';
import { AvatarsService } from './avatars/avatars.service';
import { FollowsController } from './follows/follows.controller';
import { FollowsRepository } from './follows/follows.repository';
import { FollowsService } from './follows/follows.service';
import { RepoLikesController, UserLikesController } from './likes/likes.controller';
import { LikesRepository } from './likes/likes.repository';
import { LikesService } from './likes/likes.service';
import { NameCheckController } from './names/name-check.controller';
import { NameCheckRepository } from './names/name-check.repository';
import { NameCheckService } from './names/name-check.service';
import { ProfileOwners } from './profiles/profile-owners';
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

/** Likes, statistics, trending, public profiles (settings, avatars, follows), the name check and SSH keys; statistics read from what DownloadsModule records and the rollup keeps. */
@Module({
  imports: [ReposModule],
  controllers: [RepoLikesController, UserLikesController, RepoStatsController, TrendingController, ProfilesController, AvatarsController, FollowsController, NameCheckController, SshKeysController],
  providers: [LikesRepository, LikesService, RollupRepository, StatsRollupJob, StatsService, ProfilesRepository, ProfilesService, ProfileOwners, AvatarsRepository, AvatarsService, AvatarSweepJob, FollowsRepository, FollowsService, NameCheckRepository, NameCheckService, SshKeysRepository, SshKeysService],
  exports: [StatsRollupJob, ProfilesService, ProfileOwners],
})
export class StatsModule {}
