import { Inject, Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import type { HangarConfig } from '../../core/config/config';
import { InjectConfig } from '../../core/config/config.module';
import { ClusterLock } from '../../core/scheduling/cluster-lock';
import { OBJECT_STORE, type ObjectStore } from '../../core/storage/object-store';
import { DEDUP_ANSWER_VALID_SECONDS } from '../cas/dedup-answer';
import { XetGcRepository } from './xet-gc.repository';

const XET_GC_LOCK = 7012207;
const BATCH = 500;

export interface XetGcResult {
  files: number;
  unindexed: number;
  xorbs: number;
  bytes: number;
}

/**
 * Daily, once per cluster: reclaims Xet storage no stored file uses, by the rule written in
 * XetXorbsService. Three steps, each idempotent, so a missed day is caught up:
 * 1. file reconstructions no LFS object names (its repositories dropped it: LFS cleanup,
 *    pruning, deletes) and registered before the grace are deleted;
 * 2. xorbs no file uses and nobody uploaded within the grace (HANGAR_XET_GC_GRACE_SECONDS, longer
 *    than the three weeks hf_xet dedups against its cached shards) leave the global dedup index;
 * 3. xorbs out of the index for longer than a dedup answer is valid, and still unused, are
 *    deleted: bytes, then rows, in one transaction holding their rows, so a concurrent upload of
 *    the same xorb waits and writes it again, and a shard naming it is refused as UnknownXorb.
 * Xorbs are not charged to any quota (usage counts LFS files), so usage does not move; the
 * physical bytes the admin overview shows drop with the rows.
 */
@Injectable()
export class XetGcJob {
  private readonly logger = new Logger('XetGcJob');

  constructor(
    private readonly gc: XetGcRepository,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    private readonly lock: ClusterLock,
    @InjectConfig() private readonly config: HangarConfig,
  ) {}

  @Cron(CronExpression.EVERY_DAY_AT_6AM, { name: 'xet-gc' })
  async run(now = new Date()): Promise<XetGcResult> {
    const { result } = await this.lock.runExclusive(XET_GC_LOCK, () => this.collect(now));
    if (result && (result.files || result.unindexed || result.xorbs)) this.logger.log(result, 'unused Xet storage reclaimed');
    return result ?? { files: 0, unindexed: 0, xorbs: 0, bytes: 0 };
  }

  private async collect(now: Date): Promise<XetGcResult> {
    const cutoff = new Date(now.getTime() - this.config.maintenance.xetGcGraceSeconds * 1000);
    const unindexedBefore = new Date(now.getTime() - DEDUP_ANSWER_VALID_SECONDS * 1000);
    const out: XetGcResult = { files: 0, unindexed: 0, xorbs: 0, bytes: 0 };
    for (let n = BATCH; n === BATCH; out.files += n) n = await this.gc.deleteUnreferencedFiles(cutoff, BATCH);
    for (let n = BATCH; n === BATCH; out.unindexed += n) n = await this.gc.unindexUnused(cutoff, now, BATCH);
    for (let n = BATCH; n === BATCH; out.xorbs += n) {
      n = await this.gc.transaction(async (m) => {
        const doomed = await this.gc.lockCollectable(m, cutoff, unindexedBefore, BATCH);
        // Bytes first, while the rows are held: a failure leaves rows whose bytes may be gone, of
        // xorbs no file uses; the next run deletes them (store deletes are idempotent).
        for (const x of doomed) await this.store.delete(x.storageKey);
        if (doomed.length) await this.gc.deleteXorbs(m, doomed.map((x) => x.hash));
        out.bytes += doomed.reduce((s, x) => s + x.size, 0);
        return doomed.length;
      });
    }
    return out;
  }
}
