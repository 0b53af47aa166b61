import { Inject, Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { ClusterLock } from '../core/scheduling/cluster-lock';
import { OBJECT_STORE, type ObjectStore } from '../core/storage/object-store';
import { LfsRepository } from './lfs.repository';

const LFS_CLEANUP_LOCK = 7012201;
const ABANDONED_AFTER_MS = 24 * 3600 * 1000;

/**
 * Hourly, once per cluster: uploads not verified within 24 h are aborted and their staged bytes
 * removed; objects that no commit referenced within 24 h of their upload are deleted. Idempotent:
 * a missed run is caught up by the next one.
 */
@Injectable()
export class LfsCleanupJob {
  private readonly logger = new Logger('LfsCleanupJob');

  constructor(
    private readonly lfs: LfsRepository,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    private readonly lock: ClusterLock,
  ) {}

  @Cron(CronExpression.EVERY_HOUR, { name: 'lfs-cleanup' })
  async run(now = new Date()): Promise<{ uploads: number; objects: number }> {
    const { result } = await this.lock.runExclusive(LFS_CLEANUP_LOCK, () => this.cleanup(new Date(now.getTime() - ABANDONED_AFTER_MS)));
    if (result && (result.uploads || result.objects)) this.logger.log(result, 'abandoned LFS uploads and objects removed');
    return result ?? { uploads: 0, objects: 0 };
  }

  private async cleanup(before: Date): Promise<{ uploads: number; objects: number }> {
    let uploads = 0;
    for (const u of await this.lfs.abandonedUploads(before, 1000)) {
      if (u.multipartId) await this.store.abortMultipartUpload(u.stagingKey, u.multipartId).catch(() => undefined);
      await this.store.delete(u.stagingKey);
      await this.lfs.deleteUpload(u.id);
      uploads++;
    }
    let objects = 0;
    for (const o of await this.lfs.unreferencedObjects(before, 1000)) {
      // The row goes first: once it is gone nothing can link the object, then the bytes go.
      if (await this.lfs.deleteObjectIfUnreferenced(o.oid)) {
        if (o.storageKey) await this.store.delete(o.storageKey);
        objects++;
      }
    }
    return { uploads, objects };
  }
}
