import { createUserWithToken } from '../support/accounts';
import { expectHfError } from '../support/hf-error';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../support/test-app';
import { buildWebUi } from '../support/web-build';

const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

/** Serving the web UI beside the APIs, its security headers, and CSRF on session-cookie writes. */
describe('web UI serving', () => {
  let t: TestApp;
  beforeAll(async () => {
    buildWebUi();
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it('answers browser navigations to hub and admin client routes with the app shell and a strict CSP', async () => {
    for (const [path, script] of [
      ['/', /\/-\/ui\/hub-[A-Z0-9]+\.js/],
      ['/models', /hub-/],
      ['/alice/model-x', /hub-/],
      ['/alice/model-x/tree/main/sub', /hub-/],
      ['/datasets/alice/data-x/commit/abc', /hub-/],
      ['/settings/tokens', /hub-/],
      ['/admin', /\/-\/ui\/admin-[A-Z0-9]+\.js/],
      ['/admin/users/bob', /admin-/],
      // Invitation links: a browser gets the page to sign up or accept.
      ['/register?invitation=inv_x', /hub-/],
      ['/invite/inv_x', /hub-/],
    ] as const) {
      const res = await t.http().get(path).set('Accept', HTML).expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toMatch(script);
      expect(res.text).not.toMatch(/<script>|<script [^>]*>[^<]/); // no inline script
      const csp = res.headers['content-security-policy'];
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('serves the built assets with long caching; a missing one is a 404', async () => {
    const shell = await t.http().get('/').set('Accept', HTML).expect(200);
    const js = shell.text.match(/src="(\/-\/ui\/[^"]+\.js)"/)![1];
    const res = await t.http().get(js).expect(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toContain('immutable');
    await t.http().get('/-/ui/nope-123.js').expect(404);
  });

  it('leaves API, git, LFS and download routes answering as before, for browsers too', async () => {
    const user = await createUserWithToken(t);
    await t.http().post('/api/repos/create').set('Authorization', `Bearer ${user.token}`).send({ name: 'served', type: 'model' }).expect(200);
    const id = `${user.username}/served`;
    // JSON APIs stay JSON even when a browser asks.
    const list = await t.http().get('/api/models').set('Accept', HTML).expect(200);
    expect(list.headers['content-type']).toMatch(/json/);
    expect((await t.http().get('/admin/api/stats').set('Accept', HTML).set('X-Admin-Token', ADMIN_TOKEN).expect(200)).headers['content-type']).toMatch(/json/);
    expect((await t.http().get('/health').set('Accept', HTML).expect(200)).headers['content-type']).toMatch(/json/);
    expect((await t.http().get('/metrics').set('Accept', HTML).expect(200)).headers['content-type']).toMatch(/text\/plain/);
    // Downloads and git stay theirs; unmatched API-owned paths keep their 404.
    expectHfError(await t.http().get(`/${id}/resolve/main/missing.txt`).set('Accept', HTML), 404, 'EntryNotFound');
    const refs = await t.http().get(`/${id}.git/info/refs?service=git-upload-pack`).set('Accept', HTML).expect(200);
    expect(refs.headers['content-type']).toBe('application/x-git-upload-pack-advertisement');
    for (const path of ['/api/nope', '/admin/api/nope', `/${id}/info/lfs/nope`, '/v1/nope', `/${id}.git/nope`, `/${id}/raw/main/x/y`]) {
      const res = await t.http().get(path).set('Accept', HTML).set('X-Admin-Token', ADMIN_TOKEN);
      expect([path, res.status]).toEqual([path, 404]);
      expect(res.headers['content-type']).not.toMatch(/html/);
    }
    // The invitation links answer other clients as before (JSON).
    const api = await t.http().get('/api/invitations/inv_nope');
    expect(api.status).toBeGreaterThanOrEqual(400);
    for (const path of ['/register?invitation=inv_nope', '/invite/inv_nope']) {
      const res = await t.http().get(path);
      expect([path, res.status, res.headers['content-type'], res.body]).toEqual([path, api.status, expect.stringMatching(/json/), api.body]);
    }
    // Not a browser navigation: the same paths the UI would claim answer the API's 404.
    const plain = await t.http().get('/alice/model-x');
    const unrouted = await t.http().get('/api/nope');
    expectHfError(plain, 404, 'NotFound');
    expect(plain.body).toEqual(unrouted.body);
  });

  it("refuses session-cookie writes from another site's page; tokens and same-origin pages pass", async () => {
    const user = await createUserWithToken(t);
    const login = await t.http().post('/api/auth/login').send({ username: user.username, password: user.password }).expect(200);
    const cookie = login.headers['set-cookie'] as unknown as string[];
    const tokens = async () => (await t.http().get('/api/auth/tokens').set('Cookie', cookie).expect(200)).body.tokens.length;
    const before = await tokens();
    const create = () => t.http().post('/api/auth/tokens/create').set('Cookie', cookie).send({ name: 'csrf', role: 'read' });

    expectHfError(await create().set('Origin', 'https://evil.example'), 403, 'CrossSiteRequest');
    expectHfError(await create().set('Sec-Fetch-Site', 'cross-site'), 403, 'CrossSiteRequest');
    expectHfError(await create().set('Sec-Fetch-Site', 'same-site').set('Origin', 'https://sub.127.0.0.1'), 403, 'CrossSiteRequest');
    expect(await tokens()).toBe(before);

    await create().set('Origin', t.baseUrl).set('Sec-Fetch-Site', 'same-origin').expect(200);
    await create().expect(200); // curl: no Origin, no Sec-Fetch-Site
    // A bearer token is not ambient: a page elsewhere cannot make the browser send it.
    await t.http().post('/api/auth/tokens/create').set('Authorization', `Bearer ${user.token}`).set('Origin', 'https://evil.example').send({ name: 'tok', role: 'read' }).expect(200);
    // Reads are not writes.
    await t.http().get('/api/auth/me').set('Cookie', cookie).set('Origin', 'https://evil.example').set('Sec-Fetch-Site', 'cross-site').expect(200);
    expect(await tokens()).toBe(before + 3);
  });
});
