import { Inject, Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import type { HangarConfig } from '../core/config/config';
import { InjectConfig } from '../core/config/config.module';
import { ClusterLock } from '../core/scheduling/cluster-lock';
import { OBJECT_STORE, type ObjectStore } from '../core/storage/object-store';
import type { CommitInfo } from '../git/engine/engine.types';
import { VersionEngine } from '../git/engine/version-engine.service';
import { MAX_POINTER_BYTES } from './lfs-pointer';
import { LfsRepository } from './lfs.repository';
import { pointerBlobOid } from './lfs.service';

const LFS_RETENTION_LOCK = 7012202;
const MAX_COMMITS_WALKED = 100_000;

/**
 * keep_versions: daily, once per cluster, every repository with a retention setting keeps the
 * newest K LFS versions of each path (and everything a branch or tag points at now); older
 * versions are marked pruned (their downloads answer 410) and their bytes are deleted once no
 * repository holds them. Idempotent: re-running prunes nothing new.
 */
@Injectable()
export class LfsRetentionJob {
  private readonly logger = new Logger('LfsRetentionJob');

  constructor(
    @InjectConfig() private readonly config: HangarConfig,
    private readonly lfs: LfsRepository,
    private readonly engine: VersionEngine,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    private readonly lock: ClusterLock,
  ) {}

  @Cron(CronExpression.EVERY_DAY_AT_3AM, { name: 'lfs-retention' })
  async run(): Promise<number> {
    const { result } = await this.lock.runExclusive(LFS_RETENTION_LOCK, async () => {
      let pruned = 0;
      for (const repo of await this.lfs.reposWithRetention(this.config.commits.lfsKeepVersions)) pruned += await this.pruneRepo(repo.id, repo.keep);
      return pruned;
    });
    if (result) this.logger.log({ pruned: result }, 'old LFS versions pruned');
    return result ?? 0;
  }

  private async pruneRepo(repoId: number, keep: number): Promise<number> {
    const refs = await this.engine.listRefs(repoId);
    const commits = new Map<string, CommitInfo>();
    for (const ref of refs) {
      for (const c of (await this.engine.listCommits(repoId, ref.oid, 0, MAX_COMMITS_WALKED)).commits) commits.set(c.oid, c);
    }
    const newestFirst = [...commits.values()].sort((a, b) => b.committedAt.getTime() - a.committedAt.getTime());
    const versions = new Map<string, string[]>();
    const kept = new Set<string>();
    const heads = new Set(refs.map((r) => r.oid));
    for (const c of newestFirst) {
      for (const [path, oid] of await this.lfsFilesAt(repoId, c.oid)) {
        const list = versions.get(path) ?? [];
        if (!list.includes(oid)) list.push(oid);
        versions.set(path, list);
        if (heads.has(c.oid)) kept.add(oid);
      }
    }
    for (const list of versions.values()) list.slice(0, keep).forEach((oid) => kept.add(oid));
    const sizes = new Map<string, number>();
    const candidates = new Set<string>();
    for (const list of versions.values()) for (const oid of list) if (!kept.has(oid)) candidates.add(oid);
    const prune: { oid: string; pointerOid: string }[] = [];
    for (const oid of candidates) {
      if (await this.lfs.isPruned(repoId, oid)) continue;
      const object = await this.lfs.findObject(oid);
      if (!object) continue;
      sizes.set(oid, object.size);
      prune.push({ oid, pointerOid: pointerBlobOid(oid, object.size) });
    }
    if (!prune.length) return 0;
    for (const key of await this.lfs.prune(repoId, prune)) await this.store.delete(key);
    return prune.length;
  }

  /** path → LFS oid of every LFS file in a commit. */
  private async lfsFilesAt(repoId: number, commitOid: string): Promise<Map<string, string>> {
    const files = ((await this.engine.listFolder(repoId, commitOid, '', true)) ?? []).filter((e) => e.type === 'file' && e.size <= MAX_POINTER_BYTES);
    const lfs = await this.lfs.byPointers(repoId, files.map((f) => f.oid));
    const pruned = await this.lfs.prunedByPointers(repoId, files.map((f) => f.oid));
    const out = new Map<string, string>();
    for (const f of files) {
      const oid = lfs.get(f.oid)?.oid ?? pruned.get(f.oid);
      if (oid) out.set(f.path, oid);
    }
    return out;
  }
}
