import { randomBytes } from 'node:crypto';
import { ADMIN_TOKEN, startTestApp, TestApp } from '../support/test-app';
import { createUserWithToken, TestUser, uniqueName } from '../support/accounts';
import { expectHfError } from '../support/hf-error';
import { commit, createRepo, file, header } from '../support/repos';
import { lfsFile, sha256hex, uploadLfs } from '../support/lfs-upload';

const admin = { 'X-Admin-Token': ADMIN_TOKEN };

describe('admin API: repositories', () => {
  let t: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  let model: string;
  const v1 = randomBytes(4096);
  const v2 = randomBytes(5000);
  beforeAll(async () => {
    t = await startTestApp();
    alice = await createUserWithToken(t);
    bob = await createUserWithToken(t);
    model = uniqueName('mdl');
    await createRepo(t, alice.token, model, { private: true }).expect(200);
    await createRepo(t, alice.token, `${model}-data`, { type: 'dataset' }).expect(200);
    await createRepo(t, bob.token, model).expect(200);
    const id = `${alice.username}/${model}`;
    await uploadLfs(t, alice.token, id, v1);
    await commit(t, alice.token, id, [header('v1'), file('config.json', '{"a":1}'), lfsFile('weights.bin', v1), lfsFile('copy.bin', v1)]).expect(200);
    await uploadLfs(t, alice.token, id, v2);
    await commit(t, alice.token, id, [header('v2'), lfsFile('weights.bin', v2), file('README.md', '# hi\n')]).expect(200);
    await commit(t, alice.token, id, [header('v3'), lfsFile('weights.bin', v1)]).expect(200);
  });
  afterAll(() => t.close());

  it('lists every repository, private ones too, with owner and usage; filters, search, sort and pagination', async () => {
    const all = await t.http().get(`/admin/api/repositories?search=${model}`).set(admin).expect(200);
    expect(all.body).toMatchObject({ total: 3, limit: 100, offset: 0, search: model });
    const mine = all.body.repositories.find((r: { full_id: string }) => r.full_id === `${alice.username}/${model}`);
    expect(mine).toEqual({
      id: expect.any(Number),
      repo_type: 'model',
      namespace: alice.username,
      name: model,
      full_id: `${alice.username}/${model}`,
      private: true,
      owner_id: expect.any(Number),
      owner_username: alice.username,
      owner_is_org: false,
      created_at: expect.any(String),
      quota_bytes: null,
      used_bytes: expect.any(Number),
      percentage_used: null,
      effective_quota_bytes: null,
      is_inheriting: true,
    });
    const [{ used }] = (await t.db.query(`SELECT used_bytes::bigint AS used FROM repositories WHERE id = $1`, [mine.id])).rows;
    expect(mine.used_bytes).toBe(Number(used));
    expect(mine.used_bytes).toBeGreaterThanOrEqual(v1.length + v2.length);

    const datasets = await t.http().get(`/admin/api/repositories?search=${model}&repo_type=dataset`).set(admin).expect(200);
    expect(datasets.body.repositories.map((r: { full_id: string }) => r.full_id)).toEqual([`${alice.username}/${model}-data`]);
    const bobs = await t.http().get(`/admin/api/repositories?namespace=${bob.username.toUpperCase()}`).set(admin).expect(200);
    expect(bobs.body.repositories.map((r: { full_id: string }) => r.full_id)).toEqual([`${bob.username}/${model}`]);
    const page = await t.http().get(`/admin/api/repositories?search=${model}&sort=used_bytes&order=desc&limit=1&offset=0`).set(admin).expect(200);
    expect(page.body.repositories.map((r: { full_id: string }) => r.full_id)).toEqual([`${alice.username}/${model}`]);
    expect(page.body.total).toBe(3);
    const past = await t.http().get(`/admin/api/repositories?search=${model}&offset=10`).set(admin).expect(200);
    expect(past.body).toMatchObject({ repositories: [], total: 3 });

    // A quota makes percentage_used meaningful.
    await t.http().put(`/admin/api/quota/${alice.username}`).set(admin).send({ private_quota_bytes: mine.used_bytes * 4, public_quota_bytes: null }).expect(200);
    const withQuota = await t.http().get(`/admin/api/repositories?namespace=${alice.username}&repo_type=model`).set(admin).expect(200);
    expect(withQuota.body.repositories[0]).toMatchObject({ effective_quota_bytes: mine.used_bytes * 4, percentage_used: 25, is_inheriting: true });

    expectHfError(await t.http().get('/admin/api/repositories?repo_type=bucket').set(admin), 400, 'ValidationError');
    expectHfError(await t.http().get('/admin/api/repositories?sort=private').set(admin), 400, 'ValidationError');
    expectHfError(await t.http().get('/admin/api/repositories').set('Authorization', `Bearer ${alice.token}`), 403, 'InvalidAdminToken');
  });

  it('details: file count and size at the default branch, commits, usage', async () => {
    const d = await t.http().get(`/admin/api/repositories/model/${alice.username}/${model}`).set(admin).expect(200);
    // .gitattributes (created with the repo), config.json, weights.bin, copy.bin, README.md
    const gitattributes = (await t.http().get(`/api/models/${alice.username}/${model}/tree/main`).set('Authorization', `Bearer ${alice.token}`).expect(200)).body.find(
      (e: { path: string }) => e.path === '.gitattributes',
    );
    expect(d.body).toMatchObject({ full_id: `${alice.username}/${model}`, file_count: 5, commit_count: 4, private: true });
    expect(d.body.total_size).toBe(gitattributes.size + 7 + v1.length + v1.length + 5);
    expectHfError(await t.http().get(`/admin/api/repositories/model/${alice.username}/nope`).set(admin), 404, 'RepoNotFound');
    expectHfError(await t.http().get(`/admin/api/repositories/bucket/${alice.username}/${model}`).set(admin), 400, 'BadRequest');
  });

  it('files at a ref: LFS flag, sha256, versions per path', async () => {
    const f = await t.http().get(`/admin/api/repositories/model/${alice.username}/${model}/files`).set(admin).expect(200);
    expect(f.body).toMatchObject({ ref: 'main', count: 5 });
    const byPath = Object.fromEntries(f.body.files.map((x: { path: string }) => [x.path, x]));
    expect(byPath['weights.bin']).toEqual({
      path: 'weights.bin',
      size: v1.length,
      checksum: `sha256:${sha256hex(v1)}`,
      mtime: expect.any(Number),
      is_lfs: true,
      sha256: sha256hex(v1),
      version_count: 2, // v1, v2, v1 again: two distinct contents
    });
    expect(byPath['config.json']).toMatchObject({ is_lfs: false, sha256: null, version_count: 1, size: 7 });
    expect(byPath['config.json'].checksum).toMatch(/^[0-9a-f]{40}$/);
    // weights.bin's current content came back in the last commit; config.json's is from the first.
    expect(byPath['weights.bin'].mtime).toBeGreaterThanOrEqual(byPath['config.json'].mtime);

    const commits = (await t.http().get(`/api/models/${alice.username}/${model}/commits/main`).set('Authorization', `Bearer ${alice.token}`).expect(200)).body;
    const first = commits[commits.length - 2].id; // the one before is the repo's creation
    const old = await t.http().get(`/admin/api/repositories/model/${alice.username}/${model}/files?ref=${first}`).set(admin).expect(200);
    expect(old.body.files.map((x: { path: string }) => x.path).sort()).toEqual(['.gitattributes', 'config.json', 'copy.bin', 'weights.bin']);
    expect(old.body.files.find((x: { path: string }) => x.path === 'weights.bin').version_count).toBe(1);
    expectHfError(await t.http().get(`/admin/api/repositories/model/${alice.username}/${model}/files?ref=nope`).set(admin), 404, 'RevisionNotFound');
  });

  it('storage breakdown: regular vs LFS, distinct objects, dedup savings, what is kept', async () => {
    const s = await t.http().get(`/admin/api/repositories/model/${alice.username}/${model}/storage-breakdown`).set(admin).expect(200);
    expect(s.body).toMatchObject({
      lfs_files_size: 2 * v1.length,
      lfs_object_count: 2,
      unique_lfs_objects: 1,
      deduplication_savings: v1.length,
      stored_lfs_objects: 2,
      stored_lfs_bytes: v1.length + v2.length,
      shared_lfs_bytes: 0,
    });
    expect(s.body.total_size).toBe(s.body.regular_files_size + s.body.lfs_files_size);
    expect(s.body.regular_files_size).toBeGreaterThan(7 + 5);
  });

  it('commits across repositories: filters by repository and author, sort, pagination', async () => {
    await commit(t, bob.token, `${bob.username}/${model}`, [header('bob was here\n\nwith a body'), file('b.txt', 'b')]).expect(200);
    const mine = await t.http().get(`/admin/api/commits?repo_full_id=${alice.username}/${model}&repo_type=model`).set(admin).expect(200);
    expect(mine.body).toMatchObject({ limit: 100, offset: 0 });
    expect(mine.body.commits.map((c: { message: string }) => c.message)).toEqual(['v3', 'v2', 'v1', expect.any(String)]);
    const head = (await t.http().get(`/api/models/${alice.username}/${model}/revision/main`).set('Authorization', `Bearer ${alice.token}`).expect(200)).body.sha;
    expect(mine.body.commits[0]).toEqual({
      id: expect.any(Number),
      commit_id: head,
      repo_full_id: `${alice.username}/${model}`,
      repo_type: 'model',
      private: true,
      branch: 'main',
      user_id: expect.any(Number),
      username: alice.username,
      author_email: `${alice.username}@example.com`,
      message: 'v3',
      description: '',
      created_at: expect.any(String),
    });
    expect(mine.body.commits[1].branch).toBeNull();

    const bobs = await t.http().get(`/admin/api/commits?username=${bob.username}`).set(admin).expect(200);
    expect(bobs.body.commits.map((c: { repo_full_id: string }) => c.repo_full_id)).toEqual([`${bob.username}/${model}`, `${bob.username}/${model}`]);
    expect(bobs.body.commits[0]).toMatchObject({ message: 'bob was here', description: 'with a body', username: bob.username });
    const oldest = await t.http().get(`/admin/api/commits?repo_full_id=${alice.username}/${model}&sort=created_at&order=asc&limit=2&offset=1`).set(admin).expect(200);
    expect(oldest.body.commits.map((c: { message: string }) => c.message)).toEqual(['v1', 'v2']);
    const none = await t.http().get(`/admin/api/commits?username=nobody-at-all`).set(admin).expect(200);
    expect(none.body.commits).toEqual([]);
    expectHfError(await t.http().get('/admin/api/commits?repo_full_id=just-a-name').set(admin), 400, 'InvalidRepoId');
    expectHfError(await t.http().get('/admin/api/commits?sort=message').set(admin), 400, 'ValidationError');
  });
});
