import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { ClusterLock } from '../../core/scheduling/cluster-lock';
import { SessionsRepository } from './sessions.repository';

const SESSIONS_CLEANUP_LOCK = 7012101;

/** Deletes expired sessions hourly; idempotent, so a missed run is caught up by the next. */
@Injectable()
export class SessionsCleanupJob {
  private readonly logger = new Logger('SessionsCleanupJob');

  constructor(
    private readonly sessions: SessionsRepository,
    private readonly lock: ClusterLock,
  ) {}

  @Cron(CronExpression.EVERY_HOUR, { name: 'sessions-cleanup' })
  async run(): Promise<number> {
    const { ran, result } = await this.lock.runExclusive(SESSIONS_CLEANUP_LOCK, () => this.sessions.deleteExpired());
    if (ran && result) this.logger.log({ deleted: result }, 'expired sessions deleted');
    return result ?? 0;
  }
}
