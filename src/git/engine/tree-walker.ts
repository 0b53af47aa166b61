import { deltaCopies, type DeltaCopy } from '../codec/delta';
import { encodeDelta } from '../codec/delta-encoder';
import type { Oid } from '../codec/object-types';
import { decodeTreeEntryAt, type TreeEntry } from '../codec/tree';
import type { StoredObjectRow } from './git-objects.repository';
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

/** The last version of a tree walked at some path. */
interface WalkedVersion {
  oid: Oid;
  body: Buffer;
  /** Start offsets of its entries, then its length. */
  starts: Int32Array;
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
  ) {}

  /** Everything under these trees is on the client already. */
  async markUninteresting(roots: Oid[]): Promise<void> {
    const enter = (oid: Oid) => addNew(this.uninterestingTrees, oid);
    await this.walk(roots, enter, false, (e) => {
      if (e.mode !== '160000') this.uninterestingBlobs.add(e.oid);
    });
  }

  /** The trees (with their rows and deltas) and blobs under `roots` that the client does not have, parents before children. */
  async collect(roots: Oid[], extraBlobs: Oid[]): Promise<{ trees: CollectedTree[]; blobs: Oid[] }> {
    const seenBlobs = new Set<Oid>();
    const blobs: Oid[] = [];
    const addBlob = (oid: Oid) => {
      if (this.uninterestingBlobs.has(oid) || seenBlobs.has(oid)) return;
      seenBlobs.add(oid);
      blobs.push(oid);
    };
    const seenTrees = new Set<Oid>();
    const enter = (oid: Oid) => !this.uninterestingTrees.has(oid) && addNew(seenTrees, oid);
    const trees = await this.walk(roots, enter, true, (e) => {
      if (e.mode !== '160000') addBlob(e.oid);
    });
    extraBlobs.forEach(addBlob);
    return { trees, blobs };
  }

  /**
   * Breadth-first from `roots`, entering the trees `enter` accepts (it is asked once per tree
   * entry and root, and records what it accepts). `onBlob` gets each non-tree entry not skipped
   * as unchanged. Returns the trees entered, in order.
   */
  private async walk(roots: Oid[], enter: (oid: Oid) => boolean, inPack: boolean, onBlob: (e: TreeEntry) => void): Promise<CollectedTree[]> {
    const out: CollectedTree[] = [];
    let next: Pending[] = [];
    const addTree = (oid: Oid, path: string) => {
      if (enter(oid)) next.push({ oid, path });
    };
    for (const r of roots) addTree(r, '');
    while (next.length) {
      const level = next;
      next = [];
      for (let i = 0; i < level.length; i += TREE_BATCH) {
        const batch = level.slice(i, i + TREE_BATCH);
        const rows = new Map((await this.objects.readMany(this.repoId, batch.map((p) => p.oid))).map((r) => [r.oid, r]));
        for (const { oid, path } of batch) {
          const row = rows.get(oid);
          if (!row || row.type !== 'tree') throw new MissingObjectError(oid);
          const body = await this.objects.inflateRow(row);
          const collected: CollectedTree = { row };
          const version = this.visitTree(oid, path, body, inPack, collected, (e) => {
            if (e.mode === '40000') addTree(e.oid, path ? `${path}/${e.name}` : e.name);
            else onBlob(e);
          });
          this.lastAt.set(path, version);
          out.push(collected);
        }
      }
    }
    return out;
  }

  /** Calls `onEntry` for each entry of `body` not found unchanged in the last version at `path`. */
  private visitTree(oid: Oid, path: string, body: Buffer, inPack: boolean, collected: CollectedTree, onEntry: (e: TreeEntry) => void): WalkedVersion {
    const prev = this.lastAt.get(path);
    let copies: DeltaCopy[] = [];
    let depth = 0;
    if (prev && body.length <= MAX_DIFF_BYTES && prev.body.length <= MAX_DIFF_BYTES) {
      const delta = encodeDelta(prev.body, body)!;
      copies = deltaCopies(delta).filter((c) => body.compare(prev.body, c.sourceOffset, c.sourceOffset + c.length, c.targetOffset, c.targetOffset + c.length) === 0);
      // Sent as a delta only when it saves most of the body, against a base in this pack, not too deep.
      if (inPack && prev.inPack && prev.depth < MAX_DELTA_DEPTH && delta.length * 2 < body.length) {
        collected.delta = { base: prev.oid, data: delta };
        depth = prev.depth + 1;
      }
    }
    const starts: number[] = [];
    let c = 0;
    let hint = 0;
    for (let pos = 0; pos < body.length; ) {
      starts.push(pos);
      while (c < copies.length && copies[c].targetOffset + copies[c].length <= pos) c++;
      if (prev && c < copies.length && copies[c].targetOffset <= pos) {
        const copy = copies[c];
        const sourcePos = copy.sourceOffset + (pos - copy.targetOffset);
        hint = entryIndex(prev.starts, sourcePos, hint);
        if (hint >= 0) {
          const end = pos + (prev.starts[hint + 1] - sourcePos);
          if (end <= copy.targetOffset + copy.length) {
            pos = end;
            hint++;
            continue;
          }
        } else hint = 0;
      }
      const { entry, end } = decodeTreeEntryAt(body, pos);
      onEntry(entry);
      pos = end;
    }
    starts.push(body.length);
    return { oid, body, starts: Int32Array.from(starts), inPack, depth };
  }
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
