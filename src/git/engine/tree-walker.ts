import { EventLoopTurn } from '../../core/event-loop';
import { deltaCopies, type DeltaCopy } from '../codec/delta';
import { encodeDelta } from '../codec/delta-encoder';
import type { Oid } from '../codec/object-types';
import { decodeTreeEntryAt, type TreeEntry } from '../codec/tree';
import type { StoredObjectRow } from './git-objects.repository';
import type { ByteBudgetLru } from './lru-cache';
import { MissingObjectError, type ObjectDatabase } from './object-database';

/**
 * The tree side of upload-pack's object walk (git-protocol notes §1.6): which trees and blobs
 * under some root trees the client lacks, level by level with one query per level and batch.
 *
 * Successive versions of a tree at one path differ in a few entries. Each tree is diffed
 * against the last version walked at its path (`encodeDelta`): an entry lying wholly inside a
 * copied range, at an entry boundary of that version, is byte for byte an entry of it, so it was
 * handled then and is skipped without being decoded. Only the changed entries cost anything,
 * and the same delta is what the pack sends instead of the whole tree (`CollectedTree.delta`).
 *
 * Like git reusing the deltas stored in its packs, diffs are kept (a byte-bounded LRU shared by
 * all walks): cloning the same history again decodes, inflates and diffs no tree.
 */

/** Trees read per query. */
const TREE_BATCH = 500;
/** Trees larger than this are decoded whole, never diffed (the delta costs linear time and memory). */
const MAX_DIFF_BYTES = 4 * 1024 * 1024;
/** Longest delta chain sent (git's pack.depth default). */
const MAX_DELTA_DEPTH = 50;

/** A tree to send, and the delta to send instead of its whole body when there is a good one. */
export interface CollectedTree {
  row: StoredObjectRow;
  /** A delta against an earlier tree of the same pack. */
  delta?: { base: Oid; data: Buffer };
}

/** What diffing a tree against a base (or none) found. Immutable: both are named by their ids. */
export interface TreeDiff {
  /** The entries not found unchanged in the base (all of them without one). */
  novel: TreeEntry[];
  /** The delta from the base, when it saves most of the body. */
  delta: Buffer | null;
  /** About how much memory it holds (for the cache's budget). */
  bytes: number;
}

/** The last version of a tree walked at some path. */
interface WalkedVersion {
  oid: Oid;
  row: StoredObjectRow;
  /** Inflated only when a diff needed it. */
  body: Buffer | null;
  /** Start offsets of its entries, then its length (with `body`). */
  starts: Int32Array | null;
  /** It is in the pack (so it can be a delta base), at this delta depth. */
  inPack: boolean;
  depth: number;
}

interface Pending {
  oid: Oid;
  path: string;
}

export class TreeWalker {
  private readonly uninterestingTrees = new Set<Oid>();
  private readonly uninterestingBlobs = new Set<Oid>();
  /** Path → the last version walked there (by either walk: unchanged entries are handled alike). */
  private readonly lastAt = new Map<string, WalkedVersion>();

  constructor(
    private readonly objects: ObjectDatabase,
    private readonly repoId: number,
    /** Diffs of earlier walks, by `<repo>:<base>:<tree>`. */
    private readonly diffs: ByteBudgetLru<TreeDiff>,
  ) {}

  /** Everything under these trees is on the client already. */
  async markUninteresting(roots: Oid[]): Promise<void> {
    const enter = (oid: Oid) => addNew(this.uninterestingTrees, oid);
    await this.walk(roots, enter, false, (e) => {
      if (e.mode !== '160000') this.uninterestingBlobs.add(e.oid);
    });
  }

  /**
   * The trees (with their rows and deltas) and blobs under `roots` that the client does not have,
   * parents before children; nothing `maxDepth` or more levels below a root (a partial clone's
   * `tree:<depth>`: roots are level 0, the entries of a root level 1).
   */
  async collect(roots: Oid[], extraBlobs: Oid[], maxDepth = Infinity): Promise<{ trees: CollectedTree[]; blobs: Oid[] }> {
    const seenBlobs = new Set<Oid>();
    const blobs: Oid[] = [];
    const addBlob = (oid: Oid) => {
      if (this.uninterestingBlobs.has(oid) || seenBlobs.has(oid)) return;
      seenBlobs.add(oid);
      blobs.push(oid);
    };
    const seenTrees = new Set<Oid>();
    const enter = (oid: Oid) => !this.uninterestingTrees.has(oid) && addNew(seenTrees, oid);
    const trees = await this.walk(
      roots,
      enter,
      true,
      (e) => {
        if (e.mode !== '160000') addBlob(e.oid);
      },
      maxDepth,
    );
    extraBlobs.forEach(addBlob);
    return { trees, blobs };
  }

  /**
   * Breadth-first from `roots`, entering the trees `enter` accepts (it is asked once per tree
   * entry and root, and records what it accepts). `onBlob` gets each non-tree entry not skipped
   * as unchanged, down to `maxDepth` levels (level by level, so a tree is first met at its least
   * depth). Returns the trees entered, in order.
   */
  private async walk(roots: Oid[], enter: (oid: Oid) => boolean, inPack: boolean, onBlob: (e: TreeEntry) => void, maxDepth = Infinity): Promise<CollectedTree[]> {
    const out: CollectedTree[] = [];
    const turn = new EventLoopTurn();
    let next: Pending[] = [];
    const addTree = (oid: Oid, path: string) => {
      if (enter(oid)) next.push({ oid, path });
    };
    if (maxDepth > 0) for (const r of roots) addTree(r, '');
    for (let depth = 1; next.length; depth++) {
      const level = next;
      next = [];
      // The entries of this level's trees sit at `depth`: beyond the limit they are left out.
      const entries = depth < maxDepth;
      for (let i = 0; i < level.length; i += TREE_BATCH) {
        const batch = level.slice(i, i + TREE_BATCH);
        const rows = new Map((await this.objects.readMany(this.repoId, batch.map((p) => p.oid))).map((r) => [r.oid, r]));
        for (const { oid, path } of batch) {
          const row = rows.get(oid);
          if (!row || row.type !== 'tree') throw new MissingObjectError(oid);
          const collected: CollectedTree = { row };
          const version = await this.visitTree(row, path, inPack, collected, (e) => {
            if (!entries) return;
            if (e.mode === '40000') addTree(e.oid, path ? `${path}/${e.name}` : e.name);
            else onBlob(e);
          });
          this.lastAt.set(path, version);
          out.push(collected);
          // A whole history's trees take a while, mostly in microtasks: other requests get turns.
          await turn.take();
        }
      }
    }
    return out;
  }

