import { asQuotaExceeded, type QuotaExceededError } from '../../core/errors/quota-exceeded';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { decodeCommit, decodeTag } from '../codec/commit';
import { type GitObjectType, type Oid, ZERO_OID } from '../codec/object-types';
import { readPack, type PackSummary, type ReadPackOptions, type ResolvedObject } from '../codec/pack-reader';
import type { ByteSource } from '../codec/pktline';
import { fsckTree, gitmodulesProblems, type FsckProblem } from '../codec/fsck';
import { decodeTree } from '../codec/tree';
import type { CommitHead } from './engine.types';
import { GitCommitsRepository } from './git-commits.repository';
import type { StoredObjectRow } from './git-objects.repository';
import { GitRefsRepository } from './git-refs.repository';
import { repoTransaction } from './repo-transaction';
import { RefHooks } from './ref-hooks';
import { MissingObjectError, ObjectDatabase } from './object-database';
import { toCommitInfo } from './version-engine.service';

/**
 * The storage side of `git push` (git-protocol notes §1.8–1.9): read the pack, check that each
 * new tip is connected, then move refs by compare-and-swap. Invariant kept for every object in
 * `git_objects`: its whole closure is stored too. So objects are recorded only once the pack was
 * read to its checked trailer, and only those reachable from a tip that passed the connectivity
 * check, in the transaction that moves that tip's ref; a walk may then stop at any object the
 * repository already has.
 */

/** Bodies this small are kept by `ingest` for the caller's checks (LFS pointers are at most 1 KiB). */
export const SMALL_BLOB_BYTES = 1024;
/**
 * Whole blobs at least this large are never held in memory: read piece by piece, hashed, and
 * their zlib stream written to the object store as it arrives (see `readPack`'s `largeBlobs`).
 */
const STREAMED_BLOB_BYTES = 4 * 1024 * 1024;
/** Rows recorded per statement, by body bytes. */
const RECORD_BATCH_BYTES = 8 * 1024 * 1024;

/** An object read from a pushed pack, stored in the object store when large, not recorded yet. */
export interface IngestedObject {
  row: StoredObjectRow;
  /** What it points at: commit → tree and parents, tree → entries, tag → object. */
  links: Link[];
  /** Commits: the body, for the commit index. */
  commitBody?: Buffer;
  /** Blobs of at most SMALL_BLOB_BYTES: the body. */
  smallBody?: Buffer;
}

interface Link {
  oid: Oid;
  /** The type the link requires (null: any, as for a tag's object). */
  type: GitObjectType | null;
  /** The tree entry's name, for messages. */
  name?: string;
}

export class PushPackError extends Error {
  override readonly name = 'PushPackError';
}

/** An object `receive.fsckObjects=true` refuses (git's fsck rules, see codec/fsck.ts): the push is refused whole, as git does. */
export class PushFsckError extends PushPackError {
  constructor(
    readonly oid: Oid,
    readonly problem: FsckProblem,
  ) {
    super(`object ${oid}: ${problem.id}: ${problem.message}`);
  }
}

export interface Ingested {
  objects: Map<Oid, IngestedObject>;
  summary: PackSummary | null;
  /**
   * Objects that stored trees of the repository name (the thin pack's delta bases, usually the
   * previous versions of the pushed trees), with their type: stored too (the closure invariant),
   * so the connectivity check need not ask for them.
   */
  named: Map<Oid, GitObjectType>;
}

/** A new blob reachable from a pushed tip. */
export interface NewBlob {
  oid: Oid;
  size: number;
  /** The name of a tree entry naming it. */
  name: string;
  smallBody?: Buffer;
}

/** The new objects behind one pushed tip. */
export interface Connected {
  tipType: GitObjectType;
  /** Pack objects reachable from the tip (to record). */
  objects: Oid[];
  /** Commits to add to the index, parents before children. */
  commits: { oid: Oid; body: Buffer }[];
  blobs: NewBlob[];
  /** The tip and its root tree, when the tip is a commit this push brings (for the work after the ref moved). */
  head?: CommitHead;
}

export interface RefUpdate {
  ref: string;
  old: Oid;
  new: Oid;
  /** Pack objects the new value needs, recorded with the ref (see `Connected.objects`). */
  objects: Oid[];
  commits: { oid: Oid; body: Buffer }[];
}

/** Why a ref update was refused, for `ng <ref> <reason>`. */
export class RefUpdateRefused extends Error {
  override readonly name = 'RefUpdateRefused';
}

