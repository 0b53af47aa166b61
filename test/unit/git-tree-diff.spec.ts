import { createHash } from 'node:crypto';
import { applyDelta, decodeTree, encodeTree, type TreeEntry } from '../../src/git/codec';
import { ByteBudgetLru } from '../../src/git/engine/lru-cache';
import { diffTree } from '../../src/git/engine/tree-walker';

/** The tree diff behind upload-pack's walk: which entries it decodes, and the delta it keeps. */

const oid = (seed: string) => createHash('sha1').update(seed).digest('hex');
const entries = (n: number, changed: Record<number, string> = {}): TreeEntry[] =>
  Array.from({ length: n }, (_, i) => ({ mode: i % 7 === 0 ? ('40000' as const) : ('100644' as const), name: `entry-${String(i).padStart(4, '0')}`, oid: oid(changed[i] ?? `${i}`) }));
const starts = (body: Buffer) => diffTree(body, null).starts;

describe('diffTree', () => {
  it('without a base: every entry, and their offsets', () => {
    const body = encodeTree(entries(50));
    const { diff, starts: s } = diffTree(body, null);
    expect(diff.novel).toEqual(decodeTree(body));
    expect(diff.delta).toBeNull();
    expect(s.length).toBe(51);
    expect(s[50]).toBe(body.length);
  });

  it('against a base: every changed, added or renamed entry, and few others; a delta that rebuilds the tree', () => {
    const base = encodeTree(entries(500));
    const next = entries(500, { 3: 'x', 250: 'y', 499: 'z' });
    next.splice(100, 1); // removed
    next.push({ mode: '100644', name: 'zz-added', oid: oid('added') });
    next[10] = { ...next[10], name: 'entry-0010-renamed' };
    const body = encodeTree(next);
    const { diff } = diffTree(body, { body: base, starts: starts(base) });
    const novel = new Set(diff.novel.map((e) => `${e.name} ${e.oid}`));
    const expected = new Set(next.filter((e) => !entries(500).some((b) => b.name === e.name && b.oid === e.oid)).map((e) => `${e.name} ${e.oid}`));
    // Never one missing (that object would not be sent). A few unchanged neighbours may be decoded
    // too, where a copy does not start at an entry boundary: that costs time, not correctness.
    for (const e of expected) expect(novel).toContain(e);
    for (const e of novel) expect(next.map((x) => `${x.name} ${x.oid}`)).toContain(e);
    expect(novel.size).toBeLessThanOrEqual(2 * expected.size);
    expect(applyDelta(base, diff.delta!).equals(body)).toBe(true);
  });

  it('keeps no delta that would not save most of the body', () => {
    const base = encodeTree(entries(10));
    const body = encodeTree(entries(10, Object.fromEntries(Array.from({ length: 10 }, (_, i) => [i, `new ${i}`]))));
    const { diff } = diffTree(body, { body: base, starts: starts(base) });
    expect(diff.delta).toBeNull();
    expect(diff.novel).toHaveLength(10);
  });
});

describe('ByteBudgetLru', () => {
  it('evicts the least recently used past its budget and refuses values over a quarter of it', () => {
    const lru = new ByteBudgetLru<{ bytes: number }>(100);
    lru.set('a', { bytes: 25 });
    lru.set('b', { bytes: 25 });
    lru.set('c', { bytes: 25 });
    lru.get('a');
    lru.set('d', { bytes: 25 });
    lru.set('e', { bytes: 25 }); // over budget: b goes (a was used)
    expect(lru.get('b')).toBeUndefined();
    expect(lru.get('a')).toBeDefined();
    lru.set('big', { bytes: 26 });
    expect(lru.get('big')).toBeUndefined();
  });
});
