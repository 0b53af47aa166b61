import { ADMIN_TOKEN, startTestApp, TestApp } from '../support/test-app';
import { createUserWithToken, uniqueName } from '../support/accounts';
import { expectHfError, tableCounts } from '../support/hf-error';

const admin = { 'X-Admin-Token': ADMIN_TOKEN };

describe('admin API: users, rotation, audit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const newUser = (username: string, extra: object = {}) => ({
    username,
    email: `${username}@example.com`,
    password: 'long-enough-pw',
    email_verified: true,
    ...extra,
  });

  it('creates, reads, lists and searches users', async () => {
    const name = uniqueName('adm');
    const created = await t.http().post('/admin/api/users').set(admin).send(newUser(name, { private_quota_bytes: 1024 })).expect(200);
    expect(created.body).toMatchObject({
      username: name,
      email: `${name}@example.com`,
      email_verified: true,
      is_active: true,
      is_org: false,
      private_quota_bytes: 1024,
      public_quota_bytes: null,
      private_used_bytes: 0,
    });
    expect(JSON.stringify(created.body)).not.toMatch(/password|argon/);
    const stored = await t.db.query(`SELECT password_hash FROM users WHERE id = $1`, [created.body.id]);
    expect(stored.rows[0].password_hash).toMatch(/^\$argon2id\$/);

    const one = await t.http().get(`/admin/api/users/${name}`).set(admin).expect(200);
    expect(one.body).toMatchObject({ username: name, orgs: [] });

    const searched = await t.http().get(`/admin/api/users?search=${name}`).set(admin).expect(200);
    expect(searched.body.users.map((u: { username: string }) => u.username)).toEqual([name]);
    expect(searched.body).toMatchObject({ total: 1, limit: 100, offset: 0, search: name });

    // LIKE wildcards are literal: "%" matches nothing here.
    const wild = await t.http().get('/admin/api/users?search=%25').set(admin).expect(200);
    expect(wild.body.users).toEqual([]);
    const injection = await t.http().get(`/admin/api/users?search=${encodeURIComponent("' OR 1=1 --")}`).set(admin).expect(200);
    expect(injection.body.users).toEqual([]);

    const page = await t.http().get('/admin/api/users?limit=1&offset=0&include_orgs=true').set(admin).expect(200);
    expect(page.body.users).toHaveLength(1);
    expect(page.body.users[0].orgs).toEqual(expect.any(Array));
  });

  it('the created user logs in, and whoami works with a token', async () => {
    const u = await createUserWithToken(t);
    const who = await t.http().get('/api/whoami-v2').set('Authorization', `Bearer ${u.token}`).expect(200);
    expect(who.body.name).toBe(u.username);
  });

  it('refuses a missing, weak or wrong admin token, and Bearer works too', async () => {
    const before = await tableCounts(t.db);
    expectHfError(await t.http().get('/admin/api/users'), 401, 'AdminTokenRequired');
    expectHfError(await t.http().get('/admin/api/users').set('X-Admin-Token', 'wrong'), 403, 'InvalidAdminToken');
    expectHfError(await t.http().get('/admin/api/users').set('X-Admin-Token', ADMIN_TOKEN + 'x'), 403, 'InvalidAdminToken');
    expectHfError(await t.http().post('/admin/api/users').set('X-Admin-Token', 'change-me-in-production').send(newUser('sneaky')), 403, 'InvalidAdminToken');
    // A user's own token is not an admin token.
    const u = await createUserWithToken(t);
    const afterUser = await tableCounts(t.db);
    expectHfError(await t.http().get('/admin/api/users').set('Authorization', `Bearer ${u.token}`), 403, 'InvalidAdminToken');
    await t.http().get('/admin/api/users').set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);
    expect(afterUser.users).toBe(before.users + 1);
    expect(await tableCounts(t.db)).toEqual(afterUser);
  });

  it('refuses bad user input with exact codes and changes nothing', async () => {
    const taken = await createUserWithToken(t);
    const before = await tableCounts(t.db);
    const cases: [object, number, string][] = [
      [{ username: 'no-email', password: 'long-enough-pw' }, 400, 'ValidationError'],
      [newUser('typed', { email_verified: 'yes' }), 400, 'ValidationError'],
      [newUser('typed2', { private_quota_bytes: -1 }), 400, 'ValidationError'],
      [newUser('typed3', { private_quota_bytes: 1.5 }), 400, 'ValidationError'],
      [newUser('api'), 400, 'ReservedName'],
      [newUser('spaces'), 400, 'ReservedName'],
      [{ ...newUser('bad name'), email: 'bad@example.com' }, 400, 'InvalidName'],
      [{ ...newUser('<script>'), email: 'script@example.com' }, 400, 'InvalidName'],
      [{ ...newUser(taken.username.toUpperCase()), email: 'other@example.com' }, 409, 'NameTaken'],
      [{ ...newUser('other-name'), email: `${taken.username}@example.com` }, 409, 'EmailTaken'],
    ];
    for (const [body, status, code] of cases) {
      expectHfError(await t.http().post('/admin/api/users').set(admin).send(body), status, code);
    }
    expectHfError(await t.http().get('/admin/api/users?limit=0').set(admin), 400, 'ValidationError');
    expectHfError(await t.http().get('/admin/api/users?limit=abc').set(admin), 400, 'ValidationError');
    expectHfError(await t.http().get('/admin/api/users?include_orgs=maybe').set(admin), 400, 'ValidationError');
    expectHfError(await t.http().get('/admin/api/users/ghost').set(admin), 404, 'UserNotFound');
    expectHfError(await t.http().delete('/admin/api/users/ghost').set(admin), 404, 'UserNotFound');
    expect(await tableCounts(t.db)).toEqual(before);
  });

  it('sets email verification and quotas', async () => {
    const u = await createUserWithToken(t);
    const v = await t.http().patch(`/admin/api/users/${u.username}/email-verification?verified=false`).set(admin).expect(200);
    expect(v.body).toEqual({ username: u.username, email: `${u.username}@example.com`, email_verified: false });
    expectHfError(await t.http().patch(`/admin/api/users/${u.username}/email-verification`).set(admin), 400, 'ValidationError');

    const q = await t.http().put(`/admin/api/users/${u.username}/quota`).set(admin).send({ private_quota_bytes: 10737418240, public_quota_bytes: null }).expect(200);
    expect(q.body).toEqual({
      username: u.username,
      private_quota_bytes: 10737418240,
      public_quota_bytes: null,
      private_used_bytes: 0,
      public_used_bytes: 0,
    });
    expectHfError(await t.http().put(`/admin/api/users/${u.username}/quota`).set(admin).send({ private_quota_bytes: '10' , public_quota_bytes: null }), 400, 'ValidationError');
    expectHfError(await t.http().put(`/admin/api/users/${u.username}/quota`).set(admin).send({}), 400, 'ValidationError');
    const row = await t.db.query(`SELECT private_quota_bytes FROM users WHERE id = (SELECT id FROM namespaces WHERE name = $1)`, [u.username]);
    expect(Number(row.rows[0].private_quota_bytes)).toBe(10737418240);
  });

  it('rotate-token returns a new token once and revokes every other token and session', async () => {
    const u = await createUserWithToken(t);
    const login = await t.http().post('/api/auth/login').send({ username: u.username, password: u.password }).expect(200);
    const cookie = login.headers['set-cookie'];
    const res = await t.http().post(`/admin/api/users/${u.username}/rotate-token`).set(admin).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.token).toMatch(/^hf_/);
    expectHfError(await t.http().get('/api/whoami-v2').set('Authorization', `Bearer ${u.token}`), 401, 'InvalidCredentials');
    expectHfError(await t.http().get('/api/auth/me').set('Cookie', cookie), 401, 'Unauthorized');
    const who = await t.http().get('/api/whoami-v2').set('Authorization', `Bearer ${res.body.token}`).expect(200);
    expect(who.body.name).toBe(u.username);
  });

  it('deletes a user with their tokens, sessions and memberships', async () => {
    const u = await createUserWithToken(t);
    const org = uniqueName('org');
    await t.http().post('/org/create').set('Authorization', `Bearer ${u.token}`).send({ name: org }).expect(200);
    const res = await t.http().delete(`/admin/api/users/${u.username}`).set(admin).expect(200);
    expect(res.body).toEqual({ message: `User deleted: ${u.username}`, deleted_repositories: [] });
    expectHfError(await t.http().get(`/admin/api/users/${u.username}`).set(admin), 404, 'UserNotFound');
    expectHfError(await t.http().get('/api/whoami-v2').set('Authorization', `Bearer ${u.token}`), 401, 'InvalidCredentials');
    const left = await t.db.query(`SELECT count(*)::int AS n FROM memberships m JOIN namespaces n ON n.id = m.org_id WHERE n.name = $1`, [org]);
    expect(left.rows[0].n).toBe(0);
  });

  it('records every admin action in the audit log, without secrets, filterable and paged', async () => {
    const name = uniqueName('aud');
    await t.http().post('/admin/api/users').set(admin).send(newUser(name)).expect(200);
    await t.http().post('/admin/api/users').set(admin).send(newUser(name)).expect(409);
    await t.http().post(`/admin/api/users/${name}/rotate-token`).set(admin).expect(200);

    const all = await t.http().get(`/admin/api/audit?target=user:${name}`).set(admin).expect(200);
    expect(all.body.entries.map((e: { action: string; result: string; status: number }) => [e.action, e.result, e.status])).toEqual([
      ['user.rotate-token', 'success', 200],
      ['user.create', 'failure', 409],
      ['user.create', 'success', 200],
    ]);
    const created = all.body.entries[2];
    expect(created.actor).toMatch(/^admin:[0-9a-f]{12}$/);
    expect(created.params).toMatchObject({ username: name, password: '[redacted]' });
    expect(created.request_id).toEqual(expect.any(String));
    expect(JSON.stringify(all.body)).not.toContain('long-enough-pw');
    expect(JSON.stringify(all.body)).not.toContain(ADMIN_TOKEN);

    const failures = await t.http().get(`/admin/api/audit?target=user:${name}&result=failure`).set(admin).expect(200);
    expect(failures.body.total).toBe(1);
    const paged = await t.http().get(`/admin/api/audit?target=user:${name}&limit=1&offset=1`).set(admin).expect(200);
    expect(paged.body.entries.map((e: { action: string }) => e.action)).toEqual(['user.create']);
    expectHfError(await t.http().get('/admin/api/audit?since=yesterday').set(admin), 400, 'ValidationError');
    expectHfError(await t.http().get('/admin/api/audit?result=maybe').set(admin), 400, 'ValidationError');
  });
});

describe('admin API disabled', () => {
  it('answers 403 AdminDisabled when HANGAR_ADMIN_TOKEN is unset', async () => {
    const t = await startTestApp({ HANGAR_ADMIN_TOKEN: '' });
    try {
      expectHfError(await t.http().get('/admin/api/users').set('X-Admin-Token', ADMIN_TOKEN), 403, 'AdminDisabled');
      expectHfError(await t.http().post('/admin/api/users').send({}), 403, 'AdminDisabled');
    } finally {
      await t.close();
    }
  });
});
