import { Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import type { Principal } from '../../auth/principal';
import { DomainError, ValidationError } from '../../core/errors/domain-error';
import type { Oid } from '../../git/codec/object-types';
import { entryNotFound } from '../../git/engine/engine-errors';
import type { CommitInfo, RefHint, RepoEntry } from '../../git/engine/engine.types';
import { normaliseFolder, normaliseRepoPath } from '../../git/engine/paths';
import { VersionEngine } from '../../git/engine/version-engine.service';
import type { RepoRecord } from '../repo.types';
import { ReposService, type RepoDetails } from '../repos.service';
import { LfsService } from '../../lfs/lfs.service';
import type { LfsEntry } from '../../lfs/lfs.repository';
import { MAX_POINTER_BYTES, parsePointer } from '../../lfs/lfs-pointer';
import { PATHS_INFO_MAX_PATHS, TREE_DEFAULT_LIMIT, TREE_EXPAND_DEFAULT_LIMIT } from './browse.dto';

/** Expanded pages are capped lower: each entry costs a walk back through the history. */
const TREE_EXPAND_MAX_LIMIT = 100;

export interface BrowseEntry extends RepoEntry {
  lastCommit?: CommitInfo;
  /** For LFS files: the content behind the pointer blob (`size` stays the pointer's), and its Xet hash when stored as Xet. */
  lfs?: LfsEntry;
}

export interface TreePage {
  entries: BrowseEntry[];
  /** Cursor of the next page, when entries remain. */
  nextCursor: string | null;
}

export interface RefsListing {
  branches: { name: string; ref: string; targetCommit: Oid }[];
  tags: { name: string; ref: string; targetCommit: Oid }[];
  pullRequests: { name: string; ref: string; targetCommit: Oid }[];
}

/** A file of a revision, ready to be served. */
export interface ResolvedFile {
  commitOid: Oid;
  entry: BrowseEntry;
}

export class PayloadTooLargeError extends DomainError {
  constructor(message: string) {
    super(413, 'PayloadTooLarge', message);
  }
}

/**
 * Reading a repository at a revision (tree, paths-info, refs, history, file lookup for
 * downloads) and moving its branches and tags. Every read starts by resolving the revision to
 * one commit, so a page or a download is consistent even while the branch moves.
 */
@Injectable()
export class BrowseService {
  constructor(
    private readonly engine: VersionEngine,
    private readonly lfs: LfsService,
    private readonly repos: ReposService,
  ) {}

  /** Repository info at a revision; with `blobs`, an LFS file's size is its content's, with its sha256. */
  async repoDetails(repo: RepoRecord, revision: string | undefined, blobs: boolean): Promise<RepoDetails> {
    const d = await this.repos.details(repo, revision);
    if (!blobs) return d;
    const pointers = await this.pointerBlobs(repo, d.siblings.map((s) => ({ oid: s.blobId, size: s.size })));
    const found = await this.lfs.lfsByBlob(repo.id, [...pointers]);
    const siblings = d.siblings.map((s) => {
      const lfs = found.get(s.blobId);
      return lfs && !lfs.pruned ? { ...s, size: lfs.size, lfs: { sha256: lfs.oid, size: lfs.size, pointerSize: s.size } } : s;
    });
    return { ...d, siblings };
  }

  /** The blobs among `files` that are git-lfs pointers. */
  private pointerBlobs(repo: RepoRecord, files: { oid: string; size: number }[]): Promise<Set<string>> {
    const small = files.filter((f) => f.size <= MAX_POINTER_BYTES).map((f) => f.oid);
    return small.length === 0 ? Promise.resolve(new Set()) : this.engine.pointerBlobs(repo.id, small, MAX_POINTER_BYTES, (body) => parsePointer(body) !== null);
  }

  /** Marks the entries that are LFS pointers with the object behind them. */
  private async addLfs(repo: RepoRecord, entries: BrowseEntry[]): Promise<void> {
    // Only blobs whose content is a pointer are looked up: most small files are not, and whether
    // a blob is one never changes, while what the registry says about it (pruned) may.
    const pointers = await this.pointerBlobs(repo, entries.filter((e) => e.type === 'file').map((e) => ({ oid: e.oid, size: e.size })));
    const small = entries.filter((e) => pointers.has(e.oid));
    if (small.length === 0) return;
    const found = await this.lfs.lfsByBlob(repo.id, small.map((e) => e.oid));
    for (const e of small) {
      const lfs = found.get(e.oid);
      if (lfs) e.lfs = lfs;
    }
  }

  async tree(repo: RepoRecord, revision: string, rawPath: string | undefined, q: { recursive?: boolean; expand?: boolean; limit?: number; cursor?: string }, hint?: RefHint | null): Promise<TreePage> {
    const folder = normaliseFolder(rawPath);
    const after = decodeCursor(q.cursor, folder);
    const { commitOid } = await this.engine.resolveRevision(repo, revision, hint);
    const limit = q.expand ? Math.min(q.limit ?? TREE_EXPAND_DEFAULT_LIMIT, TREE_EXPAND_MAX_LIMIT) : (q.limit ?? TREE_DEFAULT_LIMIT);
    const page = await this.engine.listFolderPage(repo.id, commitOid, folder, q.recursive === true, after, limit);
    if (!page) throw entryNotFound(folder, revision);
    const entries: BrowseEntry[] = page.entries;
    await this.addLfs(repo, entries);
    if (q.expand) await this.addLastCommits(repo, commitOid, entries);
    return { entries, nextCursor: page.more ? encodeCursor(entries[entries.length - 1].path) : null };
  }

  /** The entries among `paths` that exist at the revision, in the order asked; missing ones are left out. */
  async pathsInfo(repo: RepoRecord, revision: string, paths: string[], expand: boolean, hint?: RefHint | null): Promise<BrowseEntry[]> {
    if (paths.length > PATHS_INFO_MAX_PATHS) throw new PayloadTooLargeError(`At most ${PATHS_INFO_MAX_PATHS} paths per request (got ${paths.length})`);
    const { commitOid } = await this.engine.resolveRevision(repo, revision, hint);
    const wanted = [...new Set(paths.map(validPathOrNull).filter((p): p is string => p !== null))];
    const found = await Promise.all(wanted.map((p) => this.engine.entryAt(repo.id, commitOid, p)));
    const entries: BrowseEntry[] = found.filter((e): e is RepoEntry => e !== null);
    await this.addLfs(repo, entries);
    if (expand) await this.addLastCommits(repo, commitOid, entries);
    return entries;
  }

  async refs(repo: RepoRecord): Promise<RefsListing> {
    const out: RefsListing = { branches: [], tags: [], pullRequests: [] };
    for (const r of await this.engine.listRefs(repo.id)) {
      const prefix = ['refs/heads/', 'refs/tags/', 'refs/pr/'].find((p) => r.name.startsWith(p));
      if (!prefix) continue;
      const item = { name: r.name.slice(prefix.length), ref: r.name, targetCommit: r.oid };
      (prefix === 'refs/heads/' ? out.branches : prefix === 'refs/tags/' ? out.tags : out.pullRequests).push(item);
    }
    out.pullRequests.sort((a, b) => Number(a.name) - Number(b.name));
    return out;
  }

  /** History from a revision, newest first: one page and the total count. */
  async commits(repo: RepoRecord, revision: string, page: number, limit: number): Promise<{ commits: CommitInfo[]; total: number }> {
    const { commitOid } = await this.engine.resolveRevision(repo, revision);
    return this.engine.listCommits(repo.id, commitOid, page * limit, limit);
  }

  /** The file at `path` of a revision; a directory or a missing path is EntryNotFound. */
  async file(repo: RepoRecord, revision: string, rawPath: string, hint?: RefHint | null): Promise<ResolvedFile> {
    const path = validPathOrNull(rawPath);
    const { commitOid } = await this.engine.resolveRevision(repo, revision, hint);
    const entry = path === null ? null : await this.engine.entryAt(repo.id, commitOid, path);
    if (!entry || entry.type !== 'file') throw entryNotFound(rawPath, revision);
    const file: BrowseEntry = entry;
    await this.addLfs(repo, [file]);
    return { commitOid, entry: file };
  }

  /** The bytes of a file found by `file()` (or of its LFS object), whole or an inclusive range. */
  async open(repo: RepoRecord, file: ResolvedFile, range?: { start: number; end: number }, lfsOid?: string): Promise<Readable> {
    if (lfsOid) return this.lfs.open(lfsOid, range);
    return (await this.engine.openBlob(repo.id, file.entry.oid, range)).stream;
  }

  lfsDownload(oid: string, filename: string): Promise<{ redirect: string } | { stream: true }> {
    return this.lfs.download(oid, filename);
  }

  /** From a revision (default: the default branch), or empty (a parentless commit with no files). */
  async createBranch(
    principal: Principal,
    repo: RepoRecord,
    branch: string,
    from: { startingPoint?: string; empty: boolean },
    opts: { existOk: boolean; overwrite: boolean },
  ): Promise<void> {
    // @huggingface/hub documents `overwrite` alone (no revision, not empty) on an existing branch as a no-op.
    if (opts.overwrite && !from.empty && from.startingPoint === undefined) opts = { existOk: true, overwrite: false };
    const start = from.empty
      ? { empty: { name: principal.user.name, email: principal.user.email } }
      : (await this.engine.resolveRevision(repo, from.startingPoint ?? repo.defaultBranch)).commitOid;
    await this.engine.createBranch(repo.id, branch, start, opts);
    // Overwriting the default branch moves the head that repo info and listings show.
    if (opts.overwrite && branch === repo.defaultBranch) await this.repos.afterCommit(repo, `refs/heads/${branch}`);
  }

  /** huggingface_hub's super_squash_history: the branch keeps its files, in one commit by the caller. */
  async squashBranch(principal: Principal, repo: RepoRecord, branch: string, message: string): Promise<Oid> {
    const author = { name: principal.user.name, email: principal.user.email };
    const commitOid = await this.engine.squashBranch({ repoId: repo.id, branch, author, message, actorId: principal.user.id });
    if (branch === repo.defaultBranch) await this.repos.afterCommit(repo, `refs/heads/${branch}`);
    return commitOid;
  }

  deleteBranch(repo: RepoRecord, branch: string): Promise<void> {
    return this.engine.deleteBranch(repo.id, branch, repo.defaultBranch);
  }

  async createTag(principal: Principal, repo: RepoRecord, revision: string, tag: string, message: string | undefined, existOk: boolean): Promise<void> {
    const { commitOid } = await this.engine.resolveRevision(repo, revision);
    await this.engine.createTag(repo.id, tag, commitOid, { name: principal.user.name, email: principal.user.email }, message, existOk);
  }

  deleteTag(repo: RepoRecord, tag: string): Promise<void> {
    return this.engine.deleteTag(repo.id, tag);
  }

  private async addLastCommits(repo: RepoRecord, commitOid: Oid, entries: BrowseEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const last = await this.engine.lastCommits(repo.id, commitOid, entries.map((e) => e.path));
    for (const e of entries) e.lastCommit = last.get(e.path);
  }
}

/** A path as asked for in paths-info or a download, or null when it cannot name anything. */
function validPathOrNull(raw: string): string | null {
  try {
    return normaliseRepoPath(raw);
  } catch {
    return null;
  }
}

/**
 * Cursors are opaque to clients: base64url of the path of the last entry listed, so the next
 * page starts there without listing what came before (see VersionEngine.listFolderPage).
 */
export function encodeCursor(lastPath: string): string {
  return Buffer.from(`p:${lastPath}`).toString('base64url');
}

/** The path a cursor resumes after (null without a cursor); it must lie in the folder listed. */
export function decodeCursor(cursor: string | undefined, folder: string): string | null {
  if (cursor === undefined) return null;
  // Not held to the HF API's path rules: a tree pushed with git may hold names those refuse.
  const path = /^p:(.+)$/s.exec(Buffer.from(cursor, 'base64url').toString('utf8'))?.[1];
  if (path === undefined || (folder !== '' && !path.startsWith(`${folder}/`))) throw new ValidationError('cursor: invalid pagination cursor', { fields: ['cursor'] });
  return path;
}
