import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { ClusterLock } from '../../core/scheduling/cluster-lock';
import { OutboxRepository } from '../outbox/outbox.repository';

const WEBHOOK_ACTIVITY_LOCK = 7012501;
/** How long a delivered or failed delivery stays in the activity log (and can be replayed). */
export const ACTIVITY_RETENTION_DAYS = 30;

/** Daily, once per cluster: forgets deliveries finished more than 30 days ago (pending ones stay). Idempotent. */
@Injectable()
export class WebhookActivityRetentionJob {
  private readonly logger = new Logger('WebhookActivityRetentionJob');

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly lock: ClusterLock,
  ) {}

  @Cron(CronExpression.EVERY_DAY_AT_4AM, { name: 'webhook-activity-retention' })
  async run(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - ACTIVITY_RETENTION_DAYS * 86_400_000);
    const { ran, result } = await this.lock.runExclusive(WEBHOOK_ACTIVITY_LOCK, () => this.outbox.deleteFinishedBefore(cutoff));
    if (ran && result) this.logger.log({ deleted: result }, 'old webhook deliveries forgotten');
    return result ?? 0;
  }
}