@Injectable()
export class PushEngine {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly objects: ObjectDatabase,
    private readonly refs: GitRefsRepository,
    private readonly commits: GitCommitsRepository,
    private readonly hooks: RefHooks,
  ) {}

  /**
   * Reads a pushed pack: resolves deltas (thin-pack bases come from this repository only),
   * hashes, and prepares every object (the zlib stream of a whole entry is kept as is; large
   * bodies go to the object store under their content key). Nothing is recorded.
   * Throws `PackError` (codec) or `PushPackError` for a corrupt pack.
   */
  async ingest(repoId: number, source: ByteSource, opts: Pick<ReadPackOptions, 'maxObjectBytes' | 'maxInflatedBytes' | 'maxInflateRatio'>): Promise<Ingested> {
    const objects = new Map<Oid, IngestedObject>();
    const named = new Map<Oid, GitObjectType>();
    const fromRepo = async (oid: Oid): Promise<ResolvedObject | null> => {
      try {
        const stored = await this.objects.read(repoId, oid);
        if (stored.type === 'tree') {
          for (const e of this.objects.rememberTree(repoId, oid, stored.body)) if (e.mode !== '160000') named.set(e.oid, e.mode === '40000' ? 'tree' : 'blob');
        }
        return stored;
      } catch (err) {
        if (err instanceof MissingObjectError) return null;
        throw err;
      }
    };
    const reader = readPack(source, {
      resolveExternalBase: fromRepo,
      reloadObject: async (oid) => {
        const own = objects.get(oid);
        return own ? { type: own.row.type, body: await this.objects.inflateRow(own.row) } : fromRepo(oid);
      },
      ...opts,
      largeBlobs: { minBytes: STREAMED_BLOB_BYTES, open: async () => this.objects.openLargeObjectWriter() },
    });
    // Blobs that some pushed tree names `.gitmodules`: their content is checked once all is read.
    const gitmodules = new Set<Oid>();
    for (;;) {
      const next = await reader.next();
      if (next.done) {
        await this.checkGitmodules(repoId, gitmodules, objects);
        return { objects, summary: next.value, named };
      }
      const o = next.value;
      if (objects.has(o.oid)) continue;
      if (o.body === null) {
        objects.set(o.oid, { row: { oid: o.oid, type: 'blob', size: o.size, body: null, storageKey: o.storedAs }, links: [] });
        continue;
      }
      const row = o.deflated ? await this.objects.prepareDeflated(o.oid, o.type, o.body.length, o.deflated, o.body) : await this.objects.prepare(o.type, o.body);
      const entry: IngestedObject = { row, links: [] };
      try {
        if (o.type === 'commit') {
          const c = decodeCommit(o.body);
          toCommitInfo(o.oid, o.body);
          entry.links = [{ oid: c.tree, type: 'tree' }, ...c.parents.map((p) => ({ oid: p, type: 'commit' as const }))];
          entry.commitBody = o.body;
        } else if (o.type === 'tree') {
          const fsck = fsckTree(o.body);
          if (fsck.problems.length) throw new PushFsckError(o.oid, fsck.problems[0]);
          for (const oid of fsck.gitmodules) gitmodules.add(oid);
          entry.links = decodeTree(o.body)
            .filter((e) => e.mode !== '160000')
            .map((e) => ({ oid: e.oid, type: e.mode === '40000' ? ('tree' as const) : ('blob' as const), name: e.name }));
        } else if (o.type === 'tag') {
          const t = decodeTag(o.body);
          entry.links = [{ oid: t.object, type: t.type }];
        } else if (o.body.length <= SMALL_BLOB_BYTES) entry.smallBody = Buffer.from(o.body);
      } catch (err) {
        if (err instanceof PushFsckError) throw err;
        throw new PushPackError(`invalid ${o.type} ${o.oid}: ${(err as Error).message}`);
      }
      if (entry.links.some((l) => !/^[0-9a-f]{40}$/.test(l.oid))) throw new PushPackError(`invalid ${o.type} ${o.oid}: malformed object id`);
      objects.set(o.oid, entry);
    }
  }

  /** git's `fsck_finish`: each `.gitmodules` blob, from the pack or the repository, must be safe to clone with submodules. */
  private async checkGitmodules(repoId: number, oids: Set<Oid>, pack: Map<Oid, IngestedObject>): Promise<void> {
    for (const oid of oids) {
      const own = pack.get(oid);
      let blob: { type: GitObjectType; body: Buffer } | null;
      try {
        blob = own ? { type: own.row.type, body: await this.objects.inflateRow(own.row) } : await this.objects.read(repoId, oid);
      } catch (err) {
        if (!(err instanceof MissingObjectError)) throw err;
        blob = null; // not there at all: the connectivity check refuses the push
      }
      if (!blob) continue;
      if (blob.type !== 'blob') throw new PushFsckError(oid, { id: 'gitmodulesBlob', message: 'non-blob found at .gitmodules' });
      const [problem] = gitmodulesProblems(blob.body);
      if (problem) throw new PushFsckError(oid, problem);
    }
  }

  /**
   * Walks from a pushed tip through the pack (in memory); every object it reaches outside the
   * pack the repository must have, with the type the link requires (a commit: in its index).
   * Those are looked up together, one statement per push in the usual case: only a stored
   * commit that is not indexed yet is walked on, which takes another round. Returns the new
   * objects, or the first missing one.
   */
  async connect(repoId: number, tip: Oid, { objects: pack, named }: Pick<Ingested, 'objects' | 'named'>): Promise<Connected | { missing: Oid }> {
    const seen = new Set<Oid>([tip]);
    const objects: Oid[] = [];
    const commitBodies = new Map<Oid, Buffer>();
    const blobs: NewBlob[] = [];
    let tipType: GitObjectType | null = null;
    let pending: Link[] = [{ oid: tip, type: null }];
    while (pending.length) {
      // Through the pack: what it holds is followed now, the rest is checked below.
      const outside: Link[] = [];
      const stack = pending;
      pending = [];
      while (stack.length) {
        const link = stack.pop()!;
        const own = pack.get(link.oid);
        if (!own) {
          outside.push(link);
          continue;
        }
        const type = own.row.type;
        if (link.type && link.type !== type) return { missing: link.oid };
        tipType ??= type;
        objects.push(link.oid);
        if (own.commitBody) commitBodies.set(link.oid, own.commitBody);
        if (type === 'blob') blobs.push({ oid: link.oid, size: own.row.size, name: link.name ?? link.oid, smallBody: own.smallBody });
        for (const l of own.links) {
          if (seen.has(l.oid)) continue;
          seen.add(l.oid);
          stack.push(l);
        }
      }
      const stored = await this.objects.typesOf(repoId, outside.filter((l) => !named.has(l.oid)).map((l) => l.oid));
      for (const link of outside) {
        const known = named.get(link.oid);
        const found = known ? { type: known, indexed: false } : stored.get(link.oid);
        if (!found || (link.type && link.type !== found.type)) return { missing: link.oid };
        tipType ??= found.type;
        if (found.type !== 'commit' || found.indexed) continue;
        // Stored without its index row (before objects were recorded with their ref, a push whose
        // ref update failed left such commits): complete, but walked on to index it.
        const body = (await this.objects.read(repoId, link.oid)).body;
        const c = decodeCommit(body);
        commitBodies.set(link.oid, body);
        for (const l of [{ oid: c.tree, type: 'tree' as const }, ...c.parents.map((p) => ({ oid: p, type: 'commit' as const }))]) {
          if (seen.has(l.oid)) continue;
          seen.add(l.oid);
          pending.push(l);
        }
      }
    }
    const tipBody = commitBodies.get(tip);
    const head = tipBody ? { commit: tip, tree: decodeCommit(tipBody).tree } : undefined;
    return { tipType: tipType!, objects, commits: topological(commitBodies), blobs, head };
  }

  /**
   * Moves one ref (or, `atomic`, several in one transaction), recording the pack objects it
   * needs in the same transaction, so a ref never points at objects not stored and a refused
   * update stores nothing: lock the refs (name order), compare each with the old value the client
   * sent, record the objects (sorted), index the new commits (parents first), run
   * `inTransaction`, then create, move or delete. Returns the refusal reason per ref (null:
   * done) and the quota refusal among them, if any.
   */
  async update(
    repoId: number,
    updates: RefUpdate[],
    atomic: boolean,
    pack: Map<Oid, IngestedObject>,
    inTransaction: (m: EntityManager, u: RefUpdate) => Promise<void>,
    actorId: number | null = null,
  ): Promise<{ results: Map<string, string | null>; quota: QuotaExceededError | null }> {
    const results = new Map<string, string | null>();
    let quota: QuotaExceededError | null = null;
    const refusal = (err: unknown): string => {
      quota ??= asQuotaExceeded(err);
      return refusalOf(err);
    };
    // Locks in name order, every ref before any object: two pushes never wait on each other in a cycle.
    const ordered = [...updates].sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
    let failed: string | null = null;
    const apply = async (m: EntityManager, us: RefUpdate[]) => {
      const current = new Map<string, Oid | null>();
      for (const u of us) {
        failed = u.ref;
        const oid = await this.refs.lock(m, repoId, u.ref);
        if ((oid ?? ZERO_OID) !== u.old) throw new RefUpdateRefused(oid === null && u.old !== ZERO_OID ? 'stale info (the ref does not exist)' : 'stale info');
        current.set(u.ref, oid);
      }
      failed = us.length === 1 ? us[0].ref : null;
      await this.record(m, repoId, us.flatMap((u) => u.objects), pack);
      for (const u of us) {
        failed = u.ref;
        const old = current.get(u.ref)!;
        if (u.new === ZERO_OID) {
          await this.refs.delete(m, repoId, u.ref);
          await this.hooks.changed(m, { repoId, ref: u.ref, old, new: null, actorId });
          continue;
        }
        for (const c of u.commits) await this.commits.insert(m, repoId, toCommitInfo(c.oid, c.body));
        await inTransaction(m, u);
        const moved = old === null ? await this.refs.create(m, repoId, u.ref, u.new) : await this.refs.compareAndSwap(m, repoId, u.ref, u.old, u.new);
        if (!moved) throw new RefUpdateRefused('stale info');
        await this.hooks.changed(m, { repoId, ref: u.ref, old, new: u.new, actorId });
      }
    };
    if (atomic) {
      try {
        await repoTransaction(this.db, repoId, (m) => apply(m, ordered));
        for (const u of updates) results.set(u.ref, null);
      } catch (err) {
        const reason = refusal(err);
        // A refusal that no one ref caused (the objects do not fit the quota) is every ref's reason.
        for (const u of updates) results.set(u.ref, failed === null || u.ref === failed ? reason : 'atomic transaction failed');
        return { results, quota };
      }
      await this.rememberRootTrees(repoId, ordered, pack);
      return { results, quota };
    }
    for (const u of ordered) {
      try {
        await repoTransaction(this.db, repoId, (m) => apply(m, [u]));
        results.set(u.ref, null);
      } catch (err) {
        results.set(u.ref, refusal(err));
      }
    }
    await this.rememberRootTrees(repoId, ordered.filter((u) => results.get(u.ref) === null), pack);
    return { results, quota };
  }

  /** The root trees of the tips just stored (small ones), cached for the reads that follow a push (ObjectDatabase.rememberTree). */
  private async rememberRootTrees(repoId: number, us: RefUpdate[], pack: Map<Oid, IngestedObject>): Promise<void> {
    for (const u of us) {
      const tip = u.commits.find((c) => c.oid === u.new);
      const tree = tip && pack.get(decodeCommit(tip.body).tree);
      if (tree?.row.type === 'tree' && tree.row.body) this.objects.rememberTree(repoId, tree.row.oid, await this.objects.inflateRow(tree.row));
    }
  }

  /** Records pack objects (each once, sorted, so concurrent pushes sharing objects never wait on each other in a cycle), in statements of bounded size. */
  private async record(m: EntityManager, repoId: number, oids: Oid[], pack: Map<Oid, IngestedObject>): Promise<void> {
    const rows = [...new Set(oids)].sort().map((o) => pack.get(o)!.row);
    let batch: StoredObjectRow[] = [];
    let bytes = 0;
    for (const row of rows) {
      batch.push(row);
      bytes += row.body?.length ?? 0;
      if (bytes >= RECORD_BATCH_BYTES || batch.length >= 500) {
        await this.objects.record(m, repoId, batch);
        batch = [];
        bytes = 0;
      }
    }
    if (batch.length) await this.objects.record(m, repoId, batch);
  }
}

