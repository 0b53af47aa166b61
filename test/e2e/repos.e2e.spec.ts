import { startTestApp, TestApp } from '../support/test-app';
import { createUserWithToken, TestUser, uniqueName } from '../support/accounts';
import { expectHfError } from '../support/hf-error';
import { commit, createRepo, file, header } from '../support/repos';

describe('repositories and commits', () => {
  let t: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  const as = (u: TestUser) => ({ Authorization: `Bearer ${u.token}` });
  const head = async (id: string) => (await t.db.query(`SELECT oid FROM git_refs r JOIN repositories p ON p.id = r.repo_id JOIN namespaces n ON n.id = p.namespace_id WHERE n.name || '/' || p.name = $1 AND r.name = 'refs/heads/main'`, [id])).rows[0]?.oid;

  beforeAll(async () => {
    t = await startTestApp();
    alice = await createUserWithToken(t);
    bob = await createUserWithToken(t);
  });
  afterAll(() => t.close());

  it('creates a repository with a first commit holding .gitattributes, and 409 with its url when it exists', async () => {
    const name = uniqueName('m');
    const res = await createRepo(t, alice.token, name).expect(200);
    expect(res.body).toEqual({ url: expect.stringMatching(new RegExp(`/${alice.username}/${name}$`)), name: `${alice.username}/${name}`, id: `${alice.username}/${name}` });
    const again = await createRepo(t, alice.token, name.toUpperCase());
    expectHfError(again, 409, 'RepoExists');
    expect(again.body.url).toMatch(new RegExp(`/${alice.username}/${name}$`));
    const info = await t.http().get(`/api/models/${alice.username}/${name}`).expect(200);
    expect(info.body).toMatchObject({ id: `${alice.username}/${name}`, author: alice.username, private: false, siblings: [{ rfilename: '.gitattributes' }] });
    expect(info.body.sha).toMatch(/^[0-9a-f]{40}$/);
  });

  it('commits files, deletes, copies, and shows them in repo info with the same commit id', async () => {
    const name = uniqueName('m');
    await createRepo(t, alice.token, name).expect(200);
    const id = `${alice.username}/${name}`;
    const first = await commit(t, alice.token, id, [header('add files'), file('README.md', '---\ntags: [demo]\nlicense: mit\n---\n# hi\n'), file('a/b/c.txt', 'c'), file('a/d.txt', 'd')]).expect(200);
    expect(first.body.commitOid).toMatch(/^[0-9a-f]{40}$/);
    expect(first.body.commitUrl).toMatch(new RegExp(`/${id}/commit/${first.body.commitOid}$`));
    expect(first.body.pullRequestUrl).toBeNull();
    expect(await head(id)).toBe(first.body.commitOid);

    const second = await commit(t, alice.token, id, [
      header('rework', { description: 'longer text' }),
      { key: 'deletedFolder', value: { path: 'a/b' } },
      { key: 'copyFile', value: { srcPath: 'a/d.txt', path: 'copy/d.txt' } },
      { key: 'deletedFile', value: { path: 'a/d.txt' } },
    ]).expect(200);
    const info = await t.http().get(`/api/models/${id}?blobs=true`).expect(200);
    expect(info.body.sha).toBe(second.body.commitOid);
    expect(info.body.siblings.map((s: { rfilename: string }) => s.rfilename).sort()).toEqual(['.gitattributes', 'README.md', 'copy/d.txt']);
    expect(info.body.cardData).toEqual({ tags: ['demo'], license: 'mit' });
    expect(info.body.tags).toEqual(expect.arrayContaining(['demo', 'license:mit']));
    const atFirst = await t.http().get(`/api/models/${id}/revision/${first.body.commitOid}`).expect(200);
    expect(atFirst.body.siblings.map((s: { rfilename: string }) => s.rfilename).sort()).toEqual(['.gitattributes', 'README.md', 'a/b/c.txt', 'a/d.txt']);
    const listed = await t.http().get(`/api/models?author=${alice.username}&filter=demo`).expect(200);
    expect(listed.body.map((r: { id: string }) => r.id)).toEqual([id]);
  });

  it('a stale parentCommit is 412 and moves nothing; a current one commits', async () => {
    const name = uniqueName('m');
    await createRepo(t, alice.token, name).expect(200);
    const id = `${alice.username}/${name}`;
    const base = await head(id);
    await commit(t, alice.token, id, [header('one'), file('x', '1')]).expect(200);
    const moved = await head(id);
    expectHfError(await commit(t, alice.token, id, [header('stale', { parentCommit: base }), file('x', '2')]), 412, 'PreconditionFailed');
    expect(await head(id)).toBe(moved);
    await commit(t, alice.token, id, [header('fresh', { parentCommit: moved }), file('x', '2')]).expect(200);
  });

  it('commits several files with the same content (one object, recorded once)', async () => {
    const name = uniqueName('m');
    await createRepo(t, alice.token, name).expect(200);
    const id = `${alice.username}/${name}`;
    await commit(t, alice.token, id, [header('twins'), file('a.txt', 'same\n'), file('b/c.txt', 'same\n')]).expect(200);
    const tree = await t.http().get(`/api/models/${id}/tree/main?recursive=true`).set('Authorization', `Bearer ${alice.token}`).expect(200);
    const blobs = tree.body.filter((e: { type: string; path: string }) => e.type === 'file' && e.path !== '.gitattributes');
    expect(blobs.map((e: { path: string }) => e.path).sort()).toEqual(['a.txt', 'b/c.txt']);
    expect(new Set(blobs.map((e: { oid: string }) => e.oid)).size).toBe(1);
  });

  it('32 concurrent commits to one branch all land, in a linear history', async () => {
    const name = uniqueName('m');
    await createRepo(t, alice.token, name).expect(200);
    const id = `${alice.username}/${name}`;
    const results = await Promise.all(Array.from({ length: 32 }, (_, i) => commit(t, alice.token, id, [header(`c${i}`), file(`f${i}.txt`, `${i}`)])));
    expect(results.map((r) => r.status)).toEqual(Array(32).fill(200));
    const info = await t.http().get(`/api/models/${id}`).expect(200);
    expect(info.body.siblings).toHaveLength(33);
    const chain = await t.db.query(
      `SELECT count(*)::int AS n, count(DISTINCT generation)::int AS g, max(cardinality(parents))::int AS p FROM git_commits c JOIN repositories r ON r.id = c.repo_id WHERE r.name = $1`,
      [name],
    );
    expect(chain.rows[0]).toEqual({ n: 33, g: 33, p: 1 });
  });

  it('create_pr commits to refs/pr/N and leaves the branch alone', async () => {
    const name = uniqueName('m');
    await createRepo(t, alice.token, name).expect(200);
    const id = `${alice.username}/${name}`;
    const before = await head(id);
    const pr = await commit(t, alice.token, id, [header('proposal'), file('p.txt', 'p')], { query: '?create_pr=1' }).expect(200);
    expect(pr.body.pullRequestUrl).toMatch(new RegExp(`/${id}/discussions/1$`));
    expect(await head(id)).toBe(before);
    const atPr = await t.http().get(`/api/models/${id}/revision/${encodeURIComponent('refs/pr/1')}`).expect(200);
    expect(atPr.body.sha).toBe(pr.body.commitOid);
  });

  it('refuses bad payloads with exact codes and leaves the ref where it was', async () => {
    const name = uniqueName('m');
    await createRepo(t, alice.token, name).expect(200);
    const id = `${alice.username}/${name}`;
    const before = await head(id);
    const cases: [string, number, string][] = [
      ['not json\n', 400, 'InvalidCommitPayload'],
      [JSON.stringify({ key: 'file', value: { path: 'x', content: 'eA==' } }) + '\n', 400, 'InvalidCommitPayload'],
      [JSON.stringify(header('h')) + '\n' + JSON.stringify({ key: 'weird', value: {} }) + '\n', 400, 'InvalidCommitPayload'],
      [JSON.stringify(header('h')) + '\n' + JSON.stringify(file('../etc/passwd', 'x')) + '\n', 422, 'InvalidPath'],
      [JSON.stringify(header('h')) + '\n' + JSON.stringify(file('/abs', 'x')) + '\n', 400, 'InvalidPath'],
      [JSON.stringify(header('h')) + '\n' + JSON.stringify(file('..\\b', 'x')) + '\n', 422, 'InvalidPath'],
      [JSON.stringify(header('h')) + '\n' + JSON.stringify(file('a/../../b', 'x')) + '\n', 422, 'InvalidPath'],
      [JSON.stringify(header('h')) + '\n' + JSON.stringify(file('a\u0000b', 'x')) + '\n', 400, 'InvalidPath'],
      [JSON.stringify(header('h')) + '\n' + JSON.stringify(file('.git/config', 'x')) + '\n', 400, 'InvalidPath'],
      [JSON.stringify(header('h')) + '\n' + JSON.stringify(file('x'.repeat(1100), 'x')) + '\n', 400, 'InvalidPath'],
      [JSON.stringify(header('h')) + '\n' + JSON.stringify({ key: 'file', value: { path: 'x', content: '!!!notbase64', encoding: 'base64' } }) + '\n', 400, 'InvalidCommitPayload'],
      [JSON.stringify(header('h')) + '\n' + JSON.stringify({ key: 'deletedFile', value: { path: 'missing.txt' } }) + '\n', 404, 'EntryNotFound'],
      [JSON.stringify(header('h')) + '\n' + JSON.stringify({ key: 'lfsFile', value: { path: 'w.bin', oid: 'a'.repeat(64), size: 3 } }) + '\n', 422, 'LfsObjectNotFound'],
      [JSON.stringify(header('h', { parentCommit: 'zzz' })) + '\n', 400, 'InvalidCommitPayload'],
    ];
    for (const [body, status, code] of cases) expectHfError(await commit(t, alice.token, id, body), status, code);
    expectHfError(await commit(t, alice.token, id, [header('h')], { revision: 'no-such-branch' }), 404, 'RevisionNotFound');
    expect(await head(id)).toBe(before);
  });

  it('answers 413 for an NDJSON line over the limit', async () => {
    const small = await startTestApp({ HANGAR_COMMIT_MAX_LINE_BYTES: '2048' });
    try {
      const u = await createUserWithToken(small);
      await createRepo(small, u.token, 'big').expect(200);
      expectHfError(await commit(small, u.token, `${u.username}/big`, [header('h'), file('big.txt', 'x'.repeat(5000))]), 413, 'PayloadTooLarge');
    } finally {
      await small.close();
    }
  });

  it('private repositories are 401 RepoNotFound to anonymous callers, 404 to non-members; writes need rights', async () => {
    const name = uniqueName('p');
    await createRepo(t, alice.token, name, { private: true }).expect(200);
    const id = `${alice.username}/${name}`;
    expectHfError(await t.http().get(`/api/models/${id}`), 401, 'RepoNotFound');
    expectHfError(await t.http().get(`/api/models/${id}`).set(as(bob)), 404, 'RepoNotFound');
    expectHfError(await commit(t, bob.token, id, [header('x'), file('x', 'x')]), 404, 'RepoNotFound');
    await t.http().get(`/api/models/${id}`).set(as(alice)).expect(200);
    // Bob can read a public repo of Alice's but not write to it.
    const pub = uniqueName('m');
    await createRepo(t, alice.token, pub).expect(200);
    expectHfError(await commit(t, bob.token, `${alice.username}/${pub}`, [header('x'), file('x', 'x')]), 403, 'Forbidden');
    const reader = await createUserWithToken(t, uniqueName('ro'), 'read');
    expectHfError(await createRepo(t, reader.token, 'nope'), 403, 'ReadOnlyToken');
    expectHfError(await createRepo(t, bob.token, 'sneaky', { organization: alice.username }), 403, 'Forbidden');
    const listed = await t.http().get(`/api/models?author=${alice.username}`).expect(200);
    expect(listed.body.map((r: { id: string }) => r.id)).not.toContain(id);
    const mine = await t.http().get(`/api/models?author=${alice.username}`).set(as(alice)).expect(200);
    expect(mine.body.map((r: { id: string }) => r.id)).toContain(id);
  });

  it('settings make a repo private; an org member writes to org repos', async () => {
    const org = uniqueName('org');
    await t.http().post('/org/create').set(as(alice)).send({ name: org }).expect(200);
    await t.http().post(`/org/${org}/members`).set(as(alice)).send({ username: bob.username, role: 'member' }).expect(200);
    await createRepo(t, alice.token, 'shared', { organization: org }).expect(200);
    await commit(t, bob.token, `${org}/shared`, [header('by bob'), file('b.txt', 'b')]).expect(200);
    // A member may not change settings; an admin may.
    expectHfError(await t.http().put(`/api/models/${org}/shared/settings`).set(as(bob)).send({ private: true }), 403, 'Forbidden');
    await t.http().put(`/api/models/${org}/shared/settings`).set(as(alice)).send({ private: true }).expect(200);
    expectHfError(await t.http().get(`/api/models/${org}/shared`), 401, 'RepoNotFound');
    await t.http().get(`/api/models/${org}/shared`).set(as(bob)).expect(200);
    expectHfError(await t.http().put(`/api/models/${org}/shared/settings`).set(as(alice)).send({ private: 'yes' }), 400, 'ValidationError');
    expectHfError(await t.http().put(`/api/models/${org}/shared/settings`).set(as(alice)).send({ visibility: 'secret' }), 400, 'ValidationError');
    // huggingface_hub ≥ 1.x says `visibility` instead of `private`.
    await t.http().put(`/api/models/${org}/shared/settings`).set(as(alice)).send({ visibility: 'public' }).expect(200);
    await t.http().get(`/api/models/${org}/shared`).expect(200);
    await createRepo(t, alice.token, 'vis', { organization: org, visibility: 'private' }).expect(200);
    expectHfError(await t.http().get(`/api/models/${org}/vis`), 401, 'RepoNotFound');
  });

  it('moves a repository with its history; the old id redirects until reused; delete removes it', async () => {
    const name = uniqueName('m');
    await createRepo(t, alice.token, name).expect(200);
    const id = `${alice.username}/${name}`;
    const c = await commit(t, alice.token, id, [header('keep me'), file('k.txt', 'k')]).expect(200);
    const moved = await t.http().post('/api/repos/move').set(as(alice)).send({ fromRepo: id, toRepo: `${alice.username}/${name}-new` }).expect(200);
    expect(moved.body.id).toBe(`${alice.username}/${name}-new`);
    const info = await t.http().get(`/api/models/${alice.username}/${name}-new`).expect(200);
    expect(info.body.sha).toBe(c.body.commitOid);
    const old = await t.http().get(`/api/models/${id}`).redirects(0);
    expect(old.status).toBe(307);
    expect(old.headers.location).toBe(`/api/models/${alice.username}/${name}-new`);
    const oldResolve = await t.http().get(`/${id}/resolve/main/k.txt`).redirects(0);
    expect([oldResolve.status, oldResolve.headers.location]).toEqual([307, `/${alice.username}/${name}-new/resolve/main/k.txt`]);
    // Reusing the old name ends the redirect.
    await createRepo(t, alice.token, name).expect(200);
    expect((await t.http().get(`/api/models/${id}`).redirects(0)).status).toBe(200);
    await t.http().delete('/api/repos/delete').set(as(alice)).send({ name, organization: alice.username }).expect(200);
    expectHfError(await t.http().get(`/api/models/${id}`).set(as(alice)), 404, 'RepoNotFound');
    expectHfError(await t.http().get(`/api/models/${id}`), 401, 'RepoNotFound');
    expectHfError(await t.http().delete('/api/repos/delete').set(as(bob)).send({ name: `${name}-new`, organization: alice.username }), 403, 'Forbidden');
  });

  it('refuses bad repository names and types', async () => {
    for (const [body, code] of [
      [{ name: 'bad name' }, 'InvalidRepoName'],
      [{ name: '-x' }, 'InvalidRepoName'],
      [{ name: 'a--b' }, 'InvalidRepoName'],
      [{ name: 'x'.repeat(97) }, 'InvalidRepoName'],
      [{ name: 'ok', type: 'weights' }, 'ValidationError'],
      [{ name: 'ok', organization: 'no-such-org' }, 'NamespaceNotFound'],
    ] as [object, string][]) {
      const res = await t.http().post('/api/repos/create').set(as(alice)).send(body);
      expect([res.status, res.headers['x-error-code']]).toEqual([code === 'NamespaceNotFound' ? 404 : 400, code]);
    }
  });

  it('datasets and spaces live in their own type', async () => {
    await createRepo(t, alice.token, 'same-name', { type: 'dataset' }).expect(200);
    await createRepo(t, alice.token, 'same-name', { type: 'space', sdk: 'gradio' }).expect(200);
    await createRepo(t, alice.token, 'same-name').expect(200);
    const ds = await t.http().get(`/api/datasets/${alice.username}/same-name`).expect(200);
    const sp = await t.http().get(`/api/spaces/${alice.username}/same-name`).expect(200);
    expect(sp.body.sdk).toBe('gradio');
    expect(ds.body.id).toBe(`${alice.username}/same-name`);
    const repos = await t.http().get(`/api/users/${alice.username}/repos`).expect(200);
    expect(repos.body.datasets.map((r: { id: string }) => r.id)).toContain(`${alice.username}/same-name`);
    expect(repos.body.spaces.map((r: { id: string }) => r.id)).toContain(`${alice.username}/same-name`);
  });

  it('the admin cannot delete a user who owns repositories without force', async () => {
    const carol = await createUserWithToken(t);
    await createRepo(t, carol.token, 'mine').expect(200);
    const admin = { 'X-Admin-Token': require('../support/test-app').ADMIN_TOKEN };
    const res = await t.http().delete(`/admin/api/users/${carol.username}`).set(admin);
    expectHfError(res, 409, 'UserOwnsRepositories');
    expect(res.body.owned_repositories).toEqual([`model:${carol.username}/mine`]);
    const forced = await t.http().delete(`/admin/api/users/${carol.username}?force=true`).set(admin).expect(200);
    expect(forced.body.deleted_repositories).toEqual([`model:${carol.username}/mine`]);
  });
});

