import { Module } from '@nestjs/common';
import { LfsLinksRepository } from '../lfs/lfs-links.repository';
import { GitCommitsRepository } from './engine/git-commits.repository';
import { GitObjectsRepository } from './engine/git-objects.repository';
import { GitRefsRepository } from './engine/git-refs.repository';
import { ObjectDatabase } from './engine/object-database';
import { RefHooks } from './engine/ref-hooks';
import { StoreSweepJob } from './engine/store-sweep.job';
import { GitGcJob } from './engine/git-gc.job';
import { HistoryRewriter } from './engine/history-rewrite';
import { VersionEngine } from './engine/version-engine.service';

/**
 * The version engine. Its stores are exported for smart HTTP (GitHttpModule): one ObjectDatabase
 * per node, so its caches (trees, sizes, small blobs) serve the API and git alike, and a tree a
 * push stored is found by the card refresh that follows it.
 */
@Module({
  providers: [GitObjectsRepository, GitRefsRepository, GitCommitsRepository, ObjectDatabase, VersionEngine, StoreSweepJob, GitGcJob, LfsLinksRepository, RefHooks, HistoryRewriter],
  exports: [VersionEngine, LfsLinksRepository, RefHooks, HistoryRewriter, GitObjectsRepository, GitRefsRepository, GitCommitsRepository, ObjectDatabase],
})
export class GitModule {}
