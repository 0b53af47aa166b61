import { ADMIN_TOKEN, startTestApp, TestApp } from '../support/test-app';
import { createUserWithToken, uniqueName } from '../support/accounts';
import { expectHfError, tableCounts } from '../support/hf-error';

describe('accounts: register, login, sessions, tokens, whoami', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const register = (body: object) => t.http().post('/api/auth/register').send(body);

  it('registers, logs in with a session cookie, and reports /me', async () => {
    const username = uniqueName('reg');
    const res = await register({ username, email: `${username}@example.com`, password: 'long-enough-pw' }).expect(200);
    expect(res.body).toEqual({ success: true, message: 'User created successfully', username, email_verified: true });

    const login = await t.http().post('/api/auth/login').send({ username, password: 'long-enough-pw' }).expect(200);
    const cookie: string = login.headers['set-cookie'][0];
    expect(cookie).toMatch(/^hangar_session=hs_[A-Za-z0-9]{43};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Expires=/);
    const me = await t.http().get('/api/auth/me').set('Cookie', cookie).expect(200);
    expect(me.body).toMatchObject({ username, email: `${username}@example.com`, email_verified: true });

    // The session is stored as a hash only.
    const stored = await t.db.query(`SELECT encode(token_hash, 'hex') AS h FROM sessions`);
    const secret = cookie.split(';')[0].split('=')[1];
    expect(stored.rows.map((r) => r.h)).not.toContain(secret);

    await t.http().post('/api/auth/logout').set('Cookie', cookie).expect(200);
    expectHfError(await t.http().get('/api/auth/me').set('Cookie', cookie), 401, 'Unauthorized');
  });

  it('logs in by email address too, and refuses a wrong password without saying which part was wrong', async () => {
    const u = await createUserWithToken(t);
    await t.http().post('/api/auth/login').send({ username: `${u.username}@example.com`, password: u.password }).expect(200);
    expectHfError(await t.http().post('/api/auth/login').send({ username: u.username, password: 'nope-nope-nope' }), 401, 'InvalidCredentials');
    expectHfError(await t.http().post('/api/auth/login').send({ username: 'no-such-user', password: 'nope-nope-nope' }), 401, 'InvalidCredentials');
  });

  it('refuses bad registrations with the exact code and changes nothing', async () => {
    const existing = await createUserWithToken(t);
    const before = await tableCounts(t.db);
    const cases: [object, number, string][] = [
      [{ username: 'ok-name', email: 'x@example.com' }, 400, 'ValidationError'],
      [{ username: 123, email: 'x@example.com', password: 'long-enough-pw' }, 400, 'ValidationError'],
      [{ username: 'ok-name', email: 'not-an-email', password: 'long-enough-pw' }, 400, 'ValidationError'],
      [{ username: 'ok-name', email: 'x@example.com', password: 'long-enough-pw', isAdmin: true }, 400, 'ValidationError'],
      [{ username: 'ok-name', email: 'x@example.com', password: 'short' }, 400, 'WeakPassword'],
      [{ username: 'admin', email: 'x@example.com', password: 'long-enough-pw' }, 400, 'ReservedName'],
      [{ username: 'Models', email: 'x@example.com', password: 'long-enough-pw' }, 400, 'ReservedName'],
      [{ username: '-bad', email: 'x@example.com', password: 'long-enough-pw' }, 400, 'InvalidName'],
      [{ username: 'bad.', email: 'x@example.com', password: 'long-enough-pw' }, 400, 'InvalidName'],
      [{ username: 'a--b', email: 'x@example.com', password: 'long-enough-pw' }, 400, 'InvalidName'],
      [{ username: 'x', email: 'x@example.com', password: 'long-enough-pw' }, 400, 'InvalidName'],
      [{ username: "robert'); DROP TABLE users;--", email: 'x@example.com', password: 'long-enough-pw' }, 400, 'InvalidName'],
      [{ username: 'a/b', email: 'x@example.com', password: 'long-enough-pw' }, 400, 'InvalidName'],
      [{ username: 'x'.repeat(43), email: 'x@example.com', password: 'long-enough-pw' }, 400, 'InvalidName'],
      [{ username: existing.username.toUpperCase(), email: 'x@example.com', password: 'long-enough-pw' }, 409, 'NameTaken'],
      [{ username: 'fresh-name', email: `${existing.username.toUpperCase()}@EXAMPLE.com`, password: 'long-enough-pw' }, 409, 'EmailTaken'],
    ];
    for (const [body, status, code] of cases) {
      expectHfError(await register(body), status, code);
    }
    expect(await tableCounts(t.db)).toEqual(before);
  });

  it('answers malformed JSON with 400, not 500', async () => {
    const res = await t.http().post('/api/auth/register').set('Content-Type', 'application/json').send('{"username": ');
    expectHfError(res, 400, 'BadRequest');
  });

  it('issues tokens shown once, stored as sha256, listed without values, revocable', async () => {
    const u = await createUserWithToken(t);
    const auth = { Authorization: `Bearer ${u.token}` };
    expect(u.token).toMatch(/^hf_[A-Za-z0-9]{37}$/);
    const hashes = await t.db.query(`SELECT encode(token_hash, 'hex') AS h FROM api_tokens`);
    const sha = require('node:crypto').createHash('sha256').update(u.token).digest('hex');
    expect(hashes.rows.map((r) => r.h)).toContain(sha);

    const created = await t.http().post('/api/auth/tokens/create').set(auth).send({ name: 'ci', role: 'read', expires_in_days: 30 }).expect(200);
    expect(created.body).toMatchObject({ success: true, name: 'ci', role: 'read' });
    expect(new Date(created.body.expires_at).getTime()).toBeGreaterThan(Date.now() + 29 * 86400e3);

    const list = await t.http().get('/api/auth/tokens').set(auth).expect(200);
    expect(list.body.tokens.map((x: { name: string }) => x.name)).toEqual(['test', 'ci']);
    expect(JSON.stringify(list.body)).not.toContain(u.token);
    expect(JSON.stringify(list.body)).not.toContain(created.body.token);

    // A read token cannot create tokens.
    const readAuth = { Authorization: `Bearer ${created.body.token}` };
    expectHfError(await t.http().post('/api/auth/tokens/create').set(readAuth).send({ name: 'x' }), 403, 'ReadOnlyToken');

    await t.http().delete(`/api/auth/tokens/${created.body.token_id}`).set(auth).expect(200);
    expectHfError(await t.http().get('/api/whoami-v2').set(readAuth), 401, 'InvalidCredentials');
    expectHfError(await t.http().delete(`/api/auth/tokens/${created.body.token_id}`).set(auth), 404, 'TokenNotFound');
  });

  it('refuses bad token requests and cannot revoke another user’s token', async () => {
    const a = await createUserWithToken(t);
    const b = await createUserWithToken(t);
    const auth = { Authorization: `Bearer ${a.token}` };
    const before = await tableCounts(t.db);
    expectHfError(await t.http().post('/api/auth/tokens/create').set(auth).send({}), 400, 'ValidationError');
    expectHfError(await t.http().post('/api/auth/tokens/create').set(auth).send({ name: 'x', role: 'admin' }), 400, 'ValidationError');
    expectHfError(await t.http().post('/api/auth/tokens/create').set(auth).send({ name: 'x', expires_in_days: 0 }), 400, 'ValidationError');
    expectHfError(await t.http().post('/api/auth/tokens/create').set(auth).send({ name: 'x', expires_in_days: '5' }), 400, 'ValidationError');
    expectHfError(await t.http().post('/api/auth/tokens/create').send({ name: 'x' }), 401, 'Unauthorized');
    expectHfError(await t.http().delete('/api/auth/tokens/abc').set(auth), 400, 'ValidationError');
    expectHfError(await t.http().delete("/api/auth/tokens/1' OR '1'='1").set(auth), 400, 'ValidationError');
    const bTokens = await t.db.query(`SELECT t.id FROM api_tokens t JOIN namespaces n ON n.id = t.user_id WHERE n.name = $1`, [b.username]);
    expectHfError(await t.http().delete(`/api/auth/tokens/${bTokens.rows[0].id}`).set(auth), 404, 'TokenNotFound');
    expect(await tableCounts(t.db)).toEqual(before);
  });

  it('an expired token is refused', async () => {
    const u = await createUserWithToken(t);
    await t.db.query(`UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE user_id = (SELECT id FROM namespaces WHERE name = $1)`, [u.username]);
    expectHfError(await t.http().get('/api/whoami-v2').set('Authorization', `Bearer ${u.token}`), 401, 'TokenExpired'); // issue 14: an expired token says so
  });

  it('whoami-v2 answers in the public hub shape, with organizations and the token', async () => {
    const u = await createUserWithToken(t);
    const auth = { Authorization: `Bearer ${u.token}` };
    const org = uniqueName('org');
    await t.http().post('/org/create').set(auth).send({ name: org }).expect(200);
    const res = await t.http().get('/api/whoami-v2').set(auth).expect(200);
    expect(res.body).toMatchObject({
      type: 'user',
      name: u.username,
      email: `${u.username}@example.com`,
      emailVerified: true,
      orgs: [{ type: 'org', name: org, roleInOrg: 'admin' }], // a super-admin, by the Hub's name
      auth: { type: 'access_token', accessToken: { displayName: 'test', role: 'write' } },
    });
    expect(typeof res.body.id).toBe('string');
    expect(Number.isNaN(Date.parse(res.body.auth.accessToken.createdAt))).toBe(false);
    expectHfError(await t.http().get('/api/whoami-v2'), 401, 'Unauthorized');
    expectHfError(await t.http().get('/api/whoami-v2').set('Authorization', 'Bearer hf_notARealToken'), 401, 'InvalidCredentials');
    // git's HTTP Basic: any user name, the token as password.
    const basic = Buffer.from(`whatever:${u.token}`).toString('base64');
    await t.http().get('/api/whoami-v2').set('Authorization', `Basic ${basic}`).expect(200);
  });

  it('an invalid token is refused even on public routes', async () => {
    expectHfError(await t.http().get('/org/users/nobody-here/orgs').set('Authorization', 'Bearer hf_bogus'), 401, 'InvalidCredentials');
  });
});

