import { ADMIN_TOKEN, startTestApp, TestApp } from '../support/test-app';
import { createUserWithToken, TestUser } from '../support/accounts';
import { expectHfError, tableCounts } from '../support/hf-error';

const admin = { 'X-Admin-Token': ADMIN_TOKEN };

describe('admin database console', () => {
  let t: TestApp;
  let alice: TestUser;
  beforeAll(async () => {
    t = await startTestApp();
    alice = await createUserWithToken(t);
  });
  afterAll(() => t.close());

  const run = (sql: string) => t.http().post('/admin/api/database/query').set(admin).send({ sql });
  /** Everything a harmful query could change: row counts, the secrets, roles and settings. */
  const snapshot = async () => ({
    // (the console role gets its LOGIN at first use: take the picture after one query)
    warm: (await run('SELECT 1')).status,
    counts: await tableCounts(t.db),
    users: (await t.db.query(`SELECT id, password_hash, role, is_active, email FROM users ORDER BY id`)).rows,
    tables: (await t.db.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'`)).rows,
    // Roles are cluster-wide: other test databases (jest runs elsewhere on this server) make their
    // own console roles meanwhile; this database's own console role and every other role count.
    roles: (
      await t.db.query(
        `SELECT rolname, rolsuper, rolcreaterole, rolcanlogin FROM pg_roles
          WHERE rolname NOT LIKE 'hangar\\_console\\_%' OR rolname = (SELECT role_name FROM db_console_role)
          ORDER BY rolname`,
      )
    ).rows,
  });

  it('lists tables and columns, marking the secret ones unreadable, and templates that run', async () => {
    const tables = await t.http().get('/admin/api/database/tables').set(admin).expect(200);
    const users = tables.body.tables.find((x: { name: string }) => x.name === 'users');
    expect(users.column_count).toBe(users.columns.length);
    const col = (name: string) => users.columns.find((c: { name: string }) => c.name === name);
    expect(col('id')).toMatchObject({ null: false, unique: true, readable: true });
    expect(col('email')).toMatchObject({ readable: true });
    expect(col('password_hash')).toMatchObject({ readable: false });
    const tokens = tables.body.tables.find((x: { name: string }) => x.name === 'api_tokens');
    expect(tokens.columns.find((c: { name: string }) => c.name === 'token_hash').readable).toBe(false);
    const templates = await t.http().get('/admin/api/database/templates').set(admin).expect(200);
    expect(templates.body.templates.length).toBeGreaterThan(2);
    for (const tpl of templates.body.templates) {
      const r = await run(tpl.sql);
      expect([tpl.name, r.status]).toEqual([tpl.name, 200]);
    }
  });

  it('runs a SELECT and answers columns, rows, counts; at most 1,000 rows', async () => {
    const r = await run(`SELECT n.name AS username, u.email FROM users u JOIN namespaces n ON n.id = u.id WHERE n.name = '${alice.username}';`).expect(200);
    expect(r.body).toEqual({ columns: ['username', 'email'], rows: [{ username: alice.username, email: `${alice.username}@example.com` }], count: 1, column_count: 2, truncated: false });
    const many = await run('SELECT g AS n FROM generate_series(1, 1500) g').expect(200);
    expect(many.body).toMatchObject({ count: 1000, truncated: true });
    expect(many.body.rows[999]).toEqual({ n: 1000 });
    const cte = await run("WITH x AS (SELECT 1 AS a) SELECT a, 'it''s; fine' AS b, $$x;y$$ AS c FROM x -- trailing; comment").expect(200);
    expect(cte.body.rows).toEqual([{ a: 1, b: "it's; fine", c: 'x;y' }]);
  });

  it('refuses or harmlessly fails everything but reading non-secret columns, and nothing changes', async () => {
    const before = await snapshot();
    // The app's own (owning) role: `postgres` on Debian's server, another name on the embedded one.
    const appRole: string = (await t.db.query(`SELECT current_user AS u`)).rows[0].u;
    const refused: [string, RegExp][] = [
      [`INSERT INTO namespaces (name, kind) VALUES ('evil', 'user')`, /only select/i],
      [`UPDATE users SET role = 'admin'`, /only select/i],
      [`DELETE FROM users`, /only select/i],
      [`DROP TABLE users`, /only select/i],
      [`CREATE TABLE evil (a int)`, /only select/i],
      [`ALTER ROLE CURRENT_USER SUPERUSER`, /only select/i],
      [`SELECT 1; DELETE FROM users`, /one statement/i],
      [`SELECT 1; SELECT 2`, /one statement/i],
      [`COPY users TO STDOUT`, /only select/i],
      [`COPY (SELECT email FROM users) TO '/tmp/x'`, /only select/i],
      [`SELECT * INTO evil FROM users`, /INTO/],
      [`SELECT id FROM users FOR UPDATE`, /UPDATE/],
      [`SET ROLE postgres`, /only select/i],
      [`WITH d AS (DELETE FROM users RETURNING id) SELECT * FROM d`, /DELETE/],
      [`SELECT password_hash FROM users`, /permission denied/],
      [`SELECT * FROM users`, /permission denied/],
      [`SELECT token_hash FROM api_tokens`, /permission denied/],
      [`SELECT token_hash FROM sessions`, /permission denied/],
      [`SELECT admin_token_hash FROM admin_setup`, /permission denied/],
      [`SELECT (SELECT password_hash FROM users LIMIT 1) AS x`, /permission denied/],
      [`SELECT query_to_xml('select password_hash from users', true, true, '')`, /permission denied/],
      [`SELECT set_config('role', '${appRole}', false), query_to_xml('select password_hash from users', true, true, '')`, /permission denied|set role/],
      [`SELECT set_config('session_authorization', '${appRole}', false)`, /permission denied|set session authorization/],
      [`SELECT nextval('namespaces_id_seq')`, /permission denied|read-only/],
      [`SELECT lo_import('/etc/passwd')`, /permission denied|read-only/],
      [`SELECT pg_read_file('/etc/passwd')`, /permission denied/],
      [`SELECT dblink('dbname=postgres', 'select 1')`, /does not exist/],
      [`SELECT pg_terminate_backend(pid) FROM pg_stat_activity`, /permission denied|must be a (superuser|member)/],
      [`SELECT * FROM pg_authid`, /permission denied/],
    ];
    for (const [sql, message] of refused) {
      const r = await run(sql);
      expect([sql, r.status, r.headers['x-error-code']]).toEqual([sql, 400, 'InvalidQuery']);
      expect([sql, r.body.error]).toEqual([sql, expect.stringMatching(message)]);
    }
    // Allowed but harmless: a session lock ends with the console's connection, right after the query.
    await run(`SELECT pg_advisory_lock(424242)`).expect(200);
    const [{ free }] = (await t.db.query(`SELECT pg_try_advisory_lock(424242) AS free`)).rows;
    expect(free).toBe(true);
    await t.db.query(`SELECT pg_advisory_unlock(424242)`);
    expect(await snapshot()).toEqual(before);
  });

  it('stops a query at 10 s, a set_config of the timeout inside it included', async () => {
    const before = await snapshot();
    for (const sql of [`SELECT pg_sleep(20)`, `SELECT set_config('statement_timeout', '0', false), pg_sleep(20)`]) {
      const r = await run(sql);
      expect([sql, r.status, r.headers['x-error-code']]).toEqual([sql, 400, 'InvalidQuery']);
      expect(r.body.sqlstate).toBe('57014'); // query_canceled by statement_timeout
    }
    expect(await snapshot()).toEqual(before);
  }, 60_000);

  it('strict input', async () => {
    expectHfError(await t.http().post('/admin/api/database/query').set(admin).send({ sql: 'SELECT 1', extra: 1 }), 400, 'ValidationError');
    expectHfError(await t.http().post('/admin/api/database/query').set(admin).send({}), 400, 'ValidationError');
    expectHfError(await run('   '), 400, 'InvalidQuery');
    expectHfError(await t.http().post('/admin/api/database/query').set('Authorization', `Bearer ${alice.token}`).send({ sql: 'SELECT 1' }), 403, 'InvalidAdminToken');
  });
});

describe('admin database console without its role (a database user that may not create roles)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    // What the migration leaves behind when the app's user lacks CREATEROLE: no recorded role.
    await t.db.query(`DELETE FROM db_console_role`);
  });
  afterAll(() => t.close());

  it('answers 503 DatabaseConsoleUnavailable and still lists tables (none readable)', async () => {
    const r = await t.http().post('/admin/api/database/query').set(admin).send({ sql: 'SELECT 1' });
    expectHfError(r, 503, 'DatabaseConsoleUnavailable');
    expect(r.body.error).toMatch(/may not create roles/);
    const tables = await t.http().get('/admin/api/database/tables').set(admin).expect(200);
    expect(tables.body.tables.flatMap((x: { columns: { readable: boolean }[] }) => x.columns).some((c: { readable: boolean }) => c.readable)).toBe(false);
  });
});
