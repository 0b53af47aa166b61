import { startTestApp, TestApp } from '../support/test-app';
import { createUserWithToken, uniqueName } from '../support/accounts';
import { expectHfError } from '../support/hf-error';

describe('login throttling', () => {
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
});
