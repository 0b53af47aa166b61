import * as path from 'node:path';
import { OBJECT_STORE, type ObjectStore } from '../../src/core/storage/object-store';
import { createUserWithToken, TestUser } from '../support/accounts';
import { git, gitUrl, scratchDirs } from '../support/git-cli';
import { expectHfError } from '../support/hf-error';
import { lfsFileLine, sha256, uploadLfsObject } from '../support/lfs';
import { noise } from '../support/noise';
import { commit, createRepo, header } from '../support/repos';
import { startTestApp, TestApp } from '../support/test-app';


/**
 * list_lfs_files / permanently_delete_lfs_files: refused while a ref reaches a file unless history
 * is rewritten; the freed bytes leave the usage (TestApp.close() checks it equals a recount).
 */
describe('LFS files: listing and permanent deletion', () => {
  let t: TestApp;
  let u: TestUser;
  const dirs = scratchDirs('hangar-lfs-files-');
  const as = (x: TestUser) => ({ Authorization: `Bearer ${x.token}` });

  beforeAll(async () => {
    t = await startTestApp();
    u = await createUserWithToken(t);
  });
  afterAll(async () => {
    dirs.cleanup();
    await t?.close();
  });

  const list = async (id: string) => (await t.http().get(`/api/models/${id}/lfs-files`).set(as(u)).expect(200)).body as { fileOid: string; filename: string; ref: string | null; size: number }[];
  const del = (id: string, sha: string[], rewriteHistory: boolean) => t.http().post(`/api/models/${id}/lfs-files/batch`).set(as(u)).send({ deletions: { sha, rewriteHistory } });
  const used = async () => Number((await t.http().get(`/api/quota/${u.username}`).set(as(u)).expect(200)).body.public_used_bytes);
  const storeKeys = async () => {
    const keys: string[] = [];
    for await (const o of t.app.get<ObjectStore>(OBJECT_STORE).list('lfs/')) if (!o.key.startsWith('lfs/staging/')) keys.push(o.key);
    return keys;
  };

  it('lists files with a path and ref; refuses to delete a reached file without rewriteHistory; rewrites the refs with it', async () => {
    const id = `${u.username}/weights`;
    await createRepo(t, u.token, id).expect(200);
    const head = noise(40_000, 'lfs-head');
    const old = noise(50_000, 'lfs-old');
    await uploadLfsObject(t, u, id, old);
    await commit(t, u.token, id, [header('old weights'), lfsFileLine('ckpt/old.bin', old), { key: 'file', value: { path: 'keep.txt', content: Buffer.from('keep\n').toString('base64'), encoding: 'base64' } }]).expect(200);
    await uploadLfsObject(t, u, id, head);
    await commit(t, u.token, id, [header('new weights'), lfsFileLine('model.bin', head), { key: 'deletedFile', value: { path: 'ckpt/old.bin' } }]).expect(200);
    await t.http().post(`/api/models/${id}/tag/main`).set(as(u)).send({ tag: 'v1', message: 'annotated' }).expect(200);

    const listed = await list(id);
    expect(listed.map((f) => [f.fileOid, f.filename, f.size]).sort()).toEqual([[sha256(head), 'model.bin', head.length], [sha256(old), 'ckpt/old.bin', old.length]].sort());
    expect(listed.find((f) => f.fileOid === sha256(old))!.ref).toBe('refs/heads/main');

    // The old file is only in history, but main's history still reaches it: refused, nothing changes.
    const before = { used: await used(), commits: (await t.http().get(`/api/models/${id}/commits/main`).expect(200)).body };
    const refused = await del(id, [sha256(old)], false);
    expectHfError(refused, 409, 'LfsFileReferenced');
    expect(refused.body.files).toEqual([{ sha: sha256(old), refs: ['refs/heads/main', 'refs/tags/v1'], paths: ['ckpt/old.bin'] }]);
    expect(await used()).toBe(before.used);
    expectHfError(await del(id, ['0'.repeat(64)], true), 404, 'LfsFileNotFound');

    const keysBefore = await storeKeys();
    const res = await del(id, [sha256(old)], true).expect(200);
    expect(res.body).toEqual({ deleted: [sha256(old)], rewrittenRefs: ['refs/heads/main', 'refs/tags/v1'] });
    // The file's bytes leave the usage; the rewritten commits and trees add a few hundred bytes of git objects.
    const freed = before.used - (await used());
    expect(freed).toBeGreaterThan(old.length - 4096);
    expect(freed).toBeLessThanOrEqual(old.length);
    expect(keysBefore.length - (await storeKeys()).length).toBe(1);
    expect((await list(id)).map((f) => f.fileOid)).toEqual([sha256(head)]);

    // Same number of commits, same messages, the file gone from each; the rest untouched.
    const after = (await t.http().get(`/api/models/${id}/commits/main`).expect(200)).body;
    expect(after.map((c: { title: string }) => c.title)).toEqual(before.commits.map((c: { title: string }) => c.title));
    expect(after[0].id).not.toBe(before.commits[0].id);
    const firstTree = (await t.http().get(`/api/models/${id}/tree/${after[1].id}?recursive=true`).expect(200)).body.map((e: { path: string }) => e.path);
    expect(firstTree).toContain('keep.txt');
    expect(firstTree).not.toContain('ckpt/old.bin');
    expect((await t.http().get(`/${id}/resolve/main/model.bin`).redirects(1)).status).toBe(200);

    const dir = dirs.make();
    await git(dir, 'clone', '-q', gitUrl(t.baseUrl, id), 'c');
    await git(path.join(dir, 'c'), 'fsck', '--full', '--strict');
    expect((await git(path.join(dir, 'c'), 'log', '--all', '--format=%H', '--', 'ckpt/old.bin')).trim()).toBe('');
    expect((await git(path.join(dir, 'c'), 'cat-file', '-t', 'v1')).trim()).toBe('tag');
  });

  it('a file no ref reaches (uploaded, never committed) is deleted without rewriting anything', async () => {
    const id = `${u.username}/loose`;
    await createRepo(t, u.token, id).expect(200);
    const loose = noise(30_000, 'lfs-loose');
    await uploadLfsObject(t, u, id, loose);
    const heads = (await t.http().get(`/api/models/${id}/refs`).expect(200)).body;
    expect((await list(id)).map((f) => [f.fileOid, f.filename, f.ref])).toEqual([[sha256(loose), '', null]]);
    expect((await del(id, [sha256(loose)], false).expect(200)).body).toEqual({ deleted: [sha256(loose)], rewrittenRefs: [] });
    expect(await list(id)).toEqual([]);
    expect((await t.http().get(`/api/models/${id}/refs`).expect(200)).body).toEqual(heads);
  });
});
