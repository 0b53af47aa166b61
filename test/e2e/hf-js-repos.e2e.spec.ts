import { commit, createBranch, createRepo, deleteRepo, downloadFile, fileExists, listCommits, listFiles, uploadFiles } from '@huggingface/hub';
import { startTestApp, TestApp } from '../support/test-app';
import { createUserWithToken, TestUser, uniqueName } from '../support/accounts';

/** @huggingface/hub (from npm) drives repositories, commits and downloads as against the public hub. */
describe('@huggingface/hub repositories', () => {
  let t: TestApp;
  let u: TestUser;
  beforeAll(async () => {
    t = await startTestApp();
    u = await createUserWithToken(t);
  });
  afterAll(() => t.close());

  it('createRepo, uploadFiles, commit, listFiles, fileExists, downloadFile, listCommits, deleteRepo', async () => {
    const repo = { type: 'model' as const, name: `${u.username}/${uniqueName('js')}` };
    const creds = { accessToken: u.token, hubUrl: t.baseUrl };
    await createRepo({ repo, ...creds });

    await uploadFiles({
      repo,
      ...creds,
      files: [
        { path: 'hello.txt', content: new Blob(['hello from js']) },
        { path: 'nested/data.json', content: new Blob([JSON.stringify({ a: 1 })]) },
      ],
      useXet: false,
    });
    const committed = await commit({
      repo,
      ...creds,
      title: 'edit',
      operations: [
        { operation: 'addOrUpdate', path: 'hello.txt', content: new Blob(['hello again']) },
        { operation: 'delete', path: 'nested/data.json' },
      ],
      useXet: false,
    });
    expect(committed?.commit.oid).toMatch(/^[0-9a-f]{40}$/);

    const files: string[] = [];
    for await (const f of listFiles({ repo, ...creds, recursive: true })) files.push(f.path);
    expect(files.sort()).toEqual(['.gitattributes', 'hello.txt']);
    expect(await fileExists({ repo, ...creds, path: 'hello.txt' })).toBe(true);
    expect(await fileExists({ repo, ...creds, path: 'nested/data.json' })).toBe(false);

    const blob = await downloadFile({ repo, ...creds, path: 'hello.txt' });
    expect(await blob?.text()).toBe('hello again');

    const titles: string[] = [];
    for await (const c of listCommits({ repo, ...creds })) titles.push(c.title);
    expect(titles.slice(0, 1)).toEqual(['edit']);
    expect(titles).toHaveLength(3);

    await deleteRepo({ repo, ...creds });
    const gone = await t.http().get(`/api/models/${repo.name}`).set('Authorization', `Bearer ${u.token}`);
    expect(gone.status).toBe(404);
  });

  it('createBranch: empty (a parentless commit, no files: EntryNotFound there) and overwrite (moves an existing branch)', async () => {
    const repo = { type: 'model' as const, name: `${u.username}/${uniqueName('js-branch')}` };
    const creds = { accessToken: u.token, hubUrl: t.baseUrl };
    await createRepo({ repo, ...creds });
    const put = async (path: string) =>
      (await commit({ repo, ...creds, title: path, operations: [{ operation: 'addOrUpdate', path, content: new Blob([path]) }], useXet: false }))!.commit.oid;
    const head = async (branch: string) => (await t.http().get(`/api/models/${repo.name}/revision/${branch}`).set('Authorization', `Bearer ${u.token}`).expect(200)).body.sha;
    await put('hello.txt');

    await createBranch({ repo, ...creds, branch: 'empty', empty: true });
    const files: string[] = [];
    for await (const f of listFiles({ repo, ...creds, revision: 'empty' })) files.push(f.path);
    expect(files).toEqual([]);
    const missing = await t.http().get(`/${repo.name}/resolve/empty/hello.txt`).set('Authorization', `Bearer ${u.token}`);
    expect(missing.status).toBe(404);
    expect(missing.headers['x-error-code']).toBe('EntryNotFound');
    const history: string[] = [];
    for await (const c of listCommits({ repo, ...creds, revision: 'empty' })) history.push(c.oid);
    expect(history).toHaveLength(1);

    await createBranch({ repo, ...creds, branch: 'dev' });
    const devAtFirst = await head('dev');
    const second = await put('second.txt');
    await expect(createBranch({ repo, ...creds, branch: 'dev' })).rejects.toThrow(/already exists/);
    await createBranch({ repo, ...creds, branch: 'dev', overwrite: true }); // no revision: a no-op
    expect(await head('dev')).toBe(devAtFirst);
    await createBranch({ repo, ...creds, branch: 'dev', revision: 'main', overwrite: true });
    expect(await head('dev')).toBe(second);
    await createBranch({ repo, ...creds, branch: 'dev', empty: true, overwrite: true });
    expect(await fileExists({ repo, ...creds, path: 'hello.txt', revision: 'dev' })).toBe(false);
  });

  it('createRepo with files and license, and a space: the first commit holds them (README front matter, .gitattributes replaced)', async () => {
    const creds = { accessToken: u.token, hubUrl: t.baseUrl };
    const text = async (repo: { type: 'model' | 'space'; name: string }, path: string) => (await (await downloadFile({ repo, ...creds, path }))!.text());

    const withFiles = { type: 'model' as const, name: `${u.username}/${uniqueName('js-files')}` };
    await createRepo({
      repo: withFiles,
      ...creds,
      license: 'mit',
      files: [
        { path: '.gitattributes', content: new Blob(['*.weights filter=lfs diff=lfs merge=lfs -text\n']) },
        { path: 'config/settings.json', content: new Blob(['{"a":1}']) },
      ],
    });
    expect(await text(withFiles, '.gitattributes')).toBe('*.weights filter=lfs diff=lfs merge=lfs -text\n');
    expect(await text(withFiles, 'config/settings.json')).toBe('{"a":1}');
    expect(await text(withFiles, 'README.md')).toMatch(/^---\n(?:.*\n)*license: mit\n(?:.*\n)*---\n/);
    const info = await t.http().get(`/api/models/${withFiles.name}`).set('Authorization', `Bearer ${u.token}`).expect(200);
    expect(info.body.cardData?.license).toBe('mit');
    const titles: string[] = [];
    for await (const c of listCommits({ repo: withFiles, ...creds })) titles.push(c.title);
    expect(titles).toHaveLength(1);

    const space = { type: 'space' as const, name: `${u.username}/${uniqueName('js-space')}` };
    await createRepo({ repo: space, ...creds, sdk: 'gradio' });
    expect(await text(space, 'README.md')).toMatch(/^---\n(?:.*\n)*sdk: gradio\n(?:.*\n)*---\n/);

    const plain = { type: 'model' as const, name: `${u.username}/${uniqueName('js-plain')}` };
    await createRepo({ repo: plain, ...creds });
    expect(await fileExists({ repo: plain, ...creds, path: 'README.md' })).toBe(false);
  });

  it('commit: an empty file is an empty blob, and deleting a folder by its name (no slash) deletes it', async () => {
    const repo = { type: 'model' as const, name: `${u.username}/${uniqueName('js-edge')}` };
    const creds = { accessToken: u.token, hubUrl: t.baseUrl };
    await createRepo({ repo, ...creds });
    await commit({
      repo,
      ...creds,
      title: 'files',
      operations: [
        { operation: 'addOrUpdate', path: 'empty.txt', content: new Blob([]) },
        { operation: 'addOrUpdate', path: 'folder/a.txt', content: new Blob(['a']) },
        { operation: 'addOrUpdate', path: 'folder/sub/b.txt', content: new Blob(['b']) },
      ],
      useXet: false,
    });
    expect(await (await downloadFile({ repo, ...creds, path: 'empty.txt' }))!.text()).toBe('');
    await commit({ repo, ...creds, title: 'drop the folder', operations: [{ operation: 'delete', path: 'folder' }], useXet: false });
    const files: string[] = [];
    for await (const f of listFiles({ repo, ...creds, recursive: true })) files.push(f.path);
    expect(files.sort()).toEqual(['.gitattributes', 'empty.txt']);
  });
});
