import { EventEmitter } from 'node:events';
import * as http from 'node:http';
import { ConcurrencyLimits } from '../../src/core/http/concurrency-limits';
import { createUserWithToken, TestUser } from '../support/accounts';
import { expectHfError } from '../support/hf-error';
import { commit, createRepo, file, header } from '../support/repos';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * HANGAR_LIMIT_*: a node runs only so many packs, Xet verifications and large listings at once;
 * past that a request is answered 503 ServerBusy with Retry-After (not queued), and a slot frees
 * when its response ends or its client goes away.
 */
describe('concurrency limits on expensive routes', () => {
  let t: TestApp;
  let u: TestUser;
  let id: string;
  beforeAll(async () => {
    t = await startTestApp({ HANGAR_LIMIT_GIT_PACKS: '1', HANGAR_LIMIT_LISTINGS: '1' });
    u = await createUserWithToken(t);
    await createRepo(t, u.token, 'packs').expect(200);
    id = `${u.username}/packs`;
    await commit(t, u.token, id, [header('one'), file('a.txt', 'a\n'), file('dir/b.txt', 'b\n')]).expect(200);
  });
  afterAll(() => t.close());

  const uploadPack = () =>
    t
      .http()
      .post(`/${id}.git/git-upload-pack`)
      .set('Authorization', `Bearer ${u.token}`)
      .set('Content-Type', 'application/x-git-upload-pack-request')
      .send(Buffer.from('0000'));

  /** An upload-pack request whose body has not ended: it holds its slot until ended or aborted. */
  function holdPackSlot() {
    const holder = http.request(`${t.baseUrl}/${id}.git/git-upload-pack`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${u.token}`, 'Content-Type': 'application/x-git-upload-pack-request', 'Transfer-Encoding': 'chunked' },
    });
    const answered = new Promise<number>((resolve, reject) => {
      holder.on('response', (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      holder.on('error', reject);
    });
    holder.write('0000');
    return { holder, answered };
  }

  /** Asks until the answer is (or stops being) 503: the server sees the holder's request or its end a moment later. */
  async function untilStatus(want: (status: number) => boolean) {
    for (let i = 0; i < 200; i++) {
      const res = await uploadPack();
      if (want(res.status)) return res;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error('the pack route never reached the expected state');
  }

  it('answers 503 ServerBusy with Retry-After while the only pack slot is taken, and serves again once the holder finishes', async () => {
    const { holder, answered } = holdPackSlot();
    const refused = await untilStatus((s) => s === 503);
    expectHfError(refused, 503, 'ServerBusy');
    expect(refused.headers['retry-after']).toBe('2');

    holder.end();
    expect(await answered).toBe(200);
    const again = await untilStatus((s) => s !== 503);
    expect(again.status).toBe(200);
    expect(t.app.get(ConcurrencyLimits).inUse('gitPacks')).toBe(0);
  });

  it('frees the slot of a client that goes away mid-request', async () => {
    const { holder, answered } = holdPackSlot();
    answered.catch(() => undefined);
    await untilStatus((s) => s === 503);
    holder.destroy();
    const again = await untilStatus((s) => s !== 503);
    expect(again.status).toBe(200);
    expect(t.app.get(ConcurrencyLimits).inUse('gitPacks')).toBe(0);
  });

  it('limits recursive tree listings and large paths-info, not plain folder listings', async () => {
    const limits = t.app.get(ConcurrencyLimits);
    // Another listing in flight (a listing answers too fast for a client to hold it open).
    const inFlight = new EventEmitter();
    limits.enter('listings', inFlight);
    const auth = { Authorization: `Bearer ${u.token}` };

    const refused = await t.http().get(`/api/models/${id}/tree/main?recursive=true`).set(auth);
    expectHfError(refused, 503, 'ServerBusy');
    expect(refused.headers['retry-after']).toBe('2');
    expectHfError(await t.http().get(`/api/models/${id}/tree/main/dir?recursive=1`).set(auth), 503, 'ServerBusy');
    const many = Array.from({ length: 200 }, (_, i) => `missing-${i}`);
    expectHfError(await t.http().post(`/api/models/${id}/paths-info/main`).set(auth).send({ paths: many }), 503, 'ServerBusy');
    // Cheap answers are not limited.
    expect((await t.http().get(`/api/models/${id}/tree/main`).set(auth)).status).toBe(200);
    expect((await t.http().post(`/api/models/${id}/paths-info/main`).set(auth).send({ paths: ['a.txt'] })).status).toBe(200);

    inFlight.emit('close');
    const listed = await t.http().get(`/api/models/${id}/tree/main?recursive=true`).set(auth).expect(200);
    expect(listed.body.map((e: { path: string }) => e.path).sort()).toEqual(expect.arrayContaining(['a.txt', 'dir', 'dir/b.txt']));
    expect((await t.http().post(`/api/models/${id}/paths-info/main`).set(auth).send({ paths: many })).status).toBe(200);
    expect(limits.inUse('listings')).toBe(0);
  });
});
