import * as path from 'node:path';
import { GitGcJob } from '../../src/git/engine/git-gc.job';
import { createUserWithToken, TestUser } from '../support/accounts';
import { git, gitUrl, scratchDirs } from '../support/git-cli';
import { expectHfError } from '../support/hf-error';
import { noise } from '../support/noise';
import { commit, createRepo, file, header } from '../support/repos';
import { ADMIN_TOKEN, startTestApp, TestApp } from '../support/test-app';

/** super_squash_history: one commit with the head's tree; the old history is garbage the GC job reclaims. */
describe('super-squash', () => {
  let t: TestApp;
  let u: TestUser;
  const dirs = scratchDirs('hangar-squash-');
  const as = (x: TestUser) => ({ Authorization: `Bearer ${x.token}` });

  beforeAll(async () => {
    t = await startTestApp();
    u = await createUserWithToken(t);
  });
  afterAll(async () => {
    dirs.cleanup();
    await t?.close();
  });

  const commitsOf = async (id: string, rev = 'main') => (await t.http().get(`/api/models/${id}/commits/${rev}`).expect(200)).body as { id: string; title: string }[];
  const treeOf = async (id: string, rev = 'main') => (await t.http().get(`/api/models/${id}/tree/${rev}?recursive=true`).expect(200)).body.map((e: { path: string; oid: string }) => [e.path, e.oid]);

  it('leaves one commit whose tree is the old head\'s; the old commits go with the GC job after its grace; clones pass fsck', async () => {
    const id = `${u.username}/squashed`;
    await createRepo(t, u.token, id).expect(200);
    await commit(t, u.token, id, [header('one'), file('a.txt', 'a\n'), file('big.bin', noise(20_000, 'sq-1'))]).expect(200);
    await commit(t, u.token, id, [header('two'), file('a.txt', 'a, again\n'), file('sub/b.txt', 'b\n')]).expect(200);
    const old = await commitsOf(id);
    expect(old.length).toBe(3);
    const tree = await treeOf(id);

    const res = await t.http().post(`/api/models/${id}/super-squash/main`).set(as(u)).send({ message: 'Squashed!' }).expect(200);
    const now = await commitsOf(id);
    expect(now.map((c) => [c.id, c.title])).toEqual([[res.body.commitOid, 'Squashed!']]);
    expect(await treeOf(id)).toEqual(tree);
    expect((await t.http().get(`/api/models/${id}`).expect(200)).body.sha).toBe(res.body.commitOid);

    const stored = async (oids: string[]) =>
      (await t.db.query(`SELECT oid FROM git_objects g JOIN repositories r ON r.id = g.repo_id WHERE r.name = 'squashed' AND g.oid = ANY($1)`, [oids])).rows.length;
    expect(await stored(old.map((c) => c.id))).toBe(3);
    const later = new Date(Date.now() + (t.config.maintenance.sweepGraceSeconds + 60) * 1000);
    await t.app.get(GitGcJob).run(later);
    expect(await stored(old.map((c) => c.id))).toBe(0);
    // The old commits are gone for good: asking for one is a missing revision, not a failure.
    expectHfError(await t.http().get(`/api/models/${id}/revision/${old[0].id}`), 404, 'RevisionNotFound');

    const dir = dirs.make();
    await git(dir, 'clone', '-q', gitUrl(t.baseUrl, id), 'c');
    await git(path.join(dir, 'c'), 'fsck', '--full', '--strict');
    expect((await git(path.join(dir, 'c'), 'rev-list', '--all')).trim().split('\n')).toEqual([res.body.commitOid]);
    expect((await t.http().get(`/${id}/resolve/main/sub/b.txt`).expect(200)).text).toBe('b\n');
    expect((await t.http().get(`/${id}/resolve/main/a.txt`).expect(200)).text).toBe('a, again\n');
  });

  it('squashes another branch and leaves main alone; refuses tags, missing branches and readers', async () => {
    const id = `${u.username}/branches`;
    await createRepo(t, u.token, id).expect(200);
    await commit(t, u.token, id, [header('one'), file('a.txt', 'a\n')]).expect(200);
    await t.http().post(`/api/models/${id}/branch/feat/x`).set(as(u)).send({}).expect(200);
    await commit(t, u.token, id, [header('on feat'), file('f.txt', 'f\n')], { revision: 'feat/x' }).expect(200);
    const main = await commitsOf(id);
    await t.http().post(`/api/models/${id}/super-squash/${encodeURIComponent('feat/x')}`).set(as(u)).send({}).expect(200);
    expect((await commitsOf(id, encodeURIComponent('feat/x'))).map((c) => c.title)).toEqual(["Super-squash branch 'feat/x'"]);
    expect(await commitsOf(id)).toEqual(main);

    await t.http().post(`/api/models/${id}/tag/main`).set(as(u)).send({ tag: 'v1' }).expect(200);
    expectHfError(await t.http().post(`/api/models/${id}/super-squash/v1`).set(as(u)).send({}), 400, 'InvalidReference');
    expectHfError(await t.http().post(`/api/models/${id}/super-squash/nope`).set(as(u)).send({}), 404, 'RevisionNotFound');
    const reader = await createUserWithToken(t);
    const [ns, name] = id.split('/');
    await t.http().post(`/admin/api/repositories/model/${ns}/${name}/access`).set('X-Admin-Token', ADMIN_TOKEN).send({ username: reader.username, role: 'read' }).expect(200);
    expectHfError(await t.http().post(`/api/models/${id}/super-squash/main`).set(as(reader)).send({}), 403, 'Forbidden');
    expect(await commitsOf(id)).toEqual(main);
  });
});