describe('registration modes and email verification', () => {
  it('closed registration refuses everyone', async () => {
    const t = await startTestApp({ HANGAR_REGISTRATION: 'closed' });
    try {
      const before = await tableCounts(t.db);
      const res = await t.http().post('/api/auth/register').send({ username: 'closed-1', email: 'c@example.com', password: 'long-enough-pw' });
      expectHfError(res, 403, 'RegistrationClosed');
      expect(await tableCounts(t.db)).toEqual(before);
    } finally {
      await t.close();
    }
  });

  it('invitation-only registration needs a valid invitation', async () => {
    const t = await startTestApp({ HANGAR_REGISTRATION: 'invitation' });
    try {
      const body = { username: 'invited-1', email: 'i@example.com', password: 'long-enough-pw' };
      expectHfError(await t.http().post('/api/auth/register').send(body), 403, 'InvitationRequired');
      expectHfError(await t.http().post('/api/auth/register?invitation_token=forged').send(body), 400, 'InvalidInvitation');
      expect((await t.db.query('SELECT count(*)::int AS n FROM users')).rows[0].n).toBe(0);
    } finally {
      await t.close();
    }
  });

  it('with verification required, login waits for the emailed link, which works once', async () => {
    const t = await startTestApp({ HANGAR_REQUIRE_EMAIL_VERIFICATION: 'true' });
    const logged: string[] = [];
    const mailer = t.app.get(require('../../src/auth/mailer').Mailer);
    mailer.sendVerification = async (_to: string, _u: string, link: string) => void logged.push(link);
    try {
      const body = { username: 'verify-me', email: 'v@example.com', password: 'long-enough-pw' };
      const reg = await t.http().post('/api/auth/register').send(body).expect(200);
      expect(reg.body.email_verified).toBe(false);
      const credentials = { username: body.username, password: body.password };
      expectHfError(await t.http().post('/api/auth/login').send(credentials), 403, 'EmailNotVerified');
      expect(logged).toHaveLength(1);
      const link = new URL(logged[0]);
      expect(link.pathname).toBe('/api/auth/verify-email');
      expectHfError(await t.http().get('/api/auth/verify-email?token=ev_forged'), 400, 'InvalidToken');
      expectHfError(await t.http().get('/api/auth/verify-email'), 400, 'ValidationError');
      const ok = await t.http().get(`/api/auth/verify-email?token=${link.searchParams.get('token')}`);
      expect([ok.status, ok.body]).toEqual([200, { success: true, message: 'Email verified', username: 'verify-me' }]);
      expect(ok.body).toEqual({ success: true, message: 'Email verified', username: 'verify-me' });
      await t.http().post('/api/auth/login').send(credentials).expect(200);
      expectHfError(await t.http().get(`/api/auth/verify-email?token=${link.searchParams.get('token')}`), 400, 'InvalidToken');
    } finally {
      await t.close();
    }
  });
});

