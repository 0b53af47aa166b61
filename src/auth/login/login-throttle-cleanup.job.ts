import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { ClusterLock } from '../../core/scheduling/cluster-lock';
import { LoginThrottleService } from './login-throttle.service';

const LOGIN_THROTTLE_CLEANUP_LOCK = 7012102;

/**
 * Hourly, once per cluster: removes login-throttle rows that no longer count, so that failed
 * sign-ins from many names or addresses (a spray) do not leave the table growing for good.
 */
@Injectable()
export class LoginThrottleCleanupJob {
  private readonly logger = new Logger('LoginThrottleCleanupJob');

  constructor(
    private readonly throttle: LoginThrottleService,
    private readonly lock: ClusterLock,
  ) {}

  @Cron(CronExpression.EVERY_HOUR, { name: 'login-throttle-cleanup' })
  async run(): Promise<number> {
    const { ran, result } = await this.lock.runExclusive(LOGIN_THROTTLE_CLEANUP_LOCK, () => this.throttle.prune());
    if (ran && result) this.logger.log({ deleted: result }, 'stale login-throttle rows deleted');
    return result ?? 0;
  }
}
