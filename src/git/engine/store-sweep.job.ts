import { Inject, Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import type { HangarConfig } from '../../core/config/config';
import { InjectConfig } from '../../core/config/config.module';
import { ClusterLock } from '../../core/scheduling/cluster-lock';
import { OBJECT_STORE, type ObjectStore } from '../../core/storage/object-store';
import { GitObjectsRepository } from './git-objects.repository';
import { INCOMING_PREFIX, OBJECTS_PREFIX } from './object-database';
import { sweepOldKeys } from '../../core/storage/sweep-old-keys';

const SCRATCH_SWEEP_LOCK = 7012204;
const OBJECTS_SWEEP_LOCK = 7012205;

export interface SweepResult {
  /** Store scratch entries (fs: `.tmp` files, `.multipart` folders). */
  scratch: number;
  /** Pushed large objects still under their temporary key (a push that crashed mid-blob). */
  incoming: number;
  /** Large git objects that no recorded object references (a refused or crashed push stored them). */
  objects: number;
}

/**
 * Removes what crashes and refused pushes leave in the object store, once per cluster, after a
 * grace period (HANGAR_SWEEP_GRACE_SECONDS) that no upload or push in progress outlives: scratch
 * files hourly, unreferenced git objects daily (it lists them all). Idempotent: a missed run is
 * caught up by the next one. Referenced content is never touched: a key is removed only when it
 * is older than the grace period and no `git_objects` row names it, and writers renew any key
 * they reuse that is older than half of it (ObjectDatabase.mustWrite).
 */
@Injectable()
export class StoreSweepJob {
  private readonly logger = new Logger('StoreSweepJob');

  constructor(
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    private readonly objects: GitObjectsRepository,
    private readonly lock: ClusterLock,
    @InjectConfig() private readonly config: HangarConfig,
  ) {}

  @Cron(CronExpression.EVERY_HOUR, { name: 'store-sweep-scratch' })
  async sweepScratch(now = new Date()): Promise<Pick<SweepResult, 'scratch' | 'incoming'>> {
    const { result } = await this.lock.runExclusive(SCRATCH_SWEEP_LOCK, async () => {
      // The driver counts age from its own clock: the same cutoff, as an age.
      const scratch = (await this.store.sweep?.(Math.max(0, this.graceMs() - (now.getTime() - Date.now())))) ?? 0;
      const incoming = await this.removeOld(INCOMING_PREFIX, now, async (keys) => keys);
      return { scratch, incoming };
    });
    if (result && (result.scratch || result.incoming)) this.logger.log(result, 'crash leftovers removed from the object store');
    return result ?? { scratch: 0, incoming: 0 };
  }

  @Cron(CronExpression.EVERY_DAY_AT_4AM, { name: 'store-sweep-objects' })
  async sweepObjects(now = new Date()): Promise<Pick<SweepResult, 'objects'>> {
    const { result } = await this.lock.runExclusive(OBJECTS_SWEEP_LOCK, async () => {
      const objects = await this.removeOld(OBJECTS_PREFIX, now, async (keys) => {
        const referenced = await this.objects.referencedKeys(keys);
        return keys.filter((k) => !referenced.has(k));
      });
      return { objects };
    });
    if (result?.objects) this.logger.log(result, 'unreferenced git objects removed from the object store');
    return result ?? { objects: 0 };
  }

  /** Both sweeps, as the schedule runs them. */
  async run(now = new Date()): Promise<SweepResult> {
    return { ...(await this.sweepScratch(now)), ...(await this.sweepObjects(now)) };
  }

  private graceMs(): number {
    return this.config.maintenance.sweepGraceSeconds * 1000;
  }

  /** Deletes the keys under `prefix` older than the grace period that `removable` keeps. */
  private removeOld(prefix: string, now: Date, removable: (keys: string[]) => Promise<string[]>): Promise<number> {
    return sweepOldKeys(this.store, prefix, now.getTime() - this.graceMs(), removable);
  }

}
