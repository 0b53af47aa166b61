import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { HangarConfig } from '../core/config/config';
import { InjectConfig } from '../core/config/config.module';
import { ConflictError, NotFoundError } from '../core/errors/domain-error';
import { isUniqueViolation } from '../core/database/pg-errors';
import { UsersService } from '../auth/accounts/users.service';
import { OrgsService } from '../auth/orgs/orgs.service';
import type { Principal } from '../auth/principal';
import { VersionEngine } from '../git/engine/version-engine.service';
import type { Oid } from '../git/codec/object-types';
import type { CommitHead } from '../git/engine/engine.types';
import { RepoAccessService, repoNotFound, type RepoPermission } from './access/repo-access.service';
import { readmeFrontMatter, tagsFromCard } from './card-data';
import { defaultGitattributes, defaultReadme } from './default-files';
import { effectiveLfsSettings } from './lfs-settings';
import { assertValidRepoName, splitRepoId } from './repo-names';
import { repoWebPath, type RepoRecord, type RepoType } from './repo.types';
import { RepositoriesRepository } from './repositories.repository';
import { RepoListingRepository } from './repo-listing.repository';
import { RepoEventsEmitter } from './repo-events.emitter';

export interface RepoDetails {
  repo: RepoRecord;
  sha: string;
  lastModified: Date;
  /** `lfs`: for an LFS pointer, the content behind it (filled in by BrowseService.repoDetails). */
  siblings: { rfilename: string; size: number; blobId: string; lfs?: { sha256: string; size: number; pointerSize: number } }[];
  cardData: Record<string, unknown> | null;
  tags: string[];
}

/** Repository lifecycle: create (with its first commit), delete, move, settings, details. */
@Injectable()
export class ReposService {
  private readonly logger = new Logger(ReposService.name);

  constructor(
    @InjectConfig() private readonly config: HangarConfig,
    private readonly repos: RepositoriesRepository,
    private readonly users: UsersService,
    private readonly orgs: OrgsService,
    private readonly access: RepoAccessService,
    private readonly engine: VersionEngine,
    private readonly listing: RepoListingRepository,
    private readonly events: RepoEventsEmitter,
  ) {}

  /** The repository's URL under `baseUrl` (the request's public base URL). */
  url(baseUrl: string, repo: Pick<RepoRecord, 'type' | 'namespace' | 'name'>): string {
    return `${baseUrl}${repoWebPath(repo)}`;
  }

  /**
   * A new repository and its first commit: the default `.gitattributes` (unless `files` brings
   * one), a README.md when there is front matter to write (a space's SDK, a license), then `files`.
   * `private` unset: the owning organization's default (public for a user's namespace).
   * `baseUrl`: for the url of an existing repository in the 409.
   */
  async create(
    principal: Principal,
    input: { name: string; organization?: string | null; type: RepoType; private?: boolean; sdk?: string | null; license?: string | null; files?: { path: string; content: Buffer }[] },
    baseUrl: string,
  ): Promise<RepoRecord> {
    const isPrivate = (ns: { id: number }) => (input.private !== undefined ? Promise.resolve(input.private) : this.orgs.defaultRepoPrivate(ns.id));
    const sdk = input.type === 'space' ? (input.sdk ?? null) : null;
    return this.createWith(principal, { id: input.name, organization: input.organization, type: input.type, sdk, private: isPrivate }, baseUrl, (m, repoId) =>
      this.engine.initRepository(m, repoId, 'main', { name: principal.user.name, email: principal.user.email }, 'initial commit\n', firstFiles(input, splitRepoId(input.name, input.organization ?? principal.user.name).name)),
    );
  }

  /**
   * A copy of `source` (huggingface_hub's duplicate_repo): every branch and tag with its whole
   * history, under the caller's or one of their organizations' namespaces; private unless said
   * otherwise when the source is. `copyHolds` copies what other modules keep per repository
   * (LFS and Xet holds) in the same transaction. Stored bytes are shared, but the new
   * repository's usage counts them all (quota triggers: 413 QuotaExceeded past a quota).
   */
  async duplicate(
    principal: Principal,
    source: RepoRecord,
    target: { id: string; private?: boolean },
    baseUrl: string,
    copyHolds: (m: EntityManager, fromId: number, toId: number) => Promise<void>,
  ): Promise<RepoRecord> {
    const isPrivate = () => Promise.resolve(target.private ?? source.private);
    return this.createWith(principal, { id: target.id, type: source.type, sdk: source.sdk, private: isPrivate, defaultBranch: source.defaultBranch }, baseUrl, async (m, repoId) => {
      const head = await this.engine.copyHistory(m, source.id, repoId, source.defaultBranch);
      await copyHolds(m, source.id, repoId);
      return head;
    });
  }

