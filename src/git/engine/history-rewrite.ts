import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { decodeCommit, decodeTag, encodeCommit, encodeTag } from '../codec/commit';
import type { Oid } from '../codec/object-types';
import { encodeTree, isTreeMode, type TreeEntry } from '../codec/tree';
import { GitCommitsRepository } from './git-commits.repository';
import type { StoredObjectRow } from './git-objects.repository';
import { GitRefsRepository } from './git-refs.repository';
import { ObjectDatabase } from './object-database';
import { RefHooks } from './ref-hooks';
import { repoTransaction } from './repo-transaction';
import { toCommitInfo } from './version-engine.service';

/** Where a blob appears in the history of a repository's refs. */
export interface BlobReach {
  refs: string[];
  paths: string[];
}

interface Hit {
  blob: Oid;
  path: string;
}

/**
 * Blobs in history: which refs reach them (through any commit of their history), and the
 * rewrite that takes them out of every commit (git filter-branch's index filter, in the
 * engine): commits that held none of them and whose parents stay keep their ids; the others
 * are written again with the same author, committer and message. Each tree is visited once
 * (memoised by id), however many commits share it.
 */
@Injectable()
export class HistoryRewriter {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly objects: ObjectDatabase,
    private readonly refs: GitRefsRepository,
    private readonly commits: GitCommitsRepository,
    private readonly hooks: RefHooks,
  ) {}

  /** For each of `blobs` that some ref reaches: the refs and the paths it has in their histories. */
  async locate(repoId: number, blobs: Set<Oid>): Promise<Map<Oid, BlobReach>> {
    const m = this.db.manager;
    const hits = new Map<Oid, Hit[]>();
    const found = new Map<Oid, { refs: Set<string>; paths: Set<string> }>();
    for (const ref of await this.refs.list(repoId, m)) {
      const head = await this.peel(repoId, ref.oid, m);
      if (!head) continue;
      for (const c of await this.commits.ancestry(repoId, [head], m)) {
        for (const h of await this.treeHits(repoId, c.treeOid, blobs, hits, m)) {
          const f = found.get(h.blob) ?? { refs: new Set(), paths: new Set() };
          f.refs.add(ref.name);
          f.paths.add(h.path);
          found.set(h.blob, f);
        }
      }
    }
    return new Map([...found].map(([blob, f]) => [blob, { refs: [...f.refs].sort(), paths: [...f.paths].sort() }]));
  }

  /**
   * Rewrites every ref whose history holds one of `blobs` so that none of its commits does;
   * returns the refs that moved. Through repoTransaction, each ref by compare-and-swap under its
   * row lock, with RefHooks told of each change. The old commits stay until the git GC job.
   */
  removeBlobs(repoId: number, blobs: Set<Oid>, actorId: number | null): Promise<string[]> {
    return repoTransaction(this.db, repoId, async (m) => {
      const refs = await this.refs.list(repoId, m);
      for (const r of refs) await this.refs.lock(m, repoId, r.name);
      const heads = new Map<string, Oid>();
      for (const r of refs) {
        const head = await this.peel(repoId, r.oid, m);
        if (head) heads.set(r.name, head);
      }
      // Parents before children: a commit's generation is one more than its parents'.
      const history = (await this.commits.ancestry(repoId, [...new Set(heads.values())], m)).sort((a, b) => a.generation - b.generation);
      const rows: StoredObjectRow[] = [];
      const trees = new Map<Oid, Oid | null>();
      const commitMap = new Map<Oid, Oid>();
      const newCommits: { oid: Oid; body: Buffer }[] = [];
      for (const c of history) {
        const tree = (await this.rewriteTree(repoId, c.treeOid, blobs, trees, rows, m)) ?? (await this.emptyTree(rows));
        const parents = c.parents.map((p) => commitMap.get(p) ?? p);
        if (tree === c.treeOid && parents.every((p, k) => p === c.parents[k])) continue;
        const old = decodeCommit((await this.objects.read(repoId, c.oid, m)).body);
        const body = encodeCommit({ ...old, tree, parents });
        const row = await this.objects.prepare('commit', body);
        rows.push(row);
        newCommits.push({ oid: row.oid, body });
        commitMap.set(c.oid, row.oid);
      }
      const moves: { ref: string; old: Oid; new: Oid }[] = [];
      for (const r of refs) {
        const head = heads.get(r.name);
        const next = head && commitMap.get(head);
        if (!next) continue;
        let target = next;
        if (r.oid !== head) {
          // An annotated tag: a new tag object naming the rewritten commit.
          const tag = decodeTag((await this.objects.read(repoId, r.oid, m)).body);
          const row = await this.objects.prepare('tag', encodeTag({ ...tag, object: next }));
          rows.push(row);
          target = row.oid;
        }
        moves.push({ ref: r.name, old: r.oid, new: target });
      }
      await this.objects.record(m, repoId, rows);
      for (const c of newCommits) await this.commits.insert(m, repoId, toCommitInfo(c.oid, c.body));
      for (const mv of moves) {
        await this.refs.compareAndSwap(m, repoId, mv.ref, mv.old, mv.new);
        await this.hooks.changed(m, { repoId, ref: mv.ref, old: mv.old, new: mv.new, actorId });
      }
      return moves.map((mv) => mv.ref);
    });
  }

  private async treeHits(repoId: number, treeOid: Oid, blobs: Set<Oid>, memo: Map<Oid, Hit[]>, m: EntityManager): Promise<Hit[]> {
    const known = memo.get(treeOid);
    if (known) return known;
    const out: Hit[] = [];
    for (const e of await this.objects.readTree(repoId, treeOid, m)) {
      if (isTreeMode(e.mode)) for (const h of await this.treeHits(repoId, e.oid, blobs, memo, m)) out.push({ blob: h.blob, path: `${e.name}/${h.path}` });
      else if (blobs.has(e.oid)) out.push({ blob: e.oid, path: e.name });
    }
    memo.set(treeOid, out);
    return out;
  }

  /** The tree without `blobs` (same id when it held none; null when nothing is left of it). */
  private async rewriteTree(repoId: number, treeOid: Oid, blobs: Set<Oid>, memo: Map<Oid, Oid | null>, rows: StoredObjectRow[], m: EntityManager): Promise<Oid | null> {
    if (memo.has(treeOid)) return memo.get(treeOid)!;
    const entries = await this.objects.readTree(repoId, treeOid, m);
    const kept: TreeEntry[] = [];
    let changed = false;
    for (const e of entries) {
      if (isTreeMode(e.mode)) {
        const sub = await this.rewriteTree(repoId, e.oid, blobs, memo, rows, m);
        if (sub !== e.oid) changed = true;
        if (sub) kept.push({ ...e, oid: sub });
      } else if (blobs.has(e.oid)) changed = true;
      else kept.push(e);
    }
    let result: Oid | null = treeOid;
    if (changed && kept.length === 0) result = null;
    else if (changed) {
      const row = await this.objects.prepare('tree', encodeTree(kept));
      rows.push(row);
      result = row.oid;
    }
    memo.set(treeOid, result);
    return result;
  }

  private async emptyTree(rows: StoredObjectRow[]): Promise<Oid> {
    const row = await this.objects.prepare('tree', encodeTree([]));
    rows.push(row);
    return row.oid;
  }

  /** The commit a ref names (through annotated tags); null for refs to anything else. */
  private async peel(repoId: number, oid: Oid, m: EntityManager): Promise<Oid | null> {
    let current = oid;
    for (let depth = 0; depth < 8; depth++) {
      const { type, body } = await this.objects.read(repoId, current, m);
      if (type === 'commit') return current;
      if (type !== 'tag') return null;
      current = decodeTag(body).object;
    }
    return null;
  }
}
