import { threeWayMerge, type FlatTree } from '../../src/git/engine/three-way-merge';

const tree = (entries: Record<string, string>): FlatTree => new Map(Object.entries(entries).map(([p, oid]) => [p, { mode: '100644' as const, oid: oid.padEnd(40, '0') }]));

/** The path-level merge of a pull request into its target branch. */
describe('threeWayMerge', () => {
  it('takes each side where only that side changed, and keeps identical changes', () => {
    const base = tree({ a: '1', b: '2', c: '3', gone: '4' });
    const ours = tree({ a: '1', b: 'b2', c: '3', gone: '4', same: '9' });
    const theirs = tree({ a: 'a2', b: '2', c: '3', same: '9', added: '7' });
    const r = threeWayMerge(base, ours, theirs);
    expect(r.conflicts).toEqual([]);
    expect(r.changes.map((c) => [c.path, c.entry?.oid.slice(0, 2) ?? null])).toEqual([
      ['a', 'a2'],
      ['added', '70'],
      ['gone', null],
    ]);
  });

  it('a path changed differently on both sides is a conflict; deleted on one side and changed on the other too', () => {
    const base = tree({ a: '1', b: '2' });
    const r = threeWayMerge(base, tree({ a: 'x', b: '2', n: '5' }), tree({ a: 'y', n: '6' }));
    expect(r.conflicts).toEqual(['a', 'n']);
    expect(r.changes.map((c) => c.path)).toEqual(['b']);
    expect(threeWayMerge(base, tree({ a: 'x', b: '2' }), tree({ b: '2' })).conflicts).toEqual(['a']);
  });

  it('a mode change is a change', () => {
    const base = tree({ run: '1' });
    const theirs: FlatTree = new Map([['run', { mode: '100755', oid: '1'.padEnd(40, '0') }]]);
    expect(threeWayMerge(base, tree({ run: '1' }), theirs).changes).toEqual([{ path: 'run', entry: { mode: '100755', oid: '1'.padEnd(40, '0') } }]);
  });
});
