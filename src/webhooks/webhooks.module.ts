import { Module } from '@nestjs/common';
import { DiscussionsModule } from '../discussions/discussions.module';
import { ReposModule } from '../repos/repos.module';
import { WebhookActivityRetentionJob } from './delivery/activity-retention.job';
import { WebhookActivityService } from './delivery/webhook-activity.service';
import { WebhookSender } from './delivery/webhook-sender';
import { OutboxRepository } from './outbox/outbox.repository';
import { WebhookEvents } from './outbox/webhook-events';
import { WebhooksRepository } from './settings/webhooks.repository';
import { WebhooksService } from './settings/webhooks.service';
import { WebhooksController } from './webhooks.controller';

/** Webhooks: settings, the outbox written in each change's transaction, the senders, the activity log and replay. */
@Module({
  imports: [ReposModule, DiscussionsModule],
  controllers: [WebhooksController],
  providers: [WebhooksRepository, WebhooksService, OutboxRepository, WebhookEvents, WebhookSender, WebhookActivityService, WebhookActivityRetentionJob],
})
export class WebhooksModule {}
