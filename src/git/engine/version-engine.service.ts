import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Readable } from 'node:stream';
import { DataSource, EntityManager } from 'typeorm';
import { BadRequestError, ConflictError } from '../../core/errors/domain-error';
import { decodeCommit, decodeTag, encodeCommit, encodeTag, type Signature } from '../codec/commit';
import { gitmodulesProblems, isGitmodulesName } from '../codec/fsck';
import { OID_PATTERN, type Oid } from '../codec/object-types';
import { nameBytes, type TreeEntry } from '../codec/tree';
import type { StoredObjectRow } from './git-objects.repository';
import { GitCommitsRepository } from './git-commits.repository';
import { GitRefsRepository } from './git-refs.repository';
import { cannotDeleteDefaultBranch, entryNotFound, parentCommitMismatch, pathConflict, refExists, revisionNotFound, unknownRefToDelete } from './engine-errors';
import type { Author, CommitInfo, CommitInput, CommitResult, PreparedBlob, RefHint, RefInfo, RepoEntry, ResolvedRevision } from './engine.types';
import { EventLoopTurn } from '../../core/event-loop';
import { LruCache } from './lru-cache';
import { ObjectDatabase } from './object-database';
import { normaliseRepoPath } from './paths';
import { assertValidRefName } from './ref-names';
import { assertRepositoryStillExists, assertRepositoryStillExistsLocked, repoTransaction } from './repo-transaction';
import { PathConflictError, PathMissingError, TreeEditor } from './tree-editor';
import { RefHooks } from './ref-hooks';
import { diffFlatTrees, threeWayMerge, type FlatTree, type PathChange } from './three-way-merge';

/**
 * The version engine: every change is a real git commit stored in PostgreSQL (+ object store),
 * and every read resolves a revision to a commit and walks its trees. A branch moves under a
 * row lock on its ref, in the same transaction as the objects and the commit index, so
 * concurrent commits serialise: each is applied on the head it finds under the lock.
 */
