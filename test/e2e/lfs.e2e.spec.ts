import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import * as http from 'node:http';
import * as path from 'node:path';
import { OBJECT_STORE, type ObjectStore } from '../../src/core/storage/object-store';
import { startTestApp, TestApp } from '../support/test-app';
import { createUserWithToken, TestUser, uniqueName } from '../support/accounts';
import { expectHfError } from '../support/hf-error';
import { seedXetFile } from '../support/xet-seed';
import { s3EnvFor, startMoto, type MotoServer } from '../support/moto';
import { commit, createRepo, header } from '../support/repos';
import { waitUntil } from '../support/wait';

const LFS = 'application/vnd.git-lfs+json';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const MiB = 1024 * 1024;

type Driver = { name: 'fs' | 's3'; env: () => Record<string, string> };
let moto: MotoServer | null = null;
const DRIVERS: Driver[] = [
  { name: 'fs', env: () => ({}) },
  {
    name: 's3',
    env: () => s3EnvFor(moto!.endpoint, `lfs-${Date.now()}`),
  },
];

beforeAll(async () => {
  moto = await startMoto();
});
afterAll(async () => {
  await moto?.stop();
});

describe.each(DRIVERS)('git LFS batch API on the $name store', (driver) => {
  let t: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  beforeAll(async () => {
    t = await startTestApp({ ...driver.env(), HANGAR_LFS_MULTIPART_CHUNK_BYTES: String(5 * MiB) });
    alice = await createUserWithToken(t);
    bob = await createUserWithToken(t);
  });
  afterAll(() => t.close());

  const batch = (u: TestUser | null, id: string, body: object) => {
    const req = t.http().post(`/${id}.git/info/lfs/objects/batch`).set('Accept', LFS).set('Content-Type', LFS);
    if (u) req.set('Authorization', `Basic ${Buffer.from(`git:${u.token}`).toString('base64')}`);
    return req.send(JSON.stringify(body));
  };
  const put = (href: string, bytes: Buffer) => fetch(href, { method: 'PUT', body: bytes });
  const lfsFile = (path: string, bytes: Buffer) => ({ key: 'lfsFile', value: { path, algo: 'sha256', oid: sha256(bytes), size: bytes.length } });
  const lfsKeys = async () => {
    const keys: string[] = [];
    for await (const o of t.app.get<ObjectStore>(OBJECT_STORE).list('lfs/')) if (!o.key.startsWith('lfs/staging/')) keys.push(o.key);
    return keys;
  };
  const download = async (href: string) => Buffer.from(await (await fetch(href)).arrayBuffer());

  async function uploadBasic(u: TestUser, id: string, bytes: Buffer) {
    const res = await batch(u, id, { operation: 'upload', transfers: ['basic'], objects: [{ oid: sha256(bytes), size: bytes.length }] }).expect(200);
    expect(res.headers['content-type']).toMatch(/application\/vnd\.git-lfs\+json/);
    const obj = res.body.objects[0];
    expect(res.body.transfer).toBe('basic');
    expect(obj.authenticated).toBe(true);
    expect(obj.actions.upload.header?.Authorization).toBeUndefined();
    expect((await put(obj.actions.upload.href, bytes)).status).toBe(200);
    const verify = await fetch(obj.actions.verify.href, { method: 'POST', headers: { 'Content-Type': LFS }, body: JSON.stringify({ oid: sha256(bytes), size: bytes.length }) });
    expect(verify.status).toBe(200);
    return obj;
  }

  it('uploads (basic), commits an lfsFile, lists it as LFS, resolves and downloads it byte for byte', async () => {
    const name = uniqueName('lfs');
    await createRepo(t, alice.token, name).expect(200);
    const id = `${alice.username}/${name}`;
    const bytes = randomBytes(3 * MiB + 17);
    await uploadBasic(alice, id, bytes);
    const c = await commit(t, alice.token, id, [header('weights'), lfsFile('model.bin', bytes)]).expect(200);

    const tree = await t.http().get(`/api/models/${id}/tree/main`).expect(200);
    const entry = tree.body.find((e: { path: string }) => e.path === 'model.bin');
    expect(entry).toMatchObject({ type: 'file', size: bytes.length, lfs: { oid: sha256(bytes), size: bytes.length } });
    expect(entry.lfs.pointerSize).toBeGreaterThan(100);

    const head = await t.http().head(`/${id}/resolve/main/model.bin`).redirects(0);
    expect(head.headers['x-repo-commit']).toBe(c.body.commitOid);
    expect(head.headers['x-linked-etag']).toBe(`"${sha256(bytes)}"`);
    expect(head.headers['x-linked-size']).toBe(String(bytes.length));
    expect(head.headers.etag).toBe(`"${sha256(bytes)}"`);
    if (driver.name === 's3') {
      expect(head.status).toBe(302);
      expect(sha256(await download(head.headers.location))).toBe(sha256(bytes));
    } else {
      expect(head.status).toBe(200);
      const got = await fetch(`${t.baseUrl}/${id}/resolve/main/model.bin`);
      expect(sha256(Buffer.from(await got.arrayBuffer()))).toBe(sha256(bytes));
      const part = await fetch(`${t.baseUrl}/${id}/resolve/main/model.bin`, { headers: { Range: 'bytes=100-199' } });
      expect(part.status).toBe(206);
      expect(Buffer.from(await part.arrayBuffer())).toEqual(bytes.subarray(100, 200));
    }
    // raw serves the pointer itself.
    const raw = await fetch(`${t.baseUrl}/${id}/raw/main/model.bin`);
    expect(await raw.text()).toBe(`version https://git-lfs.github.com/spec/v1\noid sha256:${sha256(bytes)}\nsize ${bytes.length}\n`);

    const dl = await batch(alice, id, { operation: 'download', objects: [{ oid: sha256(bytes), size: bytes.length }] }).expect(200);
    // (hash comparison: jest's deep equality on megabyte buffers takes a minute)
    expect(sha256(await download(dl.body.objects[0].actions.download.href))).toBe(sha256(bytes));
  });

  it('multipart: only chunk_size and the part URLs in order; the completion URL checks the bytes', async () => {
    const name = uniqueName('mp');
    await createRepo(t, alice.token, name).expect(200);
    const id = `${alice.username}/${name}`;
    const bytes = randomBytes(11 * MiB);
    const res = await batch(alice, id, { operation: 'upload', transfers: ['basic', 'multipart'], objects: [{ oid: sha256(bytes), size: bytes.length }] }).expect(200);
    expect(res.body.transfer).toBe('multipart');
    const { upload } = res.body.objects[0].actions;
    expect(Object.keys(upload.header)).toEqual(['1', '2', '3', 'chunk_size']);
    const chunk = Number(upload.header.chunk_size);
    expect(chunk).toBe(5 * MiB);
    const parts = [];
    for (let n = 1; n <= 3; n++) {
      const r = await put(upload.header[String(n)], bytes.subarray((n - 1) * chunk, n * chunk));
      expect(r.status).toBe(200);
      parts.push({ partNumber: n, etag: r.headers.get('etag') });
    }
    const done = await fetch(upload.href, { method: 'POST', headers: { 'Content-Type': LFS, Accept: LFS }, body: JSON.stringify({ oid: sha256(bytes), parts }) });
    expect(done.status).toBe(200);
    await commit(t, alice.token, id, [header('big'), lfsFile('big.safetensors', bytes)]).expect(200);
    const dl = await batch(alice, id, { operation: 'download', objects: [{ oid: sha256(bytes), size: bytes.length }] }).expect(200);
    expect(sha256(await download(dl.body.objects[0].actions.download.href))).toBe(sha256(bytes));
  });

  it('stores one copy per sha256: a second repo of the same user gets no upload actions', async () => {
    const [a, b] = [uniqueName('d1'), uniqueName('d2')];
    await createRepo(t, alice.token, a).expect(200);
    await createRepo(t, alice.token, b).expect(200);
    const bytes = randomBytes(MiB);
    await uploadBasic(alice, `${alice.username}/${a}`, bytes);
    await commit(t, alice.token, `${alice.username}/${a}`, [header('x'), lfsFile('x.bin', bytes)]).expect(200);
    const before = (await lfsKeys()).length;
    const res = await batch(alice, `${alice.username}/${b}`, { operation: 'upload', transfers: ['basic'], objects: [{ oid: sha256(bytes), size: bytes.length }] }).expect(200);
    expect(res.body.objects[0].actions).toBeUndefined();
    await commit(t, alice.token, `${alice.username}/${b}`, [header('x'), lfsFile('y.bin', bytes)]).expect(200);
    expect((await lfsKeys()).length).toBe(before);
    expect((await lfsKeys()).filter((k) => k.endsWith(sha256(bytes)))).toHaveLength(1);
  });

  it('security: outsiders, forged and spent hrefs, wrong bytes, known hashes', async () => {
    const name = uniqueName('sec');
    await createRepo(t, alice.token, name, { private: true }).expect(200);
    const id = `${alice.username}/${name}`;
    const secret = randomBytes(MiB);
    await uploadBasic(alice, id, secret);
    await commit(t, alice.token, id, [header('secret'), lfsFile('secret.bin', secret)]).expect(200);
    const obj = { oid: sha256(secret), size: secret.length };

    // Outsiders: anonymous gets a credential challenge, an authenticated stranger "not found".
    const anon = await batch(null, id, { operation: 'download', objects: [obj] });
    expect([anon.status, anon.headers['lfs-authenticate']]).toEqual([401, 'Basic realm="Hangar"']);
    expect(anon.body.message).toEqual(expect.any(String));
    expect((await batch(bob, id, { operation: 'download', objects: [obj] })).status).toBe(404);
    expect((await batch(null, `${alice.username}/does-not-exist`, { operation: 'download', objects: [obj] })).status).toBe(401);

    // Bob knows the hash: in his own repo he must upload the bytes, cannot link or download them.
    const bobs = uniqueName('bob');
    await createRepo(t, bob.token, bobs).expect(200);
    const up = await batch(bob, `${bob.username}/${bobs}`, { operation: 'upload', transfers: ['basic'], objects: [obj] }).expect(200);
    expect(up.body.objects[0].actions.upload.href).toEqual(expect.any(String));
    expectHfError(await commit(t, bob.token, `${bob.username}/${bobs}`, [header('steal'), lfsFile('s.bin', secret)]), 422, 'LfsObjectNotFound');
    const dl = await batch(bob, `${bob.username}/${bobs}`, { operation: 'download', objects: [obj] }).expect(200);
    expect(dl.body.objects[0].error.code).toBe(404);

    // Wrong bytes never become an object.
    const claimed = randomBytes(4096);
    const liar = await batch(bob, `${bob.username}/${bobs}`, { operation: 'upload', transfers: ['basic'], objects: [{ oid: sha256(claimed), size: claimed.length }] }).expect(200);
    const href = liar.body.objects[0].actions.upload.href;
    const wrong = randomBytes(4096);
    const putWrong = await put(href, wrong);
    const verify = await fetch(liar.body.objects[0].actions.verify.href, { method: 'POST', headers: { 'Content-Type': LFS }, body: JSON.stringify({ oid: sha256(claimed), size: claimed.length }) });
    expect(driver.name === 'fs' ? putWrong.status : verify.status).toBe(422);
    expectHfError(await commit(t, bob.token, `${bob.username}/${bobs}`, [header('lie'), lfsFile('l.bin', claimed)]), 422, 'LfsObjectNotFound');

    // Hangar-signed hrefs: tampered, expired and spent ones are refused.
    const fresh = randomBytes(2048);
    const ok = await batch(bob, `${bob.username}/${bobs}`, { operation: 'upload', transfers: ['basic'], objects: [{ oid: sha256(fresh), size: fresh.length }] }).expect(200);
    const verifyHref: string = ok.body.objects[0].actions.verify.href;
    const tampered = verifyHref.replace(/sig=([^&]+)/, (_m, s: string) => `sig=${s.slice(0, -2)}AA`);
    const expired = verifyHref.replace(/expires=\d+/, 'expires=1000');
    for (const bad of [tampered, expired]) {
      const r = await fetch(bad, { method: 'POST', headers: { 'Content-Type': LFS }, body: JSON.stringify({ oid: sha256(fresh), size: fresh.length }) });
      expect(r.status).toBe(403);
    }
    if (driver.name === 'fs') {
      const uploadHref: string = ok.body.objects[0].actions.upload.href;
      expect((await put(uploadHref, fresh)).status).toBe(200);
      expect((await put(uploadHref, randomBytes(2048))).status).toBe(403);
      expect((await put(uploadHref.replace(/sig=([^&]+)/, 'sig=AAAA'), fresh)).status).toBe(403);
    }
  });

  it('answers a verify that comes before the bytes with 422 UploadMissing, and keeps the upload usable', async () => {
    const name = uniqueName('early');
    await createRepo(t, alice.token, name).expect(200);
    const bytes = randomBytes(4096);
    const res = await batch(alice, `${alice.username}/${name}`, { operation: 'upload', transfers: ['basic'], objects: [{ oid: sha256(bytes), size: bytes.length }] }).expect(200);
    const { upload, verify } = res.body.objects[0].actions;
    const check = () => fetch(verify.href, { method: 'POST', headers: { 'Content-Type': LFS }, body: JSON.stringify({ oid: sha256(bytes), size: bytes.length }) });
    const early = await check();
    expect([early.status, early.headers.get('x-error-code')]).toEqual([422, 'UploadMissing']);
    expect((await put(upload.href, bytes)).status).toBe(200);
    expect((await check()).status).toBe(200);
  });

  it('answers per-object and request errors', async () => {
    const name = uniqueName('err');
    await createRepo(t, alice.token, name).expect(200);
    const id = `${alice.username}/${name}`;
    const res = await batch(alice, id, { operation: 'download', objects: [{ oid: 'not-a-sha', size: 1 }, { oid: 'a'.repeat(64), size: 1 }] }).expect(200);
    expect(res.body.objects.map((o: { error: { code: number } }) => o.error.code)).toEqual([422, 404]);
    expect((await batch(alice, id, { operation: 'delete', objects: [] })).status).toBe(400);
    expect((await t.http().post(`/${id}.git/info/lfs/objects/batch`).set('Accept', 'text/html').set('Authorization', `Bearer ${alice.token}`).send({ operation: 'download', objects: [] })).status).toBe(406);
    const reader = await createUserWithToken(t, uniqueName('ro'), 'read');
    expect((await batch(reader, id, { operation: 'upload', objects: [{ oid: 'b'.repeat(64), size: 1 }] })).status).toBe(403);
    // Another user with a write token may upload for a pull request (nothing lands without a commit
    // that needs its own right), but only to a repository they may read.
    expect((await batch(bob, id, { operation: 'upload', objects: [{ oid: 'b'.repeat(64), size: 1 }] })).status).toBe(200);
    const hidden = uniqueName('err-private');
    await createRepo(t, alice.token, hidden, { private: true }).expect(200);
    expect((await batch(bob, `${alice.username}/${hidden}`, { operation: 'upload', objects: [{ oid: 'b'.repeat(64), size: 1 }] })).status).toBe(404);
  });
});

