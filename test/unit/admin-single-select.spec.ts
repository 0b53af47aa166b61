import { assertSingleSelect } from '../../src/admin/database/single-select';

describe('admin console: one SELECT statement', () => {
  it.each([
    ['SELECT 1', 'SELECT 1'],
    ['  select 1 ;  ', '  select 1 '],
    ["SELECT 'a;b', \"weird;name\" FROM t -- c;d\n", "SELECT 'a;b', \"weird;name\" FROM t -- c;d\n"],
    ['SELECT $$ DELETE; $$, $tag$ x;y $tag$ /* a /* nested; */ b */', 'SELECT $$ DELETE; $$, $tag$ x;y $tag$ /* a /* nested; */ b */'],
    ["SELECT E'it\\'s; fine'", "SELECT E'it\\'s; fine'"],
    ['WITH x AS (SELECT 1) SELECT * FROM x; -- end', 'WITH x AS (SELECT 1) SELECT * FROM x'],
    ['VALUES (1)', 'VALUES (1)'],
    ['SELECT updated_at, "insert" FROM t', 'SELECT updated_at, "insert" FROM t'],
  ])('accepts %j', (sql, statement) => {
    expect(assertSingleSelect(sql)).toBe(statement);
  });

  it.each([
    'SELECT 1; SELECT 2',
    'SELECT 1;; DELETE FROM t',
    "SELECT 'unterminated",
    'SELECT /* unterminated',
    'SELECT $$ unterminated',
    'INSERT INTO t VALUES (1)',
    'SELECT * INTO t2 FROM t',
    'SELECT 1 FOR UPDATE',
    'EXPLAIN ANALYZE DELETE FROM t',
    'COPY t TO STDOUT',
    'WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d',
    '',
    '-- only a comment',
  ])('refuses %j with 400 InvalidQuery', (sql) => {
    expect(() => assertSingleSelect(sql)).toThrow(expect.objectContaining({ status: 400, code: 'InvalidQuery' }));
  });
});
