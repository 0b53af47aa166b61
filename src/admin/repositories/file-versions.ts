import type { CommitInfo } from '../../git/engine/engine.types';
import type { Oid } from '../../git/codec/object-types';
import type { TreeEntry } from '../../git/codec/tree';

/** How many commits of a ref's history the admin file listing looks at for versions. */
export const VERSION_HISTORY_LIMIT = 500;
/**
 * Flattened tree entries kept at most (memory): a huge tree changed by every commit stops the
 * walk early, and the counts cover the commits walked until then.
 */
export const VERSION_ENTRY_BUDGET = 300_000;

export interface FileVersions {
  /** Distinct contents (blob ids) a path held over the history walked. */
  count: number;
  /** The oldest commit walked that already held the path's current content: when this version appeared. */
  since: Date;
}

/**
 * Per path of `head`, how many versions the history walked holds and when the current one
 * appeared. Trees are flattened once per tree id (a tree id is its content), so a history of
 * commits that change few files costs one flattening of each changed tree.
 */
export async function fileVersions(
  head: Map<string, Oid>,
  history: CommitInfo[],
  readTree: (oid: Oid) => Promise<TreeEntry[]>,
  budget = VERSION_ENTRY_BUDGET,
): Promise<Map<string, FileVersions>> {
  const flat = new Map<Oid, [string, Oid][]>();
  let kept = 0;
  const flatten = async (tree: Oid): Promise<[string, Oid][]> => {
    const known = flat.get(tree);
    if (known) return known;
    const out: [string, Oid][] = [];
    for (const e of await readTree(tree)) {
      if (e.mode === '40000') for (const [p, o] of await flatten(e.oid)) out.push([`${e.name}/${p}`, o]);
      else if (e.mode !== '160000') out.push([e.name, e.oid]);
    }
    flat.set(tree, out);
    kept += out.length;
    return out;
  };
  const seen = new Map<string, Set<Oid>>();
  const since = new Map<string, Date>();
  // `history` is newest first; the last commit holding the current blob is when it appeared.
  for (const c of history) {
    if (kept > budget) break;
    for (const [path, oid] of await flatten(c.treeOid)) {
      if (!head.has(path)) continue;
      let versions = seen.get(path);
      if (!versions) seen.set(path, (versions = new Set()));
      versions.add(oid);
      if (oid === head.get(path)) since.set(path, c.committedAt);
    }
  }
  const out = new Map<string, FileVersions>();
  for (const path of head.keys()) out.set(path, { count: seen.get(path)?.size ?? 1, since: since.get(path) ?? new Date(0) });
  return out;
}