  private async createWith(
    principal: Principal,
    input: { id: string; organization?: string | null; type: RepoType; sdk: string | null; private: (ns: { id: number }) => Promise<boolean>; defaultBranch?: string },
    baseUrl: string,
    seed: (m: EntityManager, repoId: number) => Promise<Oid | null>,
  ): Promise<RepoRecord> {
    const { namespace, name } = splitRepoId(input.id, input.organization ?? principal.user.name);
    assertValidRepoName(name);
    const ns = await this.namespace(namespace);
    await this.access.assertCanCreateIn(principal, ns.id, ns.name);
    const existing = await this.repos.find(input.type, ns.name, name);
    if (existing) throw this.exists(existing, baseUrl);
    const isPrivate = await input.private(ns);
    try {
      const id = await this.repos.transaction(async (m) => {
        const repoId = await this.repos.insert(m, { type: input.type, namespaceId: ns.id, name, private: isPrivate, sdk: input.sdk, createdBy: principal.user.id, defaultBranch: input.defaultBranch });
        const head = await seed(m, repoId);
        await this.events.emit(m, { action: 'create', repo: (await this.repos.findById(repoId, m))!, headSha: head, actor: principal.user.name });
        return repoId;
      });
      const repo = (await this.repos.findById(id))!;
      await this.afterCommit(repo, `refs/heads/${repo.defaultBranch}`);
      return repo;
    } catch (err) {
      if (isUniqueViolation(err, 'repositories_type_ns_name_key')) throw this.exists((await this.repos.find(input.type, ns.name, name))!, baseUrl);
      throw err;
    }
  }

  findForAdmin(principal: Principal, type: RepoType, namespace: string, name: string): Promise<RepoRecord> {
    return this.findWith(principal, 'admin', type, namespace, name);
  }

  /** The repository, when the principal has `permission` on it (RepoAccess rules; else 404 / 403). */
  async findWith(principal: Principal | null, permission: RepoPermission, type: RepoType, namespace: string, name: string): Promise<RepoRecord> {
    const repo = await this.repos.find(type, namespace, name);
    if (!repo) throw repoNotFound(principal);
    await this.access.assert(principal, repo, permission, `${namespace}/${name}`);
    return repo;
  }

  async delete(principal: Principal, type: RepoType, id: string, organization?: string | null): Promise<void> {
    const { namespace, name } = splitRepoId(id, organization ?? principal.user.name);
    await this.remove(await this.findForAdmin(principal, type, namespace, name), principal.user.name);
  }

  /** Deletes a repository (its refs, objects, discussions...) and announces it in the same transaction; `actor`: who asked (null: a user's deletion took it). */
  async remove(repo: RepoRecord, actor: string | null = null): Promise<void> {
    await this.repos.transaction(async (m) => {
      await this.events.emit(m, { action: 'delete', repo, actor });
      await this.repos.delete(m, repo.id);
    });
  }

  /**
   * Moves (renames, or re-homes) a repository with all its refs and history; the old id
   * redirects. Its admins rename it in its namespace; moving it elsewhere also takes the right to
   * create repositories there.
   */
  async move(principal: Principal, type: RepoType, from: string, to: string, baseUrl: string): Promise<RepoRecord> {
    const src = splitRepoId(from);
    const dst = splitRepoId(to);
    assertValidRepoName(dst.name);
    const repo = await this.findForAdmin(principal, type, src.namespace, src.name);
    const ns = await this.namespace(dst.namespace);
    if (ns.id !== repo.namespaceId) await this.access.assertCanCreateIn(principal, ns.id, ns.name);
    const clash = await this.repos.find(type, ns.name, dst.name);
    if (clash && clash.id !== repo.id) throw this.moveTargetExists(type, `${ns.name}/${dst.name}`);
    try {
      const moved = await this.repos.transaction(async (m) => {
        if (!(await this.repos.move(m, repo, ns.id, dst.name))) return false;
        await this.events.emit(m, { action: 'move', repo, movedTo: (await this.repos.findById(repo.id, m))! });
        return true;
      });
      // Someone else moved (or deleted) it since we found it: their move stands.
      if (!moved) throw repoNotFound(principal);
    } catch (err) {
      if (isUniqueViolation(err, 'repositories_type_ns_name_key')) throw this.moveTargetExists(type, `${ns.name}/${dst.name}`);
      throw err;
    }
    return (await this.repos.findById(repo.id))!;
  }

  async updateSettings(
    repo: RepoRecord,
    s: { private?: boolean; gated?: 'auto' | 'manual' | false; discussionsDisabled?: boolean; lfsThresholdBytes?: number | null; lfsSuffixRules?: string[] | null; lfsKeepVersions?: number | null },
  ): Promise<RepoRecord> {
    return this.repos.transaction(async (m) => {
      await this.repos.updateSettings(m, repo.id, { private: s.private, gated: s.gated === undefined ? undefined : s.gated || null, discussionsDisabled: s.discussionsDisabled });
      await this.repos.updateLfsSettings(m, repo.id, { thresholdBytes: s.lfsThresholdBytes, suffixRules: s.lfsSuffixRules, keepVersions: s.lfsKeepVersions });
      const updated = (await this.repos.findById(repo.id, m))!;
      // The Hub reports only `private` among the changed keys; other changes send `{}`.
      await this.events.emit(m, { action: 'config', repo: updated, updatedConfig: updated.private !== repo.private ? { private: updated.private } : {} });
      return updated;
    });
  }

