import * as path from 'node:path';
import { createUserWithToken, TestUser } from '../support/accounts';
import { git, gitUrl, scratchDirs } from '../support/git-cli';
import { expectHfError } from '../support/hf-error';
import { lfsFileLine, sha256, uploadLfsObject } from '../support/lfs';
import { noise } from '../support/noise';
import { commit, createRepo, file, header } from '../support/repos';
import { ADMIN_TOKEN, startTestApp, TestApp } from '../support/test-app';


/** duplicate_repo: every branch and tag with its history, LFS files included, charged to the new owner's quota. */
describe('repository duplication', () => {
  let t: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  const dirs = scratchDirs('hangar-dup-');
  const as = (x: TestUser) => ({ Authorization: `Bearer ${x.token}` });

  beforeAll(async () => {
    t = await startTestApp();
    alice = await createUserWithToken(t);
    bob = await createUserWithToken(t);
  });
  afterAll(async () => {
    dirs.cleanup();
    await t?.close();
  });

  const dup = (u: TestUser, from: string, body: object) => t.http().post(`/api/models/${from}/duplicate`).set(as(u)).send(body);
  const refs = async (id: string, u: TestUser) => {
    const r = (await t.http().get(`/api/models/${id}/refs`).set(as(u)).expect(200)).body;
    return { branches: r.branches, tags: r.tags };
  };
  const used = async (u: TestUser) => Number((await t.http().get(`/api/quota/${u.username}`).set(as(u)).expect(200)).body.public_used_bytes);

  it('copies branches, tags, history and LFS files; the copy stands on its own and its bytes count for its owner', async () => {
    const src = `${alice.username}/source`;
    await createRepo(t, alice.token, src).expect(200);
    const weights = noise(60_000, 'dup-weights');
    await uploadLfsObject(t, alice, src, weights);
    await commit(t, alice.token, src, [header('weights'), file('a.txt', 'a\n'), lfsFileLine('w.bin', weights)]).expect(200);
    await t.http().post(`/api/models/${src}/branch/dev`).set(as(alice)).send({}).expect(200);
    await commit(t, alice.token, src, [header('on dev'), file('dev.txt', 'dev\n')], { revision: 'dev' }).expect(200);
    await t.http().post(`/api/models/${src}/tag/main`).set(as(alice)).send({ tag: 'v1', message: 'first' }).expect(200);

    const before = await used(bob);
    const res = await dup(bob, src, { repository: `${bob.username}/copy`, hardware: 'cpu-basic', secrets: [{ key: 'X', value: 'y' }] }).expect(200);
    expect(res.body).toEqual({ url: `${t.baseUrl}/${bob.username}/copy`, filesCopyPending: false });
    const copy = `${bob.username}/copy`;
    expect(await refs(copy, bob)).toEqual(await refs(src, alice));
    expect((await t.http().get(`/api/models/${copy}/commits/dev`).expect(200)).body).toEqual((await t.http().get(`/api/models/${src}/commits/dev`).expect(200)).body);
    expect((await t.http().get(`/api/models/${copy}`).expect(200)).body).toMatchObject({ id: copy, private: false });
    expect(await used(bob)).toBeGreaterThan(before + weights.length);

    expectHfError(await dup(bob, src, { repository: `${bob.username}/copy` }), 409, 'RepoExists');
    expect((await dup(bob, src, { repository: `${bob.username}/copy` })).body.url).toBe(`${t.baseUrl}/${bob.username}/copy`);

    // The source goes; the copy keeps everything, LFS bytes included, and clones whole.
    await t.http().delete('/api/repos/delete').set(as(alice)).send({ name: 'source' }).expect(200);
    const got = await t.http().get(`/${copy}/resolve/main/w.bin`).redirects(1).buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(got.status).toBe(200);
    expect(Buffer.compare(got.body as Buffer, weights)).toBe(0);
    const dir = dirs.make();
    await git(dir, 'clone', '-q', gitUrl(t.baseUrl, copy), 'c');
    await git(path.join(dir, 'c'), 'fsck', '--full', '--strict');
    expect((await git(path.join(dir, 'c'), 'log', '-1', '--format=%s', 'origin/dev')).trim()).toBe('on dev');
  });

  it('a private source stays hidden from strangers; visibility can be chosen; a quota refuses the copy (413) and nothing is created', async () => {
    const src = `${alice.username}/secret`;
    await createRepo(t, alice.token, src, { private: true }).expect(200);
    await commit(t, alice.token, src, [header('big'), file('big.txt', noise(80_000, 'dup-big').toString('base64'))]).expect(200);
    expectHfError(await dup(bob, src, { repository: `${bob.username}/stolen` }), 404, 'RepoNotFound');

    await dup(alice, src, { repository: `${alice.username}/secret-copy` }).expect(200);
    expect((await t.http().get(`/api/models/${alice.username}/secret-copy`).set(as(alice)).expect(200)).body.private).toBe(true);
    await dup(alice, src, { repository: `${alice.username}/public-copy`, visibility: 'public' }).expect(200);
    expect((await t.http().get(`/api/models/${alice.username}/public-copy`).expect(200)).body.private).toBe(false);

    await t.http().put(`/admin/api/quota/${alice.username}`).set('X-Admin-Token', ADMIN_TOKEN).send({ private_quota_bytes: (await used(alice)) + 1000, public_quota_bytes: null }).expect(200);
    const count = async () => (await t.db.query(`SELECT count(*)::int AS n FROM repositories`)).rows[0].n;
    const n = await count();
    expectHfError(await dup(alice, src, { repository: `${alice.username}/too-much` }), 413, 'QuotaExceeded');
    expect(await count()).toBe(n);
    expectHfError(await dup(alice, src, { repository: 'no-such-namespace-zz/x' }), 404, 'NamespaceNotFound');
    expectHfError(await dup(alice, src, { repository: `${bob.username}/x` }), 403, 'Forbidden');
  });
});
