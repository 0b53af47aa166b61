import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Cron, CronExpression } from '@nestjs/schedule';
import { DataSource, EntityManager } from 'typeorm';
import type { HangarConfig } from '../../core/config/config';
import { InjectConfig } from '../../core/config/config.module';
import { ClusterLock } from '../../core/scheduling/cluster-lock';
import { decodeCommit, decodeTag } from '../codec/commit';
import type { Oid } from '../codec/object-types';
import { isTreeMode } from '../codec/tree';
import { LfsLinksRepository } from '../../lfs/lfs-links.repository';
import { MAX_POINTER_BYTES, parsePointer } from '../../lfs/lfs-pointer';
import { GitCommitsRepository } from './git-commits.repository';
import { GitObjectsRepository } from './git-objects.repository';
import { GitRefsRepository } from './git-refs.repository';
import { ObjectDatabase } from './object-database';

const GIT_GC_LOCK = 7012206;

export interface GitGcResult {
  repositories: number;
  /** Unreachable git objects deleted. */
  objects: number;
  /** LFS files released from repositories no pointer of which names them any more. */
  lfsReleased: number;
}
const GITLINK = '160000';

/**
 * Daily, once per cluster: deletes the git objects of each repository that none of its refs
 * reaches (a deleted branch, a refused push, a squashed history) and that were recorded before
 * the grace period (HANGAR_SWEEP_GRACE_SECONDS), so a push in flight, which records its objects
 * before its ref moves, is never touched. Each repository is collected under a lock on its row
 * that every writer's transaction conflicts with (repoTransaction's KEY SHARE), so no commit
 * moves a ref while its reachable set is computed. Then the repository's links to LFS files that
 * no pointer blob it still stores names are released (the branch or tag that reached them was
 * deleted). The usage counters drop with the rows (quota triggers); the store sweep then removes
 * large objects' bytes nobody references, LfsCleanupJob the LFS files no repository holds, and
 * XetGcJob the Xet storage no file uses.
 */
@Injectable()
export class GitGcJob {
  private readonly logger = new Logger('GitGcJob');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly objects: GitObjectsRepository,
    private readonly refs: GitRefsRepository,
    private readonly commits: GitCommitsRepository,
    private readonly odb: ObjectDatabase,
    private readonly lfsLinks: LfsLinksRepository,
    private readonly lock: ClusterLock,
    @InjectConfig() private readonly config: HangarConfig,
  ) {}

  @Cron(CronExpression.EVERY_DAY_AT_5AM, { name: 'git-gc' })
  async run(now = new Date()): Promise<GitGcResult> {
    const { result } = await this.lock.runExclusive(GIT_GC_LOCK, async () => {
      const cutoff = new Date(now.getTime() - this.config.maintenance.sweepGraceSeconds * 1000);
      const ids: { id: string }[] = await this.db.query(`SELECT id FROM repositories ORDER BY id`);
      const total: GitGcResult = { repositories: ids.length, objects: 0, lfsReleased: 0 };
      for (const { id } of ids) {
        const one = await this.collect(Number(id), cutoff);
        total.objects += one.objects;
        total.lfsReleased += one.lfsReleased;
      }
      return total;
    });
    if (result?.objects || result?.lfsReleased) this.logger.log(result, 'unreachable git objects and LFS files released');
    return result ?? { repositories: 0, objects: 0, lfsReleased: 0 };
  }

  /** Removes one repository's unreachable objects recorded before `cutoff`, then the LFS files no pointer names any more. */
  collect(repoId: number, cutoff: Date): Promise<{ objects: number; lfsReleased: number }> {
    return this.db.transaction(async (m) => {
      const locked = await m.query(`SELECT id FROM repositories WHERE id = $1 FOR UPDATE`, [repoId]);
      if (locked.length === 0) return { objects: 0, lfsReleased: 0 };
      const candidates = await this.objects.recordedBefore(m, repoId, cutoff);
      let garbage: Oid[] = [];
      if (candidates.length) {
        const reachable = await this.reachable(m, repoId);
        garbage = candidates.filter((oid) => !reachable.has(oid));
        if (garbage.length) {
          await this.objects.deleteMany(m, repoId, garbage);
          // A collected commit must not resolve as a revision any more (a squashed history's old ids).
          await this.commits.deleteMany(m, repoId, garbage);
        }
      }
      return { objects: garbage.length, lfsReleased: await this.releaseLfs(m, repoId) };
    });
  }

  /**
   * Releases the LFS files no pointer blob of the repository names any more: the branch or tag
   * that reached them is gone and its objects were collected (after the same grace), so they
   * leave the repository's usage. The canonical pointer (what Hangar writes) is looked up by id;
   * a file whose canonical pointer is absent may still be named by a pushed pointer with
   * extension lines, so the repository's small blobs are read then (only then).
   */
  private async releaseLfs(m: EntityManager, repoId: number): Promise<number> {
    const candidates = await this.lfsLinks.withoutCanonicalPointer(m, repoId);
    if (!candidates.length) return 0;
    const named = new Set<string>();
    for (const body of await this.odb.smallBlobBodies(repoId, MAX_POINTER_BYTES, m)) {
      const pointer = parsePointer(body);
      if (pointer) named.add(pointer.oid);
    }
    const released = candidates.filter((oid) => !named.has(oid));
    if (released.length) await this.lfsLinks.release(m, repoId, released);
    return released.length;
  }

  /** Every object a ref of the repository reaches: tags, commits and their parents, trees, blobs. */
  private async reachable(m: EntityManager, repoId: number): Promise<Set<Oid>> {
    const seen = new Set<Oid>();
    const pending: Oid[] = (await this.refs.list(repoId, m)).map((r) => r.oid);
    while (pending.length) {
      const oid = pending.pop()!;
      if (seen.has(oid)) continue;
      const info = await this.odb.info(repoId, oid, m);
      if (!info) continue; // a missing object has nothing below it to keep
      seen.add(oid);
      if (info.type === 'blob') continue;
      if (info.type === 'tree') {
        for (const e of await this.odb.readTree(repoId, oid, m)) {
          if (e.mode === GITLINK) continue;
          if (isTreeMode(e.mode)) pending.push(e.oid);
          else seen.add(e.oid);
        }
        continue;
      }
      const { body } = await this.odb.read(repoId, oid, m);
      if (info.type === 'commit') {
        const c = decodeCommit(body);
        pending.push(c.tree, ...c.parents);
      } else pending.push(decodeTag(body).object);
    }
    return seen;
  }
}
