import { startTestApp, TestApp } from '../support/test-app';
import { createUserWithToken } from '../support/accounts';
import { expectHfError } from '../support/hf-error';

describe('token expiry and rotation', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const login = async (username: string, password: string) =>
    (await t.http().post('/api/auth/login').send({ username, password }).expect(200)).headers['set-cookie'] as unknown as string[];

  it('expires_at or expires_in_days; an expired token answers 401 TokenExpired; whoami-v2 shows the role', async () => {
    const u = await createUserWithToken(t);
    const cookie = await login(u.username, u.password);
    const at = new Date(Date.now() + 7 * 86400_000).toISOString();
    const made = await t.http().post('/api/auth/tokens/create').set('Cookie', cookie).send({ name: 'short', role: 'read', expires_at: at }).expect(200);
    expect(made.body.expires_at).toBe(at);
    const who = await t.http().get('/api/whoami-v2').set('Authorization', `Bearer ${made.body.token}`).expect(200);
    expect(who.body.auth.accessToken.role).toBe('read');
    expectHfError(await t.http().post('/api/auth/tokens/create').set('Cookie', cookie).send({ name: 'x', expires_at: '2001-01-01T00:00:00Z' }), 400, 'BadRequest');
    expectHfError(await t.http().post('/api/auth/tokens/create').set('Cookie', cookie).send({ name: 'x', expires_at: at, expires_in_days: 3 }), 400, 'BadRequest');
    expectHfError(await t.http().post('/api/auth/tokens/create').set('Cookie', cookie).send({ name: 'x', expires_at: 'tomorrow' }), 400, 'ValidationError');
    // Its time passes (moved in the database: no waiting in tests).
    await t.db.query(`UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = $1`, [made.body.token_id]);
    const expired = await t.http().get('/api/whoami-v2').set('Authorization', `Bearer ${made.body.token}`);
    expectHfError(expired, 401, 'TokenExpired');
    expect(expired.headers['x-error-message']).toMatch(/expired/);
  });

  it('rotating a token: new value once with no-store, the old one dead at once, sessions ended when asked', async () => {
    const u = await createUserWithToken(t);
    const cookie = await login(u.username, u.password);
    const tokens = await t.http().get('/api/auth/tokens').set('Cookie', cookie).expect(200);
    const id = tokens.body.tokens[0].id;
    const rotated = await t.http().post(`/api/auth/tokens/${id}/rotate`).set('Cookie', cookie).send({}).expect(200);
    expect(rotated.headers['cache-control']).toBe('no-store');
    expect(rotated.body).toMatchObject({ username: u.username, name: 'test', role: 'write', sessions_ended: false });
    expectHfError(await t.http().get('/api/whoami-v2').set('Authorization', `Bearer ${u.token}`), 401, 'InvalidCredentials');
    await t.http().get('/api/whoami-v2').set('Authorization', `Bearer ${rotated.body.new_api_key}`).expect(200);
    await t.http().get('/api/auth/me').set('Cookie', cookie).expect(200);
    expectHfError(await t.http().post(`/api/auth/tokens/${id}/rotate`).set('Cookie', cookie).send({}), 404, 'TokenNotFound');

    // docsfy's route rotates the token the request carries and ends the sessions.
    const again = await t.http().post('/api/me/rotate-key').set('Authorization', `Bearer ${rotated.body.new_api_key}`).send({}).expect(200);
    expect(again.headers['cache-control']).toBe('no-store');
    expect(again.body.sessions_ended).toBe(true);
    expectHfError(await t.http().get('/api/whoami-v2').set('Authorization', `Bearer ${rotated.body.new_api_key}`), 401, 'InvalidCredentials');
    await t.http().get('/api/whoami-v2').set('Authorization', `Bearer ${again.body.new_api_key}`).expect(200);
    expectHfError(await t.http().get('/api/auth/me').set('Cookie', cookie), 401, 'Unauthorized');
    // A session has no token of its own to rotate.
    const cookie2 = await login(u.username, u.password);
    expectHfError(await t.http().post('/api/me/rotate-key').set('Cookie', cookie2).send({}), 400, 'NoTokenToRotate');
  });

  it('a read token cannot turn itself into a write one by rotating a write token', async () => {
    const u = await createUserWithToken(t);
    const cookie = await login(u.username, u.password);
    const read = await t.http().post('/api/auth/tokens/create').set('Cookie', cookie).send({ name: 'r', role: 'read' }).expect(200);
    const tokens = await t.http().get('/api/auth/tokens').set('Cookie', cookie).expect(200);
    const writeId = tokens.body.tokens.find((x: { role: string }) => x.role === 'write').id;
    expectHfError(await t.http().post(`/api/auth/tokens/${writeId}/rotate`).set('Authorization', `Bearer ${read.body.token}`).send({}), 403, 'ReadOnlyToken');
    await t.http().get('/api/whoami-v2').set('Authorization', `Bearer ${u.token}`).expect(200);
    const self = await t.http().post('/api/me/rotate-key').set('Authorization', `Bearer ${read.body.token}`).send({ end_sessions: false }).expect(200);
    expect(self.body.role).toBe('read');
  });
});
