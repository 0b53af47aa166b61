import { commit as jsCommit } from '@huggingface/hub';
import { startTestApp, TestApp } from '../support/test-app';
import { createUserWithToken, TestUser, uniqueName } from '../support/accounts';
import { expectHfError } from '../support/hf-error';
import { commit, createRepo, file, header } from '../support/repos';
import { git, gitUrl, runGit, scratchDirs } from '../support/git-cli';

/**
 * Discussions and pull requests (issue 19): @huggingface/hub's isPullRequest lands in a pull
 * request discussion, and the permission matrix of every discussion operation on an
 * organization's public repository (and the private-repository rows).
 */
describe('discussions', () => {
  let t: TestApp;
  let admin: TestUser;
  let member: TestUser;
  let author: TestUser;
  let stranger: TestUser;
  let readOnly: TestUser;
  let org: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUserWithToken(t);
    member = await createUserWithToken(t);
    author = await createUserWithToken(t);
    stranger = await createUserWithToken(t);
    readOnly = { ...admin, token: (await createUserWithToken(t, uniqueName('ro'), 'read')).token };
    org = uniqueName('dorg');
    await t.http().post('/org/create').set(bearer(admin)).send({ name: org }).expect(200);
    await t.http().post(`/org/${org}/members`).set(bearer(admin)).send({ username: member.username, role: 'member' }).expect(200);
  });
  afterAll(() => t.close());

  const bearer = (u: TestUser | null) => (u ? { Authorization: `Bearer ${u.token}` } : {});

  async function newRepo(isPrivate = false): Promise<string> {
    const name = uniqueName('dr');
    await createRepo(t, admin.token, name, { organization: org, private: isPrivate }).expect(200);
    const id = `${org}/${name}`;
    await commit(t, admin.token, id, [header('base'), file('a.txt', 'a\n')]).expect(200);
    return id;
  }

  /** A pull request by `author` (a commit with create_pr) and its number. */
  async function openPr(id: string, path = 'pr.txt'): Promise<number> {
    const res = await commit(t, author.token, id, [header('PR'), file(path, `${path}\n`)], { query: '?create_pr=1' }).expect(200);
    return Number(res.body.pullRequestUrl.split('/').pop());
  }

  it('@huggingface/hub commit with isPullRequest opens a pull request discussion', async () => {
    const id = await newRepo();
    const res = await jsCommit({
      repo: { type: 'model', name: id },
      accessToken: author.token,
      hubUrl: t.baseUrl,
      title: 'From JS',
      isPullRequest: true,
      operations: [{ operation: 'addOrUpdate', path: 'js.txt', content: new Blob(['js\n']) }],
      useXet: false,
    });
    expect(res?.pullRequestUrl).toMatch(/\/discussions\/1$/);
    const details = await t.http().get(`/api/models/${id}/discussions/1`).expect(200);
    expect(details.body).toMatchObject({ num: 1, title: 'From JS', isPullRequest: true, status: 'open', author: { name: author.username }, changes: { base: 'refs/heads/main' } });
    expect(details.body.events.map((e: { type: string; data: { oid?: string } }) => [e.type, e.data.oid])).toEqual([['commit', res!.commit.oid]]);
  });

  type Role = 'anonymous' | 'readToken' | 'stranger' | 'author' | 'member' | 'admin';
  const ROLES: Role[] = ['anonymous', 'readToken', 'stranger', 'author', 'member', 'admin'];
  const userOf = (r: Role): TestUser | null => ({ anonymous: null, readToken: readOnly, stranger, author, member, admin })[r];

  /** Each operation: a fresh target made by `author`, then the call as a role. */
  const operations: Record<string, { allowed: Role[]; run: (id: string, as: TestUser | null) => Promise<{ status: number }> }> = {
    'list discussions': { allowed: ROLES, run: (id, as) => t.http().get(`/api/models/${id}/discussions`).set(bearer(as)) },
    'read details and diff': { allowed: ROLES, run: async (id, as) => t.http().get(`/api/models/${id}/discussions/${await openPr(id)}?diff=1`).set(bearer(as)) },
    'open a discussion': {
      allowed: ['stranger', 'author', 'member', 'admin'],
      run: (id, as) => t.http().post(`/api/models/${id}/discussions`).set(bearer(as)).send({ title: 'hi', description: 'there' }),
    },
    'open a pull request': {
      allowed: ['stranger', 'author', 'member', 'admin'],
      run: (id, as) => t.http().post(`/api/models/${id}/discussions`).set(bearer(as)).send({ title: 'draft', pullRequest: true }),
    },
    comment: {
      allowed: ['stranger', 'author', 'member', 'admin'],
      run: async (id, as) => t.http().post(`/api/models/${id}/discussions/${await openPr(id)}/comment`).set(bearer(as)).send({ comment: 'hello' }),
    },
    rename: {
      allowed: ['author', 'admin'],
      run: async (id, as) => t.http().post(`/api/models/${id}/discussions/${await openPr(id)}/title`).set(bearer(as)).send({ title: 'renamed' }),
    },
    'change status': {
      allowed: ['author', 'admin'],
      run: async (id, as) => t.http().post(`/api/models/${id}/discussions/${await openPr(id)}/status`).set(bearer(as)).send({ status: 'closed' }),
    },
    merge: { allowed: ['member', 'admin'], run: async (id, as) => t.http().post(`/api/models/${id}/discussions/${await openPr(id)}/merge`).set(bearer(as)).send({}) },
    'edit a comment': {
      allowed: ['author', 'admin'],
      run: async (id, as) => {
        const num = await openPr(id);
        const c = await t.http().post(`/api/models/${id}/discussions/${num}/comment`).set(bearer(author)).send({ comment: 'mine' }).expect(200);
        return t.http().post(`/api/models/${id}/discussions/${num}/comment/${c.body.newMessage.id}/edit`).set(bearer(as)).send({ content: 'edited' });
      },
    },
    'hide a comment': {
      allowed: ['author', 'admin'],
      run: async (id, as) => {
        const num = await openPr(id);
        const c = await t.http().post(`/api/models/${id}/discussions/${num}/comment`).set(bearer(author)).send({ comment: 'mine' }).expect(200);
        return t.http().post(`/api/models/${id}/discussions/${num}/comment/${c.body.newMessage.id}/hide`).set(bearer(as)).send({});
      },
    },
    'commit to refs/pr/N': {
      allowed: ['author', 'member', 'admin'],
      run: async (id, as) => commit(t, as?.token ?? '', id, [header('more'), file('more.txt', 'more\n')], { revision: `refs/pr/${await openPr(id)}` }),
    },
  };

  it.each(Object.keys(operations))('permission matrix: %s', async (name) => {
    const op = operations[name];
    const id = await newRepo();
    const seen: Record<string, number> = {};
    const expected: Record<string, number> = {};
    for (const role of ROLES) {
      seen[role] = (await op.run(id, userOf(role))).status;
      // Denied: anonymous 401, a read-only token or a caller without the right 403.
      expected[role] = op.allowed.includes(role) ? 200 : role === 'anonymous' ? 401 : 403;
    }
    expect(seen).toEqual(expected);
  });

  it('optional fields sent as null count as absent (never a 500)', async () => {
    const id = await newRepo();
    const num = await openPr(id);
    const created = await t.http().post(`/api/models/${id}/discussions`).set(bearer(admin)).send({ title: 'nulls', description: null, pullRequest: null }).expect(200);
    expect(created.body).toMatchObject({ isPullRequest: false, numComments: 0 });
    await t.http().post(`/api/models/${id}/discussions/${created.body.num}/status`).set(bearer(admin)).send({ status: 'closed', comment: null }).expect(200);
    await t.http().post(`/api/models/${id}/discussions/${num}/merge`).set(bearer(admin)).send({ comment: null }).expect(200);
    const events = (await t.http().get(`/api/models/${id}/discussions/${num}`).expect(200)).body.events;
    expect(events.map((e: { type: string }) => e.type)).toEqual(['commit', 'status-change']);
  });

  it('a private repository has no discussions for those who may not read it', async () => {
    const id = await newRepo(true);
    const num = Number((await commit(t, member.token, id, [header('private PR'), file('p.txt', 'p\n')], { query: '?create_pr=1' }).expect(200)).body.pullRequestUrl.split('/').pop());
    for (const [as, status] of [
      [stranger, 404],
      [null, 401],
    ] as const) {
      expectHfError(await t.http().get(`/api/models/${id}/discussions`).set(bearer(as)), status, 'RepoNotFound');
      expectHfError(await t.http().get(`/api/models/${id}/discussions/${num}`).set(bearer(as)), status, 'RepoNotFound');
      expectHfError(await t.http().post(`/api/models/${id}/discussions/${num}/comment`).set(bearer(as)).send({ comment: 'x' }), status, 'RepoNotFound');
      expectHfError(await t.http().post(`/api/models/${id}/discussions/${num}/merge`).set(bearer(as)).send({}), status, 'RepoNotFound');
    }
    await t.http().get(`/api/models/${id}/discussions/${num}`).set(bearer(member)).expect(200);
  });
  it('git push: the author of a pull request pushes to its refs/pr/N, not to a branch or another user\'s pull request', async () => {
    const dirs = scratchDirs();
    try {
      const id = await newRepo();
      const num = await openPr(id);
      const res = await commit(t, stranger.token, id, [header('other PR'), file('o.txt', 'o\n')], { query: '?create_pr=1' }).expect(200);
      const otherNum = Number(res.body.pullRequestUrl.split('/').pop());
      const url = gitUrl(t.baseUrl, id, { user: author.username, token: author.token });
      const dir = dirs.make();
      await git(dir, 'clone', '-q', url, '.');
      await git(dir, 'fetch', '-q', 'origin', `refs/pr/${num}:pr`);
      await git(dir, 'checkout', '-q', 'pr');
      await git(dir, 'commit', '-q', '--allow-empty', '-m', 'pushed by the author');
      await git(dir, 'push', '-q', 'origin', `HEAD:refs/pr/${num}`);
      const details = (await t.http().get(`/api/models/${id}/discussions/${num}`).expect(200)).body;
      expect(details.events.filter((e: { type: string }) => e.type === 'commit').map((e: { data: { subject: string } }) => e.data.subject)).toContain('pushed by the author');

      const before = await git(dir, 'ls-remote', url);
      await git(dir, 'commit', '-q', '--allow-empty', '-m', 'not theirs');
      const toMain = await runGit(['push', 'origin', 'HEAD:refs/heads/main'], { cwd: dir });
      expect(toMain.code).not.toBe(0);
      expect(toMain.stderr).toMatch(/\[remote rejected\] HEAD -> main \(you cannot write to .*: push to the refs\/pr\/N of a pull request you opened\)/);
      await git(dir, 'fetch', '-q', 'origin', `refs/pr/${otherNum}:other`);
      await git(dir, 'checkout', '-q', 'other');
      await git(dir, 'commit', '-q', '--allow-empty', '-m', 'not theirs either');
      const toOther = await runGit(['push', 'origin', `HEAD:refs/pr/${otherNum}`], { cwd: dir });
      expect(toOther.code).not.toBe(0);
      expect(toOther.stderr).toContain(`(only the author of pull request #${otherNum} or a writer of ${id} can push to refs/pr/${otherNum})`);
      expect(await git(dir, 'ls-remote', url)).toBe(before);
      const other = (await t.http().get(`/api/models/${id}/discussions/${otherNum}`).expect(200)).body;
      expect(other.events.filter((e: { type: string }) => e.type === 'commit')).toHaveLength(1);

      // A writer still pushes anywhere.
      const writerUrl = gitUrl(t.baseUrl, id, { user: member.username, token: member.token });
      await git(dir, 'push', '-q', writerUrl, 'HEAD:refs/heads/main');
    } finally {
      dirs.cleanup();
    }
  });
  it('discussionsDisabled: no discussions, only writers open pull requests and comment; shown in repo info; turned back on', async () => {
    const id = await newRepo();
    const num = await openPr(id);
    const settings = (body: object, as: TestUser = admin) => t.http().put(`/api/models/${id}/settings`).set(bearer(as)).send(body);
    expectHfError(await settings({ discussionsDisabled: true }, author), 403, 'Forbidden');
    expect((await t.http().get(`/api/models/${id}`).expect(200)).body.discussionsDisabled).toBe(false);
    await settings({ discussionsDisabled: true }).expect(200);
    expect((await t.http().get(`/api/models/${id}`).expect(200)).body.discussionsDisabled).toBe(true);
    expectHfError(await settings({ discussionsDisabled: 'yes' }), 400, 'ValidationError');
    const refsBefore = (await t.http().get(`/api/models/${id}/refs?include_prs=1`).expect(200)).body;

    // Nobody opens a plain discussion; a non-writer neither opens a pull request nor comments.
    for (const as of [author, member, admin]) {
      expectHfError(await t.http().post(`/api/models/${id}/discussions`).set(bearer(as)).send({ title: 'hello' }), 403, 'DiscussionsDisabled');
    }
    expectHfError(await t.http().post(`/api/models/${id}/discussions`).set(bearer(author)).send({ title: 'pr', pullRequest: true }), 403, 'DiscussionsDisabled');
    expectHfError(await t.http().post(`/api/models/${id}/discussions/${num}/comment`).set(bearer(author)).send({ comment: 'x' }), 403, 'DiscussionsDisabled');
    expectHfError(await commit(t, author.token, id, [header('PR'), file('n.txt', 'n\n')], { query: '?create_pr=1' }), 403, 'DiscussionsDisabled');
    expect((await t.http().get(`/api/models/${id}/refs?include_prs=1`).expect(200)).body).toEqual(refsBefore);
    const listed = (await t.http().get(`/api/models/${id}/discussions`).expect(200)).body;
    expect(listed.count).toBe(1);

    // Writers keep pull requests: open, comment, merge.
    const byMember = await commit(t, member.token, id, [header('writer PR'), file('w.txt', 'w\n')], { query: '?create_pr=1' }).expect(200);
    const writerNum = Number(byMember.body.pullRequestUrl.split('/').pop());
    await t.http().post(`/api/models/${id}/discussions`).set(bearer(admin)).send({ title: 'empty', pullRequest: true }).expect(200);
    await t.http().post(`/api/models/${id}/discussions/${writerNum}/comment`).set(bearer(member)).send({ comment: 'ok' }).expect(200);
    await t.http().post(`/api/models/${id}/discussions/${writerNum}/merge`).set(bearer(admin)).send({}).expect(200);

    await settings({ discussionsDisabled: false }).expect(200);
    await t.http().post(`/api/models/${id}/discussions`).set(bearer(author)).send({ title: 'back' }).expect(200);
    await t.http().post(`/api/models/${id}/discussions/${num}/comment`).set(bearer(author)).send({ comment: 'y' }).expect(200);
  });
});
