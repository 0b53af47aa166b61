import { uniqueName } from './accounts';

/**
 * A user and a write token on a Hangar reached over HTTP only (a started process, a cluster):
 * created through the admin API, then a login session makes the token.
 */
export async function createUserOverHttp(url: string, adminToken: string, prefix = 'user'): Promise<{ name: string; token: string }> {
  const name = uniqueName(prefix);
  const password = `pw-${name}-long-enough`;
  const created = await fetch(`${url}/admin/api/users`, {
    method: 'POST',
    headers: { 'X-Admin-Token': adminToken, 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: name, email: `${name}@example.com`, password, email_verified: true }),
  });
  if (created.status !== 200) throw new Error(`creating ${name}: ${created.status} ${await created.text()}`);
  const login = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: name, password }) });
  if (login.status !== 200) throw new Error(`login of ${name}: ${login.status} ${await login.text()}`);
  const cookie = login.headers.get('set-cookie')!.split(';')[0];
  const token = await fetch(`${url}/api/auth/tokens/create`, { method: 'POST', headers: { Cookie: cookie, 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'test', role: 'write' }) });
  if (token.status !== 200) throw new Error(`token of ${name}: ${token.status} ${await token.text()}`);
  return { name, token: ((await token.json()) as { token: string }).token };
}