@Injectable()
export class VersionEngine {
  /**
   * Immutable by their ids (objects never change, and repository ids are never reused), so
   * cached per node without invalidation: commit metadata, and what a ref target peels to.
   */
  private readonly commitCache = new LruCache<string, CommitInfo>(20_000);
  private readonly peelCache = new LruCache<string, Oid>(20_000);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly objects: ObjectDatabase,
    private readonly refs: GitRefsRepository,
    private readonly commits: GitCommitsRepository,
    private readonly hooks: RefHooks,
  ) {}

  /** Creates `refs/heads/<branch>` with a first commit holding `files`. */
  async initRepository(m: EntityManager, repoId: number, branch: string, author: Author, message: string, files: { path: string; content: Buffer }[]): Promise<Oid> {
    const editor = new TreeEditor(async () => [], null);
    const rows: StoredObjectRow[] = [];
    for (const f of files) {
      const blob = await this.objects.prepare('blob', f.content);
      rows.push(blob);
      try {
        await editor.put(normaliseRepoPath(f.path), '100644', blob.oid);
      } catch (err) {
        throw err instanceof PathConflictError ? pathConflict(err.message) : err;
      }
    }
    const { commitOid } = await this.writeCommit(m, repoId, editor, rows, [], author, message);
    await this.refs.create(m, repoId, `refs/heads/${branch}`, commitOid);
    return commitOid;
  }

  /**
   * Gives a new repository the objects, commit index, branches and tags of another (a
   * duplicate): rows only, the stored bytes are shared. Pull request refs stay behind.
   * Answers the copy's `headBranch` head (null when the source has no such branch).
   */
  async copyHistory(m: EntityManager, fromRepoId: number, toRepoId: number, headBranch: string): Promise<Oid | null> {
    // KEY SHARE on the source keeps the GC job (FOR UPDATE) out; commits may go on. Refs are
    // read first, so whatever a later statement copies includes everything they reach.
    await assertRepositoryStillExistsLocked(m, fromRepoId);
    await this.refs.copyBranchesAndTags(m, fromRepoId, toRepoId);
    await this.commits.copyAll(m, fromRepoId, toRepoId);
    await this.objects.copyAll(m, fromRepoId, toRepoId);
    return this.refs.get(toRepoId, `refs/heads/${headBranch}`, m);
  }

  /** Hashes and stores a blob's bytes ahead of a commit, so a payload never has to be held whole. */
  async prepareBlob(content: Buffer): Promise<PreparedBlob> {
    const row = await this.objects.prepare('blob', content);
    return { oid: row.oid, size: row.size, row };
  }

  async commit(input: CommitInput): Promise<CommitResult> {
    // Blobs are hashed, deflated and (when large) stored before any lock is taken.
    const prepared = new Map<string, StoredObjectRow>();
    for (const op of input.operations) {
      if (op.kind === 'put') prepared.set(op.path, await this.objects.prepare('blob', op.content));
      if (op.kind === 'put-prepared') prepared.set(op.path, op.blob.row as StoredObjectRow);
    }
    const targetRef = input.revision.startsWith('refs/') ? input.revision : `refs/heads/${input.revision}`;
    let rootTree: { oid: Oid; body: Buffer } | undefined;
    const result = await repoTransaction(this.db, input.repoId, async (m): Promise<CommitResult> => {
      const head = await this.refs.lock(m, input.repoId, targetRef);
      if (!head) throw revisionNotFound(input.revision);
      if (input.parentCommit && !sameCommit(input.parentCommit, head)) throw parentCommitMismatch();
      const base = await this.commitInfo(input.repoId, head, m);
      const editor = new TreeEditor((oid) => this.objects.readTree(input.repoId, oid, m), base.treeOid);
      const rows = [...prepared.values()];
      await this.applyOperations(m, input, editor, prepared, head);
      const message = input.description ? `${input.summary}\n\n${input.description}\n` : `${input.summary}\n`;
      const { commitOid, treeOid, trees } = await this.writeCommit(m, input.repoId, editor, rows, [head], input.author, message);
      rootTree = trees.find((t) => t.oid === treeOid);
      await input.inTransaction?.(m, commitOid);
      const actorId = input.actorId ?? null;
      if (input.createPr) {
        const opening = { repoId: input.repoId, actorId, targetRef, title: input.summary, description: input.description };
        const n = (await this.hooks.openPullRequest(m, opening)) ?? (await this.refs.nextPrNumber(m, input.repoId));
        const ref = `refs/pr/${n}`;
        if (!(await this.refs.create(m, input.repoId, ref, commitOid))) throw refExists(ref, 'PullRequestExists');
        await this.hooks.changed(m, { repoId: input.repoId, ref, old: null, new: commitOid, actorId });
        return { commitOid, treeOid, ref, prNumber: n };
      }
      await this.refs.compareAndSwap(m, input.repoId, targetRef, head, commitOid);
      await this.hooks.changed(m, { repoId: input.repoId, ref: targetRef, old: head, new: commitOid, actorId });
      return { commitOid, treeOid, ref: targetRef, prNumber: null };
    });
    if (rootTree) this.objects.rememberTree(input.repoId, rootTree.oid, rootTree.body);
    return result;
  }

  private async applyOperations(m: EntityManager, input: CommitInput, editor: TreeEditor, prepared: Map<string, StoredObjectRow>, head: Oid): Promise<void> {
    for (const op of input.operations) {
      try {
        if (op.kind === 'put' || op.kind === 'put-prepared') {
          const row = prepared.get(op.path)!;
          await this.checkGitmodules(op.path, () => this.objects.inflateRow(row));
          await editor.put(op.path, op.kind === 'put' && op.executable ? '100755' : '100644', row.oid);
        } else if (op.kind === 'put-blob') {
          if (!(await this.objects.existing(input.repoId, [op.oid], m)).has(op.oid)) {
            throw new BadRequestError(`Object ${op.oid} for "${op.path}" is not in this repository`, 'ObjectNotFound');
          }
          await this.checkGitmodules(op.path, async () => (await this.objects.read(input.repoId, op.oid, m)).body);
          await editor.put(op.path, '100644', op.oid);
        } else if (op.kind === 'delete-file' || op.kind === 'delete-folder') {
          await editor.remove(op.path, op.kind === 'delete-folder');
        } else {
          const srcCommit = op.srcRevision ? (await this.resolveIn(input.repoId, op.srcRevision)).commitOid : head;
          const src = await this.entryAt(input.repoId, srcCommit, op.srcPath, m);
          if (!src || src.type !== 'file') throw entryNotFound(op.srcPath, op.srcRevision ?? input.revision);
          await this.checkGitmodules(op.path, async () => (await this.objects.read(input.repoId, src.oid, m)).body);
          await editor.put(op.path, src.mode, src.oid);
        }
      } catch (err) {
        if (err instanceof PathConflictError) throw pathConflict(err.message);
        if (err instanceof PathMissingError) throw entryNotFound(err.message, input.revision);
        throw err;
      }
    }
  }

  /**
   * Creates an empty `refs/pr/<n>` at the head of `targetRef` (a draft pull request that commits
   * then target), the number from the RefHooks opener. Returns the number.
   */
  async openEmptyPullRequest(opening: { repoId: number; actorId: number | null; targetRef: string; title: string; description?: string }): Promise<number> {
    if (!opening.targetRef.startsWith('refs/heads/')) throw revisionNotFound(opening.targetRef);
    return repoTransaction(this.db, opening.repoId, async (m) => {
      const head = await this.refs.lock(m, opening.repoId, opening.targetRef);
      if (!head) throw revisionNotFound(opening.targetRef);
      const n = (await this.hooks.openPullRequest(m, { ...opening, description: opening.description, draft: true })) ?? (await this.refs.nextPrNumber(m, opening.repoId));
      const ref = `refs/pr/${n}`;
      if (!(await this.refs.create(m, opening.repoId, ref, head))) throw refExists(ref, 'PullRequestExists');
      await this.hooks.changed(m, { repoId: opening.repoId, ref, old: null, new: head, actorId: opening.actorId });
      return n;
    });
  }

  /** Every file of a commit's tree by path (directories are implied by their files). */
  async flatTree(repoId: number, commitOid: Oid, m?: EntityManager): Promise<FlatTree> {
    const { treeOid } = await this.commitInfo(repoId, commitOid, m);
    const out: FlatTree = new Map();
    const walk = async (oid: Oid, prefix: string): Promise<void> => {
      for (const e of await this.objects.readTree(repoId, oid, m)) {
        const path = entryPath(prefix, e.name);
        if (e.mode === '40000') await walk(e.oid, path);
        else out.set(path, { mode: e.mode, oid: e.oid });
      }
    };
    await walk(treeOid, '');
    return out;
  }

  /** Files changed from `from` to `to` (two commits), path by path. */
  async diffCommits(repoId: number, from: Oid, to: Oid): Promise<PathChange[]> {
    return diffFlatTrees(await this.flatTree(repoId, from), await this.flatTree(repoId, to));
  }

  mergeBase(repoId: number, a: Oid, b: Oid, m?: EntityManager): Promise<Oid | null> {
    return this.commits.mergeBase(repoId, a, b, m);
  }

  /** Commits reachable from `tip` but from none of `exclude`, oldest first. */
  commitsOnlyIn(repoId: number, tip: Oid, exclude: Oid[], limit: number, m?: EntityManager): Promise<CommitInfo[]> {
    return this.commits.onlyIn(repoId, tip, exclude, limit, m);
  }

  /**
   * What merging `source` into a branch head would do: nothing (already in it), a fast-forward,
   * or a merge commit applying `changes` on the head; `conflicts` lists the paths changed on both
   * sides (and paths where a file and a folder would meet).
   */
  async planMerge(repoId: number, head: Oid, source: Oid, m?: EntityManager): Promise<MergePlan> {
    const base = await this.commits.mergeBase(repoId, head, source, m);
    if (base === source) return { kind: 'up-to-date', changes: [], conflicts: [] };
    if (base === head) return { kind: 'fast-forward', changes: [], conflicts: [] };
    const [baseTree, ours, theirs] = await Promise.all([base ? this.flatTree(repoId, base, m) : new Map(), this.flatTree(repoId, head, m), this.flatTree(repoId, source, m)]);
    const { changes, conflicts } = threeWayMerge(baseTree as FlatTree, ours, theirs);
    return { kind: 'merge', changes, conflicts };
  }

  /**
   * Merges commit `source` into branch ref `targetRef`: a fast-forward when the branch has not
   * moved since they parted, else a merge commit (parents: head, source) made from `planMerge`.
   * The branch moves by compare-and-swap under its row lock, like any commit; a conflict throws
   * MergeConflict and changes nothing. `inTransaction` runs before the ref moves.
   */
  async merge(input: {
    repoId: number;
    targetRef: string;
    source: Oid;
    author: Author;
    message: string;
    actorId: number | null;
    inTransaction?: (m: EntityManager, result: { commitOid: Oid; previousHead: Oid }) => Promise<void>;
  }): Promise<{ commitOid: Oid; kind: MergePlan['kind'] }> {
    return repoTransaction(this.db, input.repoId, async (m) => {
      const head = await this.refs.lock(m, input.repoId, input.targetRef);
      if (!head) throw revisionNotFound(input.targetRef);
      const plan = await this.planMerge(input.repoId, head, input.source, m);
      if (plan.conflicts.length) throw new MergeConflict(plan.conflicts);
      let commitOid = head;
      if (plan.kind === 'fast-forward') commitOid = input.source;
      if (plan.kind === 'merge') {
        const editor = new TreeEditor((oid) => this.objects.readTree(input.repoId, oid, m), (await this.commitInfo(input.repoId, head, m)).treeOid);
        // Removals first: a file may give way to a folder of the same name.
        for (const c of [...plan.changes].sort((a, b) => Number(a.entry !== null) - Number(b.entry !== null))) {
          try {
            if (c.entry) await editor.put(c.path, c.entry.mode, c.entry.oid);
            else await editor.remove(c.path, false);
          } catch (err) {
            if (err instanceof PathConflictError || err instanceof PathMissingError) throw new MergeConflict([c.path]);
            throw err;
          }
        }
        commitOid = (await this.writeCommit(m, input.repoId, editor, [], [head, input.source], input.author, input.message)).commitOid;
      }
      await input.inTransaction?.(m, { commitOid, previousHead: head });
      if (commitOid !== head) {
        await this.refs.compareAndSwap(m, input.repoId, input.targetRef, head, commitOid);
        await this.hooks.changed(m, { repoId: input.repoId, ref: input.targetRef, old: head, new: commitOid, actorId: input.actorId });
      }
      return { commitOid, kind: plan.kind };
    });
  }

  /** A file git reads as `.gitmodules` must pass git's checks, or no clone with `transfer.fsckObjects` could take the repository. */
  private async checkGitmodules(path: string, body: () => Promise<Buffer>): Promise<void> {
    if (!isGitmodulesName(Buffer.from(path.slice(path.lastIndexOf('/') + 1), 'utf8'))) return;
    const [problem] = gitmodulesProblems(await body());
    if (problem) throw new BadRequestError(`"${path}" is refused by git's checks: ${problem.id}: ${problem.message}`.slice(0, 500), 'InvalidGitmodules');
  }

  /**
   * Replaces a branch's history by one parentless commit whose tree is the head's (the Hub's
   * super-squash). The old commits stay stored until the git GC job finds them unreachable
   * (after its grace); a tag is refused (400), a missing branch is 404 RevisionNotFound.
   */
  async squashBranch(input: { repoId: number; branch: string; author: Author; message: string; actorId: number | null }): Promise<Oid> {
    const ref = `refs/heads/${input.branch}`;
    return repoTransaction(this.db, input.repoId, async (m) => {
      const head = await this.refs.lock(m, input.repoId, ref);
      if (!head) {
        if (await this.refs.get(input.repoId, `refs/tags/${input.branch}`, m)) {
          throw new BadRequestError(`"${input.branch}" is a tag; only a branch's history can be squashed`, 'InvalidReference');
        }
        throw revisionNotFound(input.branch);
      }
      const { treeOid } = await this.commitInfo(input.repoId, head, m);
      const message = input.message.endsWith('\n') ? input.message : `${input.message}\n`;
      const { commitOid } = await this.recordCommit(m, input.repoId, treeOid, [], [], input.author, message);
      await this.refs.compareAndSwap(m, input.repoId, ref, head, commitOid);
      await this.hooks.changed(m, { repoId: input.repoId, ref, old: head, new: commitOid, actorId: input.actorId });
      return commitOid;
    });
  }

  private async writeCommit(m: EntityManager, repoId: number, editor: TreeEditor, blobs: StoredObjectRow[], parents: Oid[], author: Author, message: string) {
    const { rootOid, trees } = await editor.write();
    const treeRows = await Promise.all(trees.map((t) => this.objects.prepare('tree', t.body)));
    return { ...(await this.recordCommit(m, repoId, rootOid, [...blobs, ...treeRows], parents, author, message)), trees };
  }

  /** Stores a commit of `treeOid` (its new objects in `rows`) with its index row; the ref is the caller's to move. */
  private async recordCommit(m: EntityManager, repoId: number, treeOid: Oid, rows: StoredObjectRow[], parents: Oid[], author: Author, message: string) {
    const now = new Date();
    const sig: Signature = { name: author.name, email: author.email, timestamp: Math.floor(now.getTime() / 1000), timezone: '+0000' };
    const body = encodeCommit({ tree: treeOid, parents, author: sig, committer: sig, message });
    const commit = await this.objects.prepare('commit', body);
    await this.objects.record(m, repoId, [...rows, commit]);
    await this.commits.insert(m, repoId, toCommitInfo(commit.oid, body));
    return { commitOid: commit.oid, treeOid };
  }

  /**
   * Branch, tag (peeled), `refs/...`, full commit id or a unique prefix of ≥ 7 hex; `HEAD` is
   * the default branch's head (what @huggingface/hub asks for when no revision is given).
   */
  async resolveRevision(repo: { id: number; defaultBranch: string }, revision: string, hint?: RefHint | null): Promise<ResolvedRevision> {
    if (hint?.revision === revision && hint.ref !== null && hint.oid !== null) return { commitOid: await this.peel(repo.id, hint.oid), ref: hint.ref };
    return this.resolveIn(repo.id, revision === 'HEAD' ? repo.defaultBranch : revision);
  }

  private async resolveIn(repoId: number, revision: string): Promise<ResolvedRevision> {
    const candidates = revision.startsWith('refs/') ? [revision] : [`refs/heads/${revision}`, `refs/tags/${revision}`];
    for (const ref of candidates) {
      const oid = await this.refs.get(repoId, ref);
      if (oid) return { commitOid: await this.peel(repoId, oid), ref };
    }
    if (OID_PATTERN.test(revision)) {
      if (await this.commits.find(repoId, revision)) return { commitOid: revision, ref: null };
    } else if (/^[0-9a-f]{7,39}$/.test(revision)) {
      const matches = await this.commits.findByPrefix(repoId, revision);
      if (matches.length === 1) return { commitOid: matches[0], ref: null };
    }
    await assertRepositoryStillExists(this.db.manager, repoId);
    throw revisionNotFound(revision);
  }

  async commitInfo(repoId: number, oid: Oid, m?: EntityManager): Promise<CommitInfo> {
    const key = `${repoId}:${oid}`;
    const cached = this.commitCache.get(key);
    if (cached) return cached;
    const info = await this.commits.find(repoId, oid, m);
    if (!info) {
      await assertRepositoryStillExists(m ?? this.db.manager, repoId);
      throw revisionNotFound(oid);
    }
    // Only what is committed is cached: a row read inside an open transaction may yet roll back.
    if (!m) this.commitCache.set(key, info);
    return info;
  }

  listCommits(repoId: number, head: Oid, offset: number, limit: number) {
    return this.commits.history(repoId, head, offset, limit);
  }

  /** The entry at `path` in a commit (a file or a directory), or null. '' is the root directory. */
  async entryAt(repoId: number, commitOid: Oid, path: string, m?: EntityManager): Promise<RepoEntry | null> {
    const { treeOid } = await this.commitInfo(repoId, commitOid, m);
    if (path === '') return { path: '', type: 'directory', oid: treeOid, mode: '40000', size: 0 };
    let tree = treeOid;
    const parts = path.split('/');
    for (let i = 0; i < parts.length; i++) {
      const entry = (await this.objects.readTree(repoId, tree, m)).find((e) => !e.rawName && e.name === parts[i]);
      if (!entry) return null;
      if (i === parts.length - 1) {
        const dir = entry.mode === '40000';
        const size = dir ? 0 : ((await this.objects.sizes(repoId, [entry.oid])).get(entry.oid) ?? 0);
        return { path, type: dir ? 'directory' : 'file', oid: entry.oid, mode: entry.mode, size };
      }
      if (entry.mode !== '40000') return null;
      tree = entry.oid;
    }
    return null;
  }

  /** Entries under a folder of a commit, in git order; recursive lists files and folders at every depth. */
  async listFolder(repoId: number, commitOid: Oid, folder: string, recursive: boolean): Promise<RepoEntry[] | null> {
    const root = await this.entryAt(repoId, commitOid, folder);
    if (!root || root.type !== 'directory') return null;
    const out: RepoEntry[] = [];
    for await (const e of this.walkFolder(repoId, root.oid, folder, recursive, null, new EventLoopTurn())) out.push(e);
    return this.withSizes(repoId, out);
  }

  /**
   * One page of `listFolder`: up to `limit` entries that come after the entry at path `after`
   * (null: from the start), and whether more follow. Only the trees on the way to `after` and
   * the ones the page covers are read, so a page costs the same at any depth of any listing.
   */
  async listFolderPage(repoId: number, commitOid: Oid, folder: string, recursive: boolean, after: string | null, limit: number): Promise<{ entries: RepoEntry[]; more: boolean } | null> {
    const root = await this.entryAt(repoId, commitOid, folder);
    if (!root || root.type !== 'directory') return null;
    const entries: RepoEntry[] = [];
    let more = false;
    for await (const e of this.walkFolder(repoId, root.oid, folder, recursive, after, new EventLoopTurn())) {
      if (entries.length === limit) {
        more = true;
        break;
      }
      entries.push(e);
    }
    return { entries: await this.withSizes(repoId, entries), more };
  }

  /**
   * The entries under tree `treeOid` (at `prefix`), depth first in git order, without sizes.
   * With `after`, it starts just past that path: subtrees wholly before it are skipped unread.
   */
  private async *walkFolder(repoId: number, treeOid: Oid, prefix: string, recursive: boolean, after: string | null, turn: EventLoopTurn): AsyncGenerator<RepoEntry> {
    await turn.take();
    const entries = await this.objects.readTree(repoId, treeOid);
    const walkInto = (e: TreeEntry, from: string | null) => this.walkFolder(repoId, e.oid, entryPath(prefix, e.name), recursive, from, turn);
    let start = 0;
    if (after !== null) {
      // `after` is under this folder (the caller made sure): its first component names an entry here.
      const rest = prefix ? after.slice(prefix.length + 1) : after;
      const slash = rest.indexOf('/');
      const name = slash < 0 ? rest : rest.slice(0, slash);
      // A name that is not UTF-8 has no exact text form: such an entry never matches a cursor by name.
      const i = entries.findIndex((e) => !e.rawName && e.name === name);
      if (i < 0) {
        // Gone since the previous page: resume at the first entry that sorts after it.
        const key = Buffer.from(slash < 0 ? name : `${name}/`);
        start = entries.findIndex((e) => Buffer.compare(sortKey(e), key) > 0);
        if (start < 0) start = entries.length;
      } else {
        const isDir = entries[i].mode === '40000';
        // Inside that folder, resume past `after`; the folder itself was listed: all its contents follow it.
        if (isDir && recursive) yield* walkInto(entries[i], slash < 0 ? null : after);
        start = i + 1;
      }
    }
    for (let i = start; i < entries.length; i++) {
      const e = entries[i];
      const dir = e.mode === '40000';
      yield { path: entryPath(prefix, e.name), type: dir ? 'directory' : 'file', oid: e.oid, mode: e.mode, size: 0 };
      if (dir && recursive) yield* walkInto(e, null);
    }
  }

  private async withSizes(repoId: number, entries: RepoEntry[]): Promise<RepoEntry[]> {
    const sizes = await this.objects.sizes(repoId, entries.filter((e) => e.type === 'file').map((e) => e.oid));
    for (const e of entries) if (e.type === 'file') e.size = sizes.get(e.oid) ?? 0;
    return entries;
  }

  /** Sizes of stored objects (cached per node: immutable by id); missing ones are absent. */
  sizes(repoId: number, oids: Oid[]): Promise<Map<Oid, number>> {
    return this.objects.sizes(repoId, oids);
  }

  readTree(repoId: number, oid: Oid): Promise<TreeEntry[]> {
    return this.objects.readTree(repoId, oid);
  }

  openBlob(repoId: number, oid: Oid, range?: { start: number; end: number }): Promise<{ stream: Readable; size: number }> {
    return this.objects.openBlob(repoId, oid, range);
  }

  /** Of these blobs, the ones whose content `isPointer` accepts (at most `maxBytes` long); decided once per blob per node. */
  pointerBlobs(repoId: number, oids: Oid[], maxBytes: number, isPointer: (body: Buffer) => boolean): Promise<Set<Oid>> {
    return this.objects.mayBeLfsPointers(repoId, oids, maxBytes, isPointer);
  }

  async readBlob(repoId: number, oid: Oid): Promise<Buffer> {
    return (await this.objects.read(repoId, oid)).body;
  }

  /**
   * For each path, the newest commit (walking back from `head`) that changed it. Bounded: paths
   * unchanged in the last `maxCommits` commits get the oldest commit seen.
   */
  async lastCommits(repoId: number, head: Oid, paths: string[], maxCommits = 500): Promise<Map<string, CommitInfo>> {
    const found = new Map<string, CommitInfo>();
    let pending = [...new Set(paths)];
    let current = await this.commitInfo(repoId, head);
    const oidsAt = async (c: CommitInfo) => new Map(await Promise.all(pending.map(async (p) => [p, (await this.entryAt(repoId, c.oid, p))?.oid ?? null] as const)));
    let currentOids = await oidsAt(current);
    for (let walked = 0; pending.length > 0; walked++) {
      const parentOid = current.parents[0];
      if (!parentOid || walked >= maxCommits) {
        for (const p of pending) found.set(p, current);
        break;
      }
      const parent = await this.commitInfo(repoId, parentOid);
      const parentOids = await oidsAt(parent);
      pending = pending.filter((p) => {
        if (parentOids.get(p) !== currentOids.get(p)) {
          found.set(p, current);
          return false;
        }
        return true;
      });
      current = parent;
      currentOids = parentOids;
    }
    return found;
  }

  async listRefs(repoId: number): Promise<RefInfo[]> {
    const refs = await this.refs.listTagged(repoId);
    return Promise.all(
      refs.map(async (r) => {
        const peeled = r.tag ? await this.peel(repoId, r.oid) : r.oid;
        return peeled === r.oid ? { name: r.name, oid: r.oid } : { name: r.name, oid: peeled, tagOid: r.oid };
      }),
    );
  }

  /**
   * Creates a branch at `start`: a commit, or `{ empty }`: a new parentless commit with an empty
   * tree by that author. An existing branch is an error, left as it is (`existOk`), or moved to
   * the new start (`overwrite`).
   */
  async createBranch(repoId: number, branch: string, start: Oid | { empty: Author }, opts: { existOk: boolean; overwrite: boolean }): Promise<void> {
    assertValidRefName(branch);
    const ref = `refs/heads/${branch}`;
    await repoTransaction(this.db, repoId, async (m) => {
      const target = typeof start === 'string' ? start : await this.emptyCommit(m, repoId, start.empty);
      if (await this.refs.create(m, repoId, ref, target)) return;
      if (opts.overwrite) {
        const current = await this.refs.lock(m, repoId, ref);
        if (current && (await this.refs.compareAndSwap(m, repoId, ref, current, target))) return;
      }
      if (!opts.existOk) throw refExists(ref, 'BranchExists');
    });
  }

  private async emptyCommit(m: EntityManager, repoId: number, author: Author): Promise<Oid> {
    const { commitOid } = await this.writeCommit(m, repoId, new TreeEditor(async () => [], null), [], [], author, 'Create empty branch\n');
    return commitOid;
  }

  async deleteBranch(repoId: number, branch: string, defaultBranch: string): Promise<void> {
    if (branch === defaultBranch) throw cannotDeleteDefaultBranch(branch);
    const deleted = await repoTransaction(this.db, repoId, (m) => this.refs.delete(m, repoId, `refs/heads/${branch}`));
    if (!deleted) throw unknownRefToDelete(branch);
  }

  /** A lightweight tag, or an annotated one (a tag object) when a message is given. */
  async createTag(repoId: number, tag: string, target: Oid, tagger: Author, message: string | undefined, existOk: boolean): Promise<void> {
    assertValidRefName(tag);
    let refTarget = target;
    const rows: StoredObjectRow[] = [];
    if (message !== undefined && message !== '') {
      const sig: Signature = { name: tagger.name, email: tagger.email, timestamp: Math.floor(Date.now() / 1000), timezone: '+0000' };
      const row = await this.objects.prepare('tag', encodeTag({ object: target, type: 'commit', tag, tagger: sig, message: message.endsWith('\n') ? message : `${message}\n` }));
      rows.push(row);
      refTarget = row.oid;
    }
    await repoTransaction(this.db, repoId, async (m) => {
      await this.objects.record(m, repoId, rows);
      if (!(await this.refs.create(m, repoId, `refs/tags/${tag}`, refTarget)) && !existOk) {
        throw new ConflictError(`Tag "${tag}" already exists`, 'TagExists');
      }
    });
  }

  async deleteTag(repoId: number, tag: string): Promise<void> {
    const deleted = await repoTransaction(this.db, repoId, (m) => this.refs.delete(m, repoId, `refs/tags/${tag}`));
    if (!deleted) throw unknownRefToDelete(tag);
  }

  /** Follows annotated tags down to the commit they name. */
  private async peel(repoId: number, oid: Oid): Promise<Oid> {
    const key = `${repoId}:${oid}`;
    const cached = this.peelCache.get(key);
    if (cached) return cached;
    const peeled = await this.peelUncached(repoId, oid);
    this.peelCache.set(key, peeled);
    return peeled;
  }

  private async peelUncached(repoId: number, oid: Oid): Promise<Oid> {
    let current = oid;
    for (let depth = 0; depth < 8; depth++) {
      const info = await this.objects.info(repoId, current);
      if (!info || info.type !== 'tag') return current;
      current = decodeTag((await this.objects.read(repoId, current)).body).object;
    }
    return current;
  }
}

