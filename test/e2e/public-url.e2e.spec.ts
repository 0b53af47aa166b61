import { OBJECT_STORE, type ObjectStore } from '../../src/core/storage/object-store';
import { createUserWithToken, TestUser, uniqueName } from '../support/accounts';
import { expectHfError } from '../support/hf-error';
import { createRepo } from '../support/repos';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Which base URL the links Hangar hands out carry: HANGAR_BASE_URL when set; otherwise the
 * request's Host, or X-Forwarded-Host/-Proto from a trusted proxy only (HANGAR_TRUST_PROXY).
 * The real clients through two addresses are test/py/test_public_url.py.
 */
describe('public base URL of links', () => {
  const forwarded = { 'X-Forwarded-Host': 'hub.example.org', 'X-Forwarded-Proto': 'https' };

  describe('HANGAR_BASE_URL unset, default trust (loopback)', () => {
    let t: TestApp;
    let alice: TestUser;
    beforeAll(async () => {
      t = await startTestApp({ HANGAR_BASE_URL: '' });
      alice = await createUserWithToken(t);
    });
    afterAll(() => t.close());

    it('follows the Host header the client used', async () => {
      const name = uniqueName('m');
      const res = await createRepo(t, alice.token, name).set('Host', `localhost:${new URL(t.baseUrl).port}`).expect(200);
      expect(res.body.url).toBe(`http://localhost:${new URL(t.baseUrl).port}/${alice.username}/${name}`);
    });

    it('follows X-Forwarded-Host/-Proto from a loopback proxy', async () => {
      const name = uniqueName('m');
      const res = await createRepo(t, alice.token, name).set(forwarded).expect(200);
      expect(res.body.url).toBe(`https://hub.example.org/${alice.username}/${name}`);
    });

    it('refuses a Host that is not host[:port] with 400 InvalidHost', async () => {
      const name = uniqueName('m');
      expectHfError(await createRepo(t, alice.token, name).set('Host', 'evil.example/x'), 400, 'InvalidHost');
      // Nothing was created: its owner gets 404 RepoNotFound.
      await t.http().get(`/api/models/${alice.username}/${name}`).set('Authorization', `Bearer ${alice.token}`).expect(404);
    });
  });

  describe('HANGAR_BASE_URL unset, HANGAR_TRUST_PROXY=off', () => {
    let t: TestApp;
    let alice: TestUser;
    beforeAll(async () => {
      t = await startTestApp({ HANGAR_BASE_URL: '', HANGAR_TRUST_PROXY: 'off' });
      alice = await createUserWithToken(t);
    });
    afterAll(() => t.close());

    it('ignores X-Forwarded-Host/-Proto from an untrusted peer', async () => {
      const name = uniqueName('m');
      const res = await createRepo(t, alice.token, name).set(forwarded).expect(200);
      expect(res.body.url).toBe(`${t.baseUrl}/${alice.username}/${name}`);
    });
  });

  describe('HANGAR_BASE_URL set', () => {
    let t: TestApp;
    let alice: TestUser;
    beforeAll(async () => {
      t = await startTestApp({ HANGAR_BASE_URL: 'https://hub.example.net' });
      alice = await createUserWithToken(t);
    });
    afterAll(() => t.close());

    it('wins over Host and forwarded headers', async () => {
      const name = uniqueName('m');
      const res = await createRepo(t, alice.token, name).set(forwarded).expect(200);
      expect(res.body.url).toBe(`https://hub.example.net/${alice.username}/${name}`);
    });

    it('signs URLs that still verify when the client reaches Hangar under another host', async () => {
      const store = t.app.get<ObjectStore>(OBJECT_STORE);
      await store.put('public-url/a', Buffer.from('hello'));
      const signed = new URL(await store.signedUrl('public-url/a', 'GET'));
      expect(signed.origin).toBe('https://hub.example.net');
      const res = await t.http().get(signed.pathname + signed.search).responseType('blob').expect(200);
      expect(Buffer.from(res.body).toString()).toBe('hello');
    });
  });
});
