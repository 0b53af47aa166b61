import type { TestApp } from './test-app';
import { ADMIN_TOKEN } from './test-app';

export interface TestUser {
  username: string;
  password: string;
  token: string;
}

let counter = 0;

/** A unique, valid username for this process. */
export function uniqueName(prefix = 'user'): string {
  counter += 1;
  return `${prefix}-${process.pid % 10000}-${counter}`;
}

/** Creates a user through the admin API and a write token for it (through a login session). */
export async function createUserWithToken(t: TestApp, username = uniqueName(), role: 'read' | 'write' = 'write'): Promise<TestUser> {
  const password = `pw-${username}-long-enough`;
  await t
    .http()
    .post('/admin/api/users')
    .set('X-Admin-Token', ADMIN_TOKEN)
    .send({ username, email: `${username}@example.com`, password, email_verified: true })
    .expect(200);
  const login = await t.http().post('/api/auth/login').send({ username, password }).expect(200);
  const cookie = login.headers['set-cookie'];
  const created = await t.http().post('/api/auth/tokens/create').set('Cookie', cookie).send({ name: 'test', role }).expect(200);
  return { username, password, token: created.body.token };
}