  /**
   * Calls `onEntry` for each entry of the tree not found unchanged in the last version at `path`,
   * and picks its delta. The diff comes from the cache when these two versions were diffed
   * before; only then are the bodies left compressed.
   */
  private async visitTree(row: StoredObjectRow, path: string, inPack: boolean, collected: CollectedTree, onEntry: (e: TreeEntry) => void): Promise<WalkedVersion> {
    const prev = this.lastAt.get(path);
    const version: WalkedVersion = { oid: row.oid, row, body: null, starts: null, inPack, depth: 0 };
    const key = `${this.repoId}:${prev?.oid ?? ''}:${row.oid}`;
    let diff = this.diffs.get(key);
    if (!diff) {
      version.body = await this.objects.inflateRow(row);
      const base = prev ? await this.materialise(prev) : null;
      const found = diffTree(version.body, base);
      version.starts = found.starts;
      diff = found.diff;
      this.diffs.set(key, diff);
    }
    diff.novel.forEach(onEntry);
    // Sent as a delta only against a base in this pack, and not too deep.
    if (diff.delta && prev && inPack && prev.inPack && prev.depth < MAX_DELTA_DEPTH) {
      collected.delta = { base: prev.oid, data: diff.delta };
      version.depth = prev.depth + 1;
    }
    return version;
  }

  /** A walked version's body and entry offsets (left compressed when its diff came from the cache). */
  private async materialise(v: WalkedVersion): Promise<{ body: Buffer; starts: Int32Array }> {
    v.body ??= await this.objects.inflateRow(v.row);
    v.starts ??= entryStarts(v.body);
    return { body: v.body, starts: v.starts };
  }
}

/**
 * Diffs a tree body against the previous version at its path (`encodeDelta`): an entry lying
 * wholly inside a copied range, at an entry boundary of the base, is byte for byte an entry of
 * the base and is not decoded. Returns the other entries, the delta when it saves most of the
 * body, and the entry offsets (for diffing the next version against this one).
 */
export function diffTree(body: Buffer, base: { body: Buffer; starts: Int32Array } | null): { diff: TreeDiff; starts: Int32Array } {
  let copies: DeltaCopy[] = [];
  let delta: Buffer | null = null;
  if (base && body.length <= MAX_DIFF_BYTES && base.body.length <= MAX_DIFF_BYTES) {
    const d = encodeDelta(base.body, body)!;
    copies = deltaCopies(d).filter((c) => body.compare(base.body, c.sourceOffset, c.sourceOffset + c.length, c.targetOffset, c.targetOffset + c.length) === 0);
    if (d.length * 2 < body.length) delta = d;
  }
  const novel: TreeEntry[] = [];
  const starts: number[] = [];
  let bytes = 64 + (delta?.length ?? 0);
  let c = 0;
  let hint = 0;
  for (let pos = 0; pos < body.length; ) {
    starts.push(pos);
    while (c < copies.length && copies[c].targetOffset + copies[c].length <= pos) c++;
    if (base && c < copies.length && copies[c].targetOffset <= pos) {
      const copy = copies[c];
      const sourcePos = copy.sourceOffset + (pos - copy.targetOffset);
      hint = entryIndex(base.starts, sourcePos, hint);
      if (hint >= 0) {
        const end = pos + (base.starts[hint + 1] - sourcePos);
        if (end <= copy.targetOffset + copy.length) {
          pos = end;
          hint++;
          continue;
        }
      } else hint = 0;
    }
    const { entry, end } = decodeTreeEntryAt(body, pos);
    novel.push(entry);
    bytes += 120 + 2 * entry.name.length;
    pos = end;
  }
  starts.push(body.length);
  return { diff: { novel, delta, bytes }, starts: Int32Array.from(starts) };
}

/** Where each entry of a tree body starts, then its length. */
function entryStarts(body: Buffer): Int32Array {
  const starts: number[] = [];
  for (let pos = 0; pos < body.length; ) {
    starts.push(pos);
    const nul = body.indexOf(0, pos);
    if (nul < 0 || nul + 21 > body.length) throw new Error('malformed tree object');
    pos = nul + 21;
  }
  starts.push(body.length);
  return Int32Array.from(starts);
}

/** The index of the entry starting at `offset` (tried first at `hint`), or -1 if no entry starts there. */
function entryIndex(starts: Int32Array, offset: number, hint: number): number {
  const last = starts.length - 1; // starts[last] is the body length, not an entry
  if (hint >= 0 && hint < last && starts[hint] === offset) return hint;
  let lo = 0;
  let hi = last - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid] === offset) return mid;
    if (starts[mid] < offset) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Adds `oid` to `set`; true if it was not there yet. */
function addNew(set: Set<Oid>, oid: Oid): boolean {
  if (set.has(oid)) return false;
  set.add(oid);
  return true;
}
