import type { Oid } from '../codec/object-types';
import type { TreeMode } from '../codec/tree';

/** A file of a commit's tree, by its path from the root. */
export interface FlatEntry {
  mode: TreeMode;
  oid: Oid;
}

export type FlatTree = Map<string, FlatEntry>;

/** A path whose entry differs between two trees (null: absent on that side). */
export interface PathChange {
  path: string;
  old: FlatEntry | null;
  new: FlatEntry | null;
}

const same = (a: FlatEntry | undefined, b: FlatEntry | undefined) => (a === undefined ? b === undefined : b !== undefined && a.oid === b.oid && a.mode === b.mode);

/** The paths whose entry differs between `from` and `to`, in path order. */
export function diffFlatTrees(from: FlatTree, to: FlatTree): PathChange[] {
  const paths = [...new Set([...from.keys(), ...to.keys()])].sort();
  return paths.filter((p) => !same(from.get(p), to.get(p))).map((p) => ({ path: p, old: from.get(p) ?? null, new: to.get(p) ?? null }));
}

/**
 * Merges `theirs` into `ours`, path by path, from their common ancestor `base`: a path changed
 * on one side only takes that side; changed on both sides to the same entry, it is kept; changed
 * on both sides differently, it is a conflict (no merging inside files: the Hub does not either).
 * Returns what to apply on `ours` (entry null: remove), and the conflicting paths.
 */
export function threeWayMerge(base: FlatTree, ours: FlatTree, theirs: FlatTree): { changes: { path: string; entry: FlatEntry | null }[]; conflicts: string[] } {
  const changes: { path: string; entry: FlatEntry | null }[] = [];
  const conflicts: string[] = [];
  for (const path of [...new Set([...base.keys(), ...ours.keys(), ...theirs.keys()])].sort()) {
    const b = base.get(path);
    const o = ours.get(path);
    const t = theirs.get(path);
    if (same(o, t) || same(b, t)) continue;
    if (same(b, o)) changes.push({ path, entry: t ?? null });
    else conflicts.push(path);
  }
  return { changes, conflicts };
}
