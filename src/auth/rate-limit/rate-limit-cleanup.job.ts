import { Injectable } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import type { HangarConfig } from '../../core/config/config';
import { InjectConfig } from '../../core/config/config.module';
import { ClusterLock } from '../../core/scheduling/cluster-lock';
import { RateLimitRepository } from './rate-limit.repository';

const RATE_LIMIT_CLEANUP_LOCK = 7012401;

/**
 * Deletes counters whose window ended (callers that went quiet: one row per address that ever
 * called would otherwise stay forever). Idempotent; a missed run is caught up by the next.
 */
@Injectable()
export class RateLimitCleanupJob {
  constructor(
    @InjectConfig() private readonly config: HangarConfig,
    private readonly counters: RateLimitRepository,
    private readonly lock: ClusterLock,
  ) {}

  @Cron(CronExpression.EVERY_10_MINUTES, { name: 'rate-limit-cleanup' })
  async run(): Promise<number> {
    const { result } = await this.lock.runExclusive(RATE_LIMIT_CLEANUP_LOCK, () => this.counters.deleteEnded(this.config.rateLimit.windowSeconds));
    return result ?? 0;
  }
}