describe('LFS cleanup job', () => {
  it('removes abandoned uploads and never-referenced objects after 24 h, and keeps referenced ones', async () => {
    const t = await startTestApp();
    try {
      const u = await createUserWithToken(t);
      await createRepo(t, u.token, 'gc').expect(200);
      const id = `${u.username}/gc`;
      const auth = { Authorization: `Bearer ${u.token}` };
      const batchUp = (b: Buffer) =>
        t.http().post(`/${id}.git/info/lfs/objects/batch`).set(auth).send({ operation: 'upload', objects: [{ oid: sha256(b), size: b.length }] }).expect(200);
      const [kept, orphan, abandoned] = [randomBytes(1000), randomBytes(1000), randomBytes(1000)];
      for (const b of [kept, orphan]) {
        const res = await batchUp(b);
        expect((await fetch(res.body.objects[0].actions.upload.href, { method: 'PUT', body: b })).status).toBe(200);
      }
      await commit(t, u.token, id, [header('keep'), { key: 'lfsFile', value: { path: 'k.bin', oid: sha256(kept), size: kept.length } }]).expect(200);
      await batchUp(abandoned);
      await t.db.query(`UPDATE lfs_uploads SET created_at = now() - interval '25 hours'`);
      await t.db.query(`UPDATE lfs_objects SET created_at = now() - interval '25 hours'`);

      const { LfsCleanupJob } = require('../../src/lfs/lfs-cleanup.job');
      const result = await t.app.get(LfsCleanupJob).run();
      expect(result).toEqual({ uploads: 1, objects: 1 });
      const left = await t.db.query(`SELECT oid FROM lfs_objects`);
      expect(left.rows.map((r) => r.oid)).toEqual([sha256(kept)]);
      const store = t.app.get<ObjectStore>(OBJECT_STORE);
      const keys: string[] = [];
      for await (const o of store.list('lfs/')) keys.push(o.key);
      expect(keys).toEqual([`lfs/${sha256(kept).slice(0, 2)}/${sha256(kept).slice(2, 4)}/${sha256(kept)}`]);
      expect((await t.db.query(`SELECT count(*)::int AS n FROM lfs_uploads WHERE state = 'pending'`)).rows[0].n).toBe(0);
      // The kept file still downloads.
      const got = await fetch(`${t.baseUrl}/${id}/resolve/main/k.bin`);
      expect(sha256(Buffer.from(await got.arrayBuffer()))).toBe(sha256(kept));
    } finally {
      await t.close();
    }
  });
});