export interface MergePlan {
  kind: 'up-to-date' | 'fast-forward' | 'merge';
  changes: { path: string; entry: { mode: TreeEntry['mode']; oid: Oid } | null }[];
  conflicts: string[];
}

/** Paths changed on both sides of a merge: 409 with the paths, as the Hub answers a conflicting pull request. */
export class MergeConflict extends ConflictError {
  constructor(readonly paths: string[]) {
    super(`This pull request has conflicts with its target branch in ${paths.length} file(s): ${paths.slice(0, 20).join(', ')}`.slice(0, 1000), 'MergeConflict', {
      conflictingFiles: paths,
    });
  }
}

function sameCommit(given: string, head: Oid): boolean {
  const g = given.toLowerCase();
  return g === head || (g.length >= 7 && /^[0-9a-f]+$/.test(g) && head.startsWith(g));
}

export function toCommitInfo(oid: Oid, body: Buffer): CommitInfo {
  const c = decodeCommit(body);
  const newline = c.message.indexOf('\n');
  return {
    oid,
    treeOid: c.tree,
    parents: c.parents,
    authorName: c.author.name,
    authorEmail: c.author.email,
    authoredAt: new Date(c.author.timestamp * 1000),
    committedAt: new Date(c.committer.timestamp * 1000),
    title: (newline < 0 ? c.message : c.message.slice(0, newline)).trim(),
    message: c.message,
  };
}

function entryPath(prefix: string, name: string): string {
  return prefix ? `${prefix}/${name}` : name;
}

/** The bytes git sorts a tree entry by. */
function sortKey(e: TreeEntry): Buffer {
  return e.mode === '40000' ? Buffer.concat([nameBytes(e), Buffer.from('/')]) : nameBytes(e);
}