export { ADMIN_TOKEN };

describe('expired sessions', () => {
  it('the cleanup job deletes expired sessions only, once per cluster', async () => {
    const t = await startTestApp();
    try {
      const u = await createUserWithToken(t);
      await t.http().post('/api/auth/login').send({ username: u.username, password: u.password }).expect(200);
      await t.db.query(`UPDATE sessions SET expires_at = now() - interval '1 minute' WHERE id = (SELECT min(id) FROM sessions)`);
      const { SessionsCleanupJob } = require('../../src/auth/sessions/sessions-cleanup.job');
      const job = t.app.get(SessionsCleanupJob);
      const [a, b] = await Promise.all([job.run(), job.run()]);
      expect(a + b).toBe(1);
      expect((await t.db.query('SELECT count(*)::int AS n FROM sessions')).rows[0].n).toBe(1);
    } finally {
      await t.close();
    }
  });
});

describe('request ids', () => {
  it('a request the JSON parser rejects still carries X-Request-Id, in headers and the HF error', async () => {
    const t = await startTestApp();
    try {
      const res = await t.http().post('/api/auth/login').set('Content-Type', 'application/json').set('X-Request-Id', 'trace-me-42').send('{bad');
      expectHfError(res, 400, 'BadRequest');
      expect(res.headers['x-request-id']).toBe('trace-me-42');
      const metrics = await t.http().get('/metrics').expect(200);
      expect(metrics.text).toMatch(/hangar_http_requests_total\{[^}]*status="400"[^}]*\} 1/);
    } finally {
      await t.close();
    }
  });
});