describe('LFS keep_versions', () => {
  it('keeps the newest K versions of each LFS path; older ones answer 410 and their bytes go', async () => {
    const t = await startTestApp();
    try {
      const u = await createUserWithToken(t);
      await createRepo(t, u.token, 'kv').expect(200);
      const id = `${u.username}/kv`;
      const auth = { Authorization: `Bearer ${u.token}` };
      await t.http().put(`/api/models/${id}/settings`).set(auth).send({ lfs_keep_versions: 2 }).expect(200);
      const versions = [randomBytes(500), randomBytes(500), randomBytes(500), randomBytes(500)];
      const commits: string[] = [];
      for (const v of versions) {
        const res = await t.http().post(`/${id}.git/info/lfs/objects/batch`).set(auth).send({ operation: 'upload', objects: [{ oid: sha256(v), size: v.length }] }).expect(200);
        expect((await fetch(res.body.objects[0].actions.upload.href, { method: 'PUT', body: v })).status).toBe(200);
        commits.push((await commit(t, u.token, id, [header('v'), { key: 'lfsFile', value: { path: 'w.bin', oid: sha256(v), size: v.length } }]).expect(200)).body.commitOid);
      }
      const { LfsRetentionJob } = require('../../src/lfs/lfs-retention.job');
      const job = t.app.get(LfsRetentionJob);
      expect(await job.run()).toBe(2);
      expect(await job.run()).toBe(0);

      const old = await t.http().get(`/${id}/resolve/${commits[0]}/w.bin`);
      expectHfError(old, 410, 'LfsVersionPruned');
      const kept = await fetch(`${t.baseUrl}/${id}/resolve/${commits[2]}/w.bin`);
      expect(sha256(Buffer.from(await kept.arrayBuffer()))).toBe(sha256(versions[2]));
      const head = await fetch(`${t.baseUrl}/${id}/resolve/main/w.bin`);
      expect(sha256(Buffer.from(await head.arrayBuffer()))).toBe(sha256(versions[3]));
      const dl = await t.http().post(`/${id}.git/info/lfs/objects/batch`).set(auth).send({ operation: 'download', objects: [{ oid: sha256(versions[1]), size: 500 }] }).expect(200);
      expect(dl.body.objects[0].error.code).toBe(410);
      const left = (await t.db.query(`SELECT oid FROM lfs_objects`)).rows.map((r) => r.oid).sort();
      expect(left).toEqual([sha256(versions[2]), sha256(versions[3])].sort());
      expect(await t.app.get<ObjectStore>(OBJECT_STORE).head(`lfs/${sha256(versions[0]).slice(0, 2)}/${sha256(versions[0]).slice(2, 4)}/${sha256(versions[0])}`)).toBeNull();
    } finally {
      await t.close();
    }
  });

  it('prunes versions stored as Xet too: their rows go, the xorbs that back kept versions stay', async () => {
    const t = await startTestApp();
    try {
      const u = await createUserWithToken(t);
      await createRepo(t, u.token, 'kvx').expect(200);
      const id = `${u.username}/kvx`;
      const auth = { Authorization: `Bearer ${u.token}` };
      await t.http().put(`/api/models/${id}/settings`).set(auth).send({ lfs_keep_versions: 1 }).expect(200);
      const base = randomBytes(600_000);
      const older = await seedXetFile(t, id, 'w.bin', base, { commitToken: u.token });
      const newer = await seedXetFile(t, id, 'w.bin', Buffer.concat([base, randomBytes(1000)]), { commitToken: u.token });
      const { LfsRetentionJob } = require('../../src/lfs/lfs-retention.job');
      expect(await t.app.get(LfsRetentionJob).run()).toBe(1);
      expectHfError(await t.http().get(`/${id}/resolve/${older.commitOid}/w.bin`), 410, 'LfsVersionPruned');
      const head = await fetch(`${t.baseUrl}/${id}/resolve/main/w.bin`);
      expect(sha256(Buffer.from(await head.arrayBuffer()))).toBe(newer.sha256);
      expect((await t.db.query(`SELECT oid FROM lfs_objects`)).rows.map((r) => r.oid)).toEqual([newer.sha256]);
    } finally {
      await t.close();
    }
  });
});

