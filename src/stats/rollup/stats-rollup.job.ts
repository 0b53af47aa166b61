import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { ClusterLock } from '../../core/scheduling/cluster-lock';
import { addDays, StatsClock, utcDay } from '../clock';
import { DownloadRecorder } from '../downloads/download-recorder';
import { RollupRepository } from './rollup.repository';

const STATS_ROLLUP_LOCK = 7012301;
/** Raw sessions are kept a week, so a recent day can be rolled up again (the same totals) if need be. */
const KEEP_RAW_DAYS = 7;

export interface RollupResult {
  ran: boolean;
  days: string[];
  pruned: number;
}

/**
 * Daily, once per cluster (advisory lock): every finished UTC day with raw sessions not yet
 * rolled up becomes per-repository totals (so a day missed while down is caught up, here and at
 * boot), old raw sessions go, and `downloads` (30 days) and the trending score are refreshed.
 */
@Injectable()
export class StatsRollupJob implements OnApplicationBootstrap {
  private readonly logger = new Logger('StatsRollupJob');
  /** Runs on one node follow each other (the lock would make a second one a no-op). */
  private last: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly rollup: RollupRepository,
    private readonly lock: ClusterLock,
    private readonly clock: StatsClock,
    private readonly recorder: DownloadRecorder,
  ) {}

  onApplicationBootstrap(): void {
    // Catch-up in the background: boot does not wait for it.
    setImmediate(() => void this.run().catch((err) => this.logger.warn({ err }, 'stats rollup at boot failed')));
  }

  @Cron('10 0 * * *', { name: 'stats-rollup', timeZone: 'UTC' })
  async scheduled(): Promise<void> {
    await this.run();
  }

  run(now: Date = this.clock.now()): Promise<RollupResult> {
    const next = this.last.catch(() => undefined).then(() => this.runLocked(now));
    this.last = next;
    return next;
  }

  private async runLocked(now: Date): Promise<RollupResult> {
    await this.recorder.flush();
    const today = utcDay(now);
    const { ran, result } = await this.lock.runExclusive(STATS_ROLLUP_LOCK, async () => {
      const days = await this.rollup.daysToRollUp(today);
      for (const day of days) await this.rollup.rollUpDay(day);
      const pruned = await this.rollup.prune(addDays(today, -KEEP_RAW_DAYS));
      await this.rollup.refreshRepoCounters(today);
      return { days, pruned };
    });
    if (result?.days.length) this.logger.log({ days: result.days, pruned: result.pruned }, 'download statistics rolled up');
    return { ran, days: result?.days ?? [], pruned: result?.pruned ?? 0 };
  }

  /** One day again (admin use, tests): the same totals as the first time while its raw sessions are kept. */
  rollUpDay(day: string): Promise<boolean> {
    return this.rollup.rollUpDay(day);
  }
}
