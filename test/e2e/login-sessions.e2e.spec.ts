import { startTestApp, TestApp } from '../support/test-app';
import { createUserWithToken, uniqueName } from '../support/accounts';
import { expectHfError } from '../support/hf-error';

describe('login throttling, sessions, password change', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const attempt = (username: string, password: string) => t.http().post('/api/auth/login').send({ username, password });

  it('answers 429 with Retry-After after repeated failures, the same for a missing account, and lets the right password in after the lock', async () => {
    const u = await createUserWithToken(t);
    const ghost = uniqueName('ghost');
    for (const name of [u.username, ghost]) {
      for (let i = 0; i < 5; i += 1) expectHfError(await attempt(name, 'wrong-password'), 401, 'InvalidCredentials');
    }
    const locked = await attempt(u.username, u.password);
    expectHfError(locked, 429, 'TooManyLoginAttempts');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    // An account that does not exist is throttled just the same: the answers tell nothing.
    const lockedGhost = await attempt(ghost, 'wrong-password');
    expectHfError(lockedGhost, 429, 'TooManyLoginAttempts');
    expect(lockedGhost.body.error).toBe(locked.body.error.replace(/\d+ seconds/, `${lockedGhost.headers['retry-after']} seconds`));
    // Another account from the same address still signs in.
    const other = await createUserWithToken(t);
    await attempt(other.username, other.password).expect(200);
    // The lock ends (moved in the database: no waiting in tests); the right password works and clears the count.
    await t.db.query(`UPDATE login_throttle SET locked_until = now() - interval '1 second' WHERE key = $1`, [`login:${u.username.toLowerCase()}`]);
    await attempt(u.username, u.password).expect(200);
    expectHfError(await attempt(u.username, 'wrong-password'), 401, 'InvalidCredentials');
    await attempt(u.username, u.password).expect(200);
  });

  it('a scheduled job, once per cluster, removes throttle rows whose window and lock are over, and keeps the ones that still count', async () => {
    const key = (name: string) => `login:${name}`;
    const [stale, staleLockEnded, recent, locked] = ['stale', 'lock-ended', 'recent', 'locked'].map((n) => key(uniqueName(n)));
    await t.db.query(
      `INSERT INTO login_throttle (key, failures, window_start, locked_until) VALUES
         ($1, 3, now() - interval '2 hours', NULL),
         ($2, 9, now() - interval '2 hours', now() - interval '1 minute'),
         ($3, 2, now() - interval '1 minute', NULL),
         ($4, 9, now() - interval '2 hours', now() + interval '10 minutes')`,
      [stale, staleLockEnded, recent, locked],
    );
    const { LoginThrottleCleanupJob } = require('../../src/auth/login/login-throttle-cleanup.job');
    const job = t.app.get(LoginThrottleCleanupJob);
    const [a, b] = await Promise.all([job.run(), job.run()]);
    expect(a + b).toBe(2);
    const left = (await t.db.query(`SELECT key FROM login_throttle WHERE key = ANY($1) ORDER BY key`, [[stale, staleLockEnded, recent, locked]])).rows.map((r: { key: string }) => r.key);
    expect(left).toEqual([recent, locked].sort());
    // What is left still counts: the locked key stays refused.
    expectHfError(await attempt(locked.slice('login:'.length), 'whatever'), 429, 'TooManyLoginAttempts');
  });

  it('lists and ends its own sessions; a password change needs the old one and ends the other sessions', async () => {
    const u = await createUserWithToken(t);
    const cookieA = (await attempt(u.username, u.password).expect(200)).headers['set-cookie'] as unknown as string[];
    const cookieB = (await attempt(u.username, u.password).expect(200)).headers['set-cookie'] as unknown as string[];
    const listed = await t.http().get('/api/auth/sessions').set('Cookie', cookieA).expect(200);
    // createUserWithToken's own login, A and B.
    expect(listed.body.sessions).toHaveLength(3);
    expect(listed.body.sessions.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
    const other = (await t.http().get('/api/auth/sessions').set('Cookie', cookieB).expect(200)).body.sessions.find((s: { current: boolean }) => s.current);
    await t.http().delete(`/api/auth/sessions/${other.id}`).set('Cookie', cookieA).expect(200);
    expectHfError(await t.http().get('/api/auth/me').set('Cookie', cookieB), 401, 'Unauthorized');
    expectHfError(await t.http().delete(`/api/auth/sessions/${other.id}`).set('Cookie', cookieA), 404, 'SessionNotFound');
    // Another user's session is not yours to end.
    const stranger = await createUserWithToken(t);
    expectHfError(await t.http().delete(`/api/auth/sessions/${listed.body.sessions[0].id}`).set('Authorization', `Bearer ${stranger.token}`), 404, 'SessionNotFound');

    const cookieC = (await attempt(u.username, u.password).expect(200)).headers['set-cookie'] as unknown as string[];
    expectHfError(await t.http().post('/api/auth/password').set('Cookie', cookieA).send({ old_password: 'wrong-password', new_password: 'a brand new passphrase' }), 403, 'WrongPassword');
    expectHfError(await t.http().post('/api/auth/password').set('Cookie', cookieA).send({ old_password: u.password, new_password: 'short' }), 400, 'WeakPassword');
    await t.http().post('/api/auth/password').set('Cookie', cookieA).send({ old_password: u.password, new_password: 'a brand new passphrase' }).expect(200);
    await t.http().get('/api/auth/me').set('Cookie', cookieA).expect(200);
    expectHfError(await t.http().get('/api/auth/me').set('Cookie', cookieC), 401, 'Unauthorized');
    expectHfError(await attempt(u.username, u.password), 401, 'InvalidCredentials');
    await attempt(u.username, 'a brand new passphrase').expect(200);
  });
});
