import { fileVersions } from '../../src/admin/repositories/file-versions';
import type { CommitInfo } from '../../src/git/engine/engine.types';
import type { TreeEntry } from '../../src/git/codec/tree';

/** Trees by id: a name maps to a blob id, or to a sub-tree id with `/` in front. */
const TREES: Record<string, Record<string, string>> = {
  root3: { 'a.txt': 'blobA1', dir: '/sub2' },
  root2: { 'a.txt': 'blobA2', dir: '/sub2' },
  root1: { 'a.txt': 'blobA1', dir: '/sub1' },
  sub2: { 'b.bin': 'blobB2' },
  sub1: { 'b.bin': 'blobB1' },
};
const readTree = async (oid: string): Promise<TreeEntry[]> =>
  Object.entries(TREES[oid]).map(([name, v]) => (v.startsWith('/') ? { name, mode: '40000', oid: v.slice(1) } : { name, mode: '100644', oid: v }) as TreeEntry);
const commit = (tree: string, day: number) => ({ treeOid: tree, committedAt: new Date(Date.UTC(2026, 0, day)) }) as CommitInfo;

describe('admin file versions', () => {
  const history = [commit('root3', 3), commit('root2', 2), commit('root1', 1)]; // newest first
  const head = new Map([
    ['a.txt', 'blobA1'],
    ['dir/b.bin', 'blobB2'],
  ]);

  it('counts distinct contents per path and dates the current one from the oldest commit holding it', async () => {
    const v = await fileVersions(head, history, readTree);
    // a.txt: A1, A2, back to A1 (two contents; A1 first seen in commit 1)
    expect(v.get('a.txt')).toEqual({ count: 2, since: new Date(Date.UTC(2026, 0, 1)) });
    // dir/b.bin: B2 since commit 2 (its sub-tree was read once), B1 before
    expect(v.get('dir/b.bin')).toEqual({ count: 2, since: new Date(Date.UTC(2026, 0, 2)) });
  });

  it('stops walking history once the entry budget is spent (the head commit is always walked)', async () => {
    const v = await fileVersions(head, history, readTree, 1);
    expect(v.get('a.txt')).toEqual({ count: 1, since: new Date(Date.UTC(2026, 0, 3)) });
    expect(v.get('dir/b.bin')?.count).toBe(1);
  });
});
