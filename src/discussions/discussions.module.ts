import { Module } from '@nestjs/common';
import { GitModule } from '../git/git.module';
import { ReposModule } from '../repos/repos.module';
import { DiscussionEventsEmitter } from './discussion-events.emitter';
import { DiscussionsController } from './discussions.controller';
import { DiscussionsRepository } from './discussions.repository';
import { DiscussionsService } from './discussions.service';
import { PullRequestDiff } from './pull-request-diff';

/** Discussions and pull requests; other modules (webhooks) subscribe to DiscussionEventsEmitter. */
@Module({
  imports: [GitModule, ReposModule],
  controllers: [DiscussionsController],
  providers: [DiscussionsRepository, DiscussionsService, DiscussionEventsEmitter, PullRequestDiff],
  exports: [DiscussionsService, DiscussionEventsEmitter],
})
export class DiscussionsModule {}
