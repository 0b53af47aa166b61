import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { OBJECT_STORE, type ObjectStore } from '../../src/core/storage/object-store';
import { ADMIN_TOKEN, startTestApp, TestApp } from '../support/test-app';
import { createUserWithToken, TestUser, uniqueName } from '../support/accounts';
import { expectHfError } from '../support/hf-error';
import { commit, createRepo, file, header } from '../support/repos';
import { lfsFile, sha256hex, uploadLfs } from '../support/lfs-upload';
import { gitUrl, runGit, scratchDirs } from '../support/git-cli';
import { s3EnvFor, startMoto, type MotoServer } from '../support/moto';

const admin = { 'X-Admin-Token': ADMIN_TOKEN };

let moto: MotoServer | null = null;
const DRIVERS = [
  { name: 'fs', env: (): Record<string, string> => ({}) },
  { name: 's3', env: (): Record<string, string> => s3EnvFor(moto!.endpoint, `adm-${Date.now()}`) },
];
beforeAll(async () => {
  moto = await startMoto();
});
afterAll(async () => {
  await moto?.stop();
});

describe.each(DRIVERS)('admin storage browser on the $name store', (driver) => {
  let t: TestApp;
  let alice: TestUser;
  let id: string;
  let store: ObjectStore;
  const weights = randomBytes(20_000);
  const bigBlob = randomBytes(300 * 1024); // incompressible: stored in the object store, not inline
  const dirs = scratchDirs('hangar-admin-storage-');
  beforeAll(async () => {
    t = await startTestApp(driver.env());
    store = t.app.get<ObjectStore>(OBJECT_STORE);
    alice = await createUserWithToken(t);
    id = `${alice.username}/${uniqueName('st')}`;
    await createRepo(t, alice.token, id.split('/')[1]).expect(200);
    await uploadLfs(t, alice.token, id, weights);
    await commit(t, alice.token, id, [header('add'), lfsFile('weights.bin', weights), file('big.dat', bigBlob)]).expect(200);
  });
  afterAll(async () => {
    dirs.cleanup();
    await t.close();
  });

  const stillServes = async () => {
    const dl = await fetch(`${t.baseUrl}/${id}/resolve/main/weights.bin`, { headers: { Authorization: `Bearer ${alice.token}` } });
    expect(dl.status).toBe(200);
    expect(sha256hex(Buffer.from(await dl.arrayBuffer()))).toBe(sha256hex(weights));
    const dir = dirs.make();
    const clone = await runGit(['clone', gitUrl(t.baseUrl, `${id}.git`, { user: alice.username, token: alice.token }), dir], { env: { GIT_LFS_SKIP_SMUDGE: '1' } });
    expect(clone.stderr).not.toMatch(/fatal/);
    expect(clone.code).toBe(0);
    expect(sha256hex(readFileSync(path.join(dir, 'big.dat')))).toBe(sha256hex(bigBlob));
  };

  it('debug and buckets describe the configured store', async () => {
    const dbg = await t.http().get('/admin/api/storage/debug').set(admin).expect(200);
    expect(dbg.body).toMatchObject({ driver: driver.name, bucket_accessible: true, test_list: { success: true } });
    expect(JSON.stringify(dbg.body)).not.toMatch(/secret|testing/i);
    const b = await t.http().get('/admin/api/storage/buckets').set(admin).expect(200);
    expect(b.body.buckets).toHaveLength(1);
    let count = 0;
    let size = 0;
    for await (const o of store.list('')) {
      count += 1;
      size += o.size;
    }
    expect(b.body.buckets[0]).toMatchObject({ name: dbg.body.bucket, object_count: count, total_size: size });
    expect(count).toBeGreaterThanOrEqual(2);
  });

  it('lists objects by prefix, a page at a time, and by bucket name', async () => {
    for (const n of ['a', 'b', 'c']) await store.put(`junk-list/${n}`, Buffer.from(n));
    const p1 = await t.http().get('/admin/api/storage/objects?prefix=junk-list/&limit=2').set(admin).expect(200);
    expect(p1.body.objects.map((o: { key: string }) => o.key)).toEqual(['junk-list/a', 'junk-list/b']);
    expect(p1.body).toMatchObject({ is_truncated: true, key_count: 2, next_start_after: 'junk-list/b' });
    expect(p1.body.objects[0]).toEqual({ key: 'junk-list/a', full_key: 'junk-list/a', size: 1, last_modified: expect.any(String), storage_class: 'STANDARD' });
    const p2 = await t.http().get(`/admin/api/storage/objects/${p1.body.bucket}?prefix=junk-list/&limit=2&start_after=junk-list/b`).set(admin).expect(200);
    expect(p2.body).toMatchObject({ is_truncated: false, key_count: 1, next_start_after: null });
    expectHfError(await t.http().get('/admin/api/storage/objects/another-bucket').set(admin), 404, 'BucketNotFound');
    expectHfError(await t.http().get('/admin/api/storage/objects?prefix=../').set(admin), 400, 'InvalidObjectKey');
  });

  it('refuses to delete an object a repository references (409 names it) unless forced; the repo still clones and downloads', async () => {
    const lfsKey = `lfs/${sha256hex(weights).slice(0, 2)}/${sha256hex(weights).slice(2, 4)}/${sha256hex(weights)}`;
    expect(await store.head(lfsKey)).not.toBeNull();
    const refused = await t.http().delete(`/admin/api/storage/objects/${lfsKey}`).set(admin);
    expectHfError(refused, 409, 'ObjectReferenced');
    expect(refused.body.references).toEqual([{ kind: 'lfs-object', repositories: [`model:${id}`] }]);

    const gitKeys: string[] = [];
    for await (const o of store.list('git/objects/')) gitKeys.push(o.key);
    expect(gitKeys.length).toBeGreaterThan(0);
    const gitRefused = await t.http().delete(`/admin/api/storage/objects/${gitKeys[0]}`).set(admin);
    expectHfError(gitRefused, 409, 'ObjectReferenced');
    expect(gitRefused.body.references).toEqual([{ kind: 'git-object', repositories: [`model:${id}`] }]);
    expect(await store.head(lfsKey)).not.toBeNull();
    await stillServes();

    // An object nothing references goes without force.
    await store.put('junk-one/x', Buffer.from('x'));
    const ok = await t.http().delete('/admin/api/storage/objects/junk-one/x').set(admin).expect(200);
    expect(ok.body).toEqual({ success: true, message: 'Object deleted: junk-one/x', references: [] });
    expect(await store.head('junk-one/x')).toBeNull();
    expectHfError(await t.http().delete('/admin/api/storage/objects/junk-one/x').set(admin), 404, 'ObjectNotFound');
  });

  it("refuses to delete a user's uploaded avatar unless forced (409 names whose it is)", async () => {
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#0a0' } }).png().toBuffer();
    await t.http().post(`/api/users/${alice.username}/avatar`).set('Authorization', `Bearer ${alice.token}`).attach('file', png, 'a.png').expect(200);
    const keys: string[] = [];
    for await (const o of store.list('avatars/')) keys.push(o.key);
    expect(keys).toHaveLength(1);
    const refused = await t.http().delete(`/admin/api/storage/objects/${keys[0]}`).set(admin);
    expectHfError(refused, 409, 'ObjectReferenced');
    expect(refused.body.references).toEqual([{ kind: 'avatar', repositories: [], namespace: alice.username }]);
    expect(await store.head(keys[0])).not.toBeNull();
    await t.http().get(`/api/users/${alice.username}/avatar`).expect(200).expect('Content-Type', /jpeg/);
  });

  it('prefix delete: two steps; wrong, other-prefix, reused and expired tokens are refused; referenced objects need force', async () => {
    for (const n of ['1', '2']) await store.put(`junk-pfx/${n}`, Buffer.from(n));
    const prep = await t.http().post('/admin/api/storage/prefix/prepare-delete?prefix=junk-pfx/').set(admin).expect(200);
    expect(prep.body).toMatchObject({ prefix: 'junk-pfx/', estimated_objects: 2, referenced_objects: 0, expires_in: 60 });
    const token = prep.body.confirm_token;
    expectHfError(await t.http().delete(`/admin/api/storage/prefix?prefix=junk-pfx/&confirm_token=${token}x`).set(admin), 400, 'InvalidConfirmToken');
    expectHfError(await t.http().delete(`/admin/api/storage/prefix?prefix=junk-pf&confirm_token=${token}`).set(admin), 400, 'InvalidConfirmToken');
    expect(await store.head('junk-pfx/1')).not.toBeNull();
    const done = await t.http().delete(`/admin/api/storage/prefix?prefix=junk-pfx/&confirm_token=${token}`).set(admin).expect(200);
    expect(done.body).toEqual({ success: true, deleted_count: 2, referenced_deleted_count: 0, prefix: 'junk-pfx/' });
    expect(await store.head('junk-pfx/1')).toBeNull();
    await store.put('junk-pfx/3', Buffer.from('3'));
    expectHfError(await t.http().delete(`/admin/api/storage/prefix?prefix=junk-pfx/&confirm_token=${token}`).set(admin), 400, 'InvalidConfirmToken');
    expect(await store.head('junk-pfx/3')).not.toBeNull();

    // Expired: the database clock decides (every node agrees); move the token's expiry into the past.
    const late = (await t.http().post('/admin/api/storage/prefix/prepare-delete?prefix=junk-pfx/').set(admin).expect(200)).body.confirm_token;
    await t.db.query(`UPDATE storage_delete_tokens SET expires_at = now() - interval '1 second' WHERE prefix = 'junk-pfx/'`);
    expectHfError(await t.http().delete(`/admin/api/storage/prefix?prefix=junk-pfx/&confirm_token=${late}`).set(admin), 400, 'InvalidConfirmToken');
    expect(await store.head('junk-pfx/3')).not.toBeNull();
    expectHfError(await t.http().post('/admin/api/storage/prefix/prepare-delete?prefix=').set(admin), 400, 'InvalidPrefix');

    // A prefix holding referenced objects: refused without force, nothing deleted.
    const lfsPrep = await t.http().post('/admin/api/storage/prefix/prepare-delete?prefix=lfs/').set(admin).expect(200);
    expect(lfsPrep.body.referenced_objects).toBeGreaterThanOrEqual(1);
    const refused = await t.http().delete(`/admin/api/storage/prefix?prefix=lfs/&confirm_token=${lfsPrep.body.confirm_token}`).set(admin);
    expectHfError(refused, 409, 'ObjectReferenced');
    expect(refused.body.referenced[0].references[0]).toEqual({ kind: 'lfs-object', repositories: [`model:${id}`] });
    await stillServes();
    const audit = await t.db.query(`SELECT action, result FROM audit_log WHERE action LIKE 'storage.%' ORDER BY id`);
    expect(audit.rows).toEqual(expect.arrayContaining([{ action: 'storage.delete-prefix', result: 'success' }, { action: 'storage.delete-prefix', result: 'failure' }]));
  });

  it('force deletes a referenced object (the admin asked for it)', async () => {
    const repo2 = `${alice.username}/${uniqueName('st2')}`;
    await createRepo(t, alice.token, repo2.split('/')[1]).expect(200);
    const doomed = randomBytes(1000);
    await uploadLfs(t, alice.token, repo2, doomed);
    await commit(t, alice.token, repo2, [header('add'), lfsFile('doomed.bin', doomed)]).expect(200);
    const key = `lfs/${sha256hex(doomed).slice(0, 2)}/${sha256hex(doomed).slice(2, 4)}/${sha256hex(doomed)}`;
    const forced = await t.http().delete(`/admin/api/storage/objects/${key}?force=true`).set(admin).expect(200);
    expect(forced.body.references).toEqual([{ kind: 'lfs-object', repositories: [`model:${repo2}`] }]);
    expect(await store.head(key)).toBeNull();
    await stillServes(); // the other repository is untouched
  });
});
