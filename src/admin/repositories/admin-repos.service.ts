import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../../core/errors/domain-error';
import { VersionEngine } from '../../git/engine/version-engine.service';
import { BrowseService } from '../../repos/browse/browse.service';
import { RepoGrantsService } from '../../repos/access/repo-grants.service';
import type { RepoDetails } from '../../repos/repos.service';
import type { RepoRecord, RepoType } from '../../repos/repo.types';
import { AdminRepoRow, AdminReposRepository, RepoFilter } from './admin-repos.repository';
import { fileVersions, VERSION_HISTORY_LIMIT } from './file-versions';

export interface AdminRepoFile {
  path: string;
  size: number;
  blobId: string;
  lfsSha256: string | null;
  versionCount: number;
  since: Date;
}

export interface StorageBreakdown {
  regularBytes: number;
  lfsBytes: number;
  lfsFiles: number;
  uniqueLfsObjects: number;
  uniqueLfsBytes: number;
  storedLfsObjects: number;
  storedLfsBytes: number;
  sharedLfsBytes: number;
}

type Sibling = RepoDetails['siblings'][number];

/** The admin's view of repositories: listing with usage, details, files with versions, storage. */
@Injectable()
export class AdminReposService {
  constructor(
    private readonly repos: AdminReposRepository,
    private readonly grants: RepoGrantsService,
    private readonly browse: BrowseService,
    private readonly engine: VersionEngine,
  ) {}

  list(filter: RepoFilter) {
    return this.repos.list(filter);
  }

  /** The repository (any visibility: the admin sees all), or 404 RepoNotFound. */
  async find(type: RepoType, namespace: string, name: string): Promise<{ repo: RepoRecord; row: AdminRepoRow }> {
    const repo = await this.grants.findForAdminApi(type, namespace, name);
    const row = await this.repos.byId(repo.id);
    if (!row) throw new NotFoundError(`Repository ${namespace}/${name} not found`, 'RepoNotFound');
    return { repo, row };
  }

  async details(type: RepoType, namespace: string, name: string) {
    const { repo, row } = await this.find(type, namespace, name);
    const [d, commitCount] = await Promise.all([this.browse.repoDetails(repo, undefined, true), this.repos.commitCount(repo.id)]);
    return { row, fileCount: d.siblings.length, totalSize: sum(d.siblings.map((s) => s.size)), commitCount };
  }

  /** The files at `ref` (default: the default branch). */
  async files(type: RepoType, namespace: string, name: string, ref: string | undefined): Promise<{ ref: string; files: AdminRepoFile[] }> {
    const { repo } = await this.find(type, namespace, name);
    const d = await this.browse.repoDetails(repo, ref ?? repo.defaultBranch, true);
    const { commits } = await this.engine.listCommits(repo.id, d.sha, 0, VERSION_HISTORY_LIMIT);
    const head = new Map(d.siblings.map((s) => [s.rfilename, s.blobId]));
    const versions = await fileVersions(head, commits, (oid) => this.engine.readTree(repo.id, oid));
    const files = d.siblings.map((s) => ({
      path: s.rfilename,
      size: s.size,
      blobId: s.blobId,
      lfsSha256: s.lfs?.sha256 ?? null,
      versionCount: versions.get(s.rfilename)?.count ?? 1,
      since: versions.get(s.rfilename)?.since ?? d.lastModified,
    }));
    return { ref: ref ?? repo.defaultBranch, files };
  }

  async storageBreakdown(type: RepoType, namespace: string, name: string): Promise<{ row: AdminRepoRow; breakdown: StorageBreakdown }> {
    const { repo, row } = await this.find(type, namespace, name);
    const [d, held] = await Promise.all([this.browse.repoDetails(repo, undefined, true), this.repos.lfsHoldings(repo.id)]);
    const lfs = d.siblings.filter((s): s is Sibling & { lfs: NonNullable<Sibling['lfs']> } => !!s.lfs);
    const unique = new Map(lfs.map((s) => [s.lfs.sha256, s.lfs.size]));
    return {
      row,
      breakdown: {
        regularBytes: sum(d.siblings.filter((s) => !s.lfs).map((s) => s.size)),
        lfsBytes: sum(lfs.map((s) => s.lfs.size)),
        lfsFiles: lfs.length,
        uniqueLfsObjects: unique.size,
        uniqueLfsBytes: sum([...unique.values()]),
        storedLfsObjects: held.objects,
        storedLfsBytes: held.bytes,
        sharedLfsBytes: held.sharedBytes,
      },
    };
  }
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
