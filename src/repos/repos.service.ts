import { Inject, Injectable } from '@nestjs/common';
import type { HangarConfig } from '../core/config/config';
import { InjectConfig } from '../core/config/config.module';
import { ConflictError, NotFoundError } from '../core/errors/domain-error';
import { isUniqueViolation } from '../core/database/pg-errors';
import { UsersService } from '../auth/accounts/users.service';
import type { Principal } from '../auth/principal';
import { VersionEngine } from '../git/engine/version-engine.service';
import { RepoAccessService, repoNotFound, type RepoPermission } from './access/repo-access.service';
import { readmeFrontMatter, tagsFromCard } from './card-data';
import { defaultGitattributes } from './default-files';
import { effectiveLfsSettings } from './lfs-settings';
import { assertValidRepoName, splitRepoId } from './repo-names';
import { repoWebPath, type RepoRecord, type RepoType } from './repo.types';
import { RepositoriesRepository } from './repositories.repository';
import { RepoListingRepository } from './repo-listing.repository';

export interface RepoDetails {
  repo: RepoRecord;
  sha: string;
  lastModified: Date;
  siblings: { rfilename: string; size: number; blobId: string }[];
  cardData: Record<string, unknown> | null;
  tags: string[];
}

/** Repository lifecycle: create (with its first commit), delete, move, settings, details. */
@Injectable()
export class ReposService {
  constructor(
    @InjectConfig() private readonly config: HangarConfig,
    private readonly repos: RepositoriesRepository,
    private readonly users: UsersService,
    private readonly access: RepoAccessService,
    private readonly engine: VersionEngine,
    private readonly listing: RepoListingRepository,
  ) {}

  url(repo: Pick<RepoRecord, 'type' | 'namespace' | 'name'>): string {
    return this.absoluteUrl(repoWebPath(repo));
  }

  absoluteUrl(path: string): string {
    return `${this.config.baseUrl}${path}`;
  }

  async create(principal: Principal, input: { name: string; organization?: string | null; type: RepoType; private: boolean; sdk?: string | null }): Promise<RepoRecord> {
    const { namespace, name } = splitRepoId(input.name, input.organization ?? principal.user.name);
    assertValidRepoName(name);
    const ns = await this.namespace(namespace);
    await this.access.assertCanCreateIn(principal, ns.id, ns.name);
    const existing = await this.repos.find(input.type, ns.name, name);
    if (existing) throw this.exists(existing);
    try {
      const id = await this.repos.transaction(async (m) => {
        const repoId = await this.repos.insert(m, { type: input.type, namespaceId: ns.id, name, private: input.private, sdk: input.type === 'space' ? (input.sdk ?? null) : null, createdBy: principal.user.id });
        await this.engine.initRepository(m, repoId, 'main', { name: principal.user.name, email: principal.user.email }, 'initial commit\n', [
          { path: '.gitattributes', content: defaultGitattributes(input.type) },
        ]);
        return repoId;
      });
      const repo = (await this.repos.findById(id))!;
      await this.afterCommit(repo, `refs/heads/${repo.defaultBranch}`);
      return repo;
    } catch (err) {
      if (isUniqueViolation(err, 'repositories_type_ns_name_key')) throw this.exists((await this.repos.find(input.type, ns.name, name))!);
      throw err;
    }
  }

  findForAdmin(principal: Principal, type: RepoType, namespace: string, name: string): Promise<RepoRecord> {
    return this.findWith(principal, 'admin', type, namespace, name);
  }

  /** The repository, when the principal has `permission` on it (RepoAccess rules; else 404 / 403). */
  async findWith(principal: Principal | null, permission: RepoPermission, type: RepoType, namespace: string, name: string): Promise<RepoRecord> {
    const repo = await this.repos.find(type, namespace, name);
    if (!repo) throw repoNotFound(`${namespace}/${name}`);
    await this.access.assert(principal, repo, permission, `${namespace}/${name}`);
    return repo;
  }

