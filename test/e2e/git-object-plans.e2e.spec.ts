import { createHash } from 'node:crypto';
import { byOids, GitObjectsRepository, type ObjectRowView } from '../../src/git/engine/git-objects.repository';
import { createUserWithToken } from '../support/accounts';
import { createRepo } from '../support/repos';
import { startTestApp, TestApp } from '../support/test-app';

interface PlanNode {
  'Node Type': string;
  Plans?: PlanNode[];
}
const nodeTypes = (n: PlanNode): string[] => [n['Node Type'], ...(n.Plans ?? []).flatMap(nodeTypes)];

/**
 * Bulk object reads (clone batches, sizes, existence checks) probe the primary key once per id
 * even when PostgreSQL's statistics are stale, as right after a big import: a temporary
 * git_objects (never analysed, as autovacuum never visits temporary tables) stands in for that.
 */
describe('bulk object reads plan as primary key probes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('a batch of 1,000 ids out of 50,000 unanalysed rows is no hash join over the repository', async () => {
    await t.db.query('BEGIN');
    try {
      await t.db.query(`CREATE TEMP TABLE git_objects (LIKE public.git_objects INCLUDING ALL) ON COMMIT DROP`);
      await t.db.query(`INSERT INTO git_objects (repo_id, oid, type, size, body) SELECT 1, md5(i::text) || lpad(i::text, 8, '0'), 3, 1, '\\x00' FROM generate_series(1, 50000) i`);
      const oids = (await t.db.query(`SELECT oid FROM git_objects ORDER BY oid DESC LIMIT 1000`)).rows.map((r: { oid: string }) => r.oid);
      const explained = await t.db.query(`EXPLAIN (FORMAT JSON) SELECT o.oid, o.size FROM ${byOids('$1', '$2')}`, [1, oids]);
      const types = nodeTypes(explained.rows[0]['QUERY PLAN'][0].Plan);
      expect(types).toContain('Nested Loop');
      expect(types).toContain('Index Scan');
      expect(types).not.toContain('Hash Join');
      expect((await t.db.query(`SELECT count(*)::int AS n FROM ${byOids('$1', '$2')}`, [1, oids])).rows[0].n).toBe(1000);
    } finally {
      await t.db.query('ROLLBACK');
    }
  });

  it('bulk reads return exactly the rows asked for, whether the ids are most of the key range or scattered in it', async () => {
    const u = await createUserWithToken(t);
    await createRepo(t, u.token, 'spread').expect(200);
    const repoId = Number((await t.db.query(`SELECT id FROM repositories WHERE name = 'spread'`)).rows[0].id);
    const all = Array.from({ length: 400 }, (_, i) => createHash('sha1').update(`object ${i}`).digest('hex')).sort();
    await t.db.query(
      `INSERT INTO git_objects (repo_id, oid, type, size, body) SELECT $1, oid, 3, length(oid), convert_to(oid, 'UTF8') FROM unnest($2::varchar(40)[]) AS q(oid)`,
      [repoId, all],
    );
    const objects = t.app.get(GitObjectsRepository);
    const missing = 'f'.repeat(40);
    // Most of the range (one read of it), then a few ids spread over it (the read is cut short and they are probed).
    for (const asked of [all.filter((_, i) => i % 5 !== 0), [all[0], all[133], all[266], all[399]]]) {
      const rows = await objects.readMany(repoId, [...asked, missing, asked[1]]);
      expect(rows.map((r) => r.oid).sort()).toEqual(asked);
      for (const r of rows) expect(r.body!.toString('utf8')).toBe(r.oid);
      const streamed = await drain(objects.streamMany(repoId, new Set([...asked, missing, asked[1]]), 1024, copied));
      expect(streamed.rows.map((r) => r.oid).sort()).toEqual(asked);
      for (const r of streamed.rows) expect(r.body!.toString('utf8')).toBe(r.oid);
      expect([...streamed.missing]).toEqual([missing]);
    }
  });

  it('streamed reads hold about the bytes asked for at a time, however slowly the rows are taken, and leave the connection usable', async () => {
    const u = await createUserWithToken(t);
    await createRepo(t, u.token, 'heavy').expect(200);
    const repoId = Number((await t.db.query(`SELECT id FROM repositories WHERE name = 'heavy'`)).rows[0].id);
    const oids = Array.from({ length: 48 }, (_, i) => createHash('sha1').update(`heavy ${i}`).digest('hex'));
    // 64 KiB bodies of random bytes (TOAST does not shrink them): 3 MiB in all.
    await t.db.query(
      `INSERT INTO git_objects (repo_id, oid, type, size, body) SELECT $1, oid, 3, 65536, (SELECT string_agg(decode(md5(oid || g::text), 'hex'), '') FROM generate_series(1, 4096) g) FROM unnest($2::varchar(40)[]) AS q(oid)`,
      [repoId, oids],
    );
    const objects = t.app.get(GitObjectsRepository);
    const batchBytes = 256 * 1024;
    // A pause (the socket paused, not time measured) lets PostgreSQL send all it may between two batches.
    const slow = await drain(objects.streamMany(repoId, new Set(oids), batchBytes, copied), () => new Promise((r) => setTimeout(r, 20)));
    expect(slow.rows.map((r) => r.oid).sort()).toEqual([...oids].sort());
    expect(slow.rows.every((r) => r.body!.length === 65536)).toBe(true);
    expect(slow.batches.length).toBeGreaterThan(4);
    // The bound, plus what one socket read (64 KiB) and one row more may carry.
    for (const b of slow.batches) expect(b).toBeLessThanOrEqual(batchBytes + 2 * 65536 + 1024);
    // Stopped after the first rows (a batch may hold none: rows of the span that were not asked
    // for, the repository's first commit, may come first): the rest drains, and the pool's
    // connections still answer.
    let taken = 0;
    for await (const batch of objects.streamMany(repoId, new Set(oids), batchBytes, copied)) {
      taken += batch.length;
      if (taken > 0) break;
    }
    expect(taken).toBeGreaterThan(0);
    expect(taken).toBeLessThan(oids.length);
    expect((await objects.readMany(repoId, oids.slice(0, 3))).length).toBe(3);
  });
});

/** What a streamed read shows, kept (its view is valid during the call only). */
const copied = (o: ObjectRowView) => ({ oid: o.oid, body: o.bytes ? Buffer.from(o.bytes.subarray(o.start, o.end)) : null });

type Kept = ReturnType<typeof copied>;

/** Every batch of a streamed read (their body bytes), the rows, and the ids it did not find. */
async function drain(
  it: AsyncGenerator<Kept[], Set<string>, undefined>,
  between: () => Promise<unknown> = async () => undefined,
): Promise<{ rows: Kept[]; batches: number[]; missing: Set<string> }> {
  const rows: Kept[] = [];
  const batches: number[] = [];
  for (;;) {
    const next = await it.next();
    if (next.done) return { rows, batches, missing: next.value };
    rows.push(...next.value);
    batches.push(next.value.reduce((n, r) => n + (r.body?.length ?? 0), 0));
    await between();
  }
}