describe('validate-yaml', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('answers 200 with warnings for valid metadata and 400 with errors otherwise', async () => {
    const ok = await t.http().post('/api/validate-yaml').send({ content: '---\nlicense: mit\ntags: [a, b]\n---\n# x\n', repoType: 'model' }).expect(200);
    expect(ok.body).toEqual({ warnings: [] });
    const noMeta = await t.http().post('/api/validate-yaml').send({ content: '# just a title\n', repoType: 'model' }).expect(200);
    expect(noMeta.body).toEqual({ warnings: [{ message: 'No YAML metadata block found' }] });
    const badYaml = await t.http().post('/api/validate-yaml').send({ content: '---\nlicense: [mit\n---\n', repoType: 'model' });
    expectHfError(badYaml, 400, 'ValidationError');
    expect(badYaml.body.errors[0].message).toMatch(/Invalid YAML/);
    const badShape = await t.http().post('/api/validate-yaml').send({ content: '---\ntags: {a: 1}\n---\n' });
    expectHfError(badShape, 400, 'ValidationError');
    expect(badShape.body.errors).toEqual([{ message: '"tags" must be a string or a list of strings' }]);
    expectHfError(await t.http().post('/api/validate-yaml').send({}), 400, 'ValidationError');
  });
});

describe('LFS settings', () => {
  let t: TestApp;
  let u: TestUser;
  beforeAll(async () => {
    t = await startTestApp({ HANGAR_LFS_SUFFIX_RULES: '.gguf' });
    u = await createUserWithToken(t);
  });
  afterAll(() => t.close());

  const preupload = (id: string, files: { path: string; size: number }[]) =>
    t.http().post(`/api/models/${id}/preupload/main`).set('Authorization', `Bearer ${u.token}`).send({ files });

  it('reports server defaults, takes repository values through settings, and preupload follows them', async () => {
    await createRepo(t, u.token, 'lfs-set').expect(200);
    const id = `${u.username}/lfs-set`;
    const defaults = await t.http().get(`/api/models/${id}/lfs/settings`).expect(200);
    expect(defaults.body).toEqual({
      lfs_threshold_bytes: null,
      lfs_threshold_bytes_effective: 10485760,
      lfs_threshold_bytes_source: 'server_default',
      lfs_suffix_rules: null,
      lfs_suffix_rules_effective: ['.gguf'],
      lfs_suffix_rules_source: 'server_default',
      lfs_keep_versions: null,
      lfs_keep_versions_effective: null,
      lfs_keep_versions_source: 'server_default',
    });
    const modes = async () => (await preupload(id, [{ path: 'a.txt', size: 2048 }, { path: 'm.gguf', size: 10 }, { path: 'w.onnx', size: 10 }]).expect(200)).body.files.map((f: { uploadMode: string }) => f.uploadMode);
    // .onnx is LFS by the default .gitattributes; .gguf by the server's suffix rule.
    expect(await modes()).toEqual(['regular', 'lfs', 'lfs']);
    await t.http().put(`/api/models/${id}/settings`).set('Authorization', `Bearer ${u.token}`).send({ lfs_threshold_bytes: 1024, lfs_suffix_rules: ['.txt'], lfs_keep_versions: 3 }).expect(200);
    const own = await t.http().get(`/api/models/${id}/lfs/settings`).expect(200);
    expect(own.body).toMatchObject({ lfs_threshold_bytes: 1024, lfs_threshold_bytes_source: 'repository', lfs_suffix_rules_effective: ['.txt'], lfs_keep_versions_effective: 3 });
    expect(await modes()).toEqual(['lfs', 'regular', 'lfs']);
    await t.http().put(`/api/models/${id}/settings`).set('Authorization', `Bearer ${u.token}`).send({ lfs_threshold_bytes: null, lfs_suffix_rules: null }).expect(200);
    expect((await t.http().get(`/api/models/${id}/lfs/settings`).expect(200)).body).toMatchObject({ lfs_threshold_bytes_source: 'server_default', lfs_suffix_rules_source: 'server_default', lfs_keep_versions: 3 });
    for (const bad of [{ lfs_threshold_bytes: 0 }, { lfs_threshold_bytes: 'big' }, { lfs_suffix_rules: ['../x'] }, { lfs_keep_versions: -1 }]) {
      expectHfError(await t.http().put(`/api/models/${id}/settings`).set('Authorization', `Bearer ${u.token}`).send(bad), 400, 'ValidationError');
    }
  });
});
