import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { HangarConfig } from '../../core/config/config';
import { InjectConfig } from '../../core/config/config.module';
import { ClusterLock } from '../../core/scheduling/cluster-lock';

const EVENT_PRUNE_LOCK = 7012216;

/** Hourly, once per cluster: events older than HANGAR_EVENTS_RETENTION_DAYS leave the log (and the replay window). */
@Injectable()
export class EventPruneJob {
  private readonly logger = new Logger('EventPruneJob');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly lock: ClusterLock,
    @InjectConfig() private readonly config: HangarConfig,
  ) {}

  @Cron(CronExpression.EVERY_HOUR, { name: 'event-prune' })
  async scheduled(): Promise<void> {
    await this.run().catch((err) => this.logger.error({ err }, 'event log prune failed'));
  }

  /** The number of events removed; null when another node holds the lock. */
  async run(): Promise<number | null> {
    const { ran, result } = await this.lock.runExclusive(EVENT_PRUNE_LOCK, async () => {
      const [, count] = await this.db.query(`DELETE FROM event_log WHERE created_at < now() - make_interval(days => $1)`, [this.config.events.retentionDays]);
      return Number(count);
    });
    return ran ? result! : null;
  }
}
