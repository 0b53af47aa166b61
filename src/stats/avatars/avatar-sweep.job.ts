import { Inject, Injectable, Logger } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import type { HangarConfig } from '../../core/config/config';
import { InjectConfig } from '../../core/config/config.module';
import { ClusterLock } from '../../core/scheduling/cluster-lock';
import { OBJECT_STORE, type ObjectStore } from '../../core/storage/object-store';
import { sweepOldKeys } from '../../core/storage/sweep-old-keys';
import { AVATARS_STORE_PREFIX } from '../../auth/avatars';
import { AvatarsRepository } from './avatars.repository';

const AVATAR_SWEEP_LOCK = 7012302;

/**
 * Daily, once per cluster: removes uploaded avatar images that no namespace shows, older than
 * the sweep grace period (HANGAR_SWEEP_GRACE_SECONDS). An upload stores the image before the
 * namespace's row names it and a replacement removes the old one after, so a crash between the
 * two (or a deleted namespace) leaves an image nobody shows; the grace period keeps one that an
 * upload in progress is about to name.
 */
@Injectable()
export class AvatarSweepJob {
  private readonly logger = new Logger('AvatarSweepJob');

  constructor(
    private readonly avatars: AvatarsRepository,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    private readonly lock: ClusterLock,
    @InjectConfig() private readonly config: HangarConfig,
  ) {}

  @Cron('30 4 * * *', { name: 'avatar-sweep', timeZone: 'UTC' })
  async run(now = new Date()): Promise<{ avatars: number }> {
    const { result } = await this.lock.runExclusive(AVATAR_SWEEP_LOCK, () => this.sweep(now));
    if (result?.avatars) this.logger.log(result, 'avatar images no namespace shows removed from the object store');
    return result ?? { avatars: 0 };
  }

  private async sweep(now: Date): Promise<{ avatars: number }> {
    const cutoff = now.getTime() - this.config.maintenance.sweepGraceSeconds * 1000;
    const avatars = await sweepOldKeys(this.store, AVATARS_STORE_PREFIX, cutoff, async (keys) => {
      const shown = await this.avatars.shownKeys(keys);
      return keys.filter((k) => !shown.has(k));
    });
    return { avatars };
  }

}