  async delete(principal: Principal, type: RepoType, id: string, organization?: string | null): Promise<void> {
    const { namespace, name } = splitRepoId(id, organization ?? principal.user.name);
    const repo = await this.findForAdmin(principal, type, namespace, name);
    await this.repos.delete(repo.id);
  }

  /** Moves (renames, or re-homes) a repository with all its refs and history; the old id redirects. */
  async move(principal: Principal, type: RepoType, from: string, to: string): Promise<RepoRecord> {
    const src = splitRepoId(from);
    const dst = splitRepoId(to);
    assertValidRepoName(dst.name);
    const repo = await this.findForAdmin(principal, type, src.namespace, src.name);
    const ns = await this.namespace(dst.namespace);
    await this.access.assertCanCreateIn(principal, ns.id, ns.name);
    const clash = await this.repos.find(type, ns.name, dst.name);
    if (clash && clash.id !== repo.id) throw this.exists(clash);
    try {
      const moved = await this.repos.transaction((m) => this.repos.move(m, repo, ns.id, dst.name));
      // Someone else moved (or deleted) it since we found it: their move stands.
      if (!moved) throw repoNotFound(from);
    } catch (err) {
      if (isUniqueViolation(err, 'repositories_type_ns_name_key')) throw new ConflictError(`Repository ${to} already exists`, 'RepoExists');
      throw err;
    }
    return (await this.repos.findById(repo.id))!;
  }

  async updateSettings(
    repo: RepoRecord,
    s: { private?: boolean; gated?: 'auto' | 'manual' | false; lfsThresholdBytes?: number | null; lfsSuffixRules?: string[] | null; lfsKeepVersions?: number | null },
  ): Promise<RepoRecord> {
    await this.repos.updateSettings(repo.id, { private: s.private, gated: s.gated === undefined ? undefined : s.gated || null });
    await this.repos.updateLfsSettings(repo.id, { thresholdBytes: s.lfsThresholdBytes, suffixRules: s.lfsSuffixRules, keepVersions: s.lfsKeepVersions });
    return (await this.repos.findById(repo.id))!;
  }

  /** What `repo_info` shows at a revision: commit, files, card data from the README front matter. */
  async details(repo: RepoRecord, revision?: string): Promise<RepoDetails> {
    const { commitOid } = await this.engine.resolveRevision(repo.id, revision ?? repo.defaultBranch);
    const commit = await this.engine.commitInfo(repo.id, commitOid);
    const files = ((await this.engine.listFolder(repo.id, commitOid, '', true)) ?? []).filter((e) => e.type === 'file');
    const readme = files.find((f) => f.path.toLowerCase() === 'readme.md');
    const cardData = readme && readme.size < 1024 * 1024 ? readmeFrontMatter((await this.engine.readBlob(repo.id, readme.oid)).toString('utf8')) : null;
    return {
      repo,
      sha: commitOid,
      lastModified: commit.committedAt,
      siblings: files.map((f) => ({ rfilename: f.path, size: f.size, blobId: f.oid })),
      cardData,
      tags: tagsFromCard(cardData),
    };
  }

  /** The repository's LFS settings with the values in force and where each comes from. */
  async lfsSettings(repo: RepoRecord) {
    return effectiveLfsSettings(await this.repos.lfsSettings(repo.id), this.config);
  }

  /** After a commit: the default branch's README feeds card data and tags; lastModified moves. */
  async afterCommit(repo: RepoRecord, ref: string): Promise<void> {
    if (ref !== `refs/heads/${repo.defaultBranch}`) {
      await this.repos.transaction((m) => this.repos.touch(m, repo.id));
      return;
    }
    const d = await this.details(repo);
    await this.listing.updateCard(repo.id, d.sha, d.cardData, d.tags);
  }

  private exists(repo: RepoRecord): ConflictError {
    return new ConflictError(`You already created this ${repo.type} repo: ${repo.namespace}/${repo.name}`, 'RepoExists', { url: this.url(repo) });
  }

  private async namespace(name: string): Promise<{ id: number; name: string }> {
    const ns = await this.users.findNamespace(name);
    if (!ns) throw new NotFoundError(`Namespace "${name}" not found`, 'NamespaceNotFound');
    return ns;
  }
}