describe('lfs-files/duplicate (cross-repository copies)', () => {
  it('lets a repository the caller writes link LFS files the source references; nothing else', async () => {
    const t = await startTestApp();
    try {
      const u = await createUserWithToken(t);
      const stranger = await createUserWithToken(t);
      await createRepo(t, u.token, 'src').expect(200);
      await createRepo(t, u.token, 'dst').expect(200);
      await createRepo(t, stranger.token, 'theirs').expect(200);
      const auth = { Authorization: `Bearer ${u.token}` };
      const v = randomBytes(700);
      const oid = sha256(v);
      const up = await t.http().post(`/${u.username}/src.git/info/lfs/objects/batch`).set(auth).send({ operation: 'upload', objects: [{ oid, size: v.length }] }).expect(200);
      expect((await fetch(up.body.objects[0].actions.upload.href, { method: 'PUT', body: v })).status).toBe(200);
      await commit(t, u.token, `${u.username}/src`, [header('w'), { key: 'lfsFile', value: { path: 'w.bin', oid, size: v.length } }]).expect(200);
      const url = `/api/models/${u.username}/src/lfs-files/duplicate`;
      const unknown = 'b'.repeat(64);

      // Anyone who reads the (public) source may link its files into a repository of their own…
      await t.http().post(url).set({ Authorization: `Bearer ${stranger.token}` }).send({ target: { type: 'model', name: `${stranger.username}/theirs` }, files: [{ sha256: oid }] }).expect(200);
      // …but not into one they cannot write, nor anonymously, nor with a malformed hash.
      expectHfError(await t.http().post(url).set(auth).send({ target: { type: 'model', name: `${stranger.username}/theirs` }, files: [{ sha256: oid }] }), 403, 'Forbidden');
      expectHfError(await t.http().post(url).send({ target: { type: 'model', name: `${u.username}/dst` }, files: [{ sha256: oid }] }), 401, 'Unauthorized');
      expectHfError(await t.http().post(url).set(auth).send({ target: { type: 'model', name: `${u.username}/dst` }, files: [{ sha256: 'nope' }] }), 400, 'ValidationError');

      const res = await t.http().post(url).set(auth).send({ target: { type: 'model', name: `${u.username}/dst` }, files: [{ sha256: oid, filename: 'w.bin' }, { sha256: unknown }] }).expect(200);
      expect(res.body).toEqual({ failed: [{ sha256: unknown, error: expect.any(String) }] });
      // huggingface_hub then commits the copy as an lfsFile without a size.
      const c = await commit(t, u.token, `${u.username}/dst`, [header('copy'), { key: 'lfsFile', value: { path: 'copy.bin', algo: 'sha256', oid } }]).expect(200);
      const got = await fetch(`${t.baseUrl}/${u.username}/dst/resolve/${c.body.commitOid}/copy.bin`, { headers: auth });
      expect(sha256(Buffer.from(await got.arrayBuffer()))).toBe(oid);
    } finally {
      await t.close();
    }
  });
});