/** The `ng` reason of a refused ref update (a stale ref, or a quota the LFS files it commits do not fit); rethrows anything else. */
function refusalOf(err: unknown): string {
  if (err instanceof RefUpdateRefused) return err.message;
  const quota = asQuotaExceeded(err);
  if (quota) return quota.message;
  throw err;
}

/** Commits ordered parents first (those outside the set are already indexed). */
function topological(bodies: Map<Oid, Buffer>): { oid: Oid; body: Buffer }[] {
  const parents = new Map<Oid, Oid[]>();
  for (const [oid, body] of bodies) parents.set(oid, decodeCommit(body).parents.filter((p) => bodies.has(p)));
  const out: { oid: Oid; body: Buffer }[] = [];
  const done = new Set<Oid>();
  for (const start of [...bodies.keys()].sort()) {
    // Iterative post-order: a commit goes out after all its parents.
    const stack: { oid: Oid; i: number }[] = [{ oid: start, i: 0 }];
    while (stack.length) {
      const top = stack[stack.length - 1];
      if (done.has(top.oid)) {
        stack.pop();
        continue;
      }
      const ps = parents.get(top.oid)!;
      if (top.i < ps.length) {
        const p = ps[top.i++];
        if (!done.has(p)) stack.push({ oid: p, i: 0 });
        continue;
      }
      done.add(top.oid);
      out.push({ oid: top.oid, body: bodies.get(top.oid)! });
      stack.pop();
    }
  }
  return out;
}
