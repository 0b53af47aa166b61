import { rmSync } from 'node:fs';
import { addFallbackSource, startNode, stop, type Node } from '../support/fallback-nodes';
import { waitUntil } from '../support/wait';
import { freshDataDir } from '../support/hangar-process';
import { createUserOverHttp } from '../support/http-accounts';
import { createTestDatabase, dropTestDatabase } from '../support/postgres';
import { ADMIN_TOKEN } from '../support/test-app';
import { uniqueName } from '../support/accounts';

interface Overview {
  user?: string;
  name?: string;
  fullname: string;
  avatarUrl: string;
  orgs?: { name: string; avatarUrl: string }[];
}

/**
 * Issue 18, the user/org/avatar lookups huggingface_hub makes (get_user_overview,
 * get_organization_overview, list_organization_members, list_user_followers/following), read
 * through from A (a real Hangar process) by B when the name is not B's.
 */
describe('fallback read-through of users, organizations and avatars (two real Hangar processes)', () => {
  const dbs: string[] = [];
  const dirs: string[] = [];
  let a: Node;
  let b: Node;
  let alice: { name: string; token: string };
  let fan: { name: string; token: string };
  let org: string;
  let sourceId: number;

  beforeAll(async () => {
    const dbA = await createTestDatabase('fpa');
    const dbB = await createTestDatabase('fpb');
    dbs.push(dbA.name, dbB.name);
    const dirA = freshDataDir('hangar-fallback-pa-');
    const dirB = freshDataDir('hangar-fallback-pb-');
    dirs.push(dirA, dirB);
    [a, b] = await Promise.all([startNode(dbA.url, dirA), startNode(dbB.url, dirB, { HANGAR_FALLBACK_REF_TTL_SECONDS: '0', HANGAR_FALLBACK_TIMEOUT_SECONDS: '5' })]);
    alice = await createUserOverHttp(a.url, ADMIN_TOKEN, 'alice');
    fan = await createUserOverHttp(a.url, ADMIN_TOKEN, 'fan');
    org = uniqueName('acme');
    const created = await fetch(`${a.url}/org/create`, { method: 'POST', headers: { Authorization: `Bearer ${alice.token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ name: org, fullname: 'Acme upstream' }) });
    expect(created.status).toBe(200);
    expect((await fetch(`${a.url}/api/users/${alice.name}/follow`, { method: 'POST', headers: { Authorization: `Bearer ${fan.token}` } })).status).toBe(200);
    sourceId = await addFallbackSource([b], { url: a.url, name: 'upstream A', source_type: 'hangar' });
  }, 240_000);

  afterAll(async () => {
    await Promise.all([a, b].filter(Boolean).map(stop));
    for (const d of dbs) await dropTestDatabase(d);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  const json = async <T>(url: string) => {
    const res = await fetch(url);
    expect(res.status).toBe(200);
    return { body: (await res.json()) as T, res };
  };

  it('answers user and organization overviews, members and followers of names only A has, with every avatar URL pointing at B', async () => {
    const { body: user, res } = await json<Overview>(`${b.url}/api/users/${alice.name}/overview`);
    expect(res.headers.get('x-hangar-fallback')).toBe(encodeURIComponent('upstream A'));
    expect(user.user).toBe(alice.name);
    expect(user.avatarUrl).toBe(`${b.url}/api/users/${alice.name}/avatar`);
    expect(user.orgs).toEqual([expect.objectContaining({ name: org, avatarUrl: `${b.url}/api/organizations/${org}/avatar` })]);
    const { body: o } = await json<Overview>(`${b.url}/api/organizations/${org}/overview`);
    expect([o.name, o.fullname, o.avatarUrl]).toEqual([org, 'Acme upstream', `${b.url}/api/organizations/${org}/avatar`]);
    const { body: members } = await json<{ user: string; avatarUrl: string }[]>(`${b.url}/api/organizations/${org}/members`);
    expect(members).toEqual([expect.objectContaining({ user: alice.name, avatarUrl: `${b.url}/api/users/${alice.name}/avatar` })]);
    const { body: followers } = await json<{ user: string; avatarUrl: string }[]>(`${b.url}/api/users/${alice.name}/followers`);
    expect(followers).toEqual([expect.objectContaining({ user: fan.name, avatarUrl: `${b.url}/api/users/${fan.name}/avatar` })]);
    const { body: following } = await json<{ user: string }[]>(`${b.url}/api/users/${fan.name}/following`);
    expect(following.map((f) => f.user)).toEqual([alice.name]);
    // Nothing in any answer names A.
    for (const body of [user, o, members, followers, following]) expect(JSON.stringify(body)).not.toContain(a.url);
  });

  it("relays A's avatar picture through B", async () => {
    const upstream = await fetch(`${a.url}/api/users/${alice.name}/avatar`);
    const relayed = await fetch(`${b.url}/api/users/${alice.name}/avatar`);
    expect(relayed.status).toBe(200);
    expect(relayed.headers.get('content-type')).toContain(upstream.headers.get('content-type')!.split(';')[0]);
    expect(Buffer.from(await relayed.arrayBuffer()).equals(Buffer.from(await upstream.arrayBuffer()))).toBe(true);
    expect(relayed.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect((await fetch(`${b.url}/api/organizations/${org}/avatar`)).status).toBe(200);
  });

  it('lets a local user or organization win, and a source scoped to another namespace serve nothing for this one', async () => {
    const local = await fetch(`${b.url}/admin/api/users`, {
      method: 'POST',
      headers: { 'X-Admin-Token': ADMIN_TOKEN, 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: fan.name, email: `${fan.name}@b.example.com`, password: 'a-long-enough-password', email_verified: true }),
    });
    expect(local.status).toBe(200);
    const { body, res } = await json<{ user: string; numFollowing: number }>(`${b.url}/api/users/${fan.name}/overview`);
    expect(res.headers.get('x-hangar-fallback')).toBeNull();
    expect([body.user, body.numFollowing]).toEqual([fan.name, 0]);

    const scope = async (namespace: string) => {
      const put = await fetch(`${b.url}/admin/api/fallback-sources/${sourceId}`, { method: 'PUT', headers: { 'X-Admin-Token': ADMIN_TOKEN, 'Content-Type': 'application/json' }, body: JSON.stringify({ namespace }) });
      expect(put.status).toBe(200);
    };
    await scope('someone-else');
    await waitUntil(async () => (await fetch(`${b.url}/api/users/${alice.name}/overview`)).status === 404);
    const missing = await fetch(`${b.url}/api/users/${alice.name}/overview`);
    expect(missing.headers.get('x-error-code')).toBe('UserNotFound');
    await scope(org);
    await waitUntil(async () => (await fetch(`${b.url}/api/organizations/${org}/overview`)).status === 200);
    expect((await fetch(`${b.url}/api/users/${alice.name}/overview`)).status).toBe(404);
    await scope('');
    await waitUntil(async () => (await fetch(`${b.url}/api/users/${alice.name}/overview`)).status === 200);
  });

  it('serves what it fetched, stale, when A is down, and a 502 naming the source for a name never fetched', async () => {
    await stop(a);
    const overview = await fetch(`${b.url}/api/users/${alice.name}/overview`);
    expect(overview.status).toBe(200);
    expect(overview.headers.get('warning')).toMatch(/stale/i);
    expect(((await overview.json()) as Overview).avatarUrl).toBe(`${b.url}/api/users/${alice.name}/avatar`);
    const avatar = await fetch(`${b.url}/api/users/${alice.name}/avatar`);
    expect(avatar.status).toBe(200);
    const never = await fetch(`${b.url}/api/users/never-seen-${Date.now()}/overview`);
    expect([never.status, never.headers.get('x-error-code')]).toEqual([502, 'UpstreamUnavailable']);
    expect(never.headers.get('x-error-message')).toContain('"upstream A"');
  });
});