describe('LFS basic PUT on the filesystem store: short, cut and failing uploads', () => {
  let t: TestApp;
  let u: TestUser;
  let id: string;
  let tmpDir: string;
  beforeAll(async () => {
    t = await startTestApp({ HANGAR_LFS_MULTIPART_CHUNK_BYTES: String(5 * MiB) });
    u = await createUserWithToken(t);
    id = `${u.username}/${uniqueName('puts')}`;
    await createRepo(t, u.token, id.split('/')[1]).expect(200);
    if (t.config.storage.driver !== 'fs') throw new Error('this suite drives the filesystem store');
    tmpDir = path.join(t.config.storage.root, '.tmp');
  });
  afterAll(() => t.close());

  /** The upload and verify hrefs Hangar hands out for `bytes` (multipart: the part URLs in `upload.header`). */
  const actions = async (bytes: Buffer) => {
    const res = await t
      .http()
      .post(`/${id}.git/info/lfs/objects/batch`)
      .set('Accept', LFS)
      .set('Content-Type', LFS)
      .set('Authorization', `Bearer ${u.token}`)
      .send(JSON.stringify({ operation: 'upload', transfers: ['basic', 'multipart'], objects: [{ oid: sha256(bytes), size: bytes.length }] }))
      .expect(200);
    return res.body.objects[0].actions as { upload: { href: string; header?: Record<string, string> }; verify: { href: string } };
  };
  const put = (href: string, bytes: Buffer) => fetch(href, { method: 'PUT', body: bytes });
  const verify = (href: string, bytes: Buffer) =>
    fetch(href, { method: 'POST', headers: { 'Content-Type': LFS }, body: JSON.stringify({ oid: sha256(bytes), size: bytes.length }) });
  const tempFiles = async () => (await readdir(tmpDir)).length;

  it('refuses a whole body shorter than announced at the batch (400 SizeMismatch), and spends the URL', async () => {
    const bytes = randomBytes(64 * 1024);
    const { upload } = await actions(bytes);
    const short = await put(upload.href, bytes.subarray(0, 1000));
    expect(short.status).toBe(400);
    expect(short.headers.get('x-error-code')).toBe('SizeMismatch');
    expect((await put(upload.href, bytes)).status).toBe(403);
  });

  it('lets a client cut mid-upload retry the same URL (as huggingface_hub does), leaving no temp file behind', async () => {
    const bytes = randomBytes(4 * MiB);
    const { upload, verify: check } = await actions(bytes);
    await new Promise<void>((resolve, reject) => {
      const req = http.request(upload.href, { method: 'PUT', headers: { 'Content-Length': String(bytes.length) } });
      req.on('error', () => resolve()); // ours: the socket is cut below
      req.write(bytes.subarray(0, MiB), (err) => {
        if (err) return reject(err);
        setTimeout(() => req.destroy(), 100);
      });
    });
    // The cut request ends on the server too: its temp file goes, nothing stays pending on it.
    await waitUntil(async () => (await tempFiles()) === 0, 10_000);
    expect((await put(upload.href, bytes)).status).toBe(200);
    expect((await verify(check.href, bytes)).status).toBe(200);
  });

  it('answers a store failure as a server error, not as the client sending the wrong size, and keeps the URL usable', async () => {
    const bytes = randomBytes(64 * 1024);
    const { upload, verify: check } = await actions(bytes);
    // The store's temp folder turns into a file: every put fails with ENOTDIR.
    await rm(tmpDir, { recursive: true, force: true });
    await writeFile(tmpDir, 'not a folder');
    try {
      const failed = await put(upload.href, bytes);
      expect(failed.status).toBe(500);
      expect(failed.headers.get('x-error-code')).not.toBe('SizeMismatch');
    } finally {
      await rm(tmpDir, { force: true });
      await mkdir(tmpDir);
    }
    expect((await put(upload.href, bytes)).status).toBe(200);
    expect((await verify(check.href, bytes)).status).toBe(200);
  });

  it('completes a multipart upload: a part list that does not match is a 400, a store failure a 500 that a retry gets past', async () => {
    const bytes = randomBytes(6 * MiB);
    const { upload } = await actions(bytes);
    const partUrls = [upload.header!['1'], upload.header!['2']];
    const parts = [];
    for (const [i, url] of partUrls.entries()) {
      const r = await put(url, bytes.subarray(i * 5 * MiB, (i + 1) * 5 * MiB));
      expect(r.status).toBe(200);
      parts.push({ partNumber: i + 1, etag: r.headers.get('etag') });
    }
    const complete = (list: object[]) =>
      fetch(upload.href, { method: 'POST', headers: { 'Content-Type': LFS, Accept: LFS }, body: JSON.stringify({ oid: sha256(bytes), parts: list }) });

    const wrongEtag = await complete([parts[0], { ...parts[1], etag: `"${'0'.repeat(32)}"` }]);
    expect([wrongEtag.status, wrongEtag.headers.get('x-error-code')]).toEqual([400, 'InvalidParts']);

    await rm(tmpDir, { recursive: true, force: true });
    await writeFile(tmpDir, 'not a folder');
    try {
      const failed = await complete(parts);
      expect(failed.status).toBe(500);
      expect(failed.headers.get('x-error-code')).not.toBe('InvalidParts');
    } finally {
      await rm(tmpDir, { force: true });
      await mkdir(tmpDir);
    }
    expect((await complete(parts)).status).toBe(200);
    await commit(t, u.token, id, [header('mp'), { key: 'lfsFile', value: { path: 'mp.bin', algo: 'sha256', oid: sha256(bytes), size: bytes.length } }]).expect(200);
  });
});
