import { whoAmI } from '@huggingface/hub';
import { startTestApp, TestApp } from '../support/test-app';
import { createUserWithToken, uniqueName } from '../support/accounts';

/** @huggingface/hub (from npm) parses Hangar's whoami-v2 as the public hub's. */
describe('@huggingface/hub whoAmI', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('returns the user with organizations and token info', async () => {
    const u = await createUserWithToken(t);
    const org = uniqueName('jsorg');
    await t.http().post('/org/create').set('Authorization', `Bearer ${u.token}`).send({ name: org }).expect(200);
    const me = await whoAmI({ accessToken: u.token, hubUrl: t.baseUrl });
    expect(me.type).toBe('user');
    expect(me.name).toBe(u.username);
    if (me.type !== 'user') throw new Error('not a user');
    expect(me.orgs.map((o) => o.name)).toEqual([org]);
    expect(me.auth.accessToken?.role).toBe('write');
    expect(me.auth.accessToken?.createdAt).toBeInstanceOf(Date);
  });

  it('a revoked token is rejected with the HF error message', async () => {
    const u = await createUserWithToken(t);
    const list = await t.http().get('/api/auth/tokens').set('Authorization', `Bearer ${u.token}`).expect(200);
    await t.http().delete(`/api/auth/tokens/${list.body.tokens[0].id}`).set('Authorization', `Bearer ${u.token}`).expect(200);
    await expect(whoAmI({ accessToken: u.token, hubUrl: t.baseUrl })).rejects.toMatchObject({
      statusCode: 401,
      message: expect.stringContaining('Invalid credentials in Authorization header'),
    });
  });
});
