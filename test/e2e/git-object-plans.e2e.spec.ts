import { byOids } from '../../src/git/engine/git-objects.repository';
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
});