  /** What `repo_info` shows at a revision: commit, files, card data from the README front matter. */
  async details(repo: RepoRecord, revision?: string): Promise<RepoDetails> {
    const { commitOid } = await this.engine.resolveRevision(repo, revision ?? repo.defaultBranch);
    const commit = await this.engine.commitInfo(repo.id, commitOid);
    const files = ((await this.engine.listFolder(repo.id, commitOid, '', true)) ?? []).filter((e) => e.type === 'file');
    const cardData = await this.cardData(repo, commitOid, files.find((f) => isCardReadme(f.path)));
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

  /**
   * After a commit: the default branch's README feeds card data and tags; lastModified moves.
   * A repository deleted since the commit (a delete racing it) has nothing left to update: the
   * commit was made, and its answer stands.
   */
  async afterCommit(repo: RepoRecord, ref: string, head?: CommitHead): Promise<void> {
    try {
      await this.refreshAfterCommit(repo, ref, head);
    } catch (err) {
      if (await this.repos.findById(repo.id)) throw err;
    }
  }

  private async refreshAfterCommit(repo: RepoRecord, ref: string, head?: CommitHead): Promise<void> {
    if (ref !== `refs/heads/${repo.defaultBranch}`) {
      await this.repos.transaction((m) => this.repos.touch(m, repo.id));
      return;
    }
    // Only the root folder is read (README.md lives there), and the README itself only when its
    // blob is not the one the card was read from: never the whole tree, whose size has nothing
    // to do with what a commit changed.
    head ??= await this.defaultBranchHead(repo);
    const readme = (await this.engine.readTree(repo.id, head.tree)).find((e) => e.mode !== '40000' && isCardReadme(e.name));
    const readmeOid = readme?.oid ?? null;
    const card = await this.listing.moveHead(repo.id, ref, head.commit);
    if (!card || card.readmeOid === readmeOid) return;
    const size = readmeOid ? (await this.engine.sizes(repo.id, [readmeOid])).get(readmeOid) : undefined;
    const cardData = await this.cardData(repo, head.commit, readmeOid && size !== undefined ? { oid: readmeOid, size } : undefined);
    await this.listing.updateCard(repo.id, ref, head.commit, readmeOid, cardData, tagsFromCard(cardData));
  }

  private async defaultBranchHead(repo: RepoRecord): Promise<CommitHead> {
    const { commitOid } = await this.engine.resolveRevision(repo, repo.defaultBranch);
    return { commit: commitOid, tree: (await this.engine.commitInfo(repo.id, commitOid)).treeOid };
  }

  /** The front matter of the root `README.md`, when there is one small enough to read. */
  private async cardData(repo: RepoRecord, commitOid: string, readme: { oid: string; size: number } | undefined): Promise<Record<string, unknown> | null> {
    if (!readme || readme.size >= 1024 * 1024) return null;
    const card = readmeFrontMatter((await this.engine.readBlob(repo.id, readme.oid)).toString('utf8'));
    if (card.problem) this.logger.warn({ repoId: repo.id, commit: commitOid, problem: card.problem }, 'README card metadata ignored');
    return card.data;
  }

  /** The Hub's words, which the clients show as they are. */
  private moveTargetExists(type: RepoType, id: string): ConflictError {
    return new ConflictError(`A ${type} repository called ${id} already exists`, 'RepoExists');
  }

  private exists(repo: RepoRecord, baseUrl: string): ConflictError {
    return new ConflictError(`You already created this ${repo.type} repo: ${repo.namespace}/${repo.name}`, 'RepoExists', { url: this.url(baseUrl, repo) });
  }

  private async namespace(name: string): Promise<{ id: number; name: string }> {
    const ns = await this.users.findNamespace(name);
    if (!ns) throw new NotFoundError(`Namespace "${name}" not found`, 'NamespaceNotFound');
    return ns;
  }
}

/** The files of a new repository's first commit: what the caller gave wins over the defaults. */
function firstFiles(input: { type: RepoType; sdk?: string | null; license?: string | null; files?: { path: string; content: Buffer }[] }, name: string) {
  const files = new Map<string, Buffer>([['.gitattributes', defaultGitattributes(input.type)]]);
  const readme = defaultReadme(input.type, name, input);
  if (readme) files.set('README.md', readme);
  for (const f of input.files ?? []) files.set(f.path.replace(/^\.\//, ''), f.content);
  return [...files].map(([path, content]) => ({ path, content }));
}

/** The root file card data is read from: `README.md`, in any case. */
function isCardReadme(rootPath: string): boolean {
  return rootPath.toLowerCase() === 'readme.md';
}
