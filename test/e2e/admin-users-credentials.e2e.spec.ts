import { ADMIN_TOKEN, startTestApp, TestApp } from '../support/test-app';
import { createUserWithToken, uniqueName } from '../support/accounts';
import { expectHfError, tableCounts } from '../support/hf-error';
import { commit, createRepo, file, header } from '../support/repos';

const admin = { 'X-Admin-Token': ADMIN_TOKEN };

describe('admin API: user sort, activation, credentials, forced delete', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('sorts the user list by a whitelisted column and refuses any other', async () => {
    const prefix = uniqueName('srt');
    for (const n of ['c', 'a', 'b']) await createUserWithToken(t, `${prefix}-${n}`);
    const asc = await t.http().get(`/admin/api/users?search=${prefix}&sort=username`).set(admin).expect(200);
    expect(asc.body.users.map((u: { username: string }) => u.username)).toEqual(['a', 'b', 'c'].map((n) => `${prefix}-${n}`));
    const desc = await t.http().get(`/admin/api/users?search=${prefix}&sort=username&order=desc&limit=2`).set(admin).expect(200);
    expect(desc.body.users.map((u: { username: string }) => u.username)).toEqual(['c', 'b'].map((n) => `${prefix}-${n}`));
    expect(desc.body).toMatchObject({ total: 3, limit: 2, offset: 0 });
    for (const u of desc.body.users) {
      expect(u).toEqual(expect.objectContaining({ private_quota_bytes: null, public_quota_bytes: null, private_used_bytes: 0, public_used_bytes: 0 }));
    }
    expectHfError(await t.http().get('/admin/api/users?sort=password_hash').set(admin), 400, 'ValidationError');
    expectHfError(await t.http().get('/admin/api/users?sort=id;DROP TABLE users').set(admin), 400, 'ValidationError');
  });

  it('deactivation stops the tokens and sessions at once; activation restores them', async () => {
    const u = await createUserWithToken(t);
    const login = await t.http().post('/api/auth/login').send({ username: u.username, password: u.password }).expect(200);
    const cookie = login.headers['set-cookie'] as unknown as string[];
    await t.http().get('/api/whoami-v2').set('Authorization', `Bearer ${u.token}`).expect(200);
    await t.http().get('/api/auth/me').set('Cookie', cookie).expect(200);

    const off = await t.http().post(`/admin/api/users/${u.username}/deactivate`).set(admin).expect(200);
    expect(off.body).toEqual({ username: u.username, is_active: false });
    expectHfError(await t.http().get('/api/whoami-v2').set('Authorization', `Bearer ${u.token}`), 401, 'InvalidCredentials');
    expectHfError(await t.http().get('/api/auth/me').set('Cookie', cookie), 401, 'Unauthorized');
    expectHfError(await t.http().post('/api/auth/login').send({ username: u.username, password: u.password }), 403, 'AccountDisabled');
    expect((await t.http().get(`/admin/api/users/${u.username}`).set(admin).expect(200)).body.is_active).toBe(false);

    await t.http().post(`/admin/api/users/${u.username}/activate`).set(admin).expect(200);
    await t.http().get('/api/whoami-v2').set('Authorization', `Bearer ${u.token}`).expect(200);
    await t.http().get('/api/auth/me').set('Cookie', cookie).expect(200);
    expectHfError(await t.http().post('/admin/api/users/no-such-user-here/deactivate').set(admin), 404, 'UserNotFound');
    const audit = await t.db.query(`SELECT action FROM audit_log WHERE target = $1 ORDER BY id`, [`user:${u.username}`]);
    expect(audit.rows.map((r) => r.action)).toEqual(expect.arrayContaining(['user.deactivate', 'user.activate']));
  });

  it('lists a user’s sessions and tokens without secrets, and revokes one of each', async () => {
    const u = await createUserWithToken(t);
    const login = await t.http().post('/api/auth/login').send({ username: u.username, password: u.password }).expect(200);
    const cookie = login.headers['set-cookie'] as unknown as string[];
    const creds = await t.http().get(`/admin/api/users/${u.username}/credentials`).set(admin).expect(200);
    expect(creds.body.username).toBe(u.username);
    expect(creds.body.sessions.length).toBe(2); // createUserWithToken's login and this one
    expect(creds.body.tokens).toEqual([expect.objectContaining({ name: 'test', role: 'write', expires_at: null })]);
    expect(JSON.stringify(creds.body)).not.toContain(u.token);
    expect(JSON.stringify(creds.body)).not.toMatch(/hash|hs_/);

    // A stranger's id is not this user's: 404, and nothing goes.
    const other = await createUserWithToken(t);
    const otherToken = (await t.http().get(`/admin/api/users/${other.username}/credentials`).set(admin).expect(200)).body.tokens[0].id;
    const before = await tableCounts(t.db);
    expectHfError(await t.http().delete(`/admin/api/users/${u.username}/tokens/${otherToken}`).set(admin), 404, 'TokenNotFound');
    expectHfError(await t.http().delete(`/admin/api/users/${u.username}/tokens/abc`).set(admin), 400, 'ValidationError');
    expect(await tableCounts(t.db)).toEqual(before);

    for (const s of creds.body.sessions) await t.http().delete(`/admin/api/users/${u.username}/sessions/${s.id}`).set(admin).expect(200);
    expectHfError(await t.http().get('/api/auth/me').set('Cookie', cookie), 401, 'Unauthorized');
    await t.http().delete(`/admin/api/users/${u.username}/tokens/${creds.body.tokens[0].id}`).set(admin).expect(200);
    expectHfError(await t.http().get('/api/whoami-v2').set('Authorization', `Bearer ${u.token}`), 401, 'InvalidCredentials');
    expect((await t.http().get(`/admin/api/users/${u.username}/credentials`).set(admin).expect(200)).body).toMatchObject({ sessions: [], tokens: [] });
    await t.http().get('/api/whoami-v2').set('Authorization', `Bearer ${other.token}`).expect(200);
  });

  it('delete: 409 listing owned repositories, force deletes them and their storage usage', async () => {
    const u = await createUserWithToken(t);
    await createRepo(t, u.token, 'kept').expect(200);
    await createRepo(t, u.token, 'data', { type: 'dataset' }).expect(200);
    await commit(t, u.token, `${u.username}/kept`, [header('add'), file('a.txt', 'hello world')]).expect(200);
    const before = await tableCounts(t.db);
    const refused = await t.http().delete(`/admin/api/users/${u.username}`).set(admin);
    expectHfError(refused, 409, 'UserOwnsRepositories');
    expect(refused.body.owned_repositories.sort()).toEqual([`dataset:${u.username}/data`, `model:${u.username}/kept`]);
    expect(await tableCounts(t.db)).toEqual(before);

    const forced = await t.http().delete(`/admin/api/users/${u.username}?force=true`).set(admin).expect(200);
    expect(forced.body.deleted_repositories.sort()).toEqual([`dataset:${u.username}/data`, `model:${u.username}/kept`]);
    expectHfError(await t.http().get(`/admin/api/users/${u.username}`).set(admin), 404, 'UserNotFound');
    await t.http().get(`/api/models/${u.username}/kept`).expect(401);
  });
});
